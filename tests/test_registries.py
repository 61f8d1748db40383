"""Registries are the one place an entry is added: each entry has documentation (a module
docstring, and a mention in the README or docs/) and tests (a test names it), and what the
CLI offers (choices, help) comes from the registries.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import pytest

from aicost import forges, report, sources
from aicost.cli import COMMANDS
from aicost.mappers import MAPPERS
from aicost.policy.rules import RULES
from aicost.pricing.catalog import LAYOUTS
from aicost.pricing.refresh import REFRESHERS
from aicost.spend import formats as spend_formats
from aicost.spend.pull import CLOUDS as SPEND_CLOUDS
from tests.conftest import REPO

DOCS = "\n".join(
    p.read_text(encoding="utf-8") for p in [REPO / "README.md", *(REPO / "docs").glob("*.md")]
)
TESTS = "\n".join(
    # errors="replace": the vendored public corpus has a UTF-16 plan (a Windows redirect)
    p.read_text(encoding="utf-8", errors="replace")
    for p in [*(REPO / "tests").rglob("*.py"), *(REPO / "tests" / "fixtures").rglob("*.json")]
    if p.name != "test_registries.py"
)


def _module(target: str | ModuleType) -> ModuleType:
    if isinstance(target, ModuleType):
        return target
    return importlib.import_module(target.partition(":")[0])


def _entries() -> list[tuple[str, str, ModuleType]]:
    registries: Mapping[str, Mapping[str, Any]] = {
        "commands": COMMANDS,
        "formats": report.FORMATS,
        "sources": sources.SOURCES,
        "refreshers": REFRESHERS,
        "forges": forges.FORGES,
        "layouts": LAYOUTS,
        "rules": RULES,
        "spend formats": spend_formats.FORMATS,
        "spend pull clouds": SPEND_CLOUDS,
    }
    found = [
        (registry, name, _module(target))
        for registry, entries in registries.items()
        for name, target in entries.items()
    ]
    found += [
        (f"mappers[{provider}]", name.rsplit(".", 1)[-1], _module(name))
        for provider, names in MAPPERS.items()
        for name in names
    ]
    return found


def _doc_words(registry: str, name: str) -> list[str]:
    """How the docs name an entry: its key; an input kind by its title; a mapper by its
    provider."""
    if registry == "sources":
        title = sources.TITLES[name][1]
        return [name, *(w.strip() for w in re.split(r"[,()]", title) if w.strip())]
    if registry.startswith("mappers["):
        return [name, registry[len("mappers[") : -1].split("-")[0]]
    return [name]


@pytest.mark.parametrize(("registry", "name", "module"), _entries(), ids=lambda x: str(x))
def test_each_registry_entry_has_docs_and_tests(
    registry: str, name: str, module: ModuleType
) -> None:
    assert (module.__doc__ or "").strip(), f"{module.__name__} has no docstring"
    words = _doc_words(registry, name)
    assert any(w.lower() in DOCS.lower() for w in words), (
        f"{registry} entry {name!r} is not in the README or docs/ (looked for {words})"
    )
    tail = module.__name__.rsplit(".", 1)[-1]
    # a mapper is tested when a test or a fixture plan has one of its resource types
    handled = list(getattr(module, "HANDLERS", {})) if registry.startswith("mappers[") else []
    assert any(w in TESTS for w in (name, module.__name__, tail, *handled)), (
        f"no test names {registry} entry {name!r}"
    )


def test_every_input_kind_has_a_title_for_help() -> None:
    assert list(sources.TITLES) == sorted(sources.TITLES, key=list(sources.TITLES).index)
    assert set(sources.TITLES) == set(sources.SOURCES)


def test_cli_choices_come_from_the_registries(capsys: pytest.CaptureFixture[str]) -> None:
    from aicost.cli import build_parser

    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["check", "--help"])
    check_help = " ".join(capsys.readouterr().out.split())
    for name in report.FORMATS:
        assert name in check_help
    with pytest.raises(SystemExit):
        parser.parse_args(["pricing", "refresh", "--help"])
    assert "{" + ",".join(REFRESHERS) + "}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        parser.parse_args(["comment", "--help"])
    comment_help = capsys.readouterr().out
    for name in forges.FORGES:
        assert name in comment_help
    with pytest.raises(SystemExit):
        parser.parse_args(["spend", "--help"])
    spend_help = capsys.readouterr().out
    assert "{" + ",".join(spend_formats.FORMATS) + "}" in spend_help
    assert "|".join(SPEND_CLOUDS) in spend_help
