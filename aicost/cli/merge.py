"""``aicost merge``: combine the JSON reports of several workspaces into one report
(the merging itself is :mod:`aicost.document.merge`).

For monorepos checked as a CI matrix (one job per workspace): each job writes
``aicost check ... --format json=report.json``; a last job merges them and renders or
posts one report. Projects are kept by their key (the input path), so two workspaces with
the same directory name stay apart; the same project in two reports is an error.

``--baseline`` compares the merged report with a base-branch report, as ``aicost check
--baseline`` does. ``--policy`` recomputes the findings about many workloads at once
(budgets) over every merged workspace (and the baseline's untouched ones), replacing the
per-workspace budget findings, which each saw only one workspace.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aicost.cli.output import write_file
from aicost.core.errors import ExitCode, UsageError, one_of

EXAMPLES = """examples:
  aicost merge reports/*.json --policy aicost.yaml --format json=merged.json
  aicost merge reports/*.json --baseline base.json --format markdown -o comment.md
  aicost merge reports/*.json --policy aicost.yaml --fail     exit 1 on a breach"""
HELP = "combine JSON reports from several workspaces (a CI matrix) into one report"


def _document_formats(*, default: bool = True) -> str:
    """The formats that render a saved report (json first, the default), from the registry."""
    from aicost import report

    names = ["json", *(n for n in report.FORMATS if n != "json" and report.renders_documents(n))]
    return one_of([f"{n} (default)" if default and n == "json" else n for n in names])


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT", help="JSON reports")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT",
        help="compare with a base-branch report (as `aicost check --baseline`)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="recompute budgets (and other findings about many workloads) over all workspaces",
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="FMT[=PATH]",
        help=f"{_document_formats()}; repeatable, with =PATH to write one to a file",
    )
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE")
    parser.add_argument(
        "--max-rows", type=int, default=50, metavar="N", help="rows in markdown (default 50)"
    )
    parser.add_argument(
        "--fail",
        action="store_true",
        help="exit 1 when the merged verdict is fail (default: exit 0 after merging)",
    )


def run(args: argparse.Namespace) -> int:
    from aicost import report
    from aicost.document.merge import merge, recompute
    from aicost.document.read import load_report

    targets = _targets(args)
    documents = [(str(path), load_report(path)) for path in args.reports]
    merged = merge(documents)
    if args.baseline is not None or args.policy is not None:
        baseline = None
        if args.baseline is not None:
            baseline = (str(args.baseline), load_report(args.baseline))
        merged = recompute(merged, baseline=baseline, policy_path=args.policy)
    options = report.RenderOptions(max_rows=args.max_rows)
    for name, path in targets:
        if name == "json":
            from aicost.report.json import dumps

            text = dumps(merged)
        else:
            text = report.get(name).render_document(merged, options)  # type: ignore[attr-defined]
        if path is None:
            sys.stdout.write(text)
        else:
            write_file(path, text)
    if args.fail and merged.get("verdict") == "fail":
        return ExitCode.POLICY_FAILURE
    return ExitCode.OK


def _targets(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    from aicost import report

    targets: list[tuple[str, Path | None]] = []
    for spec in args.formats or ["json"]:
        name, sep, path = spec.partition("=")
        if sep and not path:
            raise UsageError(f"--format {spec}: missing a path after '='")
        if name != "json" and not report.renders_documents(name):
            raise UsageError(
                f"format {name!r} needs a live check; merged reports render as "
                f"{_document_formats(default=False)}"
            )
        targets.append((name, Path(path) if sep else None))
    if args.output is not None:
        targets = [(n, p if p is not None else args.output) for n, p in targets]
    if sum(1 for _, p in targets if p is None) > 1:
        raise UsageError("only one format can go to stdout; use --format FMT=PATH for the others")
    return targets
