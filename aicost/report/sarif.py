"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per policy rule id, with its title, documentation, remediation and a help link;
one result per finding with its level (error, warning, note), the file and line when known
(static mode knows the ``.tf`` line; a plan only its file), a stable fingerprint (rule +
resource, so an alert survives edits that move lines), and the monthly cost and saving as
properties. A waived finding carries an ``accepted`` suppression; an expired waiver a
``rejected`` one. Validated in the tests against the official 2.1.0 JSON schema.

Paths are relative to ``$GITHUB_WORKSPACE`` (or the working directory), as code scanning
expects; upload with ``github/codeql-action/upload-sarif``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from aicost import __version__
from aicost.core.money import usd
from aicost.document.read import money
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v
from aicost.report.json import float_free

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/aicost/aicost"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM = {"error": "error", "warning": "warning", "info": "recommendation"}


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build

    return render_document(build(result, records=False), options)  # findings only


def render_bytes(result: CheckResult, options: RenderOptions) -> bytes:
    """:func:`render` in UTF-8, for a report written to a file."""
    from aicost.document.build import build

    encoded = _encoded(build(result, records=False), options)
    return encoded if isinstance(encoded, bytes) else encoded.encode()


def render_document(document: Mapping[str, Any], options: RenderOptions) -> str:
    encoded = _encoded(document, options)
    return encoded.decode() if isinstance(encoded, bytes) else encoded


def _encoded(document: Mapping[str, Any], options: RenderOptions) -> bytes | str:
    """The log in UTF-8 when msgspec wrote it and it needs no escape, else as text."""
    # Indented as json.dumps(indent=2) would, byte for byte: a compact encoding, then
    # msgspec's re-indenting (json.dumps with indent uses the pure-Python encoder, 20x
    # slower). msgspec encodes too, unless there is a float (see report.json.float_free).
    log = sarif(document, options.sarif_category)
    if float_free(log):
        data = msgspec.json.format(msgspec.json.encode(log), indent=2) + b"\n"
        if not inert.raw_controls(data):
            return data
        text = data.decode()
    else:
        text = str(msgspec.json.format(json.dumps(log, ensure_ascii=False), indent=2)) + "\n"
    return inert.json_text(text)


def category(document: Mapping[str, Any], given: str | None = None) -> str:
    """The analysis category: *given*, else the report's workspace unless ``default``."""
    if given:
        return given.strip("/")
    policy = document.get("policy")
    workspace = policy.get("workspace") if isinstance(policy, dict) else None
    return str(workspace) if workspace and workspace != "default" else ""


def sarif(document: Mapping[str, Any], category_name: str | None = None) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    places = _Places(v.repo_paths())
    for found in v.findings(document):
        rule = str(found.get("rule"))
        if rule not in index:
            index[rule] = len(rules)
            rules.append(_rule(found))
        results.append(_result(found, index[rule], document, places))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aicost",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {
            "id": f"aicost/{category(document, category_name)}/".replace("//", "/")
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [_invocation(document)],
        "properties": _run_properties(document),
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


class _Places:
    """Repository-relative paths, and the ``physicalLocation`` of a file and line, worked
    out once each for one log: thousands of findings name a few files. A location is
    shared by the results at the same place (the log is encoded, never changed)."""

    def __init__(self, where: Callable[[str | None], str | None]) -> None:
        self.where = where
        self.physical: dict[tuple[str, int, type], dict[str, Any]] = {}
        self.uris: dict[str, str | None] = {}
        self.declared: dict[tuple[str, str, str, str], int | None] = {}

    def policy_line(self, path: str, found: Mapping[str, Any]) -> int | None:
        """:func:`policy_line`, read once per policy and declaration for one log (thousands
        of findings of a few rules and budgets have no file of their own)."""
        get = found.get
        address = str(get("address") or "")
        if address.startswith("budget:"):  # what policy_line looks for, and nothing else
            key = (path, address, "", "")
        else:
            key = (path, "", str(get("rule") or ""), str(get("type") or ""))
        if key not in self.declared:
            self.declared[key] = policy_line(path, found)
        return self.declared[key]

    def uri(self, file: Any) -> str | None:
        """``where(str(file))``, asked once per file."""
        text = str(file)
        if text not in self.uris:
            self.uris[text] = self.where(text)
        return self.uris[text]

    def of(self, uri: str, line: Any) -> dict[str, Any]:
        start = line if isinstance(line, int) and line > 0 else 1
        key = (uri, start, type(start))  # (True is 1 as a key, not as JSON)
        found = self.physical.get(key)
        if found is None:
            found = self.physical[key] = {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": start},
            }
        return found


def _rule(found: Mapping[str, Any]) -> dict[str, Any]:
    rule_type = str(found.get("type"))
    title, documentation = v.rule_info(rule_type)
    severity = str(found.get("severity"))
    remediation = str(found.get("remediation") or title)
    descriptor: dict[str, Any] = {
        "id": str(found.get("rule")),
        "name": "".join(part.capitalize() for part in rule_type.replace("_", "-").split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": documentation or title},
        "help": {"text": remediation, "markdown": f"**Fix:** {remediation}"},
        "defaultConfiguration": {"level": _LEVELS.get(severity, "warning")},
        "properties": {
            "tags": ["cost", "finops", "aicost", rule_type],
            "problem.severity": _PROBLEM.get(severity, "warning"),
        },
    }
    link = found.get("link")
    if isinstance(link, str) and link.startswith(("https://", "http://")):
        descriptor["helpUri"] = link
    return descriptor


def _result(
    found: Mapping[str, Any],
    rule_index: int,
    document: Mapping[str, Any],
    places: _Places | None = None,
) -> dict[str, Any]:
    places = places if places is not None else _Places(v.repo_path)
    get = found.get
    message = str(get("message") or "")
    saving = get("monthly_saving")
    if saving is not None and (amount := money(saving)):
        message += f" (the compliant choice saves {usd(amount)}/month)"
    properties = {}
    for key in ("type", "address", "component", "project", "enforcement", "monthly_cost"):
        value = get(key)
        if value is not None:
            properties[key] = value
    if saving is not None:
        properties["monthly_saving"] = saving
    result: dict[str, Any] = {
        "ruleId": str(get("rule")),
        "ruleIndex": rule_index,
        "level": _LEVELS.get(str(get("severity")), "warning"),
        "message": {"text": message},
        "partialFingerprints": {"aicostFinding/v1": _fingerprint(found)},
        "properties": properties,
    }
    location = _location(found, document, places)
    if location is not None:
        result["locations"] = [location]
    waiver = get("waiver")
    if isinstance(waiver, dict):
        result["suppressions"] = [_suppression(waiver)]
    return result


def _suppression(waiver: Mapping[str, Any]) -> dict[str, Any]:
    expired = bool(waiver.get("expired"))
    justification = (
        f"{waiver.get('reason')} (owner {waiver.get('owner')}, "
        f"{'expired' if expired else 'until'} {waiver.get('expires')})"
    )
    return {
        "kind": "external",
        "status": "rejected" if expired else "accepted",
        "justification": justification,
        "properties": {
            k: waiver.get(k) for k in ("owner", "expires", "ticket", "source") if waiver.get(k)
        },
    }


def _location(
    found: Mapping[str, Any], document: Mapping[str, Any], places: _Places
) -> dict[str, Any] | None:
    """Where the finding is: its file and line; else the policy's line that declares it (a
    budget's ``name:``, a rule's ``id:``); else the input it came from (code scanning refuses
    results without a location)."""
    where = places.where
    uri, line = None, None
    file = found.get("file")
    if file:
        uri, line = places.uri(file), found.get("line")
    if uri is None:
        policy = document.get("policy")
        path = policy.get("path") if isinstance(policy, dict) else None
        uri = where(str(path)) if path else None
        line = places.policy_line(str(path), found) if uri is not None else None
    if uri is None:
        for item in document.get("inputs") or ():
            if isinstance(item, dict) and (uri := where(str(item.get("path") or ""))):
                line = None
                break
    if uri is None:
        return None
    location: dict[str, Any] = {"physicalLocation": places.of(uri, line)}
    if found.get("address"):
        location["logicalLocations"] = [{"fullyQualifiedName": v.label(found), "kind": "resource"}]
    return location


def policy_line(path: str, found: Mapping[str, Any]) -> int | None:
    """The line of *path* (a policy YAML) that declares the finding's budget or rule."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    address = str(found.get("address") or "")
    rule = str(found.get("rule") or "")
    if address.startswith("budget:"):
        wanted = [("name", address.split(":", 1)[1])]
    else:
        wanted = [("id", rule), ("type", str(found.get("type") or rule))]
    for key, value in wanted:
        pattern = re.compile(rf"^\s*(-\s*)?{key}\s*:\s*(['\"]?){re.escape(value)}\2\s*(#.*)?$")
        for number, text in enumerate(lines, start=1):
            if pattern.match(text):
                return number
    return None


def _fingerprint(found: Mapping[str, Any]) -> str:
    get = found.get
    rule, address, component = get("rule"), get("address"), get("component")
    parts = [str(rule or ""), str(address or ""), str(component or ""), str(get("project") or "")]
    key = "\x1f".join(parts)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _invocation(document: Mapping[str, Any]) -> dict[str, Any]:
    notifications = [
        {"level": "warning", "message": {"text": str(w)}} for w in document.get("warnings") or ()
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _run_properties(document: Mapping[str, Any]) -> dict[str, Any]:
    summary = v.summary(document)
    return {
        "verdict": document.get("verdict"),
        "monthlyCost": summary.get("monthly_cost"),
        "deltaMonthlyCost": str(v.headline_delta(document)),
        "currency": summary.get("currency", "USD"),
        "prices": v.pricing_dates(document),
    }
