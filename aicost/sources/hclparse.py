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

Loading that cache still rebuilds every parser object from its serialised form (about
35 ms, plus 11 ms to import python-hcl2's package), a large part of a pre-commit hook's
time. So the parser, once built, is also pickled whole into aicost's cache directory
(``hcl2-parser-KEY.pickle``, keyed by the grammar, python-hcl2's parser module, lark's
version and Python's); a later process unpickles it (no python-hcl2 import: the post-lexer
is aicost's copy, :mod:`aicost.sources.hclpostlex`). The pickle is read only when this user
wrote it and nobody else can change it (:func:`aicost.core.cachefiles.trusted`); any problem
with it, or ``AICOST_NO_CACHE=1``, falls back to the path above. The parser is the same
object either way: a test checks that trees, positions and errors match python-hcl2's on
every ``.tf`` fixture.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.cachefiles import cache_dir as _cache_dir
from aicost.core.cachefiles import prune, trusted, write_atomic
from aicost.core.errors import InputError

if TYPE_CHECKING:
    from lark import Lark, Tree


class HclSyntaxError(InputError):
    """A file python-hcl2 cannot parse (the message names the line and column)."""


#: Bump when what is pickled changes shape.
_FORMAT = 1


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    """python-hcl2's parser: unpickled from aicost's cache when it is there, else built."""
    entry = None if os.environ.get("AICOST_NO_CACHE") else _pickled_entry()
    if entry is not None:
        loaded = _read(entry)
        if loaded is not None:
            return loaded
    built = _build()
    if entry is not None:
        _write(entry, built)
    return built


def _pickled_entry() -> Path | None:
    """Where the pickled parser for the installed grammar, lark and Python lives."""
    import hashlib
    from importlib.machinery import PathFinder

    import lark

    spec = PathFinder.find_spec("hcl2")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256(
        f"{_FORMAT}\0{lark.__version__}\0{sys.version}\0{lark.__file__}\0".encode()
    )
    try:
        for name in ("hcl2.lark", "parser.py", "postlexer.py"):
            digest.update((package / name).read_bytes() + b"\0")
    except OSError:
        return None
    return _cache_dir() / f"hcl2-parser-{digest.hexdigest()[:32]}.pickle"


def _read(entry: Path) -> Lark | None:
    import pickle

    from lark import Lark

    if not trusted(entry):
        return None
    try:
        with entry.open("rb") as handle:
            loaded = pickle.load(handle)
    except Exception:  # truncated, from another lark: build the parser instead
        return None
    return loaded if isinstance(loaded, Lark) else None


def _write(entry: Path, built: Lark) -> None:
    """Pickle *built*: modules and lark's parse actions by name, the post-lexer as ours."""
    import copyreg
    import io
    import pickle
    import types

    from hcl2.postlexer import PostLexer as Hcl2PostLexer
    from lark.parsers.lalr_analysis import Action

    from aicost.sources.hclpostlex import PostLexer

    def by_name(module: types.ModuleType) -> tuple[Any, tuple[str]]:
        return importlib.import_module, (module.__name__,)

    def action(value: Action) -> str:
        return str(value.name)  # ``Shift`` and ``Reduce`` are compared by identity

    def postlexer(_value: object) -> tuple[type[PostLexer], tuple[()]]:
        return PostLexer, ()

    try:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {
            **copyreg.dispatch_table,
            types.ModuleType: by_name,
            Action: action,
            Hcl2PostLexer: postlexer,
        }
        pickler.dump(built)
    except Exception:  # a lark that cannot be pickled: no cache
        return
    if write_atomic(entry, buffer.getvalue()):
        prune(entry.parent, keep=8, prefix="hcl2-parser-")  # one per grammar, lark, Python


def _build() -> Lark:
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
