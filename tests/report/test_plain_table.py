"""A piped table is written without rich's layout engine: it must be what rich draws."""

from __future__ import annotations

import dataclasses
import io
import random

import pytest
from rich.console import Console
from rich.text import Text

from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from aicost.report.fit import Column
from aicost.report.table import _table, plain_table
from tests.conftest import plan
from tests.helpers import DEFAULT_POLICY

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


_PLAIN_CASES = ["aws_mixed", "aws_changes", "aws_sensitive_nested", "llm_azure_gcp", "gcp_capacity"]


@pytest.mark.parametrize("name", _PLAIN_CASES)
@pytest.mark.parametrize("max_rows", [0, 3])
def test_a_piped_report_is_what_rich_writes(
    name: str, max_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, the table report is written without rich's console: the same text as rich
    writes, line for line; a line rich would change (here a zero-width space in a warning)
    makes rich write it all."""
    from aicost import report
    from aicost.report import table

    result = run_check([plan(name)], load_policy(DEFAULT_POLICY))
    options = report.RenderOptions(plain=True, max_rows=max_rows)
    plain = table.render(result, options)

    def refuse(self: object, *objects: object, **_: object) -> None:
        raise table._NotPlain

    with monkeypatch.context() as patch:
        patch.setattr(table._PlainConsole, "print", refuse)
        assert table.render(result, options) == plain
    odd = dataclasses.replace(result, warnings=(*result.warnings, "odd\u200bwarning"))
    with monkeypatch.context() as patch:
        patch.setattr(table._PlainConsole, "print", refuse)
        expected = table.render(odd, options)
    assert table.render(odd, options) == expected and "odd\u200bwarning" in expected
