"""``--format junit``: JUnit XML for CI test reporters (GitLab, Jenkins, Azure DevOps...).

One test suite per project (a plan or a root module) with one test case per AI workload:
it fails when a policy rule of severity ``error`` flags it (the message lists every rule),
and is skipped when it cannot be priced and nothing flags it. Warnings and notes go to the
case's ``system-out``. Findings about many workloads at once (budgets) form a last suite,
``aicost policy``. Waived findings do not fail a case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from aicost.core.projects import project_key
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build

    return render_document(build(result), options)


#: Control characters XML 1.0 cannot hold, even escaped (tab, newline and return it can).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: Any) -> str:
    """XML 1.0 cannot hold control characters, even escaped."""
    return _CONTROL.sub("", str(text))


def render_document(document: Mapping[str, Any], options: RenderOptions) -> str:
    document = inert.tree(document)  # input strings: control characters made visible
    by_resource, aggregate = _split_findings(document)

    root = ET.Element("testsuites", name="aicost")
    suites: dict[str, ET.Element] = {}
    for resource in v.resources(document):
        project = str(resource.get("project") or "aicost")
        suite = suites.get(project)
        if suite is None:
            suite = suites[project] = ET.SubElement(root, "testsuite", name=_clean(project))
        key = _key(resource)
        _case(suite, project, resource, by_resource.get(key, []))
    if aggregate:
        suite = ET.SubElement(root, "testsuite", name="aicost policy")
        for found in aggregate:
            case = ET.SubElement(
                suite, "testcase", classname="aicost policy", name=_clean(found.get("address"))
            )
            _outcome(case, [found])
    warnings = [str(w) for w in document.get("warnings") or ()]
    if warnings and len(root):
        # Warnings are not test cases: they go to the first suite's system-err.
        ET.SubElement(root[0], "system-err").text = _clean("\n".join(warnings))
    _totals(root)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _split_findings(
    document: Mapping[str, Any],
) -> tuple[dict[tuple[Any, str, Any], list[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """Findings by the resource they are on, and those on no resource (budgets)."""
    by_resource: dict[tuple[Any, str, Any], list[Mapping[str, Any]]] = {}
    aggregate: list[Mapping[str, Any]] = []
    keys = {_key(r) for r in v.resources(document)}  # as findings name them (project_key)
    for found in v.findings(document):
        key = (found.get("project"), str(found.get("address")), found.get("component"))
        if key in keys:
            by_resource.setdefault(key, []).append(found)
        else:
            aggregate.append(found)
    return by_resource, aggregate


def _totals(root: ET.Element) -> None:
    """Each suite's and the whole report's counts (and durations, all 0)."""
    for suite in root:
        cases = [c for c in suite if c.tag == "testcase"]
        for case in cases:
            # JUnit consumers (GitLab, Jenkins, test reporters) expect a duration: pricing
            # is not timed per resource, so each case reports 0 seconds.
            case.set("time", "0")
        suite.set("time", "0")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
        suite.set("errors", "0")
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
    root.set("skipped", str(sum(int(s.get("skipped", "0")) for s in root)))
    root.set("errors", "0")


def _key(resource: Mapping[str, Any]) -> tuple[Any, str, Any]:
    return (
        project_key(str(resource.get("project") or "")),
        str(resource.get("address")),
        resource.get("component"),
    )


def _case(
    suite: ET.Element,
    project: str,
    resource: Mapping[str, Any],
    found: list[Mapping[str, Any]],
) -> None:
    case = ET.SubElement(
        suite, "testcase", classname=_clean(project), name=_clean(v.label(resource))
    )
    source = resource.get("source") if isinstance(resource.get("source"), dict) else {}
    if isinstance(source, dict) and source.get("line"):
        case.set("file", _clean(v.repo_path(str(source.get("path"))) or source.get("path")))
        case.set("line", str(source["line"]))
    if not _outcome(case, found) and not resource.get("priced"):
        ET.SubElement(
            case, "skipped", message=_clean(f"unpriced: {resource.get('unpriced_reason')}")
        )
    details = [
        f"{v.change(resource)}: {v.hardware(v.current(resource))}, "
        f"{v.amount(resource.get('monthly_cost'))}/month "
        f"({v.amount(resource.get('delta_monthly_cost'), signed=True)})"
    ]
    out = ET.SubElement(case, "system-out")
    notes = [
        f"{f.get('severity')}: {f.get('rule')}: {f.get('message')}"
        for f in found
        if f.get("severity") != "error" or v.waived(f)
    ]
    out.text = _clean("\n".join(details + notes))


def _outcome(case: ET.Element, found: list[Mapping[str, Any]]) -> bool:
    """Add a failure for the active errors; True when the case failed."""
    errors = [f for f in found if f.get("severity") == "error" and not v.waived(f)]
    if not errors:
        return False
    failure = ET.SubElement(
        case,
        "failure",
        message=_clean("; ".join(f"{f.get('rule')}: {f.get('message')}" for f in errors)),
        type=_clean(",".join(str(f.get("type")) for f in errors)),
    )
    failure.text = _clean(
        "\n".join(
            f"{f.get('rule')} ({f.get('type')}): {f.get('message')}\n  fix: {f.get('remediation')}"
            for f in errors
        )
    )
    return True
