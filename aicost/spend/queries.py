"""The showback queries: plain SQL over FOCUS columns.

DuckDB runs them here over the exports; ``--emit-sql`` prints the same statements for
Athena/Trino, BigQuery or Spark SQL (see :mod:`aicost.spend.emit`). They read three
relations: ``focus`` (the export), ``ai_lines`` (:func:`aicost.spend.classify.lines_sql`)
and ``hw`` (instance type -> accelerator, from the hardware catalogue), joined in ``ai``.
"""

from __future__ import annotations

import re

#: Built-in dimensions for ``--by``; any other name is a tag key.
BUILTIN: dict[str, str] = {
    "provider": "ProviderName",
    "service": "ServiceName",
    "region": "RegionId",
    "account": "SubAccountName",
    "accelerator": "Accelerator",
    "instance-type": "InstanceType",
    "instance-family": "InstanceFamily",
    "pricing-category": "PricingCategory",
    "ai-kind": "AiKind",
    "resource": "ResourceId",
}

UNTAGGED = "(untagged)"

AI = """
SELECT
  l.*,
  h.accelerator AS Accelerator,
  h.instance_type AS InstanceType,
  h.family AS InstanceFamily,
  CASE WHEN l.AiKind = 'accelerator' AND lower(coalesce(l.ConsumedUnit, '')) LIKE 'h%'
       THEN l.ConsumedQuantity * h.per_unit ELSE NULL END AS GpuHours,
  CASE WHEN l.AiKind = 'accelerator' AND lower(coalesce(l.ConsumedUnit, '')) LIKE 'h%'
       THEN l.ConsumedQuantity ELSE NULL END AS InstanceHours,
  (coalesce(l.PricingCategory, '') = 'Committed' OR l.CommitmentDiscountId IS NOT NULL)
    AS IsCommitted
FROM ai_lines AS l
LEFT JOIN hw AS h ON h.key = l.hw_key
""".strip()


def tag_keys(key: str) -> list[str]:
    """The spellings a tag key is looked up under (``use-case``: ``use_case``, ``UseCase``,
    ``user:use-case``, ``user_use_case``…)."""
    words = [w for w in re.split(r"[-_: ]+", key) if w]
    spellings = [
        key,
        "-".join(words),
        "_".join(words),
        "".join(words),
        "".join(w.capitalize() for w in words),
        words[0] + "".join(w.capitalize() for w in words[1:]) if words else key,
        "-".join(words).lower(),
        "_".join(words).lower(),
    ]
    # AWS: cost allocation tags are "user:team" in FOCUS exports, "user_team" in CUR 2.0
    spellings += [f"user:{s}" for s in list(spellings)] + [f"user_{s}" for s in list(spellings)]
    return list(dict.fromkeys(spellings))


def dimension(name: str) -> str:
    """The SQL expression for one ``--by`` dimension (untagged -> ``(untagged)``)."""
    if name in BUILTIN:
        return f"coalesce(CAST({BUILTIN[name]} AS VARCHAR), '{UNTAGGED}')"
    lookups = ", ".join(
        "json_extract_string(Tags, '$.\"" + key.replace("'", "''") + "\"')"
        for key in tag_keys(name)
    )
    return f"coalesce(nullif(trim(coalesce({lookups})), ''), '{UNTAGGED}')"


def _showback_queries(select: str, group: str, team: str, source: str) -> dict[str, str]:
    """The totals, the showback groups, cost by kind and the daily series (``{source}``
    still to fill in)."""
    return {
        "summary": (
            "SELECT sum(EffectiveCost) AS effective_cost, sum(BilledCost) AS billed_cost, "
            "sum(ListCost) AS list_cost, count(*) AS lines, min(ChargePeriodStart) AS first, "
            "max(ChargePeriodEnd) AS last FROM {source}"
        ),
        "groups": (
            f"SELECT {select}, sum(EffectiveCost) AS effective_cost, "
            f"sum(BilledCost) AS billed_cost, sum(GpuHours) AS gpu_hours FROM {source} "
            f"GROUP BY {group} ORDER BY effective_cost DESC"
        ),
        "by_kind": (
            "SELECT AiKind AS kind, sum(EffectiveCost) AS effective_cost, "
            "sum(BilledCost) AS billed_cost FROM {source} GROUP BY AiKind "
            "ORDER BY effective_cost DESC"
        ),
        "daily": (
            "SELECT ChargeDay AS day, sum(EffectiveCost) AS effective_cost FROM {source} "
            "WHERE ChargeDay IS NOT NULL GROUP BY ChargeDay ORDER BY ChargeDay"
        ),
        "daily_by_team": (
            f"SELECT ChargeDay AS day, {team} AS team, sum(EffectiveCost) AS effective_cost "
            "FROM {source} WHERE ChargeDay IS NOT NULL GROUP BY ChargeDay, team "
            "ORDER BY ChargeDay, team"
        ),
    }


def _kpi_queries(team: str) -> dict[str, str]:
    """The KPI queries: pricing categories, GPU by purchase option, commitment coverage,
    tokens, top resources and the family/team daily series."""
    return {
        "pricing_category": (
            "SELECT coalesce(PricingCategory, '(none)') AS category, "
            "sum(EffectiveCost) AS effective_cost FROM {source} GROUP BY category "
            "ORDER BY effective_cost DESC"
        ),
        "gpu_by_purchase": (
            "SELECT coalesce(PricingCategory, '(none)') AS category, sum(GpuHours) AS gpu_hours, "
            "sum(InstanceHours) AS instance_hours, sum(EffectiveCost) AS effective_cost "
            "FROM {source} WHERE AiKind = 'accelerator' GROUP BY category "
            "ORDER BY effective_cost DESC"
        ),
        "coverage": (
            "SELECT sum(CASE WHEN IsCommitted THEN InstanceHours ELSE 0 END) AS committed_hours, "
            "sum(InstanceHours) AS hours, "
            "sum(CASE WHEN IsCommitted THEN coalesce(ListCost, EffectiveCost) ELSE 0 END) "
            "AS committed_cost, sum(coalesce(ListCost, EffectiveCost)) AS cost "
            "FROM {source} WHERE AiKind = 'accelerator'"
        ),
        "tokens": (
            "SELECT sum(Tokens) AS tokens, sum(EffectiveCost) AS effective_cost "
            "FROM {source} WHERE AiKind = 'tokens' AND Tokens IS NOT NULL"
        ),
        "top_resources": (
            "SELECT coalesce(ResourceId, '(no resource id)') AS resource, "
            "any_value(ServiceName) AS service, any_value(AiKind) AS kind, "
            "sum(EffectiveCost) AS effective_cost FROM {source} GROUP BY resource "
            "ORDER BY effective_cost DESC LIMIT 10"
        ),
        "family_team_daily": (
            f"SELECT coalesce(InstanceFamily, '(unknown)') AS family, {team} AS team, "
            "ChargeDay AS day, sum(EffectiveCost) AS effective_cost, "
            "sum(CASE WHEN IsCommitted THEN 0 ELSE EffectiveCost END) AS uncommitted_cost "
            "FROM {source} WHERE AiKind = 'accelerator' AND ChargeDay IS NOT NULL "
            "GROUP BY family, team, day ORDER BY family, team, day"
        ),
    }


def showback(by: list[str], source: str = "ai") -> dict[str, str]:
    """Name -> query, each over *source* (the ``ai`` relation)."""
    dims = [dimension(name) for name in by] or [f"'{'all'}'"]
    select = ", ".join(f"{expr} AS d{i}" for i, expr in enumerate(dims))
    group = ", ".join(f"d{i}" for i in range(len(dims)))
    team = dimension(by[0]) if by else "'all'"
    statements = {**_showback_queries(select, group, team, source), **_kpi_queries(team)}
    return {name: sql.replace("{source}", source) for name, sql in statements.items()}
