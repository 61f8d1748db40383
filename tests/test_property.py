"""Property tests: one broken field never turns a failing GPU deployment into a PASS.

Every seed input below holds exactly one GPU workload and fails the gate under a policy
that fails any accelerator spend (a $0 budget over everything, ``unpriced: error``). A single
mutation of one field of the GPU resource (a type change, a deleted key, null, a negative, a
string for a number or a number for a string, a huge number, an unknown marker) must then
give exit 1 (still failing) or 2 (invalid input named), never 3, and exit 0 only when the
mutant really describes a deployment without accelerator spend. That oracle is decided from
the mutant itself, independently of aicost:

* manifests: no accelerator resource (``nvidia.com/gpu``, ``google.com/tpu``...) is left
  with a positive quantity anywhere in the object (the mutation removed the request);
* plans and configurations: the mutation deleted or nulled a count (``desired_capacity``,
  ``min_size``, ``initial_instance_count``...), which may legitimately fall back to zero
  machines; no other single mutation of a GPU resource makes it free.

A second group feeds arbitrary JSON and YAML to the readers: never exit 3, always quick.

Hypothesis runs derandomized (a fixed seed) with a bounded number of examples, so CI is
fast and repeatable; the whole module takes well under 30 s.
"""

from __future__ import annotations

import copy
import io
import json
import re
import time
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aicost.cli import main
from tests.conftest import FIXTURES, REPO

POLICY = """\
version: 1
name: no-unjudged-gpu-spend
budgets:
  - name: everything
    monthly: 0
unpriced: error
"""

PROPERTY = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ACCELERATOR = re.compile(
    r"^(nvidia\.com/(gpu|mig-.*)|amd\.com/gpu|aws\.amazon\.com/neuron(core|device)?|"
    r"google\.com/tpu|habana\.ai/.*|gpu\.intel\.com/.*)$"
)
COUNT_KEYS = frozenset(
    {
        "desired_capacity",
        "min_size",
        "max_size",
        "desired_size",
        "initial_instance_count",
        "node_count",
        "count",
    }
)
OPS = ("delete", "null", "negative", "flip", "huge", "type", "unknown")


def run(*args: str | Path) -> int:
    """``aicost check`` in-process; the exit code."""
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return main(["check", *map(str, args), "--format", "compact"])


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property")
    (root / "policy.yaml").write_text(POLICY)
    return root


# --------------------------------------------------------------------------- mutation


def paths(tree: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a key or list item in *tree*."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def mutate(tree: Any, path: tuple[Any, ...], op: str) -> Any:
    """*tree* with the value at *path* changed by *op* (unknown: replaced by None)."""
    mutant = copy.deepcopy(tree)
    parent = mutant
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    value = parent[key]
    if op == "delete":
        del parent[key]
    elif op in ("null", "unknown"):
        parent[key] = None
    elif op == "negative":
        parent[key] = -abs(value) - 1 if isinstance(value, int | float) else -1
    elif op == "flip":
        if isinstance(value, bool):
            parent[key] = str(value).lower()
        elif isinstance(value, int | float):
            parent[key] = str(value)
        elif isinstance(value, str):
            parent[key] = 12345
        else:
            parent[key] = "x"
    elif op == "huge":
        parent[key] = 10**30
    else:  # type: a value of another shape
        parent[key] = [value] if not isinstance(value, list) else {"value": value}
    return mutant


def _allows_zero_for_count(path: tuple[Any, ...], op: str) -> bool:
    named = [step for step in path if isinstance(step, str)]
    return op in ("delete", "null", "unknown") and bool(named) and named[-1] in COUNT_KEYS


def requests_accelerators(tree: Any) -> bool:
    """The independent manifest oracle: an accelerator request with a positive quantity."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if isinstance(key, str) and ACCELERATOR.match(key):
                if value is None:
                    continue
                try:
                    if float(str(value)) <= 0:
                        continue
                except ValueError:
                    pass  # not a number: still a request (an invalid one)
                return True
            if requests_accelerators(value):
                return True
    elif isinstance(tree, list):
        return any(requests_accelerators(item) for item in tree)
    return False


# --------------------------------------------------------------------------- plans

PLAN_SEEDS = (
    "aws_instance.pretrain",
    "aws_sagemaker_endpoint.captioner",
    "aws_autoscaling_group.chat",
)


def _single_gpu_plan(address: str) -> dict[str, Any]:
    """The example plan with one GPU resource left (every non-GPU resource kept)."""
    document: dict[str, Any] = json.loads((REPO / "examples" / "plan.json").read_text())
    gpu = {
        "aws_instance",
        "aws_autoscaling_group",
        "aws_eks_node_group",
        "aws_sagemaker_endpoint",
        "aws_sagemaker_notebook_instance",
        "aws_spot_instance_request",
    }
    document["resource_changes"] = [
        c for c in document["resource_changes"] if c["address"] == address or c["type"] not in gpu
    ]
    return document


@pytest.mark.parametrize("address", PLAN_SEEDS)
def test_a_plan_mutant_never_passes_unless_it_is_free(work: Path, address: str) -> None:
    seed = _single_gpu_plan(address)
    found = [c for c in seed["resource_changes"] if c["address"] == address]
    if not found:
        pytest.skip(f"{address} not in the example plan")
    index = seed["resource_changes"].index(found[0])
    base = work / f"{address}.json"
    base.write_text(json.dumps(seed))
    assert run(base, "--policy", work / "policy.yaml") == 1
    after_paths = sorted(paths(found[0]["change"]["after"]), key=repr)

    @PROPERTY
    @given(st.sampled_from(after_paths), st.sampled_from(OPS))
    def check(path: tuple[Any, ...], op: str) -> None:
        mutant = copy.deepcopy(seed)
        change = mutant["resource_changes"][index]["change"]
        change["after"] = mutate(change["after"], path, op)
        if op == "unknown":
            unknown = change.setdefault("after_unknown", {})
            node = unknown
            for step in path[:-1]:
                if not isinstance(node, dict) or isinstance(step, int):
                    break
                node = node.setdefault(step, {})
            else:
                if isinstance(node, dict) and isinstance(path[-1], str):
                    node[path[-1]] = True
        target = work / "mutant.json"
        target.write_text(json.dumps(mutant))
        code = run(target, "--policy", work / "policy.yaml")
        assert code != 3, f"internal error for {op} at {path}"
        assert code != 0 or _allows_zero_for_count(path, op), f"PASS after {op} at {path}"

    check()


# --------------------------------------------------------------------------- static mode

TF_SEED = """\
provider "aws" {
  region = "us-east-1"
}

resource "aws_launch_template" "gpu" {
  name          = "gpu"
  image_id      = "ami-12345678"
  instance_type = "g5.12xlarge"
}

resource "aws_autoscaling_group" "serve" {
  name               = "serve"
  min_size           = 2
  max_size           = 4
  desired_capacity   = 2
  availability_zones = ["us-east-1a"]
  launch_template {
    id      = aws_launch_template.gpu.id
    version = "$Latest"
  }
  tags = [{ key = "team", value = "ml", propagate_at_launch = true }]
}

resource "aws_instance" "train" {
  ami           = "ami-12345678"
  instance_type = "p5.48xlarge"
  tags = {
    team     = "ml"
    workload = "training"
  }
}
"""
_ATTRIBUTE = re.compile(r"^(\s+)([A-Za-z_][\w-]*)(\s*=\s*)(.+)$")
_TF_VALUES = {
    "null": "null",
    "negative": "-1",
    "flip": '"not-a-number"',
    "huge": "100000000000000000000000000000",
    "type": '["x", 1]',
}


@pytest.mark.parametrize("resource", ["aws_autoscaling_group.serve", "aws_instance.train"])
def test_a_configuration_mutant_never_passes_unless_it_is_free(work: Path, resource: str) -> None:
    kind, name = resource.split(".")
    keep = TF_SEED
    drop = "aws_instance.train" if resource != "aws_instance.train" else "aws_autoscaling_group"
    if drop == "aws_instance.train":
        keep = keep[: keep.index('resource "aws_instance" "train"')]
    else:
        start = keep.index('resource "aws_autoscaling_group"')
        keep = keep[:start] + keep[keep.index('resource "aws_instance"') :]
    folder = work / f"tf-{name}"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(keep)
    assert run(folder, "--policy", work / "policy.yaml") == 1
    lines = keep.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line.startswith(f'resource "{kind}" "{name}"')
    )
    targets = [
        i
        for i in range(start, len(lines))
        if _ATTRIBUTE.match(lines[i]) and not lines[i].strip().startswith("#")
    ]

    @PROPERTY
    @given(st.sampled_from(targets), st.sampled_from(("delete", *_TF_VALUES)))
    def check(line: int, op: str) -> None:
        match = _ATTRIBUTE.match(lines[line])
        assert match is not None
        mutant = list(lines)
        if op == "delete":
            if match.group(4).rstrip().endswith(("{", "[")):
                return  # a multi-line value: deleting one line would not be valid HCL
            del mutant[line]
        else:
            if match.group(4).rstrip().endswith(("{", "[")):
                return
            mutant[line] = match.group(1) + match.group(2) + match.group(3) + _TF_VALUES[op]
        target = work / f"tf-mutant-{name}"
        target.mkdir(exist_ok=True)
        (target / "main.tf").write_text("\n".join(mutant) + "\n")
        code = run(target, "--policy", work / "policy.yaml")
        assert code != 3, f"internal error for {op} of {lines[line].strip()}"
        assert code != 0 or _allows_zero_for_count((match.group(2),), op), (
            f"PASS after {op} of {lines[line].strip()}"
        )

    check()


# --------------------------------------------------------------------------- manifests

JOBSET = """\
apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata: {name: multislice, labels: {workload: training}}
spec:
  replicatedJobs:
  - name: slice
    replicas: 2
    template:
      spec:
        parallelism: 2
        completions: 2
        template:
          spec:
            nodeSelector:
              cloud.google.com/gke-tpu-accelerator: tpu-v5-lite-podslice
              cloud.google.com/gke-tpu-topology: 2x4
            containers:
            - name: jax
              image: python
              command: [python, train.py]
              resources:
                limits:
                  google.com/tpu: 8
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: chat, labels: {team: ml}}
spec:
  replicas: 3
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: g5.12xlarge}
      containers:
      - name: vllm
        image: vllm/vllm-openai
        args: [serve, model]
        resources:
          limits: {nvidia.com/gpu: "4", cpu: "8"}
"""
PYTORCHJOB = """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: bert}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4}
          containers:
          - name: pytorch
            image: pytorch
            resources: {limits: {nvidia.com/gpu: 1}}
"""
DSTACK = """\
type: task
name: train
nodes: 2
commands: [python train.py]
resources:
  gpu: H100:8
"""
MANIFEST_SEEDS = {
    "nimservice.yaml": (FIXTURES / "manifests" / "nim-operator__nimservice.yaml").read_text(),
    "jobset.yaml": JOBSET,
    "deployment.yaml": DEPLOYMENT,
    "pytorchjob.yaml": PYTORCHJOB,
    "task.dstack.yml": DSTACK,
}


@pytest.mark.parametrize("name", sorted(MANIFEST_SEEDS))
def test_a_manifest_mutant_never_passes_unless_it_asks_for_no_accelerator(
    work: Path, name: str
) -> None:
    seed = yaml.safe_load(MANIFEST_SEEDS[name])
    base = work / name
    base.write_text(MANIFEST_SEEDS[name])
    assert run(base, "--policy", work / "policy.yaml") == 1
    all_paths = sorted(paths(seed), key=repr)
    dstack = name.endswith(".dstack.yml")

    @PROPERTY
    @given(st.sampled_from(all_paths), st.sampled_from(OPS))
    def check(path: tuple[Any, ...], op: str) -> None:
        mutant = mutate(seed, path, "null" if op == "unknown" else op)
        target = work / f"mutant-{name}"
        target.write_text(yaml.safe_dump(mutant, sort_keys=False))
        code = run(target, "--policy", work / "policy.yaml")
        assert code != 3, f"internal error for {op} at {path}"
        if code == 0:
            free = not dstack and not requests_accelerators(mutant)
            assert free, f"PASS after {op} at {path} though it still asks for accelerators"

    check()


# --------------------------------------------------------------------------- readers

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
KEYS = st.sampled_from(
    [
        "apiVersion",
        "kind",
        "spec",
        "template",
        "containers",
        "resources",
        "limits",
        "requests",
        "nvidia.com/gpu",
        "google.com/tpu",
        "replicas",
        "parallelism",
        "nodeSelector",
        "metadata",
        "name",
        "labels",
        "resource_changes",
        "format_version",
        "change",
        "after",
        "actions",
        "type",
        "gpu",
        "nodes",
    ]
)
SHAPED = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["1", "-1", "2.5", "8:H200", "H100:8", "v1", "Job", "create", "1e400"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6),
    max_leaves=40,
)


@PROPERTY
@given(st.one_of(JSON, SHAPED), st.sampled_from(["in.json", "in.yaml", "t.dstack.yml"]))
def test_arbitrary_documents_never_crash_the_readers(value: Any, name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if name.endswith(".json"):
            path.write_text(json.dumps(value))
        else:
            text = yaml.safe_dump(value)
            if isinstance(value, dict) and name.endswith(".yaml"):
                text = "apiVersion: v1\nkind: Pod\n" + text  # reach the Kubernetes reader
            path.write_text(text)
        started = time.perf_counter()
        code = run(path)
        assert code in (0, 1, 2)
        assert time.perf_counter() - started < 5


@PROPERTY
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_readers(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.yaml"
        path.write_text(text)
        assert run(path) in (0, 1, 2)
