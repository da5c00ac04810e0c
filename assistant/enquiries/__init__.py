"""Enquiries to the therapist: validation, storage with an outbox, delivery, and admin tools.

The chat actions need only what is exported here; importing it does no I/O (engines are
created on first use).
"""

from assistant.enquiries.config import EnquiryConfig, get_config, load_config
from assistant.enquiries.consent import consent_statement
from assistant.enquiries.errors import EnquiryError, InvalidEnquiry, StoreUnavailable, TrackerStoreUnavailable
from assistant.enquiries.records import CreateResult, EnquiryData, EnquiryRecord, ErasureResult, PurgeResult
from assistant.enquiries.store import EnquiryStore, create_async, get_store, new_idempotency_key

__all__ = [
    "CreateResult",
    "EnquiryConfig",
    "EnquiryData",
    "EnquiryError",
    "EnquiryRecord",
    "EnquiryStore",
    "ErasureResult",
    "InvalidEnquiry",
    "PurgeResult",
    "StoreUnavailable",
    "TrackerStoreUnavailable",
    "consent_statement",
    "create_async",
    "get_config",
    "get_store",
    "load_config",
    "new_idempotency_key",
]
