"""``--format json``: the canonical report (see :mod:`aicost.report.document`).

Written with one resource and one finding per line: readable and diffable, and fast
(``json.dumps`` with ``indent`` falls back to the pure-Python encoder, which takes
longer than the whole check on a plan with thousands of resources).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from aicost.document.build import build
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert


def float_free(document: Any) -> bool:
    """Whether msgspec writes *document* token for token as json's encoder does: True when
    it holds no float (msgspec writes ``1e16`` for ``1e+16`` and null for NaN) and msgspec
    can encode it. In MessagePack every float starts with the byte 0xcb; a string holding
    that byte is a false alarm that only costs the slower encoder."""
    encoder, buffer = msgspec.msgpack.Encoder(), bytearray()
    try:
        for piece in inert.pieces(document):  # (a few hundred kilobytes at a time)
            encoder.encode_into(piece, buffer)
            if b"\xcb" in buffer:
                return False
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return False
    return True


_T = TypeVar("_T", str, bytes)


def _layout(document: dict[str, Any], encode: Callable[[Any], _T], text: Callable[[str], _T]) -> _T:
    """The report's layout, one resource and one finding per line; *text* gives a literal in
    the encoder's type (str for json's encoder, bytes for msgspec's)."""
    indent, item_indent, comma, none = text("  "), text("    "), text(","), text("")
    lines = [text("{")]
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        after = comma if position < len(items) - 1 else none
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(indent + encode(key) + text(": ["))
            last = len(value) - 1
            lines.extend(
                item_indent + encode(item) + (comma if i < last else none)
                for i, item in enumerate(value)
            )
            lines.append(text("  ]") + after)
        else:
            lines.append(indent + encode(key) + text(": ") + encode(value) + after)
    lines.append(text("}"))
    return text("\n").join(lines) + text("\n")


def _msgspec(value: Any) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=0)


#: Put between the records of a list encoded at once, to break the encoding into lines.
#: As encoded (``"\u0000aicost\u0000"`` between ``, ``) it is found only where it was put,
#: or where a string in the report is exactly this text: then the count of replacements
#: tells, and the list is encoded a record at a time.
_SPLIT = "\x00aicost\x00"
_SPLIT_ENCODED = b', "\\u0000aicost\\u0000", '


#: Between two records of a list, one record per line.
_RECORD_BREAK = b",\n    "


def _records_text(records: list[Any]) -> bytes | memoryview:
    """The records of a list, each as :func:`_msgspec` encodes it, one a line: the list
    encoded and laid out by two calls into msgspec (not two a record) and its separators
    made line breaks in one pass, a view of it without its brackets (the report of a large
    plan is megabytes: each copy of it costs)."""
    interleaved: list[Any] = [_SPLIT] * (2 * len(records) - 1)
    interleaved[::2] = records
    encoded = _msgspec(interleaved)
    text = encoded.replace(_SPLIT_ENCODED, _RECORD_BREAK)
    replaced = (len(encoded) - len(text)) // (len(_SPLIT_ENCODED) - len(_RECORD_BREAK))
    if replaced != len(records) - 1:  # the text was in the report too
        return _RECORD_BREAK.join(_msgspec(record) for record in records)
    return memoryview(text)[1:-1]


def _msgspec_layout(document: dict[str, Any]) -> bytes:
    """:func:`_layout` with msgspec, each list of records encoded at once."""
    lines: list[bytes | memoryview] = [b"{\n"]
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        after = b"," if position < len(items) - 1 else b""
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(b"  " + _msgspec(key) + b": [\n    ")
            lines.append(_records_text(value))
            lines.append(b"\n  ]" + after + b"\n")
        else:
            lines.append(b"  " + _msgspec(key) + b": " + _msgspec(value) + after + b"\n")
    lines.append(b"}\n")
    return b"".join(lines)


def dumps(document: dict[str, Any]) -> str:
    """The report as ``json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))`` writes
    each line: by msgspec (several times faster, in UTF-8 throughout) when
    :func:`float_free`, else by json's encoder."""
    encoded = _msgspec_dumps(document)
    if encoded is not None:
        return encoded.decode()
    return _standard_dumps(document)


def dumps_bytes(document: dict[str, Any]) -> bytes:
    """:func:`dumps` in UTF-8, without decoding msgspec's bytes only to encode them again."""
    encoded = _msgspec_dumps(document)
    return encoded if encoded is not None else _standard_dumps(document).encode()


def _msgspec_dumps(document: dict[str, Any]) -> bytes | None:
    """The report in UTF-8 by msgspec (control characters escaped, see
    :func:`inert.json_text`), or None when json's encoder must write it."""
    if not float_free(document):
        return None
    try:
        data = _msgspec_layout(document)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return None
    return inert.json_text(data.decode()).encode() if inert.raw_controls(data) else data


def _standard_dumps(document: dict[str, Any]) -> str:
    standard = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    return inert.json_text(_layout(document, standard, str))


def render(result: CheckResult, options: RenderOptions) -> str:
    return dumps(build(result))


def render_bytes(result: CheckResult, options: RenderOptions) -> bytes:
    """:func:`render` in UTF-8, for a report written to a file."""
    return dumps_bytes(build(result))
