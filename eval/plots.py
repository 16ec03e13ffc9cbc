"""PNG plots of the benchmark results (matplotlib, Agg backend): accuracy, speed, stages.

Example:
    >>> plot_all(results, Path("bench_out"))        # doctest: +SKIP
    [PosixPath('bench_out/accuracy.png'), PosixPath('bench_out/speed.png'), PosixPath('bench_out/stages.png')]
"""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

SYSTEM_ORDER = ("model", "rules-only", "baseline")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _labels(results: dict) -> list[tuple[str, str, str]]:
    """(label, device, kind) for every run; the device is named only when there are several."""
    devs = list(results["runs"])
    return [(f"{kind}" if len(devs) == 1 else f"{kind}\n{dev}", dev, kind)
            for dev in devs for kind in results["runs"][dev]]


def _grouped_bars(ax, labels: list[str], series: dict[str, list[float | None]]) -> None:
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (name, values) in enumerate(series.items()):
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(labels))]
        ax.bar(xs, [v or 0.0 for v in values], width, label=name)
    ax.set_xticks(range(len(labels)), labels)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(series), frameon=False)


def _bar_chart(runs: list, series: dict, path: Path, ylabel: str, title: str, *, log: bool = False) -> Path:
    """One group of bars per kind, one bar per series; saved as a PNG at ``path``."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(6, 1.4 * len(runs)), 4))
    _grouped_bars(ax, [lb for lb, _, _ in runs], series)
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0, 1.05)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_accuracy(results: dict, path: Path) -> Path:
    """Cell accuracy per kind, one bar per system (nianbao with the model, rules-only, baseline)."""
    runs = _labels(results)
    systems = [s for s in SYSTEM_ORDER if any(s in results["runs"][d][k]["systems"] for _, d, k in runs)]
    series = {s: [results["runs"][d][k]["systems"].get(s, {}).get("cells", {}).get("all", {}).get("accuracy")
                  for _, d, k in runs] for s in systems}
    return _bar_chart(runs, series, path, "cell accuracy", "Cell accuracy per input kind")


def plot_speed(results: dict, path: Path) -> Path:
    """Pages per second per kind (log scale), nianbao with and without the model."""
    runs = _labels(results)
    series = {s: [results["runs"][d][k]["systems"][s]["speed"]["pages_per_s"] for _, d, k in runs]
              for s in ("model", "rules-only")}
    return _bar_chart(runs, series, path, "pages / s", "Speed per input kind", log=True)


def plot_stages(results: dict, path: Path) -> Path:
    """Each stage's share of the time per page, stacked, for every kind and both nianbao
    systems; the total seconds per page is written above each bar (kinds differ by 100x)."""
    from .bench_report import STAGES

    plt = _plt()
    bars = [(f"{lb}\n{s}", results["runs"][d][k]["systems"][s]["speed"]["seconds_per_page"])
            for lb, d, k in _labels(results) for s in ("model", "rules-only")]
    stages = [st for st in STAGES if any(st in b for _, b in bars)]
    fig, ax = plt.subplots(figsize=(max(7, 1.1 * len(bars)), 4.5))
    bottom = [0.0] * len(bars)
    for st in stages:
        vals = [b.get(st, 0.0) / (sum(b.values()) or 1.0) for _, b in bars]
        ax.bar(range(len(bars)), vals, 0.7, bottom=bottom, label=st)
        bottom = [x + v for x, v in zip(bottom, vals)]
    for i, (_, b) in enumerate(bars):
        ax.text(i, 1.01, f"{sum(b.values()):.3g} s/p", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(bars)), [lb for lb, _ in bars], fontsize=7)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("share of the time per page")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("Time per stage")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_all(results: dict, out: Path) -> list[Path]:
    """accuracy.png, speed.png and stages.png in ``out``."""
    return [plot_accuracy(results, out / "accuracy.png"), plot_speed(results, out / "speed.png"),
            plot_stages(results, out / "stages.png")]
