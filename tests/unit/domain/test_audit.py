"""The purge, on its own."""

from __future__ import annotations

from dataclasses import replace

from soviet.domain.audit import audit, is_live, open_seats
from soviet.domain.model import Office, Procedure
from soviet.domain.records import ElectionRecord, MandateRecord

NOW = "2026-05-01T09:00:00Z"
EXEC = Office("city.exec", "city", "Executive", 3, "stv", powers=frozenset({"admit"}))
CHAIR = Office("city.chair", "city", "Chair", 1, "irv")


def mandate(
    seat: int,
    holder: str,
    election: str | None = "E1",
    until: str | None = "2027-01-01T00:00:00Z",
    office: str = "city.exec",
) -> MandateRecord:
    return MandateRecord(
        f"M{seat}{holder}", office, holder, seat, "active", election, "2026-01-01T00:00:00Z", until
    )


def test_a_live_mandate_is_active_elected_in_term_and_eligible() -> None:
    assert is_live(mandate(1, "ann"), {"ann"}, NOW)
    assert not is_live(mandate(1, "ann", election=None), {"ann"}, NOW)
    assert not is_live(mandate(1, "ann", until="2026-04-01T00:00:00Z"), {"ann"}, NOW)
    assert not is_live(mandate(1, "ann"), {"bob"}, NOW)


def test_every_kind_of_finding_is_reported_seat_by_seat() -> None:
    active = {
        "city.exec": [
            mandate(1, "ann", election=None),
            mandate(2, "bob", until="2026-04-01T00:00:00Z"),
            mandate(3, "cho"),
        ]
    }
    eligible = {"city.exec": {"ann", "bob"}, "city.chair": {"ann", "bob"}}
    kinds = [
        (f.office, f.kind, f.seat) for f in audit([EXEC, CHAIR], active, eligible, ["founder"], NOW)
    ]
    assert kinds == [
        (None, "provisional", None),
        ("city.exec", "unelected", 1),
        ("city.exec", "holdover", 2),  # the charter's default: held until a successor
        ("city.exec", "ineligible", 3),
        ("city.chair", "vacant", 1),
    ]


def test_a_term_that_ran_out_without_holdover_is_expired() -> None:
    office = replace(EXEC, procedure=Procedure(holdover=False))
    active = {"city.exec": [mandate(1, "ann", until="2026-04-01T00:00:00Z")]}
    [finding] = audit([office], active, {"city.exec": {"ann"}}, [], NOW)[1:2]
    assert (finding.kind, finding.seat) == ("expired", 1)


def test_an_election_whose_nominations_closed_without_a_candidate_is_reported() -> None:
    waiting = ElectionRecord(
        "E4", "city.chair", "nominating", 1, nominations_end="2026-04-28T09:00:00Z"
    )
    later = ElectionRecord("E5", "city.exec", "nominating", 1, nominations_end=NOW + "Z")
    found = audit([CHAIR], {}, {"city.chair": set()}, [], NOW, [waiting, later])
    [finding] = [f for f in found if f.kind == "no-candidate"]
    assert finding.office == "city.chair"
    assert "election E4 has no candidate" in finding.detail
    assert "stays open for nominations" in finding.detail


def test_the_provisional_finding_names_the_founders_until_admit_is_elected() -> None:
    eligible = {"city.exec": {"ann"}, "city.chair": {"ann"}}
    findings = audit([EXEC, CHAIR], {}, eligible, ["ivanova", "petrov"], NOW)
    assert findings[0].office is None
    assert "ivanova, petrov" in findings[0].detail
    elected = {"city.exec": [mandate(1, "ann")], "city.chair": [mandate(1, "ann", office="x")]}
    assert all(f.kind != "provisional" for f in audit([EXEC, CHAIR], elected, eligible, ["i"], NOW))


def test_a_charter_without_an_admitting_office_stays_provisional_forever() -> None:
    eligible = {"city.chair": {"ann"}}
    active = {"city.chair": [mandate(1, "ann", office="city.chair")]}
    findings = audit([CHAIR], active, eligible, ["ivanova"], NOW)
    assert [f.kind for f in findings] == ["provisional"]
    assert "declares no office" in findings[0].detail


def test_open_seats_are_those_without_a_live_mandate() -> None:
    active = [mandate(1, "ann"), mandate(3, "bob", election=None)]
    assert open_seats(EXEC, active, {"ann", "bob"}, NOW) == [2, 3]
