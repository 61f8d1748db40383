"""Module calls static mode cannot read: what they deploy is unknown, never nothing.

A registry or git module that ``terraform init`` has not downloaded (or a local path that
does not exist) hides its resources from static mode. Such a call reaches the mappers as
one change of the pseudo type ``module`` per instance (see :mod:`aicost.sources.counts`).
It becomes one workload that cannot be priced, so the ``unpriced`` rule decides how
serious that is, unless the module is one whose resources are known to carry no
accelerators (:data:`KNOWN_WITHOUT_ACCELERATORS`: networking, identity, keys, storage).

A module that can create machines (EKS, GKE, autoscaling groups, anything unknown) stays
an AI workload that cannot be priced: run ``terraform init`` or check a plan to see inside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aicost.core.model import Deployment
from aicost.mappers.base import MapContext, Side, build_deployment
from aicost.sources.counts import UNREAD_MODULE_TYPE

#: Registry modules (``namespace/name/provider``, any submodule) that create no machines,
#: with why. Only modules whose every resource type is one aicost maps as non-AI or does
#: not map at all belong here.
KNOWN_WITHOUT_ACCELERATORS: dict[str, str] = {
    "terraform-aws-modules/vpc/aws": "VPC networking",
    "terraform-aws-modules/security-group/aws": "security groups",
    "terraform-aws-modules/kms/aws": "KMS keys",
    "terraform-aws-modules/key-pair/aws": "an EC2 key pair",
    "terraform-aws-modules/iam/aws": "IAM roles, users and policies",
    "terraform-aws-modules/eks-pod-identity/aws": "IAM roles for EKS pod identity",
    "terraform-aws-modules/s3-bucket/aws": "S3 buckets",
    "terraform-aws-modules/acm/aws": "ACM certificates",
    "terraform-aws-modules/route53/aws": "Route 53 zones and records",
    "terraform-aws-modules/dynamodb-table/aws": "DynamoDB tables",
    "terraform-aws-modules/sqs/aws": "SQS queues",
    "terraform-aws-modules/sns/aws": "SNS topics",
    "terraform-aws-modules/ecr/aws": "ECR repositories",
    "terraform-aws-modules/cloudwatch/aws": "CloudWatch alarms and logs",
    "terraform-google-modules/network/google": "VPC networking",
    "terraform-google-modules/project-factory/google": "projects and APIs",
    "terraform-google-modules/iam/google": "IAM bindings",
    "terraform-google-modules/service-accounts/google": "service accounts",
    "terraform-google-modules/cloud-storage/google": "Cloud Storage buckets",
    "terraform-google-modules/cloud-nat/google": "Cloud NAT",
    "Azure/network/azurerm": "virtual networks",
    "Azure/vnet/azurerm": "virtual networks",
    "Azure/naming/azurerm": "resource names only",
}

_REGISTRY = re.compile(
    r"^(?:(?P<host>[a-z0-9.-]+\.[a-z]+)/)?"
    r"(?P<namespace>[A-Za-z0-9][A-Za-z0-9_-]*)/(?P<name>[A-Za-z0-9_-]+)/(?P<provider>[a-z0-9]+)"
    r"(?://.*)?$"
)
_REGISTRY_HOSTS = (None, "registry.terraform.io", "registry.opentofu.org")
#: A registry module's provider -> aicost's cloud name.
_CLOUDS = {"aws": "aws", "google": "gcp", "azurerm": "azure"}


def registry_address(source: str) -> tuple[str, str] | None:
    """(``namespace/name/provider``, provider) of a registry module source, else None."""
    match = _REGISTRY.match(source)
    if match is None or match["host"] not in _REGISTRY_HOSTS:
        return None
    address = f"{match['namespace']}/{match['name']}/{match['provider']}"
    return address, match["provider"]


def unread_module(side: Side, ctx: MapContext) -> Iterable[tuple[str | None, Deployment]]:
    source = side.text("source")
    reason = side.text("reason") or "its files cannot be read"
    cloud = "unknown"
    known: str | None = None
    if source is not None:
        found = registry_address(source)
        if found is not None:
            address, provider = found
            cloud = _CLOUDS.get(provider, provider)
            known = KNOWN_WITHOUT_ACCELERATORS.get(address)
    shown = f"module source {source!r}" if source else "module source not literal"
    deployment = build_deployment(
        side,
        ctx,
        cloud=cloud,
        service="module",
        region=None,
        instance_type=None,
        accelerator=None,
        ai=False if known else None,
        capacity=(),
        purchase_reason="unknown: the module's resources are not read",
        tags={},
        unknown=() if known else ("module",),
        notes=(f"{shown}: {reason}",),
    )
    yield None, deployment


HANDLERS = {UNREAD_MODULE_TYPE: unread_module}
