"""Old price tables are called out: every format and stderr say which table, how old, and
how to refresh it; the limit comes from the policy, the flag or the environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import plan

REPO = Path(__file__).resolve().parents[2]
MESSAGE = "price table aws-ec2 is 412 days old (as of 2025-10-18); run aicost pricing refresh aws"


@pytest.fixture
def old_ec2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    user = tmp_path / "prices"
    (user / "aws").mkdir(parents=True)
    document = json.loads((REPO / "pricing" / "aws" / "ec2.json").read_text())
    document["as_of"] = "2025-10-18"
    (user / "aws" / "ec2.json").write_text(json.dumps(document))
    monkeypatch.setenv("AICOST_PRICING_DIR", str(user))
    monkeypatch.delenv("AICOST_PRICING_MAX_AGE_DAYS", raising=False)
    return user


@pytest.mark.parametrize(
    "fmt", ["table", "markdown", "compact", "sarif", "junit", "github", "json"]
)
def test_every_format_and_stderr_warn_about_an_old_table(aicost, old_ec2, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = aicost("check", plan("aws_compliant"), "--format", fmt, "--today", "2026-12-04")
    assert MESSAGE in result.out
    assert f"aicost: warning: {MESSAGE}" in result.err


def test_the_limit_comes_from_the_flag_the_policy_or_the_environment(  # type: ignore[no-untyped-def]
    aicost, old_ec2, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("check", plan("aws_compliant"), "--today", "2026-12-04", "--format", "json")
    assert MESSAGE not in aicost(*args, "--max-price-age", "412").err
    assert MESSAGE in aicost(*args, "--max-price-age", "411").err
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: p\nsettings:\n  price_max_age_days: 500\nrules: []\n")
    assert MESSAGE not in aicost(*args, "--policy", policy).err
    monkeypatch.setenv("AICOST_PRICING_MAX_AGE_DAYS", "30")
    assert MESSAGE in aicost(*args, "--policy", policy).err
    assert aicost(*args, "--max-price-age", "-1").code == 2


def test_a_fresh_table_gives_no_warning(aicost, old_ec2) -> None:  # type: ignore[no-untyped-def]
    result = aicost("check", plan("aws_compliant"), "--today", "2025-10-20", "--format", "json")
    assert not [w for w in result.json["warnings"] if "aws-ec2" in w]


def test_version_names_the_table_dates(old_ec2) -> None:  # type: ignore[no-untyped-def]
    out = subprocess.run(
        [sys.executable, "-m", "aicost", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("aicost ")
    assert "aws-ec2 2025-10-18" in out and "azure-vm 2026-06-18" in out
