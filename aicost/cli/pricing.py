"""``aicost pricing``: refresh the price tables from the providers, show a type, check ages.

    aicost pricing refresh aws|gcp|azure [--output DIR] [--region R]... [--endpoint URL]
    aicost pricing show TYPE [--region R] [--json]
    aicost pricing age [--max-age-days N] [--strict]
    aicost pricing coverage [--json]

``refresh`` writes to the user price directory (``$AICOST_PRICING_DIR``, else
``~/.local/share/aicost/pricing``), which ``aicost check`` reads before the shipped tables.
Cloud SDKs are imported only by ``refresh``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from aicost.core.errors import ExitCode, UsageError
from aicost.pricing.refresh import REFRESHERS

EXAMPLES = """examples:
  aicost pricing show p5.48xlarge           on-demand, spot and reserved, with sources
  aicost pricing age                        every table's date
  aicost pricing refresh aws                rebuild from the provider's price API"""
HELP = "refresh price tables from the providers' APIs, show a type's prices, check table ages"
DEFAULT_MAX_AGE_DAYS = 90


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="pricing_command", metavar="ACTION")
    refresh = sub.add_parser(
        "refresh",
        help="rebuild a provider's tables from its price APIs",
        description="Rebuild a provider's price tables from its own APIs and write them "
        "atomically (the old tables are kept if anything fails).",
    )
    refresh.add_argument("provider", choices=list(REFRESHERS))
    refresh.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="price directory to write (default: the user price directory)",
    )
    refresh.add_argument(
        "--region",
        dest="regions",
        action="append",
        default=[],
        metavar="REGION",
        help="only this region (repeat for several; default: all)",
    )
    refresh.add_argument(
        "--endpoint", metavar="URL", help="API endpoint override (a proxy or a test server)"
    )
    refresh.add_argument(
        "--max-attempts",
        type=int,
        default=5,
        metavar="N",
        help="attempts per request when the provider throttles (default 5)",
    )
    refresh.add_argument("--no-spot", action="store_true", help="aws: skip spot price history")
    refresh.add_argument(
        "--api-key", metavar="KEY", help="gcp: an API key instead of application credentials"
    )
    refresh.add_argument(
        "--subscription",
        metavar="ID",
        help="azure: also read this subscription's negotiated price sheet (needs credentials)",
    )
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")

    show = sub.add_parser(
        "show", help="prices of one instance, machine, VM size, accelerator or TPU type"
    )
    show.add_argument("type", metavar="TYPE")
    show.add_argument("--region", metavar="REGION")
    show.add_argument("--json", action="store_true", help="machine-readable output")

    age = sub.add_parser("age", help="list every price table with its date; warn when old")
    age.add_argument(
        "--max-age-days",
        type=int,
        metavar="N",
        help=f"warn about tables older than N days (default ${{AICOST_PRICING_MAX_AGE_DAYS}} "
        f"or {DEFAULT_MAX_AGE_DAYS})",
    )
    age.add_argument("--strict", action="store_true", help="exit 1 when a table is too old")
    age.add_argument("--json", action="store_true", help="machine-readable output")

    cover = sub.add_parser(
        "coverage",
        help="per cloud and purchase option: how many prices are sourced, estimated, missing",
    )
    cover.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "pricing_command", None)
    if command == "refresh":
        return _refresh(args)
    if command == "show":
        return _show(args)
    if command == "age":
        return _age(args)
    if command == "coverage":
        return _coverage(args)
    raise UsageError("aicost pricing: choose an action: refresh, show, age or coverage")


def _coverage(args: argparse.Namespace) -> int:
    from aicost.pricing import coverage

    tables = coverage.coverage()
    if args.json:
        sys.stdout.write(json.dumps(coverage.as_json(tables), indent=2) + "\n")
    else:
        sys.stdout.write(coverage.render(tables))
    return ExitCode.OK


# --------------------------------------------------------------------------- refresh


def _refresh(args: argparse.Namespace) -> int:
    from aicost.pricing import refresh as refresher
    from aicost.pricing.catalog import user_pricing_dir

    if args.max_attempts < 1:
        raise UsageError("--max-attempts must be at least 1")
    options = refresher.RefreshOptions(
        provider=args.provider,
        regions=tuple(args.regions),
        endpoint=args.endpoint,
        max_attempts=args.max_attempts,
        backoff=refresher.backoff_from_env(),
        api_key=args.api_key or os.environ.get("AICOST_GCP_API_KEY"),
        subscription=args.subscription,
        spot=not args.no_spot,
    )
    output: Path = args.output or user_pricing_dir()
    module = refresher.load(args.provider)
    progress = refresher.Progress.auto(disabled=args.no_progress)
    with progress.running():
        documents = module.refresh(options, progress)
    written = refresher.write_tables(output, documents, args.provider, tuple(args.regions))
    for path, count in written:
        print(f"aicost: wrote {path} ({count:,} prices from {module.API})", file=sys.stderr)
    return ExitCode.OK


# --------------------------------------------------------------------------- show


def _show(args: argparse.Namespace) -> int:
    from aicost.pricing.catalog import PriceBook
    from aicost.pricing.lookup import find

    wanted = args.type.strip()
    found = find(PriceBook(), wanted, args.region)
    if not found:
        raise UsageError(
            f"{wanted} is in no price table (try an instance type, a GCP machine "
            "or accelerator type, an Azure size or a TPU type such as v5p-8)"
        )
    if args.json:
        sys.stdout.write(json.dumps(found, indent=2, sort_keys=True) + "\n")
        return ExitCode.OK
    for entry in found:
        _print_entry(wanted, entry, args.region)
    return ExitCode.OK


def _print_entry(wanted: str, entry: dict[str, Any], region_filter: str | None) -> None:
    print(f"{wanted} in {entry['table']} (as of {entry['as_of']}; {entry['path']})")
    if entry["spec"]:
        print(f"  {entry['spec']['summary']}")
    if entry["kind"] != "instance":
        print(f"  {entry['kind']}")
    if not entry["prices"]:
        print("  no prices" + (f" in {region_filter}" if region_filter else ""))
    for region, row in sorted(entry["prices"].items()):
        cells = [
            f"{column} {value}"
            for column, value in row.items()
            if column != "basis" and value is not None and not isinstance(value, bool)
        ]
        if row.get("includes_accelerators"):
            cells.append("(whole machine: GPUs and bundled local SSD included)")
        raw = row.get("basis")  # per column, or one source for the row (tokens)
        basis = sorted({raw} if isinstance(raw, str) else set((raw or {}).values()))
        print(f"  {region:<24} {'  '.join(cells) or 'no prices'}")
        if basis:
            print(f"  {'':<24} basis: {'; '.join(basis)}")


# --------------------------------------------------------------------------- age


def _max_age(args: argparse.Namespace) -> int:
    if args.max_age_days is not None:
        value: int | str = args.max_age_days
    else:
        value = os.environ.get("AICOST_PRICING_MAX_AGE_DAYS", str(DEFAULT_MAX_AGE_DAYS))
    try:
        days = int(value)
    except ValueError:
        raise UsageError(f"AICOST_PRICING_MAX_AGE_DAYS={value!r} is not a whole number") from None
    if days < 0:
        raise UsageError("--max-age-days must not be negative")
    return days


def _age(args: argparse.Namespace) -> int:
    from aicost.pricing import TABLES
    from aicost.pricing.catalog import PriceBook, PriceTable
    from aicost.pricing.freshness import table_date

    limit = _max_age(args)
    today = dt.datetime.now(dt.UTC).date()
    book = PriceBook()
    entries: list[dict[str, Any]] = []
    for directory in book.directories:
        for relative in sorted(set(TABLES.values())):
            path = directory / relative
            if not path.is_file():
                continue
            info = PriceTable.load(path).info
            date = table_date(info.as_of)
            age = (today - date).days if date else None
            entries.append(
                {
                    "table": info.id,
                    "as_of": info.as_of,
                    "age_days": age,
                    "path": str(path),
                    "refreshed": dict(info.refreshed) if info.refreshed else None,
                    "in_use": book.table(info.cloud, info.service) is not None
                    and book.table(info.cloud, info.service).info.path == str(path),  # type: ignore[union-attr]
                    "stale": age is None or age > limit,
                    "sources": [s.get("id") for s in info.sources],
                }
            )
    if args.json:
        sys.stdout.write(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    else:
        for entry in entries:
            age_text = f"{entry['age_days']} days" if entry["age_days"] is not None else "unknown"
            origin = (
                f"refreshed {entry['refreshed']['at']} from {entry['refreshed']['api']}"
                if entry["refreshed"]
                else f"sources: {', '.join(map(str, entry['sources']))}"
            )
            used = "" if entry["in_use"] else "  (overridden)"
            print(
                f"{entry['table']:<15} as of {entry['as_of']:<10} {age_text:>10}  "
                f"{entry['path']}{used}"
            )
            print(f"{'':<15} {origin}")
    stale = [e for e in entries if e["stale"] and e["in_use"]]
    for entry in stale:
        cloud = entry["table"].split("-", 1)[0]
        print(
            f"aicost: warning: the {entry['table']} price table is "
            f"{entry['age_days']} days old (as of {entry['as_of']}, limit {limit} days); "
            f"run `aicost pricing refresh {cloud}`",
            file=sys.stderr,
        )
    return ExitCode.POLICY_FAILURE if stale and args.strict else ExitCode.OK
