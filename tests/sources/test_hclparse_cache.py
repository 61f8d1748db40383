"""The pickled HCL parser (aicost's cache) parses exactly as python-hcl2's own parser: the
same trees, positions and syntax errors on every ``.tf`` fixture; a bad cache file is never
trusted and only costs the rebuild."""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hcl2 import parser as hcl2_parser
from lark import Lark, Token, Tree

from aicost.core.errors import InputError
from aicost.sources import hclparse
from aicost.sources.hclpostlex import OPERATOR_TYPES
from tests.conftest import FIXTURES

TF_FILES = sorted(FIXTURES.rglob("*.tf"))
#: Texts python-hcl2 refuses, each in a different way.
BROKEN = [
    'resource "a" "b" {\n  x = \n}\n',
    'resource "a" "b" {\n  x = 1\n',
    "a = [1, 2\n",
    'a = "unterminated\n',
    "a = 1 +\n",
    "a = {\n  b = 1\n  c\n}\n",
    "a = 1 $ 2\n",
    "",
]


def _shape(node: Any) -> Any:
    """A tree as plain data, with every token's type and position and every rule's lines."""
    if isinstance(node, Token):
        return (node.type, str(node), node.line, node.column, node.end_line, node.end_column)
    assert isinstance(node, Tree)
    meta = node.meta
    where = (meta.line, meta.column, meta.end_line) if not meta.empty else None
    return (str(node.data), where, [_shape(child) for child in node.children])


def _error(parse: Any, text: str) -> tuple[str, str, int | None, int | None]:
    with pytest.raises(InputError) as raised:
        parse(text)
    exc = raised.value
    return (type(exc).__name__, str(exc), exc.line, exc.column)


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lark]:
    """The parser as a later process gets it: unpickled from a fresh cache directory."""
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AICOST_NO_CACHE", raising=False)
    hclparse.parser.cache_clear()
    hclparse.parser()  # builds and pickles
    assert list(tmp_path.glob("hcl2-parser-*.pickle"))
    hclparse.parser.cache_clear()
    loaded = hclparse.parser()
    assert loaded is not hcl2_parser.parser()
    assert type(loaded.options.postlex).__module__ == "aicost.sources.hclpostlex"
    yield loaded
    hclparse.parser.cache_clear()


def test_the_cached_parser_reads_every_fixture_as_python_hcl2(cached: Lark) -> None:
    reference = hcl2_parser.parser()
    assert len(TF_FILES) > 40
    for path in TF_FILES:
        text = path.read_text() + "\n"
        assert _outcome(cached, text) == _outcome(reference, text), path


def _outcome(parser: Lark, text: str) -> Any:
    """The tree's shape, or the error (some fixtures are broken on purpose)."""
    try:
        return _shape(parser.parse(text))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


def test_the_cached_parser_refuses_what_python_hcl2_refuses(
    cached: Lark, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = list(BROKEN)
    for path in TF_FILES[::4]:  # fixtures cut short, mid-expression
        text = path.read_text()
        texts += [text[: len(text) // 3], text[: len(text) * 2 // 3] + "= ="]
    mine = [_error(lambda t: hclparse.parse(t, "x.tf"), t) for t in texts if _refused(t)]
    monkeypatch.setattr(hclparse, "parser", hcl2_parser.parser)
    theirs = [_error(lambda t: hclparse.parse(t, "x.tf"), t) for t in texts if _refused(t)]
    assert mine == theirs
    assert len(mine) > 10


def _refused(text: str) -> bool:
    try:
        hcl2_parser.parser().parse(text + "\n")
    except Exception:
        return True
    return False


def test_the_post_lexer_is_python_hcl2s() -> None:
    from hcl2 import postlexer

    assert OPERATOR_TYPES == postlexer.OPERATOR_TYPES


def _entry(directory: Path) -> Path:
    (entry,) = directory.glob("hcl2-parser-*.pickle")
    return entry


def test_a_corrupted_cache_is_rebuilt(cached: Lark, tmp_path: Path) -> None:
    entry = _entry(tmp_path)
    entry.write_bytes(b"not a pickle")
    hclparse.parser.cache_clear()
    assert hclparse.parse('a = "b"\n', "x.tf").data == "start"
    hclparse.parser.cache_clear()
    with entry.open("rb") as handle:
        assert isinstance(pickle.load(handle), Lark)  # written again


def test_a_cache_others_can_write_is_never_unpickled(
    cached: Lark, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry(tmp_path)
    os.chmod(entry, 0o666)
    loads: list[object] = []
    real_load = pickle.load

    def load(handle: Any) -> Any:
        loads.append(handle)
        return real_load(handle)

    monkeypatch.setattr(pickle, "load", load)
    hclparse.parser.cache_clear()
    assert hclparse.parse("a = 1\n", "x.tf").data == "start"
    assert loads == []
    os.chmod(entry, 0o600)
    os.chmod(tmp_path, 0o777)
    hclparse.parser.cache_clear()
    hclparse.parser()
    assert loads == []
    os.chmod(tmp_path, 0o700)


def test_no_cache_means_no_pickle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("AICOST_NO_CACHE", "1")
    hclparse.parser.cache_clear()
    try:
        assert hclparse.parse("a = 1\n", "x.tf").data == "start"
        assert not list(tmp_path.glob("hcl2-parser-*"))
    finally:
        hclparse.parser.cache_clear()
