"""What a visitor's sentence says to the enquiry form (assistant/enquiries/sentences.py), as tables."""

from __future__ import annotations

import pytest

from assistant.enquiries.sentences import (
    Edit,
    Problem,
    asks_about_consent,
    asks_if_optional,
    asks_why,
    find_email,
    find_name,
    find_phone,
    is_question,
    offers_method,
    parse_edit,
    said_not_a_name,
)


@pytest.mark.parametrize(
    "text, name",
    [
        ("my name's Joanna", "Joanna"),
        ("My name is Joanna Smith and I'd like some help", "Joanna Smith"),
        ("I'm Jo", "Jo"),
        ("I am Chris", "Chris"),
        ("i’m Priya", "Priya"),
        ("call me Jo", "Jo"),
        ("you can call me Bea, thanks", "Bea"),
        ("it's Sam", "Sam"),
        ("It’s Priya", "Priya"),
        ("name: Kim", "Kim"),
        ("Joanna", "Joanna"),
        ("Will", "Will"),
        ("Will Smith", "Will Smith"),
        ("hello, Sam here", "Sam"),
        ("Hi, I'm Jo, jo@example.com", "Jo"),
        ("Mark here, 07911 123456", "Mark"),
        ("ok, call me Kit", "Kit"),
        ("Anonymous", "Anonymous"),
        ("I'm fine", None),
        ("i'm fine thanks", None),
        ("I'm not sure", None),
        ("I'm nervous", None),
        ("I'm struggling", None),
        ("I'd rather not say", None),
        ("not sure", None),
        ("why do you need my name?", None),
        ("does he see couples", None),
        ("jo@example.com", None),
        ("", None),
    ],
)
def test_names_from_sentences(text: str, name: str | None) -> None:
    assert find_name(text).value == name


@pytest.mark.parametrize(
    "text, expected", [("I'm not sure", True), ("I'm nervous", True), ("I'd rather not", True), ("Jo", False)]
)
def test_said_instead_of_a_name(text: str, expected: bool) -> None:
    assert said_not_a_name(text) is expected


@pytest.mark.parametrize(
    "text, value, problem",
    [
        ("jo@example.com is best", "jo@example.com", None),
        ("email me at Jo.Smith@Example.com please", "Jo.Smith@example.com", None),
        ("<jo@example.com>.", "jo@example.com", None),
        ("mailto:jo@example.com", "jo@example.com", None),
        ("jo@example", None, Problem.DOMAIN),
        ("@example.com", None, Problem.BEFORE_AT),
        ("jo@@example.com", None, Problem.CHARACTERS),
        ("jo @ example.com", None, Problem.CHARACTERS),
        ("a@example.com or b@example.org", None, Problem.SEVERAL),
        ("no address here", None, Problem.NONE_FOUND),
    ],
)
def test_emails_anywhere_in_a_message(text: str, value: str | None, problem: Problem | None) -> None:
    found = find_email(text)
    assert (found.value, found.problem) == (value, problem)


def test_an_address_without_an_at_sign_is_named_only_at_the_email_step() -> None:
    assert find_email("jo.example.com", expect=True).problem is Problem.NO_AT
    assert find_email("jo.example.com").problem is Problem.NONE_FOUND


@pytest.mark.parametrize(
    "text, value, problem",
    [
        ("Ring me on 07911 123456", "+447911123456", None),
        ("my number is +44 7911 123456", "+447911123456", None),
        ("07911123456.", "+447911123456", None),
        ("020 7123 4567", "+442071234567", None),
        ("+1 212 555 0123", "+12125550123", None),
        ("07700 900123", None, Problem.RESERVED),
        ("+44 7700 900500", None, Problem.RESERVED),
        ("01632 960123", None, Problem.RESERVED),
        ("020 7946 0123", None, Problem.RESERVED),
        ("0161 496 0123", None, Problem.RESERVED),
        ("0791112345", None, Problem.TOO_SHORT),
        ("0791 123", None, Problem.TOO_SHORT),
        ("079111234567", None, Problem.PHONE_TOO_LONG),
        ("212 555 0123", None, Problem.COUNTRY_CODE),
        ("07911 123456 or 07700 123456", None, Problem.SEVERAL),
        ("weekday evenings after 6", None, Problem.NONE_FOUND),
    ],
)
def test_phone_numbers_anywhere_in_a_message(text: str, value: str | None, problem: Problem | None) -> None:
    found = find_phone(text, region="GB", expect=True)
    assert (found.value, found.problem) == (value, problem)


def test_short_numbers_count_only_at_the_phone_step() -> None:
    assert find_phone("12345", expect=True).problem is Problem.TOO_SHORT
    assert find_phone("12345").problem is Problem.NONE_FOUND
    assert find_phone("I'm 35 and since 2019").problem is Problem.NONE_FOUND


def test_a_refused_number_says_how_many_digits_it_had() -> None:
    assert find_phone("0791 123", expect=True).digits == 7


@pytest.mark.parametrize(
    "text, expected",
    [
        ("wait, does he see couples?", True),
        ("how long does therapy take", True),
        ("what happens if I say no?", True),
        ("Is this optional?", True),
        ("can you email me?", False),
        ("could you ring me on 07911 123456?", False),
        ("Just me", False),
        ("yes", False),
        ("weekday evenings", False),
    ],
)
def test_questions_and_requests(text: str, expected: bool) -> None:
    assert is_question(text) is expected


def test_step_questions() -> None:
    assert asks_if_optional("is this optional?") and asks_if_optional("Do I have to answer this?")
    assert not asks_if_optional("do I have to come in person?")
    assert asks_why("why do you need my name?") and not asks_why("just me")
    assert asks_about_consent("what happens if I say no?") and asks_about_consent("how long is it kept?")
    assert not asks_about_consent("How is it different from porn?")


@pytest.mark.parametrize(
    "text, edit",
    [
        ("change the name to Jo", Edit("name", "Jo")),
        ("change my name to Jo", Edit("name", "Jo")),
        ("the name should be Jo", Edit("name", "Jo")),
        (
            "Can you change the message to: I'd like to talk about my partner",
            Edit("message", "I'd like to talk about my partner"),
        ),
        ("use my phone instead: 07911 123456", Edit("contact", "07911 123456")),
        ("my email is wrong, it's jo@example.org", Edit("contact", "jo@example.org")),
        ("change my email to jo@example.org", Edit("contact", "jo@example.org")),
        ("change the days and times to weekends", Edit("availability", "weekends")),
        ("remove the times", Edit("availability", remove=True)),
        ("take the times out", Edit("availability", remove=True)),
        ("remove the days and times", Edit("availability", remove=True)),
        ("please delete my message", Edit("message", remove=True)),
        ("Change the contact details", Edit("contact")),
        ("Change who it's about", Edit("who_for")),
        ("Change the message", Edit("message")),
        ("the name please", Edit("name")),
        ("change something", Edit()),
        ("I need to change something", Edit()),
        ("send it", None),
        ("yes please send it", None),
        ("No, it's fine", None),
    ],
)
def test_edits_by_name(text: str, edit: Edit | None) -> None:
    assert parse_edit(text) == edit


@pytest.mark.parametrize(
    "text, expected",
    [
        ("would email be ok?", True),
        ("phone ok?", True),
        ("is email fine?", True),
        ("will he keep my number private?", False),
        ("does he phone people back?", False),
    ],
)
def test_a_method_offered_as_a_question_is_an_answer(text: str, expected: bool) -> None:
    assert offers_method(text) is expected
