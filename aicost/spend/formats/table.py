"""``--format table`` (the default): the summary, the showback groups and the KPIs as text."""

from __future__ import annotations

from typing import Any

from aicost.spend.formats.values import last_day, ratio_text
from aicost.spend.ground import usd


def _table(headers: list[str], rows: list[list[str]], numeric: int = 3) -> list[str]:
    """Aligned columns; the last *numeric* columns right-aligned."""
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i >= len(headers) - numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _hours(value: Any) -> str:
    return "-" if value is None else f"{float(value):,.1f}"


def render(report: dict[str, Any]) -> str:
    s = report["summary"]
    k = report["kpis"]
    out = [
        f"AI spend {s['period_start']:%Y-%m-%d} to {last_day(s['period_end']):%Y-%m-%d} "
        f"({report['currency']}, {report['rows']:,} billing lines, {s['ai_lines']:,} AI)",
        f"  effective {usd(s['ai_effective_cost'])}   billed {usd(s['ai_billed_cost'])}"
        f"   untagged {usd(s['untagged_effective_cost'])}",
        "",
    ]
    by = report["by"]
    rows = [
        [
            *(g["key"][d] for d in by),
            usd(g["effective_cost"]),
            usd(g["billed_cost"]),
            _hours(g["gpu_hours"]),
        ]
        for g in report["groups"]
    ]
    out += _table([*by, "effective", "billed", "GPU-hours"], rows)
    out += ["", "KPIs"]
    out.append(f"  commitment coverage (GPU compute): {ratio_text(k['commitment_coverage_rate'])}")
    out.append(f"  week-over-week variance: {ratio_text(k['week_over_week_variance'])}")
    per_1k = k["cost_per_1k_tokens"]
    out.append(
        "  cost per 1,000 tokens: "
        + ("n/a (no token lines)" if per_1k is None else f"${float(per_1k):.6f}")
    )
    shares = ", ".join(f"{c} {ratio_text(v)}" for c, v in k["pricing_category_share"].items())
    out.append(f"  pricing category share: {shares or 'n/a'}")
    for option in k["gpu_by_purchase_option"]:
        out.append(
            f"  GPU {option['pricing_category']}: {_hours(option['gpu_hours'])} GPU-hours, "
            f"{usd(option['effective_cost'])}"
        )
    if k["commitment_readiness"]:
        out += ["", "Commitment readiness"]
        out += _table(
            ["family", "team", "history", "candidate", "floor/day", "commit/hour"],
            [
                [
                    r["instance_family"],
                    r["team"],
                    f"{r['history_days']}d",
                    "yes" if r["candidate"] else f"no: {r['reason']}",
                    usd(r["steady_floor_daily"]),
                    "-"
                    if r["recommended_commitment_hourly"] is None
                    else usd(r["recommended_commitment_hourly"]),
                ]
                for r in k["commitment_readiness"]
            ],
            numeric=2,
        )
    if k["budget_burn"]:
        out += ["", "Budget burn"]
        out += _table(
            ["team", "month", "month-to-date", "projected", "budget", "status"],
            [
                [
                    b["team"],
                    b["month"],
                    usd(b["month_to_date"]),
                    usd(b["projected_month_end"]),
                    usd(b["budget"]),
                    b["status"],
                ]
                for b in k["budget_burn"]
            ],
            numeric=0,
        )
    if k["day_over_day_jumps"]:
        out += ["", "Day-over-day jumps"]
        out += [
            f"  {j['day']} {j['team']}: {usd(j['previous'])} -> {usd(j['current'])} "
            f"({ratio_text(j['change'])})"
            for j in k["day_over_day_jumps"]
        ]
    return "\n".join(out) + "\n"
