"""End to end on the hand-labelled dev set (../shared/gold/dev), through the eval harness
and through the independent scorer shared/tools/score.py."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
from click.testing import CliRunner

from eval.harness import evaluate
from extract.cli import main
from extract.report import json_schema

from conftest import SHARED


def test_harness_on_dev(gold_dev):
    r = evaluate(gold_dev)
    assert r["documents"] >= 12
    # every cell right except those the source cannot determine without guessing (see README)
    assert r["cells"]["all"]["accuracy"] >= 0.999
    assert r["sections"]["f1"] == 1.0
    assert r["layout"]["accuracy"] == 1.0
    assert r["meta"]["agency"]["accuracy"] == 1.0 and r["meta"]["year"]["accuracy"] == 1.0
    f = r["findings"]
    assert f["flagged"] == f["inconsistent"] and f["false_alarm_docs"] == 0
    # each miss is a null with a finding, never a wrong number
    for d in r["per_document"]:
        assert all(v["pred"] is None for v in d["wrong_cells"].values()), d["doc_id"]


def test_cli_output_contract_and_independent_scorer(gold_dev, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["extract", str(gold_dev), "-o", str(out)])
    assert res.exit_code == 0, res.output
    schema = json_schema()
    files = sorted(out.glob("*.json"))
    assert len(files) == len([p for p in gold_dev.iterdir() if p.suffix != ".json"])
    for f in files:
        doc = json.loads(f.read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema)
        assert doc["status"] in ("ok", "partial")
        from extract.schema import cell_keys
        assert list(doc["cells"]) == cell_keys(doc["layout"])
        assert set(doc["provenance"]) == set(doc["cells"])
        for k, src in doc["provenance"].items():
            if doc["cells"][k] is not None:
                assert src["confidence"] > 0 and ("span" in src or "box" in src or "cell" in src or "rule" in src), (f.name, k, src)
    score = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), str(gold_dev), str(out),
                            "--min-cells", "0.999", "--min-sections", "1.0"], capture_output=True, text=True)
    assert score.returncode == 0, score.stdout + score.stderr
    assert "false_alarm_docs=0/" in score.stdout
