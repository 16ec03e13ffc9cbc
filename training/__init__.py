"""Synthetic reports (``synth``), labelled corpora read back through nianbao's readers
(``corpus``), renderers for PDF, scan and Word fixtures (``render``, ``render_docx``), and the
training recipe of the token classifier (``train``, also ``nianbao train``).
"""
