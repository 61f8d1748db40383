"""Shared helpers of the LLM rules (llm-model, llm-max-tokens, llm-caching)."""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterator
from decimal import Decimal

from aicost.core.model import Deployment, LlmUsage, PricedWorkload
from aicost.policy.context import CheckContext
from aicost.policy.schema import RuleConfig
from aicost.pricing.tokens import (
    ModelPrice,
    lookup,
    model_family,
    monthly_cost,
    normalise_model,
    provider_key,
)

TIER_TAGS = ("tier", "use-case-tier", "llm-tier", "aicost:tier", "aicost/tier")


def llm_targets(
    rule: RuleConfig, ctx: CheckContext
) -> Iterator[tuple[PricedWorkload, Deployment, LlmUsage]]:
    for item, planned in ctx.targets(rule):
        if planned.llm is not None:
            yield item, planned, planned.llm


def tier_of(deployment: Deployment, llm: LlmUsage) -> str | None:
    if llm.tier:
        return llm.tier
    for key in TIER_TAGS:
        if deployment.tags.get(key):
            return deployment.tags[key]
    return None


def model_matches(pattern: str, llm: LlmUsage) -> bool:
    """``gpt-4o``, ``gpt-4o*``, ``openai/gpt-4o`` or ``bedrock/*claude*`` against a workload."""
    entry = pattern.strip().lower()
    provider = provider_key(llm.provider)
    if "/" in entry:
        wanted_provider, entry = entry.split("/", 1)
        if provider_key(wanted_provider) != provider:
            return False
    # A policy's ``gpt-4o`` covers its dated snapshots (``gpt-4o-2024-05-13``) too.
    names = {llm.model.lower(), normalise_model(llm.model), model_family(llm.model)}
    if any(ch in entry for ch in "*?["):
        return any(fnmatch.fnmatchcase(name, entry) for name in names)
    return entry in names or normalise_model(entry) in names


def cost_with(ctx: CheckContext, llm: LlmUsage, **changes: object) -> Decimal | None:
    """Monthly cost of *llm* with some fields changed (another model, a cached share...)."""
    changed = dataclasses.replace(llm, **changes)  # type: ignore[arg-type]
    found = lookup(
        ctx.pricer.book, changed.provider, changed.model, deployment_type=changed.deployment_type
    )
    if not isinstance(found, ModelPrice):
        return None
    result = monthly_cost(found, changed)
    return None if result is None else result[0]
