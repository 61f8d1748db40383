"""Training runs on interruptible (spot) capacity.

Training jobs checkpoint and can resume, so they are the workloads that can take spot
capacity at 50-70% off on-demand. A training workload (by its ``workload`` tag, its
kind, or its name) whose nodes are bought any other way is flagged, with the monthly
saving of the required option when the price table has it.

.. code-block:: yaml

   - id: spot-training
     type: training-purchase
     severity: error
     require: [spot]

``require`` takes purchase options: ``spot``, ``on-demand``, ``reserved``,
``savings-plan``, ``committed``, ``capacity-reservation``, ``capacity-block``.
"""

from __future__ import annotations

from collections.abc import Iterator

from aicost.core.model import WorkloadClass
from aicost.policy.context import CheckContext
from aicost.policy.finding import Finding
from aicost.policy.rules._purchase import PurchaseConfig, check_purchase

TYPE = "training-purchase"
TITLE = "Training uses the required purchase option (spot)"
REMEDIATION = (
    'Run training on spot capacity: instance_market_options { market_type = "spot" } on '
    'aws_instance, capacity_type = "SPOT" on aws_eks_node_group, or a mixed instances '
    "policy with 0% on-demand above base."
)


class Config(PurchaseConfig):
    pass


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    return check_purchase(rule, ctx, WorkloadClass.TRAINING)
