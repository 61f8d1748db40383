"""aicost spend pull aws|azure|gcp: the real SDK clients against loopback servers."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from azure.core.credentials import AccessToken

from aicost.cli import main
from aicost.spend.pull import azure as azure_pull
from aicost.spend.snapshot import read
from tests.spend.conftest import scenario_rows
from tests.spend.helpers import csv_text
from tests.spend.servers import (
    aws_server,
    azure_server,
    azure_usage,
    bigquery_server,
    budgets_server,
)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_aws_cost_explorer_grouped_by_tag(
    aws_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = {
        "team": [("team$vision", "900.50"), ("team$search", "120"), ("team$", "35.25")],
    }
    out = tmp_path / "snap.json"
    with aws_server("1055.75", groups, {}) as (url, requests):
        code = main(
            ["spend", "pull", "aws", "--endpoint", url, "--as-of", "2026-11-09", "--out", str(out)]
        )
    assert code == 0, capsys.readouterr().err
    snap = read(out)
    assert snap.total == 1055.75
    assert snap.tags["team"] == {"vision": 900.50, "search": 120, "(untagged)": 35.25}
    assert (snap.as_of, snap.source, snap.days_elapsed) == (
        date(2026, 11, 9),
        "aws-cost-explorer",
        9,
    )
    calls = [r for r in requests if r["target"].endswith("GetCostAndUsage")]
    assert calls[0]["TimePeriod"] == {"Start": "2026-11-01", "End": "2026-11-10"}
    assert calls[0]["Metrics"] == ["AmortizedCost"]
    services = calls[0]["Filter"]["Or"][0]["Dimensions"]
    assert "Amazon Bedrock" in services["Values"]
    families = calls[0]["Filter"]["Or"][1]["Dimensions"]["Values"]
    assert {"p5", "g6e", "trn1", "inf2"} <= set(families)
    assert len(calls) == 3  # the total, then two pages of groups


def test_aws_data_exports_objects(
    aws_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = csv_text(scenario_rows()).encode()
    lines = text.splitlines(keepends=True)
    objects = {
        "focus/data/BILLING_PERIOD=2026-11/part-0.csv": lines[0] + b"".join(lines[1:200]),
        "focus/data/BILLING_PERIOD=2026-11/part-1.csv": lines[0] + b"".join(lines[200:]),
        "focus/metadata/manifest.json": b"{}",
    }
    out = tmp_path / "snap.json"
    with aws_server("0", {}, objects) as (url, requests):
        code = main(
            [
                "spend",
                "pull",
                "aws",
                "--endpoint",
                url,
                "--export",
                "s3://billing/focus/",
                "--out",
                str(out),
            ]
        )
    assert code == 0, capsys.readouterr().err
    snap = read(out)
    assert snap.as_of == date(2026, 11, 9)  # the export's last day
    assert snap.tags["team"]["vision"] == 900  # nine days of $100
    assert snap.source == "aws-data-exports"
    assert {r["key"] for r in requests if r["target"] == "s3" and r["key"]} == {
        k for k in objects if k.endswith(".csv")
    }


class StaticToken:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("token", 4102444800)


def _azure_args(url: str) -> argparse.Namespace:
    return argparse.Namespace(scope="/subscriptions/sub-1", endpoint=url)


def test_azure_usage_details_and_budgets() -> None:
    records = [
        azure_usage(
            40.0,
            "Microsoft.Compute",
            "Virtual Machines",
            "NC24ads A100 v4",
            {"team": "vision"},
            "2026-11-02",
        ),
        azure_usage(
            500.0, "Microsoft.Storage", "Storage", "Hot LRS", {"team": "vision"}, "2026-11-02"
        ),
        azure_usage(
            7.5,
            "Microsoft.CognitiveServices",
            "Cognitive Services",
            "gpt-4o Input Tokens",
            {"Team": "chat"},
            "2026-11-03",
        ),
        azure_usage(
            2.5,
            "Microsoft.MachineLearningServices",
            "Azure Machine Learning",
            "Compute Instance",
            None,
            "2026-11-03",
        ),
        azure_usage(
            99.0,
            "Microsoft.Compute",
            "Virtual Machines",
            "NC24ads A100 v4",
            {"team": "vision"},
            "2026-11-12",
        ),  # after as_of
    ]
    budgets = [
        {
            "id": "/b/ml",
            "name": "ml-monthly",
            "type": "Microsoft.Consumption/budgets",
            "properties": {
                "category": "Cost",
                "amount": 5000,
                "timeGrain": "Monthly",
                "timePeriod": {"startDate": "2026-01-01T00:00:00Z"},
            },
        }
    ]
    with azure_server(records, budgets) as (url, requests):
        snap = azure_pull.pull(
            _azure_args(url), ["team"], date(2026, 11, 9), credential=StaticToken()
        )
    assert snap.total == 50
    assert snap.tags["team"] == {"vision": 40, "chat": 7.5, "(untagged)": 2.5}
    assert snap.budgets == {"ml-monthly": 5000}
    usage = [r for r in requests if "usageDetails" in r]
    assert len(usage) == 3  # three pages of two
    assert "metric=amortizedcost" in usage[0]
    assert "usageStart+ge+%272026-11-01%27" in usage[0] or "2026-11-01" in usage[0]


def test_gcp_bigquery_focus_view_and_budgets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from google.cloud.billing.budgets_v1 import types
    from google.type import money_pb2

    budget = types.Budget(
        name="billingAccounts/0A-1B/budgets/b1",
        display_name="ml-monthly",
        amount=types.BudgetAmount(
            specified_amount=money_pb2.Money(currency_code="USD", units=8000, nanos=500000000)
        ),
    )
    out = tmp_path / "snap.json"
    with (
        bigquery_server([("vision", "900.5"), ("(untagged)", "12")]) as (url, queries),
        budgets_server([budget]) as (grpc_url, budget_requests),
    ):
        code = main(
            [
                "spend",
                "pull",
                "gcp",
                "--endpoint",
                url,
                "--bq-table",
                "proj.billing.focus_v1",
                "--billing-account",
                "0A-1B",
                "--budgets-endpoint",
                grpc_url,
                "--as-of",
                "2026-11-09",
                "--out",
                str(out),
            ]
        )
    assert code == 0, capsys.readouterr().err
    snap = json.loads(out.read_text())
    assert snap["total"] == "912.50"
    assert snap["tags"]["team"] == {"(untagged)": "12.00", "vision": "900.50"}
    assert snap["budgets"] == {"ml-monthly": "8000.50"}
    assert budget_requests == ["billingAccounts/0A-1B"]
    sql = queries[0]["query"]
    assert queries[0]["path"].startswith("/bigquery/v2/projects/proj/queries")
    assert "`proj`.`billing`.`focus_v1`" in sql and "JSON_EXTRACT_SCALAR" in sql
    assert "2026-11-01" in sql and "2026-11-10" in sql
    assert queries[0].get("useLegacySql") is False
