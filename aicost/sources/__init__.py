"""Input sources: each turns one input file into an :class:`Inventory` of resource changes.

The registry below is the one place a source is added: write ``aicost/sources/<kind>.py``
with ``KIND``, ``sniff()`` and ``read()``, and add one line to ``REGISTRY`` (its module,
group and title: help and the message for unknown input are built from it). Modules are
imported only when an input needs them, so ``aicost --version`` and a pre-commit run stay fast.

Two optional hooks: ``sniff_dir(path)`` lets a source claim a directory (static mode claims
one with ``.tf`` files), and ``read_group(paths)`` reads all the inputs of one check that
the source claimed at once (static mode groups ``.tf`` files by root module).
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, cast

from aicost.core.errors import InputError
from aicost.sources.base import SNIFFED, Inventory, SourceModule


class Source(NamedTuple):
    """One registry line: the reader's module, its group and how ``aicost check --help``
    names it."""

    module: str
    group: str
    title: str


#: What each group of input kinds is, in the order help and messages name them; the
#: sentence for a file no source reads is built from it.
GROUPS: dict[str, str] = {
    "plan": "a Terraform plan (terraform show -json)",
    "terraform": "Terraform configuration (.tf/.tofu)",
    "manifest": "an ML job manifest",
    "llm": "an LLM usage file (aicost-llm.yaml)",
}

#: Input kind -> its reader, in the order they are tried when sniffing a file. ML job
#: manifests are listed together in help, in this order.
REGISTRY: dict[str, Source] = {
    # claims .tf/.tofu/.tfvars names only
    "terraform-hcl": Source(
        "aicost.sources.hcl",
        "terraform",
        "Terraform directories, .tf/.tofu and .tfvars files (static mode, no terraform needed)",
    ),
    # JSON naming format_version/resource_changes
    "terraform-plan": Source(
        "aicost.sources.tfplan", "plan", "plan JSON files (terraform show -json)"
    ),
    "llm-usage": Source("aicost.sources.llm_usage", "llm", "LLM usage files (aicost-llm.yaml)"),
    "kubernetes": Source("aicost.sources.k8s", "manifest", "Kubernetes, Kubeflow, KServe, KubeRay"),
    "sagemaker": Source("aicost.sources.sagemaker_api", "manifest", "SageMaker"),
    "vertex-ai": Source("aicost.sources.vertex", "manifest", "Vertex AI"),
    "azureml": Source("aicost.sources.azureml", "manifest", "Azure ML"),
    "dstack": Source("aicost.sources.dstack", "manifest", "dstack"),
    "skypilot": Source("aicost.sources.skypilot", "manifest", "SkyPilot"),
}

#: Input kind -> module (the sniffing order).
SOURCES: dict[str, str] = {kind: source.module for kind, source in REGISTRY.items()}

#: Input kind -> (group, title), in help order: by group, then registry order.
TITLES: dict[str, tuple[str, str]] = {
    kind: (source.group, source.title)
    for group in GROUPS
    for kind, source in REGISTRY.items()
    if source.group == group
}


def describe_inputs() -> str:
    """What ``aicost check`` reads, from the registry (for its help)."""
    parts: list[str] = []
    manifests = [title for group, title in TITLES.values() if group == "manifest"]
    for group, title in TITLES.values():
        if group != "manifest":
            parts.append(title)
        elif title == manifests[0]:
            parts.append(f"ML job manifests ({', '.join(manifests)})")
    return "; ".join(parts)


def _input_kinds() -> str:
    """The groups that have a reader, as one phrase: "a, b, c or d"."""
    named = [
        phrase
        for group, phrase in GROUPS.items()
        if any(source.group == group for source in REGISTRY.values())
    ]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"


#: Reads anything no source claims, so that bad input gets a precise message.
FALLBACK = "terraform-plan"

_HEAD_BYTES = 4096


def load(kind: str) -> SourceModule:
    found = _LOADED.get(kind)
    if found is not None:
        return found
    try:
        module_name = SOURCES[kind]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise InputError(f"unknown input kind {kind!r} (known: {known})") from None
    found = _LOADED[kind] = cast(SourceModule, importlib.import_module(module_name))
    return found


#: Kind -> its imported module (asked for once per kind per input file while sniffing).
_LOADED: dict[str, SourceModule] = {}


#: What `aicost check` reads, for messages about inputs it does not (from the registry).
INPUT_KINDS = _input_kinds()


class UnknownInput(InputError):
    """No source recognises the file (``--ignore-unknown`` skips such files)."""


def detect(path: Path, *, keep: bool = False, is_dir: bool | None = None) -> SourceModule:
    """The source module that reads *path*.

    A file no source claims goes to the plan reader when it looks like JSON (or is empty or
    binary), for its precise messages; anything else is :class:`UnknownInput`. With *keep*,
    see :func:`claim`. *is_dir*: whether *path* is a directory, when the caller knows.
    """
    if path.is_dir() if is_dir is None else is_dir:
        for kind in SOURCES:
            module = load(kind)
            sniff_dir = getattr(module, "sniff_dir", None)
            if sniff_dir is not None and sniff_dir(path):
                return module
        raise InputError(
            "is a directory without Terraform configuration; pass a plan JSON file "
            "(`terraform show -json PLANFILE`), .tf files or a directory that has them",
            path=path,
        )
    claimed = claim(path, keep=keep)
    if claimed is not None:
        return claimed
    if _plan_like(_head(path)):
        return load(FALLBACK)
    raise UnknownInput(f"not an input aicost reads: expected {INPUT_KINDS}", path=path)


def claim(path: Path, *, keep: bool = False) -> SourceModule | None:
    """The source that recognises the file *path* by its name or content, if any.

    With *keep*, a file smaller than the head read to sniff it is kept whole for its reader
    (``base.SNIFFED``; :func:`read_all` empties it)."""
    head: bytes | None = None
    # In registry order, importing only the modules it takes to find the reader (a plan
    # needs two), so that a check of a plan does not import every manifest reader.
    for kind in SOURCES:
        module = load(kind)
        if getattr(module, "read_group", None) is not None and module.sniff(path, b""):
            return module  # claims the file by its name: no need to open it here
        if head is None:
            head = _head(path)
            if keep and len(head) < _HEAD_BYTES:
                SNIFFED[str(path)] = head
        if module.sniff(path, head):
            return module
    return None


def _plan_like(head: bytes) -> bool:
    """Empty, binary or JSON-looking content: the plan reader says precisely what is wrong."""
    sample = head.replace(b"\x00", b"").removeprefix(b"\xef\xbb\xbf")
    sample = sample.removeprefix(b"\xff\xfe").removeprefix(b"\xfe\xff").lstrip()
    if not sample or sample.startswith((b"{", b"[", b"PK")):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 4  # undecodable before the (possibly cut) end: binary
    return b"\x00" in head


def _head(path: Path) -> bytes:
    """The first _HEAD_BYTES of *path* (all of a smaller file), read without a file object
    (half the cost over a directory of small manifests)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            head = os.read(descriptor, _HEAD_BYTES)
            while head and len(head) < _HEAD_BYTES:  # a short read: until the end or enough
                more = os.read(descriptor, _HEAD_BYTES - len(head))
                if not more:
                    break
                head += more
            return head
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


def read_all(
    paths: Iterable[Path], *, ignore_unknown: bool = False, skipped: list[str] | None = None
) -> list[Inventory]:
    """Read every input; a source with ``read_group`` gets all its inputs at once.

    With *ignore_unknown* (pre-commit hooks that see every staged YAML/JSON file), files no
    source recognises are skipped and named in *skipped*; files a source claims but cannot
    read are still errors.
    """
    SNIFFED.clear()
    try:
        return _read_all(paths, ignore_unknown, skipped)
    finally:
        SNIFFED.clear()


def _identity(path: Path) -> tuple[object, bool | None]:
    """What two names of one file share: its device and inode (one stat; resolving the
    path costs one per directory in it: 26 ms over 2,000 manifests), else the resolved
    path (no such file, or a file system without inode numbers); and whether it is a
    directory (None when the stat failed)."""
    if str(path) == "-":
        return path, None
    try:
        status = path.stat()
    except OSError:
        return path.resolve(), None
    is_dir = stat.S_ISDIR(status.st_mode)
    return ((status.st_dev, status.st_ino) if status.st_ino else path.resolve()), is_dir


def _read_all(
    paths: Iterable[Path], ignore_unknown: bool, skipped: list[str] | None
) -> list[Inventory]:
    plan: list[tuple[SourceModule, list[Path]]] = []
    grouped: dict[str, list[Path]] = {}
    seen: set[object] = set()
    for path in paths:
        # The same file named twice (`plan.json ./plan.json`) is one input, not twice the cost.
        key, is_dir = _identity(path)
        if key in seen:
            continue
        seen.add(key)
        if ignore_unknown and not (path.is_dir() if is_dir is None else is_dir):
            found = claim(path, keep=True)
        else:
            found = detect(path, keep=True, is_dir=is_dir)
        if found is None:
            if skipped is not None:
                skipped.append(str(path))
            continue
        module = found
        if getattr(module, "read_group", None) is None:
            plan.append((module, [path]))
        elif module.KIND in grouped:
            grouped[module.KIND].append(path)
        else:
            grouped[module.KIND] = [path]
            plan.append((module, grouped[module.KIND]))
    inventories: list[Inventory] = []
    for module, group in plan:
        reader = getattr(module, "read_group", None)
        if reader is not None:
            inventories.extend(reader(group))
        else:
            inventories.append(module.read(group[0]))
    return inventories


__all__ = [
    "GROUPS",
    "REGISTRY",
    "SOURCES",
    "TITLES",
    "Inventory",
    "SourceModule",
    "UnknownInput",
    "claim",
    "detect",
    "load",
    "read_all",
]
