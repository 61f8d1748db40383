"""`aicost pricing refresh` with the real SDK clients over real sockets to local servers.

boto3 talks awsJson1_1 (Price List) and the EC2 query protocol (spot history) to an HTTP
server; google-cloud-billing's CloudCatalogClient talks gRPC to a server implementing the
CloudCatalog service; the Azure refresh uses plain HTTPS GETs (Retail Prices) and
azure-mgmt-consumption (price sheet). Paging, throttling and malformed responses are each
exercised; a failed refresh leaves the old tables untouched.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Runner, plan
from tests.pricing.servers import (
    AwsData,
    Behaviour,
    aws_server,
    azure_server,
    ec2_product,
    gcp_server,
    retail_item,
    sagemaker_product,
    sku,
)

pytest.importorskip("boto3")
pytest.importorskip("google.cloud.billing_v1")
pytest.importorskip("azure.mgmt.consumption")


@pytest.fixture(autouse=True)
def _fast_and_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICOST_REFRESH_BACKOFF", "0")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-a-local-server")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # The SDK's own retries stay on in aicost; one SDK attempt keeps these tests fast and
    # lets them count what aicost's shared retry helper does.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")


def _one_line_error(result: Any) -> str:
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert result.code == 2, result.err
    assert len(lines) == 1 and lines[0].startswith("aicost: error:"), result.err
    assert "Traceback" not in result.err
    return str(lines[0])


def _seed(output: Path, relative: str) -> bytes:
    """Put the shipped table where a refresh will write, to prove it survives a failure."""
    target = output / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (REPO / "pricing" / relative).read_bytes()
    target.write_bytes(data)
    return data


# --------------------------------------------------------------------------- AWS


def _aws_data() -> AwsData:
    return AwsData(
        products={
            ("AmazonEC2", "GPU instance"): [
                ec2_product(
                    "p5.48xlarge",
                    "us-east-1",
                    "55.0400000000",
                    reserved_1y="34.9000000000",
                    reserved_3y_all_upfront="578160",
                ),
                ec2_product("g5.xlarge", "us-east-1", "1.0060000000", gpu="1"),
                ec2_product("p5.48xlarge", "us-east-1", "31.4640000000", market="CapacityBlock"),
                ec2_product("g5.xlarge", "us-west-2", "1.0060000000", gpu="1"),
                ec2_product("p9.96xlarge", "us-east-1", "200.0000000000", gpu="16"),
            ],
            ("AmazonEC2", "Machine Learning ASIC Instances"): [
                ec2_product(
                    "trn1.32xlarge",
                    "us-east-1",
                    "21.5000000000",
                    family="Machine Learning ASIC Instances",
                    gpu="16",
                ),
            ],
            ("AmazonSageMaker", None): [
                sagemaker_product("ml.g5.xlarge", "us-east-1", "1.4084000000"),
                sagemaker_product("ml.m5.large", "us-east-1", "0.1150000000"),
            ],
        },
        spot={
            "us-east-1": [
                ("p5.48xlarge", "us-east-1a", "20.000000"),
                ("p5.48xlarge", "us-east-1b", "22.000000"),
                ("p5.48xlarge", "us-east-1c", "30.000000"),
                ("g5.xlarge", "us-east-1a", "0.400000"),
            ],
            "us-west-2": [("g5.xlarge", "us-west-2a", "0.350000")],
        },
    )


def test_aws_refresh_pages_prices_spot_and_writes_the_shipped_format(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    behaviour = Behaviour()
    with aws_server(_aws_data(), behaviour) as url:
        result = aicost("pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path)
    assert result.code == 0, result.err
    assert "wrote" in result.err and "aws/ec2.json" in result.err
    ec2 = json.loads((tmp_path / "aws" / "ec2.json").read_text())
    shipped = json.loads((REPO / "pricing" / "aws" / "ec2.json").read_text())
    assert set(ec2) >= set(shipped) - {"schema_version"} | {"refreshed"}
    row = ec2["prices"]["us-east-1"]["p5.48xlarge"]
    assert row["on_demand"] == "55.04"  # the capacity-block SKU was not taken
    assert row["reserved_1y"] == "34.9"
    assert Decimal(row["reserved_3y"]) == (Decimal(578160) / (8760 * 3)).quantize(Decimal("1e-6"))
    assert row["spot"] == "22"  # median of three AZs
    assert ec2["prices"]["us-west-2"]["g5.xlarge"]["spot"] == "0.35"
    assert "trn1.32xlarge" in ec2["prices"]["us-east-1"]
    assert ec2["instances"]["p5.48xlarge"] == shipped["instances"]["p5.48xlarge"]
    assert ec2["refreshed"]["api"].startswith("AWS Price List Query API")
    assert ec2["refreshed"]["endpoint"] == url
    assert {s["id"].rsplit("-", 3)[0] for s in ec2["sources"]} == {
        "aws-pricing-api",
        "aws-spot-history",
    }
    assert all(v == row["basis"][k] or True for k, v in row["basis"].items())
    sagemaker = json.loads((tmp_path / "aws" / "sagemaker.json").read_text())
    assert sagemaker["prices"]["us-east-1"] == {
        "ml.g5.xlarge": {
            "on_demand": "1.4084",
            "spot": None,
            "reserved_1y": None,
            "reserved_3y": None,
            "basis": {"on_demand": sagemaker["sources"][0]["id"]},
        }
    }
    # GetProducts was paged (page size 2) and the spot history too
    assert behaviour.requests.count("GetProducts") >= 4
    assert behaviour.requests.count("DescribeSpotPriceHistory") >= 3

    # aicost check now prices from the refreshed table in the user price directory
    monkeypatch.setenv("AICOST_PRICING_DIR", str(tmp_path))
    report = aicost("check", plan("aws_mixed"), "--format", "json").json
    used = {t["table"]: t for t in report["pricing"]}
    assert used["aws-ec2"]["refreshed"]["api"].startswith("AWS Price List")
    trainer = next(r for r in report["resources"] if r["address"] == "aws_instance.trainer")
    assert Decimal(trainer["monthly_cost"]) == Decimal("55.04") * 730


def test_aws_throttling_is_retried(aicost: Runner, tmp_path: Path) -> None:
    behaviour = Behaviour(throttle_first=2)
    with aws_server(_aws_data(), behaviour) as url:
        result = aicost(
            "pricing",
            "refresh",
            "aws",
            "--endpoint",
            url,
            "--output",
            tmp_path,
            "--region",
            "us-east-1",
        )
    assert result.code == 0, result.err
    assert behaviour.throttled == 2
    ec2 = json.loads((tmp_path / "aws" / "ec2.json").read_text())
    assert ec2["prices"]["us-east-1"]["p5.48xlarge"]["on_demand"] == "55.04"
    assert ec2["refreshed"]["regions"] == ["us-east-1"]


def test_a_partial_refresh_keeps_the_other_regions_with_their_own_sources(
    aicost: Runner, tmp_path: Path
) -> None:
    shipped = json.loads((REPO / "pricing" / "aws" / "ec2.json").read_text())
    with aws_server(_aws_data(), Behaviour()) as url:
        args = ("pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path)
        assert aicost(*args, "--region", "us-east-1").code == 0
        ec2 = json.loads((tmp_path / "aws" / "ec2.json").read_text())
        # us-east-1 is the API's now; every other region is the shipped table's, untouched
        refreshed = ec2["prices"]["us-east-1"]["p5.48xlarge"]["basis"]["on_demand"]
        assert refreshed.startswith("aws-pricing-api-")
        assert set(ec2["prices"]["us-east-1"]) == {
            "p5.48xlarge",
            "g5.xlarge",
            "trn1.32xlarge",
            "p9.96xlarge",
        }
        assert ec2["prices"]["eu-west-1"] == shipped["prices"]["eu-west-1"]
        ids = {s["id"] for s in ec2["sources"]}
        assert refreshed in ids and "vantage-2026-01-21" in ids  # both sides' sources listed
        assert ec2["as_of"] == "2025-11-30"  # the oldest source still in use
        # a second partial refresh merges over the first, not over the shipped table
        assert aicost(*args, "--region", "us-west-2").code == 0
    again = json.loads((tmp_path / "aws" / "ec2.json").read_text())
    assert again["prices"]["us-east-1"] == ec2["prices"]["us-east-1"]
    assert again["prices"]["us-west-2"]["g5.xlarge"]["on_demand"] == "1.006"
    assert again["prices"]["eu-west-1"] == shipped["prices"]["eu-west-1"]


def test_a_region_the_account_has_not_enabled_is_skipped_with_a_warning(
    aicost: Runner, tmp_path: Path
) -> None:
    behaviour = Behaviour(not_enabled=("us-west-2",))
    with aws_server(_aws_data(), behaviour) as url:
        result = aicost("pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path)
    assert result.code == 0, result.err
    assert "aicost: warning: us-west-2 skipped for spot prices" in result.err
    assert "OptInRequired" in result.err
    ec2 = json.loads((tmp_path / "aws" / "ec2.json").read_text())
    assert ec2["prices"]["us-west-2"]["g5.xlarge"]["spot"] is None  # not guessed
    assert ec2["prices"]["us-east-1"]["g5.xlarge"]["spot"] == "0.4"  # other regions go on


def test_transient_server_errors_are_retried_by_the_shared_helper(
    aicost: Runner, tmp_path: Path
) -> None:
    behaviour = Behaviour(fail_first=2)
    with aws_server(_aws_data(), behaviour) as url:
        result = aicost(
            "pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path, "--no-spot"
        )
    assert result.code == 0, result.err
    assert behaviour.failed == 2
    assert (tmp_path / "aws" / "ec2.json").is_file()


def test_aws_persistent_throttling_fails_in_one_line_and_keeps_the_old_table(
    aicost: Runner, tmp_path: Path
) -> None:
    old = _seed(tmp_path, "aws/ec2.json")
    with aws_server(_aws_data(), Behaviour(throttle_first=100)) as url:
        result = aicost(
            "pricing",
            "refresh",
            "aws",
            "--endpoint",
            url,
            "--output",
            tmp_path,
            "--max-attempts",
            "3",
        )
    line = _one_line_error(result)
    assert "ThrottlingException" in line and "3 attempts" in line
    assert "existing tables were kept" in line
    assert (tmp_path / "aws" / "ec2.json").read_bytes() == old
    assert not list((tmp_path / "aws").glob(".*tmp"))


def test_aws_malformed_price_list_fails_cleanly(aicost: Runner, tmp_path: Path) -> None:
    old = _seed(tmp_path, "aws/ec2.json")
    with aws_server(_aws_data(), Behaviour(malformed=True)) as url:
        result = aicost("pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path)
    line = _one_line_error(result)
    assert "is not JSON (malformed response)" in line and "page 2" in line
    assert (tmp_path / "aws" / "ec2.json").read_bytes() == old


def test_aws_without_credentials_says_how_to_provide_them(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with aws_server(_aws_data(), Behaviour()) as url:
        result = aicost("pricing", "refresh", "aws", "--endpoint", url, "--output", tmp_path)
    assert "AWS credentials not found" in _one_line_error(result)


# --------------------------------------------------------------------------- GCP

COMPUTE = "services/6F81-5844-456A"
TPU = "services/E000-3F24-B8AA"


def _gcp_skus() -> dict[str, list[Any]]:
    central, east = ["us-central1"], ["us-east4"]
    host = "Compute"
    return {
        COMPUTE: [
            sku("Nvidia Tesla A100 GPU running in Americas", "OnDemand", central, "2.933908"),
            sku(
                "Spot Preemptible Nvidia Tesla A100 GPU running in Americas",
                "Preemptible",
                central,
                "1.4341",
            ),
            sku(
                "Commitment v1: Nvidia Tesla A100 GPU in Americas for 1 Year",
                "Commit1Yr",
                central,
                "1.848362",
            ),
            sku("Nvidia H100 80GB GPU running in us-east4", "OnDemand", east, "9.79655"),
            sku("Nvidia Tesla T4 GPU running in Americas", "OnDemand", central, "0.35"),
            sku(
                "Nvidia Tesla T4 Virtual Workstation GPU running in Americas",
                "OnDemand",
                central,
                "0.55",
            ),
            sku("Nvidia Quantum Z9 GPU running in Americas", "OnDemand", central, "99"),
            sku(
                "A2 Instance Core running in Americas",
                "OnDemand",
                central,
                "0.031611",
                resource_group=host,
            ),
            sku(
                "A2 Instance Ram running in Americas",
                "OnDemand",
                central,
                "0.004237",
                resource_group=host,
                unit="GiBy.h",
            ),
            sku(
                "N1 Predefined Instance Core running in Americas",
                "OnDemand",
                central,
                "0.031611",
                resource_group="N1Standard",
            ),
            sku(
                "N1 Predefined Instance Ram running in Americas",
                "OnDemand",
                central,
                "0.004237",
                resource_group="N1Standard",
                unit="GiBy.h",
            ),
            sku(
                "A3 Instance Core running in Virginia",
                "OnDemand",
                east,
                "0.02",
                resource_group=host,
            ),
            sku(
                "A3 Instance Ram running in Virginia",
                "OnDemand",
                east,
                "0.003",
                resource_group=host,
                unit="GiBy.h",
            ),
        ],
        TPU: [
            sku(
                "TPU v5p chip running in Americas", "OnDemand", central, "4.2", resource_group="TPU"
            ),
            sku(
                "Spot Preemptible TPU v6e chip running in Americas",
                "Preemptible",
                central,
                "0.54421",
                resource_group="TPU",
            ),
        ],
    }


def test_gcp_refresh_over_grpc_composes_host_rates_and_maps_gpus(
    aicost: Runner, tmp_path: Path
) -> None:
    behaviour = Behaviour()
    with gcp_server(_gcp_skus(), behaviour) as target:
        result = aicost("pricing", "refresh", "gcp", "--endpoint", target, "--output", tmp_path)
    assert result.code == 0, result.err
    compute = json.loads((tmp_path / "gcp" / "compute.json").read_text())
    a100 = compute["accelerator_prices"]["us-central1"]["nvidia-tesla-a100"]
    assert (a100["on_demand"], a100["spot"], a100["committed_1y"]) == (
        "2.933908",
        "1.4341",
        "1.848362",
    )
    t4 = compute["accelerator_prices"]["us-central1"]["nvidia-tesla-t4"]
    assert t4["on_demand"] == "0.35"  # the Virtual Workstation SKU was not taken
    assert compute["accelerator_prices"]["us-east4"]["nvidia-h100-80gb"]["on_demand"] == "9.79655"
    host = compute["prices"]["us-central1"]["a2-highgpu-1g"]["on_demand"]
    assert Decimal(host) == Decimal("0.031611") * 12 + Decimal("0.004237") * 85
    n1 = compute["prices"]["us-central1"]["n1-standard-8"]["on_demand"]
    assert Decimal(n1) == Decimal("0.031611") * 8 + Decimal("0.004237") * 30
    a3 = compute["prices"]["us-east4"]["a3-highgpu-8g"]["on_demand"]
    assert Decimal(a3) == Decimal("0.02") * 208 + Decimal("0.003") * 1872
    assert any("Quantum Z9" in n for n in compute["notes"])
    assert compute["refreshed"]["api"].startswith("Google Cloud Billing Catalog API")
    tpu = json.loads((tmp_path / "gcp" / "tpu.json").read_text())
    assert tpu["prices"]["us-central1"]["v5p"]["on_demand"] == "4.2"
    assert tpu["prices"]["us-central1"]["v6e"]["spot"] == "0.54421"
    # ListSkus was paged (3 SKUs per page) for both services
    assert sum(1 for r in behaviour.requests if r.startswith(f"ListSkus {COMPUTE}")) == 5


def test_gcp_resource_exhausted_is_retried(aicost: Runner, tmp_path: Path) -> None:
    behaviour = Behaviour(throttle_first=2)
    with gcp_server(_gcp_skus(), behaviour) as target:
        result = aicost("pricing", "refresh", "gcp", "--endpoint", target, "--output", tmp_path)
    assert result.code == 0, result.err
    assert behaviour.throttled == 2


def test_gcp_endpoint_credentials_never_reach_grpc_or_messages(
    aicost: Runner, tmp_path: Path
) -> None:
    """``--endpoint http://user:secret@host:port`` still works, and the password is shown
    nowhere (gRPC takes no credentials in a target; its errors quoted the target)."""
    with gcp_server(_gcp_skus(), Behaviour()) as target:
        result = aicost(
            "pricing",
            "refresh",
            "gcp",
            "--endpoint",
            f"http://me:s3cret@{target}",
            "--output",
            tmp_path,
        )
    assert result.code == 0, result.err
    assert "s3cret" not in result.out + result.err
    result = aicost(
        "pricing",
        "refresh",
        "gcp",
        "--endpoint",
        "http://me:s3cret@127.0.0.1:9",
        "--output",
        tmp_path,
        "--max-attempts",
        "1",
    )
    assert result.code == 2
    assert "s3cret" not in result.out + result.err


def test_gcp_malformed_response_and_persistent_throttling(aicost: Runner, tmp_path: Path) -> None:
    old = _seed(tmp_path, "gcp/compute.json")
    with gcp_server(_gcp_skus(), Behaviour(malformed=True)) as target:
        result = aicost("pricing", "refresh", "gcp", "--endpoint", target, "--output", tmp_path)
    assert "malformed response" in _one_line_error(result)
    with gcp_server(_gcp_skus(), Behaviour(throttle_first=100)) as target:
        result = aicost(
            "pricing",
            "refresh",
            "gcp",
            "--endpoint",
            target,
            "--output",
            tmp_path,
            "--max-attempts",
            "2",
        )
    line = _one_line_error(result)
    assert "ResourceExhausted" in line and "2 attempts" in line
    assert (tmp_path / "gcp" / "compute.json").read_bytes() == old


# --------------------------------------------------------------------------- Azure

H100 = "Standard_ND96isr_H100_v5"


def _retail_items() -> list[dict[str, Any]]:
    return [
        retail_item(
            H100,
            "eastus",
            98.32,
            savings=[
                {"unitPrice": 70.0, "retailPrice": 70.0, "term": "1 Year"},
                {"unitPrice": 50.0, "retailPrice": 50.0, "term": "3 Years"},
            ],
        ),
        retail_item(H100, "eastus", 29.496, spot=True),
        retail_item(H100, "eastus", 525600.0, kind="Reservation", term="1 Year"),
        retail_item(H100, "eastus", 1182600.0, kind="Reservation", term="3 Years"),
        retail_item(H100, "eastus", 104.32, product="Virtual Machines NDisrH100v5 Series Windows"),
        retail_item(H100, "eastus", 9.0, meter="ND96isr H100 v5 Low Priority"),
        retail_item(
            "Standard_NC4as_T4_v3",
            "eastus",
            0.526,
            meter="NC4as T4 v3",
            product="Virtual Machines NCasT4_v3 Series",
        ),
        retail_item("Standard_D4s_v3", "eastus", 0.192),
    ]


def test_azure_refresh_follows_next_page_links_and_classifies_rows(
    aicost: Runner, tmp_path: Path
) -> None:
    behaviour = Behaviour(throttle_first=1)  # one 429 with Retry-After, then success
    with azure_server(_retail_items(), behaviour) as url:
        result = aicost("pricing", "refresh", "azure", "--endpoint", url, "--output", tmp_path)
    assert result.code == 0, result.err
    assert behaviour.throttled == 1 and behaviour.requests.count("/api/retail/prices") == 4
    table = json.loads((tmp_path / "azure" / "vm.json").read_text())
    row = table["prices"]["eastus"][H100]
    assert row["on_demand"] == "98.32" and row["spot"] == "29.496"
    assert row["reserved_1y"] == "60" and row["reserved_3y"] == "45"  # whole-term / hours
    assert (row["savings_plan_1y"], row["savings_plan_3y"]) == ("70", "50")
    assert row["windows_on_demand"] == "104.32"
    assert "Standard_D4s_v3" not in table["prices"]["eastus"]  # not a GPU size
    assert table["instances"][H100]["accelerator"]["name"] == "H100"
    assert table["refreshed"]["api"].startswith("Azure Retail Prices API")


def test_azure_spot_vm_is_priced_at_the_refreshed_spot_rate(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with azure_server(_retail_items(), Behaviour()) as url:
        assert (
            aicost("pricing", "refresh", "azure", "--endpoint", url, "--output", tmp_path).code == 0
        )
    monkeypatch.setenv("AICOST_PRICING_DIR", str(tmp_path))
    report = aicost("check", plan("azure_mixed"), "--format", "json").json
    trainer = next(
        r for r in report["resources"] if r["address"] == "azurerm_linux_virtual_machine.trainer"
    )
    assert Decimal(trainer["monthly_cost"]) == Decimal("29.496") * 730
    assert not any("no spot price" in n for n in trainer["cost_notes"])


def test_azure_malformed_json_fails_in_one_line(aicost: Runner, tmp_path: Path) -> None:
    old = _seed(tmp_path, "azure/vm.json")
    with azure_server(_retail_items(), Behaviour(malformed=True)) as url:
        result = aicost("pricing", "refresh", "azure", "--endpoint", url, "--output", tmp_path)
    assert "malformed JSON" in _one_line_error(result)
    assert (tmp_path / "azure" / "vm.json").read_bytes() == old


def test_azure_price_sheet_negotiated_prices_via_azure_mgmt_consumption(tmp_path: Path) -> None:
    from azure.core.credentials import AccessToken

    from aicost.pricing.refresh import Progress, RefreshOptions, write_tables
    from aicost.pricing.refresh import azure as adapter

    class StaticToken:
        def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
            return AccessToken("fake-token", 4_102_444_800)

    sheet = [
        {
            "billingPeriodId": "/subscriptions/sub/providers/Microsoft.Billing/billingPeriods/1",
            "meterId": "00000000-0000-0000-0000-000000000001",
            "meterDetails": {
                "meterName": "ND96isr H100 v5",
                "meterCategory": "Virtual Machines",
                "meterSubCategory": "NDisrH100v5 Series",
                "meterLocation": "US East",
                "pretaxStandardRate": 98.32,
                "totalIncludedQuantity": 0,
            },
            "unitOfMeasure": "1 Hour",
            "includedQuantity": 0,
            "partNumber": "AAA-00000",
            "unitPrice": 90.0,
            "currencyCode": "USD",
            "offerId": "MS-AZR-0017P",
        },
        {
            "meterDetails": {
                "meterName": "P30 LRS Disk",
                "meterCategory": "Storage",
                "meterLocation": "US East",
            },
            "unitOfMeasure": "1/Month",
            "unitPrice": 120.0,
            "currencyCode": "USD",
        },
        {
            "meterDetails": {
                "meterName": "NC4as T4 v3",
                "meterCategory": "Virtual Machines",
                "meterLocation": "US East",
            },
            "unitOfMeasure": "100 Hours",
            "unitPrice": 48.0,
            "currencyCode": "USD",
        },
    ]
    behaviour = Behaviour()
    with azure_server(_retail_items(), behaviour, price_sheet=sheet) as url:
        options = RefreshOptions(
            provider="azure",
            endpoint=url,
            backoff=0,
            subscription="00000000-0000-0000-0000-00000000000a",
            extras={"azure_credential": StaticToken(), "consumption_endpoint": url},
        )
        documents = adapter.refresh(options, Progress(enabled=False))
    write_tables(tmp_path, documents, "azure")
    table = json.loads((tmp_path / "azure" / "vm.json").read_text())
    row = table["prices"]["eastus"][H100]
    assert (row["on_demand"], row["list_on_demand"]) == ("90", "98.32")
    assert row["basis"]["on_demand"].startswith("azure-price-sheet-")
    assert table["prices"]["eastus"]["Standard_NC4as_T4_v3"]["on_demand"] == "0.48"
    assert sum(1 for r in behaviour.requests if r.endswith("pricesheets/default")) == 2


def test_refresh_of_an_unknown_provider_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from aicost.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["pricing", "refresh", "oracle"])
    assert caught.value.code == 2
    assert "invalid choice: 'oracle'" in capsys.readouterr().err
