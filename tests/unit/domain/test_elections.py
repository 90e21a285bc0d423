"""The rules of elections, on their own."""

from __future__ import annotations

import hashlib

import pytest

from soviet.domain import elections as rules
from soviet.domain import events as ev
from soviet.domain.model import Office
from soviet.domain.records import ElectionRecord
from soviet.errors import Refused

STEWARD = Office("shop.steward", "shop", "Steward", 1, "irv", voting_days=3)
DEPUTIES = Office("shop.deputy", "shop", "Deputies", 2, "plurality")
ELECTORS = frozenset({"ann", "bob", "cho"})
NOW = "2026-05-01T09:00:00Z"


def voting(office: Office = STEWARD, voters: frozenset[str] = frozenset()) -> ElectionRecord:
    return ElectionRecord(
        "E1",
        office.id,
        "voting",
        office.seats,
        ("ann", "bob"),
        ELECTORS,
        voters,
        "2026-05-04T09:00:00Z",
    )


def test_an_elector_opens_an_election_for_the_open_seats() -> None:
    event = rules.open_election(STEWARD, "ann", ELECTORS, 1, None, "E1", NOW)
    assert event.type == ev.ELECTION_OPENED
    assert event.data == {
        "election": "E1",
        "office": "shop.steward",
        "seats": 1,
        "kind": "regular",
        "nominations_end": "2026-05-04T09:00:00Z",
    }


def test_a_non_elector_cannot_open_an_election() -> None:
    with pytest.raises(Refused, match="only electors"):
        rules.open_election(STEWARD, "zed", ELECTORS, 1, None, "E1", NOW)


def test_an_office_with_an_election_under_way_cannot_open_another() -> None:
    pending = ElectionRecord("E1", STEWARD.id, "nominating", 1)
    with pytest.raises(Refused, match="already has election E1"):
        rules.open_election(STEWARD, "ann", ELECTORS, 1, pending, "E2", NOW)


def test_an_office_without_open_seats_has_nothing_to_elect() -> None:
    with pytest.raises(Refused, match="no open seat"):
        rules.open_election(STEWARD, "ann", ELECTORS, 0, None, "E1", NOW)


def test_a_by_election_records_its_cause_and_no_actor() -> None:
    event = rules.open_election(STEWARD, None, ELECTORS, 1, None, "E2", NOW, cause=17)
    assert event.actor is None
    assert event.data["cause"] == 17


def test_an_elector_may_nominate_themselves() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1)
    event = rules.nominate(election, STEWARD, "ann", ELECTORS, "ann", ELECTORS)
    assert event.data == {"election": "E1", "candidate": "ann"}


def test_an_ineligible_candidate_cannot_be_nominated() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1)
    with pytest.raises(Refused, match="not eligible"):
        rules.nominate(election, STEWARD, "ann", ELECTORS, "zed", ELECTORS)


def test_a_candidate_is_nominated_once() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1, ("ann",))
    with pytest.raises(Refused, match="already a candidate"):
        rules.nominate(election, STEWARD, "bob", ELECTORS, "ann", ELECTORS)


def test_an_election_takes_no_more_candidates_than_every_count_takes() -> None:
    full = tuple(f"c{i}" for i in range(rules.MAX_CANDIDATES))
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1, full)
    with pytest.raises(Refused, match="the most one election takes"):
        rules.nominate(election, STEWARD, "ann", ELECTORS, "ann", ELECTORS)
    from soviet.tally import limits

    assert min(limits.MAX_CANDIDATES, limits.MAX_PAIRWISE_CANDIDATES) >= rules.MAX_CANDIDATES


def test_starting_freezes_the_roll_and_sets_the_end_of_voting() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1, ("ann",))
    event = rules.start(election, STEWARD, "bob", ELECTORS, 1, NOW)
    assert event.data["roll_size"] == 3
    assert event.data["roll_hash"] == hashlib.sha256(b"ann\nbob\ncho\n").hexdigest()
    assert "roll" not in event.data  # the members are in the roll's rows, not the event
    assert event.data["voting_ends"] == "2026-05-04T09:00:00Z"


def test_an_election_with_an_empty_roll_cannot_start() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1, ("ann",))
    with pytest.raises(Refused, match="roll would be empty"):
        rules.start(election, STEWARD, "bob", frozenset({"bob"}) - {"bob"}, 1, NOW)


def test_an_election_without_candidates_cannot_start() -> None:
    election = ElectionRecord("E1", STEWARD.id, "nominating", 1)
    with pytest.raises(Refused, match="nobody has been nominated"):
        rules.start(election, STEWARD, "bob", ELECTORS, 1, NOW)


def test_an_elector_on_the_roll_casts_a_ranking() -> None:
    event = rules.cast(voting(), STEWARD, "cho", ["bob", "ann"], ELECTORS, NOW)
    assert event.actor == "cho"
    assert event.data == {"election": "E1", "choice": ["bob", "ann"]}


def test_a_voter_who_votes_again_names_the_ballot_it_replaces() -> None:
    election = voting(voters=frozenset({"cho"}))
    event = rules.cast(election, STEWARD, "cho", ["ann"], ELECTORS, NOW, previous=12)
    assert event.data == {"election": "E1", "choice": ["ann"], "replaces": 12}


def test_a_blank_ballot_and_an_abstention_name_nobody() -> None:
    blank = rules.cast(voting(), STEWARD, "cho", [], ELECTORS, NOW)
    assert blank.data == {"election": "E1", "choice": []}
    abstain = rules.cast(voting(), STEWARD, "cho", [], ELECTORS, NOW, abstain=True)
    assert abstain.data == {"election": "E1", "choice": [], "abstain": True}
    with pytest.raises(Refused, match="an abstention names no candidate"):
        rules.cast(voting(), STEWARD, "cho", ["ann"], ELECTORS, NOW, abstain=True)


def test_only_electors_on_the_roll_vote() -> None:
    with pytest.raises(Refused, match="not on the roll"):
        rules.cast(voting(), STEWARD, "zed", ["ann"], ELECTORS, NOW)


def test_a_vote_for_a_non_candidate_is_refused() -> None:
    with pytest.raises(Refused, match="not a candidate"):
        rules.cast(voting(), STEWARD, "cho", ["cho"], ELECTORS, NOW)


def test_a_vote_for_a_candidate_no_longer_eligible_is_refused() -> None:
    with pytest.raises(Refused, match="no longer eligible"):
        rules.cast(voting(), STEWARD, "cho", ["bob"], frozenset({"ann", "cho"}), NOW)


def test_a_ballot_names_each_candidate_once() -> None:
    with pytest.raises(Refused, match="at most once"):
        rules.cast(voting(), STEWARD, "cho", ["ann", "ann"], ELECTORS, NOW)


def test_a_plurality_ballot_names_at_most_as_many_as_there_are_seats() -> None:
    election = voting(DEPUTIES)
    rules.cast(election, DEPUTIES, "cho", ["ann", "bob"], ELECTORS, NOW)
    one_seat = ElectionRecord("E1", DEPUTIES.id, "voting", 1, ("ann", "bob"), ELECTORS)
    with pytest.raises(Refused, match="at most 1"):
        rules.cast(one_seat, DEPUTIES, "cho", ["ann", "bob"], ELECTORS, NOW)


def test_no_vote_after_close() -> None:
    closed = ElectionRecord("E1", STEWARD.id, "closed", 1, ("ann",), ELECTORS)
    with pytest.raises(Refused, match="closed"):
        rules.cast(closed, STEWARD, "cho", ["ann"], ELECTORS, NOW)


def test_no_vote_after_the_voting_period() -> None:
    with pytest.raises(Refused, match="voting period ended"):
        rules.cast(voting(), STEWARD, "cho", ["ann"], ELECTORS, "2026-05-05T00:00:00Z")


def test_closing_early_is_refused_while_someone_has_not_voted() -> None:
    with pytest.raises(Refused, match="1 of 3 electors have not voted"):
        rules.may_close(voting(voters=frozenset({"ann", "bob"})), "ann", NOW)


def test_closing_early_is_allowed_once_everyone_has_voted() -> None:
    rules.may_close(voting(voters=ELECTORS), "ann", NOW)


def test_closing_after_the_period_needs_no_full_turnout() -> None:
    rules.may_close(voting(), "ann", "2026-05-04T09:00:00Z")
