"""Ballot files: BLT and cast-vote-record CSV, read into a profile the tally can count.

The readers are pure: they take the file's contents and a name for it (used in error
messages) and never open anything. `read_file` is the one convenience that reads a path;
it also issues, as Python warnings, the `BallotFileWarning`s a reader returns with the
file (names read without quotes). Every malformed file raises `BallotFileError` naming the
file and the line.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

from soviet.ballots.blt import read_blt
from soviet.ballots.cvr import read_cvr
from soviet.ballots.files import BallotFile, profile_from_rankings
from soviet.ballots.rules import BallotRules, Overvote, Repeat, Skipped
from soviet.errors import BallotFileError

__all__ = [
    "FORMATS",
    "BallotFile",
    "BallotRules",
    "Overvote",
    "Repeat",
    "Skipped",
    "format_of",
    "profile_from_rankings",
    "read_blt",
    "read_cvr",
    "read_file",
]

FORMATS = ("blt", "csv")
_CHUNK = 1 << 22

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, size of the file) while a file is read."""


def format_of(path: Path) -> str:
    """The ballot format a file's extension names."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise BallotFileError(
        str(path), None, "cannot tell the format from the extension: name it .blt or .csv"
    )


def read_file(
    path: Path,
    *,
    format: str | None = None,
    rules: BallotRules | None = None,
    progress: Progress | None = None,
) -> BallotFile:
    """Read a ballot file from disk in the given format (by default, from its extension)."""
    kind = format or format_of(path)
    if kind not in FORMATS:
        raise BallotFileError(str(path), None, f"unknown format {kind!r}: use blt or csv")
    data = _read_bytes(path, progress)
    ballots = (
        read_blt(data, str(path), rules) if kind == "blt" else read_cvr(data, str(path), rules)
    )
    for warning in ballots.warnings:
        warnings.warn(warning, stacklevel=2)
    return ballots


def _read_bytes(path: Path, progress: Progress | None) -> bytes:
    try:
        with path.open("rb") as file:
            if progress is None:
                return file.read()
            size = path.stat().st_size
            buffer = bytearray(size)
            view = memoryview(buffer)
            done = 0
            while done < size:
                got = file.readinto(view[done : done + _CHUNK])
                if not got:
                    break
                done += got
                progress(done, size)
            return bytes(view[:done]) + file.read()
    except OSError as error:
        raise BallotFileError(str(path), None, f"cannot read: {error.strerror}") from None
