"""Where the shipped data lives: price tables (``pricing/``) and policy packs (``policies/``).

In a wheel they are packaged under ``aicost/_data/``; in a source checkout or an
editable install they are the top-level ``pricing/`` and ``policies/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def data_dir(name: str) -> Path:
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name
