"""The slots that hold what a visitor typed into a private form (no Rasa import: the
delivery worker reads this too). assistant/tracker_store.py erases their stored values."""

from __future__ import annotations

REFLECTION_FORM = "reflection_form"
# The reflection's prompts and the enquiry's fields, in the order the forms ask them.
REFLECTION_PROMPTS = (
    "reflect_before",
    "reflect_gives",
    "reflect_after",
    "reflect_secrecy",
    "reflect_body",
    "reflect_instead",
)
REFLECTION_ANSWER_SLOTS = frozenset(REFLECTION_PROMPTS)
REFLECTION_SLOTS = REFLECTION_ANSWER_SLOTS | {"reflection_themes"}
ENQUIRY_FORM = "enquiry_form"
ENQUIRY_FIELDS = (
    "enquiry_name",
    "enquiry_contact_method",
    "enquiry_email",
    "enquiry_phone",
    "enquiry_who_for",
    "enquiry_availability",
    "enquiry_message",
    "enquiry_consent",
    "enquiry_confirm",
)
# Plus the key that makes a repeated "send" store one enquiry, what the confirmation
# step shows next, and the reference once saved.
ENQUIRY_SLOTS = frozenset(ENQUIRY_FIELDS) | {"enquiry_key", "enquiry_prompt", "enquiry_reference"}
PRIVATE_SLOTS = REFLECTION_SLOTS | ENQUIRY_SLOTS
