"""The page where a member registers the key their browser makes.

The key pair is made in the browser (`/static/acts.js`), its private half never leaves
it; the page only explains that, takes the member's id and enrollment code, and shows
which members this browser already holds keys for. Enrolling needs JavaScript: without
it the page says so and names the command line's way, `soviet key enroll CODE`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from soviet.bootstrap import Soviet
from soviet.storage.board import organization_name
from soviet.web import pages

router = APIRouter()


def _context(soviet: Soviet) -> dict[str, Any]:
    """What the base template shows of the organization: its name, its origin and the
    log's size."""
    with soviet.reading() as reads:
        origin, _verifier = reads.log_key()
        return {
            "origin": origin,
            "organization": organization_name(reads.conn),
            "size": reads.size(),
        }


@router.get("/enroll", response_class=HTMLResponse, include_in_schema=False)
async def enroll(request: Request) -> HTMLResponse:
    """The enrollment page, drawn as every page of the board is."""
    soviet: Soviet = request.app.state.soviet
    context = await run_in_threadpool(_context, soviet)
    return pages.render(request, "enroll.html", **context)
