"""Seats that follow the constituency, on a real database: an office of one seat per so
many members re-apportioned at once as members come and go — a by-election for a seat
added, the mandates of the seats removed ended and cascaded — or at its next regular
election; and the log replays and re-derives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from integration.conftest import Databases, Organization, assert_replay_identical, city_federation
from integration.signed import verify
from soviet.domain import events as ev
from soviet.domain.charter.offices import size_offices
from soviet.domain.model import Charter, Reapportion
from soviet.services import audit, members

Found = Callable[[Charter], Organization]


def sized(
    office_id: str, per: int, reapportion: Reapportion, *, most: int | None = None
) -> Charter:
    """The city federation with one office sized by its constituency (the method stv)."""
    charter = city_federation()
    offices = tuple(
        replace(
            o,
            method="stv",
            procedure=replace(
                o.procedure, seats_per=per, seats_min=1, seats_max=most, reapportion=reapportion
            ),
        )
        if o.id == office_id
        else o
        for o in charter.offices
    )
    return replace(charter, offices=size_offices(offices, charter.bodies, charter.members))


def seats(org: Organization, office: str) -> int:
    return org.read(lambda ws: ws.offices()[office].seats)


def types_of(events: list[object]) -> list[str]:
    return [e.type for e in events]  # type: ignore[attr-defined]


def test_seats_follow_the_constituency_at_once_with_by_elections_and_lapses(
    found: Found, databases: Databases
) -> None:
    org = found(sized("a1.deputy", 3, "immediate", most=4))
    # the founding counts 8 members of a1 at one seat per 3: 8/3 rounds to 3
    assert seats(org, "a1.deputy") == 3
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1", "a1-2", "a1-3"])
    org.admit("a1-9", ["a1"], "a1-1")  # 9/3: still 3
    assert seats(org, "a1.deputy") == 3
    org.admit("a1-10", ["a1"], "a1-1")
    size = len(org.events())
    org.admit("a1-11", ["a1"], "a1-1")
    recorded = org.events(size + 1)
    # 11/3 rounds to 4: the seat added goes to a by-election at once
    assert types_of(recorded)[:3] == [
        ev.MEMBER_ADMITTED,
        ev.OFFICE_REAPPORTIONED,
        ev.ELECTION_OPENED,
    ]
    assert recorded[1].data == {
        "office": "a1.deputy",
        "seats": 4,
        "was": 3,
        "constituency": 11,
        "cause": recorded[0].seq,
    }
    assert recorded[2].data["seats"] == 1 and recorded[2].data["kind"] == "by-election"
    assert seats(org, "a1.deputy") == 4
    holders = org.read(
        lambda ws: {m.seat: m.holder for m in ws.active_mandates(office="a1.deputy")}
    )
    last = holders[3]
    # down to 7 members: 7/3 rounds to 2, and the mandate in seat 3 ends, with its cascade
    for leaving in ("a1-9", "a1-10", "a1-11", "a1-8"):
        org.act(lambda ws, who=leaving: members.leave(ws, who, "a1", who))
    assert seats(org, "a1.deputy") == 2
    held = org.read(lambda ws: sorted(m.holder for m in ws.active_mandates(office="a1.deputy")))
    assert last not in held and len(held) == 2
    assert last not in org.read(lambda ws: ws.seated("district"))
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_by_default_seats_change_at_the_offices_next_regular_election(
    found: Found, databases: Databases
) -> None:
    org = found(sized("a2.deputy", 3, "election"))
    assert seats(org, "a2.deputy") == 2  # 6 members of a2
    for number in (7, 8, 9, 10):
        org.admit(f"a2-{number}", ["a2"], "a1-1")
    assert seats(org, "a2.deputy") == 2  # 10/3 would give 3, at its next election
    scheduled = org.act(audit.schedule)
    again = [e for e in scheduled if e.type == ev.OFFICE_REAPPORTIONED]
    assert [(e.data["seats"], e.data["reason"], e.data["cause"]) for e in again] == [
        (3, "audit", None)
    ]
    opened = [
        e for e in scheduled if e.type == ev.ELECTION_OPENED and e.data["office"] == "a2.deputy"
    ]
    assert opened[0].data["seats"] == 3
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
