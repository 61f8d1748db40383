#!/usr/bin/env python3
"""Benchmark aicost against baselines measured in the same run.

* ``aicost check`` on a real Terraform plan with thousands of GPU resources (made by
  ``gen_large_plan.py`` with terraform and the provider mirror), against a bare
  ``python -c "json.load(...)"`` of the same file: wall time and peak memory (max RSS).
* ``aicost --version`` against a bare interpreter start.

Every command runs ``--repeat`` times, interleaved with its baseline so that machine
noise hits both alike; the medians and their ratios are reported. Targets (from the
issue): check <= 2x the bare load, ``--version`` <= 0.15 s over bare start.

Usage::

    python benchmarks/run.py     # generates benchmarks/.cache/plan-3000.json if missing
    python benchmarks/run.py --plan plan.json --repeat 9 --json results.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECK_TARGET_RATIO = 2.0
VERSION_TARGET_SECONDS = 0.15


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int


#: Children run as in a normal installation: bytecode is cached (the warm-up run writes it).
#: Some sandboxes set PYTHONDONTWRITEBYTECODE, which would recompile aicost on every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(command: list[str]) -> Sample:
    """Wall time and peak RSS of one child process (os.wait4 gives the child's rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1 is a policy failure, a normal outcome here
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}")
    return Sample(elapsed, usage.ru_maxrss)


def measure(pairs: dict[str, list[str]], repeat: int) -> dict[str, list[Sample]]:
    samples: dict[str, list[Sample]] = {name: [] for name in pairs}
    for command in pairs.values():  # one warm-up each: page cache, .pyc files
        run_once(command)
    for _ in range(repeat):
        for name, command in pairs.items():
            samples[name].append(run_once(command))
    return samples


def median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.seconds for s in samples),
        int(statistics.median(s.max_rss_kb for s in samples)),
    )


def aicost_command() -> list[str]:
    script = Path(sys.executable).with_name("aicost")
    if script.exists():
        return [str(script)]
    found = shutil.which("aicost")
    return [found] if found else [sys.executable, "-m", "aicost"]


def ensure_plan(resources: int) -> Path:
    plan = HERE / ".cache" / f"plan-{resources}.json"
    if not plan.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "gen_large_plan.py"),
                "-n",
                str(resources),
                "--output",
                str(plan),
            ],
            check=True,
        )
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plan", type=Path, help="plan JSON to use (default: generate one)")
    parser.add_argument(
        "--resources", "-n", type=int, default=3000, help="GPU resources in a generated plan"
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    plan = args.plan or ensure_plan(args.resources)
    aicost = aicost_command()
    python = sys.executable
    commands = {
        "bare json.load": [
            python,
            "-c",
            "import json, sys; json.load(open(sys.argv[1]))",
            str(plan),
        ],
        "aicost check (table)": [*aicost, "check", str(plan)],
        "aicost check --format json": [
            *aicost,
            "check",
            str(plan),
            "--format",
            "json",
            "-o",
            os.devnull,
        ],
        "bare interpreter start": [python, "-c", "pass"],
        "aicost --version": [*aicost, "--version"],
    }
    results = {name: median(samples) for name, samples in measure(commands, args.repeat).items()}

    base = results["bare json.load"]
    start = results["bare interpreter start"]
    size_mb = plan.stat().st_size / 1e6
    changes = len(json.loads(plan.read_text())["resource_changes"])
    print(
        f"plan: {plan} ({size_mb:.1f} MB, {changes} resource changes); median of {args.repeat} runs"
    )
    print(f"{'command':30} {'seconds':>8} {'peak MB':>8} {'time ratio':>11} {'memory ratio':>13}")
    report: dict[str, object] = {
        "plan_mb": round(size_mb, 1),
        "resource_changes": changes,
        "repeat": args.repeat,
    }
    ok = True
    for name in ("bare json.load", "aicost check (table)", "aicost check --format json"):
        sample = results[name]
        time_ratio = sample.seconds / base.seconds
        memory_ratio = sample.max_rss_kb / base.max_rss_kb
        print(
            f"{name:30} {sample.seconds:8.3f} {sample.max_rss_kb / 1024:8.1f} "
            f"{time_ratio:10.2f}x {memory_ratio:12.2f}x"
        )
        report[name] = {
            "seconds": round(sample.seconds, 3),
            "peak_mb": round(sample.max_rss_kb / 1024, 1),
            "time_ratio": round(time_ratio, 2),
            "memory_ratio": round(memory_ratio, 2),
        }
        if name != "bare json.load" and time_ratio > CHECK_TARGET_RATIO:
            ok = False
    overhead = results["aicost --version"].seconds - start.seconds
    print(
        f"{'bare interpreter start':30} {start.seconds:8.3f}\n"
        f"{'aicost --version':30} {results['aicost --version'].seconds:8.3f}   "
        f"(+{overhead:.3f} s over bare start; target <= {VERSION_TARGET_SECONDS} s)"
    )
    report["version_overhead_seconds"] = round(overhead, 3)
    if overhead > VERSION_TARGET_SECONDS:
        ok = False
    verdict = "met" if ok else "MISSED"
    print(
        f"targets: check <= {CHECK_TARGET_RATIO}x bare load, "
        f"--version <= +{VERSION_TARGET_SECONDS} s: {verdict}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
