"""Shared fixtures: a fresh real database per test — SQLite by default, PostgreSQL when
SOVIET_TEST_DATABASE names a server (each test then gets a schema of its own)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLE_CHARTER = ROOT / "examples" / "federation.toml"


def server_url() -> str | None:
    """The PostgreSQL server the suite runs against, if any."""
    url = os.environ.get("SOVIET_TEST_DATABASE", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(autouse=True, scope="session")
def clock_allowed() -> Iterator[None]:
    """The suite acts under a set clock (SOVIET_NOW) throughout, as a rehearsal does: it
    allows that for every command it runs (SOVIET_ALLOW_CLOCK=1); the tests of the
    refusal without it remove the switch themselves."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOVIET_ALLOW_CLOCK", "1")
        yield


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database that lives for one test."""
    server = server_url()
    if server is None:
        yield f"sqlite:///{tmp_path / 'soviet.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
