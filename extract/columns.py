"""Columns of a table printed without rules: where its values stand, and where its header
stands over columns that no row fills.

Without rules, a table's columns are the x ranges its rows of values print into, with
gaps between them (:func:`extract.scan.table_from_alignment`). A column that *no* row
fills (表三's 科研机构 and 社会公益组织 in a report whose applicants were all people and
companies, 表四's 行政诉讼 columns in a year without suits) leaves no trace among the
values: two such columns merge into one gap, and a row of five printed numbers then has
to be spread over seven columns by guesswork. Its header still stands over it. This module
reads those columns from the header: within a gap between columns of values (or after
the last one), each cluster of header text that is not itself wider than a column opens
a column of its own; where the detector ran the header words of neighbouring columns together,
the distance between the columns of values on either side tells how many stand there.

Example:
    >>> gaps = [(272, 288, False), (303, 325, False), (336, 431, False), (438, 466, False), (472, 496, False)]
    >>> header = [(351, 378), (360, 369), (386, 413), (368, 431)]   # 科研机 构 社会公 法人或其他组织
    >>> header_bounds(gaps, header, char=9.0)   # the wide gap between 商业企业 and 法律服务机构
    ([280.0, 314.0, 350.2, 382.0, 415.2, 452.0, 484.0], [364.5, 399.5])
"""
from __future__ import annotations

from typing import Sequence

Span = tuple[float, float]
MIN_PITCHES = 1.5
"""A gap opens columns only when it is this many times wider than the usual step from one column of
values to the next: a column no row fills leaves a gap of about two steps, while a header's letters
spaced over a gap of one step (维 持 结 果) are no column."""


def header_clusters(spans: Sequence[Span], tol: float) -> list[float]:
    """x centres of the header columns that ``spans`` (x0, x1 of header text) stand over.

    Narrow text first: text whose centre is within ``tol`` of a cluster joins it; text
    that reaches over a cluster's centre without sharing it spans several columns (行政诉讼
    over its five) and is left out.

    >>> header_clusters([(0, 20), (2, 18), (30, 50), (0, 50)], tol=4)
    [10.0, 40.0]
    """
    clusters: list[list[float]] = []  # [centre, count]
    for x0, x1 in sorted(spans, key=lambda s: s[1] - s[0]):
        mid = (x0 + x1) / 2
        near = [c for c in clusters if abs(c[0] - mid) <= tol]
        if near:
            near[0][0] = (near[0][0] * near[0][1] + mid) / (near[0][1] + 1)
            near[0][1] += 1
        elif not any(x0 < c[0] < x1 for c in clusters):
            clusters.append([mid, 1])
    return sorted(round(c[0], 1) for c in clusters)


def _evenly(centres: list[float], left: float, right: float, step: float) -> list[float]:
    """The header's columns between two columns of values, or, when the distance between those
    says more columns stand there than the header showed (header words the detector ran together:
    其他尚未, 商业企科研机社会公), that many spaced evenly.

    >>> _evenly([1140.0], 1003.5, 1376.5, step=121.0)   # three steps apart: two columns, not one
    [1127.8, 1252.2]
    >>> _evenly([1140.0], 1003.5, 1310.0, step=121.0)   # 2.5 steps: the distance decides nothing
    [1140.0]
    """
    ratio = (right - left) / step
    missing = round(ratio) - 1
    if missing <= len(centres) or abs(ratio - round(ratio)) > 0.25:
        return centres
    return [round(left + k * (right - left) / (missing + 1), 1) for k in range(1, missing + 1)]


def header_bounds(gaps: Sequence[tuple[float, float, bool]], header: Sequence[Span],
                  char: float) -> tuple[list[float], list[float]]:
    """Column boundaries inside the ``gaps`` between columns of values, and the centres of the
    columns the header opens there.

    ``gaps`` are ``(x0, x1, trailing)``: a gap between two columns of values, or the space
    after the last one (``trailing``). Header text lying wholly inside a gap gives its
    clusters (:func:`header_clusters`) when the gap is wide enough to hold a column (:data:`MIN_PITCHES`);
    between two columns of values, fewer clusters than the distance between those holds steps
    give way to that many columns spaced evenly (:func:`_evenly`). Boundaries fall halfway between
    the gap's edges and the columns' centres. A gap without header text inside gives one boundary at its
    middle, as before; a trailing gap without any, none.
    """
    bounds: list[float] = []
    opened: list[float] = []
    inner = sorted((a, b) for a, b, trailing in gaps if not trailing)
    mids = [(b0 + a1) / 2 for (_, b0), (a1, _) in zip(inner, inner[1:])]  # columns of values between gaps
    steps = sorted(q - p for p, q in zip(mids, mids[1:]))
    step = steps[(len(steps) - 1) // 2] if steps else 0.0  # the lower median: a missing column doubles a step
    around = {gap: (mids[j - 1], mids[j]) for j, gap in enumerate(inner) if 0 < j < len(mids)}
    for a, b, trailing in gaps:
        wide = step > 0 and b - a >= MIN_PITCHES * step
        inside = [(x0, x1) for x0, x1 in header if x0 >= a - 1 and x1 <= b + 1] if wide else []
        centres = header_clusters(inside, tol=0.6 * char) if inside else []
        if centres and (a, b) in around:
            centres = _evenly(centres, *around[(a, b)], step)
        if not centres:
            if not trailing:
                bounds.append(round((a + b) / 2, 1))
            continue
        points = [a, *centres] + ([] if trailing else [b])
        bounds += [round((p + q) / 2, 1) for p, q in zip(points, points[1:])]
        opened += centres
    return sorted(bounds), opened
