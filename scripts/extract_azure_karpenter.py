#!/usr/bin/env python3
"""Cut the GPU sizes (``Standard_N*``) out of karpenter-provider-azure's generated price file.

``pkg/providers/pricing/zz_generated.pricing.go`` (Azure/karpenter-provider-azure,
Apache-2.0) holds the Retail Prices API's pay-as-you-go Linux price of every VM size per
region (about 3 MB of Go). This keeps the N-series rows as
``pricing/sources/azure-karpenter.json``, the file ``scripts/build_cloud_pricing.py`` reads:

    git -C MIRROR show COMMIT:pkg/providers/pricing/zz_generated.pricing.go > /tmp/p.go
    python scripts/extract_azure_karpenter.py /tmp/p.go --commit COMMIT

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "pricing" / "sources" / "azure-karpenter.json"
REGION = re.compile(r'initialOnDemandPrices\["([^"]+)"\]\s*=\s*map\[string\]float64\{')
ENTRY = re.compile(r'^\s*"([^"]+)":\s*([0-9.eE+-]+),\s*$')
GENERATED = re.compile(r"// generated at (\S+)")


def extract(go: str) -> tuple[str, dict[str, dict[str, float]]]:
    found = GENERATED.search(go)
    if found is None:
        raise SystemExit("no '// generated at' line: not karpenter's price file")
    prices: dict[str, dict[str, float]] = {}
    region: str | None = None
    for line in go.splitlines():
        start = REGION.search(line)
        if start:
            region = start.group(1)
            continue
        entry = ENTRY.match(line)
        if region and entry and entry.group(1).startswith("Standard_N"):
            prices.setdefault(region, {})[entry.group(1)] = float(entry.group(2))
        elif line.strip() == "}":
            region = None
    return found.group(1), prices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("go_file", type=Path)
    parser.add_argument("--commit", required=True)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    generated, prices = extract(args.go_file.read_text(encoding="utf-8"))
    document = {
        "_source": {
            "repo": "Azure/karpenter-provider-azure",
            "path": "pkg/providers/pricing/zz_generated.pricing.go",
            "commit": args.commit,
            "generated_at": generated,
            "license": "Apache-2.0",
            "meaning": "Retail Prices API retailPrice, priceType Consumption, Linux "
            "pay-as-you-go (Windows, Spot and Low Priority items excluded upstream); only "
            "Standard_N* kept",
        },
        "initialOnDemandPrices": {r: dict(sorted(p.items())) for r, p in sorted(prices.items())},
    }
    args.output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rows = sum(len(p) for p in prices.values())
    print(f"azure-karpenter: {rows} rows in {len(prices)} regions, {generated}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
