#!/usr/bin/env python3
"""Cut the accelerator machine types out of Cyclenerd's GCP ``pricing.yml`` (pinned).

The upstream file (Cyclenerd/google-cloud-pricing-cost-calculator, Apache-2.0, regenerated
weekly from Google's Cloud Billing Catalog) is about 4 MB; this keeps the rows aicost uses
(a2, a3, g2, g4 and n1 machine types, every region) as two small CSVs under
``pricing/sources/`` that ``scripts/build_cloud_pricing.py`` reads offline:

    git -C MIRROR show COMMIT:pricing.yml > /tmp/pricing.yml
    python scripts/extract_gcp_cyclenerd.py /tmp/pricing.yml --commit COMMIT

Values are copied verbatim (``hour``, ``hour_spot``, ``month_1y``, ``month_3y`` and the
Windows licence ``hour``). Needs PyYAML (a dev dependency).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES = REPO_ROOT / "pricing" / "sources"
SERIES = ("a2-", "a3-", "a4-", "a4x-", "g2-", "g4-", "n1-", "custom-")
#: Cyclenerd's accelerator keys on a machine type -> GCP accelerator type.
GPU_KEYS = {
    "a100": "nvidia-tesla-a100",
    "a100-80gb": "nvidia-a100-80gb",
    "h100-80gb": "nvidia-h100-80gb",
    "h100-80gb-mega": "nvidia-h100-mega-80gb",
    "h200-141gb": "nvidia-h200-141gb",
    "b200": "nvidia-b200",
    "gb200": "nvidia-gb200",
    "l4": "nvidia-l4",
    "rtx6000": "nvidia-rtx-pro-6000",
}
SPEC_KEYS = {"cost", "cpu", "ram", "local-ssd", "type"}


def extract(document: Any) -> tuple[str, str, str]:
    """(generated date line, machines CSV, prices CSV)."""
    generated = str(document["about"]["generated"])
    instances = document["compute"]["instance"]
    licences = document["compute"].get("license") or {}
    machines = io.StringIO()
    prices = io.StringIO()
    mw = csv.writer(machines, lineterminator="\n")
    pw = csv.writer(prices, lineterminator="\n")
    mw.writerow(["machine_type", "cpu", "ram_gib", "accelerator", "count", "local_ssd_gb"])
    pw.writerow(
        ["machine_type", "region", "hour", "hour_spot", "month_1y", "month_3y", "windows_hour"]
    )
    for name in sorted(instances):
        if not name.startswith(SERIES):
            continue
        spec = instances[name]
        gpus = [k for k in spec if k not in SPEC_KEYS]
        unknown = [k for k in gpus if k not in GPU_KEYS]
        if unknown:
            raise SystemExit(f"{name}: unknown accelerator key(s) {unknown}")
        accel = GPU_KEYS[gpus[0]] if gpus else ""
        count = spec[gpus[0]] if gpus else ""
        mw.writerow([name, spec["cpu"], spec["ram"], accel, count, spec.get("local-ssd", "")])
        windows = ((licences.get(name) or {}).get("cost") or {}).get("windows") or {}
        for region in sorted(spec["cost"]):
            cost = spec["cost"][region]
            pw.writerow(
                [
                    name,
                    region,
                    cost.get("hour", ""),
                    cost.get("hour_spot", ""),
                    cost.get("month_1y", ""),
                    cost.get("month_3y", ""),
                    windows.get("hour", ""),
                ]
            )
    return generated, machines.getvalue(), prices.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pricing_yml", type=Path)
    parser.add_argument("--commit", required=True, help="upstream commit the file came from")
    parser.add_argument("--output", type=Path, default=SOURCES)
    args = parser.parse_args(argv)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with args.pricing_yml.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=loader)
    generated, machines, prices = extract(document)
    import datetime as dt
    import json

    stamp = dt.datetime.strptime(generated, "%a %b %d %H:%M:%S %Y")
    pin = {
        "repository": "Cyclenerd/google-cloud-pricing-cost-calculator",
        "path": "pricing.yml",
        "commit": args.commit,
        "generated": generated,
        "date": stamp.date().isoformat(),
        "licence": "Apache-2.0",
    }
    stem = "gcp-cyclenerd"
    (args.output / f"{stem}-machines.csv").write_text(machines, encoding="utf-8")
    (args.output / f"{stem}-prices.csv").write_text(prices, encoding="utf-8")
    (args.output / f"{stem}.json").write_text(
        json.dumps(pin, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"{stem}: {args.commit} generated {generated}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
