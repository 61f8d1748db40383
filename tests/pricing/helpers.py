"""Prices straight from the shipped GCP and Azure tables: the tests' independent source of truth."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

from tests.conftest import REPO

HOURS = Decimal(730)


@cache
def table(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "pricing" / f"{name}.json").read_text())
    return data


def _cell(row: dict[str, Any], column: str) -> Decimal:
    value = row[column]
    assert value is not None, f"no {column} in {row}"
    return Decimal(value)


def gcp_host(machine: str, region: str = "us-central1", column: str = "on_demand") -> Decimal:
    return _cell(table("gcp/compute")["prices"][region][machine], column)


def gcp_gpu(kind: str, region: str = "us-central1", column: str = "on_demand") -> Decimal:
    return _cell(table("gcp/compute")["accelerator_prices"][region][kind], column)


def gcp_machine(machine: str, region: str = "us-central1", column: str = "on_demand") -> Decimal:
    """A VM's whole price: a whole-machine row as is, a host-only row plus its built-in GPUs."""
    document = table("gcp/compute")
    row = document["prices"][region][machine]
    price = _cell(row, column)
    builtin = document["instances"][machine].get("accelerator")
    if not row.get("includes_accelerators") and builtin:
        price += Decimal(str(builtin["count"])) * gcp_gpu(builtin["type"], region, column)
    return price


def gcp_tpu(generation: str, region: str = "us-central1", column: str = "on_demand") -> Decimal:
    return _cell(table("gcp/tpu")["prices"][region][generation], column)


def azure(size: str, region: str = "eastus", column: str = "on_demand") -> Decimal:
    return _cell(table("azure/vm")["prices"][region][size], column)
