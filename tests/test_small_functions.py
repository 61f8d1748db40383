"""The function size check (scripts/check_complexity.py, run by .ci/run) finds long and
branchy functions by their qualified name, and the package passes it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _checker() -> ModuleType:
    path = REPO / "scripts" / "check_complexity.py"
    spec = importlib.util.spec_from_file_location("check_complexity", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_long_and_branchy_functions_are_named(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(61))
    branches = "".join(f"        if x == {i}:\n            return {i}\n" for i in range(21))
    (tmp_path / "aicost").mkdir()
    (tmp_path / "aicost" / "m.py").write_text(
        f"def long():\n{body}\n\nclass C:\n    def ok(self):\n        return 1\n\n"
        f"    def branchy(self, x):\n{branches}"
    )
    over = _checker().measure(tmp_path)
    assert over == {
        "aicost/m.py:long": "62 lines (line 1)",
        "aicost/m.py:C.branchy": "complexity 22 (line 69)",
    }


def test_the_package_passes_with_its_allow_list() -> None:
    checker = _checker()
    assert set(checker.measure(REPO)) == set(checker.ALLOWED)
