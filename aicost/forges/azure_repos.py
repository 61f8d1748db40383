"""Azure Repos: post a report as one sticky pull-request thread (``aicost comment
azure-repos``).

Uses the Azure DevOps REST API (``_apis/git/repositories/:repo/pullRequests/:id/threads``,
api-version 7.1) on dev.azure.com or Azure DevOps Server (``--org-url``). In a pipeline the
defaults come from the predefined variables: ``$SYSTEM_COLLECTIONURI`` (organisation),
``$SYSTEM_TEAMPROJECT`` (project), ``$BUILD_REPOSITORY_ID`` (repository) and
``$SYSTEM_PULLREQUEST_PULLREQUESTID`` (pull request).

* ``update`` (default): edits the first comment of aicost's thread (found by its hidden
  marker line, written by the same identity), or starts a thread; an unchanged body is not
  re-sent;
* ``new``: always starts a new thread;
* ``delete-and-new``: deletes aicost's earlier thread comments, then starts a new thread.

The token is ``$SYSTEM_ACCESSTOKEN`` (the pipeline's OAuth token, map it into the step's
env; sent as a bearer token) or ``$AZURE_DEVOPS_EXT_PAT`` (a personal access token with
Code read & write; sent as basic auth). It is never printed, and never sent to another
origin: redirects elsewhere are refused. A 403 is a warning, not a gate failure.
"""

from __future__ import annotations

import argparse
import base64
import os
import urllib.parse
from typing import Any

from aicost.core.errors import UsageError
from aicost.forges import Outcome, Refused
from aicost.forges.rest import Client, ForgeError, HTTPFailure

TITLE = "an Azure Repos pull request (a pull-request thread; Azure DevOps Services or Server)"
API_VERSION = "7.1"
#: Thread status: active (1). aicost's thread is a comment, not a blocking review.
ACTIVE = 1
#: Comment type: text (1).
TEXT = 1


def configure(parser: argparse.ArgumentParser) -> None:
    """Azure Repos' options of ``aicost comment azure-repos``."""
    parser.add_argument(
        "--org-url",
        metavar="URL",
        help="organisation (collection) URL (default: $SYSTEM_COLLECTIONURI, e.g. "
        "https://dev.azure.com/ORG/)",
    )
    parser.add_argument("--project", metavar="NAME", help="project (default: $SYSTEM_TEAMPROJECT)")
    parser.add_argument(
        "--repository",
        metavar="ID|NAME",
        help="repository id or name (default: $BUILD_REPOSITORY_ID)",
    )
    parser.add_argument(
        "--pr",
        type=int,
        metavar="ID",
        help="pull request id (default: $SYSTEM_PULLREQUEST_PULLREQUESTID)",
    )
    parser.add_argument(
        "--author",
        metavar="ID",
        help="only edit threads by this identity id (default: the token's own identity)",
    )


def comment(args: argparse.Namespace, body: str, marker: str, *, skip_new: bool) -> Outcome:
    org = args.org_url or os.environ.get("SYSTEM_COLLECTIONURI", "")
    project = args.project or os.environ.get("SYSTEM_TEAMPROJECT", "")
    repository = args.repository or os.environ.get("BUILD_REPOSITORY_ID", "")
    number = args.pr
    if number is None:
        raw = os.environ.get("SYSTEM_PULLREQUEST_PULLREQUESTID", "")
        number = int(raw) if raw.isdigit() else None
    missing = [
        name
        for name, value in (
            ("--org-url (or SYSTEM_COLLECTIONURI)", org),
            ("--project (or SYSTEM_TEAMPROJECT)", project),
            ("--repository (or BUILD_REPOSITORY_ID)", repository),
            ("--pr (or SYSTEM_PULLREQUEST_PULLREQUESTID)", number),
        )
        if not value
    ]
    if missing:
        raise UsageError(f"{', '.join(missing)} required: is this a pull-request build?")
    assert number is not None
    client = connect(org)
    return post(
        client,
        project,
        repository,
        number,
        body,
        marker,
        behavior=args.behavior,
        author=args.author,
        skip_new=skip_new,
    )


def connect(org: str) -> Client:
    token = os.environ.get("SYSTEM_ACCESSTOKEN")
    if token:
        return Client(org, {"Authorization": f"Bearer {token}"}, secrets=(token,))
    pat = os.environ.get("AZURE_DEVOPS_EXT_PAT")
    if pat:
        basic = base64.b64encode(f":{pat}".encode()).decode()
        return Client(org, {"Authorization": f"Basic {basic}"}, secrets=(pat, basic))
    raise UsageError(
        "no token: map SYSTEM_ACCESSTOKEN into the step's env "
        "(env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)) or set AZURE_DEVOPS_EXT_PAT"
    )


def _call(client: Client, method: str, path: str, payload: Any = None) -> Any:
    """The answer's JSON. Azure DevOps answers a bad token with 203 and a sign-in page."""
    response = client.request(method, path, payload)
    if response.status == 203:
        raise HTTPFailure(method, path.split("?", 1)[0], 203, response.headers, None)
    return response.data


def _q(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def post(
    client: Client,
    project: str,
    repository: str,
    number: int,
    body: str,
    marker: str,
    *,
    behavior: str = "update",
    author: str | None = None,
    skip_new: bool = False,
) -> Outcome:
    base = f"/{_q(project)}/_apis/git/repositories/{_q(repository)}/pullRequests/{number}/threads"
    version = f"api-version={API_VERSION}"
    web = f"{client.api}/{_q(project)}/_git/{_q(repository)}/pullrequest/{number}"
    try:
        me = author or _whoami(client)
        data = _call(client, "GET", f"{base}?{version}")
        mine = _mine(data, marker, me)
        if behavior == "update" and mine:
            thread, first = max(mine, key=lambda pair: int(pair[0].get("id") or 0))
            url = f"{web}?discussionId={thread['id']}"
            if first.get("content") == body:
                return Outcome("unchanged", url)
            _call(
                client,
                "PATCH",
                f"{base}/{thread['id']}/comments/{first.get('id', 1)}?{version}",
                {"content": body},
            )
            return Outcome("updated", url)
        deleted = 0
        if behavior == "delete-and-new":
            for thread, first in mine:
                _call(
                    client,
                    "DELETE",
                    f"{base}/{thread['id']}/comments/{first.get('id', 1)}?{version}",
                )
                deleted += 1
        if skip_new and behavior != "new":
            return Outcome("skipped (nothing changed)", None, deleted)
        return _create(client, f"{base}?{version}", body, web, deleted)
    except HTTPFailure as failure:
        raise _describe(failure, client) from None


def _mine(data: Any, marker: str, me: str | None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(thread, first comment) of aicost's live threads: the marker on the first line,
    written by *me* when known."""
    threads = data.get("value") if isinstance(data, dict) else None
    mine: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for thread in threads if isinstance(threads, list) else []:
        if not isinstance(thread, dict) or thread.get("isDeleted"):
            continue
        comments = thread.get("comments") or []
        first = comments[0] if comments and isinstance(comments[0], dict) else None
        if first is None or first.get("isDeleted"):
            continue
        if marker not in str(first.get("content") or "").splitlines()[:1]:
            continue
        if me is not None and str((first.get("author") or {}).get("id", "")) != me:
            continue
        mine.append((thread, first))
    return mine


def _create(client: Client, url: str, body: str, web: str, deleted: int) -> Outcome:
    """Post *body* as a new active thread."""
    created = _call(
        client,
        "POST",
        url,
        {
            "comments": [{"parentCommentId": 0, "content": body, "commentType": TEXT}],
            "status": ACTIVE,
        },
    )
    thread_id = created.get("id") if isinstance(created, dict) else None
    return Outcome("created", f"{web}?discussionId={thread_id}" if thread_id else web, deleted)


def _whoami(client: Client) -> str | None:
    """The token's identity id (``_apis/connectionData``); None when it cannot be asked."""
    try:
        data = _call(client, "GET", "/_apis/connectionData")
    except (HTTPFailure, ForgeError):
        return None
    user = data.get("authenticatedUser") if isinstance(data, dict) else None
    found = user.get("id") if isinstance(user, dict) else None
    return str(found) if found else None


def _describe(failure: HTTPFailure, client: Client) -> Exception:
    detail = client.safe(failure.message)
    status = failure.status
    if status == 429:
        return Refused("Azure DevOps rate-limited the thread (429); the report was not posted")
    if status == 403:
        return Refused(
            f"Azure DevOps refused to write the thread ({status}: {detail or 'forbidden'}). "
            "Give the build service 'Contribute to pull requests' on the repository, or use "
            "a PAT with Code (read & write). The cost gate itself is not affected."
        )
    if status in (401, 203):
        return ForgeError(f"Azure DevOps rejected the token ({status}: {detail or 'sign-in'})")
    if status == 404:
        return ForgeError(
            f"not found (404) on {failure.method} {failure.path}: the project, repository "
            "or pull request does not exist, or the token cannot see it"
        )
    return ForgeError(
        f"Azure DevOps answered {status} to {failure.method} {failure.path}: {detail}"
    )
