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


def _register() -> None:
    # Each module adds its commands to `app`; imported here so `app` exists first.
    from soviet.cli import acts, count, demo, ledger, reading  # noqa: F401


def main() -> None:
    """Entry point: run the app, turning every user error into one line and exit code 2."""
    _register()
    try:
        app()  # usage errors exit 2 here, as click does
    except SovietError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
