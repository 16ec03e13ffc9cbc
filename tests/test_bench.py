"""The benchmark's parts: generic baselines, OCR CER, device handling, results files."""
from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from eval import bench as bench_mod
from eval.baselines import (baseline_cells, docx_tables, html_tables, map_rows, ocr_rows, parse_cell,
                            text_rows)
from eval.bench import bench, resolve_devices, token_results
from eval.bench_inputs import docx_gold, prepare
from eval.metrics import CellAccuracy
from eval.ocr_cer import cell_pairs, cer, levenshtein, parse_tsv, tesseract_available, unrotate
from extract.cli import main as cli
from extract.schema import cell_keys

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

T3_ROW = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


# ---------------------------------------------------------------- baselines
def test_html_baseline_reads_a_simple_table():
    html = ("<html><body><p>二、主动公开政府信息情况</p><table>"
            "<tr><th>信息内容</th><th>本年制发件数</th><th>本年废止件数</th><th>现行有效件数</th></tr>"
            "<tr><td>规章</td><td>1</td><td>0</td><td>5</td></tr>"
            "<tr><td>行政事业性收费</td><td colspan=3>12.5</td></tr></table>"
            "<table><tr><td colspan=2>三、本年度办理结果</td><td>（一）予以公开</td>"
            + "".join(f"<td>{i}</td>" for i in range(7)) + "</tr>"
            "<tr><td>（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td><td></td><td>2</td></tr></table>"
            "<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>"
            "<tr>" + "".join(f"<td>{i}</td>" for i in range(15)) + "</tr></table></body></html>").encode("utf-8")
    tables = html_tables(html)
    assert len(tables) == 3 and tables[0][1] == ["规章", "1", "0", "5"]
    got = baseline_cells("html", html, "2021")
    assert got["t2.regulations.issued"] == 1 and got["t2.regulations.in_force"] == 5
    assert got["t2.fees.amount"] == 12.5
    assert [got[f"t3.granted.{c}"] for c in ("natural_person", "total")] == [0, 6]
    assert got["t3.partial.natural_person"] is None and got["t3.partial.commercial"] == 2
    assert "t3.partial.research" not in got  # the row printed only two cells
    assert got["t4.review.upheld"] == 0 and got["t4.suit_after_review.total"] == 14


def test_html_baseline_nested_table_rows_stay_in_their_table():
    html = b"<table><tr><td><table><tr><td>\xe8\xa7\x84\xe7\xab\xa0</td><td>3</td></tr></table></td></tr></table>"
    outer, inner = html_tables(html)
    assert inner == [["规章", "3"]] and len(outer) == 1


def test_baseline_matches_labels_exactly_only():
    # a label variant real reports print (a comma for 、) is not the official label: no cell
    rows = [["1. 申请人无正当理由逾期不补正, 行政机关不再处理其政府信息公开申请", "9", "0", "0", "0", "0", "0", "9"],
            ["（七）总计", "1", "2", "3", "4", "5", "6", "21"]]
    got = map_rows(rows, "2021")
    assert not any(k.startswith("t3.other.no_correction") for k in got)
    assert got["t3.total.total"] == 21
    assert parse_cell("12件") == "12件" and parse_cell("nan") == "nan"


def test_text_baseline_splits_tabs_pipes_and_spaces():
    text = "规章\t1\t\t3\n| 行政许可 | 7 |\n（七）总计 1 2 3 4 5 6 21\n"
    rows = text_rows(text)
    assert rows[0] == ["规章", "1", "", "3"] and rows[1] == ["行政许可", "7"]
    got = baseline_cells("text", text.encode("utf-8"), "2021")
    assert got["t2.regulations.repealed"] is None and got["t2.licensing.decisions"] == 7
    assert got["t3.total.total"] == 21


def test_scan_baseline_groups_ocr_lines_into_rows():
    lines = [("（七）总计", (10, 500, 200, 530), 0.0)] + [
        (str(v), (300 + 60 * i, 502, 330 + 60 * i, 528), 0.0) for i, v in enumerate([1, 2, 3, 4, 5, 6, 21])]
    lines.append(("规章", (10, 560, 60, 590), 0.0))
    rows = ocr_rows(lines)
    assert rows[0][0] == "（七）总计" and rows[0][-1] == "21" and rows[1] == ["规章"]
    assert baseline_cells("scan", b"", "2021", ocr_pages=[lines])["t3.total.total"] == 21
    with pytest.raises(ValueError):
        baseline_cells("scan", b"", "2021")
    with pytest.raises(ValueError):
        baseline_cells("tiff", b"", "2021")


def test_docx_baseline_and_the_docx_gold(tmp_path):
    from training.render_docx import render_docx

    gold = json.loads((SAMPLES / "seed_000.json").read_text(encoding="utf-8"))
    rep, g = docx_gold(gold)
    assert set(rep.cells) == set(cell_keys(gold["layout"])) and g["cells"] == gold["cells"]
    data = render_docx(rep, 0, layout_table=False)
    tables = docx_tables(data)
    assert len(tables) == 3
    acc = CellAccuracy()
    acc.update(gold["cells"], baseline_cells("docx", data, gold["layout"]))
    assert acc.summary()["all"]["accuracy"] == 1.0  # official labels, clean grid: the generic reader gets it all


# ---------------------------------------------------------------- OCR CER
def test_cer_counts_edits_over_truth_characters():
    assert levenshtein("kitten", "sitting") == 3
    r = cer([("（一）予以公开", "(一)予以公开"), ("12", "1"), ("", "0")])
    assert r == {"cer": round(2 / 9, 6), "errors": 2, "chars": 9, "cells": 3}  # NFKC: brackets are equal
    assert cer([])["cer"] is None


def test_unrotate_inverts_the_scan_rotation():
    import cv2
    import numpy as np

    h, w, angle = 400, 300, 1.4
    img = np.zeros((h, w), np.uint8)
    img[50:54, 220:224] = 255  # a dot near a corner, where the turn moves it most
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)  # as training.render.render_scan
    out = cv2.warpAffine(img, turn, (w, h))
    ys, xs = np.nonzero(out > 64)
    x, y = unrotate(float(xs.mean()) + 0.5, float(ys.mean()) + 0.5, angle, (w, h))
    assert math.hypot(x - 222, y - 52) < 1.5


def test_cell_pairs_places_characters_by_centre():
    cells = [((0, 0, 100, 20), "总计"), ((100, 0, 150, 20), "12"), ((150, 0, 200, 20), "")]
    chars = [("总", (10, 10, 30, 30)), ("汁", (40, 10, 60, 30)), ("1", (210, 10, 230, 30)), ("2", (240, 10, 260, 30)),
             ("|", (310, 10, 318, 30)), ("x", (1000, 1000, 1010, 1010))]
    pairs = cell_pairs(cells, chars, scale=2.0, angle=0.0, size=(1000, 1000))
    assert pairs == [("总计", "总汁"), ("12", "12"), ("", "|")]
    assert cer(pairs)["errors"] == 2


def test_tesseract_tsv_words_become_characters():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t0\t0\t90\t10\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t0\t0\t60\t10\t90\t予以公\n")
    assert [c for c, _ in parse_tsv(tsv)] == ["予", "以", "公"]
    assert parse_tsv(tsv)[2][1] == (40.0, 0.0, 60.0, 10.0)


@pytest.mark.skipif(tesseract_available() is not None, reason="tesseract chi_sim not installed")
def test_tesseract_reads_a_rendered_line():
    from PIL import Image, ImageDraw

    from eval.ocr_cer import tesseract_chars
    from training.render import _pil_font

    img = Image.new("RGB", (500, 80), "white")
    ImageDraw.Draw(img).text((10, 15), "总计 2024", fill="black", font=_pil_font(40))
    img.info["dpi"] = (200, 200)
    text = "".join(c for c, _ in tesseract_chars(img))
    assert "2024" in text


# ---------------------------------------------------------------- devices, hooks, the run
def test_cuda_request_without_a_device_is_a_note_not_a_crash():
    devs, note = resolve_devices("cuda", {"torch": False, "onnxruntime": False})
    assert devs == ["cpu"] and "no CUDA device" in note
    assert resolve_devices("cpu") == (["cpu"], None)


def test_token_hook(monkeypatch):
    fake = types.ModuleType("training.train")
    monkeypatch.setitem(sys.modules, "training.train", fake)
    import training

    monkeypatch.setattr(training, "train", fake, raising=False)
    assert token_results(2, 0)[0] is None and "no token_eval" in token_results(2, 0)[1]
    fake.token_eval = lambda n, seed: {"f1": 0.9, "documents": n}
    assert token_results(3, 0) == ({"f1": 0.9, "documents": 3}, None)


def test_results_files_and_schema(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_mod, "cuda_status", lambda: {"torch": False, "onnxruntime": False, "name": None})
    monkeypatch.delenv("NIANBAO_OCR_DEVICE", raising=False)
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    r = bench(SAMPLES, ["text", "html"], device="cuda", out=out, limit=2, tokens=0)
    assert not list(scratch.iterdir())  # its working folder is removed
    assert "NIANBAO_OCR_DEVICE" not in os.environ  # set only while a kind runs
    assert {"version", "gold_dir", "kinds", "devices", "runs", "tokens", "tokens_note", "machine", "seconds"} <= set(r)
    assert r["devices"]["run"] == ["cpu"] and "no CUDA device" in r["devices"]["note"]
    text = r["runs"]["cpu"]["text"]
    assert text["documents"] == 2 and set(text["systems"]) == {"model", "rules-only", "baseline"}
    for name in ("model", "rules-only"):
        s = text["systems"][name]
        assert {"cells", "sections", "layout", "meta", "findings", "speed", "model_documents"} <= set(s)
        assert {"t2", "t3", "t4", "all"} <= set(s["cells"])
        assert s["speed"]["pages_per_s"] > 0 and "tables" in s["speed"]["seconds_per_page"]
    assert set(text["margin"]) == {"model", "rules-only"} and text["peak_rss_mib"] > 0 and text["peak_gpu_mib"] is None
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved["runs"]["cpu"]["html"]["systems"]["baseline"]["cells"]["all"]["total"] == 200
    md = (out / "results.md").read_text(encoding="utf-8")
    assert "## Accuracy" in md and "| cpu | text | 2 |" in md and "no CUDA device" in md
    for png in ("accuracy.png", "speed.png", "stages.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"


def test_prepare_limits_and_rejects_unknown_kinds(tmp_path):
    got = prepare(SAMPLES, ["text", "html", "docx"], tmp_path, limit=2)
    assert [p.name for p, _ in got["text"]] == ["seed_000.txt", "seed_001.txt"]
    assert [p.name for p, _ in got["html"]] == ["synthetic_001.html"]
    assert [p.suffix for p, _ in got["docx"]] == [".docx", ".docx"]
    with pytest.raises(ValueError):
        prepare(SAMPLES, ["tiff"], tmp_path)


def test_eval_cli_prints_both_systems_and_no_model_only_one(tmp_path):
    res = CliRunner().invoke(cli, ["eval", str(SAMPLES), "--kinds", "html", "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    assert "== rules-only ==" in res.output and "== model ==" in res.output and "== as given ==" in res.output
    assert set(json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))) == {"rules_only", "model"}
    res = CliRunner().invoke(cli, ["eval", str(SAMPLES), "--kinds", "html", "--no-model"])
    assert res.exit_code == 0 and "== model ==" not in res.output


def test_bench_cli_rejects_an_unknown_kind():
    res = CliRunner().invoke(cli, ["bench", "--kinds", "text,nope"])
    assert res.exit_code != 0 and "unknown kinds" in res.output
