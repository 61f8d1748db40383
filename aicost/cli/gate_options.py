"""Command-line options that decide how findings gate a run (shared by ``check`` and others).

``add_arguments(parser)`` adds them; ``eval_options(args, policy)`` turns them into the
engine's :class:`~aicost.policy.engine.EvalOptions`. See :mod:`aicost.policy.gate` for the
precedence of ``--soft-fail``, ``--fail-on`` and ``--soft-fail-on``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aicost.core.errors import UsageError

if TYPE_CHECKING:
    from aicost.policy.engine import EvalOptions
    from aicost.policy.loader import Policy


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "gate and waivers",
        "A finding fails the run when its enforcement says so (soft, hard) and no valid "
        "waiver covers it. Precedence: waiver > hard > --fail-on RULE > --soft-fail-on RULE "
        "> --fail-on SEVERITY > --soft-fail-on SEVERITY > --soft-fail > enforcement.",
    )
    group.add_argument(
        "--soft-fail",
        action="store_true",
        help="report failures but exit 0, except hard-enforced findings and --fail-on matches",
    )
    group.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="SEVERITY|RULE",
        help="fail on findings of this severity or worse, or of these rule ids/types/globs "
        "(comma-separated, repeatable); anything not named becomes a soft failure",
    )
    group.add_argument(
        "--soft-fail-on",
        action="append",
        default=[],
        metavar="SEVERITY|RULE",
        help="never fail on findings of this severity or milder, or of these rules",
    )
    group.add_argument(
        "--waivers",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a waiver file (version: 1, waivers: [...]); repeatable. Cannot waive "
        "hard-enforced findings (only the policy's own waivers can)",
    )
    group.add_argument(
        "--source-dir",
        type=Path,
        metavar="DIR",
        help="the Terraform root directory the plan was made from: findings get .tf file "
        "and line, and '# aicost:ignore=...' comments there apply (default: the working "
        "directory, or the plan's own directory, when it holds .tf files)",
    )
    group.add_argument(
        "--new-only",
        action="store_true",
        help="with --baseline: findings already in the base report (same rule, same "
        "address) are reported as existing and do not fail; new ones fail as usual",
    )
    group.add_argument(
        "--workspace",
        metavar="NAME",
        help="Terraform workspace for policy scoping (default: $TF_WORKSPACE, then "
        "DIR/.terraform/environment, then 'default')",
    )
    group.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="judge waiver expiry as of this date (default: today, UTC); preview which "
        "waivers will have lapsed",
    )
    group.add_argument(
        "--show-waived",
        action="store_true",
        help="list waived findings with their waivers (always in --format json)",
    )


def eval_options(args: argparse.Namespace, policy: Policy) -> EvalOptions:
    from aicost.policy.engine import EvalOptions
    from aicost.policy.gate import Gate

    source_dir: Path | None = getattr(args, "source_dir", None)
    if source_dir is not None and not source_dir.is_dir():
        raise UsageError("--source-dir: not a directory", path=source_dir)
    defaulted = False
    if source_dir is None:
        source_dir = default_source_dir(getattr(args, "inputs", None) or ())
        defaulted = source_dir is not None
    waiver_files = tuple(getattr(args, "waivers", []) or [])
    for path in waiver_files:
        if not path.is_file():
            raise UsageError("--waivers: no such file", path=path)
    gate = Gate.parse(
        fail_on=getattr(args, "fail_on", []) or [],
        soft_fail_on=getattr(args, "soft_fail_on", []) or [],
        soft_fail=bool(getattr(args, "soft_fail", False)),
        rules=policy.rule_names(),
    )
    return EvalOptions(
        today=getattr(args, "today", None),
        workspace=getattr(args, "workspace", None),
        source_dir=source_dir,
        source_dir_default=defaulted,
        waiver_files=waiver_files,
        gate=gate,
    )


def default_source_dir(inputs: Sequence[Path]) -> Path | None:
    """Where the .tf files behind plan JSON inputs are, when ``--source-dir`` is not given.

    The working directory when it holds ``.tf`` files (``terraform show -json tfplan >
    plan.json`` run in the root module), else the directory of the first plan that does.
    Only plan JSON inputs need it: static mode and manifests know their own lines.
    """
    plans = [p for p in inputs if p.suffix.lower() == ".json" or str(p) == "-"]
    if not plans:
        return None
    for directory in (Path.cwd(), *(p.parent for p in plans if str(p) != "-")):
        if _has_tf(directory):
            return directory
    return None


def _has_tf(directory: Path) -> bool:
    try:
        return any(directory.glob("*.tf"))
    except OSError:
        return False
