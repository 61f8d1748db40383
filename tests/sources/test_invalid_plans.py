"""Invalid input that describes a deployment exits 2 with one line naming file and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Runner
from tests.mappers.failclosed_helpers import TAGS, plan_file, resource

P5 = {"instance_type": "p5.48xlarge", "tags": TAGS}


def _error(result: Any, *needles: str) -> str:
    assert result.code == 2, (result.code, result.out[:400], result.err)
    lines = [x for x in result.err.splitlines() if not x.startswith("aicost: policy ")]
    assert len(lines) == 1 and lines[0].startswith("aicost: error: "), result.err
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return str(lines[0])


@pytest.mark.parametrize(
    ("after", "field"),
    [
        ({**P5, "instance_type": 5}, "instance_type is a number"),
        ({**P5, "instance_type": ["p5.48xlarge"]}, "instance_type"),
        ({**P5, "instance_type": "P5.48XLARGE"}, "not lower case"),
        ({**P5, "instance_type": " p5.48xlarge"}, "leading or trailing spaces"),
        ({**P5, "tags": ["team"]}, "tags is a list, not a map"),
    ],
)
def test_malformed_instance_fields(
    aicost: Runner, tmp_path: Path, after: dict[str, Any], field: str
) -> None:
    path = plan_file(tmp_path, [resource("aws_instance.gpu", after)])
    _error(aicost("check", path), str(path), "aws_instance.gpu", field)


@pytest.mark.parametrize(
    ("desired", "needle"),
    [
        (-6, "cannot be negative"),
        (1.5, "not a whole number"),
        ("many", "not a whole number"),
        (10**12, "over 1,000,000"),
    ],
)
def test_autoscaling_group_counts(
    aicost: Runner, tmp_path: Path, desired: Any, needle: str
) -> None:
    asg = {
        "desired_capacity": desired,
        "min_size": 0,
        "max_size": 8,
        "mixed_instances_policy": [],
        "launch_template": [{"id": "lt-1", "name": "gpu", "version": "$Latest"}],
        "tag": [],
    }
    template = {"id": "lt-1", "name": "gpu", "instance_type": "p5.48xlarge"}
    path = plan_file(
        tmp_path,
        [
            resource("aws_launch_template.gpu", template),
            resource("aws_autoscaling_group.gpu", asg),
        ],
    )
    _error(aicost("check", path), "aws_autoscaling_group.gpu", "desired_capacity", needle)


def test_eks_labels_not_a_map(aicost: Runner, tmp_path: Path) -> None:
    group = {
        "instance_types": ["p5.48xlarge"],
        "labels": "gpu=true",
        "scaling_config": [{"desired_size": 1, "min_size": 1, "max_size": 1}],
    }
    path = plan_file(tmp_path, [resource("aws_eks_node_group.gpu", group)])
    _error(aicost("check", path), "aws_eks_node_group.gpu", "labels is a string, not a map")


def _raw_plan(tmp_path: Path, changes: list[Any], **extra: Any) -> Path:
    document = {"format_version": "1.2", "resource_changes": changes, **extra}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (lambda r: r.pop("change"), "change is missing"),
        (lambda r: r["change"].update(actions="create"), "change.actions"),
        (lambda r: r["change"].update(actions=["explode"]), "not a Terraform action"),
        (lambda r: r["change"].update(after=None), "a create with no change.after"),
        (lambda r: r.update(mode="Managed"), "mode 'Managed'"),
        (lambda r: r.update(provider_name="Registry Terraform/AWS"), "provider_name"),
        (lambda r: r.update(address=7), "address"),
    ],
)
def test_plan_entries_terraform_never_writes(
    aicost: Runner, tmp_path: Path, mutate: Any, needle: str
) -> None:
    entry = resource("aws_instance.gpu", dict(P5))
    mutate(entry)
    path = _raw_plan(tmp_path, [entry])
    _error(aicost("check", path), str(path), needle)


@pytest.mark.parametrize(
    "provider",
    [
        "registry.terraform.io/hashicorp/aws",
        "registry.opentofu.org/hashicorp/aws",
        "aws",
    ],
)
def test_terraform_and_opentofu_provider_addresses_are_read(
    aicost: Runner, tmp_path: Path, provider: str
) -> None:
    path = plan_file(tmp_path, [resource("aws_instance.gpu", dict(P5), provider=provider)])
    result = aicost("check", path, "--format", "json")
    assert result.code in (0, 1), result.err
    assert [r["address"] for r in result.json["resources"]] == ["aws_instance.gpu"]


@pytest.mark.parametrize(
    ("number", "needle"),
    [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "Infinity"),
        ("1e400", "out of range"),
        ("9" * 5000, "digits"),
    ],
)
def test_numbers_json_or_python_cannot_hold_exit_2(
    aicost: Runner, tmp_path: Path, number: str, needle: str
) -> None:
    entry = resource("aws_instance.gpu", dict(P5))
    text = json.dumps({"format_version": "1.2", "resource_changes": [entry]})
    text = text.replace('"p5.48xlarge"', '"p5.48xlarge", "cpu_core_count": ' + number)
    path = tmp_path / "plan.json"
    path.write_text(text)
    _error(aicost("check", path), str(path), needle)


@pytest.mark.parametrize("value", ["1e400", "1e30", "99999"])
def test_run_hours_tag_out_of_range_exits_2(aicost: Runner, tmp_path: Path, value: str) -> None:
    after = {**P5, "tags": {**TAGS, "workload": "training", "run-hours": value}}
    path = plan_file(tmp_path, [resource("aws_instance.gpu", after)])
    strict = REPO / "policies" / "builtin" / "strict.yaml"
    _error(aicost("check", path, "--policy", strict), "run-hours", "out of range")


@pytest.mark.parametrize(
    ("configuration", "needle"),
    [
        ([], "configuration is a list"),
        ({"provider_config": []}, "configuration.provider_config is a list"),
        ({"provider_config": {"aws": "x"}}, "configuration.provider_config.aws"),
        ({"root_module": {"resources": {}}}, "root_module.resources is not a list"),
        ({"root_module": {"module_calls": []}}, "module_calls"),
        (
            {"root_module": {"module_calls": {"a": {"expressions": []}}}},
            "module_calls.a.expressions",
        ),
    ],
)
def test_configuration_of_the_wrong_shape(
    aicost: Runner, tmp_path: Path, configuration: Any, needle: str
) -> None:
    path = _raw_plan(
        tmp_path, [resource("aws_instance.gpu", dict(P5))], configuration=configuration
    )
    _error(aicost("check", path), str(path), needle)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            'resource "aws_autoscaling_group" "gpu" {\n  desired_capacity = -6\n'
            "  min_size = 0\n  max_size = 8\n}\n",
            "desired_capacity is -6: a count cannot be negative",
        ),
        (
            'resource "aws_instance" "gpu" {\n  instance_type = "P5.48XLARGE"\n}\n',
            "not lower case",
        ),
        (
            'resource "aws_eks_node_group" "gpu" {\n  instance_types = ["p5.48xlarge"]\n'
            '  labels = "gpu"\n}\n',
            "labels is a string, not a map",
        ),
    ],
)
def test_static_mode_refuses_the_same_values(
    aicost: Runner, tmp_path: Path, body: str, needle: str
) -> None:
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n' + body)
    line = _error(aicost("check", tmp_path), "main.tf:4", needle)
    assert "aws_" in line


@pytest.mark.parametrize("value", ["1e300", "1e30", ".inf", ".nan"])
def test_token_volumes_out_of_range_exit_2(aicost: Runner, tmp_path: Path, value: str) -> None:
    path = tmp_path / "aicost-llm.yaml"
    path.write_text(
        "version: 1\nworkloads:\n  - name: chat\n    provider: openai\n"
        f"    model: gpt-4o-mini\n    requests_per_day: {value}\n"
        f"    input_tokens: {value}\n    output_tokens: 100\n"
    )
    _error(aicost("check", path), "aicost-llm.yaml:6", "requests_per_day")
