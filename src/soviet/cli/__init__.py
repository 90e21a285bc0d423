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

    `soviet count` reads ballot files on its own and needs no database: it alone is
    imported for it, which keeps SQLAlchemy out of the start-up of a large count.
    """
    if argv is not None and argv[:1] == ["count"]:
        from soviet.cli import count  # noqa: F401
        return
    from soviet.cli import acts, count, demo, ledger, reading  # noqa: F401


def main() -> None:
    """Entry point: run the app, turning every user error into one line and exit code 2."""
    _register(sys.argv[1:])
    try:
        app()  # usage errors exit 2 here, as click does
    except SovietError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
