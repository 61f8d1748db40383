"""The typed decode of a plan (msgspec, plain UTF-8 JSON) reads what the full reader reads.

Plain UTF-8 plans go through :mod:`aicost.sources.tfplan_fast`; the same bytes after a
UTF-8 byte order mark go through ``json`` and :mod:`aicost.sources.plancheck`. Every
resource change and every error message must be the same either way.
"""

from __future__ import annotations

import codecs
import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicost.core.errors import InputError
from aicost.core.model import ResourceChange
from aicost.sources import tfplan, tfplan_fast
from aicost.sources.counts import COUNT_UNKNOWN_KEY
from tests.conftest import PLANS
from tests.mappers.failclosed_helpers import resource

P5 = {"instance_type": "p5.48xlarge", "tags": {"team": "ml"}}


def _both(path: Path, document: Any) -> tuple[Any, Any]:
    """(typed, full) outcome of reading *document* at *path*: an inventory or an error."""
    text = json.dumps(document)
    outcomes: list[Any] = []
    for data in (text.encode(), codecs.BOM_UTF8 + text.encode()):
        path.write_bytes(data)
        typed = tfplan_fast.decode(path)
        try:
            outcomes.append(tfplan.read(path))
        except InputError as exc:
            outcomes.append(str(exc))
        outcomes.append(typed is not None)
    typed_result, took_typed, full_result, took_full = outcomes
    assert not took_full
    return (typed_result, took_typed), full_result


def _marks(tree: Any) -> Any:
    """Sensitivity marks as the typed path keeps them: None when nothing says true."""
    return tree if "true" in json.dumps(tree) else None


def _normal(changes: list[ResourceChange]) -> list[ResourceChange]:
    # Both paths mean the same by marks that mark nothing (mappers.base reads only ``true``).
    return [
        dataclasses.replace(
            change,
            before_sensitive=_marks(change.before_sensitive),
            after_sensitive=_marks(change.after_sensitive),
        )
        for change in changes
    ]


def _same(typed: tfplan.PlanInventory, full: tfplan.PlanInventory) -> None:
    assert _normal(typed.changes) == _normal(full.changes)
    assert typed.warnings == full.warnings
    assert typed._config == full._config


@pytest.mark.parametrize("fixture", sorted(p.name for p in PLANS.glob("*.json")))
def test_every_fixture_plan_reads_the_same_typed_and_in_full(tmp_path: Path, fixture: str) -> None:
    document = json.loads((PLANS / fixture).read_text())
    (typed, took_typed), full = _both(tmp_path / "plan.json", document)
    assert took_typed
    _same(typed, full)


CORPUS = PLANS.parent / "corpus" / "plans"


def _plain_json(path: Path) -> bool:
    """Whether *path* is plain UTF-8 JSON (the only input the typed decode sees)."""
    try:
        json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.json") if _plain_json(p)))
def test_every_corpus_plan_reads_the_same_typed_and_in_full(tmp_path: Path, name: str) -> None:
    # Real plans of many Terraform and OpenTofu versions: what the typed decode takes
    # (most of them) reads the same as in full, and what it leaves gets the same outcome.
    document = json.loads((CORPUS / name).read_text(encoding="utf-8"))
    (typed, _), full = _both(tmp_path / "plan.json", document)
    if isinstance(full, str):
        assert typed == full
    else:
        _same(typed, full)


def _plan(*entries: Any, **extra: Any) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": list(entries), **extra}


def _entry(mutate: Callable[[dict[str, Any]], object], address: str = "aws_instance.gpu") -> Any:
    entry = resource(address, copy.deepcopy(P5))
    mutate(entry)
    return entry


#: Entries Terraform could write (or that aicost reads anyway) that the typed path handles.
READABLE: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("no name", lambda r: r.pop("name")),
    ("no provider_name", lambda r: r.pop("provider_name")),
    ("no mode", lambda r: r.pop("mode")),
    ("data source", lambda r: r.update(mode="data", address="data.aws_instance.gpu")),
    ("module", lambda r: r.update(module_address='module.a["x"]')),
    ("module null", lambda r: r.update(module_address=None)),
    ("index", lambda r: r.update(index="x", address='aws_instance.gpu["x"]')),
    ("after_unknown true", lambda r: r["change"].update(after_unknown=True)),
    ("no after_unknown", lambda r: r["change"].pop("after_unknown")),
    (
        "no marks",
        lambda r: (r["change"].pop("after_sensitive"), r["change"].pop("before_sensitive")),
    ),
    ("marked", lambda r: r["change"].update(after_sensitive={"tags": {"team": True}})),
    ("marked false", lambda r: r["change"].update(after_sensitive={"tags": {"team": False}})),
    ("marks null", lambda r: r["change"].update(before_sensitive=None)),
    ("replace", lambda r: r["change"].update(actions=["create", "delete"], before=P5)),
    ("delete", lambda r: r["change"].update(actions=["delete"], before=P5, after=None)),
    (
        "read with no after",
        lambda r: r.update(mode="data") or r["change"].update(actions=["read"], after=None),
    ),
    ("opentofu", lambda r: r.update(provider_name="registry.opentofu.org/hashicorp/aws")),
    # Not as Terraform writes them, but read today: the typed path hands them to the full one.
    ("name null", lambda r: r.update(name=None)),
    ("module_address a number", lambda r: r.update(module_address=5)),
    ("after_unknown null", lambda r: r["change"].update(after_unknown=None)),
]


@pytest.mark.parametrize(("what", "mutate"), READABLE, ids=[w for w, _ in READABLE])
def test_entries_read_the_same_typed_and_in_full(
    tmp_path: Path, what: str, mutate: Callable[[dict[str, Any]], object]
) -> None:
    document = _plan(_entry(lambda r: None, "aws_instance.first"), _entry(mutate))
    (typed, _), full = _both(tmp_path / "plan.json", document)
    assert isinstance(typed, tfplan.PlanInventory), typed
    _same(typed, full)


#: Entries Terraform never writes: the same one-line error either way.
REFUSED: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
    ("address empty", lambda r: r.update(address="")),
    ("address a number", lambda r: r.update(address=7)),
    ("no address", lambda r: r.pop("address")),
    ("type empty", lambda r: r.update(type="")),
    ("no type", lambda r: r.pop("type")),
    ("mode", lambda r: r.update(mode="Managed")),
    ("mode null", lambda r: r.update(mode=None)),
    ("no change", lambda r: r.pop("change")),
    ("change a list", lambda r: r.update(change=[])),
    ("actions a string", lambda r: r["change"].update(actions="create")),
    ("actions empty", lambda r: r["change"].update(actions=[])),
    ("unknown action", lambda r: r["change"].update(actions=["explode"])),
    ("before a string", lambda r: r["change"].update(before="x")),
    ("after a list", lambda r: r["change"].update(after=[1])),
    ("create with no after", lambda r: r["change"].update(after=None)),
    ("delete with no before", lambda r: r["change"].update(actions=["delete"], after=None)),
    ("after_unknown a string", lambda r: r["change"].update(after_unknown="x")),
    ("provider_name", lambda r: r.update(provider_name="Registry Terraform/AWS")),
    ("provider_name a number", lambda r: r.update(provider_name=5)),
    ("default provider", lambda r: (r.pop("provider_name"), r.update(type="AWS_instance"))),
]


@pytest.mark.parametrize(("what", "mutate"), REFUSED, ids=[w for w, _ in REFUSED])
def test_entries_terraform_never_writes_fail_the_same_typed_and_in_full(
    tmp_path: Path, what: str, mutate: Callable[[dict[str, Any]], object]
) -> None:
    # A later bad entry must not hide the first one.
    later = _entry(lambda r: r.update(address=""), "aws_instance.later")
    document = _plan(_entry(lambda r: None, "aws_instance.first"), _entry(mutate), later)
    (typed, _), full = _both(tmp_path / "plan.json", document)
    assert isinstance(full, str), full
    assert typed == full
    assert "resource_changes[1]" in full or "aws_instance.gpu" in full


def test_an_entry_that_is_not_an_object_fails_the_same(tmp_path: Path) -> None:
    document = _plan(_entry(lambda r: None), [1])
    (typed, took_typed), full = _both(tmp_path / "plan.json", document)
    assert not took_typed
    assert (
        typed == full == f"{tmp_path / 'plan.json'}: resource_changes[1] is a list, not an object"
    )


@pytest.mark.parametrize("number", ["1e400", "9" * 5000, "NaN"])
def test_numbers_refused_in_after_unknown_fail_the_same(tmp_path: Path, number: str) -> None:
    # after_unknown is decoded apart from the rest (once per distinct text): a number it
    # cannot hold still sends the plan to the full reader, which names it.
    entry = resource("aws_instance.gpu", dict(P5), unknown={"cpu_core_count": 12345})
    text = json.dumps(_plan(_entry(lambda r: r.update(address=""), "aws_instance.a"), entry))
    path = tmp_path / "plan.json"
    path.write_text(text.replace("12345", number))
    assert tfplan_fast.decode(path) is None
    with pytest.raises(InputError) as typed:
        tfplan.read(path)
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    with pytest.raises(InputError) as full:
        tfplan.read(path)
    assert str(typed.value) == str(full.value)
    assert "number" in str(full.value)


def test_instances_of_one_resource_get_their_own_values_and_share_one_unknown_tree(
    tmp_path: Path,
) -> None:
    entries = []
    for index in range(4):
        entry = resource(
            f"aws_instance.gpu[{index}]",
            {**P5, "instance_type": f"p{index}"},
            unknown={"id": True, "tags_all": {}},
        )
        entry["index"] = index
        entries.append(entry)
    (typed, _), full = _both(tmp_path / "plan.json", _plan(*entries))
    _same(typed, full)
    assert [c.index for c in typed.changes] == [0, 1, 2, 3]
    assert [c.after["instance_type"] for c in typed.changes] == ["p0", "p1", "p2", "p3"]
    # The same after_unknown text is one tree, shared read-only.
    assert len({id(c.after_unknown) for c in typed.changes}) == 1


def test_deferred_changes_read_the_same_typed_and_in_full(tmp_path: Path) -> None:
    deferred = {
        "reason": "instance_count_unknown",
        "resource_change": resource("aws_instance.later", dict(P5)),
    }
    document = _plan(_entry(lambda r: None), deferred_changes=[deferred])
    (typed, took_typed), full = _both(tmp_path / "plan.json", document)
    assert took_typed
    _same(typed, full)
    assert [c.address for c in typed.changes] == ["aws_instance.gpu", "aws_instance.later"]
    assert typed.changes[1].after_unknown[COUNT_UNKNOWN_KEY] is True


def test_many_unknown_trees_of_one_length_are_each_read(tmp_path: Path) -> None:
    # Distinct after_unknown texts of the same length, more than are kept for sharing.
    entries = [
        resource(f"aws_instance.gpu{n:02}", dict(P5), unknown={f"attribute_{n % 20:02}": True})
        for n in range(23)
    ]
    (typed, took_typed), full = _both(tmp_path / "plan.json", _plan(*entries))
    assert took_typed
    _same(typed, full)
    assert [next(iter(c.after_unknown)) for c in typed.changes][18:] == [
        "attribute_18",
        "attribute_19",
        "attribute_00",
        "attribute_01",
        "attribute_02",
    ]


def test_typed_changes_are_built_in_resource_change_field_order() -> None:
    # tfplan._typed_changes builds ResourceChange positionally, in this order.
    assert [f.name for f in dataclasses.fields(ResourceChange)] == [
        "address",
        "type",
        "name",
        "provider",
        "action",
        "source",
        "mode",
        "module_address",
        "index",
        "before",
        "after",
        "after_unknown",
        "before_sensitive",
        "after_sensitive",
        "region",
        "default_tags",
        "create_before_destroy",
        "project",
    ]


_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.sampled_from(["", "x", "create", "delete", "aws_instance.gpu", "managed", "data"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), inner)
    ),
    max_leaves=6,
)
_ENTRY_KEYS = ["address", "type", "name", "mode", "index", "provider_name", "module_address"]
_CHANGE_KEYS = ["actions", "before", "after", "after_unknown", "before_sensitive"]


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    where=st.sampled_from(["entry", "change"]),
    key_index=st.integers(0, 6),
    value=st.one_of(st.just("<deleted>"), _JSON),
)
def test_any_value_in_any_field_reads_the_same_typed_and_in_full(
    where: str, key_index: int, value: Any
) -> None:
    """Whatever a field of an entry holds (or its absence), the typed path gives the changes
    or the one-line error the full reader gives."""
    import tempfile

    keys = _ENTRY_KEYS if where == "entry" else _CHANGE_KEYS
    key = keys[key_index % len(keys)]

    def mutate(entry: dict[str, Any]) -> None:
        target = entry if where == "entry" else entry["change"]
        if value == "<deleted>":
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)

    document = _plan(_entry(lambda r: None, "aws_instance.first"), _entry(mutate))
    with tempfile.TemporaryDirectory() as directory:
        (typed, _), full = _both(Path(directory) / "plan.json", document)
    if isinstance(full, str):
        assert typed == full
    else:
        assert isinstance(typed, tfplan.PlanInventory), typed
        _same(typed, full)
