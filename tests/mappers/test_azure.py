"""Azure resources in a plan become workloads; spot is priced as spot (or says it cannot be)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aicost.core.model import PurchaseOption, WorkloadClass
from aicost.pricing.catalog import NoRate, PriceBook, Rate
from tests.conftest import REPO
from tests.helpers import by_address, check
from tests.pricing.helpers import HOURS, azure


@pytest.fixture(scope="module")
def az() -> dict[str, object]:
    return by_address(check("azure_mixed"))  # type: ignore[return-value]


def test_vm_sizes_locations_and_gpus(az: dict[str, Any]) -> None:
    trainer = az["azurerm_linux_virtual_machine.trainer"].workload.current
    assert (trainer.region, trainer.instance_type) == ("eastus", "Standard_ND96isr_H100_v5")
    assert trainer.accelerators_total == 8 and trainer.accelerator.name == "H100"
    legacy = az["azurerm_virtual_machine.legacy"]
    assert legacy.monthly_cost == azure("Standard_NC6s_v3", "westeurope") * HOURS
    mi300x = az["azurerm_linux_virtual_machine.mi300x"].workload.current
    assert mi300x.accelerator.name == "MI300X" and mi300x.accelerator.vendor == "amd"


def test_spot_priority_is_spot_and_the_missing_spot_price_is_said(az: dict[str, Any]) -> None:
    trainer = az["azurerm_linux_virtual_machine.trainer"]
    assert trainer.workload.current.purchase_option == "spot"
    assert trainer.workload.current.purchase_reason == 'priority = "Spot"'
    assert trainer.monthly_cost == azure("Standard_ND96isr_H100_v5") * HOURS
    assert any("no spot price" in n for n in trainer.planned_cost.notes)


def test_spot_is_priced_at_spot_rates_once_the_table_has_them(tmp_path: Path) -> None:
    """With a refreshed table (spot filled in), a Spot VM costs the spot rate."""
    shipped = json.loads((REPO / "pricing" / "azure" / "vm.json").read_text())
    shipped["prices"]["eastus"]["Standard_ND96isr_H100_v5"]["spot"] = "19.664"
    (tmp_path / "azure").mkdir()
    (tmp_path / "azure" / "vm.json").write_text(json.dumps(shipped))
    book = PriceBook(directories=[tmp_path])
    rate = book.rate("azure", "vm", "eastus", "standard_nd96isr_h100_v5", PurchaseOption.SPOT)
    assert isinstance(rate, Rate) and rate.hourly == Decimal("19.664") and rate.note is None


def test_windows_vm_is_priced_with_the_licence(az: dict[str, Any]) -> None:
    viz = az["azurerm_windows_virtual_machine.viz"]
    assert viz.workload.current.service == "vm-windows"
    assert viz.workload.current.region == "eastus"  # "East US" normalised
    # Linux 3.2 + 36 vCPU x 0.046 licence = 4.856 per hour
    assert azure("Standard_NV36ads_A10_v5", column="windows_licence") == Decimal("1.656")
    assert viz.monthly_cost == azure("Standard_NV36ads_A10_v5", column="windows_on_demand") * HOURS
    assert viz.purchase_label == "on-demand"  # priced as bought: no fallback
    assert viz.estimate_reasons  # the licence rate is an estimate, and says so


def test_windows_reserved_is_the_linux_term_rate_plus_the_licence() -> None:
    from aicost.core.model import PurchaseOption
    from aicost.pricing.catalog import PriceBook, Rate

    book = PriceBook()
    rate = book.rate(
        "azure", "vm-windows", "eastus", "Standard_NC6s_v3", PurchaseOption.RESERVED, 1
    )
    # no reservation price in the shipped table: Windows on-demand, shown as a fallback
    assert isinstance(rate, Rate) and rate.fallback == "on-demand, Windows"
    assert rate.hourly == Decimal("3.336")


def test_scale_set_instances_and_reserved_tag(az: dict[str, Any]) -> None:
    infer = az["azurerm_linux_virtual_machine_scale_set.infer"]
    deployment = infer.workload.current
    assert deployment.node_count == 3 and deployment.purchase_option == "reserved"
    assert infer.monthly_cost == 3 * azure("Standard_NC24ads_A100_v4") * HOURS
    assert any("reserved" in n for n in infer.planned_cost.notes)


def test_aks_pools_follow_their_cluster_location_and_priority(az: dict[str, Any]) -> None:
    h100 = az["azurerm_kubernetes_cluster_node_pool.h100"].workload.current
    assert (h100.region, h100.node_count, h100.min_nodes, h100.max_nodes) == ("eastus2", 2, 1, 4)
    assert h100.purchase_option == "spot"
    assert h100.workload_class is WorkloadClass.TRAINING  # node label
    h200 = az["azurerm_kubernetes_cluster_node_pool.h200"]
    assert h200.monthly_cost == azure("Standard_ND96isr_H200_v5", "eastus2") * HOURS
    # the default pool runs Standard_D4s_v3: not AI, counted as skipped
    assert "azurerm_kubernetes_cluster.aks#default_node_pool" not in az


def test_azure_ml_cluster_low_priority_and_instance_location_from_workspace(
    az: dict[str, Any],
) -> None:
    cluster = az["azurerm_machine_learning_compute_cluster.train"]
    deployment = cluster.workload.current
    assert (deployment.node_count, deployment.min_nodes, deployment.max_nodes) == (2, 2, 4)
    assert deployment.purchase_option == "spot"
    assert "low-priority" in deployment.purchase_reason
    notebook = az["azurerm_machine_learning_compute_instance.notebook"]
    assert notebook.workload.current.region == "eastus"  # from the workspace it references
    assert notebook.workload.current.workload_class is WorkloadClass.NOTEBOOK
    assert notebook.monthly_cost == azure("Standard_NC4as_T4_v3") * HOURS


def test_sensitive_values_do_not_leak(aicost) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import plan

    result = aicost("check", plan("azure_mixed"), "--format", "json")
    assert "fixture-not-a-secret" not in result.out + result.err


def test_unknown_size_is_unpriced() -> None:
    book = PriceBook()
    rate = book.rate("azure", "vm", "eastus", "Standard_NC999_v9", PurchaseOption.ON_DEMAND)
    assert isinstance(rate, NoRate) and "not in the azure-vm price table" in rate.reason
