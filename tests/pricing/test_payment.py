"""AWS reservations and savings plans by payment option: all upfront, partial, none."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aicost.core.model import PurchaseOption
from aicost.mappers.base import purchase_word
from aicost.pricing.catalog import column_label
from tests.conftest import REPO, Runner

TAGS = 'team = "ml", model = "m", use-case = "chat", environment = "prod", workload = "inference"'


def row(instance_type: str, region: str) -> dict[str, Any]:
    table = json.loads((REPO / "pricing" / "aws" / "ec2.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = table["prices"][region][instance_type]
    return found


def priced(aicost: Runner, tmp_path: Path, purchase: str) -> dict[str, Any]:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_instance" "gpu" {\n  instance_type = "p5.48xlarge"\n'
        f'  tags = {{ {TAGS}, purchase-option = "{purchase}" }}\n}}\n',
        encoding="utf-8",
    )
    result = aicost("check", str(tmp_path), "--format", "json")
    (resource,) = result.json["resources"]
    found: dict[str, Any] = resource
    return found


@pytest.mark.parametrize(
    ("purchase", "column"),
    [
        ("reserved-3y-all-upfront", "reserved_3y_all_upfront"),
        ("reserved-3y-partial-upfront", "reserved_3y_partial_upfront"),
        ("reserved-3y-no-upfront", "reserved_3y"),
        ("reserved-3y", "reserved_3y"),
    ],
)
def test_a_reservation_is_priced_at_its_payment_options_effective_rate(
    aicost: Runner, tmp_path: Path, purchase: str, column: str
) -> None:
    hourly = Decimal(str(row("p5.48xlarge", "us-east-1")[column]))
    resource = priced(aicost, tmp_path, purchase)
    assert Decimal(resource["monthly_cost"]) == (hourly * 730).quantize(Decimal("0.01"))
    assert resource["purchase"] == "reserved"  # no fallback shown: the table has the rate
    (capacity,) = resource["planned"]["capacity"]
    assert capacity["term_years"] == 3


def test_paying_more_upfront_costs_less_per_month(aicost: Runner, tmp_path: Path) -> None:
    costs = []
    for purchase in ("reserved-3y", "reserved-3y-partial-upfront", "reserved-3y-all-upfront"):
        directory = tmp_path / purchase
        directory.mkdir()
        costs.append(Decimal(priced(aicost, directory, purchase)["monthly_cost"]))
    assert costs[0] > costs[1] > costs[2]


def test_a_payment_option_the_table_lacks_is_a_fallback_shown_in_the_purchase_column(
    aicost: Runner, tmp_path: Path
) -> None:
    resource = priced(aicost, tmp_path, "savings-plan-3y-all-upfront")
    # No savings-plan rates are published in a dataset: the reservation with the same term
    # and payment is priced instead, and says so.
    assert resource["purchase"] == "savings-plan→reserved 3-year all upfront"
    hourly = Decimal(str(row("p5.48xlarge", "us-east-1")["reserved_3y_all_upfront"]))
    assert Decimal(resource["monthly_cost"]) == (hourly * 730).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("reserved-3y-all-upfront", (PurchaseOption.RESERVED, 3, "all-upfront")),
        ("RESERVED_1Y_PARTIAL_UPFRONT", (PurchaseOption.RESERVED, 1, "partial-upfront")),
        ("reserved-1y-no-upfront", (PurchaseOption.RESERVED, 1, None)),
        ("savings-plan-3y-partial-upfront", (PurchaseOption.SAVINGS_PLAN, 3, "partial-upfront")),
        ("spot-all-upfront", None),  # spot has no payment options
        ("committed-3y-all-upfront", None),  # nor have GCP commitments
        ("reserved-5y", None),
    ],
)
def test_purchase_words(
    word: str, expected: tuple[PurchaseOption, int | None, str | None] | None
) -> None:
    assert purchase_word(word) == expected


def test_column_labels_name_the_payment() -> None:
    assert column_label("reserved_3y_all_upfront") == "reserved 3-year all upfront"
    assert column_label("reserved_1y") == "reserved 1-year"


def test_two_payment_options_of_one_machine_in_one_check_each_get_their_rate(
    aicost: Runner, tmp_path: Path
) -> None:
    """Rates are looked up once per distinct machine and option: the payment is part of it."""
    body = 'provider "aws" {\n  region = "us-east-1"\n}\n'
    for name, purchase in (("none", "reserved-3y"), ("all", "reserved-3y-all-upfront")):
        body += (
            f'resource "aws_instance" "{name}" {{\n  instance_type = "p5.48xlarge"\n'
            f'  tags = {{ {TAGS}, purchase-option = "{purchase}" }}\n}}\n'
        )
    (tmp_path / "main.tf").write_text(body, encoding="utf-8")
    report = aicost("check", str(tmp_path), "--format", "json").json
    costs = {r["address"]: Decimal(r["monthly_cost"]) for r in report["resources"]}
    row_ = row("p5.48xlarge", "us-east-1")
    assert costs["aws_instance.none"] == (Decimal(str(row_["reserved_3y"])) * 730).quantize(
        Decimal("0.01")
    )
    assert costs["aws_instance.all"] == (
        Decimal(str(row_["reserved_3y_all_upfront"])) * 730
    ).quantize(Decimal("0.01"))
