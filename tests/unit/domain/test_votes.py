"""The vote machine that elections and recall votes share, on its own."""

from __future__ import annotations

import hashlib
import re

import pytest

from soviet.domain import votes
from soviet.errors import Refused

NAME = "election E1"
ROLL = frozenset({"bob", "ann", "cho"})
ENDS = "2026-05-04T09:00:00Z"
BEFORE = "2026-05-02T09:00:00Z"
AFTER = "2026-05-05T09:00:00Z"


def test_a_roll_is_committed_to_by_its_size_and_the_hash_of_its_sorted_ids() -> None:
    roll = votes.commit(["cho", "ann", "bob"])
    assert roll == votes.Roll(3, hashlib.sha256(b"ann\nbob\ncho\n").hexdigest())
    assert roll.data() == {"roll_size": 3, "roll_hash": roll.hash}
    assert votes.commit([]) == votes.Roll(0, hashlib.sha256(b"").hexdigest())


def test_the_commitment_changes_with_any_elector_added_removed_or_renamed() -> None:
    base = votes.commit(ROLL)
    assert votes.commit(ROLL | {"dan"}) != base
    assert votes.commit(ROLL - {"ann"}) != base
    assert votes.commit((ROLL - {"ann"}) | {"anne"}).hash != base.hash
    assert votes.commit(sorted(ROLL, reverse=True)) == base  # the order given does not count


def test_an_inline_roll_of_an_older_log_is_read_as_its_commitment() -> None:
    data = {"election": "E1", "roll": ["ann", "bob", "cho"], "seats": 1, "voting_ends": ENDS}
    assert votes.inline_roll(data) == {
        "election": "E1",
        "seats": 1,
        "voting_ends": ENDS,
        **votes.commit(ROLL).data(),
    }
    committed = {"election": "E1", **votes.commit(ROLL).data()}
    assert votes.inline_roll(committed) is committed
    odd = {"election": "E1", "roll": ["ann", 2]}  # left for the catalogue to refuse
    assert votes.inline_roll(odd) is odd


def test_an_elector_on_the_roll_votes_within_the_period_and_may_vote_again() -> None:
    votes.may_cast(NAME, ROLL, ENDS, "ann", BEFORE)
    votes.may_cast(NAME, ROLL, ENDS, "ann", ENDS)  # the period includes its end
    with pytest.raises(Refused, match="'dan' is not on the roll of election E1"):
        votes.may_cast(NAME, ROLL, ENDS, "dan", BEFORE)
    with pytest.raises(Refused, match=re.escape("election E1: the voting period ended at " + ENDS)):
        votes.may_cast(NAME, ROLL, ENDS, "ann", AFTER)


def test_a_vote_closes_early_only_once_everyone_on_the_roll_has_voted() -> None:
    with pytest.raises(Refused, match=r"cannot close before .*: 1 of 3 electors have not voted"):
        votes.may_close(NAME, ROLL, 2, ENDS, "ann", BEFORE)
    votes.may_close(NAME, ROLL, 3, ENDS, "ann", BEFORE)
    votes.may_close(NAME, ROLL, 0, ENDS, "ann", ENDS)  # at the end of the period, anyone
    with pytest.raises(Refused, match="'dan' is not on the roll"):
        votes.may_close(NAME, ROLL, 3, ENDS, "dan", AFTER)


def test_the_voting_period_runs_for_the_office_s_days() -> None:
    assert votes.voting_ends("2026-05-01T09:00:00Z", 3) == ENDS
