"""``--format junit``: JUnit XML for CI test reporters (GitLab, Jenkins, Azure DevOps...).

One test suite per project (a plan or a root module) with one test case per AI workload:
it fails when a policy rule of severity ``error`` flags it (the message lists every rule),
and is skipped when it cannot be priced and nothing flags it. Warnings and notes go to the
case's ``system-out``. Findings about many workloads at once (budgets) form a last suite,
``aicost policy``. Waived findings do not fail a case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from aicost.core.projects import project_key
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build

    # Each workload's brief record: the fields render_document reads, not the whole record.
    return render_document(build(result, brief=True), options)


#: Control characters XML 1.0 cannot hold, even escaped (tab, newline and return it can).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: Any) -> str:
    """XML 1.0 cannot hold control characters, even escaped."""
    return _CONTROL.sub("", str(text))


def render_document(document: Mapping[str, Any], options: RenderOptions) -> str:
    document = inert.tree(document)  # input strings: control characters made visible
    by_resource, aggregate = _split_findings(document)

    suites: list[tuple[str, list[_Case]]] = []
    by_project: dict[str, list[_Case]] = {}
    where = v.repo_paths()
    for resource in v.resources(document):
        project = str(resource.get("project") or "aicost")
        cases = by_project.get(project)
        if cases is None:
            cases = by_project[project] = []
            suites.append((_clean(project), cases))
        cases.append(_case(project, resource, by_resource.get(_key(resource), []), where))
    if aggregate:
        policy_cases = []
        for found in aggregate:
            case = _Case([("classname", "aicost policy"), ("name", _clean(found.get("address")))])
            _outcome(case, [found])
            policy_cases.append(case)
        suites.append(("aicost policy", policy_cases))
    warnings = [str(w) for w in document.get("warnings") or ()]
    # Warnings are not test cases: they go to the first suite's system-err.
    system_err = _clean("\n".join(warnings)) if warnings and suites else None
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _xml(suites, system_err) + "\n"


#: An attribute, or an element without children: (tag, attributes, text).
_Attributes = list[tuple[str, str]]
_Leaf = tuple[str, _Attributes, str | None]


class _Case:
    """A ``testcase``: its attributes and its children (failure or skipped, system-out)."""

    __slots__ = ("attributes", "children", "failed", "skipped")

    def __init__(self, attributes: _Attributes) -> None:
        self.attributes = attributes
        self.children: list[_Leaf] = []
        self.failed = False
        self.skipped = False


def _xml(suites: list[tuple[str, list[_Case]]], system_err: str | None) -> str:
    """The ``testsuites`` element, laid out as ``ET.indent`` and ``ET.tostring`` did: two
    spaces per level, ``" />"`` for an element without text or children, attributes in the
    order they were set (each case and suite reports 0 seconds: pricing is not timed per
    resource, and JUnit consumers expect a duration)."""
    totals = [0, 0, 0]
    parts: list[str] = []
    for index, (name, cases) in enumerate(suites):
        failures = sum(1 for c in cases if c.failed)
        skipped = sum(1 for c in cases if c.skipped)
        totals[0] += len(cases)
        totals[1] += failures
        totals[2] += skipped
        attributes = [("name", name), ("time", "0"), ("tests", str(len(cases)))]
        attributes += [("failures", str(failures)), ("skipped", str(skipped)), ("errors", "0")]
        children = [_case_xml(case) for case in cases]
        if index == 0 and system_err is not None:
            children.append(_leaf(("system-err", [], system_err)))
        tail = "\n  " if index < len(suites) - 1 else "\n"
        parts.append(
            _open("testsuite", attributes) + "\n    " + "\n    ".join(children)
            + "\n  </testsuite>" + tail
        )  # fmt: skip
    root = [("name", "aicost"), ("tests", str(totals[0])), ("failures", str(totals[1]))]
    root += [("skipped", str(totals[2])), ("errors", "0")]
    if not parts:
        return _leaf(("testsuites", root, None))
    return _open("testsuites", root) + "\n  " + "".join(parts) + "</testsuites>"


def _case_xml(case: _Case) -> str:
    attributes = [*case.attributes, ("time", "0")]
    if not case.children:
        return _leaf(("testcase", attributes, None))
    inner = "\n      ".join(_leaf(child) for child in case.children)
    return _open("testcase", attributes) + "\n      " + inner + "\n    </testcase>"


def _open(tag: str, attributes: _Attributes) -> str:
    return "<" + tag + "".join(f' {key}="{_attribute(value)}"' for key, value in attributes) + ">"


def _leaf(leaf: _Leaf) -> str:
    tag, attributes, text = leaf
    head = "<" + tag + "".join(f' {key}="{_attribute(value)}"' for key, value in attributes)
    if not text:
        return head + " />"
    return f"{head}>{_text(text)}</{tag}>"


def _text(text: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attribute(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (line breaks and tabs as
    character references, so that they survive attribute normalisation)."""
    text = _text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


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


def _key(resource: Mapping[str, Any]) -> tuple[Any, str, Any]:
    return (
        project_key(str(resource.get("project") or "")),
        str(resource.get("address")),
        resource.get("component"),
    )


def _case(
    project: str,
    resource: Mapping[str, Any],
    found: list[Mapping[str, Any]],
    where: Callable[[str | None], str | None] = v.repo_path,
) -> _Case:
    case = _Case([("classname", _clean(project)), ("name", _clean(v.label(resource)))])
    source = resource.get("source") if isinstance(resource.get("source"), dict) else {}
    if isinstance(source, dict) and source.get("line"):
        path = where(str(source.get("path"))) or source.get("path")
        case.attributes += [("file", _clean(path)), ("line", str(source["line"]))]
    if not _outcome(case, found) and not resource.get("priced"):
        message = _clean(f"unpriced: {resource.get('unpriced_reason')}")
        case.children.append(("skipped", [("message", message)], None))
        case.skipped = True
    details = [
        f"{v.change(resource)}: {v.hardware(v.current(resource))}, "
        f"{v.amount(resource.get('monthly_cost'))}/month "
        f"({v.amount(resource.get('delta_monthly_cost'), signed=True)})"
    ]
    notes = [
        f"{f.get('severity')}: {f.get('rule')}: {f.get('message')}"
        for f in found
        if f.get("severity") != "error" or v.waived(f)
    ]
    case.children.append(("system-out", [], _clean("\n".join(details + notes))))
    return case


def _outcome(case: _Case, found: list[Mapping[str, Any]]) -> bool:
    """Add a failure for the active errors; True when the case failed."""
    errors = [f for f in found if f.get("severity") == "error" and not v.waived(f)]
    if not errors:
        return False
    message = _clean("; ".join(f"{f.get('rule')}: {f.get('message')}" for f in errors))
    kinds = _clean(",".join(str(f.get("type")) for f in errors))
    text = _clean(
        "\n".join(
            f"{f.get('rule')} ({f.get('type')}): {f.get('message')}\n  fix: {f.get('remediation')}"
            for f in errors
        )
    )
    case.children.append(("failure", [("message", message), ("type", kinds)], text))
    case.failed = True
    return True
