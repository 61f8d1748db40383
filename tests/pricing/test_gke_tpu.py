"""GKE TPU node pools (``ct6e-standard-4t`` ...) are priced from the TPU table, per chip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aicost.mappers.gcp import tpu_node_type
from tests.conftest import Runner
from tests.pricing.helpers import HOURS, gcp_gpu, gcp_tpu

POOL = """
provider "google" {
  region = "us-central1"
}
resource "google_container_node_pool" "tpu" {
  name     = "tpu"
  cluster  = "c"
  location = "us-central1-b"
  node_count = 2
  node_config {
    machine_type = "ct6e-standard-4t"
  }
}
"""


def test_machine_types_translate_to_tpu_types() -> None:
    assert tpu_node_type("ct6e-standard-4t") == "v6e-4"
    assert tpu_node_type("ct5lp-hightpu-8t") == "v5litepod-8"
    assert tpu_node_type("ct5p-hightpu-4t") == "v5p-8"  # 4 chips, 2 TensorCores each
    assert tpu_node_type("ct4p-hightpu-4t") == "v4-8"
    assert tpu_node_type("tpu7x-standard-4t") == "tpu7x-8"
    assert tpu_node_type("a3-highgpu-8g") is None


def test_a_tpu_node_pool_is_priced_per_chip(aicost, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "main.tf").write_text(POOL)
    report = aicost("check", tmp_path, "--format", "json").json
    (pool,) = report["resources"]
    assert pool["planned"]["service"] == "tpu"
    assert pool["planned"]["instance_type"] == "v6e-4"
    assert pool["gpus"] == 8  # 2 nodes x 4 chips
    expected = 2 * 4 * gcp_tpu("v6e") * HOURS
    assert Decimal(pool["monthly_cost_unrounded"]) == expected


CUSTOM = """
provider "google" {
  region = "us-central1"
}
resource "google_compute_instance" "custom" {
  name         = "custom"
  zone         = "us-central1-a"
  machine_type = "custom-8-32768"
  guest_accelerator {
    type  = "nvidia-tesla-t4"
    count = 1
  }
  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
  }
  network_interface {
    network = "default"
  }
}
"""


def test_custom_n1_machines_are_priced_from_per_vcpu_and_per_gib_rates(
    aicost: Runner, tmp_path: Path
) -> None:
    from aicost.core.model import PurchaseOption
    from aicost.pricing.catalog import PriceBook, Rate

    rate = PriceBook().rate(
        "gcp", "compute", "us-central1", "custom-8-32768", PurchaseOption.ON_DEMAND
    )
    # 8 x 0.0331916 + 32 x 0.004446 (Google's N1 custom list rates)
    assert isinstance(rate, Rate) and rate.hourly == Decimal("0.407805")
    assert not rate.basis.startswith("estimate")
    (tmp_path / "main.tf").write_text(CUSTOM)
    (vm,) = aicost("check", tmp_path, "--format", "json").json["resources"]
    assert vm["priced"] and vm["gpus"] == 1
    # with a T4 and the N1 sustained-use discount for a full month (30%)
    expected = (Decimal("0.407805") + gcp_gpu("nvidia-tesla-t4")) * Decimal("0.7") * HOURS
    assert Decimal(vm["monthly_cost_unrounded"]) == expected
