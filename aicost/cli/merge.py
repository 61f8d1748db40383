"""``aicost merge``: combine the JSON reports of several workspaces into one report.

For monorepos checked as a CI matrix (one job per workspace): each job writes
``aicost check ... --format json=report.json``; a last job merges them and renders or
posts one report. Projects are kept by their key (the input path), so two workspaces with
the same directory name stay apart; the same project in two reports is an error.

``--baseline`` compares the merged report with a base-branch report, as ``aicost check
--baseline`` does. ``--policy`` recomputes the findings about many workloads at once
(budgets) over every merged workspace (and the baseline's untouched ones), replacing the
per-workspace budget findings, which each saw only one workspace.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.cli.output import write_file
from aicost.core.errors import ExitCode, UsageError

HELP = "combine JSON reports from several workspaces (a CI matrix) into one report"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT", help="JSON reports")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="REPORT",
        help="compare with a base-branch report (as `aicost check --baseline`)",
    )
    parser.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="recompute budgets (and other findings about many workloads) over all workspaces",
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        metavar="FMT[=PATH]",
        help="json (default), markdown, sarif, junit, github or compact; repeatable, "
        "with =PATH to write one to a file",
    )
    parser.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE")
    parser.add_argument(
        "--max-rows", type=int, default=50, metavar="N", help="rows in markdown (default 50)"
    )
    parser.add_argument(
        "--fail",
        action="store_true",
        help="exit 1 when the merged verdict is fail (default: exit 0 after merging)",
    )


def run(args: argparse.Namespace) -> int:
    from aicost import report
    from aicost.baseline import load_report

    targets = _targets(args)
    documents = [(str(path), load_report(path)) for path in args.reports]
    merged = merge(documents)
    if args.baseline is not None or args.policy is not None:
        baseline = None
        if args.baseline is not None:
            baseline = (str(args.baseline), load_report(args.baseline))
        merged = recompute(merged, baseline=baseline, policy_path=args.policy)
    options = report.RenderOptions(max_rows=args.max_rows)
    for name, path in targets:
        if name == "json":
            from aicost.report.json import dumps

            text = dumps(merged)
        else:
            text = report.get(name).render_document(merged, options)  # type: ignore[attr-defined]
        if path is None:
            sys.stdout.write(text)
        else:
            write_file(path, text)
    if args.fail and merged.get("verdict") == "fail":
        return ExitCode.POLICY_FAILURE
    return ExitCode.OK


def _targets(args: argparse.Namespace) -> list[tuple[str, Path | None]]:
    from aicost import report

    targets: list[tuple[str, Path | None]] = []
    for spec in args.formats or ["json"]:
        name, sep, path = spec.partition("=")
        if sep and not path:
            raise UsageError(f"--format {spec}: missing a path after '='")
        if name != "json" and not report.renders_documents(name):
            raise UsageError(
                f"format {name!r} needs a live check; merged reports render as json, "
                "markdown, sarif, junit, github or compact"
            )
        targets.append((name, Path(path) if sep else None))
    if args.output is not None:
        targets = [(n, p if p is not None else args.output) for n, p in targets]
    if sum(1 for _, p in targets if p is None) > 1:
        raise UsageError("only one format can go to stdout; use --format FMT=PATH for the others")
    return targets


# --------------------------------------------------------------------------- merging


def _sum(values: Sequence[Any]) -> Decimal:
    from aicost.baseline import money

    return sum((money(v) or Decimal(0) for v in values), Decimal(0))


def _projects(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    from aicost.baseline import project_totals
    from aicost.core.money import decimal_string

    listed = document.get("projects")
    if isinstance(listed, list) and listed:
        return [dict(p) for p in listed if isinstance(p, dict)]
    return [  # a report written before projects[] existed
        {"key": key, "path": key, "kind": None, "monthly_cost": decimal_string(total)}
        for key, total in project_totals(document).items()
    ]


def merge(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """One report from several; money is summed as decimals, never as floats."""
    from aicost import __version__
    from aicost.core.money import decimal_string
    from aicost.report.view import severity_counts

    if not documents:
        raise UsageError("no reports to merge")
    seen: dict[str, str] = {}
    projects: list[dict[str, Any]] = []
    resources: list[Any] = []
    findings: list[Any] = []
    finding_keys: set[str] = set()
    inputs: list[Any] = []
    warnings: list[str] = []
    pricing: dict[str, dict[str, Any]] = {}
    policies: list[dict[str, Any]] = []
    verdicts = []
    for path, document in documents:
        for project in _projects(document):
            key = str(project.get("key"))
            if key in seen:
                raise UsageError(
                    f"project {key!r} is in both {seen[key]} and {path}; "
                    "each workspace must be checked once"
                )
            seen[key] = path
            projects.append(project)
        resources.extend(document.get("resources") or ())
        for found in document.get("findings") or ():
            marker = json.dumps(found, sort_keys=True)
            if marker not in finding_keys:
                finding_keys.add(marker)
                findings.append(found)
        inputs.extend(document.get("inputs") or ())
        warnings.extend(w for w in document.get("warnings") or () if w not in warnings)
        for table in document.get("pricing") or ():
            if not isinstance(table, dict):
                continue
            entry = pricing.setdefault(str(table.get("table")), {**table, "used": {}})
            for source, count in (table.get("used") or {}).items():
                entry["used"][source] = entry["used"].get(source, 0) + int(count)
        policy = document.get("policy")
        if isinstance(policy, dict) and policy not in policies:
            policies.append(policy)
        verdicts.append(document.get("verdict"))
    summaries = [d.get("summary") or {} for _, d in documents]
    exact_total = None
    if all("monthly_cost_unrounded" in p for p in projects):
        from aicost.baseline import monthly

        exact_total = sum((monthly(p) or Decimal(0) for p in projects), Decimal(0))

    def total(key: str) -> Any:
        return sum(int(s.get(key) or 0) for s in summaries)

    def gpus() -> float | int:
        value = float(sum(float(s.get("gpus") or 0) for s in summaries))
        return int(value) if value.is_integer() else value

    merged: dict[str, Any] = {
        "format": "aicost-report",
        "version": 1,
        "tool": {"name": "aicost", "version": __version__},
        "verdict": "fail" if "fail" in verdicts else "pass",
        "summary": {
            "currency": "USD",
            "monthly_cost": decimal_string(
                exact_total
                if exact_total is not None
                else _sum([s.get("monthly_cost") for s in summaries])
            ),
            "prior_monthly_cost": decimal_string(
                _sum([s.get("prior_monthly_cost") for s in summaries])
            ),
            "delta_monthly_cost": decimal_string(
                _sum([s.get("delta_monthly_cost") for s in summaries])
            ),
            "hours_per_month": summaries[0].get("hours_per_month", "730"),
            "workloads": total("workloads"),
            "priced": total("priced"),
            "unpriced": total("unpriced"),
            "gpus": gpus(),
            "findings": severity_counts(f for f in findings if isinstance(f, dict)),
            "non_ai_resources": total("non_ai_resources"),
            "other_resources": total("other_resources"),
        },
        "inputs": inputs,
        "policy": policies[0] if policies else None,
        "pricing": list(pricing.values()),
        "projects": projects,
        "baseline": _merged_baseline(documents, projects),
        "resources": resources,
        "findings": findings,
        "warnings": warnings,
        "merged_from": [path for path, _ in documents],
    }
    if len(policies) > 1:
        merged["policies"] = policies
    return merged


def _merged_baseline(
    documents: Sequence[tuple[str, Mapping[str, Any]]], projects: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """Combine the baseline sections of matrix jobs that compared with the same base report.

    A project checked by any job is compared with its baseline cost; a baseline project no
    job checked is carried over unchanged.
    """
    from aicost.baseline import money, monthly
    from aicost.core.money import decimal_string

    sections: list[Mapping[str, Any]] = [
        section for _, d in documents if isinstance(section := d.get("baseline"), dict)
    ]
    if not sections:
        return None
    base_costs: dict[str, Decimal | None] = {}
    removed: list[Any] = []
    for section in sections:
        for entry in section.get("projects") or ():
            if isinstance(entry, dict):
                key = str(entry.get("key"))
                cost = money(entry.get("baseline_monthly_cost"))
                if cost is not None or key not in base_costs:
                    base_costs[key] = cost
        removed.extend(section.get("removed_resources") or ())
    compared: list[dict[str, Any]] = []
    checked = set()
    for project in projects:
        key = str(project.get("key"))
        checked.add(key)
        head = monthly(project) or Decimal(0)
        base = base_costs.get(key)
        compared.append(
            {
                "key": key,
                "status": "changed" if base is not None else "added",
                "monthly_cost": decimal_string(head),
                "baseline_monthly_cost": decimal_string(base),
                "delta_monthly_cost": decimal_string(head - (base or Decimal(0))),
            }
        )
    for key, base in base_costs.items():
        if key not in checked:
            compared.append(
                {
                    "key": key,
                    "status": "unchanged",
                    "monthly_cost": decimal_string(base or Decimal(0)),
                    "baseline_monthly_cost": decimal_string(base),
                    "delta_monthly_cost": "0.00",
                }
            )
    base_total = money(sections[0].get("monthly_cost")) or Decimal(0)
    after = _sum([e["monthly_cost"] for e in compared])
    return {
        "path": sections[0].get("path"),
        "monthly_cost": decimal_string(base_total),
        "monthly_cost_after": decimal_string(after),
        "delta_monthly_cost": decimal_string(after - base_total),
        "projects": compared,
        "removed_resources": removed,
    }


def _fails(found: Mapping[str, Any]) -> bool:
    """Whether a finding fails the gate: the policy engine's decision when the report has it
    (enforcement, waivers, --fail-on and --soft-fail were applied when it was made), else an
    error that no live waiver silences and that the policy does not mark advisory."""
    from aicost.report.view import waived

    if isinstance(found.get("fails"), bool):
        return bool(found["fails"])
    return (
        found.get("severity") == "error"
        and not waived(found)
        and found.get("enforcement") != "advisory"
    )


def recompute(
    merged: dict[str, Any],
    *,
    baseline: tuple[str, Mapping[str, Any]] | None,
    policy_path: Path | None,
) -> dict[str, Any]:
    """Compare with *baseline* and re-run aggregate rules over all merged workspaces."""
    from aicost import baseline as baselines
    from aicost.core.money import decimal_string
    from aicost.report.document import project_key
    from aicost.report.view import severity_counts

    rebuilt = [
        w
        for w in (baselines.workload_from(r, with_prior=True) for r in merged["resources"])
        if w is not None
    ]
    carried: list[Any] = []
    if baseline is not None:
        keys = [str(p.get("key")) for p in merged["projects"]]
        comparison = baselines.compare(baseline[1], baseline[0], rebuilt, keys)
        merged["baseline"] = comparison.document()
        carried = list(comparison.carried)
        for resource in merged["resources"]:
            key = (
                project_key(str(resource.get("project") or "")),
                baselines.resource_key(resource)[1],
            )
            cost = comparison.resource_costs.get(key)
            resource["baseline_monthly_cost"] = decimal_string(cost) if cost is not None else None
    if policy_path is not None:
        from aicost.cost.projection import Pricer
        from aicost.policy.engine import evaluate
        from aicost.policy.loader import load_policy
        from aicost.pricing.catalog import PriceBook
        from aicost.report.document import finding

        policy = load_policy(policy_path)
        everything = [*rebuilt, *carried]
        addresses = {str(r.get("address")) for r in merged["resources"] if isinstance(r, dict)}
        fresh = [
            finding(f)
            for f in evaluate(policy, everything, Pricer(PriceBook()))
            if f.address not in {w.workload.address for w in everything}
        ]
        kept = [f for f in merged["findings"] if str(f.get("address")) in addresses]
        merged["findings"] = kept + fresh
        merged["summary"]["findings"] = severity_counts(merged["findings"])
        merged["verdict"] = "fail" if any(_fails(f) for f in merged["findings"]) else "pass"
    return merged
