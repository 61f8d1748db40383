"""Only approved GPU families run; old or unapproved ones are denied.

Old accelerators (K80, M60, V100) cost more per unit of work than current ones, and a
platform team usually standardises on a few families it has quotas and images for.

The rule reads the accelerator as well as the machine, on every cloud and in manifests: a
``V100`` entry covers an AWS ``p3``, a GCP N1 VM with ``nvidia-tesla-v100`` attached, an
Azure ``Standard_NC6s_v3`` and a pod whose node selector asks for V100s (even when the
machine cannot be told). The default pack denies K80, M60, P4, P40, P100 and V100 this way.

Accelerator names are written as vendors write them, with capitals (``P4`` is the Tesla
P4, while ``p4`` is the AWS ``p4d`` family); lower-case entries match families, instance
types and accelerators.

``deny`` and ``allow`` take instance families (``p3``, ``g4ad``, ``a2``), accelerator
names (``V100``, ``K80``) or shell-style globs (``g4*``). A family entry also covers its
variants: ``p3`` matches ``p3dn`` and ``p5`` matches ``p5e`` and ``p5en``, but ``g4ad``
does not match ``g4dn``; an accelerator name covers its memory variants (``A100`` matches
``A100-80GB``). ``allow`` is either one list for every workload, or a list per
workload class, with ``default`` for the classes not named:

.. code-block:: yaml

   - id: gpu-families
     type: gpu-family
     deny: [p2, p3, g3, g4ad]
     allow:
       training: [p5, p5e, p4d, trn1]
       inference: [g5, g6, g6e, inf2]
       default: [g5, g6]
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from functools import cache

from aicost.core.declared import Field, model_validator
from aicost.core.model import Deployment, WorkloadClass
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig, StrList

TYPE = "gpu-family"
TITLE = "Only approved GPU families"
REMEDIATION = "Move the workload to an approved, current GPU family."


class Config(RuleConfig):
    deny: StrList = Field(default_factory=list)
    allow: StrList | dict[WorkloadClass | str, StrList] | None = None

    @model_validator(mode="after")
    def _needs_a_list(self) -> Config:
        if not self.deny and self.allow is None:
            raise ValueError("give at least one of deny or allow")
        if isinstance(self.allow, dict):
            known = {c.value for c in WorkloadClass} | {"default"}
            for key in self.allow:
                if str(key) not in known:
                    raise ValueError(
                        f"allow: unknown workload class {key!r} (use {', '.join(sorted(known))})"
                    )
        return self

    def allowed_for(self, workload_class: WorkloadClass) -> list[str] | None:
        if self.allow is None:
            return None
        if isinstance(self.allow, list):
            return self.allow
        by_class = {str(k): v for k, v in self.allow.items()}
        return by_class.get(workload_class.value, by_class.get("default"))


def matches(entry: str, deployment: Deployment) -> bool:
    """Whether a family/accelerator entry covers the deployment's hardware."""
    return _matches(
        entry,
        deployment.family or "",
        deployment.instance_type or "",
        deployment.accelerator.name if deployment.accelerator else "",
    )


def _any_matches(entries: tuple[str, ...], deployment: Deployment) -> bool:
    """Whether any of *entries* covers the deployment's hardware."""
    return _first_match(entries, deployment) is not None


def _first_match(entries: tuple[str, ...], deployment: Deployment) -> str | None:
    """The first of *entries* that covers the deployment's hardware (one cached call for a
    workload: thousands of workloads share a few dozen machines)."""
    return _first(
        entries,
        deployment.family or "",
        deployment.instance_type or "",
        deployment.accelerator.name if deployment.accelerator else "",
    )


@cache
def _first(
    entries: tuple[str, ...], family: str, instance_type: str, accelerator: str
) -> str | None:
    return next(
        (entry for entry in entries if _matches(entry, family, instance_type, accelerator)), None
    )


@cache
def _matches(entry: str, family: str, instance_type: str, accelerator: str) -> bool:
    # An entry written with capitals names an accelerator (P4 is the Tesla P4, not the
    # AWS p4d family; V100 is the GPU on p3, NC v3 and nvidia-tesla-v100 alike).
    if any(ch.isupper() for ch in entry):
        family = instance_type = ""
    entry = entry.strip().lower()
    family = family.lower()
    instance_type = instance_type.lower().removeprefix("ml.")
    accelerator = accelerator.lower()
    if any(ch in entry for ch in "*?["):
        return any(
            value and fnmatch.fnmatchcase(value, entry)
            for value in (family, instance_type, accelerator)
        )
    if entry in (family, accelerator):
        return True
    # An accelerator name covers its memory and packaging variants: A100 covers A100-80GB.
    if accelerator.startswith((f"{entry}-", f"{entry} ")):
        return True
    if family.startswith(entry) and entry[-1:].isdigit():
        rest = family[len(entry) :]
        return rest.isalpha() or rest.startswith("-")
    return False


def _hardware(deployment: Deployment) -> str:
    name = deployment.public("instance_type", deployment.instance_type) or "unknown machine"
    if deployment.accelerator is not None:
        return f"{name} ({deployment.accelerator_name})"
    return name


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    allow = {kind: rule.allowed_for(kind) for kind in WorkloadClass}  # per class, once
    deny = tuple(rule.deny)
    # The message per hardware and class: thousands of workloads share a few dozen.
    messages: dict[tuple[str | None, str | None, WorkloadClass, bool], str | None] = {}
    for item, planned in ctx.targets(rule):
        accelerator = planned.accelerator
        key = (
            planned.instance_type,
            accelerator.name if accelerator is not None else None,
            planned.workload_class,
            "instance_type" in planned.sensitive,  # the hardware is masked in the message
        )
        if key in messages:
            message = messages[key]
        else:
            message = messages[key] = _message(planned, deny, allow[planned.workload_class])
        if message is not None:
            yield finding(rule, item, message)


def _message(
    deployment: Deployment, deny: tuple[str, ...], allowed: list[str] | None
) -> str | None:
    """Why the deployment's hardware is refused, or None."""
    if deployment.instance_type is None and deployment.accelerator is None:
        return None
    denied = _first_match(deny, deployment)
    if denied is not None:
        return f"{_hardware(deployment)} is in a denied GPU family ({denied})"
    if deployment.instance_type is None:
        return None  # only the accelerator is known: an allow list of families cannot judge
    if allowed is not None and not _any_matches(tuple(allowed), deployment):
        return (
            f"{_hardware(deployment)} is not an approved GPU family for "
            f"{deployment.workload_class.value} workloads "
            f"(allowed: {', '.join(allowed) or 'none'})"
        )
    return None
