"""The rule types a report document names: their titles and documentation, for the formats
that describe rules (SARIF's rule list, the Markdown comment's headings).

The document carries each finding's rule ``type``; this is where a type's words come from,
so the formats never reach into the policy's rule registry themselves.
"""

from __future__ import annotations


def rule_info(rule_type: str) -> tuple[str, str]:
    """(title, documentation) of a rule type, from its module; the type itself if unknown."""
    from aicost.policy.rules import RULES

    module = RULES.get(rule_type)
    if module is None:
        return rule_type, ""
    doc = " ".join((module.__doc__ or "").strip().split("\n\n", 1)[0].split())
    return str(module.TITLE), doc
