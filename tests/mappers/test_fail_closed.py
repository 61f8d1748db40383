"""The rule of the gate: what cannot be priced or told apart from AI hardware fails it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, Runner
from tests.mappers.failclosed_helpers import TAGS, plan_file, resource

STRICT = REPO / "policies" / "builtin" / "strict.yaml"


def _p5_after_unknown(tmp_path: Path) -> Path:
    return plan_file(
        tmp_path,
        [
            resource(
                "aws_instance.train",
                {"tags": {**TAGS, "workload": "training"}, "instance_market_options": []},
                unknown={"instance_type": True, "id": True},
            )
        ],
        config_resources=[
            {
                "address": "aws_instance.train",
                "mode": "managed",
                "type": "aws_instance",
                "name": "train",
                "provider_config_key": "aws",
                "expressions": {
                    "instance_type": {
                        "references": [
                            "data.aws_ec2_instance_type_offering.gpu.instance_type",
                            "data.aws_ec2_instance_type_offering.gpu",
                        ]
                    }
                },
            }
        ],
    )


@pytest.mark.parametrize("policy", [None, STRICT])
def test_training_p5_with_instance_type_after_unknown_fails(
    aicost: Runner, tmp_path: Path, policy: Path | None
) -> None:
    path = _p5_after_unknown(tmp_path)
    args: list[str | Path] = ["check", path, "--format", "json"]
    if policy is not None:
        args += ["--policy", policy]
    result = aicost(*args)
    assert result.code == 1, result.err
    findings = result.json["findings"]
    unpriced = [f for f in findings if f["type"] == "unpriced"]
    assert unpriced, findings
    # the reason names the attribute and where its value comes from
    assert "instance_type" in unpriced[0]["message"]
    assert "data.aws_ec2_instance_type_offering.gpu" in unpriced[0]["message"]


def test_class_rules_still_run_on_what_is_known(aicost: Runner, tmp_path: Path) -> None:
    result = aicost("check", _p5_after_unknown(tmp_path), "--format", "json")
    rules = {f["rule"] for f in result.json["findings"]}
    assert "spot-training" in rules  # the workload tag says training; it runs on-demand


def test_pr_comment_never_says_pass_at_zero(aicost: Runner, tmp_path: Path) -> None:
    result = aicost("check", _p5_after_unknown(tmp_path), "--format", "markdown")
    assert result.code == 1
    assert "✅" not in result.out
    assert "unpriced" in result.out.lower()


@pytest.mark.parametrize(
    "instance_type", ["p9.96xlarge", "zz7.large", "q5.48xlarge", "g9x.12xlarge"]
)
def test_an_instance_type_aicost_does_not_know_is_unpriced_not_skipped(
    aicost: Runner, tmp_path: Path, instance_type: str
) -> None:
    path = plan_file(
        tmp_path,
        [resource("aws_instance.box", {"instance_type": instance_type, "tags": TAGS})],
    )
    result = aicost("check", path, "--format", "json")
    assert result.code == 1, result.out
    assert any(f["type"] == "unpriced" for f in result.json["findings"])


@pytest.mark.parametrize("instance_type", ["t3.micro", "m7i.2xlarge", "c6gn.16xlarge", "r5.metal"])
def test_known_cpu_instances_are_still_not_ai(
    aicost: Runner, tmp_path: Path, instance_type: str
) -> None:
    path = plan_file(tmp_path, [resource("aws_instance.web", {"instance_type": instance_type})])
    result = aicost("check", path, "--format", "json")
    assert result.code == 0, result.out
    assert result.json["resources"] == []


STATIC = """
provider "aws" {
  region = "us-east-1"
}
variable "itype" {}
variable "n" {}
data "aws_ec2_instance_type" "gpu" {
  instance_type = "p5.48xlarge"
}
"""


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('resource "aws_instance" "a" {\n  instance_type = var.itype\n}\n', "var.itype"),
        (
            'resource "aws_instance" "b" {\n'
            "  instance_type = data.aws_ec2_instance_type.gpu.instance_type\n}\n",
            "data.aws_ec2_instance_type.gpu",
        ),
        (
            'resource "aws_instance" "c" {\n  count = var.n\n  instance_type = "p5.48xlarge"\n}\n',
            "count unknown (from var.n)",
        ),
        (
            'resource "aws_instance" "d" {\n  for_each = var.n\n'
            '  instance_type = "p5.48xlarge"\n}\n',
            "for_each unknown (from var.n)",
        ),
        (
            'resource "aws_instance" "e" {\n  count = 20000\n  instance_type = "p5.48xlarge"\n}\n',
            "over aicost's cap",
        ),
    ],
)
def test_static_mode_unknowns_are_one_unpriced_workload(
    aicost: Runner, tmp_path: Path, body: str, needle: str
) -> None:
    (tmp_path / "main.tf").write_text(STATIC + body)
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    resources = result.json["resources"]
    assert len(resources) == 1  # one workload, never zero
    unpriced = [f for f in result.json["findings"] if f["type"] == "unpriced"]
    assert len(unpriced) == 1 and needle in unpriced[0]["message"], unpriced


def test_static_module_with_unknown_count_keeps_its_resources(
    aicost: Runner, tmp_path: Path
) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(
        'resource "aws_instance" "gpu" {\n  instance_type = "p4d.24xlarge"\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        STATIC + 'module "fleet" {\n  source = "./mod"\n  count  = var.n\n}\n'
    )
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1
    messages = [f["message"] for f in result.json["findings"] if f["type"] == "unpriced"]
    assert messages and "count unknown (from var.n)" in messages[0]


@pytest.mark.parametrize("count", ["-1", "1.5", '"many"'])
def test_static_count_terraform_refuses_exits_2(aicost: Runner, tmp_path: Path, count: str) -> None:
    (tmp_path / "main.tf").write_text(
        STATIC + f'resource "aws_instance" "x" {{\n  count = {count}\n'
        '  instance_type = "p5.48xlarge"\n}\n'
    )
    result = aicost("check", tmp_path)
    assert result.code == 2, result.out
    assert "main.tf:" in result.err and "count" in result.err
    assert "Traceback" not in result.err


def _configured(address: str, expressions: dict[str, object]) -> dict[str, object]:
    rtype, name = address.split(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
    }


def test_unknown_set_from_a_value_is_not_the_providers_default(
    aicost: Runner, tmp_path: Path
) -> None:
    """instance_types = var.x (unknown) is not EKS's t3.medium default; a desired_capacity
    known only after apply is not min_size: both are unpriced, never a guess."""
    group = {
        "tags": TAGS,
        "labels": {},
        "scaling_config": [{"desired_size": 2, "min_size": 1, "max_size": 4}],
    }
    asg = {
        "min_size": 0,
        "max_size": 8,
        "mixed_instances_policy": [],
        "launch_template": [{"id": "lt-1", "name": "gpu", "version": "$Latest"}],
        "tag": [],
    }
    path = plan_file(
        tmp_path,
        [
            resource("aws_eks_node_group.gpu", group, unknown={"instance_types": True}),
            resource("aws_launch_template.gpu", {"id": "lt-1", "instance_type": "p5.48xlarge"}),
            resource("aws_autoscaling_group.gpu", asg, unknown={"desired_capacity": True}),
        ],
        config_resources=[
            _configured(
                "aws_eks_node_group.gpu",
                {"instance_types": {"references": ["data.aws_ssm_parameter.type.value"]}},
            ),
            _configured(
                "aws_autoscaling_group.gpu",
                {"desired_capacity": {"references": ["aws_ssm_parameter.size.value"]}},
            ),
        ],
    )
    result = aicost("check", path, "--format", "json")
    assert result.code == 1, result.err
    unpriced = {
        f["address"]: f["message"] for f in result.json["findings"] if f["type"] == "unpriced"
    }
    assert "instance_types" in unpriced["aws_eks_node_group.gpu"]
    assert "desired_capacity" in unpriced["aws_autoscaling_group.gpu"]


def test_plan_deferred_changes_are_listed_with_the_count_unknown(
    aicost: Runner, tmp_path: Path
) -> None:
    path = plan_file(tmp_path, [])
    document = json.loads(path.read_text())
    document["deferred_changes"] = [
        {
            "reason": "resource_config_unknown",
            "resource_change": resource(
                "aws_instance.gpu", {"instance_type": "p5.48xlarge", "tags": TAGS}
            ),
        }
    ]
    path.write_text(json.dumps(document))
    result = aicost("check", path, "--format", "json")
    assert result.code == 1, result.err
    (item,) = result.json["resources"]
    assert item["address"] == "aws_instance.gpu" and item["monthly_cost"] is None
    assert "deferred" in item["unpriced_reason"]
    assert "resource_config_unknown" in item["unpriced_reason"]


def test_gke_machine_type_set_from_a_variable_is_not_the_e2_medium_default(
    aicost: Runner, tmp_path: Path
) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "google" {\n  region = "us-central1"\n}\n'
        'variable "machine" {}\n'
        'resource "google_container_node_pool" "gpu" {\n'
        '  name       = "gpu"\n  location   = "us-central1-a"\n  node_count = 2\n'
        "  node_config {\n    machine_type = var.machine\n  }\n}\n"
    )
    result = aicost("check", tmp_path, "--format", "json")
    assert result.code == 1, result.err
    (item,) = result.json["resources"]
    assert item["monthly_cost"] is None
    assert "node_config.machine_type (from var.machine)" in item["unpriced_reason"]
