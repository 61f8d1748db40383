"""The usage file (``aicost-usage.yml``): how much resources run and how much they are used.

A plan or a manifest says what is deployed, not how long a training run takes, how many
runs a month there are, or how many tokens an LLM deployment serves. The usage file says so,
keyed by resource address (``[*]`` matches any index or key) or by resource type, and is
applied after normalisation, so it works for every reader (plans, ``.tf`` files, manifests,
LLM usage files):

.. code-block:: yaml

   version: 1
   resource_usage:
     aws_instance.pretrain:
       run_hours: 72
       runs_per_month: 2
     module.serving[*].aws_autoscaling_group.chat:
       hours_per_month: 400
     "jobs/train.yaml:PyTorchJob/bert":
       run_hours: 12
     azurerm_cognitive_deployment.chat:
       requests_per_day: 20000
       input_tokens: 1200
       output_tokens: 300
       cached_input_share: 0.5
   resource_type_default_usage:
     aws_instance:
       hours_per_month: 730

An exact address wins over a wildcard, a wildcard over a resource type; values merge key by
key. Applying it to workloads is :mod:`aicost.mappers.usage`.
The JSON Schema is ``schemas/aicost-usage.schema.json``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from aicost.core.declared import ConfigDict, Field, Model
from aicost.core.model import Workload

DISCOVERED_NAMES = ("aicost-usage.yml", "aicost-usage.yaml", ".aicost-usage.yml")


class UsageValues(Model):
    """Usage of one resource (or of every resource of a type)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    hours_per_month: Decimal | None = Field(default=None, gt=0, le=744, allow_inf_nan=False)
    run_hours: Decimal | None = Field(default=None, gt=0, le=8784, allow_inf_nan=False)
    runs_per_month: Decimal | None = Field(default=None, ge=0, le=44640, allow_inf_nan=False)
    requests_per_day: Decimal | None = Field(default=None, ge=0, le=10**12, allow_inf_nan=False)
    requests_per_month: Decimal | None = Field(
        default=None, ge=0, le=3 * 10**13, allow_inf_nan=False
    )
    input_tokens: Decimal | None = Field(default=None, ge=0, le=10**9, allow_inf_nan=False)
    output_tokens: Decimal | None = Field(default=None, ge=0, le=10**9, allow_inf_nan=False)
    monthly_input_tokens: Decimal | None = Field(default=None, ge=0, le=10**18, allow_inf_nan=False)
    monthly_output_tokens: Decimal | None = Field(
        default=None, ge=0, le=10**18, allow_inf_nan=False
    )
    cached_input_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    cache_write_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    batch_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


class UsageDocument(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1] = 1
    resource_usage: dict[str, UsageValues] = Field(default_factory=dict)
    resource_type_default_usage: dict[str, UsageValues] = Field(default_factory=dict)


@dataclass
class Usage:
    """A loaded usage file, with its entries compiled for matching."""

    path: str
    document: UsageDocument
    _patterns: list[tuple[str, re.Pattern[str], int]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for key in self.document.resource_usage:
            if "[*]" in key or "*" in key:
                self._patterns.append((key, _compile(key), -key.count("*")))
        self._patterns.sort(key=lambda p: p[2], reverse=True)

    def values_for(self, workload: Workload) -> dict[str, Any]:
        """Merged values for *workload*: type default, then wildcards, then the exact address."""
        merged: dict[str, Any] = {}
        by_type = self.document.resource_type_default_usage.get(workload.resource_type)
        if by_type is not None:
            merged.update(by_type.model_dump(exclude_none=True))
            self.used.add(f"type:{workload.resource_type}")
        for key, pattern, _ in reversed(self._patterns):
            if pattern.fullmatch(workload.key) or pattern.fullmatch(workload.address):
                merged.update(self.document.resource_usage[key].model_dump(exclude_none=True))
                self.used.add(key)
        for key in (workload.address, workload.key):
            exact = self.document.resource_usage.get(key)
            if exact is not None:
                merged.update(exact.model_dump(exclude_none=True))
                self.used.add(key)
        return merged

    def unused(self) -> list[str]:
        keys = [k for k in self.document.resource_usage if k not in self.used]
        keys += [
            f"resource type {k}"
            for k in self.document.resource_type_default_usage
            if f"type:{k}" not in self.used
        ]
        return keys


def _compile(key: str) -> re.Pattern[str]:
    out = ""
    position = 0
    while position < len(key):
        if key.startswith("[*]", position):
            out += r"\[[^\]]*\]"
            position += 3
        elif key[position] == "*":
            out += ".*"
            position += 1
        else:
            out += re.escape(key[position])
            position += 1
    return re.compile(out)


def discover(explicit: Path | None, cwd: Path) -> Path | None:
    if explicit is not None:
        return explicit
    for name in DISCOVERED_NAMES:
        candidate = cwd / name
        if candidate.is_file():
            return candidate
    return None


def load(path: Path) -> Usage:
    from aicost.core.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise document.error("a usage file must be a mapping")
    from aicost.core.validate import strict_validate

    parsed = strict_validate(document, UsageDocument, data, ())
    return Usage(str(path), parsed)
