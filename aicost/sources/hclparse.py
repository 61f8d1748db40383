"""Parse HCL text into python-hcl2's raw Lark tree, with line numbers and clear errors.

python-hcl2 (v8) compiles its Lark grammar once and caches it in ``.lark_cache.bin`` inside
the installed package. Building the grammar takes about three seconds; loading the cache
about 50 ms. When the package directory is read-only (a system install, a container image
built without warming the cache), python-hcl2 would rebuild the grammar in every process.
aicost then keeps its own copy of the cache in ``$AICOST_CACHE_DIR`` (default
``$XDG_CACHE_HOME/aicost`` or ``~/.cache/aicost``). ``python -m aicost.sources.hclparse``
builds the cache ahead of time (the GitHub Action runs it at install).

The raw Lark tree (not python-hcl2's dict output) is used because it keeps every
expression as a tree, so aicost can evaluate it, and every block keeps its line number
(python-hcl2 v8's ``with_meta`` emits none: amplify-education/python-hcl2#291).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.errors import InputError

if TYPE_CHECKING:
    from lark import Lark, Tree


class HclSyntaxError(InputError):
    """A file python-hcl2 cannot parse (the message names the line and column)."""


def _cache_dir() -> Path:
    configured = os.environ.get("AICOST_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aicost"


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    """python-hcl2's parser, with a grammar cache that survives a read-only install."""
    from hcl2 import parser as hcl2_parser

    cache = Path(hcl2_parser.PARSER_FILE)
    if cache.exists() or os.access(cache.parent, os.W_OK):
        return hcl2_parser.parser()
    # Read-only package directory: keep the compiled grammar in aicost's cache directory.
    import importlib.metadata  # only here: it imports the email package (~20 ms)

    from hcl2.postlexer import PostLexer
    from lark import Lark

    try:
        hcl2_version = importlib.metadata.version("python-hcl2")
    except importlib.metadata.PackageNotFoundError:
        hcl2_version = "unknown"
    directory = _cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target: str | bool = str(directory / f"hcl2-{hcl2_version}.lark")
    except OSError:
        target = False
    return Lark.open(
        "hcl2.lark",
        parser="lalr",
        cache=target,
        rel_to=hcl2_parser.__file__,
        propagate_positions=True,
        postlex=PostLexer(),
    )


def parse(text: str, path: Path | str) -> Tree[Any]:
    """The Lark tree of *text*; a syntax error becomes :class:`HclSyntaxError`."""
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput

    try:
        # python-hcl2 appends a newline too: its grammar has no end-of-file token.
        tree = parser().parse(text + "\n")
        _check_depth(tree, path)
        return tree
    except UnexpectedCharacters as exc:
        raise HclSyntaxError(
            f"cannot parse HCL: unexpected character {text[exc.pos_in_stream :][:1]!r}",
            path=path,
            line=exc.line,
            column=exc.column,
        ) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        what = f"unexpected {str(token)!r}" if token is not None and str(token) else "unexpected"
        if token is not None and getattr(token, "type", "") == "$END":
            what = "unexpected end of file"
        raise HclSyntaxError(
            f"cannot parse HCL: {' '.join(what.split())}",
            path=path,
            line=getattr(exc, "line", None) if getattr(exc, "line", -1) > 0 else None,
            column=getattr(exc, "column", None) if getattr(exc, "column", -1) > 0 else None,
        ) from None
    except LarkError as exc:
        raise HclSyntaxError(f"cannot parse HCL: {exc}", path=path) from None
    except RecursionError:
        raise HclSyntaxError("cannot parse HCL: nested too deeply", path=path) from None


#: Deepest syntax tree read (about 300 nested brackets or parentheses): the readers walk
#: trees recursively, and no real configuration nests a tenth as deep.
MAX_TREE_DEPTH = 600


def _check_depth(tree: Tree[Any], path: Path | str) -> None:
    """Refuse a tree nested deeper than :data:`MAX_TREE_DEPTH`, naming the line."""
    from lark import Tree

    stack: list[tuple[Any, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Tree):
            continue
        if depth > MAX_TREE_DEPTH:
            line = getattr(node.meta, "line", None) if not node.meta.empty else None
            raise HclSyntaxError(
                f"cannot parse HCL: nested more than {MAX_TREE_DEPTH // 2} levels deep",
                path=path,
                line=line,
            )
        stack.extend((child, depth + 1) for child in node.children)


def warm() -> Path | None:
    """Build (or load) the grammar cache; returns where it lives, if anywhere."""
    from hcl2 import parser as hcl2_parser

    parser().parse('a = "warm"\n')
    cache = Path(hcl2_parser.PARSER_FILE)
    if cache.exists():
        return cache
    found = sorted(_cache_dir().glob("hcl2-*.lark"))
    return found[-1] if found else None


if __name__ == "__main__":  # python -m aicost.sources.hclparse
    where = warm()
    print(f"aicost: HCL grammar cache: {where or 'not writable (parses rebuild the grammar)'}")
    sys.exit(0)
