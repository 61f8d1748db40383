"""Token pricing: what an LLM workload costs a month, per 1,000 requests and per 1,000 tokens.

Prices come from the ``llm-tokens`` table (``pricing/llm/tokens.json``, built from a pinned
LiteLLM release plus providers' pages by ``scripts/build_llm_pricing.py``), keyed by provider
and model. A workload's monthly input tokens are split into fresh input, cached reads
(``cached_input_share``) and cache writes (``cache_write_share``); a ``batch_share`` of the
traffic goes through the provider's batch API at its batch prices; ``service_tier``
(``priority``, ``flex``) and prompts longer than a model's long-context threshold (200k, 272k
tokens...) use those columns. Azure OpenAI deployments are priced by deployment type: Global
rows as they are, Data Zone and Regional (Standard) ones from their own rows or the Global row
times the table's dated uplift for the region.

**Name resolution never picks another version.** A dated model (``gpt-4o-2024-05-13``,
``claude-opus-4-1-20250805``) matches only that date; a versioned one (``titan-embed-text-v2``)
only that version; an undated alias matches its own row, else the newest dated snapshot (what
the provider's alias points to, and the costing says so). A model the table does not know, a
row whose source gives no price (a zero there means unknown), or a workload whose volume is
not known is unpriced with the reason, never $0. A model past its retirement date is priced
with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from aicost.core.errors import PricingError
from aicost.core.model import (
    AzureDeploymentType,
    Costing,
    CostLine,
    Deployment,
    LlmUsage,
    PricedWorkload,
    PurchaseOption,
)
from aicost.pricing.catalog import PriceBook, PriceTable, TableInfo

CLOUD = "llm"
SERVICE = "tokens"
MILLION = Decimal(1_000_000)
TIERS = ("standard", "priority", "flex")

#: How users name providers -> the table's provider key.
PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "azure": "azure",
    "azure-openai": "azure",
    "azure_openai": "azure",
    "azureopenai": "azure",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
    "google-ai": "google",
    "vertex": "vertex_ai",
    "vertex_ai": "vertex_ai",
    "vertex-ai": "vertex_ai",
    "vertexai": "vertex_ai",
    "gcp": "vertex_ai",
    "bedrock": "bedrock",
    "aws": "bedrock",
    "aws-bedrock": "bedrock",
    "amazon-bedrock": "bedrock",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "xai": "xai",
}

#: Bedrock cross-region inference profiles (``us.anthropic...``) and Azure Data Zone paths.
_GEO = re.compile(r"^(us|eu|apac|au|jp|ca|global)\.")
_GEO_PATHS = frozenset({"us", "eu", "apac", "global", "global-standard"})
_VENDOR = re.compile(
    r"^(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|google|twelvelabs)\."
)
_REVISION = re.compile(r":\d+$")
_API_VERSION = re.compile(r"-(v\d+)$")
#: A date or release stamp at the end: -20250805, -2024-05-13, @20250929, -0613, -2411.
_STAMP = re.compile(r"[-@](\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$")
_ALIAS = re.compile(r"[-@](latest|default)$")
#: A cloud region in a row's path (``bedrock/us-gov-east-1/...``, ``bedrock/eu-central-1/...``).
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def provider_key(provider: str) -> str:
    return PROVIDERS.get(provider.strip().lower(), provider.strip().lower())


@dataclass(frozen=True, slots=True)
class ModelId:
    """A model name taken apart: ``us.anthropic.claude-3-7-sonnet-20250219-v1:0`` is stem
    ``claude-3-7-sonnet``, stamp ``20250219``, version ``v1``, geo ``us``."""

    stem: str
    stamp: str | None = None
    version: str | None = None
    geo: str | None = None
    #: A path before the name that pins the row to a region (``us-gov-east-1/...``).
    pinned: str | None = None


def parse_model(name: str) -> ModelId:
    value = name.strip().lower()
    *path, last = value.split("/")
    geo = None
    pinned = None
    path = [part for part in path if part not in PROVIDERS]
    if path and path[-1] in _GEO_PATHS:
        geo = "global" if path[-1].startswith("global") else path[-1]
        path = path[:-1]
    if path and _REGION.match(path[0]):
        pinned = path[0]
        path = path[1:]
    if path:  # a publisher or product path is part of the name (meta/llama..., claude_platform/)
        last = "/".join([*path, last])
    found = _GEO.match(last)
    if found:
        geo = found.group(1)
        last = last[found.end() :]
    last = _VENDOR.sub("", last)
    revision = _REVISION.search(last)
    last = _REVISION.sub("", last)
    version = None
    stamp = None
    found = _API_VERSION.search(last)
    if found:
        version = found.group(1)
        last = last[: found.start()]
        if revision and revision.group(0) != ":0":  # claude-v2:1 is Claude 2.1, not 2.0
            version += revision.group(0)
    last = _ALIAS.sub("", last)
    found = _STAMP.search(last)
    if found:
        stamp = found.group(1).replace("-", "")
        last = last[: found.start()]
    stem = last.replace(".", "-").replace("_", "-")
    return ModelId(stem, stamp, version, geo, pinned)


def model_family(name: str) -> str:
    """The model without region, vendor, date or version: what a policy's ``gpt-4o`` names
    (``gpt-4o-2024-05-13`` and ``us.anthropic.claude-3-7-sonnet-20250219-v1:0`` are in the
    families ``gpt-4o`` and ``claude-3-7-sonnet``)."""
    return parse_model(name).stem


def normalise_model(name: str) -> str:
    """A comparable spelling that keeps the version: ``claude-sonnet-4.5`` ->
    ``claude-sonnet-4-5``; ``us.anthropic.claude-3-7-sonnet-20250219-v1:0`` ->
    ``claude-3-7-sonnet-20250219``."""
    parsed = parse_model(name)
    text = parsed.stem + (f"-{parsed.stamp}" if parsed.stamp else "")
    return text + (f"-{parsed.version}" if parsed.version and parsed.version != "v1" else "")


class TokenTable(PriceTable):
    """The ``llm-tokens`` layout: rows per provider and model, plus the Azure OpenAI
    deployment-type uplifts (``azure_deployment_types``)."""

    def __init__(
        self,
        info: TableInfo,
        instances: Mapping[str, Any],
        prices: Mapping[str, Any],
        deployment_types: Mapping[str, Any],
    ):
        super().__init__(info, instances, prices)
        self.deployment_types = deployment_types
        self._parsed: dict[str, list[tuple[ModelId, str]]] = {}
        self._lowered: dict[str, dict[str, str]] = {}

    @classmethod
    def from_document(cls, info: TableInfo, document: Mapping[str, Any]) -> PriceTable:
        return cls(info, {}, document["prices"], document.get("azure_deployment_types") or {})

    def parsed(self, provider: str) -> list[tuple[ModelId, str]]:
        if provider not in self._parsed:
            rows = self.rows(provider) or {}
            self._parsed[provider] = [(parse_model(name), name) for name in rows]
        return self._parsed[provider]

    def lowered(self, provider: str) -> Mapping[str, str]:
        """Lower-case row name -> row name, for case-insensitive exact matches."""
        if provider not in self._lowered:
            self._lowered[provider] = {name.lower(): name for name in self.rows(provider) or {}}
        return self._lowered[provider]


_KINDS = ("cache_write_1h", "cache_write", "cache_read", "input", "output")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """A model's row in the token table, the key it was found under, and how its prices are
    adjusted (an Azure deployment type's uplift)."""

    provider: str
    model: str
    key: str
    row: Mapping[str, Any]
    table: PriceTable
    uplift: Decimal = Decimal(1)
    uplift_basis: str | None = None
    notes: tuple[str, ...] = field(default=())
    #: Uplifts that differ by price kind (``input``, ``output``, ``cache_read``...).
    column_uplift: Mapping[str, Decimal] = field(default_factory=dict)
    #: Why the price is an estimate (an uplift measured elsewhere), if it is one.
    estimate: str | None = None

    def price(self, column: str) -> Decimal | None:
        """A token price; a negative or non-numeric one is a bad table (exit 2, naming it)."""
        value = self.row.get(column)
        if value is None:
            return None
        try:
            found = Decimal(str(value))
        except InvalidOperation:
            found = Decimal("NaN")
        if not found.is_finite() or found < 0:
            raise PricingError(
                f"{self.provider} {self.key}: {column} price {value!r} is negative or not a number",
                path=self.table.info.path,
            )
        kind = next((k for k in _KINDS if column.startswith(k)), column)
        return found * self.column_uplift.get(kind, self.uplift)

    @property
    def deprecation_date(self) -> str | None:
        value = self.row.get("deprecation_date")
        return str(value) if value else None

    @property
    def basis(self) -> str:
        """The source ids of the price (``litellm-1.110.2 + infracost-golden-2025-12-01``), or
        ``estimate: ...`` with the reason."""
        basis = str(self.row.get("basis") or self.table.info.id)
        if self.estimate:
            return f"estimate: {basis} x {self.uplift.normalize():f}, {self.estimate}"
        adjusted = bool(self.column_uplift) or self.uplift != 1
        if adjusted and self.uplift_basis and self.uplift_basis != basis:
            basis += f" + {self.uplift_basis}"
        return basis

    def basis_of(self, column: str | None) -> str:
        """The basis of one column: a column read from a provider's page names that page."""
        own = (self.row.get("column_basis") or {}).get(column) if column else None
        return str(own) if own else self.basis

    @property
    def unpriced(self) -> str | None:
        value = self.row.get("unpriced")
        return str(value) if value else None


_Candidates = list[tuple[ModelId, str]]


def _by_version(wanted: ModelId, candidates: _Candidates) -> tuple[_Candidates, str | None]:
    """The candidates of the version named (or the unversioned ones), or why none is."""
    if wanted.version is not None:
        candidates = [c for c in candidates if (c[0].version or "v1") == wanted.version]
    elif any(c[0].version is None for c in candidates):
        candidates = [c for c in candidates if c[0].version is None]
    else:
        versions = sorted({c[0].version or "" for c in candidates})
        if len(versions) > 1:
            return [], f"ambiguous version: name one of {', '.join(versions)}"
    if not candidates:
        return [], "that version is not in the table"
    return candidates, None


def _by_stamp(
    wanted: ModelId, candidates: _Candidates
) -> tuple[_Candidates, str | None, str | None]:
    """(the candidates of the date named, else the undated or newest ones; note; why none)."""
    if wanted.stamp is not None:
        candidates = [c for c in candidates if c[0].stamp == wanted.stamp]
        if not candidates:
            return [], None, f"dated version {wanted.stamp} is not in the table"
        return candidates, None, None
    undated = [c for c in candidates if c[0].stamp is None]
    if undated:
        return undated, None, None
    newest = max(c[0].stamp or "" for c in candidates)
    candidates = [c for c in candidates if c[0].stamp == newest]
    return candidates, f"an undated alias: priced as its newest snapshot {newest}", None


def _by_geo(wanted: ModelId, candidates: _Candidates, note: str | None) -> tuple[str, str | None]:
    """(the row of the wanted geography, else global or in-region, shortest name first;
    the note with why it is another geography's)."""
    same_geo = [c for c in candidates if c[0].geo == wanted.geo]
    if not same_geo and wanted.geo is None:
        same_geo = [c for c in candidates if c[0].geo == "global"]
    if not same_geo and wanted.geo is not None:
        same_geo = [c for c in candidates if c[0].geo is None]
        if same_geo:
            geo_note = f"no {wanted.geo} profile row: priced at the in-region row"
            note = f"{note}; {geo_note}" if note else geo_note
    chosen = sorted(same_geo or candidates, key=lambda c: (len(c[1]), c[1]))[0]
    if chosen[0].geo != wanted.geo and chosen[0].geo is not None:
        geo_note = f"priced at the {chosen[0].geo} profile row {chosen[1]}"
        note = f"{note}; {geo_note}" if note else geo_note
    return chosen[1], note


def _choose(
    wanted: ModelId, candidates: _Candidates, region: str | None
) -> tuple[str | None, str | None, str | None]:
    """(row name, note, reason it is unpriced) for *wanted* among same-stem *candidates*."""
    # Region-pinned rows (us-gov-east-1/...) only for that region, never as a fallback.
    pinned = [c for c in candidates if c[0].pinned and c[0].pinned == (wanted.pinned or region)]
    candidates = pinned or [c for c in candidates if c[0].pinned is None]
    if not candidates:
        return None, None, "the table prices it only in other regions"
    candidates, unpriced = _by_version(wanted, candidates)
    if unpriced is not None:
        return None, None, unpriced
    candidates, note, unpriced = _by_stamp(wanted, candidates)
    if unpriced is not None:
        return None, None, unpriced
    row, note = _by_geo(wanted, candidates, note)
    return row, note, None


def lookup(
    book: PriceBook,
    provider: str,
    model: str,
    *,
    deployment_type: str | None = None,
    region: str | None = None,
) -> ModelPrice | str:
    """The model's prices (for an Azure deployment type and region), or why there are none."""
    table = book.table(CLOUD, SERVICE)
    if table is None:
        return "no LLM token price table (pricing/llm/tokens.json)"
    key = provider_key(provider)
    rows = table.rows(key)
    if rows is None:
        known = ", ".join(table.regions())
        return f"provider {provider!r} is not in the {table.info.id} table (known: {known})"
    info = table.info
    if key == "azure":
        return _azure(table, rows, model, deployment_type, region)
    lowered = (
        table.lowered(key)
        if isinstance(table, TokenTable)
        else {name.lower(): name for name in rows}
    )
    wanted_name = model.strip().lower()
    name = None
    if region:  # a row pinned to the workload's region (bedrock/us-gov-east-1/...)
        name = lowered.get(f"{key}/{region.strip().lower()}/{wanted_name}")
    name = name or lowered.get(wanted_name)
    note = None
    if name is None:
        wanted = parse_model(model)
        parsed = table.parsed(key) if isinstance(table, TokenTable) else []
        same = [c for c in parsed if c[0].stem == wanted.stem]
        chosen, note, problem = _choose(wanted, same, region) if same else (None, None, None)
        if chosen is None:
            names = sorted({n for _, n in same})[:8]
            hint = f" (the table has {', '.join(names)})" if names else ""
            why = f": {problem}" if problem else ""
            return (
                f"model {model!r} of provider {key} is not in the {info.id} table "
                f"(as of {info.as_of}){why}{hint}; aicost never prices one version or region "
                "as another"
            )
        name = chosen
    notes = (note,) if note else ()
    uplift, why = _regional(key, rows[name], region)
    if why:
        basis = str(rows[name].get("basis"))
        return ModelPrice(key, name, name, rows[name], table, uplift, basis, (*notes, why))
    return ModelPrice(key, name, name, rows[name], table, notes=notes)


def _regional(provider: str, row: Mapping[str, Any], region: str | None) -> tuple[Decimal, str]:
    """The row's uplift for *region*: a Vertex AI regional endpoint, OpenAI data residency."""
    uplifts = row.get("regional_uplift") or {}
    where = (region or "").strip().lower()
    if not uplifts or not where or where == "global":
        return Decimal(1), ""
    if provider == "vertex_ai" and "regional" in uplifts:
        factor = Decimal(str(uplifts["regional"]))
        return factor, f"Vertex AI regional endpoint ({where}): global price x {factor}"
    if provider == "openai" and where in uplifts:
        factor = Decimal(str(uplifts[where]))
        return factor, f"OpenAI data residency ({where}): price x {factor}"
    return Decimal(1), ""


#: Azure OpenAI deployment types (``sku.name``), lower case -> as Azure spells them.
AZURE_DEPLOYMENT_TYPES = {name.lower(): name for name in get_args(AzureDeploymentType)}


def _azure_datazone(
    table: PriceTable,
    rows: Mapping[str, Any],
    chosen: str,
    region: str | None,
    uplifts: Mapping[str, Any],
    notes: list[str],
) -> ModelPrice:
    """A Data Zone deployment: its own ``eu/`` or ``us/`` row, else Global x the uplift."""
    zone = "eu" if region and _EU.search(region.lower()) else "us"
    own = f"{zone}/{chosen.split('/', 1)[-1]}"
    if own in rows:
        notes.append(f"Data Zone ({zone}) row")
        return ModelPrice("azure", own, own, rows[own], table, notes=tuple(notes))
    spec = uplifts.get("datazone") or {}
    uplift = Decimal(str(spec.get("uplift", "1.1")))
    notes.append(
        f"Data Zone deployment: Global price x {uplift} ({spec.get('basis')}); the table "
        f"has no {zone}/ row for {chosen}"
    )
    return ModelPrice(
        "azure",
        chosen,
        chosen,
        rows[chosen],
        table,
        uplift,
        str(spec.get("basis")),
        tuple(notes),
    )


def _azure_regional(
    table: PriceTable,
    rows: Mapping[str, Any],
    chosen: str,
    region: str | None,
    uplifts: Mapping[str, Any],
    notes: list[str],
) -> ModelPrice:
    """A Regional (Standard) deployment: Global x the region's uplift (per model where
    measured), else x the default uplift, an estimate."""
    spec = uplifts.get("regional") or {}
    by_region = spec.get("uplift") or {}
    where = (region or "").lower().replace(" ", "")
    estimate = None
    if where in by_region:
        uplift = Decimal(str(by_region[where]))
        notes.append(f"Regional (Standard) deployment in {where}: Global price x {uplift}")
    else:
        uplift = Decimal(str(spec.get("default", "1.1")))
        estimate = f"the Regional uplift is measured in {', '.join(sorted(by_region))} only"
        notes.append(
            f"Regional (Standard) deployment in {region or 'an unknown region'}: Global price x "
            f"{uplift}, an estimate ({estimate})"
        )
    per_model = (spec.get("models") or {}).get(where, {}).get(chosen) or {}
    columns = {kind: Decimal(str(value)) for kind, value in per_model.items()}
    if columns:
        listed = ", ".join(f"{k} x {v}" for k, v in sorted(columns.items()))
        notes[-1] = f"Regional (Standard) deployment in {where}: Global price, {listed}"
    return ModelPrice(
        "azure",
        chosen,
        chosen,
        rows[chosen],
        table,
        uplift,
        str(spec.get("basis")),
        tuple(notes),
        columns,
        estimate,
    )


def _azure(
    table: PriceTable,
    rows: Mapping[str, Any],
    model: str,
    deployment_type: str | None,
    region: str | None,
) -> ModelPrice | str:
    """Azure OpenAI: the row for the deployment type, or the Global row with its uplift."""
    kind = (deployment_type or "GlobalStandard").lower()
    if kind not in AZURE_DEPLOYMENT_TYPES:
        known = ", ".join(sorted(AZURE_DEPLOYMENT_TYPES.values()))
        return f"unknown Azure OpenAI deployment type {deployment_type!r} (known: {known})"
    wanted = parse_model(model)
    plain = ModelId(wanted.stem, wanted.stamp, wanted.version, None, wanted.pinned)
    parsed = table.parsed("azure") if isinstance(table, TokenTable) else []
    same = [c for c in parsed if c[0].stem == wanted.stem and c[0].geo in (None, "global")]
    if not same:
        return (
            f"model {model!r} of provider azure is not in the {table.info.id} table "
            f"(as of {table.info.as_of})"
        )
    chosen, note, problem = _choose(plain, same, region)
    if chosen is None:
        known = ", ".join(sorted({n for _, n in same})[:8])
        return (
            f"model {model!r} of provider azure is not in the {table.info.id} table "
            f"(as of {table.info.as_of}): {problem} (the table has {known}); aicost never "
            "prices one version as another"
        )
    notes = [note] if note else []
    uplifts = table.deployment_types if isinstance(table, TokenTable) else {}
    if "provisioned" in kind:
        return "provisioned (PTU) deployments are billed per PTU-hour, not per token"
    if rows[chosen].get("mode") == "embedding" and not kind.startswith("global"):
        notes.append(
            f"embeddings: the {AZURE_DEPLOYMENT_TYPES[kind]} deployment is priced at the one "
            "Azure embeddings price (no Regional or Data Zone uplift)"
        )
        return ModelPrice("azure", chosen, chosen, rows[chosen], table, notes=tuple(notes))
    if kind.startswith("global") or kind.startswith("developer"):
        if deployment_type is None:
            notes.append("deployment type not given: Global Standard prices")
        return ModelPrice("azure", chosen, chosen, rows[chosen], table, notes=tuple(notes))
    if kind.startswith("datazone"):
        return _azure_datazone(table, rows, chosen, region, uplifts, notes)
    return _azure_regional(table, rows, chosen, region, uplifts, notes)


_EU = re.compile(
    r"europe|^(sweden|france|germany|norway|switzerland|poland|italy|spain|westeu|northeu)"
)


@dataclass(frozen=True, slots=True)
class Split:
    """Monthly token quantities by price column."""

    fresh: Decimal
    cached: Decimal
    written: Decimal
    output: Decimal
    batch: Decimal


def split(llm: LlmUsage) -> Split | None:
    total_in = llm.input_per_month
    total_out = llm.output_per_month
    if total_in is None or total_out is None:
        return None
    cached = total_in * llm.cached_input_share
    written = total_in * llm.cache_write_share
    fresh = max(total_in - cached - written, Decimal(0))
    return Split(fresh, cached, written, total_out, llm.batch_share)


def long_context(price: ModelPrice, llm: LlmUsage) -> str:
    """The ``_above_<N>k`` suffix for the workload's average prompt, or ``""``."""
    if llm.input_tokens is None:
        return ""
    best = 0
    for column in price.row:
        found = _ABOVE.fullmatch(column)
        if found and llm.input_tokens > int(found.group(1)) * 1000:
            best = max(best, int(found.group(1)))
    return f"_above_{best}k" if best else ""


_ABOVE = re.compile(r"input_above_(\d+)k")


_Found = tuple[Decimal | None, str | None]
#: (component, quantity, unit price, the table column it came from)
_Part = tuple[str, Decimal, Decimal, str | None]


class _Columns:
    """Finds prices in a model's row, noting each fallback in *notes*."""

    def __init__(self, price: ModelPrice, above: str, notes: list[str]) -> None:
        self.price, self.above, self.notes = price, above, notes

    def column(self, base: str, extra: str, what: str) -> _Found:
        """The most specific price and its column: long context and tier, then without the
        long-context part, then the standard tier; each fallback is noted."""
        price, above, notes = self.price, self.above, self.notes
        for name in (f"{base}{above}{extra}", f"{base}{extra}"):
            found = price.price(name)
            if found is not None:
                if name != f"{base}{above}{extra}":
                    notes.append(f"no long-context {what} price for {price.key}: the base one")
                return found, name
        if extra:
            label = extra.strip("_")
            notes.append(f"no {label} {what} price for {price.key}: the standard one is used")
            return self.column(base, "", what)
        return None, None


def _cached_parts(
    columns: _Columns,
    quantities: Split,
    suffix: str,
    input_found: tuple[Decimal, str | None],
) -> list[_Part]:
    """Cached input tokens, at the standard and the batch rate."""
    notes, price = columns.notes, columns.price
    batch = quantities.batch
    standard = Decimal(1) - batch
    parts: list[_Part] = []
    read, read_column = columns.column("cache_read", suffix, "cached-input")
    if read is None:
        notes.append(f"no cached-input price for {price.key}: the input price is used")
        read, read_column = input_found
    parts.append(("cached input tokens", quantities.cached * standard, read, read_column))
    if batch:
        batch_read, batch_read_column = columns.column("cache_read", "_batch", "batch cached-input")
        if batch_read is None:
            batch_read, batch_read_column = read, read_column
        parts.append(
            (
                "cached input tokens (batch)",
                quantities.cached * batch,
                batch_read,
                batch_read_column,
            )
        )
    return parts


def _written_part(
    columns: _Columns,
    quantities: Split,
    llm: LlmUsage,
    suffix: str,
    input_found: tuple[Decimal, str | None],
) -> _Part:
    """Cache write tokens (1-hour writes at their own price), else billed as input."""
    ttl = "cache_write_1h" if llm.cache_ttl == "1h" else "cache_write"
    what = "1-hour cache-write" if llm.cache_ttl == "1h" else "cache-write"
    write, write_column = columns.column(ttl, suffix, what)
    if write is None:
        write, write_column = input_found
        columns.notes.append(
            f"{columns.price.key}: cache writes are billed as input (no write price)"
        )
    return ("cache write tokens", quantities.written, write, write_column)


def _batch_parts(
    columns: _Columns, quantities: Split, input_price: Decimal, output_price: Decimal
) -> list[_Part]:
    """Input and output tokens sent through the batch API, at batch prices where listed."""
    batch = quantities.batch
    batch_in, batch_in_column = columns.column("input", "_batch", "batch input")
    batch_out, batch_out_column = columns.column("output", "_batch", "batch output")
    return [
        (
            "input tokens (batch)",
            quantities.fresh * batch,
            batch_in if batch_in is not None else input_price,
            batch_in_column,
        ),
        (
            "output tokens (batch)",
            quantities.output * batch,
            batch_out if batch_out is not None else output_price,
            batch_out_column,
        ),
    ]


def _cost_lines(price: ModelPrice, parts: list[_Part]) -> tuple[Decimal, list[CostLine]]:
    """(total, one cost line per part with tokens)."""
    lines: list[CostLine] = []
    total = Decimal(0)
    for component, quantity, unit_price, used in parts:
        if not quantity:
            continue
        amount = quantity / MILLION * unit_price
        total += amount
        lines.append(
            CostLine(
                purchase=PurchaseOption.ON_DEMAND,
                nodes=1,
                hourly_rate=Decimal(0),
                monthly=amount,
                basis=price.basis_of(used),
                table=price.table.info.id,
                component=component,
                quantity=quantity,
                unit="1M tokens",
                unit_price=unit_price,
            )
        )
    return total, lines


def monthly_cost(
    price: ModelPrice, llm: LlmUsage
) -> tuple[Decimal, list[CostLine], list[str]] | None:
    """Monthly cost of *llm* at *price*, its cost lines and notes; None without a volume."""
    quantities = split(llm)
    if quantities is None:
        return None
    notes: list[str] = list(price.notes)
    above = long_context(price, llm)
    if above:
        notes.append(
            f"requests average {llm.input_tokens:,.0f} input tokens, over {above[7:]}: "
            "long-context prices"
        )
    tier = (llm.service_tier or "standard").lower()
    suffix = "" if tier in ("standard", "default", "auto") else f"_{tier}"
    columns = _Columns(price, above, notes)
    input_price, input_column = columns.column("input", suffix, "input")
    output_price, output_column = columns.column("output", suffix, "output")
    if input_price is None:
        input_price = Decimal(0)
        notes.append(f"{price.key} has no input price in the table: input counted at $0")
    if output_price is None:
        output_price = Decimal(0)
        if quantities.output:
            notes.append(f"{price.key} has no output price in the table (an embedding model?)")

    batch = quantities.batch
    standard = Decimal(1) - batch
    parts: list[_Part] = [
        ("input tokens", quantities.fresh * standard, input_price, input_column),
        ("output tokens", quantities.output * standard, output_price, output_column),
    ]
    if quantities.cached:
        parts += _cached_parts(columns, quantities, suffix, (input_price, input_column))
    if quantities.written:
        parts.append(_written_part(columns, quantities, llm, suffix, (input_price, input_column)))
    if batch:
        parts += _batch_parts(columns, quantities, input_price, output_price)
    if tier not in ("standard", "default", "auto", *TIERS):
        notes.append(f"service tier {tier!r} is not one aicost knows: standard prices")
    total, lines = _cost_lines(price, parts)
    return total, lines, list(dict.fromkeys(notes))


def retired(price: ModelPrice, today: dt.date) -> str | None:
    """A warning when the model is past its retirement (deprecation) date, else None."""
    date = price.deprecation_date
    if not date or date > today.isoformat():
        return None
    successor = price.row.get("successor")
    source = price.row.get("deprecation_basis")
    text = f"{price.provider}/{price.key} is past its retirement date {date}"
    if source:
        text += f" ({source})"
    return text + (f"; successor: {successor}" if successor else "")


def _provisioned(llm: LlmUsage, deployment: Deployment, hours: Decimal) -> Costing:
    """Provisioned throughput: unpriced (no dated public price per unit-hour yet)."""
    assert llm.provisioned_units is not None
    unit = llm.provisioned_unit or "unit"
    return Costing(
        None,
        reason=(
            f"provisioned throughput ({llm.provisioned_units.normalize():f} {unit}s of "
            f"{llm.model}) is billed per {unit}-hour; aicost ships no dated public price "
            f"for {unit}s yet, so it is unpriced rather than guessed"
        ),
        notes=deployment.notes,
        hours_per_month=hours,
    )


def _with_hourly_rates(lines: list[CostLine], hours: Decimal) -> list[CostLine]:
    """The cost lines with their monthly amount spread over the month's hours."""
    return [
        CostLine(
            purchase=line.purchase,
            nodes=line.nodes,
            hourly_rate=line.monthly / hours if hours else Decimal(0),
            monthly=line.monthly,
            basis=line.basis,
            table=line.table,
            component=line.component,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
        )
        for line in lines
    ]


def token_costing(book: PriceBook, deployment: Deployment, hours: Decimal) -> Costing:
    llm = deployment.llm
    assert llm is not None
    if deployment.unknown:
        # What the price depends on (the model, the SKU, how many) is not known: no guess.
        return Costing(
            None,
            reason=f"{', '.join(deployment.unknown)} known only after apply",
            notes=deployment.notes,
            hours_per_month=hours,
        )
    if llm.provisioned_units is not None:
        return _provisioned(llm, deployment, hours)
    found = lookup(
        book,
        llm.provider,
        llm.model,
        deployment_type=llm.deployment_type,
        region=deployment.region,
    )
    if isinstance(found, str):
        return Costing(None, reason=found, notes=deployment.notes, hours_per_month=hours)
    # The date itself; whether it has passed is the check's warning (against its own today).
    date = found.deprecation_date
    warnings = (f"{found.provider}/{found.key} retires on {date}",) if date else ()
    if found.unpriced:
        return Costing(
            None,
            reason=f"{found.provider}/{found.key}: {found.unpriced}",
            notes=(*deployment.notes, *warnings),
            hours_per_month=hours,
        )
    result = monthly_cost(found, llm)
    if result is None:
        return Costing(
            None,
            reason=(
                "token volume not known: set requests (per day or month) and average input "
                "and output tokens in aicost-llm.yaml, or monthly tokens in aicost-usage.yml"
            ),
            notes=(*deployment.notes, *warnings),
            hours_per_month=hours,
        )
    total, lines, notes = result
    lines = _with_hourly_rates(lines, hours)
    info = found.table.info
    matched = (
        f"priced as {found.provider}/{found.key} ({info.id}, as of {info.as_of}; "
        f"basis {found.basis})"
    )
    return Costing(
        total,
        lines=tuple(lines),
        notes=(*deployment.notes, *warnings, matched, *notes),
        hours_per_month=hours,
    )


def retirement_warnings(
    book: PriceBook, workloads: Iterable[PricedWorkload], today: dt.date
) -> list[str]:
    """One warning per workload whose model is past its retirement date."""
    warnings: list[str] = []
    for item in workloads:
        planned = item.workload.planned
        llm = planned.llm if planned is not None else None
        if llm is None or llm.provisioned_units is not None:
            continue
        found = lookup(
            book,
            llm.provider,
            llm.model,
            deployment_type=llm.deployment_type,
            region=planned.region if planned is not None else None,
        )
        if isinstance(found, ModelPrice):
            text = retired(found, today)
            if text:
                warnings.append(f"{item.workload.address}: {text}")
    return warnings


@dataclass(frozen=True, slots=True)
class UnitCosts:
    per_1k_requests: Decimal | None
    per_1k_tokens: Decimal | None
    tokens_per_month: Decimal | None


def unit_costs(llm: LlmUsage, monthly: Decimal | None) -> UnitCosts:
    if monthly is None:
        return UnitCosts(None, None, None)
    requests = llm.requests_per_month
    total_in, total_out = llm.input_per_month, llm.output_per_month
    tokens = None if total_in is None or total_out is None else total_in + total_out
    return UnitCosts(
        monthly / requests * 1000 if requests else None,
        monthly / tokens * 1000 if tokens else None,
        tokens,
    )
