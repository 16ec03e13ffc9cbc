"""nianbao's runtime: read a report of any input kind, recover its tables, check its arithmetic.

Example:
    >>> from extract import extract_report
    >>> report = extract_report("report.html")          # doctest: +SKIP
    >>> report.status, report.cells["t3.total.total"]   # doctest: +SKIP
    ('ok', 805)
"""
import os as _os

# onnxruntime (OCR) would write a device id and telemetry under ~/.cache as soon as it is imported
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from .pipeline import extract_report, extract_reports  # noqa: E402
from .report import Report  # noqa: E402
from .rules import Finding  # noqa: E402

__all__ = ["extract_report", "extract_reports", "Report", "Finding"]
