"""The mappers' fast paths give what the plain code gives.

* inputcheck judges a clean resource in one quick pass and walks again (with paths, for the
  message) only when that pass may have seen a problem: the quick pass must never call clean
  what the full walk finds a problem in, whatever the tree;
* Deployments and Workloads are built by a constructor made from the dataclass's fields: the
  objects equal the class's own, and default factories still give each object its own value;
* a machine type's hardware is judged once per input: every resource of that type still gets
  its own address, tags, purchase option and class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicost.core.model import (
    Action,
    Capacity,
    Deployment,
    PurchaseOption,
    ResourceChange,
    SourceRef,
    Workload,
    WorkloadClass,
)
from aicost.core.records import fast_constructor
from aicost.mappers import inputcheck
from aicost.mappers.base import new_deployment, new_workload
from tests.harness import map_resources

_KEYS = st.sampled_from(
    [
        "instance_type",
        "instance_types",
        "machine_type",
        "size",
        "sku",
        "count",
        "desired_capacity",
        "weighted_capacity",
        "capacity",
        "tags",
        "labels",
        "name",
        "x",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=2_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", "g5.xlarge", "G5.XLARGE", " p5.48xlarge", "3", "-1", "many", "1.5"]),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=25,
)


def _change(provider: str, rtype: str) -> ResourceChange:
    return ResourceChange(
        address=f"{rtype}.x",
        type=rtype,
        name="x",
        provider=provider,
        action=Action.CREATE,
        source=SourceRef(path="plan.json", kind="terraform-plan"),
    )


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    values=st.dictionaries(_KEYS, _TREES, max_size=6),
    kind=st.sampled_from(
        [
            ("aws", "aws_instance"),
            ("aws", "aws_autoscaling_group"),
            ("aws", "aws_batch_compute_environment"),
            ("azurerm", "azurerm_linux_virtual_machine"),
            ("google", "google_compute_instance"),
            ("awscc", "awscc_sagemaker_endpoint"),
        ]
    ),
)
def test_quick_pass_never_calls_clean_what_the_walk_finds_wrong(
    values: dict[str, Any], kind: tuple[str, str]
) -> None:
    change = _change(*kind)
    problems = list(inputcheck._problems(change, values, None))
    if inputcheck._clean(change, values):
        assert problems == []


def test_deployment_and_workload_constructors_match_the_classes() -> None:
    fields: dict[str, Any] = {
        "cloud": "aws",
        "service": "ec2",
        "region": "us-east-1",
        "instance_type": "p5.48xlarge",
        "accelerator": None,
        "capacity": (Capacity(PurchaseOption.SPOT, 2),),
        "notes": ("a note",),
    }
    made, plain = new_deployment(**fields), Deployment(**fields)
    assert type(made) is Deployment
    assert made == plain
    assert made.tags == {} and made.tags is not new_deployment(**fields).tags
    workload: dict[str, Any] = {
        "address": "aws_instance.x",
        "resource_type": "aws_instance",
        "source": SourceRef(path="plan.json", kind="terraform-plan"),
        "action": Action.CREATE,
        "prior": None,
        "planned": made,
    }
    assert new_workload(**workload) == Workload(**workload)
    assert type(new_workload(**workload)) is Workload


def test_a_machine_type_seen_twice_is_judged_once_and_each_instance_keeps_its_own() -> None:
    # The second and third p5s take the hardware judgement made for the first; each keeps
    # its own address, tags, purchase option and class.
    workloads = map_resources(
        {
            "aws_instance.a": {"instance_type": "p5.48xlarge", "tags": {"team": "a"}},
            "aws_instance.b": {
                "instance_type": "p5.48xlarge",
                "tags": {"team": "b", "workload": "inference"},
                "instance_market_options": [{"market_type": "spot"}],
            },
            "aws_instance.c": {"instance_type": "p5.48xlarge", "tags": {"team": "c"}},
            "aws_instance.typo": {"instance_type": "p5.48xlargee"},
        }
    )
    by_address = {w.address: w.current for w in workloads}
    assert set(by_address) == {
        "aws_instance.a",
        "aws_instance.b",
        "aws_instance.c",
        "aws_instance.typo",
    }
    a, b, c = (
        by_address["aws_instance.a"],
        by_address["aws_instance.b"],
        by_address["aws_instance.c"],
    )
    assert a.accelerator is not None and a.accelerator == b.accelerator == c.accelerator
    assert (a.tags, b.tags, c.tags) == (
        {"team": "a"},
        {"team": "b", "workload": "inference"},
        {"team": "c"},
    )
    assert a.purchase_option == "on-demand" and b.purchase_option == "spot"
    assert b.workload_class == WorkloadClass.INFERENCE
    typo = by_address["aws_instance.typo"]  # judged on its own: a P family the table lacks
    assert typo.ai is True and typo.accelerator is None


def test_a_dataclass_the_fast_constructor_cannot_follow_keeps_its_own_init() -> None:
    @dataclass(frozen=True)
    class Plain:
        x: int

    @dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    assert fast_constructor(Plain) is Plain
    assert fast_constructor(Checked) is Checked
