"""The classifier's labels put to work (extract.labelling), on hand-made labels: no model needed."""
from extract.document import Document, Page, Segment
from extract.flat import flatten
from extract.labelling import drop_furniture


def _flat(line: str):
    return flatten(Document("a.txt", "txt", [Page(1, segments=[Segment(line, span=(0, len(line)))])]), keep_furniture=True)


def test_a_page_number_after_furniture_goes_with_it_however_unsure_the_model_is_of_it():
    line = "5.属于三类内部事务信息 0  0  0  0  0  0 Page 3"
    flat = _flat(line)
    text = flat.text
    p = text.index("Page")
    classes = ["O"] * len(text)
    conf = [0.99] * len(text)
    classes[p:p + 4] = ["FUR"] * 4
    classes[p + 5], conf[p + 5] = "FUR", 0.02
    kept, _, _ = drop_furniture(flat, classes, conf)
    assert "Page" not in kept.text and not kept.text.rstrip("\x1f\n ").endswith("3")
    classes[p + 5] = "VAL"  # a number the model reads as a value stays
    kept, _, _ = drop_furniture(flat, classes, conf)
    assert "Page" not in kept.text and kept.text.rstrip("\x1f\n ").endswith("3")


def _labelled(line: str, labels: dict[str, str]):
    flat = _flat(line)
    classes = ["O"] * len(flat.text)
    for word, cls in labels.items():
        p = flat.text.index(word)
        classes[p:p + len(word)] = [cls] * len(word)
    return flat, classes, [0.99] * len(flat.text)


def test_a_line_of_cells_most_of_them_furniture_goes_whole():
    kept, _, _ = drop_furniture(*_labelled("网站地图|联系我们|网站声明|", {"网站地图": "FUR", "联系我们": "TXT", "网站声明": "FUR"}))
    assert kept.text.strip("\x1f\n") == ""
    # a number or a row label among them stays: that line is a table's
    for keep in ("12", "行政许可"):
        kept, _, _ = drop_furniture(*_labelled(f"网站地图|{keep}|网站声明|", {"网站地图": "FUR", keep: "VAL", "网站声明": "FUR"}))
        assert kept.text.strip("\x1f\n") == keep
