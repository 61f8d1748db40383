#!/usr/bin/env python3
"""Write the GCP and Azure plan fixtures (``gcp_mixed.json``, ``azure_mixed.json``).

Only the hashicorp/aws provider is mirrored on the build machines, so these plans cannot be
produced by ``terraform plan``. They are written here in the exact ``terraform show -json``
format (``format_version`` 1.2, Terraform 1.11.4): ``resource_changes`` with ``before``,
``after``, ``after_unknown`` and the sensitivity trees, ``planned_values``, and a
``configuration`` section whose ``provider_config`` and ``references`` are what Terraform
writes, following the real google and azurerm plans in ``tests/fixtures/corpus/plans/``. Values a
real plan knows only after apply (ids, self links, computed defaults) are unknown here too.

    python scripts/make_cloud_plans.py           # rewrite the fixtures
    python scripts/make_cloud_plans.py --check   # exit 1 if they are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "plans"
GOOGLE = "registry.terraform.io/hashicorp/google"
GOOGLE_BETA = "registry.terraform.io/hashicorp/google-beta"
AZURERM = "registry.terraform.io/hashicorp/azurerm"


@dataclass
class Res:
    type: str
    name: str
    after: dict[str, Any]
    unknown: dict[str, Any] = field(default_factory=dict)
    provider: str = GOOGLE
    refs: dict[str, list[str]] = field(default_factory=dict)
    index: int | str | None = None
    sensitive: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        base = f"{self.type}.{self.name}"
        if self.index is None:
            return base
        return f"{base}[{json.dumps(self.index)}]"


def _sensitive_shape(value: Any) -> Any:
    """Terraform's ``*_sensitive`` trees mirror nested blocks and maps with empty values."""
    if isinstance(value, dict):
        return {k: _sensitive_shape(v) for k, v in value.items() if isinstance(v, dict | list)}
    if isinstance(value, list):
        return (
            [_sensitive_shape(v) for v in value]
            if any(isinstance(v, dict | list) for v in value)
            else []
        )
    return False


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return extra


def _expressions(res: Res) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    for key, value in res.after.items():
        if key in res.refs or value is None or key in ("effective_labels", "terraform_labels"):
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            expressions[key] = [
                {k: {"constant_value": v} for k, v in block.items() if v is not None}
                for block in value
            ]
        else:
            expressions[key] = {"constant_value": value}
    for key, refs in res.refs.items():
        path = key.split(".")
        node = expressions
        for step in path[:-1]:
            blocks = node.setdefault(step, [{}])
            node = blocks[0]
        node[path[-1]] = {"references": refs}
    return expressions


def plan(resources: list[Res], providers: dict[str, Any], variables: dict[str, Any]) -> str:
    changes = []
    values = []
    config = []
    for res in resources:
        after_sensitive = _merge(_sensitive_shape(res.after), res.sensitive)
        changes.append(
            {
                "address": res.address,
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                **({"index": res.index} if res.index is not None else {}),
                "provider_name": res.provider,
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": res.after,
                    "after_unknown": res.unknown,
                    "before_sensitive": False,
                    "after_sensitive": after_sensitive,
                },
            }
        )
        values.append(
            {
                "address": res.address,
                "mode": "managed",
                "type": res.type,
                "name": res.name,
                **({"index": res.index} if res.index is not None else {}),
                "provider_name": res.provider,
                "schema_version": 0,
                "values": res.after,
                "sensitive_values": after_sensitive,
            }
        )
        key = res.provider.rsplit("/", 1)[1]
        entry = {
            "address": f"{res.type}.{res.name}",
            "mode": "managed",
            "type": res.type,
            "name": res.name,
            "provider_config_key": key,
            "expressions": _expressions(res),
            "schema_version": 0,
        }
        if entry not in config:
            config.append(entry)
    document = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": variables,
        "planned_values": {"root_module": {"resources": values}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": providers,
            "root_module": {"resources": config},
        },
        "timestamp": "2025-01-01T00:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


# --------------------------------------------------------------------------- GCP


def _labels(**labels: str) -> dict[str, Any]:
    effective = {"goog-terraform-provisioned": "true", "managed-by": "terraform", **labels}
    return {
        "labels": labels or None,
        "effective_labels": effective,
        "terraform_labels": effective,
    }


def _instance(name: str, machine: str, zone: str, **extra: Any) -> Res:
    after: dict[str, Any] = {
        "name": name.replace("_", "-"),
        "machine_type": machine,
        "zone": zone,
        "allow_stopping_for_update": None,
        "boot_disk": [
            {"auto_delete": True, "initialize_params": [{"image": "debian-cloud/debian-12"}]}
        ],
        "deletion_protection": False,
        "guest_accelerator": [],
        "network_interface": [{"network": "default"}],
        "scheduling": [
            {
                "automatic_restart": True,
                "on_host_maintenance": "TERMINATE",
                "preemptible": False,
                "provisioning_model": "STANDARD",
            }
        ],
        **_labels(),
    }
    after.update(extra)
    unknown = {
        "cpu_platform": True,
        "id": True,
        "instance_id": True,
        "self_link": True,
        "project": True,
        "network_interface": [{"network_ip": True, "subnetwork": True}],
        "boot_disk": [{"device_name": True, "source": True, "initialize_params": [{"size": True}]}],
    }
    return Res("google_compute_instance", name, after, unknown)


def gcp_plan() -> str:
    prod = {
        "team": "research",
        "model": "llama-3",
        "use-case": "pretraining",
        "environment": "prod",
    }
    resources = [
        _instance(
            "trainer",
            "a3-highgpu-8g",
            "us-central1-a",
            scheduling=[
                {
                    "automatic_restart": False,
                    "on_host_maintenance": "TERMINATE",
                    "preemptible": False,
                    "provisioning_model": "SPOT",
                    "instance_termination_action": "STOP",
                }
            ],
            **_labels(workload="training", **prod),
        ),
        _instance(
            "a100_box",
            "a2-highgpu-1g",
            "us-central1-b",
            **_labels(workload="inference", team="vision"),
        ),
        _instance(
            "n1_t4",
            "n1-standard-8",
            "us-central1-a",
            guest_accelerator=[{"count": 2, "type": "nvidia-tesla-t4"}],
            **_labels(workload="inference", team="search"),
        ),
        _instance(
            "n1_t4_preemptible",
            "n1-standard-8",
            "us-central1-c",
            guest_accelerator=[{"count": 1, "type": "nvidia-tesla-t4"}],
            scheduling=[
                {
                    "automatic_restart": False,
                    "on_host_maintenance": "TERMINATE",
                    "preemptible": True,
                    "provisioning_model": "SPOT",
                }
            ],
            **_labels(workload="batch"),
        ),
        _instance(
            "l4_box",
            "g2-standard-8",
            "us-central1-a",
            guest_accelerator=[{"count": 1, "type": "nvidia-l4"}],
        ),
        _instance("web", "e2-medium", "us-central1-a"),
        _instance("b200", "a4-highgpu-8g", "us-central1-b", **_labels(workload="training")),
        Res(
            "google_compute_instance",
            "h200",
            {
                **_instance("h200", "a3-ultragpu-8g", "us-central1-b").after,
                **_labels(workload="training", team="research"),
            },
            _instance("h200", "x", "y").unknown,
            provider=GOOGLE_BETA,
        ),
        Res(
            "google_compute_instance_template",
            "infer",
            {
                "name_prefix": "infer-",
                "machine_type": "g2-standard-24",
                "region": "us-central1",
                "disk": [{"boot": True, "source_image": "debian-cloud/debian-12"}],
                "guest_accelerator": [],
                "scheduling": [
                    {
                        "automatic_restart": True,
                        "preemptible": False,
                        "provisioning_model": "STANDARD",
                    }
                ],
                **_labels(workload="inference", team="search", environment="prod"),
            },
            {"id": True, "self_link": True, "self_link_unique": True, "name": True},
        ),
        Res(
            "google_compute_region_instance_group_manager",
            "infer",
            {
                "name": "infer",
                "base_instance_name": "infer",
                "region": "us-central1",
                "target_size": 3,
                "version": [{"name": "primary", "target_size": []}],
            },
            {
                "id": True,
                "self_link": True,
                "instance_group": True,
                "version": [{"instance_template": True, "target_size": []}],
            },
            refs={
                "version.instance_template": [
                    "google_compute_instance_template.infer.id",
                    "google_compute_instance_template.infer",
                ]
            },
        ),
        Res(
            "google_container_cluster",
            "gke",
            {
                "name": "ml",
                "location": "us-central1",
                "node_locations": ["us-central1-a", "us-central1-b"],
                "initial_node_count": 1,
                "remove_default_node_pool": True,
                "enable_autopilot": None,
                "deletion_protection": False,
                **_labels(),
            },
            {
                "id": True,
                "endpoint": True,
                "node_pool": True,
                "node_config": True,
                "self_link": True,
                "master_version": True,
            },
        ),
        Res(
            "google_container_node_pool",
            "h100",
            {
                "name": "h100",
                "node_count": 1,
                "node_config": [
                    {
                        "machine_type": "a3-highgpu-8g",
                        "spot": True,
                        "preemptible": False,
                        "labels": {"workload": "training"},
                        "resource_labels": {"team": "research"},
                        "guest_accelerator": [
                            {
                                "count": 8,
                                "type": "nvidia-h100-80gb",
                                "gpu_driver_installation_config": [
                                    {"gpu_driver_version": "LATEST"}
                                ],
                            }
                        ],
                    }
                ],
                "autoscaling": [],
            },
            {
                "id": True,
                "cluster": True,
                "location": True,
                "node_locations": True,
                "instance_group_urls": True,
                "version": True,
                "node_config": [{"disk_size_gb": True, "image_type": True, "oauth_scopes": True}],
            },
            refs={"cluster": ["google_container_cluster.gke.id", "google_container_cluster.gke"]},
        ),
        Res(
            "google_container_node_pool",
            "l4",
            {
                "name": "l4",
                "location": "us-central1",
                "initial_node_count": 1,
                "node_config": [
                    {
                        "machine_type": "g2-standard-4",
                        "spot": False,
                        "preemptible": False,
                        "labels": {"workload": "inference"},
                        "resource_labels": None,
                        "guest_accelerator": [],
                    }
                ],
                "autoscaling": [
                    {
                        "min_node_count": 1,
                        "max_node_count": 3,
                        "total_min_node_count": None,
                        "total_max_node_count": None,
                        "location_policy": "BALANCED",
                    }
                ],
            },
            {
                "id": True,
                "cluster": True,
                "node_count": True,
                "node_locations": True,
                "instance_group_urls": True,
                "version": True,
                "node_config": [{"disk_size_gb": True, "image_type": True, "oauth_scopes": True}],
            },
            refs={"cluster": ["google_container_cluster.gke.id", "google_container_cluster.gke"]},
        ),
        Res(
            "google_container_cluster",
            "zonal",
            {
                "name": "zonal",
                "location": "us-central1-a",
                "remove_default_node_pool": None,
                "node_pool": [
                    {
                        "name": "t4",
                        "node_count": 2,
                        "node_config": [
                            {
                                "machine_type": "n1-standard-4",
                                "preemptible": True,
                                "spot": False,
                                "guest_accelerator": [{"count": 1, "type": "nvidia-tesla-t4"}],
                                "labels": {"workload": "batch"},
                            }
                        ],
                    },
                    {
                        "name": "system",
                        "node_count": 1,
                        "node_config": [
                            {
                                "machine_type": "e2-standard-4",
                                "preemptible": False,
                                "spot": False,
                                "guest_accelerator": [],
                            }
                        ],
                    },
                ],
                **_labels(),
            },
            {"id": True, "endpoint": True, "node_locations": True, "self_link": True},
        ),
        Res(
            "google_tpu_v2_vm",
            "v5p",
            {
                "name": "v5p",
                "zone": "us-central1-a",
                "accelerator_type": "v5p-8",
                "runtime_version": "v2-alpha-tpuv5",
                "scheduling_config": [],
                **_labels(workload="training", team="research"),
            },
            {"id": True, "network_endpoints": True, "state": True},
        ),
        Res(
            "google_tpu_v2_vm",
            "v6e",
            {
                "name": "v6e",
                "zone": "us-central1-a",
                "accelerator_type": None,
                "accelerator_config": [{"type": "V6E", "topology": "2x4"}],
                "runtime_version": "v2-alpha-tpuv6e",
                "scheduling_config": [{"preemptible": False, "spot": True, "reserved": False}],
                **_labels(workload="inference"),
            },
            {"id": True, "network_endpoints": True, "state": True},
        ),
        Res(
            "google_tpu_node",
            "legacy",
            {
                "name": "legacy",
                "zone": "us-central1-b",
                "accelerator_type": "v3-8",
                "tensorflow_version": "2.12.0",
                "scheduling_config": [{"preemptible": True}],
                **_labels(),
            },
            {"id": True, "network_endpoints": True, "cidr_block": True},
        ),
        Res(
            "google_vertex_ai_deployment_resource_pool",
            "serving",
            {
                "name": "serving",
                "region": "us-central1",
                "dedicated_resources": [
                    {
                        "machine_spec": [
                            {
                                "machine_type": "g2-standard-12",
                                "accelerator_type": "NVIDIA_L4",
                                "accelerator_count": 1,
                            }
                        ],
                        "min_replica_count": 2,
                        "max_replica_count": 4,
                    }
                ],
            },
            {"id": True, "create_time": True},
        ),
        Res(
            "google_workbench_instance",
            "notebook",
            {
                "name": "nb",
                "location": "us-central1-a",
                "gce_setup": [
                    {
                        "machine_type": "n1-standard-4",
                        "accelerator_configs": [{"type": "NVIDIA_TESLA_T4", "core_count": "1"}],
                    }
                ],
                **_labels(team="search"),
            },
            {"id": True, "proxy_uri": True, "state": True},
        ),
    ]
    providers = {
        "google": {
            "name": "google",
            "full_name": GOOGLE,
            "version_constraint": "~> 6.0",
            "expressions": {
                "project": {"constant_value": "aicost-fixtures"},
                "region": {"constant_value": "us-central1"},
                "default_labels": {"constant_value": {"managed-by": "terraform"}},
            },
        },
        "google-beta": {
            "name": "google-beta",
            "full_name": GOOGLE_BETA,
            "expressions": {
                "project": {"constant_value": "aicost-fixtures"},
                "region": {"references": ["var.region"]},
            },
        },
    }
    return plan(resources, providers, {"region": {"value": "us-central1"}})


# --------------------------------------------------------------------------- Azure


def _tags(**tags: str) -> dict[str, Any]:
    return {"tags": tags or None}


def azure_plan() -> str:
    vm_unknown = {
        "id": True,
        "private_ip_address": True,
        "public_ip_address": True,
        "virtual_machine_id": True,
        "os_disk": [{"name": True}],
    }
    resources = [
        Res(
            "azurerm_resource_group",
            "ml",
            {"name": "ml", "location": "eastus", "tags": None},
            {"id": True},
            provider=AZURERM,
        ),
        Res(
            "azurerm_linux_virtual_machine",
            "trainer",
            {
                "name": "trainer",
                "location": "eastus",
                "resource_group_name": "ml",
                "size": "Standard_ND96isr_H100_v5",
                "priority": "Spot",
                "eviction_policy": "Deallocate",
                "max_bid_price": -1,
                "admin_username": "azureuser",
                "os_disk": [{"caching": "ReadWrite", "storage_account_type": "Premium_LRS"}],
                **_tags(
                    workload="training",
                    team="research",
                    model="llama-3",
                    **{"use-case": "pretraining"},
                    environment="prod",
                ),
            },
            vm_unknown,
            provider=AZURERM,
        ),
        Res(
            "azurerm_windows_virtual_machine",
            "viz",
            {
                "name": "viz",
                "location": "East US",
                "resource_group_name": "ml",
                "size": "Standard_NV36ads_A10_v5",
                "priority": "Regular",
                "admin_username": "azureuser",
                "admin_password": "fixture-not-a-secret",
                **_tags(team="design"),
            },
            vm_unknown,
            provider=AZURERM,
            sensitive={"admin_password": True},
        ),
        Res(
            "azurerm_virtual_machine",
            "legacy",
            {
                "name": "legacy",
                "location": "westeurope",
                "resource_group_name": "ml",
                "vm_size": "Standard_NC6s_v3",
                "storage_os_disk": [
                    {
                        "name": "osdisk",
                        "create_option": "FromImage",
                        "os_type": "Linux",
                        "managed_disk_type": "Standard_LRS",
                    }
                ],
                **_tags(workload="inference"),
            },
            {"id": True},
            provider=AZURERM,
        ),
        Res(
            "azurerm_linux_virtual_machine_scale_set",
            "infer",
            {
                "name": "infer",
                "location": "eastus",
                "resource_group_name": "ml",
                "sku": "Standard_NC24ads_A100_v4",
                "instances": 3,
                "priority": "Regular",
                **_tags(
                    workload="inference", environment="prod", **{"purchase-option": "reserved"}
                ),
            },
            {"id": True, "unique_id": True},
            provider=AZURERM,
        ),
        Res(
            "azurerm_kubernetes_cluster",
            "aks",
            {
                "name": "aks",
                "location": "eastus2",
                "resource_group_name": "ml",
                "dns_prefix": "aks",
                "default_node_pool": [
                    {
                        "name": "system",
                        "vm_size": "Standard_D4s_v3",
                        "node_count": 2,
                        "auto_scaling_enabled": False,
                        "min_count": None,
                        "max_count": None,
                    }
                ],
                **_tags(team="platform"),
            },
            {
                "id": True,
                "kube_config": True,
                "fqdn": True,
                "default_node_pool": [{"orchestrator_version": True}],
            },
            provider=AZURERM,
            sensitive={"kube_config": True},
        ),
        Res(
            "azurerm_kubernetes_cluster_node_pool",
            "h100",
            {
                "name": "h100",
                "vm_size": "Standard_NC40ads_H100_v5",
                "auto_scaling_enabled": True,
                "min_count": 1,
                "max_count": 4,
                "node_count": 2,
                "priority": "Spot",
                "eviction_policy": "Delete",
                "spot_max_price": -1,
                "os_type": "Linux",
                "node_labels": {"workload": "training"},
                **_tags(team="research"),
            },
            {"id": True, "kubernetes_cluster_id": True, "orchestrator_version": True},
            provider=AZURERM,
            refs={
                "kubernetes_cluster_id": [
                    "azurerm_kubernetes_cluster.aks.id",
                    "azurerm_kubernetes_cluster.aks",
                ]
            },
        ),
        Res(
            "azurerm_kubernetes_cluster_node_pool",
            "h200",
            {
                "name": "h200",
                "vm_size": "Standard_ND96isr_H200_v5",
                "auto_scaling_enabled": False,
                "node_count": 1,
                "priority": "Regular",
                "os_type": "Linux",
                "node_labels": {"workload": "inference"},
                **_tags(team="research"),
            },
            {"id": True, "kubernetes_cluster_id": True, "orchestrator_version": True},
            provider=AZURERM,
            refs={
                "kubernetes_cluster_id": [
                    "azurerm_kubernetes_cluster.aks.id",
                    "azurerm_kubernetes_cluster.aks",
                ]
            },
        ),
        Res(
            "azurerm_machine_learning_workspace",
            "ws",
            {"name": "ws", "location": "eastus", "resource_group_name": "ml", "tags": None},
            {"id": True, "discovery_url": True, "workspace_id": True},
            provider=AZURERM,
        ),
        Res(
            "azurerm_machine_learning_compute_cluster",
            "train",
            {
                "name": "train",
                "location": "East US",
                "vm_size": "Standard_ND96amsr_A100_v4",
                "vm_priority": "LowPriority",
                "scale_settings": [
                    {
                        "min_node_count": 2,
                        "max_node_count": 4,
                        "scale_down_nodes_after_idle_duration": "PT30S",
                    }
                ],
                **_tags(workload="training", team="research"),
            },
            {"id": True, "machine_learning_workspace_id": True},
            provider=AZURERM,
            refs={
                "machine_learning_workspace_id": [
                    "azurerm_machine_learning_workspace.ws.id",
                    "azurerm_machine_learning_workspace.ws",
                ]
            },
        ),
        Res(
            "azurerm_machine_learning_compute_instance",
            "notebook",
            {"name": "nb", "virtual_machine_size": "Standard_NC4as_T4_v3", **_tags(team="search")},
            {"id": True, "machine_learning_workspace_id": True},
            provider=AZURERM,
            refs={
                "machine_learning_workspace_id": [
                    "azurerm_machine_learning_workspace.ws.id",
                    "azurerm_machine_learning_workspace.ws",
                ]
            },
        ),
        Res(
            "azurerm_linux_virtual_machine",
            "mi300x",
            {
                "name": "mi300x",
                "location": "eastus2",
                "resource_group_name": "ml",
                "size": "Standard_ND96isr_MI300X_v5",
                "priority": "Regular",
                "admin_username": "azureuser",
                **_tags(workload="inference"),
            },
            vm_unknown,
            provider=AZURERM,
        ),
    ]
    providers = {
        "azurerm": {
            "name": "azurerm",
            "full_name": AZURERM,
            "version_constraint": "~> 4.0",
            "expressions": {"features": [{}]},
        }
    }
    return plan(resources, providers, {})


FILES = {"gcp_mixed.json": gcp_plan, "azure_mixed.json": azure_plan}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for name, make in FILES.items():
        content = make()
        path = OUT / name
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != content:
                stale.append(name)
        else:
            path.write_text(content, encoding="utf-8")
    for name in stale:
        print(f"make_cloud_plans: {OUT / name} is out of date", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
