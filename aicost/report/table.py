"""``--format table`` (default): a rich table of workloads, the findings and the verdict."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from aicost.core.money import usd
from aicost.document.build import build
from aicost.pipeline import CheckResult
from aicost.policy.reporting import counts, stale_text, waiver_text, where
from aicost.report import RenderOptions
from aicost.report import view as v

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(result: CheckResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        width=options.width or 140,
        highlight=False,
        markup=False,
        emoji=False,
    )
    document = build(result)
    resources = v.resources(document)
    shown = _workloads(console, result, resources, options)
    _unit_costs(console, shown)
    _unpriced(console, resources)
    _findings(console, result, options)
    _waived(console, result, options)
    _stale_and_notes(console, result)
    _totals(console, result, document)
    return buffer.getvalue()


def _workloads(
    console: Console,
    result: CheckResult,
    resources: list[Mapping[str, Any]],
    options: RenderOptions,
) -> list[Mapping[str, Any]]:
    table = Table(title="AI workloads", title_justify="left", expand=False)
    table.add_column("Resource", overflow="fold")
    table.add_column("Change")
    table.add_column("Class")
    table.add_column("Instance")
    table.add_column("GPUs", justify="right")
    table.add_column("Nodes", justify="right")
    table.add_column("Purchase")
    table.add_column("Monthly", justify="right")
    table.add_column("Delta", justify="right")
    shown = v.largest_first(resources, options.max_rows)
    for item in shown:
        monthly = item.get("monthly_cost")
        table.add_row(
            *v.workload_cells(item),
            Text(v.amount(monthly), style="magenta" if monthly is None else ""),
            v.amount(item.get("delta_monthly_cost"), signed=True),
        )
    if result.workloads:
        console.print(table)
        if len(shown) < len(result.workloads):
            console.print(
                f"… {len(result.workloads) - len(shown)} more workloads not shown: the table "
                f"lists the {len(shown)} largest changes (unpriced first). "
                "Use --max-rows 0 or --format json."
            )
    else:
        console.print("No AI workloads found.")

    return shown


def _unit_costs(console: Console, shown: list[Mapping[str, Any]]) -> None:
    per_unit = [
        f"{v.label(item)}: {', '.join(parts)}"
        for item in shown
        if (parts := v.unit_cost_parts(item))
    ]
    if per_unit:
        console.print()
        console.print("Unit costs:")
        for line in per_unit:
            console.print(f"  {line}")


def _unpriced(console: Console, resources: list[Mapping[str, Any]]) -> None:
    unpriced = [r for r in resources if not r.get("priced")]
    if unpriced:
        console.print()
        console.print(f"Unpriced ({len(unpriced)}), not counted in the totals:")
        for entry in unpriced:
            console.print(f"  {v.label(entry)}: {entry.get('unpriced_reason')}")


def _findings(console: Console, result: CheckResult, options: RenderOptions) -> None:
    active = result.active_findings
    if active:
        console.print()
        findings = Table(title="Findings", title_justify="left")
        findings.add_column("Severity")
        findings.add_column("Gate")
        findings.add_column("Rule")
        findings.add_column("Resource", overflow="fold")
        findings.add_column("Message", overflow="fold")
        findings.add_column("Saving/mo", justify="right")
        listed = active if options.max_rows <= 0 else active[: options.max_rows]
        for found in listed:
            findings.add_row(
                Text(found.severity.value, style=_SEVERITY_STYLE[found.severity.value]),
                Text("fails", style="bold red") if found.fails else Text("reports"),
                found.rule,
                found.address
                + (f" ({found.component})" if found.component else "")
                + (f"\n{place}" if (place := where(found)) else ""),
                found.message,
                usd(found.monthly_saving, unpriced="-"),
            )
        console.print(findings)
        hidden = active[len(listed) :]
        if hidden:
            by_severity = Counter(f.severity.value for f in hidden)
            counted = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items()))
            console.print(f"… {len(hidden)} more findings not shown ({counted}). Use --max-rows 0.")


def _waived(console: Console, result: CheckResult, options: RenderOptions) -> None:
    waived = result.waived_findings
    if waived and options.show_waived:
        console.print()
        table_w = Table(title="Waived findings", title_justify="left")
        table_w.add_column("Rule")
        table_w.add_column("Resource", overflow="fold")
        table_w.add_column("Message", overflow="fold")
        table_w.add_column("Waiver", overflow="fold")
        for found in waived:
            table_w.add_row(
                found.rule,
                found.address + (f" ({found.component})" if found.component else ""),
                found.message,
                waiver_text(found.waiver) if found.waiver else "",
            )
        console.print(table_w)
    elif waived:
        console.print()
        console.print(
            f"{len(waived)} waived finding{'s' if len(waived) != 1 else ''} not shown "
            "(--show-waived lists them)."
        )


def _stale_and_notes(console: Console, result: CheckResult) -> None:
    if result.stale_waivers:
        console.print()
        console.print(f"Stale waivers ({len(result.stale_waivers)}):")
        for stale in result.stale_waivers:
            console.print(f"  {stale_text(stale)}")
    for note in result.policy_notes:
        console.print(f"Note: {note}")


def _totals(console: Console, result: CheckResult, document: Mapping[str, Any]) -> None:
    summary = result.summary
    other = sum(result.non_ai.values())
    console.print()
    console.print(
        f"Monthly cost: {usd(summary.monthly_cost)}  "
        f"(prior {usd(summary.prior_monthly_cost)}, "
        f"delta {usd(summary.delta_monthly_cost, signed=True)}) "
        f"over {summary.priced} priced workload{'s' if summary.priced != 1 else ''}"
        + (f"; {summary.unpriced} unpriced" if summary.unpriced else "")
        + (f"; {other} non-AI resources skipped" if other else "")
    )
    prices = v.pricing_dates(document)
    console.print(f"Prices: {prices}; {summary.hours_per_month} hours/month")
    console.print(f"Policy: {result.policy.name} ({result.policy.origin})")
    verdict = Text(
        f"Verdict: {result.verdict.upper()}",
        style="bold red" if result.verdict == "fail" else "bold green",
    )
    verdict.append(f"  ({counts(result.findings, result.gate)})", style="")
    console.print(verdict)
