#!/usr/bin/env python3
"""Cut the N-series rows out of a recorded Azure Retail Prices API snapshot (pinned).

The upstream repository (andy-diericks/azure-pricing-radar, MIT) records the Retail Prices
API (``api-version=2023-01-01-preview``, ``serviceName eq 'Virtual Machines'``, ``priceType
eq 'Consumption'``) every few hours for a few European regions, one JSON file per region
under ``data/latest/``: Linux and Windows pay-as-you-go, Spot and Low Priority meters, with
the 1-year savings-plan price of each Consumption item. This keeps the N-series rows
(GPU/FPGA sizes) of every region as a small CSV under ``pricing/sources/`` that
``scripts/build_cloud_pricing.py`` reads offline:

    python scripts/extract_azure_retail.py --git-dir MIRROR --commit COMMIT

Values are copied verbatim (``retailPrice``; ``savingsPlanPrice`` is the upstream's copy of
the ``savingsPlan`` item whose term is "1 Year"). Standard library only; needs ``git``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = REPO_ROOT / "pricing" / "sources"
REPOSITORY = "andy-diericks/azure-pricing-radar"
STEM = "azure-retail-radar"
#: An N-series size name (``NC24ads A100 v4``, ``Standard_NV36ads_A10_v5``), any suffix.
N_SERIES = re.compile(r"^(Standard_)?N[A-Z]*\d")
COLUMNS = ("region", "sku_name", "product_name", "meter_name", "retail_price", "savings_plan_1y")


def git_show(git_dir: Path, commit: str, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def n_series(item: dict[str, Any]) -> bool:
    product = str(item.get("productName") or "")
    return product.startswith("Virtual Machines N") or bool(
        N_SERIES.match(str(item.get("skuName") or ""))
    )


def extract(files: dict[str, dict[str, dict[str, Any]]]) -> str:
    """CSV of the N-series items of every region file, sorted."""
    rows: list[tuple[str, ...]] = []
    for _name, items in sorted(files.items()):
        for item in items.values():
            if item.get("unitOfMeasure") != "1 Hour" or not n_series(item):
                continue
            saving = item.get("savingsPlanPrice")
            rows.append(
                (
                    str(item["armRegionName"]),
                    str(item["skuName"]),
                    str(item["productName"]),
                    str(item["meterName"]),
                    repr(item["retailPrice"]),
                    "" if saving is None else repr(saving),
                )
            )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(sorted(rows))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--git-dir", type=Path, required=True, help="a clone of " + REPOSITORY)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--output", type=Path, default=SOURCES)
    args = parser.parse_args(argv)
    listing = subprocess.run(
        [
            "git",
            "--git-dir",
            str(args.git_dir),
            "ls-tree",
            "--name-only",
            args.commit,
            "data/latest/",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    paths = sorted(p for p in listing if re.fullmatch(r"data/latest/vm-[a-z0-9-]+\.json", p))
    files = {p: json.loads(git_show(args.git_dir, args.commit, p)) for p in paths}
    checked = json.loads(git_show(args.git_dir, args.commit, "data/latest/last-checked.json"))
    pin = {
        "repository": REPOSITORY,
        "paths": paths,
        "commit": args.commit,
        "fetched_at": checked["at"],
        "date": str(checked["at"])[:10],
        "licence": "MIT",
        "api": "https://prices.azure.com/api/retail/prices?api-version=2023-01-01-preview "
        "(serviceName 'Virtual Machines', priceType 'Consumption'; USD)",
    }
    (args.output / f"{STEM}-extract.csv").write_text(extract(files), encoding="utf-8")
    (args.output / f"{STEM}.json").write_text(
        json.dumps(pin, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{STEM}: {args.commit} fetched {checked['at']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
