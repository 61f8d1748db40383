"""Checks every Kubernetes and VM-job reader runs: values a cluster or cloud would refuse.

Counts (``replicas``, ``parallelism``, ``num_nodes``, ``InstanceCount``...), accelerator
quantities and ``containers`` that are negative, fractional, not a number, NaN, infinite or
out of range (or a ``containers`` that is not a list) are input errors naming the file, line
and field (exit 2), never a guess; and an object that asks for accelerators where its reader
does not look is refused rather than priced at $0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from aicost.core.errors import InputError
from aicost.sources.manifest import text
from aicost.sources.podspec import is_accelerator
from aicost.sources.yamldocs import Document

Path = tuple[str | int, ...]

#: Counts a cluster stores as 32-bit integers.
MAX_COUNT = 2**31 - 1
#: Accelerators one container may ask for before the value is called out of range.
MAX_ACCELERATORS = 1_000_000
#: Keys whose value is a number of pods, replicas or hosts.
COUNT_KEYS = frozenset(
    {"replicas", "parallelism", "completions", "minReplicas", "maxReplicas", "numOfHosts"}
)
#: Keys whose value is a non-negative number (seconds; Ray's GPUs per pod).
SECONDS_KEYS = frozenset({"activeDeadlineSeconds", "ttlSecondsAfterFinished", "num-gpus"})


def validate(path: str, document: Document, obj: Mapping[str, Any], at: Path) -> None:
    """Refuse values a cluster would refuse, naming the file, line and field (exit 2).

    What is checked depends on content only, so a ``spec`` seen valid before in this
    process (a directory of Jobs made from one template) is not walked again."""
    spec = obj.get("spec") if type(obj) is dict else None
    if type(spec) is not dict:
        _validate(path, document, obj, at, ())
        return
    try:
        encoded = encode(spec)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        _validate(path, document, obj, at, ())  # not plain data: walked every time
        return
    if encoded in _VALID_SPECS:
        _validate(path, document, {k: v for k, v in obj.items() if k != "spec"}, at, ())
        return
    _validate(path, document, obj, at, ())
    if len(_VALID_SPECS) >= _MAX_VALID_SPECS:
        _VALID_SPECS.clear()
    _VALID_SPECS.add(encoded)


def encode(spec: Any) -> bytes:
    """``msgspec.msgpack.encode(spec)``, remembered for the last *spec* object: a reader
    keys its own memo by the encoding of the spec checked just before."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is spec:
        return last[1]
    encoded = msgspec.msgpack.encode(spec)
    _LAST = (spec, encoded)  # the spec is kept, so no other object can take its id
    return encoded


_LAST: tuple[Any, bytes] | None = None


#: MessagePack encodings of object specs that passed :func:`validate`.
_VALID_SPECS: set[bytes] = set()
_MAX_VALID_SPECS = 4096


def validate_counts(
    path: str, document: Document, data: Any, keys: frozenset[str], at: Path = ()
) -> None:
    """Refuse a count under any of *keys* (matched ignoring case and ``_``) that is not a
    whole non-negative finite number: for the readers of SkyPilot, SageMaker, Vertex AI and
    Azure ML files, whose counts name machines."""
    _validate_keys(path, document, data, keys, at, (), 0)


def _validate_keys(
    path: str,
    document: Document,
    node: Any,
    keys: frozenset[str],
    at: Path,
    parts: Path,
    depth: int,
) -> None:
    if depth > 64:
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            _validate_keys(path, document, item, keys, at, (*parts, index), depth + 1)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            here = (*parts, str(key))
            if str(key).lower().replace("_", "") in keys and not isinstance(value, Mapping | list):
                _check_number(path, document, at, here, value, integral=True, limit=MAX_COUNT)
            else:
                _validate_keys(path, document, value, keys, at, here, depth + 1)


def _field(parts: Path) -> str:
    shown = ""
    for part in parts:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            shown += ("." if shown else "") + part
    return shown


def _fail(path: str, document: Document, at: Path, parts: Path, problem: str) -> InputError:
    return InputError(f"{_field(parts)}: {problem}", path=path, line=document.line_of(*at, *parts))


#: Types of YAML scalars: never containers (answered without the slower ABC check).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _container(value: Any) -> bool:
    kind = type(value)
    if kind is dict or kind is list:
        return True
    return kind not in _SCALARS and isinstance(value, Mapping | list)


#: Keys whose values :func:`_validate` checks; under any other key it only looks deeper.
_WATCHED = COUNT_KEYS | SECONDS_KEYS | {"containers", "initContainers", "limits", "requests"}


def _validate(path: str, document: Document, node: Any, at: Path, parts: Path) -> None:
    if type(node) is not dict and not isinstance(node, Mapping):
        if isinstance(node, list):
            for index, item in enumerate(node):
                if _container(item):  # a scalar holds nothing to check
                    _validate(path, document, item, at, (*parts, index))
        return
    for key, value in node.items():
        if key not in _WATCHED:
            kind = type(value)  # _container(value), inlined: this loop sees every key
            if kind is dict or kind is list or (kind not in _SCALARS and _container(value)):
                _validate(path, document, value, at, (*parts, str(key)))
            continue
        here = (*parts, str(key))
        if _check_watched(path, document, at, here, key, value) and _container(value):
            _validate(path, document, value, at, here)


def _check_watched(
    path: str, document: Document, at: Path, here: Path, key: Any, value: Any
) -> bool:
    """Check the value of a key in :data:`_WATCHED`; whether to look deeper into it."""
    container = _container(value)
    if key in COUNT_KEYS and not container:
        _check_number(path, document, at, here, value, integral=True, limit=MAX_COUNT)
    elif key in SECONDS_KEYS and not container:
        _check_number(path, document, at, here, value, integral=False, limit=None)
    elif key in ("containers", "initContainers") and value is not None:
        if not isinstance(value, list):
            raise _fail(
                path, document, at, here, f"must be a list of containers, not {_kind(value)}"
            )
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise _fail(
                    path,
                    document,
                    at,
                    (*here, index),
                    f"a container must be a mapping, not {_kind(item)}",
                )
    elif key in ("limits", "requests") and isinstance(value, Mapping):
        for resource, amount in value.items():
            if is_accelerator(str(resource)):
                _check_number(
                    path,
                    document,
                    at,
                    (*here, str(resource)),
                    amount,
                    integral=True,
                    limit=MAX_ACCELERATORS,
                )
        return False
    return True


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _check_number(
    path: str,
    document: Document,
    at: Path,
    parts: Path,
    value: Any,
    *,
    integral: bool,
    limit: int | None,
) -> None:
    if value is None:
        return
    if type(value) is int and value >= 0 and (limit is None or value <= limit):
        return  # the common case, without the Decimal checks below
    number = as_number(value)
    if number is None:
        raise _fail(path, document, at, parts, f"not a number: {_shown(value)}")
    if not number.is_finite():
        raise _fail(path, document, at, parts, f"not a finite number: {_shown(value)}")
    if number < 0:
        raise _fail(path, document, at, parts, f"must not be negative: {_shown(value)}")
    if integral and number != number.to_integral_value():
        raise _fail(path, document, at, parts, f"must be a whole number: {_shown(value)}")
    if limit is not None and number > limit:
        raise _fail(path, document, at, parts, f"out of range (over {limit:,}): {_shown(value)}")


def _shown(value: Any) -> str:
    raw = repr(value) if isinstance(value, str) else str(value)
    return raw if len(raw) <= 40 else raw[:37] + "..."


def as_number(value: Any) -> Decimal | None:
    """A count or quantity as a Decimal (``2``, ``"2"``, ``"1k"``), None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value):
            return Decimal("NaN")
        return Decimal(str(value)) if math.isfinite(value) else Decimal("Infinity")
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 64:
        return None
    suffixes = {"k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    factor = 1
    for suffix, size in suffixes.items():
        if raw.endswith(suffix) and raw[: -len(suffix)][-1:].isdigit():
            raw, factor = raw[: -len(suffix)], size
            break
    if raw.endswith("m") and raw[:-1][-1:].isdigit():
        raw, divisor = raw[:-1], Decimal(1000)
    else:
        divisor = Decimal(1)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    if number.is_nan():
        return number
    return number * factor / divisor


def accelerator_request(node: Any, parts: Path = (), depth: int = 0) -> Path | None:
    """The field of the first accelerator request (a positive or non-numeric quantity under
    ``resources.limits`` or ``resources.requests``) in *node*, at any depth: what a reader
    must account for, or refuse. (A Karpenter NodePool's ``spec.limits`` is a cap.)"""
    if depth > 64:
        return None
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(key, str) and value is not None and is_accelerator(key) and _asks(parts):
                number = as_number(value) if not isinstance(value, Mapping | list) else None
                if number is None or number.is_nan() or number != 0:
                    return (*parts, key)
            found = accelerator_request(value, (*parts, str(key)), depth + 1)
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found = accelerator_request(item, (*parts, index), depth + 1)
            if found is not None:
                return found
    return None


def _asks(parts: Path) -> bool:
    """Whether *parts* is ``resources.limits`` or ``resources.requests``, with list items
    allowed between and after (``resources`` or ``limits`` given as a list is no pod field a
    reader takes, but it is a request: refused, never a silent $0)."""
    named = [part for part in parts if not isinstance(part, int)]
    return named[-2:] in (["resources", "limits"], ["resources", "requests"])


def unread_request(path: str, document: Document, obj: Mapping[str, Any], at: Path) -> InputError:
    """The error for an object that asks for accelerators where its reader does not look
    (a pod template given as a list, a request outside ``resources``): never a silent $0."""
    where = accelerator_request(obj) or ()
    kind = text(obj.get("kind")) or "object"
    return InputError(
        f"{_field(where)}: this {kind} asks for accelerators in a place aicost does not read "
        "them from (a pod template's containers[].resources); check the structure "
        "(a list where a mapping belongs?)",
        path=path,
        line=document.line_of(*at, *where),
    )
