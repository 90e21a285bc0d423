"""`soviet serve`: the JSON API and the notice board, in one process."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import Db, ReadDb
from soviet.cli.render import console
from soviet.errors import InputError


def base_path(base_url: str | None) -> str:
    """The path a reverse proxy serves soviet under, from its public base URL
    (https://example.org/council/ → /council); "" at the root. Refused unless it is an
    http(s) URL or a path."""
    if not base_url:
        return ""
    parts = urlsplit(base_url)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        raise InputError(f"--base-url {base_url!r}: give the public URL, https://host/path")
    if parts.query or parts.fragment:
        raise InputError(f"--base-url {base_url!r}: a base URL has no query or fragment")
    return parts.path.rstrip("/")


@app.command()
def serve(
    db: Db = None,
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="The port to listen on.", min=0, max=65535)
    ] = 8000,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The public URL behind a reverse proxy (https://example.org/council/): "
            "links carry its path.",
            show_default=False,
        ),
    ] = None,
    read_db: ReadDb = None,
) -> None:
    """Serve the JSON API (/api/v1) and the public notice board.

    Anyone may read; members act from their browsers with their own keys. The server
    holds no member's key, only the log's, which signs each checkpoint. With --read-db,
    the board and the API's reads are served by streaming replicas, each answer at the
    log size it reflects; acts are written to --db.

    Example: soviet serve --db sqlite:///soviet.db --port 8000
    """
    import uvicorn

    from soviet.server import create_app

    root = base_path(base_url)
    settings = Settings.from_env(db, read=read_db)
    with Soviet(settings) as soviet:
        soviet.keys.require()  # every act stores a signed checkpoint
        replicas = len(soviet.replicas)
        console.print(
            f"Serving the notice board on http://{host}:{port}{root}/ and the API on "
            f"http://{host}:{port}{root}/api/v1 (schema: {root}/api/v1/openapi.json)"
            + (f", reads from {replicas} replica{'s' if replicas > 1 else ''}" if replicas else "")
            + "; Ctrl-C stops."
        )
        uvicorn.run(
            create_app(soviet),
            host=host,
            port=port,
            root_path=root,
            log_level="warning",
            access_log=False,
        )
