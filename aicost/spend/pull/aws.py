"""AWS: Cost Explorer grouped by tags, or the objects of a Data Exports export (boto3).

* Cost Explorer (default): ``GetCostAndUsage`` for the month to date (``AmortizedCost``,
  the counterpart of FOCUS ``EffectiveCost``), filtered to AI spend: the AI services
  (SageMaker, Bedrock, …) or the accelerated instance families of the hardware catalogue;
  once in total and once grouped by each scope tag (``team$vision``; ``team$`` is untagged).
* ``--export s3://bucket/prefix``: downloads the FOCUS or CUR 2.0 objects of an AWS Data
  Exports export (``ListObjectsV2`` + ``GetObject``) and reads them as ``aicost spend
  snapshot`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import urllib.parse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.spend.classify import family_of
from aicost.spend.ground import NODES, UsageError
from aicost.spend.pull import day_after, failed, month_start, sdk
from aicost.spend.queries import UNTAGGED
from aicost.spend.snapshot import Snapshot

#: Cost Explorer SERVICE values that are AI spend whatever the instance.
AI_SERVICES: tuple[str, ...] = (
    "Amazon SageMaker",
    "Amazon Bedrock",
    "Claude (Amazon Bedrock Edition)",
    "Amazon Comprehend",
    "Amazon Rekognition",
    "Amazon Textract",
    "Amazon Transcribe",
    "Amazon Polly",
    "Amazon Translate",
)


def families() -> list[str]:
    """Accelerated EC2 instance families of the hardware catalogue (``p5``, ``g6e``…)."""
    return sorted(
        {family_of(node.instance_type) for nodes in NODES["aws"].values() for node in nodes}
    )


def ai_filter() -> dict[str, Any]:
    return {
        "Or": [
            {"Dimensions": {"Key": "SERVICE", "Values": list(AI_SERVICES)}},
            {"Dimensions": {"Key": "INSTANCE_TYPE_FAMILY", "Values": families()}},
        ]
    }


def _session(boto3: Any) -> Any:
    return boto3.session.Session()


def pull(args: argparse.Namespace, scope_tags: list[str], as_of: date | None) -> Snapshot:
    """Month-to-date AI spend through *as_of* (default: today, UTC; an export: its last day)."""
    boto3 = sdk("boto3", "aws")
    botocore = sdk("botocore.exceptions", "aws")
    session = _session(boto3)
    if args.export:
        return _from_export(session, args, scope_tags, as_of, botocore)
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    client = session.client("ce", region_name=args.region, endpoint_url=args.endpoint)
    period = {"Start": month_start(as_of).isoformat(), "End": day_after(as_of).isoformat()}
    request: dict[str, Any] = {
        "TimePeriod": period,
        "Granularity": "MONTHLY",
        "Metrics": ["AmortizedCost"],
        "Filter": ai_filter(),
    }
    currency = "USD"
    try:
        total = Decimal(0)
        for result in _pages(client, request):
            amount = result.get("Total", {}).get("AmortizedCost", {})
            total += Decimal(str(amount.get("Amount", "0")))
            currency = amount.get("Unit", currency)
        tags: dict[str, dict[str, Decimal]] = {}
        for tag in scope_tags:
            values: dict[str, Decimal] = {}
            grouped = {**request, "GroupBy": [{"Type": "TAG", "Key": tag}]}
            for result in _pages(client, grouped):
                for group in result.get("Groups", []):
                    key = str(group["Keys"][0])
                    value = key.split("$", 1)[1] if "$" in key else key
                    amount = group["Metrics"]["AmortizedCost"]
                    name = value or UNTAGGED
                    values[name] = values.get(name, Decimal(0)) + Decimal(str(amount["Amount"]))
            tags[tag] = values
    except (botocore.BotoCoreError, botocore.ClientError) as exc:
        raise failed("AWS Cost Explorer GetCostAndUsage", exc) from None
    return Snapshot(
        as_of=as_of,
        currency=currency,
        total=total,
        tags=tags,
        source="aws-cost-explorer",
        cost="AmortizedCost",
    )


def _pages(client: Any, request: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = client.get_cost_and_usage(**request, **({"NextPageToken": token} if token else {}))
        results.extend(page.get("ResultsByTime", []))
        token = page.get("NextPageToken")
        if not token:
            return results


def _from_export(
    session: Any,
    args: argparse.Namespace,
    scope_tags: list[str],
    as_of: date | None,
    botocore: Any,
) -> Snapshot:
    from aicost.spend import analysis

    url = urllib.parse.urlsplit(args.export)
    if url.scheme != "s3" or not url.netloc:
        raise UsageError(f"--export {args.export!r}: expected s3://bucket/prefix")
    bucket, prefix = url.netloc, url.path.lstrip("/")
    config = sdk("botocore.config", "aws")
    client = session.client(
        "s3",
        region_name=args.region,
        endpoint_url=args.endpoint,
        config=config.Config(s3={"addressing_style": "path"}),
    )
    with tempfile.TemporaryDirectory(prefix="aicost-export-") as folder:
        try:
            keys = [
                item["Key"]
                for page in client.get_paginator("list_objects_v2").paginate(
                    Bucket=bucket, Prefix=prefix
                )
                for item in page.get("Contents", [])
                if item["Key"].lower().endswith((".csv", ".csv.gz", ".parquet"))
            ]
            if not keys:
                raise UsageError(f"--export {args.export}: no .csv, .csv.gz or .parquet objects")
            for index, key in enumerate(keys):
                target = Path(folder) / f"{index:05d}-{Path(key).name}"
                client.download_file(bucket, key, str(target))
        except (botocore.BotoCoreError, botocore.ClientError) as exc:
            raise failed(f"AWS S3 {args.export}", exc) from None
        result = analysis.snapshot_of([folder], scope_tags, as_of, args.memory_limit)
    result.source = "aws-data-exports"
    return result
