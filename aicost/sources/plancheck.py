"""Strict checks of a plan's structure: what Terraform never writes is an input error.

A gate that drops a malformed entry with a warning passes what it did not read. Every
check here raises :class:`~aicost.core.errors.InputError` (exit 2) naming the file and the
resource address or field:

* ``resource_changes`` entries: an object with string ``address``/``type``, a ``mode`` of
  ``managed`` or ``data``, a ``provider_name`` as Terraform or OpenTofu writes it, a
  ``change`` object whose ``actions`` is a list of known actions, and an ``after`` object
  for a create (``before`` for a delete);
* numbers: JSON ``NaN``/``Infinity``, values that overflow a float (``1e400``) and integers
  longer than Python converts (4,300 digits) are refused while parsing;
* ``configuration``: objects where Terraform writes objects (``provider_config``,
  ``root_module``, ``module_calls``, ``expressions``) and lists where it writes lists.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError

_KNOWN_ACTIONS = frozenset({"create", "update", "delete", "no-op", "read", "forget"})
#: ``registry.terraform.io/hashicorp/aws``, ``registry.opentofu.org/hashicorp/aws``, any other
#: host/namespace/type, ``hashicorp/aws``, or a bare ``aws`` (format 0.x plans).
_PROVIDER = re.compile(
    r"^(?:(?:[a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+(?::\d+)?/)?"
    r"(?:(?:[a-z0-9][a-z0-9_-]*|-)/)?[a-z0-9][a-z0-9_-]*$"  # "-": a 0.13 legacy namespace
    # format 0.x plans write a bare type, with its alias: ``aws``, ``aws.west``
    r"|^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)?$"
)
#: Python refuses to convert longer integers (sys.int_info.default_max_str_digits).
MAX_INT_DIGITS = 4300


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer with {len(text):,} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


def _constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def loads(text: str, path: Path) -> Any:
    """``json.loads`` that refuses NaN, Infinity, out-of-range and over-long numbers."""
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        raise InputError(f"invalid number in JSON: {exc}", path=path) from None


def provider_name(value: Any, address: str, path: Path) -> str:
    if not isinstance(value, str) or not _PROVIDER.match(value):
        raise InputError(
            f"{address}: provider_name {_shown(value)} is not a provider address as Terraform "
            "or OpenTofu writes it (registry.terraform.io/hashicorp/aws)",
            path=path,
        )
    return value


def entry(entry: Any, position: int, path: Path) -> tuple[str, str, Mapping[str, Any]]:
    """(address, type, change) of a ``resource_changes`` entry, or an input error."""
    where = f"resource_changes[{position}]"
    if not isinstance(entry, dict):
        raise InputError(f"{where} is a {_json_kind(entry)}, not an object", path=path)
    address = entry.get("address")
    rtype = entry.get("type")
    if not isinstance(address, str) or not address:
        raise InputError(f"{where}: address is missing or not a string", path=path)
    if not isinstance(rtype, str) or not rtype:
        raise InputError(f"{address}: type is missing or not a string", path=path)
    mode = entry.get("mode", "managed")
    if mode not in ("managed", "data"):
        raise InputError(f"{address}: mode {_shown(mode)} is not 'managed' or 'data'", path=path)
    change = entry.get("change")
    if not isinstance(change, dict):
        raise InputError(f"{address}: change is missing or not an object", path=path)
    _change(address, mode, change, path)
    after_unknown = change.get("after_unknown")
    if after_unknown is not None and not isinstance(after_unknown, dict | bool):
        raise InputError(f"{address}: change.after_unknown is not an object", path=path)
    return address, rtype, change


def _change(address: str, mode: Any, change: Mapping[str, Any], path: Path) -> None:
    """A change's actions, and the before/after they need."""
    actions = change.get("actions")
    if not isinstance(actions, list) or not actions:
        raise InputError(
            f"{address}: change.actions is {_shown(actions)}, not a list of actions", path=path
        )
    unknown = [a for a in actions if not isinstance(a, str) or a not in _KNOWN_ACTIONS]
    if unknown:
        raise InputError(
            f"{address}: change.actions has {_shown(unknown[0])}, not a Terraform action",
            path=path,
        )
    for side in ("before", "after"):
        value = change.get(side)
        if value is not None and not isinstance(value, dict):
            raise InputError(
                f"{address}: change.{side} is a {_json_kind(value)}, not an object", path=path
            )
    if "create" in actions and mode == "managed" and change.get("after") is None:
        raise InputError(f"{address}: a create with no change.after", path=path)
    if actions == ["delete"] and change.get("before") is None:
        raise InputError(f"{address}: a delete with no change.before", path=path)


def configuration(plan: Mapping[str, Any], path: Path) -> None:
    """The ``configuration`` section has the shape Terraform writes."""
    config = plan.get("configuration")
    if config is None:
        return
    _object(config, "configuration", path)
    providers = config.get("provider_config")
    if providers is not None:
        _object(providers, "configuration.provider_config", path)
        for key, provider in providers.items():
            where = f"configuration.provider_config.{key}"
            _object(provider, where, path)
            _object_or_none(provider.get("expressions"), f"{where}.expressions", path)
            blocks = (provider.get("expressions") or {}).get("default_tags")
            if blocks is not None and not isinstance(blocks, list):
                raise InputError(f"{where}.expressions.default_tags is not a list", path=path)
    root = config.get("root_module")
    if root is not None:
        _module(root, "configuration.root_module", path, depth=0)
    variables = plan.get("variables")
    _object_or_none(variables, "variables", path)


def _module(module: Any, where: str, path: Path, depth: int) -> None:
    _object(module, where, path)
    if depth > 64:
        raise InputError(f"{where}: modules nested more than 64 deep", path=path)
    resources = module.get("resources")
    if resources is not None:
        if not isinstance(resources, list):
            raise InputError(f"{where}.resources is not a list", path=path)
        for position, resource in enumerate(resources):
            _object(resource, f"{where}.resources[{position}]", path)
            _object_or_none(
                resource.get("expressions"), f"{where}.resources[{position}].expressions", path
            )
    _object_or_none(module.get("variables"), f"{where}.variables", path)
    calls = module.get("module_calls")
    if calls is not None:
        _object(calls, f"{where}.module_calls", path)
        for name, call in calls.items():
            _object(call, f"{where}.module_calls.{name}", path)
            _object_or_none(
                call.get("expressions"), f"{where}.module_calls.{name}.expressions", path
            )
            inner = call.get("module")
            if inner is not None:
                _module(inner, f"{where}.module_calls.{name}.module", path, depth + 1)


def _object(value: Any, where: str, path: Path) -> None:
    if not isinstance(value, dict):
        raise InputError(f"{where} is a {_json_kind(value)}, not an object", path=path)


def _object_or_none(value: Any, where: str, path: Path) -> None:
    if value is not None:
        _object(value, where, path)


def _shown(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["MAX_INT_DIGITS", "configuration", "entry", "loads", "provider_name"]


def _json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (``null``, not ``NoneType``)."""
    if value is None:
        return "null value"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}.get(
        type(value), type(value).__name__
    )
