"""The slots that hold what a visitor typed into a private form (no Rasa import: the
delivery worker reads this too). assistant/tracker_store.py erases their stored values."""

from __future__ import annotations

REFLECTION_FORM = "reflection_form"
REFLECTION_ANSWER_SLOTS = frozenset(
    {"reflect_before", "reflect_gives", "reflect_after", "reflect_secrecy", "reflect_body", "reflect_instead"}
)
REFLECTION_SLOTS = REFLECTION_ANSWER_SLOTS | {"reflection_themes"}
ENQUIRY_FORM = "enquiry_form"
ENQUIRY_SLOTS = frozenset(
    {
        "enquiry_name",
        "enquiry_contact_method",
        "enquiry_email",
        "enquiry_phone",
        "enquiry_who_for",
        "enquiry_availability",
        "enquiry_message",
        "enquiry_consent",
        "enquiry_confirm",
        "enquiry_key",
        "enquiry_prompt",
        "enquiry_reference",
    }
)
PRIVATE_SLOTS = REFLECTION_SLOTS | ENQUIRY_SLOTS
