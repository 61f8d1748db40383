"""extends: presets and files merged in one explicit chain, with provenance and errors by file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aicost.core.errors import ConfigError
from aicost.policy.loader import load_policy
from aicost.policy.schema import Enforcement, Severity
from tests.conftest import REPO, Runner
from tests.helpers import DEFAULT_POLICY
from tests.policy.helpers import policy_text, write_policy

CHILD = """\
version: 1
name: team-ml
extends: builtin:baseline
rules:
  - id: spot-training
    severity: warning            # relax one key; type and require are inherited
  - id: right-size
    enabled: false
  - id: gpu-regions
    type: region
    allow: [us-east-1]
budgets:
  - name: ml
    monthly: 5000
"""


def rules(policy: object) -> dict[str, object]:
    return {r.config.id: r.config for r in policy.rules}  # type: ignore[attr-defined]


def test_a_child_overrides_keys_of_inherited_rules_and_adds_its_own(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, CHILD)
    assert policy.chain == ("builtin:baseline", str(tmp_path / "policy.yaml"))
    by_id = rules(policy)
    spot = by_id["spot-training"]
    assert spot.type == "training-purchase" and spot.require == ["spot"]  # type: ignore[attr-defined]
    assert spot.severity is Severity.WARNING  # type: ignore[attr-defined]
    assert policy.enforcement_of(spot) is Enforcement.ADVISORY  # type: ignore[arg-type]
    assert "right-size" not in by_id
    assert [r.config.id for r in policy.disabled] == ["right-size"]
    assert list(by_id)[-4:] == ["gpu-regions", "budget:ml", "unpriced", "price-fallback"]
    # inherited settings: the baseline's budget_defaults and waiver_settings
    assert str(by_id["budget:ml"].warn_at) == "0.8"  # type: ignore[attr-defined]
    assert policy.waiver_settings.max_days == 180


def test_strict_preset_builds_on_baseline() -> None:
    policy = load_policy(REPO / "policies" / "builtin" / "strict.yaml")
    assert policy.chain[0] == "builtin:baseline"
    assert policy.chain[1].endswith("policies/builtin/strict.yaml")
    by_id = rules(policy)
    assert by_id["ai-tags"].enforcement is Enforcement.HARD  # type: ignore[attr-defined]
    assert by_id["ai-tags"].tags == ["team", "model", "use-case", "environment"]  # type: ignore[attr-defined]
    assert str(by_id["training-approval"].max_run_cost) == "10000"  # type: ignore[attr-defined]
    assert "change-cap" in by_id


def test_diamonds_merge_each_file_once_in_order(tmp_path: Path) -> None:
    write_policy(
        tmp_path,
        "version: 1\nname: a\nextends: builtin:baseline\n"
        "waivers:\n  - {rule: x, reason: r, owner: o, expires: 2026-12-31}\n",
        "a.yaml",
    )
    write_policy(
        tmp_path,
        "version: 1\nname: b\nextends: [builtin:baseline, a.yaml]\n"
        "rules:\n  - {id: ai-tags, tags: [team]}\n",
        "b.yaml",
    )
    policy = policy_text(tmp_path, "version: 1\nname: c\nextends: [a.yaml, b.yaml]\n")
    assert [Path(c).name for c in policy.chain] == [
        "builtin:baseline",
        "a.yaml",
        "b.yaml",
        "policy.yaml",
    ]
    assert len(policy.waivers) == 1  # a.yaml merged once
    assert rules(policy)["ai-tags"].tags == ["team"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"policy.yaml": "version: 1\nname: x\nextends: builtin:lenient\n"},
            ["policy.yaml:3:", "unknown preset 'builtin:lenient'", "builtin:baseline"],
        ),
        (
            {"policy.yaml": "version: 1\nname: x\nextends: [missing.yaml]\n"},
            ["policy.yaml:3:", "no such file 'missing.yaml'"],
        ),
        (
            {"policy.yaml": "version: 1\nname: x\nextends: https://example.com/p.yaml\n"},
            ["policy.yaml:3:", "never fetches policy over the network"],
        ),
        (
            {
                "policy.yaml": "version: 1\nname: x\nextends: b.yaml\n",
                "b.yaml": "version: 1\nname: b\nextends: policy.yaml\n",
            },
            ["b.yaml:3:", "cycle"],
        ),
        # an error in a parent names the parent's file and line
        (
            {
                "policy.yaml": "version: 1\nname: x\nextends: b.yaml\n",
                "b.yaml": "version: 1\nname: b\nrules:\n  - id: a\n    type: required-tags\n"
                "    tgas: [team]\n",
            },
            ["b.yaml:6:5", "unknown key 'tgas'"],
        ),
        # an override in the child with a bad value names the child's line
        (
            {
                "policy.yaml": "version: 1\nname: x\nextends: builtin:baseline\nrules:\n"
                "  - id: spot-training\n    require: [spott]\n"
            },
            ["policy.yaml:6:", "unknown purchase option 'spott'"],
        ),
        (
            {
                "policy.yaml": "version: 1\nname: x\nextends: builtin:baseline\nrules:\n"
                "  - id: spot-training\n    type: gpu-family\n"
            },
            ["policy.yaml:6:", "cannot change its type", "builtin:baseline:"],
        ),
        # a new rule without a type
        (
            {
                "policy.yaml": "version: 1\nname: x\nextends: builtin:baseline\nrules:\n"
                "  - id: spot-trainin\n    severity: warning\n"
            },
            ["policy.yaml:5:", "rule has no type"],
        ),
    ],
)
def test_composition_errors_name_the_file_and_line(
    tmp_path: Path, files: dict[str, str], expected: list[str]
) -> None:
    for name, text in files.items():
        write_policy(tmp_path, text, name)
    with pytest.raises(ConfigError) as caught:
        load_policy(tmp_path / "policy.yaml")
    message = str(caught.value)
    for part in expected:
        assert part in message, message


def test_first_release_policies_load_exactly_as_before() -> None:
    policy = load_policy(DEFAULT_POLICY)
    assert policy.chain == (str(DEFAULT_POLICY),)
    assert [r.config.id for r in policy.rules] == [
        "ai-tags",
        "gpu-families",
        "spot-training",
        "reserved-inference",
        "budget:vision",
        "unpriced",
        "price-fallback",
    ]
    assert rules(policy)["budget:vision"].warn_at is None  # type: ignore[attr-defined]
    assert policy.waivers == () and policy.enforcement is None


def test_policy_show_prints_the_merged_policy_with_provenance(
    aicost: Runner, tmp_path: Path
) -> None:
    path = write_policy(tmp_path, CHILD)
    result = aicost("policy", "show", path)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == f"# policy 'team-ml', merged from: builtin:baseline -> {path}"
    severity = next(line for line in lines if line.strip().startswith("severity: warning"))
    assert severity.endswith(f"# {path}:6")
    require = next(line for line in lines if "require: [spot]" in line)
    assert "# builtin:baseline:" in require
    spot = next(line for line in lines if "- id: spot-training" in line)
    assert "enforcement advisory (from severity warning)" in spot
    warn = next(line for line in lines if line.strip().startswith("warn_at:"))
    assert "builtin:baseline:" in warn

    as_json = aicost("policy", "show", path, "--format", "json").json
    assert as_json["chain"] == ["builtin:baseline", str(path)]
    assert as_json["origins"]["rules[spot-training].severity"] == f"{path}:6"
    assert as_json["origins"]["rules[spot-training].require"].startswith("builtin:baseline:")
    assert as_json["enforcement"]["ai-tags"] == "soft"
    assert as_json["disabled"] == ["right-size"]
    json.dumps(as_json)


def test_no_implicit_cascading(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An aicost.yaml in a parent directory is never read."""
    (tmp_path / "aicost.yaml").write_text("version: 1\nname: parent\n")
    child = tmp_path / "service"
    child.mkdir()
    (child / "aicost.yaml").write_text("version: 1\nname: child\n")
    monkeypatch.chdir(child)
    shown = aicost("policy", "show")
    assert "merged from: aicost.yaml" in shown.out or "service/aicost.yaml" in shown.out
    assert "parent" not in shown.out
