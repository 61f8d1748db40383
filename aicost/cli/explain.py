"""``aicost explain RULE``: what a rule checks, why, and how to fix its findings."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from aicost.core.errors import ExitCode, UsageError

EXAMPLES = """examples:
  aicost explain                      list the rule types
  aicost explain training-purchase    a rule type
  aicost explain spot-training        a rule id of ./aicost.yaml"""
HELP = "explain a rule type or a rule id of your policy: title, rationale, remediation, link"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rule",
        nargs="?",
        metavar="RULE",
        help="a rule type (training-purchase) or a rule id in the policy (spot-training); "
        "without it, list the rule types",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="policy to look rule ids up in (default: ./aicost.yaml, ./.aicost.yaml, else "
        "the bundled pack)",
    )


def run(args: argparse.Namespace) -> int:
    from aicost.policy.loader import LoadedRule, discover, load_policy
    from aicost.policy.ruleinfo import info
    from aicost.policy.rules import RULES

    if not args.rule:
        for name in sorted(RULES):
            about = info(RULES[name])
            print(f"{name:22} {about.title}")
        return ExitCode.OK

    configured: LoadedRule | None = None
    module = RULES.get(args.rule)
    policy = None
    if module is None:
        path, origin = discover(args.policy, Path.cwd())
        policy = load_policy(path, origin)
        configured = next((r for r in policy.rules if r.config.id == args.rule), None)
        if configured is None:
            candidates = sorted({*RULES, *(r.config.id for r in policy.rules)})
            close = difflib.get_close_matches(args.rule, candidates, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(
                f"no rule type or rule id {args.rule!r} in policy {policy.name!r}{hint}; "
                "`aicost explain` lists the rule types"
            )
        module = configured.module
    about = info(module)
    out = sys.stdout
    title = f"{about.type}: {about.title}"
    out.write(f"{title}\n{'=' * len(title)}\n\n")
    if configured is not None and policy is not None:
        config = configured.config
        out.write(
            f"Rule {config.id!r} in policy {policy.name!r}: severity {config.severity.value}, "
            f"enforcement {policy.enforcement_of(config).value}\n"
        )
        if config.description:
            out.write(f"{config.description}\n")
        if configured.entry is not None:
            sources = " -> ".join(dict.fromkeys(configured.entry.sources))
            out.write(f"Defined in: {sources}\n")
        out.write("\n")
    out.write(f"{about.summary}\n\n")
    if about.rationale:
        out.write(f"Why: {about.rationale}\n\n")
    remediation = (configured.config.remediation if configured else None) or about.remediation
    out.write(f"Fix: {remediation}\n\n")
    link = (configured.config.link if configured else None) or about.link
    out.write(f"More: {link}\n")
    if about.options:
        out.write("\nOptions:\n")
        width = max(len(o.name) for o in about.options)
        for option in about.options:
            default = (
                " (required)"
                if option.required
                else (f" (default {option.default})" if option.default else "")
            )
            text = f" {option.description}" if option.description else ""
            out.write(f"  {option.name.ljust(width)}  {option.kind}{default}.{text}\n")
    out.write(f"\nDefault severity: {about.default_severity.value}\n")
    return ExitCode.OK
