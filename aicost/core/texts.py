"""The text of the manifests a run has read, handed from the readers to the policy stage.

The policy stage looks at the lines of every YAML input (``# aicost:ignore`` comments, the
first content line of a ``---`` document). The manifest readers have decoded those files
already: they leave the text here, keyed by the path they were given, so that the policy
stage does not stat, open and decode each file again (2,000 manifests: about 50 ms).

Only text decoded from UTF-8 (with or without a byte order mark) is left here: that is the
text the policy stage's own read would get.
"""

from __future__ import annotations

import os

#: Path as the reader was given it -> its text.
_TEXTS: dict[str, str] = {}
#: Absolute path -> text, made from _TEXTS when a path that is not a key is asked for
#: (a waiver's file, by its real path); None until then, and after each change.
_ABSOLUTE: dict[str, str] | None = None


def forget() -> None:
    """Drop every text left so far (a check starts; a long-lived process runs many)."""
    global _ABSOLUTE
    _TEXTS.clear()
    _ABSOLUTE = None


def remember(path: str, text: str) -> None:
    """Keep *text*, read from *path*, for :func:`recall` (a later read replaces it)."""
    global _ABSOLUTE
    _TEXTS[path] = text
    _ABSOLUTE = None


def recall(path: str) -> str | None:
    """The text a reader left for *path* (the path it was given, or another name of the same
    absolute path), or None."""
    global _ABSOLUTE
    found = _TEXTS.get(path)
    if found is not None or not _TEXTS:
        return found
    if _ABSOLUTE is None:
        _ABSOLUTE = {os.path.abspath(given): text for given, text in _TEXTS.items()}
    return _ABSOLUTE.get(os.path.abspath(path))
