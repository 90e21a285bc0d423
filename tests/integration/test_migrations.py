"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from soviet.bootstrap import Settings, Soviet
from soviet.storage import database
from soviet.storage.schema import metadata


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
