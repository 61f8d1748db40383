#!/usr/bin/env python3
"""Mutate the AI resources of real inputs and look for fail-open gates and internal errors.

Each AI resource of the fixture plans (kept alone with the plan's non-AI resources) and each
vendored corpus manifest that asks for accelerators is changed at a random place by a random
operation (delete, null, negative, flip its type, huge, another shape, unknown), then
checked with a policy that fails on any cost and on anything unpriced. It reports:

* ``CRASH``: exit 3 (an internal error: always a bug);
* ``PASS``: exit 0 though the mutant still describes the AI resource. Some are right (the
  mutation removed the accelerator, or left a default the provider documents); the others
  are fail-open readings to fix. A count deleted or nulled may rightly mean zero.

The property tests in ``tests/test_property.py`` run the same idea on a few seeds with a
fixed, small number of examples; this script is for sweeping wider between sessions::

    python scripts/mutation_fuzz.py --seed 7 --per-resource 30
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import random
import sys
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aicost.cli import main  # noqa: E402
from aicost.sources.podcheck import accelerator_request  # noqa: E402
from tests.test_property import (  # noqa: E402 (the property tests' own mutations)
    OPS,
    POLICY,
    _allows_zero_for_count,
    mutate,
    paths,
)


def check(work: Path, target: Path) -> tuple[int, str]:
    """``aicost check`` in-process with the strict policy: (exit code, stderr)."""
    err = io.StringIO()
    policy = work / "policy.yaml"
    report = work / "report.json"
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        args = ["check", str(target), "--policy", str(policy), "--format", "json", "-o"]
        code = main([*args, str(report)])
    return code, err.getvalue()


def plan_findings(work: Path, rng: random.Random, per_resource: int) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for plan in sorted((REPO / "tests" / "fixtures" / "plans").glob("*.json")):
        document = json.loads(plan.read_text())
        check(work, plan)
        report = json.loads((work / "report.json").read_text())
        ai = {r["address"] for r in report["resources"] if (r.get("planned") or {}).get("ai")}
        others = [c for c in document.get("resource_changes", []) if c["address"] not in ai]
        for change in document.get("resource_changes", []):
            after = change["change"].get("after")
            if change["address"] not in ai or not isinstance(after, dict):
                continue
            seed = {**document, "resource_changes": [*others, change]}
            base = work / "seed.json"
            base.write_text(json.dumps(seed))
            if check(work, base)[0] != 1:
                continue
            choices = list(paths(after))
            for _ in range(per_resource if choices else 0):
                path, op = rng.choice(choices), rng.choice(OPS)
                mutant = copy.deepcopy(seed)
                mutant["resource_changes"][-1]["change"]["after"] = mutate(after, path, op)
                target = work / "mutant.json"
                target.write_text(json.dumps(mutant))
                code, err = check(work, target)
                zero_ok = _allows_zero_for_count(path, op)
                if code == 3:
                    found.append(("CRASH", plan.name, change["address"], path, op, err[-200:]))
                elif code == 0 and not zero_ok:
                    found.append(("PASS", plan.name, change["address"], path, op))
    return found


def manifest_findings(work: Path, rng: random.Random, per_resource: int) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    corpus = REPO / "tests" / "fixtures" / "corpus" / "manifests"
    for manifest in sorted(corpus.glob("*.y*ml")):
        try:
            documents = [d for d in yaml.safe_load_all(manifest.read_text()) if d is not None]
        except yaml.YAMLError:
            continue
        if "nodepool" in manifest.name or not any(accelerator_request(d) for d in documents):
            continue  # (a Karpenter NodePool's spec.limits is a cap, not a request)
        choices = [(i, p) for i, d in enumerate(documents) for p in paths(d)]
        for _ in range(per_resource):
            index, path = rng.choice(choices)
            op = rng.choice(OPS)
            mutants = list(documents)
            mutants[index] = mutate(documents[index], path, op)
            target = work / manifest.name
            target.write_text(yaml.safe_dump_all(mutants, sort_keys=False))
            code, err = check(work, target)
            if code == 3:
                found.append(("CRASH", manifest.name, index, path, op, err[-200:]))
            elif code == 0 and any(accelerator_request(d) for d in mutants):
                found.append(("PASS", manifest.name, index, path, op))
    return found


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-resource", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        (work / "policy.yaml").write_text(POLICY)
        findings = plan_findings(work, rng, args.per_resource)
        findings += manifest_findings(work, rng, args.per_resource)
    for finding in findings:
        print(*finding[:5], sep="  ")
    crashes = sum(1 for f in findings if f[0] == "CRASH")
    print(f"{len(findings)} findings ({crashes} internal errors)")
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(run())
