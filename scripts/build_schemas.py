#!/usr/bin/env python3
"""Write the JSON Schemas of aicost's input files to ``schemas/`` from their pydantic models.

``schemas/aicost-llm.schema.json`` (LLM usage manifests) and
``schemas/aicost-usage.schema.json`` (usage files). ``--check`` exits 1 when a committed
schema differs from a fresh build.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aicost.sources.llm_usage import LlmUsageFile  # noqa: E402
from aicost.sources.usage import UsageDocument  # noqa: E402

SCHEMAS: dict[str, tuple[Any, str, str]] = {
    "aicost-llm.schema.json": (
        LlmUsageFile,
        "aicost LLM usage manifest (aicost-llm.yaml)",
        "Token workloads: provider, model, requests, average tokens, cache and batch shares, "
        "max_tokens, tier and tags.",
    ),
    "aicost-usage.schema.json": (
        UsageDocument,
        "aicost usage file (aicost-usage.yml)",
        "Usage per resource address ([*] wildcards) or resource type: hours per month, run "
        "hours, runs per month, requests and tokens.",
    ),
}


def render(model: Any, title: str, description: str) -> str:
    schema: dict[str, Any] = model.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--output", type=Path, default=REPO / "schemas")
    args = parser.parse_args(argv)
    stale = []
    for name, (model, title, description) in SCHEMAS.items():
        text = render(model, title, description)
        target = args.output / name
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    if stale:
        print(f"stale: {', '.join(stale)}; run scripts/build_schemas.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
