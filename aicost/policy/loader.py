"""Load a policy file: safe YAML, schema validation per rule type, errors with file:line.

Policy discovery (for ``aicost check`` without ``--policy``): ``aicost.yaml`` or
``.aicost.yaml`` in the current directory, else the bundled default pack. There is no
cascading up directories.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from pydantic import BaseModel, ValidationError

from aicost.data import data_dir
from aicost.errors import ConfigError
from aicost.policy.context import RuleModule
from aicost.policy.rules import RULES
from aicost.policy.schema import Match, PolicyFile, RuleConfig, Settings
from aicost.policy.yamlsafe import PathKey, YamlDocument, load_file

DISCOVERED_NAMES = ("aicost.yaml", ".aicost.yaml")
DEFAULT_PACK = "default.yaml"


@dataclass(frozen=True)
class LoadedRule:
    module: RuleModule
    config: RuleConfig


@dataclass(frozen=True)
class Policy:
    name: str
    path: str
    origin: str
    rules: tuple[LoadedRule, ...]
    settings: Settings
    description: str | None = None


def discover(explicit: Path | None, cwd: Path) -> tuple[Path, str]:
    """The policy file to use and a phrase saying why."""
    if explicit is not None:
        return explicit, "--policy"
    for name in DISCOVERED_NAMES:
        candidate = cwd / name
        if candidate.is_file():
            return candidate, f"{name} in the current directory"
    return data_dir("policies") / DEFAULT_PACK, "bundled default pack"


def load_policy(path: Path, origin: str = "--policy") -> Policy:
    document = load_file(path)
    data = document.data
    if data is None:
        raise ConfigError("policy file is empty", path=path)
    if not isinstance(data, Mapping):
        raise document.error(f"a policy must be a mapping, not a {type(data).__name__}")
    top = _validate(document, PolicyFile, data, ())
    loaded: list[LoadedRule] = []
    seen: dict[str, PathKey] = {}
    for index, raw in enumerate(top.rules):
        at: PathKey = ("rules", index)
        rule_type = raw.get("type")
        if not isinstance(rule_type, str):
            raise document.error("rule has no type", at)
        module = RULES.get(rule_type)
        if module is None:
            hint = _hint(rule_type, RULES)
            raise document.error(
                f"unknown rule type {rule_type!r}{hint} (known: {', '.join(sorted(RULES))})",
                (*at, "type"),
            )
        config = _validate(document, module.Config, raw, at)
        _unique(document, seen, config.id, at)
        loaded.append(LoadedRule(module, config))
    budget = RULES["budget"]
    for index, raw in enumerate(top.budgets):
        at = ("budgets", index)
        values = dict(raw)
        values.setdefault("type", "budget")
        if values["type"] != "budget":
            raise document.error("a budget's type must be 'budget'", (*at, "type"))
        if isinstance(values.get("name"), str):
            values.setdefault("id", f"budget:{values['name']}")
        config = _validate(document, budget.Config, values, at)
        _unique(document, seen, config.id, at)
        loaded.append(LoadedRule(budget, config))
    if top.unpriced != "ignore":
        unpriced = RULES["unpriced"]
        loaded.append(
            LoadedRule(
                unpriced,
                unpriced.Config(id="unpriced", type="unpriced", severity=top.unpriced),
            )
        )
    return Policy(
        name=top.name,
        path=str(path),
        origin=origin,
        rules=tuple(loaded),
        settings=top.settings,
        description=top.description,
    )


def _unique(document: YamlDocument, seen: dict[str, PathKey], rule_id: str, at: PathKey) -> None:
    if rule_id in seen:
        line = document.position(seen[rule_id])
        first = f" (first used at line {line[0]})" if line else ""
        raise document.error(f"duplicate rule id {rule_id!r}{first}", (*at, "id"))
    seen[rule_id] = at


M = TypeVar("M", bound=BaseModel)


def _validate(document: YamlDocument, model: type[M], data: Any, at: PathKey) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _raise(document, exc, model, data, at)


def _raise(
    document: YamlDocument, exc: ValidationError, model: type[BaseModel], data: Any, at: PathKey
) -> NoReturn:
    errors = exc.errors(include_url=False)
    # An unknown key is usually the cause of the other errors (a typo'd required key).
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    error = errors[0]
    loc = _real_path(data, tuple(error["loc"]))
    kind = error["type"]
    message = str(error["msg"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        message = f"unknown key {key!r}{_hint(key, _fields(model, loc[:-1]))}"
    elif kind == "missing":
        message = f"missing required key {loc[-1]!r}"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    full = (*at, *loc)
    more = (
        f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        if len(errors) > 1
        else ""
    )
    raise document.error(f"{_dotted(full)}: {message}{more}", full)


def _real_path(data: Any, loc: Sequence[Any]) -> PathKey:
    """Drop the union-branch labels pydantic puts in error locations."""
    path: list[str | int] = []
    node = data
    for position, step in enumerate(loc):
        last = position == len(loc) - 1
        in_mapping = isinstance(node, Mapping) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_mapping or in_list:
            node = node[step]
            path.append(step)
        elif last and isinstance(step, str | int) and isinstance(node, Mapping):
            path.append(step)
    return tuple(path)


def _fields(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: type[BaseModel] = model
    for step in loc:
        if not isinstance(step, str):
            continue
        if step == "match":
            current = Match
        elif step == "settings":
            current = Settings
    return list(current.model_fields)


def _hint(word: str, candidates: Any) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _dotted(path: PathKey) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(top level)"
