"""``aicost policy show``: the merged policy, and where each value came from."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml

from aicost.policy.compose import MAPPING_KEYS, Entry, Origin
from aicost.policy.loader import Policy
from aicost.policy.schema import RuleConfig

COMMENT_COLUMN = 52


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _flow(value: Any) -> str:
    text = yaml.safe_dump(
        _plain(value), default_flow_style=True, width=10_000, sort_keys=False, allow_unicode=True
    ).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _line(indent: str, key: str, value: Any, origin: Origin | None, note: str = "") -> str:
    text = f"{indent}{key}: {_flow(value)}"
    where = origin.describe() if origin else ""
    comment = "; ".join(part for part in (where, note) if part)
    if not comment:
        return text
    return f"{text.ljust(COMMENT_COLUMN)}  # {comment}"


def _enforcement_note(policy: Policy, config: RuleConfig | None) -> str:
    if config is None:
        return ""
    level = policy.enforcement_of(config).value
    if config.enforcement is not None:
        return ""
    if policy.enforcement is not None:
        return f"enforcement {level} (policy default)"
    return f"enforcement {level} (from severity {config.severity.value})"


def _entry(
    policy: Policy, entry: Entry, first_key: str, configs: dict[int, RuleConfig]
) -> list[str]:
    values = entry.values
    keys = [first_key] + [k for k in values if k != first_key]
    lines: list[str] = []
    config = configs.get(id(entry))
    note = _enforcement_note(policy, config)
    for position, key in enumerate(keys):
        if key not in values:
            continue
        indent = "  - " if position == 0 else "    "
        lines.append(
            _line(indent, key, values[key], entry.origins.get(key), note if not position else "")
        )
    return lines


def render_yaml(policy: Policy) -> str:
    composed = policy.composed
    assert composed is not None
    configs = {
        id(rule.entry): rule.config
        for rule in (*policy.rules, *policy.disabled)
        if rule.entry is not None
    }
    lines = [
        f"# policy {policy.name!r}, merged from: {' -> '.join(composed.chain)}",
        "# (each value is followed by the file and line it came from)",
    ]
    top = composed.top
    lines += [
        _line("", key, top[key], composed.top_origins.get(key))
        for key in ("version", "name", "description", "enforcement", "unpriced", "fallback")
        if key in top
    ]
    for key in MAPPING_KEYS:
        value = top.get(key)
        if isinstance(value, Mapping) and value:
            lines.append(f"{key}:")
            subs = composed.sub_origins.get(key, {})
            lines += [_line("  ", str(k), v, subs.get(str(k))) for k, v in value.items()]
    lines.append("rules:" if composed.rules else "rules: []")
    for entry in composed.rules:
        lines += _entry(policy, entry, "id", configs)
    if composed.budgets:
        lines.append("budgets:")
        for entry in composed.budgets:
            lines += _entry(policy, entry, "name", configs)
    for key, items in (("waivers", composed.waivers), ("commitments", composed.commitments)):
        if items:
            lines.append(f"{key}:")
            for raw, origin in items:
                lines.append(
                    f"{('  - ' + _flow(raw)).ljust(COMMENT_COLUMN)}  # {origin.describe()}"
                )
    if composed.waiver_files:
        lines.append("waiver_files:")
        for path, origin in composed.waiver_files:
            lines.append(
                f"{('  - ' + _flow(str(path))).ljust(COMMENT_COLUMN)}  # {origin.describe()}"
            )
    return "\n".join(lines) + "\n"


def render_json(policy: Policy) -> str:
    composed = policy.composed
    assert composed is not None
    origins: dict[str, str] = {}
    for key, origin in composed.top_origins.items():
        origins[key] = origin.describe()
    for key, subs in composed.sub_origins.items():
        for sub, origin in subs.items():
            origins[f"{key}.{sub}"] = origin.describe()
    merged: dict[str, Any] = {k: _plain(v) for k, v in composed.top.items()}
    for section, entries, ident in (
        ("rules", composed.rules, "id"),
        ("budgets", composed.budgets, "name"),
    ):
        merged[section] = [_plain(e.values) for e in entries]
        for entry in entries:
            name = entry.values.get(ident)
            for key, origin in entry.origins.items():
                origins[f"{section}[{name}].{key}"] = origin.describe()
    merged["waivers"] = [_plain(raw) for raw, _ in composed.waivers]
    merged["commitments"] = [_plain(raw) for raw, _ in composed.commitments]
    effective = {rule.config.id: policy.enforcement_of(rule.config).value for rule in policy.rules}
    document = {
        "name": policy.name,
        "chain": composed.chain,
        "policy": merged,
        "origins": origins,
        "enforcement": effective,
        "disabled": [rule.config.id for rule in policy.disabled],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
