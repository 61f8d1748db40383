"""Amazon Bedrock provisioned throughput (``aws_bedrock_provisioned_model_throughput``).

Provisioned throughput is billed per model unit per hour (``model_units`` × hours), at a
price that depends on the model and on ``commitment_duration`` (none, one month, six
months). No dated public price for Bedrock model units is in the reference data aicost
builds its tables from, so these workloads are listed as unpriced with that reason rather
than guessed; on-demand Bedrock token use is priced from ``aicost-llm.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.model import Deployment, LlmUsage, WorkloadClass
from aicost.core.sensitive import MASK
from aicost.mappers.base import Handler, MapContext, Side, classify


def _model_id(arn: str) -> str:
    """``arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1:100k`` -> model id."""
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn


def provisioned_throughput(side: Side, ctx: MapContext) -> Iterator[tuple[str | None, Deployment]]:
    arn = side.text("model_arn")
    units = side.integer("model_units")
    if side.sensitive("model_arn"):
        # The model id is part of the ARN: masking only the whole ARN would leak it.
        model = MASK
    elif arn and not side.unknown("model_arn"):
        model = _model_id(arn)
    else:
        model = "(model known after apply)"
    tags, sensitive = side.tags("tags_all", "tags")
    commitment = side.text("commitment_duration") or "no commitment"
    workload_class, reason = classify(
        tags,
        {},
        ctx.settings,
        kind=WorkloadClass.INFERENCE,
        kind_reason="resource kind: Bedrock provisioned throughput serves model calls",
    )
    yield (
        None,
        Deployment(
            cloud="aws",
            service="bedrock",
            region=side.region(),
            instance_type=None,
            accelerator=None,
            capacity=(),
            workload_class=workload_class,
            class_reason=reason,
            purchase_reason=f"provisioned throughput, {commitment}",
            tags=tags,
            sensitive=sensitive,
            notes=(f"{units or 0} model units of {model}, commitment: {commitment}",),
            llm=LlmUsage(
                provider="bedrock",
                model=model,
                deployment_type="provisioned",
                provisioned_units=Decimal(units or 0),
                provisioned_unit="model unit",
            ),
        ),
    )


HANDLERS: dict[str, Handler] = {
    "aws_bedrock_provisioned_model_throughput": provisioned_throughput,
}
