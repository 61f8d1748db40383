"""Safe YAML loading that remembers where every value came from.

* Only the safe constructors run: ``!!python/...`` tags are refused with their line.
* Alias expansion is bounded, so a "billion laughs" document is refused, not expanded.
* Duplicate keys are an error (YAML would silently keep the last one).
* Every mapping key and sequence item gets a ``(line, column)`` so that schema errors
  can name the line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aicost.core.errors import AicostError, ConfigError

MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_EXPANDED_NODES = 100_000
#: Characters of scalar text a document's aliases may expand to: a short file of aliases of
#: a long string is as costly to process as the long file it stands for.
MAX_EXPANDED_BYTES = 8 * 1024 * 1024

Position = tuple[int, int]
PathKey = tuple[str | int, ...]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, except that an impossible date (``2026-02-30``) stays a string.

    PyYAML raises ValueError for such a timestamp; waivers treat a malformed expiry as
    expired, so the policy must still load.

    No path resolvers are ever added, so the tag of a node depends on its kind and text
    alone: tags are remembered (keys and values repeat across documents), and the hooks
    the composer calls around every node, which do nothing without path resolvers, are
    replaced by built-ins that do nothing either (Python calls per node cost more than the
    C parser's own work on a small manifest).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.resolve = _resolve
        self.descend_resolver = slice  # (parent, index) -> a throwaway slice
        self.ascend_resolver = tuple  # () -> the empty tuple


#: (kind, text, implicit) -> tag, as the safe resolver decides it; bounded.
_resolve = functools.lru_cache(maxsize=4096)(yaml.resolver.Resolver().resolve)


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class YamlDocument:
    """A loaded document and the positions of its values."""

    def __init__(self, data: Any, positions: dict[PathKey, Position], path: str) -> None:
        self.data = data
        self.positions = positions
        self.path = path

    def position(self, path: PathKey) -> Position | None:
        """Position of *path*, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def error(self, message: str, path: PathKey = ()) -> ConfigError:
        where = self.position(path)
        return ConfigError(
            message,
            path=self.path,
            line=where[0] if where else None,
            column=where[1] if where else None,
        )


@dataclass(frozen=True)
class Loaded:
    """One document of a YAML stream: its data, where it starts, and its positions.

    With ``lazy`` loading, a plain document (no anchors, string keys) keeps its node tree in
    *node* instead of a *positions* dict: :func:`node_line` finds a line when one is asked
    for, which costs a few steps down the tree rather than a walk of every value.
    """

    data: Any
    line: int
    positions: dict[PathKey, Position]
    node: yaml.Node | None = None


def _marked_error(
    exc: yaml.MarkedYAMLError, error: type[AicostError], what: str, path: str
) -> AicostError:
    """A YAML error with its line and column (a disallowed tag said as such)."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    if "could not determine a constructor" in problem:
        problem = f"tag {_tag_of(problem)} is not allowed (aicost loads YAML safely)"
    return error(
        f"{what}: {problem}",
        path=path,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def load_documents(
    text: str,
    path: str,
    *,
    error: type[AicostError] = ConfigError,
    what: str = "YAML error",
    many: bool = False,
    max_expanded: int = MAX_EXPANDED_NODES,
    max_bytes: int = MAX_EXPANDED_BYTES,
    lazy: bool = False,
) -> list[Loaded]:
    """Load one document (or, with *many*, every ``---`` document) safely.

    The one implementation of aicost's YAML safety, shared by policies (errors are
    :class:`ConfigError`) and input manifests (:class:`InputError`): safe constructors only,
    bounded alias expansion, no duplicate keys, one-line errors with file and line.

    With *lazy*, a plain document is built in one pass and keeps its nodes for
    :func:`node_line` instead of recording every position (see :class:`Loaded`); anything
    else (anchors, non-string keys, a duplicate key, an unusual tag) takes the full path
    below, which gives the same data or the same error.
    """
    loader = _Loader(text)
    loaded: list[Loaded] = []
    # No anchor or no alias (an alias needs a '*', its anchor a '&'; shell commands are full
    # of '&&'): nothing can expand or refer to itself, and the text of a document no longer
    # than max_bytes cannot exceed it.
    anchored = ("&" in text and "*" in text) or len(text) > max_bytes
    # Without aliases a document has at most 3 nodes per character of text (the densest is
    # a lone `?`: a mapping of one empty key to an empty value; longer texts are sparser,
    # found by composing every text of up to 5 characters of YAML's indicators), so a text
    # shorter than a quarter of max_expanded need not be counted.
    limits = (max_expanded, max_bytes, 4 * len(text) + 1 > max_expanded)
    try:
        while True:
            if many:
                if not loader.check_node():
                    break
                node = loader.get_node()
            else:
                node = loader.get_single_node()
            if node is None:
                break
            loaded.append(
                _document(loader, node, path, error, anchored, lazy and not anchored, limits)
            )
            if not many:
                break
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, error, what, path) from None
    except yaml.YAMLError as exc:
        raise error(f"{what}: {exc}", path=path) from None
    except RecursionError:
        raise error("YAML is nested too deeply", path=path) from None
    except ValueError as exc:
        raise error(f"{what}: {exc}", path=path) from None
    finally:
        loader.dispose()
    return loaded


def _document(
    loader: Any,
    node: yaml.Node,
    path: str,
    error: type[AicostError],
    anchored: bool,
    lazy: bool,
    limits: tuple[int, int, bool],
) -> Loaded:
    """One composed document, checked and built (*limits*: the most nodes, the most
    characters of text, and whether a document without aliases must be counted)."""
    max_expanded, max_bytes, counted = limits
    if lazy:
        fast = _plain(loader, node, counted, max_expanded)
        if fast is not None:
            return Loaded(fast[0], node.start_mark.line + 1, {}, node)
    positions: dict[PathKey, Position] = {}
    if anchored:
        _check_expansion(node, path, error, max_expanded, max_bytes)
        _walk(node, (), positions, set(), path, error)
    # Without anchors no node is shared: the walk visits each once, and only a
    # document over the limit needs the expansion check (for its exact message).
    elif _walk(node, (), positions, None, path, error) > max_expanded:
        _check_expansion(node, path, error, max_expanded, max_bytes)
    data = _construct(loader, node) if not anchored else loader.construct_document(node)
    return Loaded(data, node.start_mark.line + 1, positions)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
#: Scalar tags whose safe constructor is called as is by the fast path below.
_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "timestamp")
)


class _Unusual(Exception):
    """A node the fast construction leaves to PyYAML's own."""


def _construct(loader: Any, node: yaml.Node) -> Any:
    """``loader.construct_document(node)`` for a document without anchors, several times
    faster: plain mappings, sequences and scalars are built in one recursive pass. Anything
    else (merge keys, sets, binary, a construction error...) goes to PyYAML, which builds
    (or refuses) it exactly as before."""
    try:
        return _build(loader, node)
    except Exception:  # _Unusual, or an error PyYAML raises with its own message and order
        return loader.construct_document(node)


def _build(loader: Any, node: yaml.Node) -> Any:
    kind = type(node)
    tag = node.tag
    if kind is _ScalarNode:
        if tag == _STR:
            return node.value
        if tag in _SCALAR_TAGS:
            return loader.yaml_constructors[tag](loader, node)
        raise _Unusual
    if kind is _MappingNode and tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not _ScalarNode or not (
                key_node.tag == _STR or key_node.tag in _SCALAR_TAGS
            ):
                raise _Unusual  # merge keys, '=' keys, complex keys
            mapping[_build(loader, key_node)] = _build(loader, value_node)
        return mapping
    if kind is _SequenceNode and tag == _SEQ:
        return [_build(loader, item) for item in node.value]
    raise _Unusual


def _plain(loader: Any, node: yaml.Node, counted: bool, max_expanded: int) -> tuple[Any] | None:
    """``(data,)`` for a plain document built in one pass, or None for the full path.

    Plain: every mapping key a string scalar (so the keys are the text :func:`_walk`
    compares, and a duplicate shows as a mapping shorter than its pairs), every tag one
    :func:`_build` constructs itself, and (when the text is long enough to matter) no more
    than *max_expanded* nodes.
    """
    try:
        data = _build_plain(loader, node)
    except Exception:  # _Unusual, or an error the full path reports with its own message
        return None
    if counted and _count(node) > max_expanded:
        return None
    return (data,)


def _build_plain(loader: Any, node: yaml.Node) -> Any:
    # A scalar inside a collection is built here, not by a call of its own (most nodes are
    # scalars): about a quarter faster over a directory of manifests.
    kind = type(node)
    if kind is _MappingNode:
        if node.tag != _MAP:
            raise _Unusual
        pairs = node.value
        mapping: dict[str, Any] = {}
        for key_node, value_node in pairs:
            if type(key_node) is not _ScalarNode or key_node.tag != _STR:
                raise _Unusual  # merge keys, numbers, booleans, complex keys
            if type(value_node) is not _ScalarNode:
                mapping[key_node.value] = _build_plain(loader, value_node)
            elif value_node.tag == _STR:
                mapping[key_node.value] = value_node.value
            else:
                mapping[key_node.value] = _plain_scalar(loader, value_node, value_node.tag)
        if len(mapping) != len(pairs):
            raise _Unusual  # a duplicate key: the full path names it
        return mapping
    if kind is _SequenceNode:
        if node.tag != _SEQ:
            raise _Unusual
        items: list[Any] = []
        for item in node.value:
            if type(item) is not _ScalarNode:
                items.append(_build_plain(loader, item))
            elif item.tag == _STR:
                items.append(item.value)
            else:
                items.append(_plain_scalar(loader, item, item.tag))
        return items
    if kind is _ScalarNode:
        return _plain_scalar(loader, node, node.tag)
    raise _Unusual


def _plain_scalar(loader: Any, node: yaml.Node, tag: str) -> Any:
    if tag == _STR:
        return node.value
    if tag == _INT:
        text = node.value
        if text.isdigit() and text.isascii() and (text[0] != "0" or text == "0"):
            return int(text)  # what construct_yaml_int gives for plain decimal digits
    if tag in _SCALAR_TAGS:
        return loader.yaml_constructors[tag](loader, node)
    raise _Unusual


def _count(node: yaml.Node) -> int:
    """Nodes in a document without aliases."""
    if type(node) is _MappingNode:
        return 1 + sum(_count(key) + _count(value) for key, value in node.value)
    if type(node) is _SequenceNode:
        return 1 + sum(_count(item) for item in node.value)
    return 1


#: Key index of a mapping node (by id) -> key -> (its line, its value node).
KeyIndex = dict[int, dict[Any, tuple[int, yaml.Node]]]
#: Mappings with more pairs than this are indexed on their first lookup, so that a reader
#: asking for the line of every entry of a wide mapping does not scan it each time.
_INDEXED_PAIRS = 8


def node_line(root: yaml.Node, path: PathKey, index: KeyIndex | None = None) -> int:
    """The line :func:`_walk` records for *path* (or its nearest recorded ancestor) in a
    document loaded lazily: a mapping key's line, a list item's own line. *index* (one per
    document) remembers the keys of wide mappings between calls."""
    node = root
    line = root.start_mark.line + 1
    for step in path:
        if type(node) is _MappingNode:
            found = _key(node, step, index)
            if found is None:
                return line
            line, node = found
        elif type(node) is _SequenceNode and type(step) is int and 0 <= step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _key(node: yaml.Node, step: str | int, index: KeyIndex | None) -> tuple[int, yaml.Node] | None:
    """(line, value node) of key *step* in mapping *node* (never a merge key ``<<``)."""
    pairs = node.value
    if index is not None and len(pairs) > _INDEXED_PAIRS:
        keys = index.get(id(node))
        if keys is None:
            keys = index[id(node)] = {}
            for key_node, value_node in pairs:
                if key_node.value != "<<":
                    keys.setdefault(key_node.value, (key_node.start_mark.line + 1, value_node))
        return keys.get(step)
    for key_node, value_node in pairs:
        if key_node.value == step and step != "<<":
            return key_node.start_mark.line + 1, value_node
    return None


def load_text(text: str, path: str) -> YamlDocument:
    found = load_documents(text, path)
    if not found:
        return YamlDocument(None, {}, path)
    return YamlDocument(found[0].data, found[0].positions, path)


def load_file(path: Path) -> YamlDocument:
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise ConfigError(
                f"file is {size} bytes, over the {MAX_YAML_BYTES}-byte limit", path=path
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("no such file", path=path) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a file", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    if "\x00" in text:
        raise ConfigError("not text: the file contains NUL bytes", path=path)
    return load_text(text, str(path))


def _tag_of(problem: str) -> str:
    start = problem.find("'")
    end = problem.find("'", start + 1)
    return problem[start + 1 : end] if 0 <= start < end else "?"


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _check_expansion(
    root: yaml.Node,
    path: str,
    error: type[AicostError],
    limit: int,
    max_bytes: int = MAX_EXPANDED_BYTES,
) -> None:
    """Refuse documents whose aliases expand to too many nodes or too much text, or refer
    to themselves. Sizes are memoised per node, so the check is linear in the file."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            mark = node.start_mark
            raise error(
                "YAML alias refers to itself", path=path, line=mark.line + 1, column=mark.column + 1
            )
        active.add(key)
        total = 1
        chars = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
        for child in _children(node):
            nodes, text = size(child)
            total += nodes
            chars += text
            if total > limit:
                raise error(
                    f"YAML aliases expand to more than {limit} values "
                    "(a 'billion laughs' document?)",
                    path=path,
                    line=node.start_mark.line + 1,
                )
            if chars > max_bytes:
                raise error(
                    f"YAML aliases expand to more than {max_bytes:,} characters of text "
                    "(a 'billion laughs' document?)",
                    path=path,
                    line=node.start_mark.line + 1,
                )
        active.discard(key)
        sizes[key] = (total, chars)
        return total, chars

    size(root)


_MappingNode = yaml.MappingNode
_SequenceNode = yaml.SequenceNode
_ScalarNode = yaml.ScalarNode


def _walk(
    node: yaml.Node,
    at: PathKey,
    positions: dict[PathKey, Position],
    seen: set[int] | None,
    path: str,
    error: type[AicostError],
) -> int:
    """Record positions and refuse duplicate keys; the number of nodes visited.

    *seen* guards against shared (aliased) nodes; None when the document has no anchors.
    """
    mark = node.start_mark
    if at not in positions:
        positions[at] = (mark.line + 1, mark.column + 1)
    if seen is not None:
        if id(node) in seen:
            return 0
        seen.add(id(node))
    count = 1
    if isinstance(node, _MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, _ScalarNode) else str(key_node.value)
            if key == "<<":
                continue
            if key in keys:
                mark = key_node.start_mark
                raise error(
                    f"duplicate key {key!r}", path=path, line=mark.line + 1, column=mark.column + 1
                )
            keys.add(key)
            child = (*at, key)
            mark = key_node.start_mark
            positions[child] = (mark.line + 1, mark.column + 1)
            if isinstance(value_node, _ScalarNode) and seen is None:
                # A scalar's own position is its key's (already recorded): no call for it.
                count += 2
            else:
                count += 1 + _walk(value_node, child, positions, seen, path, error)
    elif isinstance(node, _SequenceNode):
        for index, item in enumerate(node.value):
            count += _walk(item, (*at, index), positions, seen, path, error)
    return count
