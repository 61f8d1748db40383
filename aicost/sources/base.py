"""What every input source produces: an :class:`Inventory` of resource changes.

A source module (one per input kind) provides:

* ``KIND``: a short name shown in reports, e.g. ``terraform-plan``;
* ``sniff(path, head) -> bool``: whether the file looks like this kind;
* ``read(path) -> Inventory``: parse it, raising :class:`~aicost.core.errors.InputError`
  with a one-line message on bad input.

Sources are registered in :mod:`aicost.sources`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from aicost.core import texts
from aicost.core.errors import InputError
from aicost.core.model import ResourceChange

T = TypeVar("T")

#: Inputs larger than this are refused rather than read into memory.
MAX_INPUT_BYTES = 1024 * 1024 * 1024

_INDEX = re.compile(r"\[[^\]]*\]")


class SourceModule(Protocol):
    KIND: str

    def sniff(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> Inventory: ...


def strip_indexes(address: str) -> str:
    """``module.a["x"].aws_instance.b[0]`` -> ``module.a.aws_instance.b``."""
    return _INDEX.sub("", address)


@dataclass
class Inventory:
    """The resource changes read from one input, with a way to follow references.

    Subclasses override :meth:`references` to say which resources an attribute
    refers to (from the plan's ``configuration`` section, or from HCL).
    """

    path: str
    kind: str
    changes: list[ResourceChange]
    warnings: list[str] = field(default_factory=list)
    _by_module_type: dict[tuple[str, str], list[ResourceChange]] = field(
        default_factory=dict, repr=False
    )
    _attribute_index: dict[tuple[str, str, bool], dict[Any, ResourceChange]] = field(
        default_factory=dict, repr=False
    )
    _by_index: dict[tuple[str, str], dict[int | str, ResourceChange]] = field(
        default_factory=dict, repr=False
    )
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for change in self.changes:
            key = (change.module_address or "", f"{change.type}.{change.name}")
            self._by_module_type.setdefault(key, []).append(change)

    def references(self, change: ResourceChange, attribute: Sequence[str | int]) -> list[str]:
        """Module-relative addresses that ``change``'s *attribute* refers to."""
        return []

    def resolve(
        self, change: ResourceChange, attribute: Sequence[str | int], resource_type: str
    ) -> ResourceChange | None:
        """Follow a reference from *attribute* of *change* to a resource of *resource_type*.

        Used when a value is known only after apply (a launch template id, say):
        the configuration still says which resource it comes from.
        """
        for ref in self.references(change, attribute):
            parts = strip_indexes(ref).split(".")
            if len(parts) < 2 or parts[0] != resource_type:
                continue
            found = self.instance(change, f"{parts[0]}.{parts[1]}")
            if found is not None:
                return found
        return None

    def instance(self, near: ResourceChange, type_and_name: str) -> ResourceChange | None:
        """The instance of ``type.name`` in *near*'s module instance that best matches it."""
        candidates = self._by_module_type.get((near.module_address or "", type_and_name), [])
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        key = (near.module_address or "", type_and_name)
        by_index = self._by_index.get(key)
        if by_index is None:  # one pass per resource, not per lookup (count = 750 templates)
            by_index = self._by_index[key] = {}
            for candidate in candidates:
                if isinstance(candidate.index, int | str):
                    by_index.setdefault(candidate.index, candidate)
        if isinstance(near.index, int | str):
            return by_index.get(near.index, candidates[0])
        for candidate in candidates:
            if candidate.index == near.index:
                return candidate
        return candidates[0]

    def find(
        self, resource_type: str, attribute: str, value: Any, *, planned: bool
    ) -> ResourceChange | None:
        """The resource of *resource_type* whose *attribute* (after, or before) equals *value*."""
        key = (resource_type, attribute, planned)
        index = self._attribute_index.get(key)
        if index is None:
            index = {}
            for change in self.of_type(resource_type):
                values = change.after if planned else change.before
                found = values.get(attribute) if values else None
                if isinstance(found, str | int) and not isinstance(found, bool):
                    index.setdefault(found, change)
            self._attribute_index[key] = index
        if isinstance(value, str | int) and not isinstance(value, bool):
            return index.get(value)
        return None

    def of_type(self, *types: str) -> Iterator[ResourceChange]:
        wanted = set(types)
        return (c for c in self.changes if c.type in wanted)

    def memo(self, key: str, compute: Callable[[Inventory], T]) -> T:
        """``compute(self)``, worked out once per inventory (a mapper's scan of the changes
        that many resources ask about: scheduled actions, ScaledObjects)."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        found: T = self._memo[key]
        return found


def read_text(path: Path, *, max_bytes: int = MAX_INPUT_BYTES, share: bool = False) -> str:
    """Read a text input, detecting UTF-8/UTF-16 byte order marks, refusing binary data.

    With *share*, UTF-8 text is also left for the policy stage (see :mod:`aicost.core.texts`).
    """
    data = SNIFFED.pop(str(path), None)  # a small file read whole while sniffing
    if data is None:
        data = _read_bytes(path, max_bytes)
    elif len(data) > max_bytes:
        raise InputError(f"file is {len(data)} bytes, over the {max_bytes}-byte limit", path=path)
    text, encoding = _decode(data, path)
    if share and encoding in _SHARED_ENCODINGS:
        texts.remember(str(path), text)
    return text


#: Path -> the whole content of a file smaller than the sniffing head, read while finding
#: its reader (:func:`aicost.sources.claim`): :func:`read_text` takes it instead of opening
#: the file again (2,000 manifests: about 30 ms). ``read_all`` empties it before and after.
SNIFFED: dict[str, bytes] = {}


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is {size} bytes, over the {max_bytes}-byte limit", path=path)
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except PermissionError:
        raise InputError("permission denied", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


#: Encodings whose text equals what the policy stage reads itself (UTF-8, BOM dropped).
_SHARED_ENCODINGS = ("utf-8", "utf-8-sig")


def decode(data: bytes, path: Path | str) -> str:
    return _decode(data, path)[0]


def _decode(data: bytes, path: Path | str) -> tuple[str, str]:
    if not data or data.isspace():  # no .strip(): it would copy a large plan
        raise InputError("file is empty", path=path)
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            "this is a binary Terraform plan file; convert it with "
            "`terraform show -json PLANFILE > plan.json`",
            path=path,
        )
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        encoding = "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not text: undecodable byte at offset {exc.start} (binary data?)", path=path
        ) from None
    if "\x00" in text:
        raise InputError("not text: the file contains NUL bytes (binary data?)", path=path)
    return text, encoding


def line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def flatten_tags(value: Any) -> dict[str, str]:
    """Tags as a flat str -> str map from the shapes providers use."""
    tags: dict[str, str] = {}
    if isinstance(value, dict):
        if all(type(item) is str for item in value.values()):  # the usual case, fast
            return dict(value)
        for key, item in value.items():
            if item is not None and not isinstance(item, dict | list):
                tags[str(key)] = _scalar(item)
    elif isinstance(value, list):
        # aws_autoscaling_group `tag` blocks: [{key, value, propagate_at_launch}]
        for item in value:
            if isinstance(item, dict) and "key" in item and item.get("value") is not None:
                tags[str(item["key"])] = _scalar(item["value"])
    return tags


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
