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
    try:
        return b"\xcb" not in msgspec.msgpack.encode(document)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return False


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


def dumps(document: dict[str, Any]) -> str:
    """The report as ``json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))`` writes
    each line: by msgspec (several times faster, in UTF-8 throughout) when
    :func:`float_free`, else by json's encoder."""
    if float_free(document):
        try:
            data = _layout(document, _msgspec, str.encode)
        except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
            pass
        else:
            text = data.decode()
            return inert.json_text(text) if inert.raw_controls(data) else text
    standard = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    return inert.json_text(_layout(document, standard, str))


def render(result: CheckResult, options: RenderOptions) -> str:
    return dumps(build(result))
