"""``aicost policy test DIR``: each rule's pass and fail fixtures, like ``conftest verify``.

Layout (``DIR/tests/`` when it exists, else ``DIR`` itself)::

    tests/
      <rule-id>/                 # a rule id of the policy (":" may be written "_")
        pass/                    # the rule must report nothing active here
          compliant.json         # an input (plan JSON, or any input aicost check reads)
          waived.case.yaml       # or a case file: inputs plus options and expectations
        fail/                    # the rule must report at least one active finding
          on-demand.json
          on-demand.expect.yaml  # optional: exact expectations for on-demand.json

A case file (``<name>.case.yaml``) or expectations file (``<name>.expect.yaml``)::

    inputs: [../../../plans/mixed.json]   # case files only; relative to the file
    source_dir: ../../../terraform/mixed  # --source-dir (inline waivers, file:line)
    workspace: prod                       # --workspace
    today: 2026-11-22                     # --today (keeps waiver expiry tests stable)
    waivers: [extra-waivers.yaml]         # --waivers
    findings:                             # optional: exactly these findings of the rule
      - address: aws_instance.trainer     # glob
        severity: error                   # each key below is optional
        enforcement: soft
        fails: true
        waived: false
        message: on-demand                # a substring of the message

``pass`` means no *active* finding of the rule (waived findings are allowed, so a pass
case can show a waiver working); ``fail`` means at least one. With ``findings``, the
rule's findings (active and waived) must match the list one to one.

Exit codes, for pre-commit and CI: 0 every case passed; 1 a case failed (or, with
``--require-tests``, a rule has no pass or no fail case); 2 the suite could not run (no
such directory, an invalid policy, a case for a rule the policy does not have, an
unreadable input or case file).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aicost.core.declared import Field
from aicost.core.errors import ConfigError
from aicost.core.validate import strict_validate
from aicost.core.yamlsafe import load_file
from aicost.policy.finding import Finding
from aicost.policy.globs import address_match
from aicost.policy.loader import Policy
from aicost.policy.schema import Enforcement, Severity, Strict, StrList

CASE_SUFFIX = ".case.yaml"
EXPECT_SUFFIX = ".expect.yaml"
KINDS = ("pass", "fail")


class ExpectedFinding(Strict):
    address: str = "*"
    severity: Severity | None = None
    enforcement: Enforcement | None = None
    fails: bool | None = None
    waived: bool | None = None
    message: str | None = None

    def matches(self, found: Finding) -> bool:
        label = f"{found.address} ({found.component})" if found.component else found.address
        if not (address_match(found.address, self.address) or address_match(label, self.address)):
            return False
        if self.severity is not None and found.severity is not self.severity:
            return False
        if self.enforcement is not None and found.enforcement != self.enforcement.value:
            return False
        if self.fails is not None and found.fails is not self.fails:
            return False
        if self.waived is not None and found.waived is not self.waived:
            return False
        return self.message is None or self.message in found.message

    def describe(self) -> str:
        parts = [self.address]
        for key in ("severity", "enforcement", "fails", "waived"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key}={getattr(value, 'value', value)}")
        if self.message is not None:
            parts.append(f"message~{self.message!r}")
        return " ".join(parts)


class CaseOptions(Strict):
    inputs: StrList = Field(default_factory=list)
    source_dir: str | None = None
    workspace: str | None = None
    today: dt.date | None = None
    waivers: StrList = Field(default_factory=list)
    findings: list[ExpectedFinding] | None = None


@dataclass
class Case:
    rule: str
    kind: str
    path: Path
    inputs: list[Path]
    options: CaseOptions = field(default_factory=CaseOptions)
    base: Path = field(default_factory=Path)

    @property
    def name(self) -> str:
        return self.path.as_posix()


@dataclass
class CaseResult:
    case: Case
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class SuiteResult:
    results: list[CaseResult]
    #: Rule ids without a pass case, without a fail case.
    missing: dict[str, list[str]]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.ok]


def tests_dir(directory: Path) -> Path:
    candidate = directory / "tests"
    return candidate if candidate.is_dir() else directory


def _rule_for(name: str, ids: Sequence[str]) -> str | None:
    for rule_id in ids:
        if name in (rule_id, rule_id.replace(":", "_")):
            return rule_id
    return None


def _options(path: Path) -> CaseOptions:
    document = load_file(path)
    data: Any = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise document.error("a case file must be a mapping")
    return strict_validate(document, CaseOptions, data, ())


def discover(directory: Path, policy: Policy) -> list[Case]:
    """Every case under *directory*; layout problems are :class:`ConfigError` (exit 2)."""
    if not directory.is_dir():
        raise ConfigError("not a directory", path=directory)
    root = tests_dir(directory)
    ids = [r.config.id for r in policy.rules]
    cases: list[Case] = []
    for rule_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if rule_dir.name.startswith("."):
            continue
        rule = _rule_for(rule_dir.name, ids)
        kinds = [rule_dir / kind for kind in KINDS if (rule_dir / kind).is_dir()]
        if rule is None:
            if not kinds:
                continue  # not a rule directory (fixtures, plans...)
            raise ConfigError(
                f"tests for rule {rule_dir.name!r}, which policy {policy.name!r} does not have "
                f"(its rules: {', '.join(ids) or 'none'})",
                path=rule_dir,
            )
        for kind_dir in kinds:
            for path in sorted(kind_dir.iterdir()):
                if path.name.startswith(".") or path.name.endswith(EXPECT_SUFFIX):
                    continue
                if path.is_dir():
                    raise ConfigError(
                        "a case is a file (an input, or a .case.yaml listing inputs)", path=path
                    )
                options, inputs = _case_inputs(path)
                cases.append(Case(rule, kind_dir.name, path, inputs, options, base=path.parent))
    return cases


def _case_inputs(path: Path) -> tuple[CaseOptions, list[Path]]:
    """A case file's options and inputs: a ``.case.yaml`` lists them, any other file is the
    one input (with options in its ``.expect.yaml``); every input must exist."""
    if path.name.endswith(CASE_SUFFIX):
        options = _options(path)
        if not options.inputs:
            raise ConfigError("a case file needs inputs: [...]", path=path)
        inputs = [path.parent / p for p in options.inputs]
    else:
        expect = path.with_name(path.name.split(".", 1)[0] + EXPECT_SUFFIX)
        options = _options(expect) if expect.is_file() else CaseOptions()
        if options.inputs:
            raise ConfigError("inputs belong in a .case.yaml, not an .expect.yaml", path=expect)
        inputs = [path]
    for item in inputs:
        if not item.is_file():
            raise ConfigError("case input: no such file", path=item)
    return options, inputs


def run_case(case: Case, policy: Policy, book: Any) -> CaseResult:
    from aicost.pipeline import run_check
    from aicost.policy.engine import EvalOptions

    opts = case.options
    options = EvalOptions(
        today=opts.today,
        workspace=opts.workspace,
        source_dir=case.base / opts.source_dir if opts.source_dir else None,
        waiver_files=tuple(case.base / w for w in opts.waivers),
    )
    # An unreadable input is a broken suite (exit 2), not a failed case: let it propagate.
    result = run_check(case.inputs, policy, book=book, options=options)
    found = [f for f in result.findings if f.rule == case.rule]
    active = [f for f in found if not f.waived]
    problems: list[str] = []
    if case.kind == "pass" and active:
        problems += [f"unexpected finding {f.address}: {f.message}" for f in active]
    if case.kind == "fail" and not active:
        waived = f" ({len(found)} waived)" if found else ""
        problems.append(f"expected a {case.rule} finding, got none{waived}")
    if opts.findings is not None:
        problems += _compare(opts.findings, found)
    return CaseResult(case, problems)


def _compare(expected: list[ExpectedFinding], found: list[Finding]) -> list[str]:
    problems: list[str] = []
    left = list(found)
    for want in expected:
        match = next((f for f in left if want.matches(f)), None)
        if match is None:
            problems.append(f"missing expected finding: {want.describe()}")
        else:
            left.remove(match)
    for extra in left:
        state = "waived" if extra.waived else ("fails" if extra.fails else "reports")
        problems.append(f"unexpected finding {extra.address} ({state}): {extra.message}")
    return problems


def run_suite(directory: Path, policy: Policy, rules: Sequence[str] = ()) -> SuiteResult:
    from aicost.pricing.catalog import PriceBook

    cases = discover(directory, policy)
    if rules:
        cases = [c for c in cases if any(fnmatch.fnmatchcase(c.rule, r) for r in rules)]
    book = PriceBook()
    results = [run_case(case, policy, book) for case in cases]
    have: dict[str, set[str]] = {}
    for case in cases:
        have.setdefault(case.rule, set()).add(case.kind)
    missing: dict[str, list[str]] = {}
    for rule in policy.rules:
        rule_id = rule.config.id
        if rules and not any(fnmatch.fnmatchcase(rule_id, r) for r in rules):
            continue
        lacking = [k for k in KINDS if k not in have.get(rule_id, set())]
        if lacking:
            missing[rule_id] = lacking
    return SuiteResult(results, missing)
