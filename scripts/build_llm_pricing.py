#!/usr/bin/env python3
"""Build ``pricing/llm/tokens.json`` (table ``llm-tokens``) from a pinned LiteLLM release.

The pin is the extract ``pricing/sources/litellm-<version>-extract.json``: the entries of the
providers aicost prices, copied verbatim from
``litellm/model_prices_and_context_window_backup.json`` in the PyPI wheel
``litellm==<version>``, with the version, the JSON's SHA-256 and the wheel's build date (its
CycloneDX SBOM timestamp) in ``_source``.

* default (offline, standard library only): build the table from the extract plus
  ``pricing/sources/llm-provider-pages.json`` (values read from providers' pages, each with its
  source and date: models LiteLLM pruned although still sold, retirement dates, Azure OpenAI
  deployment-type uplifts, rows to drop). Deterministic; ``--check`` exits 1 when the
  committed table differs from a fresh build.
* ``--extract``: download the pinned wheel again (``pip download --no-deps``, or ``--wheel
  FILE``), verify the JSON's SHA-256 against the pin and rewrite the extract.
* ``--update [VERSION]`` (the weekly rebuild): take VERSION (default: the newest on the
  package index), record its SHA-256 and build date as the new pin, rewrite the extract and
  the table, and print the largest price changes against the previous table as Markdown
  (``--changes FILE`` writes them to a file for a pull request body).

Prices become USD per 1M tokens as decimal strings; every row names its ``basis`` (a source
id). A zero price in LiteLLM means "unknown" there, so it becomes a missing price (a chat row
with a zero input or output price is kept but marked ``unpriced``), never $0.
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
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "pricing" / "sources"
JSON_MEMBER = "litellm/model_prices_and_context_window_backup.json"
PAGES = SOURCES / "llm-provider-pages.json"

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


@dataclass(frozen=True)
class Pin:
    version: str
    sha256: str
    #: When the wheel was built (the CycloneDX SBOM timestamp inside the wheel).
    date: str

    @property
    def source_id(self) -> str:
        return f"litellm-{self.version}"


def current_extract() -> Path:
    found = sorted(SOURCES.glob("litellm-*-extract.json"))
    if len(found) != 1:
        raise SystemExit(f"expected one pricing/sources/litellm-*-extract.json, found {found}")
    return found[0]


def read_pin(extract_path: Path) -> Pin:
    source = json.loads(extract_path.read_text(encoding="utf-8"))["_source"]
    return Pin(source["package"].split("==")[1], source["sha256"], source["wheel_built"])


def extract(data: dict[str, Any], pin: Pin) -> dict[str, Any]:
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
            "package": f"litellm=={pin.version}",
            "member": JSON_MEMBER,
            "sha256": pin.sha256,
            "wheel_built": pin.date,
            "licence": "MIT (BerriAI/litellm)",
            "note": "Entries of the providers aicost prices, fields copied verbatim "
            "(USD per token); written by scripts/build_llm_pricing.py --extract.",
        },
        "entries": entries,
    }


def read_wheel(version: str, wheel: Path | None, sha256: str | None) -> tuple[dict[str, Any], Pin]:
    """The price JSON of ``litellm==version`` and its pin; *sha256*, when given, must match."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    f"litellm=={version}",
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
            sboms = [n for n in archive.namelist() if "/sboms/" in n and n.endswith(".json")]
            stamp = json.loads(archive.read(sboms[0]))["metadata"]["timestamp"] if sboms else ""
    digest = hashlib.sha256(raw).hexdigest()
    if sha256 is not None and digest != sha256:
        raise SystemExit(f"{JSON_MEMBER} has SHA-256 {digest}, the pin says {sha256}")
    data = json.loads(raw)
    assert isinstance(data, dict)
    return data, Pin(version, digest, str(stamp)[:10] or "unknown")


def newest_version() -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "litellm"],
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"litellm \(([^)]+)\)", result.stdout)
    if found is None:
        raise SystemExit(f"cannot read the newest litellm version: {result.stdout!r}")
    return found.group(1)


# --- build -----------------------------------------------------------------------------------


def _row_from_litellm(key: str, entry: dict[str, Any], pin: Pin) -> dict[str, Any]:
    row: dict[str, Any] = {"key": key, "mode": entry["mode"], "basis": pin.source_id}
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
        row["deprecation_basis"] = entry.get("deprecation_source") or pin.source_id
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
            f"LiteLLM {pin.version} gives the {what} price as $0, which means unknown there, "
            "not free"
            if set(missing) <= set(zeros)
            else f"LiteLLM {pin.version} has no {what} price"
        )
    return row


def build(extract_path: Path, pages_path: Path = PAGES) -> dict[str, Any]:
    data = json.loads(extract_path.read_text(encoding="utf-8"))["entries"]
    pin = read_pin(extract_path)
    pages = json.loads(pages_path.read_text(encoding="utf-8"))
    excluded: dict[str, dict[str, str]] = pages.get("exclude", {})
    prices: dict[str, dict[str, Any]] = {}
    for key, entry in sorted(data.items()):
        provider = PROVIDERS[str(entry["litellm_provider"])]
        if key in excluded.get(provider, {}):
            continue
        row = _row_from_litellm(key, entry, pin)
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
                raise SystemExit(
                    f"{provider}/{name} is in LiteLLM {pin.version}: drop the page row"
                )
            prices.setdefault(provider, {})[name] = {"key": name, **page_row}
            added.append(f"{provider}/{name}")
    for provider, by_model in pages.get("columns", {}).items():
        for name, columns in by_model.items():
            existing = prices.get(provider, {}).get(name)
            if existing is None:  # LiteLLM dropped the model: its page columns go with it
                print(f"page columns for {provider}/{name} skipped: no such row", file=sys.stderr)
                continue
            basis = columns["basis"]
            row = existing
            for column, value in columns.items():
                if column == "basis":
                    continue
                if column in row:
                    raise SystemExit(
                        f"{provider}/{name} {column} is in LiteLLM: drop the page value"
                    )
                row[column] = value
                row.setdefault("column_basis", {})[column] = basis
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
            "id": pin.source_id,
            "date": pin.date,
            "file": f"pricing/sources/{extract_path.name}",
            "origin": f"BerriAI/litellm {JSON_MEMBER} from the PyPI wheel "
            f"litellm=={pin.version} (sha256 {pin.sha256})",
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
        "as_of": pin.date,
        "generated_by": "scripts/build_llm_pricing.py",
        "sources": sources,
        "azure_deployment_types": pages["azure_deployment_types"],
        "notes": [
            f"Prices are USD per 1M tokens from LiteLLM {pin.version} (wheel built "
            f"{pin.date}), a third-party snapshot of the providers' list prices, plus "
            f"rows read from providers' pages ({', '.join(added)}); each row's basis names "
            "its source.",
            f"Rows per provider: {counts}. Keys are the LiteLLM model keys without the "
            "provider prefix; 'key' is the original. Dated versions are separate rows.",
            "Columns: input, output, cache_read, cache_write (5-minute), cache_write_1h "
            "(column_basis names the source of a column read from a provider's page); "
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


def changes(old: dict[str, Any], new: dict[str, Any], limit: int = 25) -> str:
    """The largest input/output price changes between two tables, as Markdown."""
    moved: list[tuple[Decimal, str]] = []
    added = removed = 0
    old_prices, new_prices = old.get("prices", {}), new["prices"]
    for provider in sorted(set(old_prices) | set(new_prices)):
        before, after = old_prices.get(provider, {}), new_prices.get(provider, {})
        added += len(set(after) - set(before))
        removed += len(set(before) - set(after))
        for model in sorted(set(before) & set(after)):
            for column in ("input", "output"):
                a, b = before[model].get(column), after[model].get(column)
                if a and b and a != b:
                    ratio = Decimal(b) / Decimal(a) - 1
                    line = f"- {provider}/{model} {column}: ${a} -> ${b} ({ratio:+.0%})"
                    moved.append((abs(ratio), line))
                elif bool(a) != bool(b):
                    moved.append((Decimal(1), f"- {provider}/{model} {column}: {a} -> {b}"))
    moved.sort(key=lambda item: (-item[0], item[1]))
    head = (
        f"LLM token table: {old.get('as_of')} -> {new['as_of']} "
        f"({new['sources'][0]['origin']}). {len(moved)} prices changed, {added} rows added, "
        f"{removed} removed. Largest changes:"
    )
    return "\n".join([head, "", *(line for _, line in moved[:limit])]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "pricing")
    parser.add_argument(
        "--extract", action="store_true", help="download the pinned wheel and rewrite the extract"
    )
    parser.add_argument(
        "--update",
        nargs="?",
        const="newest",
        metavar="VERSION",
        help="move the pin to VERSION (default: the newest release) and rebuild",
    )
    parser.add_argument("--wheel", type=Path, help="a litellm wheel already downloaded")
    parser.add_argument("--changes", type=Path, help="with --update: write the changes here")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the committed table is stale"
    )
    args = parser.parse_args(argv)
    extract_path = current_extract()
    target = args.output / "llm" / "tokens.json"
    previous = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else {}
    if args.extract or args.update:
        pin = read_pin(extract_path)
        if args.update:
            version = newest_version() if args.update == "newest" else args.update
            data, pin = read_wheel(version, args.wheel, None)
        else:
            data, pin = read_wheel(pin.version, args.wheel, pin.sha256)
        text = json.dumps(extract(data, pin), indent=1, sort_keys=True) + "\n"
        new_path = SOURCES / f"litellm-{pin.version}-extract.json"
        if new_path != extract_path:
            extract_path.unlink()
        new_path.write_text(text, encoding="utf-8")
        extract_path = new_path
        print(f"wrote {extract_path}")
    table = build(extract_path)
    text = render(table)
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current != text:
            print(f"{target} is stale: run scripts/build_llm_pricing.py", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    if args.update:
        summary = changes(previous, table)
        if args.changes:
            args.changes.write_text(summary, encoding="utf-8")
        print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
