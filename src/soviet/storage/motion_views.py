"""The read views of motions, decisions and breaches, as `show` and the API give them
(registered in `soviet.storage.views`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from soviet.storage import schema as t


def _votes(conn: Connection, only: str | None) -> dict[str, dict[str, str]]:
    """Each motion's roll call: voter -> vote, in order of the voters' ids."""
    cast = select(t.motion_votes.c.motion, t.motion_votes.c.voter, t.motion_votes.c.vote)
    if only is not None:
        cast = cast.where(t.motion_votes.c.motion == only)
    called: dict[str, dict[str, str]] = {}
    for row in conn.execute(cast.order_by(t.motion_votes.c.motion, t.motion_votes.c.voter)):
        called.setdefault(row.motion, {})[row.voter] = row.vote
    return called


def _instructions(conn: Connection, only: str | None) -> dict[str, dict[str, str]]:
    given = select(t.instructions)
    if only is not None:
        given = given.where(t.instructions.c.motion == only)
    found: dict[str, dict[str, str]] = {}
    for row in conn.execute(given.order_by(t.instructions.c.body)):
        found.setdefault(row.motion, {})[row.body] = row.instruction
    return found


def _tally(cast: dict[str, str], result: dict[str, Any] | None) -> dict[str, int]:
    """The votes of a motion: yes, no and abstain for an open vote; for a secret one the
    sealed ballots (`secret`) until the trustees decrypt the tally, then its counts."""
    if "secret" not in cast.values():
        tally = {choice: 0 for choice in ("yes", "no", "abstain")}
        for vote in cast.values():
            tally[vote] += 1
        return tally
    decrypted = (result or {}).get("secret")
    if decrypted is None:
        return {"secret": len(cast)}
    yes, no = decrypted["marks"]
    return {"yes": yes, "no": no, "abstain": decrypted["blank"]}


def motions(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    """Every motion (or the one named, with its text and its roll call): its body, kind,
    status, the votes so far and, once adopted, the number of its decision."""
    called = _votes(conn, only)
    given = _instructions(conn, only)
    query = select(t.motions)
    if only is not None:
        query = query.where(t.motions.c.id == only)
    rows = []
    for r in conn.execute(query.order_by(t.motions.c.number)):
        cast = called.get(r.id, {})
        result = json.loads(r.result) if r.result is not None else None
        tally = _tally(cast, result)
        row: dict[str, Any] = {
            "id": r.id,
            "body": r.body,
            "kind": r.kind,
            "title": r.title,
            "proposer": r.proposer,
            "seconder": r.seconder,
            "status": r.status,
            "referred": bool(r.referred),
            "instructs": r.instructs,
            "instruction": r.instruction,
            "instructions": given.get(r.id, {}),
            "votes": tally if r.voting_ends is not None else None,
            "decision": r.decision,
            "text_sha256": r.text_sha256,
            "proposed_at": r.proposed_at,
            "voting_ends": r.voting_ends,
            "closed_at": r.closed_at,
            "result": result,
        }
        if only is not None:
            row["text"] = r.text
            row["roll_call"] = cast
        rows.append(row)
    return rows


def decisions(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    """Every decision, by body and number: the adopted motion's title and text hash."""
    query = select(t.motions).where(t.motions.c.decision.is_not(None))
    if only is not None:
        query = query.where(t.motions.c.id == only)
    return [
        {
            "body": r.body,
            "number": r.decision,
            "motion": r.id,
            "kind": r.kind,
            "title": r.title,
            "instructs": r.instructs,
            "instruction": r.instruction,
            "text_sha256": r.text_sha256,
            "adopted_at": r.closed_at,
        }
        for r in conn.execute(query.order_by(t.motions.c.body, t.motions.c.decision))
    ]


def breaches(conn: Connection, only: str | None = None) -> list[dict[str, Any]]:
    """Every vote a deputy cast against their body's instruction, and what followed."""
    query = select(t.breaches, t.motions.c.body.label("council")).join(
        t.motions, t.motions.c.id == t.breaches.c.motion
    )
    if only is not None:
        query = query.where(t.breaches.c.motion == only)
    return [
        {
            "motion": r.motion,
            "council": r.council,
            "member": r.member,
            "mandate": r.mandate,
            "body": r.body,
            "instruction": r.instruction,
            "vote": r.vote,
            "on_breach": r.on_breach,
            "seq": r.seq,
        }
        for r in conn.execute(query.order_by(t.breaches.c.seq))
    ]


#: The fields of each view's objects, in order: the header of `show … --csv`.
FIELDS: dict[str, tuple[str, ...]] = {
    "motions": (
        "id",
        "body",
        "kind",
        "title",
        "proposer",
        "seconder",
        "status",
        "referred",
        "instructs",
        "instruction",
        "instructions",
        "votes",
        "decision",
        "text_sha256",
        "proposed_at",
        "voting_ends",
        "closed_at",
        "result",
    ),
    "decisions": (
        "body",
        "number",
        "motion",
        "kind",
        "title",
        "instructs",
        "instruction",
        "text_sha256",
        "adopted_at",
    ),
    "breaches": (
        "motion",
        "council",
        "member",
        "mandate",
        "body",
        "instruction",
        "vote",
        "on_breach",
        "seq",
    ),
}
