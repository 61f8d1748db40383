"""The table builds report records only for the workloads it lists, and lists the same ones
(in the same order) as it would from the whole report document."""

from __future__ import annotations

import pytest

from aicost.document.build import build
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from aicost.report import inert
from aicost.report import table as table_format
from aicost.report import view as v
from tests.conftest import plan
from tests.helpers import DEFAULT_POLICY

PLANS = ("aws_capacity", "aws_mixed", "gcp_mixed", "azure_mixed", "aws_sensitive_nested")


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("limit", [0, 1, 3, 50])
def test_listed_and_unpriced_records_are_those_of_the_whole_document(name: str, limit: int) -> None:
    result = run_check([plan(name)], load_policy(DEFAULT_POLICY))
    resources = v.resources(inert.tree(build(result)))
    shown, unpriced, document = table_format._records(result, limit)
    assert shown == v.largest_first(resources, limit)
    assert unpriced == [r for r in resources if not r.get("priced")]
    assert v.pricing_dates(document) == v.pricing_dates(build(result))
    if limit == 1 and len(resources) > 1:
        assert len(v.resources(document)) < len(resources)  # not every record is built
