"""The Alembic migrations build exactly the schema the code declares, and bring an older
database to it with its log still verifiable: a log from before members held keys records,
as it is upgraded, that every act from then on is signed, with a code for every member."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from integration.conftest import Databases
from integration.signed import UnkeyedOrganization, elect_every_level, verify
from soviet.bootstrap import Settings, Soviet
from soviet.codes_file import read_codes
from soviet.domain import enrollment
from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.errors import SovietWarning
from soviet.services import members, recall
from soviet.storage import database, log, proving
from soviet.storage.database import snapshot
from soviet.storage.schema import metadata
from soviet.storage.verification import verify_database


def downgrade(url: str, target: str) -> None:
    """Take a database back to an older schema revision through the migrations' own
    downgrades, as that revision's soviet left it."""
    engine = database.create_engine(url)
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(database.MIGRATIONS))
            config.attributes["connection"] = conn
            command.downgrade(config, target)
    finally:
        engine.dispose()


def schema_difference(url: str) -> list[object]:
    """How the database's schema differs from the one the code declares."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), metadata))
    finally:
        engine.dispose()


def opened_upgrading(settings: Settings, codes: Path) -> Soviet:
    """Open a database of a log from before members held keys, which upgrades it: it warns
    that every act is signed from now on, with each member's code written to `codes`."""
    with pytest.warns(SovietWarning, match="made before members held keys") as warned:
        soviet = Soviet(settings, codes_path=codes)
    assert str(codes) in str(warned[0].message)
    assert soviet.upgrade_codes == codes
    return soviet


def assert_keys_adopted(url: str, codes: Path, size: int) -> Recorded:
    """The log of `size` events before its upgrade ends in the one event the upgrade
    recorded, the adoption of members' keys, with a code for each member whose hash
    is the one in the codes file; returns it."""
    engine = database.create_engine(url)
    try:
        with snapshot(engine) as conn:
            events = list(log.read(conn))
    finally:
        engine.dispose()
    assert len(events) == size + 1
    adopted = events[-1]
    assert adopted.type == ev.KEYS_ADOPTED
    assert adopted.actor is None and adopted.signed is None  # no member's act
    assert all(e.type != ev.KEYS_ADOPTED for e in events[:-1])
    written = {code.member: enrollment.code_hash(code.code) for code in read_codes(codes)}
    assert {c["member"]: c["code"] for c in adopted.data["codes"]} == written
    return adopted


def acts_of(url: str) -> int:
    """How many events of the log record a member's act."""
    engine = database.create_engine(url)
    try:
        with snapshot(engine) as conn:
            return sum(1 for e in log.read(conn) if e.actor is not None)
    finally:
        engine.dispose()


def test_migrating_an_empty_database_yields_the_declared_schema(db_url: str) -> None:
    soviet = Soviet(Settings(db_url), create=True)
    try:
        with soviet.unit_of_work():  # an empty database gets its schema with its first act
            pass
        with soviet.engine.connect() as conn:
            assert database.revision(conn) == database.HEAD
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        soviet.dispose()


def closed_then_joined(databases: Databases, tmp_path: Path) -> tuple[UnkeyedOrganization, int]:
    """A signed log from before members held keys, with an election closed and a member
    joining after it; and its size."""
    org = UnkeyedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        org.elect("a1.deputy", ["a1-2"])
        org.tick(hours=1)
        org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))  # after the close
        return org, len(org.events())
    finally:
        org.dispose()


def test_a_log_from_schema_0001_verifies_once_its_key_signs_the_tail_its_closes_left(
    databases: Databases, tmp_path: Path
) -> None:
    org, size = closed_then_joined(databases, tmp_path)
    # the database as schema 0001 left it: no stored checkpoints, only the logged one
    downgrade(org.url, "0001")

    keyless = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "elsewhere.key")
    codes = tmp_path / "upgrade.codes.csv"
    with opened_upgrading(keyless, codes) as soviet, soviet.snapshot() as conn:
        assert database.revision(conn) == database.HEAD
        assert proving.latest_stored(conn) is None  # nothing to sign with here
    assert_keys_adopted(org.url, codes, size)
    size += 1
    settings = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "soviet.key")
    report = verify(org.url)
    assert [c.name for c in report.checks.values() if not c.ok] == ["checkpoints"]
    assert "--unsigned-tail" in report.checks["checkpoints"].found[0].detail
    with Soviet(settings) as soviet, snapshot(soviet.engine) as conn:
        lenient = verify_database(conn, unsigned_tail=True)
    assert lenient.ok
    assert any("covered by no signature" in note for note in lenient.notes)
    assert lenient.unsigned_before_keys == acts_of(org.url) > 0

    with Soviet(settings) as soviet:
        with soviet.unit_of_work():  # what `soviet checkpoint` does with the key at hand
            pass
        with soviet.snapshot() as conn:
            assert proving.latest_stored(conn) is not None
            assert proving.latest_stored(conn)[0] == size  # type: ignore[index]
    assert verify(org.url).ok


def test_a_log_from_schema_0001_opened_with_its_key_is_signed_whole_as_it_is_upgraded(
    databases: Databases, tmp_path: Path
) -> None:
    org, size = closed_then_joined(databases, tmp_path)
    downgrade(org.url, "0001")

    settings = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "soviet.key")
    codes = tmp_path / "upgrade.codes.csv"
    with opened_upgrading(settings, codes) as soviet, soviet.snapshot() as conn:
        assert database.revision(conn) == database.HEAD
        # the adoption of members' keys is signed with the tail the old schema left
        assert proving.latest_stored(conn)[0] == size + 1  # type: ignore[index]
    assert_keys_adopted(org.url, codes, size)
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
    assert report.unsigned_before_keys == acts_of(org.url) > 0
    assert report.signed == 0


def test_a_log_from_schema_0002_with_elections_and_a_recall_upgrades_and_still_verifies(
    databases: Databases, tmp_path: Path
) -> None:
    org = UnkeyedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        elect_every_level(org)
        # a2-1 recalled from a2 by signatures alone: their district and city seats lapse
        deputy = next(
            m
            for m in org.read(lambda ws: ws.active_mandates(holder="a2-1"))
            if m.office == "a2.deputy"
        )
        opened = org.act(
            lambda ws: recall.open_petition(ws, deputy.id, "broke the mandate", "a2-3")
        )
        petition = str(opened[0].data["petition"])
        signers = sorted(org.read(lambda ws: ws.assembly_members("a2")) - {"a2-1", "a2-3"})
        for signer in signers:
            if org.read(lambda ws: ws.mandate(deputy.id)).status != "active":
                break
            org.tick(hours=1)
            org.act(partial(recall.sign, petition_id=petition, actor=signer))
        events = org.events()
        assert any(e.type == "mandate.recalled" for e in events)
        assert any(e.type == "mandate.lapsed" for e in events)
        before = org.snapshot()
    finally:
        org.dispose()
    downgrade(org.url, "0002")
    assert schema_difference(org.url) != []  # the indexes (and on PostgreSQL the types)

    settings = Settings(org.url, org.now, tmp_path / "soviet.key")
    codes = tmp_path / "upgrade.codes.csv"
    with opened_upgrading(settings, codes) as soviet, soviet.snapshot() as conn:
        assert database.revision(conn) == database.HEAD == "0011"
    assert schema_difference(org.url) == []
    assert_keys_adopted(org.url, codes, before[0])
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]
    assert report.unsigned_before_keys == acts_of(org.url) > 0
    with Soviet(settings) as soviet, soviet.snapshot() as conn:
        assert proving.latest_stored(conn)[0] == before[0] + 1  # type: ignore[index]
