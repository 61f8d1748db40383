"""Static mode and module calls it cannot read: what they deploy is unknown, never nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aicost.mappers.modules import registry_address
from tests.conftest import Runner

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def check(aicost: Runner, tmp_path: Path, body: str) -> tuple[int, dict[str, Any], str]:
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(PROVIDER + body, encoding="utf-8")
    result = aicost("check", str(infra), "--format", "json")
    return result.code, result.json, result.err


def addresses(report: dict[str, Any]) -> list[str]:
    return [r["address"] for r in report["resources"]]


def test_an_eks_module_not_downloaded_is_an_unpriced_workload_that_fails_the_gate(
    aicost: Runner, tmp_path: Path
) -> None:
    code, report, err = check(
        aicost,
        tmp_path,
        'module "eks" {\n  source  = "terraform-aws-modules/eks/aws"\n  version = "~> 20.0"\n}\n',
    )
    assert code == 1
    assert addresses(report) == ["module.eks"]
    (eks,) = report["resources"]
    assert eks["monthly_cost"] is None
    assert eks["planned"]["cloud"] == "aws"
    assert "terraform init" in err
    assert any(f["rule"] == "unpriced" for f in report["findings"])


def test_modules_known_to_run_no_accelerators_are_not_listed(
    aicost: Runner, tmp_path: Path
) -> None:
    code, report, _ = check(
        aicost,
        tmp_path,
        'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'
        'module "kms" {\n  source = "registry.terraform.io/terraform-aws-modules/kms/aws"\n}\n'
        'module "irsa" {\n'
        '  source = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"\n'
        "}\n",
    )
    assert code == 0
    assert addresses(report) == []


def test_a_module_switched_off_by_count_is_not_listed_but_each_instance_is(
    aicost: Runner, tmp_path: Path
) -> None:
    code, report, _ = check(
        aicost,
        tmp_path,
        'module "off" {\n  source = "acme/gpu/aws"\n  count  = 0\n}\n'
        'module "two" {\n  source = "acme/gpu/aws"\n  count  = 2\n}\n',
    )
    assert code == 1
    assert addresses(report) == ["module.two[0]", "module.two[1]"]


def test_git_sources_and_missing_local_paths_are_listed_with_their_reason(
    aicost: Runner, tmp_path: Path
) -> None:
    _, report, _ = check(
        aicost,
        tmp_path,
        'module "pool" {\n'
        '  source = "git::https://example.com/fabric.git//modules/gke-nodepool?ref=v30.0.0"\n'
        "}\n"
        'module "gone" {\n  source = "./modules/none"\n}\n',
    )
    found = {r["address"]: r for r in report["resources"]}
    assert set(found) == {"module.pool", "module.gone"}
    assert found["module.pool"]["planned"]["cloud"] == "unknown"
    assert "does not exist" in " ".join(found["module.gone"]["planned"]["notes"])


def test_a_module_with_an_unknown_count_is_one_workload_with_the_count_unknown(
    aicost: Runner, tmp_path: Path
) -> None:
    _, report, _ = check(
        aicost,
        tmp_path,
        'variable "enabled" {\n  type = bool\n}\n'
        'module "eks" {\n  source = "terraform-aws-modules/eks/aws"\n'
        "  count  = var.enabled ? 1 : 0\n}\n",
    )
    (eks,) = report["resources"]
    assert eks["address"] == "module.eks"
    assert "count" in eks["planned"]["unknown"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("terraform-aws-modules/eks/aws", ("terraform-aws-modules/eks/aws", "aws")),
        ("registry.opentofu.org/Azure/vnet/azurerm", ("Azure/vnet/azurerm", "azurerm")),
        ("hashicorp/consul/aws//modules/consul-cluster", ("hashicorp/consul/aws", "aws")),
        ("app.terraform.io/acme/gpu/aws", None),  # a private registry: unknown contents
        ("git::https://example.com/x.git", None),
        ("./local", None),
    ],
)
def test_registry_addresses(source: str, expected: tuple[str, str] | None) -> None:
    assert registry_address(source) == expected
