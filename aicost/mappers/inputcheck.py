"""Values no provider accepts, in resources that can run accelerators, are input errors.

Terraform writes an instance type as a string and a node count as a whole number. A plan
or configuration where an instance type is a number, a list, upper case or padded with
spaces, or where a count is negative, fractional, not a number or implausibly large, does
not describe a deployment anyone can price: aicost stops with exit 2 naming the file, the
resource address and the field, instead of pricing a guess (a negative desired capacity
once cancelled out a real GPU group in a team budget).

Only the resource types a mapper handles are checked, so unrelated resources (a disk's
``size``) are never judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import ResourceChange

#: Attributes that name a machine (at any depth).
TYPE_FIELDS = frozenset(
    {"instance_type", "machine_type", "vm_size", "virtual_machine_size", "node_type"}
)
#: Attributes that hold a list of machine names.
TYPE_LIST_FIELDS = frozenset({"instance_types"})
#: Resource types whose ``instance_type`` is a list (Batch takes types and families).
TYPE_LISTS_IN = frozenset({"aws_batch_compute_environment"})
#: Top-level attributes that name a machine in azurerm resources.
AZURE_TOP_TYPE_FIELDS = frozenset({"size", "sku"})
#: Attributes that count nodes, instances, replicas, vCPUs or accelerators (at any depth).
COUNT_FIELDS = frozenset(
    {
        "desired_capacity",
        "min_size",
        "max_size",
        "desired_size",
        "instance_count",
        "initial_instance_count",
        "min_instance_count",
        "max_instance_count",
        "node_count",
        "min_count",
        "max_count",
        "target_size",
        "instances",
        "capacity",
        "initial_node_count",
        "min_node_count",
        "max_node_count",
        "total_min_node_count",
        "total_max_node_count",
        "target_capacity",
        "total_target_capacity",
        "on_demand_target_capacity",
        "spot_target_capacity",
        "on_demand_base_capacity",
        "target_on_demand_capacity",
        "target_spot_capacity",
        "weighted_capacity",
        "min_vcpus",
        "max_vcpus",
        "desired_vcpus",
        "accelerator_count",
        "min_replica_count",
        "max_replica_count",
    }
)
#: Counted only inside nested blocks (``guest_accelerator { count = 4 }``).
NESTED_COUNT_FIELDS = frozenset({"count", "core_count"})
#: Top-level attributes that must be maps.
MAP_FIELDS = frozenset({"tags", "tags_all", "labels", "effective_labels"})
_SCALARS = frozenset({str, int, float, bool})
#: Keys _field judges; any other key's value is only walked into.
_NAMED = TYPE_FIELDS | TYPE_LIST_FIELDS | COUNT_FIELDS | NESTED_COUNT_FIELDS
_TOP_NAMED = _NAMED | AZURE_TOP_TYPE_FIELDS
_LOWER_CASE = frozenset({"aws", "awscc", "google", "google-beta"})
_SCALAR_TYPES = _SCALARS | {type(None)}
_NESTED: tuple[str | int, ...] = ("",)
#: More nodes than any deployment has: a count over this is a mistake, not a plan.
MAX_COUNT = 1_000_000
#: Nodes visited per resource (a hostile plan cannot make the walk unbounded).
_BUDGET = 100_000


def check(change: ResourceChange) -> None:
    """Raise :class:`InputError` for the first value no provider accepts in *change*."""
    after, before = change.after, change.before
    if (after is None or _clean(change, after)) and (before is None or _clean(change, before)):
        return  # the usual case: nothing to name, so no paths and no messages are built
    for side, values, sensitive in (
        ("after", change.after, change.after_sensitive),
        ("before", change.before, change.before_sensitive),
    ):
        if values is None:
            continue
        for problem in _problems(change, values, sensitive):
            raise InputError(
                f"{change.address}: {problem}" + ("" if side == "after" else " (before)"),
                path=change.source.path,
                line=change.source.line,
            )


def _clean(change: ResourceChange, values: Mapping[str, Any]) -> bool:
    """True when :func:`_problems` would find nothing in *values*; False when it may (then
    :func:`check` walks again with paths, to name the first problem exactly as before).

    The same judgement with less work per field: a map's named keys are found by one set
    intersection and most of their values judged at a glance, and a map or list of scalars
    only is passed over in C. A resource larger than the node budget goes to that walk (which
    stops at the budget) too."""
    if not isinstance(values, dict):
        return False
    for key in MAP_FIELDS:  # four lookups, not a pass over every key
        value = values.get(key)
        if value is not None and type(value) is not dict:
            for _ in _map_fields(change, values):
                return False
    flags = (change.provider in _LOWER_CASE, change.provider == "azurerm")
    if not _fine(change, (), values, _TOP_NAMED if flags[1] else _NAMED, flags):
        return False
    # Most maps (tags, small blocks) and lists hold only scalars: passed over in one C call.
    # Anything else is walked into (a named value too, though judged already: walked twice).
    if _SCALAR_TYPES.issuperset(map(type, values.values())):
        return True
    return _clean_below(
        change,
        [value for value in filter(None, values.values()) if type(value) not in _SCALARS],
        flags,
    )


def _clean_below(change: ResourceChange, stack: list[Any], flags: tuple[bool, bool]) -> bool:
    """:func:`_clean` of the maps and lists below the top level (*stack*)."""
    nodes = 1
    named, scalar_types, scalars, pop = _NAMED, _SCALAR_TYPES, _SCALARS, stack.pop
    while stack:
        node = pop()
        if type(node) is dict or isinstance(node, dict):
            nodes += 1
            if not (named.isdisjoint(node) or _fine(change, _NESTED, node, named, flags)):
                return False
            children: Any = node.values()
        elif isinstance(node, list):
            nodes += 1 + len(node)
            children = node
        else:
            continue
        if not scalar_types.issuperset(map(type, children)):
            stack += [value for value in filter(None, children) if type(value) not in scalars]
            if nodes > _BUDGET:
                return False
    return True


def _fine(
    change: ResourceChange,
    here: tuple[str | int, ...],
    node: dict[Any, Any],
    named: frozenset[str],
    flags: tuple[bool, bool],
) -> bool:
    """Whether every named key of the map *node* at *here* passes :func:`_field`: most are a
    good count or machine name, told at a glance; any other goes to :func:`_field`."""
    for key in named.intersection(node):
        value = node[key]
        if value is None:
            continue
        if type(value) is int:
            if key in COUNT_FIELDS and 0 <= value <= MAX_COUNT:
                continue
        elif key in TYPE_FIELDS and _good_name(value, flags[0]):
            continue
        for _ in _field(change, here, key, value, flags, None, []):
            return False
    return True


def _good_name(value: Any, lower: bool) -> bool:
    """A machine name :func:`_machine` finds nothing wrong with."""
    return (
        isinstance(value, str)
        and value != ""
        and value == value.strip()
        and (not lower or value == value.lower())
    )


def _asg_tag_list(change: ResourceChange, key: str, value: Any) -> bool:
    """An autoscaling group's ``tags`` written the AWS provider v3/v4 way: a list of
    ``{key, value, propagate_at_launch}`` maps (valid there, so not bad input)."""
    return (
        change.type == "aws_autoscaling_group"
        and key == "tags"
        and isinstance(value, list)
        and all(isinstance(item, dict) for item in value)
    )


def _problems(change: ResourceChange, values: Mapping[str, Any], sensitive: Any) -> Iterator[str]:
    lower = change.provider in _LOWER_CASE
    azure = change.provider == "azurerm"
    yield from _map_fields(change, values)
    budget = _BUDGET
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), values)]
    while stack:
        path, node = stack.pop()
        budget -= 1
        if budget < 0:
            return
        if isinstance(node, dict):
            # Most fields are scalars no check looks at: only the named ones go to _field,
            # and nested values are pushed to walk (what _field would do with them).
            named = _TOP_NAMED if azure and not path else _NAMED
            for key, value in node.items():
                if value is None:
                    continue
                if key in named:
                    yield from _field(change, path, key, value, (lower, azure), sensitive, stack)
                elif type(value) in _SCALARS:  # most values: one set lookup
                    continue
                elif value and isinstance(value, dict | list):  # empty: nothing to check
                    stack.append(((*path, key), value))
        elif isinstance(node, list):
            stack.extend(((*path, i), item) for i, item in enumerate(node))


def _gcp_network_tags(change: ResourceChange, key: str, value: Any) -> bool:
    """A Google resource's ``tags``: network tags, a list of strings (labels are the map)."""
    return (
        change.provider in {"google", "google-beta"}
        and key == "tags"
        and isinstance(value, list)
        and all(isinstance(item, str) for item in value)
    )


def _map_fields(change: ResourceChange, values: Mapping[str, Any]) -> Iterator[str]:
    """Fields that must be maps (tags, labels) but are not."""
    for key in MAP_FIELDS if change.provider != "awscc" else ():  # awscc: [{key, value}]
        value = values.get(key)
        if value is None or isinstance(value, dict):
            continue
        if _asg_tag_list(change, key, value) or _gcp_network_tags(change, key, value):
            continue
        yield f"{key} is a {_kind(value)}, not a map"


def _field(
    change: ResourceChange,
    path: tuple[str | int, ...],
    key: Any,
    value: Any,
    flags: tuple[bool, bool],
    sensitive: Any,
    stack: list[tuple[tuple[str | int, ...], Any]],
) -> Iterator[str]:
    """Problems with one non-null ``key: value`` at *path*; a nested value still to walk
    is pushed on *stack*. *flags* is (machine types are lower case, Azure)."""
    lower, azure = flags
    here = (*path, key)
    names_machine = key in TYPE_FIELDS or (azure and not path and key in AZURE_TOP_TYPE_FIELDS)
    if names_machine and isinstance(value, list) and change.type in TYPE_LISTS_IN:
        for position, item in enumerate(value):  # Batch takes a list of types
            yield from _machine((*here, position), item, lower, sensitive)
        return
    if names_machine and not (azure and key == "sku" and isinstance(value, list)):
        yield from _machine(here, value, lower, sensitive)
        return
    if key in TYPE_LIST_FIELDS:
        yield from _machine_list(here, value, lower, sensitive)
        return
    counts = key in COUNT_FIELDS or (path and key in NESTED_COUNT_FIELDS)
    if counts and not isinstance(value, dict | list):
        problem = _count(value)
        if problem is not None:
            yield f"{_dotted(here)} {problem}"
        return
    if isinstance(value, dict | list):
        stack.append((here, value))


def _machine_list(
    here: tuple[str | int, ...], value: Any, lower: bool, sensitive: Any
) -> Iterator[str]:
    if not isinstance(value, list):
        yield f"{_dotted(here)} is a {_kind(value)}, not a list of machine types"
        return
    for position, item in enumerate(value):
        yield from _machine((*here, position), item, lower, sensitive)


def _machine(path: tuple[str | int, ...], value: Any, lower: bool, sensitive: Any) -> Iterator[str]:
    if _good_name(value, lower):
        return  # the usual case: no message to build
    where = _dotted(path)
    if not isinstance(value, str):
        yield f"{where} is a {_kind(value)}, not a machine type string"
        return
    shown = "(sensitive)" if _marked(sensitive, path) else repr(value[:60])
    if not value.strip():
        yield f"{where} is empty"
    elif value != value.strip():
        yield f"{where} {shown} has leading or trailing spaces"
    elif lower and value != value.lower():
        yield f"{where} {shown} is not lower case, as the cloud's machine types are"


def _count(value: Any) -> str | None:
    if isinstance(value, bool):
        return f"is a {_kind(value)}, not a whole number"
    if value == "":
        return None  # providers write an unset optional number as ""
    try:
        number = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return f"is {_short(value)}, not a whole number"
    if not number.is_finite():
        return f"is {_short(value)}, not a finite number"
    if number != number.to_integral_value():
        return f"is {_short(value)}, not a whole number"
    if number < 0:
        return f"is {_short(value)}: a count cannot be negative"
    if number > MAX_COUNT:
        return f"is {_short(value)}, over {MAX_COUNT:,}: not a real deployment"
    return None


def _marked(tree: Any, path: tuple[str | int, ...]) -> bool:
    node = tree
    for step in path:
        if node is True:
            return True
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return False
    return node is True


def _dotted(path: tuple[str | int, ...]) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _kind(value: Any) -> str:
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "list",
        dict: "map",
    }.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    try:
        text = json.dumps(value) if not isinstance(value, float) else repr(value)
    except ValueError:  # an integer too long to print
        return "a number too long to print"
    return text if len(text) <= 40 else text[:37] + "..."


__all__ = ["MAX_COUNT", "check"]
