"""Events recorded under a set clock (SOVIET_NOW) carry the marker `clock: "set"` in their
entry: stored, covered by the leaf hash, exported, replayed and counted by `verify`, never
a difference for the rules; and a log that ran ahead of the real clock refuses acts on it,
saying so."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from integration.conftest import START, Databases, city_federation
from integration.signed import (
    SignedOrganization,
    UnkeyedOrganization,
    elect_every_level,
    verify,
)
from integration.test_migrations import downgrade, schema_difference
from soviet.bootstrap import Settings, Soviet
from soviet.codes_file import read_codes
from soviet.domain.clock import format_instant
from soviet.errors import ClockError, SovietWarning
from soviet.keyring import Keyring
from soviet.ledger.entries import encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.services import members
from soviet.storage import database, log
from soviet.storage import schema as t
from soviet.storage.export import FileTarget
from soviet.storage.replay import replay
from soviet.storage.verification import verify_export


class RehearsedOrganization(SignedOrganization):
    """A signed organization whose every act runs under a set clock, allowed, as
    SOVIET_NOW with SOVIET_ALLOW_CLOCK=1 runs it."""

    def __init__(self, url: str, key_path: Path, start: datetime = START) -> None:
        self.url = url
        self.clock = start
        settings = Settings(url, format_instant(start), key_path, set_clock=True, allow_clock=True)
        self.keyring = Keyring()
        self.soviet = Soviet(
            settings,
            create=True,
            signer=self.keyring,
            codes_path=key_path.with_name(f"{key_path.stem}.codes.csv"),
        )
        self.soviet.found(city_federation())
        self.soviet.enroll(self.soviet.founding_codes, self.keyring)


@pytest.fixture
def rehearsed(databases: Databases, tmp_path: Path) -> RehearsedOrganization:
    org = RehearsedOrganization(databases.new(), tmp_path / "soviet.key")
    elect_every_level(org)  # closes whose lots are drawn from the log's root
    org.dispose()
    return org


def stored_markers(url: str) -> list[str | None]:
    engine = database.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(t.events.c.clock).order_by(t.events.c.seq)).scalars())
    finally:
        engine.dispose()


def test_every_event_recorded_under_a_set_clock_is_marked_and_the_log_verifies(
    rehearsed: RehearsedOrganization,
) -> None:
    markers = stored_markers(rehearsed.url)
    assert markers and set(markers) == {"set"}
    report = verify(rehearsed.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
    assert report.clock_set == len(markers)
    assert report.checks["rules"].ran and report.checks["counts"].ok


def test_the_marker_is_in_the_leaf_hash_so_removing_it_fails_verify_at_that_seq(
    rehearsed: RehearsedOrganization,
) -> None:
    engine = database.create_engine(rehearsed.url)
    try:
        with engine.begin() as conn:
            row = conn.execute(select(t.events).where(t.events.c.seq == 7)).one()
            marked = encode_event(row.seq, row.at, row.type, row.actor, json.loads(row.data), "set")
            assert bytes(row.leaf) == leaf_hash(marked)
            conn.execute(update(t.events).where(t.events.c.seq == 7).values(clock=None))
    finally:
        engine.dispose()
    report = verify(rehearsed.url)
    assert not report.ok
    first = report.first
    assert first is not None
    assert (first.check, first.seq) == ("leaves", 7)


def test_an_export_carries_the_marker_and_verifies_from_the_file_alone(
    rehearsed: RehearsedOrganization, tmp_path: Path
) -> None:
    file = tmp_path / "log.jsonl"
    with Soviet(Settings(rehearsed.url, None, tmp_path / "soviet.key")) as soviet:
        exported = soviet.export(FileTarget(str(file)))
    lines = file.read_bytes().splitlines()[: exported.events]
    assert all(b',"clock":"set","data":' in line for line in lines)
    report = verify_export(file)
    assert report.ok, [d.to_json() for d in report.discrepancies]
    assert report.clock_set == exported.events

    # the marker taken out of one line: its leaf, and so the signed root, no longer match
    lines[4] = lines[4].replace(b',"clock":"set"', b"")
    file.write_bytes(b"\n".join([*lines, *file.read_bytes().splitlines()[exported.events :]]))
    assert not verify_export(file).ok


def test_a_replay_keeps_the_marker_and_so_every_leaf(
    rehearsed: RehearsedOrganization, databases: Databases
) -> None:
    target = database.create_engine(databases.new())
    source = database.create_engine(rehearsed.url)
    try:
        with source.connect() as read, target.begin() as write:
            replay(read, write)
        with source.connect() as read, target.connect() as written:
            leaves = select(t.events.c.leaf, t.events.c.clock).order_by(t.events.c.seq)
            assert list(written.execute(leaves)) == list(read.execute(leaves))
    finally:
        source.dispose()
        target.dispose()


def test_acts_on_the_real_clock_after_a_rehearsal_in_the_future_are_refused_saying_so(
    databases: Databases, tmp_path: Path
) -> None:
    future = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3650)
    org = RehearsedOrganization(databases.new(), tmp_path / "soviet.key", future)
    size = len(org.events())
    org.dispose()
    real = Soviet(Settings(org.url, None, tmp_path / "soviet.key"))
    try:
        with pytest.raises(ClockError) as refused, real.unit_of_work() as ws:
            members.join(ws, "a2-6", "a1", "a1-1")
        message = str(refused.value)
        assert f"the log's last event (seq {size}) was recorded at {format_instant(future)}" in (
            message
        )
        assert "ahead of the real clock" in message and "under SOVIET_NOW" in message
        assert "SOVIET_ALLOW_CLOCK=1" in message
        with real.snapshot() as conn:
            assert log.size(conn) == size
    finally:
        real.dispose()


def test_a_set_clock_without_the_allowance_acts_on_nothing_and_writes_nothing(
    databases: Databases, tmp_path: Path
) -> None:
    org = RehearsedOrganization(databases.new(), tmp_path / "soviet.key")
    before = org.snapshot()
    org.dispose()
    settings = Settings(org.url, org.now, tmp_path / "soviet.key", set_clock=True)
    with Soviet(settings) as soviet:
        with pytest.raises(ClockError, match="SOVIET_ALLOW_CLOCK=1"), soviet.unit_of_work():
            pass
        with soviet.reading() as reads:  # a read may use the set clock as it is
            assert reads.size() == before[0]


def test_a_database_from_before_the_marker_upgrades_and_its_leaves_stay_as_they_were(
    databases: Databases, tmp_path: Path
) -> None:
    # a clock given in code, and a log from before the marker, so from before members' keys
    org = UnkeyedOrganization(databases.new(), tmp_path / "soviet.key")
    org.elect("a1.deputy", ["a1-2"])
    org.dispose()
    downgrade(org.url, "0004")
    assert schema_difference(org.url) != []  # no events.clock
    settings = Settings(org.url, org.now, tmp_path / "soviet.key")
    codes = tmp_path / "upgrade.codes.csv"
    with (
        pytest.warns(SovietWarning, match="made before members held keys"),
        Soviet(settings, codes_path=codes) as soviet,
        soviet.snapshot() as conn,
    ):  # opening it upgrades it, and it takes members' keys from now on
        assert database.revision(conn) == database.HEAD == "0011"
    assert schema_difference(org.url) == []
    assert set(stored_markers(org.url)) == {None}  # the adoption of keys is unmarked too
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
    assert report.clock_set == 0

    org.tick(hours=1)
    rehearsal = replace(settings, now=org.now, set_clock=True, allow_clock=True)
    keyring = Keyring()
    with Soviet(rehearsal, signer=keyring) as soviet:
        code = next(c for c in read_codes(codes) if c.member == "a1-1")
        rehearsed = soviet.enroll([code], keyring)
        with soviet.unit_of_work() as ws:
            members.join(ws, "a2-6", "a1", "a1-1")
            rehearsed.extend(ws.recorded)
    markers = stored_markers(org.url)
    assert markers[-len(rehearsed) :] == ["set"] * len(rehearsed)
    assert set(markers[: -len(rehearsed)]) == {None}
    after = verify(org.url)
    assert after.ok, [d.to_json() for d in after.discrepancies]
    assert after.clock_set == len(rehearsed) == 2
    assert after.signed == 2
