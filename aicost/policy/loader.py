"""Load a policy file: safe YAML, the ``extends`` chain, schema validation per rule type,
errors with file:line.

Policy discovery (for ``aicost check`` without ``--policy``): ``aicost.yaml`` or
``.aicost.yaml`` in the current directory, else the bundled default pack. There is no
cascading up directories; a policy builds on others only through its own ``extends:``
(see :mod:`aicost.policy.compose`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.data import data_dir
from aicost.core.errors import ConfigError
from aicost.core.validate import (
    M,
    dotted,
    hint,
    problem,
    strict_validate,
    validation_error,
)
from aicost.policy.context import RuleModule
from aicost.policy.rules import RULES
from aicost.policy.schema import (
    BudgetDefaults,
    Commitment,
    Enforcement,
    PolicyFile,
    RuleConfig,
    Settings,
    WaiverSettings,
)
from aicost.policy.waivers import POLICY, Waiver, load_waiver_file, validate_entries

if TYPE_CHECKING:
    from aicost.core.yamlsafe import PathKey, YamlDocument
    from aicost.policy.compose import Composed, Entry, Origin

DISCOVERED_NAMES = ("aicost.yaml", ".aicost.yaml")
DEFAULT_PACK = "default.yaml"
#: How :func:`discover` says the bundled default pack was chosen.
BUNDLED = "bundled default pack"

#: Budget keys of the first release. A budget that uses only these keeps its first-release
#: behaviour (no early warning) unless ``warn_at`` is set on it or in ``budget_defaults``.
V1_BUDGET_KEYS = frozenset(
    {
        "name",
        "id",
        "type",
        "match",
        "monthly",
        "severity",
        "description",
        "remediation",
        "link",
        "fail_when",
    }
)
#: ``warn_at`` for budgets that use any newer key (the seeds' advice: warn at 80%).
DEFAULT_WARN_AT = "0.8"


@dataclass(frozen=True)
class LoadedRule:
    module: RuleModule
    config: RuleConfig
    #: The merged entry, with where each key came from (None for built-in entries).
    entry: Entry | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Policy:
    name: str
    path: str
    origin: str
    rules: tuple[LoadedRule, ...]
    settings: Settings
    description: str | None = None
    #: Default enforcement for rules that do not set one.
    enforcement: Enforcement | None = None
    #: The files merged, parents first (``builtin:baseline``, ``policies/acme.yaml``).
    chain: tuple[str, ...] = ()
    #: Waivers written in the policy or in the files its ``waiver_files`` name.
    waivers: tuple[Waiver, ...] = ()
    waiver_settings: WaiverSettings = field(default_factory=WaiverSettings)
    budget_defaults: BudgetDefaults = field(default_factory=BudgetDefaults)
    commitments: tuple[Commitment, ...] = ()
    #: Rules turned off with ``enabled: false``.
    disabled: tuple[LoadedRule, ...] = ()
    composed: Composed | None = field(default=None, compare=False, repr=False)

    def enforcement_of(self, rule: RuleConfig) -> Enforcement:
        """The rule's own level, else the policy's default, else from its severity."""
        return rule.enforcement or self.enforcement or Enforcement.for_severity(rule.severity)

    def rule_names(self) -> list[tuple[str, str]]:
        return [(r.config.id, r.config.type) for r in self.rules]


def discover(explicit: Path | None, cwd: Path) -> tuple[Path, str]:
    """The policy file to use and a phrase saying why."""
    if explicit is not None:
        return explicit, "--policy"
    for name in DISCOVERED_NAMES:
        candidate = cwd / name
        if candidate.is_file():
            return candidate, f"{name} in the current directory"
    return data_dir("policies") / DEFAULT_PACK, BUNDLED


class _Checker:
    """Validates models; raises the first error, or collects them all (``policy validate``)."""

    def __init__(self, errors: list[ConfigError] | None) -> None:
        self.errors = errors

    def fail(self, error: ConfigError) -> None:
        if self.errors is None:
            raise error
        self.errors.append(error)

    def validate(self, document: YamlDocument, model: type[M], data: Any, at: PathKey) -> M | None:
        from pydantic import ValidationError

        try:
            return model.model_validate(data)
        except ValidationError as exc:
            self.fail(validation_error(document, exc, model, data, at))
            return None

    def strict(self, document: YamlDocument, model: type[M], data: Any, at: PathKey) -> M:
        """Validate, always raising (for callers that cannot go on without the value)."""
        from pydantic import ValidationError

        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise validation_error(document, exc, model, data, at) from None


def load_policy(
    path: Path, origin: str = "--policy", *, errors: list[ConfigError] | None = None
) -> Policy:
    """Load and validate a policy and its ``extends`` chain.

    Raises the first :class:`ConfigError`; with *errors*, collects every error it can find
    (each rule and waiver is checked on its own) and returns what loaded.
    """
    from aicost.policy.compose import compose  # a cached policy is not composed again

    checker = _Checker(errors)
    composed = compose(path, label=str(path) if origin != BUNDLED else None)
    for layer in composed.layers:
        checker.validate(layer.document, PolicyFile, layer.data, ())
    top = _merged_top(composed)

    loaded: list[LoadedRule] = []
    disabled: list[LoadedRule] = []
    seen: dict[str, Origin] = {}
    for entry in composed.rules:
        rule = _rule(checker, entry)
        if rule is None:
            continue
        _unique(checker, seen, rule.config.id, entry)
        (loaded if rule.config.enabled else disabled).append(rule)
    budget = RULES["budget"]
    defaults = top.budget_defaults if top else BudgetDefaults()
    for entry in composed.budgets:
        config = _budget_config(checker, entry, defaults)
        if config is None:
            continue
        _unique(checker, seen, config.id, entry)
        (loaded if config.enabled else disabled).append(LoadedRule(budget, config, entry))
    loaded += _builtin_rules(top)
    waivers = _policy_waivers(checker, composed)
    return Policy(
        name=top.name if top else str(composed.top.get("name", "")),
        path=str(path),
        origin=origin,
        rules=tuple(loaded),
        settings=top.settings if top else Settings(),
        description=top.description if top else None,
        enforcement=top.enforcement if top else None,
        chain=tuple(composed.chain),
        waivers=tuple(waivers),
        waiver_settings=top.waiver_settings if top else WaiverSettings(),
        budget_defaults=defaults,
        commitments=tuple(_commitments(checker, composed)),
        disabled=tuple(disabled),
        composed=composed,
    )


def _budget_config(checker: _Checker, entry: Entry, defaults: BudgetDefaults) -> RuleConfig | None:
    """A ``budgets:`` entry as the budget rule's config (None when it is invalid)."""
    values = dict(entry.values)
    if "__invalid__" in values:
        checker.fail(entry.head.error("a budget must be a mapping"))
        return None
    values.setdefault("type", "budget")
    if values["type"] != "budget":
        checker.fail(entry.origin_of("type").error("a budget's type must be 'budget'"))
        return None
    if isinstance(values.get("name"), str):
        values.setdefault("id", f"budget:{values['name']}")
    _budget_thresholds(values, defaults)
    return _validate_entry(checker, entry, RULES["budget"].Config, values)


def _builtin_rules(top: PolicyFile | None) -> list[LoadedRule]:
    """The unpriced and price-fallback rules, unless the policy sets them to ignore."""
    rules: list[LoadedRule] = []
    unpriced_level = top.unpriced if top else "warning"
    if unpriced_level != "ignore":
        unpriced = RULES["unpriced"]
        rules.append(
            LoadedRule(
                unpriced,
                unpriced.Config(id="unpriced", type="unpriced", severity=unpriced_level),
            )
        )
    fallback_level = top.fallback if top else "warning"
    if fallback_level != "ignore":
        fallback = RULES["price-fallback"]
        rules.append(
            LoadedRule(
                fallback,
                fallback.Config(
                    id="price-fallback", type="price-fallback", severity=fallback_level
                ),
            )
        )
    return rules


def _merged_top(composed: Composed) -> PolicyFile | None:
    from pydantic import ValidationError

    data = {
        k: v
        for k, v in composed.top.items()
        if k in PolicyFile.__field_names__
        and k not in ("rules", "budgets", "waivers", "commitments")
    }
    try:
        return PolicyFile.model_validate(data)
    except ValidationError:
        return None  # each layer's own error has been reported


def _rule(checker: _Checker, entry: Entry) -> LoadedRule | None:
    values = entry.values
    if "__invalid__" in values:
        checker.fail(entry.head.error("a rule must be a mapping"))
        return None
    rule_type = values.get("type")
    if not isinstance(rule_type, str):
        checker.fail(entry.head.error("rule has no type"))
        return None
    module = RULES.get(rule_type)
    if module is None:
        did_you_mean = hint(rule_type, RULES)
        checker.fail(
            entry.origin_of("type").error(
                f"unknown rule type {rule_type!r}{did_you_mean} (known: {', '.join(sorted(RULES))})"
            )
        )
        return None
    config = _validate_entry(checker, entry, module.Config, values)
    return LoadedRule(module, config, entry) if config is not None else None


def _budget_thresholds(values: dict[str, Any], defaults: BudgetDefaults) -> None:
    if "warn_at" not in values:
        if defaults.warn_at is not None:
            values["warn_at"] = defaults.warn_at
        elif not set(values) <= V1_BUDGET_KEYS | {"enforcement", "enabled"}:
            values["warn_at"] = DEFAULT_WARN_AT
    if "fail_at" not in values and defaults.fail_at is not None:
        values["fail_at"] = defaults.fail_at


def _validate_entry(
    checker: _Checker, entry: Entry, model: type[M], values: Mapping[str, Any]
) -> M | None:
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        loc, message = problem(exc, model, values)
        first = loc[0] if loc else None
        origin = entry.origin_of(first)
        full = (*origin.path, *loc[1:]) if first in entry.origins else (*origin.path, *loc)
        checker.fail(origin.document.error(f"{dotted(full)}: {message}", full))
        return None


def _unique(checker: _Checker, seen: dict[str, Origin], rule_id: str, entry: Entry) -> None:
    if rule_id in seen:
        first = seen[rule_id]
        line = first.line
        where = (
            f" (first used at {first.label}:{line})"
            if first.label != entry.head.label
            else (f" (first used at line {line})" if line else "")
        )
        checker.fail(entry.head.error(f"duplicate rule id {rule_id!r}{where}", ("id",)))
        return
    seen[rule_id] = entry.head


def _policy_waivers(checker: _Checker, composed: Composed) -> list[Waiver]:
    from aicost.policy.compose import label_for

    waivers: list[Waiver] = []
    for raw, origin in composed.waivers:
        try:
            waivers += validate_entries(
                origin.document, [(raw, origin.path)], POLICY, origin.label, strict_validate
            )
        except ConfigError as exc:
            checker.fail(exc)
    for path, origin in composed.waiver_files:
        if not path.is_file():
            checker.fail(origin.error(f"waiver_files: no such file {str(path)!r}"))
            continue
        try:
            waivers += load_waiver_file(path, POLICY, strict_validate, label_for(path))
        except ConfigError as exc:
            checker.fail(exc)
    return waivers


def _commitments(checker: _Checker, composed: Composed) -> list[Commitment]:
    found: list[Commitment] = []
    for raw, origin in composed.commitments:
        value = checker.validate(origin.document, Commitment, raw, origin.path)
        if value is not None:
            found.append(value)
    return found
