"""Database URLs and what they name: a password in a URL is never printed; a database that
would keep nothing, or whose schema no migration here knows, is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from soviet.bootstrap import Settings, Soviet
from soviet.errors import DatabaseError
from soviet.storage import database


def test_a_url_is_shown_with_its_password_hidden() -> None:
    assert database.shown("postgresql+psycopg://ann:s3cret@db.example.org/union") == (
        "postgresql+psycopg://ann:***@db.example.org/union"
    )
    assert database.shown("sqlite:///soviet.db") == "sqlite:///soviet.db"


def test_a_url_that_cannot_be_parsed_is_shown_with_its_password_hidden() -> None:
    assert "s3cret" not in database.shown("no such scheme://ann:s3cret@host/db")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+nosuchdriver://ann:s3cret@127.0.0.1/union",
        "nosuchdatabase://ann:s3cret@127.0.0.1/union",
    ],
)
def test_an_unusable_url_is_refused_without_printing_its_password(url: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        database.create_engine(url)
    assert "s3cret" not in str(refused.value)
    assert "ann:***@127.0.0.1" in str(refused.value)


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("sqlite:///file:works?mode=memory&uri=true", False),
        ("sqlite:///soviet.db", True),
        ("sqlite:////var/lib/soviet/works.db", True),
        ("postgresql+psycopg://ann@db.example.org/union", True),
        ("not a database url", True),
    ],
)
def test_an_in_memory_sqlite_url_is_told_apart_from_a_database_that_keeps_its_log(
    url: str, kept: bool
) -> None:
    assert database.in_memory(url) is not kept


def test_a_sqlite_file_name_too_long_is_refused_naming_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / ('a' * 300)}.db"
    assert database.new_sqlite_file(url) is None
    with pytest.raises(DatabaseError, match=r"cannot open database .*name another file"):
        database.create_engine(url)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("version", ["9999", "x" * 32])
def test_a_schema_version_no_migration_knows_is_refused_and_left_as_it_was(
    db_url: str, version: str
) -> None:
    with Soviet(Settings(db_url), create=True) as soviet, soviet.unit_of_work():
        pass  # an empty database gets its schema with its first act
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": version})
    with pytest.raises(DatabaseError) as refused:
        Soviet(Settings(db_url))
    assert f"schema version {version!r}" in str(refused.value)
    assert database.shown(db_url) in str(refused.value)
    with engine.connect() as conn:
        assert database.revision(conn) == version
        assert "members" in sa.inspect(conn).get_table_names()
    engine.dispose()


def test_every_revision_the_migrations_write_is_known() -> None:
    assert database.HEAD in database.known_revisions()
