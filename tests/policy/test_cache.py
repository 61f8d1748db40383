"""The validated-policy cache: a hit is the same policy; an edited file is read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicost.core.errors import ConfigError
from aicost.policy import cache
from aicost.policy.loader import Policy, discover, load_policy
from tests.conftest import Runner, plan

POLICY = """\
version: 1
name: team
extends: base.yaml
waiver_files: [waivers.yaml]
rules:
  - id: tags
    type: required-tags
    tags: [team]
"""
BASE = """\
version: 1
name: base
rules:
  - id: families
    type: gpu-family
    deny: [{family}]
"""
WAIVERS = """\
version: 1
waivers:
  - rule: tags
    addresses: [aws_instance.a]
    reason: legacy
    owner: ops
    expires: 2099-01-01
"""


def _write(directory: Path, family: str = "p3") -> Path:
    (directory / "base.yaml").write_text(BASE.format(family=family))
    (directory / "waivers.yaml").write_text(WAIVERS)
    path = directory / "aicost.yaml"
    path.write_text(POLICY)
    return path


def _shape(policy: Policy) -> object:
    return (
        [(r.config.id, r.module.TYPE, r.config.model_dump()) for r in policy.rules],
        [(w.rule, w.reason, w.expires) for w in policy.waivers],
        policy.chain,
    )


def test_a_cached_policy_is_the_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path)
    first = cache.load_cached(path)
    assert list((cache.cache_dir() / "policies").glob("*.pickle"))
    second = cache.load_cached(path)
    assert _shape(second) == _shape(first) == _shape(load_policy(path))
    assert second.rules[0].module is first.rules[0].module


def test_an_edited_parent_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path)
    cache.load_cached(path)
    _write(tmp_path, family="g3")
    policy = cache.load_cached(path)
    families = [r.config.model_dump() for r in policy.rules if r.config.id == "families"]
    assert families[0]["deny"] == ["g3"]


def test_errors_come_from_the_policy_never_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path)
    cache.load_cached(path)
    (tmp_path / "base.yaml").write_text("version: 1\nname: base\nrules: [{id: x, type: nope}]\n")
    with pytest.raises(ConfigError, match="unknown rule type 'nope'"):
        cache.load_cached(path)


def test_a_corrupt_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path)
    cache.load_cached(path)
    for entry in (cache.cache_dir() / "policies").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _shape(cache.load_cached(path)) == _shape(load_policy(path))


def test_an_entry_others_can_write_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache file anyone could have replaced is not loaded (unpickling runs code)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path / "cache"))
    path = _write(tmp_path)
    cache.load_cached(path)
    entries = list((cache.cache_dir() / "policies").glob("*.pickle"))
    assert entries
    for entry in entries:
        entry.chmod(0o666)
        assert cache._read(entry) is None
        entry.chmod(0o600)
        assert cache._read(entry) is not None
    assert _shape(cache.load_cached(path)) == _shape(load_policy(path))


def test_a_cached_policy_broken_later_exits_2_naming_file_and_line(
    tmp_path: Path, aicost: Runner
) -> None:
    """The second check reads the cache; the edit makes the third a full load that fails."""
    policy = tmp_path / "aicost.yaml"
    policy.write_text(POLICY_OK)
    first = aicost("check", plan("aws_compliant"), "--format", "json")
    second = aicost("check", plan("aws_compliant"), "--format", "json")
    assert first.code == second.code == 0 and first.out == second.out
    assert list((cache.cache_dir() / "policies").glob("*.pickle"))
    policy.write_text(POLICY_OK.replace("tags: [team]", "tags: [team]\n    tagz: [x]"))
    broken = aicost("check", plan("aws_compliant"))
    assert broken.code == 2
    assert "aicost.yaml:7:5: rules[0].tagz: unknown key 'tagz' (did you mean 'tags'?)" in broken.err
    assert "Traceback" not in broken.err


POLICY_OK = """\
version: 1
name: team
rules:
  - id: tags
    type: required-tags
    tags: [team]
"""


def test_the_bundled_pack_is_cached_once_for_every_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path / "cache"))
    loaded = []
    for name in ("repo-a", "repo-b"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        loaded.append(cache.load_cached(*discover(None, Path.cwd())))
    assert len(list((tmp_path / "cache" / "policies").glob("*.pickle"))) == 1
    assert _shape(loaded[0]) == _shape(loaded[1])
    assert loaded[1].origin == "bundled default pack"


def test_changed_validation_code_never_serves_an_old_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install (or a rebuilt wheel of the same version) whose policy code changed
    validates again: the entry is keyed by that code too, not only by aicost's version."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path / "cache"))
    path = _write(tmp_path)
    cache.load_cached(path)
    assert len(list((cache.cache_dir() / "policies").glob("*.pickle"))) == 1
    monkeypatch.setattr(cache, "_code_stamp", lambda: "another-build")
    cache.load_cached(path)
    assert len(list((cache.cache_dir() / "policies").glob("*.pickle"))) == 2


def test_the_code_stamp_is_stable_within_a_run() -> None:
    stamp = cache._code_stamp()
    assert len(stamp) == 16 and stamp == cache._code_stamp()


def test_the_cache_keeps_the_newest_entries_not_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each edit of a policy is a new entry: a write prunes all but the newest KEEP, and
    temporary files a killed writer left; other files in the cache directory stay."""
    import os

    from aicost.core import cachefiles

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cachefiles, "KEEP", 3)
    path = _write(tmp_path)
    entries = tmp_path / "cache" / "policies"
    for number in range(6):
        path.write_text(POLICY + f"# edit {number}\n")
        cache.load_cached(path)
        newest = max(entries.iterdir(), key=lambda e: e.stat().st_mtime)
        os.utime(newest, (1_000_000 + number, 1_000_000 + number))  # written in this order
    stale = entries / "tmpkilled.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (1_000, 1_000))
    other = entries / "README"
    other.write_text("not an entry")
    path.write_text(POLICY + "# the last edit\n")
    last = cache.load_cached(path)
    names = sorted(e.name for e in entries.iterdir())
    assert len([n for n in names if n.endswith(".pickle")]) == 3
    assert "tmpkilled.tmp" not in names and "README" in names
    assert cache.load_cached(path) == last  # the newest entry is the one kept and read
