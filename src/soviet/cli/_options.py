"""Options every command shares."""

from __future__ import annotations

from typing import Annotated

import typer

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SOVIET_DB",
        help="Database URL (default sqlite:///soviet.db; postgresql+psycopg://… for PostgreSQL).",
        show_default=False,
    ),
]
As = Annotated[str, typer.Option("--as", help="The member who acts.", show_default=False)]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]

#: The largest seq or tree size the log can hold (a signed 64-bit integer).
MAX_SEQ = 2**63 - 1
