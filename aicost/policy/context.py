"""What a rule sees when it runs: the priced workloads and a pricer for what-ifs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from aicost.core.model import Deployment, PricedWorkload, Workload
from aicost.cost.projection import Pricer
from aicost.policy.finding import Finding, WaiverRef
from aicost.policy.schema import Commitment, RuleConfig, Severity

DOCS_URL = "https://github.com/aicost/aicost/blob/main/docs/rules.md"


class RuleModule(Protocol):
    """The shape of a rule module (see ``aicost/policy/rules/``)."""

    TYPE: str
    TITLE: str
    REMEDIATION: str

    @property
    def Config(self) -> type[RuleConfig]: ...

    # ``rule`` is the module's own Config subclass.
    def check(self, rule: Any, ctx: CheckContext) -> Iterator[Finding]: ...


@dataclass(frozen=True)
class Place:
    """Where a workload is declared, as far as aicost can tell."""

    #: Paths for ``paths:`` globs: the input file and the ``.tf`` files that declare it.
    paths: tuple[str, ...]
    #: (real path, line) of each header that declares it (module calls, then the resource):
    #: inline waivers attached to one of these apply.
    found_anchors: tuple[tuple[str, int], ...] = ()
    #: The file and line to report, when better than the input's.
    file: str | None = None
    line: int | None = None
    #: A ``.tf`` or YAML input declaring the workload at ``line``: its anchors are found
    #: when first asked (only waivers read them; most runs have none).
    declared: str | None = None

    @functools.cached_property
    def anchors(self) -> tuple[tuple[str, int], ...]:
        if self.declared is None or self.line is None:
            return self.found_anchors
        from aicost.policy.inline import content_line, document_start, real

        located = real(self.declared)
        anchor = (located, content_line(self.declared, self.line, located))
        # A YAML object's header too: a comment above `apiVersion:` when it is reported
        # at its `kind:` line.
        start = (located, document_start(self.declared, self.line, located))
        return (anchor, start) if start != anchor else (anchor,)


class Locator:
    """Finds where workloads are declared: their source file, or with ``--source-dir`` the
    ``.tf`` file and line behind a plan address (see :mod:`aicost.policy.inline`)."""

    def __init__(self, source_dir: Path | None = None) -> None:
        self.source_dir = source_dir
        self.index = None
        if source_dir is not None:
            from aicost.policy.inline import SourceIndex  # waivers are read where declared

            self.index = SourceIndex(source_dir)
        self._places: dict[tuple[str, str, int | None], Place] = {}

    def place(self, workload: Workload) -> Place:
        key = (workload.address, workload.source.path, workload.source.line)
        found = self._places.get(key)
        if found is None:
            found = self._places[key] = self._find(workload)
        return found

    def _find(self, workload: Workload) -> Place:
        from aicost.core.projects import display, real

        source = workload.source
        paths = [display(source.path)]
        if source.path != paths[0]:
            paths.append(source.path)
        declared = source.path.lower().endswith((".tf", ".yaml", ".yml"))
        if declared and source.line is not None:
            return Place(tuple(paths), (), paths[0], source.line, declared=source.path)
        if self.index is None:
            return Place(tuple(paths))
        blocks = self.index.locate(workload.address)
        for block in blocks:
            if block.path not in paths:
                paths.append(block.path)
        anchors = tuple((real(b.path), b.line) for b in blocks)
        last = blocks[-1] if blocks and blocks[-1].kind != "module" else None
        return Place(
            tuple(paths), anchors, last.path if last else None, last.line if last else None
        )

    def inline_files(self, workloads: Sequence[PricedWorkload]) -> list[str]:
        """Files whose ``aicost:ignore`` comments apply in this run."""
        paths = dict.fromkeys(item.workload.source.path for item in workloads)
        files = {path: None for path in paths if path.lower().endswith((".tf", ".yaml", ".yml"))}
        if self.index is not None:
            for path in self.index.all_files():
                files[path] = None
        return list(files)


#: A workload with an AI side, for sums over a change: (item, workload, its prior and its
#: planned side when they run AI (else None), monthly cost after and before, label, project).
ChangeRow = tuple[
    PricedWorkload,
    Workload,
    Deployment | None,
    Deployment | None,
    Decimal | None,
    Decimal | None,
    str,
    str,
]


@dataclass
class CheckContext:
    workloads: Sequence[PricedWorkload]
    pricer: Pricer
    #: The Terraform workspace (``--workspace``, ``TF_WORKSPACE``, else ``default``).
    workspace: str = "default"
    locator: Locator = field(default_factory=Locator)
    #: The policy's commitments inventory (reserved instances, savings plans, CUDs).
    commitments: Sequence[Commitment] = ()
    #: The date waivers and commitments are judged on.
    today: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
    #: Month-to-date actual spend (``--actuals``, a spend snapshot) for budgets, or None.
    actuals: Any = None
    _empty: dict[int, bool] = field(default_factory=dict, repr=False, compare=False)
    _keep: list[Any] = field(default_factory=list, repr=False, compare=False)
    #: The AI workloads that exist after the change, for rules that match everything.
    _all_targets: list[tuple[PricedWorkload, Deployment]] | None = field(
        default=None, repr=False, compare=False
    )
    _change_rows: list[ChangeRow] | None = field(default=None, repr=False, compare=False)

    def matches(self, rule: RuleConfig, workload: Workload, deployment: Deployment) -> bool:
        if self._selects_all(rule):
            return True
        match = rule.match
        paths = self.locator.place(workload).paths if match.paths else ()
        return match.matches(workload, deployment, workspace=self.workspace, paths=paths)

    def matcher(self, rule: RuleConfig) -> Callable[[Workload, Deployment], bool] | None:
        """``matches`` for *rule* as one callable, or None when the rule selects every
        workload (asked once per rule, then per workload)."""
        if self._selects_all(rule):
            return None
        match = rule.match
        if not match.source_conditions:  # tags, classes, clouds, regions only
            return lambda _workload, deployment: match.deployment_matches(deployment)
        return functools.partial(self.matches, rule)

    def all_targets(self) -> list[tuple[PricedWorkload, Deployment]]:
        """Every AI workload that still exists after the change, with its planned side."""
        if self._all_targets is None:
            self._all_targets = [
                (item, planned)
                for item in self.workloads
                if (planned := item.workload.planned) is not None and planned.ai is True
            ]
        return self._all_targets

    def targets(self, rule: RuleConfig) -> Iterator[tuple[PricedWorkload, Deployment]]:
        """AI workloads that still exist after the change and that the rule's match selects.

        Deleted resources are never flagged; non-AI resources never reach a rule.
        """
        matches = self.matcher(rule)
        if matches is None:  # most rules: the same list, made once
            return iter(self.all_targets())
        return iter([pair for pair in self.all_targets() if matches(pair[0].workload, pair[1])])

    def _selects_all(self, rule: RuleConfig) -> bool:
        """Whether the rule's match is empty (it selects every workload)."""
        match = rule.match
        empty = self._empty.get(id(match))
        if empty is None:  # asked per rule and workload
            empty = self._empty[id(match)] = match.empty
            self._keep.append(match)  # the id stays this match's while the context lives
        return empty

    def sides(self, rule: RuleConfig) -> Iterator[tuple[PricedWorkload, bool, bool]]:
        """Every AI workload with whether its prior and its planned side match the rule.

        For totals over a change (budgets' deltas, the change cap): a deleted or
        re-tagged workload counts on the side where it matches.
        """
        matches = self.matcher(rule)
        for row in self.change_rows():
            item, workload, prior, planned = row[0], row[1], row[2], row[3]
            prior_matches = prior is not None and (matches is None or matches(workload, prior))
            planned_matches = planned is not None and (
                matches is None or matches(workload, planned)
            )
            if prior_matches or planned_matches:
                yield item, prior_matches, planned_matches

    def change_rows(self) -> list[ChangeRow]:
        """Every workload with an AI side, once for all the rules that sum a change."""
        if self._change_rows is None:
            rows: list[ChangeRow] = []
            for item in self.workloads:
                workload = item.workload
                prior, planned = workload.prior, workload.planned
                prior = prior if prior is not None and prior.ai is True else None
                planned = planned if planned is not None and planned.ai is True else None
                if prior is None and planned is None:
                    continue
                rows.append(
                    (
                        item,
                        workload,
                        prior,
                        planned,
                        item.monthly_cost,
                        item.prior_monthly_cost,
                        workload.label,
                        workload.project,
                    )
                )
            self._change_rows = rows
        return self._change_rows


class Finisher(Protocol):
    """Builds a rule's findings in their final form (the policy engine's, see
    :func:`finishing`): remediation, link, enforcement, file and line, and the gate's
    decision, in one constructor call per finding."""

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
    ) -> Finding: ...


#: The rule being evaluated and the finisher of its findings (set by the engine).
_FINISHING: ContextVar[tuple[RuleConfig, Finisher] | None] = ContextVar(
    "aicost_policy_finishing", default=None
)


@contextmanager
def finishing(rule: RuleConfig, finisher: Finisher) -> Iterator[None]:
    """While the engine runs *rule*, :func:`finding` builds its findings with *finisher*."""
    token = _FINISHING.set((rule, finisher))
    try:
        yield
    finally:
        _FINISHING.reset(token)


def finding(
    rule: RuleConfig,
    item: PricedWorkload | None,
    message: str,
    *,
    address: str | None = None,
    monthly_saving: Decimal | None = None,
    monthly_cost: Decimal | None = None,
    severity: Severity | None = None,
    enforcement: str | None = None,
    whole: bool = False,
    waiver: WaiverRef | None = None,
) -> Finding:
    """A finding of *rule* about *item* (or about *address*, for budgets).

    The engine fills in the rule module's default remediation and documentation link, and
    the enforcement. A rule that reports a finding below its own severity (a budget's early
    warning) passes *severity*; such a finding is advisory unless *enforcement* says more.
    *whole*: about the whole resource, not the item's component (a job's roles). *waiver*:
    an approval the rule honours.

    While the engine evaluates *rule*, the finding is built in its final form at once;
    otherwise (a rule called on its own) the engine completes it later.
    """
    workload = item.workload if item is not None else None
    component = workload.component if workload is not None and not whole else None
    current = _FINISHING.get()
    if current is not None and current[0] is rule and waiver is None:
        return current[1].build(
            rule,
            item,
            message,
            address,
            component,
            monthly_saving,
            monthly_cost,
            severity or rule.severity,
            enforcement,
        )
    return Finding(
        rule=rule.id,
        type=rule.type,
        severity=severity or rule.severity,
        enforcement=enforcement,
        address=address or (workload.address if workload else rule.id),
        component=component,
        message=message,
        monthly_saving=monthly_saving,
        monthly_cost=monthly_cost
        if monthly_cost is not None
        else (item.monthly_cost if item else None),
        remediation=rule.remediation,
        link=rule.link,
        file=workload.source.path if workload else None,
        line=workload.source.line if workload else None,
        waiver=waiver,
    )
