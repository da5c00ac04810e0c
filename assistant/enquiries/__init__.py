"""Enquiries to the therapist: validation, storage with an outbox, delivery, and admin tools.

Import what you need from its module (``assistant.enquiries.store``, ``.config``, ``.errors``,
``.records``, ...): importing this package imports none of them, so reading the enquiry settings
does not load the store, Alembic or phonenumbers. Nothing here does I/O at import time (engines
are created on first use).
"""
