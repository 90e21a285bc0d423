"""Sets of member ids held in the database, read no more than a question needs.

An election's roll and the members of an assembly can be a hundred thousand people; an
act usually asks whether one of them is in it (may this member vote? is this candidate
eligible?) or how many there are. `StoredSet` answers `in` with a one-row query and
`len` with a count, and reads the whole set only when it is walked, combined with
another set or asked about many members — the first time, then from memory. It is a
`collections.abc.Set`, so the pure domain treats it like a frozenset. Within a unit of
work, a question asked before the set is read whole sees the writes made since it was
built. Its queries (`Questions`) are built once for each kind of set, their values bound
at each execution: building and compiling a statement costs several times what SQLite
takes to answer it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, bindparam, exists, func, select

V = TypeVar("V")

#: Questions answered one query each before a set is read whole: a set compared with
#: another (`roll - voters`) asks about every member of it.
ASKED_ONE_BY_ONE = 16


@dataclass(frozen=True)
class Questions:
    """What is asked of one kind of stored set, built once: its ids (`ids`, a one-column
    select whose values are bound parameters), whether one id is among them (`has`, the
    id bound as `value`) and how many there are (`count`)."""

    ids: Select[Any]
    has: Select[Any]
    count: Select[Any]

    @classmethod
    def of(cls, column: ColumnElement[str], *where: ColumnElement[bool]) -> Questions:
        """The questions of the ids in `column` of the rows matching `where`."""
        ids = select(column).where(*where)
        return cls(
            ids,
            select(exists(ids.where(column == bindparam("value")))),
            select(func.count()).select_from(ids.subquery()),
        )


class StoredSet(AbstractSet[str]):
    """The ids that `questions` select with `values` bound."""

    def __init__(
        self,
        connection: Callable[[], Connection],
        questions: Questions,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        self._connection = connection
        self._questions = questions
        self._values = dict(values or {})
        self._all: frozenset[str] | None = None
        self._asked = 0

    def __contains__(self, value: object) -> bool:
        if self._all is not None:
            return value in self._all
        self._asked += 1
        if self._asked > ASKED_ONE_BY_ONE:  # asked about many: read it whole, once
            return value in self._loaded()
        if not isinstance(value, str):
            return False
        asked = self._open().execute(self._questions.has, {**self._values, "value": value})
        return bool(asked.scalar())

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        if self._all is not None:
            return len(self._all)
        return int(self._open().execute(self._questions.count, self._values).scalar_one())

    def __repr__(self) -> str:
        return f"StoredSet({sorted(self._loaded())!r})"

    def _loaded(self) -> frozenset[str]:
        if self._all is None:
            self._all = frozenset(self._open().execute(self._questions.ids, self._values).scalars())
        return self._all

    def _open(self) -> Connection:
        conn = self._connection()
        if conn.closed or not conn.in_transaction():
            raise RuntimeError(
                "a stored set is read within the unit of work that read it; "
                "take frozenset(...) of it there to keep it"
            )
        return conn

    @classmethod
    def _from_iterable(cls, values: Iterable[Any]) -> AbstractSet[Any]:
        # What Set's operators (-, &, |, ^) build their results with: plain frozensets.
        return frozenset(values)


class StoredMapping(Mapping[str, V]):
    """The records of one table by id, read no more than a question needs: looking one up
    (`m[id]`, `id in m`, `m.get(id)`) is a one-row query, remembered; walking the mapping
    reads every row once, in `whole`'s order. Bodies and offices are read this way: an
    act looks up the few on its path, and only what concerns the whole organization (the
    purge, a charter's amendment) walks them all. `build` makes a record of a row."""

    def __init__(
        self,
        connection: Callable[[], Connection],
        one: Select[Any],
        whole: Select[Any],
        build: Callable[[Any], V],
    ) -> None:
        self._connection = connection
        self._one = one  # the row with `id` bound as `value`
        self._whole = whole
        self._build = build
        self._seen: dict[str, V | None] = {}  # by id; None for an id that names no row
        self._all: dict[str, V] | None = None

    def __getitem__(self, key: str) -> V:
        if self._all is not None:
            return self._all[key]
        if key not in self._seen:
            row = self._open().execute(self._one, {"value": key}).first()
            self._seen[key] = None if row is None else self._build(row)
        found = self._seen[key]
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __repr__(self) -> str:
        return f"StoredMapping({list(self._loaded())!r})"

    def _loaded(self) -> dict[str, V]:
        if self._all is None:
            rows = self._open().execute(self._whole)
            self._all = {row.id: self._build(row) for row in rows}
        return self._all

    def _open(self) -> Connection:
        conn = self._connection()
        if conn.closed or not conn.in_transaction():
            raise RuntimeError(
                "a stored mapping is read within the unit of work that read it; "
                "take dict(...) of it there to keep it"
            )
        return conn
