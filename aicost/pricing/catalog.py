"""The price book: loads price tables lazily and answers "what does this cost per hour".

Tables are looked up in a list of directories, first match wins, so a user price
directory can override a shipped table. A table is loaded only when a workload needs it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aicost.data import data_dir
from aicost.errors import PricingError
from aicost.model import Accelerator, PurchaseOption, instance_family
from aicost.pricing import TABLES


@dataclass(frozen=True, slots=True)
class TableInfo:
    """Provenance of a price table, shown in every report."""

    id: str
    cloud: str
    service: str
    as_of: str
    path: str
    currency: str
    sources: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InstanceSpec:
    instance_type: str
    family: str
    accelerator: Accelerator | None
    vcpu: int | None = None
    memory_gib: float | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """An hourly price per node, where it came from, and any caveat."""

    hourly: Decimal
    purchase: PurchaseOption
    column: str
    basis: str
    table: TableInfo
    note: str | None = None


@dataclass(frozen=True, slots=True)
class NoRate:
    """Why no price could be found."""

    reason: str


#: Price columns to try for a purchase option, in order, with the note when a fallback is used.
_COLUMNS: dict[PurchaseOption, tuple[tuple[str, str | None], ...]] = {
    PurchaseOption.ON_DEMAND: (("on_demand", None),),
    PurchaseOption.CAPACITY_RESERVATION: (("on_demand", None),),
    PurchaseOption.SPOT: (
        ("spot", None),
        ("on_demand", "no spot price in the table; on-demand rate shown (an upper bound)"),
    ),
    PurchaseOption.CAPACITY_BLOCK: (
        ("capacity_block", None),
        ("on_demand", "capacity block prices vary by booking; on-demand rate shown"),
    ),
}


def _term_columns(prefix: str, term: int | None) -> tuple[tuple[str, str | None], ...]:
    years = term or 1
    first = f"{prefix}_{years}y"
    other = f"reserved_{years}y"
    columns: list[tuple[str, str | None]] = [(first, None)]
    if other != first:
        columns.append(
            (
                other,
                f"no {prefix.replace('_', ' ')} price in the table; "
                f"{years}-year reserved rate shown",
            )
        )
    if years != 1:
        columns.append(("reserved_1y", f"no {years}-year price in the table; 1-year rate shown"))
    columns.append(
        ("on_demand", f"no {prefix.replace('_', ' ')} price in the table; on-demand rate shown")
    )
    return tuple(columns)


def columns_for(purchase: PurchaseOption, term: int | None) -> tuple[tuple[str, str | None], ...]:
    if purchase in _COLUMNS:
        return _COLUMNS[purchase]
    prefix = {
        PurchaseOption.RESERVED: "reserved",
        PurchaseOption.SAVINGS_PLAN: "savings_plan",
        PurchaseOption.COMMITTED: "committed",
    }[purchase]
    return _term_columns(prefix, term)


class PriceTable:
    """One loaded table file."""

    def __init__(self, info: TableInfo, instances: Mapping[str, Any], prices: Mapping[str, Any]):
        self.info = info
        self._instances = instances
        self._prices = prices
        self._specs: dict[str, InstanceSpec | None] = {}

    @classmethod
    def load(cls, path: Path) -> PriceTable:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PricingError(f"cannot read price table: {exc}", path=path) from None
        if not isinstance(document, dict):
            raise PricingError("price table is not a JSON object", path=path)
        missing = [k for k in ("table", "cloud", "service", "as_of", "prices") if k not in document]
        if missing:
            raise PricingError(f"price table lacks {', '.join(missing)}", path=path)
        info = TableInfo(
            id=str(document["table"]),
            cloud=str(document["cloud"]),
            service=str(document["service"]),
            as_of=str(document["as_of"]),
            path=str(path),
            currency=str(document.get("currency", "USD")),
            sources=tuple(document.get("sources") or ()),
            notes=tuple(str(n) for n in document.get("notes") or ()),
        )
        return cls(info, document.get("instances") or {}, document["prices"])

    def spec(self, instance_type: str) -> InstanceSpec | None:
        if instance_type in self._specs:
            return self._specs[instance_type]
        raw = self._instances.get(instance_type)
        spec: InstanceSpec | None = None
        if isinstance(raw, dict):
            accel = raw.get("accelerator")
            accelerator = None
            if isinstance(accel, dict) and accel.get("count"):
                accelerator = Accelerator(
                    name=str(accel.get("name", "unknown")),
                    count=float(accel["count"]),
                    kind=str(accel.get("kind", "gpu")),
                    vendor=accel.get("vendor"),
                    memory_gib=accel.get("memory_gib"),
                )
            spec = InstanceSpec(
                instance_type=instance_type,
                family=str(raw.get("family") or instance_family(instance_type) or ""),
                accelerator=accelerator,
                vcpu=raw.get("vcpu"),
                memory_gib=raw.get("memory_gib"),
            )
        self._specs[instance_type] = spec
        return spec

    def regions(self) -> list[str]:
        return sorted(self._prices)

    def row(self, region: str, instance_type: str) -> Mapping[str, Any] | None:
        by_type = self._prices.get(region)
        if not isinstance(by_type, dict):
            return None
        row = by_type.get(instance_type)
        return row if isinstance(row, dict) else None

    def knows(self, instance_type: str) -> bool:
        if instance_type in self._instances:
            return True
        return any(
            isinstance(by_type, dict) and instance_type in by_type
            for by_type in self._prices.values()
        )

    def rate(
        self, region: str, instance_type: str, purchase: PurchaseOption, term: int | None = None
    ) -> Rate | NoRate:
        row = self.row(region, instance_type)
        if row is None:
            if not self.knows(instance_type):
                return NoRate(
                    f"{instance_type} is not in the {self.info.id} price table "
                    f"(as of {self.info.as_of})"
                )
            return NoRate(
                f"{instance_type} has no price in {region} in the {self.info.id} price table "
                f"(as of {self.info.as_of})"
            )
        basis_map = row.get("basis") or {}
        for column, note in columns_for(purchase, term):
            value = row.get(column)
            if value is None:
                continue
            try:
                hourly = Decimal(str(value))
            except InvalidOperation:
                raise PricingError(
                    f"price {value!r} for {instance_type} in {region} is not a number",
                    path=self.info.path,
                ) from None
            basis = (
                str(basis_map.get(column, self.info.id))
                if isinstance(basis_map, dict)
                else self.info.id
            )
            return Rate(hourly, purchase, column, basis, self.info, note)
        return NoRate(
            f"{instance_type} in {region} has no {purchase.value} price in {self.info.id}"
        )


@dataclass
class PriceBook:
    """All price tables, loaded on first use, from the first directory that has them."""

    directories: Sequence[Path] = field(default_factory=lambda: [data_dir("pricing")])
    _tables: dict[tuple[str, str], PriceTable | None] = field(default_factory=dict)

    def table(self, cloud: str, service: str) -> PriceTable | None:
        key = (cloud, service)
        if key in self._tables:
            return self._tables[key]
        relative = TABLES.get(key)
        table = None
        if relative is not None:
            for directory in self.directories:
                path = directory / relative
                if path.is_file():
                    table = PriceTable.load(path)
                    break
        self._tables[key] = table
        return table

    def describe(self, cloud: str, service: str, instance_type: str) -> InstanceSpec | None:
        """Hardware facts, from the service's table or, for SageMaker ``ml.`` types, EC2's."""
        table = self.table(cloud, service)
        spec = table.spec(instance_type) if table else None
        if spec is None and instance_type.startswith("ml.") and cloud == "aws":
            ec2 = self.table("aws", "ec2")
            base = ec2.spec(instance_type[3:]) if ec2 else None
            if base is not None:
                spec = InstanceSpec(
                    instance_type, base.family, base.accelerator, base.vcpu, base.memory_gib
                )
        return spec

    def rate(
        self,
        cloud: str,
        service: str,
        region: str,
        instance_type: str,
        purchase: PurchaseOption,
        term: int | None = None,
    ) -> Rate | NoRate:
        table = self.table(cloud, service)
        if table is None:
            return NoRate(f"no price table for {cloud} {service}")
        return table.rate(region, instance_type, purchase, term)

    def used(self) -> list[TableInfo]:
        return [t.info for t in self._tables.values() if t is not None]
