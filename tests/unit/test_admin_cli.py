"""The admin tool's command line: its sub-commands, ``--help`` and usage errors.

Nothing here opens a database: argparse answers before a store is made.
"""

from __future__ import annotations

import io
import re

import pytest

from assistant.enquiries.admin import EXIT_OK, EXIT_USAGE, build_parser, run

COMMANDS = ["list", "show", "handled", "export", "erase", "purge", "set-password", "migrate"]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout=out, stderr=err, stdin=io.StringIO())
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", COMMANDS)
def test_each_sub_command_is_one_function(name: str) -> None:
    argv = [name, "TN-AAAA"] if name in {"show", "handled", "erase"} else [name]
    assert callable(build_parser().parse_args(argv).command)


def test_help_lists_every_sub_command_and_the_exit_codes() -> None:
    code, out, err = _run("--help")
    assert (code, err) == (EXIT_OK, "")
    listed = re.findall(r"^ {4}(\S+)", out.split("positional arguments:")[1], re.MULTILINE)
    assert listed == COMMANDS
    assert "Exit codes: 0 done, 1 no such enquiry, 2 usage error" in " ".join(out.split())


@pytest.mark.parametrize("name", COMMANDS)
def test_each_sub_command_has_its_own_help(name: str) -> None:
    code, out, _ = _run(name, "--help")
    assert code == EXIT_OK and out.startswith(f"usage: python -m assistant.enquiries.admin {name}")


@pytest.mark.parametrize(
    "argv, complaint",
    [
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
        (["show"], "the following arguments are required: REF"),
        (["erase"], "one of the arguments REF --email is required"),
        (["list", "--all", "--open"], "not allowed with argument"),
        (["show", "TN-AAAA", "TN-BBBB"], "unrecognized arguments: TN-BBBB"),
    ],
)
def test_usage_errors_exit_2_with_the_usage_on_stderr(argv: list[str], complaint: str) -> None:
    code, out, err = _run(*argv)
    assert (code, out) == (EXIT_USAGE, "")
    assert err.startswith("usage: python -m assistant.enquiries.admin") and complaint in err
