"""Negative prices, savings (discounts, commitments), counts and budgets are bad input:
exit 2 with one line naming the file and the field, never a negative cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, Runner, plan

NEGATIVE = FIXTURES / "advice" / "negative"
POLICY = "version: 1\nname: p\nunpriced: ignore\nrules: []\n"


def _policy(tmp_path: Path, text: str = POLICY) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _one_line(result_err: str) -> str:
    lines = [ln for ln in result_err.splitlines() if ln.startswith("aicost: error:")]
    assert len(lines) == 1, result_err
    assert "Traceback" not in result_err
    return lines[0]


def test_negative_node_count_in_terraform(aicost: Runner, tmp_path: Path) -> None:
    result = aicost("check", NEGATIVE / "node_group.tf", "--policy", _policy(tmp_path))
    assert result.code == 2
    line = _one_line(result.err)
    assert "node_group.tf:11: aws_eks_node_group.ng: scaling_config[0].desired_size is -2" in line
    assert "a count cannot be negative" in line


def test_negative_replicas_in_a_manifest(aicost: Runner, tmp_path: Path) -> None:
    result = aicost("check", NEGATIVE / "deployment.yaml", "--policy", _policy(tmp_path))
    assert result.code == 2
    line = _one_line(result.err)
    assert "deployment.yaml:6:" in line and "replicas" in line and "-3" in line
    assert "negative" in line


def test_negative_token_price_in_a_user_table(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "prices" / "llm"
    user.mkdir(parents=True)
    table = json.loads((REPO / "pricing" / "llm" / "tokens.json").read_text())
    rows = table["prices"]["openai"]
    assert "input" in rows["gpt-4o"]
    rows["gpt-4o"]["input"] = "-2.5"
    (user / "tokens.json").write_text(json.dumps(table))
    monkeypatch.setenv("AICOST_PRICING_DIR", str(tmp_path / "prices"))
    llm = tmp_path / "aicost-llm.yaml"
    llm.write_text(
        "version: 1\nworkloads:\n  - name: chat\n    provider: openai\n    model: gpt-4o\n"
        "    requests_per_day: 1000\n    input_tokens: 100\n    output_tokens: 10\n"
    )
    result = aicost("check", llm, "--policy", _policy(tmp_path))
    assert result.code == 2
    line = _one_line(result.err)
    assert "tokens.json" in line and "price '-2.5' is negative" in line


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("budgets:\n  - name: v\n    monthly: -1\n", "budgets[0].monthly"),
        ("budgets:\n  - name: v\n    per_tag: team\n    limits: {a: -5}\n", "limits"),
        (
            "commitments:\n  - {id: ri, family: g5, gpus: -4}\n",
            "commitments[0].gpus",
        ),
        (
            "rules:\n  - {id: r, type: training-run-cost, max_run_cost: -10}\n",
            "max_run_cost",
        ),
    ],
)
def test_negative_budgets_commitments_and_thresholds(
    aicost: Runner, tmp_path: Path, text: str, field: str
) -> None:
    path = _policy(tmp_path, "version: 1\nname: p\n" + text)
    result = aicost("policy", "validate", path)
    assert result.code == 2
    assert field in result.err and str(path) in result.err


def test_a_negative_discount_is_refused(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prices = tmp_path / "prices"
    prices.mkdir()
    (prices / "discounts.yaml").write_text("aws: -10\n")
    monkeypatch.setenv("AICOST_PRICING_DIR", str(prices))
    result = aicost("check", plan("aws_compliant"), "--policy", _policy(tmp_path))
    assert result.code == 2
    assert "discounts.aws: percent must be a number from 0 to under 100" in result.err
