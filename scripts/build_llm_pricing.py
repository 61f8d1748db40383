#!/usr/bin/env python3
"""Build ``pricing/llm/tokens.json`` (table ``llm-tokens``) from the LiteLLM price snapshot.

Reads ``litellm-model-prices-<version>.json`` (BerriAI/litellm
``model_prices_and_context_window_backup.json`` from the PyPI wheel) in the reference
directory and keeps the text models (modes chat, completion, responses, embedding) of the
providers aicost prices: OpenAI, Anthropic, Google (Gemini API and Vertex AI), Amazon
Bedrock, Azure OpenAI, Mistral, DeepSeek and xAI. Prices become USD per 1M tokens, as
decimal strings, with the LiteLLM key each row came from.

Only the standard library is used and no network call is made. The output is deterministic
(sorted keys, indent 2, trailing newline); ``--check`` exits 1 when the committed table
differs from a fresh build.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VERSION = "1.109.1"
SNAPSHOT = f"litellm-model-prices-{VERSION}.json"
#: When the wheel was built (from the SBOM timestamp in the wheel; see the reference README).
SNAPSHOT_DATE = "2026-11-12"

#: LiteLLM provider -> aicost provider.
PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai-language-models": "vertex_ai",
    "vertex_ai-anthropic_models": "vertex_ai",
    "vertex_ai-mistral_models": "vertex_ai",
    "vertex_ai-llama_models": "vertex_ai",
    "vertex_ai": "vertex_ai",
    "bedrock": "bedrock",
    "bedrock_converse": "bedrock",
    "azure": "azure",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "xai": "xai",
}
MODES = frozenset({"chat", "completion", "responses", "embedding"})
#: Key prefixes stripped to make the model name within a provider.
PREFIXES = ("gemini/", "vertex_ai/", "azure/", "mistral/", "deepseek/", "xai/", "openai/")

#: aicost column -> LiteLLM field (per token).
COLUMNS: dict[str, str] = {
    "input": "input_cost_per_token",
    "output": "output_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
    "cache_write_1h": "cache_creation_input_token_cost_above_1hr",
    "batch_input": "input_cost_per_token_batches",
    "batch_output": "output_cost_per_token_batches",
    "batch_cache_read": "cache_read_input_token_cost_batches",
    "input_above_200k": "input_cost_per_token_above_200k_tokens",
    "output_above_200k": "output_cost_per_token_above_200k_tokens",
    "reasoning_output": "output_cost_per_reasoning_token",
}
MILLION = Decimal(1_000_000)


def per_million(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    amount = Decimal(repr(value)) * MILLION
    text = format(amount.normalize(), "f")
    return text


def model_name(key: str) -> str:
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def build(reference: Path) -> dict[str, Any]:
    source = reference / SNAPSHOT
    data = json.loads(source.read_text(encoding="utf-8"))
    prices: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    for key, entry in sorted(data.items()):
        if key == "sample_spec" or not isinstance(entry, dict):
            continue
        provider = PROVIDERS.get(str(entry.get("litellm_provider")))
        if provider is None or entry.get("mode") not in MODES:
            continue
        if "x-" in key.split("/")[0]:  # image sizes such as 1024-x-1024/...
            continue
        row: dict[str, Any] = {"key": key, "mode": entry["mode"]}
        for column, field in COLUMNS.items():
            row[column] = per_million(entry.get(field))
        if row["input"] is None and row["output"] is None:
            continue
        for field in ("max_input_tokens", "max_output_tokens"):
            value = entry.get(field)
            row[field] = value if isinstance(value, int) else None
        row["deprecation_date"] = entry.get("deprecation_date")
        row["supports_prompt_caching"] = bool(entry.get("supports_prompt_caching"))
        row["source"] = entry.get("source")
        row = {k: v for k, v in row.items() if v is not None and v is not False}
        name = model_name(key)
        by_model = prices.setdefault(provider, {})
        if name in by_model:  # the same name under two LiteLLM providers: keep the first
            continue
        by_model[name] = row
        counts[provider] = counts.get(provider, 0) + 1
    summary = ", ".join(f"{p} {n}" for p, n in sorted(counts.items()))
    return {
        "schema_version": 1,
        "table": "llm-tokens",
        "cloud": "llm",
        "service": "tokens",
        "unit": "1M tokens",
        "currency": "USD",
        "as_of": SNAPSHOT_DATE,
        "generated_by": "scripts/build_llm_pricing.py",
        "sources": [
            {
                "id": f"litellm-{VERSION}",
                "date": SNAPSHOT_DATE,
                "file": SNAPSHOT,
                "origin": "BerriAI/litellm litellm/model_prices_and_context_window_backup.json "
                f"from the PyPI wheel litellm=={VERSION}",
                "licence": "MIT",
                "used_for": "every token price",
            }
        ],
        "notes": [
            f"Prices are USD per 1M tokens from LiteLLM {VERSION} (wheel built "
            f"{SNAPSHOT_DATE}); a third-party snapshot of the providers' list prices, not a "
            "quote.",
            f"Rows per provider: {summary}. Keys are the LiteLLM model keys without the "
            "provider prefix (gemini/, vertex_ai/, azure/, mistral/...); 'key' is the "
            "original.",
            "cache_read is the cached-input price, cache_write the 5-minute cache write "
            "(Anthropic-style providers), cache_write_1h the 1-hour cache write, batch_* the "
            "batch-API prices. A column LiteLLM does not give is absent: aicost then prices "
            "that share at the standard input or output price (an upper bound) and says so.",
            "LiteLLM 1.109.1 has no entries for Gemini 1.5, Gemini 2.0 Flash, Claude 3.x "
            "(direct Anthropic API) or claude-opus-4-1: they were pruned as retired.",
        ],
        "prices": prices,
    }


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference",
        type=Path,
        default=Path(
            os.environ.get("AICOST_PRICING_REFERENCE", REPO / "tests" / "fixtures" / "reference")
        ),
    )
    parser.add_argument("--output", type=Path, default=REPO / "pricing")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed table is stale"
    )
    args = parser.parse_args(argv)
    text = render(build(args.reference))
    target = args.output / "llm" / "tokens.json"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            print(f"{target} is stale: run scripts/build_llm_pricing.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
