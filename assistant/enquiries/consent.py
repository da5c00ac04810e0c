"""The consent statement shown before an enquiry is stored, and saved with it word for word."""

from __future__ import annotations


def consent_statement(therapist: str, retention_months: int) -> str:
    """What is stored, who receives it, for how long, the right to erasure, and why consent is asked.

    Accurate for this service: the details are kept in the assistant's database for the
    therapist; the email he receives says only that an enquiry arrived and its reference.
    An enquiry to this practice can reveal something about the visitor's sex life or health,
    special category data (GDPR article 9), so it is kept only with explicit consent; the
    statement says so plainly. The domain response ``utter_ask_enquiry_consent`` shows this
    text (a unit test keeps the two the same).
    """
    months = f"{retention_months} month{'s' if retention_months != 1 else ''}"
    return (
        f"Your name, contact details, who the enquiry is for, your preferred times and your message "
        f"are kept for {therapist}, who is emailed that you have been in touch, and they are deleted "
        f"after {months}. You can ask for them to be deleted sooner at any time. What you write may "
        f"say something about your sex life or your health, which data protection law calls special "
        f"category data; that is why we ask for your explicit consent."
    )
