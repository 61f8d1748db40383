"""aicost.spend imports only aicost's ground floor (aicost.core), and only from one module."""

from __future__ import annotations

import ast
from pathlib import Path

import aicost.spend

PACKAGE = Path(aicost.spend.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("aicost")}


def test_spend_imports_only_core_and_only_in_ground() -> None:
    outside: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        foreign = {name for name in _imports(path) if not name.startswith("aicost.spend")}
        if foreign:
            outside[str(path.relative_to(PACKAGE))] = foreign
    assert list(outside) == ["ground.py"]
    assert all(name.startswith("aicost.core.") for name in outside["ground.py"])
