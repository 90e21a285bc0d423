"""Seats that follow the size of the constituency: an office whose charter says
`seats = { per = 100, min = 1, max = 10 }` has one seat per 100 members of its
constituency — the members of its body and of the assemblies below it — rounded half up,
within its bounds.

When a change of membership (an admission, a join, a leave) changes that number, the
office is re-apportioned: at once where it says `reapportion = "immediate"` (a
`office.reapportioned` event, then a by-election for the seats added, or the end of the
mandates in the seats numbered last, and their cascade); otherwise when its next regular
election is opened by the purge or the end of its terms, which then elects the new number.

A council that says `weighted = true` weights each deputy's vote in its motions and its
elections by the members they stand for: the size of their seat's constituency over the
seats of its office, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

from soviet.domain import events as ev
from soviet.domain.admission import ancestors
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


def sized(state: State, office: Office) -> bool:
    """Whether the office's seats follow a constituency: its own `seats = { per … }`, or
    the apportionment of the council it seats its holders in."""
    council = state.bodies().get(office.seat_in or "")
    return office.procedure.seats_per is not None or (
        council is not None and council.apportion is not None
    )


def due_seats(state: State, office: Office) -> tuple[int, int] | None:
    """(the seats the office's constituency gives it now, its size), or None for an office
    of a fixed number of seats."""
    from soviet.tally.apportionment import apportion, seats_per  # numpy: only when sized

    p = office.procedure
    council = state.bodies().get(office.seat_in or "")
    if council is not None and council.apportion is not None and council.council_seats:
        sending = [o for o in state.offices().values() if o.seat_in == council.id]
        sizes = {o.id: constituency(state, o) for o in sending}
        shared = apportion(sizes, council.council_seats, council.apportion)
        return shared.allocation[office.id], sizes[office.id]
    if p.seats_per is None:
        return None
    size = constituency(state, office)
    return seats_per(size, p.seats_per, p.seats_min, p.seats_max), size


def affected(state: State, body: str) -> Iterable[Office]:
    """The offices sized by a constituency that holds the body, in the charter's order: by
    their own rule, or every office that seats its holders in a council apportioning its
    seats among them. A constituency holds the body when its own body is the body or one
    above it, so only the offices on that path are read, and those seating in its
    councils."""
    above = ancestors(body, state.bodies())
    path = state.offices_of(above)
    councils = {
        o.seat_in
        for o in path
        if o.seat_in is not None and sized(state, o) and o.procedure.seats_per is None
    }
    for office in state.offices_of(above, councils) if councils else path:
        if office.seat_in in councils or (
            office.procedure.seats_per is not None and office.body in above
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


def weights(state: State, council: str) -> dict[str, Fraction] | None:
    """Each deputy's weight in a council that weights its members' votes: for each seat
    they hold in it, the members of that seat's constituency over the seats of its office,
    exactly; None for a council that counts heads."""
    body = state.bodies().get(council)
    if body is None or not body.weighted:
        return None
    offices = state.offices()
    sizes: dict[str, int] = {}
    found: dict[str, Fraction] = {}
    for deputy in sorted(state.seated(council)):
        for mandate in state.active_mandates(holder=deputy):
            office = offices[mandate.office]
            if office.seat_in != council:
                continue
            if office.id not in sizes:
                sizes[office.id] = constituency(state, office)
            share = Fraction(sizes[office.id], office.seats)
            found[deputy] = found.get(deputy, Fraction(0)) + share
    return found


def whole(weights: Mapping[str, Fraction]) -> tuple[dict[str, int], int]:
    """The weights as whole numbers in the same proportions, and the factor they were
    multiplied by (the least common multiple of their denominators)."""
    scale = 1
    for weight in weights.values():
        scale = math.lcm(scale, weight.denominator)
    return {voter: int(weight * scale) for voter, weight in weights.items()}, scale
