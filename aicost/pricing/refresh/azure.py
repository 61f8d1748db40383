"""Refresh the Azure table: the Retail Prices API for list, spot and reservation prices, and
(with ``--subscription``) azure-mgmt-consumption's price sheet for negotiated prices.

Retail Prices API: plain HTTPS GET, no credentials, OData ``$filter``, pages of up to 1,000
``Items`` linked by ``NextPageLink``. Rows are classified as Microsoft's own tooling does:
a ``productName`` ending `` Windows`` is Windows, a ``skuName`` ending `` Spot`` is spot, a
``meterName`` ending `` Low Priority`` is Batch-only and skipped, ``type == Reservation``
carries the whole-term price (divided by 8,760 or 26,280 hours), and ``savingsPlan`` (API
version 2023-01-01-preview) the savings-plan hourly rates.

Price sheet: ``ConsumptionManagementClient.price_sheet.get(expand="properties/meterDetails")``
paged by ``skiptoken``; a VM meter's negotiated ``unitPrice`` replaces the pay-as-you-go
price of the size and region whose retail meter has the same name and location, and the list
price is kept as ``list_on_demand``.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from typing import Any

from aicost import __version__
from aicost.core.data import data_dir
from aicost.core.errors import PricingError
from aicost.pricing.refresh import (
    Progress,
    RefreshError,
    RefreshOptions,
    Throttled,
    now,
    refreshed_block,
    retrying,
    sdk,
    source_entry,
)

API = "Azure Retail Prices API (prices.azure.com/api/retail/prices)"
DEFAULT_ENDPOINT = "https://prices.azure.com"
API_VERSION = "2023-01-01-preview"
_SKU = re.compile(r"^Standard_N", re.IGNORECASE)
TERM_HOURS = {"1 Year": (1, Decimal(8760)), "3 Years": (3, Decimal(26280))}
Json = Any


def retail_url(endpoint: str, regions: tuple[str, ...]) -> str:
    clauses = ["serviceName eq 'Virtual Machines'", "contains(armSkuName, 'Standard_N')"]
    if len(regions) == 1:
        clauses.append(f"armRegionName eq '{regions[0]}'")
    query = urllib.parse.urlencode(
        {"api-version": API_VERSION, "$filter": " and ".join(clauses)}, quote_via=urllib.parse.quote
    )
    return f"{endpoint.rstrip('/')}/api/retail/prices?{query}"


def _get(url: str, what: str, options: RefreshOptions) -> dict[str, Any]:
    def once() -> dict[str, Any]:
        request = urllib.request.Request(
            url, headers={"User-Agent": f"aicost/{__version__}", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:  # throttling or a transient failure
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                try:
                    wait = float(retry_after) if retry_after else None
                except ValueError:
                    wait = None
                raise Throttled(f"HTTP {exc.code}", wait) from None
            raise RefreshError(f"{what}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RefreshError(f"{what}: cannot connect: {reason}") from None
        try:
            document = json.loads(body)
        except json.JSONDecodeError as exc:
            raise RefreshError(f"{what}: malformed JSON ({exc.msg} at byte {exc.pos})") from None
        except ValueError as exc:
            raise RefreshError(f"{what}: malformed response ({exc})") from None
        if not isinstance(document, dict) or not isinstance(document.get("Items"), list):
            raise RefreshError(f"{what}: malformed response (no Items list)")
        return document

    return retrying(once, what=what, options=options)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.quantize(Decimal("0.000001")).normalize(), "f")


def _savings_plans(item: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """(column, hourly rate) of each savings plan term listed with a Linux price."""
    found: list[tuple[str, Decimal]] = []
    for plan in item.get("savingsPlan") or ():
        if isinstance(plan, dict):
            term = TERM_HOURS.get(str(plan.get("term")))
            rate = _decimal(plan.get("retailPrice"))
            if term is not None and rate is not None:
                found.append((f"savings_plan_{term[0]}y", rate))
    return found


def classify(item: dict[str, Any]) -> list[tuple[str, Decimal]]:
    """(column, hourly price) pairs for one Retail Prices item; [] to skip it."""
    price = _decimal(item.get("retailPrice"))
    if price is None or item.get("currencyCode", "USD") != "USD":
        return []
    meter = str(item.get("meterName") or "")
    sku_name = str(item.get("skuName") or "")
    product = str(item.get("productName") or "")
    kind = str(item.get("type") or "")
    if meter.endswith(" Low Priority") or kind == "DevTestConsumption":
        return []
    windows = product.endswith(" Windows")
    prefix = "windows_" if windows else ""
    if kind == "Reservation":
        term = TERM_HOURS.get(str(item.get("reservationTerm")))
        if term is None or windows:
            return []
        return [(f"reserved_{term[0]}y", price / term[1])]
    if kind != "Consumption" or str(item.get("unitOfMeasure")) != "1 Hour":
        return []
    if sku_name.endswith(" Spot") or meter.endswith(" Spot"):
        return [(f"{prefix}spot", price)]
    found = [(f"{prefix}on_demand", price)]
    if not windows:
        found += _savings_plans(item)
    return found


COLUMNS = (
    "on_demand",
    "spot",
    "reserved_1y",
    "reserved_3y",
    "savings_plan_1y",
    "savings_plan_3y",
    "windows_on_demand",
    "windows_spot",
)


#: region -> VM size -> column -> price
_Rows = dict[str, dict[str, dict[str, Decimal]]]


def _file_items(
    items: Any,
    page: int,
    options: RefreshOptions,
    rows: _Rows,
    meters: dict[tuple[str, str], tuple[str, str]],
) -> None:
    """One page's price items into *rows* (the first price of a cell wins), and the meters
    of Linux consumption prices into *meters* (for the price sheet)."""
    for item in items:
        if not isinstance(item, dict):
            raise RefreshError(f"Azure Retail Prices API page {page}: an item is not an object")
        sku = str(item.get("armSkuName") or "").strip()
        region = str(item.get("armRegionName") or "").strip()
        if not _SKU.match(sku) or not region:
            continue
        if options.regions and region not in options.regions:
            continue
        for column, price in classify(item):
            rows.setdefault(region, {}).setdefault(sku, {}).setdefault(column, price)
        if item.get("type") == "Consumption" and not str(item.get("productName", "")).endswith(
            " Windows"
        ):
            meters[(str(item.get("meterName")), str(item.get("location")))] = (sku, region)


def _same_origin(next_link: str, origin: urllib.parse.SplitResult, page: int) -> None:
    """Refuse a NextPageLink to another host than the endpoint's."""
    parts = urllib.parse.urlsplit(next_link)
    if (parts.scheme, parts.hostname, parts.port) != (
        origin.scheme,
        origin.hostname,
        origin.port,
    ) and not (parts.hostname == origin.hostname == "prices.azure.com"):
        raise RefreshError(
            f"Azure Retail Prices API page {page}: NextPageLink points to another host "
            f"({parts.hostname}); refusing to follow it"
        )


def _vm_prices(
    rows: _Rows,
    negotiated: dict[tuple[str, str], tuple[Decimal, str]],
    known: dict[str, Json],
    retail_id: str,
) -> tuple[dict[str, dict[str, Json]], dict[str, Json]]:
    """(prices, instances) of the table; a negotiated price replaces the retail on_demand,
    which is kept as list_on_demand."""
    prices: dict[str, dict[str, Json]] = {}
    instances: dict[str, Json] = {}
    for region, by_sku in sorted(rows.items()):
        for sku, columns in sorted(by_sku.items()):
            row: dict[str, Json] = {c: _text(columns.get(c)) for c in COLUMNS}
            basis = {c: retail_id for c in COLUMNS if row[c] is not None}
            deal = negotiated.get((sku, region))
            if deal is not None:
                row["list_on_demand"] = row["on_demand"]
                basis["list_on_demand"] = retail_id
                row["on_demand"] = _text(deal[0])
                basis["on_demand"] = deal[1]
            row["basis"] = basis
            prices.setdefault(region, {})[sku] = row
            instances[sku] = known.get(sku) or {"family": sku.lower()}
    return prices, instances


def _retail_rows(
    options: RefreshOptions, progress: Progress
) -> tuple[_Rows, dict[tuple[str, str], tuple[str, str]]]:
    """(rows, Linux consumption meters) from every page of the Retail Prices API."""
    endpoint = options.endpoint or DEFAULT_ENDPOINT
    origin = urllib.parse.urlsplit(endpoint)
    url: str | None = retail_url(endpoint, options.regions)
    task = progress.task("Azure retail prices")
    rows: dict[str, dict[str, dict[str, Decimal]]] = {}
    meters: dict[tuple[str, str], tuple[str, str]] = {}
    page = 0
    while url:
        page += 1
        document = _get(url, f"Azure Retail Prices API page {page}", options)
        items = document["Items"]
        _file_items(items, page, options, rows, meters)
        task.advance(len(items))
        next_link = document.get("NextPageLink")
        if next_link:
            _same_origin(str(next_link), origin, page)
        url = str(next_link) if next_link else None
    return rows, meters


def refresh(options: RefreshOptions, progress: Progress) -> dict[str, dict[str, Any]]:
    when = now()
    stamp = when.date().isoformat()
    retail_id = f"azure-retail-api-{stamp}"
    rows, meters = _retail_rows(options, progress)
    sources = [
        source_entry(
            retail_id,
            f"{API}, api-version {API_VERSION}",
            when,
            "on_demand, spot, reserved (whole-term price / hours), savings plans, Windows",
        )
    ]
    negotiated: dict[tuple[str, str], tuple[Decimal, str]] = {}
    if options.subscription:
        sheet_id = f"azure-price-sheet-{stamp}"
        negotiated = _price_sheet(options, progress, meters, sheet_id)
        sources.append(
            source_entry(
                sheet_id,
                "Azure Consumption API price sheet (azure-mgmt-consumption, "
                f"subscription {options.subscription})",
                when,
                "on_demand: the subscription's negotiated unit prices",
            )
        )

    shipped = json.loads((data_dir("pricing") / "azure" / "vm.json").read_text(encoding="utf-8"))
    known: dict[str, Json] = shipped.get("instances") or {}
    prices, instances = _vm_prices(rows, negotiated, known, retail_id)
    return {
        "azure/vm.json": {
            "table": "azure-vm",
            "cloud": "azure",
            "service": "vm",
            "layout": "azure-vm",
            "schema_version": 1,
            "currency": "USD",
            "unit": "hour",
            "as_of": stamp,
            "generated_by": "aicost pricing refresh azure",
            "refreshed": refreshed_block("azure", API, when, options),
            "sources": sources,
            "notes": [
                "Refreshed from the Azure Retail Prices API: Standard_N* sizes (GPU, FPGA, "
                "media). reserved_* are whole-term reservation prices / 8,760 or 26,280 hours.",
                *(
                    [
                        "on_demand is the subscription's negotiated price where its price sheet "
                        "has the meter; list_on_demand keeps the retail price."
                    ]
                    if negotiated
                    else []
                ),
            ],
            "instances": dict(sorted(instances.items())),
            "prices": prices,
        }
    }


def _consumption_client(options: RefreshOptions) -> tuple[Any, dict[str, Any], Any]:
    """(the Consumption API client, options for each call, azure.core.exceptions)."""
    consumption = sdk("azure.mgmt.consumption", "azure")
    logging.getLogger("azure").addHandler(logging.NullHandler())
    core_exceptions = sdk("azure.core.exceptions", "azure")
    credential = options.extras.get("azure_credential")
    if credential is None:
        identity = sdk("azure.identity", "azure")
        credential = identity.DefaultAzureCredential()
    kwargs: dict[str, Any] = {}
    call_options: dict[str, Any] = {}
    if options.extras.get("consumption_endpoint"):
        kwargs["base_url"] = options.extras["consumption_endpoint"]
        host = urllib.parse.urlsplit(kwargs["base_url"]).hostname
        if host in ("127.0.0.1", "localhost", "::1"):
            call_options["enforce_https"] = False  # a loopback test server speaks plain HTTP
    client = consumption.ConsumptionManagementClient(credential, options.subscription, **kwargs)
    return client, call_options, core_exceptions


def _file_sheet(
    sheets: list[Any],
    meters: dict[tuple[str, str], tuple[str, str]],
    sheet_id: str,
    found: dict[tuple[str, str], tuple[Decimal, str]],
) -> None:
    """The negotiated hourly price of each VM meter on one page of the price sheet."""
    for entry in sheets:
        details = getattr(entry, "meter_details", None)
        if details is None or str(details.meter_category) != "Virtual Machines":
            continue
        key = meters.get((str(details.meter_name), str(details.meter_location)))
        price = _decimal(getattr(entry, "unit_price", None))
        if key is None or price is None:
            continue
        unit = str(getattr(entry, "unit_of_measure", "1 Hour"))
        hours = re.match(r"(\d+)\s*Hours?", unit)
        if hours:
            price /= Decimal(hours.group(1))
        found[key] = (price, sheet_id)


def _price_sheet(
    options: RefreshOptions,
    progress: Progress,
    meters: dict[tuple[str, str], tuple[str, str]],
    sheet_id: str,
) -> dict[tuple[str, str], tuple[Decimal, str]]:
    client, call_options, core_exceptions = _consumption_client(options)
    what = "Azure Consumption price sheet"
    found: dict[tuple[str, str], tuple[Decimal, str]] = {}
    token: str | None = None
    page = 0
    task = progress.task("Azure price sheet")
    while True:
        page += 1

        def once(token: str | None = token, page: int = page) -> Any:
            try:
                return client.price_sheet.get(
                    expand="properties/meterDetails", skiptoken=token, top=1000, **call_options
                )
            except core_exceptions.HttpResponseError as exc:
                if exc.status_code == 429 or (exc.status_code or 0) >= 500:
                    raise Throttled(f"HTTP {exc.status_code}") from None
                message = " ".join(str(exc.message or exc).split())[:200]
                raise RefreshError(f"{what}: HTTP {exc.status_code}: {message}") from None
            except core_exceptions.ClientAuthenticationError as exc:
                raise PricingError(f"{what}: authentication failed: {exc.message}") from None
            except core_exceptions.AzureError as exc:
                raise RefreshError(f"{what}: {type(exc).__name__}: {exc}") from None
            except (ValueError, TypeError, KeyError) as exc:
                raise RefreshError(f"{what} page {page}: malformed response ({exc})") from None

        result = retrying(once, what=f"{what} page {page}", options=options)
        model = getattr(result, "properties", None)
        sheets = getattr(model, "pricesheets", None)
        if model is None or not isinstance(sheets, list):
            raise RefreshError(f"{what} page {page}: malformed response (no pricesheets)")
        _file_sheet(sheets, meters, sheet_id, found)
        task.advance(len(sheets))
        next_link = getattr(model, "next_link", None)
        if not next_link:
            return found
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(str(next_link)).query)
        tokens = query.get("$skiptoken") or query.get("skiptoken")
        if not tokens:
            return found
        token = tokens[0]
