"""Waivers: in the policy, in waiver files and inline; expiry, staleness, and who may waive what."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from aicost.core.errors import ConfigError
from aicost.core.model import SourceRef
from aicost.cost.projection import Pricer
from aicost.pipeline import CheckResult
from aicost.policy.engine import EvalOptions
from aicost.policy.engine import run as evaluate
from aicost.policy.finding import Finding
from aicost.policy.loader import load_policy
from aicost.pricing.catalog import PriceBook
from tests.conftest import Runner, plan
from tests.helpers import DEFAULT_POLICY
from tests.policy.helpers import TERRAFORM, TODAY, of, policy_text, run, write_policy

PLATFORM_TF = TERRAFORM / "aws_platform" / "main.tf"

WAIVED_TRAINER = f"""\
version: 1
name: waivers
extends: {DEFAULT_POLICY}
unpriced: ignore
waivers:
  - rule: spot-training
    addresses: [aws_instance.trainer]
    reason: capacity test
    owner: ml-platform@acme.example
    expires: 2026-12-31
    ticket: FINOPS-1
"""


def header_line(path: Path, header: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(header))


# ---------------------------------------------------------------------------- policy waivers


def test_a_policy_waiver_silences_the_finding_until_it_expires(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, WAIVED_TRAINER)
    on_the_day = run("aws_mixed", policy, today=dt.date(2026, 12, 31))
    trainer = of(on_the_day, "spot-training")["aws_instance.trainer"]
    assert trainer.waived and not trainer.fails
    assert trainer.waiver is not None
    assert (trainer.waiver.owner, trainer.waiver.ticket, trainer.waiver.kind) == (
        "ml-platform@acme.example",
        "FINOPS-1",
        "policy",
    )
    assert trainer.waiver.source == f"{tmp_path / 'policy.yaml'}:6"
    assert trainer.decision == "waived"
    # the other on-demand trainer is not covered
    assert of(on_the_day, "spot-training")["aws_instance.future"].fails

    day_after = run("aws_mixed", policy, today=dt.date(2027, 1, 1))
    lapsed = of(day_after, "spot-training")["aws_instance.trainer"]
    assert not lapsed.waived and lapsed.fails
    assert lapsed.waiver is not None and lapsed.waiver.expired
    assert "expired on 2026-12-31; the finding is active" in lapsed.message
    assert day_after.stale_waivers == ()  # it matched: expired, not stale


def test_a_malformed_expiry_counts_as_expired(tmp_path: Path) -> None:
    for bad in ("2026-13-01", "next week", "31/12/2026", "2026-1-5"):
        policy = policy_text(tmp_path, WAIVED_TRAINER.replace("2026-12-31", f"'{bad}'"))
        trainer = of(run("aws_mixed", policy), "spot-training")["aws_instance.trainer"]
        assert trainer.fails, bad
        assert "is not a YYYY-MM-DD date, so it counts as expired" in trainer.message


def test_a_waiver_that_matches_nothing_is_stale(tmp_path: Path) -> None:
    policy = policy_text(
        tmp_path,
        WAIVED_TRAINER.replace("aws_instance.trainer", "aws_instance.gone")
        + """\
  - rule: gpu-families
    paths: ["services/other-repo/*"]
    reason: only for another repository's plans
    owner: platform
    expires: 2026-12-31
""",
    )
    result = run("aws_mixed", policy)
    assert [s.waiver.addresses for s in result.stale_waivers] == [("aws_instance.gone",)]
    # the path-scoped waiver is out of scope here (no input under services/other-repo),
    # so it is not reported as stale
    report = json.loads(_render(result, "json"))
    assert report["summary"]["stale_waivers"] == 1
    assert report["stale_waivers"][0]["rule"] == "spot-training"


def test_waivers_match_by_rule_type_path_and_workspace(tmp_path: Path) -> None:
    text = f"""\
version: 1
name: scoped
extends: {DEFAULT_POLICY}
unpriced: ignore
waivers:
  - rule: training-purchase
    paths: ["*aws_mixed.json"]
    workspaces: [dev-*]
    reason: dev workspaces may train on demand
    owner: ml
    expires: 2026-12-31
"""
    policy = policy_text(tmp_path, text)
    dev = of(run("aws_mixed", policy, workspace="dev-anna"), "spot-training")
    assert all(f.waived for f in dev.values()) and len(dev) == 2
    prod = of(run("aws_mixed", policy, workspace="prod"), "spot-training")
    assert not any(f.waived for f in prod.values())
    other = of(run("aws_denied", policy, workspace="dev-anna"), "spot-training")
    assert other == {}  # aws_denied trains on spot


def test_only_policy_waivers_can_waive_hard_findings(tmp_path: Path) -> None:
    hard = WAIVED_TRAINER.replace(
        "unpriced: ignore\n",
        "unpriced: ignore\nrules:\n  - {id: spot-training, enforcement: hard}\n",
    )
    policy = policy_text(tmp_path, hard)
    trainer = of(run("aws_mixed", policy), "spot-training")["aws_instance.trainer"]
    assert trainer.waived and trainer.enforcement == "hard"

    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - {rule: spot-training, addresses: [aws_instance.future], reason: r, owner: o, "
        "expires: 2026-12-31}\n"
    )
    result = run("aws_mixed", policy, waiver_files=(waivers,))
    future = of(result, "spot-training")["aws_instance.future"]
    assert future.fails and not future.waived
    assert future.waiver is not None and future.waiver.kind == "file"
    assert "hard-enforced: file waivers do not apply" in future.message

    soft = policy_text(tmp_path, WAIVED_TRAINER, "soft.yaml")
    future_soft = of(run("aws_mixed", soft, waiver_files=(waivers,)), "spot-training")
    assert future_soft["aws_instance.future"].waived


def test_max_days_limits_how_far_ahead_a_waiver_may_expire(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, WAIVED_TRAINER + "waiver_settings: {max_days: 30}\n")
    trainer = of(run("aws_mixed", policy), "spot-training")["aws_instance.trainer"]
    assert trainer.fails  # 2026-12-31 is 39 days after 2026-11-22
    assert "more than 30 days ahead (waiver_settings.max_days)" in trainer.message
    later = run("aws_mixed", policy, today=dt.date(2026, 12, 10))
    assert of(later, "spot-training")["aws_instance.trainer"].waived


def test_expiring_soon_is_noted(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, WAIVED_TRAINER)
    result = run("aws_mixed", policy, today=dt.date(2026, 12, 26))
    assert any("expires in 5 days (2026-12-31)" in note for note in result.policy_notes)
    assert run("aws_mixed", policy).policy_notes == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{rule: a, reason: r, expires: 2026-12-31}", "missing required key 'owner'"),
        ("{rule: a, owner: o, expires: 2026-12-31}", "missing required key 'reason'"),
        ("{rule: a, owner: o, reason: r}", "missing required key 'expires'"),
        ("{rule: a, owner: '  ', reason: r, expires: 2026-12-31}", "owner"),
        ("{rule: a, owner: o, reason: r, expires: 2026-12-31, adress: x}", "did you mean"),
    ],
)
def test_waiver_schema_errors_name_file_and_line(tmp_path: Path, entry: str, message: str) -> None:
    path = write_policy(tmp_path, f"version: 1\nname: w\nwaivers:\n  - {entry}\n")
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}:4:")
    assert message in str(caught.value)


def test_waiver_files_named_by_the_policy_are_policy_waivers(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "version: 1\nwaivers:\n"
        "  - {rule: ai-tags, addresses: [aws_instance.untagged], reason: r, owner: o, "
        "expires: 2026-12-31}\n"
    )
    policy = policy_text(
        tmp_path,
        f"version: 1\nname: p\nextends: {DEFAULT_POLICY}\nwaiver_files: [w.yaml]\n"
        "rules:\n  - {id: ai-tags, enforcement: hard}\n",
    )
    untagged = of(run("aws_mixed", policy), "ai-tags")["aws_instance.untagged"]
    assert untagged.waived and untagged.waiver is not None
    assert untagged.waiver.kind == "policy"
    assert untagged.waiver.source.endswith("w.yaml:3")
    missing = write_policy(tmp_path, "version: 1\nname: p\nwaiver_files: [nope.yaml]\n", "m.yaml")
    with pytest.raises(ConfigError, match=r"m\.yaml:3:.*no such file"):
        load_policy(missing)


# ---------------------------------------------------------------------------- inline waivers


@dataclasses.dataclass
class Platform:
    result: CheckResult
    spot: dict[str, Finding]
    families: dict[str, Finding]


def platform(text: str, tmp_path: Path, **options: Any) -> Platform:
    """aws_platform checked with its .tf directory as --source-dir (inline waivers)."""
    policy = policy_text(tmp_path, text)
    result = run("aws_platform", policy, source_dir=TERRAFORM / "aws_platform", **options)
    return Platform(result, of(result, "spot-training"), of(result, "gpu-families"))


def test_inline_waivers_in_tf_files_behind_a_plan(tmp_path: Path) -> None:
    got = platform(f"version: 1\nname: p\nextends: {DEFAULT_POLICY}\n", tmp_path)
    spot, result = got.spot, got.result
    test_line = header_line(PLATFORM_TF, 'resource "aws_instance" "capacity_test"')
    capacity = spot["aws_instance.capacity_test"]
    assert capacity.waived and capacity.waiver is not None
    assert capacity.waiver.kind == "inline"
    assert capacity.waiver.source.endswith(f"aws_platform/main.tf:{test_line - 1}")
    assert (capacity.waiver.owner, capacity.waiver.ticket, capacity.waiver.expires) == (
        "@ml-infra",
        "ML-42",
        "2026-12-31",
    )
    assert capacity.waiver.reason == "capacity-block evaluation, see ML-42"
    # findings point at the .tf file and the resource's line
    assert capacity.file is not None and capacity.file.endswith("aws_platform/main.tf")
    assert capacity.line == test_line
    # a comment on the module block covers the resources inside the module
    assert spot["module.lab.aws_instance.box"].waived
    assert spot["module.lab.aws_instance.box"].file.endswith("lab_box/main.tf")  # type: ignore[union-attr]
    # trailing comment on the header line, expired
    legacy = spot["aws_instance.legacy_trainer"]
    assert legacy.fails and "expired on 2026-01-31" in legacy.message
    # malformed date
    v100 = got.families["aws_instance.legacy_v100"]
    assert v100.fails and "'2026-13-45' is not a YYYY-MM-DD date" in v100.message
    # the waiver above a t3.micro covers nothing: stale; so is capacity_test's waiver of
    # training-run-cost, a rule this policy does not have
    stale = {(s.waiver.rule, s.waiver.where.rsplit(":", 1)[1]) for s in result.stale_waivers}
    bastion = header_line(PLATFORM_TF, 'resource "aws_instance" "bastion"') - 1
    assert stale == {("ai-tags", str(bastion)), ("training-run-cost", str(test_line - 1))}
    # without --source-dir a plan has no .tf to read: nothing is waived inline
    plain = run("aws_platform", load_policy(DEFAULT_POLICY))
    assert not any(f.waived for f in plain.findings)


def test_inline_waivers_expire_too(tmp_path: Path) -> None:
    got = platform(
        f"version: 1\nname: p\nextends: {DEFAULT_POLICY}\n", tmp_path, today=dt.date(2027, 1, 1)
    )
    assert got.spot["aws_instance.capacity_test"].fails


def test_inline_waivers_can_be_turned_off_or_required_to_name_an_owner(tmp_path: Path) -> None:
    base = f"version: 1\nname: p\nextends: {DEFAULT_POLICY}\n"
    off = platform(base + "waiver_settings: {inline: false}\n", tmp_path)
    assert not any(f.waived for f in off.result.findings)
    assert off.result.stale_waivers == ()
    owners = platform(base + "waiver_settings: {inline_owner_required: true}\n", tmp_path)
    assert owners.spot["aws_instance.capacity_test"].waived  # owner:@ml-infra given


def test_inline_waivers_cannot_waive_hard_rules(tmp_path: Path) -> None:
    got = platform(
        f"version: 1\nname: p\nextends: {DEFAULT_POLICY}\n"
        "rules:\n  - {id: spot-training, enforcement: hard}\n",
        tmp_path,
    )
    capacity = got.spot["aws_instance.capacity_test"]
    assert capacity.fails
    assert "hard-enforced: inline waivers do not apply" in capacity.message


def test_inline_waivers_in_tf_sources_and_yaml_manifests(tmp_path: Path) -> None:
    """Workloads read from .tf files or manifests (static HCL mode, ML manifests) carry
    their file and header line; a comment on or above that line waives them."""
    policy = load_policy(DEFAULT_POLICY)
    result = run("aws_mixed", policy)
    trainer = next(w for w in result.workloads if w.workload.address == "aws_instance.trainer")
    future = next(w for w in result.workloads if w.workload.address == "aws_instance.future")

    manifest = tmp_path / "jobs.yaml"
    manifest.write_text(
        "# aicost:ignore=spot-training exp:2026-12-31 owner:@research -- reserved capacity test\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pretrain\n"
        "---\n"
        "apiVersion: batch/v1  # aicost:ignore=* exp:2026-12-31 -- every rule, on the line\n"
        "kind: Job\nmetadata:\n  name: other\n"
    )
    tf = tmp_path / "main.tf"
    tf.write_text('resource "aws_instance" "future" {\n  instance_type = "p9.96xlarge"\n}\n')
    workloads = [
        dataclasses.replace(
            trainer,
            workload=dataclasses.replace(
                trainer.workload, source=SourceRef(str(manifest), "k8s-manifest", 2)
            ),
        ),
        dataclasses.replace(
            future,
            workload=dataclasses.replace(
                future.workload, source=SourceRef(str(manifest), "k8s-manifest", 6)
            ),
        ),
    ]
    pricer = Pricer(PriceBook())
    evaluation = evaluate(policy, workloads, pricer, EvalOptions(today=TODAY))
    spot = {f.address: f for f in evaluation.findings if f.rule == "spot-training"}
    assert spot["aws_instance.trainer"].waived
    assert spot["aws_instance.trainer"].waiver.reason == "reserved capacity test"  # type: ignore[union-attr]
    assert spot["aws_instance.future"].waived  # reported at the '---' line: content line 7
    assert spot["aws_instance.future"].file == str(manifest)

    # an uncommented .tf source: nothing waived, the finding names the .tf line
    workloads = [
        dataclasses.replace(
            future,
            workload=dataclasses.replace(
                future.workload, source=SourceRef(str(tf), "terraform-hcl", 1)
            ),
        )
    ]
    evaluation = evaluate(policy, workloads, pricer, EvalOptions(today=TODAY))
    found = next(f for f in evaluation.findings if f.rule == "spot-training")
    assert not found.waived and (found.file, found.line) == (str(tf), 1)


# ---------------------------------------------------------------------------- reports


def _render(result: object, name: str, **options: object) -> str:
    from aicost import report

    return report.get(name).render(result, report.RenderOptions(**options))  # type: ignore[arg-type]


def test_waived_findings_are_counted_and_listed_on_request(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, WAIVED_TRAINER)
    result = run("aws_mixed", policy)
    table = _render(result, "table", width=200)
    assert "1 waived finding not shown (--show-waived lists them)" in table
    assert "waived" in table.split("Verdict:")[1]
    listed = _render(result, "table", width=200, show_waived=True)
    assert "Waived findings" in listed and "ml-platform@acme.example" in listed
    assert "FINOPS-1" in listed
    # A PR comment always lists waivers, collapsed: reviewers should see what is silenced.
    markdown = _render(result, "markdown")
    assert "(1 waived)" in markdown
    waived_section = markdown.split("<details><summary>Waived (1)</summary>", 1)[1]
    assert "spot-training" in waived_section
    assert "ml-platform&#64;\u200bacme.example" in waived_section
    report = json.loads(_render(result, "json"))
    assert report["summary"]["waived"] == 1
    entry = next(
        f
        for f in report["findings"]
        if f["address"] == "aws_instance.trainer" and f["rule"] == "spot-training"
    )
    assert entry["waived"] is True and entry["fails"] is False
    assert entry["waiver"]["owner"] == "ml-platform@acme.example"
    assert entry["waiver"]["expires"] == "2026-12-31"
    assert entry["enforcement"] == "soft"
    # waived findings are not counted as active findings
    active_errors = sum(
        1 for f in report["findings"] if f["severity"] == "error" and not f["waived"]
    )
    assert report["summary"]["findings"]["error"] == active_errors


def test_cli_waivers_source_dir_and_today(aicost: Runner, tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - {rule: spot-training, addresses: ['aws_instance.*'], reason: r, owner: o, "
        "expires: 2026-12-31}\n"
    )
    args = ["check", plan("aws_platform"), "--source-dir", TERRAFORM / "aws_platform"]
    before = aicost(*args, "--waivers", waivers, "--today", "2026-12-01", "--show-waived")
    assert "Waived findings" in before.out
    report = aicost(*args, "--today", "2026-12-01", "--format", "json").json
    waived = {f["address"] for f in report["findings"] if f["waived"]}
    assert waived == {"aws_instance.capacity_test", "module.lab.aws_instance.box"}
    assert report["policy"]["today"] == "2026-12-01"
    after = aicost(*args, "--today", "2027-01-01", "--format", "json").json
    assert not any(f["waived"] for f in after["findings"])
    missing = aicost("check", plan("aws_mixed"), "--waivers", tmp_path / "nope.yaml")
    assert missing.code == 2 and "nope.yaml" in missing.err
    with pytest.raises(SystemExit) as exc:
        aicost("check", plan("aws_mixed"), "--today", "31/12/2026")
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("rule", "plan_name", "address"),
    [
        ("ai-tags", "aws_mixed", "aws_instance.untagged"),
        ("gpu-families", "aws_denied", "aws_instance.v100_train"),
        ("spot-training", "aws_mixed", "aws_instance.trainer"),
        ("reserved-inference", "aws_mixed", "aws_autoscaling_group.infer"),
        ("budget:vision", "aws_over_budget", "budget:vision"),
        ("unpriced", "aws_mixed", "aws_instance.future"),
    ],
)
def test_every_first_release_rule_can_be_waived(
    tmp_path: Path, rule: str, plan_name: str, address: str
) -> None:
    text = (
        f"version: 1\nname: w\nextends: {DEFAULT_POLICY}\nwaivers:\n"
        f"  - {{rule: '{rule}', addresses: ['{address}'], reason: r, owner: o,"
        " expires: 2026-12-31}\n"
    )
    policy = policy_text(tmp_path, text)
    before = of(run(plan_name, load_policy(DEFAULT_POLICY)), rule)[address]
    assert not before.waived
    after = of(run(plan_name, policy), rule)[address]
    assert after.waived and not after.fails
    assert after.message == before.message


def test_a_source_dir_that_does_not_match_the_plan_is_noted() -> None:
    policy = load_policy(DEFAULT_POLICY)
    wrong = run("aws_mixed", policy, source_dir=TERRAFORM / "aws_compliant")
    assert any("none of the plan's resources were found" in n for n in wrong.policy_notes)
    right = run("aws_mixed", policy, source_dir=TERRAFORM / "aws_mixed")
    assert right.policy_notes == ()
    trainer = of(right, "spot-training")["aws_instance.trainer"]
    assert trainer.file is not None and trainer.file.endswith("aws_mixed/main.tf")
    assert trainer.line == header_line(
        TERRAFORM / "aws_mixed" / "main.tf", 'resource "aws_instance" "trainer"'
    )
