"""The rule registry names each rule module by the type the module declares."""

from __future__ import annotations

import sys

from aicost.policy.rules import MODULES, RULES


def test_every_registered_type_is_its_modules_type() -> None:
    assert list(RULES) == list(MODULES)
    for rule_type, module in RULES.items():
        assert rule_type == module.TYPE
        assert rule_type in RULES
    assert "no-such-rule" not in RULES
    assert RULES.get("no-such-rule") is None


def test_a_rule_module_is_imported_when_looked_up() -> None:
    module = RULES["region"]
    assert sys.modules["aicost.policy.rules.region"] is module
