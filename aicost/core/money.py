"""Money helpers. Amounts are :class:`~decimal.Decimal` USD; rounding happens only for display."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def usd(amount: Decimal | None, *, signed: bool = False, unpriced: str = "unpriced") -> str:
    """``$40,179.20``; ``+$1.00`` / ``-$1.00`` when *signed*; *unpriced* for None."""
    if amount is None:
        return unpriced
    value = cents(amount)
    sign = ""
    if value < 0:
        sign = "-"
    elif signed and value > 0:
        sign = "+"
    return f"{sign}${abs(value):,.2f}"


def plain(value: Decimal | None) -> str | None:
    """A count or a quantity as text: whole numbers without decimals, others to 4 places."""
    if value is None:
        return None
    return f"{value.normalize():f}" if value == value.to_integral() else str(round(value, 4))


def decimal_string(amount: Decimal | None) -> str | None:
    """A JSON-safe decimal string rounded to cents, or None.

    Remembered per amount (a report of thousands of workloads writes a few dozen distinct
    amounts a dozen times each); equal amounts round to the same cents, except that a zero
    keeps its sign (``-0.00``), so zeros are not remembered."""
    if amount is None:
        return None
    if amount and amount.is_finite():
        found = _CENTS.get(amount)
        if found is None:
            found = str(cents(amount))
            if len(_CENTS) >= _MAX_CENTS:
                _CENTS.clear()
            _CENTS[amount] = found
        return found
    return str(cents(amount))


#: Amount -> :func:`decimal_string` of it.
_CENTS: dict[Decimal, str] = {}
_MAX_CENTS = 4096
