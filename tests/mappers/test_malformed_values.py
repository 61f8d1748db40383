"""Values of a shape the provider never writes, in the fixture plans: a clear input error
naming the resource and field (exit 2) or a priced reading, never an internal error (found
by mutating every AI resource of the fixture plans)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PLANS, Runner


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(after: dict[str, Any]) -> None:
        node: Any = after
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value(node[path[-1]]) if callable(value) else value

    return change


CASES = [
    (
        "aws_attribute_based",
        "aws_ec2_fleet.f",
        _set(("launch_template_config", 0, "override"), 10**30),
        1,
        None,
    ),
    (
        "aws_capacity",
        "aws_ec2_fleet.train",
        _set(("launch_template_config", 0, "override"), 10**30),
        1,
        None,
    ),
    (
        "aws_mixed",
        "aws_autoscaling_group.mixed",
        _set(("mixed_instances_policy", 0, "instances_distribution", 0), 10**30),
        1,
        None,
    ),
    (
        "gcp_capacity",
        "google_compute_reservation.t4-pool",
        _set(
            (
                "specific_reservation",
                0,
                "instance_properties",
                0,
                "guest_accelerators",
                0,
                "accelerator_count",
            ),
            lambda count: [count],
        ),
        2,
        "guest_accelerators.accelerator_count is [1], not a count",
    ),
    (
        "gcp_mixed",
        "google_tpu_v2_vm.v6e",
        _set(("accelerator_config", 0, "topology"), 10**30),
        2,
        "accelerator_config.topology 1000000000000000000000000000000 is not a TPU slice",
    ),
]


@pytest.mark.parametrize(
    ("plan_name", "address", "mutate", "code", "message"),
    CASES,
    ids=[f"{case[1]}" for case in CASES],
)
def test_a_value_of_the_wrong_shape_is_no_internal_error(
    aicost: Runner,
    tmp_path: Path,
    plan_name: str,
    address: str,
    mutate: Callable[[dict[str, Any]], None],
    code: int,
    message: str | None,
) -> None:
    document = json.loads((PLANS / f"{plan_name}.json").read_text())
    (change,) = [c for c in document["resource_changes"] if c["address"] == address]
    mutate(change["change"]["after"])
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    result = aicost("check", path, "--format", "compact")
    assert result.code == code, result.err
    if message is not None:
        assert f"{address}: {message}" in result.err


def _alone(
    aicost: Runner, tmp_path: Path, plan_name: str, address: str, key: str, value: Any
) -> Any:
    """The JSON report of *plan_name* with only *address* left, its ``after[key]`` set to
    *value*; the check must fail (exit 1) and list that one resource."""
    document = json.loads((PLANS / f"{plan_name}.json").read_text())
    (change,) = [c for c in document["resource_changes"] if c["address"] == address]
    change["change"]["after"][key] = value
    document["resource_changes"] = [change]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    result = aicost("check", path, "--format", "json")
    assert result.code == 1, result.err
    (found,) = result.json["resources"]
    assert found["address"] == address
    return result.json


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("azurerm_linux_virtual_machine.mi300x", "size"),
        ("azurerm_kubernetes_cluster_node_pool.h100", "vm_size"),
        ("azurerm_machine_learning_compute_instance.notebook", "virtual_machine_size"),
    ],
)
def test_an_azure_machine_without_its_required_size_is_unpriced_not_non_ai(
    aicost: Runner, tmp_path: Path, address: str, key: str
) -> None:
    """Not knowing is never "non-AI": a null required size is listed, unpriced."""
    report = _alone(aicost, tmp_path, "azure_mixed", address, key, None)
    assert report["resources"][0]["monthly_cost"] is None
    assert report["summary"]["non_ai_resources"] == 0


@pytest.mark.parametrize("value", [None, -1, [], "x"])
def test_an_eks_node_group_without_a_readable_scaling_config_is_unpriced_not_free(
    aicost: Runner, tmp_path: Path, value: Any
) -> None:
    """``scaling_config`` (and its ``desired_size``) is required: a plan without a readable
    one does not say how many nodes run, so the group is not priced at 0 nodes."""
    address = "aws_eks_node_group.spot_train"
    report = _alone(aicost, tmp_path, "aws_mixed", address, "scaling_config", value)
    (found,) = report["resources"]
    assert found["monthly_cost"] is None
    assert "scaling_config.desired_size" in " ".join(found["planned"]["unknown"])


@pytest.mark.parametrize("value", [None, [], "x"])
def test_a_gcp_reservation_without_readable_instance_properties_is_unpriced(
    aicost: Runner, tmp_path: Path, value: Any
) -> None:
    """``specific_reservation`` and its ``machine_type`` are required: without them the
    reservation holds machines aicost cannot tell, never none."""
    address = "google_compute_reservation.a3-block"
    report = _alone(aicost, tmp_path, "gcp_capacity", address, "specific_reservation", value)
    assert report["resources"][0]["monthly_cost"] is None
    assert report["summary"]["non_ai_resources"] == 0


@pytest.mark.parametrize("value", [None, [], 7])
def test_an_azure_ml_cluster_without_readable_scale_settings_is_unpriced_not_free(
    aicost: Runner, tmp_path: Path, value: Any
) -> None:
    """``scale_settings`` is required: without it how many nodes run is not known."""
    address = "azurerm_machine_learning_compute_cluster.train"
    report = _alone(aicost, tmp_path, "azure_mixed", address, "scale_settings", value)
    (found,) = report["resources"]
    assert found["monthly_cost"] is None
    assert found["unpriced_reason"].startswith("scale_settings.0.min_node_count not known")


@pytest.mark.parametrize("value", [None, [], 7])
def test_an_ec2_fleet_without_a_readable_target_capacity_is_unpriced_not_free(
    aicost: Runner, tmp_path: Path, value: Any
) -> None:
    """``target_capacity_specification.total_target_capacity`` is required."""
    key = "target_capacity_specification"
    report = _alone(aicost, tmp_path, "aws_capacity", "aws_ec2_fleet.train", key, value)
    (found,) = report["resources"]
    assert found["monthly_cost"] is None
    assert "target_capacity_specification.total_target_capacity" in " ".join(
        found["planned"]["unknown"]
    )
