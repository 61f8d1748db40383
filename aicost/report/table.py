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
from typing import TYPE_CHECKING, Any, TypeAlias

from rich.cells import cell_len

from aicost.core.money import usd
from aicost.core.sensitive import redact
from aicost.document.build import largest_changes, records
from aicost.pipeline import CheckResult
from aicost.policy.finding import Finding
from aicost.policy.reporting import counts, stale_text, waiver_text, where
from aicost.report import RenderOptions, inert
from aicost.report import view as v
from aicost.report.fit import Cell, Column, fit, plain_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class _NotPlain(Exception):
    """Raised by :class:`_PlainConsole` for what rich would draw differently than written."""


class _PlainConsole:
    """What the sections ask of rich's Console when the table goes to a pipe or a file
    without colour: each line written as rich writes printable text that fits the width
    (as is), without importing rich's console and layout engine (about 15 ms).
    Anything else (a rich object, a tab, a control or zero-width character, a line longer
    than the width) raises :class:`_NotPlain`, and rich draws the whole table instead."""

    width = 100_000
    color_system = None

    def __init__(self) -> None:
        self.file = io.StringIO()

    def print(self, *objects: Any, **options: Any) -> None:
        if options:
            raise _NotPlain
        if not objects:
            self.file.write("\n")
            return
        text = objects[0]
        if len(objects) > 1 or not isinstance(text, str) or not text.isprintable():
            raise _NotPlain
        if len(text) * 2 > self.width and cell_len(text) > self.width:
            raise _NotPlain
        self.file.write(text + "\n")


_Out: TypeAlias = "Console | _PlainConsole"


def render(result: CheckResult, options: RenderOptions) -> str:
    shown, unpriced, document = _records(result, options.max_rows)
    sections = (result, options, shown, unpriced, document)
    if options.plain and not options.color and not (options.show_waived and result.waived_findings):
        try:
            return _sections(_PlainConsole(), *sections)
        except _NotPlain:
            pass
    from rich.console import Console

    width = options.width or shutil.get_terminal_size((100, 24)).columns
    console = Console(
        file=io.StringIO(),
        force_terminal=options.color,
        no_color=not options.color,
        width=100_000 if options.plain else max(width, 40),
        highlight=False,
        markup=False,
        emoji=False,
    )
    return _sections(console, *sections)


def _sections(
    console: _Out,
    result: CheckResult,
    options: RenderOptions,
    shown: list[Mapping[str, Any]],
    unpriced: list[Mapping[str, Any]],
    document: Mapping[str, Any],
) -> str:
    _workloads(console, result, shown, options)
    _unit_costs(console, shown)
    _unpriced(console, unpriced)
    _findings(console, result, options)
    _waived(console, result, options)
    _stale_and_notes(console, result)
    _totals(console, result, document)
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


def _styled(console: _Out, text: str, style: str = "") -> Cell:
    """*text* with a style: rich Text for rich's console, the text itself for a plain one."""
    if isinstance(console, _PlainConsole):
        return text
    from rich.text import Text

    return Text(text, style=style)


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
    console: _Out, result: CheckResult, shown: list[Mapping[str, Any]], options: RenderOptions
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
            _styled(console, v.amount(monthly), "magenta" if monthly is None else ""),
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


def _unit_costs(console: _Out, shown: list[Mapping[str, Any]]) -> None:
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


def _unpriced(console: _Out, unpriced: list[Mapping[str, Any]]) -> None:
    if unpriced:
        console.print()
        console.print(f"Unpriced ({len(unpriced)}), not counted in the totals:")
        for entry in unpriced:
            console.print(f"  {v.label(entry)}: {entry.get('unpriced_reason')}")


def _findings(console: _Out, result: CheckResult, options: RenderOptions) -> None:
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


def _waived(console: _Out, result: CheckResult, options: RenderOptions) -> None:
    waived = result.waived_findings
    if waived and options.show_waived:
        console.print()
        from rich.table import Table

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


def _stale_and_notes(console: _Out, result: CheckResult) -> None:
    if result.stale_waivers:
        console.print()
        console.print(f"Stale waivers ({len(result.stale_waivers)}):")
        for stale in result.stale_waivers:
            console.print(f"  {_clean(result, stale_text(stale))}")
    for note in result.policy_notes:
        console.print(f"Note: {_clean(result, note)}")
    for warning in result.warnings:
        console.print(f"Warning: {_clean(result, warning)}")


def _totals(console: _Out, result: CheckResult, document: Mapping[str, Any]) -> None:
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
    head = f"Verdict: {result.verdict.upper()}"
    tail = f"  ({counts(result.findings, result.gate)})"
    if isinstance(console, _PlainConsole):
        console.print(head + tail)
        return
    from rich.text import Text

    verdict = Text(head, style="bold red" if result.verdict == "fail" else "bold green")
    verdict.append(tail, style="")
    console.print(verdict)


def _print_table(console: _Out, title: str, columns: list[Column], plain: bool) -> None:
    """Print a table of *columns*: piped, written as rich writes a boxless table (below)."""
    # (rich writes no escape codes, not even bold, without a colour system)
    text = plain_table(columns, console.width) if plain and console.color_system is None else None
    if text is not None:
        console.file.write(text)
    elif isinstance(console, _PlainConsole):
        raise _NotPlain  # (a cell rich would change: rich draws it all)
    else:
        console.print(_table(title, columns, console.width, plain))


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
        cells = [column.header, *(plain_text(c) for c in column.cells)]
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
    from rich import box
    from rich.table import Table

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


def _finding_cells(console: _Out, result: CheckResult, found: Finding) -> list[Cell]:
    """One finding's row of the findings table."""
    place = _clean(result, where(found) or "")
    return [
        _styled(console, found.severity.value, _SEVERITY_STYLE[found.severity.value]),
        _styled(console, "fails", "bold red")
        if found.fails
        else _styled(console, "existing" if found.existing else "reports"),
        _clean(result, found.rule),
        _clean(result, found.address + (f" ({found.component})" if found.component else ""))
        + (f" {place}" if place else ""),
        _clean(result, found.message),
        usd(found.monthly_saving, unpriced="-"),
    ]


def _finding_entry(console: _Out, result: CheckResult, found: Finding, width: int) -> None:
    """One finding as a list entry: a heading line, then its message wrapped."""
    from rich.text import Text

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
    console: _Out, result: CheckResult, listed: Sequence[Finding], plain: bool
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
        cells = _finding_cells(console, result, found)
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
