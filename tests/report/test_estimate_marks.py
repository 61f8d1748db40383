"""An estimated price is marked where the price is shown: the purchase column says ``(est.)``
when the estimate is not already a visible fallback (``spot→on-demand``)."""

from __future__ import annotations

import re

import pytest

from aicost import report
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from tests.conftest import plan
from tests.helpers import DEFAULT_POLICY


def _row(text: str, address: str) -> str:
    rows = [line for line in text.splitlines() if address in line and "$" in line]
    assert rows, f"{address} not listed"
    return rows[0]


@pytest.mark.parametrize("name", ["table", "markdown"])
def test_an_estimated_windows_price_says_so_beside_the_price(name: str) -> None:
    result = run_check([plan("azure_mixed")], load_policy(DEFAULT_POLICY))
    viz = next(w for w in result.workloads if w.workload.address.endswith(".viz"))
    assert viz.estimate_reasons and "→" not in viz.purchase_label  # estimated, no fallback
    text = report.get(name).render(result, report.RenderOptions(max_rows=0, plain=True))
    assert "on-demand (est.)" in _row(text, "azurerm_windows_virtual_machine.viz")
    # A sourced price is not marked; a fallback already says it is one.
    assert "(est.)" not in _row(text, "azurerm_virtual_machine.legacy")
    trainer = _row(text, "azurerm_linux_virtual_machine.trainer")
    assert "spot→on-demand" in trainer and "(est.)" not in trainer
    assert re.search(r"\$3,544\.88", _row(text, "azurerm_windows_virtual_machine.viz"))
