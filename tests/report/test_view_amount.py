"""Report amounts are shown from their text, as from the Decimal it stands for."""

from __future__ import annotations

import random

import pytest


@pytest.mark.parametrize("signed", [False, True])
def test_money_text_is_shown_as_from_a_decimal(signed: bool) -> None:
    """Report amounts are shown from their text without a Decimal in between: the same
    ``$1,234.50`` as usd(money(text)), every sign, zero, width and odd text."""
    from aicost.core.money import usd
    from aicost.report import view

    rng = random.Random(7)
    texts = ["0.00", "-0.00", "-0.50", "007.50", "12.5", "1e3", " 1.00", "1.00\n", "\u0663.00"]
    texts += ["abc", "", "-", "1,000.00", "99999999999999999999.99", "123456789012345678901.00"]
    for _ in range(3000):
        sign = rng.choice(["", "-"])
        texts.append(f"{sign}{rng.randint(0, 10 ** rng.randint(0, 12))}.{rng.randint(0, 99):02d}")
    for text in texts:
        try:
            expected = usd(view.money(text), signed=signed)
        except ArithmeticError:
            continue  # (beyond Decimal's precision: not what a report holds)
        assert view.amount(text, signed=signed) == expected, text
    assert view.amount(None) == "unpriced" and view.amount(5, signed=True) == "+$5.00"
