"""Enforcement levels and the gate: which findings fail, in Checkov's documented precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicost.core.errors import UsageError
from aicost.policy.finding import Finding, WaiverRef
from aicost.policy.gate import Gate
from aicost.policy.schema import Enforcement, Severity
from tests.conftest import Runner, plan
from tests.helpers import DEFAULT_POLICY
from tests.policy.helpers import of, policy_text, run, write_policy

RULES = [("spot-training", "training-purchase"), ("ai-tags", "required-tags"), ("hints", "x")]


def finding(rule: str = "spot-training", severity: str = "error", waived: bool = False) -> Finding:
    waiver = WaiverRef("r", "o", "2026-12-31", "p.yaml:3") if waived else None
    kind = dict(RULES).get(rule, "t")
    return Finding(rule, kind, Severity(severity), "aws_instance.a", "m", waiver=waiver)


def decide(gate: Gate, found: Finding, level: str) -> tuple[bool, str]:
    return gate.decide(found, Enforcement(level))


def test_without_options_the_policy_decides_as_in_the_first_release() -> None:
    gate = Gate()
    assert decide(gate, finding(severity="error"), "soft") == (True, "soft enforcement")
    assert decide(gate, finding(severity="warning"), "advisory") == (False, "advisory")
    assert decide(gate, finding(severity="error"), "hard") == (True, "hard enforcement")
    assert Enforcement.for_severity(Severity.ERROR) is Enforcement.SOFT
    assert Enforcement.for_severity(Severity.WARNING) is Enforcement.ADVISORY
    assert Enforcement.for_severity(Severity.INFO) is Enforcement.ADVISORY


def test_a_valid_waiver_beats_everything_and_hard_beats_the_command_line() -> None:
    everything = Gate.parse(fail_on=["spot-training", "info"], soft_fail=True, rules=RULES)
    assert decide(everything, finding(waived=True), "hard") == (False, "waived")
    soft = Gate.parse(soft_fail=True, soft_fail_on=["error", "spot-training"], rules=RULES)
    assert decide(soft, finding(), "hard") == (True, "hard enforcement")


@pytest.mark.parametrize(
    ("options", "rule", "severity", "level", "fails", "why"),
    [
        # 3. --fail-on RULE beats --soft-fail-on SEVERITY and --soft-fail
        (
            {"fail_on": ["spot-training"], "soft_fail": True},
            "spot-training",
            "warning",
            "advisory",
            True,
            "--fail-on spot-training",
        ),
        # ... and matches rule types and globs
        (
            {"fail_on": ["training-*"]},
            "spot-training",
            "info",
            "advisory",
            True,
            "--fail-on training-*",
        ),
        # 4. --soft-fail-on RULE beats --fail-on SEVERITY
        (
            {"soft_fail_on": ["spot-training"], "fail_on": ["warning"]},
            "spot-training",
            "error",
            "soft",
            False,
            "--soft-fail-on spot-training",
        ),
        # 5. --fail-on SEVERITY: that severity or worse
        ({"fail_on": ["warning"]}, "ai-tags", "warning", "advisory", True, "--fail-on warning"),
        ({"fail_on": ["warning"]}, "ai-tags", "error", "advisory", True, "--fail-on warning"),
        # everything --fail-on does not name is a soft failure (Checkov --hard-fail-on)
        ({"fail_on": ["warning"]}, "ai-tags", "info", "soft", False, "not named by --fail-on"),
        (
            {"fail_on": ["spot-training"]},
            "ai-tags",
            "error",
            "soft",
            False,
            "not named by --fail-on",
        ),
        # 6. --soft-fail-on SEVERITY: that severity or milder
        (
            {"soft_fail_on": ["warning"]},
            "ai-tags",
            "warning",
            "soft",
            False,
            "--soft-fail-on warning",
        ),
        ({"soft_fail_on": ["warning"]}, "ai-tags", "error", "soft", True, "soft enforcement"),
        # with --soft-fail-on given, what it does not name is decided by the policy
        (
            {"soft_fail_on": ["info"], "fail_on": ["error"]},
            "ai-tags",
            "warning",
            "soft",
            True,
            "soft enforcement",
        ),
        # 7. --soft-fail
        ({"soft_fail": True}, "ai-tags", "error", "soft", False, "--soft-fail"),
    ],
)
def test_precedence(
    options: dict[str, object], rule: str, severity: str, level: str, fails: bool, why: str
) -> None:
    gate = Gate.parse(rules=RULES, **options)  # type: ignore[arg-type]
    assert decide(gate, finding(rule, severity), level) == (fails, why)


def test_several_severities_pick_checkovs_thresholds() -> None:
    gate = Gate.parse(fail_on=["error,warning"], soft_fail_on=["info", "warning"], rules=RULES)
    assert gate.fail_on_severity is Severity.WARNING  # the mildest: more fails
    assert gate.soft_fail_on_severity is Severity.WARNING  # the most serious


def test_unknown_values_are_errors_never_ignored() -> None:
    with pytest.raises(UsageError, match="did you mean 'spot-training'"):
        Gate.parse(fail_on=["spot-trainng"], rules=RULES)
    with pytest.raises(UsageError, match="not a severity"):
        Gate.parse(soft_fail_on=["critical"], rules=RULES)


def test_rule_and_policy_enforcement_levels(tmp_path: Path) -> None:
    policy = policy_text(
        tmp_path,
        """\
version: 1
name: levels
enforcement: advisory
unpriced: ignore
rules:
  - {id: spot-training, type: training-purchase, require: [spot]}
  - {id: ai-tags, type: required-tags, tags: [model], enforcement: hard}
""",
    )
    result = run("aws_mixed", policy)
    spot = of(result, "spot-training")["aws_instance.trainer"]
    assert (spot.enforcement, spot.fails, spot.decision) == ("advisory", False, "advisory")
    tags = of(result, "ai-tags")["aws_instance.untagged"]
    assert (tags.enforcement, tags.fails) == ("hard", True)
    assert result.verdict == "fail"
    soft_fail = run("aws_mixed", policy, gate=Gate(soft_fail=True))
    assert soft_fail.verdict == "fail"  # hard is not softened by --soft-fail


def test_cli_soft_fail_and_fail_on(aicost: Runner, tmp_path: Path) -> None:
    assert aicost("check", plan("aws_mixed")).code == 1
    soft = aicost("check", plan("aws_mixed"), "--soft-fail")
    assert soft.code == 0
    assert "Verdict: PASS" in soft.out and "--soft-fail" in soft.out
    only = aicost("check", plan("aws_mixed"), "--fail-on", "gpu-families", "--format", "json")
    assert only.code == 1
    failing = {f["rule"] for f in only.json["findings"] if f["fails"]}
    assert failing == {"gpu-families"}
    # aws_compliant has no findings; aws_inference only warnings (reserved-inference)
    assert aicost("check", plan("aws_inference")).code == 0
    assert aicost("check", plan("aws_inference"), "--fail-on", "warning").code == 1
    bad = aicost("check", plan("aws_inference"), "--fail-on", "critical")
    assert bad.code == 2 and "not a severity" in bad.err


def test_hard_rule_fails_under_soft_fail_on_the_command_line(
    aicost: Runner, tmp_path: Path
) -> None:
    path = write_policy(
        tmp_path,
        f"version: 1\nname: hard\nextends: {DEFAULT_POLICY}\n"
        "rules:\n  - {id: gpu-families, enforcement: hard}\n",
    )
    result = aicost("check", plan("aws_denied"), "--policy", path, "--soft-fail")
    assert result.code == 1
    assert "1 failing" not in result.out  # two denied families
    assert "2 failing" in result.out
