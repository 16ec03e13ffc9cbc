"""The fixture renderer (training/render.py): specs with real merged cells, text-layer PDFs
whose 表三 crosses a page break with its header repeated, deterministic scans with a seal."""
from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from extract.schema import SECTIONS, cell_keys
from training import render as R
from training.synth import random_report, render as synth_render

HEADINGS = [s[2] for s in SECTIONS]
needs_font = pytest.mark.skipif(not R.font_available("wqy-zenhei"), reason="wqy-zenhei font not installed")


def _gold(layout: str = "2021", seed: int = 7) -> dict:
    rep = random_report(random.Random(seed), layout=layout, consistent=True)
    return rep.gold(f"synth_{layout}")


# ------------------------------------------------------------------ specs (no fonts needed)
def test_table_three_has_the_official_merged_cells():
    gold = _gold("2021")
    t3 = R.spec_from_gold(gold).table("t3")
    assert t3.shape() == (3 + 25, 10) and t3.header_rows == 3
    merged = {cell.text: (cell.row_span, cell.col_span) for _, _, cell in t3.merged()}
    assert merged["申请人情况"] == (1, 7)
    assert merged["法人或其他组织"] == (1, 5)
    assert merged["自然人"] == (2, 1) and merged["总计"] == (2, 1)
    assert merged[R.T3_NOTE] == (3, 3)
    assert merged["三、本年度办理结果"] == (22, 1)  # (一) … (七)总计
    assert merged["（三）不予公开"] == (8, 1) and merged["（四）无法提供"] == (3, 1)
    assert merged["（五）不予处理"] == (5, 1) and merged["（六）其他处理"] == (3, 1)
    assert merged["一、本年新收政府信息公开申请数量"] == (1, 3) and merged["（七）总计"] == (1, 2)
    row = next(r for r in t3.rows if len(r) >= 8 and r[-8].text == "1.属于国家秘密")
    assert [c.text for c in row[-7:]] == [str(gold["cells"][f"t3.denied.state_secret.{c}"]) for c in
                                          ("natural_person", "commercial", "research", "social_org", "legal_service",
                                           "other_org", "total")]


def test_table_four_and_two_layouts():
    gold = _gold("2019")
    spec = R.spec_from_gold(gold)
    t4 = spec.table("t4")
    assert t4.shape() == (4, 15)
    merged = {cell.text: (cell.row_span, cell.col_span) for _, _, cell in t4.merged()}
    assert merged["行政复议"] == (1, 5) and merged["行政诉讼"] == (1, 10)
    assert merged["未经复议直接起诉"] == (1, 5) and merged["复议后起诉"] == (1, 5) and merged["结果维持"] == (2, 1)
    assert t4.texts()[3] == [str(gold["cells"][k]) for k in cell_keys("2019") if k.startswith("t4.")]
    t2 = spec.table("t2").texts()
    assert [r[0] for r in t2 if r[0].startswith("第二十条")] == [
        f"第二十条第（{n}）项" for n in "一五六八九"]
    assert ["信息内容", "采购项目数量", "采购总金额"] in t2
    t3 = spec.table("t3")
    other = next(r for r in t3.rows if any(c.text == "（六）其他处理" for c in r))
    assert next(c for c in other if c.text == "（六）其他处理").col_span == 2  # 2019: one row


def test_nulls_floats_and_missing_rows():
    gold = _gold("2021")
    cells = gold["cells"]
    cells["t2.fees.amount"] = 4068.208
    cells["t3.granted.research"] = None
    for k in [k for k in cells if k.startswith("t3.other.other.")]:
        del cells[k]
    spec = R.spec_from_gold(gold)
    assert ["行政事业性收费", "4068.208"] in spec.table("t2").texts()
    t3 = spec.table("t3")
    granted = next(r for r in t3.texts() if "（一）予以公开" in r)
    assert granted[granted.index("（一）予以公开") + 3] == ""
    assert not any("3.其他" in r for r in t3.texts())
    assert {c.text: c.row_span for _, _, c in t3.merged()}["（六）其他处理"] == 2
    assert t3.shape()[0] == 3 + 24
    gold["cells"] = {k: v for k, v in cells.items() if not k.startswith("t4.")}
    assert R.spec_from_gold(gold).table("t4") is None


def test_title_sections_and_narrative_without_table_debris():
    gold = _gold("2021")
    gold["sections"] = HEADINGS[:5]
    rep = random_report(random.Random(7), layout="2021")
    text = synth_render(rep, "pipe", random.Random(1))
    spec = R.spec_from_gold(gold, text)
    assert spec.title == f"{gold['meta']['agency']}{gold['meta']['year']}年政府信息公开工作年度报告"
    assert spec.headings() == HEADINGS[:5]
    paras = [b.text for b in spec.blocks if isinstance(b, R.Para)]
    assert paras and not any("|" in p or "第二十条" in p or "信息内容" in p for p in paras)
    assert [t.id for t in spec.tables()] == ["t2", "t3", "t4"]
    gold["meta"]["agency"] = None
    assert R.spec_from_gold(gold).title.startswith(str(gold["meta"]["year"]))


# ------------------------------------------------------------------ PDFs
@pytest.fixture(scope="module")
def synth_pdf() -> tuple[dict, bytes]:
    if not R.font_available("wqy-zenhei"):
        pytest.skip("wqy-zenhei font not installed")
    gold = _gold("2021", seed=11)
    return gold, R.render_pdf(R.spec_from_gold(gold), seed=0)


def _pages_text(pdf: bytes) -> list[str]:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [(p.extract_text() or "") for p in doc.pages]


@needs_font
def test_pdf_text_layer_has_headings_numbers_and_page_numbers(synth_pdf):
    gold, pdf = synth_pdf
    pages = _pages_text(pdf)
    flat = "".join(pages).replace("\n", "").replace(" ", "")
    for h in HEADINGS:
        assert h in flat
    assert gold["meta"]["agency"] in flat
    rows = "\n".join(pages)
    for key in ("t3.new_received.total", "t3.total.total", "t4.review.total", "t2.normative.in_force"):
        assert str(gold["cells"][key]) in rows
    assert len(pages) >= 3 and all(f"- {i} -" in p for i, p in enumerate(pages, 1))


@needs_font
def test_table_three_crosses_a_page_and_repeats_its_header(synth_pdf):
    _, pdf = synth_pdf
    pages = _pages_text(pdf)
    on = [i for i, p in enumerate(pages) if "申请人情况" in p]
    assert len(on) == 2 and on[1] == on[0] + 1 == R.table_pages(pdf)[1] - 1
    first, second = pages[on[0]], pages[on[1]]
    assert "本年新收" in first and "结转下年度继续办理" in second and "结转下年度" not in first
    for term in ("申请人情况", "法人或其他组织", "总计", "本列数据"):
        assert term in first and term in second


@needs_font
def test_merged_header_cells_are_real(synth_pdf):
    import pdfplumber
    _, pdf = synth_pdf
    widths = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page_no in R.table_pages(pdf, "t3"):  # each piece of 表三
            tables = doc.pages[page_no - 1].find_tables()
            rows = next(t for t in tables if "申请人情况" in str(t.extract())).rows
            ncols = max(len(r.cells) for r in rows)
            widths.append(ncols)
            starts = [sum(c is not None for c in r.cells) for r in rows]
            assert starts[:3] == [2, 3, 5]  # 申请人情况 | 自然人 法人或其他组织 总计 | 商业企业 … 其他
            assert max(starts[3:]) < 10  # labels span columns, group labels span rows
    assert max(widths) == 10


@needs_font
def test_pdf_is_deterministic_and_fonts_and_styles_differ(synth_pdf):
    gold, pdf = synth_pdf
    spec = R.spec_from_gold(gold)
    assert R.render_pdf(spec, seed=0) == pdf
    if R.font_available("uming"):
        other = R.render_pdf(spec, font="uming", style="browser", seed=2)
        pages = _pages_text(other)
        assert "申请人情况" in "".join(pages) and f"1/{len(pages)}" in pages[0]


@needs_font
def test_pdf_from_gold_and_its_source(gold_dev):
    gold = json.loads((gold_dev / "real_002.json").read_text(encoding="utf-8"))
    text = R.source_text_of(gold_dev / "real_002.txt")
    spec = R.spec_from_gold(gold, text)
    assert spec.headings() == gold["sections"]
    assert sum(isinstance(b, R.Para) for b in spec.blocks) >= 5
    pdf = R.render_pdf(spec, seed=0)
    flat = "".join(_pages_text(pdf)).replace("\n", "").replace(" ", "")
    for h in gold["sections"]:
        assert h in flat
    for key in ("t2.fees.amount", "t3.new_received.total", "t3.granted.natural_person", "t4.review.total"):
        assert R.fmt_value(gold["cells"][key]) in flat
    assert len(R.table_pages(pdf, "t3")) == 2


# ------------------------------------------------------------------ scans
@pytest.fixture(scope="module")
def short_pdf() -> bytes:
    if not R.font_available("wqy-zenhei"):
        pytest.skip("wqy-zenhei font not installed")
    gold = {"doc_id": "short", "layout": "2021", "meta": {"agency": "某某县人民政府办公室", "year": 2024},
            "sections": HEADINGS, "cells": {k: 1 for k in cell_keys("2021") if k.startswith("t4.")}}
    return R.render_pdf(R.spec_from_gold(gold), seed=0)


def _skew(img) -> float:
    """The angle (degrees) that best levels the text lines (projection profile)."""
    import cv2
    g = 255 - np.asarray(img.convert("L").resize((img.width // 4, img.height // 4)), dtype=np.float32)
    h, w = g.shape
    best = (0.0, -1.0)
    for a in np.arange(-2.0, 2.01, 0.1):
        m = cv2.getRotationMatrix2D((w / 2, h / 2), float(a), 1.0)
        score = float(np.var(cv2.warpAffine(g, m, (w, h)).sum(axis=1)))
        if score > best[1]:
            best = (float(a), score)
    return best[0]


def _red(img) -> int:
    a = np.asarray(img).astype(int)
    return int(((a[..., 0] > 150) & (a[..., 1] < 110) & (a[..., 2] < 110) & (a[..., 0] - a[..., 1] > 80)).sum())


@needs_font
def test_scan_is_deterministic_sized_rotated_and_sealed(short_pdf):
    import pypdfium2 as pdfium
    pages = R.render_scan(short_pdf, dpi=200, seed=5)
    again = R.render_scan(short_pdf, dpi=200, seed=5)
    assert len(pages) == len(again) >= 2
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(pages, again))
    assert all(abs(p.size[0] - 1654) <= 1 and abs(p.size[1] - 2339) <= 1 for p in pages)
    small = [np.asarray(R.render_scan(short_pdf, dpi=50, seed=s)[0]) for s in (5, 6)]
    assert abs(small[0].shape[1] - 413) <= 1 and not np.array_equal(small[0], small[1])
    doc = pdfium.PdfDocument(short_pdf)
    flat = doc[0].render(scale=200 / 72).to_pil().convert("RGB")
    doc.close()
    assert abs(_skew(flat)) < 0.15
    angle = pages[0].info["rotation"]
    assert 0.3 <= abs(angle) <= 1.5
    assert abs(abs(_skew(pages[0])) - abs(angle)) <= 0.3 and abs(_skew(pages[0])) >= 0.2
    assert _red(pages[-1]) > 2000 and all(_red(p) < 50 for p in pages[:-1])


@needs_font
def test_scan_packaging(short_pdf):
    import pypdfium2 as pdfium
    from PIL import Image
    pages = R.render_scan(short_pdf, dpi=100, seed=1)
    assert abs(pages[0].size[0] - 827) <= 1
    pdf = R.scan_to_pdf(pages)
    doc = pdfium.PdfDocument(pdf)
    try:
        assert len(doc) == len(pages)
        w, h = doc[0].get_size()
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2
        assert all(doc[i].get_textpage().count_chars() == 0 for i in range(len(doc)))
    finally:
        doc.close()
    tif = Image.open(io.BytesIO(R.scan_to_tiff(pages)))
    assert tif.n_frames == len(pages)


# ------------------------------------------------------------------ fixture sets and CLI
@needs_font
def test_build_fixture_set_and_cli(tmp_path):
    gold_dir, out = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir()
    rep = random_report(random.Random(3), layout="2019")
    gold = rep.gold("doc_a")
    (gold_dir / "doc_a.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (gold_dir / "doc_a.txt").write_text(synth_render(rep, "tab", random.Random(2)), encoding="utf-8")
    assert R.main([str(gold_dir), str(out), "--kinds", "pdf,scan", "--synth", "1", "--dpi", "50"]) == 0
    for kind in ("pdf", "scan"):
        assert sorted(p.name for p in (out / kind).iterdir()) == ["doc_a.json", "doc_a.pdf", "synth_000.json",
                                                                   "synth_000.pdf"]
    assert (out / "pdf" / "doc_a.json").read_bytes() == (gold_dir / "doc_a.json").read_bytes()
    synth = json.loads((out / "scan" / "synth_000.json").read_text(encoding="utf-8"))
    assert synth["doc_id"] == "synth_000" and synth["cells"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [m["doc_id"] for m in manifest] == ["doc_a", "synth_000"] and manifest[0]["narrative"] == "source"
    assert (out / "pdf" / "doc_a.pdf").read_bytes()[:5] == b"%PDF-"
    shutil.rmtree(out)
    written = R.build_fixture_set(gold_dir, out, ("pdf",))
    assert written == [out / "pdf" / "doc_a.pdf"]


def test_source_scan_scans_only_pdf_sources(tmp_path):
    gold_dir, out = tmp_path / "gold", tmp_path / "out"
    gold_dir.mkdir()
    for name, seed in (("doc_pdf", 3), ("doc_txt", 4)):
        rep = random_report(random.Random(seed), layout="2021")
        (gold_dir / f"{name}.json").write_text(json.dumps(rep.gold(name), ensure_ascii=False), encoding="utf-8")
    rep = random_report(random.Random(3), layout="2021")
    (gold_dir / "doc_pdf.pdf").write_bytes(R.render_pdf(R.spec_from_gold(rep.gold("doc_pdf"), None), seed=1))
    (gold_dir / "doc_txt.txt").write_text(synth_render(rep, "tab", random.Random(2)), encoding="utf-8")
    written = R.build_fixture_set(gold_dir, out, ("source_scan",), dpi=50)
    assert written == [out / "source_scan" / "doc_pdf.pdf"]
    assert b"/Font" not in written[0].read_bytes()  # pages as images: no text layer


@needs_font
@pytest.mark.parametrize("rules", sorted(R.RULES))
def test_label_numbering_and_table_rules_variants(tmp_path, rules):
    """``numbering="dunhao"`` prints 1、 where the template prints 1.; nianbao reads every cell
    of it exactly (ruled grid), while exact label matching (the bench's baseline) loses those rows.
    Every ruling style draws the tables the way it says."""
    import pdfplumber

    from eval.baselines import baseline_cells
    from extract.pipeline import extract_report

    gold = _gold("2021", seed=5)
    pdf = R.render_pdf(R.spec_from_gold(gold), seed=1, numbering="dunhao", rules=rules)
    text = "".join(_pages_text(pdf))
    assert "1、属于国家秘密" in text and "1.属于国家秘密" not in text
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        verticals = sum(1 for p in doc.pages for ln in p.lines if abs(ln["x0"] - ln["x1"]) < 1)
    assert (verticals > 0) == (rules == "grid")
    if rules != "grid":
        return
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    got = extract_report(path, use_model=False).cells
    assert {k: got.get(k) for k in gold["cells"]} == gold["cells"]
    base = baseline_cells("pdf", pdf, "2021")
    assert sum(base.get(k) == v for k, v in gold["cells"].items()) < len(gold["cells"]) - 7 * 10
    with pytest.raises(ValueError):
        R.render_pdf(R.spec_from_gold(gold), numbering="roman")


@needs_font
def test_fixture_set_renders_unruled_tables(tmp_path):
    """``pdf_unruled`` is the same report with its tables printed without any rule."""
    import pdfplumber

    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "doc_b.json").write_text(json.dumps(_gold("2021", seed=4), ensure_ascii=False), encoding="utf-8")
    written = R.build_fixture_set(gold_dir, tmp_path / "out", ("pdf", "pdf_unruled"))
    assert [p.parent.name for p in written] == ["pdf", "pdf_unruled"]
    texts, lines = [], []
    for p in written:
        with pdfplumber.open(p) as doc:
            texts.append("".join(pg.extract_text() or "" for pg in doc.pages).replace(" ", ""))
            lines.append(sum(len(pg.lines) for pg in doc.pages))
    assert lines[0] > 20 and lines[1] == 0
    assert "一、本年新收政府信息公开申请数量" in texts[1]


@needs_font
def test_heldout_reports_render_with_their_own_gold(tmp_path):
    """Held-out reports come from the classifier's test split, text shapes printed as they are;
    the gold is what the report prints (tables present, empty cells None, its headings)."""
    from extract.pipeline import extract_report

    empty, out = tmp_path / "gold", tmp_path / "out"
    empty.mkdir()
    assert R.main([str(empty), str(out), "--kinds", "pdf,text_pdf", "--heldout", "2"]) == 0
    for kind in ("pdf", "text_pdf"):
        assert sorted(p.name for p in (out / kind).iterdir()) == ["heldout_000.json", "heldout_000.pdf",
                                                                   "heldout_001.json", "heldout_001.pdf"]
    for doc in ("heldout_000", "heldout_001"):
        gold = json.loads((out / "pdf" / f"{doc}.json").read_text(encoding="utf-8"))
        assert set(gold["cells"]) <= set(cell_keys(gold["layout"])) and len(gold["sections"]) == 6
        printed = json.loads((out / "text_pdf" / f"{doc}.json").read_text(encoding="utf-8"))
        assert printed["cells"] == gold["cells"] and "unresolvable" not in gold
        # a pipe table prints its empty cells; a tab-separated one does not: rows with one are not scored
        assert ("unresolvable" in printed) == (doc == "heldout_001")
        report = extract_report(out / "pdf" / f"{doc}.pdf", use_model=False)
        assert report.meta == gold["meta"]
        assert {k: report.cells[k] for k in gold["cells"]} == gold["cells"]


@needs_font
def test_render_command_renders_heldout_pdfs(tmp_path):
    """`python -m training.render --heldout` (run as __main__, the held-out blocks' classes must still match)."""
    import subprocess
    import sys

    empty = tmp_path / "gold"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "training.render", str(empty), str(tmp_path / "out"), "--kinds", "pdf",
                          "--heldout", "1"], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "out" / "pdf" / "heldout_000.pdf").stat().st_size > 1000
