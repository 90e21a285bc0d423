"""Re-deriving a log: every logged act decided again on the state just before it, and its
logged consequences required to equal the derived ones, event for event and field for
field.

`Rederivation` is fed the events of a log in order. It keeps the log's state in a
`MemoryState`, groups each act (an event with a member's actor, or the purge's schedule)
with the consequences logged after it (events without an actor that name a `cause`),
decides the act's command (`soviet.domain.commands.command_of`) on the state before it,
and compares what it derives with what was logged. The state then advances by the logged
events, so one forged event is reported where it is and the acts after it are judged on
the log as it stands. The founding (the charter's events) is applied, not re-derived.

The derived events are staged in a trial of the state (`MemoryState.begin_trial`) that
stays open while the act's logged events come in: each logged event that is the derived
one in its place (same seq, instant, type, actor and data) is already applied, and only
from the first that is not is the trial undone and the log applied instead. An honest
log is so applied once, by its derivation, and compared event by event without the
matching of `compare`.

The seed of a close is the log's root hash before it: the caller that grows the tree
gives it (`root_before`), or the rederivation grows its own tree of the events' leaves.
The `checkpoint` of a logged `checkpoint.logged` is a signature, which the decider cannot
make: its cause and place are compared here, and whether the note is a valid signed
checkpoint of the tree at the size before it is the verifier's check of logged
checkpoints (`soviet.services.verification`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain import signatures, votes
from soviet.domain.commands import (
    ApplyDue,
    CloseElection,
    Command,
    ScheduleAudit,
    command_of_payload,
    is_scheduled,
)
from soviet.domain.decider import Logged, derive, derive_alone
from soviet.domain.events import Event, Recorded
from soviet.domain.signatures import SignatureRefused
from soviet.domain.state import MemoryState
from soviet.domain.statements import StatementError, signed_from_json
from soviet.errors import SovietError
from soviet.ledger.compact import Range
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash

#: The event types that freeze a vote's roll.
_ROLLED = frozenset((ev.ELECTION_STARTED, ev.RECALL_VOTE_OPENED))

#: The fields that name what an event is about, for matching derived and logged events.
_SUBJECTS = ("mandate", "election", "petition", "member")


@dataclass(frozen=True)
class Discrepancy:
    """A logged act or consequence that the rules do not derive, or derive otherwise.

    `kind`: `refused` (the rules refuse the act), `missing` (a derived consequence the log
    lacks; `seq` is where it belongs), `extra` (a logged event nothing derives), `differs`
    (a field differs), `unreadable` (its data does not fit its type), `unappliable` (it
    names what does not exist), `unsigned` (a member's act without the statement its actor
    signed) or `signature` (its statement fails a check: the detail names the actor and
    the check)."""

    seq: int
    type: str | None
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"seq {self.seq} ({self.type}): {self.kind}: {self.detail}"


class _Act:
    """One act of the log: its first event, what the rules derive, what the log holds."""

    __slots__ = ("derived", "event", "first", "kept", "logged", "schedule")

    def __init__(
        self,
        event: Recorded,
        derived: list[Event] | None,  # None: nothing to compare (the founding, a refused act)
        schedule: str | None,  # "audit" or "due" for what the system takes of itself
        *,
        kept: bool = False,
        first: int = 0,
    ) -> None:
        self.event = event
        self.derived = derived
        self.schedule = schedule
        self.logged = [event]
        # Whether the derived events are staged in the state's open trial and every event
        # logged so far is the derived one in its place, so that the state holds it already.
        self.kept = kept
        self.first = first  # the seq the act's first derived event got


class Rederivation:
    """The one pass over a log's events that re-derives every act; see the module.

    Between two calls of `feed`, `state` may also hold the derived consequences of the
    latest act that the log has not shown yet; after `finish` it is the log's state."""

    def __init__(self, *, track_root: bool = True) -> None:
        """With `track_root`, the leaves are hashed here so that a close's seed can be
        derived; without it, `feed` is given the root before each close, or takes the
        close's logged seed (whose own check is then the caller's)."""
        self.state = MemoryState()
        self.tree: Range | None = Range() if track_root else None
        self.acts = 0
        self.events = 0
        #: The acts that carry a signed statement, and those logged before keys (unsigned).
        self.signed = 0
        self.unsigned_before_keys = 0
        self._act: _Act | None = None
        #: The data of the event fed last, decoded as logged (None if it does not decode
        #: or was read otherwise, as an inline roll is): for a caller that needs it too.
        self.payload: c.Payload | None = None

    def feed(self, event: Recorded, root_before: bytes | None = None) -> list[Discrepancy]:
        """Take the next event of the log; the discrepancies of the act it ends, if any."""
        found: list[Discrepancy] = []
        self.events += 1
        logged = event
        self.payload = None
        if event.type in _ROLLED:
            # an inline roll, as older logs kept it, is judged as its commitment
            data = votes.inline_roll(event.data)
            if data is not event.data:
                event = Recorded(
                    event.seq, event.at, event.type, event.actor, data, event.clock, event.signed
                )
        try:
            payload: c.Payload | None = c.decode(event.type, event.data)
        except c.EventFormatError as error:
            found.append(Discrepancy(event.seq, event.type, "unreadable", str(error)))
            payload = None
        if event is logged:
            self.payload = payload
        starts, command = self._starts(event, payload)
        if starts and command is not None and event.actor is not None:
            command = self._authenticate(event, command, found)
        elif event.signed is not None and (event.actor is None or command is None):
            found.append(
                Discrepancy(
                    event.seq,
                    event.type,
                    "signature",
                    "a signed statement on an event that records no member's act",
                )
            )
        if isinstance(payload, c.KeysAdopted) and self.state.enrollment_days() is not None:
            found.append(
                Discrepancy(
                    event.seq, event.type, "refused", "the log had taken members' keys already"
                )
            )
        act = self._act
        if starts or act is None:
            if act is not None:
                found.extend(self._finish())
            act = self._act = self._begin(event, payload, command, root_before, found)
        else:
            act.logged.append(event)
        if not (act.kept and self._kept(act, event, payload)):
            self._apply(event, payload, found)
        if self.tree is not None:
            text = parse_canonical_value(dict(logged.data))[1]
            signed = None
            if logged.signed is not None:
                signed = parse_canonical_value(dict(logged.signed))[1]
            self.tree.append(
                leaf_hash(
                    encode_entry(
                        logged.seq,
                        logged.at,
                        logged.type,
                        logged.actor,
                        text,
                        logged.clock,
                        signed,
                    )
                )
            )
        return found

    def _authenticate(self, e: Recorded, command: Command, found: list[Discrepancy]) -> Command:
        """The command to re-derive a logged act from: its signed statement's, once the
        statement passes the checks of `soviet.domain.signatures` on the state before it
        (and is the event's actor's), so that an event that records anything else than
        what was signed differs from what is derived. An act without a statement is
        counted if the log did not sign acts yet, else it is a discrepancy; an act whose
        statement fails is one too, and is re-derived from what its event records."""
        if e.signed is None:
            if self.state.enrollment_days() is None:
                self.unsigned_before_keys += 1
                return command
            found.append(
                Discrepancy(
                    e.seq,
                    e.type,
                    "unsigned",
                    f"the act of {e.actor!r} carries no signed statement, and every act of this "
                    "log is signed by its actor",
                )
            )
            return command
        self.signed += 1
        try:
            signed = signed_from_json(e.signed)
            if signed.statement.actor != e.actor:
                raise SignatureRefused(
                    "actor",
                    f"the statement is the act of {signed.statement.actor!r}, not of {e.actor!r}",
                )
            stated = signatures.check(self.state, signed, e.at)
        except (SignatureRefused, StatementError) as error:
            which = error.check if isinstance(error, SignatureRefused) else "format"
            found.append(
                Discrepancy(e.seq, e.type, "signature", f"actor {e.actor!r}: {which}: {error}")
            )
            return command
        if type(stated) is not type(command):
            found.append(
                Discrepancy(
                    e.seq,
                    e.type,
                    "signature",
                    f"actor {e.actor!r}: act: the statement signs {signed.statement.type}, "
                    f"which does not record a {e.type} event",
                )
            )
            return command
        return stated

    def finish(self) -> list[Discrepancy]:
        """The discrepancies of the last act."""
        found = self._finish()
        self._act = None
        return found

    # -- acts ------------------------------------------------------------------------------

    def _starts(self, e: Recorded, payload: c.Payload | None) -> tuple[bool, Command | None]:
        """Whether an event begins an act (or the founding), and the act's command."""
        if payload is None:
            return e.actor is not None, None
        if isinstance(payload, (c.OrganizationFounded, c.KeysAdopted)):
            return True, None
        if e.actor is not None:
            command = command_of_payload(payload, e.actor)
            # an event with an actor that records no act is compared as a consequence
            return command is not None, command
        kind = is_scheduled(payload)
        if kind is not None:
            if self.state.legacy:  # logs founded before terms ended by themselves
                kind = "audit"
            act = self._act
            if act is not None and act.schedule == kind and act.event.at == e.at:
                return False, None
            return True, ScheduleAudit() if kind == "audit" else ApplyDue()
        return False, None

    def _begin(
        self,
        e: Recorded,
        payload: c.Payload | None,
        command: Command | None,
        root_before: bytes | None,
        found: list[Discrepancy],
    ) -> _Act:
        """Decide the act an event begins, its derived events left staged in a trial."""
        schedule = (
            "audit"
            if isinstance(command, ScheduleAudit)
            else "due"
            if isinstance(command, ApplyDue)
            else None
        )
        if command is None:
            return _Act(e, None, schedule)
        self.acts += 1
        seed = b""
        if isinstance(command, CloseElection):
            if root_before is not None:
                seed = root_before
            elif self.tree is not None:
                seed = self.tree.root()
            else:
                seed = bytes.fromhex(str(e.data.get("seed", "")))
        try:
            one = derive_alone(self.state, command, e.at)
        except (SovietError, KeyError, ValueError, TypeError) as error:
            found.append(_refused(e, error))
            return _Act(e, None, schedule)
        if one is not None:  # a ballot: nothing staged, the logged event is applied
            return _Act(e, [one], schedule)
        first = self.state.size + 1
        logged = Logged(e, payload) if payload is not None else None
        self.state.begin_trial()
        try:
            derived = derive(self.state, command, e.at, seed=seed, logged=logged)
        except (SovietError, KeyError, ValueError, TypeError) as error:
            self._undo(0)
            found.append(_refused(e, error))
            return _Act(e, None, schedule)
        except BaseException:
            self._undo(0)
            raise
        return _Act(e, derived, schedule, kept=True, first=first)

    def _kept(self, act: _Act, e: Recorded, payload: c.Payload | None) -> bool:
        """Whether the logged event is the derived one in its place, staged already: same
        seq, instant, type, actor and data. Else the trial is undone from there on."""
        k = len(act.logged) - 1
        derived = act.derived
        if (
            derived is not None
            and payload is not None
            and k < len(derived)
            and e.seq == act.first + k
            and e.at == act.event.at
            and _same(e, derived[k])
        ):
            return True
        self._undo(k)
        act.kept = False
        return False

    def _undo(self, index: int) -> None:
        """End the trial, undoing the derived events from the `index`-th on."""
        self.state.undo_from(index)
        self.state.end_trial()

    def _finish(self) -> list[Discrepancy]:
        act = self._act
        if act is None or act.derived is None:
            return []
        logged, derived = act.logged, act.derived
        if act.kept:
            act.kept = False
            self._undo(len(logged))  # the consequences the log lacks
            if len(logged) == len(derived):
                return []
        elif len(logged) == len(derived) == 1 and _same(logged[0], derived[0]):
            return []  # a ballot, as logged
        return compare(logged, derived)

    def _apply(self, e: Recorded, payload: c.Payload | None, found: list[Discrepancy]) -> None:
        if payload is None:
            self.state.skip(e)
            return
        try:
            self.state.stage(e, payload)
        except (KeyError, ValueError, AttributeError, AssertionError) as error:
            found.append(
                Discrepancy(
                    e.seq,
                    e.type,
                    "unappliable",
                    f"it names what the log does not hold: {error!r}",
                )
            )
            self.state.skip(e)


def _refused(e: Recorded, error: Exception) -> Discrepancy:
    return Discrepancy(e.seq, e.type, "refused", f"the rules refuse the act: {error}")


def check(events: Iterable[Recorded]) -> Iterator[Discrepancy]:
    """Every discrepancy between a whole log (its events in order) and what the rules
    derive from it, earliest first."""
    rederivation = Rederivation()
    for event in events:
        yield from rederivation.feed(event)
    yield from rederivation.finish()


# -- comparing -------------------------------------------------------------------------------


def compare(logged: Sequence[Recorded], derived: Sequence[Event]) -> list[Discrepancy]:
    """How an act's logged events (the act first) differ from the derived ones."""
    if len(logged) == len(derived) and (
        _same(logged[0], derived[0]) if len(logged) == 1 else all(map(_same, logged, derived))
    ):
        return []
    first = logged[0].seq
    found: list[Discrepancy] = []
    matcher = SequenceMatcher(
        None, [_key(d) for d in derived], [_key(e) for e in logged], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        for k in range(pairs):
            found.extend(_differences(logged[j1 + k], derived[i1 + k]))
        for i in range(i1 + pairs, i2):
            d = derived[i]
            found.append(
                Discrepancy(
                    first + i,
                    d.type,
                    "missing",
                    f"the log lacks {d.type} {_show(_plain(d.data))}, which the rules derive here",
                )
            )
        for j in range(j1 + pairs, j2):
            e = logged[j]
            found.append(
                Discrepancy(
                    e.seq, e.type, "extra", f"the rules derive no such event: {_show(e.data)}"
                )
            )
    return sorted(found, key=lambda d: d.seq)


def _key(e: Event | Recorded) -> tuple[str, str | None, Any]:
    subject = next((e.data[k] for k in _SUBJECTS if k in e.data), None)
    return e.type, e.actor, subject


def _same(logged: Recorded, derived: Event) -> bool:
    if logged.type != derived.type or logged.actor != derived.actor:
        return False
    if logged.type == ev.CHECKPOINT_LOGGED:
        return not _differences(logged, derived)
    return logged.data == derived.data or logged.data == _plain(derived.data)


def _plain(data: Mapping[str, Any]) -> Any:
    """The data as the log holds it once recorded (JSON: lists, not tuples)."""
    return parse_canonical_value(dict(data))[0]


def _differences(logged: Recorded, derived: Event) -> list[Discrepancy]:
    found: list[str] = []
    if logged.type != derived.type:
        found.append(f"type: logged {logged.type}, derived {derived.type}")
    if logged.actor != derived.actor:
        found.append(f"actor: logged {_show(logged.actor)}, derived {_show(derived.actor)}")
    left, right = dict(logged.data), dict(_plain(derived.data))
    if logged.type == derived.type == ev.CHECKPOINT_LOGGED:
        note = left.pop("checkpoint", None)
        right.pop("checkpoint", None)
        if not isinstance(note, str) or not note:
            found.append("checkpoint: logged no signed note")
    for key in [*left, *(k for k in right if k not in left)]:  # each field that differs
        difference = first_difference(
            {key: left[key]} if key in left else {}, {key: right[key]} if key in right else {}
        )
        if difference is not None:
            found.append(difference)
    return [Discrepancy(logged.seq, logged.type, "differs", text) for text in found]


def first_difference(
    logged: Any, derived: Any, path: str = "", label: str = "derived"
) -> str | None:
    """Where two JSON values first differ, as `path: logged X, derived Y` (`label` names
    the second: a recount says "recounted")."""
    if isinstance(logged, dict) and isinstance(derived, dict):
        for key in [*logged, *(k for k in derived if k not in logged)]:
            where = f"{path}.{key}" if path else str(key)
            if (key in logged) != (key in derived):
                return (
                    f"{where}: logged {_show(logged[key])}, {label} nothing"
                    if key in logged
                    else f"{where}: logged nothing, {label} {_show(derived[key])}"
                )
            found = first_difference(logged[key], derived[key], where, label)
            if found is not None:
                return found
        return None
    if isinstance(logged, list) and isinstance(derived, list):
        for i, (a, b) in enumerate(zip(logged, derived, strict=False)):
            found = first_difference(a, b, f"{path}[{i}]", label)
            if found is not None:
                return found
        if len(logged) == len(derived):
            return None
    if logged == derived and type(logged) is type(derived):
        return None
    return f"{path or 'value'}: logged {_show(logged)}, {label} {_show(derived)}"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 200 else text[:199] + "…"
