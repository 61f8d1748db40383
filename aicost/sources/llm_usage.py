"""LLM usage manifests (``aicost-llm.yaml``): token workloads that no Terraform shows.

A line of code calling an LLM API can cost more than a GPU cluster. The usage manifest
declares each such workload: provider and model, requests per day or month, average input
and output tokens, the cached-input and batch shares, ``max_tokens``, whether prompt caching
is on, and team/use-case tags. The JSON Schema is ``schemas/aicost-llm.schema.json``:

.. code-block:: yaml

   version: 1
   defaults:
     provider: openai
     tags: {team: support, environment: prod}
   workloads:
     - name: support-chat
       model: gpt-4o
       requests_per_day: 20000
       input_tokens: 1200         # average per request
       output_tokens: 300
       cached_input_share: 0.5    # share of input tokens read from the prompt cache
       batch_share: 0             # share of requests sent through the batch API
       service_tier: standard     # or priority / flex (OpenAI, Bedrock service tiers)
       max_tokens: 512
       prompt_caching: true
       tier: standard             # use-case tier the llm-model rule scopes models by
       tags: {use-case: support-chat, model: gpt-4o}

Each workload is addressed ``<file>:llm/<name>`` and priced per token (see
:mod:`aicost.pricing.tokens`). A usage file (``aicost-usage.yml``) passed as an input is
refused with a pointer to ``--usage-file``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from aicost.core.declared import ConfigDict, Field, Model
from aicost.core.errors import InputError
from aicost.core.model import Action, AzureDeploymentType, ResourceChange, SourceRef
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory

KIND = "llm-usage"
PROVIDER = "llm"
RESOURCE_TYPE = "llm_usage"

_NAME = re.compile(r"(^|[/\\])\.?aicost-llm[\w.-]*\.ya?ml$")
_Decimal = Decimal


class LlmWorkloadSpec(Model):
    """One token workload in ``aicost-llm.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    provider: str | None = Field(default=None, min_length=1, max_length=64)
    model: str | None = Field(default=None, min_length=1, max_length=200)
    requests_per_day: Decimal | None = Field(default=None, ge=0, le=10**12, allow_inf_nan=False)
    requests_per_month: Decimal | None = Field(
        default=None, ge=0, le=3 * 10**13, allow_inf_nan=False
    )
    input_tokens: Decimal | None = Field(default=None, ge=0, le=10**9, allow_inf_nan=False)
    output_tokens: Decimal | None = Field(default=None, ge=0, le=10**9, allow_inf_nan=False)
    cached_input_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    cache_write_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    batch_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000_000)
    prompt_caching: bool | None = None
    service_tier: Literal["standard", "priority", "flex"] | None = None
    cache_ttl: Literal["5m", "1h"] | None = None
    deployment_type: AzureDeploymentType | None = None
    region: str | None = Field(default=None, max_length=64)
    tier: str | None = Field(default=None, max_length=64)
    use_case: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    tags: dict[str, str] = Field(default_factory=dict)


class LlmUsageFile(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1]
    defaults: LlmWorkloadSpec = Field(default_factory=LlmWorkloadSpec)
    workloads: list[LlmWorkloadSpec] = Field(min_length=1)


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    keys = mf.top_keys(head)
    if keys & {"resource_usage", "resource_type_default_usage"}:
        return True
    if _NAME.search(str(path)):
        return True
    sample = mf.head_text(head)
    return "workloads" in keys and "version" in keys and "model" in sample


def read(path: Path) -> Inventory:
    from aicost.core.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if isinstance(data, Mapping) and (
        "resource_usage" in data or "resource_type_default_usage" in data
    ):
        raise InputError(
            "this is a usage file (aicost-usage.yml): pass it with --usage-file, not as an input",
            path=path,
        )
    if not isinstance(data, Mapping):
        raise InputError("not an LLM usage file: expected a mapping with workloads", path=path)
    from aicost.core.validate import strict_validate

    parsed = strict_validate(document, LlmUsageFile, data, ())
    changes: list[ResourceChange] = []
    seen: set[str] = set()
    defaults = parsed.defaults.model_dump(exclude_none=True)
    for index, workload in enumerate(parsed.workloads):
        merged: dict[str, Any] = {**defaults, **workload.model_dump(exclude_none=True)}
        merged["tags"] = {**parsed.defaults.tags, **workload.tags}
        at = ("workloads", index)
        line = (document.position(at) or (None, None))[0]
        for required in ("provider", "model"):
            if not merged.get(required):
                raise InputError(
                    f"workloads[{index}]: missing {required} (set it on the workload or in "
                    "defaults)",
                    path=path,
                    line=line,
                )
        name = str(merged.get("name") or merged["model"])
        if name in seen:
            raise InputError(
                f"workloads[{index}]: duplicate workload name {name!r}", path=path, line=line
            )
        seen.add(name)
        spec = LlmWorkloadSpec.model_validate(merged)
        changes.append(
            ResourceChange(
                address=f"{path}:llm/{name}",
                type=RESOURCE_TYPE,
                name=name,
                provider=PROVIDER,
                action=Action.CREATE,
                source=SourceRef(path=str(path), kind=KIND, line=line),
                after={"workload": spec},
                project=str(path),
            )
        )
    return Inventory(path=str(path), kind=KIND, changes=changes)
