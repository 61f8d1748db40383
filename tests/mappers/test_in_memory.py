"""Mappers driven by the in-memory harness: a resource dict in, workloads out."""

from __future__ import annotations

from aicost.core.model import PurchaseOption, WorkloadClass
from aicost.sources.manifest import Group, Spec
from tests.harness import change, map_changes, map_resources


def test_a_gpu_instance_is_one_workload_with_its_gpus() -> None:
    (workload,) = map_resources({"aws_instance.train": {"instance_type": "p5.48xlarge"}})
    planned = workload.planned
    assert planned is not None
    assert planned.instance_type == "p5.48xlarge"
    assert planned.accelerator is not None and planned.accelerator.name == "H100"
    assert planned.accelerators_total == 8


def test_a_cpu_instance_is_not_an_ai_workload() -> None:
    normalised = map_changes([change("aws_instance.web", {"instance_type": "t3.micro"})])
    assert normalised.workloads == []
    assert normalised.non_ai["aws_instance"] == 1


def test_spot_market_options_buy_spot_and_tags_set_the_class() -> None:
    (workload,) = map_resources(
        {
            "aws_instance.train": {
                "instance_type": "g5.xlarge",
                "instance_market_options": [{"market_type": "spot"}],
                "tags": {"workload": "training"},
            }
        }
    )
    planned = workload.planned
    assert planned is not None
    assert planned.purchase_option == PurchaseOption.SPOT.value
    assert planned.workload_class is WorkloadClass.TRAINING


def test_an_unmapped_resource_type_counts_as_other() -> None:
    normalised = map_changes([change("aws_s3_bucket.data", {"bucket": "x"})])
    assert normalised.workloads == []
    assert normalised.other["aws_s3_bucket"] == 1


def test_a_new_manifest_reader_needs_no_list_of_its_types() -> None:
    """Objects of a resource type no list names (a new reader's) are mapped by their Spec."""
    spec = Spec(
        kind="Job",
        name="train",
        resource_type="newtool/job",
        groups=(Group(name=None, units=2, accel_count=1, accel_name="L4"),),
        cloud="gcp",
        region="us-central1",
    )
    found = map_changes(
        [
            change(
                "jobs.yaml:Job/train",
                {"spec": spec},
                provider="manifest",
                resource_type=spec.resource_type,
                region=None,
            )
        ]
    )
    (workload,) = found.workloads
    assert workload.resource_type == "newtool/job"
    assert workload.planned is not None and workload.planned.accelerators_total == 2
    assert not found.other
