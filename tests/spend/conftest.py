from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.spend.helpers import days, line, write

START = date(2026, 9, 1)
DAYS = 70  # 2026-09-01 .. 2026-11-09
LAST = START + timedelta(days=DAYS - 1)


def search_cost(day: date) -> int:
    if day == LAST:
        return 90
    return 10 if ((day - START).days // 7) % 2 == 0 else 30


def scenario_rows() -> list[dict[str, Any]]:
    """Seventy days of AI and other spend, with a known answer for every KPI."""
    rows: list[dict[str, Any]] = []
    vision = {"team": "vision", "model": "detector", "use-case": "training"}
    search = {"team": "search", "use_case": "ranking"}
    for day in days(START, DAYS):
        desc = "$98.32 per On Demand Linux p5.48xlarge Instance Hour"
        rows.append(
            line(
                day,
                40,
                description="Savings Plan p5.48xlarge",
                resource="i-vision",
                tags=vision,
                pricing="Committed",
                commitment="sp-1",
                quantity=12,
                unit="Hours",
            )
        )
        rows.append(
            line(
                day,
                60,
                description=desc,
                resource="i-vision",
                tags=vision,
                quantity=12,
                unit="Hours",
            )
        )
        rows.append(
            line(
                day,
                search_cost(day),
                resource="i-search",
                tags=search,
                description="$0.40 per Spot Linux g5.xlarge Instance Hour",
                pricing="Dynamic",
                quantity=24,
                unit="Hours",
            )
        )
        rows.append(
            line(
                day,
                1000,
                service="Amazon Simple Storage Service",
                category="Storage",
                description="$0.023 per GB-Mo",
                resource="bucket",
                tags=vision,
                quantity=40000,
                unit="GB-Mo",
            )
        )
        if day > LAST - timedelta(days=14):
            rows.append(
                line(
                    day,
                    3,
                    service="Amazon Bedrock",
                    category="AI and Machine Learning",
                    description="Claude input tokens",
                    resource="bedrock-chat",
                    tags={"team": "chat", "model": "claude"},
                    quantity=1_000_000,
                    unit="Tokens",
                    pricing_unit="1K Tokens",
                )
            )
        if day > LAST - timedelta(days=7):
            rows.append(
                line(
                    day,
                    5,
                    service="Amazon SageMaker",
                    category="AI and Machine Learning",
                    description="Studio notebook",
                    resource="nb-1",
                )
            )
    return rows


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("spend") / "export.csv", scenario_rows())


SAMPLE = Path(__file__).parent.parent / "fixtures" / "focus" / "focus-1.0-sample.csv"
