"""Fail closed: what aicost cannot tell about accelerators is an unpriced AI workload.

The gate's rule: a PASS means every resource that can carry or reserve accelerators is
priced, known to have none, or listed as an AI workload that cannot be priced (with its
reason), and the ``unpriced`` rule flags the last kind. This module applies the second
half of that rule to the deployments the cloud mappers return for Terraform inputs:

* a deployment whose hardware cannot be told (``ai`` is None: the instance type is known
  only after apply, comes from a variable without a value or from a data source) becomes
  an AI workload, so that the ``unpriced`` rule and the tag and class rules see it;
* a deployment the mapper judged non-AI because its instance type is not a known
  accelerated one, but whose instance type aicost does not recognise at all (a typo, a
  family newer than aicost), becomes an unpriced AI workload too: not knowing is never
  "non-AI";
* a resource whose ``count`` or ``for_each`` is not known (static mode) is one workload
  with the count unknown, never zero resources.

Known non-accelerated instance types are recognised by their naming scheme (``t3.micro``,
``n2-standard-8``, ``Standard_D4s_v5``), not by a price table, which only lists
accelerated machines.
"""

from __future__ import annotations

import dataclasses
import re

from aicost.core.model import Deployment, ResourceChange, Workload
from aicost.sources.base import Inventory
from aicost.sources.counts import COUNT_REASON_KEY, COUNT_UNKNOWN_KEY

#: Source kinds whose deployments are closed here (manifests judge pods themselves).
TERRAFORM_KINDS = frozenset({"terraform-plan", "terraform-hcl"})

#: Services whose instance types follow the cloud's machine naming scheme.
MACHINE_SERVICES = frozenset({"ec2", "sagemaker", "compute", "vm", "vm-windows"})

_AWS_SIZE = r"(nano|micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)"
#: General purpose, compute, memory, storage, HPC and Mac families: no accelerators.
_AWS_PLAIN = re.compile(
    r"^(ml\.)?("
    r"(a|c|d|h|i|m|r|t|x|z)\d+[a-z0-9-]*"
    r"|hpc\d+[a-z]*|im\d+[a-z]*|is\d+[a-z]*|mac\d*[a-z0-9-]*|u\d*[a-z]*-\d+tb\d*|cr\d+|cc\d+|hs\d+"
    r")\." + _AWS_SIZE + r"$"
)
#: Accelerated families (GPU, Trainium, Inferentia, Gaudi, FPGA, video transcoding).
_AWS_ACCELERATED = re.compile(
    r"^(ml\.)?(p\d+[a-z]*|g\d+[a-z]*|gr\d+|inf\d+[a-z]*|trn\d+[a-z]*|dl\d+[a-z]*|f\d+|vt\d+)\."
    + _AWS_SIZE
    + r"$"
)
_GCP_PLAIN = re.compile(
    r"^("
    r"(e2|n1|n2|n2d|n4|n4d|c2|c2d|c3|c3d|c4|c4a|c4d|m1|m2|m3|m4|t2a|t2d|h3|h4d|z3|x4)"
    r"-(standard|highmem|highcpu|megamem|ultramem|hypermem|medium|micro|small|"
    r"highlssd|standardlssd|custom)(-\d+)*(-lssd|-metal)?"
    r"|(e2|n1|n2|n2d|n4|c3|c3d)-custom(-\d+)+(-ext)?"
    r"|custom-\d+-\d+(-ext)?|f1-micro|g1-small"
    r")$"
)
_AZURE_PLAIN = re.compile(
    r"^(standard|basic)_(?!n)[a-z]+\d+[a-z0-9_-]*$",
    re.IGNORECASE,
)


def known_without_accelerators(cloud: str, instance_type: str) -> bool:
    """Whether *instance_type* is a machine aicost knows carries no accelerator."""
    if cloud == "aws":
        return bool(_AWS_PLAIN.match(instance_type))
    if cloud == "gcp":
        return bool(_GCP_PLAIN.match(instance_type))
    if cloud == "azure":
        return bool(_AZURE_PLAIN.match(instance_type))
    return True


def aws_accelerated_name(instance_type: str) -> bool:
    return bool(_AWS_ACCELERATED.match(instance_type))


def set_but_unknown(inventory: Inventory, change: ResourceChange, *path: str | int) -> bool:
    """Whether the configuration sets *path* to an expression whose value is unknown.

    A plan marks an attribute unknown both when it comes from an unknown value and when the
    configuration leaves it out and the provider computes it (a default). Only the
    configuration's references tell the two apart: a set-but-unknown value is never
    replaced by the provider's default.
    """
    return bool(inventory.references(change, list(path)))


def close(
    workload: Workload, change: ResourceChange, inventory: Inventory | None = None
) -> Workload:
    """*workload* with both sides closed (see the module docstring)."""
    if change.source.kind not in TERRAFORM_KINDS:
        return workload
    prior, planned = workload.prior, workload.planned
    # The usual side, AI hardware with nothing unknown (and, planned, a known count), has
    # nothing to close: it is kept without a call.
    if prior is not None and (prior.ai is not True or prior.unknown or prior.llm is not None):
        prior = _close(prior, change, planned=False, inventory=inventory)
    if planned is not None and (
        planned.ai is not True
        or planned.unknown
        or planned.llm is not None
        or change.after_unknown.get(COUNT_UNKNOWN_KEY) is True
    ):
        planned = _close(planned, change, planned=True, inventory=inventory)
    if prior is workload.prior and planned is workload.planned:
        return workload
    return dataclasses.replace(workload, prior=prior, planned=planned)


def _origin(change: ResourceChange, attribute: str, inventory: Inventory | None) -> str | None:
    """What an unknown attribute comes from: ``var.gpu_type``, ``data.aws_ami.x``..."""
    if inventory is None:
        return None
    path: list[str | int] = [int(p) if p.isdigit() else p for p in attribute.split(".")]
    refs = inventory.references(change, path)
    if not refs and len(path) > 1:  # blocks are lists: node_config.machine_type -> [0]
        blocks: list[str | int] = []
        for step in path[:-1]:
            blocks += [step, 0] if isinstance(step, str) else [step]
        refs = inventory.references(change, [*blocks, path[-1]])
    shown = [r for r in refs if r.startswith(("var.", "data.", "local.", "module."))] or refs
    # Terraform lists a reference and its prefixes (data.x.y.id, data.x.y): keep the longest.
    kept = [r for r in shown if not any(o != r and o.startswith(r + ".") for o in shown)]
    return ", ".join(kept[:3]) if kept else None


def _close(
    side: Deployment | None, change: ResourceChange, *, planned: bool, inventory: Inventory | None
) -> Deployment | None:
    if side is None:
        return side
    if side.llm is not None:
        return _close_llm(side, change, planned=planned)
    notes = list(side.notes)
    unknown = list(side.unknown)
    ai = side.ai
    if planned:
        _name_origins(unknown, change, inventory)
    if planned and change.after_unknown.get(COUNT_UNKNOWN_KEY) is True:
        ai = _unknown_count(side, change, notes, unknown)
    if ai is None:
        if not unknown:
            notes.append(
                "cannot tell whether it runs accelerators: "
                "listed as an AI workload that cannot be priced"
            )
        ai = True
    elif (
        ai is False
        and side.service in MACHINE_SERVICES
        and side.instance_type is not None
        and not known_without_accelerators(side.cloud, side.instance_type)
    ):
        notes.append(
            f"instance type {side.public('instance_type', side.instance_type)} is not "
            "one aicost knows: listed as an AI workload that cannot be priced"
        )
        ai = True
    if ai is side.ai and notes == list(side.notes) and unknown == list(side.unknown):
        return side
    return dataclasses.replace(side, ai=ai, notes=tuple(notes), unknown=tuple(unknown))


def _close_llm(side: Deployment, change: ResourceChange, *, planned: bool) -> Deployment:
    """A token or provisioned-throughput deployment whose count is unknown (static mode): how
    many deployments there are is not known, so it is not priced as one."""
    if not planned or change.after_unknown.get(COUNT_UNKNOWN_KEY) is not True:
        return side
    reason = change.after_unknown.get(COUNT_REASON_KEY)
    return dataclasses.replace(
        side,
        unknown=(COUNT_UNKNOWN_KEY, *side.unknown),
        notes=(str(reason) if isinstance(reason, str) else "count unknown", *side.notes),
    )


def _name_origins(unknown: list[str], change: ResourceChange, inventory: Inventory | None) -> None:
    """Say where each unknown attribute comes from, when the plan tells."""
    for position, attribute in enumerate(unknown):
        origin = _origin(change, attribute, inventory)
        if origin and "(from " not in attribute:
            unknown[position] = f"{attribute} (from {origin})"


def _unknown_count(
    side: Deployment, change: ResourceChange, notes: list[str], unknown: list[str]
) -> bool | None:
    """Note a count unknown until apply; the AI flag after it (True unless the machine is
    known to run no accelerators)."""
    reason = change.after_unknown.get(COUNT_REASON_KEY)
    notes.insert(0, str(reason) if isinstance(reason, str) else "count unknown")
    if COUNT_UNKNOWN_KEY not in unknown:
        unknown.insert(0, COUNT_UNKNOWN_KEY)
    if (
        side.ai is not False
        or side.instance_type is None
        or not known_without_accelerators(side.cloud, side.instance_type)
    ):
        return True
    return side.ai


__all__ = [
    "aws_accelerated_name",
    "close",
    "known_without_accelerators",
    "set_but_unknown",
]
