"""The clock marker in a log entry: present only for an event recorded under a set clock,
in its canonical place, so that every other entry is what it always was."""

from __future__ import annotations

from typing import Any

import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from soviet.domain.clock import SET_CLOCK
from soviet.domain.events import Recorded
from soviet.ledger.entries import canonical, encode_entry, encode_event
from soviet.ledger.hashing import leaf_hash

AT = "2026-05-01T09:00:00Z"
DATA = {"member": "m1", "body": "b"}


@given(
    seq=st.integers(min_value=1, max_value=2**53 - 1),
    actor=st.none() | st.text(st.characters(blacklist_categories=["Cs"])),
)
def test_an_entry_with_the_marker_is_the_canonical_event_with_a_clock_member(
    seq: int, actor: str | None
) -> None:
    whole: dict[str, Any] = {"seq": seq, "at": AT, "type": "t", "actor": actor, "data": DATA}
    marked = bytes(rfc8785.dumps({**whole, "clock": SET_CLOCK}))
    assert encode_entry(seq, AT, "t", actor, canonical(DATA), SET_CLOCK) == marked
    assert encode_event(seq, AT, "t", actor, DATA, SET_CLOCK) == marked


def test_an_entry_without_the_marker_is_byte_for_byte_what_it_was() -> None:
    entry = encode_event(7, AT, "member.joined", "m1", DATA)
    assert entry == (
        b'{"actor":"m1","at":"2026-05-01T09:00:00Z","data":{"body":"b","member":"m1"},'
        b'"seq":7,"type":"member.joined"}'
    )
    assert encode_event(7, AT, "member.joined", "m1", DATA, None) == entry


def test_the_marker_sits_between_the_time_and_the_data_and_changes_the_leaf() -> None:
    plain = encode_event(7, AT, "member.joined", "m1", DATA)
    marked = encode_event(7, AT, "member.joined", "m1", DATA, SET_CLOCK)
    assert marked == plain.replace(b'Z","data":', b'Z","clock":"set","data":')
    assert leaf_hash(marked) != leaf_hash(plain)


def test_a_recorded_event_shows_the_marker_in_its_json_only_when_it_has_one() -> None:
    plain = Recorded(3, AT, "member.joined", "m1", DATA)
    marked = Recorded(3, AT, "member.joined", "m1", DATA, SET_CLOCK)
    assert plain.to_json() == {
        "seq": 3,
        "at": AT,
        "type": "member.joined",
        "actor": "m1",
        "data": DATA,
    }
    assert marked.to_json() == {**plain.to_json(), "clock": "set"}
    assert canonical(marked.to_json()) == encode_event(3, AT, "member.joined", "m1", DATA, "set")
