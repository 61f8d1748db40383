"""A small GitHub REST API for tests: issue comments, pulls, /user, on 127.0.0.1.

It speaks the shapes GitHub does for the endpoints `aicost comment github` uses: paginated
comment lists with ``Link`` headers (``rel="next"``/``rel="last"``), 201/200/204 for
create/update/delete, 401 for a bad token, 403 "Resource not accessible by integration"
for a read-only token (what a pull request from a fork gets), 422 for a body over 65,536
characters. Every request is recorded with the token it carried.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}


@dataclass
class Token:
    user: dict[str, Any]
    write: bool = True
    installation: bool = True  # a workflow's GITHUB_TOKEN cannot call GET /user


@dataclass
class FakeGitHub:
    page_size: int = 2
    prefix: str = ""  # "/api/v3" for GitHub Enterprise Server
    head_sha: str = "a" * 40
    tokens: dict[str, Token] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    foreign_next_link: bool = False
    _next_id: int = 1000

    def __post_init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{self.prefix}"

    def __enter__(self) -> FakeGitHub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def add_comment(self, number: int, body: str, user: dict[str, Any]) -> int:
        self._next_id += 1
        cid = self._next_id
        self.comments[cid] = {
            "id": cid,
            "number": number,
            "body": body,
            "user": user,
            "html_url": f"https://github.example/o/r/pull/{number}#issuecomment-{cid}",
        }
        return cid

    def on(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.comments.values() if c["number"] == number]

    def methods(self) -> list[str]:
        return [f"{m} {p.split('?')[0]}" for m, p, _ in self.requests]


def _handler(api: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(
            self, status: int, data: Any = None, headers: dict[str, str] | None = None
        ) -> None:
            body = b"" if data is None else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def _route(self, method: str) -> None:
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            api.requests.append((method, self.path, token))
            if api.fail_next:
                self._send(api.fail_next.pop(0), {"message": "Server Error"})
                return
            parts = urlsplit(self.path)
            path = parts.path
            if api.prefix:
                if not path.startswith(api.prefix + "/"):
                    self._send(404, {"message": "Not Found"})
                    return
                path = path[len(api.prefix) :]
            who = api.tokens.get(token or "")
            if who is None:
                self._send(401, {"message": "Bad credentials"})
                return
            if path == "/user" and method == "GET":
                if who.installation:
                    self._send(403, {"message": "Resource not accessible by integration"})
                else:
                    self._send(200, who.user)
                return
            match = re.fullmatch(r"/repos/o/r/pulls/(\d+)", path)
            if match and method == "GET":
                self._send(200, {"number": int(match[1]), "head": {"sha": api.head_sha}})
                return
            match = re.fullmatch(r"/repos/o/r/issues/(\d+)/comments", path)
            if match and method == "GET":
                self._list(int(match[1]), parse_qs(parts.query))
                return
            if match and method == "POST":
                if not who.write:
                    self._forbidden()
                    return
                body = str(self._body().get("body", ""))
                if len(body) > 65536:
                    self._send(
                        422,
                        {
                            "message": "Validation Failed",
                            "errors": [
                                {"message": "Body is too long (maximum is 65536 characters)"}
                            ],
                        },
                    )
                    return
                cid = api.add_comment(int(match[1]), body, who.user)
                self._send(201, api.comments[cid])
                return
            match = re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", path)
            if match:
                comment = api.comments.get(int(match[1]))
                if comment is None:
                    self._send(404, {"message": "Not Found"})
                elif not who.write:
                    self._forbidden()
                elif method == "PATCH":
                    comment["body"] = str(self._body().get("body", ""))
                    self._send(200, comment)
                elif method == "DELETE":
                    del api.comments[int(match[1])]
                    self._send(204)
                else:
                    self._send(405, {"message": "Method Not Allowed"})
                return
            self._send(404, {"message": "Not Found"})

        def _forbidden(self) -> None:
            self._send(
                403,
                {
                    "message": "Resource not accessible by integration",
                    "documentation_url": "https://docs.github.com/rest/issues/comments",
                },
            )

        def _list(self, number: int, query: dict[str, list[str]]) -> None:
            per_page = min(int(query.get("per_page", ["30"])[0]), api.page_size)
            page = int(query.get("page", ["1"])[0])
            items = sorted(api.on(number), key=lambda c: c["id"])
            chunk = items[(page - 1) * per_page : page * per_page]
            last = max(1, -(-len(items) // per_page))
            headers = {}
            if page < last:
                base = api.url if not api.foreign_next_link else "http://203.0.113.9:9"
                link = f"{base}/repos/o/r/issues/{number}/comments?per_page={per_page}"
                headers["Link"] = (
                    f'<{link}&page={page + 1}>; rel="next", <{link}&page={last}>; rel="last"'
                )
            self._send(200, chunk, headers)

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler
