"""``--format markdown``: a report for a pull-request comment or a job summary."""

from __future__ import annotations

from aicost.money import usd
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, unit_costs
from aicost.report.text import change, gpus, hardware, largest_first, pricing_dates

MARKER = "<!-- aicost-report -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: CheckResult, options: RenderOptions) -> str:
    summary = result.summary
    icon = "❌" if result.verdict == "fail" else "✅"
    lines = [
        MARKER,
        f"### {icon} aicost: {result.verdict} · "
        f"{usd(summary.delta_monthly_cost, signed=True)}/month",
        "",
        f"Projected monthly AI spend **{usd(summary.monthly_cost)}** "
        f"(was {usd(summary.prior_monthly_cost)}) across {summary.workloads} workload"
        f"{'s' if summary.workloads != 1 else ''}"
        + (f", **{summary.unpriced} unpriced** (not counted)" if summary.unpriced else "")
        + ".",
        "",
    ]
    if result.workloads:
        lines += [
            "| Resource | Change | Class | Instance | GPUs | Purchase | Monthly | Delta |",
            "|---|---|---|---|---:|---|---:|---:|",
        ]
        shown = largest_first(result.workloads, options.max_rows)
        for item in shown:
            current = item.workload.current
            lines.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        f"`{item.workload.label}`",
                        change(item),
                        current.workload_class.value,
                        hardware(current),
                        gpus(item.workload.planned),
                        current.purchase_option,
                        usd(item.monthly_cost),
                        usd(item.delta_monthly_cost, signed=True),
                    )
                )
                + " |"
            )
        if len(shown) < len(result.workloads):
            lines.append(
                f"\n{len(result.workloads) - len(shown)} more workloads not shown "
                f"(the {len(shown)} largest changes are listed)."
            )
        lines.append("")
        per_unit = unit_costs.lines(shown, options.max_rows)
        if per_unit:
            lines += ["Unit costs:", ""] + [f"- {_cell(line)}" for line in per_unit] + [""]
    if result.findings:
        lines += ["#### Findings", ""]
        listed = result.findings if options.max_rows <= 0 else result.findings[: options.max_rows]
        for found in listed:
            saving = f" (saves {usd(found.monthly_saving)}/month)" if found.monthly_saving else ""
            where = found.address + (f" ({found.component})" if found.component else "")
            lines.append(
                f"- **{found.severity.value}** `{found.rule}` `{_cell(where)}`: "
                f"{_cell(found.message)}{saving}"
            )
        if len(listed) < len(result.findings):
            lines.append(f"- … and {len(result.findings) - len(listed)} more findings")
        lines.append("")
    prices = pricing_dates(result.tables, result.price_sources())
    lines.append(
        f"<sub>Prices: {prices} · policy {result.policy.name} · "
        f"{summary.hours_per_month} h/month</sub>"
    )
    return "\n".join(lines) + "\n"
