"""Every kind that carries or reserves accelerators is mapped and priced or listed unpriced.

The AWS plan is real (`scripts/regen_plans.sh aws_capacity`); google, azurerm and awscc have
no local provider mirror, so their plans are written by `scripts/write_handmade_plans.py` in
the same format.
"""

from __future__ import annotations

from decimal import Decimal

from aicost.core.model import PurchaseOption
from tests.helpers import by_address, check, price

HOURS = Decimal(730)


def test_aws_capacity_plan_lists_every_accelerator_kind() -> None:
    result = check("aws_capacity")
    found = by_address(result)
    expected = {
        "aws_ec2_capacity_reservation.p5",
        "aws_ec2_capacity_block_reservation.block",
        "aws_ec2_fleet.train",
        "aws_spot_fleet_request.infer",
        "aws_batch_compute_environment.p4d",
        "aws_batch_compute_environment.scale_to_zero",
        "aws_sagemaker_app.lab",
        "aws_sagemaker_space.shared#jupyter_lab",
        "aws_sagemaker_domain.studio#default jupyter_lab",
        "aws_emr_cluster.spark#core",
        "aws_emr_instance_group.task",
        "aws_emr_instance_fleet.task",
    }
    assert expected <= set(found), sorted(found)
    # the EMR master (m5.xlarge) and the Fargate environment run no accelerator
    assert "aws_emr_cluster.spark#master" not in found
    assert not any("fargate" in key for key in found)
    assert result.verdict == "fail"


def test_capacity_reservation_is_billed_at_on_demand_used_or_not() -> None:
    item = by_address(check("aws_capacity"))["aws_ec2_capacity_reservation.p5"]
    planned = item.workload.planned
    assert planned is not None
    assert planned.capacity[0].purchase is PurchaseOption.CAPACITY_RESERVATION
    assert planned.node_count == 4
    assert item.monthly_cost == price("p5.48xlarge") * 4 * HOURS


def test_fleets_batch_emr_and_sagemaker_apps_are_priced() -> None:
    found = by_address(check("aws_capacity"))
    fleet = found["aws_ec2_fleet.train"]
    assert fleet.monthly_cost == price("p4d.24xlarge", column="spot") * 2 * HOURS
    spot_fleet = found["aws_spot_fleet_request.infer"]
    assert spot_fleet.monthly_cost == price("g5.12xlarge", column="spot") * 3 * HOURS
    batch = found["aws_batch_compute_environment.p4d"]  # min_vcpus 96 = one p4d.24xlarge
    assert batch.monthly_cost == price("p4d.24xlarge") * HOURS
    core = found["aws_emr_cluster.spark#core"]
    assert core.monthly_cost == price("g5.2xlarge") * 2 * HOURS
    app = found["aws_sagemaker_app.lab"]
    assert app.monthly_cost == price("ml.g5.12xlarge") * HOURS


def test_what_cannot_be_priced_is_unpriced_with_its_reason() -> None:
    found = by_address(check("aws_capacity"))
    block = found["aws_ec2_capacity_block_reservation.block"]
    assert block.monthly_cost is None
    assert "instance_type" in (block.unpriced_reason or "")
    batch = found["aws_batch_compute_environment.scale_to_zero"]
    assert batch.monthly_cost is None and "desired_vcpus" in (batch.unpriced_reason or "")
    domain = found["aws_sagemaker_domain.studio#default jupyter_lab"]
    assert domain.monthly_cost is None and "default instance type" in (domain.unpriced_reason or "")
    failing = {f.address for f in check("aws_capacity").findings if f.type == "unpriced"}
    assert {
        "aws_ec2_capacity_block_reservation.block",
        "aws_batch_compute_environment.scale_to_zero",
        "aws_sagemaker_domain.studio",
    } <= failing


def test_hyperpod_cluster_groups() -> None:
    found = by_address(check("awscc_hyperpod"))
    workers = found["awscc_sagemaker_cluster.hyperpod#instance group workers"]
    assert workers.monthly_cost == price("ml.p5.48xlarge") * 4 * HOURS
    assert workers.workload.planned is not None
    assert workers.workload.planned.workload_class.value == "training"
    assert "awscc_sagemaker_cluster.hyperpod#instance group controller" not in found


def test_gcp_reservations_and_workbench() -> None:
    found = by_address(check("gcp_capacity"))
    a3 = found["google_compute_reservation.a3-block"]
    assert a3.workload.planned is not None and a3.workload.planned.node_count == 2
    assert a3.workload.planned.accelerators_total == 16
    assert a3.monthly_cost is not None and a3.monthly_cost > 0
    t4 = found["google_compute_reservation.t4-pool"]
    assert t4.workload.planned is not None and t4.workload.planned.accelerators_total == 4
    assert "google_compute_reservation.cpu-only" not in found
    assert "google_workbench_instance.lab" in found


def test_azure_capacity_reservation_located_by_its_group() -> None:
    found = by_address(check("azure_capacity"))
    item = found["azurerm_capacity_reservation.nd_h100"]
    planned = item.workload.planned
    assert planned is not None and planned.region == "eastus"
    assert planned.node_count == 2
    assert item.monthly_cost is not None and item.monthly_cost > 0
