"""``--format github``: GitHub Actions annotations and a job summary.

Prints workflow commands (``::error file=main.tf,line=12,title=...::message``) so that
findings show on the pull request's files, and appends the Markdown report to the job
summary (``$GITHUB_STEP_SUMMARY``) when the variable is set (it is, in every Actions step).

GitHub shows at most 10 error and 10 warning annotations per step, so the first 10 of each
are annotated (errors first, in the report's order) and one notice says how many more are
in the summary. Annotations carry a file and line only when the line is known (static
mode): a plan JSON is not a file a reviewer looks at. Data and properties are escaped as
the workflow-command syntax requires, so a value can never end the command early.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v

#: GitHub keeps this many annotations of each level per step.
ANNOTATIONS_PER_LEVEL = 10
#: The job summary of a step may be at most 1 MiB.
SUMMARY_LIMIT = 1024 * 1024
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
#: ``path:line[:column]: message``: how aicost words a warning about a place in a file.
_PLACE = re.compile(
    r"^(?P<path>[^\s:][^:]*):(?P<line>\d+)(?::(?P<column>\d+))?: (?P<text>.+)$", re.S
)


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build

    # Annotations list findings; the job summary (Markdown) also lists the workloads.
    return render_document(
        build(result, records=bool(os.environ.get("GITHUB_STEP_SUMMARY"))), options
    )


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(found: Mapping[str, Any]) -> tuple[str, str]:
    """(level, workflow command) for one finding."""
    level = _COMMAND.get(str(found.get("severity")), "warning")
    properties = []
    line = found.get("line")
    path = v.repo_path(str(found.get("file"))) if found.get("file") else None
    if path and isinstance(line, int):
        properties += [f"file={escape_property(path)}", f"line={line}"]
    title = f"aicost {found.get('rule')}"
    properties.append(f"title={escape_property(title)}")
    message = f"{v.subject(found)}{found.get('message')}"
    saving = v.money(found.get("monthly_saving"))
    if saving:
        message += f" (saves {v.amount(found.get('monthly_saving'))}/month)"
    if found.get("remediation"):
        message += f"\nFix: {found.get('remediation')}"
    return level, f"::{level} {','.join(properties)}::{escape_data(message)}"


def warning_annotation(text: str) -> str:
    """A warning of the check (a file that cannot be parsed...), on its line when it says."""
    properties = []
    match = _PLACE.match(text)
    if match:
        path = v.repo_path(match["path"])
        if path:
            properties += [f"file={escape_property(path)}", f"line={match['line']}"]
            if match["column"]:
                properties.append(f"col={match['column']}")
    properties.append("title=aicost")
    return f"::warning {','.join(properties)}::{escape_data(text)}"


def render_document(document: Mapping[str, Any], options: RenderOptions) -> str:
    document = inert.tree(document)  # input strings: control characters made visible
    lines: list[str] = []
    counts: dict[str, int] = {}
    hidden = 0
    for found in v.findings(document):
        if v.waived(found):
            continue
        level = _COMMAND.get(str(found.get("severity")), "warning")  # as annotation() has it
        counts[level] = counts.get(level, 0) + 1
        if counts[level] > ANNOTATIONS_PER_LEVEL:
            hidden += 1  # (counted, not written: thousands of findings, twenty annotations)
            continue
        lines.append(annotation(found)[1])
    for warning in document.get("warnings") or ():
        counts["warning"] = counts.get("warning", 0) + 1
        if counts["warning"] > ANNOTATIONS_PER_LEVEL:
            hidden += 1
            continue
        lines.append(warning_annotation(str(warning)))
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if hidden:
        where = "the job summary" if summary_path else "the report"
        lines.append(
            f"::notice title=aicost::{hidden} more findings are listed in {where} "
            "(GitHub shows 10 annotations of each level per step)"
        )
    verdict = str(document.get("verdict") or "pass").upper()
    summary = v.summary(document)
    lines.append(
        f"aicost: {verdict} · {v.amount(summary.get('monthly_cost'))}/month "
        f"({v.usd(v.headline_delta(document), signed=True)})"
    )
    if summary_path:
        _append_summary(Path(summary_path), document, options)
    return "\n".join(lines) + "\n"


def _append_summary(path: Path, document: Mapping[str, Any], options: RenderOptions) -> None:
    from aicost.report.markdown import render_document as markdown

    text = markdown(document, options)
    if len(text.encode()) > SUMMARY_LIMIT:  # pragma: no cover - the comment cap is far lower
        text = text[: SUMMARY_LIMIT // 4]
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        from aicost.core.errors import UsageError

        raise UsageError(
            f"cannot write the job summary: {exc.strerror or exc}", path=path
        ) from None
