#!/usr/bin/env python3
"""Benchmark aicost against baselines measured in the same run (issue 14's targets).

Every scenario pairs aicost commands with a baseline and runs them interleaved, ``--repeat``
rounds after one warm-up each, so that machine noise hits both alike. A round gives one
pairwise ratio (or difference) per command; the report shows the median of those, and peak
memory (max RSS from ``os.wait4``).

Scenarios and targets:

* ``check``: ``aicost check`` on a real Terraform plan of 5,000 GPU workloads (thousands of
  findings; made by ``gen_large_plan.py`` with terraform and the provider mirror), every
  format, against a bare ``python -c 'json.load(...)'`` of the same file: <= 1.3x.
* ``large``: the same on a 50,000-workload plan: peak memory <= 3x the file + 100 MiB,
  time <= 11x the 5,000 run (paired rounds: 50k / 5k).
* ``static``: ``aicost check`` on the configuration that produced the 5,000 plan, against
  ``hcl2.load`` of the same files: <= 2.0x.
* ``hook``: the pre-commit case (``aicost check --format compact main.tf``, one small file)
  <= 0.15 s over a bare interpreter start; ``aicost --version`` <= 0.05 s over it.
* ``manifests``: ``aicost check`` on 2,000 Kubernetes GPU Jobs (generated here) and on the
  real public manifests of the corpus (the YAML files vendored in
  ``tests/fixtures/corpus/manifests``), against PyYAML's C loader on the same files: <= 1.5x.

Plans and generated files live under ``benchmarks/.cache`` (git-ignored).

Usage::

    python benchmarks/run.py                        # every scenario, 11 rounds
    python benchmarks/run.py --only check hook --repeat 21 --json results.json
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache"
FORMATS = ("table", "json", "markdown", "sarif", "junit", "github")
HOOK_TF = REPO / "tests" / "fixtures" / "terraform" / "aws_compliant" / "main.tf"
CORPUS_MANIFESTS = REPO / "tests" / "fixtures" / "corpus" / "manifests"
#: Stricter than the estate it checks: thousands of findings on the generated plans.
POLICY = HERE / "policy-rich.yaml"

#: Children run as in a normal installation: bytecode is cached (the warm-up run writes it).
#: Some sandboxes set PYTHONDONTWRITEBYTECODE, which would recompile aicost on every run.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MIB = 1024 * 1024


@dataclass
class Sample:
    seconds: float  # wall
    cpu: float  # user + system seconds of the child
    max_rss: int  # bytes


@dataclass
class Row:
    scenario: str
    name: str
    seconds: float
    cpu: float
    peak_mib: float
    #: Median of pairwise ratios (or differences, in seconds) against the baseline.
    measure: float | None = None
    #: The same on CPU time (user + system), which a loaded machine disturbs less.
    cpu_measure: float | None = None
    unit: str = "x"
    target: float | None = None
    note: str = ""

    @property
    def met(self) -> bool | None:
        """Judged on wall time; see also :attr:`cpu_met`."""
        if self.target is None or self.measure is None:
            return None
        return self.measure <= self.target

    @property
    def cpu_met(self) -> bool | None:
        if self.target is None or self.cpu_measure is None:
            return None
        return self.cpu_measure <= self.target


@dataclass
class Scenario:
    name: str
    baseline: str
    commands: dict[str, list[str]]
    rows: list[Row] = field(default_factory=list)


def run_once(command: list[str], cwd: Path | None = None) -> Sample:
    """Wall time and peak RSS of one child process (os.wait4 gives the child's rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV, cwd=cwd
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1 is a policy failure, a normal outcome here
        raise SystemExit(f"command failed ({code}): {' '.join(command)}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def measure(
    commands: dict[str, list[str]], repeat: int, cwd: Path | None = None
) -> dict[str, list[Sample]]:
    """Interleaved rounds: every command once per round, after one warm-up each."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for command in commands.values():  # warm-up: page cache, .pyc files, grammar cache
        run_once(command, cwd)
    for _ in range(repeat):
        for name, command in commands.items():
            samples[name].append(run_once(command, cwd))
    return samples


def paired(
    samples: dict[str, list[Sample]],
    name: str,
    base: str,
    op: Callable[[float, float], float],
    cpu: bool = False,
) -> float:
    pairs = zip(samples[name], samples[base], strict=True)
    if cpu:
        return statistics.median(op(a.cpu, b.cpu) for a, b in pairs)
    return statistics.median(op(a.seconds, b.seconds) for a, b in pairs)


def ratio(a: float, b: float) -> float:
    return a / b


def difference(a: float, b: float) -> float:
    return a - b


def med_seconds(values: list[Sample]) -> float:
    return statistics.median(s.seconds for s in values)


def med_cpu(values: list[Sample]) -> float:
    return statistics.median(s.cpu for s in values)


def peak_mib(values: list[Sample]) -> float:
    return max(s.max_rss for s in values) / MIB


def aicost_command() -> list[str]:
    script = Path(sys.executable).with_name("aicost")
    if script.exists():
        return [str(script)]
    found = shutil.which("aicost")
    return [found] if found else [sys.executable, "-m", "aicost"]


def ensure_plan(resources: int) -> Path:
    plan = CACHE / f"plan-{resources}.json"
    if not plan.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen_large_plan.py"), "-n", str(resources)], check=True
        )
    return plan


def ensure_large(small: Path, resources: int, large: int) -> Path:
    """The real plan of *large* resources if one was generated, else the *resources* plan
    repeated (``scale_plan.py``): terraform takes about an hour to plan 50,000 resources."""
    real = CACHE / f"plan-{large}.json"
    if real.exists():
        return real
    scaled = CACHE / f"plan-{large}-scaled.json"
    if not scaled.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "scale_plan.py"),
                str(small),
                str(large // resources),
                str(scaled),
            ],
            check=True,
        )
    return scaled


JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: train-{i}
  namespace: ml-{team}
  labels:
    team: {team}
    workload: training
    model: llama-{size}b
spec:
  completions: 1
  parallelism: {nodes}
  backoffLimit: 2
  template:
    metadata:
      labels:
        team: {team}
    spec:
      restartPolicy: Never
      nodeSelector:
        node.kubernetes.io/instance-type: {itype}
      tolerations:
        - key: nvidia.com/gpu
          operator: Exists
          effect: NoSchedule
      containers:
        - name: trainer
          image: nvcr.io/nvidia/pytorch:24.05-py3
          command: ["torchrun", "--nproc_per_node={gpus}", "train.py"]
          args: ["--epochs", "3", "--batch-size", "{batch}"]
          env:
            - name: NCCL_DEBUG
              value: INFO
          resources:
            requests:
              cpu: "{cpu}"
              memory: {memory}Gi
              nvidia.com/gpu: {gpus}
            limits:
              nvidia.com/gpu: {gpus}
"""


def ensure_jobs(count: int = 2000) -> list[Path]:
    """*count* Kubernetes GPU Jobs, one per file, over a few instance types and teams."""
    directory = CACHE / f"jobs-{count}"
    files = sorted(directory.glob("*.yaml"))
    if len(files) == count:
        return files
    directory.mkdir(parents=True, exist_ok=True)
    types = [("g5.12xlarge", 4), ("g6.2xlarge", 1), ("p4d.24xlarge", 8), ("g5.xlarge", 1)]
    teams = ["vision", "nlp", "speech", "search"]
    files = []
    for i in range(count):
        itype, gpus = types[i % len(types)]
        path = directory / f"job-{i:05d}.yaml"
        path.write_text(
            JOB.format(
                i=i,
                team=teams[i % len(teams)],
                size=(8, 70)[i % 2],
                nodes=1 + i % 3,
                itype=itype,
                gpus=gpus,
                batch=16 * gpus,
                cpu=8 * gpus,
                memory=64 * gpus,
            )
        )
        files.append(path)
    return files


def tf_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.tf") if ".terraform" not in p.parts)


def bare(script: str, *arguments: str) -> list[str]:
    return [sys.executable, "-c", script, *arguments]


JSON_LOAD = "import json, sys; json.load(open(sys.argv[1]))"
HCL2_LOAD = "import hcl2, sys\nfor p in sys.argv[1:]:\n    with open(p) as f: hcl2.load(f)"
YAML_LOAD = (
    "import yaml, sys\n"
    "for p in sys.argv[1:]:\n"
    "    with open(p) as f: list(yaml.load_all(f, Loader=yaml.CSafeLoader))"
)


def row(
    scenario: str,
    samples: dict[str, list[Sample]],
    name: str,
    base: str | None = None,
    op: Callable[[float, float], float] = ratio,
    target: float | None = None,
    unit: str = "x",
) -> Row:
    """One command's medians, and its pairwise measure against *base* when given."""
    return Row(
        scenario,
        name,
        med_seconds(samples[name]),
        med_cpu(samples[name]),
        peak_mib(samples[name]),
        None if base is None else paired(samples, name, base, op),
        None if base is None else paired(samples, name, base, op, cpu=True),
        unit=unit,
        target=target,
    )


def scenario_check(aicost: list[str], plan: Path, repeat: int) -> list[Row]:
    base = "bare json.load"
    commands = {base: bare(JSON_LOAD, str(plan))}
    for fmt in FORMATS:
        commands[f"check --format {fmt}"] = [
            *aicost,
            "check",
            str(plan),
            "--policy",
            str(POLICY),
            "--format",
            fmt,
            "-o",
            os.devnull,
        ]
    samples = measure(commands, repeat)
    rows = [row("check 5k", samples, base)]
    rows += [row("check 5k", samples, name, base, target=1.3) for name in commands if name != base]
    return rows


def scenario_large(aicost: list[str], small: Path, large: Path, repeat: int) -> list[Row]:
    commands = {
        "check 5k (table)": [*aicost, "check", str(small), "--policy", str(POLICY)],
        "check 50k (table)": [*aicost, "check", str(large), "--policy", str(POLICY)],
        "bare json.load 50k": bare(JSON_LOAD, str(large)),
    }
    samples = measure(commands, repeat)
    size_mib = large.stat().st_size / MIB
    allowed = 3 * size_mib + 100
    big = samples["check 50k (table)"]
    time_row = row("50k", samples, "check 50k (table)", "check 5k (table)", target=11.0)
    time_row.name = "check 50k / check 5k (time)"
    memory = peak_mib(big)
    return [
        time_row,
        Row(
            "50k",
            "check 50k peak memory",
            med_seconds(big),
            med_cpu(big),
            memory,
            memory,
            memory,
            unit=" MiB",
            target=allowed,
            note=f"file {size_mib:.0f} MiB; allowed 3x + 100 = {allowed:.0f} MiB",
        ),
        row("50k", samples, "bare json.load 50k"),
    ]


def scenario_static(aicost: list[str], config: Path, repeat: int) -> list[Row]:
    files = [str(p) for p in tf_files(config)]
    base = "hcl2.load of the .tf files"
    commands = {
        base: bare(HCL2_LOAD, *files),
        "check (static mode)": [*aicost, "check", str(config), "-o", os.devnull],
    }
    samples = measure(commands, repeat)
    return [
        row("static 5k", samples, base),
        row("static 5k", samples, "check (static mode)", base, target=2.0),
    ]


def scenario_hook(aicost: list[str], repeat: int) -> list[Row]:
    work = CACHE / "hook"
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(HOOK_TF, work / "main.tf")
    base = "bare interpreter start"
    hook = "hook: check --format compact main.tf"
    commands = {
        base: [sys.executable, "-c", "pass"],
        "aicost --version": [*aicost, "--version"],
        hook: [*aicost, "check", "--format", "compact", "main.tf"],
    }
    samples = measure(commands, repeat, cwd=work)
    return [
        row("hook", samples, base),
        row("hook", samples, "aicost --version", base, difference, 0.05, " s over"),
        row("hook", samples, hook, base, difference, 0.15, " s over"),
    ]


def scenario_manifests(aicost: list[str], repeat: int) -> list[Row]:
    rows: list[Row] = []
    sets = {
        "2,000 GPU Jobs": [str(p) for p in ensure_jobs()],
        "the corpus's manifests": [
            str(p) for p in sorted(CORPUS_MANIFESTS.glob("*")) if p.suffix in (".yaml", ".yml")
        ],
    }
    for label, files in sets.items():
        if not files:
            continue
        base = f"yaml CSafeLoader ({label})"
        name = f"check ({label})"
        commands = {
            base: bare(YAML_LOAD, *files),
            name: [*aicost, "check", *files, "--format", "json", "-o", os.devnull],
        }
        samples = measure(commands, repeat)
        rows.append(row("manifests", samples, base))
        rows.append(row("manifests", samples, name, base, target=1.5))
    return rows


SCENARIOS = ("check", "large", "static", "hook", "manifests")


def load_average() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | command | wall s | CPU s | peak MiB | wall measure | CPU measure "
        "| target | met (wall / CPU) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for item in rows:
        measured = cpu = target = met = ""
        if item.measure is not None and item.cpu_measure is not None:
            fmt = "{:.2f}" if item.unit == "x" else ("{:.3f}" if "s" in item.unit else "{:.0f}")
            measured = fmt.format(item.measure) + item.unit
            cpu = fmt.format(item.cpu_measure) + item.unit
            if item.target is not None:
                target = "<= " + fmt.format(item.target) + item.unit
                met = " / ".join("yes" if ok else "**no**" for ok in (item.met, item.cpu_met))
        lines.append(
            f"| {item.scenario} | {item.name} | {item.seconds:.3f} | {item.cpu:.3f} | "
            f"{item.peak_mib:.0f} | {measured} | {cpu} | {target} | {met} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="scenarios to run")
    parser.add_argument("--repeat", type=int, default=11, help="rounds per scenario (11)")
    parser.add_argument("--resources", "-n", type=int, default=5000, help="plan size (5000)")
    parser.add_argument("--large", type=int, default=50000, help="large plan size (50000)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    wanted = args.only or list(SCENARIOS)
    aicost = aicost_command()
    load_before = load_average()
    rows: list[Row] = []
    plan = ensure_plan(args.resources) if {"check", "large"} & set(wanted) else None
    if "check" in wanted and plan is not None:
        rows += scenario_check(aicost, plan, args.repeat)
    if "large" in wanted and plan is not None:
        large = ensure_large(plan, args.resources, args.large)
        print(f"large plan: {large.name}, {large.stat().st_size / MIB:.1f} MiB", flush=True)
        rows += scenario_large(aicost, plan, large, max(3, args.repeat // 2))
    if "static" in wanted:
        config = CACHE / f"large-{args.resources}"
        if not config.is_dir():
            ensure_plan(args.resources)
        rows += scenario_static(aicost, config, args.repeat)
    if "hook" in wanted:
        rows += scenario_hook(aicost, args.repeat * 2)
    if "manifests" in wanted:
        rows += scenario_manifests(aicost, args.repeat)

    print(
        f"aicost benchmarks: {args.repeat} interleaved rounds per scenario (hook: "
        f"{args.repeat * 2}), medians of pairwise ratios; load average {load_before} before, "
        f"{load_average()} after; {os.cpu_count()} CPUs"
    )
    if plan is not None:
        print(f"plan: {plan.name}, {plan.stat().st_size / MIB:.1f} MiB")
    print(table(rows))
    for row in rows:
        if row.note:
            print(f"note: {row.name}: {row.note}")
    missed = [row for row in rows if row.met is False]
    print("targets: " + ("all met" if not missed else f"{len(missed)} MISSED"))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"load": [load_before, load_average()], "rows": [r.__dict__ for r in rows]},
                indent=2,
            )
            + "\n"
        )
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
