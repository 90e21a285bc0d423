"""The read views that `soviet show` needs beyond the listings: a mandate found by its
office and holder, the event that closed an election, and who has voted in a vote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from soviet.errors import InputError, NotFound
from soviet.storage import schema as t
from soviet.storage import views

AT = "2026-01-05T09:00:00Z"


@pytest.fixture
def conn(db_url: str) -> Iterator[sa.Connection]:
    """A fresh database with soviet's tables, holding one assembly, two offices and three
    members."""
    engine = sa.create_engine(db_url)
    t.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            t.bodies.insert(),
            [{"id": "depot", "name": "Depot", "kind": "assembly", "parent": None, "position": 1}],
        )
        office = {
            "body": "depot",
            "title": "Deputy",
            "seats": 2,
            "method": "stv",
            "eligible": "electorate",
            "powers": "[]",
            "term_days": 365,
            "voting_days": 3,
            "recall_petition": "1/4",
            "recall_immediate": "1/2",
            "recall_quorum": "1/3",
        }
        connection.execute(
            t.offices.insert(),
            [
                {**office, "id": "depot.deputy", "position": 1},
                {**office, "id": "depot.chair", "seats": 1, "position": 2},
            ],
        )
        connection.execute(
            t.members.insert(),
            [{"id": m, "name": m.capitalize(), "admitted_at": AT} for m in ("ana", "ivo", "lev")],
        )
        yield connection
    engine.dispose()


def mandate(conn: sa.Connection, number: int, office: str, holder: str, status: str) -> None:
    conn.execute(
        t.mandates.insert().values(
            id=f"M{number}",
            number=number,
            office=office,
            holder=holder,
            seat=number,
            status=status,
            since=AT,
        )
    )


def test_office_and_holder_name_the_holders_active_mandate_of_that_office(
    conn: sa.Connection,
) -> None:
    mandate(conn, 1, "depot.deputy", "ana", "recalled")
    mandate(conn, 2, "depot.deputy", "ana", "active")
    mandate(conn, 3, "depot.chair", "ana", "active")
    assert views.mandate_id(conn, "depot.deputy:ana") == "M2"
    assert views.mandate_id(conn, "depot.chair:ana") == "M3"
    assert views.mandate_id(conn, "M1") == "M1"  # an id is taken as it is


def test_no_active_mandate_is_refused_naming_what_was_found(conn: sa.Connection) -> None:
    mandate(conn, 1, "depot.deputy", "ana", "recalled")
    mandate(conn, 2, "depot.deputy", "ivo", "active")
    with pytest.raises(
        InputError, match=r"'ana' holds no active mandate .*found only M1 \(recalled\)"
    ):
        views.mandate_id(conn, "depot.deputy:ana")
    with pytest.raises(InputError, match=r"its active mandates are M2 \(ivo\)"):
        views.mandate_id(conn, "depot.deputy:lev")
    with pytest.raises(InputError, match="it has no active mandate"):
        views.mandate_id(conn, "depot.chair:lev")


def test_several_active_mandates_are_refused_naming_each_with_its_seat(
    conn: sa.Connection,
) -> None:
    mandate(conn, 1, "depot.deputy", "ana", "active")
    mandate(conn, 2, "depot.deputy", "ana", "active")
    with pytest.raises(InputError, match=r"2 active mandates .*M1 \(seat 1\), M2 \(seat 2\)"):
        views.mandate_id(conn, "depot.deputy:ana")


def test_an_unknown_office_or_holder_is_not_found_by_its_kind(conn: sa.Connection) -> None:
    with pytest.raises(NotFound) as office:
        views.mandate_id(conn, "depot.deputies:ana")
    assert (office.value.kind, office.value.ident) == ("office", "depot.deputies")
    with pytest.raises(NotFound) as member:
        views.mandate_id(conn, "depot.deputy:zed")
    assert (member.value.kind, member.value.ident) == ("member", "zed")


def event(conn: sa.Connection, seq: int, at: str, kind: str, data: dict[str, Any]) -> None:
    conn.execute(
        t.events.insert().values(
            seq=seq, at=at, type=kind, actor=None, data=json.dumps(data), leaf=bytes(32)
        )
    )


def election(conn: sa.Connection, ident: str, closed_at: str | None) -> None:
    conn.execute(
        t.elections.insert().values(
            id=ident,
            number=int(ident[1:]),
            office="depot.deputy",
            status="closed" if closed_at else "voting",
            seats=2,
            opened_at=AT,
            closed_at=closed_at,
        )
    )


def test_the_close_of_an_election_is_found_among_the_events_of_its_instant(
    conn: sa.Connection,
) -> None:
    instants = [f"2026-01-{day:02d}T09:00:00Z" for day in range(5, 25)]
    for seq, at in enumerate(instants, start=1):
        event(conn, seq, at, "ballot.cast", {"election": "E1"})
    # two closes at one instant, then more events later
    event(conn, 21, instants[-1], "election.closed", {"election": "E1", "outcome": "elected"})
    event(conn, 22, instants[-1], "election.closed", {"election": "E2", "outcome": "void"})
    event(conn, 23, "2026-02-01T09:00:00Z", "ballot.cast", {"election": "E3"})
    election(conn, "E1", instants[-1])
    election(conn, "E2", instants[-1])
    election(conn, "E3", None)
    assert views.closing(conn, "E1") == {"election": "E1", "outcome": "elected"}
    assert views.closing(conn, "E2") == {"election": "E2", "outcome": "void"}
    assert views.closing(conn, "E3") is None
    assert views.closing(conn, "E9") is None


def test_who_has_voted_is_listed_by_id_and_name_and_never_with_a_choice(
    conn: sa.Connection,
) -> None:
    election(conn, "E1", None)
    conn.execute(t.rolls.insert(), [{"election": "E1", "member": m} for m in ("ana", "ivo", "lev")])
    conn.execute(t.ballots.insert().values(election="E1", voter="ivo", choice='["ana"]', seq=1))
    seen = views.turnout(conn, "E1")
    assert seen == {
        "vote": "E1",
        "kind": "election",
        "status": "voting",
        "roll": 3,
        "voted": [{"id": "ivo", "name": "Ivo"}],
        "not_voted": [{"id": "ana", "name": "Ana"}, {"id": "lev", "name": "Lev"}],
    }
    assert views.turnout(conn, "P1") is None
