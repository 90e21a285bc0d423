"""The API's acts: a member's signed statement (`soviet.domain.statements`), posted to the
resource it acts on, is decided and recorded exactly as the command line's act — the same
checks of its signature, the same rules, the same events.

The answer is what the act recorded: its own event, then every consequence it caused (a
recall that cascades answers with every lapse and by-election it set off), with the
signed checkpoint of the log it left. A statement sent again answers with the first's
result, never a second event: a member whose connection dropped may simply resend.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from soviet.api import shapes
from soviet.api.commits import GroupCommit, Taken
from soviet.api.errors import ApiRefusal
from soviet.api.reads import Ident, recorded_at, soviet_of
from soviet.bootstrap import Soviet
from soviet.domain.statements import (
    ACTS,
    Signed,
    StatementError,
    command_of_statement,
    signed_from_json,
)
from soviet.errors import Refused
from soviet.services import audit as audit_service

#: The acts each resource takes, and what in the statement must name the resource: a
#: field of its data, or its actor (a member's own keys).
RESOURCES: dict[str, dict[str, str]] = {
    "bodies": {"member.add": "bodies", "motion.propose": "body"},
    "members": {
        "member.join": "member",
        "member.leave": "member",
        "member.reset-key": "member",
        "key.enroll": "actor",
        "key.rotate": "actor",
        "member.codes": "actor",
    },
    "offices": {"election.open": "office"},
    "elections": {
        "election.nominate": "election",
        "election.accept": "election",
        "election.withdraw": "election",
        "election.start": "election",
        "vote": "election",
        "election.import-paper": "election",
        "election.extend": "election",
        "election.close": "election",
    },
    "mandates": {"mandate.resign": "mandate", "recall.open": "mandate"},
    "petitions": {"recall.sign": "petition", "recall.vote": "petition", "recall.close": "petition"},
    "motions": {
        "motion.second": "motion",
        "motion.refer": "motion",
        "motion.start": "motion",
        "motion.vote": "motion",
        "motion.close": "motion",
    },
}

#: What each resource is, in a refusal.
NOUNS = {
    "bodies": "body",
    "members": "member",
    "offices": "office",
    "elections": "election",
    "mandates": "mandate",
    "petitions": "petition",
    "motions": "motion",
}

router = APIRouter()


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def fits(resource: str, ident: str, signed: Signed) -> None:
    """Refuse (422, naming the field) a statement posted to a resource it does not act on."""
    statement = signed.statement
    if statement.type not in ACTS:  # no resource takes it: refused as the CLI refuses it
        try:
            command_of_statement(statement)
        except StatementError as error:
            raise ApiRefusal(400, "invalid", str(error), "statement.type") from None
    takes = RESOURCES[resource]
    where = takes.get(statement.type)
    noun = NOUNS[resource]
    if where is None:
        raise ApiRefusal(
            422,
            "wrong_resource",
            f"a {statement.type} statement is not an act on {_a(noun)}: post it to its own "
            f"resource ({_a(noun)} takes {', '.join(sorted(takes))})",
            "statement.type",
        )
    if where == "actor":
        named: Any = statement.actor
        field = "statement.actor"
    else:
        named = statement.data.get(where)
        field = f"statement.data.{where}"
    matches = ident in named if isinstance(named, list) else named == ident
    if not matches:
        raise ApiRefusal(
            422,
            "wrong_resource",
            f"the statement acts on {noun} {named!r}, not on {noun} {ident!r} it was posted to",
            field,
        )


def _recorded_before(soviet: Soviet, signed: Signed) -> int | None:
    """The seq at which this very statement was recorded already, if it was."""
    statement = signed.statement
    with soviet.reading(primary=True) as reads:
        seq = reads.projections().nonce_seq(statement.actor, statement.nonce)
        if seq is None:
            return None
        found = list(reads.events(seq, seq + 1))
    first = found[0] if found else None
    if first is not None and first.signed == signed.to_json():
        return seq
    return None  # the same nonce on another statement: the signature check refused it


def answer(taken: Taken) -> dict[str, Any]:
    """The answer to an act: its events, the log's size once it was committed and the
    signed checkpoint of that size — the same as `GET /log/{seq}` gives for it."""
    return {
        "events": [e.to_json() for e in taken.events],
        "size": taken.size,
        "checkpoint": taken.checkpoint,
    }


async def _post(request: Request, resource: str, ident: str, body: shapes.Signed) -> Any:
    signed = signed_from_json(body.model_dump())
    fits(resource, ident, signed)
    soviet = soviet_of(request)
    writer: GroupCommit = request.app.state.writer
    try:
        taken = await asyncio.wrap_future(writer.submit(signed))
    except Refused:
        # a statement recorded before is refused by its nonce (or its expiry): the answer
        # is the first's result
        def first() -> dict[str, Any] | None:
            seq = _recorded_before(soviet, signed)
            if seq is None:
                return None
            with soviet.reading(primary=True) as reads:
                return recorded_at(reads, Response(), seq)

        earlier = await run_in_threadpool(first)
        if earlier is None:
            raise
        return JSONResponse(earlier, status_code=200, headers=_sized(earlier))
    done = answer(taken)
    return JSONResponse(done, status_code=201, headers=_sized(done))


def _sized(done: dict[str, Any]) -> dict[str, str]:
    return {"Soviet-Log-Size": str(done["size"])}


_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"model": shapes.Recorded, "description": "Recorded before: the first's result."},
    400: {"model": shapes.Error, "description": "A malformed statement."},
    403: {"model": shapes.Error, "description": "A signature that does not hold."},
    404: {"model": shapes.Error, "description": "An unknown member, election, …"},
    409: {
        "model": shapes.Error,
        "description": "Refused by the rules, a reused nonce, or a clock behind the log.",
    },
    413: {"model": shapes.Error, "description": "A body over the size limit."},
    415: {"model": shapes.Error, "description": "A body that is not JSON."},
    422: {"model": shapes.Error, "description": "A statement of the wrong shape or resource."},
}


def _route(resource: str) -> None:
    noun = NOUNS[resource]
    takes = ", ".join(f"`{name}`" for name in RESOURCES[resource])

    async def post(
        request: Request,
        body: shapes.Signed,
        ident: Ident,
    ) -> Any:
        return await _post(request, resource, ident, body)

    router.add_api_route(
        f"/{resource}/{{ident}}/acts",
        post,
        methods=["POST"],
        status_code=201,
        response_model=shapes.Recorded,
        responses=_ANSWERS,
        tags=["acts"],
        name=f"act on {_a(noun)}",
        summary=f"Take an act on {_a(noun)}",
        description=f"Post a member's signed statement of an act on this {noun}: {takes}. "
        "The answer is the act's event and every consequence; a statement sent twice "
        "answers with the first's result.",
    )


for _resource in RESOURCES:
    _route(_resource)


@router.post(
    "/audit/schedule",
    response_model=shapes.Scheduled,
    responses={k: v for k, v in _ANSWERS.items() if k in (409, 413, 415)},
    tags=["acts"],
)
async def schedule(request: Request) -> Any:
    """The purge with `--schedule`: end every mandate whose term ran out and open an
    election for every office with an open seat. Nobody's act: anyone may ask for it,
    and it does only what the charter requires."""
    soviet = soviet_of(request)
    lock: threading.Lock = request.app.state.write_lock

    def run() -> dict[str, Any]:
        with lock, soviet.unit_of_work() as ws:
            audit_service.schedule(ws)
            found = audit_service.findings(ws)
            recorded = list(ws.recorded)
        return {"events": [e.to_json() for e in recorded], "findings": [f.to_json() for f in found]}

    return await run_in_threadpool(run)
