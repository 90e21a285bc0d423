"""Enrollment codes handed over as a file: `member,name,code,expires`, one row per member.

Codes never enter the log (it holds their hashes), so the file is the only place they
are: it is written new, readable by its owner only (mode 0600), first under a name of its
own and put in place only once the act that issued the codes is committed, never over an
existing file. `init` writes the charter members' codes beside the database
(`soviet.db` → `soviet.codes.csv`), as does the upgrade of a database made before members
held keys; `member codes --out FILE` and `member add --codes FILE` write where they are
told.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from soviet.domain import enrollment
from soviet.errors import InputError

COLUMNS = ("member", "name", "code", "expires")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


class Code(NamedTuple):
    """One member's code, as the file lists it."""

    member: str
    name: str
    code: str
    expires: str


def draw() -> str:
    """A new enrollment code, from the operating system's randomness."""
    return enrollment.new_code(secrets.token_bytes(enrollment.CODE_BYTES))


def beside(db_file: Path | None) -> Path:
    """Where `init` writes the codes: beside a SQLite file (`soviet.db` →
    `soviet.codes.csv`), else `soviet.codes.csv` in the current folder."""
    if db_file is None:
        return Path("soviet.codes.csv")
    return db_file.with_name(f"{db_file.stem}.codes.csv")


def free(path: Path) -> Path:
    """`path`, or the first of `name.2.csv`, `name.3.csv`, … that does not exist."""
    if not path.exists():
        return path
    number = 2
    while True:
        other = path.with_name(f"{path.stem}.{number}{path.suffix}")
        if not other.exists():
            return other
        number += 1


class CodesFile:
    """A codes file to be: written under a temporary name, then put in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._temporary: Path | None = None

    def check(self) -> None:
        """InputError, before anything is done, if the file exists or its folder does not."""
        if self.path.exists() or self.path.is_symlink():
            raise InputError(
                f"the codes file {self.path} exists already: codes are written to a new file "
                "only; name another"
            )
        if not self.path.parent.is_dir():
            raise InputError(f"cannot write the codes file {self.path}: no such folder")

    def write(self, codes: Iterable[Code]) -> None:
        with self.writing() as add:
            for code in codes:
                add(code)

    @contextmanager
    def writing(self) -> Iterator[Callable[[Code], None]]:
        """Write the file under its temporary name one row at a time, with the function
        this yields: a founding of many members writes each code as it is drawn, holding
        none. The file is complete (and on disk) once the block ends; if it fails, none
        is left."""
        self.check()
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        try:
            out = os.fdopen(os.open(temporary, _CREATE, 0o600), "w", encoding="utf-8", newline="")
        except OSError as error:
            raise self._unwritable(error) from None
        writer = csv.writer(out, lineterminator="\n")

        def add(code: Code) -> None:
            try:
                writer.writerow(code)
            except OSError as error:
                raise self._unwritable(error) from None

        try:
            add(Code(*COLUMNS))  # the header row
            yield add
        except BaseException:
            out.close()
            temporary.unlink(missing_ok=True)
            raise
        try:
            out.flush()
            os.fsync(out.fileno())
            out.close()
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise self._unwritable(error) from None
        self._temporary = temporary

    def _unwritable(self, error: OSError) -> InputError:
        return InputError(f"cannot write the codes file {self.path}: {error.strerror}")

    def install(self) -> None:
        """Put the file in place (never over another)."""
        if self._temporary is None:
            return
        try:
            os.link(self._temporary, self.path)
        except OSError as error:
            raise InputError(
                f"the codes were issued, but their file {self.path} could not be put in place "
                f"({error.strerror}): they are in {self._temporary}"
            ) from None
        self._temporary.unlink()
        self._temporary = None

    def discard(self) -> None:
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)
            self._temporary = None


def read_codes(path: Path) -> list[Code]:
    """The rows of a codes file; InputError naming the file and line that do not fit."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the codes file {path}: {error}") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise InputError(f"{path}:1: a codes file starts with the header {','.join(COLUMNS)}")
    codes = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(COLUMNS):
            raise InputError(f"{path}:{number}: a row has {len(COLUMNS)} columns, not {len(row)}")
        codes.append(Code(*row))
    return codes
