"""The undo journal of `MemoryState`'s trials: every change to the state goes through one of
these methods, which, while a trial is open, note how to undo it.

A trial can be ended in two ways: undone (the derived events were a question) or kept
(they are the events the log holds, so applying those again would be work done twice).
`undo_from(k)` undoes only the events staged from the k-th on, so a trial whose first
events are kept and whose later ones are not is settled without replaying anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Undo = Callable[[], None]
_MISSING: Any = object()


class Journalled:
    """A state whose changes can be journalled within a trial and undone, newest first."""

    def __init__(self) -> None:
        self._journal: list[Undo] | None = None
        self._marks: list[int] = []  # the journal's length before each staged event

    # -- the trial ---------------------------------------------------------------------------

    def begin_trial(self) -> None:
        """Start journalling: the changes from here on can be undone."""
        if self._journal is not None:
            raise RuntimeError("a trial of this state is already under way")
        self._journal = []
        self._marks.clear()

    def _mark(self) -> None:
        """Note that an event is about to be staged (called by `stage`)."""
        if self._journal is not None:
            self._marks.append(len(self._journal))

    @property
    def staged(self) -> int:
        """How many events the open trial has staged (0 without one)."""
        return len(self._marks)

    def undo_from(self, index: int) -> None:
        """Undo the trial's events from the `index`-th staged on (all of them for 0); the
        trial stays open."""
        journal = self._journal
        if journal is None or index >= len(self._marks):
            return
        mark = self._marks[index]
        while len(journal) > mark:
            journal.pop()()
        del self._marks[index:]

    def end_trial(self) -> None:
        """Stop journalling, keeping what the trial has not undone."""
        self._journal = None
        self._marks.clear()

    # -- the changes -------------------------------------------------------------------------

    def _set_attr(self, obj: object, name: str, value: object) -> None:
        if self._journal is not None:
            old = getattr(obj, name)
            self._journal.append(lambda: setattr(obj, name, old))
        setattr(obj, name, value)

    def _put(self, table: dict[Any, Any], key: object, value: object) -> None:
        if self._journal is not None:
            old = table.get(key, _MISSING)
            self._journal.append(
                (lambda: table.pop(key, None))
                if old is _MISSING
                else (lambda: table.__setitem__(key, old))
            )
        table[key] = value

    def _drop(self, table: dict[Any, Any], key: object) -> None:
        if key not in table:
            return
        old = table.pop(key)
        if self._journal is not None:
            self._journal.append(lambda: table.__setitem__(key, old))

    def _add(self, items: set[str], value: str) -> None:
        if value in items:
            return
        items.add(value)
        if self._journal is not None:
            self._journal.append(lambda: items.discard(value))

    def _discard(self, items: set[str], value: str) -> None:
        if value not in items:
            return
        items.discard(value)
        if self._journal is not None:
            self._journal.append(lambda: items.add(value))

    def _append(self, items: list[Any], value: object) -> None:
        items.append(value)
        if self._journal is not None:
            self._journal.append(items.pop)

    def _remove(self, items: list[Any], value: object) -> None:
        index = items.index(value)
        del items[index]
        if self._journal is not None:
            self._journal.append(lambda: items.insert(index, value))

    def _on_undo(self, undo: Undo) -> None:
        """Run `undo` when the change just made is undone (a cache to forget)."""
        if self._journal is not None:
            self._journal.append(undo)
