"""The rule registry: rule type -> module.

A rule is one module in this package with ``TYPE``, ``TITLE``, ``REMEDIATION``, a pydantic
``Config`` (its options) and ``check(rule, ctx)`` yielding findings; its docstring is its
documentation. Adding a rule is one new module and one line below.
"""

from __future__ import annotations

from aicost.policy.context import RuleModule
from aicost.policy.rules import (
    budget,
    commitment_coverage,
    delta_cap,
    gpu_family,
    gpu_utilisation,
    inference_purchase,
    llm_caching,
    llm_max_tokens,
    llm_model,
    price_fallback,
    region,
    required_tags,
    training_purchase,
    training_run_cost,
    unpriced,
)

RULES: dict[str, RuleModule] = {
    required_tags.TYPE: required_tags,
    gpu_family.TYPE: gpu_family,
    training_purchase.TYPE: training_purchase,
    inference_purchase.TYPE: inference_purchase,
    budget.TYPE: budget,
    unpriced.TYPE: unpriced,
    price_fallback.TYPE: price_fallback,
    llm_model.TYPE: llm_model,
    llm_max_tokens.TYPE: llm_max_tokens,
    llm_caching.TYPE: llm_caching,
    region.TYPE: region,
    delta_cap.TYPE: delta_cap,
    training_run_cost.TYPE: training_run_cost,
    gpu_utilisation.TYPE: gpu_utilisation,
    commitment_coverage.TYPE: commitment_coverage,
}


def get(rule_type: str) -> RuleModule:
    return RULES[rule_type]
