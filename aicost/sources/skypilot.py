"""SkyPilot task and service YAML (``sky launch``, ``sky jobs launch``, ``sky serve up``).

Read from ``resources``:

* ``accelerators``: ``"V100:4"``, ``"L4"`` (count 1), ``"tpu-v2-8"``, ``"Inferentia:6"``, a
  set of alternatives written as a mapping (``{L4: 1, A10G: 1}``, including the flow form
  ``{L4:1, A10G:1}`` whose keys parse as ``"L4:1"``) or as a list, and the same inside
  ``any_of`` / ``ordered`` candidate lists. The first alternative is priced and the others
  are noted (SkyPilot may pick a cheaper one);
* ``instance_type``, ``cloud`` / ``infra`` (``aws/us-east-1``), ``region``, ``use_spot``,
  ``labels``.

``num_nodes`` machines run a task; a service (a ``service`` section) runs
``service.replicas``, or ``replica_policy.min_replicas`` to ``max_replicas``. SkyPilot has no
max runtime. A service serves; a task's class comes from its labels, name or ``run``
command (``torchrun`` trains, ``vllm serve`` serves), else batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
from aicost.core.hardware import canonical, kind_of, tpu_chips
from aicost.core.model import WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, integer, items, mapping, text
from aicost.sources.vmjobs import BadCount, documents, name_count

KIND = "skypilot"

_MARKERS = frozenset(
    {"resources", "num_nodes", "setup", "run", "service", "file_mounts", "envs", "workdir"}
)
_CLOUDS = {"aws": "aws", "gcp": "gcp", "azure": "azure", "kubernetes": None, "k8s": None}


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    keys = mf.top_keys(head)
    if "apiVersion" in keys or "type" in keys:
        return False
    if "resources" in keys and len(keys & _MARKERS) >= 2:
        return True
    return "num_nodes" in keys or ("service" in keys and "run" in keys)


def _alternatives(value: Any) -> list[tuple[str, float]]:
    found: list[tuple[str, float]] = []
    if isinstance(value, str):
        parsed = name_count(value)
        if parsed:
            found.append(parsed)
    elif isinstance(value, Mapping):
        for key, count in value.items():
            parsed = name_count(str(key))
            if parsed is None:
                continue
            name, parsed_count = parsed
            number = mf.quantity(count)
            if count is not None and (number is None or not 0 < number <= 1_000_000):
                raise BadCount(f"accelerator count {count!r} for {name} is not a positive number")
            found.append((name, number if number else parsed_count))
    elif isinstance(value, list):
        for item in value:
            found.extend(_alternatives(item))
    return found


def _candidates(resources: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Resource candidates: ``any_of``/``ordered`` entries merged over the base resources."""
    listed = items(resources.get("ordered")) or items(resources.get("any_of"))
    base = {k: v for k, v in resources.items() if k not in ("ordered", "any_of")}
    if not listed:
        return [base]
    return [{**base, **mapping(entry)} for entry in listed if isinstance(entry, Mapping)]


def _infra(resources: Mapping[str, Any]) -> tuple[str | None, str | None, bool]:
    """(cloud, region, on Kubernetes)."""
    infra = text(resources.get("infra"))
    cloud = text(resources.get("cloud"))
    region = text(resources.get("region"))
    if infra:
        parts = infra.strip("/").split("/")
        cloud = parts[0]
        if len(parts) > 1 and parts[1] != "*":
            region = parts[1]
    if cloud is None:
        return None, region, False
    lowered = cloud.lower()
    if lowered in ("kubernetes", "k8s", "ssh"):
        return None, None, True
    return _CLOUDS.get(lowered, lowered), region, False


def _spec(document: Any, data: Mapping[str, Any], path: str) -> Spec | None:
    resources = mapping(data.get("resources"))
    service = mapping(data.get("service"))
    if not resources and not service and not data.get("run"):
        return None
    candidates = _candidates(resources)
    options: list[tuple[str, float, Mapping[str, Any]]] = []
    for candidate in candidates:
        for name, count in _alternatives(candidate.get("accelerators")):
            options.append((name, count, candidate))
    notes: list[str] = []
    chosen = candidates[0]
    accel_name: str | None = None
    count = 0.0
    if options:
        raw, count, chosen = options[0]
        accel_name = canonical(raw)
        if accel_name == "Inferentia" and count in (6, 12):
            accel_name = "Inferentia2"
            notes.append(f"{raw}:{count:g} is an inf2 size: Inferentia2 devices")
        chips = tpu_chips(raw) if accel_name and accel_name.startswith("TPU") else None
        if chips and count == 1:
            count = chips
            notes.append(f"{raw}: a slice of {chips:g} TPU chips")
        if len(options) > 1:
            shown = ", ".join(f"{n}:{c:g}" for n, c, _ in options)
            notes.append(f"alternatives {shown}: priced as the first; SkyPilot may pick another")
    cloud, region, on_k8s = _infra(chosen)
    instance_type = text(chosen.get("instance_type"))
    use_spot = chosen.get("use_spot")
    spot = use_spot is True
    spot_reason = "resources.use_spot: true" if spot else "use_spot not set: on-demand"
    units = integer(data.get("num_nodes"), 1) or 1
    minimum = maximum = None
    kind = "task"
    if service:
        kind = "service"
        policy = mapping(service.get("replica_policy"))
        if policy:
            minimum = integer(policy.get("min_replicas"), 1)
            maximum = integer(policy.get("max_replicas"))
            units = minimum or 1
        else:
            units = integer(service.get("replicas"), 1) or 1
    name = text(data.get("name")) or Path(path).stem
    group = Group(
        name=None,
        units=units,
        accel_count=count,
        accel_name=accel_name,
        accel_reason="resources.accelerators" if accel_name else "",
        accel_kind=kind_of(accel_name),
        count_reason="resources.accelerators" if count else "",
        min_units=minimum,
        max_units=maximum,
        instance_types=(instance_type,) if instance_type else (),
        cloud=cloud,
        cloud_reason="resources.cloud/infra" if cloud else "",
        region=region,
        spot=spot,
        spot_reason=spot_reason,
        whole_node=not on_k8s,
        line=document.line_of("resources"),
        labels=mf.labels(chosen.get("labels")),
        notes=tuple(notes),
    )
    hint = mf.command_hint(mf.strings(data.get("run")))
    return Spec(
        kind="SkyPilotService" if service else "SkyPilotTask",
        name=name,
        resource_type=f"skypilot/{kind}",
        groups=(group,),
        line=document.line,
        cloud=cloud,
        cloud_reason="resources.cloud/infra" if cloud else "",
        region=region,
        labels=mf.labels(chosen.get("labels")),
        kind_class=WorkloadClass.INFERENCE if service else None,
        default_class=WorkloadClass.BATCH,
        kind_reason="a SkyPilot service serves" if service else "a SkyPilot task is batch work",
        hint_class=hint[0] if hint else None,
        hint_reason=hint[1] if hint else "",
        cluster=mf.cluster_label(mf.labels(chosen.get("labels"))),
        notes=("SkyPilot sets no max runtime: set run_hours in aicost-usage.yml",)
        if not service
        else (),
    )


#: Counts of machines or replicas (lower case, no ``_``), validated when read.
_COUNTS = frozenset({"numnodes", "replicas", "minreplicas", "maxreplicas"})


def read(path: Path) -> Inventory:
    specs = []
    for document, data in documents(path, "SkyPilot task", _COUNTS):
        try:
            found = _spec(document, data, str(path))
        except BadCount as exc:
            raise InputError(
                f"resources.accelerators: {exc}",
                path=path,
                line=document.line_of("resources", "accelerators"),
            ) from None
        if found is not None:
            specs.append(found)
    return mf.inventory(str(path), KIND, specs)
