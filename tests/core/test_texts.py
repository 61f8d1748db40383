"""The texts readers leave for the policy stage are found by any name of their path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aicost.core import texts


def test_a_text_is_found_by_the_path_it_was_read_by_or_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    texts.forget()
    texts.remember("jobs/a.yaml", "a")
    assert texts.recall("jobs/a.yaml") == "a"
    assert texts.recall(os.path.join(os.getcwd(), "jobs", "a.yaml")) == "a"
    assert texts.recall("jobs/../jobs/a.yaml") == "a"
    assert texts.recall("jobs/b.yaml") is None
    texts.remember("./jobs/a.yaml", "a, read again")  # a later read replaces it
    assert texts.recall(os.path.join(os.getcwd(), "jobs", "a.yaml")) == "a, read again"
    texts.forget()
    assert texts.recall("jobs/a.yaml") is None
