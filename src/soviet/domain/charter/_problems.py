"""Every problem of a charter at once: the checks go on past an error, up to `MOST`.

A part of the charter (its name, origin, rules, bodies, members, offices, holders,
founders) is read as a unit, and so is each table of an array of tables: an error in one
is collected and reading goes on with the next. A part whose checks need another part
(offices name bodies) is read only once that part has read without error, and the checks
across the tables of a part (parents that form a cycle, a council without seats) only
once each of its tables has: so every problem reported is one the charter has, not an
echo of another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from soviet.errors import CharterError, CharterErrors

#: The most problems one refusal reports; a charter with more is checked no further.
MOST = 20

P = ParamSpec("P")
T = TypeVar("T")


class Problems:
    """The problems found so far in the charter `source`."""

    def __init__(self, source: str, most: int = MOST) -> None:
        self.source = source
        self.most = most
        self.errors: list[CharterError] = []

    def add(self, error: CharterError) -> None:
        """Collect one problem; at the most, stop the checks with all found so far."""
        self.errors.append(error)
        if len(self.errors) >= self.most:
            raise self.refusal(complete=False)

    def part(self, reader: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """What `reader` reads, if it read without a problem; else None, its problems
        collected."""
        found = len(self.errors)
        with each(self):
            value = reader(*args, **kwargs)
            return value if len(self.errors) == found else None
        return None

    def refusal(self, *, complete: bool = True) -> CharterError:
        """The error that reports every problem found: the one itself if it is alone."""
        if len(self.errors) == 1 and complete:
            return self.errors[0]
        return CharterErrors(self.source, self.errors, complete)

    def check(self) -> None:
        """Refuse the charter if any problem was found."""
        if self.errors:
            raise self.refusal()


@contextmanager
def each(problems: Problems | None) -> Iterator[None]:
    """One table, or one check: its problem collected, and the checks go on after it.
    Without `problems` the problem is raised as it is."""
    if problems is None:
        yield
        return
    try:
        yield
    except CharterErrors:  # the most problems were found: the checks stop
        raise
    except CharterError as error:
        problems.add(error)


def found(problems: Problems | None) -> int:
    """How many problems were found so far (none are collected without `problems`)."""
    return 0 if problems is None else len(problems.errors)
