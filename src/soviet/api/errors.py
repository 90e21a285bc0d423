"""Refusals as the API answers them: a 4xx with the JSON body `{error, detail, field}`.

`error` is a short word for the kind of refusal, `detail` the same message the command
line prints after `error:`, and `field` where in the request the fault lies (a path
parameter, a query parameter, `statement.nonce`, …) when one place is to blame, else
null. Nothing is ever written by a refused request.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from soviet.domain.signatures import SignatureRefused
from soviet.domain.statements import StatementError
from soviet.errors import ClockError, InputError, LedgerError, NotFound, Refused, SovietError

#: Where in a signed statement each signature check looks.
CHECK_FIELDS = {
    "origin": "statement.origin",
    "expired": "statement.not_after",
    "nonce": "statement.nonce",
    "format": "statement.data",
    "key": "key",
    "signature": "signature",
}


class ApiRefusal(SovietError):
    """A refusal of the API's own (a statement posted to the wrong resource, a body too
    large): its status, error word and field."""

    def __init__(self, status: int, error: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.field = field


def body(error: str, detail: str, field: str | None = None) -> dict[str, Any]:
    return {"error": error, "detail": " ".join(detail.split()), "field": field}


def refusal(error: SovietError) -> tuple[int, dict[str, Any]]:
    """The status and body of a refusal, from the one tree of errors."""
    message = str(error)
    if isinstance(error, ApiRefusal):
        return error.status, body(error.error, message, error.field)
    if isinstance(error, NotFound):
        return 404, body("not_found", message, error.kind)
    if isinstance(error, SignatureRefused):
        if error.check == "nonce":
            return 409, body("duplicate", message, CHECK_FIELDS["nonce"])
        if error.check == "format":
            return 400, body("invalid", message, CHECK_FIELDS["format"])
        return 403, body("signature", message, CHECK_FIELDS.get(error.check))
    if isinstance(error, StatementError):
        return 400, body("invalid", message, error.field)
    if isinstance(error, ClockError):
        return 409, body("clock", message)
    if isinstance(error, Refused):
        return 409, body("refused", message)
    if isinstance(error, LedgerError):
        return 422, body("ledger", message)
    if isinstance(error, InputError):
        return 400, body("invalid", message)
    return 400, body("invalid", message)


def _location(loc: tuple[Any, ...]) -> str | None:
    """A validation error's place: `body.statement.nonce` → `statement.nonce`."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts  # the body itself is "body"
    return ".".join(parts) or None


def install(app: FastAPI) -> None:
    """Answer every refusal of `app` in the one shape, never with a traceback."""

    @app.exception_handler(SovietError)
    async def _soviet(_: Request, error: SovietError) -> JSONResponse:
        status, content = refusal(error)
        return JSONResponse(content, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = error.errors()
        first = problems[0] if problems else {}
        if first.get("type") == "json_invalid":
            at = first.get("loc", ("body", "?"))[-1]
            reason = (first.get("ctx") or {}).get("error", "JSON decode error")
            detail = f"the body is not JSON: {reason} at character {at}"
            return JSONResponse(body("invalid", detail, "body"), status_code=422)
        where = _location(tuple(first.get("loc", ())))
        message = str(first.get("msg", "invalid request"))
        detail = f"{where}: {message}" if where else message
        more = len(problems) - 1
        if more > 0:
            detail += f" (and {more} more problem{'s' if more > 1 else ''})"
        return JSONResponse(body("invalid", detail, where), status_code=422)

    @app.exception_handler(Exception)
    async def _internal(_: Request, error: Exception) -> JSONResponse:
        # a fault of soviet itself, never of the request: one line, no traceback
        reason = " ".join(str(error).split())[:300] or type(error).__name__
        detail = f"internal error ({type(error).__name__}: {reason}); nothing was written"
        return JSONResponse(body("internal", detail), status_code=500)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        words = {404: "not_found", 405: "method", 413: "too_large", 415: "content_type"}
        detail = str(error.detail)
        if error.status_code == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path}"
        elif error.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return JSONResponse(
            body(words.get(error.status_code, "invalid"), detail),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )
