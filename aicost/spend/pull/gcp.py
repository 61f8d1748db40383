"""Google Cloud: the FOCUS BigQuery view (google-cloud-bigquery) and budgets
(google-cloud-billing's Budgets API).

Google documents FOCUS for Cloud Billing as a BigQuery view over the billing export
(``--bq-table project.dataset.view``). aicost runs its own AI rule and tag lookup on it,
the same SQL as ``--emit-sql bigquery``, summing ``EffectiveCost`` for the month to date per
value of each scope tag. With ``--billing-account``, the account's budgets are read with
``BudgetServiceClient.list_budgets`` (their specified amounts). ``--endpoint`` and
``--budgets-endpoint`` point the clients elsewhere (a proxy, or a test server).
"""

from __future__ import annotations

import argparse
import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any

from aicost.spend import classify, emit, queries
from aicost.spend.ground import UsageError
from aicost.spend.pull import day_after, failed, month_start, sdk
from aicost.spend.snapshot import Snapshot


def query(table: str, tag: str | None, as_of: date) -> str:
    """BigQuery SQL: month-to-date AI effective cost, by the values of *tag* (or in total)."""
    value = queries.dimension(tag) if tag else "'all'"
    sql = (
        f"WITH ai_lines AS ({classify.lines_sql(table, hints=False)}), "
        f"hw AS ({emit.hardware_cte()}), ai AS ({queries.AI}) "
        f"SELECT {value} AS scope_value, sum(EffectiveCost) AS cost, "
        f"any_value(BillingCurrency) AS currency FROM ai "
        f"WHERE ChargePeriodStart >= CAST('{month_start(as_of).isoformat()} 00:00:00+00' "
        f"AS TIMESTAMPTZ) AND ChargePeriodStart < CAST('{day_after(as_of).isoformat()} "
        f"00:00:00+00' AS TIMESTAMPTZ) "
        f"GROUP BY scope_value"
    )
    import sqlglot

    (text,) = sqlglot.transpile(sql, read="duckdb", write="bigquery")
    return str(text)


def _table_sql(table: str) -> str:
    parts = table.split(".")
    if len(parts) != 3 or not all(parts):
        raise UsageError(f"--bq-table {table!r}: expected project.dataset.table")
    # written in DuckDB's SQL (double-quoted parts) and transpiled to BigQuery's backticks
    return ".".join('"' + part.replace('"', "") + '"' for part in parts)


def pull(
    args: argparse.Namespace,
    scope_tags: list[str],
    as_of: date | None,
    credentials: Any = None,
) -> Snapshot:
    bigquery = sdk("google.cloud.bigquery", "gcp")
    exceptions = sdk("google.api_core.exceptions", "gcp")
    if not args.bq_table:
        raise UsageError("aicost spend pull gcp: give --bq-table project.dataset.focus_view")
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    table = _table_sql(args.bq_table)
    options: dict[str, Any] = {}
    if args.endpoint:
        options["client_options"] = {"api_endpoint": args.endpoint}
        if credentials is None:
            credentials = sdk("google.auth.credentials", "gcp").AnonymousCredentials()
    project = args.project or args.bq_table.split(".")[0]
    total = Decimal(0)
    currency = "USD"
    tags: dict[str, dict[str, Decimal]] = {}
    try:
        client = bigquery.Client(project=project, credentials=credentials, **options)
        wanted: list[str | None] = list(scope_tags) or [None]
        for tag in wanted:
            values: dict[str, Decimal] = {}
            for row in client.query_and_wait(query(table, tag, as_of)):
                values[str(row["scope_value"])] = Decimal(str(row["cost"] or 0))
                currency = row["currency"] or currency
            if tag is not None:
                tags[tag] = values
            total = sum(values.values(), Decimal(0))
        budgets = _budgets(args, credentials) if args.billing_account else {}
    except exceptions.GoogleAPIError as exc:
        raise failed(f"Google Cloud {args.bq_table}", exc) from None
    return Snapshot(
        as_of=as_of,
        currency=str(currency),
        total=total,
        tags=tags,
        source="gcp-bigquery-focus",
        budgets=budgets,
    )


def _budgets(args: argparse.Namespace, credentials: Any) -> dict[str, Decimal]:
    budgets_v1 = sdk("google.cloud.billing.budgets_v1", "gcp")
    if args.budgets_endpoint:
        grpc = sdk("grpc", "gcp")
        auth = sdk("google.auth.credentials", "gcp")
        transports = sdk(
            "google.cloud.billing.budgets_v1.services.budget_service.transports", "gcp"
        )
        target = args.budgets_endpoint.removeprefix("http://").removeprefix("grpc://")
        transport = transports.BudgetServiceGrpcTransport(
            channel=grpc.insecure_channel(target), credentials=auth.AnonymousCredentials()
        )
        client = budgets_v1.BudgetServiceClient(transport=transport)
    else:
        client = budgets_v1.BudgetServiceClient(credentials=credentials)
    found: dict[str, Decimal] = {}
    parent = f"billingAccounts/{args.billing_account.removeprefix('billingAccounts/')}"
    for budget in client.list_budgets(parent=parent):
        money = budget.amount.specified_amount
        if money and (money.units or money.nanos):
            amount = Decimal(money.units) + Decimal(money.nanos) / Decimal(10**9)
            found[budget.display_name or budget.name] = amount
    return found
