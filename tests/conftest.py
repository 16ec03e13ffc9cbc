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


@pytest.fixture(scope="session", autouse=True)
def _model_loaded_once():
    """Load the token classifier once per test session (as a batch worker does before its first
    document), so tests that time a document do not time the model's loading."""
    try:
        from models.classifier import load_classifier

        load_classifier()
    except Exception:  # no checkpoint, or no torch: the pipeline falls back to the rules
        pass
