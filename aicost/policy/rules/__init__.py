"""The rule registry: rule type -> module.

A rule is one module in this package with ``TYPE``, ``TITLE``, ``REMEDIATION``, a pydantic
``Config`` (its options) and ``check(rule, ctx)`` yielding findings; its docstring is its
documentation. Adding a rule is one new module and one line below.
"""

from __future__ import annotations

from aicost.policy.context import RuleModule
from aicost.policy.rules import (
    budget,
    gpu_family,
    inference_purchase,
    llm_caching,
    llm_max_tokens,
    llm_model,
    required_tags,
    training_purchase,
    unpriced,
)

RULES: dict[str, RuleModule] = {
    required_tags.TYPE: required_tags,
    gpu_family.TYPE: gpu_family,
    training_purchase.TYPE: training_purchase,
    inference_purchase.TYPE: inference_purchase,
    budget.TYPE: budget,
    unpriced.TYPE: unpriced,
    llm_model.TYPE: llm_model,
    llm_max_tokens.TYPE: llm_max_tokens,
    llm_caching.TYPE: llm_caching,
}


def get(rule_type: str) -> RuleModule:
    return RULES[rule_type]
