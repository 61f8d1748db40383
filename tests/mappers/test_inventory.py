"""Every resource type that chooses a machine or attaches an accelerator is mapped by aicost
or deliberately non-AI with a reason: from the aws provider's schema (generated offline by
scripts/provider_inventory.py) and from the google and azurerm documentation (curated)."""

from __future__ import annotations

import json

import pytest

from aicost.mappers import handlers
from aicost.mappers.non_ai import NON_AI
from tests.conftest import FIXTURES

INVENTORY = FIXTURES / "inventory"


@pytest.mark.parametrize("provider", ["aws", "google", "azurerm"])
def test_every_machine_or_accelerator_kind_is_mapped_or_deliberately_non_ai(
    provider: str,
) -> None:
    listed = json.loads((INVENTORY / f"{provider}.json").read_text())["resources"]
    assert len(listed) > 25
    mapped = set(handlers(provider))
    missing = sorted(t for t in listed if t not in mapped and t not in NON_AI)
    assert missing == [], f"neither mapped nor listed in aicost/mappers/non_ai.py: {missing}"


def test_non_ai_entries_have_reasons_and_are_not_also_mapped() -> None:
    mapped = set(handlers("aws")) | set(handlers("google")) | set(handlers("azurerm"))
    for rtype, reason in NON_AI.items():
        assert len(reason) > 15, rtype
        assert rtype not in mapped, f"{rtype} is mapped and listed as non-AI"


def test_aws_inventory_was_generated_from_the_schema() -> None:
    data = json.loads((INVENTORY / "aws.json").read_text())
    assert data["provider"].startswith("registry.terraform.io/hashicorp/aws")
    assert "aws_ec2_capacity_reservation" in data["resources"]
    assert "aws_sagemaker_space" in data["resources"]
