"""``aicost check``: price the AI workloads in plans and check them against policy."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from aicost.cli import gate_options
from aicost.cli.output import write_file
from aicost.core.errors import ExitCode, UsageError, one_of

HELP = (
    "price the AI workloads in plans, Terraform configuration, ML manifests and LLM usage "
    "files, and check them against a policy"
)


def _hours(value: str) -> Decimal:
    try:
        hours = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not hours.is_finite() or hours <= 0 or hours > 744:
        raise argparse.ArgumentTypeError("hours per month must be > 0 and <= 744")
    return hours


def _inputs() -> str:
    from aicost.sources import describe_inputs

    return describe_inputs()


def _formats() -> str:
    from aicost.report import FORMATS

    names = [f"{name} (default)" if name == "table" else name for name in FORMATS]
    return one_of(names)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help=_inputs(),
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="policy YAML (default: ./aicost.yaml or ./.aicost.yaml, "
        "else the bundled default pack)",
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="FMT[=PATH]",
        help=f"output format: {_formats()}; repeat for several, with =PATH to write one to a file",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of stdout",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT",
        help="a JSON report from the base branch (`--format json`, or `aicost merge`): "
        "compare projects with it, and count the workspaces this check does not touch "
        "in budgets",
    )
    parser.add_argument(
        "--hours-per-month",
        type=_hours,
        metavar="HOURS",
        help="hours a resource runs per month (default 730)",
    )
    parser.add_argument(
        "--usage-file",
        type=Path,
        metavar="FILE",
        help="usage file: hours, run hours, runs per month, requests and tokens per "
        "resource (default: ./aicost-usage.yml when it exists)",
    )
    parser.add_argument(
        "--ignore-unknown",
        action="store_true",
        help="skip inputs that are not a plan, Terraform, a manifest or an LLM usage file "
        "(for hooks that see every staged YAML/JSON file) instead of failing",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=50,
        metavar="N",
        help="list at most N workloads and N findings in table and markdown output, "
        "the largest changes and the errors first (default 50; 0 lists all)",
    )
    parser.add_argument(
        "--no-color", action="store_true", help="no colour in the table (also NO_COLOR)"
    )
    gate_options.add_arguments(parser)


def _targets(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    from aicost import report

    specs = args.formats or ["table"]
    targets: list[tuple[str, Path | None]] = []
    for spec in specs:
        name, sep, path = spec.partition("=")
        if sep and not path:
            raise UsageError(f"--format {spec}: missing a path after '='")
        report.get(name)  # validates the name
        targets.append((name, Path(path) if sep else None))
    to_stdout = [t for t in targets if t[1] is None]
    if args.output is not None:
        if len(to_stdout) > 1:
            raise UsageError("--output takes one format; use --format FMT=PATH for the others")
        targets = [(name, path if path is not None else args.output) for name, path in targets]
    elif len(to_stdout) > 1:
        raise UsageError("only one format can go to stdout; use --format FMT=PATH for the others")
    return targets


def run(args: argparse.Namespace) -> int:
    # A check is a short-lived process that allocates millions of small objects while
    # parsing a plan and creates almost no reference cycles: the cyclic garbage
    # collector would repeatedly walk the whole parsed plan for nothing (measured: it
    # more than doubles the time of a 15 MB plan). Reference counting still frees memory.
    gc.disable()
    from aicost import report
    from aicost.pipeline import run_check
    from aicost.policy.cache import load_cached
    from aicost.policy.loader import discover

    targets = _targets(args)
    policy_path, origin = discover(args.policy, Path.cwd())
    policy = load_cached(policy_path, origin)
    print(f"aicost: policy {policy.name!r} from {origin} ({policy_path})", file=sys.stderr)

    from aicost.sources import usage as usage_file

    usage_path = usage_file.discover(args.usage_file, Path.cwd())
    usage = None
    if usage_path is not None:
        usage = usage_file.load(usage_path)
        print(f"aicost: usage from {usage_path}", file=sys.stderr)

    baseline = None
    if args.baseline is not None:
        from aicost.document.read import load_report, read_baseline

        baseline = read_baseline(load_report(args.baseline), str(args.baseline))

    options = gate_options.eval_options(args, policy)
    result = run_check(
        args.inputs,
        policy,
        hours_per_month=args.hours_per_month,
        usage=usage,
        options=options,
        baseline=baseline,
        ignore_unknown=args.ignore_unknown,
    )
    for warning in result.warnings:
        print(f"aicost: warning: {warning}", file=sys.stderr)

    interactive = sys.stdout.isatty()
    color = interactive and not args.no_color and not os.environ.get("NO_COLOR")
    width = None if interactive else int(os.environ.get("COLUMNS", "0") or 0) or None
    for name, path in targets:
        text = report.get(name).render(
            result,
            report.RenderOptions(
                color=color and path is None,
                width=width,
                max_rows=args.max_rows,
                show_waived=args.show_waived,
            ),
        )
        if path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_file(path, text)
    return ExitCode.POLICY_FAILURE if result.verdict == "fail" else ExitCode.OK
