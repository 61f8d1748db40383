"""List the hashicorp/aws resource types that take an instance type or an accelerator.

Runs `terraform providers schema -json` against the local provider mirror (offline) and
writes tests/fixtures/inventory/aws.json: resource type -> the arguments that matched.
tests/mappers/test_inventory.py asserts that every type listed is mapped by aicost or
deliberately non-AI (aicost/mappers/non_ai.py), so a provider upgrade that adds a kind
shows up as a failing test once this is re-run. Run from the repository root:

    python scripts/provider_inventory.py          # AICOST_TF_MIRROR defaults to /opt/tf-plugins
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "inventory" / "aws.json"
VERSION = "5.100.0"
#: Argument names that choose a machine or attach an accelerator.
PATTERN = re.compile(
    r"(^|_)(instance_types?|node_type|machine_type|vm_size|accelerator\w*|gpu\w*|"
    r"elastic_gpu\w*|instance_type_\w+|\w+_instance_type)$"
)


def schema() -> dict[str, Any]:
    mirror = os.environ.get("AICOST_TF_MIRROR", "/opt/tf-plugins")
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "main.tf").write_text(
            'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", '
            f'version = "{VERSION}" }}\n  }}\n}}\n'
        )
        (Path(work) / "cli.tfrc").write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path = "{mirror}"\n'
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n'
        )
        env = {**os.environ, "TF_CLI_CONFIG_FILE": f"{work}/cli.tfrc", "CHECKPOINT_DISABLE": "1"}
        subprocess.run(
            ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
        done = subprocess.run(
            ["terraform", "providers", "schema", "-json"],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def matches(block: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[str]:
    for name in block.get("attributes") or {}:
        if PATTERN.search(name):
            yield ".".join((*path, name))
    for name, nested in (block.get("block_types") or {}).items():
        yield from matches(nested["block"], (*path, name))


def main() -> None:
    resources = schema()["provider_schemas"]["registry.terraform.io/hashicorp/aws"][
        "resource_schemas"
    ]
    found = {
        rtype: sorted(set(matches(spec["block"])))
        for rtype, spec in sorted(resources.items())
        if any(True for _ in matches(spec["block"]))
    }
    document = {
        "provider": f"registry.terraform.io/hashicorp/aws {VERSION}",
        "made_by": "scripts/provider_inventory.py (terraform providers schema -json)",
        "pattern": PATTERN.pattern,
        "resources": found,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(found)} resource types)")


if __name__ == "__main__":
    main()
