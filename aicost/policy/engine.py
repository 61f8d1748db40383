"""Run a policy's rules over priced workloads, apply waivers, and decide the gate.

:func:`run` is the whole step: every enabled rule yields findings; each finding gets its
rule's remediation, link and enforcement, and its file and line (from ``--source-dir``
when the input is a plan); waivers are matched (see :mod:`aicost.policy.waivers`); the
gate decides which findings fail (:mod:`aicost.policy.gate`); waivers that covered
nothing are reported as stale.

Each finding is built once, in its final form, while its rule runs (:class:`_Finisher`,
through :func:`aicost.policy.context.finding`); only those a waiver covers, and those a
rule builds itself, are built again with the changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.core.model import PricedWorkload
from aicost.core.validate import strict_validate
from aicost.cost.projection import Pricer
from aicost.policy.context import CheckContext, Locator, Place, RuleModule, finishing
from aicost.policy.finding import Finding, make
from aicost.policy.gate import Gate
from aicost.policy.loader import Policy
from aicost.policy.ruleinfo import link_of
from aicost.policy.schema import Enforcement, RuleConfig, Severity
from aicost.policy.waivers import FILE, Waiver, load_waiver_file


@dataclass(frozen=True)
class EvalOptions:
    """How a check is judged beyond the policy itself (command-line options)."""

    #: The date waivers expire against (default: today in UTC).
    today: dt.date | None = None
    #: The Terraform workspace; default ``TF_WORKSPACE``, then the source directory's
    #: ``.terraform/environment``, then ``default``.
    workspace: str | None = None
    #: Terraform root directory behind a plan: file:line and inline waivers for plan inputs.
    source_dir: Path | None = None
    #: The source directory was not given but found (the working directory holds the .tf
    #: files): no note when the plan's resources are not in it.
    source_dir_default: bool = False
    #: ``--waivers FILE`` files (kind ``file``: cannot waive ``hard`` findings).
    waiver_files: tuple[Path, ...] = ()
    gate: Gate = field(default_factory=Gate)
    #: ``--actuals``: a spend snapshot (month-to-date actual spend) that budgets count.
    actuals: Any = None


@dataclass(frozen=True)
class StaleWaiver:
    waiver: Waiver
    #: Why it waived nothing beyond "matched no finding", e.g. "expired on 2026-10-01".
    note: str | None = None


@dataclass(frozen=True)
class Evaluation:
    findings: list[Finding]
    stale_waivers: list[StaleWaiver]
    #: Notices for the report (waivers expiring soon, ignored inline waivers...).
    notes: list[str]
    workspace: str
    today: dt.date
    gate: Gate


def resolve_workspace(options: EvalOptions) -> str:
    if options.workspace:
        return options.workspace
    env = os.environ.get("TF_WORKSPACE", "").strip()
    if env:
        return env
    if options.source_dir is not None:
        from aicost.policy.inline import workspace_of

        found = workspace_of(options.source_dir)
        if found:
            return found
    return "default"


def evaluate(
    policy: Policy,
    workloads: Sequence[PricedWorkload],
    pricer: Pricer,
    options: EvalOptions | None = None,
) -> list[Finding]:
    """The findings (kept for callers of the first release; :func:`run` gives everything)."""
    return run(policy, workloads, pricer, options).findings


def run(
    policy: Policy,
    workloads: Sequence[PricedWorkload],
    pricer: Pricer,
    options: EvalOptions | None = None,
) -> Evaluation:
    """Every enabled rule's findings, placed, waived and judged by the gate; stale waivers."""
    options = options or EvalOptions()
    today = options.today or dt.datetime.now(dt.UTC).date()
    workspace = resolve_workspace(options)
    locator = Locator(options.source_dir)
    ctx = CheckContext(
        workloads=workloads,
        pricer=pricer,
        workspace=workspace,
        locator=locator,
        commitments=policy.commitments,
        today=today,
        actuals=options.actuals,
    )
    places = _Places(workloads, locator)
    # File and line come from --source-dir, or from inputs that are .tf files or manifests.
    enrich = options.source_dir is not None or any(
        item.workload.source.line is not None for item in workloads
    )
    raw = _rule_findings(policy, ctx, places if enrich else None, options.gate)
    waivers = _waivers(policy, options, locator, workloads)
    notes = _source_dir_notes(options, locator, workloads)
    used: set[int] = set()
    findings: list[Finding] = []
    for entry in raw:
        if not isinstance(entry, Finding):  # a finding the rule built itself
            entry = _completed(*entry, waivers, used, today, policy, workspace, places, options)
        elif waivers:  # final (see _Finisher): changed only when a waiver covers it
            entry = _waived(entry, waivers, used, today, policy, workspace, places, options)
        findings.append(entry)
    stale = _stale_waivers(waivers, used, policy, workspace, today, places)
    notes += _expiring_notes(waivers, used, today, policy.waiver_settings.expiring_soon_days)
    findings.sort(key=_SORT_KEY)
    return Evaluation(findings, stale, notes, workspace, today, options.gate)


class _Places:
    """Where a finding's workload is written (file, line, paths for waiver scopes)."""

    def __init__(self, workloads: Sequence[PricedWorkload], locator: Locator) -> None:
        self.workloads = workloads
        self.locator = locator
        self._all_paths: list[str] | None = None

    @functools.cached_property
    def by_key(self) -> dict[tuple[str, str | None], PricedWorkload]:
        """Workloads by (address, component): made when first asked (with --source-dir,
        .tf or manifest inputs, or waivers)."""
        return {(i.workload.address, i.workload.component): i for i in self.workloads}

    def of(self, found: Finding) -> Place | None:
        return self.at(found.address, found.component)

    def at(self, address: str, component: str | None) -> Place | None:
        item = self.by_key.get((address, component))
        return self.locator.place(item.workload) if item is not None else None

    def all_paths(self) -> list[str]:
        if self._all_paths is None:
            self._all_paths = sorted(
                {p for item in self.workloads for p in self.locator.place(item.workload).paths}
            )
        return self._all_paths


#: Finding's fields, to build a changed finding in one call (dataclasses.replace costs
#: several times that): all read in one C call, the changed ones replaced by position.
_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
_ALL_FIELDS = operator.attrgetter(*_FIELDS)
_POSITION = {name: position for position, name in enumerate(_FIELDS)}


_SORT_KEY = operator.attrgetter("sort_key")


def _rebuilt(found: Finding, changes: dict[str, Any]) -> Finding:
    values = list(_ALL_FIELDS(found))
    for name, value in changes.items():
        values[_POSITION[name]] = value
    return make(*values)


class _Finisher:
    """Builds one rule's findings in their final form (:func:`aicost.policy.context.finding`
    calls it while the engine runs the rule): remediation, link, enforcement, file and line,
    and the gate's decision, in one constructor call. Waivers change the few they cover."""

    def __init__(
        self,
        config: RuleConfig,
        module: RuleModule,
        enforcement: Enforcement,
        places: _Places | None,
        gate: Gate,
    ) -> None:
        self.rule_id = config.id
        self.rule_type = config.type
        self.severity = config.severity
        self.enforcement = enforcement
        # Findings need the remediation and link only: info() would also build the
        # options' JSON Schema, which only the docs and `aicost explain` show.
        self.remediation = config.remediation or module.REMEDIATION
        self.link = config.link or link_of(module)
        self.places = places
        self.gate = gate
        #: (severity, the rule's enforcement for the finding) -> (its enforcement, whether
        #: it fails, why): the same for all of the rule's findings but a budget's warning.
        self.verdicts: dict[tuple[Severity, str | None], tuple[str, bool, str]] = {}
        #: The findings built here and not yet yielded, by id (kept alive meanwhile, so
        #: an id stays theirs).
        self.built: dict[int, Finding] = {}

    def owns(self, found: Finding) -> bool:
        """Whether the rule yields *found* as built here: final (else the engine completes
        it: the same finding, built again)."""
        return self.built.pop(id(found), None) is found

    def verdict(self, severity: Severity, enforcement: str | None) -> tuple[str, bool, str]:
        if enforcement:
            level = Enforcement(enforcement)
        elif severity.rank > self.severity.rank:
            # A rule reporting below its own severity (a budget's early warning) only advises.
            level = Enforcement.ADVISORY
        else:
            level = self.enforcement
        fails, why = self.gate.decide_rule(
            self.rule_id, self.rule_type, severity, level, waived=False
        )
        found = self.verdicts[(severity, enforcement)] = (level.value, fails, why)
        return found

    def build(
        self,
        rule: RuleConfig,
        item: PricedWorkload | None,
        message: str,
        address: str | None,
        component: str | None,
        monthly_saving: Decimal | None,
        monthly_cost: Decimal | None,
        severity: Severity,
        enforcement: str | None,
    ) -> Finding:
        verdict = self.verdicts.get((severity, enforcement)) or self.verdict(severity, enforcement)
        file = line = None
        if item is not None:
            workload = item.workload
            address = address or workload.address
            source = workload.source
            file, line = source.path, source.line
            if monthly_cost is None:
                monthly_cost = item.monthly_cost
        elif not address:
            address = self.rule_id
        if self.places is not None:
            place = self.places.at(address, component)
            if place is not None and place.file:
                file, line = place.file, place.line
        found = make(  # Finding(...) of every field, faster
            self.rule_id,
            self.rule_type,
            severity,
            address,
            message,
            component,
            monthly_saving,
            monthly_cost,
            self.remediation,
            self.link,
            file,
            line,
            verdict[0],
            None,
            verdict[1],
            verdict[2],
            False,
        )
        self.built[id(found)] = found
        return found


def _rule_findings(
    policy: Policy, ctx: CheckContext, places: _Places | None, gate: Gate
) -> list[Finding | _Pending]:
    """Each enabled rule's findings: built final, or, when the rule built one itself, with
    its enforcement and the remediation, link, enforcement, file and line to give it (as
    changes, applied when the finding is built)."""
    raw: list[Finding | _Pending] = []
    for loaded in policy.rules:
        module = loaded.module
        enforcement = policy.enforcement_of(loaded.config)
        finisher = _Finisher(loaded.config, module, enforcement, places, gate)
        with finishing(loaded.config, finisher):
            for found in module.check(loaded.config, ctx):
                if finisher.owns(found):
                    raw.append(found)
                    continue
                place = places.of(found) if places is not None else None
                level = _level(found, loaded.config.severity, enforcement)
                changes: dict[str, Any] = {
                    "remediation": found.remediation or module.REMEDIATION,
                    "link": found.link or finisher.link,
                    "enforcement": level.value,
                }
                if place is not None and place.file:
                    changes["file"] = place.file
                    changes["line"] = place.line
                raw.append((found, level, changes))
    return raw


#: A finding a rule built itself, its enforcement, and the changes it is to be built with.
_Pending = tuple[Finding, Enforcement, dict[str, Any]]


def _completed(
    found: Finding,
    level: Enforcement,
    changes: dict[str, Any],
    waivers: Sequence[Waiver],
    used: set[int],
    today: dt.date,
    policy: Policy,
    workspace: str,
    places: _Places,
    options: EvalOptions,
) -> Finding:
    """A finding a rule built itself (or with an approval), completed in one build."""
    place = places.of(found) if waivers else None
    paths = place.paths if place else ()
    anchors = place.anchors if place else ()
    if waivers or found.waived:  # (with neither, no waiver changes the finding)
        changes.update(
            _apply_waivers(found, level, waivers, used, today, policy, workspace, paths, anchors)
        )
    waiver = changes.get("waiver", found.waiver)
    waived = waiver is not None and not waiver.expired
    fails, why = options.gate.decide(found, level, waived=waived)
    changes["failing"] = fails
    changes["decision"] = why
    return _rebuilt(found, changes)


def _waived(
    found: Finding,
    waivers: Sequence[Waiver],
    used: set[int],
    today: dt.date,
    policy: Policy,
    workspace: str,
    places: _Places,
    options: EvalOptions,
) -> Finding:
    """A final finding, with the waiver that covers it (and the gate's new decision)."""
    assert found.enforcement is not None  # a final finding's
    level = Enforcement(found.enforcement)
    place = places.of(found)
    paths = place.paths if place else ()
    anchors = place.anchors if place else ()
    changes = _apply_waivers(found, level, waivers, used, today, policy, workspace, paths, anchors)
    if not changes:
        return found
    waiver = changes["waiver"]
    fails, why = options.gate.decide(found, level, waived=not waiver.expired)
    changes["failing"] = fails
    changes["decision"] = why
    return _rebuilt(found, changes)


def _waivers(
    policy: Policy, options: EvalOptions, locator: Locator, workloads: Sequence[PricedWorkload]
) -> list[Waiver]:
    """The policy's waivers, then ``--waivers`` files, then inline ``aicost:ignore`` ones."""
    waivers = list(policy.waivers)
    for path in options.waiver_files:
        waivers += load_waiver_file(path, FILE, strict_validate)
    if policy.waiver_settings.inline:
        files = locator.inline_files(workloads)
        if files:  # (a plan without --source-dir has none: its workloads name no .tf file)
            from aicost.policy.inline import scan_file

            for inline_path in files:
                waivers += scan_file(inline_path)
    return waivers


def _source_dir_notes(
    options: EvalOptions, locator: Locator, workloads: Sequence[PricedWorkload]
) -> list[str]:
    if options.source_dir is None or options.source_dir_default or not workloads:
        return []
    sample = [item.workload for item in workloads[:200]]
    if any(locator.place(workload).file for workload in sample):
        return []
    return [
        f"--source-dir {options.source_dir}: none of the plan's resources were found "
        "in its .tf files (is it the root module the plan was made from?)"
    ]


def _stale_waivers(
    waivers: Sequence[Waiver],
    used: set[int],
    policy: Policy,
    workspace: str,
    today: dt.date,
    places: _Places,
) -> list[StaleWaiver]:
    """Waivers that covered no finding (in scope of this check), and why."""
    stale: list[StaleWaiver] = []
    for index, waiver in enumerate(waivers):
        if index in used:
            continue
        if waiver.anchor is None and waiver.kind == "inline":
            stale.append(StaleWaiver(waiver, "not attached to a resource header"))
            continue
        all_paths = places.all_paths() if waiver.paths else ()
        if not waiver.in_scope(workspace, all_paths):
            continue
        stale.append(StaleWaiver(waiver, waiver.invalid(today, policy.waiver_settings)))
    return stale


def _expiring_notes(
    waivers: Sequence[Waiver], used: set[int], today: dt.date, soon: int
) -> list[str]:
    """Notices for waivers in use that expire within *soon* days."""
    notes: list[str] = []
    for index in sorted(used):
        waiver = waivers[index]
        expires = waiver.expires
        if expires is not None and 0 <= (expires - today).days <= soon:
            days = (expires - today).days
            when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            notes.append(
                f"{waiver.label} ({waiver.rule}, owner {waiver.owner or 'not given'}) "
                f"expires {when} ({expires.isoformat()})"
            )
    return notes


def _level(found: Finding, rule_severity: Severity, enforcement: Enforcement) -> Enforcement:
    if found.enforcement:
        return Enforcement(found.enforcement)
    if found.severity.rank > rule_severity.rank:
        # A rule reporting below its own severity (a budget's early warning) only advises.
        return Enforcement.ADVISORY
    return enforcement


def _apply_waivers(
    found: Finding,
    level: Enforcement,
    waivers: Sequence[Waiver],
    used: set[int],
    today: dt.date,
    policy: Policy,
    workspace: str,
    paths: Sequence[str],
    anchors: Sequence[tuple[str, int]],
) -> dict[str, Any]:
    """The changes waivers make to *found*: its waiver reference and message, if any."""
    if found.waived:
        # An approval a rule honours (training-run-cost): like an inline waiver.
        if level is Enforcement.HARD and found.waiver is not None:
            ref = dataclasses.replace(
                found.waiver, expired=True, note="the rule is hard-enforced: approvals do not apply"
            )
            return {"waiver": ref, "message": f"{found.message} ({ref.kind} ignored: {ref.note})"}
        return {}
    settings = policy.waiver_settings
    valid: Waiver | None = None
    rejected: list[tuple[Waiver, str]] = []
    for index, waiver in enumerate(waivers):
        if not waiver.covers(found, workspace=workspace, paths=paths, anchors=anchors):
            continue
        used.add(index)
        problem = waiver.invalid(today, settings)
        if problem is None and not waiver.can_waive(level):
            problem = f"the rule is hard-enforced: {waiver.kind} waivers do not apply"
        if (
            problem is None
            and waiver.kind == "inline"
            and settings.inline_owner_required
            and (not waiver.owner)
        ):
            problem = "inline waivers must name an owner (owner:NAME) under this policy"
        if problem is None:
            if valid is None:
                valid = waiver
        else:
            rejected.append((waiver, problem))
    if valid is not None:
        return {"waiver": valid.ref()}
    if rejected:
        waiver, problem = rejected[0]
        ref = waiver.ref(expired=True, note=problem)
        message = f"{found.message} ({waiver.label} {_past(problem)}; the finding is active)"
        return {"waiver": ref, "message": message}
    return {}


def _past(problem: str) -> str:
    if problem.startswith("expired"):
        return problem
    return f"not applied: {problem}"


def verdict(findings: Sequence[Finding]) -> str:
    return "fail" if any(f.fails for f in findings) else "pass"
