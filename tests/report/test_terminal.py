"""The table in a terminal of any width, and piped: no row wraps, no amount is cut."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from aicost.core.money import usd
from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import load_policy
from aicost.report import RenderOptions, get
from aicost.sources import usage as usage_file
from tests.conftest import REPO

EXAMPLES = REPO / "examples"


@pytest.fixture(scope="module")
def example() -> CheckResult:
    usage = usage_file.load(EXAMPLES / "aicost-usage.yml")
    policy = load_policy(REPO / "policies" / "default.yaml")
    return run_check([EXAMPLES / "plan.json"], policy, usage=usage)


def amounts(result: CheckResult) -> list[str]:
    return [usd(item.monthly_cost) for item in result.workloads]


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_table_fits_the_terminal_and_keeps_every_amount(example: CheckResult, width: int) -> None:
    text = get("table").render(example, RenderOptions(width=width))
    table = text.split("\n\n", 1)[0].splitlines()[1:]  # the box under "AI workloads"
    assert table[0].startswith("┏") and table[-1].startswith("└")
    assert all(cell_len(line) <= width for line in table)
    rows = [line for line in table if line.startswith("│")]
    assert len(rows) == len(example.workloads)  # one line per workload: no row wraps
    for amount in amounts(example):
        assert sum(amount in row for row in rows) == 1, amount
    assert "…" not in "".join(re.findall(r"[+-]?\$[\d,.…]+", "\n".join(rows)))


def test_narrow_terminals_drop_columns_before_names(example: CheckResult) -> None:
    wide = get("table").render(example, RenderOptions(width=160))
    narrow = get("table").render(example, RenderOptions(width=80))
    assert "Change" in wide and "Purchase" in wide
    assert "Change" not in narrow and "Purchase" not in narrow
    assert "aws_autoscaling_group.chat" in narrow and "aws_instance.pretrain" in narrow
    assert "Monthly" in narrow and "Delta" in narrow


def test_findings_that_do_not_fit_are_listed_not_wrapped(example: CheckResult) -> None:
    text = get("table").render(example, RenderOptions(width=80))
    findings = text[text.index("Findings") :]
    assert all(cell_len(line) <= 80 for line in findings.splitlines())
    assert "  error  fails  spot-training  aws_instance.pretrain" in findings


def test_a_pipe_gets_a_plain_layout(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "aicost", "check", "plan.json"],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "80"},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    out = completed.stdout
    assert not set("┏┃│┗└━") & set(out)  # no box
    assert "…" not in out  # nothing cut, whatever COLUMNS says
    line = next(x for x in out.splitlines() if x.startswith("aws_instance.pretrain"))
    assert re.search(
        r"p5\.48xlarge\s+8× H100\s+1\s+on-demand\s+\$40,179\.20\s+\+\$40,179\.20$", line
    )
    assert "aicost: usage from aicost-usage.yml" in completed.stderr  # relative paths
