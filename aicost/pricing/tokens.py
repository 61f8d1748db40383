"""Token pricing: what an LLM workload costs a month, per 1,000 requests and per 1,000 tokens.

Prices come from the ``llm-tokens`` table (``pricing/llm/tokens.json``, built from a dated
LiteLLM snapshot by ``scripts/build_llm_pricing.py``), keyed by provider and model. A
workload's monthly input tokens are split into fresh input, cached reads
(``cached_input_share``) and cache writes (``cache_write_share``); a ``batch_share`` of the
traffic goes through the provider's batch API at its batch prices. A price the table does
not have is replaced by the standard price of the same direction (an upper bound), and the
costing says so. A model the table does not know, or a workload whose volume is not known,
is unpriced with the reason, never $0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aicost.core.model import Costing, CostLine, Deployment, LlmUsage, PurchaseOption
from aicost.pricing.catalog import PriceBook, PriceTable

CLOUD = "llm"
SERVICE = "tokens"
MILLION = Decimal(1_000_000)
LONG_CONTEXT = Decimal(200_000)

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

_REGION_PREFIX = re.compile(r"^(us|eu|apac|au|jp|global|us-gov|ca)\.")
_VENDOR_PREFIX = re.compile(
    r"^(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|google)\."
)
_DATE = re.compile(r"([-@]\d{8}|[-@]\d{4}-\d{2}-\d{2})")
_VERSION = re.compile(r"-v\d+(:\d+)?$")


def provider_key(provider: str) -> str:
    return PROVIDERS.get(provider.strip().lower(), provider.strip().lower())


def normalise_model(name: str) -> str:
    """A comparable model name: ``us.anthropic.claude-sonnet-4-5-20250929-v1:0`` ->
    ``claude-sonnet-4-5``; ``claude-sonnet-4.5`` -> ``claude-sonnet-4-5``."""
    value = name.strip().lower().rsplit("/", 1)[-1]
    value = _REGION_PREFIX.sub("", value)
    value = _VENDOR_PREFIX.sub("", value)
    value = _VERSION.sub("", value)
    value = _DATE.sub("", value)
    return value.replace(".", "-").replace("_", "-")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    """A model's row in the token table, and the key it was found under."""

    provider: str
    model: str
    key: str
    row: Mapping[str, Any]
    table: PriceTable

    def price(self, column: str) -> Decimal | None:
        value = self.row.get(column)
        return Decimal(str(value)) if value is not None else None

    @property
    def deprecation_date(self) -> str | None:
        value = self.row.get("deprecation_date")
        return str(value) if value else None


def lookup(book: PriceBook, provider: str, model: str) -> ModelPrice | str:
    """The model's prices, or why there are none."""
    table = book.table(CLOUD, SERVICE)
    if table is None:
        return "no LLM token price table (pricing/llm/tokens.json)"
    key = provider_key(provider)
    rows = _rows(table, key)
    if rows is None:
        known = ", ".join(table.regions())
        return f"provider {provider!r} is not in the {table.info.id} table (known: {known})"
    if model in rows:
        return ModelPrice(key, model, model, rows[model], table)
    lowered = {name.lower(): name for name in rows}
    if model.lower() in lowered:
        name = lowered[model.lower()]
        return ModelPrice(key, name, name, rows[name], table)
    wanted = normalise_model(model)
    matches = [name for name in rows if normalise_model(name) == wanted]
    if matches:
        # Prefer the plain model over regional profiles and region-pinned keys.
        matches.sort(key=lambda n: ("/" in n, bool(_REGION_PREFIX.match(n.lower())), len(n), n))
        name = matches[0]
        return ModelPrice(key, name, name, rows[name], table)
    return (
        f"model {model!r} of provider {key} is not in the {table.info.id} table "
        f"(as of {table.info.as_of}); retired models are pruned from it"
    )


def _rows(table: PriceTable, provider: str) -> Mapping[str, Any] | None:
    """The token table's models of *provider* (its "regions" are providers, its "instance
    types" models, so the generic price-table loader and provenance serve it unchanged)."""
    return table.rows(provider)


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


def monthly_cost(
    price: ModelPrice, llm: LlmUsage
) -> tuple[Decimal, list[CostLine], list[str]] | None:
    """Monthly cost of *llm* at *price*, its cost lines and notes; None without a volume."""
    quantities = split(llm)
    if quantities is None:
        return None
    notes: list[str] = []
    long_context = (
        llm.input_tokens is not None
        and llm.input_tokens > LONG_CONTEXT
        and price.price("input_above_200k") is not None
    )
    input_price = price.price("input_above_200k" if long_context else "input")
    output_price = price.price("output_above_200k" if long_context else "output")
    if long_context:
        notes.append("requests average over 200k input tokens: long-context prices")
    if input_price is None:
        input_price = Decimal(0)
        notes.append(f"{price.key} has no input price in the table: input counted at $0")
    if output_price is None:
        output_price = Decimal(0)
        notes.append(f"{price.key} has no output price in the table (an embedding model?)")

    def column(name: str, fallback: Decimal, what: str) -> Decimal:
        found = price.price(name)
        if found is None:
            notes.append(f"no {what} price for {price.key}: the standard price is used")
            return fallback
        return found

    batch = quantities.batch
    standard = Decimal(1) - batch
    parts: list[tuple[str, Decimal, Decimal]] = [
        ("input tokens", quantities.fresh * standard, input_price),
        ("output tokens", quantities.output * standard, output_price),
    ]
    if quantities.cached:
        read = column("cache_read", input_price, "cached-input")
        parts.append(("cached input tokens", quantities.cached * standard, read))
        if batch:
            batch_read = price.price("batch_cache_read") or read
            parts.append(("cached input tokens (batch)", quantities.cached * batch, batch_read))
    if quantities.written:
        write = price.price("cache_write")
        if write is None:
            write = input_price
            notes.append(f"{price.key}: cache writes are billed as input (no write price)")
        parts.append(("cache write tokens", quantities.written, write))
    if batch:
        parts.append(
            (
                "input tokens (batch)",
                quantities.fresh * batch,
                column("batch_input", input_price, "batch input"),
            )
        )
        parts.append(
            (
                "output tokens (batch)",
                quantities.output * batch,
                column("batch_output", output_price, "batch output"),
            )
        )
    lines: list[CostLine] = []
    total = Decimal(0)
    source = (
        str(price.table.info.sources[0].get("id"))
        if price.table.info.sources
        else price.table.info.id
    )
    for component, quantity, unit_price in parts:
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
                basis=source,
                table=price.table.info.id,
                component=component,
                quantity=quantity,
                unit="1M tokens",
                unit_price=unit_price,
            )
        )
    return total, lines, notes


def token_costing(book: PriceBook, deployment: Deployment, hours: Decimal) -> Costing:
    llm = deployment.llm
    assert llm is not None
    if llm.provisioned_units is not None:
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
    found = lookup(book, llm.provider, llm.model)
    if isinstance(found, str):
        return Costing(None, reason=found, notes=deployment.notes, hours_per_month=hours)
    result = monthly_cost(found, llm)
    if result is None:
        return Costing(
            None,
            reason=(
                "token volume not known: set requests (per day or month) and average input "
                "and output tokens in aicost-llm.yaml, or monthly tokens in aicost-usage.yml"
            ),
            notes=deployment.notes,
            hours_per_month=hours,
        )
    total, lines, notes = result
    lines = [
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
    info = found.table.info
    matched = f"priced as {found.provider}/{found.key} ({info.id}, as of {info.as_of})"
    return Costing(
        total,
        lines=tuple(lines),
        notes=(*deployment.notes, matched, *notes),
        hours_per_month=hours,
    )


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
