"""Declared models (policy options) validate as pydantic does, are plain objects after, and a
check whose policy is cached never imports pydantic."""

from __future__ import annotations

import copy
import os
import pickle
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from aicost.core.declared import Model, as_twin, declared, twin
from aicost.policy.rules import RULES
from aicost.policy.schema import Match, PolicyFile, RuleConfig, Settings, WaiverSettings
from tests.conftest import FIXTURES, REPO

BUDGET = {
    "id": "budget:ml",
    "type": "budget",
    "name": "ml",
    "monthly": "1000",
    "match": {"tags": {"team": "ml"}, "classes": "training"},
}


def test_a_declared_model_is_a_plain_frozen_object() -> None:
    config: Any = RULES["budget"].Config.model_validate(BUDGET)
    assert not isinstance(config, BaseModel)
    match: Any = config.match
    assert not isinstance(match, BaseModel)
    assert isinstance(match, Match)
    assert config.monthly == Decimal(1000) and config.match.classes[0].value == "training"
    with pytest.raises(AttributeError):
        config.name = "other"
    again = pickle.loads(pickle.dumps(config))
    assert again == config == copy.deepcopy(config)
    with pytest.raises(TypeError):  # lists inside: unhashable, as with pydantic
        hash(config)
    with pytest.raises(TypeError):
        hash(twin(RULES["budget"].Config).model_validate(BUDGET))
    assert hash(WaiverSettings(max_days=3)) == hash(WaiverSettings(max_days=3))
    assert config != RULES["budget"].Config.model_validate({**BUDGET, "monthly": "2000"})


def test_values_and_dumps_are_the_twins() -> None:
    model = RULES["budget"].Config
    validated = twin(model).model_validate(BUDGET)
    mine = model.model_validate(BUDGET)
    assert mine.model_dump() == validated.model_dump()
    assert mine.model_dump(mode="json", exclude_defaults=True) == validated.model_dump(
        mode="json", exclude_defaults=True
    )
    assert mine.model_fields_set == validated.model_fields_set
    assert declared(as_twin(mine)) == mine
    assert list(model.model_fields) == list(model.__field_names__)


def test_errors_are_pydantics() -> None:
    model = RULES["budget"].Config
    bad = {**BUDGET, "monthly": "-1", "extra": 1}
    with pytest.raises(ValidationError) as mine:
        model.model_validate(bad)
    with pytest.raises(ValidationError) as theirs:
        twin(model).model_validate(bad)
    assert mine.value.errors(include_url=False) == theirs.value.errors(include_url=False)
    with pytest.raises(ValidationError, match="give monthly"):
        model(id="budget:x", type="budget", name="x")


def test_constructors_validate_and_nested_instances_are_accepted() -> None:
    settings = Settings(hours_per_month="700")
    assert settings.hours_per_month == Decimal(700)
    rule = RuleConfig(id="r", type="t", match=Match(regions="us-*"))
    assert rule.match.regions == ["us-*"]
    assert Settings() == Settings.model_validate({})
    assert isinstance(PolicyFile.model_validate({"version": 1, "name": "p"}).settings, Settings)


def test_every_declared_class_has_a_twin_with_its_name_and_fields() -> None:
    classes = [RULES[name].Config for name in RULES] + [Match, Settings, PolicyFile]
    for model in classes:
        made = twin(model)
        assert issubclass(made, BaseModel) and made.__name__ == model.__name__
        assert tuple(made.model_fields) == model.__field_names__
        assert issubclass(model, Model)


def _run(code: str, cwd: Path, cache: Path) -> str:
    env = {**os.environ, "AICOST_CACHE_DIR": str(cache)}
    env.pop("AICOST_NO_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


CHECK = """
import sys
from aicost.cli import main
code = main(["check", "--format", "compact", "main.tf"])
print(code, sorted({m.split(".")[0] for m in sys.modules} & {"pydantic", "hcl2", "yaml"}))
"""


def test_a_check_with_a_cached_policy_imports_no_pydantic_hcl2_or_yaml(
    tmp_path: Path,
) -> None:
    shutil.copy(FIXTURES / "terraform" / "aws_compliant" / "main.tf", tmp_path / "main.tf")
    cache = tmp_path / "cache"
    code = CHECK.replace("import sys", f"import sys; sys.path.insert(0, {str(REPO)!r})")
    first = _run(code, tmp_path, cache)
    assert first.startswith("0 ") and "pydantic" in first  # validated once
    assert _run(code, tmp_path, cache) == "0 []"
