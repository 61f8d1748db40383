"""``--emit-sql DIALECT``: the showback queries for the engine where the exports live.

The statements are written once, in DuckDB's SQL, over FOCUS columns; sqlglot transpiles
them to Athena/Trino, BigQuery or Spark SQL. Each is self-contained: CTEs for the AI rule
(``ai_lines``), the hardware catalogue (``hw``, one row per instance type aicost knows) and
their join, created once as a view (``--view``, default ``aicost_ai``) over the export
table named by ``--table`` (default ``focus``); the showback queries read the view.
"""

from __future__ import annotations

from aicost.spend import classify, queries
from aicost.spend.ground import UsageError

#: ``--emit-sql`` name -> sqlglot dialect.
DIALECTS: dict[str, str] = {
    "athena": "athena",
    "trino": "trino",
    "bigquery": "bigquery",
    "spark": "spark",
    "duckdb": "duckdb",
}


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float | int):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def hardware_cte() -> str:
    rows = ", ".join(
        f"({_literal(h.key)}, {_literal(h.instance_type)}, {_literal(h.family)}, "
        f"{_literal(h.accelerator)}, {_literal(h.per_unit)})"
        for h in classify.catalogue()
    )
    return (
        "SELECT * FROM (VALUES "
        + rows
        + ") AS t(key, instance_type, family, accelerator, per_unit)"
    )


def view(table: str, name: str) -> str:
    """``CREATE VIEW`` *name* of the AI lines of *table*, joined with the catalogue."""
    return (
        f"CREATE OR REPLACE VIEW {name} AS WITH ai_lines AS "
        f"({classify.lines_sql(table, hints=False)}), hw AS ({hardware_cte()}) {queries.AI}"
    )


def statements(by: list[str], table: str = "focus", name: str = "aicost_ai") -> dict[str, str]:
    return {"view": view(table, name), **queries.showback(by, source=name)}


def emit(dialect: str, by: list[str], table: str = "focus", name: str = "aicost_ai") -> str:
    import sqlglot

    target = DIALECTS.get(dialect)
    if target is None:
        raise UsageError(
            f"--emit-sql: unknown dialect {dialect!r} (choose from {', '.join(DIALECTS)})"
        )
    out = []
    for label, sql in statements(by, table, name).items():
        (text,) = sqlglot.transpile(sql, read="duckdb", write=target, pretty=True)
        out.append(f"-- {label}\n{text};\n")
    return "\n".join(out)
