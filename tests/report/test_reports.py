"""Report formats for CI: Markdown PR comment, SARIF, JUnit, GitHub annotations, compact."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aicost import report
from aicost.document.build import build
from aicost.pipeline import CheckResult, run_check
from aicost.policy.finding import WaiverRef
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES, REFERENCE, REPO, Runner, plan
from tests.helpers import DEFAULT_POLICY

SARIF_SCHEMA = REFERENCE / "sarif-schema-2.1.0.json"


def check(path: Path) -> CheckResult:
    return run_check([path], load_policy(DEFAULT_POLICY))


def render(name: str, result: CheckResult, max_rows: int = 50) -> str:
    return report.get(name).render(result, report.RenderOptions(max_rows=max_rows))


def validate_sarif(document: dict[str, Any]) -> None:
    schema = json.loads(SARIF_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [(list(e.path), e.message) for e in errors[:5]]


def write_tf(directory: Path, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n' + body)
    return directory


# --------------------------------------------------------------------------- SARIF


@pytest.mark.parametrize(
    "source", ["terraform:aws_mixed", "plan:aws_mixed", "plan:aws_compliant", "plan:aws_changes"]
)
def test_sarif_validates_against_the_official_schema(source: str) -> None:
    kind, name = source.split(":")
    path = FIXTURES / "terraform" / name if kind == "terraform" else plan(name)
    validate_sarif(json.loads(render("sarif", check(path))))


def test_sarif_rules_results_and_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    document = json.loads(render("sarif", check(Path("."))))
    validate_sarif(document)
    run = document["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {
        "ai-tags",
        "budget:vision",
        "gpu-families",
        "spot-training",
        "unpriced",
        "reserved-inference",
    }
    spot = rules["spot-training"]
    assert spot["shortDescription"]["text"].startswith("Training uses the required purchase")
    assert spot["helpUri"].endswith("#training-purchase")
    assert "spot" in spot["help"]["text"]
    assert spot["defaultConfiguration"]["level"] == "error"
    assert rules["reserved-inference"]["defaultConfiguration"]["level"] == "warning"
    trainer = next(
        r for r in run["results"] if r["properties"].get("address") == "aws_instance.trainer"
    )
    location = trainer["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "main.tf", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 88}
    # (55.04 on-demand - 20.2037 observed p5 spot) x 730 h
    assert "saves $25,430.50/month" in trainer["message"]["text"]
    module = next(
        r
        for r in run["results"]
        if r["properties"].get("address") == 'module.regional["a"].aws_instance.node[0]'
    )
    assert module["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "modules/gpu_node/main.tf"
    )


def test_sarif_fingerprints_survive_moved_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    body = 'resource "aws_instance" "trainer" {\n  instance_type = "p5.48xlarge"\n}\n'
    before = json.loads(render("sarif", check(write_tf(Path("a"), body))))
    after = json.loads(render("sarif", check(write_tf(Path("a"), "\n\n\n" + body))))

    def marks(doc: dict[str, Any]) -> dict[str, tuple[str, int]]:
        return {
            r["ruleId"]: (
                r["partialFingerprints"]["aicostFinding/v1"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in doc["runs"][0]["results"]
        }

    old, new = marks(before), marks(after)
    assert old.keys() == new.keys() and "ai-tags" in old
    for rule in old:
        assert old[rule][0] == new[rule][0]  # same alert
        assert new[rule][1] == old[rule][1] + 3  # at its new line


def test_waivers_become_suppressions() -> None:
    result = check(plan("aws_denied"))
    waived, expired = result.findings[0], result.findings[1]
    waivers = [
        dataclasses.replace(
            waived,
            waiver=WaiverRef(
                "V100 capacity until the migration",
                "ml-platform",
                "2099-12-31",
                "aicost.yaml:12",
                ticket="INFRA-42",
            ),
        ),
        dataclasses.replace(
            expired,
            waiver=WaiverRef("old excuse", "someone", "2020-01-01", "aicost.yaml:20", expired=True),
        ),
    ]
    document = json.loads(render("sarif", dataclasses.replace(result, findings=tuple(waivers))))
    if SARIF_SCHEMA.is_file():
        validate_sarif(document)
    first, second = document["runs"][0]["results"]
    assert first["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": (
                "V100 capacity until the migration (owner ml-platform, until 2099-12-31)"
            ),
            "properties": {
                "owner": "ml-platform",
                "expires": "2099-12-31",
                "ticket": "INFRA-42",
                "source": "aicost.yaml:12",
            },
        }
    ]
    assert second["suppressions"][0]["status"] == "rejected"


# --------------------------------------------------------------------------- JUnit


def test_junit_one_case_per_workload_failing_on_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    result = check(Path("."))
    root = ET.fromstring(render("junit", result))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root}
    assert set(suites) == {".", "aicost policy"}
    cases = {c.get("name"): c for c in suites["."].findall("testcase")}
    assert len(cases) == len(result.workloads) == 21
    # warnings (an old price table) go to the first suite's system-err, not a test case
    assert "price table aws-ec2 is" in (suites["."].findtext("system-err") or "")
    trainer = cases["aws_instance.trainer"]
    failure = trainer.find("failure")
    assert failure is not None and "spot-training" in (failure.get("message") or "")
    assert trainer.get("file") == "main.tf" and trainer.get("line") == "88"
    assert cases["aws_instance.spot_trainer"].find("failure") is None
    failing = {name for name, c in cases.items() if c.find("failure") is not None}
    assert failing == {
        "aws_instance.trainer",
        "aws_instance.future",
        "aws_instance.untagged",
        "aws_instance.old_gpu",
    }
    assert suites["."].get("failures") == "4" and root.get("failures") == "5"
    budget = suites["aicost policy"].find("testcase")
    assert budget is not None and budget.get("name") == "budget:vision"
    west = cases["aws_instance.west_infer"].find("system-out")
    assert west is not None and "warning: reserved-inference" in (west.text or "")


@pytest.mark.parametrize(
    "name",
    ["aws_mixed", "aws_changes", "aws_sensitive_nested", "llm_azure_gcp", "gcp_capacity"],
)
def test_junit_from_a_check_is_junit_from_its_saved_report(name: str) -> None:
    """A check renders JUnit from brief records (the fields it reads); a saved report's full
    records give the same bytes: changes, deletions, masked values, LLM models."""
    from aicost.report import junit

    result = check(plan(name))
    options = report.RenderOptions()
    assert junit.render(result, options) == junit.render_document(build(result), options)


def test_junit_is_what_elementtree_writes_with_awkward_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The JUnit writer lays XML out itself: ElementTree reads it back to the same values
    and writes it back byte for byte (escapes, indentation, empty elements)."""
    from aicost.report import junit

    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    document = build(check(Path(".")))
    awkward = "a \"quoted\" <tag> & 'single'\ttab\nline"
    document["resources"][0]["address"] = awkward
    document["resources"][1]["project"] = awkward
    document["findings"][0]["message"] = awkward
    text = junit.render_document(document, report.RenderOptions())
    head, body = text.split("\n", 1)
    assert head == '<?xml version="1.0" encoding="UTF-8"?>' and body.endswith(">\n")
    root = ET.fromstring(body)
    assert ET.tostring(root, encoding="unicode") + "\n" == body
    shown = awkward.replace("\t", "\\x09").replace("\n", "\\x0a")  # inputs' controls: visible
    names = {c.get("name") for c in root.iter("testcase")}
    assert shown in names and shown in {s.get("name") for s in root}
    empty = junit.render_document({"resources": [], "findings": []}, report.RenderOptions())
    assert empty.endswith(
        '<testsuites name="aicost" tests="0" failures="0" skipped="0" errors="0" />\n'
    )


def test_junit_cases_with_the_same_findings_each_get_their_own_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure's text is worked out once per distinct set of findings: two workloads
    flagged alike still get their own names, files and failures; a saved report with a
    list where a message should be renders as before."""
    from aicost.report import junit

    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    document = build(check(Path(".")))
    first, second = document["resources"][:2]
    flagged = [f for f in document["findings"] if f["address"] == first["address"]]
    assert flagged
    copies = [
        {**f, "address": second["address"], "component": second["component"]} for f in flagged
    ]
    document["findings"] = [f for f in document["findings"] if f["address"] != second["address"]]
    document["findings"] += copies
    root = ET.fromstring(junit.render_document(document, report.RenderOptions()).split("\n", 1)[1])
    cases = {c.get("name"): c for c in root.iter("testcase")}
    one, two = cases[first["address"]], cases[second["address"]]
    for kind in ("failure", "system-out"):
        a, b = one.find(kind), two.find(kind)
        assert (a is None) == (b is None)
        if kind == "failure" and a is not None and b is not None:
            assert a.attrib == b.attrib and a.text == b.text
    listed = {**flagged[0], "message": ["not", "text"]}
    document["findings"] = [listed, dict(listed)]
    text = junit.render_document(document, report.RenderOptions())
    assert text.count("['not', 'text']") >= 1


def test_sarif_locations_keep_each_line_as_the_report_has_it() -> None:
    """Results at one file and line share a location; a saved report's ``true`` line
    is not the line 1 of another result."""
    from aicost.report import sarif

    base = {"rule": "r", "type": "required-tags", "severity": "error", "address": "a"}
    document = {
        "findings": [
            {**base, "file": "main.tf", "line": 1},
            {**base, "file": "main.tf", "line": True},
            {**base, "file": "main.tf", "line": 1},
        ]
    }
    results = sarif.sarif(document)["runs"][0]["results"]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results]
    assert lines == [1, True, 1] and [type(n) for n in lines] == [int, bool, int]


# --------------------------------------------------------------------------- GitHub


def test_github_annotations_and_job_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    out = render("github", check(Path(".")))
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert (
        "::error file=main.tf,line=88,title=aicost spot-training::aws_instance.trainer: "
        "training workload runs 1 node on-demand" in out
    )
    # The budget has no file; "budget:vision" is escaped in the title property.
    assert any(c.startswith("::error title=aicost budget%3Avision::") for c in commands)
    assert sum(c.startswith("::error ") for c in commands) == 6
    # 7 warning findings and the two old price tables (aws-ec2, aws-sagemaker)
    assert sum(c.startswith("::warning ") for c in commands) == 9
    assert any(c.startswith("::warning title=aicost::price table aws-ec2 is ") for c in commands)
    text = summary.read_text()
    assert text.startswith("earlier step\n<!-- aicost-report -->")  # appended, not replaced
    assert "### ❌ aicost: fail" in text


def test_github_annotations_are_capped_per_level(tmp_path: Path) -> None:
    body = 'resource "aws_instance" "gpu" {\n  count = 25\n  instance_type = "g5.xlarge"\n}\n'
    out = render("github", check(write_tf(tmp_path / "many", body)))
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 10  # 25 untagged GPUs: 25 ai-tags errors, the first 10 annotated
    assert "::notice title=aicost::15 more findings are listed in the report" in out


def test_annotation_data_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    body = (
        'resource "aws_instance" "gpu" {\n'
        '  instance_type = "p3.2xlarge\\n::error::injected,50%:x"\n'
        '  tags = { team = "a", model = "b", "use-case" = "c", environment = "d" }\n'
        "}\n"
    )
    out = render("github", check(write_tf(tmp_path / "evil", body)))
    for line in out.splitlines():
        assert not line.startswith("::error::injected")
    # The newline in the value is shown as text, not sent as a line break.
    assert "\\x0a::error::injected,50%25:x" in out


# --------------------------------------------------------------------------- Markdown


def test_markdown_comment_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "terraform" / "aws_mixed")
    text = render("markdown", check(Path(".")))
    assert text.startswith("<!-- aicost-report -->\n### ❌ aicost: fail · +$105,088.94/month")
    assert (
        "**❌ `spot-training`** · Training uses the required purchase option (spot) · 2 errors"
        in text
    )
    assert "> **Fix:** Run training on spot capacity" in text
    assert (
        "[Rule docs](https://github.com/aicost/aicost/blob/main/docs/rules.md#training-purchase)"
        in text
    )
    assert "- `aws_instance.trainer` (`main.tf:88`): training workload runs 1 node" in text
    assert "<details><summary>Workloads (21)</summary>" in text
    assert "<details><summary>Unpriced (1), not counted</summary>" in text
    assert "aws-ec2 as of 2025-11-30 (used: karpenter-2026-07-20" in text
    assert text.count("<details>") == text.count("</details>")


def test_markdown_fits_a_github_comment(tmp_path: Path) -> None:
    body = (
        'resource "aws_instance" "gpu" {\n  count = 3000\n  instance_type = "g5.xlarge"\n'
        '  tags = { Name = "a-very-long-name-tag-to-make-rows-longer-${count.index}" }\n}\n'
    )
    result = check(write_tf(tmp_path / "big", body))
    assert len(result.workloads) == 3000
    text = render("markdown", result, max_rows=0)  # asks for everything
    assert len(text) <= 65_536
    assert "more workloads are in the JSON report" in text
    assert "more findings (see the JSON report)" in text
    assert text.count("<details>") == text.count("</details>")


def test_markdown_escapes_what_the_pull_request_controls(tmp_path: Path) -> None:
    body = (
        'resource "aws_instance" "gpu" {\n'
        '  instance_type = "p3.2xlarge <img src=x onerror=alert(1)> @acme/admins | x"\n'
        "}\n"
    )
    text = render("markdown", check(write_tf(tmp_path / "evil", body)))
    assert "<img" not in text
    assert "@acme" not in text
    assert "&lt;img src=x onerror=alert(1)&gt; &#64;\u200bacme/admins \\| x" in text


def test_compact_lines_for_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "terraform" / "aws_denied")
    text = render("compact", check(Path(".")))
    lines = text.splitlines()
    # the shipped table's age depends on today: checked by its start
    assert lines[2].startswith("warning: price table aws-ec2 is ")
    assert lines[2].endswith(" days old (as of 2025-11-30); run aicost pricing refresh aws")
    assert lines[:2] + lines[3:] == [
        "main.tf:52: error: [gpu-families] aws_instance.radeon_batch: "
        "g4ad.xlarge (Radeon Pro V520) is in a denied GPU family (g4ad)",
        "main.tf:31: error: [gpu-families] aws_instance.v100_train: "
        "p3.8xlarge (V100) is in a denied GPU family (p3)",
        "aicost: FAIL · $2,114.87/month (+$2,114.87) · 2 workloads · 2 errors, 0 warnings",
    ]


def test_no_format_prints_what_the_plan_marks_sensitive(aicost: Runner) -> None:
    for name in report.FORMATS:
        result = aicost("check", plan("aws_sensitive"), "--format", name)
        assert result.code in (0, 1), (name, result.err)
        for secret in (
            "CC-4242-CONFIDENTIAL",
            "hf_FAKEtoken",
            "FAKE-hunter2",
            "g6e.xlarge",
            "L40S",
        ):
            assert secret not in result.out + result.err, (name, secret)


def test_formats_render_the_saved_report_the_same(tmp_path: Path) -> None:
    """What `aicost comment`/`merge` render from report.json equals the check's own output."""
    result = check(plan("aws_mixed"))
    document = json.loads(json.dumps(build(result)))
    for name in ("markdown", "sarif", "junit", "compact"):
        module: Any = report.get(name)
        options = report.RenderOptions()
        assert module.render_document(document, options) == module.render(result, options)


def test_every_format_is_listed_in_help() -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "aicost", "check", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    text = " ".join(completed.stdout.split())
    for name in report.FORMATS:
        assert name in text
    assert re.search(r"--baseline REPORT", text)


def test_repeatable_formats_to_files(aicost: Runner, tmp_path: Path) -> None:
    os.environ.pop("GITHUB_STEP_SUMMARY", None)
    result = aicost(
        "check",
        FIXTURES / "terraform" / "aws_denied",
        "--format",
        "compact",
        "--format",
        f"sarif={tmp_path / 'out' / 'a.sarif'}",
        "--format",
        f"junit={tmp_path / 'out' / 'a.xml'}",
        "--format",
        f"markdown={tmp_path / 'out' / 'a.md'}",
    )
    assert result.code == 1
    assert result.out.endswith("2 errors, 0 warnings\n")
    assert json.loads((tmp_path / "out" / "a.sarif").read_text())["version"] == "2.1.0"
    assert ET.parse(tmp_path / "out" / "a.xml").getroot().get("failures") == "2"
    assert (tmp_path / "out" / "a.md").read_text().startswith("<!-- aicost-report -->")


def test_headlines_name_unpriced_workloads_never_a_bare_zero(
    aicost: Runner, tmp_path: Path
) -> None:
    """A training p5 whose instance type is known only after apply: the one-line headlines
    (compact, the PR comment) say it is unpriced instead of reading as $0.00/month."""
    change = {
        "address": "aws_instance.a",
        "mode": "managed",
        "type": "aws_instance",
        "name": "a",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "after": {"tags": {"workload": "training"}},
            "after_unknown": {"instance_type": True},
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [change]}))
    compact = aicost("check", path, "--format", "compact")
    assert compact.code == 1
    assert compact.out.splitlines()[-1].startswith(
        "aicost: FAIL · $0.00/month ($0.00) + 1 unpriced"
    )
    markdown = aicost("check", path, "--format", "markdown")
    assert "### ❌ aicost: fail · $0.00/month + 1 unpriced" in markdown.out


def test_junit_attaches_findings_to_their_workload_for_an_absolute_path_under_the_cwd(
    aicost: Runner, tmp_path: Path
) -> None:
    """Running in CI with ``$PWD/plan.json``: findings stay on their workloads' test cases,
    not in the separate suite for findings on no resource (budgets)."""
    import shutil

    shutil.copy(REPO / "examples" / "plan.json", tmp_path / "plan.json")
    result = aicost("check", tmp_path / "plan.json", "--format", "junit")
    root = ET.fromstring(result.out)
    workloads = {c.get("name") for s in root if s.get("name") != "aicost policy" for c in s}
    aggregate = [c.get("name") for s in root if s.get("name") == "aicost policy" for c in s]
    assert not [name for name in aggregate if name in workloads], aggregate
    assert any(c.find("failure") is not None for s in root for c in s if c.get("name") in workloads)
