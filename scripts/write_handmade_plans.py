"""Write the plan fixtures for providers that have no local mirror (google, azurerm, awscc).

Terraform cannot plan these offline here, so their plans are written in exactly the shape
`terraform show -json` gives (format 1.2: resource_changes with before/after/after_unknown/
sensitivity, configuration.provider_config and root_module expressions), following the real
google_mixed and azure_mixed fixtures. Run from the repository root:

    python scripts/write_handmade_plans.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "plans"
TIMESTAMP = "2025-01-01T00:00:00Z"


def change(
    provider: str,
    rtype: str,
    name: str,
    after: dict[str, Any],
    unknown: dict[str, Any],
    expressions: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    full = f"registry.terraform.io/hashicorp/{provider}"
    address = f"{rtype}.{name}"
    entry = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": full,
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": {
                k: ({} if isinstance(v, dict) else [])
                for k, v in after.items()
                if isinstance(v, dict | list)
            },
        },
    }
    config = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": provider,
        "expressions": expressions or {},
        "schema_version": 0,
    }
    return entry, config


def plan(provider: str, region_key: str, region: str | None, pairs: list[Any]) -> dict[str, Any]:
    expressions: dict[str, Any] = {}
    if region is not None:
        expressions[region_key] = {"constant_value": region}
    if provider == "azurerm":
        expressions["features"] = [{}]
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": e["address"],
                        "mode": "managed",
                        "type": e["type"],
                        "name": e["name"],
                        "provider_name": e["provider_name"],
                        "schema_version": 0,
                        "values": e["change"]["after"],
                        "sensitive_values": e["change"]["after_sensitive"],
                    }
                    for e, _ in pairs
                ]
            }
        },
        "resource_changes": [e for e, _ in pairs],
        "configuration": {
            "provider_config": {
                provider: {
                    "name": provider,
                    "full_name": f"registry.terraform.io/hashicorp/{provider}",
                    "expressions": expressions,
                }
            },
            "root_module": {"resources": [c for _, c in pairs]},
        },
        "timestamp": TIMESTAMP,
        "applyable": True,
        "complete": True,
        "errored": False,
    }


LABELS = {"team": "research", "model": "llm", "use-case": "pretraining", "environment": "prod"}


def gcp() -> dict[str, Any]:
    def reservation(name: str, machine: str, count: int, guest: list[Any]) -> Any:
        return change(
            "google",
            "google_compute_reservation",
            name,
            {
                "name": name,
                "zone": "us-central1-a",
                "description": None,
                "specific_reservation_required": True,
                "specific_reservation": [
                    {
                        "count": count,
                        "instance_properties": [
                            {
                                "machine_type": machine,
                                "guest_accelerators": guest,
                                "local_ssds": [],
                                "min_cpu_platform": None,
                            }
                        ],
                    }
                ],
                "share_settings": [],
                "timeouts": None,
            },
            {
                "id": True,
                "self_link": True,
                "creation_timestamp": True,
                "commitment": True,
                "project": True,
                "status": True,
                "specific_reservation": [
                    {
                        "in_use_count": True,
                        "instance_properties": [{"guest_accelerators": [{} for _ in guest]}],
                    }
                ],
            },
        )

    return plan(
        "google",
        "region",
        "us-central1",
        [
            reservation("a3-block", "a3-highgpu-8g", 2, []),
            reservation(
                "t4-pool",
                "n1-standard-8",
                4,
                [{"accelerator_type": "nvidia-tesla-t4", "accelerator_count": 1}],
            ),
            reservation("cpu-only", "n2-standard-8", 3, []),
            change(
                "google",
                "google_workbench_instance",
                "lab",
                {
                    "name": "lab",
                    "location": "us-central1-a",
                    "gce_setup": [
                        {
                            "machine_type": "g2-standard-8",
                            "accelerator_configs": [],
                        }
                    ],
                    "labels": LABELS,
                },
                {"id": True, "effective_labels": True},
            ),
        ],
    )


def azure() -> dict[str, Any]:
    group = change(
        "azurerm",
        "azurerm_capacity_reservation_group",
        "gpu",
        {
            "name": "gpu-crg",
            "location": "eastus",
            "resource_group_name": "ml",
            "zones": None,
            "tags": LABELS,
        },
        {"id": True},
    )
    reservation = change(
        "azurerm",
        "azurerm_capacity_reservation",
        "nd_h100",
        {
            "name": "nd-h100",
            "sku": [{"name": "Standard_ND96isr_H100_v5", "capacity": 2}],
            "zone": None,
            "tags": {**LABELS, "workload": "training"},
        },
        {"id": True, "capacity_reservation_group_id": True, "sku": [{}]},
        {
            "capacity_reservation_group_id": {
                "references": [
                    "azurerm_capacity_reservation_group.gpu.id",
                    "azurerm_capacity_reservation_group.gpu",
                ]
            }
        },
    )
    return plan("azurerm", "location", None, [group, reservation])


def awscc() -> dict[str, Any]:
    return plan(
        "awscc",
        "region",
        "us-east-1",
        [
            change(
                "awscc",
                "awscc_sagemaker_cluster",
                "hyperpod",
                {
                    "cluster_name": "hyperpod",
                    "instance_groups": [
                        {
                            "instance_group_name": "controller",
                            "instance_type": "ml.m5.xlarge",
                            "instance_count": 1,
                            "execution_role": "arn:aws:iam::123456789012:role/hyperpod",
                            "life_cycle_config": {
                                "on_create": "on_create.sh",
                                "source_s3_uri": "s3://example/lifecycle",
                            },
                            "threads_per_core": 1,
                        },
                        {
                            "instance_group_name": "workers",
                            "instance_type": "ml.p5.48xlarge",
                            "instance_count": 4,
                            "execution_role": "arn:aws:iam::123456789012:role/hyperpod",
                            "life_cycle_config": {
                                "on_create": "on_create.sh",
                                "source_s3_uri": "s3://example/lifecycle",
                            },
                            "threads_per_core": 1,
                        },
                    ],
                    "tags": [{"key": k, "value": v} for k, v in LABELS.items()],
                },
                {
                    "id": True,
                    "cluster_arn": True,
                    "cluster_status": True,
                    "creation_time": True,
                    "failure_message": True,
                    "instance_groups": [{"current_count": True}, {"current_count": True}],
                },
            )
        ],
    )


def main() -> None:
    for name, build in (
        ("gcp_capacity", gcp),
        ("azure_capacity", azure),
        ("awscc_hyperpod", awscc),
    ):
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
