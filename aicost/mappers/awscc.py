"""The awscc provider (AWS Cloud Control API): resources with no hashicorp/aws twin.

``awscc_sagemaker_cluster`` is a SageMaker HyperPod cluster: each instance group is a
training workload (see :func:`aicost.mappers.aws_capacity.hyperpod_cluster`).
"""

from __future__ import annotations

from aicost.mappers.aws_capacity import hyperpod_cluster
from aicost.mappers.base import Handler

HANDLERS: dict[str, Handler] = {
    "awscc_sagemaker_cluster": hyperpod_cluster,
}
