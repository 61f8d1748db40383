"""GCP resources in a plan become the workloads a person would count, priced without double
counting and with sustained-use discounts only where Google applies them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aicost.core.model import PurchaseOption, WorkloadClass
from aicost.pricing.catalog import PriceBook
from aicost.pricing.layouts import sustained_use_multiplier
from tests.helpers import by_address, check
from tests.pricing.helpers import HOURS, gcp_gpu, gcp_host, gcp_machine, gcp_tpu


@pytest.fixture(scope="module")
def gcp() -> dict[str, object]:
    return by_address(check("gcp_mixed"))  # type: ignore[return-value]


def test_accelerator_optimised_machine_is_host_plus_its_gpus(gcp: dict[str, Any]) -> None:
    box = gcp["google_compute_instance.a100_box"]
    deployment = box.workload.current
    assert (deployment.instance_type, deployment.accelerators_total) == ("a2-highgpu-1g", 1)
    assert deployment.accelerator.name == "A100"
    # the documented golden number: a2-highgpu-1g = 3.67339/h -> 2,681.57/month
    # Cyclenerd's whole-machine price (3.673385/h) agrees with SkyPilot's host + GPU (3.67339)
    assert box.monthly_cost == gcp_machine("a2-highgpu-1g") * HOURS
    assert round(box.monthly_cost, 2) == Decimal("2681.57")
    assert not any("sustained" in n for n in box.planned_cost.notes)


def test_spot_a3_uses_spot_host_and_spot_gpus(gcp: dict[str, Any]) -> None:
    trainer = gcp["google_compute_instance.trainer"]
    assert trainer.workload.current.purchase_option == "spot"
    assert trainer.workload.current.purchase_reason == 'scheduling.provisioning_model = "SPOT"'
    assert trainer.monthly_cost == gcp_machine("a3-highgpu-8g", column="spot") * HOURS
    assert trainer.workload.current.workload_class is WorkloadClass.TRAINING


def test_n1_with_guest_gpus_gets_the_30_percent_sustained_use_discount(gcp: dict[str, Any]) -> None:
    item = gcp["google_compute_instance.n1_t4"]
    assert item.workload.current.accelerators_total == 2
    list_price = gcp_host("n1-standard-8") + 2 * gcp_gpu("nvidia-tesla-t4")
    assert item.monthly_cost == list_price * Decimal("0.7") * HOURS
    assert any("sustained-use discount 30.0%" in n for n in item.planned_cost.notes)


def test_spot_gets_no_sustained_use_discount(gcp: dict[str, Any]) -> None:
    item = gcp["google_compute_instance.n1_t4_preemptible"]
    assert item.workload.current.purchase_option == "spot"
    expected = gcp_host("n1-standard-8", column="spot") + gcp_gpu("nvidia-tesla-t4", column="spot")
    assert item.monthly_cost == expected * HOURS
    assert not any("no spot price" in n for n in item.planned_cost.notes)
    assert not any("sustained" in n for n in item.planned_cost.notes)


def test_g2_guest_accelerator_block_is_not_counted_twice(gcp: dict[str, Any]) -> None:
    item = gcp["google_compute_instance.l4_box"]
    assert item.workload.current.accelerators_total == 1
    assert item.monthly_cost == gcp_machine("g2-standard-8") * HOURS


def test_sustained_use_scales_with_hours_and_stops_at_a_quarter_month() -> None:
    tiers = [Decimal(t) for t in ("1", "0.8", "0.6", "0.4")]
    assert sustained_use_multiplier(tiers, Decimal(730)) == Decimal("0.7")
    assert sustained_use_multiplier(tiers, Decimal("182.5")) == 1  # first 25%: full price
    assert sustained_use_multiplier(tiers, Decimal(365)) == Decimal("0.9")  # 10% at half
    book = PriceBook()
    half = book.rate(
        "gcp",
        "compute",
        "us-central1",
        "n1-standard-8",
        PurchaseOption.ON_DEMAND,
        hours=Decimal(365),
    )
    full = book.rate(
        "gcp",
        "compute",
        "us-central1",
        "n1-standard-8",
        PurchaseOption.ON_DEMAND,
        hours=Decimal(730),
    )
    assert half.hourly == gcp_host("n1-standard-8") * Decimal("0.9")  # type: ignore[union-attr]
    assert full.hourly == gcp_host("n1-standard-8") * Decimal("0.7")  # type: ignore[union-attr]


def test_instance_group_manager_prices_its_template_times_target_size(gcp: dict[str, Any]) -> None:
    mig = gcp["google_compute_region_instance_group_manager.infer"]
    deployment = mig.workload.current
    assert (deployment.instance_type, deployment.node_count) == ("g2-standard-24", 3)
    assert deployment.accelerators_total == 6
    assert deployment.tags["environment"] == "prod"  # labels from the template
    assert mig.monthly_cost == gcp_machine("g2-standard-24") * 3 * HOURS
    assert "google_compute_instance_template.infer" not in gcp


def test_node_pool_count_is_per_zone(gcp: dict[str, Any]) -> None:
    h100 = gcp["google_container_node_pool.h100"].workload.current
    # node_count 1 × the cluster's two node_locations; a3 machines come with 8 H100 each
    assert h100.node_count == 2 and h100.accelerators_total == 16
    assert h100.purchase_option == "spot"
    assert h100.region == "us-central1"
    l4 = gcp["google_container_node_pool.l4"].workload.current
    assert (l4.node_count, l4.min_nodes, l4.max_nodes) == (2, 2, 6)
    assert l4.workload_class is WorkloadClass.INFERENCE  # from the node label


def test_inline_cluster_pools_and_non_ai_pools(gcp: dict[str, Any]) -> None:
    t4 = gcp["google_container_cluster.zonal#node_pool t4"]
    assert t4.workload.current.node_count == 2  # zonal: one zone
    assert t4.workload.current.purchase_option == "spot"
    assert "google_container_cluster.zonal#node_pool system" not in gcp
    assert "google_container_cluster.gke" not in gcp  # default pool removed
    assert "google_compute_instance.web" not in gcp


def test_tpu_chips_come_from_the_accelerator_type(gcp: dict[str, Any]) -> None:
    v5p = gcp["google_tpu_v2_vm.v5p"]
    assert v5p.workload.current.accelerators_total == 4  # v5p-8 counts TensorCores
    assert v5p.monthly_cost == 4 * gcp_tpu("v5p") * HOURS
    v6e = gcp["google_tpu_v2_vm.v6e"]
    assert v6e.workload.current.instance_type == "v6e-8"  # topology 2x4
    assert v6e.monthly_cost == 8 * gcp_tpu("v6e", column="spot") * HOURS
    legacy = gcp["google_tpu_node.legacy"]
    assert legacy.monthly_cost == 4 * gcp_tpu("v3", column="spot") * HOURS


def test_vertex_and_workbench_machines_are_priced_with_a_fee_caveat(gcp: dict[str, Any]) -> None:
    pool = gcp["google_vertex_ai_deployment_resource_pool.serving"]
    assert pool.workload.current.node_count == 2
    assert pool.workload.current.workload_class is WorkloadClass.INFERENCE
    assert pool.monthly_cost == gcp_machine("g2-standard-12") * 2 * HOURS
    assert any("management fee is not included" in n for n in pool.workload.current.notes)
    notebook = gcp["google_workbench_instance.notebook"].workload.current
    assert notebook.workload_class is WorkloadClass.NOTEBOOK
    assert notebook.accelerator is not None and notebook.accelerator.name == "T4"


def test_missing_prices_are_unpriced_with_a_reason_never_zero(gcp: dict[str, Any]) -> None:
    b200 = gcp["google_compute_instance.b200"]
    assert b200.monthly_cost is None
    assert "a4-highgpu-8g has no host price in us-central1" in (b200.unpriced_reason or "")


def test_google_beta_provider_and_default_labels(gcp: dict[str, Any]) -> None:
    h200 = gcp["google_compute_instance.h200"].workload.current
    assert h200.accelerator is not None and h200.accelerator.name == "H200"
    assert h200.region == "us-central1"
    assert gcp["google_compute_instance.trainer"].workload.current.tags["managed-by"] == "terraform"


def test_reports_name_the_gcp_sources(aicost) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import plan

    report = aicost("check", plan("gcp_mixed"), "--format", "json").json
    tables = {t["table"] for t in report["pricing"]}
    assert {"gcp-compute", "gcp-tpu"} <= tables
