"""The Alembic migrations build exactly the schema the code declares, and bring an older
database to it with its log still verifiable."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from integration.conftest import Databases
from integration.signed import SignedOrganization, verify
from soviet.bootstrap import Settings, Soviet
from soviet.services import members
from soviet.storage import database, proving
from soviet.storage.schema import metadata
from soviet.storage.verification import snapshot, verify_database


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


def test_a_log_from_schema_0001_verifies_once_its_key_signs_the_tail_its_closes_left(
    databases: Databases, tmp_path: Path
) -> None:
    org = SignedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        org.elect("a1.deputy", ["a1-2"])
        org.tick(hours=1)
        org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))  # after the close
        size = len(org.events())
    finally:
        org.dispose()
    # the database as schema 0001 left it: no stored checkpoints, only the logged one
    engine = sa.create_engine(org.url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE checkpoints"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    finally:
        engine.dispose()

    keyless = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "elsewhere.key")
    with Soviet(keyless) as soviet, soviet.reading() as conn:  # opening it upgrades it
        assert database.revision(conn) == database.HEAD
        assert proving.latest_stored(conn) is None  # nothing to sign with here
    settings = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "soviet.key")
    report = verify(org.url)
    assert [c.name for c in report.checks.values() if not c.ok] == ["checkpoints"]
    assert "--unsigned-tail" in report.checks["checkpoints"].found[0].detail
    with Soviet(settings) as soviet, snapshot(soviet.engine) as conn:
        lenient = verify_database(conn, unsigned_tail=True)
    assert lenient.ok
    assert any("covered by no signature" in note for note in lenient.notes)

    with Soviet(settings) as soviet:
        with soviet.unit_of_work():  # what `soviet checkpoint` does with the key at hand
            pass
        with soviet.reading() as conn:
            assert proving.latest_stored(conn) is not None
            assert proving.latest_stored(conn)[0] == size  # type: ignore[index]
    assert verify(org.url).ok


def test_a_log_from_schema_0001_opened_with_its_key_is_signed_whole_as_it_is_upgraded(
    databases: Databases, tmp_path: Path
) -> None:
    org = SignedOrganization(databases.new(), tmp_path / "soviet.key")
    try:
        org.elect("a1.deputy", ["a1-2"])
        org.tick(hours=1)
        org.act(lambda ws: members.join(ws, "a2-6", "a1", "a1-1"))  # after the close
        size = len(org.events())
    finally:
        org.dispose()
    engine = sa.create_engine(org.url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE checkpoints"))
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    finally:
        engine.dispose()

    settings = Settings(org.url, "2026-03-02T12:00:00Z", tmp_path / "soviet.key")
    with Soviet(settings) as soviet, soviet.reading() as conn:
        assert database.revision(conn) == database.HEAD
        assert proving.latest_stored(conn)[0] == size  # type: ignore[index]
    assert verify(org.url).ok
