"""Other kinds that can carry accelerators: priced where they are plain VMs, unpriced
with a reason where aicost has no table, non-AI when their machine is known CPU-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Runner
from tests.mappers.failclosed_helpers import TAGS, plan_file, resource

GOOGLE = "registry.terraform.io/hashicorp/google"
AZURE = "registry.terraform.io/hashicorp/azurerm"


def _check(aicost: Runner, tmp_path: Path, entry: dict[str, Any]) -> dict[str, Any]:
    entries = [entry]
    if entry["type"] == "azurerm_batch_pool":
        account = {"name": "mlbatch", "location": "eastus", "resource_group_name": "ml"}
        entries.insert(0, resource("azurerm_batch_account.ml", account, provider=AZURE))
    result = aicost("check", plan_file(tmp_path, entries), "--format", "json")
    assert result.code in (0, 1), result.err
    data: dict[str, Any] = result.json
    return data


DATAPROC_GPU = {
    "cluster_config": [
        {
            "master_config": [{"machine_type": "n2-standard-8", "accelerators": []}],
            "worker_config": [
                {
                    "machine_type": "n1-standard-16",
                    "accelerators": [
                        {"accelerator_type": "nvidia-tesla-t4", "accelerator_count": 2}
                    ],
                }
            ],
        }
    ],
    "labels": TAGS,
}


@pytest.mark.parametrize(
    ("address", "after", "provider", "expect"),
    [
        ("google_dataproc_cluster.gpu", DATAPROC_GPU, GOOGLE, "unpriced"),
        (
            "google_dataproc_cluster.cpu",
            {
                "cluster_config": [
                    {
                        "master_config": [{"machine_type": "n2-standard-8"}],
                        "worker_config": [{"machine_type": "n2-standard-8"}],
                    }
                ]
            },
            GOOGLE,
            "none",
        ),
        (
            "google_tpu_v2_queued_resource.q",
            {"tpu": [{"node_spec": [{"node": [{"accelerator_type": "v5p-8"}]}]}]},
            GOOGLE,
            "unpriced",
        ),
        ("aws_ec2_host.gpu", {"instance_type": "p4d.24xlarge", "tags": TAGS}, None, "unpriced"),
        ("aws_ec2_host.cpu", {"instance_type": "m5.large"}, None, "none"),
        (
            "aws_appstream_fleet.viz",
            {"instance_type": "stream.graphics.g4dn.xlarge", "tags": TAGS},
            None,
            "unpriced",
        ),
        ("aws_appstream_fleet.desk", {"instance_type": "stream.standard.medium"}, None, "none"),
        (
            "aws_cloud9_environment_ec2.ide",
            {"instance_type": "g4dn.xlarge", "tags": TAGS},
            None,
            "priced",
        ),
        (
            "azurerm_batch_pool.nc",
            {
                "vm_size": "Standard_NC24ads_A100_v4",
                "account_name": "mlbatch",
                "fixed_scale": [{"target_dedicated_nodes": 2}],
                "tags": TAGS,
            },
            AZURE,
            "priced",
        ),
        (
            "azurerm_synapse_spark_pool.gpu",
            {"node_size_family": "HardwareAcceleratedGPU", "tags": TAGS},
            AZURE,
            "unpriced",
        ),
    ],
)
def test_other_kinds(
    aicost: Runner,
    tmp_path: Path,
    address: str,
    after: dict[str, Any],
    provider: str | None,
    expect: str,
) -> None:
    entry = resource(address, after, provider=provider) if provider else resource(address, after)
    data = _check(aicost, tmp_path, entry)
    resources = data["resources"]
    if expect == "none":
        assert resources == [] and data["summary"]["non_ai_resources"] == 1
        return
    assert len(resources) == 1, resources
    if expect == "priced":
        assert resources[0]["priced"], resources[0]
    else:
        assert resources[0]["monthly_cost"] is None
        assert resources[0]["unpriced_reason"]
        assert any(f["type"] == "unpriced" for f in data["findings"])
