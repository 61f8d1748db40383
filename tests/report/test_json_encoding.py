"""The JSON report is written by msgspec when that gives exactly what the standard library's
encoder gives (the format's reference), and by the standard encoder otherwise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aicost.document.build import build
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from aicost.report import inert
from aicost.report import json as json_format
from tests.conftest import PLANS
from tests.helpers import DEFAULT_POLICY

_STANDARD = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def _reference(document: dict[str, Any]) -> str:
    """The format as first written: json's encoder, one resource and finding per line."""
    lines = ["{"]
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"  {_STANDARD(key)}: [")
            lines.extend(
                f"    {_STANDARD(item)}{',' if i < len(value) - 1 else ''}"
                for i, item in enumerate(value)
            )
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {_STANDARD(key)}: {_STANDARD(value)}{comma}")
    lines.append("}")
    return inert.json_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("path", sorted(PLANS.glob("*.json")), ids=lambda p: p.stem)
def test_reports_of_every_plan_fixture_are_written_as_the_standard_encoder_writes(
    path: Path,
) -> None:
    document = build(run_check([path], load_policy(DEFAULT_POLICY)))
    assert json_format.dumps(document) == _reference(document)


@pytest.mark.parametrize(
    "value",
    [
        1e16,
        [1e-7, 0.5],
        float("nan"),
        {"k": float("inf")},
        {1: "a", "b": None},
        2**70,
        "x\u2028\x7f \x1b \u00e9 \U0001f600 \u02e0",
        {"a": [{"b": True}, []]},
        ["a", "\x00aicost\x00", "b"],  # the text records are split at, inside a record
    ],
)
def test_floats_large_numbers_and_odd_strings_are_written_as_json_writes_them(
    value: Any,
) -> None:
    document = {"format": "aicost-report", "value": value, "resources": [{"x": value}]}
    assert json_format.dumps(document) == _reference(document)


@pytest.mark.parametrize("path", sorted(PLANS.glob("*.json"))[:8], ids=lambda p: p.stem)
def test_sarif_is_written_as_json_dumps_with_indent_2_writes_it(path: Path) -> None:
    from aicost import report
    from aicost.report import sarif

    result = run_check([path], load_policy(DEFAULT_POLICY))
    options = report.RenderOptions()
    log = sarif.sarif(build(result, records=False), options.sarif_category)
    expected = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    assert sarif.render(result, options) == inert.json_text(expected)
    with_float = {**log, "properties": {"ratio": 1e16}}
    assert json_format.float_free(log) and not json_format.float_free(with_float)


@pytest.mark.parametrize("where", ["late", "deep", "key"])
def test_checks_in_pieces_still_see_every_value(where: str) -> None:
    """The float and control-character checks encode a report in pieces (long lists in
    slices, the first levels taken apart): a value in any piece is still seen."""
    records: list[Any] = [{"n": i, "s": "ok"} for i in range(700)]
    document: dict[str, Any] = {"format": "aicost-report", "resources": records}
    if where == "late":
        records[650]["x"] = 0.5
        records[651]["s"] = "a\x1bb"
    elif where == "deep":
        document["summary"] = {"a": [{"b": {"c": [1, 2, {"d": [0.5, "e\x85f"]}]}}]}
    else:
        document["used"] = {1.5: "x", "k": "v"}
        document["tags"] = {"a\x1bb": "c", "d": ["e\u202ef"]}
    assert not json_format.float_free(document)
    assert inert.tree(document) != document or where == "key"
    assert json_format.dumps(document) == _reference(document)
