"""The therapist's command-line tool for enquiries.

    python -m assistant.enquiries.admin list [--all | --open]
    python -m assistant.enquiries.admin show REF
    python -m assistant.enquiries.admin handled REF
    python -m assistant.enquiries.admin export [--out FILE] [--open]
    python -m assistant.enquiries.admin erase REF | --email ADDRESS  [--yes]
    python -m assistant.enquiries.admin purge [--dry-run] [--yes]
    python -m assistant.enquiries.admin set-password [--user NAME] [--password-stdin] [--reset-totp]
    python -m assistant.enquiries.admin migrate

``set-password`` creates the web inbox's account (or changes its password, which logs it out
everywhere): the password is asked for twice on the terminal, or read as one line from standard
input with ``--password-stdin``; never from an argument or the environment. ``--reset-totp``
turns the second factor off (a lost phone) so it can be set up again after logging in.

Erase and purge also delete conversations from the tracker store the assistant uses
(``TRACKER_DB_URL``, else ``var/tracker.db`` under the project root, as ``assistant.tracker_store``
resolves it). If that store cannot be opened or has no events table they stop before erasing
anything (exit 3). They ask for confirmation on the terminal; without a terminal (a script, a
pipe) they do nothing unless ``--yes`` is given (exit 4).

Exit codes: 0 done, 1 no such enquiry, 2 usage error, 3 database unavailable, 4 cancelled or
not confirmed. Output goes to the terminal only; nothing personal is logged.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Callable, List, Sequence

from assistant.enquiries.accounts import AdminAccounts, PasswordRejected, check_username
from assistant.enquiries.config import safe_url
from assistant.enquiries.errors import StoreUnavailable, TrackerStoreUnavailable
from assistant.enquiries.migrate import head_revision
from assistant.enquiries.models import normalise_reference
from assistant.enquiries.records import EnquiryRecord, ErasureResult
from assistant.enquiries.store import EnquiryStore

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_CANCELLED = 4

DEFAULT_USER = "therapist"

TRACKER_PROBLEMS = {"NoTrackerStore": "no such file", "NoEventsTable": "it has no events table"}


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def _delivery_warning(records: Sequence[EnquiryRecord]) -> List[str]:
    """A line above the table when a notification email was given up on."""
    failed = [r.reference for r in records if r.delivery == "failed"]
    if not failed:
        return []
    emails = "email" if len(failed) == 1 else "emails"
    return [
        f"! The notification {emails} for {_enquiries(len(failed))} could not be sent: {', '.join(failed)}.",
        "  Check the SMTP settings and the worker's log (var/log/worker.log). The enquiries are below.",
        "",
    ]


def notification_summary(record: EnquiryRecord) -> str:
    """The notification's state in words (the admin tool and the web inbox show the same)."""
    if record.delivery == "failed":
        return f"failed after {_attempts(record.notification_attempts)} ({record.notification_error or '-'})"
    detail = f"attempts: {record.notification_attempts}"
    if record.delivery == "pending" and record.notification_error:
        detail += f", last error: {record.notification_error}"
    return f"{record.delivery} ({detail})"


def _table(records: Sequence[EnquiryRecord]) -> List[str]:
    header = ("REF", "RECEIVED", "ROUTE", "STATUS", "DELIVERY", "CONTACT", "NAME")
    rows = [
        (
            r.reference,
            _when(r.created_at),
            r.route,
            "open" if r.is_open else "handled",
            r.delivery,
            r.contact_method,
            r.name,
        )
        for r in records
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(str(value).ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def _details(record: EnquiryRecord) -> List[str]:
    fields = [
        ("Reference", record.reference),
        ("Received", _when(record.created_at)),
        ("Route", record.route),
        ("Who for", record.who_for or "-"),
        ("Status", "open" if record.is_open else f"handled {_when(record.handled_at)}"),
        ("Name", record.name),
        ("Contact by", record.contact_method),
        ("Email", record.email or "-"),
        ("Phone", record.phone or "-"),
        ("Availability", record.availability or "-"),
        ("Notification", notification_summary(record)),
        ("Consent given", _when(record.consent_at)),
        ("Consent text", record.consent_text),
    ]
    width = max(len(label) for label, _ in fields)
    lines = [f"{label.ljust(width)}  {value}" for label, value in fields]
    lines += ["", "Message:", record.message or "-"]
    return lines


def _confirm(question: str, assume_yes: bool, stdin: IO[str], stdout: IO[str], stderr: IO[str]) -> bool:
    """``--yes``, or "y" typed on a terminal. With no terminal to ask on, the answer is no."""
    if assume_yes:
        return True
    if not stdin.isatty():
        print("not erasing: confirmation needs a terminal; add --yes to confirm", file=stderr)
        return False
    stdout.write(f"{question} [y/N] ")
    stdout.flush()
    if stdin.readline().strip().lower() in {"y", "yes"}:
        return True
    print("cancelled", file=stderr)
    return False


def _enquiries(count: int) -> str:
    return f"{count} enquir{'y' if count == 1 else 'ies'}"


def _erasure_lines(result: ErasureResult, tracker_url: str) -> List[str]:
    return [
        f"erased {_enquiries(result.enquiries)}"
        + (f": {', '.join(result.references)}" if result.references else ""),
        f"  outbox rows removed:         {result.outbox_rows}",
        f"  local email files removed:   {result.mail_files}",
        f"  conversation events removed: {result.conversation_events} (tracker store {tracker_url})",
    ]


@dataclass
class _Session:
    """What every sub-command works with: the store and the three terminal streams."""

    store: EnquiryStore
    stdout: IO[str]
    stderr: IO[str]
    stdin: IO[str]
    prompt: Callable[[str], str]
    tracker_url: str

    def out(self, *lines: str) -> None:
        """Print lines to standard output."""
        for line in lines:
            print(line, file=self.stdout)

    def fail(self, message: str) -> None:
        """Print a line to standard error."""
        print(message, file=self.stderr)


Command = Callable[[argparse.Namespace, _Session], int]


def _migrate(args: argparse.Namespace, session: _Session) -> int:
    session.store.engine  # noqa: B018 - connecting migrates the schema
    session.out(f"enquiry database at revision {head_revision()}")
    return EXIT_OK


def _list(args: argparse.Namespace, session: _Session) -> int:
    records = session.store.list(include_handled=args.all)
    if not records:
        session.out("no enquiries" if args.all else "no open enquiries (use --all to include handled ones)")
    else:
        session.out(*_delivery_warning(records), *_table(records))
    return EXIT_OK


def _show(args: argparse.Namespace, session: _Session) -> int:
    record = session.store.get(args.reference)
    if record is None:
        session.fail(f"no enquiry {args.reference}")
        return EXIT_NOT_FOUND
    session.out(*_details(record))
    return EXIT_OK


def _handled(args: argparse.Namespace, session: _Session) -> int:
    if not session.store.mark_handled(args.reference):
        session.fail(f"no enquiry {args.reference}")
        return EXIT_NOT_FOUND
    session.out(f"{normalise_reference(args.reference)} marked handled")
    return EXIT_OK


def _export(args: argparse.Namespace, session: _Session) -> int:
    count = session.store.export_csv(args.out or session.stdout, include_handled=not args.open)
    if args.out:
        session.out(f"exported {count} enquiries to {args.out}")
    return EXIT_OK


def _erase(args: argparse.Namespace, session: _Session) -> int:
    store = session.store
    what = f"every enquiry from {args.email}" if args.email else f"enquiry {args.reference}"
    store.conversations.check()  # before asking: a wrong TRACKER_DB_URL stops here
    question = f"Erase {what} and the visitor's conversation?"
    if not _confirm(question, args.yes, session.stdin, session.stdout, session.stderr):
        return EXIT_CANCELLED
    result = store.erase_by_email(args.email) if args.email else store.erase(args.reference)
    if not result.enquiries:
        session.fail(f"no {what.replace('every ', '')} found")
        return EXIT_NOT_FOUND
    session.out(*_erasure_lines(result, session.tracker_url))
    return EXIT_OK


def _purge(args: argparse.Namespace, session: _Session) -> int:
    store = session.store
    preview = store.purge(dry_run=True)
    summary = (
        f"{_enquiries(preview.erased.enquiries)} and {preview.old_conversations} other conversation(s) "
        f"older than {preview.cutoff:%Y-%m-%d} ({store.config.retention_months} months)"
    )
    if args.dry_run:
        session.out(f"would erase {summary}", *(f"  {ref}" for ref in preview.erased.references))
        return EXIT_OK
    if not _confirm(f"Erase {summary}?", args.yes, session.stdin, session.stdout, session.stderr):
        return EXIT_CANCELLED
    purged = store.purge(older_than=preview.cutoff)
    session.out(
        *_erasure_lines(purged.erased, session.tracker_url),
        f"  old conversations removed:   {purged.old_conversations}",
    )
    return EXIT_OK


def _set_password(args: argparse.Namespace, session: _Session) -> int:
    try:
        user = check_username(args.user)
    except ValueError as exc:
        session.fail(str(exc))
        return EXIT_USAGE
    accounts = AdminAccounts(session.store)
    if args.reset_totp:
        if not accounts.reset_totp(user):
            session.fail(f"no account {user}")
            return EXIT_NOT_FOUND
        session.out(f"second factor removed for {user}; set it up again under Security after logging in")
        return EXIT_OK
    if args.password_stdin:
        password = session.stdin.readline().rstrip("\r\n")
    elif not session.stdin.isatty():
        session.fail("not set: the password is asked for on a terminal; use --password-stdin to pipe it")
        return EXIT_CANCELLED
    else:
        password = session.prompt(f"New password for {user}: ")
        if session.prompt("Again: ") != password:
            session.fail("the two passwords differ; nothing changed")
            return EXIT_CANCELLED
    try:
        created = accounts.set_password(user, password)
    except PasswordRejected as exc:
        session.fail(f"not set: {exc}")
        return EXIT_USAGE
    session.out(
        f"account {user} created; log in at /admin/"
        if created
        else f"password changed for {user}; every session of the account has been logged out"
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: one sub-command each, its function in the ``command`` default."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant.enquiries.admin",
        description="Read and manage enquiries sent through the website assistant.",
        epilog="Exit codes: 0 done, 1 no such enquiry, 2 usage error, 3 database unavailable, "
        "4 cancelled or not confirmed (no terminal and no --yes).",
    )
    commands = parser.add_subparsers(dest="name", required=True, metavar="COMMAND")

    def command(name: str, function: Command, summary: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=summary)
        sub.set_defaults(command=function)
        return sub

    listing = command("list", _list, "list enquiries (open ones unless --all)")
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="include handled enquiries")
    which.add_argument("--open", action="store_true", help="only open enquiries (the default)")

    show = command("show", _show, "show one enquiry in full")
    show.add_argument("reference", metavar="REF")

    handled = command("handled", _handled, "mark an enquiry handled")
    handled.add_argument("reference", metavar="REF")

    export = command("export", _export, "export enquiries as CSV (all, unless --open)")
    export.add_argument("--out", metavar="FILE", help="write to FILE (mode 600) instead of standard output")
    export.add_argument("--open", action="store_true", help="only open enquiries")

    erase = command("erase", _erase, "erase an enquiry and the visitor's conversation")
    target = erase.add_mutually_exclusive_group(required=True)
    target.add_argument("reference", nargs="?", metavar="REF")
    target.add_argument("--email", metavar="ADDRESS", help="erase every enquiry from this address")
    erase.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed without a terminal)"
    )

    purge = command("purge", _purge, "erase everything older than ENQUIRY_RETENTION_MONTHS")
    purge.add_argument("--dry-run", action="store_true", help="only say what would be erased")
    purge.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation (needed without a terminal)"
    )

    password = command(
        "set-password",
        _set_password,
        "create the web inbox's account or change its password (asked for, never an argument)",
    )
    password.add_argument("--user", default=DEFAULT_USER, help=f"the account (default {DEFAULT_USER})")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password as one line from standard input"
    )
    password.add_argument(
        "--reset-totp", action="store_true", help="turn the second factor off instead (a lost phone)"
    )

    command("migrate", _migrate, "create or upgrade the database schema (also done on first use)")
    return parser


def run(
    argv: Sequence[str] | None = None,
    store: EnquiryStore | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    stdin: IO[str] | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> int:
    """Run one command; returns the exit code (``prompt`` asks for a password without echo).

    The streams default to the process's own. Usage errors and ``--help`` are argparse's, written
    to ``stderr`` and ``stdout``; each sub-command is a function that ``build_parser`` names.
    """
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    stdin = sys.stdin if stdin is None else stdin
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the help, or the usage and the error
        return int(exc.code or 0)
    store = store or EnquiryStore()
    tracker_url = safe_url(store.config.tracker_db_url)
    session = _Session(store, stdout, stderr, stdin, prompt, tracker_url)
    command: Command = args.command
    try:
        return command(args, session)
    except TrackerStoreUnavailable as exc:
        reason = TRACKER_PROBLEMS.get(exc.error, exc.error)
        session.fail(
            f"stopped: the conversation store at {tracker_url} could not be used ({reason}), "
            "so the visitors' conversations cannot be erased. Set TRACKER_DB_URL to the tracker "
            "store the running assistant uses (unset means var/tracker.db in the project)."
        )
        return EXIT_UNAVAILABLE
    except StoreUnavailable as exc:
        session.fail(f"the enquiry database is unavailable ({exc.error}); check DATABASE_URL")
        return EXIT_UNAVAILABLE
    finally:
        store.dispose()


def main() -> int:
    """Command line entry point."""
    return run()


if __name__ == "__main__":
    sys.exit(main())
