"""The notification email: built from the reference and route only, sent by SMTP or filed locally.

The email tells the therapist that an enquiry arrived and where to read it: the web inbox at
``PUBLIC_BASE_URL/admin/`` (a fixed address, nothing about the enquiry in it), or the admin
tool when no public address is configured.
It never carries the visitor's name, contact details, message or anything else they typed.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from assistant.enquiries.config import EnquiryConfig

ROUTE_DESCRIPTIONS = {
    "individual": "for themselves",
    "couple_partner": "as a couple or as someone's partner",
    "general": "a general question",
}


class StartTLSNotOffered(smtplib.SMTPException):
    """STARTTLS is required but the server did not offer it: nothing was sent."""


class InsecureLogin(smtplib.SMTPException):
    """A password would have crossed the network unencrypted (SMTP_USER without STARTTLS)."""


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def message_id_for(reference: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt at one enquiry (so duplicates are visible)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<enquiry.{reference}@{domain}>"


def eml_path(mail_dir: Path, reference: str) -> Path:
    """Where the local copy of an enquiry's notification is written."""
    return Path(mail_dir) / f"{reference}.eml"


def build_notification(
    reference: str, route: str, received_at: datetime, config: EnquiryConfig
) -> EmailMessage:
    """The notification for one enquiry: reference, route, time and how to view it."""
    message = EmailMessage()
    message["Subject"] = f"New enquiry {reference} ({route})"
    message["From"] = config.smtp_from
    message["To"] = config.therapist_email
    message["Date"] = format_datetime(received_at)
    message["Message-ID"] = message_id_for(reference, config.smtp_from)
    message["Auto-Submitted"] = "auto-generated"
    description = ROUTE_DESCRIPTIONS.get(route, route)
    body = (
        "A new enquiry has arrived through the website assistant.\n"
        "\n"
        f"Reference: {reference}\n"
        f"Route:     {route} ({description})\n"
        f"Received:  {received_at:%Y-%m-%d %H:%M} UTC\n"
        "\n"
        "The details are kept on the assistant's server, not in this email.\n"
        f"{_where_to_look(reference, config)}"
        "\n"
        f"The visitor was told to expect a reply {config.reply_time}.\n"
    )
    message.set_content(body, cte="7bit" if body.isascii() else "quoted-printable")
    return message


def inbox_url(config: EnquiryConfig) -> str:
    """The web inbox's address (``PUBLIC_BASE_URL`` + ``/admin/``), or ``""`` when none is configured."""
    return f"{config.public_base_url}/admin/" if config.public_base_url else ""


def _where_to_look(reference: str, config: EnquiryConfig) -> str:
    """How to read the enquiry: the inbox's link (nothing about the enquiry in it), else the admin tool."""
    url = inbox_url(config)
    if url:
        return (
            "Read it in your inbox (you will be asked to log in):\n"
            "\n"
            f"    {url}\n"
            "\n"
            f"Search for {reference} there, or find it at the top of the list.\n"
        )
    return (
        "To view them:\n"
        "\n"
        f'    make admin ARGS="show {reference}"\n'
        "\n"
        "When you have replied, mark it handled:\n"
        "\n"
        f'    make admin ARGS="handled {reference}"\n'
    )


def send_smtp(message: EmailMessage, config: EnquiryConfig) -> None:
    """Send by SMTP with a timeout; with ``SMTP_STARTTLS=1`` nothing is sent without TLS.

    Credentials are only sent over TLS (or to a relay on this machine).
    """
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=config.smtp_timeout) as smtp:
        smtp.ehlo()
        if config.smtp_starttls:
            if not smtp.has_extn("starttls"):
                raise StartTLSNotOffered("server did not offer STARTTLS")
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.smtp_user:
            if not config.smtp_starttls and config.smtp_host not in _LOOPBACK:
                raise InsecureLogin("refusing to send SMTP credentials without STARTTLS")
            smtp.login(config.smtp_user, config.smtp_password)
        smtp.send_message(
            message, from_addr=parseaddr(config.smtp_from)[1], to_addrs=[config.therapist_email]
        )


def _smtp_codes(error: BaseException) -> list:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in error.recipients.values()]
    if isinstance(error, smtplib.SMTPResponseException):
        return [error.smtp_code]
    return []


def is_permanent(error: BaseException) -> bool:
    """True when retrying cannot help until someone changes the settings or the mailbox.

    A 5xx reply (a refused login, 535; a refused sender or recipient; a refused message),
    a server without STARTTLS, a login it does not support, or credentials that would cross
    the network unencrypted. Everything else (connection refused, timeouts, 4xx) is temporary.
    """
    if isinstance(error, (StartTLSNotOffered, InsecureLogin, smtplib.SMTPNotSupportedError)):
        return True
    codes = _smtp_codes(error)
    return bool(codes) and all(500 <= int(code) < 600 for code in codes)


def describe_error(error: BaseException) -> str:
    """The error's class name and SMTP reply code, e.g. ``SMTPAuthenticationError 535``.

    Never the server's reply text, which can quote the addresses.
    """
    codes = sorted({int(code) for code in _smtp_codes(error)})
    return " ".join([type(error).__name__, *(str(code) for code in codes)])


def write_eml(message: EmailMessage, mail_dir: Path, reference: str) -> Path:
    """Write ``<reference>.eml`` into ``mail_dir`` atomically (a reader never sees half a file)."""
    target = eml_path(mail_dir, reference)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{reference}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(message.as_bytes())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def deliver(message: EmailMessage, reference: str, config: EnquiryConfig) -> str:
    """Send the notification (SMTP if ``SMTP_HOST`` is set, else a local file); returns how."""
    if config.smtp_host:
        send_smtp(message, config)
        return "smtp"
    write_eml(message, config.mail_dir, reference)
    return "file"


def remove_eml(mail_dir: Path, reference: str) -> int:
    """Delete the local notification for an enquiry and any half-written copies; returns how many."""
    directory = Path(mail_dir)
    if not directory.is_dir():
        return 0
    removed = 0
    for path in [eml_path(directory, reference), *directory.glob(f".{reference}.*.tmp")]:
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed
