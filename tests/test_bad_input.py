"""Bad input exits 2 with one line on stderr that names the file: never a traceback."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Runner, plan


def one_line_error(err: str, path: Path) -> str:
    lines = [line for line in err.splitlines() if not line.startswith("aicost: policy ")]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    line = lines[0]
    assert "Traceback" not in err
    assert str(path) in line, line
    assert line.startswith("aicost: error: ")
    return line


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.json", "", "file is empty"),
        ("blank.json", "   \n\n", "file is empty"),
        (
            "truncated.json",
            '{"format_version": "1.2", "resource_changes": [{"address": "a',
            "truncated JSON",
        ),
        (
            "state.json",
            json.dumps(
                {
                    "version": 4,
                    "terraform_version": "1.9.0",
                    "serial": 3,
                    "lineage": "x",
                    "outputs": {},
                    "resources": [],
                }
            ),
            "state file",
        ),
        (
            "show-state.json",
            json.dumps({"format_version": "1.0", "values": {"root_module": {}}}),
            "Terraform state",
        ),
        ("random.json", json.dumps({"hello": "world", "items": [1, 2, 3]}), "no format_version"),
        ("list.json", "[1, 2, 3]", "top-level JSON value is a list"),
        (
            "future.json",
            json.dumps({"format_version": "2.0", "resource_changes": []}),
            "format_version 2.0 is not supported",
        ),
        (
            "errored.json",
            json.dumps({"format_version": "1.2", "errored": True, "resource_changes": []}),
            "plan errored",
        ),
        (
            "stream.json",
            '{"@level":"info","@message":"Terraform 1.9.0","type":"version"}\n'
            '{"@level":"info","@message":"Plan: 1 to add","type":"change_summary"}\n',
            "streaming log",
        ),
        ("text.txt", "this is not a plan\n", "not an input aicost reads"),
        ("compose.yml", "services:\n  web: {image: nginx}\n", "not an input aicost reads"),
        (
            "bad-changes.json",
            json.dumps({"format_version": "1.2", "resource_changes": {"a": 1}}),
            "resource_changes is not a list",
        ),
        ("invalid.json", '{"format_version": "1.2",, "resource_changes": []}', "invalid JSON"),
        (
            "null-change.json",
            json.dumps({"format_version": "1.2", "resource_changes": [None]}),
            "resource_changes[0] is a null value, not an object",  # not "a NoneType"
        ),
    ],
)
def test_bad_plans_exit_2_with_one_line(
    aicost: Runner, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = write(tmp_path, name, content)
    result = aicost("check", path)
    assert result.code == 2
    assert expected in one_line_error(result.err, path)
    assert result.out == ""


def test_truncated_json_names_the_line(aicost: Runner, tmp_path: Path) -> None:
    text = plan("aws_mixed").read_text()
    path = write(tmp_path, "cut.json", text[: len(text) // 2])
    result = aicost("check", path)
    assert result.code == 2
    line = one_line_error(result.err, path)
    assert "truncated JSON" in line
    assert f"{path}:" in line and line.split(f"{path}:")[1][0].isdigit()


def test_deep_nesting_is_refused(aicost: Runner, tmp_path: Path) -> None:
    path = write(tmp_path, "deep.json", "[" * 200_000 + "]" * 200_000)
    result = aicost("check", path)
    assert result.code == 2
    assert "nested too deeply" in one_line_error(result.err, path)


@pytest.mark.parametrize("depth", [500, 5000])
def test_deeply_nested_terraform_is_refused_with_its_line(
    aicost: Runner, tmp_path: Path, depth: int
) -> None:
    """500 nested brackets in a tag value was an internal error (RecursionError, exit 3)."""
    path = write(
        tmp_path,
        "main.tf",
        'resource "aws_instance" "x" {\n  ami = "a"\n  instance_type = "p5.48xlarge"\n'
        f"  tags = {{ a = {'[' * depth}1{']' * depth} }}\n}}\n",
    )
    result = aicost("check", path)
    assert result.code == 2, result.err
    lines = [line for line in result.err.splitlines() if not line.startswith("aicost: policy ")]
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    assert lines[0].startswith("aicost: error: ") and path.name in lines[0]
    assert "main.tf:4: cannot parse HCL: nested more than" in lines[0]


def test_binary_garbage_is_refused(aicost: Runner, tmp_path: Path) -> None:
    rng = random.Random(1234)
    path = write(tmp_path, "garbage.bin", bytes(rng.randrange(256) for _ in range(8192)))
    result = aicost("check", path)
    assert result.code == 2
    one_line_error(result.err, path)


def test_binary_plan_file_gets_a_hint(aicost: Runner, tmp_path: Path) -> None:
    path = tmp_path / "tfplan"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"\x00binary")
    result = aicost("check", path)
    assert result.code == 2
    assert "terraform show -json" in one_line_error(result.err, path)


def test_missing_file_and_directory(aicost: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = aicost("check", missing)
    assert result.code == 2
    assert "no such file" in one_line_error(result.err, missing)
    result = aicost("check", tmp_path)
    assert result.code == 2
    assert "directory" in one_line_error(result.err, tmp_path)


# ---------------------------------------------------------------------------- policies

GOOD_PLAN = "aws_compliant"


def check_policy(aicost: Runner, path: Path) -> str:
    result = aicost("check", plan(GOOD_PLAN), "--policy", path)
    assert result.code == 2, result.err
    return one_line_error(result.err, path)


def test_policy_yaml_syntax_error_names_line(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.yaml", "version: 1\nname: x\nrules:\n  - id: a\n    type: [unclosed\n"
    )
    line = check_policy(aicost, path)
    assert "YAML error" in line
    assert f"{path}:6:" in line or f"{path}:5:" in line


def test_unknown_rule_type_names_line_and_suggests(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.yaml",
        "version: 1\nname: x\nrules:\n  - id: a\n    type: required-tag\n    tags: [team]\n",
    )
    line = check_policy(aicost, path)
    assert f"{path}:5:" in line
    assert "unknown rule type 'required-tag'" in line
    assert "did you mean 'required-tags'" in line


def test_typo_in_rule_key_names_line(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.yaml",
        "version: 1\nname: x\nrules:\n  - id: a\n    type: required-tags\n    tgas: [team]\n",
    )
    line = check_policy(aicost, path)
    assert f"{path}:6:5" in line
    assert "unknown key 'tgas'" in line


def test_python_tag_is_refused_and_not_executed(aicost: Runner, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write(
        tmp_path,
        "p.yaml",
        f"version: 1\nname: !!python/object/apply:os.system ['touch {marker}']\nrules: []\n",
    )
    line = check_policy(aicost, path)
    assert f"{path}:2:" in line
    assert "not allowed" in line
    assert not marker.exists()


def test_billion_laughs_is_refused(aicost: Runner, tmp_path: Path) -> None:
    lines = [
        "version: 1",
        "name: lol",
        'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    path = write(tmp_path, "p.yaml", "\n".join(lines) + "\n")
    line = check_policy(aicost, path)
    assert "billion laughs" in line


def test_negative_budget_names_line(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.yaml",
        "version: 1\nname: x\nbudgets:\n  - name: vision\n    monthly: -5\n",
    )
    line = check_policy(aicost, path)
    assert f"{path}:5:" in line
    assert "budgets[0].monthly" in line and "greater than or equal to 0" in line


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "policy file is empty"),
        ("- a\n- b\n", "a policy must be a mapping"),
        ("version: 2\nname: x\n", "version"),
        ("name: x\n", "missing required key 'version'"),
        (
            "version: 1\nname: x\nrules:\n  - id: a\n    type: gpu-family\n",
            "give at least one of deny or allow",
        ),
        (
            "version: 1\nname: x\nrules:\n  - {id: a, type: training-purchase, require: [spott]}\n",
            "unknown purchase option 'spott'",
        ),
        (
            "version: 1\nname: x\nrules:\n  - {id: a, type: required-tags, tags: [t]}\n"
            "  - {id: a, type: required-tags, tags: [u]}\n",
            "duplicate rule id 'a'",
        ),
        ("version: 1\nname: x\nname: y\n", "duplicate key 'name'"),
        (
            "version: 1\nname: x\nrules:\n"
            "  - {id: a, type: required-tags, tags: [t], severity: fatal}\n",
            "severity",
        ),
        ("version: 1\nname: x\nunpriced: maybe\n", "unpriced"),
    ],
)
def test_invalid_policies(aicost: Runner, tmp_path: Path, content: str, expected: str) -> None:
    path = write(tmp_path, "p.yaml", content)
    assert expected in check_policy(aicost, path)


def test_missing_policy_file(aicost: Runner, tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert "no such file" in check_policy(aicost, path)


def test_usage_errors_exit_2(aicost: Runner) -> None:
    with pytest.raises(SystemExit) as exc:
        aicost("check")
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        aicost("check", plan(GOOD_PLAN), "--hours-per-month", "-1")
    assert exc.value.code == 2
    result = aicost("check", plan(GOOD_PLAN), "--format", "yaml")
    assert result.code == 2
    assert "unknown format 'yaml'" in result.err


def test_ignore_unknown_skips_files_no_reader_claims(aicost: Runner, tmp_path: Path) -> None:
    """The manifests pre-commit hook sees every staged YAML/JSON file: skip the others."""
    compose = write(tmp_path, "docker-compose.yml", "services:\n  web: {image: nginx}\n")
    data = write(tmp_path, "data.json", '{"name": "pkg"}\n')
    result = aicost("check", compose, data, plan(GOOD_PLAN), "--ignore-unknown", "--format", "json")
    assert result.code == 0, result.err
    assert f"{compose}: skipped, not an input aicost reads" in result.err
    assert f"{data}: skipped, not an input aicost reads" in result.err
    assert [i["kind"] for i in result.json["inputs"]] == ["terraform-plan"]
    # a file a reader claims but cannot read is still an error
    broken = write(tmp_path, "job.yaml", "apiVersion: batch/v1\nkind: Job\nspec: [unclosed\n")
    failed = aicost("check", broken, "--ignore-unknown")
    assert failed.code == 2
    one_line_error(failed.err, broken)


def test_a_budget_beyond_any_bill_is_a_policy_error(aicost: Runner, tmp_path: Path) -> None:
    """monthly: 1e400 passed validation (and broke `aicost spend --budgets`)."""
    policy = write(
        tmp_path,
        "aicost.yaml",
        "version: 1\nname: t\nbudgets:\n  - name: vision\n    match:\n      tags:\n"
        "        team: [vision]\n    monthly: 1e400\n",
    )
    result = aicost("check", plan("aws_mixed"), "--policy", policy)
    assert result.code == 2
    assert "budgets[0].monthly: Input should be less than or equal to" in one_line_error(
        result.err, policy
    )


def test_the_same_input_named_twice_is_counted_once(aicost: Runner, tmp_path: Path) -> None:
    """`check plan.json ./plan.json` doubled every workload, the totals and the budgets."""
    once = aicost("check", plan("aws_mixed"), "--format", "json").json
    again = plan("aws_mixed").parent / ".." / "plans" / plan("aws_mixed").name
    twice = aicost("check", plan("aws_mixed"), again, "--format", "json").json
    assert twice["summary"]["workloads"] == once["summary"]["workloads"]
    assert twice["summary"]["monthly_cost"] == once["summary"]["monthly_cost"]


def test_a_helm_template_is_refused_with_how_to_render_it(aicost: Runner, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  template:\n    spec:\n      containers:\n        - name: x\n"
        "          resources:\n            limits:\n"
        "              nvidia.com/gpu: {{ .Values.gpus }}\n",
    )
    result = aicost("check", path)
    assert result.code == 2
    (line,) = [e for e in result.err.splitlines() if e.startswith("aicost: error:")]
    assert f"{path}:4:" in line and "helm template" in line
