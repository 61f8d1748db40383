"""Read FOCUS billing exports (and AWS CUR 2.0) into DuckDB as one normalised view, ``focus``.

Inputs are files, directories (every ``.csv``, ``.csv.gz`` and ``.parquet`` file under them)
or globs. CSV is read as text and cast here, so that every file gets the same types and a
bad value is reported with its file and column; ``NULL`` and the empty string are nulls (the
FinOps Foundation's sample data writes ``NULL``). Parquet keeps its own types. Each file's
columns are checked first: a file that lacks a required FOCUS column is refused by name.

The view has the FOCUS columns aicost uses, with their FOCUS names and types, whatever the
version (1.0 to 1.3; 1.3's ``ServiceProviderName`` is read as ``ProviderName``) or source
(AWS CUR 2.0 columns are mapped, see :data:`CUR2`). Columns absent from every file are null.
"""

from __future__ import annotations

import glob
import re
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from aicost.spend.ground import AicostError, InputError, UsageError

#: Columns without which a file is not a FOCUS cost and usage export.
REQUIRED: tuple[str, ...] = (
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ServiceName",
)

DECIMAL = "DECIMAL(38,10)"

#: FOCUS column -> type in the view. Text columns are VARCHAR.
TYPED: dict[str, str] = {
    "BilledCost": DECIMAL,
    "EffectiveCost": DECIMAL,
    "ListCost": DECIMAL,
    "ChargePeriodStart": "TIMESTAMP",
    "ChargePeriodEnd": "TIMESTAMP",
    "ConsumedQuantity": "DOUBLE",
    "PricingQuantity": "DOUBLE",
}

TEXT: tuple[str, ...] = (
    "BillingCurrency",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "ServiceSubcategory",
    "ChargeCategory",
    "ChargeDescription",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "SkuId",
    "SkuMeter",
    "PricingCategory",
    "PricingUnit",
    "CommitmentDiscountId",
    "CommitmentDiscountStatus",
    "ConsumedUnit",
    "RegionId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
)

#: Provider columns (``x_``) whose text may name an instance type or model.
HINTS: tuple[str, ...] = (
    "x_UsageType",
    "x_Operation",
    "x_SkuMeterName",
    "x_SkuMeterSubcategory",
    "x_SkuDescription",
    "x_SkuDetails",
    "x_InstanceType",
)

#: AWS CUR 2.0 column -> FOCUS expression. Effective cost is amortised the way CUR's own
#: FOCUS conversion does: Savings Plan and Reserved Instance covered usage at their effective
#: cost, the fees and negations that amortisation replaces at zero.
CUR2: dict[str, str] = {
    "BilledCost": "line_item_unblended_cost",
    "EffectiveCost": (
        "CASE line_item_line_item_type"
        " WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_effective_cost"
        " WHEN 'DiscountedUsage' THEN reservation_effective_cost"
        " WHEN 'SavingsPlanNegation' THEN 0"
        " WHEN 'SavingsPlanRecurringFee' THEN 0"
        " WHEN 'SavingsPlanUpfrontFee' THEN 0"
        " WHEN 'RIFee' THEN 0"
        " ELSE line_item_unblended_cost END"
    ),
    "ListCost": "pricing_public_on_demand_cost",
    "BillingCurrency": "line_item_currency_code",
    "ChargePeriodStart": "line_item_usage_start_date",
    "ChargePeriodEnd": "line_item_usage_end_date",
    "ServiceName": "line_item_product_code",
    "ChargeCategory": (
        "CASE WHEN line_item_line_item_type = 'Tax' THEN 'Tax'"
        " WHEN line_item_line_item_type IN ('Credit', 'Refund') THEN 'Credit'"
        " WHEN line_item_line_item_type LIKE '%Fee' THEN 'Purchase' ELSE 'Usage' END"
    ),
    "ChargeDescription": "line_item_line_item_description",
    "ResourceId": "line_item_resource_id",
    "SkuId": "product_sku",
    "PricingCategory": (
        "CASE WHEN line_item_line_item_type IN ('SavingsPlanCoveredUsage', 'DiscountedUsage')"
        " THEN 'Committed' WHEN line_item_usage_type LIKE '%SpotUsage%' THEN 'Dynamic'"
        " WHEN line_item_line_item_type = 'Usage' THEN 'Standard' ELSE NULL END"
    ),
    "CommitmentDiscountId": (
        "CASE line_item_line_item_type"
        " WHEN 'SavingsPlanCoveredUsage' THEN savings_plan_savings_plan_a_r_n"
        " WHEN 'DiscountedUsage' THEN reservation_reservation_a_r_n ELSE NULL END"
    ),
    "ConsumedQuantity": "line_item_usage_amount",
    "ConsumedUnit": "pricing_unit",
    "PricingUnit": "pricing_unit",
    "RegionId": "product_region_code",
    "SubAccountId": "line_item_usage_account_id",
    "SubAccountName": "line_item_usage_account_name",
    "Tags": "resource_tags",
    "ProviderName": "'AWS'",
    "x_InstanceType": "product_instance_type",
    "x_UsageType": "line_item_usage_type",
}
CUR2_REQUIRED: tuple[str, ...] = (
    "line_item_unblended_cost",
    "line_item_currency_code",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_line_item_type",
)

_EXTENSIONS = (".csv", ".csv.gz", ".parquet", ".parq")


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    kind: str  # "csv" or "parquet"
    layout: str  # "focus" or "cur2"
    columns: dict[str, str]  # column -> DuckDB type


@dataclass(frozen=True, slots=True)
class Stats:
    rows: int
    currency: str
    period_start: datetime
    period_end: datetime


def expand(inputs: list[str]) -> list[str]:
    """Files named, found under directories, or matched by globs (sorted, no duplicates)."""
    found: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            matches = sorted(str(p) for p in path.rglob("*") if p.is_file() and _is_export(p.name))
            if not matches:
                raise InputError("no .csv, .csv.gz or .parquet files in this directory", path=item)
            found.extend(matches)
        elif path.is_file():
            found.append(str(path))
        elif glob.has_magic(item):
            matches = sorted(p for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError("the pattern matches no files", path=item)
            found.extend(matches)
        else:
            raise InputError("no such file or directory", path=item)
    return list(dict.fromkeys(found))


def _is_export(name: str) -> bool:
    return name.lower().endswith(_EXTENSIONS)


def _kind(path: str) -> str:
    lowered = path.lower()
    if lowered.endswith((".parquet", ".parq")):
        return "parquet"
    if lowered.endswith((".csv", ".csv.gz", ".tsv", ".txt", ".gz")):
        return "csv"
    raise InputError("not a billing export: expected .csv, .csv.gz or .parquet", path=path)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


FILENAME = "aicost_source_file"


def _scan(source_path: str | list[str], kind: str) -> str:
    """A DuckDB table function over one file, or one scan over many (columns by name)."""
    if isinstance(source_path, list):
        files = "[" + ", ".join(_quote(p) for p in source_path) + "]"
        many = f", union_by_name = true, filename = {_quote(FILENAME)}"
    else:
        files, many = _quote(source_path), ""
    if kind == "parquet":
        return f"read_parquet({files}{many})"
    return (
        f"read_csv({files}, header = true, all_varchar = true, "
        f"nullstr = ['NULL', ''], auto_detect = true{many})"
    )


def inspect(con: duckdb.DuckDBPyConnection, path: str) -> Source:
    """A file's layout and columns; refuses files that are empty or not FOCUS/CUR 2.0."""
    kind = _kind(path)
    if Path(path).stat().st_size == 0:
        raise InputError("the export is empty (0 bytes)", path=path)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {_scan(path, kind)}").fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot read as {kind}: {_first_line(exc)}", path=path) from None
    columns = {str(row[0]): str(row[1]) for row in described}
    if all(name in columns for name in CUR2_REQUIRED):
        return Source(path, kind, "cur2", columns)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise InputError(
            f"not a FOCUS export: missing required column{plural} {', '.join(missing)}",
            path=path,
        )
    return Source(path, kind, "focus", columns)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _cast(expression: str, column: str, source_type: str | None) -> str:
    target = TYPED.get(column, "VARCHAR")
    if column == "Tags" and source_type is not None and source_type.upper().startswith("MAP"):
        return f"CAST(to_json({expression}) AS VARCHAR)"
    if column == "Tags" and source_type is not None and source_type.upper().startswith("STRUCT"):
        return f"CAST(to_json({expression}) AS VARCHAR)"
    if column == "Tags":
        # a JSON object as text; a list of {"key", "value"} (Google's labels) made into one;
        # anything else (malformed, a provider's own format) is no tags
        pairs = (
            f"list_transform(json_extract({expression}, '$[*]'), lambda e: "
            "to_json(json_extract_string(e, '$.key')) || ':' || "
            "to_json(json_extract_string(e, '$.value')))"
        )
        return (
            f"CASE WHEN NOT json_valid({expression}) THEN NULL "
            f"WHEN json_type({expression}) = 'ARRAY' "
            f"THEN '{{' || array_to_string({pairs}, ',') || '}}' "
            f"WHEN json_type({expression}) = 'OBJECT' THEN CAST({expression} AS VARCHAR) END"
        )
    if target == DECIMAL:
        # exact decimals, and scientific notation (1e-05) through DOUBLE
        return (
            f"COALESCE(TRY_CAST({expression} AS {DECIMAL}), "
            f"CAST(CAST({expression} AS DOUBLE) AS {DECIMAL}))"
        )
    if target == "TIMESTAMP" and source_type is not None and "WITH TIME ZONE" in source_type:
        return f"CAST(timezone('UTC', {expression}) AS TIMESTAMP)"
    if target == "TIMESTAMP" and source_type in (None, "VARCHAR"):
        # text: ``Z``, ``+02:00`` and `` UTC`` offsets honoured, no offset read as UTC
        return f"timezone('UTC', CAST({expression} AS TIMESTAMPTZ))"
    return f"CAST({expression} AS {target})"


def select_for(source: Source, paths: list[str] | None = None) -> str:
    """``SELECT`` of one file's rows in the normalised columns; with *paths*, of every one
    of those files (same kind and layout, *source* holding the union of their columns) in
    one scan."""
    items: list[str] = []
    for column in (*TYPED, *TEXT, *HINTS):
        if source.layout == "cur2":
            expression = CUR2.get(column)
            if expression is not None and not _cur_ok(expression, source.columns):
                expression = None
            source_type = source.columns.get(CUR2.get(column, ""), None)
        else:
            name = column
            if column == "ProviderName" and "ProviderName" not in source.columns:
                name = "ServiceProviderName"
            expression = _ident(name) if name in source.columns else None
            source_type = source.columns.get(name)
        if expression is None:
            items.append(f"CAST(NULL AS {TYPED.get(column, 'VARCHAR')}) AS {column}")
        else:
            items.append(f"{_cast(expression, column, source_type)} AS {column}")
    if paths is None:
        items.append(f"{_quote(source.path)} AS SourceFile")
        return f"SELECT {', '.join(items)} FROM {_scan(source.path, source.kind)}"
    items.append(f"{_ident(FILENAME)} AS SourceFile")
    return f"SELECT {', '.join(items)} FROM {_scan(paths, source.kind)}"


def _grouped(sources: list[Source]) -> list[tuple[Source, list[str]]]:
    """Files of one kind and layout together, with the union of their columns.

    One scan per group: DuckDB then reads the files one after another within a bounded
    memory budget, where a UNION ALL of per-file scans would open every file at once.
    """
    groups: dict[tuple[str, str], tuple[dict[str, str], list[str]]] = {}
    for source in sources:
        columns, paths = groups.setdefault((source.kind, source.layout), ({}, []))
        for name, kind in source.columns.items():
            columns.setdefault(name, kind)
        paths.append(source.path)
    return [
        (Source(paths[0], kind, layout, columns), paths)
        for (kind, layout), (columns, paths) in groups.items()
    ]


def _cur_ok(expression: str, columns: dict[str, str]) -> bool:
    """A CUR expression is usable when every column it names is in the file."""
    names = set(re.findall(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b", expression))
    return all(name in columns for name in names)


def open_exports(
    inputs: list[str], *, memory_limit: str = "2GB", threads: int | None = None
) -> tuple[duckdb.DuckDBPyConnection, list[Source]]:
    """A DuckDB connection with the view ``focus`` over every input file."""
    paths = expand(inputs)
    try:
        con = duckdb.connect(config={"memory_limit": memory_limit})
    except duckdb.Error:
        raise UsageError(f"--memory-limit {memory_limit!r}: expected a size like 2GB") from None
    # past memory_limit DuckDB spills to disk: a private directory, removed with the connection
    spill = tempfile.mkdtemp(prefix="aicost-spend-")
    weakref.finalize(con, shutil.rmtree, spill, True)
    con.execute(f"SET temp_directory = {_quote(spill)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET TimeZone = 'UTC'")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    sources = [inspect(con, path) for path in paths]
    union = " UNION ALL ".join(select_for(group, paths) for group, paths in _grouped(sources))
    con.execute(f"CREATE TEMP VIEW focus AS {union}")
    return con, sources


def stats(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> Stats:
    """Rows, currency and charge period of the exports; bad types and mixed currencies refused."""
    try:
        rows = con.execute(
            "SELECT SourceFile, count(*), min(ChargePeriodStart), max(ChargePeriodEnd), "
            "list(DISTINCT BillingCurrency) FILTER (WHERE BillingCurrency IS NOT NULL), "
            "sum(EffectiveCost), sum(BilledCost) FROM focus GROUP BY SourceFile"
        ).fetchall()
    except duckdb.Error as exc:
        raise failure(con, sources, exc) from None
    total = sum(int(row[1]) for row in rows)
    if total == 0:
        raise InputError("the export has no rows (header only)", path=sources[0].path)
    currencies: dict[str, str] = {}
    for row in rows:
        for currency in row[4] or []:
            currencies.setdefault(str(currency), str(row[0]))
    if len(currencies) > 1:
        names = sorted(currencies)
        second = currencies[names[1]]
        raise InputError(
            f"mixed currencies in column BillingCurrency: {', '.join(names)} "
            "(run aicost spend once per currency)",
            path=second,
        )
    starts = [row[2] for row in rows if row[2] is not None]
    ends = [row[3] for row in rows if row[3] is not None]
    if not starts or not ends:
        raise InputError("column ChargePeriodStart has no values", path=sources[0].path)
    return Stats(
        rows=total,
        currency=next(iter(currencies), "USD"),
        period_start=min(starts),
        period_end=max(ends),
    )


def failure(
    con: duckdb.DuckDBPyConnection, sources: list[Source], exc: duckdb.Error
) -> AicostError:
    """The error to report for an engine error while reading the exports."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        setting = con.execute("SELECT current_setting('memory_limit')").fetchone()
        limit = setting[0] if setting else "?"
        return UsageError(
            f"out of memory within --memory-limit ({limit}): raise it, or lower --threads"
        )
    found = diagnose(con, sources)
    if found is not None:
        return found
    return InputError(f"cannot read the export: {_first_line(exc)}", path=sources[0].path)


def diagnose(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> InputError | None:
    """The file and column of a value that does not convert, as one error."""
    for source in sources:
        for column, target in TYPED.items():
            if source.layout == "cur2":
                expression = CUR2.get(column)
                if expression is None or not _cur_ok(expression, source.columns):
                    continue
                source_type = source.columns.get(expression)
            else:
                if column not in source.columns:
                    continue
                expression = _ident(column)
                source_type = source.columns.get(column)
            if source_type is not None and "WITH TIME ZONE" in source_type:
                continue
            probe = (
                f"SELECT CAST({expression} AS VARCHAR) FROM {_scan(source.path, source.kind)} "
                f"WHERE {expression} IS NOT NULL AND TRY_CAST({expression} AS "
                f"{'DOUBLE' if target == DECIMAL else target.replace('TIMESTAMP', 'TIMESTAMPTZ')}) "
                "IS NULL LIMIT 1"
            )
            try:
                bad = con.execute(probe).fetchone()
            except duckdb.Error as exc:
                return InputError(f"column {column}: {_first_line(exc)}", path=source.path)
            if bad is not None:
                wanted = "a number" if target in (DECIMAL, "DOUBLE") else "a date-time"
                return InputError(
                    f"column {column} must hold {wanted}, found {str(bad[0])[:40]!r}",
                    path=source.path,
                )
    return None


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [str(d[0]) for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
