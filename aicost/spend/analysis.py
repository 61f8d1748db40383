"""Showback and the FinOps practice's KPIs for the AI lines of billing exports.

:func:`analyse` reads the exports (:mod:`aicost.spend.reader`), keeps the AI lines
(:mod:`aicost.spend.classify`), runs the showback queries (:mod:`aicost.spend.queries`) and
computes, in Decimal:

* ``commitment_coverage_rate``: committed ÷ all accelerator hours (``ConsumedQuantity`` in
  hours; list cost where no line has hours);
* ``pricing_category_share``: share of AI effective cost per ``PricingCategory``;
* ``week_over_week_variance``: the last 7 days of AI spend against the 7 before, (last −
  previous) ÷ previous;
* ``cost_per_1k_tokens``: effective cost of token lines per 1,000 tokens;
* GPU-hours and cost per purchase option (``PricingCategory``: Standard = on demand,
  Dynamic = spot/preemptible, Committed);
* commitment readiness per instance family and team: a candidate has 60+ days of history and
  week-over-week variance under 20% over the last 28 days (four whole weeks); the steady floor
  (the lowest uncommitted day of the last 30) is the recommended commitment, also per hour;
* budget burn: month-to-date per team against its budget, the month-end projection at the
  month's run rate, and the 80% line;
* day-over-day jumps of a team's AI spend above a threshold.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from aicost.spend import classify, queries, reader
from aicost.spend.ground import InputError
from aicost.spend.snapshot import Snapshot, from_exports, gpu_hours

ZERO = Decimal(0)
HISTORY_DAYS = 60
STEADY_VARIANCE = Decimal("0.2")
WARN_LINE = Decimal("0.8")


@dataclass
class Options:
    by: list[str] = field(default_factory=lambda: ["team"])
    budgets: dict[str, Decimal] = field(default_factory=dict)
    budget_tag: str = "team"
    jump_threshold: Decimal = Decimal("0.5")
    jump_min: Decimal = Decimal("1")
    memory_limit: str = "2GB"
    threads: int | None = None


def _dec(value: Any) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _opt(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else part / whole


def prepare(
    inputs: list[str], options: Options
) -> tuple[duckdb.DuckDBPyConnection, reader.Stats, list[str]]:
    """Open the exports, check them, and materialise the AI lines as ``ai``."""
    con, sources = reader.open_exports(
        inputs, memory_limit=options.memory_limit, threads=options.threads
    )
    stats = reader.stats(con, sources)
    try:
        con.execute(f"CREATE TEMP TABLE ai_lines AS {classify.lines_sql()}")
    except duckdb.Error as exc:
        raise reader.failure(con, sources, exc) from None
    keys = [str(row[0]) for row in con.execute("SELECT DISTINCT hw_key FROM ai_lines").fetchall()]
    con.execute(
        "CREATE TEMP TABLE hw (key VARCHAR, instance_type VARCHAR, family VARCHAR, "
        "accelerator VARCHAR, per_unit DOUBLE)"
    )
    rows = [
        (h.key, h.instance_type, h.family, h.accelerator, h.per_unit)
        for h in (classify.resolve(key) for key in keys if key)
    ]
    if rows:
        con.executemany("INSERT INTO hw VALUES (?, ?, ?, ?, ?)", rows)
    con.execute(f"CREATE TEMP VIEW ai AS {queries.AI}")
    return con, stats, [s.path for s in sources]


def analyse(inputs: list[str], options: Options) -> dict[str, Any]:
    """The spend report (JSON-ready apart from Decimal and date values)."""
    con, stats, files = prepare(inputs, options)
    try:
        return _report(con, stats, files, options)
    except duckdb.OutOfMemoryException as exc:
        raise reader.failure(con, [], exc) from None
    finally:
        con.close()


def _groups(run: dict[str, list[dict[str, Any]]], by: list[str]) -> list[dict[str, Any]]:
    """One showback group per row: its key, costs, GPU hours and whether it is untagged."""
    groups: list[dict[str, Any]] = [
        {
            "key": {dim: row[f"d{i}"] for i, dim in enumerate(by)},
            "effective_cost": _dec(row["effective_cost"]),
            "billed_cost": _dec(row["billed_cost"]),
            "gpu_hours": _opt(row["gpu_hours"]),
            "untagged": any(row[f"d{i}"] == queries.UNTAGGED for i in range(len(by))),
        }
        for row in run["groups"]
    ]
    return groups


def _kpis(
    run: dict[str, list[dict[str, Any]]],
    options: Options,
    ai_effective: Decimal,
    daily: dict[date, Decimal],
    team_daily: dict[str, dict[date, Decimal]],
    days: tuple[date, date],
) -> dict[str, Any]:
    """The KPIs: commitment coverage, pricing category shares, variance, token unit cost,
    GPU hours by purchase option, commitment readiness, budget burn and daily jumps."""
    first_day, last_day = days
    coverage = run["coverage"][0]
    hours = _dec(coverage["hours"])
    if hours > 0:
        coverage_rate = _ratio(_dec(coverage["committed_hours"]), hours)
        coverage_basis = "accelerator hours"
    else:
        coverage_rate = _ratio(_dec(coverage["committed_cost"]), _dec(coverage["cost"]))
        coverage_basis = "accelerator list cost"
    token_row = run["tokens"][0]
    tokens = _dec(token_row["tokens"])
    per_1k = (_dec(token_row["effective_cost"]) / tokens * 1000) if tokens > 0 else None

    kpis: dict[str, Any] = {
        "commitment_coverage_rate": coverage_rate,
        "commitment_coverage_basis": coverage_basis,
        "pricing_category_share": {
            row["category"]: _ratio(_dec(row["effective_cost"]), ai_effective)
            for row in run["pricing_category"]
        },
        "week_over_week_variance": week_over_week(daily, last_day),
        "cost_per_1k_tokens": per_1k,
        "tokens": tokens if tokens > 0 else None,
        "gpu_by_purchase_option": [
            {
                "pricing_category": row["category"],
                "gpu_hours": _opt(row["gpu_hours"]),
                "instance_hours": _opt(row["instance_hours"]),
                "effective_cost": _dec(row["effective_cost"]),
            }
            for row in run["gpu_by_purchase"]
        ],
        "commitment_readiness": readiness(run["family_team_daily"], last_day),
        "budget_burn": budget_burn(team_daily, daily, options.budgets, last_day),
        "day_over_day_jumps": jumps(
            team_daily, options.jump_threshold, options.jump_min, first_day, last_day
        ),
    }
    return kpis


def _report(
    con: duckdb.DuckDBPyConnection, stats: reader.Stats, files: list[str], options: Options
) -> dict[str, Any]:
    sql = queries.showback(options.by)
    run = {name: reader.fetch_dicts(con, query) for name, query in sql.items()}
    summary_row = run["summary"][0]
    ai_effective = _dec(summary_row["effective_cost"])
    ai_billed = _dec(summary_row["billed_cost"])
    groups = _groups(run, options.by)
    last_day = (stats.period_end - timedelta(microseconds=1)).date()
    first_day = stats.period_start.date()
    daily = {row["day"]: _dec(row["effective_cost"]) for row in run["daily"]}
    team_daily: dict[str, dict[date, Decimal]] = defaultdict(dict)
    for row in run["daily_by_team"]:
        team_daily[row["team"]][row["day"]] = _dec(row["effective_cost"])

    kpis = _kpis(run, options, ai_effective, daily, team_daily, (first_day, last_day))
    return {
        "version": 1,
        "files": files,
        "currency": stats.currency,
        "rows": stats.rows,
        "by": options.by,
        "summary": {
            "ai_effective_cost": ai_effective,
            "ai_billed_cost": ai_billed,
            "ai_list_cost": _opt(summary_row["list_cost"]),
            "ai_lines": int(summary_row["lines"] or 0),
            "period_start": stats.period_start,
            "period_end": stats.period_end,
            "untagged_effective_cost": sum(
                (g["effective_cost"] for g in groups if g["untagged"]), ZERO
            ),
            "by_kind": {row["kind"]: _dec(row["effective_cost"]) for row in run["by_kind"]},
        },
        "groups": groups,
        "kpis": kpis,
        "daily": [{"day": day, "effective_cost": cost} for day, cost in sorted(daily.items())],
        "daily_by_team": [
            {"day": day, "team": team, "effective_cost": cost}
            for team, days in sorted(team_daily.items())
            for day, cost in sorted(days.items())
        ],
        "top_resources": [
            {
                "resource": row["resource"],
                "service": row["service"],
                "kind": row["kind"],
                "effective_cost": _dec(row["effective_cost"]),
            }
            for row in run["top_resources"]
        ],
    }


def _window(series: dict[date, Decimal], end: date, days: int) -> Decimal:
    return sum((series.get(end - timedelta(days=i), ZERO) for i in range(days)), ZERO)


def week_over_week(series: dict[date, Decimal], end: date) -> Decimal | None:
    """(last 7 days − the 7 before) ÷ the 7 before; None without two weeks of spend."""
    last = _window(series, end, 7)
    previous = _window(series, end - timedelta(days=7), 7)
    return _ratio(last - previous, previous)


def readiness(rows: list[dict[str, Any]], end: date) -> list[dict[str, Any]]:
    series: dict[tuple[str, str], dict[date, Decimal]] = defaultdict(dict)
    uncommitted: dict[tuple[str, str], dict[date, Decimal]] = defaultdict(dict)
    for row in rows:
        key = (row["family"], row["team"])
        series[key][row["day"]] = _dec(row["effective_cost"])
        uncommitted[key][row["day"]] = _dec(row["uncommitted_cost"])
    result = []
    for (family, team), days in sorted(series.items()):
        history = (end - min(days)).days + 1
        weeks = [_window(days, end - timedelta(days=7 * i), 7) for i in range(4)][::-1]
        changes = [
            abs(weeks[i] - weeks[i - 1]) / weeks[i - 1] if weeks[i - 1] > 0 else None
            for i in range(1, len(weeks))
        ]
        known = [c for c in changes if c is not None]
        variance = max(known) if len(known) == len(changes) else None
        last30 = [uncommitted[(family, team)].get(end - timedelta(days=i), ZERO) for i in range(30)]
        floor = min(last30)
        reasons = []
        if history < HISTORY_DAYS:
            reasons.append(f"{history} days of history (needs {HISTORY_DAYS})")
        if variance is None:
            reasons.append("no spend in one of the last four weeks")
        elif variance >= STEADY_VARIANCE:
            reasons.append(f"week-over-week variance {variance:.0%} (needs under 20%)")
        candidate = not reasons
        result.append(
            {
                "instance_family": family,
                "team": team,
                "history_days": history,
                "max_week_over_week_variance": variance,
                "candidate": candidate,
                "steady_floor_daily": floor,
                "recommended_commitment_hourly": (floor / 24) if candidate else None,
                "reason": "; ".join(reasons) if reasons else "steady usage",
            }
        )
    return result


def month_to_date(series: dict[date, Decimal], end: date) -> Decimal:
    return sum((v for d, v in series.items() if d.year == end.year and d.month == end.month), ZERO)


def budget_burn(
    team_daily: dict[str, dict[date, Decimal]],
    daily: dict[date, Decimal],
    budgets: dict[str, Decimal],
    end: date,
) -> list[dict[str, Any]]:
    days_in_month = calendar.monthrange(end.year, end.month)[1]
    elapsed = end.day
    result = []
    budgets = dict(budgets)
    every_other = budgets.pop("*", None)  # a per-tag budget's default: every other team
    if every_other is not None:
        for team in team_daily:
            if team != queries.UNTAGGED:
                budgets.setdefault(team, every_other)
    for scope, budget in sorted(budgets.items()):
        series = daily if scope == "total" else team_daily.get(scope, {})
        mtd = month_to_date(series, end)
        projected = mtd / elapsed * days_in_month
        share = _ratio(projected, budget)
        if budget > 0 and projected > budget:
            status = "over"
        elif share is not None and share >= WARN_LINE:
            status = "warning"
        else:
            status = "ok"
        result.append(
            {
                "team": scope,
                "month": f"{end.year:04d}-{end.month:02d}",
                "month_to_date": mtd,
                "days_elapsed": elapsed,
                "days_in_month": days_in_month,
                "projected_month_end": projected,
                "budget": budget,
                "burn_rate": _ratio(mtd, budget),
                "projected_share": share,
                "warn_line": budget * WARN_LINE,
                "status": status,
            }
        )
    return result


def jumps(
    team_daily: dict[str, dict[date, Decimal]],
    threshold: Decimal,
    minimum: Decimal,
    first: date,
    end: date,
) -> list[dict[str, Any]]:
    found = []
    for team, days in sorted(team_daily.items()):
        day = first + timedelta(days=1)
        while day <= end:
            before = days.get(day - timedelta(days=1), ZERO)
            now = days.get(day, ZERO)
            if before > 0 and now - before >= minimum and (now - before) / before > threshold:
                found.append(
                    {
                        "day": day,
                        "team": team,
                        "previous": before,
                        "current": now,
                        "change": (now - before) / before,
                    }
                )
            day += timedelta(days=1)
    return found


def check_budgets(budgets: dict[str, Decimal]) -> None:
    for scope, amount in budgets.items():
        if amount < 0:
            raise InputError(f"budget {scope} must not be negative")


def snapshot_of(
    inputs: list[str], scope_tags: list[str], as_of: date | None, memory_limit: str
) -> Snapshot:
    """Month-to-date AI spend per scope tag, through *as_of* (default: the exports' last day)."""
    con, stats, _ = prepare(inputs, Options(memory_limit=memory_limit))
    try:
        day = as_of or (stats.period_end - timedelta(microseconds=1)).date()
        return from_exports(con, day, stats.currency, scope_tags)
    finally:
        con.close()


def gpu_hours_of(
    inputs: list[str], memory_limit: str = "2GB"
) -> dict[str, dict[str, dict[date, Decimal]]]:
    """Daily accelerator-hours per instance family and region of FOCUS exports (for the
    commitment readiness test)."""
    con, _, _ = prepare(inputs, Options(memory_limit=memory_limit))
    try:
        return gpu_hours(con)
    finally:
        con.close()
