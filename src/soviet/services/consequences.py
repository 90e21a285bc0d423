"""What the system does by itself: by-elections, the cascade of lost seats, moot petitions.

Every event here has actor None and `data["cause"]`, the seq of the event that caused it.
"""

from __future__ import annotations

from soviet.domain import events as ev
from soviet.domain.audit import open_seats
from soviet.domain.model import Office
from soviet.services import electorates
from soviet.services.ports import Workspace


def end_mandate(ws: Workspace, event: ev.Event, *, refill: bool = True) -> ev.Recorded:
    """End a mandate, then take every consequence: a moot petition fails, a by-election
    opens for the seat, and mandates that needed the holder's seat in a council lapse."""
    mandate = ws.mandate(str(event.data["mandate"]))
    recorded = ws.record(event)
    office = electorates.office(ws, mandate.office)
    petition = ws.live_petition(mandate.id)
    if petition is not None:
        ws.record(
            ev.Event(
                ev.RECALL_CLOSED,
                None,
                {
                    "petition": petition.id,
                    "outcome": "failed",
                    "reason": f"mandate {mandate.id} ended otherwise ({event.type})",
                    "cause": recorded.seq,
                },
            )
        )
    if refill:
        fill_vacancy(ws, office, cause=recorded.seq)
    if office.seat_in is not None:
        lapse_unentitled(ws, mandate.holder, office.seat_in, cause=recorded.seq)
    return recorded


def lapse_unentitled(ws: Workspace, holder: str, body: str, *, cause: int) -> None:
    """Lapse the holder's mandates that required membership of `body`, if they have lost it."""
    bodies = ws.bodies()
    still_member = (
        holder in ws.seated(body)
        if bodies[body].kind == "council"
        else holder in ws.assembly_members(body)
    )
    if still_member:
        return
    offices = ws.offices()
    for mandate in ws.active_mandates(holder=holder):
        office = offices[mandate.office]
        if office.body == body and office.eligible == "electorate":
            end_mandate(
                ws,
                ev.Event(
                    ev.MANDATE_LAPSED,
                    None,
                    {
                        "mandate": mandate.id,
                        "reason": f"{holder} is no longer a member of {body}",
                        "cause": cause,
                    },
                ),
            )


def fill_vacancy(ws: Workspace, office: Office, *, cause: int | None) -> ev.Recorded | None:
    """Open a by-election for an office's open seats, unless an election is under way
    (one still nominating counts its seats when voting starts; one voting refills after
    its close)."""
    if ws.pending_election(office.id) is not None:
        return None
    eligible = electorates.eligible(ws, office)
    seats = open_seats(office, ws.active_mandates(office=office.id), eligible, ws.now)
    if not seats:
        return None
    data: dict[str, object] = {
        "election": ws.next_id("election"),
        "office": office.id,
        "seats": len(seats),
    }
    if cause is not None:
        data["cause"] = cause
    else:
        data["reason"] = "audit"
    return ws.record(ev.Event(ev.ELECTION_OPENED, None, data))
