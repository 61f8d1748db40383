"""GitHub: post a report as one sticky pull-request comment (``aicost comment github``).

The CLI renders the report as the Markdown comment; this module posts it with GitHub's
REST API (stdlib only):

* ``update`` (default): edits aicost's existing comment in place (found by a hidden marker
  line, and written by the same account), or posts one; an unchanged body is not re-sent;
* ``new``: always posts a new comment;
* ``delete-and-new``: deletes aicost's earlier comments, then posts a new one (so it is
  the latest in the conversation).

``--tag`` keeps separate sticky comments on one pull request (one per workspace, say).
The token comes from the environment (``GITHUB_TOKEN``, or the variable ``--token-env``
names), never from the command line, and is never printed. ``--api-url`` points at GitHub
Enterprise Server (``https://HOST/api/v3``); pagination links are followed only on that
host, so the token is never sent elsewhere.

A read-only token (a pull request from a fork, under ``pull_request``) gets a 403: that is
reported as a warning with what to do, and exits 0; posting a comment is never what fails
the cost gate. ``--expect-head-sha`` refuses to comment when the pull request's head is not
that commit (for ``workflow_run`` jobs that post a report made by another workflow).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import UsageError
from aicost.forges import Outcome, Refused, rest
from aicost.forges.rest import ForgeError, HTTPFailure, Response

TITLE = "a GitHub pull request"

DEFAULT_API = "https://api.github.com"
#: The account that posts with a workflow's GITHUB_TOKEN.
ACTIONS_BOT = "github-actions[bot]"
MAX_PAGES = 100
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')


class CommentError(ForgeError):
    """The comment could not be posted for a reason the user must fix (exit 2)."""


def configure(parser: argparse.ArgumentParser) -> None:
    """GitHub's options of ``aicost comment github``."""
    parser.add_argument(
        "--repo", metavar="OWNER/REPO", help="repository (default: $GITHUB_REPOSITORY)"
    )
    parser.add_argument(
        "--pr",
        type=int,
        metavar="N",
        help="pull request number (default: from the event in $GITHUB_EVENT_PATH)",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="REST API root (default: $GITHUB_API_URL or https://api.github.com; "
        "GitHub Enterprise: https://HOST/api/v3)",
    )
    parser.add_argument(
        "--token-env",
        default="GITHUB_TOKEN",
        metavar="NAME",
        help="environment variable that holds the token (default GITHUB_TOKEN; GH_TOKEN "
        "is also tried)",
    )
    parser.add_argument(
        "--author",
        metavar="LOGIN",
        help="only edit comments by this account (default: the token's own account)",
    )
    parser.add_argument(
        "--expect-head-sha",
        metavar="SHA",
        help="refuse to comment unless the pull request's head is this commit",
    )


def comment(args: argparse.Namespace, body: str, marker: str, *, skip_new: bool) -> Outcome:
    """Post *body* on the pull request the options and the environment name."""
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY", "")
    if not _REPO.match(repo):
        raise UsageError("--repo OWNER/REPO is required (or set GITHUB_REPOSITORY)")
    number = args.pr if args.pr is not None else _event_number()
    if number is None or number <= 0:
        raise UsageError(
            "--pr N is required (no pull request number in the event at $GITHUB_EVENT_PATH)"
        )
    token = os.environ.get(args.token_env) or os.environ.get("GH_TOKEN")
    if not token:
        raise UsageError(f"no token: set {args.token_env} (a token that can write PR comments)")
    api = (args.api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
    if not api.startswith(("https://", "http://")):
        raise UsageError(f"--api-url must be an http(s) URL, not {rest.public_url(api)!r}")
    return post(
        GitHub(api, token),
        repo,
        number,
        body,
        marker,
        behavior=args.behavior,
        author=args.author,
        head_sha=args.expect_head_sha,
        skip_new=skip_new,
    )


def _event_number() -> int | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for key in ("pull_request", "issue"):
        item = event.get(key) if isinstance(event, dict) else None
        if isinstance(item, dict) and isinstance(item.get("number"), int):
            return int(item["number"])
    number = event.get("number") if isinstance(event, dict) else None
    return number if isinstance(number, int) else None


# --------------------------------------------------------------------------- API


class _RedirectRefused(ForgeError):
    """A redirect to another origin, refused before the token was sent."""


class _Client(rest.Client):
    """:class:`rest.Client`, refusing a redirect elsewhere in GitHub's words."""

    def _check_redirect(self, url: str) -> urllib.parse.SplitResult:
        parsed = urllib.parse.urlsplit(url)
        if (parsed.scheme, parsed.netloc.lower()) != self.origin:
            raise _RedirectRefused(
                f"refusing to follow a redirect to {parsed.scheme}://{rest.public(parsed.netloc)} "
                f"with the token (the API is {self.origin[0]}://{rest.public(self.origin[1])})"
            )
        return parsed


class GitHub:
    """A minimal GitHub REST client on :class:`rest.Client` that never reveals its token."""

    def __init__(self, api: str, token: str, *, retries: int = 2, backoff: float = 0.5) -> None:
        self.api = api
        self._client = _Client(
            api,
            {
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "X-GitHub-Api-Version": "2022-11-28",
            },
            secrets=(token,),
            retries=retries,
            backoff=backoff,
        )

    def request(self, method: str, url: str, payload: Any = None) -> Response:
        try:
            return self._client.request(method, url, payload)
        except HTTPFailure as failure:
            raise self._fail(failure) from None

    def _fail(self, failure: HTTPFailure) -> Exception:
        """What an HTTP error answer means on GitHub (a warning or an error)."""
        method, path, status = failure.method, failure.path, failure.status
        message = failure.data.get("message") if isinstance(failure.data, dict) else None
        detail = self._client.safe(" ".join(str(message or "").split())[:300])
        lower = failure.headers
        if status in (403, 429) and (
            lower.get("x-ratelimit-remaining") == "0"
            or "retry-after" in lower
            or "rate limit" in detail.lower()
        ):
            return Refused(
                f"GitHub rate-limited the comment ({status}: {detail or 'rate limit'}); "
                "the report was not posted this time"
            )
        if status == 403:
            return Refused(
                f"GitHub refused to write the comment ({status}: {detail or 'forbidden'}). "
                "The token is read-only: pull requests from forks get a read-only "
                "GITHUB_TOKEN under `pull_request`. Upload the report as an artifact and "
                "post it from a `workflow_run` job (see the README, 'Pull requests from "
                "forks'), or grant `pull-requests: write`. The cost gate itself is not "
                "affected."
            )
        if status == 401:
            return CommentError(f"GitHub rejected the token (401: {detail or 'bad credentials'})")
        if status == 404:
            return CommentError(
                f"not found (404) on {method} {path}: the repository or pull request does "
                "not exist, or the token cannot see it"
            )
        return CommentError(f"GitHub answered {status} to {method} {path}: {detail}")

    def pages(self, url: str) -> list[Any]:
        """Every item of a paginated list, following ``Link: <...>; rel="next"``."""
        try:
            return self._client.pages(
                url,
                lambda response, _url: _next_link(response.headers),
                lambda data: data if isinstance(data, list) else [],
                limit=MAX_PAGES,
            )
        except HTTPFailure as failure:
            raise self._fail(failure) from None


def _next_link(headers: Mapping[str, str]) -> str | None:
    for key, value in headers.items():
        if key.lower() == "link":
            for url, rel in _LINK.findall(value):
                if rel == "next":
                    return str(url)
    return None


# --------------------------------------------------------------------------- posting


def post(
    client: GitHub,
    repo: str,
    number: int,
    body: str,
    marker: str,
    *,
    behavior: str = "update",
    author: str | None = None,
    head_sha: str | None = None,
    skip_new: bool = False,
) -> Outcome:
    base = f"/repos/{repo}"
    if head_sha:
        _check_head(client, base, number, head_sha)
    login = author or _whoami(client)
    comments = client.pages(f"{base}/issues/{number}/comments?per_page=100")
    mine = _mine(comments, marker, login)
    if behavior == "update" and mine:
        latest = max(mine, key=lambda c: int(c.get("id") or 0))
        url = latest.get("html_url")
        if latest.get("body") == body:
            return Outcome("unchanged", url)
        updated = client.request(
            "PATCH", f"{base}/issues/comments/{latest['id']}", {"body": body}
        ).data
        return Outcome("updated", (updated or {}).get("html_url") or url)
    deleted = 0
    if behavior == "delete-and-new":
        for comment in mine:
            client.request("DELETE", f"{base}/issues/comments/{comment['id']}")
            deleted += 1
    if skip_new and behavior != "new":
        return Outcome("skipped (nothing changed)", None, deleted)
    created = client.request("POST", f"{base}/issues/{number}/comments", {"body": body}).data
    return Outcome("created", (created or {}).get("html_url"), deleted)


def _check_head(client: GitHub, base: str, number: int, head_sha: str) -> None:
    """Refuse to comment unless the pull request's head is *head_sha*."""
    pull = client.request("GET", f"{base}/pulls/{number}").data
    actual = pull.get("head", {}).get("sha") if isinstance(pull, dict) else None
    if actual != head_sha:
        raise CommentError(
            f"pull request #{number} is at {str(actual)[:12]}, not {head_sha[:12]}: "
            "not commenting (the report is for another commit)"
        )


def _mine(comments: list[Any], marker: str, login: str) -> list[dict[str, Any]]:
    """aicost's comments: the marker on the first line, written by *login*."""
    return [
        c
        for c in comments
        if isinstance(c, dict)
        and marker in str(c.get("body") or "").splitlines()[:1]
        and str((c.get("user") or {}).get("login", "")).lower() == login.lower()
    ]


def _whoami(client: GitHub) -> str:
    """The token's account; a workflow's GITHUB_TOKEN cannot ask, and posts as the bot."""
    try:
        data = client.request("GET", "/user").data
    except _RedirectRefused:
        raise
    except (ForgeError, Refused):
        return ACTIONS_BOT
    login = data.get("login") if isinstance(data, dict) else None
    return str(login) if login else ACTIONS_BOT
