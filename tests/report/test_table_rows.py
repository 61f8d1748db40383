"""The table builds report records only for the workloads it lists, and lists the same ones
(in the same order) as it would from the whole report document."""

from __future__ import annotations

from pathlib import Path

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


@pytest.mark.parametrize("name", PLANS)
@pytest.mark.parametrize("limit", [1, 2, 3, 50])
@pytest.mark.parametrize("max_chars", [None, 1500])
def test_markdown_from_a_few_records_is_the_markdown_of_the_whole_document(
    name: str, limit: int, max_chars: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comment built from the largest changes' records only (a check result with more
    workloads than rows) is the one built from the whole report, also when it is cut down
    to fit a GitHub comment (*max_chars*)."""
    from aicost import report
    from aicost.report import markdown

    if max_chars is not None:
        monkeypatch.setattr(markdown, "MAX_CHARS", max_chars)
    result = run_check([plan(name)], load_policy(DEFAULT_POLICY))
    options = report.RenderOptions(max_rows=limit)
    assert markdown.render(result, options) == markdown.render_document(build(result), options)


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_markdown_with_a_baseline_from_a_few_records(tmp_path: Path, limit: int) -> None:
    """The base-cost column appears as it does from the whole report."""
    import json

    from aicost import report
    from aicost.document.read import load_report, read_baseline
    from aicost.report import markdown

    policy = load_policy(DEFAULT_POLICY)
    base = run_check([plan("aws_mixed"), plan("aws_capacity")], policy)
    path = tmp_path / "base.json"
    path.write_text(json.dumps(build(base)))
    baseline = read_baseline(load_report(path), str(path))
    result = run_check([plan("aws_mixed")], policy, baseline=baseline)
    options = report.RenderOptions(max_rows=limit)
    text = markdown.render(result, options)
    assert text == markdown.render_document(build(result), options)
    assert "Base |" in text
