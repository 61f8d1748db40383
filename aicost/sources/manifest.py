"""What every ML-manifest reader produces, and the helpers they share.

A manifest reader (Kubernetes workloads and CRDs, SkyPilot, dstack, SageMaker, Vertex AI,
Azure ML) turns each object it finds into a :class:`Spec`: what the object is (kind, name,
labels, run time, class hints) and its homogeneous groups of pods or machines
(:class:`Group`: accelerator type and count per unit, units, min/max, instance types named,
node pool, spot). The spec travels in a :class:`~aicost.core.model.ResourceChange` (provider
``manifest``) to :mod:`aicost.mappers.manifest`, which maps accelerators to machines and
prices them, so every format shares one "from pods to money" path.

Addresses name the file, kind and object: ``jobs/train.yaml:PyTorchJob/bert``; each group
is a component (``Worker``, ``gpu-group``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from aicost.core.model import Action, ResourceChange, SourceRef, WorkloadClass
from aicost.sources.base import Inventory

PROVIDER = "manifest"


@dataclass(frozen=True, slots=True)
class Group:
    """A homogeneous group of units (pods, nodes, instances, replicas) of one object."""

    name: str | None
    units: int
    #: Accelerators per unit (GPUs, TPU chips, Neuron devices); 0 when none are requested.
    accel_count: float = 0
    #: Canonical accelerator name (``T4``, ``A100-80GB``, ``TPU-v5e``), when the manifest says.
    accel_name: str | None = None
    #: Where the accelerator name came from (a node selector, an instance type...).
    accel_reason: str = ""
    #: gpu, tpu, neuron, hpu (from the resource name when the accelerator is not named).
    accel_kind: str = "gpu"
    #: What the device is when the manifest does not name its model (``TPU (generation not
    #: named)``, ``AWS Neuron device ...``, ``MIG 1g.10gb slice``).
    device: str | None = None
    #: Node labels the units require (``key=value``), for cluster profiles' ``node_labels``.
    selectors: tuple[str, ...] = ()
    #: Where the count came from: ``nvidia.com/gpu`` limit, ``resources.accelerators``...
    count_reason: str = ""
    #: Minimum memory per accelerator asked for (dstack ``24GB``), when no name is given.
    accel_memory_gib: float | None = None
    #: The units may run accelerators the manifest does not state (a dstack task on a fleet).
    accel_unknown: bool = False
    #: The manifest asks for any accelerator (dstack ``gpu: 1``): the cheapest one is assumed.
    any_accelerator: bool = False
    min_units: int | None = None
    max_units: int | None = None
    #: Machine types the manifest names (node selector, ``instance_type``); first preferred.
    instance_types: tuple[str, ...] = ()
    #: A node pool or compute cluster the manifest names (Karpenter NodePool, Azure ML compute).
    node_pool: str | None = None
    cloud: str | None = None
    cloud_reason: str = ""
    region: str | None = None
    #: True: spot/preemptible capacity; False: explicitly on-demand; None: the manifest is silent.
    spot: bool | None = None
    spot_reason: str = ""
    #: One unit is one whole machine (SkyPilot, dstack, SageMaker, Azure ML, Vertex), not a pod
    #: that may share a larger node.
    whole_node: bool = False
    line: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Spec:
    """One object of a manifest (a Job, a RayService, a SkyPilot task...)."""

    kind: str
    name: str
    resource_type: str
    groups: tuple[Group, ...]
    line: int | None = None
    cloud: str | None = None
    cloud_reason: str = ""
    region: str | None = None
    #: Pricing service on the cloud when it is not plain machines (``sagemaker``, ``vertex``).
    service: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    #: The kind alone decides the class (a PyTorchJob trains, an InferenceService serves).
    kind_class: WorkloadClass | None = None
    #: The class when nothing else says (a Job is batch work), and why.
    default_class: WorkloadClass = WorkloadClass.UNKNOWN
    kind_reason: str = ""
    #: A class suggested by the command or entrypoint (``torchrun`` trains), and why.
    hint_class: WorkloadClass | None = None
    hint_reason: str = ""
    #: Hours one run takes at most (a job's deadline or max runtime), and where it came from.
    run_hours: Decimal | None = None
    run_reason: str = ""
    runs_per_month: Decimal | None = None
    runs_reason: str = ""
    #: Retries the object declares for a failed run (``runPolicy.backoffLimit``,
    #: ``backoffLimit``, Volcano ``maxRetry``), and where that came from.
    retries: int | None = None
    retries_reason: str = ""
    #: A cluster profile the manifest names (label ``aicost/cluster``).
    cluster: str | None = None
    notes: tuple[str, ...] = ()


class ManifestInventory(Inventory):
    """An inventory of manifest objects (no references to follow)."""


def inventory(
    path: str, kind: str, specs: Iterable[Spec], warnings: Sequence[str] = ()
) -> Inventory:
    """An :class:`Inventory` with one resource change per spec, addressed by file, kind and name."""
    changes: list[ResourceChange] = []
    seen: dict[str, int] = {}
    for spec in specs:
        address = f"{path}:{spec.kind}/{spec.name}"
        seen[address] = seen.get(address, 0) + 1
        if seen[address] > 1:
            address += f"[{seen[address] - 1}]"
        changes.append(
            ResourceChange(
                address=address,
                type=spec.resource_type,
                name=spec.name,
                provider=PROVIDER,
                action=Action.CREATE,
                source=SourceRef(path=path, kind=kind, line=spec.line),
                after={"spec": spec},
                project=path,
            )
        )
    return ManifestInventory(path=path, kind=kind, changes=changes, warnings=list(warnings))


# --------------------------------------------------------------------------- value helpers


def get(tree: Any, *path: str | int) -> Any:
    """Follow *path* through mappings and lists; None when any step is missing."""
    node = tree
    for step in path:
        if isinstance(step, int):
            if isinstance(node, list) and -len(node) <= step < len(node):
                node = node[step]
            else:
                return None
        elif type(node) is dict or isinstance(node, Mapping):  # dict: no ABC check
            node = node.get(step)
        else:
            return None
        if node is None:
            return None
    return node


def get_ci(tree: Any, *path: str) -> Any:
    """Like :func:`get`, with keys matched case-insensitively (``ResourceConfig``)."""
    node = tree
    for step in path:
        if not isinstance(node, Mapping):
            return None
        if step in node:
            node = node[step]
            continue
        wanted = step.lower().replace("_", "")
        for key, value in node.items():
            if str(key).lower().replace("_", "") == wanted:
                node = value
                break
        else:
            return None
        if node is None:
            return None
    return node


def mapping(value: Any) -> Mapping[str, Any]:
    return value if type(value) is dict or isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str | None:
    if type(value) is str:  # the common case, answered without the ABC check below
        return value
    if value is None or isinstance(value, Mapping | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def labels(value: Any) -> dict[str, str]:
    """A flat str -> str map from a labels/tags mapping or a ``[{Key, Value}]`` list."""
    found: dict[str, str] = {}
    if value is None:  # no labels (or annotations): answered without the ABC check below
        return found
    if type(value) is dict or isinstance(value, Mapping):
        for key, item in value.items():
            scalar = text(item)
            if scalar is not None:
                found[str(key)] = scalar
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping):
                key = text(get_ci(item, "Key"))
                scalar = text(get_ci(item, "Value"))
                if key is not None and scalar is not None:
                    found[key] = scalar
    return found


_QUANTITY = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(m|k|Ki|M|Mi|G|Gi)?\s*$")
_SUFFIX = {
    None: Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(1000),
    "Ki": Decimal(1024),
    "M": Decimal(10**6),
    "Mi": Decimal(2**20),
    "G": Decimal(10**9),
    "Gi": Decimal(2**30),
}


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity or count given as an int, a float or a string (``"1"``, ``2``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            found = float(value)
        except OverflowError:
            return None
        return found if math.isfinite(found) else None
    raw = str(value)
    if len(raw) > 64:
        return None
    match = _QUANTITY.match(raw)
    if not match:
        return None
    found = float(Decimal(match.group(1)) * _SUFFIX[match.group(2)])
    return found if math.isfinite(found) else None


def integer(value: Any, default: int | None = None) -> int | None:
    found = quantity(value)
    return int(found) if found is not None else default


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS: dict[str, Decimal] = {
    "ms": Decimal("0.001"),
    "s": Decimal(1),
    "m": Decimal(60),
    "h": Decimal(3600),
    "d": Decimal(86400),
    "w": Decimal(604800),
}


#: Durations past this (about 3,000 years) are not a job's run time: ignored.
_MAX_SECONDS = Decimal(10**11)


def seconds(value: Any) -> Decimal | None:
    """Seconds in ``3600``, ``"7200s"``, ``"2h"``, ``"1d"``, ``"1h30m"``; None for ``off``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
        return number if 0 < number < _MAX_SECONDS else None
    raw = str(value).strip().lower()
    if len(raw) > 64:
        return None
    if not raw or raw in {"off", "none", "null", "-1"}:
        return None
    try:
        parsed: Decimal | None = Decimal(raw)
    except InvalidOperation:
        parsed = None
    if parsed is not None:
        return parsed if parsed.is_finite() and 0 < parsed < _MAX_SECONDS else None
    parts = _DURATION.findall(raw)
    if not parts or _DURATION.sub("", raw).strip():
        return None
    total = sum((Decimal(n) * _UNIT_SECONDS[u] for n, u in parts), Decimal(0))
    return total if 0 < total < _MAX_SECONDS else None


def hours(value: Any) -> Decimal | None:
    found = seconds(value)
    return None if found is None else found / Decimal(3600)


# --------------------------------------------------------------------------- sniffing

#: A key at the start of a line, searched in ``"\n" + text``: the same matches as
#: ``^([A-Za-z_$][\w$./-]*)\s*:`` with re.MULTILINE, three times faster (a pattern that
#: starts with a literal is searched for that character; ``^`` is tried at every position).
_TOP_KEY = re.compile(r"\n([A-Za-z_$][\w$./-]*)\s*:")
_JSON_KEY = re.compile(r'"([A-Za-z_$][\w$./-]*)"\s*:')


# Every manifest reader sniffs the same head of a file, in turn: what they derive from it is
# remembered for the last few heads.


@functools.lru_cache(maxsize=4)
def head_text(head: bytes) -> str:
    sample = head.replace(b"\x00", b"")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = sample[2:]
    return sample.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")


@functools.lru_cache(maxsize=4)
def top_keys(head: bytes) -> frozenset[str]:
    """Keys at the start of a line (YAML top level) or anywhere as JSON keys, in *head*."""
    sample = head_text(head)
    found = set(_TOP_KEY.findall("\n" + sample))
    if sample.lstrip().startswith("{"):
        found |= set(_JSON_KEY.findall(sample))
    return frozenset(found)


@functools.lru_cache(maxsize=4)
def is_terraform_plan(head: bytes) -> bool:
    sample = head_text(head)
    return '"format_version"' in sample or '"resource_changes"' in sample


# --------------------------------------------------------------------------- class hints

_TRAINING_WORDS = re.compile(
    r"(\btrain\w*|\btorchrun\b|torch\.distributed|\bdeepspeed\b|\bfine[-_]?tun\w*|"
    r"\bfinetun\w*|--do_train|epochs?\b|learning[_-]rate|\bpretrain\w*|horovod|\bsft\b)",
    re.IGNORECASE,
)
_SERVING_WORDS = re.compile(
    r"(vllm\s+serve|api_server|\bserve\b|text-generation-launcher|\btgi\b|tritonserver|"
    r"\bsglang\b|jetstream)",
    re.IGNORECASE,
)
_BATCH_WORDS = re.compile(r"(batch[-_ ]?inference|batch[-_ ]?predict|\binference\b)", re.I)


#: Characters of commands searched for a class hint (the words are at the start).
_HINT_CHARS = 64 * 1024


def command_hint(
    commands: Iterable[str], *, serving: WorkloadClass = WorkloadClass.INFERENCE
) -> tuple[WorkloadClass, str] | None:
    """The workload class a command suggests, with the words that suggested it."""
    joined = "\n".join(c[:_HINT_CHARS] for c in commands if c)[:_HINT_CHARS]
    if not joined:
        return None
    for pattern, found in (
        (_TRAINING_WORDS, WorkloadClass.TRAINING),
        (_SERVING_WORDS, serving),
        (_BATCH_WORDS, WorkloadClass.BATCH),
    ):
        match = pattern.search(joined)
        if match:
            return found, f"command mentions '{match.group(0).strip()}'"
    return None


def strings(value: Any) -> list[str]:
    """All strings in a command/args value (a string or a list of strings)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


CLUSTER_LABELS = ("aicost/cluster", "aicost.io/cluster", "aicost:cluster", "aicost-cluster")


def cluster_label(found: Mapping[str, str]) -> str | None:
    for key in CLUSTER_LABELS:
        if found.get(key):
            return found[key]
    return None
