"""Prompt caching for LLM workloads above a request volume.

Providers bill cached input tokens at a tenth to a half of the normal input price; a
workload that sends the same system prompt or documents on every call saves most of its
input cost by caching them. Workloads at or above ``min_requests_per_day`` (or
``min_requests_per_month``) with average prompts of at least ``min_input_tokens`` (caches
apply to long prompts only) that do not use prompt caching are flagged, with the saving of
caching ``assumed_cached_share`` of their input tokens (an estimate, labelled as one).
``require: true`` says the policy requires caching; otherwise it is a recommendation.
Models without a cached-input price are skipped unless caching is required.

.. code-block:: yaml

   - id: prompt-caching
     type: llm-caching
     severity: warning
     min_requests_per_day: 1000
     assumed_cached_share: 0.5
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.calendar import DAYS_PER_MONTH
from aicost.core.declared import Field
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.rules._llm import cost_with, llm_targets
from aicost.policy.schema import RuleConfig
from aicost.pricing.tokens import ModelPrice, lookup

TYPE = "llm-caching"
TITLE = "High-volume LLM workloads use prompt caching"
REMEDIATION = (
    "Put the stable part of the prompt (system prompt, tools, documents) first and enable "
    "prompt caching (automatic on OpenAI; cache_control blocks on Anthropic and Bedrock; "
    "context caching on Gemini), then record cached_input_share in aicost-llm.yaml."
)


class Config(RuleConfig):
    min_requests_per_day: Decimal | None = Field(default=None, ge=0)
    min_requests_per_month: Decimal | None = Field(default=None, ge=0)
    min_input_tokens: Decimal = Field(default=Decimal(1024), ge=0)
    assumed_cached_share: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)
    require: bool = False


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    threshold = rule.min_requests_per_month
    if threshold is None and rule.min_requests_per_day is not None:
        threshold = rule.min_requests_per_day * DAYS_PER_MONTH
    threshold = threshold if threshold is not None else Decimal(0)
    for item, _planned, llm in llm_targets(rule, ctx):
        requests = llm.requests_per_month
        if requests is None or requests < threshold:
            continue
        if llm.caching is True or llm.cached_input_share > 0:
            continue
        if llm.input_tokens is not None and llm.input_tokens < rule.min_input_tokens:
            continue
        found = lookup(ctx.pricer.book, llm.provider, llm.model)
        supported = isinstance(found, ModelPrice) and found.price("cache_read") is not None
        if not supported and not rule.require:
            continue
        verb = "policy requires prompt caching" if rule.require else "prompt caching recommended"
        message = (
            f"{requests:,.0f} requests/month of {llm.model} without prompt caching; {verb} "
            f"above {threshold:,.0f} requests/month"
        )
        saving = None
        if supported and item.monthly_cost is not None:
            cached = cost_with(ctx, llm, cached_input_share=rule.assumed_cached_share, caching=True)
            if cached is not None and cached < item.monthly_cost:
                saving = item.monthly_cost - cached
                message += (
                    f"; caching {rule.assumed_cached_share:.0%} of input would save about "
                    f"{usd(saving)}/month (estimate)"
                )
        elif not supported:
            message += " (the token table has no cached-input price for this model)"
        yield finding(rule, item, message, monthly_saving=saving)
