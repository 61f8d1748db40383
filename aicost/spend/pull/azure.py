"""Azure: usage details and budgets (azure-mgmt-consumption).

``ConsumptionManagementClient.usage_details.list(scope, filter=..., metric="amortizedcost")``
for the month to date; a record is AI spend by the same rule as a FOCUS line (its consumed
service, meter category/subcategory/name and product: Machine Learning, Cognitive Services /
Azure OpenAI, N-series GPU sizes, token meters). Budgets come from ``budgets.list(scope)``.
Tags are the records' resource tags. ``--scope`` is the Azure scope
(``/subscriptions/ID``, a billing account, …); credentials are azure-identity's default.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import urllib.parse
from datetime import date
from decimal import Decimal
from typing import Any

from aicost.spend.ground import UsageError
from aicost.spend.pull import day_after, failed, is_ai_text, month_start, sdk
from aicost.spend.queries import UNTAGGED, tag_keys
from aicost.spend.snapshot import Snapshot


def _get(record: Any, *names: str) -> Any:
    for name in names:
        value = getattr(record, name, None)
        if value is not None:
            return value
    return None


def _cost(record: Any) -> Decimal:
    value = _get(record, "cost_in_billing_currency", "cost", "cost_in_usd")
    return Decimal(str(value or 0))


def _texts(record: Any) -> list[Any]:
    meter = getattr(record, "meter_details", None)
    return [
        _get(record, "consumed_service"),
        _get(record, "meter_category") or _get(meter, "meter_category"),
        _get(record, "meter_sub_category") or _get(meter, "meter_sub_category"),
        _get(record, "meter_name") or _get(meter, "meter_name"),
        _get(record, "product"),
        _get(record, "additional_info"),
    ]


def _tag(tags: dict[str, str] | None, tag: str) -> str:
    for key in tag_keys(tag):
        value = (tags or {}).get(key)
        if value and value.strip():
            return value.strip()
    return UNTAGGED


def pull(
    args: argparse.Namespace,
    scope_tags: list[str],
    as_of: date | None,
    credential: Any = None,
) -> Snapshot:
    consumption = sdk("azure.mgmt.consumption", "azure")
    core = sdk("azure.core.exceptions", "azure")
    logging.getLogger("azure").addHandler(logging.NullHandler())
    if not args.scope:
        raise UsageError("aicost spend pull azure: give --scope (e.g. /subscriptions/ID)")
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    if credential is None:
        credential = sdk("azure.identity", "azure").DefaultAzureCredential()
    kwargs: dict[str, Any] = {}
    call: dict[str, Any] = {}
    if args.endpoint:
        kwargs["base_url"] = args.endpoint
        if urllib.parse.urlsplit(args.endpoint).hostname in ("127.0.0.1", "localhost", "::1"):
            call["enforce_https"] = False  # a loopback test server speaks plain HTTP
    subscription = args.scope.split("/")[2] if args.scope.startswith("/subscriptions/") else ""
    client = consumption.ConsumptionManagementClient(credential, subscription, **kwargs)
    scope = args.scope.lstrip("/")
    window = (
        f"properties/usageStart ge '{month_start(as_of).isoformat()}' and "
        f"properties/usageEnd le '{as_of.isoformat()}'"
    )
    total = Decimal(0)
    currency = "USD"
    tags: dict[str, dict[str, Decimal]] = {tag: {} for tag in scope_tags}
    budgets: dict[str, Decimal] = {}
    try:
        for record in client.usage_details.list(
            scope, filter=window, metric="amortizedcost", **call
        ):
            if not is_ai_text(*_texts(record)):
                continue
            day = _get(record, "date")
            if day is not None and hasattr(day, "date") and day.date() >= day_after(as_of):
                continue
            cost = _cost(record)
            total += cost
            currency = _get(record, "billing_currency_code", "billing_currency") or currency
            for tag in scope_tags:
                value = _tag(getattr(record, "tags", None), tag)
                tags[tag][value] = tags[tag].get(value, Decimal(0)) + cost
        for budget in client.budgets.list(scope, **call):
            if budget.amount is not None:
                budgets[str(budget.name)] = Decimal(str(budget.amount))
    except core.AzureError as exc:
        raise failed(f"Azure Consumption {args.scope}", exc) from None
    return Snapshot(
        as_of=as_of,
        currency=str(currency),
        total=total,
        tags=tags,
        source="azure-consumption",
        cost="AmortizedCost",
        budgets=budgets,
    )
