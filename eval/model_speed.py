"""Token-classifier inference speed: characters (tokens) per second on a given number of threads.

Run pinned to one core for the issue's number::

    taskset -c 0 python -m eval.model_speed --threads 1 --docs 40

Example:
    >>> r = measure(docs=2, threads=1)         # doctest: +SKIP
    >>> r["tokens_per_s"] > 0                  # doctest: +SKIP
    True
"""
from __future__ import annotations

import argparse
import json
import time


def measure(docs: int = 40, threads: int = 1, device: str = "cpu", kinds: tuple[str, ...] = ("pipe", "html", "pdf"),
            backend: str = "auto") -> dict:
    """Label ``docs`` held-out synthetic documents; tokens/s of the model (windows with their overlap, and the
    span decoding), not counting reading and flattening. ``backend``: onnx, torch or auto."""
    import os

    from models.classifier import load_classifier
    from training.corpus import make_example

    os.environ["NIANBAO_MODEL_THREADS"] = str(threads)  # both backends read it when they load
    clf = load_classifier(device=device, backend=backend)
    examples = [make_example(10_000 + i, k, "test") for k in kinds for i in range(docs // len(kinds) or 1)]
    clf.logits(clf.vocab.encode(examples[0]["text"]), examples[0]["boxes"])  # warm-up
    from models.decode import decode_classes

    n, t, dec = 0, time.perf_counter(), 0.0
    for ex in examples:
        probs = clf.logits(clf.vocab.encode(ex["text"]), ex["boxes"])
        t1 = time.perf_counter()
        decode_classes(ex["text"], probs, clf.labels)
        dec += time.perf_counter() - t1
        n += len(ex["text"])
    s = time.perf_counter() - t
    return {"model": clf.name, "backend": clf.backend, "device": clf.device, "threads": threads, "documents": len(examples), "tokens": n,
            "seconds": round(s, 3), "tokens_per_s": round(n / s), "decode_share": round(dec / s, 3),
            "ms_per_document": round(1000 * s / len(examples), 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=40)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--backend", default="auto", choices=("auto", "onnx", "torch"))
    a = p.parse_args()
    print(json.dumps(measure(a.docs, a.threads, a.device, backend=a.backend), indent=1))


if __name__ == "__main__":
    main()
