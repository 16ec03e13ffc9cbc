"""training.corpus_cache: a saved corpus is reused only for the same recipe and code."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from training import corpus_cache
from training.corpus_cache import cached

TRAIN = [{"id": "train-pipe-1", "kind": "pipe", "text": "一、总体情况", "classes": ["SEC"] * 6, "boxes": [[0, 0, 1, 1]] * 6}]
TEST = [{"id": "test-html-2", "kind": "html", "text": "0", "classes": ["VAL"], "boxes": [[5, 5, 9, 9]]}]


class Builds:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return TRAIN, TEST


def test_round_trip_and_reuse(tmp_path: Path) -> None:
    path, build = tmp_path / "c.jsonl.gz", Builds()
    assert cached(path, {"seed": 1}, build) == (TRAIN, TEST)
    assert cached(path, {"seed": 1}, build) == (TRAIN, TEST)
    assert build.calls == 1
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl.gz"]  # no temporary file left


def test_other_recipe_or_code_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, build = tmp_path / "c.jsonl.gz", Builds()
    cached(path, {"seed": 1}, build)
    cached(path, {"seed": 2}, build)
    assert build.calls == 2
    monkeypatch.setattr(corpus_cache, "fingerprint", lambda: "another-code")
    cached(path, {"seed": 2}, build)
    assert build.calls == 3


def test_unreadable_file_rebuilds(tmp_path: Path) -> None:
    path, build = tmp_path / "c.jsonl.gz", Builds()
    path.write_bytes(b"not gzip")
    assert cached(path, {"seed": 1}, build) == (TRAIN, TEST)
    cached(path, {"seed": 1}, build)
    with gzip.open(path, "rt") as f:  # the bad file was replaced by a good one
        assert '"seed": 1' in f.readline()
    assert build.calls == 1


def test_fingerprint_follows_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for pkg in corpus_cache._PACKAGES:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(corpus_cache, "_ROOT", tmp_path)
    before = corpus_cache.fingerprint()
    (tmp_path / "training" / "a.py").write_text("x = 2\n")
    assert corpus_cache.fingerprint() != before
