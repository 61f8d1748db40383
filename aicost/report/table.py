"""``--format table`` (default): a rich table of workloads, the findings and the verdict.

In a terminal the table fits its width: the least useful columns are dropped first (change,
class, nodes, purchase option, GPUs, instance), then the resource names are shortened; the
amounts are never cut and no row wraps. Findings that do not fit a table are listed, one
finding per item. Piped (``options.plain``), the layout is plain: no box, no width limit,
one line per row, nothing cut.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aicost.core.money import usd
from aicost.core.sensitive import redact
from aicost.document.build import largest_changes, records
from aicost.pipeline import CheckResult
from aicost.policy.finding import Finding
from aicost.policy.reporting import counts, stale_text, waiver_text, where
from aicost.report import RenderOptions, inert
from aicost.report import view as v
from aicost.report.fit import Cell, Column, fit

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(result: CheckResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    width = options.width or shutil.get_terminal_size((100, 24)).columns
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        width=100_000 if options.plain else max(width, 40),
        highlight=False,
        markup=False,
        emoji=False,
    )
    shown, unpriced, document = _records(result, options.max_rows)
    _workloads(console, result, shown, options)
    _unit_costs(console, shown)
    _unpriced(console, unpriced)
    _findings(console, result, options)
    _waived(console, result, options)
    _stale_and_notes(console, result)
    _totals(console, result, document)
    return buffer.getvalue()


def _clean(result: CheckResult, value: object) -> str:
    """A string from the result (not the document): masked and made visible too."""
    return inert.controls(redact(str(value), result.secrets))


def _records(
    result: CheckResult, limit: int
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]], Mapping[str, Any]]:
    """The report records of the workloads the table lists (the *limit* largest changes, as
    :func:`view.largest_first` picks them) and of the unpriced ones, and the document
    holding them and the pricing section. Only those records are built: a plan of
    thousands of workloads shows fifty."""
    items = result.workloads
    positions = range(len(items))
    listed = list(positions)
    if 0 < limit < len(items):
        listed = largest_changes(result, limit)
    unpriced = [i for i in positions if not items[i].priced]
    wanted = sorted({*listed, *unpriced})
    # Input strings: secrets masked (by records) and control characters made visible.
    document = inert.tree(records(result, [items[i] for i in wanted]))
    built = dict(zip(wanted, v.resources(document), strict=True))
    return [built[i] for i in listed], [built[i] for i in unpriced], document


def _workloads(
    console: Console, result: CheckResult, shown: list[Mapping[str, Any]], options: RenderOptions
) -> None:
    columns = [
        Column("Resource", shrink_to=16, prefer=32),
        Column("Change", drop=6),
        Column("Class", drop=5),
        Column("Instance", drop=1),
        Column("GPUs", justify="right", drop=2),
        Column("Nodes", justify="right", drop=4),
        Column("Purchase", drop=3),
        Column("Monthly", justify="right"),
        Column("Delta", justify="right"),
    ]
    for item in shown:
        monthly = item.get("monthly_cost")
        row: list[Cell] = [
            *v.workload_cells(item),
            Text(v.amount(monthly), style="magenta" if monthly is None else ""),
            v.amount(item.get("delta_monthly_cost"), signed=True),
        ]
        for column, cell in zip(columns, row, strict=True):
            column.cells.append(cell)
    if result.workloads:
        if options.plain:
            console.print("AI workloads")
        _print_table(console, "AI workloads", columns, options.plain)
        if len(shown) < len(result.workloads):
            console.print(
                f"… {len(result.workloads) - len(shown)} more workloads not shown: the table "
                f"lists the {len(shown)} largest changes (unpriced first). "
                "Use --max-rows 0 or --format json."
            )
    else:
        console.print("No AI workloads found.")


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


def _unpriced(console: Console, unpriced: list[Mapping[str, Any]]) -> None:
    if unpriced:
        console.print()
        console.print(f"Unpriced ({len(unpriced)}), not counted in the totals:")
        for entry in unpriced:
            console.print(f"  {v.label(entry)}: {entry.get('unpriced_reason')}")


def _findings(console: Console, result: CheckResult, options: RenderOptions) -> None:
    active = result.active_findings
    if active:
        console.print()
        listed = active if options.max_rows <= 0 else active[: options.max_rows]
        _findings_layout(console, result, listed, options.plain)
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
                _clean(result, found.rule),
                _clean(
                    result, found.address + (f" ({found.component})" if found.component else "")
                ),
                _clean(result, found.message),
                _clean(result, waiver_text(found.waiver)) if found.waiver else "",
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
            console.print(f"  {_clean(result, stale_text(stale))}")
    for note in result.policy_notes:
        console.print(f"Note: {_clean(result, note)}")
    for warning in result.warnings:
        console.print(f"Warning: {_clean(result, warning)}")


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
    console.print(
        f"Policy: {_clean(result, result.policy.name)} ({_clean(result, result.policy.origin)})"
    )
    verdict = Text(
        f"Verdict: {result.verdict.upper()}",
        style="bold red" if result.verdict == "fail" else "bold green",
    )
    verdict.append(f"  ({counts(result.findings, result.gate)})", style="")
    console.print(verdict)


def _print_table(console: Console, title: str, columns: list[Column], plain: bool) -> None:
    """Print a table of *columns*: piped, written as rich writes a boxless table (below)."""
    # (rich writes no escape codes, not even bold, without a colour system)
    text = plain_table(columns, console.width) if plain and console.color_system is None else None
    if text is None:
        console.print(_table(title, columns, console.width, plain))
    else:
        console.file.write(text)


def plain_table(columns: Sequence[Column], width: int) -> str | None:
    """The lines rich draws for :func:`_table` when *plain* (no box, no edge padding): each
    cell padded to its column's width as it justifies, two spaces between columns. Written
    here because rich measures and renders every cell of the fifty rows through its layout
    engine, for text it would not change; None (rich draws it) when a cell holds a line
    break or another unprintable character, starts or ends with a space, or the table would
    not fit *width*."""
    texts = []
    widths = []
    for column in columns:
        cells = [column.header, *(c.plain if isinstance(c, Text) else c for c in column.cells)]
        if not all(cell.isprintable() and cell == cell.strip() for cell in cells):
            return None  # (rich wraps at breaks and drops space around a cell's text)
        lengths = [cell_len(cell) for cell in cells]
        texts.append((cells, lengths, column.justify == "right"))
        widths.append(max(lengths))
    if not texts or sum(widths) + 2 * (len(widths) - 1) > width:
        return None
    rows = []
    for index in range(len(texts[0][0])):
        line = []
        for (cells, lengths, right), size in zip(texts, widths, strict=True):
            pad = " " * (size - lengths[index])
            line.append(pad + cells[index] if right else cells[index] + pad)
        rows.append("  ".join(line))
    return "\n".join(rows) + "\n"


def _table(title: str, columns: list[Column], width: int, plain: bool) -> Table:
    """A table of *columns*: boxless and unlimited when *plain*, else fitted to *width*."""
    shown = columns if plain else fit(columns, width)
    table = Table(
        title=None if plain else title,
        title_justify="left",
        expand=False,
        box=None if plain else box.HEAVY_HEAD,
        pad_edge=not plain,
        show_edge=not plain,
    )
    for column in shown:
        table.add_column(
            column.header,
            justify="right" if column.justify == "right" else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=column.max_width,
        )
    rows = len(columns[0].cells) if columns else 0
    for index in range(rows):
        table.add_row(*(column.cells[index] for column in shown))
    return table


def _finding_cells(result: CheckResult, found: Finding) -> list[Cell]:
    """One finding's row of the findings table."""
    place = _clean(result, where(found) or "")
    return [
        Text(found.severity.value, style=_SEVERITY_STYLE[found.severity.value]),
        Text("fails", style="bold red")
        if found.fails
        else Text("existing" if found.existing else "reports"),
        _clean(result, found.rule),
        _clean(result, found.address + (f" ({found.component})" if found.component else ""))
        + (f" {place}" if place else ""),
        _clean(result, found.message),
        usd(found.monthly_saving, unpriced="-"),
    ]


def _finding_entry(console: Console, result: CheckResult, found: Finding, width: int) -> None:
    """One finding as a list entry: a heading line, then its message wrapped."""
    head = Text("  ")
    head.append(found.severity.value, style=_SEVERITY_STYLE[found.severity.value])
    head.append("  ")
    if found.fails:
        head.append("fails", style="bold red")
    else:
        head.append("existing" if found.existing else "reports")
    head.append(f"  {_clean(result, found.rule)}  ")
    subject = _clean(result, found.address + (f" ({found.component})" if found.component else ""))
    place = _clean(result, where(found) or "")
    room = width - cell_len(head.plain) - (len(place) + 2 if place else 0)
    if cell_len(subject) > room:
        subject = subject[: max(room - 1, 8)] + "…"
    head.append(subject + (f"  {place}" if place else ""))
    console.print(head, no_wrap=True, overflow="ellipsis")
    message = _clean(result, found.message)
    if found.monthly_saving:
        message += f" (saves {usd(found.monthly_saving)}/mo)"
    for line in textwrap.wrap(message, width=max(width - 6, 20)):
        console.print(f"      {line}", no_wrap=True, overflow="ellipsis")


def _findings_layout(
    console: Console, result: CheckResult, listed: Sequence[Finding], plain: bool
) -> None:
    """The findings: a table when it fits (or piped, a plain one), else a list; every string
    from the input masked and made visible (:func:`_clean`)."""
    columns = [
        Column("Severity"),
        Column("Gate"),
        Column("Rule"),
        Column("Resource"),
        Column("Message"),
        Column("Saving/mo", justify="right"),
    ]
    for found in listed:
        cells = _finding_cells(result, found)
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    if plain or sum(c.natural for c in columns) + 3 * len(columns) + 1 <= console.width:
        if plain:
            console.print("Findings")
        _print_table(console, "Findings", columns, plain)
        return
    console.print("Findings")
    width = console.width
    for found in listed:
        _finding_entry(console, result, found, width)
