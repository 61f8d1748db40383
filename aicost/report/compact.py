"""``--format compact``: one line per finding, as linters print them (for pre-commit).

``path:line: error: [rule] resource: message`` (the path and line when known), then one
line with the verdict and the monthly cost. It imports nothing heavy, so a pre-commit hook
stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert
from aicost.report import view as v


def render(result: CheckResult, options: RenderOptions) -> str:
    from aicost.document.build import build

    # Its lines list findings and the unpriced workloads: only their records are built.
    unpriced = [item for item in result.workloads if not item.priced]
    return render_document(build(result, only=unpriced), options)


def render_document(document: Mapping[str, Any], options: RenderOptions) -> str:
    document = inert.tree(document)  # input strings: control characters made visible
    lines = []
    for found in v.findings(document):
        if v.waived(found):
            continue
        where = v.where(found) if found.get("line") else None
        prefix = f"{where}: " if where else ""
        saving = found.get("monthly_saving")
        lines.append(
            f"{prefix}{found.get('severity')}: [{found.get('rule')}] {v.subject(found)}"
            f"{' '.join(str(found.get('message')).split())}"
            + (f" (saves {v.amount(saving)}/month)" if saving else "")
        )
    lines.extend(
        f"unpriced: {v.label(r)}: {r.get('unpriced_reason')}"
        for r in v.resources(document)
        if not r.get("priced")
    )
    lines.extend(f"warning: {w}" for w in document.get("warnings") or ())
    summary = v.summary(document)
    counts = v.severity_counts(f for f in v.findings(document) if not v.waived(f))
    lines.append(
        f"aicost: {str(document.get('verdict') or 'pass').upper()} · "
        f"{v.amount(summary.get('monthly_cost'))}/month "
        f"({v.usd(v.headline_delta(document), signed=True)}){v.unpriced_note(document)} · "
        f"{v.plural(int(summary.get('workloads') or 0), 'workload')} · "
        f"{v.plural(counts['error'], 'error')}, {v.plural(counts['warning'], 'warning')}"
    )
    return "\n".join(lines) + "\n"
