"""Rates are looked up once per distinct machine and purchase option: workloads that share
one still get their own costs (their node counts, tags and masks)."""

from __future__ import annotations

import pytest

from aicost import mappers, sources
from aicost.cost.projection import Pricer
from aicost.pipeline.run import map_settings
from aicost.policy.loader import load_policy
from aicost.pricing.catalog import PriceBook
from tests.conftest import plan
from tests.helpers import DEFAULT_POLICY


@pytest.mark.parametrize("name", ["aws_mixed", "aws_capacity", "gcp_mixed", "aws_sensitive"])
def test_shared_rates_give_each_workload_the_costs_it_gets_alone(name: str) -> None:
    book = PriceBook()
    policy = load_policy(DEFAULT_POLICY)
    workloads = mappers.normalise(
        sources.read_all([plan(name)]), book, map_settings(policy)
    ).workloads
    shared = Pricer(book).price(workloads)
    alone = [Pricer(book).price([workload])[0] for workload in workloads]
    assert shared == alone
    assert [p.unit_costs for p in shared] == [p.unit_costs for p in alone]


def test_workloads_of_one_machine_and_option_share_a_lookup() -> None:
    book = PriceBook()
    policy = load_policy(DEFAULT_POLICY)
    workloads = mappers.normalise(
        sources.read_all([plan("aws_mixed")]), book, map_settings(policy)
    ).workloads
    pricer = Pricer(book)
    priced = pricer.price(workloads)
    lines = [line for p in priced if p.planned_cost for line in p.planned_cost.lines]
    machines = {(line.table, line.purchase, line.priced_as, line.hourly_rate) for line in lines}
    assert len(machines) < len(lines)  # the fixture has workloads on the same machine
    assert len(pricer._rates) < len(lines)
    for item in priced:  # and each has its own node count in its cost
        costing = item.planned_cost
        for line in costing.lines if costing else ():
            assert costing is not None
            assert line.monthly == line.hourly_rate * line.nodes * costing.hours_per_month
