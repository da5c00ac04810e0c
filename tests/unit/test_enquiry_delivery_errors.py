"""Which delivery errors are permanent (fail at once) and how they are described (no reply text)."""

from __future__ import annotations

import smtplib

import pytest

from assistant.enquiries.mail import InsecureLogin, StartTLSNotOffered, describe_error, is_permanent

ADDRESS = "tim@practice.example"


@pytest.mark.parametrize(
    ("error", "permanent", "described"),
    [
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), True, "SMTPAuthenticationError 535"),
        (smtplib.SMTPAuthenticationError(454, b"4.7.0 try later"), False, "SMTPAuthenticationError 454"),
        (StartTLSNotOffered("no STARTTLS"), True, "StartTLSNotOffered"),
        (InsecureLogin("no TLS"), True, "InsecureLogin"),
        (smtplib.SMTPNotSupportedError("AUTH not supported"), True, "SMTPNotSupportedError"),
        (smtplib.SMTPRecipientsRefused({ADDRESS: (550, b"no such user")}), True, "SMTPRecipientsRefused 550"),
        (
            smtplib.SMTPRecipientsRefused({ADDRESS: (450, b"mailbox busy")}),
            False,
            "SMTPRecipientsRefused 450",
        ),
        (smtplib.SMTPSenderRefused(553, b"not allowed", ADDRESS), True, "SMTPSenderRefused 553"),
        (smtplib.SMTPDataError(451, b"try later"), False, "SMTPDataError 451"),
        (smtplib.SMTPServerDisconnected("gone"), False, "SMTPServerDisconnected"),
        (ConnectionRefusedError(111, "refused"), False, "ConnectionRefusedError"),
        (TimeoutError("timed out"), False, "TimeoutError"),
        (OSError("disk full"), False, "OSError"),
    ],
)
def test_permanent_errors_and_their_description(
    error: BaseException, permanent: bool, described: str
) -> None:
    assert is_permanent(error) is permanent
    assert describe_error(error) == described
    assert ADDRESS not in describe_error(error)
