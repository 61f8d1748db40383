"""``aicost comment FORGE``: post a report as one sticky pull-request comment.

Renders a JSON report (``aicost check --format json``, or ``aicost merge``) as the
Markdown comment and hands it to the forge (:mod:`aicost.forges`), which posts it:

* ``update`` (default): edits aicost's existing comment in place (found by a hidden marker
  line, and written by the same account), or posts one; an unchanged body is not re-sent;
* ``new``: always posts a new comment;
* ``delete-and-new``: deletes aicost's earlier comments, then posts a new one (so it is
  the latest in the conversation).

``--tag`` keeps separate sticky comments on one pull request (one per workspace, say).
A forge that refuses to write (a read-only token on a pull request from a fork) is a
warning and exits 0: posting a comment is never what fails the cost gate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aicost import forges
from aicost.core.errors import ExitCode

EXAMPLES = """examples:
  aicost comment github --report report.json             the PR of $GITHUB_EVENT_PATH
  aicost comment github --report report.json --pr 42 --tag prod
  aicost comment gitlab --report report.json             in a merge-request pipeline
  aicost comment azure-repos --report report.json        in a pull-request build"""
HELP = "post a JSON report as a sticky pull-request comment"


def configure(parser: argparse.ArgumentParser) -> None:
    platforms = parser.add_subparsers(dest="platform", metavar="PLATFORM")
    platforms.required = True
    for name in forges.FORGES:
        forge = forges.load(name)
        sub = platforms.add_parser(name, help=forge.TITLE, description=f"{HELP} ({name})")
        sub.add_argument(
            "--report", type=Path, required=True, metavar="FILE", help="the JSON report to post"
        )
        forge.configure(sub)
        sub.add_argument(
            "--behavior",
            "--behaviour",
            choices=forges.BEHAVIORS,
            default="update",
            help="update the sticky comment (default), post a new one, or delete the old "
            "ones and post a new one",
        )
        sub.add_argument("--tag", help="keep a separate sticky comment per tag (a workspace)")
        sub.add_argument(
            "--skip-unchanged",
            action="store_true",
            help="post nothing new when the report passes and the cost does not change "
            "(an existing comment is still updated)",
        )
        sub.add_argument(
            "--max-rows", type=int, default=50, metavar="N", help="rows listed (default 50)"
        )


def run(args: argparse.Namespace) -> int:
    from aicost.document.read import load_report
    from aicost.report import RenderOptions
    from aicost.report.markdown import marker, render_document
    from aicost.report.view import headline_delta

    document = load_report(args.report)
    forge = forges.load(args.platform)
    body = render_document(document, RenderOptions(max_rows=args.max_rows), tag=args.tag)
    unchanged = document.get("verdict") == "pass" and headline_delta(document) == 0
    try:
        outcome = forge.comment(
            args, body, marker(args.tag), skip_new=args.skip_unchanged and unchanged
        )
    except forges.Refused as exc:
        print(f"aicost: warning: {exc}", file=sys.stderr)
        return ExitCode.OK
    print(
        f"aicost: comment {outcome.action}" + (f": {outcome.url}" if outcome.url else ""),
        file=sys.stderr,
    )
    if outcome.url:
        print(outcome.url)
    return ExitCode.OK
