"""Exceptions that readers and the pipeline raise; the pipeline turns them into
``status: failed`` records instead of letting one bad file stop a batch."""


class NianbaoError(Exception):
    """Base class of every error nianbao raises on purpose."""


class ReadError(NianbaoError):
    """The input cannot be read: empty, corrupt, encrypted, undecodable, too large, wrong type."""


class NotAReportError(NianbaoError):
    """The input was read but is not a government information disclosure annual report."""
