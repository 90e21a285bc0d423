"""The log as C2SP tlog-tiles (c2sp.org/tlog-tiles): the public record as static files.

    GET /log/checkpoint                     the latest signed checkpoint (text/plain)
    GET /log/tile/<L>/<N>[.p/<W>]           256 (or W) hashes of height 8·L of the tree
    GET /log/tile/entries/<N>[.p/<W>]       the entries behind the level-0 tile N

A tile never changes once the log holds it — a partial one neither, since the log only
grows — so every tile is served with a year's immutable cache, and any plain HTTP mirror
or cache can carry the log; only the checkpoint is fresh. `soviet verify --url` checks a
log from these files alone. A tile the log does not hold yet is a 404, and a path that is
not exactly one the spec writes is a 400 naming what is wrong, both in the API's error
shape. An entry longer than the 65,535 bytes a bundle's length prefix can say (a large
paper-ballot import, a long count) makes its bundle unservable: 422, naming the seq and
where else to read it, rather than a bundle a reader would misparse.
"""

from __future__ import annotations

import gzip
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from soviet.api import errors
from soviet.bootstrap import Soviet
from soviet.errors import InputError, SovietError
from soviet.ledger import tiles
from soviet.storage import tiles as stored

router = APIRouter(include_in_schema=False)

#: A tile, once served, is the same forever.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The checkpoint moves with every act: a mirror keeps it a few seconds at most.
FRESH = "public, max-age=5"
#: Refusals are not kept: a tile missing now is there after the next act.
UNCACHED = "no-store"
TILE_TYPE = "application/octet-stream"
NOTE_TYPE = "text/plain; charset=utf-8"


@router.get("/log/checkpoint")
def checkpoint(request: Request) -> Response:
    """The latest signed checkpoint the log stored: every tile up to its size is served."""
    try:
        with _soviet(request).reading() as reads:
            latest = reads.latest_checkpoint()
    except SovietError as error:
        return _refused(*errors.refusal(error))
    if latest is None:
        return _refused(404, errors.body("not_found", "this log stores no signed checkpoint"))
    return Response(latest[1], media_type=NOTE_TYPE, headers={"Cache-Control": FRESH})


@router.get("/log/tile/{path:path}")
def tile(request: Request, path: str) -> Response:
    """One hash tile or entry bundle, read in one query."""
    try:
        wanted = tiles.parse_path(path)
    except InputError as error:
        return _refused(400, errors.body("invalid", str(error), "path"))
    try:
        with _soviet(request).reading() as reads:
            if wanted.entries:
                found = stored.entries(reads.conn, wanted)
                content = None if found is None else tiles.encode_bundle(found, wanted.first)
            else:
                hashes = stored.hashes(reads.conn, wanted)
                content = None if hashes is None else tiles.encode_hashes(hashes)
    except SovietError as error:
        return _refused(*errors.refusal(error))
    if content is None:
        shown = "entries" if wanted.entries else "hashes"
        return _refused(
            404,
            errors.body(
                "not_found",
                f"the log does not hold {wanted} yet: its {wanted.width} {shown} are not all "
                "logged (the checkpoint's size says which tiles exist)",
                "path",
            ),
        )
    headers = {"Cache-Control": IMMUTABLE}
    if wanted.entries:
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            content = gzip.compress(content, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
    return Response(content, media_type=TILE_TYPE, headers=headers)


def _accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (not refused with q=0)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _soviet(request: Request) -> Soviet:
    soviet: Soviet = request.app.state.soviet
    return soviet


def _refused(status: int, content: dict[str, Any]) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers={"Cache-Control": UNCACHED})
