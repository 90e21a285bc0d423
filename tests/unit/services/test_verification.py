"""The one pass of `verify` over a log's events, on hand-made logs with no database: order,
leaves, signed checkpoints, and where a change is bounded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from soviet.domain import events as ev
from soviet.ledger.checkpoints import Checkpoint, generate_key, sign_checkpoint
from soviet.ledger.compact import Range
from soviet.ledger.entries import canonical, encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services.verification import Entry, LogCheck, Report, first_difference

ORIGIN = "councils.example.org/test"
KEY = generate_key(ORIGIN, bytes(range(32)))
AT = "2026-01-05T09:00:00Z"


def founded() -> dict[str, Any]:
    return {"name": "Test", "origin": ORIGIN, "verifier_key": str(KEY.verifier())}


def entry(
    seq: int, type: str, data: Mapping[str, Any], at: str = AT, leaf: bytes | None = None
) -> Entry:
    stored = leaf_hash(encode_event(seq, at, type, None, data)) if leaf is None else leaf
    return Entry(seq, at, type, None, data, canonical(dict(data)), None, stored)


def log_of(count: int) -> list[Entry]:
    """A founding, `count - 2` members joining, and a checkpoint of all before it."""
    entries = [entry(1, ev.ORGANIZATION_FOUNDED, founded())]
    for seq in range(2, count):
        entries.append(entry(seq, ev.MEMBER_JOINED, {"member": f"m{seq}", "body": "b"}))
    tree = Range()
    tree.extend([e.leaf for e in entries if e.leaf is not None])
    note = sign_checkpoint(Checkpoint(ORIGIN, count - 1, tree.root()), KEY).decode()
    entries.append(entry(count, ev.CHECKPOINT_LOGGED, {"checkpoint": note, "cause": 1}))
    return entries


def check(entries: list[Entry]) -> Report:
    # these logs are hand-made to test order, leaves and checkpoints, not acts: the rules'
    # re-derivation is tested on real logs (tests/integration/test_forgery.py)
    run = LogCheck(Report("a test"), rules=False)
    for e in entries:
        run.feed(e)
    return run.finish()


def test_a_log_whose_leaves_and_checkpoint_match_holds() -> None:
    report = check(log_of(6))
    assert report.ok, report.discrepancies
    assert report.size == 6
    assert report.key == str(KEY.verifier())
    assert report.checks["checkpoints"].summary.startswith("1 logged checkpoints")


def test_a_gap_in_the_seqs_is_named_at_the_missing_entry() -> None:
    entries = log_of(6)
    del entries[2]
    first = check(entries).first
    assert first is not None
    assert (first.check, first.seq, first.type) == ("entries", 3, None)
    assert first.detail == "entry 3 is missing: after 2 the log goes on at 4 (member.joined)"


def test_time_that_goes_back_is_named_at_the_event() -> None:
    entries = log_of(6)
    entries[3] = entry(
        4, ev.MEMBER_JOINED, {"member": "m4", "body": "b"}, at="2026-01-04T09:00:00Z"
    )
    first = check(entries).first
    assert first is not None
    assert (first.check, first.seq) == ("entries", 4)


def test_data_that_is_not_stored_canonically_is_found_even_when_it_means_the_same() -> None:
    entries = log_of(6)
    e = entries[2]
    entries[2] = Entry(
        e.seq, e.at, e.type, e.actor, e.data, b'{ "body":"b","member":"m3"}', None, e.leaf
    )
    report = check(entries)
    assert [(d.check, d.seq) for d in report.discrepancies] == [("leaves", 3)]


def test_a_changed_event_with_its_leaf_recomputed_shows_at_the_checkpoint_after_it() -> None:
    entries = log_of(6)
    entries[2] = entry(3, ev.MEMBER_JOINED, {"member": "intruder", "body": "b"})
    first = check(entries).first
    assert first is not None
    assert (first.check, first.seq, first.type) == ("checkpoints", 6, ev.CHECKPOINT_LOGGED)
    assert first.detail.endswith("an event from seq 1 to 5 was changed")


def test_an_outside_checkpoint_beyond_the_log_says_entries_were_removed() -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 99, bytes(32)), KEY)
    run = LogCheck(Report("a test"), anchors=[("since", note)], rules=False)
    for e in log_of(6):
        run.feed(e)
    report = run.finish()
    assert [d.check for d in report.discrepancies] == ["since"]
    assert "entries were removed" in report.discrepancies[0].detail


def test_the_first_difference_of_two_results_is_named_by_its_path() -> None:
    logged = {"winners": ["a"], "rounds": [{"votes": {"a": 3, "b": 2}}]}
    recounted = {"winners": ["a"], "rounds": [{"votes": {"a": 3, "b": 1}}]}
    assert first_difference(logged, recounted) == "rounds[0].votes.b: logged 2, recounted 1"
    assert first_difference(logged, logged) is None
    assert first_difference({"n": 1}, {"n": True}) == "n: logged 1, recounted true"
    assert first_difference([1, 2], [1]) == "value: logged [1, 2], recounted [1]"
