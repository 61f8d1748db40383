"""Small GitLab (API v4 notes) and Azure DevOps (pull-request threads) servers on 127.0.0.1.

They speak the shapes the real APIs do for the endpoints aicost uses:

* GitLab: ``PRIVATE-TOKEN`` / ``JOB-TOKEN`` headers, ``GET /user``, merge-request notes
  listed with offset pagination (``X-Next-Page``, ``X-Page``, ``X-Total``), ``POST`` 201,
  ``PUT`` 200, ``DELETE`` 204, system notes mixed in, 401 ``{"message": "401 Unauthorized"}``,
  403 ``{"message": "403 Forbidden"}`` for a token that may not write, a prefix for
  self-managed instances (``/gitlab/api/v4``), and an optional redirect to another origin;
* Azure DevOps: ``Authorization: Bearer`` or ``Basic`` (``:PAT``), ``GET
  /_apis/connectionData``, threads ``{"count", "value": [...]}`` with ``comments``, ``POST``
  a thread 200, ``PATCH``/``DELETE`` a comment (a deleted comment stays, ``isDeleted``),
  ``api-version`` required (400 without it), 203 with a sign-in page for a bad token.

Every request is recorded with the credentials it carried.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class _Server:
    def __post_init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}" if isinstance(host, str) else f"http://127.0.0.1:{port}"

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def send(
        self,
        status: int,
        data: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        body = raw if raw is not None else (b"" if data is None else json.dumps(data).encode())
        self.send_response(status)
        self.send_header(
            "Content-Type", "text/html" if raw is not None else "application/json; charset=utf-8"
        )
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"null")


# --------------------------------------------------------------------------- GitLab


@dataclass
class FakeGitLab(_Server):
    prefix: str = "/api/v4"
    page_size: int = 2
    #: token -> (username, may write)
    tokens: dict[str, tuple[str, bool]] = field(default_factory=dict)
    job_tokens: dict[str, tuple[str, bool]] = field(default_factory=dict)
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    redirect_to: str | None = None
    _next_id: int = 500

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def add_note(self, iid: int, body: str, username: str, *, system: bool = False) -> int:
        self._next_id += 1
        self.notes[self._next_id] = {
            "id": self._next_id,
            "iid_of_mr": iid,
            "body": body,
            "author": {"id": 1, "username": username, "name": username},
            "system": system,
            "noteable_type": "MergeRequest",
        }
        return self._next_id

    def on(self, iid: int) -> list[dict[str, Any]]:
        return [n for n in self.notes.values() if n["iid_of_mr"] == iid and not n["system"]]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(_Handler):
            def route(self, method: str) -> None:
                private = self.headers.get("PRIVATE-TOKEN")
                job = self.headers.get("JOB-TOKEN")
                api.requests.append((method, self.path, private or job))
                if api.redirect_to:
                    self.send(301, headers={"Location": api.redirect_to + self.path})
                    return
                parts = urlsplit(self.path)
                if not parts.path.startswith(api.prefix + "/"):
                    self.send(404, {"message": "404 Not Found"})
                    return
                path = parts.path[len(api.prefix) :]
                who = api.tokens.get(private or "") if private else api.job_tokens.get(job or "")
                if who is None:
                    self.send(401, {"message": "401 Unauthorized"})
                    return
                username, write = who
                if path == "/user":
                    if job:  # a job token cannot read /user
                        self.send(401, {"message": "401 Unauthorized"})
                    else:
                        self.send(200, {"id": 7, "username": username})
                    return
                segments = path.strip("/").split("/")
                # projects/:id/merge_requests/:iid[/notes[/:note_id]]
                if (
                    len(segments) < 4
                    or segments[0] != "projects"
                    or segments[2] != "merge_requests"
                ):
                    self.send(404, {"message": "404 Not Found"})
                    return
                if segments[1] not in ("42", "group%2Finfra"):
                    self.send(404, {"message": "404 Project Not Found"})
                    return
                iid = int(segments[3])
                if len(segments) == 4 and method == "GET":
                    self.send(
                        200,
                        {
                            "iid": iid,
                            "web_url": f"https://gitlab.example/group/infra/-/merge_requests/{iid}",
                        },
                    )
                    return
                if method != "GET" and not write:
                    self.send(403, {"message": "403 Forbidden"})
                    return
                if len(segments) == 5 and method == "GET":
                    query = parse_qs(parts.query)
                    page = int(query.get("page", ["1"])[0])
                    size = int(query.get("per_page", ["20"])[0])
                    size = min(size, api.page_size)
                    notes = sorted(
                        (n for n in api.notes.values() if n["iid_of_mr"] == iid),
                        key=lambda n: n["id"],
                    )
                    chunk = notes[(page - 1) * size : page * size]
                    more = page * size < len(notes)
                    self.send(
                        200,
                        chunk,
                        {
                            "X-Page": str(page),
                            "X-Per-Page": str(size),
                            "X-Total": str(len(notes)),
                            "X-Next-Page": str(page + 1) if more else "",
                        },
                    )
                    return
                if len(segments) == 5 and method == "POST":
                    body = self.body()
                    note_id = api.add_note(iid, body["body"], username)
                    self.send(201, api.notes[note_id])
                    return
                if len(segments) == 6:
                    note_id = int(segments[5])
                    note = api.notes.get(note_id)
                    if note is None:
                        self.send(404, {"message": "404 Note Not Found"})
                        return
                    if method == "PUT":
                        note["body"] = self.body()["body"]
                        self.send(200, note)
                        return
                    if method == "DELETE":
                        del api.notes[note_id]
                        self.send(204)
                        return
                self.send(405, {"message": "405 Method Not Allowed"})

            def do_GET(self) -> None:
                self.route("GET")

            def do_POST(self) -> None:
                self.route("POST")

            def do_PUT(self) -> None:
                self.route("PUT")

            def do_DELETE(self) -> None:
                self.route("DELETE")

        return Handler


# --------------------------------------------------------------------------- Azure DevOps


@dataclass
class FakeAzureDevOps(_Server):
    org: str = "/acme"
    #: bearer token or PAT -> (identity id, may write)
    tokens: dict[str, tuple[str, bool]] = field(default_factory=dict)
    threads: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    redirect_to: str | None = None
    _next_id: int = 10

    @property
    def url(self) -> str:
        return self.origin + self.org + "/"

    def add_thread(self, pr: int, content: str, identity: str) -> int:
        self._next_id += 1
        self.threads[self._next_id] = {
            "id": self._next_id,
            "pr": pr,
            "status": "active",
            "isDeleted": False,
            "comments": [
                {
                    "id": 1,
                    "parentCommentId": 0,
                    "content": content,
                    "commentType": "text",
                    "author": {"id": identity, "displayName": identity},
                    "isDeleted": False,
                }
            ],
        }
        return self._next_id

    def on(self, pr: int) -> list[dict[str, Any]]:
        return [
            t
            for t in self.threads.values()
            if t["pr"] == pr and not t["comments"][0].get("isDeleted")
        ]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(_Handler):
            def credential(self) -> str | None:
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Bearer "):
                    return auth.removeprefix("Bearer ")
                if auth.startswith("Basic "):
                    decoded = base64.b64decode(auth.removeprefix("Basic ")).decode()
                    return decoded.split(":", 1)[1]
                return None

            def route(self, method: str) -> None:
                token = self.credential()
                api.requests.append((method, self.path, token))
                if api.redirect_to:
                    self.send(302, headers={"Location": api.redirect_to + self.path})
                    return
                parts = urlsplit(self.path)
                who = api.tokens.get(token or "")
                if who is None:  # Azure DevOps answers a sign-in page, not a 401
                    self.send(203, raw=b"<html>Sign in</html>")
                    return
                identity, write = who
                if not parts.path.startswith(api.org + "/"):
                    self.send(404, {"message": "not found"})
                    return
                path = parts.path[len(api.org) :]
                if path == "/_apis/connectionData":
                    self.send(200, {"authenticatedUser": {"id": identity}})
                    return
                if "api-version" not in parse_qs(parts.query):
                    self.send(400, {"message": "No api-version was supplied for the request."})
                    return
                segments = path.strip("/").split("/")
                # :project/_apis/git/repositories/:repo/pullRequests/:id/threads[/:t/comments/:c]
                if segments[:5] != ["infra", "_apis", "git", "repositories", "infra-repo"] or (
                    len(segments) < 8 or segments[5] != "pullRequests" or segments[7] != "threads"
                ):
                    self.send(404, {"message": "TF401019: repository or pull request not found"})
                    return
                pr = int(segments[6])
                if method != "GET" and not write:
                    self.send(
                        403,
                        {
                            "message": "TF401027: You need the Git 'PullRequestContribute' "
                            "permission"
                        },
                    )
                    return
                if len(segments) == 8 and method == "GET":
                    value = [t for t in api.threads.values() if t["pr"] == pr]
                    self.send(200, {"count": len(value), "value": value})
                    return
                if len(segments) == 8 and method == "POST":
                    body = self.body()
                    thread_id = api.add_thread(pr, body["comments"][0]["content"], identity)
                    self.send(200, api.threads[thread_id])
                    return
                if len(segments) == 11 and segments[9] == "comments":
                    thread = api.threads.get(int(segments[8]))
                    if thread is None:
                        self.send(404, {"message": "thread not found"})
                        return
                    comment = next(
                        (c for c in thread["comments"] if c["id"] == int(segments[10])), None
                    )
                    if comment is None:
                        self.send(404, {"message": "comment not found"})
                        return
                    if method == "PATCH":
                        comment["content"] = self.body()["content"]
                        self.send(200, comment)
                        return
                    if method == "DELETE":
                        comment["isDeleted"] = True
                        self.send(200)
                        return
                self.send(405, {"message": "method not allowed"})

            def do_GET(self) -> None:
                self.route("GET")

            def do_POST(self) -> None:
                self.route("POST")

            def do_PATCH(self) -> None:
                self.route("PATCH")

            def do_DELETE(self) -> None:
                self.route("DELETE")

        return Handler
