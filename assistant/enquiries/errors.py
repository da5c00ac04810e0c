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


class InvalidEnquiry(EnquiryError, ValueError):
    """An enquiry failed validation; ``field`` names the field, never its value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"invalid enquiry: {field} ({reason})")
        self.field = field
        self.reason = reason
