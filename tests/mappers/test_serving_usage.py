"""Usage that applies is used: requests and tokens on self-hosted serving give unit costs;
usage keys that do not apply to a workload warn.

aws_inference (a real plan): aws_instance.rerank is a self-hosted g6e.12xlarge inference box;
aws_platform: aws_instance.llm_pretrain trains.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aicost.core.calendar import DAYS_PER_MONTH
from tests.conftest import Runner, plan
from tests.helpers import HOURS, price

POLICY = "version: 1\nname: p\nunpriced: ignore\nrules: []\n"
USAGE = """\
version: 1
resource_usage:
  aws_instance.rerank:
    requests_per_day: 20000
    input_tokens: 1000
    output_tokens: 200
    cached_input_share: 0.5
  aws_instance.nightly:
    monthly_input_tokens: 1000000
"""


def _resources(document: dict[str, object]) -> dict[str, dict[str, object]]:
    resources = document["resources"]
    assert isinstance(resources, list)
    return {r["address"]: r for r in resources}


def test_self_hosted_serving_gets_cost_per_1000_requests_and_tokens(
    aicost: Runner, tmp_path: Path
) -> None:
    usage = tmp_path / "aicost-usage.yml"
    usage.write_text(USAGE, encoding="utf-8")
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    result = aicost(
        "check", plan("aws_inference"), "--usage-file", usage, "--format", "json",
        "--policy", tmp_path / "p.yaml",
    )  # fmt: skip
    assert result.code in (0, 1), result.err
    rerank = _resources(result.json)["aws_instance.rerank"]
    monthly = price("g6e.12xlarge") * HOURS
    requests = Decimal(20000) * DAYS_PER_MONTH
    units = rerank["unit_costs"]
    assert isinstance(units, dict)
    assert units["per_1k_requests"] == str(round(monthly / requests * 1000, 4))
    assert units["per_1k_tokens"] == str(round(monthly / (requests * 1200) * 1000, 6))
    # keys that do not apply warn, naming the key and the workload
    assert (
        "usage key cached_input_share for aws_instance.rerank does not apply to an inference "
        "workload: ignored" in result.err
    )
    assert "monthly_input_tokens for aws_instance.nightly does not apply to a batch workload" in (
        result.err
    )


def test_run_keys_on_an_llm_deployment_warn(aicost: Runner, tmp_path: Path) -> None:
    usage = tmp_path / "aicost-usage.yml"
    usage.write_text(
        "version: 1\nresource_usage:\n  azurerm_cognitive_deployment.chat:\n"
        "    requests_per_day: 1000\n    input_tokens: 500\n    output_tokens: 100\n"
        "    runs_per_month: 4\n",
        encoding="utf-8",
    )
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    result = aicost(
        "check", plan("llm_azure_gcp"), "--usage-file", usage, "--format", "json",
        "--policy", tmp_path / "p.yaml",
    )  # fmt: skip
    assert "runs_per_month for azurerm_cognitive_deployment.chat does not apply to an LLM" in (
        result.err
    )
