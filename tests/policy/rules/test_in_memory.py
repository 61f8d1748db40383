"""Rules driven by the in-memory harness: a policy snippet and workloads in, findings out."""

from __future__ import annotations

from tests.harness import findings, map_resources

TRAIN = {
    "aws_instance.train": {
        "instance_type": "p3.2xlarge",
        "tags": {"workload": "training", "team": "vision"},
    },
    "aws_instance.serve": {
        "instance_type": "g5.xlarge",
        "tags": {"workload": "inference", "team": "search"},
    },
}


def test_gpu_family_denies_only_the_listed_family() -> None:
    found = findings("rules: [{id: families, type: gpu-family, deny: [p3]}]", map_resources(TRAIN))
    assert [(f.rule, f.address) for f in found] == [("families", "aws_instance.train")]


def test_region_rule_refuses_a_region_outside_the_allow_list() -> None:
    workloads = map_resources(TRAIN, region="eu-central-1")
    found = findings("rules: [{id: regions, type: region, allow: [us-*]}]", workloads)
    assert {f.address for f in found} == {"aws_instance.train", "aws_instance.serve"}
    assert all("eu-central-1" in f.message for f in found)
    assert findings("rules: [{id: regions, type: region, allow: [eu-*]}]", workloads) == []


def test_required_tags_name_what_is_missing() -> None:
    found = findings(
        "rules: [{id: tags, type: required-tags, tags: [team, model]}]", map_resources(TRAIN)
    )
    assert len(found) == 2
    assert all("model" in f.message and "team" not in f.message for f in found)


def test_training_purchase_wants_spot_for_training_only() -> None:
    found = findings(
        "rules: [{id: spot, type: training-purchase, require: [spot]}]", map_resources(TRAIN)
    )
    assert [f.address for f in found] == ["aws_instance.train"]
