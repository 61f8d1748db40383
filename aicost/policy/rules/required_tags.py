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

Some resources cannot carry tags: an Azure OpenAI deployment (``azurerm_cognitive_deployment``)
has no ``tags`` argument and takes its cognitive account's tags, from the plan or the
configuration (static mode), or, for a shared account managed elsewhere, from the policy:

.. code-block:: yaml

   settings:
     account_tags:
       "*/accounts/shared-openai": {team: platform, use-case: chat, environment: prod}

A Vertex AI Model Garden deployment
(``google_vertex_ai_endpoint_with_model_garden_deployment``) has no ``labels`` argument at
all: declare its tags in ``settings.resource_tags`` by address glob. A deployment's ``model``
tag is the model it serves unless set. A finding on such a resource says where the tag goes.
"""

from __future__ import annotations

from collections.abc import Iterator

from aicost.core.declared import Field
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig, StrList

TYPE = "required-tags"
TITLE = "AI workloads carry the required tags"
REMEDIATION = "Add the missing tags to the resource (or to the provider's default_tags)."


class Config(RuleConfig):
    tags: StrList = Field(min_length=1)


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    required = tuple(rule.tags)
    # The message, per the values of the required tags: thousands of workloads share a
    # few hundred combinations.
    messages: dict[tuple[str | None, ...], str | None] = {}
    for item, planned in ctx.targets(rule):
        values = tuple(map(planned.tags.get, required))
        message = messages.get(values, "")
        if message == "":  # not seen yet ("" is never a message)
            message = messages[values] = _missing(required, values)
        if message is None:
            continue
        if planned.tags_from:
            message += (
                f"; {item.workload.resource_type} cannot carry tags: its tags come from "
                f"{planned.tags_from}"
            )
        yield finding(rule, item, message)


def _missing(required: tuple[str, ...], values: tuple[str | None, ...]) -> str | None:
    """The finding's message when some of the *required* tags have no (or an empty) value."""
    missing = [
        tag for tag, value in zip(required, values, strict=True) if not (value or "").strip()
    ]
    if not missing:
        return None
    return f"missing required tag{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
