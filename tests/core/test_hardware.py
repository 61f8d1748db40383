"""The built-in machine list agrees with the shipped price tables, and names are normalised."""

from __future__ import annotations

import json

from aicost.core.hardware import NODES, canonical, tpu_chips
from aicost.sources.cron import runs_per_month
from tests.conftest import REPO


def test_aws_nodes_match_the_ec2_table() -> None:
    table = json.loads((REPO / "pricing" / "aws" / "ec2.json").read_text())
    for accelerator, nodes in NODES["aws"].items():
        for node in nodes:
            spec = table["instances"][node.instance_type]["accelerator"]
            assert canonical(spec["name"]) == accelerator, node.instance_type
            assert spec["count"] == node.count, node.instance_type


def test_accelerator_spellings() -> None:
    for spelling, name in (
        ("nvidia-tesla-t4", "T4"),
        ("NVIDIA_TESLA_T4", "T4"),
        ("Tesla-T4", "T4"),
        ("nvidia-l4", "L4"),
        ("nvidia-a100-80gb", "A100-80GB"),
        ("NVIDIA-A100-SXM4-80GB", "A100-80GB"),
        ("nvidia-h100-80gb", "H100"),
        ("a10g", "A10G"),
        ("tpu-v5-lite-podslice", "TPU-v5e"),
        ("v5litepod-8", "TPU-v5e"),
        ("tpu-v6e-slice", "TPU-v6e"),
        ("tpu-v2-8", "TPU-v2"),
    ):
        assert canonical(spelling) == name, spelling
    assert tpu_chips("tpu-v2-8") == 4 and tpu_chips("v5litepod-8") == 8


def test_cron_schedules() -> None:
    assert runs_per_month("@hourly") == 730
    assert runs_per_month("0 0 * * 1-5") == runs_per_month("0 0 * * mon-fri")
    assert runs_per_month("0 0 1 * *") == 1
    assert runs_per_month("not a schedule") is None
