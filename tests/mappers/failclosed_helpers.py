"""Small real inputs for the fail-closed tests: plans in `terraform show -json` shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AWS = "registry.terraform.io/hashicorp/aws"


def resource(
    address: str,
    after: dict[str, Any] | None,
    *,
    unknown: dict[str, Any] | None = None,
    actions: Any = ("create",),
    provider: str = AWS,
    mode: str = "managed",
) -> dict[str, Any]:
    rtype, name = address.split(".")[-2:]
    return {
        "address": address,
        "mode": mode,
        "type": rtype,
        "name": name.split("[", 1)[0],
        "provider_name": provider,
        "change": {
            "actions": list(actions) if isinstance(actions, tuple) else actions,
            "before": None,
            "after": after,
            "after_unknown": unknown or {},
            "before_sensitive": False,
            "after_sensitive": {},
        },
    }


def plan_file(
    tmp_path: Path,
    changes: list[dict[str, Any]],
    *,
    config_resources: list[dict[str, Any]] | None = None,
    name: str = "plan.json",
    region: str = "us-east-1",
) -> Path:
    document = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": AWS,
                    "expressions": {"region": {"constant_value": region}},
                }
            },
            "root_module": {"resources": config_resources or []},
        },
    }
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


TAGS = {
    "team": "research",
    "model": "llm",
    "use-case": "pretraining",
    "environment": "dev",
}
