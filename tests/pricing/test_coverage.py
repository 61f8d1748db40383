"""``aicost pricing coverage``: the priced / estimate / missing matrix per table and option."""

from __future__ import annotations

from aicost.pricing.coverage import table_coverage


def test_cells_are_counted_by_their_basis() -> None:
    document = {
        "table": "t",
        "cloud": "azure",
        "service": "vm",
        "as_of": "2026-01-01",
        "prices": {
            "eastus": {
                "A": {"on_demand": "1", "spot": None, "basis": {"on_demand": "src"}},
                "B": {
                    "on_demand": "2",
                    "spot": "1",
                    "basis": {"on_demand": "src", "spot": "estimate:x"},
                },
            }
        },
    }
    result = table_coverage(document, "t.json")
    assert (result.regions, result.types, result.rows) == (1, 2, 2)
    assert vars(result.options["on_demand"]) == {"priced": 2, "estimate": 0, "missing": 0}
    assert vars(result.options["spot"]) == {"priced": 0, "estimate": 1, "missing": 1}
    # expected options no row carries are missing everywhere
    assert vars(result.options["savings_plan_3y"]) == {"priced": 0, "estimate": 0, "missing": 2}


def test_the_command_prints_every_cloud(aicost) -> None:  # type: ignore[no-untyped-def]
    out = aicost("pricing", "coverage").out
    for table in ("aws-ec2", "aws-sagemaker", "gcp-compute", "gcp-tpu", "azure-vm"):
        assert f"{table} (as of " in out
    assert "committed_3y" in out and "windows_on_demand" in out
    data = aicost("pricing", "coverage", "--json").json
    gcp = next(t for t in data if t["table"] == "gcp-compute")
    assert gcp["regions"] >= 40  # every region Cyclenerd lists, not three
    assert gcp["options"]["committed_1y"]["priced"] > 1000
