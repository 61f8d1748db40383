"""Policy composition: one explicit ``extends:`` chain, merged with provenance.

A policy may extend packaged presets (``builtin:baseline``, ``builtin:strict``) and other
policy files (paths relative to the file that names them). The chain is linearised
depth-first, parents before children, each file once (a preset reached along two paths is
merged once, at its first position), and then merged in that order:

* ``name``, ``description``, ``enforcement``, ``unpriced``: the last file that sets one wins;
* ``settings``, ``waiver_settings``, ``budget_defaults``: merged key by key;
* ``rules`` (by ``id``) and ``budgets`` (by ``name``): a later entry with the same key
  overrides the keys it sets and keeps the others (``match`` is replaced as a whole, not
  merged); ``enabled: false`` turns an inherited rule off; a new key adds an entry;
* ``waivers`` and ``waiver_files``: concatenated; ``commitments``: by ``id``.

There is no implicit cascading: nothing is read that the chain does not name. Every merged
value remembers the file and line it came from (:class:`Origin`), so errors name the right
file and ``aicost policy show`` can print where each value came from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.data import data_dir
from aicost.core.errors import ConfigError

if TYPE_CHECKING:  # YAML is imported when a policy file is read, not for a cached one
    from aicost.core.yamlsafe import PathKey, YamlDocument

BUILTIN_PREFIX = "builtin:"
MAX_CHAIN = 32

#: Top-level keys merged key by key (mappings).
MAPPING_KEYS = ("settings", "waiver_settings", "budget_defaults")
#: Top-level keys where the last file that sets them wins.
SCALAR_KEYS = ("version", "name", "description", "enforcement", "unpriced", "fallback")


def builtin_dir() -> Path:
    return data_dir("policies") / "builtin"


def builtin_names() -> list[str]:
    folder = builtin_dir()
    names = [p.stem for p in folder.glob("*.yaml")] if folder.is_dir() else []
    return sorted([*names, "default"])


def builtin_path(name: str) -> Path | None:
    if name == "default":
        return data_dir("policies") / "default.yaml"
    candidate = builtin_dir() / f"{name}.yaml"
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class Origin:
    """Where a value came from: a document and the path of the value inside it."""

    document: YamlDocument
    path: PathKey
    label: str

    @property
    def line(self) -> int | None:
        where = self.document.position(self.path)
        return where[0] if where else None

    def describe(self) -> str:
        line = self.line
        return f"{self.label}:{line}" if line else self.label

    def error(self, message: str, rest: PathKey = ()) -> ConfigError:
        return self.document.error(message, (*self.path, *rest))


@dataclass
class Entry:
    """A merged rule or budget: its values and where each key came from."""

    values: dict[str, Any]
    origins: dict[str, Origin]
    #: The entry in the file that last touched it (for errors about the whole entry).
    head: Origin
    #: Files that contributed to this entry, in merge order.
    sources: list[str] = field(default_factory=list)

    def origin_of(self, key: str | int | None) -> Origin:
        if isinstance(key, str) and key in self.origins:
            return self.origins[key]
        return self.head


@dataclass
class Layer:
    """One file of the chain, loaded."""

    path: Path
    label: str
    document: YamlDocument
    data: Mapping[str, Any]


@dataclass
class Composed:
    """The merged policy, before schema validation of rules and budgets."""

    layers: list[Layer]
    top: dict[str, Any]
    top_origins: dict[str, Origin]
    #: For mapping keys (settings...): key -> sub-key -> origin.
    sub_origins: dict[str, dict[str, Origin]]
    rules: list[Entry]
    budgets: list[Entry]
    waivers: list[tuple[Any, Origin]]
    waiver_files: list[tuple[Path, Origin]]
    commitments: list[tuple[Any, Origin]]

    @property
    def root(self) -> Layer:
        return self.layers[-1]

    @property
    def chain(self) -> list[str]:
        return [layer.label for layer in self.layers]


def label_for(path: Path) -> str:
    try:
        builtin = path.resolve().relative_to(builtin_dir().resolve())
        return f"{BUILTIN_PREFIX}{builtin.with_suffix('').as_posix()}"
    except ValueError:
        pass
    if path.resolve() == (data_dir("policies") / "default.yaml").resolve():
        return f"{BUILTIN_PREFIX}default"
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load_layer(path: Path, label: str) -> Layer:
    from aicost.core.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if data is None:
        raise ConfigError("policy file is empty", path=path)
    if not isinstance(data, Mapping):
        raise document.error(f"a policy must be a mapping, not a {type(data).__name__}")
    return Layer(path=path, label=label, document=document, data=data)


def _parents(layer: Layer) -> list[tuple[Path, str, PathKey]]:
    raw = layer.data.get("extends")
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list):
        raise layer.document.error(
            "extends: give a preset (builtin:baseline) or a file, or a list of them", ("extends",)
        )
    found: list[tuple[Path, str, PathKey]] = []
    for index, item in enumerate(items):
        at: PathKey = ("extends", index) if isinstance(raw, list) else ("extends",)
        if not isinstance(item, str) or not item.strip():
            raise layer.document.error("extends: each entry must be a non-empty string", at)
        item = item.strip()
        if item.startswith(BUILTIN_PREFIX):
            name = item[len(BUILTIN_PREFIX) :]
            path = builtin_path(name)
            if path is None:
                known = ", ".join(BUILTIN_PREFIX + n for n in builtin_names())
                raise layer.document.error(f"extends: unknown preset {item!r} (known: {known})", at)
            found.append((path, item, at))
        elif "://" in item:
            raise layer.document.error(
                f"extends: {item!r}: only presets and local files can be extended "
                "(aicost never fetches policy over the network; vendor the file)",
                at,
            )
        else:
            path = Path(os.path.normpath(layer.path.parent / item))
            if not path.is_file():
                raise layer.document.error(f"extends: no such file {item!r} ({path})", at)
            found.append((path, label_for(path), at))
    return found


def linearise(root: Path, label: str) -> list[Layer]:
    """Every file of the chain, parents first, each once."""
    order: list[Layer] = []
    done: set[Path] = set()

    def visit(
        path: Path, name: str, stack: tuple[Path, ...], via: tuple[Layer, PathKey] | None
    ) -> None:
        resolved = path.resolve()
        if resolved in stack:
            cycle = " -> ".join([*(str(p.name) for p in stack), resolved.name])
            if via is not None:
                raise via[0].document.error(f"extends: cycle {cycle}", via[1])
            raise ConfigError(f"extends: cycle {cycle}", path=path)
        if resolved in done:
            return
        if len(stack) >= MAX_CHAIN:
            raise ConfigError(f"extends: chain deeper than {MAX_CHAIN} files", path=path)
        layer = _load_layer(path, name)
        for parent, parent_label, at in _parents(layer):
            visit(parent, parent_label, (*stack, resolved), (layer, at))
        done.add(resolved)
        order.append(layer)

    visit(root, label, (), None)
    return order


def compose(root: Path, label: str | None = None) -> Composed:
    layers = linearise(root, label or label_for(root))
    composed = Composed(
        layers=layers,
        top={},
        top_origins={},
        sub_origins={},
        rules=[],
        budgets=[],
        waivers=[],
        waiver_files=[],
        commitments=[],
    )
    rules: dict[str, Entry] = {}
    budgets: dict[str, Entry] = {}
    commitments: dict[str, int] = {}
    for layer in layers:
        _merge_layer(composed, layer, rules, budgets, commitments)
    return composed


def _merge_layer(
    composed: Composed,
    layer: Layer,
    rules: dict[str, Entry],
    budgets: dict[str, Entry],
    commitments: dict[str, int],
) -> None:
    _LayerMerge(composed, layer, rules, budgets, commitments).run()


class _LayerMerge:
    """Merge one layer's keys into *composed*: one method per kind of key."""

    def __init__(
        self,
        composed: Composed,
        layer: Layer,
        rules: dict[str, Entry],
        budgets: dict[str, Entry],
        commitments: dict[str, int],
    ) -> None:
        self.composed = composed
        self.layer = layer
        self.document = layer.document
        self.rules = rules
        self.budgets = budgets
        self.commitments = commitments

    def origin(self, *path: str | int) -> Origin:
        return Origin(self.document, tuple(path), self.layer.label)

    def run(self) -> None:
        special: dict[str, Callable[[str, Any], None]] = {
            "rules": self.entries,
            "budgets": self.entries,
            "waivers": self.waivers,
            "waiver_files": self.waiver_files,
            "commitments": self.commitment_list,
            "extends": lambda key, value: None,
        }
        for key, value in self.layer.data.items():
            if key in SCALAR_KEYS:
                self.set_top(key, value)
            elif key in MAPPING_KEYS:
                self.mapping(key, value)
            else:
                # Unknown keys are kept so that schema validation reports them with their line.
                special.get(key, self.set_top)(key, value)

    def set_top(self, key: str, value: Any) -> None:
        self.composed.top[key] = value
        self.composed.top_origins[key] = self.origin(key)

    def mapping(self, key: str, value: Any) -> None:
        if not isinstance(value, Mapping):
            self.set_top(key, value)  # the schema reports the type error
            return
        merged = dict(self.composed.top.get(key) or {})
        subs = self.composed.sub_origins.setdefault(key, {})
        for sub_key, sub_value in value.items():
            merged[sub_key] = sub_value
            subs[str(sub_key)] = self.origin(key, sub_key)
        self.set_top(key, merged)

    def entries(self, key: str, value: Any) -> None:
        """``rules`` (by id) and ``budgets`` (by name): a later layer overrides key by key."""
        if not isinstance(value, list):
            self.set_top(key, value)
            return
        ident = "id" if key == "rules" else "name"
        seen_here: dict[str, int] = {}
        for index, raw in enumerate(value):
            if not isinstance(raw, Mapping):
                entries = self.composed.rules if key == "rules" else self.composed.budgets
                at = self.origin(key, index)
                entries.append(Entry({"__invalid__": raw}, {}, at, [self.layer.label]))
                continue
            name = raw.get(ident)
            if isinstance(name, str):
                self.check_unique(key, ident, name, index, seen_here)
                seen_here[name] = index
            self.entry(key, ident, index, raw, name)

    def check_unique(
        self, key: str, ident: str, name: str, index: int, seen_here: dict[str, int]
    ) -> None:
        if name not in seen_here:
            return
        first = self.document.position((key, seen_here[name]))
        previous = f" (first used at line {first[0]})" if first else ""
        what = "rule id" if key == "rules" else "budget name"
        raise self.document.error(f"duplicate {what} {name!r}{previous}", (key, index, ident))

    def entry(self, key: str, ident: str, index: int, raw: Mapping[str, Any], name: Any) -> None:
        target = self.rules if key == "rules" else self.budgets
        existing = target.get(name) if isinstance(name, str) else None
        if existing is None:
            entry = Entry(
                dict(raw),
                {str(k): self.origin(key, index, k) for k in raw},
                self.origin(key, index),
                [self.layer.label],
            )
            (self.composed.rules if key == "rules" else self.composed.budgets).append(entry)
            if isinstance(name, str):
                target[name] = entry
            return
        old_type = existing.values.get("type")
        new_type = raw.get("type")
        if new_type is not None and old_type is not None and new_type != old_type:
            raise self.document.error(
                f"{ident} {name!r} is a {old_type!r} rule in "
                f"{existing.origin_of('type').describe()}; an override cannot change "
                "its type (use a new id)",
                (key, index, "type"),
            )
        for k, v in raw.items():
            existing.values[k] = v
            existing.origins[str(k)] = self.origin(key, index, k)
        existing.head = self.origin(key, index)
        existing.sources.append(self.layer.label)

    def waivers(self, key: str, value: Any) -> None:
        if not isinstance(value, list):
            self.set_top(key, value)
            return
        self.composed.waivers.extend(
            (item, self.origin("waivers", i)) for i, item in enumerate(value)
        )

    def waiver_files(self, key: str, value: Any) -> None:
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list):
            for i, item in enumerate(items):
                where: PathKey = (
                    ("waiver_files", i) if isinstance(value, list) else ("waiver_files",)
                )
                if isinstance(item, str):
                    path = Path(os.path.normpath(self.layer.path.parent / item))
                    self.composed.waiver_files.append((path, self.origin(*where)))
        self.composed.top_origins.setdefault(key, self.origin(key))

    def commitment_list(self, key: str, value: Any) -> None:
        """Commitments with an ``id`` replace an earlier layer's of the same id, in place."""
        if not isinstance(value, list):
            self.set_top(key, value)
            return
        for i, item in enumerate(value):
            ident_value = item.get("id") if isinstance(item, Mapping) else None
            pair = (item, self.origin("commitments", i))
            if isinstance(ident_value, str) and ident_value in self.commitments:
                self.composed.commitments[self.commitments[ident_value]] = pair
            else:
                if isinstance(ident_value, str):
                    self.commitments[ident_value] = len(self.composed.commitments)
                self.composed.commitments.append(pair)
