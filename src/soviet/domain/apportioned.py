"""Seats that follow the size of the constituency: an office whose charter says
`seats = { per = 100, min = 1, max = 10 }` has one seat per 100 members of its
constituency — the members of its body and of the assemblies below it — rounded half up,
within its bounds.

When a change of membership (an admission, a join, a leave) changes that number, the
office is re-apportioned: at once where it says `reapportion = "immediate"` (a
`office.reapportioned` event, then a by-election for the seats added, or the end of the
mandates in the seats numbered last, and their cascade); otherwise when its next regular
election is opened by the purge or the end of its terms, which then elects the new number.
"""

from __future__ import annotations

from collections.abc import Iterable

from soviet.domain import events as ev
from soviet.domain.charter.offices import constituency_bodies
from soviet.domain.events import Event
from soviet.domain.model import Office
from soviet.domain.state import State


def constituency(state: State, office: Office) -> int:
    """How many members the office's body and the assemblies below it hold."""
    bodies = state.bodies()
    members: set[str] = set()
    for body in constituency_bodies(office.body, bodies.values()):
        if bodies[body].kind == "assembly":
            members.update(state.assembly_members(body))
    return len(members)


def due_seats(state: State, office: Office) -> tuple[int, int] | None:
    """(the seats the office's constituency gives it now, its size), or None for an office
    of a fixed number of seats."""
    from soviet.tally.apportionment import seats_per  # numpy stays unloaded until a count

    p = office.procedure
    if p.seats_per is None:
        return None
    size = constituency(state, office)
    return seats_per(size, p.seats_per, p.seats_min, p.seats_max), size


def affected(state: State, body: str) -> Iterable[Office]:
    """The offices sized by a constituency that holds the body."""
    for office in state.offices().values():
        if office.procedure.seats_per is not None and body in constituency_bodies(
            office.body, state.bodies().values()
        ):
            yield office


def reapportioned(
    state: State, office: Office, cause: int | None, reason: str | None = None
) -> Event | None:
    """The `office.reapportioned` that the office's constituency calls for now, or None
    when its seats are what it gives. `reason` names the system's act that applies it
    without a cause (the purge's `audit`, or a `term` that ended)."""
    due = due_seats(state, office)
    if due is None or due[0] == office.seats:
        return None
    seats, size = due
    data: dict[str, object] = {
        "office": office.id,
        "seats": seats,
        "was": office.seats,
        "constituency": size,
        "cause": cause,
    }
    if reason is not None:
        data["reason"] = reason
    return Event(ev.OFFICE_REAPPORTIONED, None, data)
