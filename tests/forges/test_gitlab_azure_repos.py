"""`aicost comment gitlab` and `aicost comment azure-repos` against loopback servers that
speak GitLab's notes API and Azure DevOps' pull-request threads (tests/forges/forge_servers.py)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from aicost.forges import rest
from tests.conftest import Runner, plan
from tests.forges.forge_servers import FakeAzureDevOps, FakeGitLab

TOKEN, READ_ONLY, JOB = "glpat-WRITE0000000000", "glpat-READ00000000000", "job-token-000000"
BEARER, PAT = "azdo-oauth-000000000000", "azdo-pat-00000000000000"
MARKER = "<!-- aicost-report -->"


@pytest.fixture(autouse=True)
def _no_ci_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("CI_", "GITLAB_", "SYSTEM_", "BUILD_", "AZURE_DEVOPS")):
            monkeypatch.delenv(name)


@pytest.fixture
def report(aicost: Runner) -> Path:
    aicost("check", plan("aws_denied"), "--format", "json=report.json")
    return Path("report.json").resolve()


@pytest.fixture
def passing(aicost: Runner) -> Path:
    aicost("check", plan("aws_compliant"), "--format", "json=passing.json")
    return Path("passing.json").resolve()


# --------------------------------------------------------------------------- GitLab


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    with FakeGitLab(
        tokens={TOKEN: ("aicost-bot", True), READ_ONLY: ("reader", False)},
        job_tokens={JOB: ("project_42_bot", True)},
    ) as server:
        yield server


def gl(aicost: Runner, server: FakeGitLab, report: Path, *extra: str) -> tuple[int, str, str]:
    result = aicost(
        "comment", "gitlab", "--report", report, "--api-url", server.url,
        "--project", "42", "--mr", "7", *extra,
    )  # fmt: skip
    return result.code, result.out, result.err


def test_gitlab_update_posts_once_then_edits_in_place(
    aicost: Runner, gitlab: FakeGitLab, report: Path, passing: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    gitlab.add_note(7, "LGTM", "alice")
    gitlab.add_note(7, "added 1 commit", "alice", system=True)
    gitlab.add_note(7, f"{MARKER}\nsomeone else's copy", "mallory")  # not ours: kept
    code, out, err = gl(aicost, gitlab, report)
    assert code == 0, err
    mine = [n for n in gitlab.on(7) if n["author"]["username"] == "aicost-bot"]
    assert len(mine) == 1 and mine[0]["body"].startswith(MARKER + "\n### ❌ aicost: fail")
    assert (
        out.strip() == f"https://gitlab.example/group/infra/-/merge_requests/7#note_{mine[0]['id']}"
    )

    code, _out, err = gl(aicost, gitlab, passing)
    assert code == 0 and "comment updated" in err
    (again,) = [n for n in gitlab.on(7) if n["author"]["username"] == "aicost-bot"]
    assert again["id"] == mine[0]["id"] and "### ✅ aicost: pass" in again["body"]
    assert any(n["author"]["username"] == "mallory" for n in gitlab.on(7))

    before = len(gitlab.requests)
    code, _out, err = gl(aicost, gitlab, passing)
    assert "comment unchanged" in err
    assert not [m for m, _p, _t in gitlab.requests[before:] if m == "PUT"]
    # pagination: with two notes per page every page was read (X-Next-Page)
    assert any("page=2" in p for _m, p, _t in gitlab.requests)


def test_gitlab_new_and_delete_and_new(
    aicost: Runner, gitlab: FakeGitLab, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    gl(aicost, gitlab, report)
    gl(aicost, gitlab, report, "--behavior", "new")
    assert len(gitlab.on(7)) == 2
    code, _out, err = gl(aicost, gitlab, report, "--behavior", "delete-and-new")
    assert code == 0, err
    (only,) = gitlab.on(7)
    assert only["id"] == max(gitlab.notes)  # the latest in the discussion


def test_gitlab_self_managed_url_project_path_and_ci_variables(
    aicost: Runner, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeGitLab(prefix="/gitlab/api/v4", tokens={TOKEN: ("aicost-bot", True)}) as server:
        monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
        monkeypatch.setenv("CI_API_V4_URL", server.url)
        monkeypatch.setenv("CI_PROJECT_ID", "group/infra")
        monkeypatch.setenv("CI_MERGE_REQUEST_IID", "3")
        monkeypatch.setenv("CI_MERGE_REQUEST_PROJECT_URL", "https://git.acme.example/group/infra")
        result = aicost("comment", "gitlab", "--report", report)
        assert result.code == 0, result.err
        (note,) = server.on(3)
        assert result.out.strip() == (
            f"https://git.acme.example/group/infra/-/merge_requests/3#note_{note['id']}"
        )
        assert all("/gitlab/api/v4/projects/group%2Finfra/" in p or p.endswith("/user")
                   for _m, p, _t in server.requests)  # fmt: skip


def test_gitlab_job_token_is_sent_as_job_token(
    aicost: Runner, gitlab: FakeGitLab, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_JOB_TOKEN", JOB)
    code, _out, err = gl(aicost, gitlab, report)
    assert code == 0, err
    gl(aicost, gitlab, report)  # update: the marker finds the note without /user
    assert len(gitlab.on(7)) == 1
    assert {t for _m, _p, t in gitlab.requests} == {JOB}


def test_gitlab_read_only_token_is_a_warning_and_tokens_are_never_printed(
    aicost: Runner, gitlab: FakeGitLab, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", READ_ONLY)
    code, out, err = gl(aicost, gitlab, report)
    assert code == 0
    assert "GitLab refused to write the note (403" in err and "api scope" in err
    assert READ_ONLY not in out + err
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-WRONG")
    code, out, err = gl(aicost, gitlab, report)
    assert code == 2 and "GitLab rejected the token (401" in err
    assert "glpat-WRONG" not in out + err


def test_gitlab_never_follows_a_redirect_to_another_origin(
    aicost: Runner, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        FakeGitLab(tokens={TOKEN: ("aicost-bot", True)}) as elsewhere,
        FakeGitLab(tokens={TOKEN: ("aicost-bot", True)}) as server,
    ):
        server.redirect_to = elsewhere.origin
        monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
        code, _out, err = gl(aicost, server, report)
        assert code == 2
        assert f"refusing to send the token to {elsewhere.origin}" in err
        assert elsewhere.requests == []  # the token never reached the other origin


def test_gitlab_usage_errors(aicost: Runner, report: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = aicost("comment", "gitlab", "--report", report, "--project", "42", "--mr", "7")
    assert result.code == 2 and "no token: set GITLAB_TOKEN" in result.err
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    result = aicost("comment", "gitlab", "--report", report, "--project", "42")
    assert result.code == 2 and "--mr IID is required" in result.err


# --------------------------------------------------------------------------- Azure Repos


@pytest.fixture
def azdo() -> Iterator[FakeAzureDevOps]:
    with FakeAzureDevOps(
        tokens={BEARER: ("build-service-id", True), PAT: ("pat-user-id", True),
                "read-only": ("reader-id", False)},
    ) as server:  # fmt: skip
        yield server


def az(aicost: Runner, server: FakeAzureDevOps, report: Path, *extra: str) -> tuple[int, str, str]:
    result = aicost(
        "comment", "azure-repos", "--report", report, "--org-url", server.url,
        "--project", "infra", "--repository", "infra-repo", "--pr", "12", *extra,
    )  # fmt: skip
    return result.code, result.out, result.err


def test_azure_repos_thread_is_sticky(
    aicost: Runner, azdo: FakeAzureDevOps, report: Path, passing: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("SYSTEM_ACCESSTOKEN", BEARER)
    azdo.add_thread(12, "Please add a README", "reviewer-id")
    azdo.add_thread(12, f"{MARKER}\nnot ours", "someone-id")
    code, out, err = az(aicost, azdo, report)
    assert code == 0, err
    mine = [t for t in azdo.on(12) if t["comments"][0]["author"]["id"] == "build-service-id"]
    assert len(mine) == 1
    first = mine[0]["comments"][0]
    assert first["content"].startswith(MARKER + "\n### ❌ aicost: fail")
    assert out.strip() == (
        f"{azdo.url}infra/_git/infra-repo/pullrequest/12?discussionId={mine[0]['id']}"
    )
    code, _out, err = az(aicost, azdo, passing)
    assert "comment updated" in err
    assert "### ✅ aicost: pass" in azdo.threads[mine[0]["id"]]["comments"][0]["content"]
    assert len(azdo.on(12)) == 3
    assert all("api-version=7.1" in p for _m, p, _t in azdo.requests if "_apis/git" in p)


def test_azure_repos_new_and_delete_and_new_with_a_pat(
    aicost: Runner, azdo: FakeAzureDevOps, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", PAT)
    az(aicost, azdo, report)
    az(aicost, azdo, report, "--behavior", "new")
    assert len(azdo.on(12)) == 2
    code, _out, err = az(aicost, azdo, report, "--behavior", "delete-and-new")
    assert code == 0, err
    assert len(azdo.on(12)) == 1
    assert {t for _m, _p, t in azdo.requests} == {PAT}  # basic auth ":PAT", decoded


def test_azure_repos_pipeline_variables(
    aicost: Runner, azdo: FakeAzureDevOps, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYSTEM_ACCESSTOKEN", BEARER)
    monkeypatch.setenv("SYSTEM_COLLECTIONURI", azdo.url)
    monkeypatch.setenv("SYSTEM_TEAMPROJECT", "infra")
    monkeypatch.setenv("BUILD_REPOSITORY_ID", "infra-repo")
    monkeypatch.setenv("SYSTEM_PULLREQUEST_PULLREQUESTID", "12")
    result = aicost("comment", "azure-repos", "--report", report)
    assert result.code == 0, result.err
    assert len(azdo.on(12)) == 1


def test_azure_repos_refusals_and_redirects(
    aicost: Runner, azdo: FakeAzureDevOps, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYSTEM_ACCESSTOKEN", "read-only")
    code, _out, err = az(aicost, azdo, report)
    assert code == 0 and "Azure DevOps refused to write the thread (403" in err
    monkeypatch.setenv("SYSTEM_ACCESSTOKEN", "wrong-token-123456")
    code, out, err = az(aicost, azdo, report)
    assert code == 2 and "rejected the token (203" in err and "wrong-token" not in out + err
    with FakeAzureDevOps(tokens={BEARER: ("x", True)}) as elsewhere:
        azdo.redirect_to = elsewhere.origin
        monkeypatch.setenv("SYSTEM_ACCESSTOKEN", BEARER)
        code, _out, err = az(aicost, azdo, report)
        assert code == 2 and "refusing to send the token" in err
        assert elsewhere.requests == []


def test_azure_repos_missing_pipeline_context(aicost: Runner, report: Path) -> None:
    result = aicost("comment", "azure-repos", "--report", report)
    assert result.code == 2
    assert "--org-url (or SYSTEM_COLLECTIONURI)" in result.err
    assert "--pr (or SYSTEM_PULLREQUEST_PULLREQUESTID)" in result.err


def test_same_origin_redirects_are_followed() -> None:
    with FakeGitLab(tokens={TOKEN: ("aicost-bot", True)}) as server:
        client = rest.Client(server.url, {"PRIVATE-TOKEN": TOKEN}, secrets=(TOKEN,))
        server.redirect_to = server.origin + "/api/v4/moved"
        with pytest.raises(rest.ForgeError, match="too many redirects"):
            client.request("GET", "/user")  # same origin, but loops: bounded
    basic = base64.b64encode(f":{PAT}".encode()).decode()
    client = rest.Client("http://127.0.0.1:9", {"Authorization": f"Basic {basic}"},
                         secrets=(PAT, basic), retries=0)  # fmt: skip
    with pytest.raises(rest.ForgeError) as raised:
        client.request("GET", "/x")
    assert PAT not in str(raised.value) and basic not in str(raised.value)


def test_the_examples_use_the_forges() -> None:
    import yaml

    from tests.conftest import REPO

    gitlab_ci = yaml.safe_load((REPO / "examples" / "gitlab" / ".gitlab-ci.yml").read_text())
    job = gitlab_ci["aicost"]
    script = "\n".join(job["script"])
    assert "aicost comment gitlab --report aicost.json" in script
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"]["reports"]["junit"] == "aicost.xml"
    azure = yaml.safe_load(
        (REPO / "examples" / "azure-pipelines" / "azure-pipelines.yml").read_text()
    )
    gate = next(s for s in azure["steps"] if s.get("displayName") == "aicost cost gate")
    assert "aicost comment azure-repos" in gate["script"]
    assert gate["env"] == {"SYSTEM_ACCESSTOKEN": "$(System.AccessToken)"}


def test_the_github_client_never_follows_a_redirect_to_another_origin() -> None:
    from aicost.forges.github import GitHub

    with FakeGitLab(tokens={TOKEN: ("x", True)}) as elsewhere, FakeGitLab() as server:
        server.redirect_to = elsewhere.origin
        client = GitHub(server.url, "ghs_SECRET0000000000")
        with pytest.raises(rest.ForgeError, match="refusing to follow a redirect") as raised:
            client.request("GET", "/user")
        assert "ghs_SECRET" not in str(raised.value)
        assert elsewhere.requests == []


@pytest.mark.parametrize(
    ("platform", "url_option", "extra", "token_env"),
    [
        ("github", "--api-url", ["--repo", "o/r", "--pr", "1"], "GITHUB_TOKEN"),
        ("gitlab", "--api-url", ["--project", "42", "--mr", "7"], "GITLAB_TOKEN"),
        (
            "azure-repos",
            "--org-url",
            ["--project", "p", "--repository", "r", "--pr", "3"],
            "SYSTEM_ACCESSTOKEN",
        ),
    ],
)
def test_credentials_in_the_api_url_never_reach_an_error(
    aicost: Runner,
    report: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    url_option: str,
    extra: list[str],
    token_env: str,
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(token_env, TOKEN)
    url = f"http://oauth2:Url-Pa55word-0000@127.0.0.1:{port}/"
    result = aicost("comment", platform, "--report", report, url_option, url, *extra)
    assert result.code == 2, result.err
    assert "cannot reach http://127.0.0.1:" in result.err
    assert "Pa55word" not in result.out + result.err
    assert "pa55word" not in result.out + result.err
