"""LLM usage workloads (``aicost-llm.yaml``) as AI workloads priced per token.

Each workload becomes a :class:`~aicost.core.model.Deployment` with an
:class:`~aicost.core.model.LlmUsage` and no machines: the pricer sends it to
:mod:`aicost.pricing.tokens`. Its class is ``inference`` (``batch`` when all of it goes
through a batch API) unless a ``workload`` tag says otherwise; its tags are the workload's
``tags`` plus ``team``, ``use-case`` and ``model`` from the workload's own fields, so the
required-tags and budget rules see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.calendar import DAYS_PER_MONTH
from aicost.core.model import Deployment, LlmUsage, WorkloadClass
from aicost.mappers.base import Handler, MapContext, Side, classify
from aicost.sources.llm_usage import RESOURCE_TYPE, LlmWorkloadSpec


def usage(side: Side, ctx: MapContext) -> Iterator[tuple[str | None, Deployment]]:
    spec = side.values.get("workload")
    if not isinstance(spec, LlmWorkloadSpec):
        return
    assert spec.provider is not None and spec.model is not None
    requests = spec.requests_per_month
    notes: list[str] = []
    if requests is None and spec.requests_per_day is not None:
        requests = spec.requests_per_day * DAYS_PER_MONTH
        notes.append(f"{spec.requests_per_day} requests a day × {DAYS_PER_MONTH:.2f} days")
    cached = spec.cached_input_share or Decimal(0)
    llm = LlmUsage(
        provider=spec.provider,
        model=spec.model,
        requests_per_month=requests,
        input_tokens=spec.input_tokens,
        output_tokens=spec.output_tokens,
        cached_input_share=cached,
        cache_write_share=spec.cache_write_share or Decimal(0),
        batch_share=spec.batch_share
        if spec.batch_share is not None
        else Decimal(1 if "batch" in (spec.deployment_type or "").lower() else 0),
        max_tokens=spec.max_tokens,
        caching=spec.prompt_caching
        if spec.prompt_caching is not None
        else (True if cached else None),
        tier=spec.tier,
        service_tier=spec.service_tier,
        cache_ttl=spec.cache_ttl,
        deployment_type=spec.deployment_type,
        use_case=spec.use_case,
    )
    tags = dict(spec.tags)
    if spec.team:
        tags.setdefault("team", spec.team)
    if spec.use_case:
        tags.setdefault("use-case", spec.use_case)
    tags.setdefault("model", spec.model)
    kind = WorkloadClass.BATCH if llm.batch_share == 1 else WorkloadClass.INFERENCE
    workload_class, reason = classify(
        tags,
        {},
        ctx.settings,
        kind=kind,
        kind_reason="LLM API calls (all through the batch API)"
        if kind is WorkloadClass.BATCH
        else "LLM API calls serve requests",
    )
    yield (
        None,
        Deployment(
            cloud="llm",
            service=llm.provider,
            region=spec.region,
            instance_type=None,
            accelerator=None,
            capacity=(),
            workload_class=workload_class,
            class_reason=reason,
            purchase_reason="billed per token",
            tags=tags,
            ai=True,
            notes=tuple(notes),
            llm=llm,
        ),
    )


HANDLERS: dict[str, Handler] = {RESOURCE_TYPE: usage}
