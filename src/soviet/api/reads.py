"""The API's reads: public, no login. Every answer is read in one snapshot of the log and
its projections, and carries the log's size it reflects (the `Soviet-Log-Size` header),
read in that snapshot: served by a replica that is behind, it is an older size, and the
answer is the state the log had at that size."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from soviet.api import shapes
from soviet.api.errors import ApiRefusal
from soviet.bootstrap import Soviet
from soviet.errors import NotFound
from soviet.ledger.checkpoints import Checkpoint
from soviet.ledger.notes import parse_note
from soviet.services import audit as audit_service
from soviet.storage import views
from soviet.storage.reading import SqlReading

#: The most events one page of the log holds.
PAGE = 500
#: The largest seq or size a request may name (a 63-bit integer).
MAX = 2**63 - 1

Ident = Annotated[str, Path(min_length=1, max_length=200, description="The record's id.")]

#: What a read answers when it cannot: each in the one error shape.
REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": shapes.Error, "description": "A name that names no one record."},
    404: {"model": shapes.Error, "description": "An unknown id, or a seq beyond the log."},
    409: {"model": shapes.Error, "description": "A server clock behind the log's last event."},
    422: {"model": shapes.Error, "description": "A path or query value out of its range."},
}

router = APIRouter(responses=REFUSALS)


def soviet_of(request: Request) -> Soviet:
    soviet: Soviet = request.app.state.soviet
    return soviet


def _sized(response: Response, reads: SqlReading) -> None:
    response.headers["Soviet-Log-Size"] = str(reads.size())


def _listing(request: Request, response: Response, view: str) -> list[dict[str, Any]]:
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        return reads.view(view)


def _one(request: Request, response: Response, view: str, kind: str, ident: str) -> Any:
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        found = reads.record(view, ident)
        if found is None:
            raise NotFound(kind, ident)
        return found


@router.get("/bodies", response_model=list[shapes.Body], tags=["reads"])
def bodies(request: Request, response: Response) -> Any:
    """Every body, parents before children (`parent` makes the tree)."""
    return _listing(request, response, "bodies")


@router.get("/bodies/{ident}", response_model=shapes.Body, tags=["reads"])
def body(request: Request, response: Response, ident: Ident) -> Any:
    return _one(request, response, "bodies", "body", ident)


@router.get("/offices", response_model=list[shapes.Office], tags=["reads"])
def offices(request: Request, response: Response) -> Any:
    return _listing(request, response, "offices")


@router.get("/offices/{ident}", response_model=shapes.Office, tags=["reads"])
def office(request: Request, response: Response, ident: Ident) -> Any:
    return _one(request, response, "offices", "office", ident)


@router.get("/mandates", response_model=list[shapes.Mandate], tags=["reads"])
def mandates(request: Request, response: Response) -> Any:
    return _listing(request, response, "mandates")


@router.get("/mandates/{ident}", response_model=shapes.Mandate, tags=["reads"])
def mandate(request: Request, response: Response, ident: Ident) -> Any:
    """One mandate, by its id (M7) or as OFFICE:HOLDER."""
    return _one(request, response, "mandates", "mandate", ident)


@router.get("/elections", response_model=list[shapes.Election], tags=["reads"])
def elections(request: Request, response: Response) -> Any:
    return _listing(request, response, "elections")


@router.get("/elections/{ident}", response_model=shapes.Election, tags=["reads"])
def election(request: Request, response: Response, ident: Ident) -> Any:
    """One election, with its result round by round once it closed."""
    return _one(request, response, "elections", "election", ident)


@router.get(
    "/petitions",
    response_model=list[shapes.Petition],
    response_model_exclude_unset=True,
    tags=["reads"],
)
def petitions(request: Request, response: Response) -> Any:
    return _listing(request, response, "petitions")


@router.get("/petitions/{ident}", response_model=shapes.Petition, tags=["reads"])
def petition(request: Request, response: Response, ident: Ident) -> Any:
    """One petition, with the signatures its petition and immediate shares need."""
    return _one(request, response, "petitions", "petition", ident)


def _turnout(request: Request, response: Response, kind: str, ident: str) -> Any:
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        seen = views.turnout(reads.conn, ident)
        if seen is None or seen["kind"] != kind:
            raise NotFound(kind, ident)
        return seen


@router.get("/elections/{ident}/turnout", response_model=shapes.Turnout, tags=["reads"])
def election_turnout(request: Request, response: Response, ident: Ident) -> Any:
    """Who on the roll has voted and who has not; never what anyone chose."""
    return _turnout(request, response, "election", ident)


@router.get("/petitions/{ident}/turnout", response_model=shapes.Turnout, tags=["reads"])
def petition_turnout(request: Request, response: Response, ident: Ident) -> Any:
    """Who on the recall vote's roll has voted and who has not."""
    return _turnout(request, response, "petition", ident)


@router.get("/members", response_model=list[shapes.Member], tags=["reads"])
def members(request: Request, response: Response) -> Any:
    """Every member: id, name, bodies and the mandates they hold."""
    return _listing(request, response, "members")


@router.get("/members/{ident}", response_model=shapes.Member, tags=["reads"])
def member(request: Request, response: Response, ident: Ident) -> Any:
    return _one(request, response, "members", "member", ident)


@router.get(
    "/motions",
    response_model=list[shapes.Motion],
    response_model_exclude_unset=True,
    tags=["reads"],
)
def motions(request: Request, response: Response) -> Any:
    return _listing(request, response, "motions")


@router.get("/motions/{ident}", response_model=shapes.Motion, tags=["reads"])
def motion(request: Request, response: Response, ident: Ident) -> Any:
    """One motion, with its text and its roll call."""
    return _one(request, response, "motions", "motion", ident)


@router.get("/decisions", response_model=list[shapes.Decision], tags=["reads"])
def decisions(request: Request, response: Response) -> Any:
    """Every body's decisions, by body and number."""
    return _listing(request, response, "decisions")


@router.get("/breaches", response_model=list[shapes.Breach], tags=["reads"])
def breaches(request: Request, response: Response) -> Any:
    """Every vote a deputy cast against their body's instruction."""
    return _listing(request, response, "breaches")


@router.get("/audit", response_model=list[shapes.Finding], tags=["reads"])
def audit(request: Request, response: Response) -> Any:
    """The purge: every office not held by a live elected mandate."""
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        return [f.to_json() for f in audit_service.findings(reads.projections())]


@router.get("/log", response_model=shapes.Page, response_model_exclude_unset=True, tags=["log"])
def log(
    request: Request,
    response: Response,
    since: Annotated[int, Query(ge=1, le=MAX, description="The first seq.")] = 1,
    limit: Annotated[int, Query(ge=1, le=PAGE, description="The most events.")] = 100,
) -> Any:
    """The log, oldest first, a page at a time from `since`."""
    with soviet_of(request).reading() as reads:
        size = reads.size()
        response.headers["Soviet-Log-Size"] = str(size)
        stop = min(size + 1, since + limit)
        events = [e.to_json() for e in reads.events(since, stop)] if since <= size else []
    return {
        "size": size,
        "since": since,
        "events": events,
        "next": stop if stop <= size else None,
    }


@router.get(
    "/log/{seq}", response_model=shapes.Recorded, response_model_exclude_unset=True, tags=["log"]
)
def act(request: Request, response: Response, seq: Annotated[int, Path(ge=1, le=MAX)]) -> Any:
    """The event at `seq` and the consequences recorded with it, in one unit of work."""
    with soviet_of(request).reading() as reads:
        return recorded_at(reads, response, seq)


def recorded_at(reads: SqlReading, response: Response, seq: int) -> dict[str, Any]:
    """The answer to an act whose own event is at `seq`: its events and its checkpoint."""
    size = reads.size()
    response.headers["Soviet-Log-Size"] = str(size)
    if seq > size:
        raise ApiRefusal(404, "not_found", f"the log has {size:,} events: no seq {seq}", "seq")
    events = reads.act_at(seq)
    end = events[-1].seq if events else seq
    stored = reads.latest_checkpoint(at_most=end)
    return {
        "events": [e.to_json() for e in events],
        "size": end,
        "checkpoint": stored[1] if stored is not None and stored[0] == end else None,
    }


@router.get("/checkpoint", response_model=shapes.Checkpoint, tags=["log"])
def checkpoint(request: Request, response: Response) -> Any:
    """The log's latest signed checkpoint, with the verifier key to open it."""
    with soviet_of(request).reading() as reads:
        origin, verifier = reads.log_key()
        _sized(response, reads)
        latest = reads.latest_checkpoint()
    if latest is None:
        raise ApiRefusal(404, "not_found", "no signed checkpoint is stored yet")
    parsed = Checkpoint.parse(parse_note(latest[1].encode())[0])
    return {
        "origin": origin,
        "size": parsed.size,
        "root": parsed.root.hex(),
        "note": latest[1],
        "verifier_key": verifier,
    }


@router.get("/proofs/inclusion/{seq}", tags=["log"])
def inclusion(
    request: Request,
    response: Response,
    seq: Annotated[int, Path(ge=1, le=MAX, description="The event's seq.")],
    size: Annotated[int | None, Query(ge=1, le=MAX, description="The size (now).")] = None,
) -> dict[str, Any]:
    """That event `seq` is in the log at `size` (as `soviet prove inclusion`)."""
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        return reads.inclusion(seq, size).to_json()


@router.get("/proofs/consistency", tags=["log"])
def consistency(
    request: Request,
    response: Response,
    old: Annotated[int, Query(ge=1, le=MAX, description="The earlier size.")],
    new: Annotated[int | None, Query(ge=1, le=MAX, description="The later size (now).")] = None,
) -> dict[str, Any]:
    """That the log at `old` is a prefix of the log at `new` (as `soviet prove consistency`)."""
    with soviet_of(request).reading() as reads:
        _sized(response, reads)
        return reads.consistency(old, new if new is not None else reads.size()).to_json()
