"""``--format html``: one self-contained page (no script, no external resource).

Charts are inline SVG: daily AI spend by team (stacked bars), share by pricing category
(a bar of shares with a legend) and the top resources (horizontal bars). Every text is
escaped; the page has a strict Content-Security-Policy that allows inline styles only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from html import escape
from typing import Any

from aicost.spend.formats.values import last_day, ratio_text
from aicost.spend.ground import usd

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.kpi{display:inline-block;margin:0 1.5rem 1rem 0}
.kpi b{display:block;font-size:1.3rem}.legend span{display:inline-block;margin-right:1rem}
.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
"""


def _f(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _daily_by_team(report: dict[str, Any]) -> tuple[str, list[str]]:
    per_day: dict[str, dict[str, float]] = defaultdict(dict)
    totals: dict[str, float] = defaultdict(float)
    for row in report["daily_by_team"]:
        value = max(_f(row["effective_cost"]), 0.0)
        per_day[str(row["day"])][row["team"]] = value
        totals[row["team"]] += value
    teams = sorted(totals, key=lambda t: -totals[t])
    days = _every_day(sorted(per_day))
    if not days:
        return "<p>No AI spend in this period.</p>", teams
    width, height, left, bottom = 900, 260, 70, 30
    peak = max(sum(v.values()) for v in per_day.values()) or 1.0
    bar = (width - left - 10) / len(days)
    parts = [
        f'<svg role="img" aria-label="Daily AI spend by team" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in range(5):
        value = peak * tick / 4
        y = height - bottom - (height - bottom - 10) * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
            f'<text x="{left - 5}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(usd(Decimal(str(round(value, 2)))))}</text>"
        )
    for i, day in enumerate(days):
        y = float(height - bottom)
        for j, team in enumerate(teams):
            value = per_day[day].get(team, 0.0)
            if value <= 0:
                continue
            h = (height - bottom - 10) * value / peak
            y -= h
            parts.append(
                f'<rect x="{left + i * bar:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{escape(day)} {escape(team)}: {value:,.2f}</title></rect>"
            )
    for i, day in enumerate(days):
        if i % max(1, -(-len(days) // 8)) == 0:
            parts.append(
                f'<text x="{left + i * bar:.1f}" y="{height - 10}" font-size="10">'
                f"{escape(day)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts), teams


def _every_day(days: list[str]) -> list[str]:
    """Every calendar day from the first to the last (days without spend are gaps)."""
    if not days:
        return days
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def _legend(names: list[str]) -> str:
    return (
        '<p class="legend">'
        + "".join(
            f'<span><i class="sw" style="background:{PALETTE[i % len(PALETTE)]}"></i>'
            f"{escape(name)}</span>"
            for i, name in enumerate(names)
        )
        + "</p>"
    )


def _shares(shares: dict[str, Any]) -> str:
    width, height = 900, 40
    x = 0.0
    parts = [
        f'<svg role="img" aria-label="Share by pricing category" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (category, share) in enumerate(shares.items()):
        w = width * max(_f(share), 0.0)
        parts.append(
            f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(category)}: '
            f"{escape(ratio_text(share))}</title></rect>"
        )
        x += w
    parts.append("</svg>")
    legend = _legend([f"{c} {ratio_text(s)}" for c, s in shares.items()])
    return "".join(parts) + legend


def _top(resources: list[dict[str, Any]]) -> str:
    if not resources:
        return "<p>No resources.</p>"
    width, row = 900, 22
    height = row * len(resources) + 4
    peak = max(_f(r["effective_cost"]) for r in resources) or 1.0
    parts = [
        f'<svg role="img" aria-label="Top resources" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, resource in enumerate(resources):
        value = max(_f(resource["effective_cost"]), 0.0)
        name = str(resource["resource"])
        label = name if len(name) <= 60 else "…" + name[-59:]
        parts.append(
            f'<rect x="420" y="{i * row + 2}" width="{380 * value / peak:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"/><text x="415" y="{i * row + 15}" font-size="11" '
            f'text-anchor="end">{escape(label)}</text><text x="{425 + 380 * value / peak:.1f}" '
            f'y="{i * row + 15}" font-size="11">{escape(usd(resource["effective_cost"]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _rows(headers: list[str], rows: list[list[str]], numeric: int = 0) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(c)}</td>' if i >= len(r) - numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def render(report: dict[str, Any]) -> str:
    s = report["summary"]
    k = report["kpis"]
    chart, teams = _daily_by_team(report)
    by = report["by"]
    per_1k = k["cost_per_1k_tokens"]
    kpis = [
        ("AI effective cost", usd(s["ai_effective_cost"])),
        ("AI billed cost", usd(s["ai_billed_cost"])),
        ("Untagged AI spend", usd(s["untagged_effective_cost"])),
        ("Commitment coverage (GPU)", ratio_text(k["commitment_coverage_rate"])),
        ("Week-over-week", ratio_text(k["week_over_week_variance"])),
        ("Cost per 1K tokens", "n/a" if per_1k is None else f"${float(per_1k):.6f}"),
    ]
    groups = _rows(
        [*by, "effective", "billed"],
        [
            [*(str(g["key"][d]) for d in by), usd(g["effective_cost"]), usd(g["billed_cost"])]
            for g in report["groups"]
        ],
        numeric=2,
    )
    readiness = _rows(
        ["family", "team", "history", "candidate", "floor/day", "commit/hour"],
        [
            [
                str(r["instance_family"]),
                str(r["team"]),
                f"{r['history_days']} days",
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
    burn = _rows(
        ["team", "month", "month-to-date", "projected", "budget", "80% line", "status"],
        [
            [
                str(b["team"]),
                b["month"],
                usd(b["month_to_date"]),
                usd(b["projected_month_end"]),
                usd(b["budget"]),
                usd(b["warn_line"]),
                b["status"],
            ]
            for b in k["budget_burn"]
        ],
    )
    title = (
        f"AI spend {s['period_start']:%Y-%m-%d} to {last_day(s['period_end']):%Y-%m-%d} "
        f"({report['currency']})"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        + "".join(f'<div class="kpi">{escape(n)}<b>{escape(v)}</b></div>' for n, v in kpis)
        + "<h2>Daily AI spend by team</h2>"
        + chart
        + _legend(teams)
        + "<h2>Share by pricing category</h2>"
        + _shares(k["pricing_category_share"])
        + "<h2>Top resources</h2>"
        + _top(report["top_resources"])
        + f"<h2>Showback by {escape(', '.join(by))}</h2>"
        + groups
        + ("<h2>Commitment readiness</h2>" + readiness if k["commitment_readiness"] else "")
        + ("<h2>Budget burn</h2>" + burn if k["budget_burn"] else "")
        + "</body></html>\n"
    )
