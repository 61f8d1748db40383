"""The text of the manifests a run has read, handed from the readers to the policy stage.

The policy stage looks at the lines of every YAML input (``# aicost:ignore`` comments, the
first content line of a ``---`` document). The manifest readers have decoded those files
already: they leave the text here, keyed by absolute path, so that the policy stage does
not stat, open and decode each file again (2,000 manifests: about 50 ms).

Only text decoded from UTF-8 (with or without a byte order mark) is left here: that is the
text the policy stage's own read would get.
"""

from __future__ import annotations

import os

_TEXTS: dict[str, str] = {}


def forget() -> None:
    """Drop every text left so far (a check starts; a long-lived process runs many)."""
    _TEXTS.clear()


def remember(path: str, text: str) -> None:
    """Keep *text*, read from *path*, for :func:`recall` (a later read replaces it)."""
    _TEXTS[os.path.abspath(path)] = text


def recall(path: str) -> str | None:
    """The text a reader left for the absolute *path*, or None."""
    return _TEXTS.get(path)
