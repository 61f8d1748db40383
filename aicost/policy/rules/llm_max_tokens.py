"""LLM calls set ``max_tokens``, within a ceiling.

Without ``max_tokens`` a model may generate up to its own output limit on every call, and a
prompt bug or a loop turns into a bill. ``required`` (the default) flags workloads that do
not set it; ``ceiling`` flags those that set it higher. The finding shows the worst-case
monthly cost of output at the current setting (or at the model's own output limit) when the
workload's request volume is known.

.. code-block:: yaml

   - id: max-tokens
     type: llm-max-tokens
     severity: warning
     required: true
     ceiling: 4096
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.declared import Field
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.rules._llm import cost_with, llm_targets
from aicost.policy.schema import RuleConfig
from aicost.pricing.tokens import ModelPrice, lookup

TYPE = "llm-max-tokens"
TITLE = "LLM calls bound their output with max_tokens"
REMEDIATION = (
    "Set max_tokens on the API calls (and in aicost-llm.yaml) to the longest answer the use "
    "case needs, at or under the policy's ceiling."
)


class Config(RuleConfig):
    required: bool = True
    ceiling: int | None = Field(default=None, ge=1)


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, _planned, llm in llm_targets(rule, ctx):
        message = None
        bound = llm.max_tokens
        if bound is None and rule.required:
            message = "max_tokens is not set: output per call is bounded only by the model"
            found = lookup(ctx.pricer.book, llm.provider, llm.model)
            if isinstance(found, ModelPrice):
                limit = found.row.get("max_output_tokens")
                bound = int(limit) if isinstance(limit, int) else None
                if bound:
                    message += f" ({bound:,} tokens)"
        elif bound is not None and rule.ceiling is not None and bound > rule.ceiling:
            message = f"max_tokens {bound:,} is above the ceiling of {rule.ceiling:,}"
        if message is None:
            continue
        if bound and llm.requests_per_month:
            worst = cost_with(ctx, llm, output_tokens=Decimal(bound), monthly_output_tokens=None)
            if worst is not None:
                message += f"; worst case {usd(worst)}/month if every call used it"
        yield finding(rule, item, message)
