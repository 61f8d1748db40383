"""LLM token workloads: the token table, usage manifests, Terraform LLM resources, rules."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from aicost.core.errors import AicostError
from aicost.core.model import LlmUsage
from aicost.pricing.catalog import PriceBook
from aicost.pricing.tokens import ModelPrice, lookup, monthly_cost
from aicost.sources import usage as usage_file
from tests.conftest import REPO, Runner, plan
from tests.mappers.manifest_helpers import check, policy, write

TABLE = json.loads((REPO / "pricing" / "llm" / "tokens.json").read_text())
M = Decimal(1_000_000)


def _row(provider: str, model: str, column: str) -> Decimal:
    """A price straight from the shipped table (the independent source of truth)."""
    return Decimal(TABLE["prices"][provider][model][column])


def _cost(provider: str, model: str, **fields: object) -> Decimal:
    found = lookup(PriceBook(), provider, model)
    assert isinstance(found, ModelPrice), found
    result = monthly_cost(found, LlmUsage(provider=provider, model=model, **fields))  # type: ignore[arg-type]
    assert result is not None
    return result[0]


def test_golden_gpt_4o_one_million_in_and_out_is_12_50() -> None:
    cost = _cost("openai", "gpt-4o", monthly_input_tokens=M, monthly_output_tokens=M)
    assert cost == Decimal("12.50")


def test_table_records_litellm_version_and_date() -> None:
    assert TABLE["as_of"] == "2026-11-20"
    assert TABLE["sources"][0]["id"] == "litellm-1.110.2"
    for provider in ("openai", "anthropic", "google", "vertex_ai", "bedrock", "azure", "mistral"):
        assert TABLE["prices"][provider], provider
    assert _row("anthropic", "claude-sonnet-4-5", "cache_write") == Decimal("3.75")
    assert _row("openai", "gpt-4o", "input_batch") == Decimal("1.25")


def test_token_table_is_rebuilt_byte_for_byte(tmp_path: Path) -> None:
    """The shipped table is exactly what the build script makes from the pinned extract."""
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_llm_pricing.py"),
            "--output",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    built = (tmp_path / "llm" / "tokens.json").read_bytes()
    assert built == (REPO / "pricing" / "llm" / "tokens.json").read_bytes()


def test_cache_reads_writes_and_batch_use_their_own_prices() -> None:
    cost = _cost(
        "anthropic",
        "claude-sonnet-4-5",
        monthly_input_tokens=M * 10,
        monthly_output_tokens=M,
        cached_input_share=Decimal("0.5"),
        cache_write_share=Decimal("0.1"),
        batch_share=Decimal("0.5"),
    )
    fresh, cached, written, out = M * 4, M * 5, M, M
    half = Decimal("0.5")
    expected = (
        fresh * half * _row("anthropic", "claude-sonnet-4-5", "input")
        + fresh * half * _row("anthropic", "claude-sonnet-4-5", "input_batch")
        + cached * half * _row("anthropic", "claude-sonnet-4-5", "cache_read")
        + cached * half * _row("anthropic", "claude-sonnet-4-5", "cache_read_batch")
        + written * _row("anthropic", "claude-sonnet-4-5", "cache_write")
        + out * half * _row("anthropic", "claude-sonnet-4-5", "output")
        + out * half * _row("anthropic", "claude-sonnet-4-5", "output_batch")
    ) / M
    assert cost == expected


def test_model_names_resolve_across_spellings_and_providers() -> None:
    book = PriceBook()
    found = lookup(book, "aws", "claude-sonnet-4.5")
    assert isinstance(found, ModelPrice)
    assert found.provider == "bedrock" and found.key.endswith("claude-sonnet-4-5-20250929-v1:0")
    assert found.price("input") == 3
    assert isinstance(lookup(book, "gemini", "gemini-2.5-flash"), ModelPrice)
    missing = lookup(book, "openai", "gpt-9-ultra")
    assert isinstance(missing, str) and "not in the llm-tokens table" in missing


LLM_FILE = """\
version: 1
defaults:
  provider: openai
  tags: {team: support, environment: prod}
workloads:
  - name: chat
    model: gpt-4o
    requests_per_month: 1000000
    input_tokens: 2000
    output_tokens: 500
    tier: standard
    use_case: chat
  - name: unknown-volume
    model: gpt-4o-mini
"""


def test_usage_manifest_prices_per_request_and_per_token(aicost: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "aicost-llm.yaml", LLM_FILE)
    result = aicost("check", path, "--format", "json")
    assert result.code == 1  # the unknown volume is unpriced, and unpriced is an error
    chat, unknown = result.json["resources"]
    expected = (
        M * 2000 * _row("openai", "gpt-4o", "input") + M * 500 * _row("openai", "gpt-4o", "output")
    ) / M
    assert Decimal(chat["monthly_cost"]) == expected
    assert chat["address"] == f"{path}:llm/chat"
    assert Decimal(chat["unit_costs"]["per_1k_requests"]) == expected / 1000
    assert Decimal(chat["unit_costs"]["per_1k_tokens"]) == round(
        expected / 2500 / 1000 * 1000 / 1000, 6
    )
    assert chat["llm"]["tokens_per_month"] == "2500000000"
    assert chat["planned"]["tags"]["use-case"] == "chat"
    assert unknown["priced"] is False and "token volume not known" in unknown["unpriced_reason"]


def test_usage_manifest_errors_name_the_line(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path, "aicost-llm.yaml", LLM_FILE.replace("    tier: standard", "    teir: standard")
    )
    result = aicost("check", path)
    assert result.code == 2
    assert f"{path}:11:" in result.err and "unknown key 'teir'" in result.err


def test_terraform_llm_resources(tmp_path: Path) -> None:
    usage = write(
        tmp_path,
        "aicost-usage.yml",
        "version: 1\nresource_usage:\n  azurerm_cognitive_deployment.chat:\n"
        "    requests_per_month: 1000\n    input_tokens: 1000\n    output_tokens: 1000\n",
    )
    result = check([plan("llm_azure_gcp")], policy(tmp_path), usage_file.load(usage))
    by = {w.workload.address: w for w in result.workloads}
    assert by["azurerm_cognitive_deployment.chat"].monthly_cost == Decimal("12.50")
    assert by["azurerm_cognitive_deployment.chat"].workload.planned.tags["team"] == "support"  # type: ignore[union-attr]
    reserved = by["azurerm_cognitive_deployment.reserved"]
    assert not reserved.priced and "50 PTUs of gpt-4o" in (reserved.unpriced_reason or "")
    gemma = by["google_vertex_ai_endpoint_with_model_garden_deployment.gemma"]
    assert gemma.workload.planned is not None
    assert gemma.workload.planned.accelerators_total == 1
    assert gemma.workload.planned.max_nodes == 3
    bedrock = check([plan("aws_bedrock")], policy(tmp_path)).workloads[0]
    assert not bedrock.priced and "2 model units" in (bedrock.unpriced_reason or "")


RULES = """\
version: 1
name: llm
rules:
  - id: models
    type: llm-model
    deny: [gpt-4]
    tiers:
      standard: {allow: [gpt-4o-mini, gpt-5-nano]}
      premium: {allow: ["gpt-4o*"]}
  - id: max-tokens
    type: llm-max-tokens
    severity: warning
    ceiling: 1000
  - id: caching
    type: llm-caching
    severity: warning
    min_requests_per_day: 10000
"""


def test_llm_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "aicost-llm.yaml",
        LLM_FILE.replace("  - name: unknown-volume\n    model: gpt-4o-mini\n", ""),
    )
    result = check([path], policy(tmp_path, RULES))
    by_rule = {f.rule: f for f in result.findings}
    chat_cost = result.workloads[0].monthly_cost
    assert chat_cost is not None
    model = by_rule["models"]
    cheapest = _cost(
        "openai",
        "gpt-5-nano",
        requests_per_month=M,
        input_tokens=Decimal(2000),
        output_tokens=Decimal(500),
    )
    assert "gpt-4o is not allowed for tier standard" in model.message
    assert model.monthly_saving == chat_cost - cheapest
    assert "max_tokens is not set" in by_rule["max-tokens"].message
    caching = by_rule["caching"]
    with_cache = _cost(
        "openai",
        "gpt-4o",
        requests_per_month=M,
        input_tokens=Decimal(2000),
        output_tokens=Decimal(500),
        cached_input_share=Decimal("0.5"),
    )
    assert caching.monthly_saving == chat_cost - with_cache
    assert "(estimate)" in caching.message
    premium = write(
        tmp_path,
        "p.yaml",
        LLM_FILE.replace("tier: standard", "tier: premium").replace(
            "    use_case: chat\n",
            "    use_case: chat\n    max_tokens: 800\n    cached_input_share: 0.3\n",
        ),
    )
    quiet = check([premium], policy(tmp_path, RULES))
    assert not [f for f in quiet.findings if f.address.endswith("llm/chat")]


def test_usage_file_matches_addresses_wildcards_and_types(tmp_path: Path) -> None:
    text = """\
version: 1
resource_usage:
  "*:PyTorchJob/*":
    run_hours: 5
  "{job}:PyTorchJob/bert":
    runs_per_month: 4
  nothing.matches:
    hours_per_month: 10
resource_type_default_usage:
  kubeflow.org/PyTorchJob:
    run_hours: 99
    runs_per_month: 1
"""
    job = write(
        tmp_path,
        "job.yaml",
        "apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {name: bert}\nspec:\n"
        "  pytorchReplicaSpecs:\n    Worker:\n      template:\n        spec:\n"
        "          nodeSelector: {node.kubernetes.io/instance-type: g6.xlarge}\n"
        "          containers: [{name: t, resources: {limits: {nvidia.com/gpu: 1}}}]\n",
    )
    usage = usage_file.load(write(tmp_path, "aicost-usage.yml", text.replace("{job}", str(job))))
    result = check([job], policy(tmp_path), usage)
    planned = result.workloads[0].workload.planned
    assert planned is not None
    assert planned.run_hours == 5 and planned.runs_per_month == 4 and planned.hours_per_month == 20
    assert [w for w in result.warnings if not w.startswith("price table ")] == [
        f"{usage.path}: usage entry 'nothing.matches' matches no resource"
    ]


def test_usage_file_errors_name_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "u.yml", "version: 1\nresource_usage:\n  a.b:\n    run_hour: 3\n")
    with pytest.raises(AicostError) as raised:
        usage_file.load(path)
    assert str(raised.value).startswith(f"{path}:4:") and "run_hour" in str(raised.value)


def test_published_schemas_are_current_and_validate_the_examples() -> None:
    import jsonschema
    import yaml

    built = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_schemas.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    for schema_name, example in (
        ("aicost-llm.schema.json", "aicost-llm.yaml"),
        ("aicost-usage.schema.json", "aicost-usage.yml"),
    ):
        schema = json.loads((REPO / "schemas" / schema_name).read_text())
        document = yaml.safe_load((REPO / "examples" / example).read_text())
        jsonschema.validate(document, schema)
        bad = {**document, "surprise": 1}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def test_manifests_and_llm_usage_are_checked_offline(tmp_path: Path) -> None:
    from tests.test_offline import probe

    out = tmp_path / "report.json"
    sky = REPO / "tests" / "fixtures" / "manifests" / "sky-task.yaml"
    result = probe(
        "check",
        str(REPO / "examples" / "aicost-llm.yaml"),
        str(sky),
        "--format",
        f"json={out}",
    )
    assert result["events"] == [] and result["sdk"] == []
    assert len(json.loads(out.read_text())["resources"]) == 5


def test_llm_rule_findings_can_be_waived(tmp_path: Path) -> None:
    """The LLM rules go through the same waivers as every rule: silenced, kept, not failing."""
    path = write(
        tmp_path,
        "aicost-llm.yaml",
        LLM_FILE.replace("  - name: unknown-volume\n    model: gpt-4o-mini\n", ""),
    )
    waived = RULES + (
        "waivers:\n"
        "  - {rule: models, addresses: ['*llm/chat'], reason: migration in Q1, owner: ml-platform,"
        " expires: 2099-12-31}\n"
        "  - {rule: max-tokens, addresses: ['*llm/chat'], reason: streaming UI, owner: ml-platform,"
        " expires: 2099-12-31}\n"
        "  - {rule: caching, addresses: ['*llm/chat'], reason: prompts vary, owner: ml-platform,"
        " expires: 2099-12-31}\n"
    )
    before = {f.rule: f for f in check([path], policy(tmp_path, RULES)).findings}
    after = {f.rule: f for f in check([path], policy(tmp_path, waived)).findings}
    for rule in ("models", "max-tokens", "caching"):
        assert not before[rule].waived
        assert after[rule].waived and not after[rule].fails, rule
        waiver = after[rule].waiver
        assert waiver is not None and waiver.owner == "ml-platform"
        assert after[rule].message == before[rule].message
    assert before["models"].fails  # the model rule's error failed the gate before the waiver
