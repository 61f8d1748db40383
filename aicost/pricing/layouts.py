"""Price-table layouts beyond one-row-per-instance-type.

The classes that read table files with a ``layout`` field (registered by name in
:data:`aicost.pricing.catalog.LAYOUTS`):

* ``gcp-compute``: Compute Engine bills a VM as a host (vCPU + memory) plus its
  accelerators. ``prices`` holds host-only rates per machine type, ``accelerator_prices``
  per-device rates per accelerator type; a VM's hourly price is ``host + count x device``.
  For accelerator-optimised machine types (a2, a3, a4, g2) the GPUs come with the machine
  type and are taken from it, so a matching ``guest_accelerator`` block is not counted again.
  Sustained-use discounts are applied only where Google applies them: N1 hosts and GPUs
  attached to N1 machines, on-demand use, scaled by the hours run in the month.
* ``gcp-tpu``: Cloud TPU per chip-hour; the chip count comes from the accelerator type.
* ``azure-vm``: one row per VM size with Linux and Windows columns; size names are matched
  case-insensitively, as Azure does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aicost.core.calendar import HOURS_PER_MONTH
from aicost.core.model import Accelerator, PurchaseOption
from aicost.pricing.catalog import (
    InstanceSpec,
    NoRate,
    PriceTable,
    Rate,
    TableInfo,
    columns_for,
    fallback_label,
)

#: The month length sustained-use tiers are measured against (hours).


def sustained_use_multiplier(tiers: list[Decimal], hours: Decimal) -> Decimal:
    """Average price multiplier for running *hours* in a month with incremental *tiers*
    (one rate per equal slice of the month, e.g. 100/80/60/40% per quarter)."""
    fraction = min(max(hours / HOURS_PER_MONTH, Decimal(0)), Decimal(1))
    if fraction == 0:
        return Decimal(1)
    step = Decimal(1) / len(tiers)
    paid = Decimal(0)
    remaining = fraction
    for rate in tiers:
        used = min(step, remaining)
        paid += used * rate
        remaining -= used
        if remaining <= 0:
            break
    return paid / fraction


def _combine(bases: list[str]) -> str:
    unique = list(dict.fromkeys(bases))
    if any(b.startswith("estimate") for b in unique):
        return "estimate:" + " + ".join(b.removeprefix("estimate:") for b in unique)
    return " + ".join(unique)


_CUSTOM = re.compile(r"^(?:(n1|n2|n2d|e2)-)?custom-(\d+)-(\d+)(-ext)?$")


def parse_custom(machine_type: str) -> tuple[str, int, Decimal] | None:
    """``custom-4-16384`` (N1) or ``n2-custom-8-32768-ext`` -> (series, vCPUs, GiB)."""
    found = _CUSTOM.match(machine_type.strip().lower())
    if found is None:
        return None
    series = found.group(1) or "n1"
    return series, int(found.group(2)), Decimal(found.group(3)) / 1024


class GcpComputeTable(PriceTable):
    """Compute Engine: host rates plus accelerator rates, composed per VM. Custom machine
    types (``custom-4-16384``) are priced from per-vCPU and per-GiB ``custom_rates``."""

    def __init__(
        self,
        info: TableInfo,
        instances: Mapping[str, Any],
        prices: Mapping[str, Any],
        accelerators: Mapping[str, Any],
        accelerator_prices: Mapping[str, Any],
        sustained_use: Mapping[str, Any],
    ) -> None:
        super().__init__(info, instances, prices)
        self.accelerators = accelerators
        self.accelerator_prices = accelerator_prices
        self.sustained_use = sustained_use
        self._by_name: dict[tuple[str, int | None], str] = {}
        for key, spec in accelerators.items():
            if isinstance(spec, dict):
                name = str(spec.get("name", key))
                self._by_name.setdefault((name.lower(), spec.get("memory_gib")), key)
                self._by_name.setdefault((name.lower(), None), key)

    @classmethod
    def from_document(cls, info: TableInfo, document: Mapping[str, Any]) -> PriceTable:
        table = cls(
            info,
            document.get("instances") or {},
            document["prices"],
            document.get("accelerators") or {},
            document.get("accelerator_prices") or {},
            document.get("sustained_use") or {},
        )
        table.custom_rates = document.get("custom_rates") or {}
        return table

    custom_rates: Mapping[str, Any] = {}

    def custom(
        self, region: str, instance_type: str
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """(machine spec, price row) of a custom machine type, composed from the region's
        per-vCPU and per-GiB rates of its series; None when it is not one or unpriced."""
        parsed = parse_custom(instance_type)
        if parsed is None:
            return None
        series, vcpus, gib = parsed
        by_series = self.custom_rates.get(region)
        rates = by_series.get(series) if isinstance(by_series, dict) else None
        if not isinstance(rates, dict):
            return None
        row: dict[str, Any] = {}
        for column in ("on_demand", "spot", "committed_1y", "committed_3y"):
            vcpu, memory = rates["vcpu"].get(column), rates["memory_gib"].get(column)
            if vcpu is not None and memory is not None:
                total = Decimal(str(vcpu)) * vcpus + Decimal(str(memory)) * gib
                row[column] = format(total.quantize(Decimal("0.000001")), "f")
        basis = str(rates.get("basis", self.info.id))
        if gib > Decimal("6.5") * vcpus:
            basis = f"estimate:{basis}; memory above 6.5 GiB per vCPU (extended) at the same rate"
        row["basis"] = dict.fromkeys(row, basis)
        spec = {"sustained_use": series if series in self.sustained_use else None}
        return spec, row

    def knows(self, instance_type: str) -> bool:
        return parse_custom(instance_type) is not None or super().knows(instance_type)

    def accelerator_type(self, accelerator: Accelerator) -> str | None:
        """GCP's accelerator type for a display accelerator (``T4`` -> ``nvidia-tesla-t4``)."""
        if accelerator.name in self.accelerators:
            return accelerator.name
        key = (accelerator.name.lower(), accelerator.memory_gib)
        return self._by_name.get(key) or self._by_name.get((accelerator.name.lower(), None))

    def _tiers(self, series: Any) -> list[Decimal] | None:
        entry = self.sustained_use.get(str(series)) if series else None
        if not isinstance(entry, dict):
            return None
        return [Decimal(str(t)) for t in entry.get("tiers") or ()] or None

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
        """Host price (sustained-use discounted where Google applies it) plus the GPUs.
        GCP's reserved pricing is the committed-use discount (no payment options)."""
        if purchase in (PurchaseOption.RESERVED, PurchaseOption.SAVINGS_PLAN):
            purchase = PurchaseOption.COMMITTED
        columns = columns_for(purchase, term)
        found = self._host(region, instance_type, purchase, columns)
        if isinstance(found, NoRate):
            return found
        machine, row, (hourly, column, basis, note) = found
        fallback = fallback_label(column, note)
        notes = [note] if note else []
        bases = [basis]
        machine_spec = machine if isinstance(machine, dict) else {}
        builtin = machine_spec.get("accelerator")
        attached = self._attached_to(row, builtin, accelerator)
        if isinstance(attached, NoRate):
            return attached
        accel_type, count = attached
        multiplier = self._sustained_use(machine_spec, purchase, hours, column)
        if multiplier is not None:
            hourly *= multiplier
        accel_discounted = False
        if accel_type is not None and count:
            # GPUs attached to N1 get the N1 sustained-use discount; GPUs that come with an
            # accelerator-optimised machine type get none.
            n1 = not isinstance(builtin, dict) and machine_spec.get("sustained_use") == "n1"
            discount = multiplier if n1 else None
            devices = self._devices(region, accel_type, count, columns, purchase, discount)
            if isinstance(devices, NoRate):
                return devices
            cost, device_basis, device_note, device_fallback, accel_discounted = devices
            if device_note and device_note not in notes:
                notes.append(device_note)
            fallback = fallback or device_fallback
            hourly += cost
            bases.append(device_basis)
        return Rate(
            hourly,
            purchase,
            column,
            _combine(bases),
            self.info,
            "; ".join(notes) if notes else None,
            _sustained_use_note(multiplier, hours, accel_discounted, machine_spec),
            fallback=fallback,
        )

    def _attached_to(
        self, row: Mapping[str, Any], builtin: Any, accelerator: Accelerator | None
    ) -> tuple[str | None, float] | NoRate:
        """The GPUs to add to the host price: none when the price is a whole machine's
        (it includes its GPUs and bundled local SSD)."""
        if row.get("includes_accelerators"):
            return None, 0
        return self._attached(builtin, accelerator)

    def _host(
        self, region: str, instance_type: str, purchase: PurchaseOption, columns: Any
    ) -> tuple[Any, Mapping[str, Any], tuple[Decimal, str, str, str | None]] | NoRate:
        """(machine spec, price row, picked host price) of *instance_type* in *region*."""
        found_row = self._host_row(region, instance_type)
        if isinstance(found_row, NoRate):
            return found_row
        machine, row = found_row
        host = self.pick(row, columns, f"{instance_type} in {region}")
        if host is None:
            return NoRate(
                f"{instance_type} in {region} has no {purchase.value} host price in {self.info.id}"
            )
        return machine, row, host

    def _host_row(self, region: str, instance_type: str) -> tuple[Any, Mapping[str, Any]] | NoRate:
        """(machine spec, price row) of *instance_type* in *region*, custom types composed."""
        machine = self._instances.get(instance_type)
        row = self.row(region, instance_type)
        if row is None and (custom := self.custom(region, instance_type)) is not None:
            machine, row = custom
        if row is not None:
            return machine, row
        if parse_custom(instance_type) is not None:
            return NoRate(
                f"custom machine type {instance_type}: the {self.info.id} price table has no "
                f"custom rates for its series in {region}"
            )
        return self._no_host(region, instance_type)

    def _devices(
        self,
        region: str,
        accel_type: str,
        count: float,
        columns: Any,
        purchase: PurchaseOption,
        discount: Decimal | None,
    ) -> tuple[Decimal, str, str | None, str | None, bool] | NoRate:
        """(hourly cost, basis, note, fallback label, discounted) of *count* attached GPUs;
        *discount* (a sustained-use multiplier) applies to an on-demand device price."""
        found = self._device(region, accel_type, columns, purchase)
        if isinstance(found, NoRate):
            return found
        device, device_column, device_basis, device_note = found
        discounted = discount is not None and device_column == "on_demand"
        if discount is not None and discounted:
            device *= discount
        return (
            device * Decimal(str(count)),
            device_basis,
            device_note,
            fallback_label(device_column, device_note),
            discounted,
        )

    def _no_host(self, region: str, instance_type: str) -> NoRate:
        if not self.knows(instance_type):
            return NoRate(
                f"{instance_type} is not in the {self.info.id} price table "
                f"(as of {self.info.as_of})"
            )
        return NoRate(
            f"{instance_type} has no host price in {region} in the {self.info.id} price "
            f"table (as of {self.info.as_of})"
        )

    def _attached(
        self, builtin: Any, accelerator: Accelerator | None
    ) -> tuple[str | None, float] | NoRate:
        """The accelerator type and count priced with the host: the machine type's own
        (a2, a3, g2...), else a ``guest_accelerator`` block's."""
        if isinstance(builtin, dict) and builtin.get("type"):
            return str(builtin["type"]), float(builtin.get("count") or 0)
        if accelerator is not None and accelerator.count:
            accel_type = self.accelerator_type(accelerator)
            if accel_type is None:
                return NoRate(
                    f"{accelerator.name} accelerators are not in the {self.info.id} price table"
                )
            return accel_type, accelerator.count
        return None, 0

    def _sustained_use(
        self,
        machine_spec: Mapping[str, Any],
        purchase: PurchaseOption,
        hours: Decimal | None,
        column: str,
    ) -> Decimal | None:
        """The sustained-use multiplier for the hours run, where Google applies one."""
        sud_eligible = (
            purchase in (PurchaseOption.ON_DEMAND, PurchaseOption.CAPACITY_RESERVATION)
            and hours is not None
        )
        host_tiers = self._tiers(machine_spec.get("sustained_use")) if sud_eligible else None
        if host_tiers and hours is not None and column == "on_demand":
            return sustained_use_multiplier(host_tiers, hours)
        return None

    def _device(
        self, region: str, accel_type: str, columns: Any, purchase: PurchaseOption
    ) -> tuple[Decimal, str, str, str | None] | NoRate:
        by_type = self.accelerator_prices.get(region)
        accel_row = by_type.get(accel_type) if isinstance(by_type, dict) else None
        if not isinstance(accel_row, dict):
            return NoRate(
                f"{accel_type} has no price in {region} in the {self.info.id} price table "
                f"(as of {self.info.as_of})"
            )
        found = self.pick(accel_row, columns, f"{accel_type} in {region}")
        if found is None:
            return NoRate(
                f"{accel_type} in {region} has no {purchase.value} price in {self.info.id}"
            )
        return found


class GcpTpuTable(PriceTable):
    """Cloud TPU: per chip-hour by generation; ``v5p-8`` is 4 chips, ``v6e-8`` 8 chips."""

    def __init__(
        self,
        info: TableInfo,
        prices: Mapping[str, Any],
        generations: Mapping[str, Any],
    ) -> None:
        super().__init__(info, {}, prices)
        self.generations = generations

    @classmethod
    def from_document(cls, info: TableInfo, document: Mapping[str, Any]) -> PriceTable:
        return cls(info, document["prices"], document.get("generations") or {})

    def parse(self, accelerator_type: str) -> tuple[str, int] | None:
        """``v5p-8`` -> (``v5p``, 4 chips); ``v5litepod-16`` -> (``v5e``, 16)."""
        generation, sep, size = accelerator_type.strip().lower().partition("-")
        if not sep or not size.isdigit():
            return None
        spec = self.generations.get(generation)
        if not isinstance(spec, dict):
            return None
        generation = str(spec.get("alias_of", generation))
        per_chip = int(spec.get("cores_per_chip", 1)) or 1
        chips = int(size) // per_chip
        return (generation, chips) if chips else None

    def knows(self, instance_type: str) -> bool:
        return self.parse(instance_type) is not None

    def spec(self, instance_type: str) -> InstanceSpec | None:
        parsed = self.parse(instance_type)
        if parsed is None:
            return None
        generation, chips = parsed
        info = self.generations.get(generation)
        memory = info.get("memory_gib") if isinstance(info, dict) else None
        return InstanceSpec(
            instance_type,
            f"tpu-{generation}",
            Accelerator(f"TPU {generation}", chips, "tpu", "google", memory),
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
        payment: str | None = None,  # GCP commitments have no payment options
    ) -> Rate | NoRate:
        if purchase in (PurchaseOption.RESERVED, PurchaseOption.SAVINGS_PLAN):
            purchase = PurchaseOption.COMMITTED
        parsed = self.parse(instance_type)
        if parsed is None:
            return NoRate(f"TPU type {instance_type} is not in the {self.info.id} price table")
        generation, chips = parsed
        by_gen = self._prices.get(region)
        row = by_gen.get(generation) if isinstance(by_gen, dict) else None
        if not isinstance(row, dict):
            return NoRate(
                f"TPU {generation} has no price in {region} in the {self.info.id} price table "
                f"(as of {self.info.as_of})"
            )
        found = self.pick(row, columns_for(purchase, term), f"TPU {generation} in {region}")
        if found is None:
            return NoRate(f"TPU {generation} in {region} has no {purchase.value} price")
        per_chip, column, basis, note = found
        return Rate(
            per_chip * chips,
            purchase,
            column,
            basis,
            self.info,
            note,
            fallback=fallback_label(column, note),
        )


class AzureVmTable(PriceTable):
    """Azure VMs: Linux columns, Windows columns, sizes matched case-insensitively."""

    def __init__(self, info: TableInfo, instances: Mapping[str, Any], prices: Mapping[str, Any]):
        super().__init__(info, instances, prices)
        self._names = {name.lower(): name for name in instances}
        for by_size in prices.values():
            if isinstance(by_size, dict):
                for name in by_size:
                    self._names.setdefault(name.lower(), name)

    def canonical(self, size: str) -> str:
        return self._names.get(size.strip().lower(), size.strip())

    def spec(self, instance_type: str) -> InstanceSpec | None:
        return super().spec(self.canonical(instance_type))

    def knows(self, instance_type: str) -> bool:
        return super().knows(self.canonical(instance_type))

    def row(self, region: str, instance_type: str) -> Mapping[str, Any] | None:
        return super().row(region.lower().replace(" ", ""), self.canonical(instance_type))

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
        payment: str | None = None,  # Azure: monthly or upfront, the same total
    ) -> Rate | NoRate:
        if variant != "windows":
            return super().rate(region, instance_type, purchase, term)
        row = self.row(region, instance_type)
        if row is None:
            return super().rate(region, instance_type, purchase, term)
        return self._azure_windows(row, region, instance_type, purchase, term)

    def _azure_windows(
        self,
        row: Mapping[str, Any],
        region: str,
        instance_type: str,
        purchase: PurchaseOption,
        term: int | None,
    ) -> Rate | NoRate:
        """Windows = the option's Linux rate + the licence (Azure reservations and savings
        plans cover compute only; the licence is billed by the hour on top), or an explicit
        ``windows_*`` column; failing both, a labelled fallback."""
        what = f"{instance_type} (Windows) in {region}"
        wanted = columns_for(purchase, term)[0][0]
        licence = self.pick(row, (("windows_licence", None),), what)
        explicit = self.pick(row, ((f"windows_{wanted}", None),), what)
        if explicit is not None:
            hourly, column, basis, _ = explicit
            return Rate(hourly, purchase, column, basis, self.info)
        linux = self.pick(row, ((wanted, None),), what)
        if linux is not None and licence is not None:
            return Rate(
                linux[0] + licence[0],
                purchase,
                wanted,
                _combine([linux[2], licence[2]]),
                self.info,
            )
        options: list[tuple[str, str | None]] = []
        if wanted != "on_demand":
            options.append(
                (
                    "windows_on_demand",
                    f"no {purchase.value} price in the table; Windows on-demand shown",
                )
            )
        options.append(
            (
                "on_demand",
                "no Windows price in the table; the Linux on-demand rate is shown (licence not "
                "included)",
            )
        )
        found = self.pick(row, options, what)
        if found is None:
            return NoRate(f"{instance_type} in {region} has no Windows {purchase.value} price")
        hourly, column, basis, note = found
        return Rate(
            hourly,
            purchase,
            column,
            basis,
            self.info,
            note,
            fallback=fallback_label(column, note, windows=True),
        )


def _sustained_use_note(
    multiplier: Decimal | None,
    hours: Decimal | None,
    accel_discounted: bool,
    machine_spec: Mapping[str, Any],
) -> tuple[str, ...]:
    """The rate's adjustment line for a GCP sustained-use discount, if one applied."""
    if multiplier is None or multiplier == 1 or hours is None:
        return ()
    covered = "host and attached GPUs" if accel_discounted else "host"
    return (
        f"GCP sustained-use discount {((1 - multiplier) * 100).quantize(Decimal('0.1'))}% "
        f"on the {covered} for {hours.normalize():f} h/month "
        f"({machine_spec.get('sustained_use', '').upper()} series)",
    )
