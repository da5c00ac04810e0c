"""The consent statement shown before an enquiry is stored, and saved with it word for word."""

from __future__ import annotations


def consent_statement(therapist: str, retention_months: int) -> str:
    """What is stored, who receives it, for how long, and the right to erasure, in one sentence.

    Accurate for this service: the details are kept in the assistant's database for the
    therapist; the email he receives says only that an enquiry arrived and its reference.
    """
    months = f"{retention_months} month{'s' if retention_months != 1 else ''}"
    return (
        f"Your name, contact details, who the enquiry is for, your preferred times and your message "
        f"are kept for {therapist}, who is emailed that you have been in touch, and they are deleted "
        f"after {months}. You can ask for them to be deleted sooner at any time."
    )
