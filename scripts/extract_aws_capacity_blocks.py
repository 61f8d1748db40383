#!/usr/bin/env python3
"""Cut the Capacity Blocks rates out of koyakimu/ec2-capacity-blocks-for-ml-pricing-json.

That repository (MIT) scrapes AWS's Capacity Blocks pricing page,
https://aws.amazon.com/ec2/capacityblocks/pricing/, into ``data/pricing.json`` every month:
per instance type (and UltraServer) and region, the Effective Instance Hourly Rate and the
Effective Accelerator Hourly Rate. This writes every row, verbatim, in the layout of
``pricing/sources/aws-capacity-blocks-page-2024.json`` as
``pricing/sources/aws-capacity-blocks-<date>.json``; ``scripts/build_aws_pricing.py`` decides
which rows the table uses:

    git -C MIRROR show COMMIT:data/pricing.json > /tmp/cb.json
    python scripts/extract_aws_capacity_blocks.py /tmp/cb.json --commit COMMIT

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = REPO_ROOT / "pricing" / "sources"


def number(value: Any) -> str:
    """The JSON number as the page printed it (floats through ``repr``, no exponent)."""
    return format(Decimal(repr(value)), "f")


def rows(document: dict[str, Any]) -> list[dict[str, str]]:
    out = [
        {
            "instance_type": name,
            "region": str(price["region_code"]),
            "page_region": str(price["region"]),
            "hourly": number(price["hourly_rate_usd"]),
            "accelerator_hourly": number(price["accelerator_hourly_rate_usd"]),
            "accelerator_count": str(entry["accelerator_count"]),
        }
        for name, entry in sorted(document["instance_types"].items())
        for price in entry["pricing"]
    ]
    return sorted(out, key=lambda r: (r["instance_type"], r["region"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("pricing_json", type=Path)
    parser.add_argument("--commit", required=True)
    args = parser.parse_args(argv)
    document = json.loads(args.pricing_json.read_text(encoding="utf-8"))
    scraped = str(document["metadata"]["last_updated"])
    date = scraped[:10]
    found = rows(document)
    output = {
        "_source": {
            "page": str(document["metadata"]["source_url"]),
            "read_from": "koyakimu/ec2-capacity-blocks-for-ml-pricing-json data/pricing.json @ "
            f"{args.commit} (the page scraped {scraped}; MIT)",
            "page_date": date,
            "meaning": "Effective Instance Hourly Rate of a Capacity Block reservation "
            "(reservation fee, paid up front, per instance-hour), Linux; the operating-system "
            "fee is separate and zero for Linux. region is the scraper's region code (Local "
            "Zones as an availability zone, e.g. us-east-1-atl-2a)",
            "licence": "provider page, facts quoted with their date (scraper repository: MIT)",
        },
        "rows": found,
    }
    path = SOURCES / f"aws-capacity-blocks-{date}.json"
    text = json.dumps(output, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"capacity blocks: {len(found)} rows, page scraped {scraped} -> {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
