"""The one-pass YAML path for manifests gives exactly what the full safe path gives.

Manifests are loaded ``lazy``: a plain document (no anchors, string keys, tags the fast
builder knows) is built in one pass and keeps its nodes, and lines are found when a reader
asks for one. Everything else takes the full path (position walk, duplicate-key check,
alias bounds, PyYAML's constructors). These tests compare the two paths on every YAML and
JSON file under tests/fixtures (data, the line of every key and list item, and the
workloads read from every manifest), and check that hostile or unusual YAML still gets the
full path's answer: refused with exit 2 and a line, or loaded as before.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicost import sources
from aicost.core.errors import AicostError, InputError
from aicost.core.yamlsafe import KeyIndex, PathKey, load_documents, node_line
from aicost.sources import yamldocs
from aicost.sources.base import read_text
from tests.conftest import CORPUS, FIXTURES, Runner

#: Every YAML and JSON fixture small enough to compare node by node.
YAML_FILES = sorted(
    path
    for suffix in ("*.yaml", "*.yml", "*.json")
    for path in FIXTURES.rglob(suffix)
    if path.stat().st_size < 128 * 1024
)
MANIFESTS = sorted(
    path
    for path in [*(CORPUS / "manifests").iterdir(), *(FIXTURES / "manifests").iterdir()]
    if path.suffix in (".yaml", ".yml", ".json")
)


def _load(text: str, lazy: bool) -> list[Any] | str:
    try:
        return load_documents(text, "f.yaml", error=InputError, many=True, lazy=lazy)
    except AicostError as exc:
        return str(exc)


def _probes(positions: dict[PathKey, tuple[int, int]]) -> set[PathKey]:
    """Every recorded path, and paths that run off the end of one (a missing key, an index
    past the end, a step into a scalar): the nearest ancestor's line answers those."""
    found: set[PathKey] = set(positions)
    for path in positions:
        found |= {(*path, "no-such-key"), (*path, 10_000), (*path, -1), (*path, 0, "x")}
    return found


def _eager_line(positions: dict[PathKey, tuple[int, int]], path: PathKey, line: int) -> int:
    for end in range(len(path), -1, -1):
        found = positions.get(path[:end])
        if found is not None:
            return found[0]
    return line


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_lazy_loading_gives_the_same_data_and_lines(path: Path) -> None:
    try:
        text = read_text(path)
    except InputError:  # empty or binary: never reaches the YAML loader
        return
    lazy, full = _load(text, True), _load(text, False)
    if isinstance(full, str) or isinstance(lazy, str):
        assert lazy == full
        return
    assert [d.data for d in lazy] == [d.data for d in full]
    assert [d.line for d in lazy] == [d.line for d in full]
    for fast, slow in zip(lazy, full, strict=True):
        if fast.node is None:  # took the full path itself
            assert fast.positions == slow.positions
            continue
        index: KeyIndex = {}  # shared by the lookups of one document, as Document does
        for probe in _probes(slow.positions):
            expected = _eager_line(slow.positions, probe, slow.line)
            assert node_line(fast.node, probe) == expected, probe
            assert node_line(fast.node, probe, index) == expected, probe


def _workloads(paths: list[Path]) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for path in paths:
        try:
            inventory = sources.detect(path).read(path)
        except AicostError as exc:
            found.append((str(path), str(exc)))
            continue
        warnings = tuple(inventory.warnings)
        found.extend(
            (change.address, change.type, change.source, change.after, warnings)
            for change in inventory.changes
        )
    return found


def test_manifests_give_the_same_workloads_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(MANIFESTS) > 50
    fast = _workloads(MANIFESTS)
    monkeypatch.setattr(yamldocs, "load_documents", functools.partial(load_documents, lazy=False))
    assert _workloads(MANIFESTS) == fast
    assert any(len(item) == 5 and item[3] for item in fast)  # workloads were read


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
GPU = "spec:\n  containers:\n  - name: c\n    resources: {limits: {nvidia.com/gpu: 1}}\n"

#: name -> (text, line the error names, words in it)
HOSTILE = {
    "nested-duplicate": (
        POD + "spec:\n  containers:\n  - name: a\n    resources: {}\n    resources: {}\n",
        9,
        "duplicate key 'resources'",
    ),
    "quoted-duplicate": (POD + "'kind': Job\n", 5, "duplicate key 'kind'"),
    "python-tag": (POD + "x: !!python/object/apply:os.system ['true']\n", 5, "not allowed"),
    "unknown-tag": (POD + "x: !custom {a: 1}\n", 5, "not allowed"),
    "self-alias": (POD + "x: &a [*a]\n", 5, None),
    "many-values-no-alias": (POD + "x: [" + "0," * 250_000 + "]\n", None, "more than"),
    "alias-bomb": (
        POD
        + "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
            for p, n in zip("abcde", "bcdef", strict=True)
        ),
        None,
        "billion laughs",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_still_refused(aicost: Runner, tmp_path: Path, name: str) -> None:
    text, line, words = HOSTILE[name]
    path = _write(tmp_path, f"{name}.yaml", text)
    result = aicost("check", path)
    assert result.code == 2, result.err
    errors = [x for x in result.err.splitlines() if x.startswith("aicost: error:")]
    assert len(errors) == 1 and "Traceback" not in result.err
    where = f"{path}:{line}:" if line else f"{path}:"
    assert errors[0].startswith(f"aicost: error: {where}"), errors[0]
    if words:
        assert words in errors[0]


#: Unusual but valid: the full path builds these, and both paths agree.
UNUSUAL = {
    "merge-key": "base: &b {cpu: 1}\nx:\n  <<: *b\n  gpu: 2\n",
    "int-keys": "1: a\n01: b\n",
    "bool-and-null-keys": "true: a\nnull: b\n~x: c\n",
    "quoted-merge": "'<<': 1\n'<<': 2\nkind: Pod\n",
    "set-and-binary": "s: !!set {a, b}\nb: !!binary aGk=\n",
    "complex-key": "? [a, b]\n: c\n",
    "bad-date": "d: 2026-02-30\ne: 2026-02-03\n",
    "floats": "a: .inf\nb: -.nan\nc: 1e3\nd: 0x1f\n",
    "empty": "",
    "documents": "a: 1\n---\n---\n- x\n- {y: 2}\n",
}


@pytest.mark.parametrize("name", UNUSUAL)
def test_unusual_yaml_loads_as_the_full_path_loads_it(name: str) -> None:
    text = UNUSUAL[name]
    lazy, full = _load(text, True), _load(text, False)
    if isinstance(full, str) or isinstance(lazy, str):
        assert lazy == full
        return
    assert repr([d.data for d in lazy]) == repr([d.data for d in full])
    for fast, slow in zip(lazy, full, strict=True):
        lines = {p: node_line(fast.node, p) for p in slow.positions} if fast.node else None
        assert lines is None or lines == {p: pos[0] for p, pos in slow.positions.items()}


def test_ampersands_in_commands_keep_the_one_pass_path() -> None:
    text = POD + GPU + "    command: [sh, -c, 'pip install x && python train.py & wait']\n"
    (document,) = load_documents(text, "f.yaml", many=True, lazy=True)
    assert document.node is not None  # built in one pass: no alias can be in this text
    assert document.data == load_documents(text, "f.yaml", many=True)[0].data
    anchored = text + "x: &a 1\ny: *a\n"
    (document,) = load_documents(anchored, "f.yaml", many=True, lazy=True)
    assert document.node is None and document.data["y"] == 1


#: Lines from which random YAML texts are assembled: block and flow collections, plain,
#: quoted and tagged scalars, every scalar type, duplicate-prone keys, anchors, aliases,
#: merge keys, complex keys, document markers, comments and ampersands in text.
_LINES = [
    "a: 1",
    "a: x",
    "b: [1, 2, x]",
    "  c: {d: 3, e: null}",
    "  - f",
    "- g: 0755",
    "- 0x1f",
    "  h: 2026-02-30",
    "  i: true",
    "'a': 2",
    '"b": "q"',
    "1: one",
    "true: t",
    "~: n",
    "j: &k {l: 1}",
    "m: *k",
    "<<: *k",
    "'<<': 5",
    "n: !!str 7",
    "o: !!binary aGk=",
    "? [p, q]",
    ": r",
    "s: 'x && y & z'",
    "t: |",
    "    text",
    "---",
    "# comment",
    "u: 1_000",
    "v: -.inf",
    "w: 1:30",
    "",
]


_PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_PROPERTY
@given(st.lists(st.sampled_from(_LINES), max_size=12))
def test_random_yaml_loads_alike_on_both_paths(lines: list[str]) -> None:
    _assert_alike("\n".join(lines) + "\n")


_SCALARS = st.one_of(
    st.integers(-5, 5000),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.sampled_from(["x", "a && b", "0755", "true", "null", "2026-02-30", "1:30", "", "*", "&"]),
)
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["a", "b", "kind", "1", "<<", "on", "k y", *"cdefghijkl"]), inner
        ),
    ),
    max_leaves=25,
)


@_PROPERTY
@given(_TREES, st.booleans(), st.integers(0, 40))
def test_random_documents_load_alike_on_both_paths(tree: Any, flow: bool, repeat: int) -> None:
    """Valid YAML of every shape (block and flow), and the same with one line repeated
    (a duplicate key, when that line is a mapping entry)."""
    text = yaml.safe_dump(tree, default_flow_style=flow)
    _assert_alike(text)
    lines = text.splitlines()
    if lines:
        index = repeat % len(lines)
        _assert_alike("\n".join([*lines[: index + 1], *lines[index:]]) + "\n")


def _assert_alike(text: str) -> None:
    lazy, full = _load(text, True), _load(text, False)
    if isinstance(full, str) or isinstance(lazy, str):
        assert lazy == full
        return
    assert repr([d.data for d in lazy]) == repr([d.data for d in full])
    assert [d.line for d in lazy] == [d.line for d in full]
    for fast, slow in zip(lazy, full, strict=True):
        if fast.node is None:
            assert fast.positions == slow.positions
            continue
        index: KeyIndex = {}
        for probe in _probes(slow.positions):
            expected = _eager_line(slow.positions, probe, slow.line)
            assert node_line(fast.node, probe) == expected
            assert node_line(fast.node, probe, index) == expected


def test_the_line_of_every_entry_of_a_wide_mapping_is_found_quickly() -> None:
    """A reader asking for the line of each of 20,000 entries (a generic CRD with a pod
    template per key) must not scan the mapping each time."""
    entries = 20_000
    text = "kind: Foo\nspec:\n" + "".join(f"  p{i}: {{a: 1}}\n" for i in range(entries))
    (document,) = yamldocs.load_text(text, "wide.yaml")
    assert document.node is not None
    started = time.perf_counter()
    lines = [document.line_of("spec", f"p{i}", "a") for i in range(entries)]
    assert time.perf_counter() - started < 1.0
    assert lines == list(range(3, entries + 3))
    assert document.line_of("spec", "missing") == 2 and document.line_of("spec", "<<") == 2
