"""--emit-sql: the same showback queries for Athena/Trino, BigQuery and Spark SQL."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot

from aicost.cli import main
from aicost.spend import emit


@pytest.mark.parametrize("dialect", ["athena", "trino", "bigquery", "spark"])
def test_emitted_sql_parses_in_its_dialect(
    dialect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["spend", "--emit-sql", dialect, "--by", "team,use-case"]) == 0
    text = capsys.readouterr().out
    statements = [s for s in sqlglot.parse(text, read=emit.DIALECTS[dialect]) if s is not None]
    assert len(statements) == len(emit.statements(["team", "use-case"]))
    assert "CREATE OR REPLACE VIEW aicost_ai" in text
    assert "p5.48xlarge" in text  # the hardware catalogue travels with the SQL


def test_emitted_sql_gives_the_same_answer(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run the emitted statements on a plain table of the export: same totals as aicost spend."""
    assert main(["spend", str(scenario), "--by", "team", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE focus AS SELECT * REPLACE (CAST(EffectiveCost AS DECIMAL(38,10)) AS "
        f"EffectiveCost, CAST(BilledCost AS DECIMAL(38,10)) AS BilledCost, CAST(ListCost AS "
        f"DECIMAL(38,10)) AS ListCost, CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart, "
        f"CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd, CAST(ConsumedQuantity AS DOUBLE) "
        f"AS ConsumedQuantity, CAST(PricingQuantity AS DOUBLE) AS PricingQuantity), "
        # FOCUS columns a provider's table has that the test export leaves out
        f"CAST(NULL AS VARCHAR) AS ResourceType, CAST(NULL AS VARCHAR) AS SubAccountName "
        f"FROM read_csv('{scenario}', all_varchar = true)"
    )
    for statement in sqlglot.parse(emit.emit("duckdb", ["team"]), read="duckdb"):
        if isinstance(statement, sqlglot.exp.Create):
            con.execute(statement.sql(dialect="duckdb"))
    sql = emit.statements(["team"])
    total = con.execute(sql["summary"]).fetchone()
    assert total is not None
    assert Decimal(total[0]).quantize(Decimal("0.01")) == Decimal(
        report["summary"]["ai_effective_cost"]
    )
    groups = {
        row[0]: Decimal(row[1]).quantize(Decimal("0.01"))
        for row in con.execute(sql["groups"]).fetchall()
    }
    assert groups == {g["key"]["team"]: Decimal(g["effective_cost"]) for g in report["groups"]}


def test_unknown_dialect(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spend", "--emit-sql", "oracle"]) == 2
    assert "unknown dialect" in capsys.readouterr().err
