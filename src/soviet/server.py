"""Wiring of `soviet serve`: one ASGI application over one opened organization.

    /api/v1/…            the JSON API (`soviet.api`), its schema at /api/v1/openapi.json
    /log/checkpoint      the log as C2SP tlog-tiles (`soviet.web.tiles`)
    /log/tile/…
    /static/…            the notice board's CSS and JavaScript
    /…                   the notice board's pages (`soviet.web.pages`)

Both edges call the services and the storage's reads through the same `Soviet`; there is
no second path to the data. Behind a reverse proxy that serves it under a path (for
https://example.org/council/, the path /council), links carry that path: uvicorn's
`root_path`, which `soviet serve --base-url` sets.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, MutableMapping
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from soviet.api import acts, errors, reads
from soviet.api.commits import GroupCommit
from soviet.bootstrap import Soviet
from soviet.web import enroll, pages, tiles

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The largest request body taken, in bytes: a signed statement is well under it (a
#: paper-ballot import of many ballots is the largest act).
MAX_BODY = 1 << 20
#: What a POST must be.
JSON = "application/json"


def api_app(soviet: Soviet, lock: threading.Lock) -> FastAPI:
    """The JSON API, to be mounted at /api/v1."""
    from soviet.cli import version

    api = FastAPI(
        title="soviet",
        version=version(),
        summary="Every office elected, recallable, and on an open log.",
        description="Reads are public and need no login. Acts are members' signed "
        "statements, posted to the resource they act on. Refusals answer 4xx with "
        "`{error, detail, field}`.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    api.state.soviet = soviet
    api.state.write_lock = lock
    api.state.writer = GroupCommit(soviet, lock)
    errors.install(api)
    api.include_router(reads.router)
    api.include_router(acts.router)
    return api


def create_app(soviet: Soviet) -> FastAPI:
    """The whole server over an opened organization."""
    lock = threading.Lock()
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.soviet = soviet
    app.state.write_lock = lock
    app.mount("/api/v1", api_app(soviet, lock))
    static = resources.files("soviet.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(tiles.router)
    pages.install(app)
    _api_paths_answer_as_the_api(app)
    app.include_router(enroll.router)
    app.include_router(pages.router)
    app.add_middleware(Limits)
    return app


def _api_paths_answer_as_the_api(app: FastAPI) -> None:
    """A path under /api/ that the API's mount does not take (its pattern stops at a
    newline: /api/v1/bodies/a%0Ab) is still answered in the API's error shape."""
    board: Any = app.exception_handlers[HTTPException]

    async def missing(request: Request, error: Exception) -> Response:
        if not str(request.scope.get("path", "")).startswith("/api/"):
            response: Response = await board(request, error)
            return response
        detail = f"no such resource: {request.url.path}"
        status = int(getattr(error, "status_code", 404))
        word = "not_found" if status == 404 else "invalid"
        return JSONResponse(errors.body(word, detail), status_code=status)

    app.add_exception_handler(HTTPException, missing)


class Limits:
    """Refuse, before any route sees it, a request body over MAX_BODY (413) and a POST
    whose body is not JSON (415), in the API's error shape."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        length = headers.get("content-length")
        carries = "transfer-encoding" in headers or length not in (None, "0")
        if scope["method"] == "POST" and carries and kind != JSON:
            shown = kind or "none"
            await _refuse(send, 415, "content_type", f"the body must be {JSON}, not {shown}")
            return
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _refuse(send, 413, "too_large", f"the body is over {MAX_BODY:,} bytes")
            return
        # Read the whole body first, however it is sent (a chunked body declares no
        # length): the routes' own reading turns any error in it into a 400.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > MAX_BODY:
                await _refuse(send, 413, "too_large", f"the body is over {MAX_BODY:,} bytes")
                return
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        given = False

        async def replay() -> Message:
            nonlocal given
            if given:
                return await receive()
            given = True
            return whole

        await self.app(scope, replay, send)


async def _refuse(send: Send, status: int, error: str, detail: str) -> None:
    import json

    content = json.dumps(errors.body(error, detail)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", JSON.encode()),
                (b"content-length", str(len(content)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
