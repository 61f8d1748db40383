"""A piped table is written without rich's layout engine: it must be what rich draws."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console
from rich.text import Text

from aicost.report.fit import Column
from aicost.report.table import _table, plain_table

_WORDS = ["", "a", "gpu", "p5.48xlarge", "$1,234.50", "8× H100", "spot→on-demand", "中文", "😀x"]
_WORDS += ["e\u0301", "in  side", "…tail", "x" * 40, "\\x1b[2K", "ａｂ"]


def _rich(columns: list[Column]) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=False,
        no_color=True,
        width=100_000,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(_table("t", columns, console.width, True))
    return buffer.getvalue()


@pytest.mark.parametrize("seed", range(40))
def test_a_plain_table_is_what_rich_draws(seed: int) -> None:
    rng = random.Random(seed)
    rows = rng.randint(1, 6)
    columns = []
    for number in range(rng.randint(1, 7)):
        column = Column(rng.choice(_WORDS) or f"h{number}", justify=rng.choice(["left", "right"]))
        for _ in range(rows):
            word = rng.choice(_WORDS)
            column.cells.append(Text(word, style="magenta") if rng.random() < 0.3 else word)
        columns.append(column)
    assert plain_table(columns, 100_000) == _rich(columns)


def test_a_cell_with_a_line_break_is_left_to_rich() -> None:
    column = Column("Resource", cells=["a\nb"])
    assert plain_table([column], 100_000) is None
    assert plain_table([Column("x" * 50, cells=["y"])], 20) is None
    assert plain_table([Column("Resource", cells=[" padded "])], 100_000) is None
    assert plain_table([Column("Resource", cells=["tab\there"])], 100_000) is None
    assert plain_table([Column("Resource", cells=["zero\u200bwidth"])], 100_000) is None
