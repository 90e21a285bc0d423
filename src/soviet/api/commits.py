"""Group commit: the acts that arrive while others are being written are recorded
together, in one unit of work — each decided on its own, with its own events and its
own answer, and one signed checkpoint and one commit for all of them.

One primary serializes the log, so a server that wrote each act in its own transaction
would be bound by one commit (and one checkpoint signature) per act. A writer thread
takes every act waiting, up to `MOST`, and takes them in order in one unit of work. An
act the rules refuse raises before it records anything (`soviet.services.deciding`),
so it leaves the others be; if one fails in any other way — after recording some
events, or at the commit (a conflict with another process) — the batch writes nothing
and each of its acts is taken again in a unit of work of its own, exactly as alone.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from soviet.bootstrap import Soviet
from soviet.domain import commands as cmd
from soviet.domain.events import Recorded
from soviet.domain.statements import Signed
from soviet.errors import SovietError
from soviet.services.deciding import take

#: The most acts one unit of work takes.
MOST = 256
#: How long the writer thread waits for more acts before it ends (a new one starts when
#: an act arrives).
IDLE_SECONDS = 1.0


@dataclass(frozen=True)
class Taken:
    """What an act recorded (its own event first) and the log's size once it was
    committed, with the signed checkpoint of that size."""

    events: list[Recorded]
    size: int
    checkpoint: str | None


@dataclass(eq=False)
class _Act:
    signed: Signed | cmd.Command
    future: Future[Taken] = field(default_factory=Future)
    events: list[Recorded] | None = None
    refusal: BaseException | None = None


class _Retry(Exception):
    """A batch that cannot be committed as a whole: its acts are taken one by one."""


class GroupCommit:
    """The server's one writer: `submit` an act, wait on its future."""

    def __init__(self, soviet: Soviet, lock: threading.Lock) -> None:
        self._soviet = soviet
        self._lock = lock
        self._waiting: queue.SimpleQueue[_Act] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._starting = threading.Lock()

    def submit(self, signed: Signed | cmd.Command) -> Future[Taken]:
        """Queue an act: a member's signed statement (the server's), or a command (a log
        whose acts are not signed, or the unit of work's signer signs it)."""
        act = _Act(signed)
        self._waiting.put(act)
        with self._starting:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write, name="soviet-writer")
                self._writer.daemon = True
                self._writer.start()
        return act.future

    def _write(self) -> None:
        while True:
            try:
                first = self._waiting.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._starting:
                    if self._waiting.empty():
                        self._writer = None
                        return
                continue
            batch = [first]
            while len(batch) < MOST:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[_Act]) -> None:
        try:
            with self._lock:
                taken = self._together(batch) if len(batch) > 1 else None
        except _Retry:
            taken = None
        except BaseException as error:  # the commit itself failed: each act alone
            if len(batch) == 1:
                batch[0].future.set_exception(error)
                return
            taken = None
        if taken is None:
            for act in batch:
                self._alone(act)
            return
        size, checkpoint = taken
        for act in batch:
            if act.events is not None:
                act.future.set_result(Taken(act.events, size, checkpoint))
            else:
                assert act.refusal is not None
                act.future.set_exception(act.refusal)

    def _together(self, batch: list[_Act]) -> tuple[int, str | None]:
        """Take every act of the batch in one unit of work; the log's size it leaves and
        its checkpoint. _Retry if an act failed after recording something."""
        with self._soviet.unit_of_work() as ws:
            for act in batch:
                before = len(ws.recorded)
                try:
                    act.events = take(ws, act.signed)
                except SovietError as refusal:
                    if len(ws.recorded) != before:
                        raise _Retry from None
                    act.refusal = refusal
            size = ws.next_seq() - 1
        return size, self._checkpoint(size)

    def _alone(self, act: _Act) -> None:
        try:
            with self._lock, self._soviet.unit_of_work() as ws:
                events = take(ws, act.signed)
                size = ws.next_seq() - 1
            act.future.set_result(Taken(events, size, self._checkpoint(size)))
        except BaseException as error:
            act.future.set_exception(error)

    def _checkpoint(self, size: int) -> str | None:
        with self._soviet.reading(primary=True) as reads:
            stored = reads.latest_checkpoint(at_most=size)
        return stored[1] if stored is not None and stored[0] == size else None
