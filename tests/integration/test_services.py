"""The handlers on a real database, for the rules that are costly to reach end to end:
the frozen roll, waiting by-elections, withdrawn candidates, one seat per holder, imported
holders re-elected, the cascade of lost seats, and recall petitions — at the immediate
share, with signers who leave, against mandates that end otherwise."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pytest

from integration.conftest import Organization, city_federation
from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.events import Recorded
from soviet.domain.model import Charter, Holding
from soviet.domain.records import PetitionRecord
from soviet.services import audit, elections, members, recall

Found = Callable[[Charter], Organization]
A1 = [f"a1-{i}" for i in range(1, 9)]


def of_type(events: Sequence[Recorded], kind: str) -> list[Recorded]:
    return [e for e in events if e.type == kind]


def one(events: Sequence[Recorded], kind: str, **data: object) -> Recorded:
    """The one event of a kind whose data holds every given item."""
    found = [e for e in of_type(events, kind) if all(e.data.get(k) == v for k, v in data.items())]
    assert len(found) == 1, f"{len(found)} {kind} events with {data}: {found}"
    return found[0]


def active_mandates(org: Organization, office: str) -> list[tuple[str, int, str | None]]:
    """(holder, seat, election) of the office's active mandates."""
    found = org.read(lambda ws: ws.active_mandates(office=office))
    return sorted((m.holder, m.seat, m.election) for m in found)


def mandate_of(org: Organization, office: str, holder: str) -> str:
    found = org.read(lambda ws: ws.active_mandates(office=office, holder=holder))
    assert len(found) == 1
    return found[0].id


def petition_against_a1_deputy(found: Found) -> tuple[Organization, str, PetitionRecord]:
    """a1-1 elected deputy of a1, and a1-2's petition to recall them, open."""
    org = found(city_federation())
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1"])
    mandate = mandate_of(org, "a1.deputy", "a1-1")
    org.act(lambda ws: recall.open_petition(ws, mandate, "absent", "a1-2"))
    petition = org.read(lambda ws: ws.live_petition(mandate))
    assert petition is not None
    return org, mandate, petition


def seat_everyone(org: Organization) -> None:
    """a1-1 is deputy of a1, sits for the district in the city, and chairs the city;
    a2-1 and a2-2 are the deputies of a2."""
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1"])
    org.elect("a2.deputy", ["a2-1", "a2-2"])
    org.elect("district.deputy", ["a1-1"])
    org.elect("city.chair", ["a1-1"])


# -- elections -----------------------------------------------------------------------------


def test_the_roll_is_frozen_when_voting_starts_and_later_changes_reach_the_next_election(
    found: Found,
) -> None:
    org = found(city_federation())
    org.act(audit.schedule)
    election = org.pending("a1.deputy")
    org.act(lambda ws: elections.nominate(ws, election.id, "a1-2", "a1-1"))
    org.act(lambda ws: elections.accept(ws, election.id, "a1-2"))
    org.act(lambda ws: elections.start(ws, election.id, "a1-1"))
    org.act(lambda ws: members.leave(ws, "a1-8", "a1", "a1-8"))
    org.admit("late", ["a1"], "a1-1", "Late Comer")  # admitted, and enrolls their key

    refusal = org.refused(lambda ws: elections.vote(ws, election.id, ["a1-2"], "late"))
    assert "not on the roll" in str(refusal)
    org.act(lambda ws: elections.vote(ws, election.id, ["a1-2"], "a1-8"))  # left, on the roll
    for voter in A1[:6]:
        org.act(partial(elections.vote, election_id=election.id, choice=["a1-2"], voter=voter))
    assert "have not voted" in str(org.refused(lambda ws: elections.close(ws, election.id, "a1-1")))
    org.act(lambda ws: elections.vote(ws, election.id, ["a1-2"], "a1-7"))
    org.act(lambda ws: elections.close(ws, election.id, "a1-8"))
    assert org.read(lambda ws: ws.election(election.id)).roll == frozenset(A1)

    # the next election of the office is rolled from the assembly as it is now
    mandate = mandate_of(org, "a1.deputy", "a1-2")
    org.act(lambda ws: recall.open_petition(ws, mandate, "never reports back", "late"))
    petition = org.read(lambda ws: ws.live_petition(mandate))
    assert petition is not None
    for signer in ("a1-3", "a1-4", "a1-5"):
        org.act(partial(recall.sign, petition_id=petition.id, actor=signer))
    by_election = org.pending("a1.deputy")
    org.act(lambda ws: elections.nominate(ws, by_election.id, "late", "late"))
    org.act(lambda ws: elections.start(ws, by_election.id, "late"))
    roll = org.pending("a1.deputy").roll
    assert roll == frozenset({*A1[:7], "late"})


def test_a_council_by_election_waits_until_the_seats_below_are_filled(found: Found) -> None:
    org = found(city_federation())
    seat_everyone(org)
    mandate = mandate_of(org, "a1.deputy", "a1-1")
    org.act(lambda ws: recall.open_petition(ws, mandate, "crossed the picket line", "a1-2"))
    petition = org.read(lambda ws: ws.live_petition(mandate))
    assert petition is not None
    for signer in ("a1-3", "a1-4", "a1-5"):  # 4 of 8: the mandate ends at once
        org.act(partial(recall.sign, petition_id=petition.id, actor=signer))

    assert org.read(lambda ws: ws.seated("city")) == frozenset()
    chair = org.pending("city.chair")
    assert chair.status == "nominating"
    assert "roll would be empty" in str(
        org.refused(lambda ws: elections.start(ws, chair.id, "a2-1"))
    )
    assert "only electors" in str(
        org.refused(lambda ws: elections.nominate(ws, chair.id, "a2-1", "a2-1"))
    )
    assert org.act(audit.schedule) == []  # the by-elections are open already; none is doubled

    org.elect("district.deputy", ["a2-1"])
    assert org.read(lambda ws: ws.seated("city")) == frozenset({"a2-1"})
    org.act(lambda ws: elections.nominate(ws, chair.id, "a2-1", "a2-1"))
    org.act(lambda ws: elections.start(ws, chair.id, "a2-1"))
    assert org.pending("city.chair").roll == frozenset({"a2-1"})


def test_a_candidate_no_longer_eligible_at_the_close_is_withdrawn_from_the_count(
    found: Found,
) -> None:
    org = found(city_federation())
    org.act(audit.schedule)
    election = org.pending("a1.deputy")
    for candidate in ("a1-2", "a1-3"):
        org.act(
            partial(elections.nominate, election_id=election.id, candidate=candidate, actor="a1-1")
        )
        org.act(partial(elections.accept, election_id=election.id, candidate=candidate))
    org.act(lambda ws: elections.start(ws, election.id, "a1-1"))
    for voter in A1[:5]:
        org.act(partial(elections.vote, election_id=election.id, choice=["a1-2"], voter=voter))
    org.act(lambda ws: members.leave(ws, "a1-2", "a1", "a1-2"))
    assert "no longer eligible" in str(
        org.refused(lambda ws: elections.vote(ws, election.id, ["a1-2", "a1-3"], "a1-6"))
    )
    for voter in A1[5:]:
        org.act(partial(elections.vote, election_id=election.id, choice=["a1-3"], voter=voter))

    closed = org.act(lambda ws: elections.close(ws, election.id, "a1-1"))
    assert closed[0].data["winners"] == ["a1-3"]
    rounds = closed[0].data["result"]["rounds"]
    assert all(r["votes"].get("a1-2", 0) == 0 for r in rounds)
    assert active_mandates(org, "a1.deputy") == [("a1-3", 1, election.id)]


def test_a_holder_with_a_live_seat_is_not_nominated_for_another_seat_of_the_office(
    found: Found,
) -> None:
    org = found(city_federation())
    org.act(audit.schedule)
    election = org.pending("a2.deputy")
    org.act(lambda ws: elections.nominate(ws, election.id, "a2-1", "a2-1"))
    org.act(lambda ws: elections.start(ws, election.id, "a2-1"))
    for voter in (f"a2-{i}" for i in range(1, 7)):
        org.act(partial(elections.vote, election_id=election.id, choice=["a2-1"], voter=voter))
    org.act(lambda ws: elections.close(ws, election.id, "a2-1"))
    assert active_mandates(org, "a2.deputy") == [("a2-1", 1, election.id)]

    by_election = org.pending("a2.deputy")  # for the seat nobody won
    assert by_election.seats == 1
    assert "holds seat 1" in str(
        org.refused(lambda ws: elections.nominate(ws, by_election.id, "a2-1", "a2-2"))
    )


def test_a_reelected_imported_holder_keeps_the_seats_that_depend_on_the_office(
    found: Found,
) -> None:
    org = found(
        city_federation(
            holdings=[
                Holding("a1.deputy", "a1-1"),
                Holding("district.deputy", "a1-1"),
                Holding("city.chair", "a1-1"),
            ]
        )
    )
    org.act(audit.schedule)
    closed = org.elect("a1.deputy", ["a1-1"])

    election = closed[0].data["election"]
    assert active_mandates(org, "a1.deputy") == [("a1-1", 1, election)]
    assert of_type(closed, ev.MANDATE_LAPSED)[0].data["mandate"] == "M1"  # the imported one
    assert active_mandates(org, "district.deputy") == [("a1-1", 1, None)]
    assert active_mandates(org, "city.chair") == [("a1-1", 1, None)]
    assert org.read(lambda ws: ws.seated("city")) == frozenset({"a1-1"})


def test_a_reelected_holder_keeps_their_own_seat_of_a_multi_seat_office(
    found: Found,
) -> None:
    org = found(
        city_federation(
            holdings=[
                Holding("a2.deputy", "a2-1"),
                Holding("a2.deputy", "a2-2"),
                Holding("district.deputy", "a2-2"),
            ]
        )
    )
    org.act(audit.schedule)
    closed = org.elect("a2.deputy", ["a2-2"])  # both seats were open; one winner

    election = closed[0].data["election"]
    assert active_mandates(org, "a2.deputy") == [("a2-1", 1, None), ("a2-2", 2, election)]
    assert [e.data["mandate"] for e in of_type(closed, ev.MANDATE_LAPSED)] == ["M2"]
    assert active_mandates(org, "district.deputy") == [("a2-2", 1, None)]
    by_election = org.pending("a2.deputy")  # for seat 1, still held without an election
    assert by_election.seats == 1


def test_a_winner_takes_a_vacant_seat_before_one_held_without_an_election(
    found: Found,
) -> None:
    org = found(
        city_federation(
            holdings=[
                Holding("a2.deputy", "a2-1"),
                Holding("district.deputy", "a2-1"),
            ]
        )
    )
    org.act(audit.schedule)
    closed = org.elect("a2.deputy", ["a2-3"])  # seat 1 imported, seat 2 vacant; one winner

    election = closed[0].data["election"]
    assert active_mandates(org, "a2.deputy") == [("a2-1", 1, None), ("a2-3", 2, election)]
    assert of_type(closed, ev.MANDATE_LAPSED) == []
    assert active_mandates(org, "district.deputy") == [("a2-1", 1, None)]
    assert org.pending("a2.deputy").seats == 1  # seat 1 is still to be elected


# -- recall and the cascade ------------------------------------------------------------------


def test_a_lost_seat_cascades_through_three_levels_each_lapse_caused_by_the_one_before(
    found: Found,
) -> None:
    org = found(city_federation())
    seat_everyone(org)
    mandates = {
        o: mandate_of(org, o, "a1-1") for o in ("a1.deputy", "district.deputy", "city.chair")
    }
    org.act(lambda ws: recall.open_petition(ws, mandates["a1.deputy"], "sold out", "a1-2"))
    petition = org.read(lambda ws: ws.live_petition(mandates["a1.deputy"]))
    assert petition is not None
    org.act(lambda ws: recall.sign(ws, petition.id, "a1-3"))  # 2 of 8: the vote opens
    for voter in A1:
        vote = "no" if voter in ("a1-1", "a1-8") else "yes"
        org.act(partial(recall.vote, petition_id=petition.id, choice=vote, voter=voter))
    done = org.act(lambda ws: recall.close(ws, petition.id, "a1-4"))

    closed = one(done, ev.RECALL_CLOSED, petition=petition.id)
    assert closed.data["outcome"] == "recalled"
    recalled = one(done, ev.MANDATE_RECALLED, mandate=mandates["a1.deputy"])
    district = one(done, ev.MANDATE_LAPSED, mandate=mandates["district.deputy"])
    chair = one(done, ev.MANDATE_LAPSED, mandate=mandates["city.chair"])
    assert recalled.data["cause"] == closed.seq
    assert district.data["cause"] == recalled.seq
    assert chair.data["cause"] == district.seq
    for ending, office in (
        (recalled, "a1.deputy"),
        (district, "district.deputy"),
        (chair, "city.chair"),
    ):
        opened = one(done, ev.ELECTION_OPENED, office=office)
        assert opened.data["cause"] == ending.seq
        assert opened.actor is None and ending.actor is None
    assert len(of_type(done, ev.ELECTION_OPENED)) == 3
    assert len(of_type(done, ev.MANDATE_LAPSED)) == 2


def test_signatures_reaching_the_immediate_share_recall_while_the_recall_vote_runs(
    found: Found,
) -> None:
    org, mandate, petition = petition_against_a1_deputy(found)
    opened = org.act(lambda ws: recall.sign(ws, petition.id, "a1-3"))
    assert one(opened, ev.RECALL_VOTE_OPENED).data["roll_hash"] == votes.commit(A1).hash
    assert org.read(lambda ws: set(ws.petition(petition.id).roll)) == set(A1)
    org.act(lambda ws: recall.vote(ws, petition.id, "no", "a1-1"))
    org.act(lambda ws: recall.vote(ws, petition.id, "no", "a1-4"))  # voting no, then signing
    assert org.act(lambda ws: recall.sign(ws, petition.id, "a1-4"))[-1].type == ev.PETITION_SIGNED

    done = org.act(lambda ws: recall.sign(ws, petition.id, "a1-5"))  # 4 of 8 = 1/2
    signed, recalled = done[0], one(done, ev.MANDATE_RECALLED)
    assert recalled.data == {
        "mandate": mandate,
        "petition": petition.id,
        "by": "signatures",
        "signatures": 4,
        "electorate": 8,
        "cause": signed.seq,
    }
    assert one(done, ev.ELECTION_OPENED, office="a1.deputy").data["cause"] == recalled.seq
    assert org.read(lambda ws: ws.petition(petition.id)).status == "recalled"
    assert of_type(done, ev.RECALL_CLOSED) == []
    assert "no recall vote" in str(
        org.refused(lambda ws: recall.vote(ws, petition.id, "yes", "a1-6"))
    )
    assert "no vote to close" in str(org.refused(lambda ws: recall.close(ws, petition.id, "a1-6")))


def test_a_signer_who_leaves_and_rejoins_is_counted_once(found: Found) -> None:
    org, mandate, petition = petition_against_a1_deputy(found)
    org.act(lambda ws: members.leave(ws, "a1-2", "a1", "a1-2"))
    assert "only electors" in str(org.refused(lambda ws: recall.sign(ws, petition.id, "a1-2")))
    org.act(lambda ws: members.join(ws, "a1-2", "a1", "a1-1"))
    assert "already signed" in str(org.refused(lambda ws: recall.sign(ws, petition.id, "a1-2")))
    assert org.read(lambda ws: ws.petition(petition.id)).signers == {"a1-2"}

    # 2 of 8 signatures, not 3: the recall vote opens at 1/4, and no earlier
    done = org.act(lambda ws: recall.sign(ws, petition.id, "a1-3"))
    assert one(done, ev.RECALL_VOTE_OPENED).data["cause"] == done[0].seq
    org.act(lambda ws: recall.sign(ws, petition.id, "a1-4"))
    assert org.read(lambda ws: ws.mandate(mandate)).active  # 3 of 8 are short of 1/2
    done = org.act(lambda ws: recall.sign(ws, petition.id, "a1-5"))
    assert one(done, ev.MANDATE_RECALLED).data["signatures"] == 4


def test_a_signer_who_left_still_counts_once_against_the_smaller_electorate(
    found: Found,
) -> None:
    org, _, petition = petition_against_a1_deputy(found)
    org.act(lambda ws: members.leave(ws, "a1-2", "a1", "a1-2"))
    done = org.act(lambda ws: recall.sign(ws, petition.id, "a1-3"))  # 2 of 7 >= 1/4
    roll = [m for m in A1 if m != "a1-2"]
    assert one(done, ev.RECALL_VOTE_OPENED).data["roll_hash"] == votes.commit(roll).hash
    org.act(lambda ws: recall.sign(ws, petition.id, "a1-4"))
    done = org.act(lambda ws: recall.sign(ws, petition.id, "a1-5"))  # 4 of 7 >= 1/2
    recalled = one(done, ev.MANDATE_RECALLED)
    assert (recalled.data["signatures"], recalled.data["electorate"]) == (4, 7)


@pytest.mark.parametrize("stage", ["open", "voting"])
def test_a_petition_against_a_mandate_that_ends_otherwise_is_closed_as_failed(
    found: Found, stage: str
) -> None:
    org = found(city_federation())
    seat_everyone(org)
    if stage == "open":  # a petition in a1 (1 of 8 signatures), the holder leaves a1
        target = mandate_of(org, "a1.deputy", "a1-1")
        org.act(lambda ws: recall.open_petition(ws, target, "absent", "a1-2"))
    else:  # a petition in the district (1 of 3: the vote opens), the seat below is lost
        target = mandate_of(org, "district.deputy", "a1-1")
        org.act(lambda ws: recall.open_petition(ws, target, "absent", "a2-1"))
    petition = org.read(lambda ws: ws.live_petition(target))
    assert petition is not None and petition.status == stage

    done = org.act(lambda ws: members.leave(ws, "a1-1", "a1", "a1-1"))

    ended = one(done, ev.MANDATE_LAPSED, mandate=target)
    closed = one(done, ev.RECALL_CLOSED, petition=petition.id)
    assert closed.actor is None
    assert closed.data["outcome"] == "failed"
    assert closed.data["cause"] == ended.seq
    assert org.read(lambda ws: ws.petition(petition.id)).status == "failed"
    assert "takes no signatures" in str(
        org.refused(lambda ws: recall.sign(ws, petition.id, "a2-2"))
    )
