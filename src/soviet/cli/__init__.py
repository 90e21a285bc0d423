"""The `soviet` command line: parse input, call a service, render output — nothing else."""

from __future__ import annotations

import errno
import sys
from typing import NoReturn

import typer
from typer.exceptions import Abort, TyperException

from soviet.cli._output import silence_stdout, tell
from soviet.errors import SovietError

app = typer.Typer(
    name="soviet",
    help="Every office elected, recallable, and on an open log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _soviet() -> None:
    """Every office elected, recallable, and on an open log."""


def _register(argv: list[str] | None = None) -> None:
    """Import the modules that add their commands to `app`.

    Only what the command at hand needs is imported: `soviet count` reads ballot files and
    needs no database, and the commands on the database need no numpy until a count. The
    full list (for `--help`, or no `argv`) imports everything.
    """
    first = argv[0] if argv else None
    if first == "count":
        from soviet.cli import count

        return
    from soviet.cli import acts, demo, ledger, reading  # noqa: F401

    if first is None or first.startswith("-"):
        from soviet.cli import count  # noqa: F401


def main() -> None:
    """Entry point: every refusal, usage error included, is one line on standard error
    (`error: …`) with exit code 2 (1 for a check that found something); no traceback ever
    reaches the user."""
    argv = sys.argv[1:]
    try:
        _register(argv)
        code = app(args=argv, prog_name="soviet", standalone_mode=False)
    except SovietError as error:
        _refuse(str(error), error.exit_code)
    except TyperException as error:
        _usage(error)
    except Abort:
        _refuse("interrupted; nothing more was done", 130)
    except KeyboardInterrupt:
        _refuse("interrupted; an act not reported as recorded was not written", 130)
    except OSError as error:
        if error.errno == errno.EPIPE:  # a reader that went away, as in `soviet log | head`
            silence_stdout()
            sys.exit(0)
        _internal(error)
    except Exception as error:
        _internal(error)
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _refuse(message: str, code: int) -> NoReturn:
    tell(f"error: {_one_line(message)}")
    sys.exit(code)


def _usage(error: TyperException) -> NoReturn:
    """A usage error from the argument parser, as one line naming the command's help."""
    if type(error).__name__ == "NoArgsIsHelpError":  # a group called bare: its help
        if text := error.format_message().strip():  # (Rich has printed it already)
            tell(text)
        sys.exit(2)
    ctx = getattr(error, "ctx", None)
    command = getattr(ctx, "command_path", "") or "soviet"
    tell(f"error: {_one_line(error.format_message())} (see `{command} --help`)")
    sys.exit(error.exit_code if error.exit_code else 2)


def _internal(error: BaseException) -> NoReturn:
    """A fault of soviet itself, not of the input: one line, never a traceback."""
    reason = _one_line(str(error)) or type(error).__name__
    tell(
        f"error: internal error ({type(error).__name__}: {reason}); nothing was written "
        "unless it was reported as recorded; please report this with the command"
    )
    sys.exit(70)
