"""`soviet export` never destroys what the log depends on, and the file arguments of the
open record's commands are refused as bad input — one line, exit code 2, nothing written —
when they are empty, too long, or not what they should be."""

from __future__ import annotations

import json
import os

import pytest
import sqlalchemy as sa

from e2e.conftest import WORKS, Cli, sqlite_file

#: A file name longer than any file system allows (255 bytes a name).
LONG = "x" * 300


@pytest.fixture
def founded(cli: Cli) -> Cli:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("member", "add", "zoe", "--name", "Zoe Saldana", "--body", "mill", "--as", "ada")
    return cli


def test_export_refuses_a_file_that_exists_unless_forced(founded: Cli) -> None:
    target = founded.folder / "log.jsonl"
    target.write_text("someone's notes\n")
    founded.refused("export", "log.jsonl", says=["log.jsonl already exists", "--force"])
    assert target.read_text() == "someone's notes\n"
    founded.run("export", "log.jsonl", "--force")
    lines = target.read_text().splitlines()
    assert len(lines) == len(founded.log()) + 1
    assert json.loads(lines[-1])["checkpoint"].startswith("lakeside-works\n")
    assert not [p.name for p in founded.folder.iterdir() if p.name.endswith(".partial")]


def test_export_never_writes_over_the_key_files_even_forced_or_through_a_link(
    founded: Cli,
) -> None:
    folder = founded.folder
    (folder / "link.jsonl").symlink_to(folder / "soviet.key")
    before = {name: (folder / name).read_bytes() for name in ("soviet.key", "soviet.pub")}
    for name, what in (
        ("soviet.key", "signing key"),
        ("soviet.pub", "verifier key"),
        ("link.jsonl", "signing key"),
    ):
        for force in ((), ("--force",)):
            founded.refused("export", name, *force, says=["will not export over", what])
    founded.refused("export", str(folder / "." / "soviet.key"), "--force", says=["signing key"])
    assert {name: (folder / name).read_bytes() for name in before} == before
    founded.tick(minutes=1)
    founded.run("member", "add", "yuri", "--name", "Yuri", "--body", "mill", "--as", "ada")


def test_export_never_writes_over_the_database_or_the_files_beside_it(founded: Cli) -> None:
    database = sqlite_file(founded.db)
    if database is None:
        pytest.skip("the database is a server's, not a file")
    for suffix in ("", "-wal", "-shm"):
        name = database.name + suffix
        founded.refused("export", name, "--force", says=["will not export over", "database"])
    (founded.folder / "db-link").symlink_to(database)
    founded.refused("export", "db-link", "--force", says=["the database"])
    assert founded.run("verify").code == 0


def test_export_to_standard_output_writes_the_log_there(founded: Cli) -> None:
    done = founded.run("export", "-")
    lines = done.stdout.splitlines()
    assert len(lines) == len(founded.log()) + 1
    assert "Exported" in done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("export", ""), "the export's file name is empty"),
        (("export", "."), "it is a folder"),
        (("export", LONG), "File name too long"),
        (("export", f"no-such-folder/{LONG}"), "cannot write the export"),
        (("verify", "--export", LONG), "cannot read the export"),
        (("verify", "--since", LONG), "cannot read the checkpoint"),
        (
            ("verify-proof", LONG, "--checkpoint", "c.txt", "--key", "soviet.pub"),
            "cannot read the proof",
        ),
    ],
)
def test_a_file_argument_that_cannot_be_used_is_one_line_of_bad_input(
    founded: Cli, args: tuple[str, ...], says: str
) -> None:
    error = founded.refused(*args, says=[says])
    assert len(error) < 200


def test_a_checkpoint_file_too_long_to_open_is_one_line_of_bad_input(founded: Cli) -> None:
    (founded.folder / "proof.json").write_text(founded.run("prove", "inclusion", "1").stdout)
    founded.refused(
        "verify-proof",
        "proof.json",
        "--checkpoint",
        LONG,
        "--key",
        "soviet.pub",
        says=["cannot read the checkpoint"],
    )


def test_verify_since_a_file_that_is_not_a_checkpoint_is_bad_input(founded: Cli) -> None:
    (founded.folder / "notes.txt").write_text("not a checkpoint at all\n")
    founded.refused(
        "verify", "--since", "notes.txt", says=["--since notes.txt: not a signed checkpoint"]
    )


def test_verify_with_a_projection_table_dropped_fails_naming_it(founded: Cli) -> None:
    engine = sa.create_engine(founded.db, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE recall_ballots"))
    finally:
        engine.dispose()
    failed = founded.run("verify", code=1)
    assert "the projection table recall_ballots is missing from the database" in failed.error
    assert "Traceback" not in failed.stderr


def test_export_of_a_log_whose_key_is_elsewhere_ends_with_its_stored_checkpoint(
    founded: Cli,
) -> None:
    os.rename(founded.folder / "soviet.key", founded.folder / "away.key")
    done = founded.run("export", "log.jsonl", "--json")
    assert done.json()["checkpoint"] == "stored"
    assert done.json()["checkpoint_size"] == done.json()["events"]
    assert founded.json("verify", "--export", "log.jsonl", "--key", "soviet.pub")["ok"]
