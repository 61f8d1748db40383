"""Static mode (`aicost check DIR` or `main.tf`): the same workloads as the plan, without Terraform.

Every scenario in tests/fixtures/terraform/ has a real plan made by Terraform from the same
configuration (tests/fixtures/plans/). Static mode on the .tf files must find the same AI
workloads, with the same hardware, node counts, purchase options, classes, regions and
monthly costs, and the same policy findings; and it must say where each one is declared.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import load_policy
from tests.conftest import CORPUS, FIXTURES, REPO, Runner, plan
from tests.helpers import DEFAULT_POLICY, price
from tests.test_offline import probe

SCENARIOS = sorted(p.name for p in (FIXTURES / "terraform").iterdir() if p.is_dir())


def static(path: Path) -> CheckResult:
    return run_check([path], load_policy(DEFAULT_POLICY))


def facts(result: CheckResult) -> dict[str, tuple[object, ...]]:
    """What a user reads in the table, per workload (the planned side only)."""
    out: dict[str, tuple[object, ...]] = {}
    for item in result.workloads:
        planned = item.workload.planned
        if planned is None:  # a deletion: static mode has no prior state to delete from
            continue
        out[item.workload.key] = (
            planned.instance_type,
            planned.node_count,
            planned.purchase_option,
            planned.workload_class.value,
            planned.region,
            item.monthly_cost,
        )
    return out


def test_every_scenario_has_a_plan() -> None:
    assert len(SCENARIOS) >= 7
    for name in SCENARIOS:
        assert plan(name).is_file()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_static_mode_finds_the_same_workloads_as_the_plan(scenario: str) -> None:
    from_plan = run_check([plan(scenario)], load_policy(DEFAULT_POLICY))
    from_hcl = static(FIXTURES / "terraform" / scenario)
    assert facts(from_hcl) == facts(from_plan)
    assert from_hcl.summary.monthly_cost == from_plan.summary.monthly_cost

    # The same policy outcome: same rules on the same resources.
    def outcome(result: CheckResult) -> list[tuple[str, str, str | None]]:
        return sorted((f.rule, f.address, f.component) for f in result.findings)

    # The plan also judges what is deployed and unchanged (a no-op is priced as it runs),
    # and static mode sees the same configuration: the findings agree.
    assert outcome(from_hcl) == outcome(from_plan)
    if scenario == "aws_changes":
        # ... but only the plan knows the state before the change: it lowers team vision's
        # spend (a p4d is deleted), so the vision budget it is still over is a warning there
        # (fair budgets), while static mode, which sees every resource as new, fails it.
        budget = [f for f in from_plan.findings if f.rule == "budget:vision"]
        assert [f.fails for f in budget] == [False] and "this change lowers it" in (
            budget[0].message
        )
        assert from_hcl.verdict == "fail" and from_plan.verdict == "pass"
        return
    assert from_hcl.verdict == from_plan.verdict


def test_mixed_scenario_numbers_are_right() -> None:
    """Spot-checks against the shipped price table, independent of the plan path."""
    result = static(FIXTURES / "terraform" / "aws_mixed")
    found = {w.workload.key: w for w in result.workloads}
    trainer = found["aws_instance.trainer"]
    assert trainer.monthly_cost == price("p5.48xlarge") * 730
    asg = found["aws_autoscaling_group.infer"]  # type from the launch template it references
    assert asg.workload.planned is not None
    assert asg.workload.planned.instance_type == "g5.12xlarge"
    assert asg.workload.planned.node_count == 3
    west = found["aws_instance.west_infer"]  # aliased provider
    assert west.workload.planned is not None and west.workload.planned.region == "us-west-2"
    pool = [k for k in found if k.startswith("module.gpu_pool[")]
    assert pool == [
        "module.gpu_pool[0].aws_instance.node[0]",
        "module.gpu_pool[0].aws_instance.node[1]",
        "module.gpu_pool[1].aws_instance.node[0]",
        "module.gpu_pool[1].aws_instance.node[1]",
    ]
    assert 'module.regional["b"].aws_instance.node[0]' in found
    endpoint = found["aws_sagemaker_endpoint.llm#variant canary"]
    assert endpoint.monthly_cost == price("ml.g6.12xlarge") * 730


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_workload_and_finding_has_its_file_and_line(scenario: str) -> None:
    result = static(FIXTURES / "terraform" / scenario)
    assert result.workloads
    for item in result.workloads:
        source = item.workload.source
        assert source.kind == "terraform-hcl"
        assert source.line is not None
        line = Path(source.path).read_text().splitlines()[source.line - 1]
        rtype = item.workload.resource_type
        bare = re.sub(r'\["(?:[^"\\]|\\.)*"\]|\[\d+\]', "", item.workload.address)
        name = bare.split(".")[-1]
        assert line.startswith(f'resource "{rtype}" "{name}"'), (source, line)
    for finding in result.findings:
        if finding.type == "budget":  # a total over many resources has no one place
            continue
        assert finding.file and finding.file.endswith(".tf") and finding.line


def test_json_report_carries_file_and_line(aicost: Runner) -> None:
    report = aicost("check", FIXTURES / "terraform" / "aws_denied", "--format", "json").json
    assert report["inputs"] == [
        {
            "path": str(FIXTURES / "terraform" / "aws_denied"),
            "kind": "terraform-hcl",
            "resources": 2,
        }
    ]
    lines = {r["address"]: r["source"]["line"] for r in report["resources"]}
    assert lines == {"aws_instance.v100_train": 31, "aws_instance.radeon_batch": 52}
    assert {(f["rule"], f["line"]) for f in report["findings"]} == {
        ("gpu-families", 31),
        ("gpu-families", 52),
    }


def test_sensitive_variables_stay_masked(aicost: Runner) -> None:
    directory = FIXTURES / "terraform" / "aws_sensitive"
    for fmt in ("table", "json", "markdown", "sarif", "junit", "github", "compact"):
        result = aicost("check", directory, "--format", fmt)
        assert result.code in (0, 1), (fmt, result.err)
        text = result.out + result.err
        for secret in ("CC-4242-CONFIDENTIAL", "hf_FAKEtoken", "FAKE-hunter2", "g6e.xlarge"):
            assert secret not in text, (fmt, secret)
    report = aicost("check", directory, "--format", "json").json
    secret_gpu = next(r for r in report["resources"] if r["address"] == "aws_instance.secret_gpu")
    assert secret_gpu["planned"]["instance_type"] == "(sensitive)"
    assert secret_gpu["planned"]["tags"]["cost-center"] == "(sensitive)"
    assert secret_gpu["priced"] is True  # still priced from the value in terraform.tfvars


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


PROVIDER = """
provider "aws" {
  region = var.region
}
variable "region" {
  default = "us-east-1"
}
"""

GPU = """
resource "aws_instance" "gpu" {
  instance_type = var.gpu_type
  tags = {
    team = "vision", model = "m", "use-case" = "u", environment = "dev", workload = "batch"
  }
}
variable "gpu_type" {
  default = "g5.xlarge"
}
"""


def test_a_file_that_cannot_be_parsed_is_named_and_the_rest_is_checked(
    aicost: Runner, tmp_path: Path
) -> None:
    write(
        tmp_path / "infra", {"main.tf": PROVIDER + GPU, "broken.tf": 'resource "x" {\n  a = \n}\n'}
    )
    # terraform refuses a configuration with a file it cannot parse, and so does the gate
    refused = aicost("check", tmp_path / "infra", "--format", "json")
    assert refused.code == 2, refused.err
    assert "infra/broken.tf:2:" in refused.err and "cannot parse HCL" in refused.err
    # a hook that wants the rest checked says so
    result = aicost("check", tmp_path / "infra", "--format", "json", "--skip-unparsable")
    assert result.code == 0, result.err
    warning = next(line for line in result.err.splitlines() if "broken.tf" in line)
    assert "infra/broken.tf:2:" in warning and "cannot parse HCL" in warning
    assert [r["address"] for r in result.json["resources"]] == ["aws_instance.gpu"]
    assert any("broken.tf" in w for w in result.json["warnings"])


def test_tfvars_given_on_the_command_line_and_auto_loaded(aicost: Runner, tmp_path: Path) -> None:
    infra = write(
        tmp_path / "infra",
        {
            "main.tf": PROVIDER + GPU,
            "prod.tfvars": 'gpu_type = "g6.xlarge"\n',
            "west.auto.tfvars.json": json.dumps({"region": "us-west-2"}),
        },
    )
    default = aicost("check", infra / "main.tf", "--format", "json").json["resources"][0]
    assert default["planned"]["instance_type"] == "g5.xlarge"  # variable default
    assert default["planned"]["region"] == "us-west-2"  # *.auto.tfvars.json
    chosen = aicost("check", infra, infra / "prod.tfvars", "--format", "json").json
    assert len(chosen["resources"]) == 1
    assert chosen["resources"][0]["planned"]["instance_type"] == "g6.xlarge"
    assert Decimal(chosen["resources"][0]["monthly_cost"]) == (
        price("g6.xlarge", "us-west-2") * 730
    ).quantize(Decimal("0.01"))


def test_count_that_needs_terraform_is_reported_not_guessed(aicost: Runner, tmp_path: Path) -> None:
    infra = write(
        tmp_path / "infra",
        {
            "main.tf": PROVIDER
            + GPU
            + """
variable "replicas" {}
resource "aws_instance" "pool" {
  count         = var.replicas
  instance_type = "p5.48xlarge"
}
""",
        },
    )
    result = aicost("check", infra, "--format", "json")
    # one workload with the count unknown, unpriced (never zero resources, never a guess)
    resources = {r["address"]: r for r in result.json["resources"]}
    assert sorted(resources) == ["aws_instance.gpu", "aws_instance.pool"]
    assert resources["aws_instance.pool"]["monthly_cost"] is None
    assert "count unknown (from var.replicas)" in resources["aws_instance.pool"]["unpriced_reason"]
    assert "aws_instance pool: count unknown (from var.replicas)" in result.err
    assert "variable 'replicas' has no default" in result.err


def test_locals_for_each_dynamic_blocks_and_functions(aicost: Runner, tmp_path: Path) -> None:
    infra = write(
        tmp_path / "infra",
        {
            "main.tf": PROVIDER
            + """
locals {
  fleets = {
    train = { type = "p4d.24xlarge", spot = true }
    serve = { type = "g6e.12xlarge", spot = false }
  }
  common = { team = "vision", environment = "prod", model = "m", "use-case" = "u" }
}
resource "aws_instance" "node" {
  for_each      = local.fleets
  instance_type = each.value.type
  dynamic "instance_market_options" {
    for_each = each.value.spot ? [1] : []
    content {
      market_type = "spot"
    }
  }
  tags = merge(local.common, { workload = each.key == "train" ? "training" : "inference" })
}
""",
        },
    )
    report = aicost("check", infra, "--format", "json").json
    by_address = {r["address"]: r for r in report["resources"]}
    train = by_address['aws_instance.node["train"]']["planned"]
    serve = by_address['aws_instance.node["serve"]']["planned"]
    assert (train["instance_type"], train["purchase_option"], train["workload"]) == (
        "p4d.24xlarge",
        "spot",
        "training",
    )
    assert (serve["instance_type"], serve["purchase_option"], serve["workload"]) == (
        "g6e.12xlarge",
        "on-demand",
        "inference",
    )
    assert report["findings"] == [] or all(f["rule"] != "ai-tags" for f in report["findings"])


def test_a_changed_module_file_checks_the_roots_that_call_it(
    aicost: Runner, tmp_path: Path
) -> None:
    shutil.copytree(FIXTURES / "terraform" / "aws_mixed", tmp_path / "repo")
    # The pre-commit hook passes the changed file; it runs from the repository root.
    import os

    os.chdir(tmp_path / "repo")
    result = aicost("check", "modules/gpu_node/main.tf", "--format", "json")
    assert "modules/gpu_node is a module; checked through the root module ." in result.err
    addresses = [r["address"] for r in result.json["resources"]]
    assert 'module.regional["a"].aws_instance.node[0]' in addresses
    assert "aws_instance.trainer" in addresses


def test_a_directory_of_root_modules(aicost: Runner, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", repo / "envs" / "a")
    shutil.copytree(FIXTURES / "terraform" / "aws_compliant", repo / "envs" / "b")
    # A module that envs/c calls is not a root of its own.
    shutil.copytree(FIXTURES / "terraform" / "aws_mixed" / "modules", repo / "modules")
    write(
        repo / "envs" / "c",
        {"main.tf": 'module "m" {\n  source = "../../modules/gpu_node"\n}\n'},
    )
    report = aicost("check", repo, "--format", "json").json  # paths shown relative to cwd
    assert sorted(i["path"] for i in report["inputs"]) == [
        "repo/envs/a",
        "repo/envs/b",
        "repo/envs/c",
    ]
    projects = {r["address"]: r["project"] for r in report["resources"]}
    assert projects["module.m.aws_instance.node[0]"] == "repo/envs/c"
    assert set(projects.values()) == {"repo/envs/a", "repo/envs/b", "repo/envs/c"}


def test_opentofu_file_wins_over_the_tf_file(aicost: Runner, tmp_path: Path) -> None:
    infra = write(
        tmp_path / "infra",
        {
            "main.tf": PROVIDER + GPU,
            "gpu.tf": 'resource "aws_instance" "extra" {\n  instance_type = "p5.48xlarge"\n}\n',
            "gpu.tofu": 'resource "aws_instance" "extra" {\n  instance_type = "g6.xlarge"\n}\n',
        },
    )
    report = aicost("check", infra, "--format", "json").json
    extra = next(r for r in report["resources"] if r["address"] == "aws_instance.extra")
    assert extra["planned"]["instance_type"] == "g6.xlarge"
    assert extra["source"]["path"].endswith("gpu.tofu")


def test_remote_modules_are_named_and_downloaded_ones_are_read(
    aicost: Runner, tmp_path: Path
) -> None:
    infra = write(
        tmp_path / "infra",
        {
            "main.tf": PROVIDER
            + """
module "gpu" {
  source        = "acme/gpu-node/aws"
  version       = "1.0.0"
  instance_type = "g6.xlarge"
}
""",
        },
    )
    result = aicost("check", infra, "--format", "json")
    assert "module.gpu: source 'acme/gpu-node/aws' is not local and not downloaded" in result.err
    # Not knowing what a module deploys is never "nothing": one unpriced workload, and the
    # default pack's `unpriced: error` fails the check.
    assert result.code == 1
    (unread,) = result.json["resources"]
    assert unread["address"] == "module.gpu"
    assert unread["monthly_cost"] is None
    assert "acme/gpu-node/aws" in " ".join(unread["planned"]["notes"])
    # After `terraform init` the module is in .terraform/modules, listed in modules.json.
    write(
        infra / ".terraform" / "modules",
        {
            "modules.json": json.dumps(
                {
                    "Modules": [
                        {"Key": "", "Source": "", "Dir": "."},
                        {
                            "Key": "gpu",
                            "Source": "acme/gpu-node/aws",
                            "Dir": ".terraform/modules/gpu",
                        },
                    ]
                }
            ),
            "gpu/main.tf": 'variable "instance_type" {}\n'
            'resource "aws_instance" "this" {\n  instance_type = var.instance_type\n}\n',
        },
    )
    report = aicost("check", infra, "--format", "json").json
    assert [(r["address"], r["planned"]["instance_type"]) for r in report["resources"]] == [
        ("module.gpu.aws_instance.this", "g6.xlarge")
    ]


def test_a_directory_without_terraform_is_refused_in_one_line(
    aicost: Runner, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    result = aicost("check", tmp_path / "empty")
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.startswith("aicost: error:")]
    assert len(lines) == 1 and "without Terraform configuration" in lines[0]
    assert "Traceback" not in result.err


def test_static_check_opens_no_socket_and_imports_no_sdk(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = probe("check", str(FIXTURES / "terraform" / "aws_mixed"), "--format", f"json={out}")
    assert result["code"] in (0, 1)
    assert result["events"] == [], "static mode touched the network"
    assert result["sdk"] == [], "static mode imported a cloud SDK"
    assert json.loads(out.read_text())["inputs"][0]["kind"] == "terraform-hcl"


HCL_FILES = sorted((CORPUS / "hcl").glob("*"))


def test_every_corpus_file_is_read_without_a_crash(aicost: Runner, tmp_path: Path) -> None:
    """Each real-world file alone (as a one-file module), and all of them as one directory."""
    assert len(HCL_FILES) >= 40
    for path in HCL_FILES:
        directory = tmp_path / path.name
        directory.mkdir()
        shutil.copy(path, directory / path.name)
        result = aicost("check", directory / path.name, "--format", "json")
        if result.code == 2 and "cannot parse HCL" in result.err:  # Go templates: refused
            result = aicost("check", directory / path.name, "--format", "json", "--skip-unparsable")
        assert result.code in (0, 1), (path.name, result.err)
        assert "internal error" not in result.err and "Traceback" not in result.err
        for resource in result.json["resources"]:
            assert resource["priced"] or resource["unpriced_reason"]
    result = aicost("check", CORPUS / "hcl", "--format", "json", "--skip-unparsable")
    assert result.code in (0, 1), result.err
    assert "internal error" not in result.err
    assert (
        result.json["summary"]["non_ai_resources"] + result.json["summary"]["other_resources"] > 100
    )


def test_corpus_gpu_values_are_resolved(aicost: Runner, tmp_path: Path) -> None:
    """A real module whose GPU count comes from a locals map keyed by instance type."""
    name = "philschmid__terraform-aws-llm-sagemaker__main.tf"
    directory = tmp_path / "m"
    directory.mkdir()
    shutil.copy(CORPUS / "hcl" / name, directory / "main.tf")
    result = aicost("check", directory, "--format", "json")
    assert "variables are used but not declared" in result.err  # its variables.tf is not here
    endpoint = result.json["resources"][0]
    assert endpoint["address"] == "aws_sagemaker_endpoint.llm"
    assert endpoint["priced"] is False and endpoint["unpriced_reason"]


def test_example_directory_matches_the_example_plan(aicost: Runner) -> None:
    from_dir = aicost("check", REPO / "examples" / "terraform", "--format", "json").json
    from_plan = aicost("check", REPO / "examples" / "plan.json", "--format", "json").json
    assert from_dir["summary"]["monthly_cost"] == from_plan["summary"]["monthly_cost"]
    assert from_dir["verdict"] == from_plan["verdict"] == "fail"


def test_the_plan_path_does_not_load_the_hcl_parser(tmp_path: Path) -> None:
    """Static mode's parser (python-hcl2, lark) is imported only for Terraform files."""
    import subprocess
    import sys

    arguments = ["check", str(plan("aws_denied")), "--format", f"json={tmp_path / 'r.json'}"]
    code = (
        "import sys\n"
        "from aicost.cli import main\n"
        f"main({arguments!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'hcl2')))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert completed.stdout.strip() == "[]"


def test_an_ai_service_with_an_unknown_instance_type_is_not_silent(
    aicost: Runner, tmp_path: Path
) -> None:
    """A SageMaker endpoint whose instance type is an unset module variable: unpriced, flagged."""
    directory = tmp_path / "llm"
    directory.mkdir()
    shutil.copy(
        CORPUS / "hcl" / "philschmid__terraform-aws-llm-sagemaker__main.tf", directory / "main.tf"
    )
    result = aicost("check", directory, "--format", "json")
    report = result.json
    endpoint = next(r for r in report["resources"] if r["address"] == "aws_sagemaker_endpoint.llm")
    assert endpoint["priced"] is False and endpoint["monthly_cost"] is None
    unpriced = [f for f in report["findings"] if f["rule"] == "unpriced"]
    assert [f["address"] for f in unpriced] == ["aws_sagemaker_endpoint.llm"]
    assert result.code == 1  # the default pack makes unpriced AI workloads an error
