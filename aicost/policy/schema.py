"""Policy file schema (version 1), validated with pydantic.

Each rule type adds its own options by subclassing :class:`RuleConfig` in its module;
unknown keys are errors everywhere, so a typo is reported with its line, never ignored.
"""

from __future__ import annotations

import fnmatch
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from aicost.mappers.clusters import ClusterProfile
from aicost.model import Deployment, Workload, WorkloadClass


class Severity(StrEnum):
    """How serious a finding is. ``error`` fails the gate; the others report."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return value


def _tag_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: [str(v) for v in _as_list(item)] for key, item in value.items()}
    return value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class Match(Strict):
    """Which workloads a rule or budget applies to. Every given condition must hold.

    ``tags`` maps a tag key to accepted values (``"*"`` or an empty list: any value, but
    the tag must be present). ``regions``, ``addresses`` and ``resource_types`` accept
    shell-style globs.
    """

    tags: Annotated[dict[str, list[str]], BeforeValidator(_tag_values)] = Field(
        default_factory=dict
    )
    classes: Annotated[list[WorkloadClass], BeforeValidator(_as_list)] = Field(default_factory=list)
    clouds: StrList = Field(default_factory=list)
    regions: StrList = Field(default_factory=list)
    resource_types: StrList = Field(default_factory=list)
    addresses: StrList = Field(default_factory=list)

    def matches(self, workload: Workload, deployment: Deployment) -> bool:
        for key, values in self.tags.items():
            value = deployment.tags.get(key)
            if value is None:
                return False
            if values and "*" not in values and value not in values:
                return False
        if self.classes and deployment.workload_class not in self.classes:
            return False
        if self.clouds and deployment.cloud not in self.clouds:
            return False
        if self.regions and not _glob_any(deployment.region, self.regions):
            return False
        if self.resource_types and not _glob_any(workload.resource_type, self.resource_types):
            return False
        return not self.addresses or _glob_any(workload.address, self.addresses)


def _glob_any(value: str | None, patterns: list[str]) -> bool:
    return value is not None and any(fnmatch.fnmatchcase(value, p) for p in patterns)


class RuleConfig(Strict):
    """Options every rule accepts."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", max_length=128)
    type: str
    severity: Severity = Severity.ERROR
    description: str | None = None
    match: Match = Field(default_factory=Match)
    remediation: str | None = None
    link: str | None = None


class Settings(Strict):
    """How aicost reads workloads under this policy."""

    hours_per_month: Decimal = Field(default=Decimal(730), gt=0, le=744)
    workload_tags: StrList = Field(
        default_factory=lambda: ["workload", "workload-class", "workload_class", "aicost:workload"]
    )
    purchase_tags: StrList = Field(
        default_factory=lambda: ["purchase-option", "purchase_option", "aicost:purchase-option"]
    )
    name_heuristics: bool = True
    #: Where manifests run: cloud, region and node type per accelerator (see
    #: :mod:`aicost.mappers.clusters`).
    clusters: list[ClusterProfile] = Field(default_factory=list)


class PolicyFile(Strict):
    """The top level of a policy file. ``rules`` and ``budgets`` are validated per type."""

    version: Literal[1]
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    rules: list[dict[str, Any]] = Field(default_factory=list)
    budgets: list[dict[str, Any]] = Field(default_factory=list)
    unpriced: Literal["error", "warning", "info", "ignore"] = "warning"
    settings: Settings = Field(default_factory=Settings)
