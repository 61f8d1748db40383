"""The rule registry: rule type -> module.

A rule is one module in this package with ``TYPE``, ``TITLE``, ``REMEDIATION``, a
``Config`` (its options: a :class:`~aicost.policy.schema.RuleConfig` declared with
:mod:`aicost.core.declared`, validated by pydantic but not importing it at run time) and
``check(rule, ctx)`` yielding findings; its docstring is its documentation. Adding a rule is
one new module and one line below.

A rule module is imported when it is first looked up, so a check imports only the rules its
policy uses (a pre-commit hook with the default pack needs four of them).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import cast

from aicost.policy.context import RuleModule

#: Rule type -> its module in this package.
MODULES: dict[str, str] = {
    "required-tags": "required_tags",
    "gpu-family": "gpu_family",
    "training-purchase": "training_purchase",
    "inference-purchase": "inference_purchase",
    "budget": "budget",
    "unpriced": "unpriced",
    "price-fallback": "price_fallback",
    "llm-model": "llm_model",
    "llm-max-tokens": "llm_max_tokens",
    "llm-caching": "llm_caching",
    "region": "region",
    "delta-cap": "delta_cap",
    "training-run-cost": "training_run_cost",
    "gpu-utilisation": "gpu_utilisation",
    "commitment-coverage": "commitment_coverage",
}


class _Registry(Mapping[str, RuleModule]):
    """Rule type -> rule module, importing each module on its first lookup."""

    def __getitem__(self, rule_type: str) -> RuleModule:
        return cast(RuleModule, importlib.import_module(f"{__name__}.{MODULES[rule_type]}"))

    def __iter__(self) -> Iterator[str]:
        return iter(MODULES)

    def __len__(self) -> int:
        return len(MODULES)

    def __contains__(self, rule_type: object) -> bool:
        return rule_type in MODULES


RULES: Mapping[str, RuleModule] = _Registry()


def get(rule_type: str) -> RuleModule:
    return RULES[rule_type]
