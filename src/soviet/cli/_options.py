"""Options every command shares."""

from __future__ import annotations

from typing import Annotated

import typer

#: The `--db` (or SOVIET_DB) of the command at hand, once parsed: the edge reads the same
#: organization again to suggest an id after a refusal.
_given: dict[str, str | None] = {}


def _remember_db(value: str | None) -> str | None:
    _given["db"] = value
    return value


def given_db() -> str | None:
    """The database the command at hand was given (None: the default)."""
    return _given.get("db")


Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SOVIET_DB",
        help="Database: a file (soviet.db), a SQLAlchemy URL (sqlite:///soviet.db, the "
        "default) or a PostgreSQL URL (postgresql://…).",
        show_default=False,
        callback=_remember_db,
    ),
]


ReadDb = Annotated[
    list[str] | None,
    typer.Option(
        "--read-db",
        metavar="URL",
        help="A streaming replica of --db to read from (repeatable): reads are served by "
        "the replicas in turn, by --db when none answers; writes always by --db.",
        show_default=False,
    ),
]


def _remember_key(value: str | None) -> str | None:
    _given["key"] = value
    return value


def given_key() -> str | None:
    """The key file the command at hand was given (None: the member's key folder)."""
    return _given.get("key")


As = Annotated[
    str,
    typer.Option(
        "--as",
        help="The member who acts: their key (in $SOVIET_KEYS) signs the act.",
        show_default=False,
    ),
]
Key = Annotated[
    str | None,
    typer.Option(
        "--key",
        help="Sign with this key file instead of the one in the member's key folder.",
        show_default=False,
        callback=_remember_key,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]

#: The largest seq or tree size the log can hold (a signed 64-bit integer).
MAX_SEQ = 2**63 - 1
