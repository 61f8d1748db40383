"""Refresh the GCP tables from the Cloud Billing Catalog API (google-cloud-billing).

``CloudCatalogClient.list_services`` finds Compute Engine and Cloud TPU by display name;
``list_skus`` is paged by hand (one RPC per page, so a throttled page is retried alone).
SKUs are mapped by description and category:

* GPU SKUs (``resource_group`` GPU): the model in the description (``Nvidia H100 80GB GPU
  running in ...``) gives the accelerator type; ``usage_type`` OnDemand / Preemptible (spot) /
  Commit1Yr / Commit3Yr gives the column; ``service_regions`` the regions.
* Host SKUs: ``<Series> Instance Core`` and ``... Ram`` per machine series (A2, A3, G2, N1
  Predefined...); a machine type's host price is ``vCPU x core + GiB x RAM`` for the shapes
  in the shipped table.
* Cloud TPU SKUs: the generation in the description (``TPU v5p``), per chip-hour.

Price per unit = ``units + nanos / 1e9`` of the tier starting at 0.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

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

API = "Google Cloud Billing Catalog API (CloudCatalog.ListSkus)"
COMPUTE = "Compute Engine"
TPU = "Cloud TPU"
COLUMNS = {
    "OnDemand": "on_demand",
    "Preemptible": "spot",
    "Commit1Yr": "committed_1y",
    "Commit3Yr": "committed_3y",
}
#: Description fragments -> accelerator type, most specific first.
GPU_MODELS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bh100\b.*\bmega\b|\bh100 mega\b"), "nvidia-h100-mega-80gb"),
    (re.compile(r"\bh100\b"), "nvidia-h100-80gb"),
    (re.compile(r"\bh200\b"), "nvidia-h200-141gb"),
    (re.compile(r"\bgb200\b"), "nvidia-gb200"),
    (re.compile(r"\bb200\b"), "nvidia-b200"),
    (re.compile(r"\ba100 80gb\b"), "nvidia-a100-80gb"),
    (re.compile(r"\ba100\b"), "nvidia-tesla-a100"),
    (re.compile(r"\bl4\b"), "nvidia-l4"),
    (re.compile(r"\bt4\b"), "nvidia-tesla-t4"),
    (re.compile(r"\bv100\b"), "nvidia-tesla-v100"),
    (re.compile(r"\bp100\b"), "nvidia-tesla-p100"),
    (re.compile(r"\bp4\b"), "nvidia-tesla-p4"),
    (re.compile(r"\bk80\b"), "nvidia-tesla-k80"),
]
_HOST = re.compile(
    r"^(?:spot preemptible |preemptible )?(?:commitment v\d+: )?"
    r"(?P<series>[a-z]\d+[a-z]?(?: (?:mega|ultra|edge))?)(?: predefined)?(?: instance)? "
    r"(?P<what>core|cpu|ram)\b"
)
_TPU = re.compile(r"\btpu[\s-]?(v\d+(?:p|e)?|v5 ?lite(?:pod)?)", re.IGNORECASE)
_SKIP = re.compile(r"virtual workstation|sole tenancy|custom|dws|calendar|reserved", re.I)
Json = Any


def machine_series(machine_type: str) -> str:
    """``a3-megagpu-8g`` -> ``a3 mega``; ``n1-standard-8`` -> ``n1``."""
    family, _, rest = machine_type.partition("-")
    if family == "a3":
        for word in ("mega", "ultra"):
            if rest.startswith(word):
                return f"a3 {word}"
    return family


def _money(sku: Any) -> Decimal | None:
    for info in list(sku.pricing_info)[:1]:
        expression = info.pricing_expression
        tiers = list(expression.tiered_rates)
        if not tiers:
            return None
        tier = next((t for t in tiers if not t.start_usage_amount), tiers[0])
        price = Decimal(int(tier.unit_price.units)) + Decimal(int(tier.unit_price.nanos)) / (
            Decimal(10) ** 9
        )
        unit = str(expression.usage_unit)
        if unit not in ("h", "GiBy.h"):
            return None
        return price
    return None


def _shipped() -> dict[str, Json]:
    path = data_dir("pricing") / "gcp" / "compute.json"
    data: dict[str, Json] = json.loads(path.read_text(encoding="utf-8"))
    return data


class _Catalog:
    def __init__(self, options: RefreshOptions) -> None:
        billing = sdk("google.cloud.billing_v1", "gcp")
        self.exceptions = sdk("google.api_core.exceptions", "gcp")
        self.decode_error = sdk("google.protobuf.message", "gcp").DecodeError
        auth_exceptions = sdk("google.auth.exceptions", "gcp")
        self.options = options
        try:
            self.client = self._client(billing, options)
        except auth_exceptions.DefaultCredentialsError:
            raise PricingError(
                "Cloud Billing Catalog API: no Google credentials; run `gcloud auth "
                "application-default login` or pass --api-key (the Cloud Billing API must be "
                "enabled in a project)"
            ) from None
        self.types = billing

    @staticmethod
    def _client(billing: Any, options: RefreshOptions) -> Any:
        if options.endpoint:
            grpc = sdk("grpc", "gcp")
            credentials = sdk("google.auth.credentials", "gcp")
            target = options.endpoint.removeprefix("http://").removeprefix("grpc://")
            # gRPC takes no credentials in a target: drop any (user:password@) so that no
            # error message can show them.
            host, slash, rest = target.partition("/")
            target = host.rpartition("@")[2] + slash + rest
            transports = sdk("google.cloud.billing_v1.services.cloud_catalog.transports", "gcp")
            transport = transports.CloudCatalogGrpcTransport(
                channel=grpc.insecure_channel(target),
                credentials=credentials.AnonymousCredentials(),
            )
            return billing.CloudCatalogClient(transport=transport)
        if options.api_key:
            return billing.CloudCatalogClient(client_options={"api_key": options.api_key})
        return billing.CloudCatalogClient()

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        exc_mod = self.exceptions

        def once() -> Any:
            try:
                return fn()
            except (
                exc_mod.ResourceExhausted,
                exc_mod.TooManyRequests,
                exc_mod.ServiceUnavailable,
                exc_mod.InternalServerError,
                exc_mod.DeadlineExceeded,
            ) as exc:
                if "deserializ" in str(exc.message).lower():
                    raise RefreshError(
                        f"{what}: malformed response (the reply could not be decoded as a "
                        "Cloud Billing message)"
                    ) from None
                # throttling, or a transient failure: the shared helper tries again
                raise Throttled(f"{type(exc).__name__}: {exc.message}") from None
            except exc_mod.GoogleAPICallError as exc:
                if "deserializ" in str(exc.message).lower():
                    raise RefreshError(
                        f"{what}: malformed response (the reply could not be decoded as a "
                        "Cloud Billing message)"
                    ) from None
                detail = " ".join(str(exc.message).split())[:200]
                raise RefreshError(f"{what}: {type(exc).__name__}: {detail}") from None
            except exc_mod.RetryError as exc:
                raise RefreshError(f"{what}: {exc}") from None
            except self.decode_error as exc:
                raise RefreshError(f"{what}: malformed response ({exc})") from None

        return retrying(once, what=what, options=self.options)

    def pages(self, what: str, method: str, request: dict[str, Any], field: str) -> Iterator[Any]:
        token = ""
        page = 0
        while True:
            page += 1
            body = {**request, "page_token": token}
            call: Callable[..., Any] = getattr(self.client, method)

            def fetch(call: Callable[..., Any] = call, body: dict[str, Any] = body) -> Any:
                return call(request=body, retry=None, timeout=120)

            response = self._call(f"{what} page {page}", fetch)
            try:
                items = list(getattr(response, field))
                token = str(response.next_page_token)
            except (AttributeError, TypeError) as exc:
                raise RefreshError(f"{what} page {page}: malformed response ({exc})") from None
            yield from items
            if not token:
                return

    def services(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for service in self.pages(
            "Cloud Billing ListServices", "list_services", {"page_size": 5000}, "services"
        ):
            found[str(service.display_name)] = str(service.name)
        return found


#: region -> GPU kind -> column -> price per device hour
_GpuRates = dict[str, dict[str, dict[str, Decimal]]]
#: region -> machine series -> core/ram -> column -> price per vCPU or GiB hour
_HostRates = dict[str, dict[str, dict[str, dict[str, Decimal]]]]


def _sku(
    sku: Any, wanted_regions: set[str], gpu: _GpuRates, host: _HostRates, skipped: set[str]
) -> None:
    """File one Compute Engine SKU's price: a GPU by kind, a host core or RAM by series
    (the first price seen for a cell wins); a GPU of a model aicost does not know is
    *skipped*."""
    category = sku.category
    column = COLUMNS.get(str(category.usage_type))
    description = str(sku.description)
    if column is None or _SKIP.search(description):
        return
    price = _money(sku)
    regions = [r for r in sku.service_regions if not wanted_regions or r in wanted_regions]
    if price is None or not regions:
        return
    lowered = description.lower()
    if str(category.resource_group) == "GPU":
        kind = next((k for p, k in GPU_MODELS if p.search(lowered)), None)
        if kind is None:
            skipped.add(description)
            return
        for region in regions:
            gpu.setdefault(region, {}).setdefault(kind, {}).setdefault(column, price)
        return
    match = _HOST.match(lowered)
    if match is None:
        return
    part = "ram" if match.group("what") == "ram" else "core"
    for region in regions:
        host.setdefault(region, {}).setdefault(match.group("series"), {}).setdefault(
            part, {}
        ).setdefault(column, price)


def _host_prices(host: _HostRates, shipped: Json, source_id: str) -> dict[str, dict[str, Json]]:
    """Each shipped machine type's host price: vCPU x core SKU + GiB x RAM SKU."""
    prices: dict[str, dict[str, Json]] = {}
    for region, series_rates in host.items():
        for machine, spec in shipped["instances"].items():
            rates = series_rates.get(machine_series(machine))
            if not rates or "core" not in rates or "ram" not in rates:
                continue
            row: dict[str, Json] = {}
            for column in COLUMNS.values():
                core, ram = rates["core"].get(column), rates["ram"].get(column)
                if core is None or ram is None:
                    row[column] = None
                    continue
                value = core * Decimal(str(spec["vcpu"])) + ram * Decimal(str(spec["memory_gib"]))
                row[column] = _text(value)
            row["basis"] = {c: source_id for c, v in row.items() if v is not None}
            if any(v is not None for k, v in row.items() if k != "basis"):
                prices.setdefault(region, {})[machine] = row
    return prices


def _accelerator_prices(gpu: _GpuRates, source_id: str) -> dict[str, Json]:
    """region -> kind -> column -> price per device (text), with its basis."""
    accelerator_prices = {
        region: {
            kind: {
                **{c: _text(by_column.get(c)) for c in COLUMNS.values()},
                "basis": dict.fromkeys(by_column, source_id),
            }
            for kind, by_column in sorted(kinds.items())
        }
        for region, kinds in sorted(gpu.items())
    }
    return accelerator_prices


def _compute_skus(
    catalog: _Catalog, service: str, wanted_regions: set[str], progress: Progress
) -> tuple[_GpuRates, _HostRates, set[str]]:
    """(GPU rates, host rates, unknown GPU SKUs skipped) of every Compute Engine SKU."""
    gpu: _GpuRates = {}
    host: _HostRates = {}
    skipped: set[str] = set()
    task = progress.task("Compute Engine SKUs")
    for sku in catalog.pages(
        f"Cloud Billing ListSkus ({COMPUTE})",
        "list_skus",
        {"parent": service, "currency_code": "USD", "page_size": 5000},
        "skus",
    ):
        task.advance()
        _sku(sku, wanted_regions, gpu, host, skipped)
    return gpu, host, skipped


def refresh(options: RefreshOptions, progress: Progress) -> dict[str, dict[str, Any]]:
    # gRPC logs decode failures itself; the one-line error below says it all.
    logging.getLogger("grpc").addHandler(logging.NullHandler())
    catalog = _Catalog(options)
    when = now()
    source_id = f"gcp-billing-catalog-{when.date().isoformat()}"
    services = catalog.services()
    if COMPUTE not in services:
        raise RefreshError(
            f"Cloud Billing Catalog: no {COMPUTE!r} service in ListServices (malformed response)"
        )
    shipped = _shipped()
    wanted_regions = set(options.regions)

    gpu, host, skipped = _compute_skus(catalog, services[COMPUTE], wanted_regions, progress)
    prices = _host_prices(host, shipped, source_id)
    accelerator_prices = _accelerator_prices(gpu, source_id)
    notes = [
        "Refreshed from the Cloud Billing Catalog API. prices are host-only (vCPU x core SKU + "
        "GiB x RAM SKU); accelerator_prices per device; spot = usage_type Preemptible, "
        "committed = Commit1Yr / Commit3Yr.",
    ]
    if skipped:
        notes.append(
            f"{len(skipped)} GPU SKUs of models aicost does not know were skipped, e.g. "
            f"{sorted(skipped)[0]!r}."
        )
    compute = {
        **{k: shipped[k] for k in ("instances", "accelerators", "sustained_use")},
        "table": "gcp-compute",
        "cloud": "gcp",
        "service": "compute",
        "layout": "gcp-compute",
        "schema_version": 1,
        "currency": "USD",
        "unit": "hour",
        "as_of": when.date().isoformat(),
        "generated_by": "aicost pricing refresh gcp",
        "refreshed": refreshed_block("gcp", API, when, options),
        "sources": [
            source_entry(
                source_id,
                f"{API}, service {services[COMPUTE]}",
                when,
                "host core/RAM and GPU SKUs: on-demand, spot, 1- and 3-year commitments",
            ),
            *[s for s in shipped["sources"] if s.get("id") == "gcp-sud-doc"],
        ],
        "notes": notes,
        "prices": {r: dict(sorted(v.items())) for r, v in sorted(prices.items())},
        "accelerator_prices": accelerator_prices,
    }
    documents: dict[str, dict[str, Any]] = {"gcp/compute.json": compute}
    if TPU in services:
        documents["gcp/tpu.json"] = _tpu(
            catalog, services[TPU], options, progress, when, source_id, wanted_regions
        )
    return documents


def _tpu(
    catalog: _Catalog,
    service: str,
    options: RefreshOptions,
    progress: Progress,
    when: Any,
    source_id: str,
    wanted: set[str],
) -> dict[str, Any]:
    shipped = json.loads((data_dir("pricing") / "gcp" / "tpu.json").read_text(encoding="utf-8"))
    rates: dict[str, dict[str, dict[str, Decimal]]] = {}
    task = progress.task("Cloud TPU SKUs")
    for sku in catalog.pages(
        f"Cloud Billing ListSkus ({TPU})",
        "list_skus",
        {"parent": service, "currency_code": "USD", "page_size": 5000},
        "skus",
    ):
        task.advance()
        column = COLUMNS.get(str(sku.category.usage_type))
        match = _TPU.search(str(sku.description))
        price = _money(sku)
        if column is None or match is None or price is None:
            continue
        generation = match.group(1).lower().replace(" ", "")
        if generation.startswith("v5lite"):
            generation = "v5e"
        for region in sku.service_regions:
            if wanted and region not in wanted:
                continue
            rates.setdefault(region, {}).setdefault(generation, {}).setdefault(column, price)
    prices = {
        region: {
            gen: {
                **{c: _text(by_column.get(c)) for c in COLUMNS.values()},
                "basis": dict.fromkeys(by_column, source_id),
            }
            for gen, by_column in sorted(gens.items())
        }
        for region, gens in sorted(rates.items())
    }
    return {
        "table": "gcp-tpu",
        "cloud": "gcp",
        "service": "tpu",
        "layout": "gcp-tpu",
        "schema_version": 1,
        "currency": "USD",
        "unit": "chip-hour",
        "as_of": when.date().isoformat(),
        "generated_by": "aicost pricing refresh gcp",
        "refreshed": refreshed_block("gcp", API, when, options),
        "sources": [
            source_entry(source_id, f"{API}, service {service}", when, "TPU per chip-hour")
        ],
        "notes": ["Refreshed from the Cloud Billing Catalog API (Cloud TPU), per chip-hour."],
        "generations": shipped["generations"],
        "instances": {},
        "prices": prices,
    }


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.quantize(Decimal("0.000001")).normalize(), "f")
