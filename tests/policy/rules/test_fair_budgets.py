"""Fair budgets: an over-budget scope fails a change only when the change raises its spend.

aws_changes is a real plan against seeded state (see tests/fixtures/plans/README.md):
the inference resources grow, the batch box is replaced like for like, the notebook is a
no-op and the p4d training box is deleted.
"""

from __future__ import annotations

from pathlib import Path

from tests.policy.helpers import of, policy_text, run

PER_CLASS = """\
version: 1
name: fair
unpriced: ignore
budgets:
  - name: classes
    per_tag: workload
    monthly: 100
"""


def test_only_the_scope_the_change_raises_fails(tmp_path: Path) -> None:
    found = {
        f.address: f
        for f in run("aws_changes", policy_text(tmp_path, PER_CLASS), workspace="ml-prod").findings
        if f.rule.startswith("budget:")
    }
    inference = found["budget:classes[inference]"]
    assert inference.fails and inference.severity.value == "error"
    assert "this change: +$" in inference.message
    assert "aws_eks_node_group.infer +$" in inference.message  # the largest change is named
    for untouched in ("budget:classes[notebook]", "budget:classes[batch]"):
        warning = found[untouched]
        assert not warning.fails, untouched
        assert warning.severity.value == "warning" and warning.enforcement == "advisory"
        assert "already over budget in workspace 'ml-prod'" in warning.message
        assert "this change leaves it unchanged" in warning.message
        assert "aws_changes" in warning.message  # the input it was checked in


def test_a_scope_the_change_lowers_is_a_warning(tmp_path: Path) -> None:
    text = """\
version: 1
name: fair
unpriced: ignore
budgets:
  - name: lab
    match: {addresses: [aws_instance.retired, aws_instance.steady]}
    monthly: 100
"""
    lab = of(run("aws_changes", policy_text(tmp_path, text)), "budget:lab")["budget:lab"]
    assert not lab.fails and lab.severity.value == "warning"
    assert "this change lowers it by $" in lab.message
    assert "aws_instance.retired -$" in lab.message


def test_fail_when_over_fails_every_scope_over_its_limit(tmp_path: Path) -> None:
    text = PER_CLASS + "    fail_when: over\n"
    found = {
        f.address: f
        for f in run("aws_changes", policy_text(tmp_path, text)).findings
        if f.rule.startswith("budget:")
    }
    assert all(found[k].fails for k in ("budget:classes[notebook]", "budget:classes[inference]"))


def test_delta_findings_list_the_changes(tmp_path: Path) -> None:
    text = """\
version: 1
name: fair
unpriced: ignore
rules:
  - id: cap
    type: delta-cap
    max_increase: 100
    match: {classes: [inference]}
"""
    cap = of(run("aws_changes", policy_text(tmp_path, text)), "cap")["cap"]
    assert "largest changes: aws_eks_node_group.infer +$" in cap.message
