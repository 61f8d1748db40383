"""AWS resources become the workloads a person would count, with costs from the price table."""

from __future__ import annotations

from decimal import Decimal

from aicost.core.model import PurchaseOption, WorkloadClass
from tests.helpers import HOURS, by_address, check, price


def test_aws_mixed_workloads_match_what_a_person_would_count() -> None:
    result = check("aws_mixed")
    w = by_address(result)
    # t3.micro is not an AI workload; templates, models and configurations deploy nothing alone
    assert "aws_instance.web" not in w
    assert not any(
        k.startswith(("aws_launch_template", "aws_sagemaker_endpoint_configuration")) for k in w
    )
    assert result.non_ai == {"aws_instance": 1}

    trainer = w["aws_instance.trainer"].workload.current
    assert (trainer.instance_type, trainer.node_count, trainer.accelerators_total) == (
        "p5.48xlarge",
        1,
        8,
    )
    assert trainer.accelerator is not None and trainer.accelerator.name == "H100"
    assert trainer.workload_class is WorkloadClass.TRAINING
    assert trainer.class_reason == "tag workload=training"
    assert trainer.purchase_option == "on-demand"

    assert w["aws_instance.spot_trainer"].workload.current.purchase_option == "spot"
    assert w["aws_spot_instance_request.batch"].workload.current.purchase_option == "spot"
    assert (
        w["aws_instance.reserved_infer"].workload.current.purchase_option == "capacity-reservation"
    )
    assert w["aws_instance.west_infer"].workload.current.region == "us-west-2"


def test_autoscaling_group_finds_its_launch_template_when_the_id_is_unknown() -> None:
    asg = by_address(check("aws_mixed"))["aws_autoscaling_group.infer"]
    deployment = asg.workload.current
    assert deployment.instance_type == "g5.12xlarge"
    assert deployment.node_count == 3
    assert (deployment.min_nodes, deployment.max_nodes) is not None
    assert asg.monthly_cost == price("g5.12xlarge") * 3 * HOURS


def test_mixed_instances_policy_splits_on_demand_and_spot() -> None:
    asg = by_address(check("aws_mixed"))["aws_autoscaling_group.mixed"]
    deployment = asg.workload.current
    split = {c.purchase: c.nodes for c in deployment.capacity}
    # desired 5, base 1 on-demand, 25% of the 4 above base on-demand (1), the other 3 spot
    assert split == {PurchaseOption.ON_DEMAND: 2, PurchaseOption.SPOT: 3}
    assert deployment.purchase_option == "mixed"
    expected = (price("g5.2xlarge") * 2 + price("g5.2xlarge", column="spot") * 3) * HOURS
    assert asg.monthly_cost == expected


def test_eks_node_groups_capacity_type_and_desired_size() -> None:
    w = by_address(check("aws_mixed"))
    infer = w["aws_eks_node_group.infer"]
    assert infer.workload.current.node_count == 2
    assert (infer.workload.current.min_nodes, infer.workload.current.max_nodes) == (1, 4)
    assert infer.monthly_cost == price("g6e.12xlarge") * 2 * HOURS
    spot = w["aws_eks_node_group.spot_train"]
    assert spot.workload.current.purchase_option == "spot"
    assert spot.monthly_cost == price("p4d.24xlarge", column="spot") * 2 * HOURS
    assert spot.workload.current.accelerators_total == 16


def test_sagemaker_endpoint_is_counted_once_per_variant() -> None:
    result = check("aws_mixed")
    variants = [w for w in result.workloads if w.workload.address == "aws_sagemaker_endpoint.llm"]
    assert sorted(v.workload.component or "" for v in variants) == [
        "variant canary",
        "variant primary",
    ]
    total = sum((v.monthly_cost or Decimal(0)) for v in variants)
    assert total == (price("ml.g5.2xlarge") * 2 + price("ml.g6.12xlarge")) * HOURS
    assert all(v.workload.current.workload_class is WorkloadClass.INFERENCE for v in variants)
    notebook = by_address(result)["aws_sagemaker_notebook_instance.research"]
    assert notebook.workload.current.workload_class is WorkloadClass.NOTEBOOK
    assert notebook.monthly_cost == price("ml.g5.xlarge") * HOURS


def test_unknown_instance_type_is_unpriced_and_never_zero() -> None:
    result = check("aws_mixed")
    future = by_address(result)["aws_instance.future"]
    assert future.monthly_cost is None
    assert not future.priced
    assert "p9.96xlarge is not in the aws-ec2 price table" in (future.unpriced_reason or "")
    assert result.summary.unpriced == 1
    priced_total = sum((w.monthly_cost or Decimal(0)) for w in result.workloads)
    assert result.summary.monthly_cost == priced_total


def test_module_instances_are_separate_workloads() -> None:
    w = by_address(check("aws_mixed"))
    pool = [k for k in w if k.startswith("module.gpu_pool")]
    assert len(pool) == 4
    assert (
        w['module.regional["b"].aws_instance.node[0]'].workload.current.instance_type == "g6.xlarge"
    )


def test_changes_price_prior_and_planned_sides() -> None:
    w = by_address(check("aws_changes"))
    resize = w["aws_instance.resize"]
    assert resize.prior_monthly_cost == price("g5.xlarge") * HOURS
    assert resize.monthly_cost == price("g5.2xlarge") * HOURS
    assert resize.delta_monthly_cost == (price("g5.2xlarge") - price("g5.xlarge")) * HOURS
    retired = w["aws_instance.retired"]
    assert retired.workload.planned is None
    assert retired.monthly_cost == 0
    assert retired.delta_monthly_cost == -price("p4d.24xlarge") * HOURS
    assert w["aws_eks_node_group.infer"].delta_monthly_cost == price("g6e.12xlarge") * 2 * HOURS
    for address in (
        "aws_instance.steady",
        "aws_instance.retag",
        "aws_instance.reimage",
        "aws_instance.blue_green",
    ):
        assert w[address].delta_monthly_cost == 0, address
    assert w["aws_instance.blue_green"].workload.create_before_destroy


def test_replaced_endpoint_configuration_prices_both_sides() -> None:
    w = by_address(check("aws_changes"))
    endpoint = w["aws_sagemaker_endpoint.llm#variant primary"]
    assert (
        endpoint.workload.prior is not None
        and endpoint.workload.prior.instance_type == "ml.g5.2xlarge"
    )
    assert (
        endpoint.workload.planned is not None
        and endpoint.workload.planned.instance_type == "ml.g6.2xlarge"
    )
    assert (
        endpoint.delta_monthly_cost == (price("ml.g6.2xlarge") - price("ml.g5.2xlarge")) * 2 * HOURS
    )


def test_nested_module_with_provider_alias_is_priced_in_its_region() -> None:
    w = by_address(check("aws_modules"))
    eu = w["module.eu.module.fleet[0].aws_instance.gpu[0]"]
    assert eu.monthly_cost == price("g5.2xlarge", "eu-west-1") * HOURS
    vision = w['module.team["vision"].module.fleet[0].aws_instance.gpu[0]']
    assert vision.workload.current.purchase_option == "spot"  # from a dynamic block


def test_sensitive_instance_type_is_priced_but_masked() -> None:
    secret = by_address(check("aws_sensitive"))["aws_instance.secret_gpu"]
    deployment = secret.workload.current
    assert secret.monthly_cost == price("g6e.xlarge") * HOURS
    assert deployment.public("instance_type", deployment.instance_type) == "(sensitive)"
    assert deployment.tags["cost-center"] == "(sensitive)"


def test_class_comes_from_tag_then_resource_kind_then_name() -> None:
    from aicost.mappers.base import MapSettings, classify

    settings = MapSettings()
    kind = WorkloadClass.INFERENCE
    reason = "resource kind: a SageMaker endpoint serves inference"
    assert classify({"workload": "Training"}, {}, settings, kind=kind, kind_reason=reason) == (
        WorkloadClass.TRAINING,
        "tag workload=Training",
    )
    assert classify({}, {"workload": "batch"}, settings) == (
        WorkloadClass.BATCH,
        "label workload=batch",
    )
    assert classify({}, {}, settings, kind=kind, kind_reason=reason) == (kind, reason)
    assert classify({}, {}, settings, name="llama_finetune_nodes") == (
        WorkloadClass.TRAINING,
        "name contains 'finetune'",
    )
    assert (
        classify({}, {}, MapSettings(name_heuristics=False), name="trainer")[0]
        is WorkloadClass.UNKNOWN
    )
    assert classify({"workload": "gardening"}, {}, settings)[0] is WorkloadClass.UNKNOWN
