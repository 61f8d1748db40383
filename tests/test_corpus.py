"""Every real-world plan in tests/fixtures/corpus/plans is read or refused cleanly; none crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, Runner

PLAN_FILES = sorted((CORPUS / "plans").glob("*"))


@pytest.mark.parametrize("path", PLAN_FILES, ids=[p.name[:60] for p in PLAN_FILES])
def test_corpus_plan_reads_or_refuses_cleanly(aicost: Runner, path: Path) -> None:
    result = aicost("check", path, "--format", "json")
    # Every one is a plan Terraform wrote: refusing it as bad input (exit 2) is a bug.
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    report = result.json
    assert report["inputs"][0]["kind"] == "terraform-plan"
    for resource in report["resources"]:
        # anything aicost lists is either priced or says why not; never a silent $0
        assert resource["priced"] or resource["unpriced_reason"]


def test_every_corpus_plan_is_read() -> None:
    """All 27 corpus plans are real plans: none should be refused."""
    from aicost.sources import detect

    assert len(PLAN_FILES) >= 27
    for path in PLAN_FILES:
        inventory = detect(path).read(path)
        assert inventory.kind == "terraform-plan"


def test_utf16_plan_is_decoded() -> None:
    from aicost.sources import detect

    path = (
        CORPUS
        / "plans"
        / (
            "bridgecrewio__checkov__tests_terraform_parser_resources_plan_encodings_tfplan_win_utf16.json"
        )
    )
    inventory = detect(path).read(path)
    assert [c.address for c in inventory.changes] != []


def test_setup_terraform_wrapper_output_is_unwrapped(aicost: Runner) -> None:
    path = (
        CORPUS
        / "plans"
        / "infracost__infracost__cmd_infracost_testdata_plan_with_terraform_wrapper.json"
    )
    result = aicost("check", path, "--format", "json")
    assert result.code == 0
    assert "terraform_wrapper: false" in result.err
    assert result.json["summary"]["non_ai_resources"] == 1  # its aws_instance is a t2.micro


def test_opentofu_plans_without_terraform_version(aicost: Runner) -> None:
    for path in sorted((CORPUS / "plans").glob("opentofu__*")):
        result = aicost("check", path, "--format", "json")
        assert result.code == 0, result.err
        assert result.json["inputs"][0]["resources"] > 0
