"""Input sources: each turns one input file into an :class:`Inventory` of resource changes.

The registry below is the one place a source is added: write ``aicost/sources/<kind>.py``
with ``KIND``, ``sniff()`` and ``read()``, and add one line to ``SOURCES``. Modules are
imported only when an input needs them, so ``aicost --version`` and a pre-commit run stay fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from aicost.errors import InputError
from aicost.sources.base import Inventory, SourceModule

#: Input kind -> module, in the order they are tried when sniffing a file.
SOURCES: dict[str, str] = {
    "llm-usage": "aicost.sources.llm_usage",
    "kubernetes": "aicost.sources.k8s",
    "sagemaker": "aicost.sources.sagemaker_api",
    "vertex-ai": "aicost.sources.vertex",
    "azureml": "aicost.sources.azureml",
    "dstack": "aicost.sources.dstack",
    "skypilot": "aicost.sources.skypilot",
    "terraform-plan": "aicost.sources.tfplan",
}

#: Reads anything no source claims, so that bad input gets a precise message.
FALLBACK = "terraform-plan"

_HEAD_BYTES = 4096


def load(kind: str) -> SourceModule:
    try:
        module_name = SOURCES[kind]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise InputError(f"unknown input kind {kind!r} (known: {known})") from None
    return cast(SourceModule, importlib.import_module(module_name))


def detect(path: Path) -> SourceModule:
    """The source module that reads *path*."""
    if path.is_dir():
        raise InputError(
            "is a directory; pass a plan JSON file (`terraform show -json PLANFILE`)", path=path
        )
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None
    for kind in SOURCES:
        module = load(kind)
        if module.sniff(path, head):
            return module
    return load(FALLBACK)


def read_all(paths: Iterable[Path]) -> list[Inventory]:
    return [detect(path).read(path) for path in paths]


__all__ = ["SOURCES", "Inventory", "SourceModule", "detect", "load", "read_all"]
