"""Scanned reports: OCR backends, digit hygiene, deskew, ruled-table grids, image/PDF readers.

Test pages are drawn here with Pillow (wqy-zenhei) at 200 dpi: bordered tables with the
merged cells of the official format, turned by a fraction of a degree, with noise and blur.
Only two A4 pages (a scanned two-page report, read once by read_pdf and once end to end,
the OCR answers shared) and one small image go through the real OCR; everything else uses
scripted backends, so the file stays well under a minute on two cores.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extract.document import Table
from extract.errors import ReadError
from extract.ocr import OcrLine, OcrUnavailable, OcrWord, get_backend
from extract.ocr.hygiene import fix_number, looks_numeric
from extract.schema import LAYOUTS, T3_COLUMNS
from training.synth import random_report, table_rows

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
A4 = (1654, 2339)  # pixels at 200 dpi
needs_font = pytest.mark.skipif(not Path(FONT).is_file(), reason="wqy-zenhei font not installed")


# ------------------------------------------------------------------ drawing test pages
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and font.getlength(cur + ch) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    return lines + [cur] if cur else [""]


def draw_table(draw: ImageDraw.ImageDraw, x0: int, y0: int, widths: list[int], cells: list[tuple],
               font: ImageFont.FreeTypeFont, pad: int = 6) -> int:
    """Draw a bordered table of (text, row, col, row_span, col_span) cells; returns its bottom y."""
    n_rows = max(r + rs for _, r, _, rs, _ in cells)
    lh = int(font.size * 1.25)
    heights = [lh + 2 * pad] * n_rows
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    for text, r, c, rs, cs in sorted(cells, key=lambda k: k[3]):
        need = len(_wrap(text, font, xs[c + cs] - xs[c] - 2 * pad)) * lh + 2 * pad
        have = sum(heights[r:r + rs])
        if need > have:
            heights[r + rs - 1] += need - have
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] + h)
    for text, r, c, rs, cs in cells:
        box = (xs[c], ys[r], xs[c + cs], ys[r + rs])
        draw.rectangle(box, outline=0, width=2)
        lines = _wrap(text, font, box[2] - box[0] - 2 * pad)
        top = (box[1] + box[3]) / 2 - len(lines) * lh / 2
        for i, line in enumerate(lines):
            draw.text(((box[0] + box[2]) / 2 - font.getlength(line) / 2, top + i * lh), line, fill=0, font=font)
    return ys[-1]


def t3_cells(rows: list[list[str]]) -> list[tuple]:
    """``table_rows(rep)["t3"]`` as printed: 3 label columns + 7 values, the official merged cells."""
    cells = [(rows[0][0], 0, 0, 3, 3), (rows[0][1], 0, 3, 1, 7), (rows[1][0], 1, 3, 2, 1),
             (rows[1][1], 1, 4, 1, 5), (rows[1][2], 1, 9, 2, 1)]
    cells += [(t, 2, 4 + i, 1, 1) for i, t in enumerate(rows[2])]
    group_start, sub = None, None
    for r, row in enumerate(rows[3:], start=3):
        labels, values = row[:-7], row[-7:]
        if sub and (labels[0].startswith(("(", "四、"))):
            cells.append((sub[1], sub[0], 1, r - sub[0], 1))
            sub = None
        if labels[0].startswith("四、"):
            cells.append(("三、本年度办理结果", group_start, 0, r - group_start, 1))
        if labels[0].startswith(("一、", "二、", "四、")):
            cells.append((labels[0], r, 0, 1, 3))
        elif labels[0].startswith("三、"):
            group_start = r
            cells.append((labels[1], r, 1, 1, 2))
        elif labels[0].startswith("(") and len(labels) == 2:
            sub = (r, labels[0])
            cells.append((labels[1], r, 2, 1, 1))
        elif labels[0].startswith("("):
            cells.append((labels[0], r, 1, 1, 2))
        else:
            cells.append((labels[0], r, 2, 1, 1))
        cells += [(v, r, 3 + i, 1, 1) for i, v in enumerate(values)]
    return cells


def t2_cells(rows: list[list[str]]) -> list[tuple]:
    """Table 二 in 4 grid columns; a row printing fewer cells lets its last one span the rest."""
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cells.append((text, r, c, 1, 4 - c if c == len(row) - 1 else 1))
    return cells


def t4_cells(rows: list[list[str]]) -> list[tuple]:
    """Table 四 in 15 grid columns (行政复议 5, 行政诉讼 10)."""
    cells = [(rows[0][0], 0, 0, 1, 5), (rows[0][1], 0, 5, 1, 10)]
    cells += [(t, 1, i, 2, 1) for i, t in enumerate(rows[1][:5])]
    cells += [(rows[1][5], 1, 5, 1, 5), (rows[1][6], 1, 10, 1, 5)]
    cells += [(t, 2, 5 + i, 1, 1) for i, t in enumerate(rows[2])]
    cells += [(t, 3, i, 1, 1) for i, t in enumerate(rows[3])]
    return cells


def scanned(img: Image.Image, angle: float, seed: int) -> Image.Image:
    """A clean page as a scanner returns it: turned, blurred, with noise and specks."""
    rng = np.random.default_rng(seed)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    a = np.asarray(img).astype(np.float32) + rng.normal(0, 12, (img.height, img.width))
    specks = rng.random(a.shape)
    a[specks < 0.0008], a[specks > 0.9995] = 0, 255
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")


def report_pages(rep, blank: set[str] = frozenset()) -> tuple[list[Image.Image], list[tuple]]:
    """A small full report on two clean A4 pages at 200 dpi, and the printed 表三 cells.

    Page 1: title, 一, 二 with 表二, 三 with 表三; page 2: 四 with 表四, 五, 六, signature.
    ``blank`` names t3 cell keys printed empty.
    """
    rows = table_rows(rep)
    t3_keys = [r.key for r in LAYOUTS[rep.layout].table("t3").rows if not r.extra]
    for i, key in enumerate(t3_keys):
        for j, col in enumerate(T3_COLUMNS):
            if f"t3.{key}.{col.key}" in blank:
                rows["t3"][3 + i][len(rows["t3"][3 + i]) - 7 + j] = ""
    head, body, small = _font(34), _font(26), _font(22)
    pages = [Image.new("L", A4, 255), Image.new("L", A4, 255)]
    d = ImageDraw.Draw(pages[0])
    d.text((827 - head.getlength(title := f"{rep.agency}{rep.year}年政府信息公开工作年度报告") / 2, 110), title,
           font=head, fill=0)
    d.text((140, 190), "一、总体情况", font=body, fill=0)
    d.text((140, 235), "本机关认真贯彻落实《中华人民共和国政府信息公开条例》,现将情况报告如下。", font=small, fill=0)
    d.text((140, 285), "二、主动公开政府信息情况", font=body, fill=0)
    y = draw_table(d, 110, 330, [560, 290, 290, 290], t2_cells(rows["t2"]), small)
    d.text((140, y + 25), "三、收到和处理政府信息公开申请情况", font=body, fill=0)
    t3 = t3_cells(rows["t3"])
    bottom = draw_table(d, 74, y + 70, [80, 110, 420] + [128] * 7, t3, small)
    assert bottom < 2240, bottom
    d.text((810, 2265), "- 1 -", font=small, fill=0)
    d = ImageDraw.Draw(pages[1])
    d.text((140, 150), "四、政府信息公开行政复议、行政诉讼情况", font=body, fill=0)
    y = draw_table(d, 90, 200, [98] * 15, t4_cells(rows["t4"]), small)
    d.text((140, y + 40), "五、存在的主要问题及改进情况", font=body, fill=0)
    d.text((140, y + 85), "政务公开工作还存在一些不足,下一步将持续改进。", font=small, fill=0)
    d.text((140, y + 135), "六、其他需要报告的事项", font=body, fill=0)
    d.text((140, y + 180), "本年度未收取信息处理费。", font=small, fill=0)
    d.text((1100, y + 280), rep.agency, font=small, fill=0)
    d.text((810, 2265), "- 2 -", font=small, fill=0)
    return pages, t3


def as_bytes(images: list[Image.Image], fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, format=fmt, save_all=len(images) > 1, append_images=images[1:], **options)
    return buf.getvalue()


class FakeBackend:
    """Returns canned lines; counts calls."""

    name = "fake"

    def __init__(self, lines: list[OcrLine] | None = None) -> None:
        self.lines, self.calls = lines or [], 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8
        self.calls += 1
        return list(self.lines)


def grid_of(table: Table) -> dict[tuple[int, int], tuple[str, int, int]]:
    return {(c.row, c.col): (c.text, c.row_span, c.col_span) for c in table.cells}


# ------------------------------------------------------------------ digit hygiene (no OCR)
@pytest.mark.parametrize("raw, fixed, changed", [
    ("1O2", "102", True), ("l5", "15", True), ("O", "0", True), ("1 2", "12", True), ("_12.", "12", True),
    ("３２", "32", False), ("1,234", "1234", False), ("一", "-", True), ("—", "-", False), ("7", "7", False),
    ("12.5万元", "12.5万元", False), ("-3", "-3", False),
])
def test_fix_number_repairs_number_cells(raw: str, fixed: str, changed: bool) -> None:
    assert fix_number(raw) == (fixed, changed)


@pytest.mark.parametrize("label", ["其他", "(一)予以公开", "5.属于三类内部事务信息", "3.其他", "lO", "二", "总计"])
def test_fix_number_never_touches_labels(label: str) -> None:
    assert fix_number(label) == (label, False)
    assert not looks_numeric(label)


# ------------------------------------------------------------------ backends (no OCR)
def test_get_backend_builds_once_per_options_and_refuses_unknown_names() -> None:
    a, b = get_backend("rapidocr", threads=1), get_backend("rapidocr", threads=1)
    assert a is b and a.name == "rapidocr" and get_backend("rapidocr", threads=2) is not a
    with pytest.raises(OcrUnavailable, match="unknown OCR backend 'tesseract'"):
        get_backend("tesseract")


def test_rapid_cuda_falls_back_to_cpu_with_a_warning(caplog) -> None:
    from extract.ocr.rapid import RapidBackend, cuda_available
    if cuda_available():
        pytest.skip("onnxruntime-gpu with CUDA is installed here")
    with caplog.at_level("WARNING"):
        backend = RapidBackend(device="cuda")
    assert backend.device == "cpu" and "CUDAExecutionProvider" in caplog.text


def test_rapid_results_are_realigned_when_word_groups_are_missing() -> None:
    from extract.ocr.rapid import to_lines
    quad = lambda x0, y0, x1, y1: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    boxes = [quad(0, 0, 60, 30), quad(0, 40, 40, 70)]
    # rapidocr left out the first line's word group: the second must not be given to the first
    words = ((("1", 0.9, quad(0, 40, 20, 70)), ("2", 0.8, quad(20, 40, 40, 70))),)
    first, second = to_lines(boxes, ["规章", "12"], [0.95, 0.85], words)
    assert [w.text for w in first.words] == ["规", "章"] and first.words[1].box == (30.0, 0.0, 60.0, 30.0)
    assert [(w.text, w.confidence, w.box) for w in second.words] == [("1", 0.9, (0.0, 40.0, 20.0, 70.0)),
                                                                     ("2", 0.8, (20.0, 40.0, 40.0, 70.0))]


def _fake_paddleocr(monkeypatch, version: str) -> list[dict]:
    made: list[dict] = []

    class PaddleOCR:
        def __init__(self, **kwargs):
            made.append(kwargs)

        def predict(self, image, return_word_box=False):
            assert image.shape == (50, 200, 3) and image[0, 0].tolist() == [3, 2, 1]  # handed over as BGR
            return [{"rec_texts": ["行政许可", "45", " "], "rec_scores": [0.97, 0.88, 0.1],
                     "rec_polys": [np.array([[10, 5], [90, 5], [90, 35], [10, 35]]),
                                   np.array([[120, 6], [150, 6], [150, 34], [120, 34]]),
                                   np.array([[0, 0], [1, 0], [1, 1], [0, 1]])],
                     "text_word": [["行", "政", "许", "可"], ["45"], []],
                     "text_word_region": [[[[10 + 20 * i, 5], [30 + 20 * i, 5], [30 + 20 * i, 35], [10 + 20 * i, 35]]
                                           for i in range(4)], [[[120, 6], [150, 6], [150, 34], [120, 34]]], []]}]

        def ocr(self, image, cls=False):
            return [[[[[10, 5], [90, 5], [90, 35], [10, 35]], ("行政许可", 0.97)],
                     [[[120, 6], [150, 6], [150, 34], [120, 34]], ("45", 0.88)]]]

    module = type(sys)("paddleocr")
    module.PaddleOCR, module.__version__ = PaddleOCR, version
    monkeypatch.setitem(sys.modules, "paddleocr", module)
    return made


@pytest.mark.parametrize("version", ["3.2.0", "2.9.1"])
def test_paddle_backend_converts_results_to_ocr_lines(monkeypatch, tmp_path, version: str) -> None:
    from extract.ocr.paddle import PaddleBackend
    made = _fake_paddleocr(monkeypatch, version)
    (tmp_path / "det").mkdir(), (tmp_path / "rec").mkdir()
    backend = PaddleBackend(det_model_dir=tmp_path / "det", rec_model_dir=tmp_path / "rec")
    image = np.zeros((50, 200, 3), np.uint8)
    image[0, 0] = (1, 2, 3)
    lines = backend.recognize(image)
    assert [(l.text, l.box, l.confidence) for l in lines] == [("行政许可", (10.0, 5.0, 90.0, 35.0), 0.97),
                                                              ("45", (120.0, 6.0, 150.0, 34.0), 0.88)]
    assert [w.text for w in lines[0].words] == ["行", "政", "许", "可"]
    assert lines[0].words[1].box == (30.0, 5.0, 50.0, 35.0)
    key = "text_detection_model_dir" if version.startswith("3") else "det_model_dir"
    assert made[0][key] == str(tmp_path / "det")
    if version.startswith("3"):
        assert made[0]["use_textline_orientation"] is False and made[0]["use_doc_unwarping"] is False


def test_paddle_backend_says_what_to_install_and_supply(monkeypatch, tmp_path) -> None:
    with pytest.raises(OcrUnavailable, match=r"pip install paddleocr.*missing: det_model_dir, rec_model_dir"):
        get_backend("paddleocr")
    monkeypatch.setitem(sys.modules, "paddleocr", None)  # not installed
    (tmp_path / "d").mkdir()
    with pytest.raises(OcrUnavailable, match="paddleocr is not installed"):
        get_backend("paddleocr", det_model_dir=str(tmp_path / "d"), rec_model_dir=str(tmp_path / "d"))
    with pytest.raises(OcrUnavailable, match="is not a directory"):
        get_backend("paddleocr", det_model_dir=str(tmp_path / "nope"), rec_model_dir=str(tmp_path / "d"))


def test_exactly_one_opencv_distribution_is_installed() -> None:
    import rapid_layout  # noqa: F401  (both pull OpenCV in; only one build may own cv2)
    import rapidocr  # noqa: F401
    names = {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}
    opencv = sorted(n for n in names if n in ("opencv-python", "opencv-python-headless")
                    or n.startswith("opencv-contrib-python"))
    assert len(opencv) == 1, opencv


# ------------------------------------------------------------------ deskew and grids (no OCR)
@needs_font
@pytest.mark.parametrize("angle", [0.0, 0.3, 0.8, -1.5])
def test_deskew_finds_the_scan_angle(angle: float) -> None:
    from extract.scan import deskew, estimate_skew, to_gray
    img = Image.new("L", (1200, 900), 255)
    d = ImageDraw.Draw(img)
    for i in range(12):
        d.text((100, 80 + 60 * i), "本机关认真贯彻落实政府信息公开条例 2024 年度报告" * 1, font=_font(30), fill=0)
    page = np.asarray(scanned(img, angle, seed=1))
    assert estimate_skew(to_gray(page)) == pytest.approx(-angle, abs=0.1)
    straight, turned = deskew(page)
    assert abs(estimate_skew(to_gray(straight))) <= 0.1 and turned == pytest.approx(-angle, abs=0.1)


@needs_font
def test_ruled_grid_has_the_merged_cells_of_table_three() -> None:
    from extract.scan import binarize, deskew, find_grids, ruling_masks, to_gray
    rep = random_report(random.Random(5), layout="2021", consistent=True)
    img = Image.new("L", A4, 255)
    cells = t3_cells(table_rows(rep)["t3"])
    draw_table(ImageDraw.Draw(img), 74, 150, [80, 110, 420] + [128] * 7, cells, _font(22))
    ImageDraw.Draw(img).text((200, 100), "三、收到和处理政府信息公开申请情况——说明", font=_font(26), fill=0)
    page, _ = deskew(np.asarray(scanned(img, 0.8, seed=2)))
    (grid,) = find_grids(*ruling_masks(binarize(to_gray(page))))
    assert (len(grid.ys) - 1, len(grid.xs) - 1) == (28, 10)
    assert sorted(grid.cells) == sorted((r, c, rs, cs) for _, r, c, rs, cs in cells)


@needs_font
def test_grid_of_a_table_without_outer_side_rules_and_cut_by_a_page_break() -> None:
    from extract.scan import binarize, find_grids, ruling_masks, to_gray
    img = Image.new("L", (1400, 700), 255)
    cells = [("信息内容", 0, 0, 1, 1), ("本年处理决定数量", 0, 1, 1, 2)] + [
        (t, r, c, 1, 1) for r, row in enumerate([["行政许可", "45", "3"], ["行政处罚", "", "7"]], start=1)
        for c, t in enumerate(row)]
    bottom = draw_table(ImageDraw.Draw(img), 100, 200, [500, 300, 300], cells, _font(24))
    d = ImageDraw.Draw(img)
    d.rectangle((95, 195, 103, bottom + 5), fill=255)  # no left rule
    d.rectangle((1197, 195, 1205, bottom + 5), fill=255)  # no right rule
    d.rectangle((90, bottom - 3, 1210, bottom + 3), fill=255)  # the page break cut the bottom rule
    (grid,) = find_grids(*ruling_masks(binarize(to_gray(np.asarray(scanned(img, 0.0, seed=3))))))
    assert sorted(grid.cells) == sorted((r, c, rs, cs) for _, r, c, rs, cs in cells)
    assert grid.xs[0] == pytest.approx(100, abs=4) and grid.ys[-1] == pytest.approx(bottom, abs=6)


def test_grid_keeps_the_rows_of_a_group_whose_inner_rule_lost_its_top() -> None:
    """A poor scan broke the top off the rule between a group label (三)不予公开 and its eight
    rows: the rows' own rules meet it lower down, and the eight rows stay eight."""
    from extract.scan import binarize, find_grids, ruling_masks, to_gray
    img = Image.new("L", (1400, 1000), 255)
    d = ImageDraw.Draw(img)
    xs, ys = [100, 300, 700, 900, 1100, 1300], [100 + 70 * i for i in range(12)]
    for y in ys:
        d.line((xs[0] if y in (ys[0], ys[1], ys[-2], ys[-1]) else xs[1], y, xs[-1], y), fill=0, width=2)
    for x in xs:  # the group's own column exists only beside its rows
        d.line((x, ys[1] if x == xs[1] else ys[0], x, ys[-2] if x == xs[1] else ys[-1]), fill=0, width=2)
    d.line((xs[1], ys[1] + 2, xs[1], ys[1] + 45), fill=255, width=6)  # the inner rule's top, lost
    (grid,) = find_grids(*ruling_masks(binarize(to_gray(np.asarray(scanned(img, 0.0, seed=4))))))
    assert len(grid.ys) == len(ys) and len(grid.xs) == len(xs)


@needs_font
def test_ocr_page_assembles_cells_splits_lines_and_rereads_missed_digits() -> None:
    """ocr_page with a scripted backend: a line running across a rule is split between cells,
    a digit the page-wide pass missed is read again from its cell, furniture is marked."""
    from extract.scan import ocr_page
    img = Image.new("L", (1400, 1000), 255)
    d = ImageDraw.Draw(img)
    cells = [("信息内容", 0, 0, 1, 1), ("本年处理决定数量", 0, 1, 1, 2), ("行政许可", 1, 0, 1, 1), ("45", 1, 1, 1, 1),
             ("3", 1, 2, 1, 1), ("行政处罚", 2, 0, 1, 1), ("", 2, 1, 1, 1), ("7", 2, 2, 1, 1)]
    draw_table(d, 100, 200, [500, 300, 300], cells, _font(24))
    d.text((120, 120), "二、主动公开政府信息情况", font=_font(28), fill=0)
    d.text((680, 940), "- 1 -", font=_font(24), fill=0)

    def line(text: str, x: float, y: float, step: float = 26) -> OcrLine:
        words = [OcrWord(ch, (x + step * i, y, x + step * i + 24, y + 30), 0.95) for i, ch in enumerate(text) if ch != " "]
        return OcrLine(text, (x, y, x + step * len(text), y + 30), 0.95, words)

    class Scripted(FakeBackend):
        def recognize(self, image):
            self.calls += 1
            if image.shape[0] < 200:  # a cell read on its own
                return [line("7", 40, image.shape[0] / 2 - 15)]
            rows = [200 + 6, 242 + 6, 284 + 6]  # row tops + padding (draw_table: 42-px rows)
            return [line("二、主动公开政府信息情况", 120, 120), line("信息内容", 300, rows[0]), line("本年处理决定数量", 745, rows[0]),
                    line("45  3", 730, rows[1], step=90), line("行政许可", 300, rows[1]), line("行政处罚", 300, rows[2]),
                    line("- 1 -", 680, 940, step=12)]

    backend = Scripted()
    page = ocr_page(np.asarray(img.convert("RGB")), 1, backend, layout=False)
    (table,) = page.tables
    assert {k: v[0] for k, v in grid_of(table).items()} == {(r, c): t for t, r, c, _, _ in cells}
    assert grid_of(table)[(0, 1)] == ("本年处理决定数量", 1, 2)
    conf = {(c.row, c.col): c.confidence for c in table.cells}
    assert conf[(2, 2)] == pytest.approx(0.9 * 0.95) and conf[(2, 1)] == 1.0 and backend.calls == 2
    assert [(s.text, s.role) for s in page.segments] == [("二、主动公开政府信息情况", "body"), ("- 1 -", "furniture")]
    assert [type(b).__name__ for b in page.blocks()] == ["Segment", "Table", "Segment"]


def test_unruled_table_is_recovered_from_text_alignment() -> None:
    from extract.scan import table_from_alignment

    def line(text: str, x: float, y: float) -> OcrLine:
        words = [OcrWord(ch, (x + 22 * i, y, x + 22 * i + 20, y + 24), 0.9) for i, ch in enumerate(text)]
        return OcrLine(text, (x, y, x + 22 * len(text), y + 24), 0.9, words)

    rows = [[("申请人情况", 400)], [("信息内容", 0), ("自然人", 300), ("法人", 500)],
            [("规章", 0), ("3", 310), ("1O", 505)], [("行政许可", 0), ("", 0), ("7", 505)]]
    lines = [line(t, x, 40 * r) for r, row in enumerate(rows) for t, x in row if t]
    table = table_from_alignment(lines, (0, 0, 700, 200))
    assert table.grid() == [["", "申请人情况", "申请人情况"], ["信息内容", "自然人", "法人"],
                            ["规章", "3", "10"], ["行政许可", "", "7"]]
    assert grid_of(table)[(0, 1)] == ("申请人情况", 1, 2)
    ten = next(c for c in table.cells if c.text == "10")
    assert ten.confidence == pytest.approx(0.9 * 0.8)  # repaired by digit hygiene


# ------------------------------------------------------------------ image reader (no OCR)
def _png_claiming(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(20000, 20000), (12000, 10000)])
def test_decompression_bomb_is_refused(size: tuple[int, int]) -> None:
    from extract.readers.image import read_image
    backend = FakeBackend()
    with pytest.raises(ReadError, match="too large.*megapixels"):
        read_image(_png_claiming(*size), "bomb.png", backend=backend)
    assert backend.calls == 0


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 8, b"II*\x00" + b"\xff" * 40, b"\xff\xd8\xff"])
def test_corrupt_image_raises_read_error(data: bytes) -> None:
    from extract.readers.image import read_image
    with pytest.raises(ReadError):
        read_image(data, "broken.png", backend=FakeBackend())


def test_truncated_image_raises_read_error() -> None:
    from extract.readers.image import read_image
    data = as_bytes([Image.effect_noise((400, 300), 60).convert("L")], "PNG")
    with pytest.raises(ReadError, match="truncated"):
        read_image(data[: len(data) // 2], "cut.png", backend=FakeBackend())


def test_multipage_tiff_gives_one_ocr_page_per_frame() -> None:
    from extract.readers.image import read_image
    pages = [Image.new("L", (800, 600), 255) for _ in range(3)]
    for i, p in enumerate(pages):
        ImageDraw.Draw(p).rectangle((100, 100 + 50 * i, 400, 140 + 50 * i), fill=0)  # some ink on each
    word = OcrWord("正", (100, 100, 130, 130), 0.9)
    backend = FakeBackend([OcrLine("正文", (100, 100, 160, 130), 0.9, [word, OcrWord("文", (130, 100, 160, 130), 0.9)])])
    doc = read_image(as_bytes(pages, "TIFF", compression="tiff_deflate"), "scan.tif", backend=backend)
    assert doc.kind == "image" and len(doc.pages) == 3 and backend.calls == 3
    assert all(p.ocr and p.segments[0].text == "正文" for p in doc.pages)
    assert [s.order for p in doc.pages for s in p.segments] == [0, 1, 2]  # document-wide reading order


# ------------------------------------------------------------------ through the real OCR
T3_KEYS = [(r.key, [c.key for c in T3_COLUMNS]) for r in LAYOUTS["2021"].table("t3").rows if not r.extra]
BLANK = {"t3.granted.research", "t3.partial.other_org", "t3.denied.query.commercial"}


class Memo:
    """Wraps a backend and remembers its answer per image, so one scan is OCR'd once per module."""

    name = "memo"

    def __init__(self, inner) -> None:
        self.inner, self.seen, self.calls = inner, {}, 0

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        key = (image.shape, hashlib.sha1(image.tobytes()).hexdigest())
        if key not in self.seen:
            self.calls += 1
            self.seen[key] = self.inner.recognize(image)
        return self.seen[key]


@pytest.fixture(scope="module")
def scanned_report():
    """A two-page report scanned at 200 dpi (page 1 turned 0.8°, page 2 -0.5°, noise), as an
    image-only PDF: read once by read_pdf and once end to end, the OCR answers shared."""
    from extract.pipeline import extract_report
    from extract.readers.pdf import read_pdf
    if not Path(FONT).is_file():
        pytest.skip("wqy-zenhei font not installed")
    rep = random_report(random.Random(3), layout="2021", consistent=True)
    pages, t3 = report_pages(rep, blank=BLANK)
    scans = [scanned(pages[0], 0.8, seed=1).convert("L"), scanned(pages[1], -0.5, seed=2).convert("L")]
    data = as_bytes(scans, "PDF", resolution=200.0)
    memo = Memo(get_backend())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("extract.ocr.default_backend", lambda: memo)
        doc = read_pdf(data, "scan.pdf")
        report = extract_report(data, name="scan.pdf")
    return rep, t3, doc, report, memo


def test_scanned_table_page_gives_the_table_three_cells(scanned_report) -> None:
    """Every cell of 表三 from a page turned 0.8° with noise: spans, texts, empty cells."""
    _, t3, doc, _, _ = scanned_report
    page = doc.pages[0]
    assert page.ocr and doc.kind == "pdf" and len(page.tables) == 2
    got = grid_of(page.tables[1])
    want = {(r, c): (text, rs, cs) for text, r, c, rs, cs in t3}
    assert {k: v[1:] for k, v in got.items()} == {k: v[1:] for k, v in want.items()}  # structure: exact
    values = [k for k in want if k[1] >= 3 and k[0] >= 3]
    assert [k for k in values if got[k][0] != want[k][0]] == []  # every number and empty cell
    assert sum(got[k][0] == "" for k in values) == len(BLANK)
    norm = lambda s: s.replace(" ", "").replace("“", '"').replace("”", '"')
    labels = [k for k in want if k not in values]
    right = sum(norm(got[k][0]) == norm(want[k][0]) for k in labels)
    assert right >= 0.95 * len(labels), [(got[k][0], want[k][0]) for k in labels if got[k][0] != want[k][0]]
    texts = [s.text for s in page.segments]
    assert "三、收到和处理政府信息公开申请情况" in texts and page.segments[-1].role == "furniture"
    assert all(s.role == "body" for s in page.segments[:-1])
    assert [type(b).__name__ for b in page.blocks()][:6] == ["Segment"] * 4 + ["Table", "Segment"]
    assert page.width == pytest.approx(A4[0] * 72 / 200, abs=1)  # boxes in PDF points
    assert all(0 <= v <= page.width + 1 for c in page.tables[1].cells for v in c.box[::2])


def test_scanned_pdf_report_end_to_end(scanned_report) -> None:
    """A report whose PDF pages are all scans goes through read_pdf → OCR → the table parser."""
    rep, _, _, report, _ = scanned_report
    assert report.status in ("ok", "partial") and report.kind == "pdf" and report.pages == 2, report.error
    want = {f"t3.{row}.{col}": (None if f"t3.{row}.{col}" in BLANK else rep.cells[f"t3.{row}.{col}"])
            for row, cols in T3_KEYS for col in cols}
    got = {k: report.cells[k] for k in want}
    assert {k: (got[k], v) for k, v in want.items() if got[k] != v} == {}
    src = report.provenance["t3.new_received.natural_person"]
    assert src.kind == "cell" and src.page == 1 and 0 < src.confidence <= 1
    assert report.cells["t4.suit_after_review.total"] == rep.cells["t4.suit_after_review.total"]
    assert (report.meta["agency"], report.meta["year"]) == (rep.agency, rep.year)
    assert {"render", "scan", "ocr", "layout_model"} <= set(report.timings) and report.timings["scan"] > 0


@needs_font
def test_image_read_offline_writes_nothing(tmp_path) -> None:
    """read_image through the real OCR and layout models, with the network cut off and an empty
    HOME: the bundled models are used by path, and no file appears anywhere (no model download,
    no onnxruntime telemetry)."""
    import rapid_layout
    import rapidocr
    dirs = [Path(rapidocr.__file__).parent, Path(rapid_layout.__file__).parent]
    before = {p for d in dirs for p in d.rglob("*") if "__pycache__" not in p.parts}
    img = Image.new("L", (900, 420), 255)
    d = ImageDraw.Draw(img)
    d.text((60, 40), "二、主动公开政府信息情况", font=_font(30), fill=0)
    draw_table(d, 60, 110, [300, 220, 220], [("信息内容", 0, 0, 1, 1), ("本年处理决定数量", 0, 1, 1, 2),
                                              ("行政许可", 1, 0, 1, 1), ("45", 1, 1, 1, 1), ("", 1, 2, 1, 1)], _font(26))
    scanned(img, 0.6, seed=4).save(tmp_path / "scan.png", dpi=(200, 200))
    code = textwrap.dedent(f"""
        import socket
        def refuse(*a, **k): raise OSError("network disabled in this test")
        socket.socket.connect = socket.create_connection = refuse
        from extract.readers.image import read_image
        doc = read_image(open({str(tmp_path / "scan.png")!r}, "rb").read(), "scan.png")
        (page,) = doc.pages
        print(page.segments[0].text)
        print(page.tables[0].grid())
    """)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CACHE_HOME", "ORT_DISABLE_TELEMETRY")}
    env.update(HOME=str(home), PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["二、主动公开政府信息情况",
                                       str([["信息内容", "本年处理决定数量", "本年处理决定数量"], ["行政许可", "45", ""]])]
    assert list(home.rglob("*")) == []
    after = {p for d in dirs for p in d.rglob("*") if "__pycache__" not in p.parts}
    assert after == before


def test_a_column_no_row_of_numbers_uses_is_dropped_from_an_unruled_table():
    """A header gap can open a column in an unruled table; its empty cells must not read as
    printed-empty values. A column one row of numbers uses (表四 run on into the region) is
    still idle; one that two rows use is kept."""
    from extract.document import Cell
    from extract.scan import _drop_idle_columns

    def row(r, texts):
        return [Cell(text=t, row=r, col=c, box=(10 * c, 10 * r, 10 * c + 9, 10 * r + 9)) for c, t in enumerate(texts)]

    cells = row(0, ["项目", "自然人", "商业企业", "", "总计"])
    cells += [c for r in range(1, 6) for c in row(r, [f"行{r}", "1", "0", "", "1"])]
    cells += row(6, ["", "3", "0", "7", "3"])
    kept = _drop_idle_columns(cells)
    assert not [c for c in kept if c.col == 3 and not c.text] and [c.text for c in kept if c.col == 3] == ["7"]
    cells += row(7, ["行7", "2", "0", "5", "7"])
    assert len(_drop_idle_columns(cells)) == len(cells)
    assert _drop_idle_columns(cells[:15]) == cells[:15]  # fewer than five rows of numbers: untouched


def _line(text: str, x: float, y: float, step: float = 22, h: float = 24) -> OcrLine:
    words = [OcrWord(ch, (x + step * i, y, x + step * i + 20, y + h), 0.9) for i, ch in enumerate(text) if ch != " "]
    return OcrLine(text, (x, y, x + step * len(text), y + h), 0.9, words)


@needs_font
def test_a_lone_number_the_detector_missed_is_read_on_its_own():
    """Ink of a digit's size on a row of numbers that no OCR line covers is read on its own
    (and kept only when it reads as a number); ink off that row is not read."""
    from extract.ocr.missed import recover_missed_numbers
    from extract.scan import binarize, to_gray
    img = Image.new("RGB", (1200, 400), "white")
    d = ImageDraw.Draw(img)
    boxes = {}
    for x, y in ((100, 100), (300, 100), (500, 100), (700, 280)):
        d.text((x, y), "0", font=_font(28), fill="black")
        boxes[x] = d.textbbox((x, y), "0", font=_font(28))
    page = np.asarray(img)
    ink = binarize(to_gray(page))
    found = [OcrLine("0", tuple(float(v) for v in boxes[x]), 0.95, []) for x in (100, 500)]  # 300 and 700 missed

    class Crops(FakeBackend):
        def recognize(self, image):
            self.calls += 1
            return [OcrLine(self.text, (0, 0, image.shape[1], image.shape[0]), 0.8, [])]

    backend = Crops()
    backend.text = "0"
    lines = recover_missed_numbers(found, ink, page, backend)
    assert backend.calls == 1  # the ink at (700, 280) is on no row of numbers
    (new,) = lines[2:]
    assert new.text == "0" and new.confidence == pytest.approx(0.9 * 0.8)
    assert abs((new.box[0] + new.box[2]) / 2 - (boxes[300][0] + boxes[300][2]) / 2) < 3
    assert recover_missed_numbers(found, ink, page, backend, ruled=[(250, 50, 350, 150)]) == found  # a ruled cell's
    backend.text = "口"
    assert recover_missed_numbers(found, ink, page, backend) == found  # not a number: left out


def test_unruled_table_columns_come_from_the_rows_of_values():
    """表四 printed without rules: its header words stacked in two lines and run together by
    the detector cover the gaps between the value columns; the values still give them."""
    from extract.scan import table_from_alignment
    lines = [_line("行政复议", 100, 0), _line("结果维持结果纠正其他结果", 100, 40), _line("尚未审结总计", 380, 40),
             _line("维持结果", 100, 80, step=60)]
    lines += [_line(v, 100 + 110 * i, 140) for i, v in enumerate("03102")]
    table = table_from_alignment(lines, (0, 0, 800, 200))
    assert table is not None and table.grid()[-1] == ["0", "3", "1", "0", "2"]


def test_unruled_region_is_cut_at_a_heading_and_keeps_its_page_number_out(monkeypatch):
    """One CDLA table region over the end of 表三, the heading 四、 and 表四, down to the page
    number: two tables (each with its own columns); the heading and page number stay text."""
    import extract.scan as scan
    img = Image.new("L", (1000, 1400), 255)
    ImageDraw.Draw(img).rectangle((100, 420, 400, 444), fill=0)  # ink under the heading's line
    lines = [_line("规章", 100, 300), _line("3", 400, 300), _line("1", 600, 300),
             _line("文件", 100, 350), _line("2", 400, 350), _line("5", 600, 350), _line("四、行政复议情况", 100, 420)]
    lines += [_line(t, 100 + 150 * i, 470) for i, t in enumerate(["维持", "纠正", "其他", "审结", "总计"])]
    lines += [_line("0", 100 + 150 * i, 510) for i in range(5)] + [_line("- 4 -", 480, 1300, step=12)]
    monkeypatch.setattr(scan, "layout_regions", lambda image: [("table", (50.0, 250.0, 950.0, 1350.0))])
    page = scan.ocr_page(np.asarray(img.convert("RGB")), 1, FakeBackend(lines))
    assert [t.grid() for t in page.tables] == [[["规章", "3", "1"], ["文件", "2", "5"]],
                                               [["维持", "纠正", "其他", "审结", "总计"], ["0"] * 5]]
    assert [(s.text, s.role) for s in page.segments] == [("四、行政复议情况", "body"), ("- 4 -", "furniture")]


def test_unruled_values_that_share_a_column_stay_apart():
    """A table that runs onto a new page with one value column below its first row: that row's
    three values fall into one column and must stay three numbers (392 5 0, not 39250)."""
    from extract.scan import table_from_alignment
    lines = [_line("行政规范性文件", 100, 0), _line("392", 620, 0), _line("5", 820, 0), _line("0", 980, 0)]
    for i, (label, v) in enumerate([("行政许可", "0"), ("行政处罚", "1"), ("行政强制", "0"), ("其他", "7")]):
        lines += [_line(label, 100, 50 * (i + 1)), _line(v, 620, 50 * (i + 1))]
    table = table_from_alignment(lines, (0, 0, 1200, 400))
    assert table is not None and table.grid()[0][1:] == ["392 5 0"]


def test_browser_print_header_stays_out_of_an_unruled_table(monkeypatch):
    """The date line and page title a browser prints at the top of a page, inside CDLA's table
    region of a table that runs onto the page, are furniture, not a row whose date gives a value."""
    import extract.scan as scan
    img = Image.new("L", (1000, 1400), 255)
    ImageDraw.Draw(img).rectangle((100, 300, 400, 324), fill=0)  # ink, so the page is not blank
    lines = [_line("2024/1/7 13:11", 40, 30, step=12), _line("某局2019年政府信息公开工作年度报告", 400, 30, step=12)]
    lines += [_line("规章", 100, 300), _line("3", 400, 300), _line("1", 600, 300),
              _line("文件", 100, 350), _line("2", 400, 350), _line("5", 600, 350)]
    monkeypatch.setattr(scan, "layout_regions", lambda image: [("table", (20.0, 20.0, 950.0, 400.0))])
    page = scan.ocr_page(np.asarray(img.convert("RGB")), 1, FakeBackend(lines))
    assert [t.grid() for t in page.tables] == [[["规章", "3", "1"], ["文件", "2", "5"]]]
    assert [s.text for s in page.segments] == ["2024/1/7 13:11 某局2019年政府信息公开工作年度报告"]


def test_a_low_resolution_scan_is_enlarged_towards_300_dpi_and_capped_at_the_ocr_side():
    """A 150-dpi scan is read enlarged (at its own size the OCR lost 9 % of the dev set's cells
    scanned poorly as TIFFs); a 300-dpi one is left alone unless past MAX_SIDE."""
    import io

    from PIL import Image

    from extract.readers.image import MAX_SIDE, frames

    def tif(size, dpi):
        buf = io.BytesIO()
        Image.new("RGB", size, "white").save(buf, format="TIFF", dpi=(dpi, dpi))
        return buf.getvalue()

    (arr, factor), = frames(tif((1241, 1754), 150), "low.tif")
    assert factor > 1.5 and max(arr.shape) <= MAX_SIDE
    (arr, factor), = frames(tif((1000, 1400), 300), "fine.tif")
    assert factor == 1.0 and arr.shape[:2] == (1400, 1000)
