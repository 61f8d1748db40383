"""dstack configurations (``.dstack.yml``): ``task``, ``service``, ``dev-environment``, ``fleet``.

``resources.gpu`` is read in all its forms: a count (``1``, any GPU), a count range
(``1..8``: the minimum is priced, the range noted), a name with a count (``H100:8``,
``MI300X:8``, ``A100:40GB:2``), a memory (``24GB``, ``24GB..``: the cheapest GPU with that much
memory is assumed), a TPU (``v5litepod-8``), or a mapping ``{name, memory, count}``.
``nodes`` machines run a task or make a fleet; a service runs ``replicas`` (an int, a range,
or a list of replica groups). ``spot_policy: spot`` is spot, ``auto`` prefers spot (priced as
spot, noted), ``on-demand`` (the default) is on-demand. ``max_duration`` is the run time.
``tags`` are the labels. A task or fleet that sets no GPU may run on a fleet's GPUs: it is
reported with its accelerator unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.hardware import canonical, kind_of, tpu_chips
from aicost.core.model import WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, hours, items, mapping, text
from aicost.sources.vmjobs import documents

KIND = "dstack"

_TYPES = frozenset({"task", "service", "dev-environment", "fleet"})
_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)\s*(GB|TB|MB)(\.\.)?$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d+)?\s*\.\.\s*(\d+)?$")


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    name = path.name
    sample = mf.head_text(head)
    typed = re.search(r"^type:\s*['\"]?([a-z-]+)", sample, re.MULTILINE)
    if typed is None or typed.group(1) not in _TYPES:
        return False
    if name.endswith((".dstack.yml", ".dstack.yaml")):
        return True
    keys = mf.top_keys(head)
    return bool(keys & {"resources", "commands", "spot_policy", "nodes", "ide", "replicas", "port"})


def _range(value: Any) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), float(value)
    match = _RANGE.match(str(value).strip())
    if match:
        low = float(match.group(1)) if match.group(1) else None
        high = float(match.group(2)) if match.group(2) else None
        return low, high
    number = mf.quantity(value)
    return number, number


def _memory(value: str) -> float | None:
    match = _MEMORY.match(value.strip())
    if not match:
        return None
    amount = float(match.group(1))
    unit = match.group(2).upper()
    return amount * 1024 if unit == "TB" else amount / 1024 if unit == "MB" else amount


def parse_gpu(value: Any) -> tuple[str | None, float, float | None, float | None, bool, list[str]]:
    """(name, count, max count, min memory GB, any GPU, notes) of a ``resources.gpu`` value."""
    notes: list[str] = []
    if value is None:
        return None, 0, None, None, False, notes
    if isinstance(value, Mapping):
        name = value.get("name")
        names = [str(n) for n in name] if isinstance(name, list) else [str(name)] if name else []
        low, high = _range(value.get("count", 1))
        memory = _memory(str(value.get("memory"))) if value.get("memory") else None
        chosen = canonical(names[0]) if names else None
        if len(names) > 1:
            notes.append(f"GPU alternatives {', '.join(names)}: priced as the first")
        count = low or 1
        if high != low:
            notes.append(f"GPU count {value.get('count')}: priced at {count:g}")
        return chosen, count, high, memory, not names and memory is None, notes
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, float(value), float(value), None, True, notes
    raw = str(value).strip()
    low, high = _range(raw)
    if low is not None or high is not None:
        count = low or 1
        if high != low:
            notes.append(f"GPU count {raw}: priced at {count:g}")
        return None, count, high, None, True, notes
    memory = _memory(raw)
    if memory is not None:
        return None, 1, 1, memory, False, notes
    parts = [p for p in raw.split(":") if p]
    name = canonical(parts[0]) if parts else None
    count = 1.0
    memory = None
    for part in parts[1:]:
        found = _memory(part)
        if found is not None:
            memory = found
            continue
        low, high = _range(part)
        if low is not None:
            count = low
            if high != low:
                notes.append(f"GPU count {part}: priced at {count:g}")
    if name and name.startswith("TPU"):
        chips = tpu_chips(parts[0])
        if chips:
            count = chips
            notes.append(f"{parts[0]}: a slice of {chips:g} TPU chips")
    return name, count, None, memory, False, notes


def _units(
    kind: str, data: Mapping[str, Any], notes: list[str]
) -> tuple[int, int | None, int | None]:
    """(units, min, max): a service's replicas, else the task's or fleet's nodes."""
    units_low, units_high = _range(data.get("nodes", 1))
    units = int(units_low or 1)
    minimum = maximum = None
    if kind == "service":
        replicas = data.get("replicas", 1)
        if isinstance(replicas, list):
            units = sum(int(_range(mapping(r).get("count", 1))[0] or 1) for r in replicas)
            notes.append(f"{len(replicas)} replica groups")
        else:
            low, high = _range(replicas)
            units = int(low or 1)
            minimum = int(low) if low is not None else None
            maximum = int(high) if high is not None else None
    elif units_high != units_low:
        minimum = units
        maximum = int(units_high) if units_high else None
    return units, minimum, maximum


def _spot(data: Mapping[str, Any], notes: list[str]) -> tuple[bool | None, str]:
    policy = (text(data.get("spot_policy")) or "").lower()
    if policy == "spot":
        return True, "spot_policy: spot"
    if policy == "auto":
        notes.append("spot_policy auto: priced as spot; dstack falls back to on-demand")
        return True, "spot_policy: auto (spot when offered, else on-demand)"
    if policy == "on-demand":
        return False, "spot_policy: on-demand"
    return False, "spot_policy not set: on-demand (the dstack default)"


def _placement(data: Mapping[str, Any]) -> tuple[list[str], str | None, str | None]:
    """(backends, cloud when one backend names it, region from regions or zones)."""
    backends = [str(b) for b in items(data.get("backends"))]
    cloud = None
    if len(backends) == 1 and backends[0] in ("aws", "gcp", "azure"):
        cloud = backends[0]
    regions = [str(r) for r in items(data.get("regions"))]
    region = regions[0] if regions else None
    zones = [str(z) for z in items(data.get("availability_zones"))]
    if region is None and zones:
        zone = zones[0]
        region = zone.rsplit("-", 1)[0] if cloud == "gcp" or zone.count("-") >= 2 else None
    return backends, cloud, region


def _spec(document: Any, data: Mapping[str, Any], path: str) -> Spec | None:
    kind = text(data.get("type"))
    if kind not in _TYPES:
        return None
    resources = mapping(data.get("resources"))
    name_value, count, _, memory, any_gpu, notes = parse_gpu(resources.get("gpu"))
    instance_types = tuple(str(t) for t in items(data.get("instance_types")))
    units, minimum, maximum = _units(kind, data, notes)
    spot, spot_reason = _spot(data, notes)
    if data.get("reservation"):
        notes.append(f"reservation {data.get('reservation')}")
    backends, cloud, region = _placement(data)
    if data.get("idle_duration"):
        notes.append(f"idle_duration {data.get('idle_duration')}: idle machines are kept that long")
    inherits = not resources.get("gpu") and not instance_types
    if inherits:
        notes.append("no resources.gpu: the GPUs come from the fleet it runs on")
    run_hours = hours(data.get("max_duration"))
    tags = mf.labels(data.get("tags"))
    group = Group(
        name=None,
        units=units,
        accel_count=count,
        accel_name=name_value,
        accel_reason="resources.gpu" if name_value else "",
        accel_kind=kind_of(name_value),
        count_reason="resources.gpu" if count else "",
        accel_memory_gib=memory,
        any_accelerator=any_gpu,
        accel_unknown=inherits,
        min_units=minimum,
        max_units=maximum,
        instance_types=instance_types,
        cloud=cloud,
        cloud_reason=f"backends: [{backends[0]}]" if cloud else "",
        region=region,
        spot=spot,
        spot_reason=spot_reason,
        whole_node=True,
        line=document.line_of("resources"),
        labels=tags,
        notes=tuple(notes),
    )
    commands = [c for c in items(data.get("commands")) if isinstance(c, str)]
    hint = mf.command_hint(commands)
    classes = {
        "service": WorkloadClass.INFERENCE,
        "dev-environment": WorkloadClass.NOTEBOOK,
    }
    return Spec(
        kind=f"dstack-{kind}",
        name=text(data.get("name")) or Path(path).name,
        resource_type=f"dstack/{kind}",
        groups=(group,),
        line=document.line_of("type"),
        cloud=cloud,
        region=region,
        labels=tags,
        kind_class=classes.get(kind or ""),
        default_class=WorkloadClass.BATCH if kind == "task" else WorkloadClass.UNKNOWN,
        kind_reason={
            "service": "a dstack service serves",
            "dev-environment": "a dstack dev environment is interactive",
            "task": "a dstack task is batch work",
            "fleet": "a dstack fleet is capacity for tasks and services",
        }[kind or "task"],
        hint_class=hint[0] if hint else None,
        hint_reason=hint[1] if hint else "",
        run_hours=run_hours,
        run_reason="max_duration" if run_hours else "",
        cluster=mf.cluster_label(tags),
    )


def read(path: Path) -> Inventory:
    specs = []
    for document, data in documents(path, "dstack configuration"):
        found = _spec(document, data, str(path))
        if found is not None:
            specs.append(found)
    return mf.inventory(str(path), KIND, specs)
