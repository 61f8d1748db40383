"""Accelerator names, and the machines that carry them on each cloud.

Manifests name accelerators many ways (``nvidia-tesla-t4``, ``NVIDIA_TESLA_T4``, ``T4``,
``Tesla-T4``, ``tpu-v5-lite-podslice``); :func:`canonical` turns them into the names the
price tables use (``T4``, ``A100-80GB``, ``TPU-v5e``).

:data:`NODES` lists, per cloud, the machine types that carry each accelerator, with the
count per machine and the memory per device. It is what aicost uses to turn "one L4 GPU"
into a price when a manifest names a GPU but no machine and no cluster profile says which
node type the cluster uses: the smallest machine that fits the pod (what Karpenter, GKE
node auto-provisioning and the AKS cluster autoscaler pick), priced per accelerator-hour as
the machine's price over its accelerators. The AWS entries are checked against the shipped
EC2 table by the test suite; GCP and Azure entries follow the providers' machine-type
documentation and are priced only where a GCP/Azure price table is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: cloud -> default pricing service for machines on that cloud (the price-table key).
SERVICES: dict[str, str] = {"aws": "ec2", "gcp": "compute", "azure": "vm"}

#: cloud -> region used when neither the manifest nor a cluster profile names one.
DEFAULT_REGIONS: dict[str, str] = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


@dataclass(frozen=True, slots=True)
class Node:
    instance_type: str
    count: float
    memory_gib: float | None = None


def _nodes(memory: float | None, *entries: tuple[str, float]) -> tuple[Node, ...]:
    return tuple(Node(name, count, memory) for name, count in entries)


#: cloud -> accelerator -> machines carrying it, smallest first.
NODES: dict[str, dict[str, tuple[Node, ...]]] = {
    "aws": {
        "T4": _nodes(16, ("g4dn.xlarge", 1), ("g4dn.12xlarge", 4), ("g4dn.metal", 8)),
        "T4G": _nodes(16, ("g5g.xlarge", 1), ("g5g.16xlarge", 2)),
        "A10G": _nodes(24, ("g5.xlarge", 1), ("g5.12xlarge", 4), ("g5.48xlarge", 8)),
        "L4": _nodes(24, ("g6.xlarge", 1), ("g6.12xlarge", 4), ("g6.48xlarge", 8)),
        "L40S": _nodes(48, ("g6e.xlarge", 1), ("g6e.12xlarge", 4), ("g6e.48xlarge", 8)),
        "V100": _nodes(16, ("p3.2xlarge", 1), ("p3.8xlarge", 4), ("p3.16xlarge", 8)),
        "A100": _nodes(40, ("p4d.24xlarge", 8)),
        "A100-80GB": _nodes(80, ("p4de.24xlarge", 8)),
        "H100": _nodes(80, ("p5.4xlarge", 1), ("p5.48xlarge", 8)),
        "H200": _nodes(141, ("p5en.48xlarge", 8)),
        "B200": _nodes(180, ("p6-b200.48xlarge", 8)),
        "Inferentia": _nodes(8, ("inf1.xlarge", 1), ("inf1.6xlarge", 4), ("inf1.24xlarge", 16)),
        "Inferentia2": _nodes(32, ("inf2.xlarge", 1), ("inf2.24xlarge", 6), ("inf2.48xlarge", 12)),
        "Trainium": _nodes(32, ("trn1.2xlarge", 1), ("trn1.32xlarge", 16)),
        "Trainium2": _nodes(96, ("trn2.48xlarge", 16)),
        "M60": _nodes(8, ("g3s.xlarge", 1), ("g3.8xlarge", 2), ("g3.16xlarge", 4)),
        "K80": _nodes(12, ("p2.xlarge", 1), ("p2.8xlarge", 8), ("p2.16xlarge", 16)),
    },
    "gcp": {
        "L4": _nodes(
            24,
            ("g2-standard-4", 1),
            ("g2-standard-24", 2),
            ("g2-standard-48", 4),
            ("g2-standard-96", 8),
        ),
        "A100": _nodes(
            40,
            ("a2-highgpu-1g", 1),
            ("a2-highgpu-2g", 2),
            ("a2-highgpu-4g", 4),
            ("a2-highgpu-8g", 8),
            ("a2-megagpu-16g", 16),
        ),
        "A100-80GB": _nodes(
            80,
            ("a2-ultragpu-1g", 1),
            ("a2-ultragpu-2g", 2),
            ("a2-ultragpu-4g", 4),
            ("a2-ultragpu-8g", 8),
        ),
        "H100": _nodes(
            80,
            ("a3-highgpu-1g", 1),
            ("a3-highgpu-2g", 2),
            ("a3-highgpu-4g", 4),
            ("a3-highgpu-8g", 8),
        ),
        "H100-MEGA": _nodes(80, ("a3-megagpu-8g", 8)),
        "H200": _nodes(141, ("a3-ultragpu-8g", 8)),
        "B200": _nodes(180, ("a4-highgpu-8g", 8)),
        "TPU-v5e": _nodes(
            16, ("ct5lp-hightpu-1t", 1), ("ct5lp-hightpu-4t", 4), ("ct5lp-hightpu-8t", 8)
        ),
        "TPU-v6e": _nodes(
            32, ("ct6e-standard-1t", 1), ("ct6e-standard-4t", 4), ("ct6e-standard-8t", 8)
        ),
        "TPU-v5p": _nodes(95, ("ct5p-hightpu-4t", 4)),
        "TPU-v4": _nodes(32, ("ct4p-hightpu-4t", 4)),
    },
    "azure": {
        "T4": _nodes(
            16,
            ("Standard_NC4as_T4_v3", 1),
            ("Standard_NC64as_T4_v3", 4),
        ),
        "A10": _nodes(24, ("Standard_NV36ads_A10_v5", 1), ("Standard_NV72ads_A10_v5", 2)),
        "V100": _nodes(
            16, ("Standard_NC6s_v3", 1), ("Standard_NC12s_v3", 2), ("Standard_NC24s_v3", 4)
        ),
        "A100": _nodes(40, ("Standard_ND96asr_v4", 8)),
        "A100-80GB": _nodes(
            80,
            ("Standard_NC24ads_A100_v4", 1),
            ("Standard_NC48ads_A100_v4", 2),
            ("Standard_NC96ads_A100_v4", 4),
            ("Standard_ND96amsr_A100_v4", 8),
        ),
        "H100": _nodes(
            94,
            ("Standard_NC40ads_H100_v5", 1),
            ("Standard_NC80adis_H100_v5", 2),
            ("Standard_ND96isr_H100_v5", 8),
        ),
        "H200": _nodes(141, ("Standard_ND96isr_H200_v5", 8)),
        "MI300X": _nodes(192, ("Standard_ND96isr_MI300X_v5", 8)),
    },
}

#: Accelerators ordered from the cheapest to the dearest per device-hour (AWS us-east-1
#: on-demand, 2026), used when a manifest asks for "any GPU" or "a GPU with >= N GB".
CHEAPEST_FIRST: tuple[str, ...] = (
    "T4",
    "L4",
    "A10G",
    "A10",
    "L40S",
    "V100",
    "A100",
    "A100-80GB",
    "H100",
    "H200",
    "B200",
)

_KINDS: dict[str, str] = {
    "TPU": "tpu",
    "Inferentia": "neuron",
    "Inferentia2": "neuron",
    "Trainium": "neuron",
    "Trainium2": "neuron",
    "Gaudi": "hpu",
}

_ALIASES: dict[str, str] = {
    "t4": "T4",
    "teslat4": "T4",
    "nvidiateslat4": "T4",
    "nvidiat4": "T4",
    "t4g": "T4G",
    "l4": "L4",
    "nvidial4": "L4",
    "a10g": "A10G",
    "nvidiaa10g": "A10G",
    "a10": "A10",
    "nvidiaa10": "A10",
    "l40s": "L40S",
    "nvidial40s": "L40S",
    "l40": "L40",
    "v100": "V100",
    "teslav100": "V100",
    "nvidiateslav100": "V100",
    "p100": "P100",
    "nvidiateslap100": "P100",
    "p4": "P4",
    "nvidiateslap4": "P4",
    "k80": "K80",
    "nvidiateslak80": "K80",
    "m60": "M60",
    "a100": "A100",
    "a10040gb": "A100",
    "nvidiateslaa100": "A100",
    "nvidiaa100": "A100",
    "a100sxm440gb": "A100",
    "a10080gb": "A100-80GB",
    "nvidiaa10080gb": "A100-80GB",
    "a100sxm480gb": "A100-80GB",
    "h100": "H100",
    "h10080gb": "H100",
    "nvidiah10080gb": "H100",
    "nvidiah100": "H100",
    "h100sxm580gb": "H100",
    "h100nvl": "H100",
    "h100mega": "H100-MEGA",
    "h100mega80gb": "H100-MEGA",
    "nvidiah100mega80gb": "H100-MEGA",
    "h200": "H200",
    "h200141gb": "H200",
    "nvidiah200141gb": "H200",
    "b200": "B200",
    "nvidiab200": "B200",
    "gb200": "GB200",
    "mi300x": "MI300X",
    "mi250": "MI250",
    "inferentia": "Inferentia",
    "inferentia1": "Inferentia",
    "inferentia2": "Inferentia2",
    "inf1": "Inferentia",
    "inf2": "Inferentia2",
    "trainium": "Trainium",
    "trainium1": "Trainium",
    "trainium2": "Trainium2",
    "trn1": "Trainium",
    "trn2": "Trainium2",
    "gaudi": "Gaudi",
}


def canonical(name: str | None) -> str | None:
    """The canonical accelerator name, or the input cleaned up when it is not known."""
    if not name:
        return None
    raw = str(name).strip()
    lowered = raw.lower()
    if lowered.startswith(("tpu", "v2-", "v3-", "v4-", "v5", "v6")) or "tpu" in lowered:
        tpu = tpu_generation(lowered)
        if tpu:
            return tpu
    key = re.sub(r"[^a-z0-9]", "", lowered.replace("nvidia_", "nvidia").replace("tesla_", "tesla"))
    if key in _ALIASES:
        return _ALIASES[key]
    for prefix in ("nvidia", "tesla", "nvidiatesla", "amd", "geforce"):
        if key.startswith(prefix) and key[len(prefix) :] in _ALIASES:
            return _ALIASES[key[len(prefix) :]]
    return raw


def tpu_generation(text: str) -> str | None:
    """``tpu-v5-lite-podslice`` -> ``TPU-v5e``; ``tpu-v6e-slice`` -> ``TPU-v6e``."""
    lowered = text.lower().strip()
    lowered = lowered.removeprefix("tpu").strip("-_ ")
    if "lite" in lowered and lowered.startswith("v5"):
        return "TPU-v5e"
    match = re.match(r"^(v\d+[a-z]?)", lowered)
    if not match:
        return None
    generation = match.group(1)
    return f"TPU-{generation}"


def tpu_chips(name: str) -> float | None:
    """Chips in a TPU slice name: ``tpu-v2-8`` (cores: 4 chips), ``v5litepod-8`` (8 chips)."""
    match = re.search(r"-(\d+)$", name.strip())
    generation = tpu_generation(name)
    if not match or not generation:
        return None
    size = float(match.group(1))
    if generation in ("TPU-v5e", "TPU-v6e"):
        return size
    return size / 2  # v2, v3, v4 and v5p slices are named by TensorCores, two per chip


def kind_of(name: str | None) -> str:
    if not name:
        return "gpu"
    if name.startswith("TPU"):
        return "tpu"
    return _KINDS.get(name, "gpu")


def vendor_of(name: str | None) -> str | None:
    if not name:
        return None
    if name.startswith("TPU"):
        return "google"
    if name.startswith("MI"):
        return "amd"
    if name.startswith(("Inferentia", "Trainium")):
        return "aws"
    if name == "Gaudi":
        return "habana"
    return "nvidia"


def nodes_for(cloud: str, accelerator: str) -> tuple[Node, ...]:
    return NODES.get(cloud, {}).get(accelerator, ())


def find_node(cloud: str, instance_type: str) -> tuple[str, Node] | None:
    """The accelerator and node entry of a known machine type on *cloud*."""
    wanted = instance_type.lower()
    for accelerator, nodes in NODES.get(cloud, {}).items():
        for node in nodes:
            if node.instance_type.lower() == wanted:
                return accelerator, node
    return None


def cloud_of_instance(instance_type: str) -> str | None:
    """Which cloud an instance/machine type belongs to, from its shape."""
    name = instance_type.strip()
    if name.lower().startswith("standard_") or name.lower().startswith("basic_"):
        return "azure"
    if re.match(r"^(ml\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+$", name):
        return "aws"
    if re.match(r"^[a-z][a-z0-9]*-[a-z0-9]+(-[a-z0-9]+)*$", name):
        return "gcp"
    return None


_AWS_ACCELERATED = re.compile(
    r"^(ml\.)?(p\d+[a-z]*|g\d+[a-z]*|gr\d+|inf\d+|trn\d+[a-z]*|dl\d+[a-z]*|f\d+|vt\d+)(-[a-z0-9]+)?\."
)


def accelerated_shape(cloud: str, instance_type: str) -> bool:
    """Whether a machine type's family carries accelerators (for types no table knows)."""
    name = instance_type.strip().lower()
    if cloud == "aws":
        return _AWS_ACCELERATED.match(name) is not None
    if cloud == "gcp":
        return name.startswith(("a2-", "a3-", "a4-", "g2-", "g4-", "ct", "tpu"))
    if cloud == "azure":
        return name.startswith("standard_n")
    return False
