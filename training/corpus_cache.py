"""A built training corpus saved to one file and read back, so that a second recipe (another
learning rate, a GPU machine without the PDF renderer's fonts) skips the corpus stage.

The file is gzip-compressed JSON lines: a header line with the corpus recipe (documents, seeds,
kinds, weights) and a fingerprint of the code that makes the documents (every ``.py`` file of
``extract/``, ``models/`` and ``training/``), then one labelled document per line. A file made
from another recipe or other code is refused and rebuilt, never silently reused: the corpus
decides the vocabulary and so the weights. Writes are atomic.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.jsonl.gz"
    >>> build = lambda: ([{"id": "a", "text": "一"}], [{"id": "b", "text": "二"}])
    >>> cached(path, {"seed": 1}, build)[1][0]["text"]
    '二'
    >>> cached(path, {"seed": 1}, lambda: 1 / 0)[0][0]["id"]  # read back, not rebuilt
    'a'
"""
from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = ("extract", "models", "training")

Examples = list[dict]


def fingerprint() -> str:
    """sha256 over the sources that make a labelled document (readers, features, generator).

    >>> len(fingerprint())
    16
    """
    h = hashlib.sha256()
    for pkg in _PACKAGES:
        for f in sorted((_ROOT / pkg).rglob("*.py")):
            h.update(f.relative_to(_ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _read(path: Path, header: dict) -> tuple[Examples, Examples] | None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            found = json.loads(f.readline())
            if found != header:
                log.warning("corpus cache %s is of another recipe or code (%s); rebuilding", path,
                            {k: v for k, v in found.items() if header.get(k) != v})
                return None
            out: dict[str, Examples] = {"train": [], "test": []}
            for line in f:
                ex = json.loads(line)
                out[ex.pop("split")].append(ex)
    except (OSError, ValueError, KeyError, EOFError) as e:
        log.warning("corpus cache %s unreadable (%s); rebuilding", path, e)
        return None
    return out["train"], out["test"]


def _write(path: Path, header: dict, train: Examples, test: Examples) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8", compresslevel=6) as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for split, examples in (("train", train), ("test", test)):
                for ex in examples:
                    f.write(json.dumps({"split": split, **ex}, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached(path: str | Path, recipe: dict, build: Callable[[], tuple[Examples, Examples]]) -> tuple[Examples, Examples]:
    """The (train, test) documents of ``recipe`` from ``path`` when it holds them for this code,
    else ``build()``, saved to ``path`` for the next run."""
    path = Path(path)
    header = {"recipe": recipe, "code": fingerprint()}
    if path.exists():
        got = _read(path, header)
        if got is not None:
            log.info("corpus: read %d train, %d test documents from %s", len(got[0]), len(got[1]), path)
            return got
    train, test = build()
    _write(path, header, train, test)
    log.info("corpus: saved to %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return train, test
