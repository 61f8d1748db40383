"""A workload reads the same in every format: table, Markdown, JUnit and SARIF describe it
through the same view helpers (:func:`aicost.report.view.workload_cells`).

One case per workload kind: a GPU VM, a node pool, a manifest job, an LLM API usage file
and a Terraform LLM deployment (the last two used to read ``unknown, 0 nodes`` in the
Markdown comment while the table said ``azure/gpt-4o``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from aicost import report
from aicost.document.build import build
from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import load_policy
from aicost.report import RenderOptions
from aicost.report import view as v
from aicost.report.markdown import code, escape
from tests.conftest import FIXTURES, REPO, plan

KINDS = {
    "gpu-vm": (plan("aws_compliant"), "aws_instance"),
    "node-pool": (plan("gcp_mixed"), "google_container_node_pool"),
    "manifest-job": (FIXTURES / "manifests" / "sky-task.yaml", None),
    "llm-api": (REPO / "examples" / "aicost-llm.yaml", None),
    "terraform-llm": (plan("llm_azure_gcp"), "azurerm_cognitive_deployment"),
}
OPTIONS = RenderOptions(max_rows=0, width=400)


def _check(path: Path) -> CheckResult:
    return run_check([path], load_policy(REPO / "policies" / "default.yaml"))


def _resources(result: CheckResult, resource_type: str | None) -> list[Mapping[str, Any]]:
    found = [
        r
        for r in v.resources(build(result))
        if resource_type is None or r.get("resource_type") == resource_type
    ]
    assert found, "the fixture has a workload of this kind"
    return found


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_workload_reads_the_same_in_every_format(kind: str) -> None:
    path, resource_type = KINDS[kind]
    result = _check(path)
    table = report.get("table").render(result, OPTIONS)
    markdown = report.get("markdown").render(result, OPTIONS)
    junit = ET.fromstring(report.get("junit").render(result, OPTIONS))
    sarif = json.loads(report.get("sarif").render(result, OPTIONS))
    said: dict[str | None, list[str]] = {}
    for case in junit.iter("testcase"):
        out = case.find("system-out")
        said.setdefault(case.get("name"), []).append(out.text or "" if out is not None else "")
    located = {
        loc["fullyQualifiedName"]
        for run in sarif["runs"]
        for found in run["results"]
        for loc in found.get("locations", [{}])[0].get("logicalLocations", [])
    }
    for resource in _resources(result, resource_type):
        cells = v.workload_cells(resource)
        label, change, _class, hardware, _gpus, nodes, _purchase = cells
        if kind in ("llm-api", "terraform-llm"):
            assert "/" in hardware and hardware != "unknown"
            assert nodes == "-"
        # table: one row with exactly these cells
        rows = [
            [cell.strip() for cell in line.split("│")[1:-1]]
            for line in table.splitlines()
            if line.startswith("│")
        ]
        assert cells in [row[: len(cells)] for row in rows]
        # markdown: the same cells, escaped
        expected = "| " + " | ".join([code(label), *(escape(c) for c in cells[1:])]) + " |"
        assert any(line.startswith(expected) for line in markdown.splitlines())
        # junit: the test case says the same change and hardware
        assert any(text.startswith(f"{change}: {hardware},") for text in said[label])
        # sarif names the workload the same way wherever a finding is about it
        addresses = {f.address for f in result.findings if f.address == resource["address"]}
        if addresses and not resource.get("component"):
            assert label in located
