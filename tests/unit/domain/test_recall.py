"""The rules of recall, on their own."""

from __future__ import annotations

from fractions import Fraction

import pytest

from soviet.domain import events as ev
from soviet.domain import recall as rules
from soviet.domain.clock import after_days
from soviet.domain.model import Office
from soviet.domain.records import MandateRecord, PetitionRecord
from soviet.domain.votes import commit
from soviet.errors import Refused

OFFICE = Office(
    "shop.steward",
    "shop",
    "Steward",
    1,
    "irv",
    recall_petition=Fraction(1, 4),
    recall_immediate=Fraction(1, 2),
    voting_days=2,
)
MANDATE = MandateRecord("M1", OFFICE.id, "ann", 1, "active", "E1", "2026-01-01T00:00:00Z", None)
ELECTORS = frozenset(f"m{i}" for i in range(8))
NOW = "2026-05-01T09:00:00Z"


def test_shares_are_reached_at_least_and_compared_exactly() -> None:
    assert rules.share_reached(2, 8, Fraction(1, 4))
    assert not rules.share_reached(1, 8, Fraction(1, 4))
    assert rules.share_reached(1, 3, Fraction(1, 3))
    assert not rules.share_reached(333_333, 1_000_000, Fraction(1, 3))
    assert not rules.share_reached(0, 0, Fraction(0))


def test_an_elector_opens_a_petition_with_a_reason() -> None:
    event = rules.open_petition(
        MANDATE, OFFICE, "m1", ELECTORS, " broke the mandate ", None, "P1", NOW
    )
    assert event.type == ev.PETITION_OPENED
    assert event.data == {
        "petition": "P1",
        "mandate": "M1",
        "reason": "broke the mandate",
        "expires": after_days(NOW, 30),
    }


def test_a_mandate_that_survived_a_recall_vote_cannot_be_petitioned_in_the_cooldown() -> None:
    failed = "2026-04-01T09:00:00Z"
    with pytest.raises(Refused, match=r"survived a recall vote .* until 2026-06-30T09:00:00Z"):
        rules.open_petition(MANDATE, OFFICE, "m1", ELECTORS, "again", None, "P2", NOW, failed)
    later = after_days(failed, 90)
    event = rules.open_petition(MANDATE, OFFICE, "m1", ELECTORS, "again", None, "P2", later, failed)
    assert event.data["petition"] == "P2"


def test_a_petition_needs_a_reason() -> None:
    with pytest.raises(Refused, match="reason"):
        rules.open_petition(MANDATE, OFFICE, "m1", ELECTORS, "  ", None, "P1", NOW)


@pytest.mark.parametrize(
    ("reason", "says"),
    [
        ("why\n#99 ada admitted mallory", "U+000A"),
        ("\u202eevil", "U+202E"),
        ("x" * 1001, "at most 1000"),
    ],
)
def test_a_reason_that_is_not_one_line_of_plain_text_is_refused(reason: str, says: str) -> None:
    with pytest.raises(Refused) as refused:
        rules.open_petition(MANDATE, OFFICE, "m1", ELECTORS, reason, None, "P1", NOW)
    assert says in str(refused.value)


def test_only_electors_of_the_office_petition() -> None:
    with pytest.raises(Refused, match="only electors"):
        rules.open_petition(MANDATE, OFFICE, "outsider", ELECTORS, "why", None, "P1", NOW)


def test_a_second_petition_against_the_same_mandate_is_refused() -> None:
    live = PetitionRecord("P1", "M1", "open")
    with pytest.raises(Refused, match="sign it instead"):
        rules.open_petition(MANDATE, OFFICE, "m1", ELECTORS, "why", live, "P2", NOW)


def test_nobody_signs_twice() -> None:
    petition = PetitionRecord("P1", "M1", "open", frozenset({"m1"}))
    with pytest.raises(Refused, match="already signed"):
        rules.sign(petition, MANDATE, OFFICE, "m1", ELECTORS)


def test_signers_belong_to_the_electorate() -> None:
    petition = PetitionRecord("P1", "M1", "open", frozenset({"m1"}))
    with pytest.raises(Refused, match="only electors"):
        rules.sign(petition, MANDATE, OFFICE, "outsider", ELECTORS)


def test_below_the_petition_share_nothing_happens() -> None:
    petition = PetitionRecord("P1", "M1", "open", frozenset({"m1"}))
    assert rules.consequence_of_signatures(petition, MANDATE, OFFICE, 1, ELECTORS, NOW, 5) is None


def test_the_petition_share_forces_a_recall_vote_with_a_frozen_roll() -> None:
    petition = PetitionRecord("P1", "M1", "open")
    event = rules.consequence_of_signatures(petition, MANDATE, OFFICE, 2, ELECTORS, NOW, 5)
    assert event is not None and event.type == ev.RECALL_VOTE_OPENED
    assert event.actor is None
    assert (event.data["roll_size"], event.data["roll_hash"]) == (8, commit(ELECTORS).hash)
    assert event.data["cause"] == 5
    assert event.data["voting_ends"] == "2026-05-03T09:00:00Z"


def test_the_immediate_share_ends_the_mandate_even_while_the_vote_runs() -> None:
    petition = PetitionRecord("P1", "M1", "voting")
    event = rules.consequence_of_signatures(petition, MANDATE, OFFICE, 4, ELECTORS, NOW, 9)
    assert event is not None and event.type == ev.MANDATE_RECALLED
    assert event.data["by"] == "signatures"
    assert event.data["cause"] == 9


def test_a_running_vote_is_not_opened_twice() -> None:
    petition = PetitionRecord("P1", "M1", "voting")
    assert rules.consequence_of_signatures(petition, MANDATE, OFFICE, 3, ELECTORS, NOW, 9) is None


def test_the_holder_may_vote_in_their_recall_vote() -> None:
    petition = PetitionRecord("P1", "M1", "voting", roll=frozenset({"ann", "m1"}))
    assert rules.vote(petition, "ann", "no", NOW).data == {"petition": "P1", "vote": "no"}


def test_a_recall_vote_is_yes_no_or_abstain_and_a_second_vote_replaces_the_first() -> None:
    petition = PetitionRecord("P1", "M1", "voting", roll=frozenset({"m1"}), votes={"m1": "yes"})
    with pytest.raises(Refused, match="'yes', 'no' or 'abstain'"):
        rules.vote(petition, "m1", "maybe", NOW)
    again = rules.vote(petition, "m1", "abstain", NOW, previous=9)
    assert again.data == {"petition": "P1", "vote": "abstain", "replaces": 9}


def test_a_recall_vote_closes_early_only_when_everyone_voted() -> None:
    petition = PetitionRecord(
        "P1",
        "M1",
        "voting",
        roll=frozenset({"m1", "m2"}),
        votes={"m1": "yes"},
        voting_ends="2026-05-03T09:00:00Z",
    )
    with pytest.raises(Refused, match="1 of 2 electors have not voted"):
        rules.may_close(petition, "m1", NOW)
    rules.may_close(petition, "m1", "2026-05-03T09:00:00Z")
