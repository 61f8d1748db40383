"""``--format junit``: JUnit XML for CI test reporters (GitLab, Jenkins, Azure DevOps...).

One test suite per project (a plan or a root module) with one test case per AI workload:
it fails when a policy rule of severity ``error`` flags it (the message lists every rule),
and is skipped when it cannot be priced and nothing flags it. Warnings and notes go to the
case's ``system-out``. Findings about many workloads at once (budgets) form a last suite,
``aicost policy``. Waived findings do not fail a case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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
    resources = v.resources(document)
    keys = _keys(resources)
    by_resource, aggregate = _split_findings(document, set(keys))

    suites: list[_Suite] = []
    by_project: dict[str, _Suite] = {}
    paths = _Paths(v.repo_paths())
    outcomes = _Outcomes()
    for resource, key in zip(resources, keys, strict=True):
        project = str(resource.get("project") or "aicost")
        suite = by_project.get(project)
        if suite is None:
            suite = by_project[project] = _Suite(_clean(project))
            suites.append(suite)
        on_it = by_resource.get(key, ())
        suite.add(*_case(suite.name_attribute, resource, on_it, paths, outcomes))
    if aggregate:
        policy = _Suite("aicost policy")
        for found in aggregate:
            name = _attribute(_clean(found.get("address")))
            head = f'<testcase classname="aicost policy" name="{name}" time="0"'
            failure = _failure([found])
            if failure is None:
                policy.add(head + " />", False, False)
            else:
                policy.add(head + ">\n      " + failure + "\n    </testcase>", True, False)
        suites.append(policy)
    warnings = [str(w) for w in document.get("warnings") or ()]
    # Warnings are not test cases: they go to the first suite's system-err.
    system_err = _clean("\n".join(warnings)) if warnings and suites else None
    return "".join(['<?xml version="1.0" encoding="UTF-8"?>\n', *_xml(suites, system_err), "\n"])


#: An attribute, or an element without children: (tag, attributes, text).
_Attributes = list[tuple[str, str]]
_Leaf = tuple[str, _Attributes, str | None]


class _Suite:
    """A ``testsuite``: its name and its cases, each already written, and their outcomes."""

    __slots__ = ("cases", "failures", "name", "name_attribute", "skipped")

    def __init__(self, name: str) -> None:
        self.name = name
        self.name_attribute = _attribute(name)
        self.cases: list[str] = []
        self.failures = 0
        self.skipped = 0

    def add(self, case: str, failed: bool, skipped: bool) -> None:
        self.cases.append(case)
        self.failures += failed
        self.skipped += skipped


class _Paths:
    """A source path as a case's ``file`` attribute (repository-relative, cleaned, escaped),
    worked out once per path: every case of a plan names the same file."""

    def __init__(self, where: Callable[[str | None], str | None]) -> None:
        self.where = where
        self.known: dict[str, str] = {}

    def attribute(self, path: str) -> str:
        found = self.known.get(path)
        if found is None:
            found = self.known[path] = _attribute(_clean(self.where(path) or path))
        return found


def _xml(suites: list[_Suite], system_err: str | None) -> list[str]:
    """The ``testsuites`` element, laid out as ``ET.indent`` and ``ET.tostring`` did: two
    spaces per level, ``" />"`` for an element without text or children, attributes in the
    order they were set (each case and suite reports 0 seconds: pricing is not timed per
    resource, and JUnit consumers expect a duration). In parts, joined once by the caller
    (megabytes of cases: each concatenation would copy them)."""
    totals = [0, 0, 0]
    parts: list[str] = []
    for index, suite in enumerate(suites):
        cases = suite.cases
        totals[0] += len(cases)
        totals[1] += suite.failures
        totals[2] += suite.skipped
        attributes = [("name", suite.name), ("time", "0"), ("tests", str(len(cases)))]
        attributes += [("failures", str(suite.failures)), ("skipped", str(suite.skipped))]
        attributes.append(("errors", "0"))
        children = cases
        if index == 0 and system_err is not None:
            children = [*cases, _leaf(("system-err", [], system_err))]
        tail = "\n  " if index < len(suites) - 1 else "\n"
        parts += [_open("testsuite", attributes), "\n    ", "\n    ".join(children)]
        parts.append("\n  </testsuite>" + tail)
    root = [("name", "aicost"), ("tests", str(totals[0])), ("failures", str(totals[1]))]
    root += [("skipped", str(totals[2])), ("errors", "0")]
    if not parts:
        return [_leaf(("testsuites", root, None))]
    return [_open("testsuites", root), "\n  ", *parts, "</testsuites>"]


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


def _keys(resources: list[Mapping[str, Any]]) -> list[tuple[Any, str, Any]]:
    """Each resource's key as findings name it: (project key, address, component)."""
    projects: dict[str, str] = {}  # a few projects, thousands of resources
    keys = []
    for resource in resources:
        project = str(resource.get("project") or "")
        key = projects.get(project)
        if key is None:
            key = projects[project] = project_key(project)
        keys.append((key, str(resource.get("address")), resource.get("component")))
    return keys


def _split_findings(
    document: Mapping[str, Any], keys: set[tuple[Any, str, Any]]
) -> tuple[dict[tuple[Any, str, Any], list[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """Findings by the resource they are on, and those on no resource (budgets)."""
    by_resource: dict[tuple[Any, str, Any], list[Mapping[str, Any]]] = {}
    aggregate: list[Mapping[str, Any]] = []
    for found in v.findings(document):
        key = (found.get("project"), str(found.get("address")), found.get("component"))
        if key in keys:
            found_list = by_resource.get(key)
            if found_list is None:
                by_resource[key] = [found]
            else:
                found_list.append(found)
        else:
            aggregate.append(found)
    return by_resource, aggregate


def _case(
    classname: str,
    resource: Mapping[str, Any],
    found: Sequence[Mapping[str, Any]],
    paths: _Paths,
    outcomes: _Outcomes,
) -> tuple[str, bool, bool]:
    """A ``testcase`` (*classname* escaped) as written, whether it failed, whether skipped.
    (The document went through :func:`inert.tree`: its strings hold no control character,
    so the text made of them and of ours needs no :func:`_clean`.)"""
    head = f'<testcase classname="{classname}" name="{_attribute(v.label(resource))}"'
    source = resource.get("source")
    if isinstance(source, dict) and source.get("line"):
        path = paths.attribute(str(source.get("path")))
        head += f' file="{path}" line="{_attribute(str(source["line"]))}"'
    failure, notes = outcomes.of(found) if found else (None, ())
    children = [] if failure is None else [failure]
    skipped = failure is None and not resource.get("priced")
    if skipped:
        message = f"unpriced: {resource.get('unpriced_reason')}"
        children.append(_leaf(("skipped", [("message", message)], None)))
    details = (
        f"{v.change(resource)}: {v.hardware(v.current(resource))}, "
        f"{v.amount(resource.get('monthly_cost'))}/month "
        f"({v.amount(resource.get('delta_monthly_cost'), signed=True)})"
    )
    text = "\n".join([details, *notes]) if notes else details
    children.append(f"<system-out>{_text(text)}</system-out>")  # (text: never empty)
    case = head + ' time="0">\n      ' + "\n      ".join(children) + "\n    </testcase>"
    return case, failure is not None, skipped


class _Outcomes:
    """A case's failure element and notes for its findings, worked out once per distinct set
    of findings (a rule flags thousands of workloads with the same message and fix)."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], tuple[str | None, tuple[str, ...]]] = {}

    def of(self, found: Sequence[Mapping[str, Any]]) -> tuple[str | None, tuple[str, ...]]:
        key = self._key(found)
        known = self.known.get(key) if key is not None else None
        if known is None:
            notes = tuple(
                f"{f.get('severity')}: {f.get('rule')}: {f.get('message')}"
                for f in found
                if f.get("severity") != "error" or v.waived(f)
            )
            known = (_failure(found), notes)
            if key is not None:
                self.known[key] = known
        return known

    @staticmethod
    def _key(found: Sequence[Mapping[str, Any]]) -> tuple[Any, ...] | None:
        """What the outcome depends on; None when a value cannot be a key (a saved report
        with a list where a message should be)."""
        key = tuple(
            (
                f.get("severity"),
                f["waived"] if "waived" in f else v.waived(f),  # (v.waived, without a call)
                f.get("rule"),
                f.get("message"),
                f.get("type"),
                f.get("remediation"),
            )
            for f in found
        )
        try:
            hash(key)
        except TypeError:
            return None
        return key


def _failure(found: Sequence[Mapping[str, Any]]) -> str | None:
    """The ``failure`` element for the active errors, or None."""
    errors = [f for f in found if f.get("severity") == "error" and not v.waived(f)]
    if not errors:
        return None
    message = _clean("; ".join(f"{f.get('rule')}: {f.get('message')}" for f in errors))
    kinds = _clean(",".join(str(f.get("type")) for f in errors))
    text = _clean(
        "\n".join(
            f"{f.get('rule')} ({f.get('type')}): {f.get('message')}\n  fix: {f.get('remediation')}"
            for f in errors
        )
    )
    return _leaf(("failure", [("message", message), ("type", kinds)], text))
