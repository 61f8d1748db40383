"""gpu-family by accelerator on every cloud; the default pack's outdated-GPU list covers all three.

The fixtures (tests/fixtures/advice/old_gpus) are static Terraform for GCP N1 VMs with
nvidia-tesla-v100/p100 attached, an Azure Standard_NC6s_v3 (V100) and a current G2 (L4),
and a GKE Job that asks for V100s by node selector.
"""

from __future__ import annotations

from pathlib import Path

from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES, REPO

OLD = FIXTURES / "advice" / "old_gpus"


def _denied(inputs: list[Path], policy: Path) -> dict[str, str]:
    result = run_check(inputs, load_policy(policy))
    return {f.address: f.message for f in result.findings if f.type == "gpu-family"}


def test_default_pack_denies_outdated_gpus_on_gcp_azure_and_in_manifests() -> None:
    found = _denied([OLD / "main.tf", OLD / "k8s-v100.yaml"], REPO / "policies" / "default.yaml")
    assert (
        "(V100) is in a denied GPU family (V100)" in found["google_compute_instance.v100_trainer"]
    )
    assert "(P100)" in found["google_compute_instance.p100_box"]
    assert "Standard_NC6s_v3 (V100)" in found["azurerm_linux_virtual_machine.nc_v3"]
    job = f"{OLD / 'k8s-v100.yaml'}:Job/legacy-finetune"
    assert any(k.endswith("k8s-v100.yaml:Job/legacy-finetune") for k in found), job
    assert "google_compute_instance.l4_server" not in found


def test_allow_by_accelerator(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: t\nunpriced: ignore\nrules:\n"
        "  - id: hw\n    type: gpu-family\n    allow: [L4, H100]\n",
        encoding="utf-8",
    )
    found = _denied([OLD / "main.tf"], policy)
    assert "google_compute_instance.l4_server" not in found
    assert "google_compute_instance.t4_server" in found
    assert "is not an approved GPU family" in found["azurerm_linux_virtual_machine.nc_v3"]


def test_deny_t4_by_accelerator_covers_g4dn_and_gcp(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\nname: t\nunpriced: ignore\nrules:\n"
        "  - id: hw\n    type: gpu-family\n    deny: [T4, V100]\n",
        encoding="utf-8",
    )
    found = _denied([OLD / "main.tf"], policy)
    assert set(found) == {
        "google_compute_instance.v100_trainer",
        "azurerm_linux_virtual_machine.nc_v3",
        "google_compute_instance.t4_server",
    }
