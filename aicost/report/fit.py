"""Fit a table to the terminal: drop the least useful columns, then shorten the shrinkable
ones, so that no row wraps and no amount is ever cut.

A table with ``n`` columns drawn by rich with its default box takes ``sum(widths) + 3n + 1``
characters (one space of padding each side of a cell and a rule between and around cells).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from rich.cells import cell_len

if TYPE_CHECKING:
    from rich.text import Text

#: A cell: text, or rich Text with a style (rich.text is imported only where it is drawn).
Cell: TypeAlias = "str | Text"


def plain_text(cell: Any) -> str:
    """A cell's text without its style."""
    return cell if isinstance(cell, str) else str(cell.plain)


@dataclass
class Column:
    header: str
    cells: list[Cell] = field(default_factory=list)
    justify: str = "left"
    #: 0: never dropped; otherwise dropped when the table does not fit, highest first.
    drop: int = 0
    #: The narrowest this column may be shortened to (with an ellipsis); None: never.
    shrink_to: int | None = None
    #: Columns are dropped before this one is shortened below this width.
    prefer: int | None = None
    #: Set by :func:`fit`: the width the column is given when shortened.
    max_width: int | None = None

    @property
    def natural(self) -> int:
        widths = [cell_len(self.header)]
        for cell in self.cells:
            text = plain_text(cell)
            widths.append(max((cell_len(line) for line in text.split("\n")), default=0))
        return max(widths)


def table_width(widths: Sequence[int]) -> int:
    return sum(widths) + 3 * len(widths) + 1


def fit(columns: Sequence[Column], width: int) -> list[Column]:
    """The columns to show at *width*; shortened ones get :attr:`Column.max_width` and their
    cells keep their end (``…group.chat``: the name, not the type, tells rows apart)."""
    shown = list(columns)
    for column in shown:
        column.max_width = None

    def room(floor: str) -> int:
        total = 0
        for c in shown:
            lowest = c.prefer if floor == "prefer" and c.prefer is not None else c.shrink_to
            if lowest is not None:
                total += max(c.natural - lowest, 0)
        return total

    for candidate in sorted((c for c in columns if c.drop), key=lambda c: -c.drop):
        excess = table_width([c.natural for c in shown]) - width
        if excess <= 0 or excess <= room("prefer"):
            break
        shown.remove(candidate)
    excess = table_width([c.natural for c in shown]) - width
    for floor in ("prefer", "shrink_to"):
        for column in shown:
            lowest = column.prefer if floor == "prefer" else column.shrink_to
            if excess <= 0 or lowest is None or column.shrink_to is None:
                continue
            current = column.max_width or column.natural
            cut = min(max(current - lowest, 0), excess)
            if cut > 0:
                column.max_width = current - cut
                excess -= cut
    for column in shown:
        if column.max_width is not None:
            column.cells = [_tail(cell, column.max_width) for cell in column.cells]
    return shown


def _tail(cell: Cell, width: int) -> Cell:
    text = plain_text(cell)
    if cell_len(text) <= width:
        return cell
    return "…" + text[-(width - 1) :]
