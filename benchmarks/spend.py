#!/usr/bin/env python3
"""Benchmark ``aicost spend`` on a generated FOCUS 1.2 export (default: 10 million rows).

Generates the export with DuckDB (``range()`` and hash-derived columns, deterministic) as
Parquet files, or CSV.gz with ``--csv``, under ``benchmarks/.cache/`` (git-ignored), then
runs ``aicost spend FILE --format json`` in a child process under ``/usr/bin/time``-style
accounting (``resource.getrusage(RUSAGE_CHILDREN)``) and prints rows/s and peak memory.

The export: 90 days, hourly lines; about a quarter are AI (GPU instances of three clouds,
Trainium, SageMaker, Bedrock token lines), the rest storage and networking; five teams and
a tag-less share; Standard, Dynamic and Committed pricing.

Usage::

    python3 benchmarks/spend.py                      # 10,000,000 rows, Parquet
    python3 benchmarks/spend.py --rows 2000000 --csv --memory-limit 1GB
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

CACHE = Path(__file__).parent / ".cache"

GENERATE = """
SELECT
  CAST(round(cost, 6) AS DECIMAL(18, 6)) AS BilledCost,
  CAST(round(CASE WHEN pricing = 'Committed' THEN cost * 0.6 ELSE cost END, 6)
       AS DECIMAL(18, 6)) AS EffectiveCost,
  CAST(round(cost, 6) AS DECIMAL(18, 6)) AS ListCost,
  'USD' AS BillingCurrency,
  TIMESTAMP '2026-08-01 00:00:00' + to_hours(CAST(i % (90 * 24) AS BIGINT)) AS ChargePeriodStart,
  TIMESTAMP '2026-08-01 01:00:00' + to_hours(CAST(i % (90 * 24) AS BIGINT)) AS ChargePeriodEnd,
  'Usage' AS ChargeCategory,
  description AS ChargeDescription,
  provider AS ProviderName,
  service AS ServiceName,
  category AS ServiceCategory,
  'res-' || CAST(hash(i) % 50000 AS VARCHAR) AS ResourceId,
  NULL::VARCHAR AS ResourceType,
  NULL::VARCHAR AS SkuMeter,
  pricing AS PricingCategory,
  CASE WHEN pricing = 'Committed' THEN 'sp-1' END AS CommitmentDiscountId,
  quantity AS ConsumedQuantity,
  unit AS ConsumedUnit,
  quantity AS PricingQuantity,
  unit AS PricingUnit,
  'us-east-1' AS RegionId,
  CASE WHEN hash(i * 7) % 10 = 0 THEN NULL
       ELSE '{"team": "team-' || CAST(hash(i * 3) % 5 AS VARCHAR) || '", "model": "m-'
            || CAST(hash(i * 5) % 3 AS VARCHAR) || '"}' END AS Tags
FROM (
  SELECT i, kind,
    CASE kind
      WHEN 0 THEN '$98.32 per On Demand Linux p5.48xlarge Instance Hour'
      WHEN 1 THEN 'a3-highgpu-8g running in Americas'
      WHEN 2 THEN 'Virtual Machines NC24ads A100 v4 Series - NC24ads A100 v4'
      WHEN 3 THEN '$21.50 per On Demand Linux trn1.32xlarge Instance Hour'
      WHEN 4 THEN 'SageMaker notebook ml.t3.medium'
      WHEN 5 THEN 'Claude input tokens'
      ELSE 'Standard storage GB-month'
    END AS description,
    CASE WHEN kind IN (1) THEN 'Google Cloud' WHEN kind = 2 THEN 'Microsoft' ELSE 'AWS' END
      AS provider,
    CASE kind WHEN 0 THEN 'Amazon Elastic Compute Cloud' WHEN 1 THEN 'Compute Engine'
      WHEN 2 THEN 'Virtual Machines' WHEN 3 THEN 'Amazon Elastic Compute Cloud'
      WHEN 4 THEN 'Amazon SageMaker' WHEN 5 THEN 'Amazon Bedrock'
      ELSE 'Amazon Simple Storage Service' END AS service,
    CASE WHEN kind IN (0, 1, 2, 3) THEN 'Compute' WHEN kind IN (4, 5)
      THEN 'AI and Machine Learning' ELSE 'Storage' END AS category,
    CASE WHEN kind IN (0, 1, 2, 3) THEN 1.0 WHEN kind = 5 THEN 100000.0 ELSE 10.0 END AS quantity,
    CASE WHEN kind IN (0, 1, 2, 3) THEN 'Hours' WHEN kind = 5 THEN 'Tokens' ELSE 'GB-Mo' END
      AS unit,
    CASE WHEN kind IN (0, 1, 2, 3) THEN 10 + (hash(i) % 1000) / 10.0
      ELSE (hash(i) % 100) / 100.0 END AS cost,
    CASE hash(i * 11) % 4 WHEN 0 THEN 'Committed' WHEN 1 THEN 'Dynamic' ELSE 'Standard' END
      AS pricing
  FROM (SELECT i, CASE WHEN hash(i * 13) % 4 = 0 THEN hash(i * 17) % 6 ELSE 6 END AS kind
        FROM range({start}, {stop}) AS t(i))
)
"""


def generate(rows: int, csv: bool, files: int) -> Path:
    folder = CACHE / f"focus-{rows}-{'csv' if csv else 'parquet'}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    per_file = -(-rows // files)
    for index in range(files):
        start, stop = index * per_file, min(rows, (index + 1) * per_file)
        sql = GENERATE.replace("{start}", str(start)).replace("{stop}", str(stop))
        target = folder / (f"part-{index:03d}.csv.gz" if csv else f"part-{index:03d}.parquet")
        options = "(FORMAT csv, HEADER, COMPRESSION gzip)" if csv else "(FORMAT parquet)"
        con.execute(f"COPY ({sql}) TO '{target}' {options}")
    marker.write_text("ok")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--csv", action="store_true", help="CSV.gz instead of Parquet")
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    began = time.perf_counter()
    folder = generate(args.rows, args.csv, args.files)
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(
        f"export: {folder} ({args.rows:,} rows, {size / 1e6:,.0f} MB), "
        f"ready in {time.perf_counter() - began:.1f}s"
    )

    command = [
        sys.executable,
        "-m",
        "aicost",
        "spend",
        str(folder),
        "--format",
        "json",
        "--by",
        "team,model",
        "--memory-limit",
        args.memory_limit,
        "--threads",
        str(args.threads),
    ]
    began = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        return run.returncode
    report = json.loads(run.stdout)
    print(
        f"aicost spend: {elapsed:.1f}s, {args.rows / elapsed:,.0f} rows/s, "
        f"peak RSS {peak_kib / 1024:,.0f} MiB (DuckDB memory_limit {args.memory_limit}, "
        f"{args.threads} threads)"
    )
    print(
        f"AI lines {report['summary']['ai_lines']:,}, AI effective cost "
        f"{report['summary']['ai_effective_cost']} USD, {len(report['groups'])} groups"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
