"""Platform-team commands: policy validate, test, schema, docs; explain."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from aicost.policy.docs import render as render_docs
from aicost.policy.jsonschema import render as render_schema
from aicost.policy.rules import RULES
from tests.conftest import REPO, Runner
from tests.policy.helpers import EXAMPLES, SUITES

SHIPPED = sorted(
    [
        *EXAMPLES.glob("*.yaml"),
        *(REPO / "policies" / "builtin").glob("*.yaml"),
        REPO / "policies" / "default.yaml",
    ]
)


# ---------------------------------------------------------------------------- validate


def test_validate_accepts_every_shipped_policy(aicost: Runner) -> None:
    result = aicost("policy", "validate", "--today", "2026-11-22", *SHIPPED)
    assert result.code == 0, result.err
    assert result.out.count("ok: ") == len(SHIPPED)
    assert "waiver file, 2 waivers" in result.out


def test_validate_lists_every_error_with_file_line_column_and_a_hint(
    aicost: Runner, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\n"
        "name: bad\n"
        "rules:\n"
        "  - id: tags\n"
        "    type: required-tags\n"
        "    tgas: [team]\n"
        "  - id: fam\n"
        "    type: gpu-familly\n"
        "  - id: ok\n"
        "    type: region\n"
        "    allow: [us-east-1]\n"
        "waivers:\n"
        "  - {rule: ok, reason: r, owner: o, expires: 2026-02-30}\n"
    )
    good = tmp_path / "good.yaml"
    good.write_text("version: 1\nname: good\n")
    result = aicost("policy", "validate", path, good)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert lines[0].startswith(f"{path}:6:5: rules[0].tgas: unknown key 'tgas'")
    assert "did you mean 'tags'" in lines[0] and "(hint: `aicost explain TYPE`" in lines[0]
    assert lines[1].startswith(f"{path}:8:5: unknown rule type 'gpu-familly'")
    assert "did you mean 'gpu-family'" in lines[1]
    assert lines[2].startswith(f"{path}:13: waiver for 'ok': expires '2026-02-30' is not a")
    assert "Traceback" not in result.err
    assert f"ok: {good}" in result.out and f"ok: {path}" not in result.out


def test_validate_yaml_errors_and_waiver_warnings(aicost: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nname: [unclosed\n")
    result = aicost("policy", "validate", broken)
    assert result.code == 2
    assert f"{broken}:3:" in result.err and "hint: check the indentation" in result.err

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n  - {rule: a, reason: r, owner: o, expires: 2026-01-01}\n"
    )
    lapsed = aicost("policy", "validate", waivers, "--today", "2026-11-22")
    assert lapsed.code == 0 and "expired on 2026-01-01" in lapsed.err
    assert aicost("policy", "validate", waivers, "--today", "2026-11-22", "--strict").code == 2


# ---------------------------------------------------------------------------- test


@pytest.mark.parametrize("name", ["startup", "enterprise", "research-lab"])
def test_example_suites_pass(aicost: Runner, name: str) -> None:
    result = aicost("policy", "test", SUITES / name, "--policy", EXAMPLES / f"{name}.yaml")
    assert result.code == 0, result.out
    assert " 0 failed" in result.out


def suite(tmp_path: Path, cases: dict[str, str], policy: str | None = None) -> Path:
    (tmp_path / "aicost.yaml").write_text(
        policy
        or "version: 1\nname: t\nunpriced: ignore\nfallback: ignore\nrules:\n"
        "  - {id: spot-training, type: training-purchase, require: [spot]}\n"
        "  - {id: ai-tags, type: required-tags, tags: [model]}\n"
    )
    for name, text in cases.items():
        path = tmp_path / "tests" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def case(plan_name: str, extra: str = "") -> str:
    return f"inputs: [{(REPO / 'tests/fixtures/plans' / plan_name).as_posix()}.json]\n{extra}"


def test_policy_test_reports_failures_with_exit_1(aicost: Runner, tmp_path: Path) -> None:
    directory = suite(
        tmp_path,
        {
            "spot-training/pass/compliant.case.yaml": case("aws_compliant"),
            "spot-training/pass/wrong.case.yaml": case("aws_mixed"),
            "spot-training/fail/mixed.case.yaml": case(
                "aws_mixed", "findings:\n  - address: aws_instance.trainer\n"
            ),
        },
    )
    result = aicost("policy", "test", directory)
    assert result.code == 1
    out = result.out
    assert "PASS spot-training pass:" in out
    assert "FAIL spot-training pass:" in out and "unexpected finding aws_instance.trainer" in out
    assert "FAIL spot-training fail:" in out
    assert "unexpected finding aws_instance.future (fails)" in out
    assert "1 passed, 2 failed" in out
    assert "untested: ai-tags (no pass/fail)" in out


def test_policy_test_input_files_with_expectations(aicost: Runner, tmp_path: Path) -> None:
    plan_copy = tmp_path / "tests" / "ai-tags" / "fail" / "untagged.json"
    plan_copy.parent.mkdir(parents=True)
    plan_copy.write_text((REPO / "tests/fixtures/plans/aws_mixed.json").read_text())
    (plan_copy.parent / "untagged.expect.yaml").write_text(
        "findings:\n  - {address: aws_instance.untagged, severity: error, fails: true}\n"
    )
    directory = suite(
        tmp_path,
        {
            "ai-tags/pass/compliant.case.yaml": case("aws_compliant"),
            "spot-training/pass/compliant.case.yaml": case("aws_compliant"),
            "spot-training/fail/mixed.case.yaml": case("aws_mixed"),
        },
    )
    result = aicost("policy", "test", directory, "--require-tests")
    assert result.code == 0, result.out
    assert "4 passed, 0 failed (4 cases, 2 rules)" in result.out
    assert aicost("policy", "test", directory, "--rule", "ai-*", "-q").out.startswith("2 passed")


def test_policy_test_require_tests(aicost: Runner, tmp_path: Path) -> None:
    directory = suite(tmp_path, {"spot-training/fail/mixed.case.yaml": case("aws_mixed")})
    assert aicost("policy", "test", directory).code == 0
    strict = aicost("policy", "test", directory, "--require-tests")
    assert strict.code == 1
    assert "spot-training (no pass)" in strict.out


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        (
            {"spot-trainin/pass/a.case.yaml": case("aws_compliant")},
            "tests for rule 'spot-trainin', which policy 't' does not have",
        ),
        ({"spot-training/pass/a.case.yaml": "inputs: [nope.json]\n"}, "no such file"),
        ({"spot-training/pass/a.case.yaml": "inptus: [x.json]\n"}, "unknown key 'inptus'"),
        ({"spot-training/pass/a.case.yaml": "findings: []\n"}, "needs inputs"),
    ],
)
def test_policy_test_layout_errors_exit_2(
    aicost: Runner, tmp_path: Path, cases: dict[str, str], message: str
) -> None:
    result = aicost("policy", "test", suite(tmp_path, cases))
    assert result.code == 2
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_policy_test_needs_a_policy(aicost: Runner, tmp_path: Path) -> None:
    result = aicost("policy", "test", tmp_path)
    assert result.code == 2 and "no policy" in result.err
    assert aicost("policy", "test", tmp_path / "missing").code == 2


def test_policy_test_dates_are_fixed_per_case(aicost: Runner, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n  - {rule: spot-training, addresses: ['aws_instance.*'], "
        "reason: r, owner: o, expires: 2026-12-31}\n"
    )
    directory = suite(
        tmp_path,
        {
            "spot-training/pass/waived.case.yaml": case(
                "aws_mixed", f"today: 2026-12-31\nwaivers: [{waivers}]\n"
            ),
            "spot-training/fail/lapsed.case.yaml": case(
                "aws_mixed",
                f"today: 2027-01-01\nwaivers: [{waivers}]\n"
                "findings:\n  - {address: aws_instance.trainer, message: expired}\n"
                "  - {address: aws_instance.future, fails: true}\n",
            ),
        },
    )
    result = aicost("policy", "test", directory)
    assert result.code == 0, result.out


# ---------------------------------------------------------------------------- schema


def _plain(value: Any) -> Any:
    """As a YAML 1.2 editor sees it: dates stay strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("kind", ["policy", "waivers"])
def test_the_shipped_schema_is_current(aicost: Runner, kind: str) -> None:
    shipped = (REPO / "policies" / "schema" / f"{kind}.schema.json").read_text()
    assert shipped == render_schema(kind), "run: aicost policy schema --kind {kind} -o ..."
    assert aicost("policy", "schema", "--kind", kind).out == shipped


def test_shipped_policies_reference_and_satisfy_the_schema() -> None:
    schemas = {
        kind: jsonschema.Draft202012Validator(
            json.loads((REPO / "policies" / "schema" / f"{kind}.schema.json").read_text())
        )
        for kind in ("policy", "waivers")
    }
    for path in SHIPPED:
        text = path.read_text()
        kind = "waivers" if path.name.endswith("waivers.yaml") else "policy"
        modeline = text.splitlines()[0]
        assert modeline.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / modeline.split("$schema=", 1)[1]).resolve()
        assert target == (REPO / "policies" / "schema" / f"{kind}.schema.json").resolve()
        errors = [e.message for e in schemas[kind].iter_errors(_plain(yaml.safe_load(text)))]
        assert errors == [], (path, errors)


def test_the_schema_catches_what_the_loader_catches() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(render_schema("policy")))
    bad = {
        "version": 1,
        "name": "x",
        "rules": [{"id": "a", "type": "required-tags", "tgas": ["team"]}],
    }
    assert any("tgas" in e.message for e in validator.iter_errors(bad))
    override = {
        "version": 1,
        "name": "x",
        "extends": "builtin:strict",
        "rules": [{"id": "spot-training", "severity": "warning"}],
    }
    assert list(validator.iter_errors(override)) == []
    assert list(validator.iter_errors({"version": 1, "name": "x", "enforcement": "hrad"}))


# ---------------------------------------------------------------------------- docs, explain


def test_the_rule_reference_is_current(aicost: Runner) -> None:
    docs = REPO / "docs" / "rules.md"
    assert docs.read_text() == render_docs(), "run: aicost policy docs --output docs/rules.md"
    assert aicost("policy", "docs", "--check", docs).code == 0
    for rule_type in RULES:
        assert f"\n## {rule_type}\n" in docs.read_text()


def test_a_stale_reference_is_caught(aicost: Runner, tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text(render_docs().replace("Monthly budget", "Budget"))
    result = aicost("policy", "docs", "--check", stale)
    assert result.code == 1 and "out of date" in result.err


def test_rule_modules_written_to_the_first_protocol_still_document_themselves() -> None:
    """No RATIONALE or LINK: the defaults come from the docstring and the reference."""
    from aicost.policy.ruleinfo import info

    about = info(RULES["required-tags"])
    assert not hasattr(RULES["required-tags"], "RATIONALE")
    assert about.rationale.startswith("Without `team`, `model` or `use-case` tags")
    assert about.link.endswith("docs/rules.md#required-tags")
    assert info(RULES["budget"]).rationale.startswith("A budget turns a spend limit")


def test_explain(aicost: Runner) -> None:
    by_type = aicost("explain", "commitment-coverage")
    assert by_type.code == 0
    out = by_type.out
    assert out.startswith("commitment-coverage: Steady inference is covered by commitments")
    assert "Why: Steady inference runs around the clock" in out
    assert "Fix: Buy reserved instances" in out
    assert (
        "More: https://github.com/aicost/aicost/blob/main/docs/rules.md#commitment-coverage" in out
    )
    assert "min_coverage" in out
    by_id = aicost("explain", "spot-training")
    assert "Rule 'spot-training' in policy 'aicost-default': severity error, enforcement soft" in (
        by_id.out
    )
    listing = aicost("explain")
    assert all(rule_type in listing.out for rule_type in RULES)
    unknown = aicost("explain", "spot-trainng")
    assert unknown.code == 2 and "did you mean 'spot-training'" in unknown.err


def test_policy_test_unreadable_input_exits_2(aicost: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "tests" / "spot-training" / "fail" / "truncated.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"format_version": "1.2", "resource_changes": [')
    directory = suite(tmp_path, {})
    result = aicost("policy", "test", directory)
    assert result.code == 2
    assert str(broken) in result.err and len(result.err.strip().splitlines()) == 1
