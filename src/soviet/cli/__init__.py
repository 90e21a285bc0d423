"""The `soviet` command line: parse input, call a service, render output — nothing else."""

from __future__ import annotations

import errno
import importlib
import sys
from typing import Annotated, NoReturn

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, TyperException

from soviet.cli._options import given_db
from soviet.cli._output import noted_warnings, silence_stdout, tell
from soviet.cli._suggestions import with_suggestion
from soviet.errors import CharterErrors, NotFound, SovietError

#: The commands in the order a newcomer meets them: the story first, then founding, the
#: acts, the reads, the open record, and counting a file on its own. A command not named
#: here comes after them, in the order it was added.
ORDER = (
    "demo",
    "init",
    "charter",
    "key",
    "member",
    "election",
    "vote",
    "recall",
    "motion",
    "trustee",
    "tracker",
    "mandate",
    "audit",
    "show",
    "log",
    "verify",
    "serve",
    "export",
    "checkpoint",
    "prove",
    "verify-proof",
    "count",
    "apportion",
    "generate",
    "export-belenios",
    "verify-belenios",
)


class _NewcomersOrder(TyperGroup):
    """`soviet --help` lists the commands in `ORDER`, not in the order modules add them."""

    def list_commands(self, ctx: object) -> list[str]:
        rank = {name: index for index, name in enumerate(ORDER)}
        return sorted(self.commands, key=lambda name: rank.get(name, len(ORDER)))


app = typer.Typer(
    name="soviet",
    cls=_NewcomersOrder,
    help="Every office elected, recallable, and on an open log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version() -> str:
    """The installed soviet's version, from its package metadata."""
    from importlib import metadata  # for --version alone: it slows every other start

    try:
        return metadata.version("soviet")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        from soviet import __version__

        return __version__


def _print_version(wanted: bool) -> None:
    if wanted:
        sys.stdout.write(f"soviet {version()}\n")
        raise typer.Exit()


@app.callback()
def _soviet(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print soviet's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Every office elected, recallable, and on an open log."""


#: The modules of `soviet.cli` that add each command to `app`: the one that defines it,
#: then any that add to its group (`keys` adds `member codes` and `member reset-key`).
MODULES: dict[str, tuple[str, ...]] = {
    "demo": ("demo",),
    "init": ("acts",),
    "charter": ("charter",),
    "key": ("keys",),
    "member": ("acts", "keys"),
    "election": ("acts",),
    "vote": ("acts",),
    "recall": ("acts",),
    "motion": ("motions",),
    "trustee": ("secret",),
    "tracker": ("secret",),
    "mandate": ("acts",),
    "audit": ("acts",),
    "show": ("reading",),
    "log": ("reading",),
    "verify": ("ledger",),
    "serve": ("serve",),
    "export": ("ledger",),
    "checkpoint": ("ledger",),
    "prove": ("ledger",),
    "verify-proof": ("ledger",),
    "count": ("count",),
    "apportion": ("apportion",),
    "generate": ("generate",),
    "export-belenios": ("secret",),
    "verify-belenios": ("belenios",),
}


def _register(argv: list[str] | None = None) -> None:
    """Import the modules that add their commands to `app`.

    Only the module of the command at hand is imported, so that a command starts without
    what the others need (`show` without numpy, `count` without a database). The full
    list (for `--help`, no `argv`, or a name that is no command, whose refusal suggests the
    nearest) imports everything.
    """
    if argv == ["--version"]:
        return
    wanted = MODULES.get(argv[0]) if argv else None
    every = sorted({module for modules in MODULES.values() for module in modules})
    for module in wanted or every:
        importlib.import_module(f"soviet.cli.{module}")


def main() -> None:
    """Entry point: every refusal, usage error included, is one line on standard error
    (`error: …`; a charter's problems follow it one a line) with exit code 2 (1 for a check
    that found something); no traceback ever reaches the user. What soviet warns of is
    said once the command has run (`warning: …`), never after a refusal."""
    argv = sys.argv[1:]
    with noted_warnings() as notes:
        code = _run(argv)
    for note in notes:  # a refusal said only its one line; a command that ran says these
        tell(f"warning: {_one_line(note)}")
    sys.exit(code if isinstance(code, int) else 0)


def _run(argv: list[str]) -> object:
    """The command of `argv`, its refusals told on standard error with their exit code."""
    try:
        _register(argv)
        return app(args=argv, prog_name="soviet", standalone_mode=False)
    except NotFound as error:
        _refuse(with_suggestion(error, given_db()), error.exit_code)
    except CharterErrors as error:
        _refuse_all(error.lines(), error.exit_code)
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


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _refuse(message: str, code: int) -> NoReturn:
    tell(f"error: {_one_line(message)}")
    sys.exit(code)


def _refuse_all(lines: list[str], code: int) -> NoReturn:
    """A refusal for several problems, a charter's: a first line naming the input, then one
    line for each problem."""
    first, *problems = lines
    tell(f"error: {_one_line(first)}")
    for problem in problems:
        tell(_one_line(problem))
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
