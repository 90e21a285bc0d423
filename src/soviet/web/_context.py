"""What each page of the notice board shows, read from one snapshot: the views of
`soviet show … --json`, the services' audit and recall thresholds, and the board's own
reads — never SQL here.

Each function takes the reading and an id, and gives the template its values; an id that
names nothing is `NotFound`, which the pages answer with a 404 page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from soviet.api.acts import RESOURCES
from soviet.errors import NotFound
from soviet.services import audit as audit_service
from soviet.services import recall
from soviet.storage import board, views
from soviet.storage.reading import SqlReading
from soviet.web import _charts

#: The events one page of the log shows.
LOG_PAGE = 50
#: The statement types each status allows, by resource.
ELECTION_ACTS = {
    "nominating": ("election.nominate", "election.accept", "election.withdraw", "election.start"),
    "voting": ("vote", "election.extend", "election.close"),
}
PETITION_ACTS = {
    "open": ("recall.sign",),
    "voting": ("recall.sign", "recall.vote", "recall.close"),
}
#: The statuses of a petition still in progress.
LIVE_PETITION = ("open", "voting")


def acts(resource: str, ident: str, allowed: tuple[str, ...], **data: Any) -> dict[str, Any]:
    """The acts section of a page (the contract with the browser's acting script)."""
    takes = RESOURCES[resource]
    return {
        "resource": resource,
        "ident": ident,
        "acts": " ".join(a for a in allowed if a in takes),
        "data": {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()},
    }


def names(reads: SqlReading) -> Mapping[str, str]:
    """Members' names by id, each read as the page asks for it (within its snapshot)."""
    return board.Names(reads.conn)


def _found(reads: SqlReading, view: str, kind: str, ident: str) -> dict[str, Any]:
    found = views.record(reads.conn, view, ident)
    if found is None:
        raise NotFound(kind, ident)
    return found


def federation(reads: SqlReading) -> dict[str, Any]:
    """Every body as a tree, with each office and its holders."""
    offices: dict[str, list[dict[str, Any]]] = {}
    for office in reads.view("offices"):
        offices.setdefault(office["body"], []).append(office)
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for body in reads.view("bodies"):
        node = {"body": body, "offices": offices.get(body["id"], []), "children": []}
        nodes[body["id"]] = node
        parent = nodes.get(body["parent"]) if body["parent"] else None
        (parent["children"] if parent is not None else roots).append(node)
    return {"roots": roots, "names": names(reads)}


def body(reads: SqlReading, ident: str) -> dict[str, Any]:
    """A body: its offices, their holders and the elections that seated them, its open
    elections and live petitions, its parent and the bodies below it."""
    found = _found(reads, "bodies", "body", ident)
    offices = [o for o in reads.view("offices") if o["body"] == ident]
    ids = {o["id"] for o in offices}
    mandates = [m for m in reads.view("mandates") if m["office"] in ids]
    active: dict[str, list[dict[str, Any]]] = {}
    for mandate in mandates:
        if mandate["status"] == "active":
            active.setdefault(mandate["office"], []).append(mandate)
    mine = {m["id"] for m in mandates}
    every = reads.view("bodies")
    return {
        "body": found,
        "parent": next((b for b in every if b["id"] == found["parent"]), None),
        "children": [b for b in every if b["parent"] == ident],
        "offices": offices,
        "active": active,
        "elections": [
            e for e in reads.view("elections") if e["office"] in ids and e["status"] != "closed"
        ],
        "petitions": [
            p
            for p in reads.view("petitions")
            if p["mandate"] in mine and p["status"] in LIVE_PETITION
        ],
        "names": names(reads),
        "acts": acts("bodies", ident, ("member.add",) if found["kind"] == "assembly" else ()),
    }


def office(reads: SqlReading, ident: str) -> dict[str, Any]:
    """An office: its mandates past and present and its elections."""
    found = _found(reads, "offices", "office", ident)
    elections = [e for e in reads.view("elections") if e["office"] == ident]
    pending = next((e for e in elections if e["status"] != "closed"), None)
    vacant = len(found["holders"]) < found["seats"] or any(
        f.office == ident for f in audit_service.findings(reads.projections())
    )
    return {
        "office": found,
        "body": views.record(reads.conn, "bodies", found["body"]),
        "mandates": [m for m in reads.view("mandates") if m["office"] == ident][::-1],
        "elections": elections[::-1],
        "pending": pending,
        "names": names(reads),
        "vacant": vacant,
        "acts": acts("offices", ident, ("election.open",) if vacant and not pending else ()),
    }


def election(reads: SqlReading, ident: str) -> dict[str, Any]:
    """An election: candidates, roll and turnout, and once closed the count round by round."""
    found = _found(reads, "elections", "election", ident)
    office = views.record(reads.conn, "offices", found["office"])
    method = (found["result"] or {}).get("method") or (office or {}).get("method", "")
    known = names(reads)
    result = found["result"]
    status = found["status"]
    return {
        "election": found,
        "office": office,
        "method": method,
        "names": known,
        "share": _share(found["ballots"], found["roll"]),
        "chart": _charts.rounds_svg(result, known) if result else None,
        "table": _charts.result_table(result, known) if result else None,
        "ties": (result.get("ties") or []) if isinstance(result, dict) else [],
        "closing": views.closing(reads.conn, ident) if status == "closed" else None,
        "live": status != "closed",
        "acts": acts(
            "elections",
            ident,
            ELECTION_ACTS.get(status, ()),
            kind="election",
            status=status,
            method=method,
            seats=str(found["seats"]),
            candidates=found["candidates"],
            names={c: known.get(c, c) for c in found["candidates"]},
        ),
    }


def petition(reads: SqlReading, ident: str) -> dict[str, Any]:
    """A recall petition: its signatures against its shares, its recall vote, its mandate."""
    found = _found(reads, "petitions", "petition", ident)
    shares = recall.thresholds(reads.projections(), ident)
    mandate = views.record(reads.conn, "mandates", found["mandate"])
    votes = found["votes"]
    cast = sum(v for v in votes.values()) if votes else 0
    return {
        "petition": found,
        "thresholds": shares,
        "mandate": mandate,
        "office": views.record(reads.conn, "offices", mandate["office"]) if mandate else None,
        "names": names(reads),
        "signed": _share(found["signatures"], shares["immediate_needed"]),
        "petition_mark": _share(shares["petition_needed"], shares["immediate_needed"]),
        "cast": cast,
        "turnout": _share(cast, shares["roll"] or 0),
        "live": found["status"] in LIVE_PETITION,
        "acts": acts(
            "petitions",
            ident,
            PETITION_ACTS.get(found["status"], ()),
            kind="petition",
            status=found["status"],
        ),
    }


def mandate(reads: SqlReading, ident: str) -> dict[str, Any]:
    """A mandate: its holder, office, seat, status, its election and its petitions."""
    found = _found(reads, "mandates", "mandate", views.mandate_id(reads.conn, ident))
    petitions = [p for p in reads.view("petitions") if p["mandate"] == found["id"]]
    live = any(p["status"] in LIVE_PETITION for p in petitions)
    allowed: tuple[str, ...] = ()
    if found["status"] == "active":
        allowed = ("mandate.resign",) if live else ("recall.open", "mandate.resign")
    return {
        "mandate": found,
        "office": views.record(reads.conn, "offices", found["office"]),
        "petitions": petitions[::-1],
        "names": names(reads),
        "acts": acts("mandates", found["id"], allowed, kind="mandate", status=found["status"]),
    }


def audit(reads: SqlReading) -> dict[str, Any]:
    """Every finding of the purge, and the election that would fill each one."""
    pending = {e["office"]: e for e in reads.view("elections") if e["status"] != "closed"}
    return {
        "findings": [
            {"finding": f.to_json(), "election": pending.get(f.office or "")}
            for f in audit_service.findings(reads.projections())
        ],
        "names": names(reads),
    }


def member(reads: SqlReading, ident: str) -> dict[str, Any]:
    """A member: bodies, mandates held and ended, and the acts they took."""
    found = _found(reads, "members", "member", ident)
    mandates = [m for m in reads.view("mandates") if m["holder"] == ident]
    bodies = {b["id"]: b for b in reads.view("bodies")}
    return {
        "member": found,
        "bodies": [bodies[b] for b in found["bodies"] if b in bodies],
        "held": [m for m in mandates if m["status"] == "active"],
        "ended": [m for m in mandates if m["status"] != "active"][::-1],
        "acts_taken": board.acts_of(reads.conn, ident),
        "most": board.ACTS_SHOWN,
    }


def log(reads: SqlReading, before: int | None) -> dict[str, Any]:
    """One page of the log, newest first, ending before `before` (the newest page without
    it), with the latest signed checkpoint and the verifier key."""
    size = reads.size()
    stop = size + 1 if before is None else max(1, min(before, size + 1))
    start = max(1, stop - LOG_PAGE)
    events = list(reads.events(start, stop))[::-1]
    origin, verifier = reads.log_key()
    latest = reads.latest_checkpoint()
    return {
        "events": events,
        "older": start if start > 1 else None,
        "newer": stop + LOG_PAGE if stop <= size else None,
        "log_size": size,
        "checkpoint": latest,
        "verifier": verifier,
        "log_origin": origin,
    }


def organization(reads: SqlReading) -> str:
    return board.organization_name(reads.conn)


def _share(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percentage, for a bar (0 when whole is 0)."""
    return min(100, round(100 * part / whole)) if whole else 0
