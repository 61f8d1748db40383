#!/usr/bin/env python3
"""Cut Linux prices out of a raw ec2instances.info (instances.vantage.sh) GPU record dump.

tsaol/aws-gpu committed the full ec2instances.info records of its 84 GPU/accelerator
instance types as ``data/gpu_instances_raw.json`` (3.8 MB, commit 2d0108c7, 2025-11-30;
deleted again at d6e31661). Each record holds ``pricing[region][os]`` with ``ondemand``,
``spot_avg`` (ec2instances.info's mean of the zones' current spot prices) and ``reserved``
with the 12 RI terms as effective hourly rates (``yrTerm3Standard.allUpfront`` = upfront /
(3 x 365 x 24) + hourly, computed by ec2instances.info). This keeps the ``linux`` cells
(shared tenancy) with the six Standard RI terms, and the ``mswin`` (licence-included Windows)
on-demand price, as
``pricing/sources/aws-vantage-2025-11-30-extract.json``, the file
``scripts/build_aws_pricing.py`` reads; the values stay the strings the dump has:

    git -C MIRROR show 2d0108c7:data/gpu_instances_raw.json > /tmp/raw.json
    python scripts/extract_aws_vantage_raw.py /tmp/raw.json --commit 2d0108c7... \
        --date 2025-11-30

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "pricing" / "sources" / "aws-vantage-2025-11-30-extract.json"
TERMS = (
    "yrTerm1Standard.noUpfront",
    "yrTerm1Standard.partialUpfront",
    "yrTerm1Standard.allUpfront",
    "yrTerm3Standard.noUpfront",
    "yrTerm3Standard.partialUpfront",
    "yrTerm3Standard.allUpfront",
)


def cell(linux: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if linux.get("ondemand"):
        out["ondemand"] = str(linux["ondemand"])
    if linux.get("spot_avg"):
        out["spot_avg"] = str(linux["spot_avg"])
    reserved = {t: str(v) for t, v in (linux.get("reserved") or {}).items() if t in TERMS and v}
    if reserved:
        out["reserved"] = dict(sorted(reserved.items()))
    return out


def extract(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for record in records:
        name = str(record["instance_type"])
        for region, by_os in (record.get("pricing") or {}).items():
            linux = by_os.get("linux") if isinstance(by_os, dict) else None
            if isinstance(linux, dict) and cell(linux):
                found = cell(linux)
                windows = by_os.get("mswin")
                if isinstance(windows, dict) and windows.get("ondemand"):
                    found["windows_ondemand"] = str(windows["ondemand"])
                rows.setdefault(name, {})[str(region)] = found
    return {name: dict(sorted(r.items())) for name, r in sorted(rows.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("raw_json", type=Path)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--date", required=True, help="the commit's date, YYYY-MM-DD")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    records = json.loads(args.raw_json.read_text(encoding="utf-8"))
    if not isinstance(records, list) or not all("instance_type" in r for r in records):
        raise SystemExit("not a list of ec2instances.info records")
    rows = extract(records)
    document = {
        "_source": {
            "repo": "tsaol/aws-gpu",
            "path": "data/gpu_instances_raw.json",
            "commit": args.commit,
            "date": args.date,
            "upstream": "instances.vantage.sh (vantage-sh/ec2instances.info data, MIT)",
            "license": "MIT",
            "meaning": "pricing[region].linux of every record: ondemand, spot_avg and the six "
            "Standard RI terms (effective USD/h, upfront amortised over the term by "
            "ec2instances.info); Linux, shared tenancy. windows_ondemand: pricing[region].mswin"
            ".ondemand (licence-included Windows, shared tenancy)",
        },
        "rows": rows,
    }
    args.output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    cells = sum(len(r) for r in rows.values())
    print(f"vantage raw: {len(rows)} types, {cells} (type, region) cells", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
