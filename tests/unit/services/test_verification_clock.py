"""`verify` counts the events recorded under a set clock — told, never failed — and their
marker is part of the leaf it recomputes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from soviet.domain import events as ev
from soviet.ledger.entries import canonical, encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services.verification import Entry, LogCheck, Report

AT = "2026-01-05T09:00:00Z"


def entry(seq: int, type: str, data: Mapping[str, Any], clock: str | None = None) -> Entry:
    stored = leaf_hash(encode_event(seq, AT, type, None, data, clock))
    return Entry(seq, AT, type, None, data, canonical(dict(data)), None, stored, clock=clock)


def check(entries: list[Entry]) -> Report:
    run = LogCheck(Report("a test"), rules=False)  # hand-made: not acts
    for e in entries:
        run.feed(e)
    return run.finish()


def founded() -> Entry:
    return entry(1, ev.ORGANIZATION_FOUNDED, {"name": "Test", "origin": "o"}, "set")


def joined(seq: int, clock: str | None) -> Entry:
    return entry(seq, ev.MEMBER_JOINED, {"member": f"m{seq}", "body": "b"}, clock)


def test_events_recorded_under_a_set_clock_are_counted_and_noted_not_failed() -> None:
    report = check([founded(), joined(2, "set"), joined(3, None), joined(4, "set")])
    assert report.ok, report.discrepancies
    assert report.clock_set == 3
    assert report.to_json()["clock_set"] == 3
    assert any(
        "3 events were recorded under a set clock (SOVIET_NOW), from seq 1 to 4" in note
        for note in report.notes
    )


def test_a_log_on_the_real_clock_alone_counts_none_and_notes_nothing() -> None:
    plain = entry(1, ev.ORGANIZATION_FOUNDED, {"name": "Test", "origin": "o"})
    report = check([plain, joined(2, None)])
    assert report.ok
    assert report.clock_set == 0
    assert not any("set clock" in note for note in report.notes)


def test_a_marker_removed_from_an_event_fails_its_leaf_at_that_seq() -> None:
    unmarked = replace(joined(3, "set"), clock=None)  # its stored leaf has the marker
    report = check([founded(), joined(2, "set"), unmarked])
    assert [(d.check, d.seq) for d in report.discrepancies] == [("leaves", 3)]


def test_a_marker_other_than_set_is_not_one_the_log_writes() -> None:
    report = check([founded(), joined(2, "fast")])
    assert [(d.check, d.seq) for d in report.discrepancies] == [("entries", 2)]
    assert "'fast', not 'set'" in report.discrepancies[0].detail
