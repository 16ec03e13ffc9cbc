"""Evaluation: metrics (cells, sections, meta, findings) and the harness behind ``nianbao eval``."""
