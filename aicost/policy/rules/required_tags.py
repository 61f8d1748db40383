"""Every AI workload carries the tags cost allocation needs.

Without ``team``, ``model`` or ``use-case`` tags, GPU spend cannot be charged back or
compared per model, and nobody can say whom to ask about an idle cluster. Tags are
read after provider ``default_tags`` are merged (``tags_all``); for autoscaling groups,
the group's tags and its launch template's instance tags count.

.. code-block:: yaml

   - id: ai-tags
     type: required-tags
     severity: error
     tags: [team, model, use-case, environment]

A tag with an empty value counts as missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig, StrList

TYPE = "required-tags"
TITLE = "AI workloads carry the required tags"
REMEDIATION = "Add the missing tags to the resource (or to the provider's default_tags)."


class Config(RuleConfig):
    tags: StrList = Field(min_length=1)


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, planned in ctx.targets(rule):
        missing = [tag for tag in rule.tags if not (planned.tags.get(tag) or "").strip()]
        if missing:
            yield finding(
                rule,
                item,
                f"missing required tag{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            )
