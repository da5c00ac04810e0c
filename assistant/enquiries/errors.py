"""Exceptions of the enquiry service. Their messages never contain personal data."""

from __future__ import annotations


class EnquiryError(Exception):
    """Base class for enquiry service errors."""


class StoreUnavailable(EnquiryError):
    """The database could not be used (down, timed out, refused the write).

    Carries only the operation and the class name of the underlying error; the original
    exception is deliberately not chained, because database errors can embed row values.
    """

    def __init__(self, operation: str, error: str) -> None:
        super().__init__(f"enquiry store unavailable during {operation} ({error})")
        self.operation = operation
        self.error = error


class TrackerStoreUnavailable(StoreUnavailable):
    """The tracker store (the visitors' conversations) could not be opened, or has no events table.

    Erasing and purging stop on it rather than report "0 conversation events removed" for a
    database that was never the assistant's. ``error`` is ``NoTrackerStore`` (no such SQLite
    file), ``NoEventsTable``, or a database error's class name.
    """


class InvalidEnquiry(EnquiryError, ValueError):
    """An enquiry failed validation; ``field`` names the field, never its value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"invalid enquiry: {field} ({reason})")
        self.field = field
        self.reason = reason
