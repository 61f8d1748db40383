"""Safe loading of YAML (and JSON) input documents, with the line of every value.

Manifests are read the way :mod:`aicost.policy.yamlsafe` reads policies: only the safe
constructors run (a ``!!python/...`` tag is refused with its line), alias expansion is
bounded (a "billion laughs" document is refused, not expanded), duplicate keys are an error,
and the input size is capped. Unlike a policy, a manifest may hold several documents
(``---``), so every document is returned with the positions of its keys.

Errors are :class:`~aicost.errors.InputError` naming the file and line (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aicost.errors import InputError
from aicost.sources.base import read_text

#: Manifests larger than this are refused: no real job manifest comes close.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
#: Values a file's aliases may expand to before it is refused.
MAX_EXPANDED_NODES = 200_000

PathKey = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Document:
    """One YAML document, where it starts, and the line of every key and list item."""

    data: Any
    index: int
    line: int
    positions: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, *path: str | int) -> int:
        """Line of *path*, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return self.line


def load_path(path: Path) -> tuple[str, list[Document]]:
    """Read *path* (BOM/UTF-16 aware, refusing binary) and load every document in it."""
    text = read_text(path, max_bytes=MAX_MANIFEST_BYTES)
    return text, load_text(text, str(path))


def load_text(text: str, path: str) -> list[Document]:
    loader = _Loader(text)
    documents: list[Document] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            _check_expansion(node, path)
            positions: dict[PathKey, int] = {}
            _walk(node, (), positions, set(), path)
            data = loader.construct_document(node)
            documents.append(Document(data, len(documents), node.start_mark.line + 1, positions))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = f"tag {_tag_of(problem)} is not allowed (aicost loads YAML safely)"
        raise InputError(
            f"not valid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", path=path) from None
    except RecursionError:
        raise InputError("YAML is nested too deeply", path=path) from None
    finally:
        loader.dispose()
    return documents


def mappings(documents: list[Document]) -> Iterator[tuple[Document, Mapping[str, Any]]]:
    """The documents that are mappings (skipping empty ``---`` separators)."""
    for document in documents:
        if isinstance(document.data, Mapping):
            yield document, document.data


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


def _check_expansion(root: yaml.Node, path: str) -> None:
    """Refuse documents whose aliases expand to too many values, or refer to themselves."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise InputError(
                "YAML alias refers to itself", path=path, line=node.start_mark.line + 1
            )
        active.add(key)
        total = 1
        for child in _children(node):
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                raise InputError(
                    f"YAML aliases expand to more than {MAX_EXPANDED_NODES} values "
                    "(a 'billion laughs' document?)",
                    path=path,
                    line=node.start_mark.line + 1,
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(root)


def _walk(
    node: yaml.Node, at: PathKey, positions: dict[PathKey, int], seen: set[int], path: str
) -> None:
    positions.setdefault(at, node.start_mark.line + 1)
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key == "<<":
                continue
            if key in keys:
                raise InputError(
                    f"duplicate key {key!r}",
                    path=path,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                )
            keys.add(key)
            child = (*at, key)
            positions[child] = key_node.start_mark.line + 1
            _walk(value_node, child, positions, seen, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*at, index), positions, seen, path)
