"""``aicost spend``: actual AI spend from FOCUS billing exports (thin; the work is aicost.spend).

* ``aicost spend FILE... [--by team,model,use-case] [--format F] [--output PATH]``
* ``aicost spend --emit-sql athena|trino|bigquery|spark [--by ...] [--table T]``
* ``aicost spend snapshot FILE... [--scope-tag team] [--out PATH]``
* ``aicost spend pull aws|azure|gcp [--scope-tag team] [--out PATH] ...``
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation

HELP = "Actual AI spend from FOCUS billing exports: showback, KPIs and budget snapshots."

EXAMPLES = """examples:
  aicost spend exports/ --by team,model,use-case     showback table of AI spend
  aicost spend 'exports/*.parquet' -f html -o spend.html --budget vision=20000
  aicost spend snapshot exports/ --scope-tag team    month-to-date spend per team
  aicost spend pull aws --scope-tag team          the same snapshot from Cost Explorer
  aicost spend --emit-sql athena --by team           the same SQL for Athena/Trino"""


def configure(parser: argparse.ArgumentParser) -> None:
    # the choices come from the registries (light modules: no engine is imported here)
    from aicost.spend.emit import DIALECTS
    from aicost.spend.formats import FORMATS
    from aicost.spend.pull import CLOUDS

    parser.add_argument(
        "inputs",
        nargs="*",
        metavar="FILE",
        help="FOCUS or AWS CUR 2.0 exports (CSV, CSV.gz, Parquet; files, directories, globs); "
        f"or `snapshot FILE...`, or `pull {'|'.join(CLOUDS)}`",
    )
    parser.add_argument("--by", default="team", help="group by these tags/dimensions (comma list)")
    parser.add_argument("--format", "-f", choices=list(FORMATS), default="table")
    parser.add_argument("--output", "-o", help="write the report here (atomically)")
    parser.add_argument(
        "--budget",
        action="append",
        default=[],
        metavar="TEAM=USD",
        help="monthly budget of a team (value of the first --by tag) or `total`; repeatable",
    )
    parser.add_argument(
        "--budgets",
        metavar="POLICY",
        help="team budgets from a policy file's budgets: (per_tag on the first --by tag, "
        "a single team, or the total)",
    )
    parser.add_argument(
        "--jump-threshold", default="50", help="day-over-day rise to report, percent (50)"
    )
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB memory limit (2GB)")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads")
    parser.add_argument(
        "--emit-sql",
        metavar="DIALECT",
        help=f"print the showback SQL for {', '.join(DIALECTS)} instead of running it",
    )
    parser.add_argument("--table", default="focus", help="export table name for --emit-sql")
    parser.add_argument("--view", default="aicost_ai", help="view name for --emit-sql")
    snap = parser.add_argument_group("snapshot and pull")
    snap.add_argument(
        "--scope-tag", action="append", default=[], help="budget scope tag (team); repeatable"
    )
    snap.add_argument("--out", help="snapshot path (aicost-actuals-DATE.json)")
    snap.add_argument("--as-of", help="snapshot date (YYYY-MM-DD; pull: today)")
    snap.add_argument("--endpoint", help="pull: API endpoint (a proxy or a test server)")
    snap.add_argument("--region", default="us-east-1", help="pull aws: region of Cost Explorer")
    snap.add_argument("--export", help="pull aws: s3://bucket/prefix of a Data Exports export")
    snap.add_argument("--scope", help="pull azure: scope, e.g. /subscriptions/ID")
    snap.add_argument("--project", help="pull gcp: project that runs the BigQuery query")
    snap.add_argument("--bq-table", help="pull gcp: the FOCUS view, project.dataset.table")
    snap.add_argument("--billing-account", help="pull gcp: billing account id (budgets)")
    snap.add_argument("--budgets-endpoint", help="pull gcp: Budgets API endpoint (gRPC)")


#: Larger amounts than any bill: refused, as the policy's budgets are.
MAX_BUDGET = Decimal(10) ** 15


def _budgets(values: list[str]) -> dict[str, Decimal]:
    from aicost.core.errors import UsageError

    budgets: dict[str, Decimal] = {}
    for item in values:
        team, _, amount = item.partition("=")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise UsageError(f"--budget {item!r}: expected TEAM=AMOUNT") from None
        if not team or not value.is_finite() or value < 0 or value > MAX_BUDGET:
            raise UsageError(
                f"--budget {item!r}: expected TEAM=AMOUNT (a positive amount up to {MAX_BUDGET:,})"
            )
        budgets[team] = value
    return budgets


def run(args: argparse.Namespace) -> int:
    from aicost.core.errors import UsageError
    from aicost.spend import commands

    inputs = list(args.inputs)
    by = [part.strip() for part in str(args.by).split(",") if part.strip()]
    if args.emit_sql:  # no export needed: the SQL runs where the exports live
        sys.stdout.write(commands.emit_sql(args.emit_sql, by, args.table, args.view))
        return 0
    if not inputs:
        raise UsageError("aicost spend: give export files, `snapshot FILE...` or `pull CLOUD`")
    scope_tags = args.scope_tag or ["team"]
    if inputs[0] == "snapshot":
        if len(inputs) < 2:
            raise UsageError("aicost spend snapshot: give export files")
        print(
            commands.snapshot_command(
                inputs[1:], scope_tags, args.out, args.as_of, args.memory_limit
            )
        )
        return 0
    if inputs[0] == "pull":
        if len(inputs) != 2:
            raise UsageError("aicost spend pull: give one of aws, azure, gcp")
        print(commands.pull(inputs[1], args, scope_tags))
        return 0
    try:
        threshold = Decimal(str(args.jump_threshold)) / 100
    except InvalidOperation:
        raise UsageError("--jump-threshold must be a number of percent") from None
    if not threshold.is_finite() or threshold < 0:
        raise UsageError("--jump-threshold must be a number of percent, 0 or more")
    if args.threads is not None and args.threads < 1:
        raise UsageError("--threads must be 1 or more")
    text = commands.report(
        inputs,
        by=by,
        budgets=commands.budgets(args.budgets, by, _budgets(args.budget)),
        fmt=args.format,
        jump_threshold=threshold,
        memory_limit=args.memory_limit,
        threads=args.threads,
    )
    if args.output:
        commands.write(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
