# ruff: noqa: E501  (corpus file names are long)
"""What every GCP and Azure file in tests/fixtures/corpus/hcl should yield once static (raw ``.tf``)
mode exists. The expectations are written by hand from the HCL; values that only a variable or
a ``for_each`` over locals can supply are marked optional (checked only if the static reader
expands them). Until the static reader is merged this test skips."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from aicost.core.errors import InputError
from aicost.sources.base import SourceModule
from aicost.sources.hcloptions import skipping_unparsable
from tests.conftest import CORPUS

HCL = CORPUS / "hcl"


@dataclass(frozen=True)
class Expect:
    instance_type: str | None
    accelerator: str | None
    per_node: float
    nodes: int
    purchase: str
    optional: bool = False


ON, SPOT = "on-demand", "spot"
#: file -> (AI workloads by address (``#component`` for parts), addresses that must NOT be AI).
EXPECTED: dict[str, tuple[dict[str, Expect], set[str]]] = {
    "infracost__infracost__internal_providers_terraform_google_testdata_compute_instance_test_compute_instance_test.tf": (
        {
            "google_compute_instance.gpu": Expect("n1-standard-16", "K80", 4, 1, ON),
            "google_compute_instance.gpu_l4": Expect("g2-standard-4", "L4", 1, 1, ON),
            "google_compute_instance.preemptible_gpu": Expect("n1-standard-16", "K80", 4, 1, SPOT),
            "google_compute_instance.gpu_with_hours": Expect("n1-standard-16", "K80", 4, 1, ON),
        },
        {
            "google_compute_instance.standard",
            "google_compute_instance.preemptible",
            "google_compute_instance.custom",
            "google_compute_instance.sud_30_perc_with_hours",
        },
    ),
    "infracost__infracost__internal_providers_terraform_google_testdata_compute_instance_group_manager_test_compute_instance_group_manager_test.tf": (
        {
            "google_compute_instance_group_manager.default": Expect("f1-micro", "K80", 2, 4, ON),
            "google_compute_instance_group_manager.two_disks": Expect("f1-micro", "K80", 2, 4, ON),
        },
        {"google_compute_instance_template.appserver"},
    ),
    "infracost__infracost__internal_providers_terraform_google_testdata_container_cluster_test_container_cluster_test.tf": (
        {
            # zonal cluster: initial_node_count 3 in one zone
            "google_container_cluster.with_node_config#default pool": Expect(
                "n1-standard-16", "K80", 4, 3, ON
            ),
        },
        {
            "google_container_cluster.zonal#default pool",
            "google_container_cluster.with_node_pools_zonal#node_pool 0",
            "google_container_cluster.autopilot",
        },
    ),
    "infracost__infracost__internal_providers_terraform_google_testdata_container_node_pool_test_container_node_pool_test.tf": (
        {
            # the cluster named *_regional is in fact zonal (location us-central1-a)
            "google_container_node_pool.with_node_config_regional": Expect(
                "n1-standard-16", "K80", 4, 3, ON
            ),
            "google_container_node_pool.with_guest_accelerator_a100": Expect(
                "n1-standard-16", "A100", 4, 3, ON
            ),
        },
        {
            "google_container_node_pool.with_custom_instance",
            "google_container_node_pool.autoscaling_zonal",
        },
    ),
    "GoogleCloudPlatform__terraform-google-conversion__tfplan2cai_testdata_templates_workbench_instance.tf": (
        {},
        {"google_workbench_instance.basic"},  # e2-standard-2, no accelerator
    ),
    "bridgecrewio__checkov__tests_terraform_graph_checks_resources_GCPTpuV2VmPrivateEndpoint_main.tf": (
        {
            f"google_tpu_v2_vm.{name}": Expect("v2-8", "TPU v2", 4, 1, ON)
            for name in ("tpu_good", "tpu_bad", "tpu_bad_unset")
        },
        set(),
    ),
    "GoogleCloudPlatform__ai-infra-cluster-provisioning__a2_terraform_modules_common_instance_template_main.tf": (
        {},
        {"google_compute_instance_template.template"},  # a template deploys nothing by itself
    ),
    "bridgecrewio__checkov__tests_terraform_checks_resource_azure_example_MLComputeClusterMinNodes_main.tf": (
        {},
        {
            "azurerm_machine_learning_compute_cluster.ckv_unittest_pass",
            "azurerm_machine_learning_compute_cluster.ckv_unittest_fail",
        },
    ),
    "infracost__infracost__internal_providers_terraform_azure_testdata_kubernetes_cluster_node_pool_test_kubernetes_cluster_node_pool_test.tf": (
        {},
        {
            "azurerm_kubernetes_cluster.example#default_node_pool",
            "azurerm_kubernetes_cluster_node_pool.Standard_DS2_v2",
            "azurerm_kubernetes_cluster_node_pool.windows",
        },
    ),
    "infracost__infracost__internal_providers_terraform_azure_testdata_machine_learning_compute_cluster_test_machine_learning_compute_cluster_test.tf": (
        {
            'azurerm_machine_learning_compute_cluster.example["Standard_NC6.4"]': Expect(
                "Standard_NC6", None, 0, 4, SPOT, optional=True
            ),
            'azurerm_machine_learning_compute_cluster.example["Standard_NV24.16"]': Expect(
                "Standard_NV24", None, 0, 16, SPOT, optional=True
            ),
        },
        {"azurerm_machine_learning_compute_cluster.with_monthly_hrs"},
    ),
    "infracost__infracost__internal_providers_terraform_azure_testdata_machine_learning_compute_instance_test_machine_learning_compute_instance_test.tf": (
        {
            'azurerm_machine_learning_compute_instance.example["Standard_NC12"]': Expect(
                "Standard_NC12", None, 0, 1, ON, optional=True
            ),
        },
        {"azurerm_machine_learning_compute_instance.with_monthly_hrs"},
    ),
    "infracost__infracost__internal_providers_terraform_azure_testdata_virtual_machine_test_virtual_machine_test.tf": (
        {
            'azurerm_virtual_machine.linux_vms["Standard_ND96isr_H100_v5"]': Expect(
                "Standard_ND96isr_H100_v5", "H100", 8, 1, ON, optional=True
            ),
            'azurerm_virtual_machine.windows_vms["Standard_NC24ads_A100_v4"]': Expect(
                "Standard_NC24ads_A100_v4", "A100-80GB", 1, 1, ON, optional=True
            ),
        },
        {"azurerm_virtual_machine.linux", "azurerm_virtual_machine.windows"},
    ),
}
#: Go templates (tfplan2cai test data with ``{{if ...}}`` placeholders), not HCL: Terraform
#: cannot read them either. Static mode reports each with its name and line and goes on.
TEMPLATES = [
    "GoogleCloudPlatform__terraform-google-conversion__tfplan2cai_testdata_templates_full_compute_instance.tf",
    "GoogleCloudPlatform__terraform-google-conversion__tfplan2cai_testdata_templates_full_container_node_pool.tf",
]
#: Files whose GPU resources are built only from module inputs or variables: read without error.
READ_ONLY = [
    "GoogleCloudPlatform__ai-infra-cluster-provisioning__a3_terraform_modules_cluster_gke_main.tf",
    "GoogleCloudPlatform__ai-on-gke__benchmarks_infra_accelerator-cluster_stage-1_modules_gke-infra_cluster.tf",
    "terraform-google-modules__terraform-google-kubernetes-engine__examples_node_pool_main.tf",
    "Azure__terraform-azurerm-aks__extra_node_pool.tf",
]


def _static_reader() -> SourceModule:
    from aicost import sources

    for kind in sources.SOURCES:
        if any(word in kind for word in ("hcl", "static", "config")):
            return sources.load(kind)
    pytest.skip("static mode (issue 4) not merged yet")


def _workloads(name: str):  # type: ignore[no-untyped-def]
    from aicost import mappers
    from aicost.mappers.base import MapSettings
    from aicost.pricing.catalog import PriceBook

    reader = _static_reader()
    # Static mode reads a .tf file's whole directory as one module, and the corpus keeps
    # 40 unrelated files side by side: read each file as the only file of its module.
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "main.tf"
        shutil.copy(HCL / name, path)
        normalised = mappers.normalise([reader.read(path)], PriceBook(), MapSettings())
    return {w.key: w for w in normalised.workloads}


def test_every_gcp_and_azure_corpus_file_has_expectations() -> None:
    files = {
        p.name
        for p in HCL.glob("*.tf")
        if any(w in p.read_text(encoding="utf-8") for w in ('"google_', '"azurerm_'))
    }
    llm_only = {n for n in files if "openai" in n or "cognitive" in n or "VertexAIEndpoint" in n}
    covered = set(EXPECTED) | set(READ_ONLY) | set(TEMPLATES)
    assert files - llm_only <= covered, files - covered


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=lambda n: n[-60:])
def test_static_mode_yields_the_expected_workloads(name: str) -> None:
    workloads = _workloads(name)
    expected, absent = EXPECTED[name]
    for address, want in expected.items():
        if address not in workloads:
            assert want.optional, f"{address} missing from {sorted(workloads)}"
            continue
        deployment = workloads[address].current
        assert deployment.instance_type == want.instance_type, address
        if want.accelerator is not None:
            assert deployment.accelerator is not None, address
            assert deployment.accelerator.name == want.accelerator, address
            assert deployment.accelerator.count == want.per_node, address
        assert deployment.node_count == want.nodes, address
        assert deployment.purchase_option == want.purchase, address
    for address in absent:
        assert address not in workloads, f"{address} should not be an AI workload"


@pytest.mark.parametrize("name", READ_ONLY, ids=lambda n: n[-60:])
def test_static_mode_reads_variable_driven_files(name: str) -> None:
    _workloads(name)


@pytest.mark.parametrize("name", TEMPLATES, ids=lambda n: n[-50:])
def test_go_templates_are_reported_with_file_and_line_and_skipped(name: str) -> None:
    reader = _static_reader()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "main.tf"
        shutil.copy(HCL / name, path)
        with pytest.raises(InputError, match="cannot parse HCL"):
            reader.read(path)  # terraform refuses it, and so does the gate by default
        with skipping_unparsable(True):
            inventory = reader.read(path)
    assert inventory.changes == []
    assert any(
        w.startswith(f"{path}:") and "cannot parse HCL" in w and "skipped" in w
        for w in inventory.warnings
    ), inventory.warnings
