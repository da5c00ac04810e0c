"""The slots that hold what a visitor typed into a private form, declared once (no Rasa import:
the delivery worker reads this too). The actions clear them by these lists and
assistant/tracker_store.py erases their stored values; no other module re-declares them."""

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
REFLECTION_THEMES_SLOT = "reflection_themes"
# Every reflection slot, in a fixed order (the events that clear them).
REFLECTION_SLOT_ORDER = (*REFLECTION_PROMPTS, REFLECTION_THEMES_SLOT)
REFLECTION_ANSWER_SLOTS = frozenset(REFLECTION_PROMPTS)
REFLECTION_SLOTS = frozenset(REFLECTION_SLOT_ORDER)

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
ENQUIRY_KEY_SLOT = "enquiry_key"
ENQUIRY_PROMPT_SLOT = "enquiry_prompt"
ENQUIRY_REFERENCE_SLOT = "enquiry_reference"
ENQUIRY_SLOT_ORDER = (*ENQUIRY_FIELDS, ENQUIRY_KEY_SLOT, ENQUIRY_PROMPT_SLOT, ENQUIRY_REFERENCE_SLOT)
ENQUIRY_SLOTS = frozenset(ENQUIRY_SLOT_ORDER)

PRIVATE_SLOTS = REFLECTION_SLOTS | ENQUIRY_SLOTS
