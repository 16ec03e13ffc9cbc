"""The eval harness compares rules-only and the model on one reading of each source."""
from __future__ import annotations

import shutil
from pathlib import Path

import eval.harness as harness
import extract.pipeline as pipeline
from eval.harness import evaluate, evaluate_systems

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def test_each_source_is_read_once_for_both_systems(tmp_path, monkeypatch):
    for stem in ("seed_000", "seed_002"):
        for suffix in (".txt", ".json"):
            shutil.copy(SAMPLES / f"{stem}{suffix}", tmp_path / f"{stem}{suffix}")
    (tmp_path / "broken.txt").write_bytes(b"\xff\xfe not a report")
    shutil.copy(SAMPLES / "seed_000.json", tmp_path / "broken.json")
    reads = []
    real = pipeline.read_document
    monkeypatch.setattr(pipeline, "read_document", lambda src, name=None: reads.append(name) or real(src, name=name))

    out = tmp_path / "pred"
    r = evaluate_systems(tmp_path, {"rules-only": False, "model": True}, outdir=out)
    assert sorted(reads) == ["broken.txt", "seed_000.txt", "seed_002.txt"]  # once each, not twice
    assert set(r) == {"rules-only", "model"}
    for name, res in r.items():
        assert res["documents"] == 3 and res["use_model"] == (name == "model")
        assert sorted(p.name for p in (out / name).iterdir()) == ["broken.json", "seed_000.json", "seed_002.json"]
        broken = next(d for d in res["per_document"] if d["doc_id"] == "broken")
        assert broken["status"] == "failed" and broken["error"] and broken["cells_correct"] == 0

    # the same scores as evaluating each system on its own
    reads.clear()
    alone = evaluate(tmp_path, use_model=False)
    assert len(reads) == 3
    assert alone["cells"] == r["rules-only"]["cells"] and alone["sections"] == r["rules-only"]["sections"]
    assert alone["findings"] == r["rules-only"]["findings"]
    assert harness.format_comparison(r).count("\n") == 2


def test_eval_render_scores_the_renderings_and_removes_them(tmp_path, monkeypatch):
    """``nianbao eval --render pdf`` scores text-layer PDFs rendered from the gold, then deletes them
    (a scan run left ~86 MB in /tmp each time)."""
    import json
    import tempfile

    from click.testing import CliRunner

    from extract.cli import main

    gold = tmp_path / "gold"
    gold.mkdir()
    for suffix in (".txt", ".json"):
        shutil.copy(SAMPLES / f"seed_000{suffix}", gold / f"seed_000{suffix}")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    res = CliRunner().invoke(main, ["eval", str(gold), "--render", "pdf", "--no-model", "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert r["rendered"]["pdf"]["documents"] == 1 and r["rendered"]["pdf"]["cells"]["all"]["correct"] > 150
    assert not list(scratch.iterdir())  # the renderings are gone
    again = harness.evaluate_rendered(gold, ["pdf"], use_model=False)  # the library call cleans up alike
    assert again["pdf"]["cells"] == r["rendered"]["pdf"]["cells"] and not list(scratch.iterdir())


def test_eval_heldout_scores_only_the_held_out_reports_of_an_empty_gold_dir(tmp_path):
    import json

    from click.testing import CliRunner

    from extract.cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    res = CliRunner().invoke(main, ["eval", str(empty), "--heldout", "1"])
    assert res.exit_code == 2 and "--render" in res.output  # nothing would be scored: say so
    res = CliRunner().invoke(main, ["eval", str(empty), "--heldout", "2", "--render", "pdf", "--no-model",
                                    "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert r["source"]["documents"] == 0 and r["rendered"]["pdf"]["documents"] == 2
    assert [d["doc_id"] for d in r["rendered"]["pdf"]["per_document"]] == ["heldout_000", "heldout_001"]
