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

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
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


class _Bad(ValueError):
    """A value dstack would refuse; the reader turns it into an input error with its line."""


_NUMBER = re.compile(r"^\d+$")
_VENDORS = frozenset({"nvidia", "amd", "google", "tpu", "intel", "tenstorrent"})
#: Machines, replicas or GPUs past this are out of range.
MAX_COUNT = 1_000_000


def _count(value: Any, what: str) -> float:
    """A non-negative whole count (``8``, ``"8"``), else :class:`_Bad` naming *what*."""
    if isinstance(value, bool) or value is None:
        raise _Bad(f"{what}: not a count: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise _Bad(f"{what}: not a whole finite number: {value!r}")
    elif isinstance(value, str):
        if not _NUMBER.match(value.strip()):
            raise _Bad(f"{what}: not a count: {value[:40]!r}")
        value = int(value.strip()[:12])
    elif not isinstance(value, int):
        raise _Bad(f"{what}: not a count: {type(value).__name__}")
    if value < 0:
        raise _Bad(f"{what}: must not be negative: {value!r}")
    if value > MAX_COUNT:
        raise _Bad(f"{what}: out of range (over {MAX_COUNT:,}): {value!r}")
    return float(value)


def _range(value: Any, what: str = "count") -> tuple[float | None, float | None]:
    """``2`` -> (2, 2); ``"1..8"`` -> (1, 8); ``"2.."`` -> (2, None); refuses bad values."""
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        low = value.get("min")
        high = value.get("max")
        return (
            None if low is None else _count(low, what),
            None if high is None else _count(high, what),
        )
    if not isinstance(value, str):
        number = _count(value, what)
        return number, number
    raw = value.strip()
    match = _RANGE.match(raw)
    if match and (match.group(1) or match.group(2)):
        low = _count(match.group(1), what) if match.group(1) else None
        high = _count(match.group(2), what) if match.group(2) else None
        if low is not None and high is not None and high < low:
            raise _Bad(f"{what}: range {raw!r} ends below its start")
        return low, high
    number = _count(raw, what)
    return number, number


def _memory(value: str) -> float | None:
    """GB in ``24GB``, ``24GB..``, ``24GB..80GB`` (the minimum), ``512MB``, ``1TB``."""
    raw = value.strip()
    if ".." in raw:
        low = raw.split("..", 1)[0].strip()
        high = raw.split("..", 1)[1].strip()
        if not low and high:
            return None if _MEMORY.match(high) is None else 0.0
        raw = low
    match = _MEMORY.match(raw)
    if not match:
        return None
    amount = float(match.group(1))
    unit = match.group(2).upper()
    return amount * 1024 if unit == "TB" else amount / 1024 if unit == "MB" else amount


def _is_count(token: str) -> bool:
    match = _RANGE.match(token)
    return _NUMBER.match(token) is not None or bool(match and (match.group(1) or match.group(2)))


def _gpu_mapping(
    value: Mapping[str, Any],
) -> tuple[str | None, float, float | None, float | None, bool, list[str]]:
    notes: list[str] = []
    name = value.get("name")
    names = [str(n) for n in name] if isinstance(name, list) else [str(name)] if name else []
    low, high = _range(value.get("count", 1), "resources.gpu.count")
    memory = _memory(str(value.get("memory"))) if value.get("memory") else None
    chosen = canonical(names[0]) if names else None
    if len(names) > 1:
        notes.append(f"GPU alternatives {', '.join(names)}: priced as the first")
    count = low if low is not None else 1
    if high != low:
        notes.append(f"GPU count {value.get('count')}: priced at {count:g}")
    return chosen, count, high, memory, not names and memory is None, notes


def parse_gpu(value: Any) -> tuple[str | None, float, float | None, float | None, bool, list[str]]:
    """(name, count, max count, min memory GB, any GPU, notes) of a ``resources.gpu`` value.

    Strings are ``:``-separated tokens in any order, as dstack reads them: a count or range
    (``8``, ``1..8``), a memory (``24GB``, ``24GB..80GB``), a vendor (``nvidia``), names
    (``H100``, ``A100,H100``): ``H200:8``, ``8:H200``, ``A100:40GB:2``, ``nvidia:24GB..:2``.
    """
    notes: list[str] = []
    if value is None:
        return None, 0, None, None, False, notes
    if isinstance(value, Mapping):
        return _gpu_mapping(value)
    if isinstance(value, list):
        raise _Bad("resources.gpu: a list is not a GPU spec")
    if not isinstance(value, str):
        number = _count(value, "resources.gpu")
        return None, number, number, None, True, notes
    raw = value.strip()
    if len(raw) > 200:
        raise _Bad("resources.gpu: too long")
    names: list[str] = []
    count: float | None = None
    high: float | None = None
    memory: float | None = None
    for token in (t.strip() for t in raw.split(":")):
        if not token:
            continue
        if _is_count(token) or token.lstrip().startswith("-"):
            low, top = _range(token, "resources.gpu")
            count = low if low is not None else 1
            high = top
            if top != low:
                notes.append(f"GPU count {token}: priced at {count:g}")
            continue
        found = _memory(token)
        if found is not None:
            memory = found
            continue
        if token.lower() in _VENDORS:
            notes.append(f"GPU vendor {token}")
            continue
        names.extend(n.strip() for n in token.split(",") if n.strip())
    name = canonical(names[0]) if names else None
    if len(names) > 1:
        notes.append(f"GPU alternatives {', '.join(names)}: priced as the first")
    if count is None:
        count, high = 1.0, (1.0 if names or memory is not None else None)
    if name and name.startswith("TPU"):
        chips = tpu_chips(names[0])
        if chips:
            count = chips
            notes.append(f"{names[0]}: a slice of {chips:g} TPU chips")
    any_gpu = name is None and memory is None
    return name, count, high, memory, any_gpu, notes


def _spec(document: Any, data: Mapping[str, Any], path: str) -> Spec | None:
    kind = text(data.get("type"))
    if kind not in _TYPES:
        return None
    resources = mapping(data.get("resources"))
    notes: list[str] = []
    instance_types = tuple(str(t) for t in items(data.get("instance_types")))
    units_low, units_high = _range(data.get("nodes", 1), "nodes")
    units = int(units_low or 1)
    minimum = maximum = None
    # (name, resources, units, min, max, where) of each group of machines.
    parts: list[tuple[str | None, Mapping[str, Any], int, int | None, int | None, tuple[Any, ...]]]
    parts = []
    if kind == "service":
        replicas = data.get("replicas", 1)
        if isinstance(replicas, list):
            for index, replica_group in enumerate(replicas):
                if not isinstance(replica_group, Mapping):
                    raise _Bad(f"replicas[{index}]: a replica group must be a mapping")
                low, high = _range(replica_group.get("count", 1), f"replicas[{index}].count")
                group_units = int(low if low is not None else 1)
                parts.append(
                    (
                        text(replica_group.get("name")) or f"replica group {index}",
                        mapping(replica_group.get("resources")) or resources,
                        max(group_units, 1),
                        group_units if high != low else None,
                        (int(high) if high is not None else None) if high != low else None,
                        ("replicas", index),
                    )
                )
            notes.append(f"{len(replicas)} replica groups")
        else:
            low, high = _range(replicas, "replicas")
            units = int(low or 1)
            minimum = int(low) if low is not None else None
            maximum = int(high) if high is not None else None
    elif units_high != units_low:
        minimum = units
        maximum = int(units_high) if units_high else None
    if not parts:
        parts.append((None, resources, units, minimum, maximum, ("resources",)))
    policy = (text(data.get("spot_policy")) or "").lower()
    spot: bool | None = False
    spot_reason = "spot_policy not set: on-demand (the dstack default)"
    if policy == "spot":
        spot, spot_reason = True, "spot_policy: spot"
    elif policy == "auto":
        spot, spot_reason = True, "spot_policy: auto (spot when offered, else on-demand)"
        notes.append("spot_policy auto: priced as spot; dstack falls back to on-demand")
    elif policy == "on-demand":
        spot_reason = "spot_policy: on-demand"
    if data.get("reservation"):
        notes.append(f"reservation {data.get('reservation')}")
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
    if data.get("idle_duration"):
        notes.append(f"idle_duration {data.get('idle_duration')}: idle machines are kept that long")
    run_hours = hours(data.get("max_duration"))
    tags = mf.labels(data.get("tags"))
    groups: list[Group] = []
    for part_name, part_resources, part_units, part_min, part_max, where in parts:
        name_value, count, _, memory, any_gpu, gpu_notes = parse_gpu(part_resources.get("gpu"))
        group_notes = [*notes, *gpu_notes]
        inherits = not part_resources.get("gpu") and not instance_types
        if inherits:
            group_notes.append("no resources.gpu: the GPUs come from the fleet it runs on")
        groups.append(
            Group(
                name=part_name,
                units=part_units,
                accel_count=count,
                accel_name=name_value,
                accel_reason="resources.gpu" if name_value else "",
                accel_kind=kind_of(name_value),
                count_reason="resources.gpu" if count else "",
                accel_memory_gib=memory,
                any_accelerator=any_gpu,
                accel_unknown=inherits,
                min_units=part_min,
                max_units=part_max,
                instance_types=instance_types,
                cloud=cloud,
                cloud_reason=f"backends: [{backends[0]}]" if cloud else "",
                region=region,
                spot=spot,
                spot_reason=spot_reason,
                whole_node=True,
                line=document.line_of(*where),
                labels=tags,
                notes=tuple(group_notes),
            )
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
        groups=tuple(groups),
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


def _where(message: str) -> tuple[str | int, ...]:
    """``replicas[1].count: ...`` -> (``replicas``, 1, ``count``)."""
    parts = re.findall(r"[A-Za-z_]+|\[\d+\]", message.split(":", 1)[0])
    return tuple(int(part[1:-1]) if part.startswith("[") else part for part in parts)


def read(path: Path) -> Inventory:
    specs = []
    for document, data in documents(path, "dstack configuration"):
        try:
            found = _spec(document, data, str(path))
        except _Bad as exc:
            raise InputError(
                str(exc), path=path, line=document.line_of(*_where(str(exc)))
            ) from None
        if found is not None:
            specs.append(found)
    return mf.inventory(str(path), KIND, specs)
