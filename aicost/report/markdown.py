"""``--format markdown``: a pull-request comment (and job summary).

A headline with the verdict and the monthly change (against the base branch when
``--baseline`` is given), the per-project table, the findings grouped by rule with their
remediation, the workloads and what could not be priced in collapsible sections, and the
dated price sources. The whole comment fits GitHub's 65,536-character limit: when it
would not, fewer rows are listed and the comment says so.

Renders from the JSON report document, so ``aicost comment`` can post a report that
another job wrote. Text that comes from the input (addresses, tag values, messages) is
escaped: a comment never carries markup, mentions or HTML from a pull request's files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aicost import __version__
from aicost.core.money import usd
from aicost.document.read import money
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v

MARKER = "<!-- aicost-report -->"
#: GitHub refuses comment bodies longer than this (422 "Body is too long").
MAX_CHARS = 65_536

_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def marker(tag: str | None = None) -> str:
    """The hidden line that identifies aicost's comment (one per tag)."""
    if not tag:
        return MARKER
    safe = re.sub(r"[^A-Za-z0-9_.:/=-]", "-", tag)[:100]
    return f"<!-- aicost-report tag={safe} -->"


@dataclass(frozen=True)
class _Records:
    """The workload records the sections show: all of them, or (from a check result with
    more workloads than rows) only the largest changes and the unpriced ones."""

    count: int
    unpriced: list[Mapping[str, Any]]
    with_base: bool
    #: Every record, in report order; None when only the largest changes were built.
    every: list[Mapping[str, Any]] | None
    #: The largest changes, largest first (when not every record was built).
    ranked: list[Mapping[str, Any]]

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> _Records:
        items = v.resources(document)
        return cls(
            count=len(items),
            unpriced=[r for r in items if not r.get("priced")],
            with_base=any(r.get("baseline_monthly_cost") is not None for r in items),
            every=items,
            ranked=[],
        )

    def largest(self, limit: int) -> list[Mapping[str, Any]]:
        """``view.largest_first`` of every record (the ranked ones are its first *limit*
        for any limit up to the number built, as the count is larger)."""
        if self.every is not None:
            return v.largest_first(self.every, limit)
        return self.ranked[:limit]


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build, has_baseline_costs, largest_changes

    limit = options.max_rows if options.max_rows > 0 else 10**9
    items = result.workloads
    if len(items) <= limit:
        return render_document(build(result), options)
    # Thousands of workloads, a table of the largest changes: only their records (and the
    # unpriced ones, all listed) are built.
    listed = largest_changes(result, limit)
    unpriced = [i for i, item in enumerate(items) if not item.priced]
    wanted = sorted({*listed, *unpriced})
    document = inert.tree(build(result, only=[items[i] for i in wanted]))
    built = dict(zip(wanted, v.resources(document), strict=True))
    shown = _Records(
        count=len(items),
        unpriced=[built[i] for i in unpriced],
        with_base=has_baseline_costs(result),
        every=None,
        ranked=[built[i] for i in listed],
    )
    return _fitted(document, options, None, shown)


def render_document(
    document: Mapping[str, Any], options: RenderOptions, *, tag: str | None = None
) -> str:
    """The comment body, at most :data:`MAX_CHARS` characters."""
    document = inert.tree(document)  # input strings: control characters made visible
    return _fitted(document, options, tag, _Records.of(document))


def _fitted(
    document: Mapping[str, Any], options: RenderOptions, tag: str | None, records: _Records
) -> str:
    limit = options.max_rows if options.max_rows > 0 else 10**9
    while True:
        text = _render(document, limit, tag, records)
        if len(text) <= MAX_CHARS or limit <= 1:
            break
        limit = max(1, min(limit, records.count + len(v.findings(document))) // 2)
    if len(text) > MAX_CHARS:  # very long warnings or messages: cut at a line boundary
        note = "\n\n_… truncated to fit a GitHub comment; see the JSON report._\n"
        cut = text.rfind("\n", 0, MAX_CHARS - len(note) - 16)
        text = text[: max(cut, 0)]
        if text.count("<details>") > text.count("</details>"):
            text += "\n</details>"
        text += note
    return text


# --------------------------------------------------------------------------- escaping


#: Rule documentation links that are shown as links: https, no spaces, quotes or brackets.
_SAFE_LINK = re.compile(r"^https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/#%=?&+-]*)?$")


def escape(text: Any) -> str:
    """Plain text safe in Markdown: no HTML, no mentions, no links, no table breaks, one line."""
    return inert.text(text)


def code(text: Any) -> str:
    """An inline code span for *text* (addresses, paths), safe inside a table."""
    return inert.code(text)


# --------------------------------------------------------------------------- sections


def _render(document: Mapping[str, Any], limit: int, tag: str | None, records: _Records) -> str:
    summary = v.summary(document)
    verdict = str(document.get("verdict") or "pass")
    icon = "❌" if verdict == "fail" else "✅"
    delta = v.headline_delta(document)
    lines = [
        marker(tag),
        f"### {icon} aicost: {verdict} · {usd(delta, signed=True)}/month"
        f"{v.unpriced_note(document)}",
        "",
    ]
    workloads = int(summary.get("workloads") or 0)
    unpriced = int(summary.get("unpriced") or 0)
    sentence = (
        f"Projected monthly AI spend **{v.amount(summary.get('monthly_cost'))}** "
        f"(was {v.amount(summary.get('prior_monthly_cost'))}) across "
        f"{v.plural(workloads, 'workload')}"
    )
    if unpriced:
        sentence += f", **{unpriced} unpriced** (not counted)"
    lines += [sentence + ".", ""]
    baseline = document.get("baseline")
    if isinstance(baseline, dict):
        unchanged = sum(
            1
            for p in baseline.get("projects") or ()
            if isinstance(p, dict) and p.get("status") == "unchanged"
        )
        lines += [
            "Compared with the base branch: all workspaces together go from "
            f"**{v.amount(baseline.get('monthly_cost'))}** to "
            f"**{v.amount(baseline.get('monthly_cost_after'))}** per month "
            f"({v.amount(baseline.get('delta_monthly_cost'), signed=True)})"
            + (f"; {v.plural(unchanged, 'workspace')} not changed here" if unchanged else "")
            + ".",
            "",
        ]
    lines += _projects(document)
    lines += _findings(document, limit)
    lines += _workloads(records, limit)
    lines += _unpriced(records, limit)
    lines += _removed(document, limit)
    lines += _warnings(document, limit)
    policy = document.get("policy") if isinstance(document.get("policy"), dict) else {}
    lines.append(
        f"<sub>Prices: {escape(v.pricing_dates(document))} · policy "
        f"{escape(policy.get('name') if policy else '?')} · "
        f"{escape(summary.get('hours_per_month') or 730)} h/month · aicost {__version__}</sub>"
    )
    return "\n".join(lines) + "\n"


def _projects(document: Mapping[str, Any]) -> list[str]:
    projects = [p for p in document.get("projects") or () if isinstance(p, dict)]
    baseline = document.get("baseline")
    compared: dict[str, Mapping[str, Any]] = {}
    if isinstance(baseline, dict):
        compared = {
            str(p.get("key")): p for p in baseline.get("projects") or () if isinstance(p, dict)
        }
    if len(projects) < 2 and not compared:
        return []
    errors = _errors_by_project(document)
    header = "| Project | Workloads | Monthly | Change |"
    rule = "|---|---:|---:|---:|"
    if compared:
        header += " vs base |"
        rule += "---:|"
    header += " Errors |"
    rule += "---:|"
    lines = ["#### Projects", "", header, rule]
    for project in projects:
        key = str(project.get("key"))
        row = [
            code(key),
            str(project.get("workloads", 0)),
            v.amount(project.get("monthly_cost")),
            v.amount(project.get("delta_monthly_cost"), signed=True),
        ]
        if compared:
            row.append(_versus_base(compared.get(key)))
        row.append(str(errors.get(key, 0)))
        lines.append("| " + " | ".join(row) + " |")
    unchanged = [p for p in compared.values() if p.get("status") == "unchanged"]
    if unchanged:
        total = sum((money(p.get("monthly_cost")) or Decimal(0) for p in unchanged), Decimal(0))
        lines.append(
            f"| {v.plural(len(unchanged), 'other workspace')} (base branch) | | "
            f"{usd(total)} | | $0.00 | |"
        )
    return [*lines, ""]


def _errors_by_project(document: Mapping[str, Any]) -> dict[str, int]:
    """Unwaived error findings per project key."""
    errors: dict[str, int] = {}
    for found in v.findings(document):
        if found.get("severity") == "error" and not v.waived(found):
            key = str(found.get("project"))
            errors[key] = errors.get(key, 0) + 1
    return errors


def _versus_base(other: Mapping[str, Any] | None) -> str:
    """A project's change against the base branch: new, a signed amount, or -."""
    if other is not None and other.get("status") == "added":
        return "new"
    return v.amount(other.get("delta_monthly_cost"), signed=True) if other else "-"


def _findings(document: Mapping[str, Any], limit: int) -> list[str]:
    found = v.findings(document)
    active = [f for f in found if not v.waived(f)]
    silenced = [f for f in found if v.waived(f)]
    if not found:
        return []
    counts = v.severity_counts(active)
    head = ", ".join(
        f"{v.plural(counts[s], s)}" for s in ("error", "warning", "info") if counts.get(s)
    )
    lines = ["#### Findings", ""]
    if head:
        lines += [f"**{head}**" + (f" ({len(silenced)} waived)" if silenced else ""), ""]
    shown = 0
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for item in active:
        groups.setdefault(str(item.get("rule")), []).append(item)
    for rule, items in groups.items():
        lines += _rule_head(rule, items)
        for item in items:
            if shown >= limit:
                break
            shown += 1
            lines.append(_finding_line(item))
        lines.append("")
    if shown < len(active):
        lines += [f"_… and {len(active) - shown} more findings (see the JSON report)._", ""]
    lines += _waived(silenced, limit)
    lines += _stale(document, limit)
    return lines


def _rule_head(rule: str, items: list[Mapping[str, Any]]) -> list[str]:
    """One rule's heading line (severity, title, count, gate), its fix, and a blank line."""
    first = items[0]
    severity = str(first.get("severity"))
    title, _doc = v.rule_info(str(first.get("type")))
    gate = "fails the check" if any(i.get("fails") for i in items) else "reported only"
    old = sum(1 for i in items if i.get("new") is False)
    if old:
        gate += f" · {old} already in the base branch"
    lines = [
        f"**{_ICON.get(severity, '')} {code(rule)}** · {escape(title)} · "
        f"{escape(v.plural(len(items), severity))} · {gate}"
    ]
    remediation = first.get("remediation")
    link = first.get("link")
    if remediation or link:
        fix = f"> **Fix:** {escape(remediation)}" if remediation else ">"
        if isinstance(link, str) and _SAFE_LINK.match(link):
            fix += f" [Rule docs]({link})"
        lines.append(fix)
    lines.append("")
    return lines


def _finding_line(item: Mapping[str, Any]) -> str:
    saving = money(item.get("monthly_saving"))
    where = v.where(item) if item.get("line") else None  # a plan has no lines
    return (
        f"- {code(v.label(item))}"
        + (f" ({code(where)})" if where else "")
        + f": {escape(item.get('message'))}"
        + (f" · saves **{usd(saving)}/month**" if saving else "")
    )


def _waived(silenced: list[Mapping[str, Any]], limit: int) -> list[str]:
    """The waived findings, folded away."""
    if not silenced:
        return []
    lines = [f"<details><summary>Waived ({len(silenced)})</summary>", ""]
    for item in silenced[:limit]:
        waiver = item.get("waiver") or {}
        lines.append(
            f"- {code(item.get('rule'))} {code(v.label(item))}: "
            f"{escape(waiver.get('reason'))} (owner {escape(waiver.get('owner'))}, "
            f"until {escape(waiver.get('expires'))})"
        )
    return [*lines, "", "</details>", ""]


def _stale(document: Mapping[str, Any], limit: int) -> list[str]:
    """Waivers that silenced nothing (so they can be removed), and policy notices."""
    stale = [s for s in document.get("stale_waivers") or () if isinstance(s, dict)]
    notes = [str(n) for n in document.get("policy_notes") or ()]
    lines: list[str] = []
    if stale:
        lines += [f"<details><summary>Stale waivers ({len(stale)})</summary>", ""]
        for item in stale[:limit]:
            lines.append(
                f"- {code(item.get('rule'))} from {escape(item.get('source'))} "
                f"(owner {escape(item.get('owner'))}): {escape(item.get('note'))}"
            )
        lines += ["", "</details>", ""]
    if notes:
        lines += [f"- {escape(note)}" for note in notes[:limit]] + [""]
    return lines


def _unit_costs(items: Sequence[Mapping[str, Any]]) -> list[str]:
    """Per run, per 1,000 requests and tokens, and at max replicas, for workloads that have them."""
    lines = [
        f"- {code(v.label(item))}: {', '.join(escape(p) for p in parts)}"
        for item in items
        if (parts := v.unit_cost_parts(item))
    ]
    return ["**Unit costs**", "", *lines, ""] if lines else []


def _workloads(records: _Records, limit: int) -> list[str]:
    if not records.count:
        return ["No AI workloads found.", ""]
    shown = records.largest(limit)
    with_base = records.with_base
    title = f"Workloads ({records.count}"
    title += f"; the {len(shown)} largest changes)" if len(shown) < records.count else ")"
    lines = [f"<details><summary>{title}</summary>", ""]
    header = "| Resource | Change | Class | Instance | GPUs | Nodes | Purchase | Monthly | Delta |"
    rule = "|---|---|---|---|---:|---:|---|---:|---:|"
    if with_base:
        header += " Base |"
        rule += "---:|"
    lines += [header, rule]
    for item in shown:
        name, *cells = v.workload_cells(item)
        row = [
            code(name),
            *(escape(cell) for cell in cells),
            v.amount(item.get("monthly_cost")),
            v.amount(item.get("delta_monthly_cost"), signed=True, unpriced="unpriced"),
        ]
        if with_base:
            row.append(v.amount(item.get("baseline_monthly_cost"), unpriced="-"))
        lines.append("| " + " | ".join(row) + " |")
    if len(shown) < records.count:
        lines += ["", f"{records.count - len(shown)} more workloads are in the JSON report."]
    return [*lines, "", *_unit_costs(shown), "</details>", ""]


def _unpriced(records: _Records, limit: int) -> list[str]:
    items = records.unpriced
    if not items:
        return []
    lines = [f"<details><summary>Unpriced ({len(items)}), not counted</summary>", ""]
    lines += [
        f"- {code(v.label(r))}: {escape(r.get('unpriced_reason') or 'no price found')}"
        for r in items[:limit]
    ]
    if len(items) > limit:
        lines.append(f"- … and {len(items) - limit} more")
    return [*lines, "", "</details>", ""]


def _removed(document: Mapping[str, Any], limit: int) -> list[str]:
    baseline = document.get("baseline")
    if not isinstance(baseline, dict):
        return []
    items = [r for r in baseline.get("removed_resources") or () if isinstance(r, dict)]
    if not items:
        return []
    lines = [f"<details><summary>Gone since the base branch ({len(items)})</summary>", ""]
    lines += [
        f"- {code(r.get('project'))} {code(v.label(r))}: {v.amount(r.get('monthly_cost'))}/month"
        for r in items[:limit]
    ]
    return [*lines, "", "</details>", ""]


def _warnings(document: Mapping[str, Any], limit: int) -> list[str]:
    items: Sequence[Any] = document.get("warnings") or ()
    if not items:
        return []
    lines = [f"<details><summary>Warnings ({len(items)})</summary>", ""]
    lines += [f"- {escape(w)}" for w in list(items)[:limit]]
    if len(items) > limit:
        lines.append(f"- … and {len(items) - limit} more")
    return [*lines, "", "</details>", ""]
