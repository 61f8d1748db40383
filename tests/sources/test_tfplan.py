"""The plan reader: actions, modules, regions, default tags, references, OpenTofu."""

from __future__ import annotations

import json
from pathlib import Path

from aicost.core.model import Action
from aicost.sources import detect
from aicost.sources.tfplan import module_path, provider_type
from tests.conftest import plan


def read(name: str) -> dict[str, object]:
    path = plan(name)
    inventory = detect(path).read(path)
    return {c.address: c for c in inventory.changes}


def test_every_action_is_read_including_replace_in_both_orders() -> None:
    changes = read("aws_changes")
    actions = {address: change.action for address, change in changes.items()}  # type: ignore[attr-defined]
    assert actions["aws_instance.retag"] is Action.UPDATE
    assert actions["aws_instance.resize"] is Action.UPDATE
    assert actions["aws_instance.reimage"] is Action.REPLACE
    assert actions["aws_instance.blue_green"] is Action.REPLACE
    assert actions["aws_instance.retired"] is Action.DELETE
    assert actions["aws_instance.steady"] is Action.NO_OP
    assert actions["data.aws_iam_policy_document.gpu_ops"] is Action.READ
    assert changes["aws_instance.blue_green"].create_before_destroy  # type: ignore[attr-defined]
    assert not changes["aws_instance.reimage"].create_before_destroy  # type: ignore[attr-defined]


def test_region_from_variable_alias_and_module_provider() -> None:
    mixed = read("aws_mixed")
    assert mixed["aws_instance.trainer"].region == "us-east-1"  # type: ignore[attr-defined]
    assert mixed["aws_instance.west_infer"].region == "us-west-2"  # type: ignore[attr-defined]
    modules = read("aws_modules")
    eu = modules["module.eu.module.fleet[0].aws_instance.gpu[0]"]
    assert eu.region == "eu-west-1"  # type: ignore[attr-defined]
    assert modules['module.team["nlp"].module.fleet[0].aws_instance.gpu[1]'].region == "us-east-1"  # type: ignore[attr-defined]


def test_provider_default_tags_are_read() -> None:
    mixed = read("aws_mixed")
    assert mixed["aws_instance.trainer"].default_tags == {"environment": "prod", "team": "vision"}  # type: ignore[attr-defined]


def test_module_addresses_with_count_and_for_each() -> None:
    mixed = read("aws_mixed")
    assert 'module.regional["a"].aws_instance.node[0]' in mixed
    assert "module.gpu_pool[1].aws_instance.node[1]" in mixed
    assert module_path('module.team["nlp"].module.fleet[0]') == ("team", "fleet")
    assert module_path('module.a["x.y"].module.b') == ("a", "b")


def test_provider_names_match_on_type_for_terraform_and_opentofu() -> None:
    assert provider_type("registry.terraform.io/hashicorp/aws") == "aws"
    assert provider_type("registry.opentofu.org/hashicorp/aws") == "aws"
    assert provider_type("aws") == "aws"
    assert provider_type('provider["registry.terraform.io/hashicorp/google"]') == "google"


def test_unknown_launch_template_id_is_followed_through_configuration() -> None:
    path = plan("aws_mixed")
    data = json.loads(path.read_text())
    asg = next(r for r in data["resource_changes"] if r["address"] == "aws_autoscaling_group.infer")
    assert asg["change"]["after_unknown"]["launch_template"][0]["id"] is True  # precondition
    inventory = detect(path).read(path)
    change = next(c for c in inventory.changes if c.address == "aws_autoscaling_group.infer")
    template = inventory.resolve(change, ["launch_template", 0, "id"], "aws_launch_template")
    assert template is not None and template.address == "aws_launch_template.infer"
    assert template.after is not None and template.after["instance_type"] == "g5.12xlarge"


def test_a_plan_in_utf16_with_bom_reads_like_utf8(tmp_path: Path) -> None:
    original = plan("aws_denied")
    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(original.read_text().encode("utf-16"))
    a = detect(original).read(original)
    b = detect(utf16).read(utf16)
    assert [c.address for c in a.changes] == [c.address for c in b.changes]


def test_plan_format_0x_is_accepted(tmp_path: Path) -> None:
    data = json.loads(plan("aws_denied").read_text())
    data["format_version"] = "0.1"
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    assert len(detect(path).read(path).changes) == 2
