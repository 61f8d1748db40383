"""The GCP and Azure tables are rebuilt from the vendored source extracts byte for byte, and
each source is checked against a second one where one exists."""

from __future__ import annotations

import csv
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "pricing" / "sources"


def _script(name: str) -> ModuleType:
    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_tables_rebuild_from_the_vendored_sources_exactly() -> None:
    build = _script("build_cloud_pricing")
    files = build.build(SOURCES)
    assert set(files) == {"gcp/compute.json", "gcp/tpu.json", "azure/vm.json"}
    for name, text in files.items():
        assert (REPO / "pricing" / name).read_text(encoding="utf-8") == text, name


def _rows(name: str) -> list[dict[str, str]]:
    with (SOURCES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cyclenerd_agrees_with_skypilot_host_plus_gpus() -> None:
    """Cyclenerd's whole-machine price = SkyPilot's host row + count x its GPU row."""
    machines = {m["machine_type"]: m for m in _rows("gcp-cyclenerd-machines.csv")}
    cyclenerd = {(r["machine_type"], r["region"]): r for r in _rows("gcp-cyclenerd-prices.csv")}
    sky = _rows("gcp-gpu-tpu-skypilot-v8-extract.csv")
    gpus = {
        (r["AcceleratorName"], r["Region"]): Decimal(r["Price"]) / Decimal(r["AcceleratorCount"])
        for r in sky
        if not r["InstanceType"] and not r["AcceleratorName"].startswith("tpu")
    }
    names = {"nvidia-tesla-a100": "A100", "nvidia-l4": "L4"}
    # SkyPilot's europe-west4 A100 on-demand (1.61365 per GPU) is the anomaly pricing/README.md
    # describes; Cyclenerd's a2 price there implies 2.93 per GPU, as in us-central1.
    known = {("a2-highgpu-1g", "europe-west4"), ("a2-highgpu-2g", "europe-west4")}
    compared = 0
    for row in sky:
        machine = machines.get(row["InstanceType"])
        if machine is None or machine["accelerator"] not in names:
            continue
        key = (row["InstanceType"], row["Region"])
        gpu = gpus.get((names[machine["accelerator"]], row["Region"]))
        if key not in cyclenerd or gpu is None or not cyclenerd[key]["hour"] or key in known:
            continue
        whole = Decimal(row["Price"]) + Decimal(machine["count"]) * gpu
        assert abs(Decimal(cyclenerd[key]["hour"]) / whole - 1) < Decimal("0.01"), key
        compared += 1
    assert compared >= 5


def test_cyclenerd_spot_and_commitments_are_below_on_demand() -> None:
    for row in _rows("gcp-cyclenerd-prices.csv"):
        if not row["hour"]:
            continue
        hour = Decimal(row["hour"])
        for column, divisor in (("hour_spot", 1), ("month_1y", 730), ("month_3y", 730)):
            if row[column]:
                assert Decimal(row[column]) / divisor < hour, (row["machine_type"], column)
        if row["month_1y"] and row["month_3y"]:
            assert Decimal(row["month_3y"]) < Decimal(row["month_1y"])


def test_azure_spot_from_skypilot_agrees_with_karpenter_on_demand() -> None:
    """Cross-check: SkyPilot's Azure rows carry the same pay-as-you-go prices as karpenter's
    2026-06-18 snapshot for the rows whose spot is used, so both are one price generation."""
    import json

    table = json.loads((REPO / "pricing" / "azure" / "vm.json").read_text(encoding="utf-8"))
    extract = _rows("azure-skypilot-v6-098741e7-extract.csv")
    used = 0
    for item in extract:
        row = table["prices"].get(item["Region"], {}).get(item["InstanceType"])
        if row is None or row["spot"] is None:
            continue
        assert row["basis"]["spot"] == "skypilot-azure-v6-098741e7"
        assert Decimal(item["Price"]) == Decimal(row["on_demand"]), item
        assert Decimal(row["spot"]) == Decimal(item["SpotPrice"])
        assert Decimal(row["spot"]) < Decimal(row["on_demand"]) * Decimal("0.9")
        licence = Decimal(row["windows_licence"])
        assert Decimal(row["windows_spot"]) == Decimal(row["spot"]) + licence
        used += 1
    assert used == 162
    eastus = table["prices"]["eastus"]
    assert eastus["Standard_ND96asr_v4"]["spot"] == "2.99167"
    assert eastus["Standard_NC4as_T4_v3"]["spot"] == "0.062699"
    # H100 spot equals on-demand in the catalog (a placeholder): not used
    assert eastus["Standard_ND96isr_H100_v5"]["spot"] is None
    assert eastus["Standard_NC40ads_H100_v5"]["spot"] is None


def test_azure_retail_snapshot_agrees_with_karpenter_and_the_windows_licence() -> None:
    """Cross-checks of the recorded Retail Prices API snapshot (azure-pricing-radar, 2026-08-22):
    every row it fills has karpenter's pay-as-you-go price (2026-06-18) in the same region,
    the Windows - Linux difference it gives is the published 0.046 per vCPU-hour licence on all
    but one row, and its 1-year savings plan and spot sit below pay-as-you-go."""
    import json

    table = json.loads((REPO / "pricing" / "azure" / "vm.json").read_text(encoding="utf-8"))
    retail = _script("azure_retail")
    linux = {
        (r["region"], retail.norm(r["sku_name"])): Decimal(r["retail_price"])
        for r in _rows("azure-retail-radar-extract.csv")
        if not r["product_name"].endswith(("Windows", " Win"))
        and not r["sku_name"].endswith((" Spot", " Low Priority"))
    }
    source = "azure-retail-radar-2026-08-22"
    rows = licence_ok = 0
    odd = []
    for region, by_size in table["prices"].items():
        for size, row in by_size.items():
            if row["basis"].get("windows_on_demand") != source:
                continue
            rows += 1
            assert row["basis"]["on_demand"] == "karpenter-azure-2026-06-18"
            assert linux[(region, retail.norm(size))] == Decimal(row["on_demand"]), size
            vcpu = table["instances"][size]["vcpu"]
            if Decimal(row["windows_licence"]) == vcpu * Decimal("0.046"):
                licence_ok += 1
            else:
                odd.append((region, size))
            if row.get("savings_plan_1y") is not None:
                ratio = Decimal(row["savings_plan_1y"]) / Decimal(row["on_demand"])
                assert Decimal("0.6") < ratio < Decimal("0.9"), (region, size)
            if row["spot"] is not None:
                assert Decimal(row["spot"]) < Decimal(row["on_demand"]) * Decimal("0.9")
    # 133 rows and one odd licence (westeurope NC24rs_v3: 1.215 for 24 vCPU, as published) in
    # the 2026-08-22 snapshot; a weekly rebuild may move these a little
    assert rows >= 120 and licence_ok >= rows - 2, odd
    we = table["prices"]["westeurope"]["Standard_NC6s_v3"]
    assert (we["on_demand"], we["spot"], we["savings_plan_1y"]) == ("3.823", "0.70649", "2.802259")
    assert (we["windows_on_demand"], we["windows_spot"]) == ("4.099", "0.757495")
    # H200 spot equals pay-as-you-go in the snapshot's regions: a placeholder, not used
    assert table["prices"]["swedencentral"]["Standard_ND96isr_H200_v5"]["spot"] is None


def test_skypilot_a3_rows_agree_with_cyclenerd_where_they_are_list_prices() -> None:
    """Cross-check of the SkyPilot @ 8427bbff A3 extract against Cyclenerd: host + H100 x8 is
    Cyclenerd's a3-highgpu-8g whole-machine price less its bundled local SSD (within 1.5%) in
    ten regions; the six regions at 33.60609 for 8 H100 are the known anomaly. A3 Edge rows
    built from Cyclenerd's a3-highgpu-8g are labelled estimates and equal it."""
    import json

    a3 = _script("gcp_a3")
    table = json.loads((REPO / "pricing" / "gcp" / "compute.json").read_text(encoding="utf-8"))
    agree, disagree = a3.h100_list_regions(SOURCES, table)
    assert len(agree) >= 10 and "us-east4" in agree and "europe-west4" in agree
    assert set(disagree) == {
        "asia-northeast1",
        "asia-southeast1",
        "australia-southeast1",
        "us-central1",
        "us-west1",
        "us-west4",
    }
    edges = 0
    for machines in table["prices"].values():
        edge = machines.get("a3-edgegpu-8g")
        if edge is None or not edge.get("includes_accelerators"):
            continue
        high = machines["a3-highgpu-8g"]
        for column in ("on_demand", "spot", "committed_1y", "committed_3y"):
            assert edge[column] == high[column]
            assert edge["basis"][column].startswith("estimate:a3-highgpu-8g whole-machine")
        edges += 1
    assert edges == 9


def test_a3_ultra_is_priced_where_the_h200_row_is_a_list_price() -> None:
    from aicost.core.model import PurchaseOption
    from aicost.pricing.catalog import PriceBook, Rate

    book = PriceBook(directories=[REPO / "pricing"])

    def rate(region: str, purchase: PurchaseOption) -> Rate | None:
        found = book.rate("gcp", "compute", region, "a3-ultragpu-8g", purchase)
        return found if isinstance(found, Rate) else None

    west = rate("us-west1", PurchaseOption.ON_DEMAND)
    assert west is not None and west.hourly == Decimal("12.266") + 8 * Decimal("9.31174")
    # europe-west1: SkyPilot's H200 on-demand (36.60258 for 8) is not a list price; spot is
    spot = rate("europe-west1", PurchaseOption.SPOT)
    assert spot is not None and spot.hourly == Decimal("2.80778") + Decimal("37.896")
    on_demand = rate("europe-west1", PurchaseOption.ON_DEMAND)
    assert on_demand is None or on_demand.column != "on_demand"
