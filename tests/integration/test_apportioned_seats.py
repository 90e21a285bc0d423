"""Seats that follow the constituency, on a real database: an office of one seat per so
many members re-apportioned at once as members come and go — a by-election for a seat
added, the mandates of the seats removed ended and cascaded — or at its next regular
election; and the log replays and re-derives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from integration.conftest import Databases, Organization, assert_replay_identical, city_federation
from integration.signed import verify
from soviet.domain import events as ev
from soviet.domain.charter.offices import size_offices
from soviet.domain.events import Recorded
from soviet.domain.model import Charter, Reapportion
from soviet.services import audit, elections, members, motions

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


def types_of(events: Sequence[Recorded]) -> list[str]:
    return [e.type for e in events]


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
        org.act(partial(members.leave, member_id=leaving, body="a1", actor=leaving))
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


def council_apportioned(method: str, seats: int, reapportion: Reapportion) -> Charter:
    """The district council shares its seats among a1 and a2 by their members."""
    charter = city_federation()
    bodies = tuple(
        replace(b, apportion=method, council_seats=seats) if b.id == "district" else b
        for b in charter.bodies
    )
    offices = tuple(
        replace(o, method="stv", procedure=replace(o.procedure, reapportion=reapportion))
        if o.seat_in == "district"
        else o
        for o in charter.offices
    )
    return replace(charter, bodies=bodies, offices=size_offices(offices, bodies, charter.members))


def test_a_council_apportions_its_seats_among_the_assemblies_by_their_members(
    found: Found, databases: Databases
) -> None:
    # Sainte-Laguë, 5 seats for 8 and 6 members: 8, 6, 8/3, 2, 8/5 — a1 3 seats, a2 2
    org = found(council_apportioned("sainte-lague", 5, "immediate"))
    assert (seats(org, "a1.deputy"), seats(org, "a2.deputy")) == (3, 2)
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1", "a1-2", "a1-3"])
    org.elect("a2.deputy", ["a2-1", "a2-2"])
    third = org.read(
        lambda ws: next(m for m in ws.active_mandates(office="a1.deputy") if m.seat == 3)
    )
    for number in (7, 8, 9, 10):
        org.admit(f"a2-{number}", ["a2"], "a1-1")
    # 8 and 10 members: 10, 8, 10/3, 8/3, 2 — a1 2 seats, a2 3
    assert (seats(org, "a1.deputy"), seats(org, "a2.deputy")) == (2, 3)
    assert third.holder not in org.read(lambda ws: ws.seated("district"))
    pending = org.read(lambda ws: ws.pending_election("a2.deputy"))
    assert pending is not None and pending.seats == 1
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def weighted_district() -> Charter:
    """The district council weights its deputies' votes, and elects its deputy by irv."""
    charter = city_federation()
    bodies = tuple(replace(b, weighted=True) if b.id == "district" else b for b in charter.bodies)
    return replace(charter, bodies=bodies)


def test_a_weighted_council_counts_each_deputy_by_the_members_they_stand_for(
    found: Found, databases: Databases
) -> None:
    org = found(weighted_district())
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1"])  # one seat for 8 members: weighs 8
    org.elect("a2.deputy", ["a2-1", "a2-2"])  # two seats for 6 members: 3 each
    proposed = org.act(lambda ws: motions.propose(ws, "district", "Fares", "x\n", "a1-1"))
    motion = str(proposed[0].data["motion"])
    org.act(lambda ws: motions.second(ws, motion, "a2-1"))
    org.act(lambda ws: motions.start(ws, motion, "a1-1"))
    for voter, vote in (("a1-1", "yes"), ("a2-1", "no"), ("a2-2", "no")):
        org.act(partial(motions.vote, motion=motion, choice=vote, voter=voter))
    closed = org.act(lambda ws: motions.close(ws, motion, "a1-1"))
    result = closed[0].data["result"]
    assert (result["yes"], result["no"]) == (1, 2)  # heads
    assert result["weighted"] == {
        "yes": "8",
        "no": "6",
        "abstain": "0",
        "roll": "14",
        "voted": "14",
    }
    assert closed[0].data["outcome"] == "adopted"
    # the district elects its deputy: a1-1 (8) against a2-1 (3 + 3)
    ident = org.pending("district.deputy").id  # opened by the purge
    org.act(lambda ws: elections.nominate(ws, ident, "a1-1", "a1-1"))
    org.act(lambda ws: elections.nominate(ws, ident, "a2-1", "a2-1"))
    org.act(lambda ws: elections.start(ws, ident, "a1-1"))
    for voter, choice in (("a1-1", ["a1-1"]), ("a2-1", ["a2-1"]), ("a2-2", ["a2-1"])):
        org.act(partial(elections.vote, election_id=ident, choice=choice, voter=voter))
    counted = org.act(lambda ws: elections.close(ws, ident, "a1-1"))
    assert counted[0].data["winners"] == ["a1-1"]
    assert counted[0].data["result"]["weighted"] == {
        "scale": 1,
        "weights": {"a1-1": "8", "a2-1": "3", "a2-2": "3"},
    }
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_a_weighted_council_elects_by_stv_on_the_weights_in_whole_numbers(
    found: Found, databases: Databases
) -> None:
    charter = weighted_district()
    offices = tuple(
        replace(o, seats=2, method="stv") if o.id == "district.deputy" else o
        for o in charter.offices
    )
    org = found(replace(charter, offices=offices))
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1"])  # weighs 8
    org.elect("a2.deputy", ["a2-1", "a2-2"])  # 3 each
    ident = org.pending("district.deputy").id
    for candidate in ("a1-1", "a2-1", "a2-2"):
        org.act(
            partial(elections.nominate, election_id=ident, candidate=candidate, actor=candidate)
        )
    org.act(lambda ws: elections.start(ws, ident, "a1-1"))
    for voter, choice in (
        ("a1-1", ["a1-1", "a2-1"]),
        ("a2-1", ["a2-1", "a2-2"]),
        ("a2-2", ["a2-2", "a2-1"]),
    ):
        org.act(partial(elections.vote, election_id=ident, choice=choice, voter=voter))
    counted = org.act(lambda ws: elections.close(ws, ident, "a1-1"))
    result = counted[0].data["result"]
    # 14 votes of weight, 2 seats: the Droop quota floor(14 / 3) + 1 = 5; a1-1 has 8
    assert result["quota"] == 5 and counted[0].data["winners"][0] == "a1-1"
    assert result["weighted"]["weights"] == {"a1-1": "8", "a2-1": "3", "a2-2": "3"}
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
