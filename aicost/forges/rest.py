"""A small JSON REST client for the forges (stdlib only) that never leaks its credentials.

* every request goes to the API's own origin (scheme, host and port): a URL elsewhere, a
  pagination link included, is refused before anything is sent;
* redirects are never followed to another origin (urllib would follow them and re-send
  the ``Authorization`` header); a same-origin redirect is followed, at most 5 times;
* the token never appears in an error message;
* 5xx answers and network errors are retried (twice, with a short back-off).

Each forge maps the HTTP errors to its own words with ``describe`` (what a 401, 403 or 404
means on that forge) and raises :class:`~aicost.forges.Refused` for what is a warning.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aicost import __version__
from aicost.core.errors import AicostError

TIMEOUT = 30.0
MAX_REDIRECTS = 5


class ForgeError(AicostError):
    """The comment could not be posted for a reason the user must fix (exit 2)."""


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    data: Any


class HTTPFailure(Exception):
    """An HTTP error answer, for the forge to describe."""

    def __init__(self, method: str, path: str, status: int, headers: Mapping[str, str], data: Any):
        super().__init__(f"{status} on {method} {path}")
        self.method = method
        self.path = path
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.data = data

    @property
    def message(self) -> str:
        data = self.data
        if isinstance(data, dict):
            for key in ("message", "error", "error_description"):
                if data.get(key):
                    return " ".join(str(data[key]).split())[:300]
        return ""


def public(netloc: str) -> str:
    """*netloc* without credentials (``user:password@``), for messages."""
    return netloc.rpartition("@")[2]


def public_url(url: str) -> str:
    """*url* without credentials, for messages."""
    parsed = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parsed._replace(netloc=public(parsed.netloc)))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back to the client, which decides (same origin only)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """For clients on plain urllib: follow a redirect only within *origin* (urllib would
    otherwise re-send the ``Authorization`` header to wherever the redirect points)."""

    def __init__(self, origin: tuple[str, str]) -> None:
        self.origin = origin

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        parsed = urllib.parse.urlsplit(newurl)
        if (parsed.scheme, parsed.netloc.lower()) != self.origin:
            raise ForgeError(
                f"refusing to follow a redirect to {parsed.scheme}://{public(parsed.netloc)} "
                f"with the token (the API is {self.origin[0]}://{public(self.origin[1])})"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Client:
    def __init__(
        self,
        api: str,
        headers: Mapping[str, str],
        *,
        secrets: tuple[str, ...] = (),
        retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        self.api = api.rstrip("/")
        parsed = urllib.parse.urlsplit(self.api)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ForgeError(f"the API URL must be an http(s) URL, not {public_url(api)!r}")
        self.origin = (parsed.scheme, parsed.netloc.lower())
        self._headers = {"User-Agent": f"aicost/{__version__}", **headers}
        self._secrets = tuple(s for s in secrets if s)
        self.retries = retries
        self.backoff = backoff
        self._opener = urllib.request.build_opener(_NoRedirect)

    def safe(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.api + path

    def _check_origin(self, url: str) -> urllib.parse.SplitResult:
        parsed = urllib.parse.urlsplit(url)
        if (parsed.scheme, parsed.netloc.lower()) != self.origin:
            raise ForgeError(
                f"refusing to send the token to {parsed.scheme}://{public(parsed.netloc)} "
                f"(the API is {self.origin[0]}://{public(self.origin[1])})"
            )
        return parsed

    def _check_redirect(self, url: str) -> urllib.parse.SplitResult:
        """A redirect's target, refused (before anything is sent) on another origin."""
        return self._check_origin(url)

    def request(self, method: str, path: str, payload: Any = None) -> Response:
        url = self.url(path)
        parsed = self._check_origin(url)
        data = json.dumps(payload).encode() if payload is not None else None
        headers = dict(self._headers)
        headers.setdefault("Accept", "application/json")
        if data is not None:
            headers["Content-Type"] = "application/json"
        attempt = 0
        redirects = 0
        while True:
            attempt += 1
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with self._opener.open(request, timeout=TIMEOUT) as response:
                    raw = response.read()
                    return Response(response.status, dict(response.headers.items()), _json(raw))
            except urllib.error.HTTPError as exc:
                raw = exc.read()
                status = exc.code
                answer = dict(exc.headers.items()) if exc.headers else {}
                if status in (301, 302, 303, 307, 308):
                    target = {k.lower(): v for k, v in answer.items()}.get("location", "")
                    url = urllib.parse.urljoin(url, target)
                    parsed = self._check_redirect(url)  # another origin: refused, never sent
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise ForgeError(f"too many redirects from {method} {path}") from None
                    if status == 303:
                        method, data = "GET", None
                    attempt -= 1
                    continue
                if status >= 500 and attempt <= self.retries:
                    time.sleep(self.backoff * attempt)
                    continue
                raise HTTPFailure(method, parsed.path, status, answer, _json(raw)) from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                if attempt <= self.retries:
                    time.sleep(self.backoff * attempt)
                    continue
                reason = getattr(exc, "reason", exc)
                raise ForgeError(
                    self.safe(f"cannot reach {self.origin[0]}://{public(self.origin[1])}: {reason}")
                ) from None

    def pages(
        self,
        path: str,
        next_page: Callable[[Response, str], str | None],
        items: Callable[[Any], list[Any]],
        *,
        limit: int = 100,
    ) -> list[Any]:
        """Every item of a paginated list; *next_page* gives the next URL (or None)."""
        found: list[Any] = []
        url: str | None = path
        for _ in range(limit):
            if url is None:
                return found
            response = self.request("GET", url)
            found.extend(items(response.data))
            url = next_page(response, url)
        raise ForgeError(f"more than {limit} pages of comments; giving up")


def _json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def header(response: Response, name: str) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == name.lower():
            return value
    return None
