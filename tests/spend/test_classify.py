"""The AI rule on lines as each cloud writes them (accelerators through the hardware catalogue)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aicost.cli import main
from tests.spend.helpers import COLUMNS, line, write

DAY = date(2026, 11, 2)
COLUMNS_X = (*COLUMNS, "x_SkuMeterName", "x_UsageType")


def cloud_line(resource: str, cost: float, **kwargs: Any) -> dict[str, Any]:
    x: dict[str, Any] = {k: kwargs.pop(k) for k in ("x_SkuMeterName", "x_UsageType") if k in kwargs}
    row = line(DAY, cost, resource=resource, **kwargs)
    row.update(x)
    return row


ROWS = [
    # AWS: instance types in the description / x_UsageType; Trainium, Inferentia, SageMaker
    cloud_line(
        "aws-p5",
        98.32,
        description="On Demand Linux p5.48xlarge Instance Hour",
        quantity=1,
        unit="Hours",
    ),
    cloud_line(
        "aws-trn",
        21.5,
        description="",
        x_UsageType="USE1-BoxUsage:trn1.32xlarge",
        quantity=1,
        unit="Hours",
    ),
    cloud_line("aws-inf", 0.76, description="inf2.xlarge", quantity=1, unit="Hours"),
    cloud_line(
        "aws-sm",
        1.41,
        service="Amazon SageMaker",
        category="AI and Machine Learning",
        description="ml.g5.2xlarge hosting",
        quantity=1,
        unit="Hours",
    ),
    # Google: a machine type, a per-GPU SKU, a TPU SKU, Vertex AI tokens
    cloud_line(
        "gcp-a3",
        88.0,
        service="Compute Engine",
        description="a3-highgpu-8g running in Americas",
        quantity=1,
        unit="Hours",
    ),
    cloud_line(
        "gcp-l4",
        0.56,
        service="Compute Engine",
        description="Nvidia L4 GPU running in Americas",
        quantity=2,
        unit="Hours",
    ),
    cloud_line(
        "gcp-tpu",
        4.8,
        service="Cloud TPU",
        category="AI and Machine Learning",
        description="TPU v5e chip",
        quantity=4,
        unit="Hours",
    ),
    cloud_line(
        "gcp-gemini",
        0.5,
        service="Vertex AI",
        category="AI and Machine Learning",
        description="Gemini 2.5 Pro input tokens",
        quantity=400,
        unit="1K Tokens",
    ),
    # Azure: meter names without Standard_, Azure OpenAI tokens
    cloud_line(
        "az-nc",
        3.67,
        service="Virtual Machines",
        description="",
        x_SkuMeterName="NC24ads A100 v4",
        quantity=1,
        unit="Hours",
    ),
    cloud_line(
        "az-oai",
        2.5,
        service="Azure OpenAI",
        category="AI and Machine Learning",
        description="gpt-4o-0806-Inp-glbl Tokens",
        quantity=1_000_000,
        unit="Tokens",
    ),
    # not AI: a CPU instance, storage, a GPU-looking word outside compute
    cloud_line(
        "aws-m5",
        0.19,
        description="On Demand Linux m5.large Instance Hour",
        quantity=1,
        unit="Hours",
    ),
    cloud_line("s3", 5.0, service="Amazon S3", category="Storage", description="g5.xlarge logs"),
]


@pytest.fixture
def report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    export = write(tmp_path / "clouds.csv", ROWS, COLUMNS_X)
    assert (
        main(["spend", str(export), "--by", "resource,accelerator,ai-kind", "--format", "json"])
        == 0
    )
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_each_cloud(report: dict[str, Any]) -> None:
    found = {g["key"]["resource"]: g for g in report["groups"]}
    expected = {
        "aws-p5": ("H100", "accelerator", 8.0),
        "aws-trn": ("Trainium", "accelerator", 16.0),
        "aws-inf": ("Inferentia2", "accelerator", 1.0),
        "aws-sm": ("A10G", "accelerator", 1.0),
        "gcp-a3": ("H100", "accelerator", 8.0),
        "gcp-l4": ("L4", "accelerator", 2.0),
        "gcp-tpu": ("TPU-v5e", "accelerator", 4.0),
        "gcp-gemini": ("(untagged)", "tokens", None),
        "az-nc": ("A100-80GB", "accelerator", 1.0),
        "az-oai": ("(untagged)", "tokens", None),
    }
    assert set(found) == set(expected)  # the CPU instance and the storage line are not AI
    for resource, (accelerator, kind, gpu_hours) in expected.items():
        key = found[resource]["key"]
        assert (key["accelerator"], key["ai-kind"], found[resource]["gpu_hours"]) == (
            accelerator,
            kind,
            gpu_hours,
        ), resource


def test_cost_per_1k_tokens(report: dict[str, Any]) -> None:
    # 400K Gemini tokens for $0.50 and 1M Azure OpenAI tokens for $2.50: $3 per 1.4M
    assert float(report["kpis"]["cost_per_1k_tokens"]) == pytest.approx(3 / 1400, abs=1e-6)
