"""nianbao's runtime: read a report of any input kind, recover its tables, check its arithmetic.

Example:
    >>> from extract import extract_report
    >>> report = extract_report("report.html")          # doctest: +SKIP
    >>> report.status, report.cells["t3.total.total"]   # doctest: +SKIP
    ('ok', 805)
"""
from .pipeline import extract_report, extract_reports
from .report import Report
from .rules import Finding

__all__ = ["extract_report", "extract_reports", "Report", "Finding"]
