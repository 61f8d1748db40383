"""`aicost comment github`: one sticky comment, over GitHub's REST API on a local server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import CliResult, Runner, plan
from tests.forges.github_api import BOT, FakeGitHub, Token

WRITE = "ghs_writeWRITEwrite0123456789"
READ_ONLY = "ghs_forkFORKfork0123456789"
PAT = "ghp_personalPERSONAL0123456789"
OCTOCAT = {"login": "octocat", "id": 1, "type": "User"}
MALLORY = {"login": "mallory", "id": 666, "type": "User"}


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    api = FakeGitHub(
        tokens={
            WRITE: Token(BOT),
            READ_ONLY: Token(BOT, write=False),
            PAT: Token(OCTOCAT, installation=False),
        }
    )
    with api:
        yield api


@pytest.fixture
def reports(aicost: Runner, tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("aws_mixed", "aws_compliant", "aws_sensitive"):
        path = tmp_path / f"{name}.json"
        aicost("check", plan(name), "--format", f"json={path}")
        out[name] = path
    return out


def comment(
    aicost: Runner,
    github: FakeGitHub,
    report: Path,
    *args: str,
    token: str | None = WRITE,
    monkeypatch: pytest.MonkeyPatch,
) -> CliResult:
    if token is None:
        monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    else:
        monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    return aicost(
        "comment", "github", "--report", report, "--repo", "o/r", "--api-url", github.url, *args
    )


def test_update_posts_once_then_edits_in_place(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five earlier comments: aicost's sticky comment is on page 3 (page size 2).
    github.add_comment(7, "LGTM", OCTOCAT)
    github.add_comment(7, "<!-- aicost-report -->\nspoofed by someone else", MALLORY)
    github.add_comment(7, "nit", OCTOCAT)
    github.add_comment(7, "ok", OCTOCAT)
    sticky = github.add_comment(7, "<!-- aicost-report -->\nold report", BOT)

    first = comment(aicost, github, reports["aws_mixed"], "--pr", "7", monkeypatch=monkeypatch)
    assert first.code == 0, first.err
    assert github.comments[sticky]["body"].startswith("<!-- aicost-report -->\n### ❌ aicost: fail")
    assert "spoofed by someone else" in github.comments[sticky - 3]["body"]  # never touched
    assert len(github.on(7)) == 5
    listing = [m for m in github.methods() if m.startswith("GET /repos/o/r/issues/7/comments")]
    assert len(listing) == 3  # followed Link: rel="next" to the last page
    assert github.methods()[-1] == f"PATCH /repos/o/r/issues/comments/{sticky}"
    assert first.out.strip() == f"https://github.example/o/r/pull/7#issuecomment-{sticky}"

    github.requests.clear()
    again = comment(aicost, github, reports["aws_mixed"], "--pr", "7", monkeypatch=monkeypatch)
    assert "comment unchanged" in again.err
    assert not [m for m in github.methods() if not m.startswith("GET")]

    changed = comment(
        aicost, github, reports["aws_compliant"], "--pr", "7", monkeypatch=monkeypatch
    )
    assert "comment updated" in changed.err
    assert "### ✅ aicost: pass" in github.comments[sticky]["body"]
    assert len(github.on(7)) == 5


def test_first_comment_is_created(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = comment(aicost, github, reports["aws_mixed"], "--pr", "3", monkeypatch=monkeypatch)
    assert result.code == 0
    (created,) = github.on(3)
    assert created["user"] == BOT
    assert created["body"].startswith("<!-- aicost-report -->\n")
    assert len(created["body"]) <= 65536


def test_new_and_delete_and_new(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        comment(
            aicost,
            github,
            reports["aws_mixed"],
            "--pr",
            "4",
            "--behavior",
            "new",
            monkeypatch=monkeypatch,
        )
    assert len(github.on(4)) == 2
    github.add_comment(4, "a human comment", OCTOCAT)
    result = comment(
        aicost,
        github,
        reports["aws_compliant"],
        "--pr",
        "4",
        "--behavior",
        "delete-and-new",
        monkeypatch=monkeypatch,
    )
    assert result.code == 0
    remaining = github.on(4)
    assert [c["body"] for c in remaining if c["user"] == OCTOCAT] == ["a human comment"]
    (ours,) = [c for c in remaining if c["user"] == BOT]
    assert "### ✅ aicost: pass" in ours["body"]
    assert sum(m.startswith("DELETE") for m in github.methods()) == 2


def test_tags_keep_one_sticky_comment_per_workspace(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for tag in ("ws/a", "ws/b", "ws/a"):
        comment(
            aicost, github, reports["aws_mixed"], "--pr", "5", "--tag", tag, monkeypatch=monkeypatch
        )
    bodies = sorted(c["body"].splitlines()[0] for c in github.on(5))
    assert bodies == ["<!-- aicost-report tag=ws/a -->", "<!-- aicost-report tag=ws/b -->"]


def test_read_only_fork_token_is_a_clear_warning_not_a_failure(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = comment(
        aicost, github, reports["aws_mixed"], "--pr", "9", token=READ_ONLY, monkeypatch=monkeypatch
    )
    assert result.code == 0
    err = result.err
    assert err.startswith("aicost: warning: GitHub refused to write the comment (403: Resource not")
    assert "forks" in err and "workflow_run" in err and "not affected" in err
    assert github.on(9) == []
    assert READ_ONLY not in err + result.out


def test_the_token_is_never_printed(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = "ghs_notATokenGitHubKnows0000"
    result = comment(
        aicost, github, reports["aws_mixed"], "--pr", "1", token=bad, monkeypatch=monkeypatch
    )
    assert result.code == 2
    assert "GitHub rejected the token (401: Bad credentials)" in result.err
    assert bad not in result.err + result.out
    assert all(token == bad for _, _, token in github.requests)  # sent only as the header


def test_sensitive_plan_values_never_reach_the_comment(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    comment(aicost, github, reports["aws_sensitive"], "--pr", "2", monkeypatch=monkeypatch)
    (posted,) = github.on(2)
    for secret in ("CC-4242-CONFIDENTIAL", "hf_FAKEtoken", "FAKE-hunter2", "g6e.xlarge", "L40S"):
        assert secret not in posted["body"]


def test_personal_token_edits_its_own_comments(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot_comment = github.add_comment(6, "<!-- aicost-report -->\nby the bot", BOT)
    mine = github.add_comment(6, "<!-- aicost-report -->\nby octocat", OCTOCAT)
    comment(aicost, github, reports["aws_mixed"], "--pr", "6", token=PAT, monkeypatch=monkeypatch)
    assert github.comments[bot_comment]["body"].endswith("by the bot")
    assert "aicost: fail" in github.comments[mine]["body"]


def test_github_enterprise_api_url(
    aicost: Runner, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeGitHub(prefix="/api/v3", tokens={WRITE: Token(BOT)}) as ghes:
        result = comment(aicost, ghes, reports["aws_mixed"], "--pr", "8", monkeypatch=monkeypatch)
        assert result.code == 0
        assert all(path.startswith("/api/v3/") for _, path, _ in ghes.requests)
        assert len(ghes.on(8)) == 1


def test_pull_request_number_from_the_event(
    aicost: Runner,
    github: FakeGitHub,
    reports: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 12}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    comment(aicost, github, reports["aws_mixed"], monkeypatch=monkeypatch)
    assert len(github.on(12)) == 1


def test_refuses_a_report_for_another_commit(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = comment(
        aicost,
        github,
        reports["aws_mixed"],
        "--pr",
        "13",
        "--expect-head-sha",
        "b" * 40,
        monkeypatch=monkeypatch,
    )
    assert result.code == 2
    assert "pull request #13 is at aaaaaaaaaaaa, not bbbbbbbbbbbb" in result.err
    assert github.on(13) == []
    ok = comment(
        aicost,
        github,
        reports["aws_mixed"],
        "--pr",
        "13",
        "--expect-head-sha",
        "a" * 40,
        monkeypatch=monkeypatch,
    )
    assert ok.code == 0 and len(github.on(13)) == 1


def test_pagination_never_leaves_the_api_host(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    for body in ("a", "b", "c"):
        github.add_comment(14, body, OCTOCAT)
    github.foreign_next_link = True
    result = comment(aicost, github, reports["aws_mixed"], "--pr", "14", monkeypatch=monkeypatch)
    assert result.code == 2
    assert "refusing to send the token to http://203.0.113.9:9" in result.err
    assert len(github.on(14)) == 3


def test_server_errors_are_retried(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import aicost.forges.github as module

    monkeypatch.setattr(module.GitHub, "__init__", _fast_retries(module.GitHub.__init__))
    github.fail_next = [502]
    result = comment(aicost, github, reports["aws_mixed"], "--pr", "15", monkeypatch=monkeypatch)
    assert result.code == 0, result.err
    assert len(github.on(15)) == 1


def _fast_retries(init: object) -> object:
    def patched(self: object, api: str, token: str, **kwargs: object) -> None:
        init(self, api, token, retries=2, backoff=0.01)  # type: ignore[operator]

    return patched


def test_missing_token_and_repo_are_usage_errors(
    aicost: Runner, github: FakeGitHub, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = comment(
        aicost, github, reports["aws_mixed"], "--pr", "1", token=None, monkeypatch=monkeypatch
    )
    assert result.code == 2
    assert "no token: set GITHUB_TOKEN" in result.err
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    no_repo = aicost("comment", "github", "--report", reports["aws_mixed"], "--pr", "1")
    assert no_repo.code == 2 and "--repo OWNER/REPO is required" in no_repo.err
    assert github.requests == []


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with a redirect (``redirect_to``) or records its token."""

    redirect_to: str | None = None
    seen: list[str | None]

    def _answer(self) -> None:
        type(self).seen.append(self.headers.get("Authorization"))
        target = type(self).redirect_to
        if target is not None:
            self.send_response(307)
            self.send_header("Location", target + self.path)
            self.end_headers()
            return
        body = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


def _server(redirect_to: str | None) -> tuple[ThreadingHTTPServer, type[_Recorder]]:
    handler = type("Handler", (_Recorder,), {"redirect_to": redirect_to, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    return server, handler


def test_a_redirect_to_another_origin_never_gets_the_token(
    aicost: Runner, reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    other, other_seen = _server(None)  # another port on the same host: another origin
    api, api_seen = _server(f"http://127.0.0.1:{other.server_address[1]}")
    try:
        monkeypatch.setenv("GITHUB_TOKEN", WRITE)
        result = aicost(
            "comment",
            "github",
            "--report",
            reports["aws_mixed"],
            "--repo",
            "o/r",
            "--pr",
            "5",
            "--api-url",
            f"http://127.0.0.1:{api.server_address[1]}",
        )
    finally:
        for server in (api, other):
            server.shutdown()
            server.server_close()
    assert result.code == 2
    assert "refusing to follow a redirect to" in result.err and "with the token" in result.err
    assert api_seen.seen and api_seen.seen[0] == f"Bearer {WRITE}"
    assert other_seen.seen == []  # not one request reached the other origin
    assert WRITE not in result.err + result.out
