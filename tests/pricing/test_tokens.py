"""The LLM token table: name resolution, tiers, Azure deployment types, zero prices, retirement
warnings, and cross-checks against second sources.

Expected prices are read from the shipped table's JSON (or from the second source), never from
the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aicost.core.model import LlmUsage
from aicost.pricing.catalog import PriceBook
from aicost.pricing.tokens import ModelPrice, lookup, monthly_cost, retired
from aicost.sources import usage as usage_file
from tests.conftest import REPO, Runner, plan
from tests.mappers.manifest_helpers import check, policy, write

TABLE = json.loads((REPO / "pricing" / "llm" / "tokens.json").read_text())
FIXTURES = REPO / "tests" / "fixtures" / "pricing"
M = Decimal(1_000_000)
BOOK = PriceBook()


def row(provider: str, key: str) -> dict[str, str]:
    found = TABLE["prices"][provider][key]
    assert isinstance(found, dict)
    return found


def price(provider: str, key: str, column: str) -> Decimal:
    return Decimal(row(provider, key)[column])


def found(provider: str, model: str, **where: str) -> ModelPrice:
    result = lookup(BOOK, provider, model, **where)
    assert isinstance(result, ModelPrice), result
    return result


def cost(found_price: ModelPrice, **fields: object) -> Decimal:
    usage = LlmUsage(provider=found_price.provider, model=found_price.key, **fields)  # type: ignore[arg-type]
    result = monthly_cost(found_price, usage)
    assert result is not None
    return result[0]


# --- name resolution -------------------------------------------------------------------------
# Model ids as they appear in real Terraform and usage files: the Azure versions come from
# infracost's cognitive_deployment_test.tf and public modules (azurerm_cognitive_deployment
# model.name + model.version), the Bedrock ids from aws_bedrock_* model_id/model_arn values and
# SDK calls, and FMBench's Bedrock configuration (aws-samples/foundation-model-benchmarking-tool
# fmbench/configs/pricing.yml). The expected row is what the provider bills for that id.
RESOLUTION = [
    # (provider, model as written, table row it must price as)
    ("openai", "gpt-4o", "gpt-4o"),
    ("openai", "gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
    ("openai", "gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
    ("openai", "gpt-4.1", "gpt-4.1"),
    ("openai", "GPT-4o-mini", "gpt-4o-mini"),
    ("anthropic", "claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("anthropic", "claude-opus-4-1", "claude-opus-4-1"),
    ("anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1-20250805"),
    ("anthropic", "claude-opus-4-20250514", "claude-opus-4-20250514"),
    ("bedrock", "claude-3-7-sonnet", "anthropic.claude-3-7-sonnet-20250219-v1:0"),
    (
        "bedrock",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
    ),
    (
        "bedrock",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    ),
    (
        "aws",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    ("bedrock", "amazon.titan-embed-text-v2:0", "amazon.titan-embed-text-v2:0"),
    ("bedrock", "titan-embed-text-v2", "amazon.titan-embed-text-v2:0"),
    ("bedrock", "amazon.titan-embed-text-v1", "amazon.titan-embed-text-v1"),
    (
        "bedrock",
        "anthropic.claude-opus-4-1-20250805-v1:0",
        "anthropic.claude-opus-4-1-20250805-v1:0",
    ),
    ("bedrock", "us.meta.llama3-3-70b-instruct-v1:0", "us.meta.llama3-3-70b-instruct-v1:0"),
    ("bedrock", "amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"),
    (
        "bedrock",
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
    ),
    ("bedrock", "mistral.mixtral-8x7b-instruct-v0:1", "mistral.mixtral-8x7b-instruct-v0:1"),
    ("bedrock", "anthropic.claude-v2:1", "anthropic.claude-v2:1"),
    ("vertex_ai", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5@20250929"),
    ("gemini", "gemini-2.5-pro", "gemini-2.5-pro"),
    ("mistral", "mistral-large-latest", "mistral-large-latest"),
]


@pytest.mark.parametrize(("provider", "model", "expected"), RESOLUTION)
def test_model_ids_resolve_to_their_own_row(provider: str, model: str, expected: str) -> None:
    result = found(provider, model)
    assert result.key == expected
    assert result.price("input") == price(result.provider, expected, "input")


def test_a_dated_version_is_not_the_newest_one() -> None:
    dated = found("openai", "gpt-4o-2024-05-13")
    newest = found("openai", "gpt-4o")
    assert dated.price("input") == price("openai", "gpt-4o-2024-05-13", "input") == 5
    assert newest.price("input") == 2.5
    one = {"monthly_input_tokens": M, "monthly_output_tokens": M}
    assert cost(dated, **one) == Decimal(20)  # not gpt-4o's $12.50 (-47%)


@pytest.mark.parametrize(
    ("provider", "model", "why"),
    [
        ("openai", "gpt-4o-2099-01-01", "dated version 20990101 is not in the table"),
        ("anthropic", "claude-sonnet-4-5-20991231", "dated version 20991231"),
        ("bedrock", "titan-embed-text", "ambiguous version: name one of v1, v2"),
        ("bedrock", "anthropic.claude-3-7-sonnet-20240620-v1:0", "dated version 20240620"),
        ("openai", "gpt-9-ultra", "not in the llm-tokens table"),
        # Claude 2.0 is not Claude 2.1 (anthropic.claude-v2:1).
        ("bedrock", "anthropic.claude-v2", "that version is not in the table"),
        # LiteLLM has Claude 3 Haiku only in GovCloud, whose price differs.
        ("bedrock", "anthropic.claude-3-haiku-20240307-v1:0", "only in other regions"),
    ],
)
def test_an_unknown_version_is_unpriced_not_another_version(
    provider: str, model: str, why: str
) -> None:
    result = lookup(BOOK, provider, model)
    assert isinstance(result, str)
    assert why in result


def test_titan_embed_text_v2_is_not_priced_at_v1() -> None:
    v2 = found("bedrock", "titan-embed-text-v2")
    v1 = found("bedrock", "amazon.titan-embed-text-v1")
    assert v2.price("input") == price("bedrock", "amazon.titan-embed-text-v2:0", "input")
    assert v1.price("input") == 5 * v2.price("input")  # type: ignore[operator]


def test_an_undated_alias_says_which_snapshot_prices_it() -> None:
    result = found("bedrock", "claude-3-7-sonnet")
    assert result.price("input") == 3
    assert any("newest snapshot 20250219" in note for note in result.notes)


# --- tiers -----------------------------------------------------------------------------------


def test_priority_flex_batch_and_long_context_use_their_own_columns() -> None:
    gpt = found("openai", "gpt-5.4")
    volume = {"requests_per_month": Decimal(1000), "output_tokens": Decimal(1000)}
    short = {**volume, "input_tokens": Decimal(100_000)}
    long = {**volume, "input_tokens": Decimal(300_000)}

    def expected(inp: str, out: str, prompt: Decimal) -> Decimal:
        return (
            Decimal(1000) * prompt * price("openai", "gpt-5.4", inp)
            + Decimal(1000) * 1000 * price("openai", "gpt-5.4", out)
        ) / M

    assert cost(gpt, **short) == expected("input", "output", Decimal(100_000))
    assert cost(gpt, **short, service_tier="priority") == expected(
        "input_priority", "output_priority", Decimal(100_000)
    )
    assert cost(gpt, **short, service_tier="flex") == expected(
        "input_flex", "output_flex", Decimal(100_000)
    )
    assert cost(gpt, **long) == expected("input_above_272k", "output_above_272k", Decimal(300_000))
    assert cost(gpt, **long, service_tier="flex") == expected(
        "input_above_272k_flex", "output_above_272k_flex", Decimal(300_000)
    )
    assert cost(gpt, **long, batch_share=Decimal(1)) == expected(
        "input_above_272k_batch", "output_above_272k_batch", Decimal(300_000)
    )


def test_long_context_prices_read_from_anthropics_page_name_it() -> None:
    sonnet = found("anthropic", "claude-sonnet-4-5")
    usage = LlmUsage(
        provider="anthropic",
        model="claude-sonnet-4-5",
        requests_per_month=Decimal(1000),
        input_tokens=Decimal(300_000),
        output_tokens=Decimal(1000),
    )
    result = monthly_cost(sonnet, usage)
    assert result is not None
    total, lines, notes = result
    assert total == (Decimal(300_000_000) * 6 + Decimal(1_000_000) * Decimal("22.5")) / M
    assert {line.basis for line in lines} == {"anthropic-pricing-page-2026-12-04"}
    assert any("long-context prices" in note for note in notes)
    # Bedrock's LiteLLM row is a second source for the same page values.
    bedrock = row("bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert Decimal(bedrock["input_above_200k"]) == 6
    assert Decimal(bedrock["output_above_200k"]) == Decimal("22.5")


def test_anthropic_cache_reads_and_writes() -> None:
    sonnet = found("anthropic", "claude-sonnet-4-5")
    usage = {
        "monthly_input_tokens": M * 10,
        "monthly_output_tokens": M,
        "cached_input_share": Decimal("0.5"),
        "cache_write_share": Decimal("0.2"),
    }
    expected = (
        3 * price("anthropic", "claude-sonnet-4-5", "input")
        + 5 * price("anthropic", "claude-sonnet-4-5", "cache_read")
        + 2 * price("anthropic", "claude-sonnet-4-5", "cache_write")
        + price("anthropic", "claude-sonnet-4-5", "output")
    )
    assert cost(sonnet, **usage) == expected


def test_one_hour_cache_writes_use_their_price() -> None:
    sonnet = found("anthropic", "claude-sonnet-4-5")
    usage = {
        "monthly_input_tokens": M,
        "monthly_output_tokens": Decimal(0),
        "cache_write_share": Decimal(1),
    }
    assert cost(sonnet, **usage) == price("anthropic", "claude-sonnet-4-5", "cache_write")
    assert cost(sonnet, **usage, cache_ttl="1h") == price(
        "anthropic", "claude-sonnet-4-5", "cache_write_1h"
    )


def test_a_tier_the_model_lacks_falls_back_with_a_note() -> None:
    opus = found("anthropic", "claude-opus-4-1")
    usage = LlmUsage(
        provider="anthropic",
        model="claude-opus-4-1",
        monthly_input_tokens=M,
        monthly_output_tokens=M,
        service_tier="priority",
    )
    result = monthly_cost(opus, usage)
    assert result is not None
    assert result[0] == Decimal(90)
    assert any("no priority input price" in note for note in result[2])


# --- Azure OpenAI deployment types -----------------------------------------------------------


def test_azure_deployment_types_and_regions() -> None:
    global_ = found("azure", "gpt-4o-2024-05-13", deployment_type="GlobalStandard")
    regional = found("azure", "gpt-4o-2024-05-13", deployment_type="Standard", region="eastus")
    sweden = found("azure", "gpt-4o-2024-05-13", deployment_type="Standard", region="swedencentral")
    zone = found(
        "azure", "gpt-4o-2024-05-13", deployment_type="DataZoneStandard", region="westeurope"
    )
    base = price("azure", "gpt-4o-2024-05-13", "input")
    assert global_.price("input") == base == 5
    assert regional.price("input") == base * Decimal("1.1")
    assert sweden.price("input") == base * Decimal("1.21")
    assert zone.key == "eu/gpt-4o-2024-05-13"
    assert zone.price("input") == price("azure", "eu/gpt-4o-2024-05-13", "input")
    batch = found("azure", "gpt-4o-2024-05-13", deployment_type="GlobalBatch")
    assert batch.price("input_batch") == price("azure", "gpt-4o-2024-05-13", "input_batch")
    unknown_region = found("azure", "gpt-4o", deployment_type="Standard", region="japaneast")
    assert any("an estimate" in note for note in unknown_region.notes)
    assert unknown_region.basis.startswith("estimate: ")
    assert sweden.basis == "litellm-1.110.2 + infracost-golden-2025-12-01"
    embeddings = found(
        "azure", "text-embedding-3-small", deployment_type="Standard", region="eastus"
    )
    assert embeddings.price("input") == price("azure", "text-embedding-3-small", "input")
    typo = lookup(BOOK, "azure", "gpt-4o", deployment_type="GlobalStandrad")
    assert isinstance(typo, str) and "unknown Azure OpenAI deployment type" in typo
    ptu = lookup(BOOK, "azure", "gpt-4o", deployment_type="ProvisionedManaged")
    assert isinstance(ptu, str) and "PTU-hour" in ptu


def test_azure_terraform_deployments_are_priced_by_type_region_and_version(
    tmp_path: Path,
) -> None:
    usage = write(
        tmp_path,
        "aicost-usage.yml",
        "version: 1\nresource_type_default_usage:\n  azurerm_cognitive_deployment:\n"
        "    monthly_input_tokens: 1000000\n    monthly_output_tokens: 1000000\n",
    )
    result = check([plan("llm_azure_deployment_types")], policy(tmp_path), usage_file.load(usage))
    by = {w.workload.address.rsplit(".", 1)[-1]: w for w in result.workloads}

    def one_million(key: str, factor: str = "1") -> Decimal:
        return (price("azure", key, "input") + price("azure", key, "output")) * Decimal(factor)

    assert by["regional_swc"].monthly_cost == one_million("gpt-4o-2024-05-13", "1.21")
    assert by["regional_swc_mini"].monthly_cost == one_million("gpt-4o-mini-2024-07-18", "1.1")
    assert by["regional_eus"].monthly_cost == one_million("gpt-4o-2024-08-06", "1.1")
    assert by["datazone_weu"].monthly_cost == one_million("eu/gpt-4o-2024-11-20")
    assert by["global_eus"].monthly_cost == one_million("gpt-4o-2024-05-13") == 20
    assert by["batch_eus"].monthly_cost == (
        price("azure", "gpt-4o-mini-2024-07-18", "input_batch")
        + price("azure", "gpt-4o-mini-2024-07-18", "output_batch")
    )
    unknown = by["unknown_version"]
    assert not unknown.priced and "20990101" in (unknown.unpriced_reason or "")


# --- regions of the other providers -------------------------------------------------------


def test_regional_endpoints_data_residency_and_govcloud_rows() -> None:
    vertex = "claude-sonnet-4-5@20250929"
    base = price("vertex_ai", vertex, "input")
    assert found("vertex_ai", vertex, region="global").price("input") == base
    regional = found("vertex_ai", vertex, region="us-east5")
    factor = Decimal(row("vertex_ai", vertex)["regional_uplift"]["regional"])  # type: ignore[index]
    assert factor == Decimal("1.1") and regional.price("input") == base * factor
    assert found("openai", "gpt-5.4", region="eu").price("input") == price(
        "openai", "gpt-5.4", "input"
    ) * Decimal("1.1")
    gov = found("bedrock", "titan-embed-text-v2", region="us-gov-west-1")
    assert gov.key == "bedrock/us-gov-west-1/amazon.titan-embed-text-v2:0"
    assert gov.price("input") == price("bedrock", gov.key, "input")
    assert found("bedrock", "titan-embed-text-v2", region="us-east-1").price("input") == price(
        "bedrock", "amazon.titan-embed-text-v2:0", "input"
    )


# --- zero prices -----------------------------------------------------------------------------

ZERO_IN_LITELLM = [
    "meta/llama-3.1-70b-instruct-maas",
    "meta/llama-3.1-8b-instruct-maas",
    "meta/llama-3.2-90b-vision-instruct-maas",
    "meta/llama3-405b-instruct-maas",
    "meta/llama3-70b-instruct-maas",
    "meta/llama3-8b-instruct-maas",
]


@pytest.mark.parametrize("model", ZERO_IN_LITELLM)
def test_a_zero_price_is_unknown_not_free(model: str, tmp_path: Path) -> None:
    assert "input" not in row("vertex_ai", model) and "unpriced" in row("vertex_ai", model)
    llm = write(
        tmp_path,
        "aicost-llm.yaml",
        f"version: 1\nworkloads:\n  - name: llama\n    provider: vertex_ai\n    model: {model}\n"
        "    requests_per_month: 1000\n    input_tokens: 1000\n    output_tokens: 100\n",
    )
    workload = check([llm], policy(tmp_path)).workloads[0]
    assert not workload.priced and workload.monthly_cost is None
    assert "$0, which means unknown" in (workload.unpriced_reason or "")


def test_no_price_in_the_table_is_zero() -> None:
    for provider, rows in TABLE["prices"].items():
        for key, prices in rows.items():
            for column, value in prices.items():
                if column.startswith(("input", "output", "cache_")) and isinstance(value, str):
                    assert Decimal(value) > 0, (provider, key, column)


# --- retirement ------------------------------------------------------------------------------


def test_a_model_past_its_retirement_date_is_priced_with_a_warning(tmp_path: Path) -> None:
    opus = found("anthropic", "claude-opus-4-20250514")
    assert opus.deprecation_date == "2026-06-15"
    assert retired(opus, dt.date(2026, 6, 14)) is None
    assert "past its retirement date 2026-06-15" in (retired(opus, dt.date(2026, 6, 15)) or "")
    llm = write(
        tmp_path,
        "aicost-llm.yaml",
        "version: 1\nworkloads:\n  - name: legacy\n    provider: anthropic\n"
        "    model: claude-opus-4-20250514\n    requests_per_month: 1000\n"
        "    input_tokens: 1000\n    output_tokens: 1000\n",
    )
    result = check([llm], policy(tmp_path))
    workload = result.workloads[0]
    assert workload.monthly_cost == Decimal(90)  # still sold on Bedrock and Vertex
    assert any("retirement date 2026-06-15" in w and "llm/legacy" in w for w in result.warnings)
    notes = workload.planned_cost.notes if workload.planned_cost else ()
    assert "anthropic/claude-opus-4-20250514 retires on 2026-06-15" in notes


def test_models_still_sold_are_kept_with_their_dates() -> None:
    for key in ("claude-opus-4-20250514", "claude-opus-4-1-20250805"):
        assert row("anthropic", key)["basis"] == "anthropic-pricing-page-2026-12-04"
        assert row("anthropic", key)["deprecation_date"]
    bedrock = row("bedrock", "anthropic.claude-opus-4-1-20250805-v1:0")
    assert bedrock["deprecation_date"] == "2027-01-08"


# --- provenance and cross-checks -------------------------------------------------------------


def test_every_row_names_a_dated_source() -> None:
    sources = {s["id"]: s for s in TABLE["sources"]}
    for rows in TABLE["prices"].values():
        for prices in rows.values():
            assert prices["basis"] in sources
            for basis in (prices.get("column_basis") or {}).values():
                assert basis in sources
    for source in sources.values():
        dt.date.fromisoformat(source["date"])


def test_cross_check_with_the_older_litellm_release() -> None:
    """Rows whose price did not move between LiteLLM 1.109.1 (2026-11-12) and the pinned
    1.110.2 agree with the older release (a second, independently built copy)."""
    sample = json.loads((FIXTURES / "litellm-1.109.1-sample.json").read_text())["entries"]
    prefixes = ("gemini/", "vertex_ai/", "azure/", "mistral/", "deepseek/", "xai/")
    providers = {"gemini": "google", "bedrock_converse": "bedrock"}
    checked = 0
    for key, entry in sample.items():
        provider = providers.get(entry["litellm_provider"], entry["litellm_provider"])
        provider = "vertex_ai" if provider.startswith("vertex_ai") else provider
        name = next((key[len(p) :] for p in prefixes if key.startswith(p)), key)
        for field, column in (
            ("input_cost_per_token", "input"),
            ("output_cost_per_token", "output"),
            ("cache_read_input_token_cost", "cache_read"),
        ):
            if entry.get(field):
                assert price(provider, name, column) == Decimal(repr(entry[field])) * M, key
                checked += 1
    assert checked >= 60


def test_cross_check_azure_regional_prices_with_infracost() -> None:
    """Infracost's golden file (2025-12-01, Azure Retail Prices API Regional meters) against
    aicost's Regional (Standard) prices. Infracost prices an undated gpt-4o as 2024-05-13 and an
    undated gpt-35-turbo as an old snapshot; aicost prices the undated name as its own row, so
    those are left out."""
    checked = 0
    with (FIXTURES / "infracost-azure-openai-regional-2025-12-01.csv").open() as handle:
        for line in csv.DictReader(handle):
            key = line["deployment_key"]
            if key in ("gpt-4o", "gpt-35-turbo") or key not in TABLE["prices"]["azure"]:
                continue
            if line["component"] not in row("azure", key):
                continue
            expected = Decimal(line["monthly_usd"]) / Decimal(line["quantity_1k_tokens"]) * 1000
            result = found("azure", key, deployment_type="Standard", region=line["region"])
            actual = result.price(line["component"])
            assert actual is not None
            # Azure rounds its meter prices to $0.001 per 1M tokens (gpt-4o-mini cached input:
            # $0.091, not 1.21 x $0.075 = $0.09075).
            tolerance = max(expected * Decimal("0.002"), Decimal("0.001"))
            assert abs(actual - expected) <= tolerance, (line, actual)
            checked += 1
    assert checked >= 60


def test_cross_check_page_rows_with_bedrock() -> None:
    """Opus 4 and 4.1 come from Anthropic's page; Bedrock's LiteLLM rows are a second source."""
    for page_key, bedrock_key in (
        ("claude-opus-4-20250514", "anthropic.claude-opus-4-20250514-v1:0"),
        ("claude-opus-4-1-20250805", "anthropic.claude-opus-4-1-20250805-v1:0"),
    ):
        for column in ("input", "output", "cache_read", "cache_write"):
            assert price("anthropic", page_key, column) == price("bedrock", bedrock_key, column)


def test_pricing_show_lists_a_model_per_provider_with_its_source(aicost: Runner) -> None:
    result = aicost("pricing", "show", "gpt-4o-2024-05-13")
    assert result.code == 0, result.err
    assert "openai" in result.out and "azure" in result.out
    assert "input 5" in result.out and "basis: litellm-1.110.2" in result.out


# --- the build script's update path (the weekly rebuild) -------------------------------------


def _script() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_llm_pricing", REPO / "scripts" / "build_llm_pricing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_update_pins_a_wheel_by_hash_and_lists_the_largest_changes(tmp_path: Path) -> None:
    import zipfile

    script = _script()
    prices = {
        "gpt-4o": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": 3e-06,
            "output_cost_per_token": 1e-05,
        },
        "vertex_ai/meta/llama3-8b-instruct-maas": {
            "litellm_provider": "vertex_ai-llama_models",
            "mode": "chat",
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
        },
    }
    wheel = tmp_path / "litellm-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(script.JSON_MEMBER, json.dumps(prices))
        archive.writestr(
            "litellm-9.9.9.dist-info/sboms/x.cyclonedx.json",
            json.dumps({"metadata": {"timestamp": "2027-01-02T03:04:05Z"}}),
        )
    data, pin = script.read_wheel("9.9.9", wheel, None)
    assert pin.version == "9.9.9" and pin.date == "2027-01-02" and len(pin.sha256) == 64
    with pytest.raises(SystemExit, match="SHA-256"):
        script.read_wheel("9.9.9", wheel, "0" * 64)
    extract = tmp_path / "litellm-9.9.9-extract.json"
    extract.write_text(json.dumps(script.extract(data, pin)))
    table = script.build(extract)
    assert table["as_of"] == "2027-01-02"
    assert table["prices"]["openai"]["gpt-4o"]["input"] == "3"
    assert "unpriced" in table["prices"]["vertex_ai"]["meta/llama3-8b-instruct-maas"]
    summary = script.changes(TABLE, table)
    assert "openai/gpt-4o input: $2.5 -> $3 (+20%)" in summary


def test_a_policy_naming_a_model_covers_its_dated_snapshots(tmp_path: Path) -> None:
    llm = write(
        tmp_path,
        "aicost-llm.yaml",
        "version: 1\nworkloads:\n"
        "  - {name: old, provider: openai, model: gpt-4o-2024-05-13, requests_per_month: 10,"
        " input_tokens: 10, output_tokens: 10, max_tokens: 10}\n"
        "  - {name: mini, provider: openai, model: gpt-4o-mini-2024-07-18, requests_per_month: 10,"
        " input_tokens: 10, output_tokens: 10, max_tokens: 10}\n",
    )
    rules = "version: 1\nname: t\nrules:\n  - {id: models, type: llm-model, deny: [gpt-4o]}\n"
    result = check([llm], policy(tmp_path, rules))
    denied = sorted(f.address.rsplit("/", 1)[-1] for f in result.findings if f.rule == "models")
    assert denied == ["old"]
