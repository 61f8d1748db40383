"""``aicost check``: price the AI workloads in plans and check them against policy."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.cli import gate_options
from aicost.cli.output import write_file
from aicost.core.errors import ExitCode, UsageError, one_of
from aicost.sources.hcloptions import skipping_unparsable

if TYPE_CHECKING:
    from aicost.pipeline.baseline import Baseline
    from aicost.pipeline.run import CheckResult
    from aicost.policy.engine import EvalOptions
    from aicost.policy.loader import Policy
    from aicost.sources.usage import Usage

HELP = (
    "price the AI workloads in plans, Terraform configuration, ML manifests and LLM usage "
    "files, and check them against a policy"
)


EXAMPLES = """examples:
  aicost check plan.json                         a plan (terraform show -json tfplan)
  terraform show -json tfplan | aicost check -   the same, from standard input
  aicost check infra/prod                        raw .tf files (static mode)
  aicost check jobs/train.yaml aicost-llm.yaml   ML job manifests, LLM usage
  aicost check plan.json --format sarif=aicost.sarif --format junit=aicost.xml
  aicost check plan.json --baseline base.json --new-only   fail only on new findings
  aicost check plan.json --soft-fail          report breaches, exit 0 (hard rules still fail)"""


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


def _input_arguments(parser: argparse.ArgumentParser) -> None:
    """The inputs, the policy and where the report goes."""
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


def _cost_arguments(parser: argparse.ArgumentParser) -> None:
    """The base branch's report, actual spend, hours and the usage file."""
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT",
        help="a JSON report from the base branch (`--format json`, or `aicost merge`): "
        "compare projects with it, and count the workspaces this check does not touch "
        "in budgets",
    )
    parser.add_argument(
        "--actuals",
        type=Path,
        metavar="FILE",
        help="a spend snapshot (`aicost spend snapshot` / `pull`): budgets count its actual "
        "month-to-date spend plus the projection for the rest of the month (read offline)",
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


def _unknown_input_arguments(parser: argparse.ArgumentParser) -> None:
    """What to do with inputs that are not read."""
    parser.add_argument(
        "--ignore-unknown",
        action="store_true",
        help="skip inputs that are not a plan, Terraform, a manifest or an LLM usage file "
        "(for hooks that see every staged YAML/JSON file) instead of failing",
    )
    parser.add_argument(
        "--skip-unparsable",
        action="store_true",
        help="static mode: skip a .tf file that does not parse (with a warning) and check the "
        "rest, instead of failing as terraform would",
    )


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    """How the report is written."""
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
    parser.add_argument(
        "--max-price-age",
        type=int,
        metavar="DAYS",
        help="warn when a price table used is older than this (default: the policy's "
        "settings.price_max_age_days, else $AICOST_PRICING_MAX_AGE_DAYS, else 90)",
    )
    parser.add_argument(
        "--sarif-category",
        metavar="NAME",
        help="SARIF analysis category, so a matrix of workspaces keeps separate code-scanning "
        "alerts (default: the workspace, unless 'default')",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    _input_arguments(parser)
    _cost_arguments(parser)
    _unknown_input_arguments(parser)
    _report_arguments(parser)
    gate_options.add_arguments(parser)


def _max_price_age(args: argparse.Namespace) -> int | None:
    value = args.max_price_age
    if value is None:
        env = os.environ.get("AICOST_PRICING_MAX_AGE_DAYS")
        if not env:
            return None
        try:
            value = int(env)
        except ValueError:
            raise UsageError(f"AICOST_PRICING_MAX_AGE_DAYS={env!r} is not a whole number") from None
    if value < 0:
        raise UsageError("--max-price-age must not be negative")
    return int(value)


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


def _spool_streams(inputs: list[Path]) -> list[Path]:
    """``-`` (standard input) and pipes (``/dev/stdin``, ``<(...)``) are read once into a
    temporary file, so that detecting the input kind and reading it see the same bytes:
    ``terraform show -json tfplan | aicost check -``."""
    import stat

    out: list[Path] = []
    spool: Path | None = None
    for path in inputs:
        stream = str(path) == "-"
        if not stream:
            try:
                mode = path.stat().st_mode
                stream = stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)
            except OSError:
                stream = False
        if not stream:
            out.append(path)
            continue
        import shutil  # here: most checks read no stream

        if spool is None:
            import atexit
            import tempfile

            spool = Path(tempfile.mkdtemp(prefix="aicost-stdin-"))
            atexit.register(shutil.rmtree, spool, True)
        target = spool / ("stdin" if str(path) == "-" else path.name or "stream")
        with target.open("wb") as handle:
            if str(path) == "-":
                shutil.copyfileobj(sys.stdin.buffer, handle)
            else:
                with path.open("rb") as source:
                    shutil.copyfileobj(source, handle)
        out.append(target)
    return out


def _policy(args: argparse.Namespace) -> Policy:
    """The policy (--policy, else discovered; from the policy cache), named on stderr."""
    from aicost.policy.cache import load_cached
    from aicost.policy.loader import discover

    policy_path, origin = discover(args.policy, Path.cwd())
    policy = load_cached(policy_path, origin)
    from aicost.core.projects import display

    print(f"aicost: policy {policy.name!r} from {origin} ({display(policy_path)})", file=sys.stderr)
    return policy


def _usage(args: argparse.Namespace) -> Usage | None:
    """The usage file (--usage-file, else discovered), if any, named on stderr."""
    from aicost.core.projects import display
    from aicost.sources import usage as usage_file

    usage_path = usage_file.discover(args.usage_file, Path.cwd())
    usage = None
    if usage_path is not None:
        usage_path = Path(display(usage_path))  # relative when under the working directory
        usage = usage_file.load(usage_path)
        print(f"aicost: usage from {usage_path}", file=sys.stderr)
    return usage


def _baseline(args: argparse.Namespace) -> tuple[Baseline | None, Any]:
    """(the base branch's report read back, its JSON document) from --baseline."""
    if args.new_only and args.baseline is None:
        raise UsageError("--new-only needs --baseline REPORT (the base branch's JSON report)")
    baseline = None
    base_document = None
    if args.baseline is not None:
        from aicost.document.read import load_report, read_baseline

        base_document = load_report(args.baseline)
        baseline = read_baseline(base_document, str(args.baseline))
    return baseline, base_document


def _with_actuals(args: argparse.Namespace, options: EvalOptions) -> EvalOptions:
    """The options with --actuals (actual spend to date), warning when it is another month's."""
    import dataclasses

    from aicost.spend.snapshot import read as read_actuals

    actuals = read_actuals(args.actuals)
    print(f"aicost: actual spend to {actuals.as_of} from {args.actuals}", file=sys.stderr)
    today = options.today or dt.datetime.now(dt.UTC).date()
    if (actuals.as_of.year, actuals.as_of.month) != (today.year, today.month):
        print(
            f"aicost: warning: --actuals is for {actuals.month}, not this month "
            f"({today:%Y-%m}); budgets count it as this month's",
            file=sys.stderr,
        )
    return dataclasses.replace(options, actuals=actuals)


def _write_reports(
    args: argparse.Namespace, result: CheckResult, targets: list[tuple[str, Path | None]]
) -> None:
    """Each report format to stdout or its file."""
    from aicost import report

    interactive = sys.stdout.isatty()
    color = interactive and not args.no_color and not os.environ.get("NO_COLOR")
    width = None if interactive else int(os.environ.get("COLUMNS", "0") or 0) or None
    for name, path in targets:
        module = report.get(name)
        options = report.RenderOptions(
            color=color and path is None,
            width=width,
            max_rows=args.max_rows,
            show_waived=args.show_waived,
            sarif_category=args.sarif_category,
            plain=not (interactive and path is None),
        )
        # A file gets UTF-8: formats that encode as they lay out (JSON, SARIF) give bytes,
        # not a text of megabytes decoded only to be encoded again.
        render_bytes = getattr(module, "render_bytes", None)
        if path is not None and render_bytes is not None:
            write_file(path, render_bytes(result, options))
            continue
        text = module.render(result, options)
        if path is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_file(path, text)


def run(args: argparse.Namespace) -> int:
    # A check is a short-lived process that allocates millions of small objects while
    # parsing a plan and creates almost no reference cycles: the cyclic garbage
    # collector would repeatedly walk the whole parsed plan for nothing (measured: it
    # more than doubles the time of a 15 MB plan). Reference counting still frees memory.
    gc.disable()
    from aicost.pipeline import run_check

    targets = _targets(args)
    policy = _policy(args)
    usage = _usage(args)
    baseline, base_document = _baseline(args)
    options = gate_options.eval_options(args, policy)
    if args.actuals is not None:
        options = _with_actuals(args, options)
    inputs = _spool_streams(args.inputs)
    with skipping_unparsable(args.skip_unparsable):
        result = run_check(
            inputs,
            policy,
            hours_per_month=args.hours_per_month,
            usage=usage,
            options=options,
            baseline=baseline,
            ignore_unknown=args.ignore_unknown,
            max_price_age_days=_max_price_age(args),
        )
    if args.new_only and baseline is not None:
        import dataclasses

        from aicost.policy import existing

        marked = existing.mark(result.findings, existing.keys_of(base_document))
        result = dataclasses.replace(result, findings=marked)
    from aicost.core.sensitive import redact
    from aicost.report.inert import controls

    for warning in result.warnings:
        print(f"aicost: warning: {controls(redact(warning, result.secrets))}", file=sys.stderr)

    _write_reports(args, result, targets)
    return ExitCode.POLICY_FAILURE if result.verdict == "fail" else ExitCode.OK
