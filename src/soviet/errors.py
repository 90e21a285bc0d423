"""Every error a user can cause, in one tree.

    SovietError                      anything the user can cause; the edges exit 2 / HTTP 4xx
     ├── InputError                  malformed or invalid input
     │    ├── CharterError           the charter file (names file, line and field)
     │    │    └── CharterErrors      several at once, each a CharterError
     │    ├── BallotFileError        a BLT or CVR ballot file (names file and line)
     │    ├── SizesFileError         the CSV of sizes `soviet apportion` reads (names
     │    │                          file, line and column)
     │    ├── ClockError             SOVIET_NOW not ISO 8601, earlier than the log, or
     │    │                          acted on without SOVIET_ALLOW_CLOCK=1
     │    └── DatabaseError          a database URL that cannot be opened or used
     ├── NotFound                    an unknown member, body, office, election, mandate, petition
     ├── Refused                     a rule forbids the act (not an elector, second vote, …)
     └── LedgerError                 the log does not hold (the edges exit 1)
          └── RootMismatch           a proof or a tree does not reproduce the expected root

    SovietWarning                    input read all the same, that the user should look at
     └── BallotFileWarning           a BLT file read by a lenient rule (names without quotes)

Lower-layer errors (SQLAlchemy, tomllib, csv) are translated into these at the boundary
where they are raised, so the edges only ever see this tree.
"""

from __future__ import annotations

from collections.abc import Sequence


class SovietError(Exception):
    """Base of every error a user can cause; its message names the input and the fix."""

    exit_code = 2


class InputError(SovietError):
    """Input that is malformed or invalid."""


class CharterError(InputError):
    """A charter that cannot be adopted; the message names file, line and field."""

    def __init__(self, source: str, line: int | None, field: str, problem: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {field}: {problem}")


class SizesFileError(InputError):
    """A CSV of constituencies and sizes that cannot be read; the message names the file,
    the line and the column where they are known."""

    def __init__(self, source: str, line: int | None, column: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.problem = problem
        where = "".join(f":{n}" for n in (line, column) if n is not None)
        super().__init__(f"{source}{where}: {problem}")


class CharterErrors(CharterError):
    """Every problem found in one charter, reported together; each of `errors` names its
    file, line and field. It reads as the first of them, on one line, with how many more;
    `lines()` gives them one a line after a line naming the charter."""

    def __init__(self, charter: str, errors: Sequence[CharterError], complete: bool) -> None:
        first = errors[0]
        super().__init__(first.source, first.line, first.field, first.problem)
        self.charter = charter
        self.errors = tuple(errors)
        #: False when the checks stopped at the most problems they report.
        self.complete = complete
        more = len(self.errors) - 1
        self.args = (
            f"{first} (and {'' if complete else 'at least '}{more} more "
            f"problem{'s' if more != 1 else ''})",
        )

    def lines(self) -> list[str]:
        found = (
            f"{len(self.errors)} problems"
            if self.complete
            else f"the first {len(self.errors)} problems (the checks stopped there)"
        )
        return [f"{self.charter}: {found}; nothing was adopted", *map(str, self.errors)]


class BallotFileError(InputError):
    """A ballot file that cannot be read; the message names file and line."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class ClockError(InputError):
    """A clock value that is not ISO 8601 or that would move the log backwards, or a set
    clock (SOVIET_NOW) that acts are not allowed to run on."""


class DatabaseError(InputError):
    """A database that cannot be opened, or that is not a soviet database."""


class NotFound(SovietError):
    """An id that names nothing in this organization."""

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"unknown {kind} {ident!r}")


class Refused(SovietError):
    """An act that the rules of the charter forbid; the message says which rule."""


class LedgerError(SovietError):
    """The log, a proof or a checkpoint does not hold."""

    exit_code = 1


class ReplayError(LedgerError):
    """An event of the log that cannot be applied to the projections: names its seq and
    type, since a replay that holds its writes back may find out only events later."""

    def __init__(self, message: str, seq: int, type: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.type = type


class SovietWarning(UserWarning):
    """Input that was read all the same, but that the user should look at; the command line
    says it on standard error (`warning: …`) once the command has run."""


class BallotFileWarning(SovietWarning):
    """A ballot file read by a lenient rule; the message names file and line."""

    def __init__(self, source: str, line: int, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        super().__init__(f"{source}:{line}: {problem}")


class RootMismatch(LedgerError):
    """A proof or a tree that does not reproduce the expected root hash."""

    def __init__(self, expected: bytes, computed: bytes) -> None:
        self.expected = expected
        self.computed = computed
        super().__init__(f"root mismatch: expected {expected.hex()}, computed {computed.hex()}")
