"""The `soviet` command line: parse input, call a service, render output — nothing else."""

from __future__ import annotations

import sys

import typer

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
    """Entry point: run the app, turning every user error into one line and exit code 2."""
    _register(sys.argv[1:])
    try:
        app()  # usage errors exit 2 here, as click does
    except SovietError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
