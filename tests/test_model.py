"""The token classifier: labels, vocabulary, features, corpus alignment, the shipped checkpoint."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from extract.flat import FlatText, Origin
from extract.labelling import drop_furniture, rescue_headings
from extract.sections import find_sections
from models.config import MODELS_DIR, DEFAULT_MODEL
from models.features import char_boxes, windows
from models.labels import CLASSES, ID2LABEL, LABELS, bio_tags
from models.vocab import CharVocab
from training.corpus import KINDS, align_classes, make_example

SHIPPED = MODELS_DIR / DEFAULT_MODEL
needs_model = pytest.mark.skipif(not (SHIPPED / "model.safetensors").exists(), reason="no shipped checkpoint")


def test_labels_are_bio_over_the_classes():
    assert LABELS[0] == "O" and len(LABELS) == 1 + 2 * len(CLASSES)
    assert bio_tags("12\x1f3", ["VAL", "VAL", "O", "VAL"]) == ["B-VAL", "I-VAL", "O", "B-VAL"]
    assert bio_tags("ab", ["ROW", "VAL"]) == ["B-ROW", "B-VAL"]


def test_vocab_roundtrip_and_folding(tmp_path):
    v = CharVocab.build(["规章\x1f1\n", "规章"], min_count=2)
    assert "规" in v.ids and "0" not in v.ids  # digits fold to 0, seen once here
    v.save(tmp_path / "vocab.txt")
    w = CharVocab.load(tmp_path / "vocab.txt")
    assert w.tokens == v.tokens and len(w.encode("规章\x1f9")) == 4
    assert w.encode("\x1f") == [w.ids["[CELL]"]]


@pytest.mark.parametrize("n,size,stride", [(1, 256, 192), (256, 256, 192), (257, 256, 192), (1000, 256, 192)])
def test_windows_cover_every_position(n, size, stride):
    ws = windows(n, size, stride)
    covered = set()
    for a, b in ws:
        assert 0 <= a < b <= n and b - a <= size
        covered.update(range(a, b))
    assert covered == set(range(n))


@pytest.mark.parametrize("kind", [k for k in KINDS if not k.startswith("pdf")])
def test_corpus_labels_follow_the_reader(kind):
    ex = make_example(5, kind, "test")
    text, classes = ex["text"], ex["classes"]
    assert len(text) == len(classes) == len(ex["boxes"])
    assert all(0 <= v <= 1000 for b in ex["boxes"] for v in b)
    # every section heading the rules find is labelled SEC by the generator
    for h in find_sections(text):  # (the rules may run a glued heading on; its start is SEC)
        assert classes[h.start:h.start + 4] == ["SEC"] * 4, (kind, h.text)
    assert {"VAL", "ROW", "COL", "SEC", "TXT"} <= set(classes)
    assert all(c == "O" for c, ch in zip(classes, text) if ch in "\x1f\x1e\x1d\n")


def test_corpus_pdf_example_has_real_boxes():
    ex = make_example(2, "pdf", "test")
    boxes = {tuple(b) for b, c in zip(ex["boxes"], ex["classes"]) if c == "VAL"}
    assert len(boxes) > 20  # one box per printed cell, not line positions
    assert ex["classes"].count("FUR") > 0  # the renderer's page numbers


def test_alignment_leaves_a_line_the_source_does_not_explain_as_furniture():
    # the source's value 2020 is not in the flat text, but a printed URL footer holds those
    # digits: the aligner pairs them, and the footer must not become a value line
    source, classes = "标题\n2020\n", ["TXT", "TXT", "O", "VAL", "VAL", "VAL", "VAL", "O"]
    flat = FlatText("标题\nhttps://a.gov.cn/t2020_x.html\n", [0, 3], [Origin(1, "segment", None, (0, 3), 1.0),
                                                                   Origin(1, "segment", None, (3, 30), 1.0)])
    out = align_classes(source, classes, flat)
    assert out[:2] == ["TXT", "TXT"]
    assert set(out[3:-1]) == {"FUR"}
    old = align_classes(source, classes, flat, min_explained=0)  # the old rule: majority of the matched
    assert "VAL" in old[3:-1]


def test_browser_print_headers_and_footers_are_furniture_on_every_page():
    seen = 0
    for seed in range(4):
        ex = make_example(seed, "pdf", "test")
        text, classes = ex["text"], ex["classes"]
        start = 0
        for line in text.split("\n"):
            if line.startswith("https://"):
                seen += 1
                assert {c for c in classes[start:start + len(line)]} <= {"FUR", "O"}, line
            start += len(line) + 1
    assert seen >= 2


def test_train_and_test_templates_differ():
    a, b = make_example(1, "pipe", "train"), make_example(1, "pipe", "test")
    assert a["text"] != b["text"]


def test_drop_furniture_keeps_rule_structure_and_cuts_model_debris():
    o = lambda s: Origin(1, "segment", None, s, 1.0)  # noqa: E731
    text = "规章\x1f1\x1f\n打印本页 关闭窗口\n行政许可\x1f2\x1f\n"
    flat = FlatText(text, [0, 6, 16], [o((0, 5)), o((6, 14)), o((15, 22))])
    classes = ["ROW"] * 2 + ["O", "VAL", "O", "O"] + ["FUR"] * 9 + ["O"] + ["ROW"] * 4 + ["O", "VAL", "O", "O"]
    kept, kc, conf = drop_furniture(flat, classes, np.full(len(text), 0.99))
    assert kept.text == "规章\x1f1\x1f\n行政许可\x1f2\x1f\n"
    assert kept.origin(kept.text.index("2")).span == (15, 22) and len(kc) == len(kept.text) == len(conf)
    low, _, _ = drop_furniture(flat, classes, np.full(len(text), 0.5))  # not confident: kept
    assert "打印本页" in low.text


def test_model_never_drops_a_table_row_printed_as_a_line():
    """An unruled table's last row at a page's foot, among the browser's footer lines, which the
    model calls furniture: the row (a row label and numbers) stays; the footer line goes."""
    o = lambda s: Origin(1, "segment", None, s, 1.0)  # noqa: E731
    row, foot = "(七)总计 270 0 149 590\n", "https://www.example.gov.cn/art_1.html 2/3\n"
    flat = FlatText(row + foot, [0, len(row)], [o((0, 1)), o((1, 2))])
    classes = ["FUR" if ch not in " \n" else "O" for ch in row + foot]
    kept, _, _ = drop_furniture(flat, classes, np.full(len(row + foot), 0.99))
    assert kept.text == row


def test_model_never_drops_a_row_label_alone_on_its_line():
    """One cell per line (a text report, printed as it is): a row's label stands alone on a line,
    its values on the lines after. The model calling that line furniture does not remove the row."""
    o = lambda s: Origin(1, "segment", None, s, 1.0)  # noqa: E731
    lines = ["行政许可\n", "4261\n", "打印本页 关闭窗口\n"]
    starts = [0, len(lines[0]), len(lines[0]) + len(lines[1])]
    text = "".join(lines)
    flat = FlatText(text, starts, [o((k, k + 1)) for k in range(3)])
    classes = ["FUR" if ch not in " \n" else "O" for ch in text]
    kept, _, _ = drop_furniture(flat, classes, np.full(len(text), 0.99))
    assert kept.text == "行政许可\n4261\n"


def test_model_never_drops_the_agency_line_of_a_title_wrapped_in_two():
    """A title printed over two lines, the agency alone on the first: the model calls that short
    line furniture, but it is the title's head (the agency the report names)."""
    o = lambda s: Origin(1, "segment", None, s, 1.0)  # noqa: E731
    head, tail = "昆区交通运输局\n", "2021年政府信息公开工作年度报告\n"
    flat = FlatText(head + tail, [0, len(head)], [o((0, 1)), o((1, 2))])
    classes = ["FUR"] * (len(head) - 1) + ["O"] + ["TXT"] * (len(tail) - 1) + ["O"]
    kept, _, _ = drop_furniture(flat, classes, np.full(len(head + tail), 0.99))
    assert kept.text == head + tail


def test_rescue_headings_from_sec_labels():
    text = "一、总体情况\n正文。\n=、主动公开政府信息情况\n表\n三、收到和处理政府信息公开申请情况\n"
    found = find_sections(text)
    assert [h.number for h in found] == ["一", "三"]
    classes = ["O"] * len(text)
    s = text.index("=、")
    e = text.index("\n", s)
    classes[s:e] = ["SEC"] * (e - s)
    out = rescue_headings(text, classes, found)
    assert [h.number for h in out] == ["一", "二", "三"] and out[1].text == "=、主动公开政府信息情况"
    classes[s:e] = ["TXT"] * (e - s)
    assert len(rescue_headings(text, classes, found)) == 2


@needs_model
def test_shipped_checkpoint_is_verified_and_labels_held_out_text(tmp_path):
    from models.classifier import ModelError, TokenClassifier

    cfg = json.loads((SHIPPED / "config.json").read_text())
    assert {int(k): v for k, v in cfg["id2label"].items()} == ID2LABEL
    clf = TokenClassifier(SHIPPED, "cpu")
    ex = make_example(99, "html", "test")
    probs = clf.logits(clf.vocab.encode(ex["text"]), ex["boxes"])
    pred = [ID2LABEL[int(i)][2:] or "O" for i in probs.argmax(-1)]
    pred = ["O" if p == "" else p for p in pred]
    gold = ex["classes"]
    acc = sum(p == g for p, g in zip(pred, gold)) / len(gold)
    assert acc > 0.97, acc
    bad = tmp_path / "m"
    shutil.copytree(SHIPPED, bad)
    data = bytearray((bad / "model.safetensors").read_bytes())
    data[-1] ^= 1
    (bad / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        TokenClassifier(bad, "cpu")


@needs_model
def test_pipeline_with_and_without_model_agree_on_samples():
    from extract.pipeline import extract_report

    samples = Path(__file__).resolve().parents[1] / "samples"
    for src in sorted(samples.glob("*.txt")) + sorted(samples.glob("*.html")):
        a = extract_report(src, use_model=True)
        b = extract_report(src, use_model=False)
        assert a.model == DEFAULT_MODEL and b.model is None
        assert a.cells == b.cells and a.sections == b.sections and a.meta == b.meta, src.name
        printed = [p for p in a.provenance.values() if p.how == "printed" and p.label]
        assert sum(p.label == "VAL" for p in printed) >= 0.95 * len(printed), src.name


def test_missing_model_falls_back_to_rules(monkeypatch, tmp_path):
    from extract.pipeline import extract_report
    from models.classifier import load_classifier

    load_classifier.cache_clear()
    monkeypatch.setenv("NIANBAO_MODEL", str(tmp_path))
    try:
        r = extract_report(Path(__file__).resolve().parents[1] / "samples" / "seed_001.txt")
    finally:
        load_classifier.cache_clear()
    assert r.model is None and r.status != "failed"
    assert any(f.rule == "model.unavailable" for f in r.findings)


def test_trim_heading_run_on_into_text():
    from extract.labelling import trim_headings

    text = "五、存在的主要问题及改进举措加强公开平台建设情况正文\n"  # no item marker: the rules run on to 情况
    found = find_sections(text)
    assert found[0].text.endswith("建设情况")
    classes = ["SEC"] * 14 + ["TXT"] * (len(text) - 14)
    assert trim_headings(text, classes, found)[0].text == "五、存在的主要问题及改进举措"


def test_init_from_a_local_bert_checkpoint(tmp_path):
    """``nianbao train --init-from DIR`` fine-tunes any local transformers checkpoint: its own
    vocab.txt is used, MLM is skipped, and the result is a verified nianbao checkpoint whose
    config carries our label list."""
    pytest.importorskip("torch")
    from transformers import BertConfig, BertForMaskedLM

    from models.classifier import TokenClassifier
    from models.labels import ID2LABEL
    from models.vocab import SPECIALS
    from training.corpus import make_example
    from training.train import TrainConfig, train

    src = tmp_path / "bert"
    chars = sorted(set(make_example(1, "pipe", "train")["text"]) - {"\n", " "})
    (src).mkdir()
    (src / "vocab.txt").write_text("\n".join(SPECIALS + chars) + "\n", encoding="utf-8")
    BertForMaskedLM(BertConfig(vocab_size=len(SPECIALS) + len(chars), hidden_size=32, num_hidden_layers=1,
                               num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)).save_pretrained(src)
    out = tmp_path / "tuned"
    r = train(TrainConfig(train_docs=2, test_docs=1, mlm_steps=0, steps=3, batch=2, kinds=("pipe",), workers=1,
                          init_from=str(src)), out)
    assert r["config"]["init_from"] == str(src) and "mlm" not in r["timings_s"]
    assert (out / "vocab.txt").read_text(encoding="utf-8") == (src / "vocab.txt").read_text(encoding="utf-8")
    clf = TokenClassifier(out, "cpu")  # verifies SHA256SUMS
    assert clf.id2label == ID2LABEL and not clf.uses_boxes
    assert 0.0 <= r["test"]["f1"] <= 1.0 and r["test"]["documents"] == 1


needs_onnx = pytest.mark.skipif(not (SHIPPED / "model.onnx").exists(), reason="no model.onnx in the shipped checkpoint")


@needs_onnx
def test_onnx_and_torch_backends_label_alike():
    """The shipped model.onnx is the same network: same probabilities (to 1e-4), same decoded labels."""
    from models.classifier import TokenClassifier
    from models.decode import decode_classes

    a, b = TokenClassifier(SHIPPED, "cpu", backend="onnx"), TokenClassifier(SHIPPED, "cpu", backend="torch")
    assert (a.backend, b.backend) == ("onnx", "torch")
    for kind in ("pipe", "pdf"):
        ex = make_example(7, kind, "test")
        pa = a.logits(a.vocab.encode(ex["text"]), ex["boxes"])
        pb = b.logits(b.vocab.encode(ex["text"]), ex["boxes"])
        assert np.abs(pa - pb).max() < 1e-4
        assert decode_classes(ex["text"], pa, a.labels) == decode_classes(ex["text"], pb, b.labels)


@needs_onnx
def test_extraction_on_onnx_never_imports_torch():
    import subprocess
    import sys

    sample = Path(__file__).resolve().parents[1] / "samples" / "seed_001.txt"
    code = ("import sys; from extract.pipeline import extract_report; r = extract_report(sys.argv[1]); "
            "assert r.model, r.findings; print(r.status, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "NIANBAO_MODEL_BACKEND": "auto"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "False", out.stdout


def test_backend_choice(tmp_path, monkeypatch):
    from models.classifier import ModelError, choose_backend

    (tmp_path / "model.onnx").write_bytes(b"")
    assert choose_backend(tmp_path, "cpu") == "onnx"
    monkeypatch.setenv("NIANBAO_MODEL_BACKEND", "torch")
    assert choose_backend(tmp_path, "cpu") == "torch"
    (tmp_path / "model.onnx").unlink()
    assert choose_backend(tmp_path, "cpu", "auto") == "torch"
    with pytest.raises(ModelError, match="model.onnx"):
        choose_backend(tmp_path, "cpu", "onnx")
    with pytest.raises(ModelError, match="unknown model backend"):
        choose_backend(tmp_path, "cpu", "tpu")


def test_onnx_export_of_a_small_checkpoint(tmp_path):
    """export_onnx writes a graph that matches torch, lists it in SHA256SUMS, and loading then
    refuses a changed model.onnx."""
    pytest.importorskip("onnxscript")
    from transformers import LayoutLMConfig, LayoutLMForTokenClassification

    from models.classifier import ModelError, TokenClassifier
    from models.onnx_export import export_onnx
    from training.train import save_checkpoint

    vocab = CharVocab.build([make_example(2, "pipe", "train")["text"]], min_count=1)
    cfg = LayoutLMConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=512, num_labels=len(ID2LABEL),
                         id2label=ID2LABEL, label2id={v: k for k, v in ID2LABEL.items()})
    out = tmp_path / "tiny"
    save_checkpoint(LayoutLMForTokenClassification(cfg).eval(), vocab, out)
    export_onnx(out)
    assert "model.onnx" in (out / "SHA256SUMS").read_text()
    a, b = TokenClassifier(out, "cpu"), TokenClassifier(out, "cpu", backend="torch")
    assert a.backend == "onnx"
    ex = make_example(4, "html", "test")
    assert np.abs(a.logits(a.vocab.encode(ex["text"]), ex["boxes"]) - b.logits(b.vocab.encode(ex["text"]), ex["boxes"])).max() < 1e-4
    data = bytearray((out / "model.onnx").read_bytes())
    data[-1] ^= 1
    (out / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        TokenClassifier(out, "cpu")


def test_word_swap_moves_only_chinese_characters_between_prose_headings_and_furniture():
    import random

    from training.augment import hanzi_mask, swap_words
    from training.train import encode

    exs = [make_example(i, k, "train") for i, k in enumerate(("pipe", "html", "lines"))]
    vocab = CharVocab.build((e["text"] for e in exs), min_count=1)
    b = encode(exs, vocab, 256, 128)[:]
    ids, labels = b["input_ids"].numpy(), b["labels"].numpy()
    hanzi = hanzi_mask(vocab.tokens)
    out = swap_words(ids, labels, hanzi, random.Random(0), rate=0.8)
    changed = out != ids
    assert changed.any()
    assert hanzi[ids[changed]].all() and hanzi[out[changed]].all()  # marks, digits, punctuation stay
    cls = np.array([[ID2LABEL[int(t)][2:] if t >= 0 and t != 0 else "O" for t in row] for row in labels])
    assert set(cls[changed]) <= {"SUB", "TXT", "FUR"}  # table cells and section headings are never touched
    assert (swap_words(ids, labels, hanzi, random.Random(0), rate=0.0) == ids).all()


def test_a_mark_at_a_line_start_decodes_its_heading_as_sub_heading() -> None:
    """The model reads an unseen sub-heading's words as prose (TXT 0.7); its mark and place make it
    a sub-heading up to its first 。, while the same words after prose stay prose, and a table's
    row label (no stop, its own cell) stays a row header."""
    import numpy as np

    from models.decode import decode_classes
    from models.labels import LABELS

    def probs(text: str, **lean: float) -> np.ndarray:
        p = np.full((len(text), len(LABELS)), 0.001)
        for cls, v in lean.items():
            p[:, LABELS.index(f"I-{cls}")] = v
        return p

    text = "正文结束。\n二是研微幽朔。部分栏目更新不够及时\n"
    got = "".join(c[0] for c in decode_classes(text, probs(text, TXT=0.7, SUB=0.3), LABELS))
    assert got == "TTTTTOSSSSSSSTTTTTTTTTTO"
    assert "S" not in "".join(c[0] for c in decode_classes(text, probs(text, TXT=0.7, SUB=0.3), LABELS,
                                                           sub_mark_bonus=0.0))
    inline = "正文结束，二是研微幽朔。部分\n"
    assert "S" not in "".join(c[0] for c in decode_classes(inline, probs(inline, TXT=0.7, SUB=0.3), LABELS))
    for row in ("(一)予以公开\x1f5\x1f0\n", "(一)予以公开\n5\n0\n"):
        assert "S" not in "".join(c[0] for c in decode_classes(row, probs(row, ROW=0.9, SUB=0.05), LABELS))


def test_a_page_number_glued_after_values_decodes_as_furniture() -> None:
    """``- 4 -`` after a row's values, with the model calling its digit a value, is a page number."""
    import numpy as np

    from models.decode import decode_classes
    from models.labels import LABELS

    text = "规章 0 0 0 - 4 -\n第5页\n"
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:, LABELS.index("I-VAL")] = 0.6
    p[:, LABELS.index("I-FUR")] = 0.3
    p[:2, LABELS.index("I-ROW")] = 0.9
    got = "".join(c[0] for c in decode_classes(text, p, LABELS))
    assert got == "RROVOVOVOFOFOFOFFFO"
    assert decode_classes(text, p, LABELS, page_bonus=0.0)[11] == "VAL"


def test_a_headings_words_inside_prose_are_prose() -> None:
    """本机关无其他需要报告的事项 inside a sentence is no heading, however the model leans, while the
    heading with its number (六、) stays one."""
    import numpy as np

    from models.decode import decode_classes
    from models.labels import LABELS

    text = "六、其他需要报告的事项\n全年办结,本机关无其他需要报告的事项。\n"
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:, LABELS.index("I-TXT")] = 0.4
    p[:, LABELS.index("I-SEC")] = 0.6
    got = decode_classes(text, p, LABELS)
    assert set(got[:11]) == {"SEC"} and "SEC" not in got[12:]
    assert "SEC" in decode_classes(text, p, LABELS, sec_off_mark=0.0)[12:]


def test_an_unnumbered_line_after_a_heading_is_no_sub_heading() -> None:
    """Chrome of unknown words after a heading, which the model calls a sub-heading, is not one
    without a number; the numbered line after it is."""
    import numpy as np

    from models.decode import decode_classes
    from models.labels import LABELS

    text = "一、总体情况\n斗烽长者模式荧鹏\n(一)平台建设\n"
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:, LABELS.index("I-SUB")] = 0.6
    p[:, LABELS.index("I-FUR")] = 0.3
    p[:6, LABELS.index("I-SEC")] = 0.9
    got = decode_classes(text, p, LABELS)
    assert set(got[7:15]) == {"FUR"} and set(got[16:23]) == {"SUB"}
    assert set(decode_classes(text, p, LABELS, sub_off_mark=0.0)[7:15]) == {"SUB"}


def test_run_together_text_turns_heading_only_at_a_number() -> None:
    """A report run together on one line: the heading's words again right after it, inside prose
    and within a section number's reach, stay prose however the model leans; the heading with its
    number 六、 and the sub-heading with its （一） stay headings."""
    import numpy as np

    from models.decode import decode_classes
    from models.labels import LABELS

    text = "六、其他需要报告的事项本机关无其他需要报告的事项。（一）概况。正文"
    lean = {"SEC": list(range(0, 11)) + list(range(15, 24)), "SUB": list(range(25, 31))}
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:, LABELS.index("I-TXT")] = 0.9
    for cls, where in lean.items():
        p[where, LABELS.index(f"I-{cls}")] = 0.9
        p[where, LABELS.index("I-TXT")] = 0.1
    got = decode_classes(text, p, LABELS)
    assert set(got[:11]) == {"SEC"} and set(got[11:25]) == {"TXT"} and set(got[25:31]) == {"SUB"}
    assert "SEC" in decode_classes(text, p, LABELS, heading_entry=0.0)[15:24]


def test_pdf_values_before_a_page_break_are_values_not_furniture() -> None:
    """A browser's URL footer and a Word export's ``- 1 -`` hold digits the aligner could pair with
    a row's last values; the renderer's furniture is kept out of the alignment, so no value cell of
    a table row is labelled furniture (on the old labelling 54 were, in 48 PDF documents)."""
    wrong = []
    for seed in range(6):
        ex = make_example(seed, "pdf", "train")
        text, classes, start = ex["text"], ex["classes"], 0
        for line in text.split("\n"):
            cells, pos = [], start
            for cell in line.split("\x1f"):
                cells.append((cell.strip("\x1e "), set(classes[pos:pos + len(cell)]) - {"O"}))
                pos += len(cell) + 1
            if sum(c == {"VAL"} for _, c in cells) >= 2:
                wrong += [(ex["id"], line) for cell, c in cells if cell.isdigit() and "FUR" in c]
            start += len(line) + 1
    assert not wrong, wrong[:3]


def test_a_page_number_run_into_text_is_a_span_of_its_own() -> None:
    """``3/7`` between a column header and a row label, and ``Page 5`` before item ``2.``: the page
    number is furniture, and the classes change at its edges."""
    from models.decode import decode_classes

    text = "决定数量3/7行政许可"
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:4, LABELS.index("I-COL")] = 0.9
    p[4:7, LABELS.index("I-VAL")] = 0.5
    p[4:7, LABELS.index("I-FUR")] = 0.3
    p[7:, LABELS.index("I-ROW")] = 0.9
    assert "".join(c[0] for c in decode_classes(text, p, LABELS)) == "CCCCFFFRRRR"
    text = "公开0Page 52.没有现成"
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:2, LABELS.index("I-ROW")] = 0.9
    p[2, LABELS.index("I-VAL")] = 0.9
    p[3:10, LABELS.index("I-FUR")] = 0.6
    p[9:, LABELS.index("I-ROW")] = 0.5
    got = "".join(c[0] for c in decode_classes(text, p, LABELS))
    assert got == "RRVFFFFOFRRRRRR", got
    assert decode_classes(text, p, LABELS, page_edge=False)[9] == "FUR"


@needs_model
def test_a_sub_heading_run_into_its_text_ends_at_its_last_word() -> None:
    """A crawler's run-together text (``（一）基本情况今年，我区…``): the sub-heading's span stops after
    情况, not at the sentence's 。, while a heading with its own 。 keeps it."""
    import numpy as np

    from models.decode import decode_classes, sub_mark_spans
    from models.labels import LABELS

    text = "正文结束。（一）基本情况今年，我区政府信息公开单位共公布政府信息2599条，办理申请12件。"
    assert [text[a:b] for a, b in sub_mark_spans(text)] == ["（一）基本情况"]
    p = np.full((len(text), len(LABELS)), 0.001)
    p[:, LABELS.index("I-TXT")], p[:, LABELS.index("I-SUB")] = 0.6, 0.4
    got = decode_classes(text, p, LABELS)
    assert "".join(c[1] for c in got) == "XXXXX" + "U" * 7 + "X" * (len(text) - 12)
    own_stop = "正文结束。（一）主动公开情况。本机关全年主动公开政府信息512条。"
    assert [own_stop[a:b] for a, b in sub_mark_spans(own_stop)] == ["（一）主动公开情况。"]
