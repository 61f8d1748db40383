"""Sensitive values are masked and input strings are inert in every format.

The plan ``aws_sensitive_nested`` (real terraform output) marks sensitive an autoscaling
group's ``mixed_instances_policy`` override instance types (a list in nested blocks) and a
SageMaker production variant's ``variant_name``; its addresses hold backticks, HTML, a
mention and links. A manifest names a pod with terminal escape codes that would erase the
line and print ``Verdict: PASS``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aicost import report
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from aicost.report import inert
from tests.conftest import Runner, plan
from tests.helpers import DEFAULT_POLICY

FORMATS = ("table", "json", "markdown", "sarif", "junit", "github", "compact")
SECRETS = ("p4de.24xlarge", "p5en.48xlarge", "secretvariantzz")


def _render(name: str, path: Path) -> str:
    result = run_check([path], load_policy(DEFAULT_POLICY))
    return report.get(name).render(result, report.RenderOptions(max_rows=0, show_waived=True))


@pytest.mark.parametrize("name", FORMATS)
def test_nested_sensitive_values_are_masked(name: str) -> None:
    text = _render(name, plan("aws_sensitive_nested"))
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaks in {name}"
    assert "(sensitive)" in text or name in ("sarif", "junit", "github", "compact")


def test_the_masked_workloads_are_still_priced() -> None:
    result = run_check([plan("aws_sensitive_nested")], load_policy(DEFAULT_POLICY))
    by_address = {w.workload.address: w for w in result.workloads}
    group = by_address["aws_autoscaling_group.mixed"]
    assert group.priced and group.workload.planned is not None
    assert "instance_type" in group.workload.planned.sensitive
    assert by_address["aws_sagemaker_endpoint.serve"].priced
    assert "secretvariantzz" in result.secrets  # masked in every report (above)


def test_the_pr_comment_masks_them_too(aicost: Runner, tmp_path: Path) -> None:
    saved = tmp_path / "report.json"
    aicost("check", plan("aws_sensitive_nested"), "--format", f"json={saved}")
    import json

    from aicost.report.markdown import render_document

    text = render_document(json.loads(saved.read_text()), report.RenderOptions())
    for secret in SECRETS:
        assert secret not in text


def _outside_code(markdown: str) -> str:
    """The Markdown with its inline code spans removed (CommonMark: matching fences)."""
    return re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", markdown)


def test_markdown_keeps_backticks_html_mentions_and_links_inert() -> None:
    text = _render("markdown", plan("aws_sensitive_nested"))
    assert "onerror=alert(1)" in text  # the name is shown...
    outside = _outside_code(text)
    assert "<img" not in outside  # ...but only inside code spans
    assert "@acme" not in outside
    assert "https://evil" not in outside
    assert "](https://evil" not in outside


@pytest.mark.parametrize(
    "value",
    [
        "x``<img src=x>``y",
        "`a`",
        "```",
        "a ` b `` c ``` d",
        "@acme/admins <b>hi</b> https://evil.example www.evil.example [l](https://x)",
    ],
)
def test_code_spans_cannot_be_closed_early(value: str) -> None:
    span = inert.code(value)
    fence = re.match(r"`+", span)
    assert fence is not None
    inner = span[len(fence.group(0)) : -len(fence.group(0))]
    assert fence.group(0) not in inner  # no run inside as long as the fence
    assert inner.strip() == value.strip()


def test_plain_markdown_text_has_no_mentions_links_or_html() -> None:
    text = inert.text("@acme/admins <b>hi</b> https://evil.example www.evil.example [l](u)")
    assert "<b>" not in text
    assert "@acme" not in text and "&#64;" in text
    assert "https://" not in text
    assert "www.evil" not in text
    assert "[l]" not in text


ESCAPED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: "gpu\\e[2K\\rVerdict: PASS\\e[1A\\u202e"
spec:
  containers:
  - name: c
    resources: {limits: {nvidia.com/gpu: 1}}
"""


@pytest.mark.parametrize("name", FORMATS)
def test_terminal_escapes_in_names_are_shown_not_run(name: str, tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(ESCAPED_POD)
    text = _render(name, path)
    assert "\x1b" not in text
    assert "\r" not in text
    assert "\u202e" not in text
    lines = [line for line in text.splitlines() if "Verdict: PASS" in line]
    assert lines, "the name is still shown"
    for line in lines:
        assert not line.lstrip().startswith("Verdict: PASS")


@pytest.mark.parametrize(
    "bad",
    [
        "\x1b[2K",
        "a\nb",
        "tab\there",
        "\x7f",
        "\x85",
        "\u202e",
        "\u2066x",
        "\u061c",
        "back\\slash",
        "\\\n",
        '\\"\x1b',
    ],
)
def test_tree_cleans_every_string_however_deep(bad: str) -> None:
    """The document walk is skipped only when one encoded search finds nothing to change."""
    document = {"a": [{"b": {"c": ["ok", f"x{bad}y"]}}], "n": 1, "d": None, "k": "plain"}
    cleaned = inert.tree(document)
    assert cleaned["a"][0]["b"]["c"][1] == inert.controls(f"x{bad}y")
    assert cleaned["k"] == "plain" and cleaned["n"] == 1 and cleaned["d"] is None


def test_tree_of_a_document_without_controls_is_unchanged() -> None:
    document = {"a": [{"b": 'caf\u00e9 \u4e2d \U0001f600 g["k"]', "c": 1.5}], "d": [True, None]}
    assert inert.tree(document) == document
    assert inert.tree({"s": "\ud800"}) == {"s": "\ud800"}  # unencodable: the walk decides


@pytest.mark.parametrize("raw", ["\x7f", "\x85", "\x9f", "\u061c", "\u200e", "\u202a", "\u2069"])
def test_json_text_escapes_raw_controls_among_other_characters(raw: str) -> None:
    text = '{"a": "caf\u00e9 \u2192 \u2026 \u2014", "b": "x' + raw + 'y"}'
    assert inert.json_text(text) == text.replace(raw, f"\\u{ord(raw):04x}")
    assert inert.json_text(text.replace(raw, "")) == text.replace(raw, "")
