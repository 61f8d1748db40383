"""Loopback servers that speak the billing APIs ``aicost spend pull`` calls, as documented.

* AWS: Cost Explorer ``GetCostAndUsage`` (awsJson1_1, ``NextPageToken`` paging) and the S3
  calls of a Data Exports download (``ListObjectsV2``, ``HeadObject``, ``GetObject``).
* Azure: Consumption ``usageDetails`` (``nextLink`` paging) and ``budgets``.
* Google: BigQuery ``jobs.query`` (REST) and the Budgets API ``ListBudgets`` (gRPC).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from typing import Any

from tests.pricing.servers import _http, _Quiet


@contextmanager
def aws_server(
    total: str, groups: dict[str, list[tuple[str, str]]], objects: dict[str, bytes]
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """*groups*: tag -> [(``team$vision``, amount)] (two per page); *objects*: S3 key -> body."""
    requests: list[dict[str, Any]] = []

    class Handler(_Quiet):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            target = self.headers.get("X-Amz-Target", "")
            requests.append({"target": target, **body})
            if target != "AWSInsightsIndexService.GetCostAndUsage":
                self.reply(400, b'{"__type":"UnknownOperationException"}', "application/json")
                return
            period = body["TimePeriod"]
            result: dict[str, Any] = {"TimePeriod": period, "Estimated": True}
            page: dict[str, Any] = {}
            if body.get("GroupBy"):
                tag = body["GroupBy"][0]["Key"]
                items = groups.get(tag, [])
                start = int(body.get("NextPageToken") or 0)
                chunk = items[start : start + 2]
                result["Groups"] = [
                    {"Keys": [key], "Metrics": {"AmortizedCost": {"Amount": amount, "Unit": "USD"}}}
                    for key, amount in chunk
                ]
                result["Total"] = {}
                if start + 2 < len(items):
                    page["NextPageToken"] = str(start + 2)
            else:
                result["Total"] = {"AmortizedCost": {"Amount": total, "Unit": "USD"}}
                result["Groups"] = []
            page["ResultsByTime"] = [result]
            page["DimensionValueAttributes"] = []
            self.reply(200, json.dumps(page).encode(), "application/x-amz-json-1.1")

        def _object(self) -> tuple[str, str, dict[str, list[str]]]:
            url = urllib.parse.urlsplit(self.path)
            bucket, _, key = url.path.lstrip("/").partition("/")
            return bucket, urllib.parse.unquote(key), urllib.parse.parse_qs(url.query)

        def do_HEAD(self) -> None:
            _, key, _ = self._object()
            data = objects.get(key)
            self.send_response(200 if data is not None else 404)
            self.send_header("Content-Length", str(len(data or b"")))
            self.send_header("ETag", '"etag"')
            self.end_headers()

        def do_GET(self) -> None:
            bucket, key, query = self._object()
            requests.append({"target": "s3", "bucket": bucket, "key": key})
            if not key:
                prefix = query.get("prefix", [""])[0]
                contents = "".join(
                    f"<Contents><Key>{k}</Key><Size>{len(v)}</Size>"
                    f"<LastModified>2026-11-10T00:00:00.000Z</LastModified></Contents>"
                    for k, v in sorted(objects.items())
                    if k.startswith(prefix)
                )
                xml = (
                    '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult '
                    'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                    f"<Name>{bucket}</Name><Prefix>{prefix}</Prefix><KeyCount>{len(objects)}"
                    f"</KeyCount><IsTruncated>false</IsTruncated>{contents}</ListBucketResult>"
                )
                self.reply(200, xml.encode(), "application/xml")
                return
            data = objects.get(key)
            if data is None:
                self.reply(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
                return
            self.reply(200, data, "application/octet-stream", ETag='"etag"')

    with _http(Handler) as url:
        yield url, requests


@contextmanager
def azure_server(
    records: list[dict[str, Any]], budgets: list[dict[str, Any]]
) -> Iterator[tuple[str, list[str]]]:
    """Usage details (two per page, ``nextLink``) and budgets, for any scope."""
    requests: list[str] = []

    class Handler(_Quiet):
        def do_GET(self) -> None:
            requests.append(self.path)
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            host = f"http://{self.headers['Host']}"
            if url.path.endswith("/providers/Microsoft.Consumption/usageDetails"):
                start = int(query.get("skiptoken", ["0"])[0])
                page: dict[str, Any] = {"value": records[start : start + 2]}
                if start + 2 < len(records):
                    rest = dict(query)
                    rest["skiptoken"] = [str(start + 2)]
                    page["nextLink"] = (
                        f"{host}{url.path}?{urllib.parse.urlencode(rest, doseq=True)}"
                    )
                self.reply(200, json.dumps(page).encode(), "application/json")
            elif url.path.endswith("/providers/Microsoft.Consumption/budgets"):
                self.reply(200, json.dumps({"value": budgets}).encode(), "application/json")
            else:
                self.reply(404, b'{"error":{"code":"NotFound","message":"no"}}', "application/json")

    with _http(Handler) as url:
        yield url, requests


def azure_usage(
    cost: float, service: str, meter: str, sub: str, tags: dict[str, str] | None, day: str
) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/sub-1/providers/Microsoft.Consumption/usageDetails/{meter}{day}",
        "name": f"{meter}{day}",
        "type": "Microsoft.Consumption/usageDetails",
        "kind": "modern",
        "tags": tags,
        "properties": {
            "costInBillingCurrency": cost,
            "billingCurrencyCode": "USD",
            "date": f"{day}T00:00:00.0000000Z",
            "consumedService": service,
            "meterCategory": meter,
            "meterSubCategory": sub,
            "meterName": sub,
            "product": f"{meter} - {sub}",
        },
    }


@contextmanager
def bigquery_server(rows: list[tuple[str, str]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """``POST /bigquery/v2/projects/P/queries`` answered at once with *rows* (value, cost)."""
    requests: list[dict[str, Any]] = []

    class Handler(_Quiet):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            requests.append({"path": self.path, **body})
            project = self.path.split("/projects/")[1].split("/")[0]
            response = {
                "kind": "bigquery#queryResponse",
                "schema": {
                    "fields": [
                        {"name": "scope_value", "type": "STRING", "mode": "NULLABLE"},
                        {"name": "cost", "type": "NUMERIC", "mode": "NULLABLE"},
                        {"name": "currency", "type": "STRING", "mode": "NULLABLE"},
                    ]
                },
                "jobReference": {"projectId": project, "jobId": "job-1", "location": "US"},
                "totalRows": str(len(rows)),
                "rows": [{"f": [{"v": v}, {"v": c}, {"v": "USD"}]} for v, c in rows],
                "jobComplete": True,
                "cacheHit": False,
            }
            self.reply(200, json.dumps(response).encode(), "application/json")

    with _http(Handler) as url:
        yield url, requests


@contextmanager
def budgets_server(budgets: list[Any]) -> Iterator[tuple[str, list[str]]]:
    """gRPC ``google.cloud.billing.budgets.v1.BudgetService/ListBudgets``."""
    import grpc
    from google.cloud.billing.budgets_v1 import types

    requests: list[str] = []

    def list_budgets(request: Any, context: Any) -> Any:
        requests.append(request.parent)
        return types.ListBudgetsResponse(budgets=budgets)

    handler = grpc.method_handlers_generic_handler(
        "google.cloud.billing.budgets.v1.BudgetService",
        {
            "ListBudgets": grpc.unary_unary_rpc_method_handler(
                list_budgets,
                request_deserializer=types.ListBudgetsRequest.deserialize,
                response_serializer=types.ListBudgetsResponse.serialize,
            )
        },
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}", requests
    finally:
        server.stop(grace=None)
