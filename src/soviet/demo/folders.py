"""The demo's folder: the files a run writes there, and what becomes of those an earlier
run left — refused, or with `--force` moved aside under names that do not exist yet, never
deleted."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from soviet.errors import InputError

DATABASE = "soviet.db"
#: The charter members' enrollment codes, and the folder of the keys they enrolled.
CODES = "soviet.codes.csv"
KEYS = "keys"
#: The files SQLite keeps beside a database, by how their names end.
COMPANIONS = ("-wal", "-shm", "-journal")
#: Every file a run of the demo writes into its folder: the database (with the files
#: SQLite keeps beside it), the log's key pair, the charter and its members, the members'
#: enrollment codes and the folder of their keys.
WRITTEN = (
    DATABASE,
    *(DATABASE + suffix for suffix in COMPANIONS),
    "soviet.key",
    "soviet.pub",
    "charter.toml",
    "members.csv",
    CODES,
    KEYS,
)


def tag(now: datetime) -> str:
    """What a file moved aside at `now` gets after its name: `old-20261202T193000Z`."""
    return "old-" + now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def aside(name: str, mark: str) -> str:
    """The name a file is moved aside to: `soviet.key` → `soviet.key.old-…`; a file SQLite
    keeps beside the database goes with it (`soviet.db-wal` → `soviet.db.old-…-wal`), so
    the database moved aside opens with everything it holds."""
    for suffix in COMPANIONS:
        if name == DATABASE + suffix:
            return f"{DATABASE}.{mark}{suffix}"
    return f"{name}.{mark}"


def moves(names: list[str], mark: str, taken: Callable[[str], bool]) -> dict[str, str]:
    """Each name and the name it is moved aside to, all with one mark (`mark`, else
    `mark-2`, `mark-3`, …): the first for which no new name is `taken`."""
    attempt = 1
    while True:
        current = mark if attempt == 1 else f"{mark}-{attempt}"
        planned = {name: aside(name, current) for name in names}
        if not any(taken(new) for new in planned.values()):
            return planned
        attempt += 1


def prepare(folder: Path, *, force: bool, now: datetime) -> list[tuple[str, str]]:
    """Make `folder` ready for a run of the demo, before anything is written: refused
    (InputError) if it is not a folder, or if it holds any file a run writes, unless
    `force` — then those files are renamed aside. Returns the renames, old name → new."""
    try:
        if os.path.lexists(folder) and not folder.is_dir():
            raise InputError(f"--out {folder}: it is a file, not a folder; name a folder")
        found = [name for name in WRITTEN if os.path.lexists(folder / name)]
    except OSError as error:
        raise InputError(f"--out {folder}: cannot look into it: {error.strerror}") from None
    if found and not force:
        raise InputError(
            f"--out {folder} already holds the files of a demo ({', '.join(found)}): give "
            "--force to move them aside (renamed NAME.old-TIME, never deleted), or choose "
            "another folder"
        )
    planned = moves(found, tag(now), lambda name: os.path.lexists(folder / name))
    done: list[tuple[str, str]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old, new in planned.items():
            os.rename(folder / old, folder / new)
            done.append((old, new))
    except OSError as error:
        moved = f" (moved aside so far: {_listed(done)})" if done else ""
        raise InputError(
            f"--out {folder}: cannot prepare it for the demo: {error.strerror}{moved}"
        ) from None
    return done


def _listed(done: list[tuple[str, str]]) -> str:
    return ", ".join(f"{old} → {new}" for old, new in done)


def told(done: list[tuple[str, str]]) -> str:
    """What the demo says of the files it moved aside."""
    return f"Moved the earlier run's files aside, nothing deleted: {_listed(done)}."
