"""Monthly cost of each side of a workload, and the totals.

``monthly = hourly rate × nodes × hours per month`` for each capacity slice (730 hours by
default, or the workload's own hours from a usage file or manifest). A deployment that
cannot be priced has ``monthly = None`` and a reason; it is listed as unpriced and never
counted as $0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aicost.core.calendar import HOURS_PER_MONTH
from aicost.core.model import (
    Capacity,
    Costing,
    CostLine,
    Deployment,
    PricedWorkload,
    Workload,
)
from aicost.cost import unit_costs
from aicost.pricing.catalog import NoRate, PriceBook, Rate


def _no_machine_reason(deployment: Deployment) -> str:
    """Why a deployment without a known machine is unpriced, with what is unknown first."""
    notes = "; ".join(deployment.notes)
    if "module" in deployment.unknown:  # a module static mode cannot read
        return "what the module deploys is not known" + (f": {notes}" if notes else "")
    if deployment.unknown:
        reason = f"{', '.join(deployment.unknown)} known only after apply"
        return reason + (f" ({notes})" if notes else "")
    return "instance type not known" + (f": {notes}" if notes else "")


def _rate_key(deployment: Deployment, slice_: Capacity, hours: Decimal) -> tuple[Any, ...]:
    """What a rate depends on: the memo key of :meth:`Pricer.rate` (and, with the node
    count, of a cost line), one place so that the two memos never disagree."""
    return (
        deployment.cloud,
        deployment.service,
        deployment.region,
        deployment.instance_type,
        slice_.purchase,
        slice_.term_years,
        slice_.payment,
        deployment.accelerator,
        hours,
        deployment.node_share,
    )


class Pricer:
    def __init__(self, book: PriceBook, hours_per_month: Decimal = HOURS_PER_MONTH) -> None:
        self.book = book
        self.hours_per_month = hours_per_month
        #: Rates by everything a rate depends on: thousands of workloads (and the rules'
        #: alternatives) ask for a few dozen machines.
        self._rates: dict[tuple[Any, ...], Rate | NoRate] = {}
        #: Cost lines by the rate's key, the node count and the hours (see :meth:`_line`).
        self._lines: dict[tuple[Any, ...], tuple[CostLine, tuple[str, ...]] | NoRate] = {}

    def hours_of(self, deployment: Deployment) -> Decimal:
        """The hours a month *deployment* runs: its own (0 for a schedule that never fires),
        else the month's."""
        own = deployment.hours_per_month
        return self.hours_per_month if own is None else own

    def cost(self, deployment: Deployment) -> Costing:
        hours = self.hours_of(deployment)
        if deployment.llm is not None:
            from aicost.pricing.tokens import token_costing

            return token_costing(self.book, deployment, hours)
        if deployment.instance_type is None:
            reason = _no_machine_reason(deployment)
            return Costing(None, reason=reason, notes=deployment.notes, hours_per_month=hours)
        if deployment.unknown:
            # Something the cost depends on (a count, a size) is not known: never a guess.
            reason = f"{', '.join(deployment.unknown)} not known"
            if deployment.notes and deployment.notes[0].startswith(deployment.unknown[0]):
                reason = deployment.notes[0]
            elif deployment.notes:
                reason += f": {deployment.notes[0]}"
            return Costing(None, reason=reason, notes=deployment.notes, hours_per_month=hours)
        if deployment.region is None:
            return Costing(
                None,
                reason="region unknown (set it in the provider configuration)",
                hours_per_month=hours,
            )
        lines: list[CostLine] = []
        notes: list[str] = list(deployment.notes)
        total = Decimal(0)
        for slice_ in deployment.capacity:
            priced = self._line(deployment, slice_, hours)
            if isinstance(priced, NoRate):
                reason = priced.reason
                if "instance_type" in deployment.sensitive:
                    reason = reason.replace(deployment.instance_type, "(sensitive)")
                return Costing(None, reason=reason, notes=tuple(notes), hours_per_month=hours)
            line, texts = priced
            total += line.monthly
            lines.append(line)
            for text in texts:
                if text not in notes:
                    notes.append(text)
        return Costing(total, lines=tuple(lines), notes=tuple(notes), hours_per_month=hours)

    def _line(
        self, deployment: Deployment, slice_: Capacity, hours: Decimal
    ) -> tuple[CostLine, tuple[str, ...]] | NoRate:
        """One slice's cost line and the rate's notes, or why it has no rate: the same for
        every slice of the same machine, purchase and node count (a few dozen in thousands).

        *hours* are the deployment's hours per month, else the pricer's (as :meth:`rate`)."""
        key = (*_rate_key(deployment, slice_, hours), slice_.nodes)
        found = self._lines.get(key)
        if found is None:
            rate = self.rate(deployment, slice_)
            if isinstance(rate, NoRate):
                found = rate
            else:
                line = CostLine(
                    purchase=slice_.purchase,
                    nodes=slice_.nodes,
                    hourly_rate=rate.hourly,
                    monthly=rate.hourly * slice_.nodes * hours,
                    basis=rate.basis,
                    table=rate.table.id,
                    priced_as=rate.fallback,
                )
                found = (line, tuple(text for text in (rate.note, *rate.adjustments) if text))
            self._lines[key] = found
        return found

    def rate(self, deployment: Deployment, slice_: Capacity) -> Rate | NoRate:
        """The hourly rate of one unit: an instance, or a pod's share of one (``node_share``)."""
        assert deployment.instance_type is not None and deployment.region is not None
        key = _rate_key(deployment, slice_, self.hours_of(deployment))
        found = self._rates.get(key)
        if found is None:
            found = self._rates[key] = self._rate(deployment, slice_)
        return found

    def _rate(self, deployment: Deployment, slice_: Capacity) -> Rate | NoRate:
        assert deployment.instance_type is not None and deployment.region is not None
        rate = self.book.rate(
            deployment.cloud,
            deployment.service,
            deployment.region,
            deployment.instance_type,
            slice_.purchase,
            slice_.term_years,
            payment=slice_.payment,
            accelerator=deployment.accelerator,
            hours=self.hours_of(deployment),
        )
        if deployment.node_share is not None and isinstance(rate, Rate):
            rate = dataclasses.replace(rate, hourly=rate.hourly * deployment.node_share)
        return rate

    def price(self, workloads: Iterable[Workload]) -> list[PricedWorkload]:
        """Both sides of each workload priced, with its unit costs."""
        out = []
        for w in workloads:
            prior = self.cost(w.prior) if w.prior is not None else None
            planned = self.cost(w.planned) if w.planned is not None else None
            out.append(PricedWorkload(w, prior, planned, unit_costs.of(w.planned, planned)))
        return out


@dataclass(frozen=True, slots=True)
class Summary:
    """Totals over priced workloads; unpriced ones are counted, never summed as $0."""

    monthly_cost: Decimal
    prior_monthly_cost: Decimal
    delta_monthly_cost: Decimal
    workloads: int
    priced: int
    unpriced: int
    accelerators: float
    hours_per_month: Decimal


def summarise(priced: Sequence[PricedWorkload], hours_per_month: Decimal) -> Summary:
    monthly = prior = delta = Decimal(0)
    unpriced = 0
    accelerators = 0.0
    for item in priced:
        # The amounts are computed properties: each read once.
        now, before = item.monthly_cost, item.prior_monthly_cost
        if now is not None:
            monthly += now
        if before is not None:
            prior += before
        if now is not None and before is not None:
            delta += now - before
        else:
            unpriced += 1
        planned = item.workload.planned
        if planned is not None:
            accelerators += planned.accelerators_total
    return Summary(
        monthly_cost=monthly,
        prior_monthly_cost=prior,
        delta_monthly_cost=delta,
        workloads=len(priced),
        priced=len(priced) - unpriced,
        unpriced=unpriced,
        accelerators=accelerators,
        hours_per_month=hours_per_month,
    )
