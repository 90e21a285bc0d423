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
