"""The report formats; the HTML page rendered in a real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from aicost.cli import main
from tests.spend.conftest import SAMPLE


def output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["spend", *args]) == 0
    return capsys.readouterr().out


def test_csv_one_row_per_group(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(output(capsys, str(scenario), "--by", "team,model", "--format", "csv"))
        )
    )
    assert list(rows[0]) == [
        "team",
        "model",
        "effective_cost",
        "billed_cost",
        "gpu_hours",
        "currency",
    ]
    vision = next(r for r in rows if r["team"] == "vision")
    assert (vision["model"], vision["effective_cost"], vision["currency"]) == (
        "detector",
        "7000.00",
        "USD",
    )


def test_focus_csv_has_focus_columns_then_x(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = output(capsys, str(scenario), "--format", "focus-csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    first_x = min(i for i, name in enumerate(header) if name.startswith("x_"))
    assert all(name.startswith("x_") for name in header[first_x:])
    vision = next(r for r in rows if json.loads(r["Tags"]) == {"team": "vision"})
    assert vision["EffectiveCost"] == "7000.00" and vision["BillingCurrency"] == "USD"
    # the file reads back as a FOCUS export
    back = Path(str(scenario) + ".focus.csv")
    back.write_text(text)
    assert main(["spend", str(back), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["summary"]["ai_effective_cost"] == "8537.00"  # as the original export


def test_table(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = output(capsys, str(scenario), "--budget", "vision=3500")
    assert "commitment coverage (GPU compute): 25.0%" in text
    assert "(untagged)" in text and "Budget burn" in text and "warning" in text


def test_html_is_self_contained(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "spend.html"
    output(capsys, str(scenario), "--format", "html", "--output", str(page))
    html = page.read_text()
    assert html.count("<svg") == 3
    for external in ("<script", "http://", "https://", "<link", "src="):
        assert external not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
@pytest.mark.parametrize("source", ["scenario", "sample"])
def test_html_renders_in_chromium_without_console_errors(
    source: str, scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "spend.html"
    export = scenario if source == "scenario" else SAMPLE
    output(capsys, str(export), "--format", "html", "--output", str(page))
    browser = _chromium()
    assert browser is not None
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    consoles = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
    assert consoles == []
    # the rendered DOM has the three charts and the showback table
    assert run.stdout.count("<svg") == 3
    assert "Daily AI spend by team" in run.stdout and "<table>" in run.stdout


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
def test_chromium_check_sees_console_errors(tmp_path: Path) -> None:
    """The console check above is not vacuous: a broken page is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>missingFunction();</script></body></html>")
    browser = _chromium()
    assert browser is not None
    run = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert any("CONSOLE" in line and "missingFunction" in line for line in run.stderr.splitlines())
