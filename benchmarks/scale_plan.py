#!/usr/bin/env python3
"""Scale a real plan JSON up by repeating its resources under new instance keys.

``terraform plan`` of 50,000 resources takes about an hour on a shared two-core machine, so
the 50,000-resource benchmark can use the real 5,000-resource plan (``gen_large_plan.py``)
repeated ten times: every ``resource_changes`` and ``planned_values`` entry is copied with
its instance keys renamed (``[3]`` becomes ``[100003]``, ``["a"]`` becomes ``["a-1"]``), in
addresses, module addresses and indexes alike, so counts and ``for_each`` instances,
module instances and the references between resources keep their shape. The
configuration section is unchanged (it describes blocks, not instances).

Usage::

    python3 benchmarks/scale_plan.py benchmarks/.cache/plan-5000.json 10 \\
        benchmarks/.cache/plan-50000.json
"""

from __future__ import annotations

import argparse
import copy
import json
import re
from pathlib import Path
from typing import Any

OFFSET = 100_000
_KEY = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


def rename(address: str, copy_number: int) -> str:
    def sub(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f"[{int(match.group(1)) + copy_number * OFFSET}]"
        return f'["{match.group(2)}-{copy_number}"]'

    return _KEY.sub(sub, address)


def _index(value: Any, copy_number: int) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value + copy_number * OFFSET
    if isinstance(value, str):
        return f"{value}-{copy_number}"
    return value


def _entry(entry: dict[str, Any], copy_number: int) -> dict[str, Any]:
    new = copy.deepcopy(entry)
    for key in ("address", "module_address"):
        if isinstance(new.get(key), str):
            new[key] = rename(new[key], copy_number)
    if "index" in new:
        new["index"] = _index(new["index"], copy_number)
    return new


def _module(module: dict[str, Any], factor: int) -> None:
    resources = module.get("resources") or []
    module["resources"] = [_entry(r, k) if k else r for k in range(factor) for r in resources]
    children = module.get("child_modules") or []
    scaled = []
    for k in range(factor):
        for child in children:
            new = copy.deepcopy(child) if k else child
            if k:
                new["address"] = rename(new["address"], k)
                _rename_module(new, k)
            scaled.append(new)
    if children:
        module["child_modules"] = scaled


def _rename_module(module: dict[str, Any], copy_number: int) -> None:
    module["resources"] = [_entry(r, copy_number) for r in module.get("resources") or []]
    for child in module.get("child_modules") or []:
        child["address"] = rename(child["address"], copy_number)
        _rename_module(child, copy_number)


def scale(plan: dict[str, Any], factor: int) -> dict[str, Any]:
    changes = plan.get("resource_changes") or []
    plan["resource_changes"] = [_entry(c, k) if k else c for k in range(factor) for c in changes]
    root = (plan.get("planned_values") or {}).get("root_module")
    if isinstance(root, dict):
        _module(root, factor)
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("plan", type=Path)
    parser.add_argument("factor", type=int)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    plan = scale(json.loads(args.plan.read_text()), args.factor)
    args.output.write_text(json.dumps(plan, separators=(",", ":")) + "\n")
    print(f"{args.output}: {len(plan['resource_changes'])} resource changes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
