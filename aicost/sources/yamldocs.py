"""Safe loading of YAML (and JSON) input documents, with the line of every value.

Manifests are read the way :mod:`aicost.core.yamlsafe` reads policies: only the safe
constructors run (a ``!!python/...`` tag is refused with its line), alias expansion is
bounded (a "billion laughs" document is refused, not expanded), duplicate keys are an error,
and the input size is capped. Unlike a policy, a manifest may hold several documents
(``---``), so every document is returned with the positions of its keys.

Errors are :class:`~aicost.core.errors.InputError` naming the file and line (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aicost.core.errors import InputError
from aicost.core.yamlsafe import KeyIndex, load_documents, node_line
from aicost.sources.base import read_text

#: Manifests larger than this are refused: no real job manifest comes close.
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
#: Values a file's aliases may expand to before it is refused.
MAX_EXPANDED_NODES = 200_000

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML document, where it starts, and the line of every key and list item.

    A plain document keeps its YAML nodes (*node*) and finds a line when asked; one that
    took the full path of :func:`~aicost.core.yamlsafe.load_documents` has *positions*.
    """

    data: Any
    index: int
    line: int
    positions: dict[PathKey, int] = field(default_factory=dict)
    node: yaml.Node | None = None
    _keys: KeyIndex = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, *path: str | int) -> int:
        """Line of *path*, or of its nearest ancestor that has one."""
        if self.node is not None:
            return node_line(self.node, path, self._keys)
        for end in range(len(path), -1, -1):
            found = self.positions.get(tuple(path[:end]))
            if found is not None:
                return found
        return self.line


def load_path(path: Path) -> tuple[str, list[Document]]:
    """Read *path* (BOM/UTF-16 aware, refusing binary) and load every document in it."""
    text = read_text(path, max_bytes=MAX_MANIFEST_BYTES, share=True)
    return text, load_text(text, str(path))


#: A Go template action (Helm charts, kustomize-less CI templates): ``{{ .Values.x }}``.
_TEMPLATE = re.compile(r"\{\{-?\s*[.$a-zA-Z(/]")


def load_text(text: str, path: str) -> list[Document]:
    try:
        return _load_text(text, path)
    except InputError as exc:
        if not _TEMPLATE.search(text):
            raise
        # Say what the file is: a template is not a manifest until it is rendered.
        raise InputError(
            f"{exc.message}; this looks like a Helm (Go) template, which aicost reads once it "
            "is rendered: `helm template RELEASE CHART > rendered.yaml`, then check that",
            path=exc.path,
            line=exc.line,
            column=exc.column,
        ) from None


def _load_text(text: str, path: str) -> list[Document]:
    return [
        Document(
            found.data,
            index,
            found.line,
            {k: line for k, (line, _) in found.positions.items()},
            found.node,
        )
        for index, found in enumerate(
            load_documents(
                text,
                path,
                error=InputError,
                what="not valid YAML",
                many=True,
                max_expanded=MAX_EXPANDED_NODES,
                lazy=True,
            )
        )
    ]


def mappings(documents: list[Document]) -> Iterator[tuple[Document, Mapping[str, Any]]]:
    """The documents that are mappings (skipping empty ``---`` separators)."""
    for document in documents:
        if isinstance(document.data, Mapping):
            yield document, document.data
