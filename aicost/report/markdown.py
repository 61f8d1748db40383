"""``--format markdown``: a report for a pull-request comment or a job summary."""

from __future__ import annotations

from aicost.money import usd
from aicost.pipeline import CheckResult
from aicost.policy.reporting import stale_text, waiver_text, where
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
    active = result.active_findings
    if active:
        lines += ["#### Findings", ""]
        listed = active if options.max_rows <= 0 else active[: options.max_rows]
        for found in listed:
            saving = f" (saves {usd(found.monthly_saving)}/month)" if found.monthly_saving else ""
            target = found.address + (f" ({found.component})" if found.component else "")
            place = where(found)
            located = f" at `{_cell(place)}`" if place else ""
            rule = f"[`{found.rule}`]({found.link})" if found.link else f"`{found.rule}`"
            gate = "fails" if found.fails else "reports"
            lines.append(
                f"- **{found.severity.value}** ({gate}) {rule} `{_cell(target)}`{located}: "
                f"{_cell(found.message)}{saving}"
            )
        if len(listed) < len(active):
            lines.append(f"- … and {len(active) - len(listed)} more findings")
        lines.append("")
    waived = result.waived_findings
    if waived:
        noun = f"{len(waived)} waived finding{'s' if len(waived) != 1 else ''}"
        if options.show_waived:
            lines += [f"<details><summary>{noun}</summary>", ""]
            for found in waived:
                target = found.address + (f" ({found.component})" if found.component else "")
                detail = waiver_text(found.waiver) if found.waiver else ""
                lines.append(f"- `{found.rule}` `{_cell(target)}`: {_cell(detail)}")
            lines += ["", "</details>", ""]
        else:
            lines += [f"{noun} not listed.", ""]
    if result.stale_waivers:
        lines += [f"**Stale waivers ({len(result.stale_waivers)})**", ""]
        lines += [f"- {_cell(stale_text(stale))}" for stale in result.stale_waivers]
        lines.append("")
    if result.policy_notes:
        lines += [f"- {_cell(note)}" for note in result.policy_notes]
        lines.append("")
    prices = pricing_dates(result.tables, result.price_sources())
    lines.append(
        f"<sub>Prices: {prices} · policy {result.policy.name} · "
        f"{summary.hours_per_month} h/month</sub>"
    )
    return "\n".join(lines) + "\n"
