"""LLM workloads use the models their use-case tier allows.

A support chatbot rarely needs the frontier model a research agent does; a cheaper model in
the same family often costs a tenth as much. ``tiers`` maps a use-case tier (the workload's
``tier`` in ``aicost-llm.yaml``, or its ``tier`` tag) to ``allow`` and ``deny`` lists; the
``default`` tier applies to workloads with no tier or a tier not listed. Top-level ``allow``
and ``deny`` apply to every tier. Entries are model names (``gpt-4o``, ``claude-haiku-4-5``),
``provider/model`` or shell-style globs (``gpt-4o*``, ``bedrock/*opus*``). With
``deny_deprecated: true``, models past their provider's deprecation date are denied too.

A finding names the cheapest allowed model the token table prices for the same provider and
the monthly saving of switching to it.

.. code-block:: yaml

   - id: llm-models
     type: llm-model
     severity: error
     deny: [gpt-4, gpt-4-32k]
     tiers:
       standard: {allow: [gpt-4o-mini, gpt-5-mini, claude-haiku-4-5, gemini-2.5-flash]}
       premium: {allow: [gpt-4o, gpt-5, claude-sonnet-4-5, gemini-2.5-pro]}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from aicost.core.declared import ConfigDict, Field, Model
from aicost.core.model import LlmUsage
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.rules._llm import cost_with, llm_targets, model_matches, tier_of
from aicost.policy.schema import RuleConfig, StrList
from aicost.pricing.tokens import ModelPrice, lookup, provider_key

TYPE = "llm-model"
TITLE = "LLM workloads use the models allowed for their use-case tier"
REMEDIATION = (
    "Switch the workload to an allowed model for its tier (the cheapest one is named), or "
    "move it to a tier that allows this model."
)


class TierModels(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    allow: StrList | None = None
    deny: StrList = Field(default_factory=list)


class Config(RuleConfig):
    allow: StrList | None = None
    deny: StrList = Field(default_factory=list)
    tiers: dict[str, TierModels] = Field(default_factory=dict)
    deny_deprecated: bool = False


def _cheapest(
    ctx: CheckContext, entries: list[str], provider: str, current: Decimal | None, **usage: object
) -> tuple[str, Decimal] | None:
    best: tuple[str, Decimal] | None = None
    for entry in entries:
        if any(ch in entry for ch in "*?["):
            continue
        wanted_provider, _, model = entry.rpartition("/")
        if wanted_provider and provider_key(wanted_provider) != provider_key(provider):
            continue
        cost = cost_with(ctx, usage["llm"], model=model)  # type: ignore[arg-type]
        if cost is not None and (best is None or cost < best[1]):
            best = (model, cost)
    if best is None or current is None or best[1] >= current:
        return None
    return best


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    today = dt.date.today().isoformat()
    for item, planned, llm in llm_targets(rule, ctx):
        problem, allow = _problem(rule, ctx, tier_of(planned, llm), llm, today)
        if problem is None:
            continue
        saving = None
        alternative = _cheapest(ctx, allow or [], llm.provider, item.monthly_cost, llm=llm)
        if alternative is not None and item.monthly_cost is not None:
            saving = item.monthly_cost - alternative[1]
            problem += f"; {alternative[0]} would cost {usd(alternative[1])}/month"
        yield finding(rule, item, problem, monthly_saving=saving)


def _problem(
    rule: Config, ctx: CheckContext, tier: str | None, llm: LlmUsage, today: str
) -> tuple[str | None, list[str] | None]:
    """What is wrong with *llm*'s model for its *tier* (None if nothing), and the models
    the tier allows."""
    tier_rules = rule.tiers.get(tier or "") or rule.tiers.get("default")
    deny = [*rule.deny, *(tier_rules.deny if tier_rules else [])]
    allow = tier_rules.allow if tier_rules and tier_rules.allow is not None else rule.allow
    where = f"tier {tier}" if tier else "workloads with no tier"
    problem = None
    denied = next((entry for entry in deny if model_matches(entry, llm)), None)
    if denied is not None:
        problem = f"{llm.model} is denied for {where} ({denied})"
    elif allow is not None and not any(model_matches(e, llm) for e in allow):
        problem = f"{llm.model} is not allowed for {where} (allowed: {', '.join(allow) or 'none'})"
    elif rule.deny_deprecated:
        found = lookup(ctx.pricer.book, llm.provider, llm.model)
        if (
            isinstance(found, ModelPrice)
            and found.deprecation_date
            and found.deprecation_date <= today
        ):
            problem = f"{llm.model} was deprecated on {found.deprecation_date}"
    return problem, allow
