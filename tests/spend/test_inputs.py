"""Export files as the providers write them, and the bad ones: exit 2, one line, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from aicost.cli import main
from tests.spend.conftest import scenario_rows
from tests.spend.helpers import COLUMNS, write


def total(capsys: pytest.CaptureFixture[str], *inputs: str) -> str:
    assert main(["spend", *inputs, "--format", "json"]) == 0
    return str(json.loads(capsys.readouterr().out)["summary"]["ai_effective_cost"])


def test_csv_gz_parquet_directory_and_glob_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = scenario_rows()
    half = len(rows) // 2
    expected = total(capsys, str(write(tmp_path / "all.csv", rows)))
    parts = tmp_path / "export"
    parts.mkdir()
    write(parts / "part-1.csv.gz", rows[:half])
    write(parts / "part-2.parquet", rows[half:])
    assert total(capsys, str(parts)) == expected
    assert total(capsys, str(parts / "part-*")) == expected
    assert total(capsys, str(parts / "part-1.csv.gz"), str(parts / "part-2.parquet")) == expected


def test_focus_1_3_provider_column_and_parquet_map_tags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path / "in.csv", scenario_rows())
    target = tmp_path / "focus13.parquet"
    con = duckdb.connect()
    # FOCUS 1.3 names the provider ServiceProviderName; AWS writes Tags as a Parquet map
    con.execute(
        f"COPY (SELECT * EXCLUDE (ProviderName, Tags), ProviderName AS ServiceProviderName, "
        f"CASE WHEN Tags IS NULL THEN NULL ELSE CAST(json(Tags) AS MAP(VARCHAR, VARCHAR)) END "
        f"AS Tags FROM read_csv('{source}', all_varchar = true)) TO '{target}' (FORMAT parquet)"
    )
    assert main(["spend", str(target), "--by", "team,provider", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    keys = [g["key"] for g in report["groups"]]
    assert {"team": "vision", "provider": "AWS"} in keys


def test_aws_cur_2_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cur = tmp_path / "cur2.parquet"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT *, 'USD' AS line_item_currency_code,
        TIMESTAMP '2026-11-01 00:00:00' AS line_item_usage_start_date,
        TIMESTAMP '2026-11-02 00:00:00' AS line_item_usage_end_date FROM (VALUES
        ('Usage', 'AmazonEC2', 'p5.48xlarge', 'USE1-BoxUsage:p5.48xlarge', 24.0, 'Hrs',
         2359.68, 2359.68, NULL, NULL, MAP {{'user_team': 'vision'}}),
        ('SavingsPlanCoveredUsage', 'AmazonEC2', 'p5.48xlarge', 'USE1-BoxUsage:p5.48xlarge',
         24.0, 'Hrs', 2359.68, 2359.68, 1300.00, NULL, MAP {{'user_team': 'vision'}}),
        ('SavingsPlanNegation', 'AmazonEC2', 'p5.48xlarge', 'USE1-BoxUsage:p5.48xlarge',
         0.0, 'Hrs', -2359.68, 0.0, NULL, NULL, MAP {{'user_team': 'vision'}}),
        ('Usage', 'AmazonS3', NULL, 'TimedStorage-ByteHrs', 100.0, 'GB-Mo', 2.3, 2.3, NULL,
         NULL, MAP {{'user_team': 'vision'}})
        ) AS t(line_item_line_item_type, line_item_product_code, product_instance_type,
               line_item_usage_type, line_item_usage_amount, pricing_unit,
               line_item_unblended_cost, pricing_public_on_demand_cost,
               savings_plan_savings_plan_effective_cost, reservation_effective_cost,
               resource_tags)
        ) TO '{cur}' (FORMAT parquet)"""
    )
    assert main(["spend", str(cur), "--by", "team", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # on demand + the Savings Plan's effective cost; the negation is not counted twice
    assert report["summary"]["ai_effective_cost"] == "3659.68"
    assert report["summary"]["ai_billed_cost"] == "2359.68"
    assert report["groups"][0]["key"] == {"team": "vision"}  # CUR's user_team
    assert report["kpis"]["commitment_coverage_rate"] == 0.5


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["spend", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_not_focus_names_the_file_and_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "invoice.csv"
    path.write_text("Date,Amount\n2026-11-01,10\n")
    err = _error(capsys, str(path))
    assert str(path) in err and "not a FOCUS export" in err and "BilledCost" in err


def test_wrong_types_name_the_file_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = scenario_rows()[:10]
    rows[5]["EffectiveCost"] = "twelve"
    good = write(tmp_path / "a.csv", scenario_rows()[:10])
    bad = write(tmp_path / "b.csv", rows)
    err = _error(capsys, str(good), str(bad))
    assert f"{bad}: column EffectiveCost must hold a number, found 'twelve'" in err
    rows = scenario_rows()[:10]
    rows[2]["ChargePeriodStart"] = "yesterday"
    err = _error(capsys, str(write(tmp_path / "c.csv", rows)))
    assert "column ChargePeriodStart must hold a date-time" in err


def test_empty_exports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in _error(capsys, str(empty))
    header = write(tmp_path / "header.csv", [])
    assert "no rows" in _error(capsys, str(header))
    folder = tmp_path / "none"
    folder.mkdir()
    assert "no .csv" in _error(capsys, str(folder))
    assert "matches no files" in _error(capsys, str(tmp_path / "nothing-*.csv"))


def test_mixed_currencies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = scenario_rows()[:10]
    usd = write(tmp_path / "usd.csv", rows)
    for row in rows:
        row["BillingCurrency"] = "EUR"
    eur = write(tmp_path / "eur.csv", rows)
    err = _error(capsys, str(usd), str(eur))
    assert "column BillingCurrency" in err and "EUR, USD" in err and str(usd) in err


def test_nothing_half_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    out.write_text("previous report")
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(COLUMNS[:3]) + "\n1,2,USD\n")
    _error(capsys, str(bad), "--format", "html", "--output", str(out))
    assert out.read_text() == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "report.html"]


def test_timestamps_with_offsets_are_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = scenario_rows()[:3]
    # Azure writes seven fractional digits and Z; others an offset or " UTC"
    rows[0]["ChargePeriodStart"] = "2026-09-02T01:00:00+02:00"  # 2026-09-01 23:00 UTC
    rows[0]["ChargePeriodEnd"] = "2026-09-02T02:00:00.0000000Z"
    rows[1]["ChargePeriodStart"] = "2026-09-01 00:00:00 UTC"
    export = write(tmp_path / "tz.csv", rows)
    assert main(["spend", str(export), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["period_start"] == "2026-09-01T00:00:00Z"
    assert [d["day"] for d in report["daily"]] == ["2026-09-01"]


def test_malformed_tags_are_untagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = scenario_rows()[:3]
    rows[0]["Tags"] = "team=vision; not json"
    assert main(["spend", str(write(tmp_path / "t.csv", rows)), "--format", "json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert {"team": "(untagged)"} in [g["key"] for g in groups]


def test_out_of_memory_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path / "big.csv", scenario_rows() * 20)
    err = _error(capsys, str(export), "--memory-limit", "4MB")
    assert "out of memory" in err.lower()
    assert _error(capsys, str(export), "--memory-limit", "lots").endswith(
        "--memory-limit 'lots': expected a size like 2GB\n"
    )


def test_tags_as_a_list_of_key_value_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = scenario_rows()[:3]
    for row in rows:
        row["Tags"] = json.dumps([{"key": "team", "value": "vision"}, {"key": "env", "value": "p"}])
    assert main(["spend", str(write(tmp_path / "t.csv", rows)), "--format", "json"]) == 0
    groups = json.loads(capsys.readouterr().out)["groups"]
    assert [g["key"] for g in groups] == [{"team": "vision"}]


def test_lines_without_a_charge_period_count_but_have_no_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = scenario_rows()[:6]
    rows[0]["ChargePeriodStart"] = ""  # a purchase line, say
    assert main(["spend", str(write(tmp_path / "p.csv", rows)), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    daily = sum(float(d["effective_cost"]) for d in report["daily"])
    assert float(report["summary"]["ai_effective_cost"]) == daily + float(rows[0]["EffectiveCost"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--budget", "vision=1e400"], "--budget 'vision=1e400': expected TEAM=AMOUNT"),
        (["--budgets", "POLICY"], "monthly must be an amount in USD, at most 1e15"),
        (["--threads", "0"], "--threads must be 1 or more"),
        (["--jump-threshold", "-1"], "--jump-threshold must be a number of percent, 0 or more"),
        (["--jump-threshold", "nan"], "--jump-threshold must be a number of percent, 0 or more"),
    ],
)
def test_absurd_options_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    """A 1e400 budget and zero threads were internal errors (exit 3); a negative or NaN
    threshold was accepted."""
    policy = tmp_path / "aicost.yaml"
    policy.write_text(
        "version: 1\nname: t\nbudgets:\n  - name: vision\n    match:\n      tags:\n"
        "        team: [vision]\n    monthly: 1e400\n"
    )
    options = [str(policy) if option == "POLICY" else option for option in options]
    err = _error(capsys, str(write(tmp_path / "a.csv", scenario_rows()[:10])), *options)
    assert message in err and len(err.strip().splitlines()) == 1, err
