"""The notice board's pages: server-rendered HTML that reads without JavaScript, from the
same snapshot reads as the API (`_context`), drawn by the Jinja2 templates beside this
module with every value escaped.

Links carry the request's root path (`scope["root_path"]`), so the board works behind a
reverse proxy that serves it under a path. An id that names nothing answers a 404 page,
a bad query parameter a 422 page — HTML for a person, while the API mounted at /api/v1
keeps answering its own errors in JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from soviet.bootstrap import Soviet
from soviet.errors import NotFound, SovietError
from soviet.storage.reading import SqlReading
from soviet.web import _context

#: The largest seq a request may name (a 63-bit integer).
MAX = 2**63 - 1
#: The paths under the board's root that are not pages: their errors keep their own shape.
NOT_PAGES = ("/api/", "/log/", "/static/")

Ident = Annotated[str, Path(min_length=1, max_length=200, description="The record's id.")]
Build = Callable[[SqlReading], dict[str, Any]]

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


def _when(instant: object) -> str:
    """An instant of the log as a person reads it: 2026-11-03 11:00 UTC."""
    if not isinstance(instant, str) or not instant:
        return "—"
    try:
        moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return instant
    return moment.strftime("%Y-%m-%d %H:%M UTC")


templates = Environment(
    loader=PackageLoader("soviet.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = _when


def root_of(request: Request) -> str:
    """The path the board is served under ("" at the host's root)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _soviet(request: Request) -> Soviet:
    soviet: Soviet = request.app.state.soviet
    return soviet


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page drawn from its template, with the base template's values."""
    values.setdefault("root", root_of(request))
    values.setdefault("organization", "")
    values.setdefault("origin", "")
    values.setdefault("size", 0)
    html = templates.get_template(template).render(**values)
    return HTMLResponse(html, status_code=status)


def page(request: Request, template: str, build: Build) -> HTMLResponse:
    """A page read in one snapshot; an id naming nothing is a 404 page, a bad one 400."""
    try:
        with _soviet(request).reading() as reads:
            common = _common(reads)
            values = build(reads)
            # drawn in the snapshot: the names a page shows are read as it draws them
            return render(request, template, **common, **values)
    except NotFound as missing:
        return _refusal(request, 404, "Not found", str(missing))
    except SovietError as refused:
        return _refusal(request, 400, "Not a valid request", str(refused))


def _common(reads: SqlReading) -> dict[str, Any]:
    return {
        "organization": _context.organization(reads),
        "origin": reads.log_key()[0],
        "size": reads.size(),
    }


def _refusal(request: Request, status: int, heading: str, detail: str) -> HTMLResponse:
    """An error page, with the organization's name when it can be read."""
    try:
        with _soviet(request).reading() as reads:
            common = _common(reads)
    except SovietError:
        common = {}
    return render(request, "error.html", status=status, heading=heading, detail=detail, **common)


@router.get("/")
def federation(request: Request) -> HTMLResponse:
    return page(request, "federation.html", _context.federation)


@router.get("/bodies/{ident}")
def body(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "body.html", lambda reads: _context.body(reads, ident))


@router.get("/offices/{ident}")
def office(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "office.html", lambda reads: _context.office(reads, ident))


@router.get("/elections/{ident}")
def election(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "election.html", lambda reads: _context.election(reads, ident))


@router.get("/petitions/{ident}")
def petition(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "petition.html", lambda reads: _context.petition(reads, ident))


@router.get("/mandates/{ident}")
def mandate(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "mandate.html", lambda reads: _context.mandate(reads, ident))


@router.get("/members/{ident}")
def member(request: Request, ident: Ident) -> HTMLResponse:
    return page(request, "member.html", lambda reads: _context.member(reads, ident))


@router.get("/audit")
def audit(request: Request) -> HTMLResponse:
    return page(request, "audit.html", _context.audit)


@router.get("/log")
def log(
    request: Request,
    before: Annotated[int | None, Query(ge=1, le=MAX, description="The page ends before.")] = None,
) -> HTMLResponse:
    base = str(request.base_url).rstrip("/")
    return page(request, "log.html", lambda reads: {**_context.log(reads, before), "base": base})


def _is_page(request: Request) -> bool:
    """Whether a request is for a page of the board, not the log's tiles, a static file
    or the API."""
    path = str(request.scope.get("path", ""))
    root = root_of(request)
    if root and path.startswith(root):
        path = path[len(root) :]
    return not path.startswith(NOT_PAGES)


def install(app: FastAPI) -> None:
    """The pages' own error handlers: an HTML page for a browser, on the pages only."""

    @app.exception_handler(HTTPException)
    async def missing(request: Request, error: HTTPException) -> Response:
        if not _is_page(request):
            return await http_exception_handler(request, error)
        if error.status_code == 404:
            detail = f"There is no page at {request.url.path}."
            return await run_in_threadpool(_refusal, request, 404, "Not found", detail)
        status, detail = error.status_code, str(error.detail)
        return await run_in_threadpool(_refusal, request, status, "Not a valid request", detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        if not _is_page(request):
            return await request_validation_exception_handler(request, error)
        said = []
        for one in error.errors():
            where = ".".join(str(p) for p in one.get("loc", ()) if p not in ("query", "path"))
            said.append(f"{where}: {one.get('msg', 'not valid')}")
        detail = "; ".join(said)
        return await run_in_threadpool(_refusal, request, 422, "Not a valid request", detail)
