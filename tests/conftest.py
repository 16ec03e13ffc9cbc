"""Shared test helpers: where the hand-labelled dev set lives (beside the checkout)."""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
GOLD_DEV = SHARED / "gold" / "dev"


@pytest.fixture(scope="session")
def gold_dev() -> Path:
    if not GOLD_DEV.is_dir():
        pytest.skip("../shared/gold/dev not present")
    return GOLD_DEV
