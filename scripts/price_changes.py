#!/usr/bin/env python3
"""List the largest price changes between two versions of the price tables (Markdown).

    python scripts/price_changes.py --before-ref HEAD [--top 25] > changes.md

compares every ``pricing/<cloud>/*.json`` instance table in the working tree with the same
file at a git ref: each (table, region, type, column) whose price moved, appeared or
disappeared, largest relative
change first (then new and removed cells). The weekly price workflow puts this in the body
of its pull request. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLES = ("aws/ec2.json", "aws/sagemaker.json", "gcp/compute.json", "gcp/tpu.json", "azure/vm.json")
SKIP = {"basis", "includes_accelerators"}


def cells(document: dict[str, Any]) -> dict[tuple[str, str, str], Decimal | None]:
    found: dict[tuple[str, str, str], Decimal | None] = {}
    for section in ("prices", "accelerator_prices"):
        for region, by_type in (document.get(section) or {}).items():
            for name, row in by_type.items():
                for column, value in row.items():
                    if column not in SKIP:
                        found[(region, name, column)] = Decimal(value) if value else None
    return found


def at_ref(ref: str, relative: str) -> dict[str, Any]:
    shown = subprocess.run(
        ["git", "show", f"{ref}:pricing/{relative}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(shown.stdout) if shown.returncode == 0 else {}


def changes(ref: str) -> list[tuple[Decimal, str]]:
    rows: list[tuple[Decimal, str]] = []
    for relative in TABLES:
        path = REPO_ROOT / "pricing" / relative
        if not path.is_file():
            continue
        new = cells(json.loads(path.read_text(encoding="utf-8")))
        old = cells(at_ref(ref, relative))
        for key in sorted(set(old) | set(new)):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            region, name, column = key
            where = f"`{relative}` {region} `{name}` {column}"
            if before is None or after is None:
                rows.append(
                    (Decimal(-1), f"| {where} | {before or '-'} | {after or '-'} | new/gone |")
                )
                continue
            change = (after - before) / before if before else Decimal(0)
            rows.append((abs(change), f"| {where} | {before} | {after} | {change * 100:+.1f}% |"))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-ref", default="HEAD")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    rows = changes(args.before_ref)
    moved = sum(1 for weight, _ in rows if weight >= 0)
    print(f"{moved} prices changed; {len(rows) - moved} appeared or disappeared.\n")
    if rows:
        print("| price | before | after | change |")
        print("|---|---:|---:|---:|")
        for _weight, line in rows[: args.top]:
            print(line)
        if len(rows) > args.top:
            print(f"\n{len(rows) - args.top} more changes are in the diff.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
