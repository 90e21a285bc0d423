"""`soviet init` on a database that already holds a log is refused in one line, exit 2,
writing nothing — not the key files, not even an upgrade of an older schema."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from e2e.conftest import SEATED, WORKS, Cli
from soviet.storage import database


def key_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("soviet.*")) if "db" not in p.name}


def test_init_on_a_database_holding_a_log_is_refused_and_writes_nothing(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    size = len(cli.log())
    keys = key_bytes(cli.folder)
    shown = sa.make_url(cli.db).render_as_string(hide_password=True)
    for charter in (WORKS, SEATED):
        cli.tick(minutes=1)
        cli.refused(
            "init",
            "--charter",
            str(charter),
            says=[
                f"'{shown}' already holds an organization",
                f"whose log has {size} events",
                "name a new --db",
            ],
        )
    assert key_bytes(cli.folder) == keys
    assert len(cli.log()) == size


def test_init_on_a_log_at_an_older_schema_is_refused_before_upgrading_it(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    engine = sa.create_engine(cli.db, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            config = Config()
            config.set_main_option("script_location", str(database.MIGRATIONS))
            config.attributes["connection"] = conn
            command.downgrade(config, "0004")
    finally:
        engine.dispose()
    cli.tick(minutes=1)
    cli.refused("init", "--charter", str(WORKS), says=["already holds an organization"])
    engine = sa.create_engine(cli.db, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert database.revision(conn) == "0004"
    finally:
        engine.dispose()


def test_init_with_json_prints_every_founding_event_as_the_log_holds_it(cli: Cli) -> None:
    printed = cli.run("init", "--charter", str(WORKS), "--json").json_lines()

    log = cli.log()  # the founding, then each member's enrollment of a key
    assert [e["type"] for e in printed[:2]] == ["organization.founded", "member.admitted"]
    assert printed == log[: len(printed)]
    assert {e["type"] for e in log[len(printed) :]} == {"member.key_registered"}
