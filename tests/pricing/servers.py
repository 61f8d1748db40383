"""Local servers (loopback only) that speak the providers' price APIs, for the refresh tests.

* :class:`AwsServer`: the Price List Query API (awsJson1_1, ``AWSPriceListService.GetProducts``
  with ``NextToken`` paging) and EC2 ``DescribeSpotPriceHistory`` (EC2 query protocol, XML),
  on one HTTP port, as boto3 calls them with ``endpoint_url``.
* :class:`GcpServer`: a gRPC server implementing ``google.cloud.billing.v1.CloudCatalog``
  (``ListServices``, ``ListSkus``) with the request/response types of google-cloud-billing.
* :class:`AzureServer`: the Retail Prices API (``NextPageLink`` paging) and the Consumption
  price sheet (``properties.pricesheets`` / ``nextLink``), as documented.

Each can throttle the first N requests (429 / ``ThrottlingException`` /
``RESOURCE_EXHAUSTED``) or answer with a malformed body.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    throttle_first: int = 0
    malformed: bool = False
    requests: list[str] = field(default_factory=list)
    throttled: int = 0
    #: Regions whose EC2 API answers OptInRequired (not enabled for the account).
    not_enabled: tuple[str, ...] = ()
    #: Answer the first N GetProducts calls with HTTP 500 (a transient failure).
    fail_first: int = 0
    failed: int = 0

    def should_throttle(self) -> bool:
        if self.throttled < self.throttle_first:
            self.throttled += 1
            return True
        return False


@contextmanager
def _http(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


# --------------------------------------------------------------------------- AWS


def ec2_product(
    instance_type: str,
    region: str,
    on_demand: str,
    *,
    reserved_1y: str | None = None,
    reserved_3y_all_upfront: str | None = None,
    family: str = "GPU instance",
    market: str = "OnDemand",
    gpu: str = "8",
) -> str:
    """One PriceList element: a JSON *string*, as the API returns it."""
    sku = f"SKU{abs(hash((instance_type, region))) % 10**8:08d}"
    terms: dict[str, Any] = {
        "OnDemand": {
            f"{sku}.JRTCKXETXF": {
                "offerTermCode": "JRTCKXETXF",
                "sku": sku,
                "termAttributes": {},
                "priceDimensions": {
                    f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                        "unit": "Hrs",
                        "description": f"${on_demand} per On Demand Linux {instance_type} Hour",
                        "pricePerUnit": {"USD": on_demand},
                    }
                },
            }
        },
        "Reserved": {},
    }
    if reserved_1y is not None:
        terms["Reserved"][f"{sku}.4NA7Y494T4"] = {
            "termAttributes": {
                "LeaseContractLength": "1yr",
                "OfferingClass": "standard",
                "PurchaseOption": "No Upfront",
            },
            "priceDimensions": {"d": {"unit": "Hrs", "pricePerUnit": {"USD": reserved_1y}}},
        }
    if reserved_3y_all_upfront is not None:
        terms["Reserved"][f"{sku}.NQ3QZPMQV9"] = {
            "termAttributes": {
                "LeaseContractLength": "3yr",
                "OfferingClass": "standard",
                "PurchaseOption": "All Upfront",
            },
            "priceDimensions": {
                "q": {"unit": "Quantity", "pricePerUnit": {"USD": reserved_3y_all_upfront}},
                "h": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0000000000"}},
            },
        }
    product = {
        "product": {
            "productFamily": "Compute Instance",
            "sku": sku,
            "attributes": {
                "servicecode": "AmazonEC2",
                "regionCode": region,
                "instanceType": instance_type,
                "instanceFamily": family,
                "vcpu": "192",
                "memory": "2048 GiB",
                "gpu": gpu,
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
                "marketoption": market,
            },
        },
        "serviceCode": "AmazonEC2",
        "terms": terms,
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    }
    return json.dumps(product)


def sagemaker_product(name: str, region: str, price: str) -> str:
    return json.dumps(
        {
            "product": {
                "productFamily": "ML Instance",
                "attributes": {"instanceName": name, "regionCode": region, "component": "Hosting"},
            },
            "serviceCode": "AmazonSageMaker",
            "terms": {
                "OnDemand": {
                    "t": {"priceDimensions": {"d": {"unit": "Hrs", "pricePerUnit": {"USD": price}}}}
                }
            },
        }
    )


@dataclass
class AwsData:
    #: (service, instanceFamily or None) -> PriceList strings
    products: dict[tuple[str, str | None], list[str]]
    #: region -> [(instance type, AZ, price)]
    spot: dict[str, list[tuple[str, str, str]]]
    page_size: int = 2


@contextmanager
def aws_server(data: AwsData, behaviour: Behaviour) -> Iterator[str]:
    class Handler(_Quiet):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            target = self.headers.get("X-Amz-Target", "")
            if target == "AWSPriceListService.GetProducts":
                self.get_products(json.loads(body))
            elif b"Action=DescribeSpotPriceHistory" in body:
                self.spot(urllib.parse.parse_qs(body.decode()))
            else:
                self.reply(
                    400, b'{"__type":"UnknownOperationException"}', "application/x-amz-json-1.1"
                )

        def get_products(self, request: dict[str, Any]) -> None:
            behaviour.requests.append("GetProducts")
            if behaviour.failed < behaviour.fail_first:
                behaviour.failed += 1
                self.reply(
                    500,
                    b'{"__type":"InternalErrorException","message":"try again"}',
                    "application/x-amz-json-1.1",
                )
                return
            if behaviour.should_throttle():
                self.reply(
                    400,
                    b'{"__type":"ThrottlingException","message":"Rate exceeded"}',
                    "application/x-amz-json-1.1",
                )
                return
            filters = {f["Field"]: f["Value"] for f in request.get("Filters", [])}
            family = filters.get("instanceFamily")
            items = data.products.get((request["ServiceCode"], family), [])
            region = filters.get("regionCode")
            if region:
                items = [i for i in items if f'"regionCode": "{region}"' in i]
            start = int(request.get("NextToken") or 0)
            page = items[start : start + data.page_size]
            if behaviour.malformed and start > 0:
                page = ["{not json"]
            response: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": page}
            if start + data.page_size < len(items):
                response["NextToken"] = str(start + data.page_size)
            self.reply(200, json.dumps(response).encode(), "application/x-amz-json-1.1")

        def spot(self, form: dict[str, list[str]]) -> None:
            behaviour.requests.append("DescribeSpotPriceHistory")
            if behaviour.should_throttle():
                error = (
                    "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
                    "<Message>Request limit exceeded.</Message></Error></Errors>"
                    "<RequestID>r</RequestID></Response>"
                )
                self.reply(503, error.encode(), "text/xml")
                return
            types = {v[0] for k, v in form.items() if k.startswith("InstanceType.")}
            region = self.headers.get("Authorization", "")
            if any(f"/{r}/ec2/" in region for r in behaviour.not_enabled):
                error = (
                    "<Response><Errors><Error><Code>OptInRequired</Code><Message>You are not "
                    "subscribed to this service.</Message></Error></Errors>"
                    "<RequestID>r</RequestID></Response>"
                )
                self.reply(401, error.encode(), "text/xml")
                return
            rows = [
                row
                for r, entries in data.spot.items()
                for row in entries
                if row[0] in types and f"/{r}/ec2/" in region
            ]
            start = int(form.get("NextToken", ["0"])[0])
            page, rest = rows[start : start + 2], rows[start + 2 :]
            items = "".join(
                f"<item><instanceType>{t}</instanceType><productDescription>Linux/UNIX"
                f"</productDescription><spotPrice>{p}</spotPrice><timestamp>"
                f"2026-11-22T00:00:00.000Z</timestamp><availabilityZone>{az}</availabilityZone>"
                "</item>"
                for t, az, p in page
            )
            token = f"<nextToken>{start + 2}</nextToken>" if rest else ""
            xml = (
                '<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/'
                f'2016-11-15/"><requestId>r</requestId><spotPriceHistorySet>{items}'
                f"</spotPriceHistorySet>{token}</DescribeSpotPriceHistoryResponse>"
            )
            self.reply(200, xml.encode(), "text/xml")

    with _http(Handler) as url:
        yield url


# --------------------------------------------------------------------------- GCP


def sku(
    description: str,
    usage_type: str,
    regions: list[str],
    price: str,
    *,
    resource_group: str = "GPU",
    unit: str = "h",
) -> Any:
    from google.cloud.billing_v1 import types
    from google.type import money_pb2

    units, _, fraction = price.partition(".")
    nanos = int((fraction + "000000000")[:9])
    return types.Sku(
        name=f"services/6F81-5844-456A/skus/{abs(hash(description + usage_type)) % 10**6}",
        description=description,
        category=types.Category(
            service_display_name="Compute Engine",
            resource_family="Compute",
            resource_group=resource_group,
            usage_type=usage_type,
        ),
        service_regions=regions,
        pricing_info=[
            types.PricingInfo(
                pricing_expression=types.PricingExpression(
                    usage_unit=unit,
                    tiered_rates=[
                        types.PricingExpression.TierRate(
                            start_usage_amount=0,
                            unit_price=money_pb2.Money(
                                currency_code="USD", units=int(units), nanos=nanos
                            ),
                        )
                    ],
                )
            )
        ],
    )


@contextmanager
def gcp_server(
    skus: dict[str, list[Any]], behaviour: Behaviour, page_size: int = 3
) -> Iterator[str]:
    """*skus*: service name (``services/...``) -> Sku messages."""
    import grpc
    from google.cloud.billing_v1 import types

    services = {
        "services/6F81-5844-456A": "Compute Engine",
        "services/E000-3F24-B8AA": "Cloud TPU",
        "services/0000-0000-0000": "Cloud Storage",
    }

    def list_services(request: Any, context: Any) -> Any:
        behaviour.requests.append("ListServices")
        return types.ListServicesResponse(
            services=[
                types.Service(name=n, service_id=n.split("/")[1], display_name=d)
                for n, d in services.items()
            ]
        )

    def list_skus(request: Any, context: Any) -> Any:
        behaviour.requests.append(f"ListSkus {request.parent} {request.page_token}")
        if behaviour.should_throttle():
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "Quota exceeded for quota metric")
        items = skus.get(request.parent, [])
        start = int(request.page_token or 0)
        page = items[start : start + page_size]
        token = str(start + page_size) if start + page_size < len(items) else ""
        return types.ListSkusResponse(skus=page, next_page_token=token)

    def serialize_skus(response: Any) -> bytes:
        if behaviour.malformed:
            return b"\xff\xff\xff not a protobuf"
        return bytes(types.ListSkusResponse.serialize(response))

    handler = grpc.method_handlers_generic_handler(
        "google.cloud.billing.v1.CloudCatalog",
        {
            "ListServices": grpc.unary_unary_rpc_method_handler(
                list_services,
                request_deserializer=types.ListServicesRequest.deserialize,
                response_serializer=types.ListServicesResponse.serialize,
            ),
            "ListSkus": grpc.unary_unary_rpc_method_handler(
                list_skus,
                request_deserializer=types.ListSkusRequest.deserialize,
                response_serializer=serialize_skus,
            ),
        },
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)


# --------------------------------------------------------------------------- Azure


def retail_item(
    sku: str,
    region: str,
    price: float,
    *,
    meter: str | None = None,
    product: str = "Virtual Machines NDisrH100v5 Series",
    kind: str = "Consumption",
    term: str | None = None,
    spot: bool = False,
    savings: list[dict[str, Any]] | None = None,
    location: str = "US East",
) -> dict[str, Any]:
    name = sku.removeprefix("Standard_").replace("_", " ")
    meter_name = meter or (f"{name} Spot" if spot else name)
    item: dict[str, Any] = {
        "currencyCode": "USD",
        "tierMinimumUnits": 0.0,
        "retailPrice": price,
        "unitPrice": price,
        "armRegionName": region,
        "location": location,
        "effectiveStartDate": "2026-01-01T00:00:00Z",
        "meterId": f"m-{sku}-{region}-{kind}-{spot}",
        "meterName": meter_name,
        "productId": "DZH318Z0EXAMPLE",
        "skuId": "DZH318Z0EXAMPLE/0001",
        "productName": product,
        "skuName": f"{name} Spot" if spot else name,
        "serviceName": "Virtual Machines",
        "serviceId": "DZH313Z7MMC8",
        "serviceFamily": "Compute",
        "unitOfMeasure": "1 Hour",
        "type": kind,
        "isPrimaryMeterRegion": True,
        "armSkuName": sku,
    }
    if term:
        item["reservationTerm"] = term
    if savings:
        item["savingsPlan"] = savings
    return item


@contextmanager
def azure_server(
    items: list[dict[str, Any]],
    behaviour: Behaviour,
    *,
    page_size: int = 3,
    price_sheet: list[dict[str, Any]] | None = None,
) -> Iterator[str]:
    class Handler(_Quiet):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query)
            behaviour.requests.append(parts.path)
            if behaviour.should_throttle():
                self.reply(
                    429, b'{"error":"Too Many Requests"}', "application/json", Retry_After="0"
                )
                return
            if parts.path == "/api/retail/prices":
                self.retail(query)
            elif parts.path.endswith("/providers/Microsoft.Consumption/pricesheets/default"):
                self.sheet(query)
            else:
                self.reply(404, b"{}", "application/json")

        def retail(self, query: dict[str, list[str]]) -> None:
            if behaviour.malformed:
                self.reply(200, b'{"Items": [ {"armSkuName": ', "application/json")
                return
            start = int(query.get("$skip", ["0"])[0])
            page = items[start : start + page_size]
            link = None
            if start + page_size < len(items):
                rest = {k: v[0] for k, v in query.items() if k != "$skip"}
                rest["$skip"] = str(start + page_size)
                host = self.headers.get("Host")
                link = f"http://{host}/api/retail/prices?{urllib.parse.urlencode(rest)}"
            body = {
                "BillingCurrency": "USD",
                "CustomerEntityId": "Default",
                "CustomerEntityType": "Retail",
                "Items": page,
                "NextPageLink": link,
                "Count": len(page),
            }
            self.reply(200, json.dumps(body).encode(), "application/json")

        def sheet(self, query: dict[str, list[str]]) -> None:
            sheets = price_sheet or []
            start = int(query.get("$skiptoken", ["0"])[0])
            page = sheets[start : start + 2]
            next_link = None
            if start + 2 < len(sheets):
                host = self.headers.get("Host")
                next_link = (
                    f"http://{host}{urllib.parse.urlsplit(self.path).path}"
                    f"?api-version=2024-08-01&$skiptoken={start + 2}"
                )
            body = {
                "id": "/subscriptions/sub/providers/Microsoft.Consumption/pricesheets/default",
                "name": "default",
                "type": "Microsoft.Consumption/pricesheets",
                "properties": {"pricesheets": page, "nextLink": next_link},
            }
            self.reply(200, json.dumps(body).encode(), "application/json")

    with _http(Handler) as url:
        yield url
