"""Refresh the AWS tables: Price List Query API (``pricing:GetProducts``) for EC2 and
SageMaker, and EC2 ``DescribeSpotPriceHistory`` for current spot prices.

* EC2: one paginated ``get_products`` per accelerated instance family (GPU, ML ASIC, FPGA,
  media), Linux, shared tenancy, no pre-installed software, used capacity; on-demand and
  1- and 3-year Standard reserved prices (No Upfront, else amortised Partial/All Upfront).
* Spot: the current price in every availability zone, the median kept per region.
* SageMaker: ``ML Instance`` products, ``Hosting`` component, accelerated ``ml.*`` types.

The tables are written in the same format as the shipped ``pricing/aws/*.json``; specs of
known types are kept from the shipped tables (they carry corrected accelerator names).
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from aicost.core.data import data_dir
from aicost.core.errors import PricingError
from aicost.pricing.refresh import (
    Progress,
    RefreshError,
    RefreshOptions,
    RegionNotEnabled,
    Throttled,
    now,
    refreshed_block,
    retrying,
    sdk,
    source_entry,
    warn,
)

API = "AWS Price List Query API (pricing:GetProducts) and EC2 DescribeSpotPriceHistory"
PRICING_REGION = "us-east-1"  # the Price List API is served from us-east-1 (and 2 others)
EC2_FAMILIES = (
    "GPU instance",
    "Machine Learning ASIC Instances",
    "FPGA Instances",
    "Media Accelerator Instances",
)
_SAGEMAKER_TYPE = re.compile(r"^ml\.(p\d+[a-z]*|g\d+[a-z]*|inf\d+|trn\d+[a-z]*|dl\d+[a-z]*)\.")
#: Transient server-side failures: retried like throttling.
_TRANSIENT_CODES = {
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "Unavailable",
    "RequestTimeout",
    "RequestTimeoutException",
}
#: The account has not enabled (opted in to) the region of a regional API.
_NOT_ENABLED_CODES = {"OptInRequired", "AuthFailure"}
_THROTTLE_CODES = {
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
}
Json = Any


def _filters(**terms: str) -> list[dict[str, str]]:
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in terms.items()]


class _Client:
    """Calls one boto3 client with throttling retries and one-line errors."""

    def __init__(
        self, client: Any, what: str, options: RefreshOptions, region: str | None = None
    ) -> None:
        self.client = client
        self.what = what
        self.options = options
        self.region = region
        botocore = sdk("botocore.exceptions", "aws")
        self._client_error = botocore.ClientError
        self._boto_errors = (botocore.BotoCoreError,)
        self._no_credentials = (
            botocore.NoCredentialsError,
            botocore.PartialCredentialsError,
        )
        self._connection = (
            botocore.EndpointConnectionError,
            botocore.ConnectTimeoutError,
            botocore.ReadTimeoutError,
            botocore.ConnectionClosedError,
        )

    def call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        method: Callable[..., dict[str, Any]] = getattr(self.client, operation)

        def once() -> dict[str, Any]:
            try:
                return method(**kwargs)
            except self._client_error as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", ""))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                message = " ".join(str(error.get("Message", "")).split())[:200]
                if code in _THROTTLE_CODES or status == 429:
                    raise Throttled(code or "HTTP 429") from None
                if code in _TRANSIENT_CODES or (isinstance(status, int) and status >= 500):
                    raise Throttled(f"{code or 'HTTP'} {status}".strip()) from None
                if code in _NOT_ENABLED_CODES and self.region is not None:
                    raise RegionNotEnabled(self.region, f"{code}: {message}") from None
                raise RefreshError(f"{self.what}: {code or status}: {message}") from None
            except self._no_credentials:
                raise PricingError(
                    f"{self.what}: AWS credentials not found (the Price List API is not "
                    "anonymous): set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                ) from None
            except self._connection as exc:
                raise Throttled(f"cannot connect: {exc}") from None
            except self._boto_errors as exc:
                detail = " ".join(str(exc).split())[:200]
                raise RefreshError(f"{self.what}: {type(exc).__name__}: {detail}") from None

        return retrying(once, what=self.what, options=self.options)


def _price_list(
    client: _Client, service: str, filters: list[dict[str, str]], task: Any
) -> Iterator[dict[str, Any]]:
    """Every product of a paginated ``get_products``, each PriceList string parsed."""
    token: str | None = None
    page = 0
    while True:
        page += 1
        kwargs: dict[str, Any] = {
            "ServiceCode": service,
            "Filters": filters,
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
        }
        if token:
            kwargs["NextToken"] = token
        response = client.call("get_products", **kwargs)
        items = response.get("PriceList")
        if not isinstance(items, list):
            raise RefreshError(f"{client.what}: page {page} has no PriceList list (malformed)")
        for index, item in enumerate(items):
            try:
                product = json.loads(item) if isinstance(item, str) else item
            except ValueError:
                raise RefreshError(
                    f"{client.what}: PriceList item {index + 1} on page {page} is not JSON "
                    "(malformed response)"
                ) from None
            if not isinstance(product, dict) or not isinstance(product.get("product"), dict):
                raise RefreshError(
                    f"{client.what}: PriceList item {index + 1} on page {page} has no product "
                    "(malformed response)"
                )
            yield product
        task.advance(len(items))
        token = response.get("NextToken")
        if not token:
            return


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _on_demand(terms: dict[str, Any]) -> Decimal | None:
    for offer in (terms.get("OnDemand") or {}).values():
        for dimension in (offer.get("priceDimensions") or {}).values():
            if dimension.get("unit") == "Hrs":
                price = _decimal((dimension.get("pricePerUnit") or {}).get("USD"))
                if price is not None:
                    return price
    return None


def _reserved(terms: dict[str, Any], years: int) -> Decimal | None:
    """Effective hourly Standard RI: No Upfront, else Partial, else All Upfront amortised."""
    by_option: dict[str, Decimal] = {}
    for offer in (terms.get("Reserved") or {}).values():
        attributes = offer.get("termAttributes") or {}
        if attributes.get("LeaseContractLength") != f"{years}yr":
            continue
        if str(attributes.get("OfferingClass", "")).lower() != "standard":
            continue
        hourly = Decimal(0)
        for dimension in (offer.get("priceDimensions") or {}).values():
            price = _decimal((dimension.get("pricePerUnit") or {}).get("USD"))
            if price is None:
                continue
            if dimension.get("unit") == "Hrs":
                hourly += price
            elif dimension.get("unit") == "Quantity":
                hourly += price / (8760 * years)
        by_option[str(attributes.get("PurchaseOption"))] = hourly
    for option in ("No Upfront", "Partial Upfront", "All Upfront"):
        if option in by_option and by_option[option] > 0:
            return by_option[option]
    return None


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.quantize(Decimal("0.000001")).normalize(), "f")


def _shipped(name: str) -> dict[str, Json]:
    path = data_dir("pricing") / "aws" / f"{name}.json"
    try:
        data: dict[str, Json] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def _memory(value: Any) -> float | None:
    match = re.match(r"([\d.,]+)", str(value or ""))
    return float(match.group(1).replace(",", "")) if match else None


def refresh(options: RefreshOptions, progress: Progress) -> dict[str, dict[str, Any]]:
    boto3 = sdk("boto3", "aws")
    config_module = sdk("botocore.config", "aws")
    # The SDK's own retries stay on (its defaults, or AWS_MAX_ATTEMPTS / AWS_RETRY_MODE);
    # retrying() adds attempts with backoff on top, for throttling and transient failures.
    config = config_module.Config(
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="aicost-pricing-refresh",
    )
    when = now()
    stamp = when.date().isoformat()
    api_id, spot_id = f"aws-pricing-api-{stamp}", f"aws-spot-history-{stamp}"

    session = boto3.session.Session()  # a fresh session: credentials are resolved now

    def client(service: str, region: str) -> _Client:
        raw = session.client(
            service, region_name=region, endpoint_url=options.endpoint, config=config
        )
        return _Client(raw, f"AWS {service} API ({region})", options, region)

    pricing = client("pricing", PRICING_REGION)
    shipped = _shipped("ec2")
    known_specs: dict[str, Json] = shipped.get("instances") or {}
    instances: dict[str, Json] = {}
    prices: dict[str, dict[str, Json]] = {}
    task = progress.task("EC2 accelerated instance prices")
    regions = options.regions or (None,)
    for region in regions:
        for family in EC2_FAMILIES:
            terms = {
                "instanceFamily": family,
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
                "licenseModel": "No License required",
            }
            if region:
                terms["regionCode"] = region
            for product in _price_list(pricing, "AmazonEC2", _filters(**terms), task):
                attributes = product["product"].get("attributes") or {}
                market = attributes.get("marketoption")
                if market not in (None, "OnDemand"):
                    continue  # capacity-block SKUs
                itype, where = attributes.get("instanceType"), attributes.get("regionCode")
                price = _on_demand(product.get("terms") or {})
                if not itype or not where or price is None or price == 0:
                    continue
                terms_ = product.get("terms") or {}
                row: dict[str, Any] = {
                    "on_demand": _text(price),
                    "spot": None,
                    "reserved_1y": _text(_reserved(terms_, 1)),
                    "reserved_3y": _text(_reserved(terms_, 3)),
                }
                row["basis"] = {c: api_id for c, v in row.items() if v is not None}
                prices.setdefault(str(where), {})[str(itype)] = row
                if itype in known_specs:
                    instances[itype] = known_specs[itype]
                else:
                    count = _decimal(attributes.get("gpu"))
                    instances[itype] = {
                        "family": str(itype).split(".", 1)[0],
                        "vcpu": int(_decimal(attributes.get("vcpu")) or 0) or None,
                        "memory_gib": _memory(attributes.get("memory")),
                        "accelerator": {
                            "name": "unknown",
                            "count": float(count) if count else None,
                            "kind": "gpu" if family == "GPU instance" else "neuron",
                            "memory_gib": None,
                            "vendor": None,
                        },
                    }
    if options.spot and prices:
        spot_task = progress.task("EC2 spot prices", total=len(prices))
        for region, rows in sorted(prices.items()):
            try:
                by_type = _spot_prices(client("ec2", region), sorted(rows))
            except RegionNotEnabled as exc:
                warn(
                    f"{region} skipped for spot prices: this account has not enabled the "
                    f"region ({exc.detail}); its on-demand and reserved prices are kept"
                )
                spot_task.advance()
                continue
            for itype, price in by_type.items():
                rows[itype]["spot"] = _text(price)
                rows[itype]["basis"]["spot"] = spot_id
            spot_task.advance()
    sources = [
        source_entry(
            api_id,
            "AWS Price List Query API pricing:GetProducts (AmazonEC2)",
            when,
            "on_demand, reserved_1y and reserved_3y (Standard, No Upfront or amortised)",
        ),
    ]
    if options.spot:
        sources.append(
            source_entry(
                spot_id,
                "Amazon EC2 DescribeSpotPriceHistory (current price per AZ)",
                when,
                "spot: median of the current prices across availability zones",
            )
        )
    ec2 = {
        "table": "aws-ec2",
        "cloud": "aws",
        "service": "ec2",
        "schema_version": 1,
        "currency": "USD",
        "unit": "hour",
        "as_of": when.date().isoformat(),
        "generated_by": "aicost pricing refresh aws",
        "refreshed": refreshed_block("aws", API, when, options),
        "sources": sources,
        "notes": [
            "Refreshed from the AWS APIs: Linux, shared tenancy, no pre-installed software.",
            "spot is the median of the current spot prices across the region's availability "
            "zones at refresh time; spot prices move, re-run the refresh to update them.",
        ],
        "instances": dict(sorted(instances.items())),
        "prices": {r: dict(sorted(v.items())) for r, v in sorted(prices.items())},
    }
    if isinstance(shipped.get("windows_licence"), dict):
        ec2["windows_licence"] = shipped["windows_licence"]  # with its own provenance
    sagemaker = _sagemaker(pricing, options, progress, when, api_id)
    return {"aws/ec2.json": ec2, "aws/sagemaker.json": sagemaker}


def _spot_prices(ec2: _Client, types: list[str]) -> dict[str, Decimal]:
    samples: dict[str, list[Decimal]] = {}
    for start in range(0, len(types), 100):
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {
                "InstanceTypes": types[start : start + 100],
                "ProductDescriptions": ["Linux/UNIX"],
                "MaxResults": 1000,
            }
            if token:
                kwargs["NextToken"] = token
            response = ec2.call("describe_spot_price_history", **kwargs)
            history = response.get("SpotPriceHistory")
            if not isinstance(history, list):
                raise RefreshError(f"{ec2.what}: no SpotPriceHistory list (malformed)")
            for entry in history:
                price = _decimal(entry.get("SpotPrice"))
                if price is not None and entry.get("InstanceType"):
                    samples.setdefault(str(entry["InstanceType"]), []).append(price)
            token = response.get("NextToken")
            if not token:
                break
    return {t: Decimal(str(statistics.median(v))) for t, v in samples.items() if v}


def _sagemaker(
    pricing: _Client, options: RefreshOptions, progress: Progress, when: Any, api_id: str
) -> dict[str, Any]:
    shipped = _shipped("sagemaker")
    known: dict[str, Json] = shipped.get("instances") or {}
    ec2_specs: dict[str, Json] = _shipped("ec2").get("instances") or {}
    task = progress.task("SageMaker hosting prices")
    prices: dict[str, dict[str, Json]] = {}
    instances: dict[str, Json] = {}
    for region in options.regions or (None,):
        terms = {"productFamily": "ML Instance", "component": "Hosting"}
        if region:
            terms["regionCode"] = region
        for product in _price_list(pricing, "AmazonSageMaker", _filters(**terms), task):
            attributes = product["product"].get("attributes") or {}
            name = str(attributes.get("instanceName") or attributes.get("instanceType") or "")
            where = attributes.get("regionCode")
            price = _on_demand(product.get("terms") or {})
            if not _SAGEMAKER_TYPE.match(name) or not where or not price:
                continue
            prices.setdefault(str(where), {})[name] = {
                "on_demand": _text(price),
                "spot": None,
                "reserved_1y": None,
                "reserved_3y": None,
                "basis": {"on_demand": api_id},
            }
            base = known.get(name) or ec2_specs.get(name[3:])
            if base is not None:
                instances[name] = {**base, "family": name[3:].split(".", 1)[0]}
    return {
        "table": "aws-sagemaker",
        "cloud": "aws",
        "service": "sagemaker",
        "component": "hosting",
        "schema_version": 1,
        "currency": "USD",
        "unit": "hour",
        "as_of": when.date().isoformat(),
        "generated_by": "aicost pricing refresh aws",
        "refreshed": refreshed_block("aws", API, when, options),
        "sources": [
            source_entry(
                api_id,
                "AWS Price List Query API pricing:GetProducts (AmazonSageMaker)",
                when,
                "on_demand (Hosting component)",
            )
        ],
        "notes": ["SageMaker has no spot or reserved hosting prices; Savings Plans not modelled."],
        "instances": dict(sorted(instances.items())),
        "prices": {r: dict(sorted(v.items())) for r, v in sorted(prices.items())},
    }
