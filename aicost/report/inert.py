"""Input strings rendered inert: control characters visible, Markdown without effects.

Names, tags, paths and messages come from the files being checked, which a pull request
author controls. In a terminal or CI log a control character or escape sequence in them
could move the cursor and redraw a line (a FAIL shown as PASS); in a PR comment, Markdown
in them could add HTML, @mentions or links. Every text format passes such strings through
:func:`controls`; Markdown also through :func:`text` or :func:`code`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

#: C0 controls (tab and newline included: one value stays on one line), DEL, C1 controls,
#: and the Unicode bidirectional overrides and isolates that reorder what is displayed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ZWSP = "\u200b"


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def controls(value: Any) -> str:
    """*value* as text with every control character written out (``\\x1b``, ``\\n``)."""
    text = str(value)
    return _CONTROL.sub(_visible, text) if _CONTROL.search(text) else text


def text(value: Any) -> str:
    """Plain text that Markdown shows as written: no HTML, no mentions, no links, no
    emphasis, no table breaks, one line."""
    value = controls(" ".join(str(value).split()))
    value = re.sub(r"([\\`*_\[\]~])", r"\\\1", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("|", "\\|")
    # Mentions (@user, @org/team) and autolinks (http://..., www...., user@host) are found
    # by GitHub in the rendered text, after entities and escapes are decoded: a zero-width
    # space after the @ and inside :// and www. keeps them from matching.
    value = value.replace("@", "&#64;" + _ZWSP)
    value = value.replace("://", ":" + _ZWSP + "//")
    return re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:3] + _ZWSP + ".", value)


def code(value: Any) -> str:
    """An inline code span showing *value* literally, whatever backticks it holds.

    The fence is one backtick longer than the longest run inside (CommonMark), so the span
    cannot be closed early; inside it nothing is HTML, a mention or a link.
    """
    inner = controls(" ".join(str(value).split())).replace("|", "\\|")
    runs = [len(run) for run in re.findall(r"`+", inner)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") or not inner.strip() else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def tree(value: Any) -> Any:
    """A report document with :func:`controls` applied to every string in it: a copy, or
    *value* itself when no string in it holds a character :func:`controls` would change."""
    if _plain(value):
        return value
    return _tree(value)


#: In msgspec's JSON, an escape other than ``\"`` and ``\\``: C0 controls are written
#: ``\n``, ``\u001b``... (a backslash in the text followed by a letter is a false alarm
#: that only costs the full walk).
_ESCAPE = re.compile(rb'\\[^"\\]')
#: DEL, and as UTF-8 the C1 controls and the bidirectional marks of :data:`_CONTROL`.
_RAW_UTF8 = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
_ASCII_BUT_DEL = bytes(range(0x7F))


def raw_controls(data: bytes | bytearray) -> bool:
    """Whether UTF-8 *data* holds DEL, a C1 control or a bidirectional mark. Searched in
    its non-ASCII bytes only (and DEL): a character's bytes stay together when the ASCII
    bytes around them go, and a search of megabytes becomes one of a few hundred bytes.
    ASCII *data* (the usual report: one check of its bytes in C) holds only DEL of those."""
    if data.isascii():
        return b"\x7f" in data
    return _RAW_UTF8.search(data.translate(None, _ASCII_BUT_DEL)) is not None


def _plain(value: Any) -> bool:
    """True when no string anywhere in *value* holds a control character (an encode in C
    and two searches per piece of it, instead of a Python call per value); False when
    unsure."""
    import msgspec

    encoder, buffer = msgspec.json.Encoder(), bytearray()
    try:
        for piece in pieces(value):
            encoder.encode_into(piece, buffer)
            if _ESCAPE.search(buffer) is not None or raw_controls(buffer):
                return False
    except (TypeError, ValueError, msgspec.EncodeError):
        return False
    return True


#: Records per piece of a long list (see :func:`pieces`).
_PIECE = 256


def pieces(value: Any, depth: int = 0) -> Iterator[Any]:
    """*value* in pieces that hold, between them, every value in it (dict keys of the
    pieces included): the containers of its first levels taken apart, long lists in slices.
    A check that encodes each piece into one reused buffer touches a few hundred kilobytes
    where encoding a report of megabytes at once would touch megabytes of fresh memory."""
    if depth < 4 and isinstance(value, dict) and all(type(key) is str for key in value):
        for item in value.values():
            yield from pieces(item, depth + 1)
    elif depth < 4 and isinstance(value, list) and len(value) <= 8:
        for item in value:
            yield from pieces(item, depth + 1)
    elif isinstance(value, list) and len(value) > _PIECE:
        for start in range(0, len(value), _PIECE):
            yield value[start : start + _PIECE]
    else:
        yield value


def _tree(value: Any) -> Any:
    if isinstance(value, str):
        return controls(value)
    if isinstance(value, Mapping):
        return {k: _tree(item) for k, item in value.items()}
    if isinstance(value, list):
        return [_tree(item) for item in value]
    return value


#: Characters JSON leaves raw with ``ensure_ascii=False`` that still act on a terminal: C1
#: controls and the bidirectional overrides (JSON already escapes C0 controls).
_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_text(encoded: str) -> str:
    """JSON text with those characters written as ``\\uXXXX`` escapes (still valid JSON)."""
    if encoded.isascii():  # (a string's header says so: no scan)
        if "\x7f" not in encoded:
            return encoded
    elif not raw_controls(encoded.encode("utf-8", "surrogatepass")):
        return encoded
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)
