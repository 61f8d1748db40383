"""GitLab: post a report as one sticky merge-request note (``aicost comment gitlab``).

Uses GitLab's REST API v4 (``/projects/:id/merge_requests/:iid/notes``), on gitlab.com or a
self-managed instance (``--api-url https://gitlab.example.com/api/v4``; in a pipeline the
default is ``$CI_API_V4_URL``). The project and merge request default to the pipeline's
``$CI_PROJECT_ID`` and ``$CI_MERGE_REQUEST_IID`` (a merge-request pipeline).

* ``update`` (default): edits aicost's note in place (found by its hidden marker line, and
  written by the same account), or posts one; an unchanged body is not re-sent;
* ``new``: always posts a new note;
* ``delete-and-new``: deletes aicost's earlier notes, then posts a new one.

The token comes from ``$GITLAB_TOKEN`` (a project, group or personal access token with the
``api`` scope, sent as ``PRIVATE-TOKEN``), or else ``$CI_JOB_TOKEN`` (sent as
``JOB-TOKEN``; GitLab lets a job token write notes only where the instance allows it). It is
never printed, and never sent to another origin: pagination links and redirects elsewhere
are refused. A token GitLab will not let write (403) is a warning, not a gate failure.
"""

from __future__ import annotations

import argparse
import os
import urllib.parse
from typing import Any

from aicost.core.errors import UsageError
from aicost.forges import Outcome, Refused
from aicost.forges.rest import Client, ForgeError, HTTPFailure, Response, header

TITLE = "a GitLab merge request (notes API v4; gitlab.com or self-managed)"
DEFAULT_API = "https://gitlab.com/api/v4"


def configure(parser: argparse.ArgumentParser) -> None:
    """GitLab's options of ``aicost comment gitlab``."""
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help="REST API root (default: $CI_API_V4_URL, else https://gitlab.com/api/v4; "
        "self-managed: https://HOST/api/v4)",
    )
    parser.add_argument(
        "--project",
        metavar="ID|PATH",
        help="project id or path (group/project) (default: $CI_PROJECT_ID)",
    )
    parser.add_argument(
        "--mr",
        type=int,
        metavar="IID",
        help="merge request IID (default: $CI_MERGE_REQUEST_IID)",
    )
    parser.add_argument(
        "--token-env",
        default="GITLAB_TOKEN",
        metavar="NAME",
        help="environment variable with an access token (default GITLAB_TOKEN; "
        "CI_JOB_TOKEN is used when it is not set)",
    )
    parser.add_argument(
        "--author",
        metavar="USERNAME",
        help="only edit notes by this account (default: the token's own account)",
    )


def comment(args: argparse.Namespace, body: str, marker: str, *, skip_new: bool) -> Outcome:
    project = args.project or os.environ.get("CI_PROJECT_ID", "")
    if not project:
        raise UsageError("--project ID|PATH is required (or set CI_PROJECT_ID)")
    number = args.mr
    if number is None:
        raw = os.environ.get("CI_MERGE_REQUEST_IID", "")
        number = int(raw) if raw.isdigit() else None
    if number is None or number <= 0:
        raise UsageError(
            "--mr IID is required (no $CI_MERGE_REQUEST_IID: is this a merge-request pipeline?)"
        )
    api = args.api_url or os.environ.get("CI_API_V4_URL") or DEFAULT_API
    client = connect(api, args.token_env)
    return post(
        client,
        project,
        number,
        body,
        marker,
        behavior=args.behavior,
        author=args.author,
        skip_new=skip_new,
    )


def connect(api: str, token_env: str = "GITLAB_TOKEN") -> Client:
    token = os.environ.get(token_env)
    if token:
        return Client(api, {"PRIVATE-TOKEN": token}, secrets=(token,))
    job = os.environ.get("CI_JOB_TOKEN")
    if job:
        return Client(api, {"JOB-TOKEN": job}, secrets=(job,))
    raise UsageError(
        f"no token: set {token_env} (an access token with the api scope) or run in a "
        "GitLab job (CI_JOB_TOKEN)"
    )


def post(
    client: Client,
    project: str,
    number: int,
    body: str,
    marker: str,
    *,
    behavior: str = "update",
    author: str | None = None,
    skip_new: bool = False,
) -> Outcome:
    base = f"/projects/{urllib.parse.quote(str(project), safe='')}/merge_requests/{number}"
    try:
        login = author or _whoami(client)
        notes = client.pages(f"{base}/notes?per_page=100&sort=asc", _next, _items)
        mine = [
            n
            for n in notes
            if isinstance(n, dict)
            and not n.get("system")
            and marker in str(n.get("body") or "").splitlines()[:1]
            and (
                login is None
                or str((n.get("author") or {}).get("username", "")).lower() == login.lower()
            )
        ]
        if behavior == "update" and mine:
            latest = max(mine, key=lambda n: int(n.get("id") or 0))
            if latest.get("body") == body:
                return Outcome("unchanged", _url(client, base, latest))
            client.request("PUT", f"{base}/notes/{latest['id']}", {"body": body})
            return Outcome("updated", _url(client, base, latest))
        deleted = 0
        if behavior == "delete-and-new":
            for note in mine:
                client.request("DELETE", f"{base}/notes/{note['id']}")
                deleted += 1
        if skip_new and behavior != "new":
            return Outcome("skipped (nothing changed)", None, deleted)
        created = client.request("POST", f"{base}/notes", {"body": body}).data
        return Outcome("created", _url(client, base, created or {}), deleted)
    except HTTPFailure as failure:
        raise _describe(failure, client) from None


def _whoami(client: Client) -> str | None:
    """The token's account; None when it cannot ask (a job token): then the marker alone
    finds aicost's notes."""
    try:
        data = client.request("GET", "/user").data
    except (HTTPFailure, ForgeError):
        return None
    name = data.get("username") if isinstance(data, dict) else None
    return str(name) if name else None


def _items(data: Any) -> list[Any]:
    return list(data) if isinstance(data, list) else []


def _next(response: Response, url: str) -> str | None:
    """GitLab's ``X-Next-Page`` (offset pagination), or a ``Link: rel="next"``."""
    link = header(response, "Link") or ""
    for part in link.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1 : part.index(">")]
    page = header(response, "X-Next-Page")
    if not page:
        return None
    parsed = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parsed.query))
    query["page"] = page
    return urllib.parse.urlunsplit(parsed._replace(query=urllib.parse.urlencode(query)))


def _url(client: Client, base: str, note: Any) -> str | None:
    """The note's web address (``.../-/merge_requests/IID#note_ID``)."""
    note_id = note.get("id") if isinstance(note, dict) else None
    if not note_id:
        return None
    web = os.environ.get("CI_MERGE_REQUEST_PROJECT_URL")
    iid = base.rsplit("/", 1)[-1]
    if web:
        return f"{web.rstrip('/')}/-/merge_requests/{iid}#note_{note_id}"
    try:
        merge_request = client.request("GET", base).data
    except (HTTPFailure, ForgeError):
        return None
    page = merge_request.get("web_url") if isinstance(merge_request, dict) else None
    return f"{page}#note_{note_id}" if page else None


def _describe(failure: HTTPFailure, client: Client) -> Exception:
    detail = client.safe(failure.message)
    status = failure.status
    if status == 429 or (status == 403 and "rate" in detail.lower()):
        return Refused(f"GitLab rate-limited the note ({status}); the report was not posted")
    if status == 403:
        return Refused(
            f"GitLab refused to write the note ({status}: {detail or 'forbidden'}). Use a "
            "project access token with the api scope in GITLAB_TOKEN (a CI_JOB_TOKEN may "
            "not write merge-request notes). The cost gate itself is not affected."
        )
    if status == 401:
        return ForgeError(f"GitLab rejected the token (401: {detail or 'unauthorized'})")
    if status == 404:
        return ForgeError(
            f"not found (404) on {failure.method} {failure.path}: the project or merge "
            "request does not exist, or the token cannot see it"
        )
    return ForgeError(f"GitLab answered {status} to {failure.method} {failure.path}: {detail}")
