"""The demo's folder: an earlier run's files are refused, or moved aside under names that
do not exist yet — never deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from soviet.demo import folders
from soviet.errors import InputError

NOW = datetime(2026, 12, 2, 19, 30, tzinfo=UTC)
MARK = "old-20261202T193000Z"


def test_a_file_moved_aside_keeps_its_name_and_gets_the_time() -> None:
    assert folders.tag(NOW) == MARK
    assert folders.aside("soviet.db", MARK) == "soviet.db.old-20261202T193000Z"
    assert folders.aside("soviet.key", MARK) == "soviet.key.old-20261202T193000Z"


def test_the_files_sqlite_keeps_beside_the_database_go_with_it() -> None:
    assert folders.aside("soviet.db-wal", MARK) == "soviet.db.old-20261202T193000Z-wal"
    assert folders.aside("soviet.db-shm", MARK) == "soviet.db.old-20261202T193000Z-shm"


def test_names_already_taken_push_every_file_of_the_run_to_the_next_mark() -> None:
    taken = {"soviet.key.old-20261202T193000Z", "soviet.db.old-20261202T193000Z-2"}
    planned = folders.moves(["soviet.db", "soviet.key"], MARK, taken.__contains__)
    assert planned == {
        "soviet.db": "soviet.db.old-20261202T193000Z-3",
        "soviet.key": "soviet.key.old-20261202T193000Z-3",
    }


def test_an_empty_or_new_folder_is_ready_as_it_is(tmp_path: Path) -> None:
    assert folders.prepare(tmp_path / "new" / "demo", force=False, now=NOW) == []
    (tmp_path / "notes.txt").write_text("mine")
    assert folders.prepare(tmp_path, force=False, now=NOW) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "notes.txt"]


def test_a_folder_holding_a_database_or_key_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    (tmp_path / "soviet.db").write_text("a log")
    (tmp_path / "soviet.key").write_text("a key")
    with pytest.raises(InputError, match=r"already holds the files of a demo") as refused:
        folders.prepare(tmp_path, force=False, now=NOW)
    assert "soviet.db, soviet.key" in str(refused.value)
    assert "--force" in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["soviet.db", "soviet.key"]


def test_with_force_the_files_are_renamed_aside_with_what_they_hold(tmp_path: Path) -> None:
    (tmp_path / "soviet.db").write_text("a log")
    (tmp_path / "soviet.db-wal").write_text("its wal")
    (tmp_path / "soviet.pub").write_text("a verifier")
    (tmp_path / "soviet.db.old-20261202T193000Z").write_text("an older run")
    moved = folders.prepare(tmp_path, force=True, now=NOW)
    assert moved == [
        ("soviet.db", "soviet.db.old-20261202T193000Z-2"),
        ("soviet.db-wal", "soviet.db.old-20261202T193000Z-2-wal"),
        ("soviet.pub", "soviet.pub.old-20261202T193000Z-2"),
    ]
    assert (tmp_path / "soviet.db.old-20261202T193000Z").read_text() == "an older run"
    assert (tmp_path / "soviet.db.old-20261202T193000Z-2").read_text() == "a log"
    assert (tmp_path / "soviet.db.old-20261202T193000Z-2-wal").read_text() == "its wal"
    assert not (tmp_path / "soviet.db").exists()
    assert "nothing deleted" in folders.told(moved)


def test_an_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "demo").write_text("not a folder")
    with pytest.raises(InputError, match=r"is a file, not a folder"):
        folders.prepare(tmp_path / "demo", force=True, now=NOW)
