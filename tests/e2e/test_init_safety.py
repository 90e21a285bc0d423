"""`soviet init` and the databases and key files around it: refused where it would keep
nothing, write beside another application's tables, or write through a planted link; a
founding killed half way leaves nothing that blocks the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from e2e.conftest import OWN_VARIABLES, TIMEOUT, WORKS, Cli, sqlite_file

LONG_NAME = "a" * 300

#: `soviet` in a process that kills itself at one step of the founding (KILL_AT): once
#: the founding's rows are sent but before its commit, or once it is committed but
#: before its key files are in place.
KILLED_FOUNDING = """
import os, signal, sys

import soviet.services.founding
from soviet.cli import main
from soviet.storage.keys import KeyFile

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if os.environ["KILL_AT"] == "before-commit":
    adopt = soviet.services.founding.adopt_in_batches

    def adopt_then_die(ws, *args):
        adopt(ws, *args)
        ws.flush()
        die()

    soviet.services.founding.adopt_in_batches = adopt_then_die
else:
    KeyFile.install = lambda self: die()
sys.argv = ["soviet", *sys.argv[1:]]
main()
"""


def killed_init(cli: Cli, kill_at: str) -> None:
    """Run `soviet init --charter works.toml` in a process that SIGKILLs itself."""
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update(SOVIET_DB=cli.db, SOVIET_NOW=cli.now, KILL_AT=kill_at)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_FOUNDING, "init", "--charter", str(WORKS)],
        cwd=cli.folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr


def named_key(cli: Cli) -> Path:
    """The signing key's file as `soviet` names it: beside a SQLite file, else in the
    current folder."""
    path = sqlite_file(cli.db)
    return Path("soviet.key") if path is None else path.with_suffix(".key")


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def key_files(folder: Path) -> list[str]:
    return [name for name in files_in(folder) if name.startswith(("soviet.key", "soviet.pub"))]


# -- databases that would keep nothing or are not soviet's ---------------------------------


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite:///file:works?mode=memory&uri=true"],
    ids=["no-file", "memory", "memory-uri"],
)
def test_init_into_an_in_memory_database_is_refused_and_leaves_no_file(
    tmp_path: Path, url: str
) -> None:
    error = Cli(url, tmp_path).run("init", "--charter", str(WORKS), code=2).error
    assert "in-memory database" in error
    assert "sqlite:///soviet.db" in error
    assert files_in(tmp_path) == []


def test_init_into_a_database_holding_another_applications_tables_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    engine = sa.create_engine(cli.db, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)"))
        conn.execute(sa.text("INSERT INTO invoices VALUES (1, 250)"))
    engine.dispose()
    path = sqlite_file(cli.db)
    before = path.read_bytes() if path is not None else None
    cli.refused(
        "init",
        "--charter",
        str(WORKS),
        says=["holds tables soviet did not create (invoices)", "a database of its own"],
    )
    cli.refused("show", "members", says=["holds tables soviet did not create (invoices)"])
    assert key_files(tmp_path) == []
    if path is not None:  # not even SQLite's journal mode changed in the file
        assert path.read_bytes() == before
        assert files_in(tmp_path) == [path.name]


@pytest.mark.parametrize("version", ["9999", "not a version'; --"], ids=["newer", "garbage"])
def test_a_database_at_an_unknown_schema_version_is_refused_naming_it_and_the_version(
    cli: Cli, version: str
) -> None:
    cli.run("init", "--charter", str(WORKS))
    engine = sa.create_engine(cli.db, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": version})
    engine.dispose()
    shown = sa.make_url(cli.db).render_as_string(hide_password=True)
    for command in (
        ["show", "members"],
        ["audit", "--schedule"],
        ["init", "--charter", str(WORKS)],
    ):
        cli.tick(minutes=1)
        cli.refused(*command, says=[f"'{shown}'", f"schema version {version!r}", "upgrade soviet"])


def test_a_database_file_name_too_long_is_refused_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{LONG_NAME}.db"
    error = Cli(url, tmp_path).run("init", "--charter", str(WORKS), code=2).error
    assert "cannot open database" in error
    assert "name another file" in error
    assert files_in(tmp_path) == []
    Cli(url, tmp_path).run("show", "members", code=2)


def test_a_verifier_key_path_too_long_is_refused_in_one_line(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    error = cli.refused("verify", "--key", LONG_NAME, says=["neither a key file"])
    assert "traceback" not in error.lower()


def test_a_key_path_too_long_is_refused_in_one_line_and_nothing_is_written(
    cli: Cli, tmp_path: Path
) -> None:
    cli.refused(
        "init",
        "--charter",
        str(WORKS),
        env={"SOVIET_KEY": LONG_NAME},
        says=["cannot write the key file"],
    )
    assert cli.snapshot() in (None, {})
    assert files_in(tmp_path) == []


# -- key files --------------------------------------------------------------------------


@pytest.mark.parametrize("planted", ["soviet.key", "soviet.pub"])
def test_init_never_writes_through_a_link_planted_at_a_key_files_path(
    cli: Cli, tmp_path: Path, planted: str
) -> None:
    victim = tmp_path / "elsewhere" / "authorized_keys"
    victim.parent.mkdir()
    (tmp_path / planted).symlink_to(victim)
    cli.refused(
        "init",
        "--charter",
        str(WORKS),
        says=[f"{planted} already exists (a symbolic link)"],
    )
    assert not victim.exists()
    assert files_in(tmp_path) == ["elsewhere", planted]
    victim.write_text("ssh-ed25519 AAAA… someone\n")
    cli.refused("init", "--charter", str(WORKS), says=["a symbolic link"])
    assert victim.read_text() == "ssh-ed25519 AAAA… someone\n"


def test_a_key_file_open_to_others_is_refused_naming_the_chmod_that_fixes_it(
    cli: Cli, tmp_path: Path
) -> None:
    cli.run("init", "--charter", str(WORKS))
    key = tmp_path / "soviet.key"
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    cli.tick(minutes=1)
    named = named_key(cli)
    cli.refused("audit", "--schedule", says=[str(named), "mode 0644", f"chmod 600 {named}"])
    key.chmod(0o600)
    cli.run("audit", "--schedule", code=1)


def test_a_damaged_key_file_is_refused_without_printing_the_key(cli: Cli, tmp_path: Path) -> None:
    cli.run("init", "--charter", str(WORKS))
    key = tmp_path / "soviet.key"
    text = key.read_text(encoding="ascii").strip()
    secret = text.split("+", 4)[4]
    key.write_text(text[:-1] + "!\n", encoding="ascii")
    cli.tick(minutes=1)
    error = cli.refused("audit", "--schedule", says=[f"the key file {named_key(cli)} is damaged"])
    assert not any(secret[i : i + 8] in error for i in range(len(secret) - 7)), error


# -- a founding killed half way ----------------------------------------------------------


def test_init_killed_before_its_commit_leaves_nothing_that_blocks_the_next_init(
    cli: Cli, tmp_path: Path
) -> None:
    killed_init(cli, "before-commit")
    assert key_files(tmp_path) == [] or all(name.endswith(".tmp") for name in key_files(tmp_path))
    assert not (tmp_path / "soviet.key").exists()
    assert not (tmp_path / "soviet.pub").exists()
    cli.tick(minutes=1)
    cli.run("init", "--charter", str(WORKS))
    founded = cli.log()[0]
    verifier = (tmp_path / "soviet.pub").read_text(encoding="ascii").strip()
    assert verifier in str(founded["data"])
    cli.tick(minutes=1)
    cli.run("audit", "--schedule", code=1)  # signs a checkpoint with the new key
    cli.run("verify", "--key", str(tmp_path / "soviet.pub"))


def test_init_killed_after_its_commit_leaves_the_key_where_the_next_act_names_it(
    cli: Cli, tmp_path: Path
) -> None:
    killed_init(cli, "after-commit")
    assert not (tmp_path / "soviet.key").exists()
    (left,) = tmp_path.glob("soviet.key.*.tmp")
    cli.tick(minutes=1)
    named = named_key(cli)
    cli.refused("audit", "--schedule", says=[str(named.parent / left.name), f"move it to {named}"])
    left.rename(tmp_path / "soviet.key")
    cli.run("audit", "--schedule", code=1)
    cli.run("verify", "--key", str(next(tmp_path.glob("soviet.pub.*.tmp"))))
