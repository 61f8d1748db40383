#!/usr/bin/env python3
"""Benchmark the pre-commit hook: `aicost check` on one changed .tf file (static mode).

Measures, as the hook runs it (a fresh process, the grammar cache warm, bytecode cached):

* ``aicost check --format compact main.tf`` on a one-file root module (the hook's command);
* the same configuration as a plan JSON (the plan path, no HCL parsing), and
  ``aicost --version`` and a bare ``python -c pass`` as baselines measured in the same run;
* where the time goes inside one process (imports, grammar load, parse, evaluate, price,
  check, report).

The issue's target is <= 0.3 s for the hook with the grammar cache warm. Every command runs
``--repeat`` times, interleaved so that machine noise hits all alike; medians are reported.

Usage::

    python benchmarks/hook.py
    python benchmarks/hook.py --repeat 21 --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_SECONDS = 0.3
SCENARIO = REPO / "tests" / "fixtures" / "terraform" / "aws_compliant"
PLAN = REPO / "tests" / "fixtures" / "plans" / "aws_compliant.json"

#: Children run as in a normal installation: bytecode is cached (the warm-up run writes it).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

PROFILE = r"""
import json, sys, time
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
from pathlib import Path
import aicost.cli.check, aicost.pipeline, aicost.report
mark("import aicost (pipeline, policy schema)")
from aicost.policy.cache import load_cached
from aicost.policy.loader import discover
policy = load_cached(*discover(None, Path.cwd()))
mark("load the policy (cached after the warm-up)")
from aicost.sources import hcl, hclparse, hclstatic
mark("import static mode and lark")
hclparse.parser()
mark("load the HCL parser (pickled after the warm-up)")
inventories = hclstatic.read_roots([Path(sys.argv[1])])
mark("parse and evaluate main.tf")
from aicost import mappers
from aicost.cost.projection import Pricer
from aicost.pricing.catalog import PriceBook
book = PriceBook()
normal = mappers.normalise(inventories, book, aicost.pipeline.map_settings(policy))
priced = Pricer(book).price(normal.workloads)
mark("map and price (price tables loaded)")
from aicost.policy.engine import evaluate
evaluate(policy, priced, Pricer(book))
mark("check the policy")
from aicost.report import compact
mark("render (import the format)")
out = []
for (name, t), (_, before) in zip(marks[1:], marks):
    out.append([name, t - before])
print(json.dumps(out))
"""


def run_once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    completed = subprocess.run(
        command, cwd=cwd, env=CHILD_ENV, capture_output=True, check=False, timeout=120
    )
    elapsed = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(
            f"failed ({completed.returncode}): {' '.join(command)}\n{completed.stderr!r}"
        )
    return elapsed


def aicost_command() -> list[str]:
    script = Path(sys.executable).with_name("aicost")
    return [str(script)] if script.exists() else [sys.executable, "-m", "aicost"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()

    from aicost.sources.hclparse import warm

    cache = warm()  # the hook's precondition: the grammar was compiled once
    work = Path(tempfile.mkdtemp(prefix="aicost-hook-bench-"))
    try:
        shutil.copy(SCENARIO / "main.tf", work / "main.tf")
        shutil.copy(PLAN, work / "plan.json")
        aicost = aicost_command()
        commands = {
            "bare interpreter (python -c pass)": [sys.executable, "-c", "pass"],
            "aicost --version": [*aicost, "--version"],
            "aicost check --format compact plan.json": [
                *aicost,
                "check",
                "--format",
                "compact",
                "plan.json",
            ],
            "hook: aicost check --format compact main.tf": [
                *aicost,
                "check",
                "--format",
                "compact",
                "main.tf",
            ],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():  # warm-up: page cache, .pyc files
            run_once(command, work)
        for _ in range(args.repeat):
            for name, command in commands.items():
                samples[name].append(run_once(command, work))
        medians = {name: statistics.median(values) for name, values in samples.items()}
        profile = subprocess.run(
            [sys.executable, "-c", PROFILE, "main.tf"],
            cwd=work,
            env=CHILD_ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        phases = json.loads(profile.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    bare = medians["bare interpreter (python -c pass)"]
    hook = medians["hook: aicost check --format compact main.tf"]
    plan = medians["aicost check --format compact plan.json"]
    print(f"grammar cache: {cache}")
    print(f"median of {args.repeat} interleaved runs:")
    for name, value in medians.items():
        print(f"  {name:48s} {value:6.3f} s   ({value / bare:5.1f}x bare)")
    print(f"hook over the plan path: +{hook - plan:.3f} s (HCL parsing and the grammar)")
    print("inside one process:")
    for name, seconds in phases:
        print(f"  {name:48s} {seconds:6.3f} s")
    verdict = "meets" if hook <= TARGET_SECONDS else "misses"
    ratio = hook / TARGET_SECONDS
    print(f"hook: {hook:.3f} s, {verdict} the {TARGET_SECONDS} s target ({ratio:.2f}x)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "repeat": args.repeat,
                    "median_seconds": medians,
                    "phases": phases,
                    "target_seconds": TARGET_SECONDS,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
