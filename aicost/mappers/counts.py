"""Negative counts are bad input, never a negative cost.

A node group with ``desired_size = -2`` or a Deployment with ``replicas: -3`` would otherwise
price as negative money and lower a budget's total. Every mapped workload is checked: a
negative node, replica or accelerator count is an input error (exit 2) naming the file, the
resource and the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import Deployment, ResourceChange, Workload

#: Attribute names that hold counts of machines, replicas or accelerators.
_COUNT_WORDS = (
    "count",
    "size",
    "replicas",
    "capacity",
    "instances",
    "nodes",
    "units",
    "parallelism",
)


def check(change: ResourceChange, workload: Workload) -> None:
    """Raise :class:`InputError` when *workload* has a negative count."""
    for deployment in (workload.prior, workload.planned):
        if deployment is None or not _negative(deployment):
            continue
        field, value = _field(change)
        where = f"{field} is {value}" if field else _describe(deployment)
        raise InputError(
            f"{change.address}: {where}: a count cannot be negative",
            path=change.source.path,
            line=change.source.line,
        )


def _negative(deployment: Deployment) -> bool:
    for capacity in deployment.capacity:
        if capacity.nodes < 0:
            return True
    low, high = deployment.min_nodes, deployment.max_nodes
    if (low is not None and low < 0) or (high is not None and high < 0):
        return True
    return deployment.accelerator is not None and deployment.accelerator.count < 0


def _describe(deployment: Deployment) -> str:
    nodes = sum(c.nodes for c in deployment.capacity)
    if nodes < 0:
        return f"{nodes} nodes"
    if deployment.accelerator is not None and deployment.accelerator.count < 0:
        return f"{deployment.accelerator.count:g} accelerators per node"
    return f"replicas {deployment.min_nodes}-{deployment.max_nodes}"


def _field(change: ResourceChange) -> tuple[str | None, Any]:
    """The first negative count among the change's attributes (a Terraform path), or the
    manifest group that has one."""
    spec = (change.after or {}).get("spec") if change.after else None
    groups = getattr(spec, "groups", None)
    if groups is not None:
        for group in groups:
            for name in ("units", "min_units", "max_units", "accel_count"):
                value = getattr(group, name, None)
                if value is not None and value < 0:
                    label = {
                        "units": "replicas",
                        "min_units": "minimum replicas",
                        "max_units": "maximum replicas",
                        "accel_count": "accelerators per pod",
                    }[name]
                    where = f"{group.name} " if group.name else ""
                    return f"{where}{label}", _plain(value)
        return None, None
    for path, value in _walk(change.after or {}, ()):
        if path and any(word in str(path[-1]).lower() for word in _COUNT_WORDS):
            return _dotted(path), value
    return None, None


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))
    elif isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value < 0:
        yield path, value


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _plain(value: float | int) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
