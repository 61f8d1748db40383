#!/usr/bin/env python3
"""Build ``pricing/llm/tokens.json`` (table ``llm-tokens``) from a pinned LiteLLM release.

Two steps, both reproducible:

``--extract`` (needs the package index, run when the pin moves): downloads the wheel
``litellm==VERSION`` with ``pip download --no-deps`` (or reads ``--wheel FILE``), checks the
SHA-256 of its ``litellm/model_prices_and_context_window_backup.json`` against ``JSON_SHA256``
and writes ``pricing/sources/litellm-VERSION-extract.json``: the entries of the providers aicost
prices, with their price, date and limit fields copied verbatim.

The default step (offline, standard library only) builds the table from that extract plus
``pricing/sources/llm-provider-pages.json`` (values read from providers' pages, each with its
source and date: models LiteLLM pruned although still sold, retirement dates, Azure OpenAI
deployment-type uplifts, rows to drop). Prices become USD per 1M tokens as decimal strings;
every row names its ``basis`` (a source id). A zero price in LiteLLM means "unknown" there, so
it becomes a missing price (a chat row with a zero input or output price is kept but marked
``unpriced``), never $0. The output is deterministic; ``--check`` exits 1 when the committed
table differs from a fresh build.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VERSION = "1.110.2"
#: When the wheel was built (the CycloneDX SBOM timestamp inside the wheel).
SNAPSHOT_DATE = "2026-11-20"
JSON_MEMBER = "litellm/model_prices_and_context_window_backup.json"
JSON_SHA256 = "8943af58bf9f979c6a4bef815687117ffa341e462a41faed9be17b5c33d3dcc2"
EXTRACT = REPO / "pricing" / "sources" / f"litellm-{VERSION}-extract.json"
PAGES = REPO / "pricing" / "sources" / "llm-provider-pages.json"
SOURCE_ID = f"litellm-{VERSION}"

#: LiteLLM provider -> aicost provider.
PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "vertex_ai-language-models": "vertex_ai",
    "vertex_ai-anthropic_models": "vertex_ai",
    "vertex_ai-mistral_models": "vertex_ai",
    "vertex_ai-llama_models": "vertex_ai",
    "vertex_ai-embedding-models": "vertex_ai",
    "vertex_ai-text-models": "vertex_ai",
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
#: Fields copied into the extract besides the token prices.
KEPT = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "deprecation_date",
    "deprecation_source",
    "successor_model",
    "supports_prompt_caching",
    "source",
    "regional_endpoint_uplift_multiplier",
    "regional_processing_uplift_multiplier_us",
    "regional_processing_uplift_multiplier_eu",
)
#: LiteLLM uplift field -> where it applies (Vertex AI regional endpoints; OpenAI data residency).
UPLIFTS = {
    "regional_endpoint_uplift_multiplier": "regional",
    "regional_processing_uplift_multiplier_us": "us",
    "regional_processing_uplift_multiplier_eu": "eu",
}
#: A LiteLLM per-token price field: what, cache TTL, long-context threshold, service tier.
PRICE_FIELD = re.compile(
    r"^(?P<what>input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost)(?P<ttl>_above_1hr)?(?:_above_(?P<above>\d+)k_tokens)?"
    r"(?:_(?P<tier>batches|priority|flex))?$"
)
WHAT = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cache_read",
    "cache_creation_input_token_cost": "cache_write",
}
TIER = {"batches": "batch", "priority": "priority", "flex": "flex"}
MILLION = Decimal(1_000_000)


def column_of(field: str) -> str | None:
    """``input_cost_per_token_above_272k_tokens_flex`` -> ``input_above_272k_flex``."""
    match = PRICE_FIELD.match(field)
    if match is None:
        return None
    name = WHAT[match["what"]]
    if match["ttl"]:
        if name != "cache_write":
            return None
        name = "cache_write_1h"
    if match["above"]:
        name += f"_above_{match['above']}k"
    if match["tier"]:
        name += "_" + TIER[match["tier"]]
    return name


def per_million(value: Any) -> str | None:
    """USD per token -> USD per 1M tokens; zero and non-numbers are missing data."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    amount = Decimal(repr(value)) * MILLION
    if amount <= 0:
        return None
    return format(amount.normalize(), "f")


def model_name(key: str) -> str:
    for prefix in PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


# --- extract ---------------------------------------------------------------------------------


def extract(data: dict[str, Any]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for key, entry in data.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            continue
        if PROVIDERS.get(str(entry.get("litellm_provider"))) is None:
            continue
        if entry.get("mode") not in MODES or "x-" in key.split("/")[0]:
            continue
        kept = {f: entry[f] for f in KEPT if f in entry}
        kept.update({f: v for f, v in entry.items() if column_of(f) is not None})
        entries[key] = kept
    return {
        "_source": {
            "package": f"litellm=={VERSION}",
            "member": JSON_MEMBER,
            "sha256": JSON_SHA256,
            "wheel_built": SNAPSHOT_DATE,
            "licence": "MIT (BerriAI/litellm)",
            "note": "Entries of the providers aicost prices, fields copied verbatim "
            "(USD per token); written by scripts/build_llm_pricing.py --extract.",
        },
        "entries": entries,
    }


def read_wheel(wheel: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    f"litellm=={VERSION}",
                    "--no-deps",
                    "-q",
                    "-d",
                    tmp,
                ],
                check=True,
            )
            wheel = next(Path(tmp).glob("litellm-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            raw = archive.read(JSON_MEMBER)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != JSON_SHA256:
        raise SystemExit(f"{JSON_MEMBER} has SHA-256 {digest}, expected {JSON_SHA256}")
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data


# --- build -----------------------------------------------------------------------------------


def _row_from_litellm(key: str, entry: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"key": key, "mode": entry["mode"], "basis": SOURCE_ID}
    zeros: list[str] = []
    for field, value in entry.items():
        column = column_of(field)
        if column is None:
            continue
        price = per_million(value)
        if price is None:
            if value == 0 and column in ("input", "output"):
                zeros.append(column)
            continue
        row[column] = price
    for field in ("max_input_tokens", "max_output_tokens"):
        if isinstance(entry.get(field), int):
            row[field] = entry[field]
    if entry.get("deprecation_date"):
        row["deprecation_date"] = str(entry["deprecation_date"])
        row["deprecation_basis"] = entry.get("deprecation_source") or SOURCE_ID
    if entry.get("successor_model"):
        row["successor"] = model_name(str(entry["successor_model"]))
    if entry.get("source"):
        row["source"] = entry["source"]
    uplifts = {
        where: format(Decimal(repr(entry[field])), "f")
        for field, where in UPLIFTS.items()
        if isinstance(entry.get(field), int | float) and entry[field] > 0
    }
    if uplifts:
        row["regional_uplift"] = uplifts
    need = ("input",) if entry["mode"] == "embedding" else ("input", "output")
    missing = [c for c in need if c not in row]
    if missing:
        what = " and ".join(missing)
        row["unpriced"] = (
            f"LiteLLM {VERSION} gives the {what} price as $0, which means unknown there, not free"
            if set(missing) <= set(zeros)
            else f"LiteLLM {VERSION} has no {what} price"
        )
    return row


def build(extract_path: Path = EXTRACT, pages_path: Path = PAGES) -> dict[str, Any]:
    data = json.loads(extract_path.read_text(encoding="utf-8"))["entries"]
    pages = json.loads(pages_path.read_text(encoding="utf-8"))
    excluded: dict[str, dict[str, str]] = pages.get("exclude", {})
    prices: dict[str, dict[str, Any]] = {}
    for key, entry in sorted(data.items()):
        provider = PROVIDERS[str(entry["litellm_provider"])]
        if key in excluded.get(provider, {}):
            continue
        row = _row_from_litellm(key, entry)
        priced = any(column_of(f) is not None and per_million(v) for f, v in entry.items())
        if not priced and entry.get("input_cost_per_token") != 0:
            continue  # priced per image, second or character: not a token model
        by_model = prices.setdefault(provider, {})
        name = model_name(key)
        if name in by_model:  # the same name under two LiteLLM providers: keep the first
            continue
        by_model[name] = row
    added: list[str] = []
    for provider, rows in pages.get("rows", {}).items():
        for name, page_row in rows.items():
            if name in prices.get(provider, {}):
                raise SystemExit(f"{provider}/{name} is in LiteLLM {VERSION}: drop the page row")
            prices.setdefault(provider, {})[name] = {"key": name, **page_row}
            added.append(f"{provider}/{name}")
    for provider, aliases in pages.get("aliases", {}).items():
        for alias, target in aliases.items():
            rows = prices[provider]
            if alias not in rows:
                rows[alias] = {**rows[target], "key": alias, "alias_of": target}
    counts = ", ".join(f"{p} {len(rows)}" for p, rows in sorted(prices.items()))
    unpriced = sorted(
        f"{p}/{m}" for p, rows in prices.items() for m, row in rows.items() if "unpriced" in row
    )
    sources = [
        {
            "id": SOURCE_ID,
            "date": SNAPSHOT_DATE,
            "file": f"pricing/sources/{extract_path.name}",
            "origin": f"BerriAI/litellm {JSON_MEMBER} from the PyPI wheel litellm=={VERSION} "
            f"(sha256 {JSON_SHA256})",
            "licence": "MIT",
            "used_for": "every row whose basis is this id",
        },
        *pages["sources"],
    ]
    return {
        "schema_version": 2,
        "table": "llm-tokens",
        "layout": "llm-tokens",
        "cloud": "llm",
        "service": "tokens",
        "unit": "1M tokens",
        "currency": "USD",
        "as_of": SNAPSHOT_DATE,
        "generated_by": "scripts/build_llm_pricing.py",
        "sources": sources,
        "azure_deployment_types": pages["azure_deployment_types"],
        "notes": [
            f"Prices are USD per 1M tokens from LiteLLM {VERSION} (wheel built "
            f"{SNAPSHOT_DATE}), a third-party snapshot of the providers' list prices, plus "
            f"rows read from providers' pages ({', '.join(added)}); each row's basis names "
            "its source.",
            f"Rows per provider: {counts}. Keys are the LiteLLM model keys without the "
            "provider prefix; 'key' is the original. Dated versions are separate rows.",
            "Columns: input, output, cache_read, cache_write (5-minute), cache_write_1h; "
            "suffix _above_<N>k for prompts over N thousand tokens; suffix _batch, _priority "
            "or _flex for those service tiers. A column that is absent is unknown. "
            "regional_uplift: the multiplier for a Vertex AI regional (not global) endpoint "
            "('regional') or OpenAI data residency ('us', 'eu').",
            "A zero price in LiteLLM means unknown: such prices are dropped, and a model "
            f"without an input or output price is marked unpriced ({len(unpriced)} rows: "
            f"{', '.join(unpriced)}).",
            "Azure OpenAI rows are Global Standard prices; azure/us and azure/eu rows are Data "
            "Zone prices; Regional (Standard) and Data Zone deployments without their own row "
            "are priced by azure_deployment_types' uplifts.",
        ],
        "prices": prices,
    }


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "pricing")
    parser.add_argument("--extract-file", type=Path, default=EXTRACT)
    parser.add_argument(
        "--extract",
        action="store_true",
        help=f"download litellm=={VERSION} (or read --wheel) and rewrite the extract",
    )
    parser.add_argument("--wheel", type=Path, help="a litellm wheel already downloaded")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed table is stale"
    )
    args = parser.parse_args(argv)
    if args.extract:
        text = json.dumps(extract(read_wheel(args.wheel)), indent=1, sort_keys=True) + "\n"
        args.extract_file.write_text(text, encoding="utf-8")
        print(f"wrote {args.extract_file}")
    text = render(build(args.extract_file))
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
