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
