"""The price book: loads price tables lazily and answers "what does this cost per hour".

Tables are looked up in a list of directories, first match wins, so a user price
directory (``aicost pricing refresh`` writes there) overrides a shipped table. A table is
loaded only when a workload needs it. A table file's ``layout`` picks how it is read:
``instances`` (one row per instance type: AWS, Azure), ``gcp-compute`` (host rates plus
per-device accelerator rates, composed at pricing time, with sustained-use discounts where
Google applies them) or ``gcp-tpu`` (per chip-hour). A per-cloud discount (an EDP, say)
from ``discounts.yaml`` in the user price directory applies on top of any table.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aicost.core.errors import PricingError
from aicost.core.model import Accelerator, PurchaseOption, instance_family
from aicost.pricing import TABLES

# Re-exported (they live in aicost.pricing so that ``aicost --version`` need not import this).
from aicost.pricing import default_directories as default_directories
from aicost.pricing import user_pricing_dir as user_pricing_dir

#: A table file's ``layout`` -> the class that reads it (``module:Class``, imported when a
#: table of that layout is loaded; the classes subclass :class:`PriceTable`, so naming them
#: here by path keeps :mod:`aicost.pricing.layouts` -> catalog the only import arrow).
LAYOUTS: dict[str, str] = {
    "gcp-compute": "aicost.pricing.layouts:GcpComputeTable",
    "gcp-tpu": "aicost.pricing.layouts:GcpTpuTable",
    "azure-vm": "aicost.pricing.layouts:AzureVmTable",
    "llm-tokens": "aicost.pricing.tokens:TokenTable",
}


def _layout_class(layout: str) -> type[PriceTable] | None:
    target = LAYOUTS.get(layout)
    if target is None:
        return None
    module, _, name = target.partition(":")
    found: type[PriceTable] = getattr(importlib.import_module(module), name)
    return found


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
    #: When and from which API the table was refreshed (``aicost pricing refresh``), if it was.
    refreshed: Mapping[str, Any] | None = None


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
    #: Informational adjustments already in ``hourly`` (a sustained-use discount, an EDP).
    adjustments: tuple[str, ...] = ()
    #: When the table lacks the requested option: what was priced instead (``on-demand``,
    #: ``reserved 1-year``, ``on-demand, Linux rate``). Shown in the purchase column.
    fallback: str | None = None


def column_label(column: str) -> str:
    """A price column as a reader says it: ``reserved_3y`` -> ``reserved 3-year``."""
    windows = column.startswith("windows_")
    column = column.removeprefix("windows_")
    for prefix, words in (
        ("reserved_", "reserved"),
        ("savings_plan_", "savings plan"),
        ("committed_", "committed"),
    ):
        if column.startswith(prefix):
            term, _, payment = column.removeprefix(prefix).partition("_")
            label = f"{words} {term.removesuffix('y')}-year"
            if payment:
                label += f" {payment.replace('_', ' ')}"  # reserved 3-year all upfront
            break
    else:
        label = column.replace("_", "-")
    return f"{label}, Windows" if windows else label


def fallback_label(column: str, note: str | None, *, windows: bool = False) -> str | None:
    """The fallback shown for a price taken from *column* with a fallback *note*."""
    if note is None:
        return None
    label = column_label(column)
    if windows and not column.startswith("windows_"):
        label += ", Linux rate"
    return label


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


def _term_columns(
    prefix: str, term: int | None, payment: str | None = None
) -> tuple[tuple[str, str | None], ...]:
    years = term or 1
    words = prefix.replace("_", " ")
    first = f"{prefix}_{years}y"
    other = f"reserved_{years}y"
    columns: list[tuple[str, str | None]] = []
    if payment is None:
        columns.append((first, None))
    else:
        # The effective hourly rate (upfront fee amortised over the term) of that payment
        # option; a table without it falls back to the term's no-upfront rate, shown.
        paid, said = payment.replace("-", "_"), payment.replace("-", " ")
        columns.append((f"{first}_{paid}", None))
        columns.append(
            (first, f"no {said} price in the table; {years}-year no-upfront {words} rate shown")
        )
        if other != first:
            columns.append(
                (
                    f"{other}_{paid}",
                    f"no {words} price in the table; {years}-year {said} reserved rate shown",
                )
            )
    if other != first:
        columns.append((other, f"no {words} price in the table; {years}-year reserved rate shown"))
    if years != 1 and prefix != "reserved":
        columns.append(
            (f"{prefix}_1y", f"no {years}-year price in the table; 1-year {words} rate shown")
        )
    if years != 1:
        columns.append(("reserved_1y", f"no {years}-year price in the table; 1-year rate shown"))
    columns.append(("on_demand", f"no {words} price in the table; on-demand rate shown"))
    return tuple(columns)


def columns_for(
    purchase: PurchaseOption, term: int | None, payment: str | None = None
) -> tuple[tuple[str, str | None], ...]:
    if purchase in _COLUMNS:
        return _COLUMNS[purchase]
    prefix = {
        PurchaseOption.RESERVED: "reserved",
        PurchaseOption.SAVINGS_PLAN: "savings_plan",
        PurchaseOption.COMMITTED: "committed",
    }[purchase]
    return _term_columns(prefix, term, payment)


class PriceTable:
    """One loaded table file."""

    def __init__(self, info: TableInfo, instances: Mapping[str, Any], prices: Mapping[str, Any]):
        self.info = info
        self._instances = instances
        self._prices = prices
        self._specs: dict[str, InstanceSpec | None] = {}
        #: ``{"per_vcpu_hour": "0.046", "basis": "..."}``: the licence-included Windows
        #: uplift, when the table has one (AWS: Windows = the Linux rate + vCPU x rate).
        self.windows_licence: Mapping[str, Any] | None = None

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
        if not isinstance(document["prices"], dict):
            raise PricingError("price table: prices is not an object", path=path)
        refreshed = document.get("refreshed")
        info = TableInfo(
            id=str(document["table"]),
            cloud=str(document["cloud"]),
            service=str(document["service"]),
            as_of=str(document["as_of"]),
            path=str(path),
            currency=str(document.get("currency", "USD")),
            sources=tuple(document.get("sources") or ()),
            notes=tuple(str(n) for n in document.get("notes") or ()),
            refreshed=refreshed if isinstance(refreshed, dict) else None,
        )
        layout = str(document.get("layout", "instances"))
        table_class = _layout_class(layout) if layout != "instances" else cls
        if table_class is None:
            raise PricingError(f"price table has an unknown layout {layout!r}", path=path)
        return table_class.from_document(info, document)

    @classmethod
    def from_document(cls, info: TableInfo, document: Mapping[str, Any]) -> PriceTable:
        table = cls(info, document.get("instances") or {}, document["prices"])
        licence = document.get("windows_licence")
        table.windows_licence = licence if isinstance(licence, dict) else None
        return table

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

    def rows(self, region: str) -> Mapping[str, Any] | None:
        """Every row of *region*, keyed by instance type (or model, in the token table)."""
        by_type = self._prices.get(region)
        return by_type if isinstance(by_type, dict) else None

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
        self,
        region: str,
        instance_type: str,
        purchase: PurchaseOption,
        term: int | None = None,
        *,
        accelerator: Accelerator | None = None,
        hours: Decimal | None = None,
        variant: str | None = None,
        payment: str | None = None,
    ) -> Rate | NoRate:
        """The hourly price of one node. *accelerator* and *hours* matter only to layouts
        that compose prices; *variant* ``windows`` adds the table's Windows licence;
        *payment* (``all-upfront``...) picks a reservation's effective hourly rate."""
        if variant == "windows":
            return self._windows(region, instance_type, purchase, term, payment)
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
        found = self.pick(row, columns_for(purchase, term, payment), f"{instance_type} in {region}")
        if found is None:
            return NoRate(
                f"{instance_type} in {region} has no {purchase.value} price in {self.info.id}"
            )
        hourly, column, basis, note = found
        return Rate(
            hourly, purchase, column, basis, self.info, note, fallback=fallback_label(column, note)
        )

    def _windows(
        self,
        region: str,
        instance_type: str,
        purchase: PurchaseOption,
        term: int | None,
        payment: str | None = None,
    ) -> Rate | NoRate:
        """Licence-included Windows: the table's observed Windows price for the column the
        Linux rate came from (``windows_on_demand``), else that rate + vCPU x the licence."""
        linux = self.rate(region, instance_type, purchase, term, payment=payment)
        if isinstance(linux, NoRate):
            return linux
        observed = self.pick(
            self.row(region, instance_type) or {},
            ((f"windows_{linux.column}", None),),
            f"{instance_type} in {region}",
        )
        if observed is not None:
            hourly, column, basis, _ = observed
            return replace(linux, hourly=hourly, column=column, basis=basis)
        spec = self.spec(instance_type)
        licence = self.windows_licence or {}
        per_vcpu = licence.get("per_vcpu_hour")
        if spec is None or not spec.vcpu or per_vcpu is None:
            note = "no Windows price in the table; the Linux rate is shown (licence not included)"
            return replace(
                linux,
                note="; ".join(n for n in (linux.note, note) if n),
                fallback=f"{linux.fallback or column_label(linux.column)}, Linux rate",
            )
        uplift = Decimal(str(per_vcpu)) * spec.vcpu
        how = f"estimate:{spec.vcpu} vCPU x {per_vcpu} Windows licence ({licence.get('source')})"
        basis = linux.basis if linux.basis.startswith("estimate") else f"estimate:{linux.basis}"
        return replace(linux, hourly=linux.hourly + uplift, basis=f"{basis} + {how[9:]}")

    def pick(
        self,
        row: Mapping[str, Any],
        columns: Sequence[tuple[str, str | None]],
        what: str,
    ) -> tuple[Decimal, str, str, str | None] | None:
        """The first non-null column of *row*: (price, column, basis, fallback note)."""
        basis_map = row.get("basis") or {}
        for column, note in columns:
            value = row.get(column)
            if value is None:
                continue
            try:
                hourly = Decimal(str(value))
            except InvalidOperation:
                raise PricingError(
                    f"price {value!r} for {what} is not a number", path=self.info.path
                ) from None
            if not hourly.is_finite() or hourly < 0:
                raise PricingError(
                    f"price {value!r} for {what} is negative or not finite", path=self.info.path
                )
            basis = (
                str(basis_map.get(column, self.info.id))
                if isinstance(basis_map, dict)
                else self.info.id
            )
            return hourly, column, basis, note
        return None


@dataclass
class PriceBook:
    """All price tables, loaded on first use, from the first directory that has them."""

    directories: Sequence[Path] = field(default_factory=default_directories)
    _tables: dict[tuple[str, str], PriceTable | None] = field(default_factory=dict)
    _by_path: dict[Path, PriceTable] = field(default_factory=dict)
    #: cloud -> discount; None until first needed (read from the first directory's
    #: ``discounts.yaml``), or set explicitly.
    discounts: Mapping[str, Discount] | None = None

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
                    table = self._by_path.get(path)
                    if table is None:
                        table = self._by_path[path] = PriceTable.load(path)
                    break
        self._tables[key] = table
        return table

    def discount(self, cloud: str) -> Discount | None:
        if self.discounts is None:
            self.discounts = {}
            for directory in self.directories:
                found = load_discounts(directory)
                if found is not None:
                    self.discounts = found
                    break
        return self.discounts.get(cloud)

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
        *,
        accelerator: Accelerator | None = None,
        hours: Decimal | None = None,
        payment: str | None = None,
    ) -> Rate | NoRate:
        table = self.table(cloud, service)
        if table is None:
            return NoRate(f"no price table for {cloud} {service}")
        variant = VARIANTS.get((cloud, service))
        rate = table.rate(
            region,
            instance_type,
            purchase,
            term,
            accelerator=accelerator,
            hours=hours,
            variant=variant,
            payment=payment,
        )
        if isinstance(rate, NoRate):
            return rate
        discount = self.discount(cloud)
        if discount is not None and discount.applies(purchase):
            rate = replace(
                rate,
                hourly=rate.hourly * (1 - discount.percent / 100),
                adjustments=(*rate.adjustments, discount.describe(cloud)),
            )
        return rate

    def used(self) -> list[TableInfo]:
        seen: dict[str, TableInfo] = {}
        for table in self._tables.values():
            if table is not None:
                seen.setdefault(table.info.path, table.info)
        return list(seen.values())


#: (cloud, service) pairs that read a variant of another service's table.
VARIANTS: dict[tuple[str, str], str] = {
    ("azure", "vm-windows"): "windows",
    ("aws", "ec2-windows"): "windows",
}


@dataclass(frozen=True, slots=True)
class Discount:
    """A negotiated discount on every list price of one cloud (an EDP, a private offer)."""

    percent: Decimal
    source: str
    purchase: frozenset[PurchaseOption] | None = None
    note: str | None = None

    def applies(self, purchase: PurchaseOption) -> bool:
        return self.purchase is None or purchase in self.purchase

    def describe(self, cloud: str) -> str:
        what = f" ({self.note})" if self.note else ""
        return f"{cloud} discount of {self.percent.normalize():f}%{what} from {self.source} applied"


DISCOUNT_FILES = ("discounts.yaml", "discounts.yml", "discounts.json")


def load_discounts(directory: Path) -> dict[str, Discount] | None:
    """``discounts.yaml`` in a price directory: ``aws: 12`` or
    ``gcp: {percent: 5, purchase: [on-demand], note: private offer}``."""
    for name in DISCOUNT_FILES:
        path = directory / name
        if path.is_file():
            return parse_discounts(path)
    return None


def parse_discounts(path: Path) -> dict[str, Discount]:
    from aicost.core.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise document.error("discounts: expected a mapping of cloud to percent")
    known = {"aws", "gcp", "azure"}
    options = {p.value: p for p in PurchaseOption}
    result: dict[str, Discount] = {}
    for cloud, spec in data.items():
        where: tuple[str | int, ...] = (str(cloud),)
        if cloud not in known:
            raise document.error(
                f"discounts: unknown cloud {cloud!r} (use {', '.join(sorted(known))})", where
            )
        note = None
        purchase = None
        if isinstance(spec, dict):
            extra = set(spec) - {"percent", "purchase", "note"}
            if extra:
                raise document.error(
                    f"discounts.{cloud}: unknown key {sorted(map(str, extra))[0]!r} "
                    "(use percent, purchase, note)",
                    where,
                )
            note = str(spec["note"]) if spec.get("note") is not None else None
            raw_purchase = spec.get("purchase")
            if raw_purchase is not None:
                if not isinstance(raw_purchase, list) or any(
                    str(p) not in options for p in raw_purchase
                ):
                    raise document.error(
                        f"discounts.{cloud}.purchase: expected a list of "
                        f"{', '.join(sorted(options))}",
                        (*where, "purchase"),
                    )
                purchase = frozenset(options[str(p)] for p in raw_purchase)
            spec = spec.get("percent")
        try:
            percent = Decimal(str(spec))
        except InvalidOperation:
            percent = Decimal(-1)
        if isinstance(spec, bool) or not percent.is_finite() or not 0 <= percent < 100:
            raise document.error(
                f"discounts.{cloud}: percent must be a number from 0 to under 100, got {spec!r}",
                where,
            )
        result[str(cloud)] = Discount(percent, str(path), purchase, note)
    return result
