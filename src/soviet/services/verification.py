"""Verifying a log from its events alone: order, leaves, roots, signed checkpoints, replay
and recounts, in one pass.

`LogCheck` is fed the events of a log in order, as a database or an export holds them. For
each it checks the seq and time follow on, recomputes the leaf (the RFC 8785 entry) and
compares it with the one stored, grows the tree (a compact range: O(log n) memory), opens
every logged checkpoint with the log's key and compares its root with the recomputed root
at its size, replays the event into an empty database (the `Replica`) through the same
projectors as the live path, and before each election's close recounts its ballots in the
state the log had then, with the seed the close logged (itself checked: the root before
the close). At the end it opens the signed checkpoints given from outside the log (the
latest stored one, an export's last line, `--since`) and, when asked, requires the latest
signature to cover every event. What it finds is a `Discrepancy`, naming the seq and type
of the event.

The storage side (`soviet.storage.verification`) reads the events, provides the replica,
and adds what only a database has: the stored Merkle nodes and the live projections.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from soviet.domain import apportioned, closes, closing, rederive, secrecy, secret_acts
from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain.audit import is_live
from soviet.domain.clock import SET_CLOCK
from soviet.domain.decider import eligible, office_of
from soviet.domain.events import Recorded
from soviet.domain.rederive import Rederivation
from soviet.errors import LedgerError, ReplayError, SovietError
from soviet.ledger.checkpoints import Checkpoint, VerifierKey, open_checkpoint, parse_note
from soviet.ledger.compact import Range
from soviet.ledger.entries import canonical, encode_entry
from soviet.ledger.hashing import EMPTY_ROOT, leaf_hash
from soviet.services.deciding import Recording
from soviet.services.ports import Workspace

#: Discrepancies kept per check; past that they are only counted.
KEPT = 10


class Replica(Protocol):
    """An empty database that the log is replayed into, event by event."""

    def project(self, event: Recorded, payload: c.Payload | None = None) -> None:
        """Apply one event through the projectors (its data decoded as `payload`, when the
        caller has it); ReplayError, naming the event, if it or an event before it cannot
        be applied (writes may be held back until `settle`)."""
        ...

    def settle(self) -> None:
        """Apply whatever is held back; ReplayError naming the event that cannot be."""
        ...

    def workspace(self, now: str) -> Workspace:
        """A read view of the replayed state, for recounting a close."""
        ...


@dataclass(frozen=True, slots=True)
class Entry:
    """One event as a log holds it, with what was stored for it.

    `data_text` is the stored data (a database row) and `line` the stored entry (an
    export line); each, when given, must be exactly the canonical form. `leaf` is the
    stored leaf hash, when the source stores one. `canonical` is the data's canonical
    form, when the reader made it while parsing (else it is made here). `clock` is the
    event's clock marker ("set" if it was recorded under a set clock), part of its entry.
    """

    seq: int
    at: str
    type: str
    actor: str | None
    data: Mapping[str, Any]
    data_text: bytes | None = None
    line: bytes | None = None
    leaf: bytes | None = None
    canonical: bytes | None = None
    clock: str | None = None
    #: The signed statement of a member's act, and the text it was stored as (if it was).
    signed: Mapping[str, Any] | None = None
    signed_text: bytes | None = None


@dataclass(frozen=True)
class Discrepancy:
    """Something that does not hold: which check, where in the log, and what differs."""

    check: str
    detail: str
    seq: int | None = None
    type: str | None = None

    def where(self) -> str:
        if self.seq is None:
            return "the log"
        return f"seq {self.seq}" + (f" ({self.type})" if self.type else "")

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "seq": self.seq, "type": self.type, "detail": self.detail}


@dataclass
class Check:
    """One kind of check, what it covered (with counts), and its discrepancies."""

    name: str
    summary: str = ""
    found: list[Discrepancy] = field(default_factory=list)
    failures: int = 0
    ran: bool = True

    @property
    def ok(self) -> bool:
        return self.failures == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "ok": self.ok,
            "ran": self.ran,
            "summary": self.summary,
            "failures": self.failures,
        }


#: The checks, in the order they are reported.
CHECKS = (
    "entries",
    "leaves",
    "tree",
    "checkpoints",
    "since",
    "replay",
    "counts",
    "signatures",
    "rules",
    "projections",
)


@dataclass
class Report:
    """What `soviet verify` checked, and every discrepancy it found (the first few of each)."""

    source: str
    origin: str | None = None
    size: int = 0
    root: bytes = EMPTY_ROOT
    key: str | None = None
    checks: dict[str, Check] = field(default_factory=lambda: {n: Check(n) for n in CHECKS})
    notes: list[str] = field(default_factory=list)
    #: How many events were recorded under a set clock (SOVIET_NOW): told, never failed.
    clock_set: int = 0
    #: How many acts carry their actor's signed statement, and how many were logged
    #: before the log took members' keys (unsigned, counted, never a failure).
    signed: int = 0
    unsigned_before_keys: int = 0

    def fail(
        self, check: str, detail: str, seq: int | None = None, type: str | None = None
    ) -> None:
        entry = self.checks[check]
        entry.failures += 1
        if len(entry.found) < KEPT:
            entry.found.append(Discrepancy(check, detail, seq, type))

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks.values())

    @property
    def discrepancies(self) -> list[Discrepancy]:
        """Every kept discrepancy, earliest in the log first; at one seq, what the event
        itself shows before what the stored tree shows."""
        found = [d for c in self.checks.values() for d in c.found]
        return sorted(found, key=lambda d: (d.seq is None, d.seq or 0, d.check == "tree"))

    @property
    def first(self) -> Discrepancy | None:
        found = self.discrepancies
        return found[0] if found else None

    def to_json(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "source": self.source,
            "origin": self.origin,
            "size": self.size,
            "root": self.root.hex(),
            "key": self.key,
            "clock_set": self.clock_set,
            "signed": self.signed,
            "unsigned_before_keys": self.unsigned_before_keys,
            "checks": [c.to_json() for c in self.checks.values()],
            "first_discrepancy": None if first is None else first.to_json(),
            "discrepancies": [d.to_json() for d in self.discrepancies],
            "notes": list(self.notes),
        }

    def raise_if_failed(self) -> None:
        """LedgerError (exit 1) naming the first discrepancy, unless everything held."""
        first = self.first
        if first is not None:
            raise LedgerError(
                f"the log does not verify: {first.check} at {first.where()}: {first.detail}"
            )


class LogCheck:
    """The one pass over a log's events; see the module's docstring."""

    def __init__(
        self,
        report: Report,
        *,
        key: VerifierKey | None = None,
        anchors: Iterable[tuple[str, bytes] | tuple[str, bytes, str]] = (),
        replica: Replica | None = None,
        signed_tail: str | None = None,
        rules: bool = True,
    ) -> None:
        """`rules`: re-derive every act by the rules (off only for checking the other
        properties of a hand-made log, whose events need not be acts).

        `anchors`: signed checkpoints from outside the log, each `(check, note)` or
        `(check, note, what)` — `what` names it in messages. `signed_tail`, when given, is
        the rule that the latest signature covers every event: events after it fail the
        `checkpoints` check, and the text is the fix the failure suggests; without it they
        are only noted."""
        self.report = report
        self.given_key = key
        self.key = key
        self.replica = replica
        self.tree = Range()
        self.expected = 1
        self.last_at = ""
        # Signed checkpoints from outside the log (an earlier one with --since, the one an
        # export ends with), checked at the end against the root recomputed at their size.
        self.anchors = [
            (
                anchor[0],
                anchor[1],
                anchor[2] if len(anchor) > 2 else _ANCHORS[anchor[0]],
                _unsigned_size(anchor[1]),
            )
            for anchor in anchors
        ]
        self.roots: dict[int, bytes] = {0: EMPTY_ROOT}
        self.wanted = {size for *_, size in self.anchors if size is not None}
        self.signed_tail = signed_tail
        #: The largest size a signature that opened covers (its root is checked apart), and
        #: what signed it.
        self.signed_size = 0
        self.signed_by = ""
        #: The types of the events that may turn out to be the first one unsigned.
        self.types: dict[int, str] = {}
        #: Per level of the tree: SHA-256 over the recomputed nodes in order, and how many.
        self.levels: list[tuple[Any, int]] = []
        self.counts = {"checkpoints": 0, "unchecked": 0, "recounted": 0, "ballots": 0}
        #: The first and last seq recorded under a set clock, once there is one.
        self.clock_seqs: tuple[int, int] | None = None
        #: The rules re-derived: every act decided again on the state just before it, its
        #: consequences compared with the logged ones event for event, field for field.
        self.rules = Rederivation(track_root=False) if rules else None
        self.latest: Checkpoint | None = None
        #: The last seq a signature covers: a logged checkpoint's own event included.
        self.signed_through = 0
        #: The size of the latest logged checkpoint whose root matched the events.
        self.intact = 0

    # -- the pass --------------------------------------------------------------------------

    def feed(self, e: Entry) -> None:
        """Check one event, the next in the log."""
        report = self.report
        if e.seq > self.expected:
            missing = (
                f"entry {self.expected} is"
                if e.seq == self.expected + 1
                else f"entries {self.expected} to {e.seq - 1} are"
            )
            report.fail(
                "entries",
                f"{missing} missing: after {self.expected - 1} the log "
                f"goes on at {e.seq} ({e.type})",
                self.expected,
            )
            self.expected = e.seq
        elif e.seq < self.expected:
            report.fail(
                "entries", f"seq {e.seq} comes again after {self.expected - 1}", e.seq, e.type
            )
            self.expected = e.seq
        self.expected += 1
        if e.at < self.last_at:
            report.fail(
                "entries",
                f"its time {e.at} is before the previous event's {self.last_at}",
                e.seq,
                e.type,
            )
        self.last_at = max(self.last_at, e.at)
        if e.clock is not None:
            self._clock_set(e)
        if e.seq == 1 or e.seq - 1 in self.wanted or e.type == ev.CHECKPOINT_LOGGED:
            self.types[e.seq] = e.type
        if self.tree.end == 0 and e.type != ev.ORGANIZATION_FOUNDED:
            report.fail(
                "entries", "the log does not begin with organization.founded", e.seq, e.type
            )

        leaf = self._leaf(e)
        root_before = self.tree.root() if e.type in _ROOTED else b""
        if e.type == ev.ORGANIZATION_FOUNDED and self.tree.end == 0:
            self._founded(e)
        elif e.type == ev.CHECKPOINT_LOGGED:
            self._checkpoint(e, root_before)
        elif e.type == ev.ELECTION_CLOSED:
            self._recount(e, root_before)
        self._rederive(e, root_before)
        self._grow(leaf)
        self._replay(e)

    def _clock_set(self, e: Entry) -> None:
        """Count an event recorded under a set clock; a marker other than "set" is not one
        this log writes."""
        if e.clock != SET_CLOCK:
            self.report.fail(
                "entries", f"its clock marker is {e.clock!r}, not {SET_CLOCK!r}", e.seq, e.type
            )
            return
        self.report.clock_set += 1
        first = e.seq if self.clock_seqs is None else self.clock_seqs[0]
        self.clock_seqs = (first, e.seq)

    def _rederive(self, e: Entry, root_before: bytes) -> None:
        if self.rules is None:
            return
        event = Recorded(e.seq, e.at, e.type, e.actor, e.data, e.clock, e.signed)
        seed = root_before if e.type == ev.ELECTION_CLOSED else None
        for found in self.rules.feed(event, seed):
            self._rules_failed(found)

    def _rules_failed(self, found: rederive.Discrepancy) -> None:
        """A discrepancy of the re-derivation, under its check: a signed statement's under
        `signatures`, every other under `rules`."""
        check = "signatures" if found.kind in ("signature", "unsigned") else "rules"
        self.report.fail(check, f"{found.kind}: {found.detail}", found.seq, found.type)

    def skip(self, seq: int, type: str | None, leaf: bytes | None, detail: str) -> None:
        """An event that cannot be read: counted as a discrepancy, its stored leaf (if any)
        kept in the tree so the events after it keep their places."""
        self.report.fail("leaves", detail, seq, type)
        self.expected = seq + 1
        self._grow(leaf if leaf is not None else EMPTY_ROOT)
        if self.replica is not None:
            self.report.fail("replay", "it cannot be replayed: it cannot be read", seq, type)
            self._stop_replay()

    def _grow(self, leaf: bytes) -> None:
        for level, _, digest in self.tree.append(leaf):
            while len(self.levels) < level:
                self.levels.append((hashlib.sha256(), 0))
            hasher, n = self.levels[level - 1]
            hasher.update(digest)
            self.levels[level - 1] = (hasher, n + 1)
        if self.tree.end in self.wanted:
            self.roots[self.tree.end] = self.tree.root()

    def finish(self) -> Report:
        """Check the outside checkpoints, write the summaries, and return the report."""
        self._settle()
        report = self.report
        if self.rules is not None:
            for found in self.rules.finish():
                self._rules_failed(found)
        report.size = self.tree.end
        report.root = self.tree.root()
        checks = report.checks
        n = report.size
        checks["entries"].summary = f"{n:,} events, seq 1 to {n:,}, in order, time never going back"
        if self.clock_seqs is not None:
            many = report.clock_set
            report.notes.append(
                f"{many:,} event{'s were' if many > 1 else ' was'} recorded under a set clock "
                f"(SOVIET_NOW), from seq {self.clock_seqs[0]:,} to {self.clock_seqs[1]:,}: "
                "their times are the clock that was set, not the real one"
            )
        leaves = f"{n:,} leaf hashes recomputed from the canonical (RFC 8785) events"
        checks["leaves"].summary = leaves
        logged, unchecked = self.counts["checkpoints"], self.counts["unchecked"]
        checks["checkpoints"].summary = (
            f"{logged:,} logged checkpoints opened with the log's key, each the root at its size"
            + (f"; {unchecked:,} not checked: no key" if unchecked else "")
        )
        if self.rules is None:
            checks["rules"].ran = False
            checks["rules"].summary = "not asked for"
            checks["signatures"].ran = False
            checks["signatures"].summary = "not asked for (signatures are checked with the rules)"
        else:
            report.signed = self.rules.signed
            report.unsigned_before_keys = self.rules.unsigned_before_keys
            unsigned = report.unsigned_before_keys
            before = f"{unsigned:,} acts unsigned, taken before its members held keys"
            checks["signatures"].summary = (
                f"{report.signed:,} signed acts: each statement verifies under the key its "
                "actor held at that seq, names this origin, was recorded in time, and its "
                "nonce was never used before" + (f"; {before}" if unsigned else "")
                if report.signed
                else f"no signed acts: {before}"
                if unsigned
                else "no acts of members to check"
            )
            checks["rules"].summary = (
                f"{self.rules.acts:,} acts decided again on the state before each: every "
                "consequence the log holds is the one the rules derive, and none is missing"
            )
        checks["counts"].summary = (
            f"{self.counts['recounted']:,} closed elections recounted from "
            f"{self.counts['ballots']:,} logged ballots with their logged seeds"
        )
        if not any(anchor[0] == "since" for anchor in self.anchors):
            checks["since"].ran = False
            checks["since"].summary = "no earlier checkpoint given (--since)"
        for check, note, what, _ in self.anchors:
            self._anchor(check, note, what)
        if self.signed_tail is not None and self.key is not None:
            self._require_signed_tail(self.signed_tail)
        elif self.latest is not None and self.signed_through < n:
            tail = n - self.signed_through
            report.notes.append(
                f"{tail:,} event{'s' if tail > 1 else ''} after the latest checkpoint (size "
                f"{self.latest.size:,}) {'are' if tail > 1 else 'is'} covered by no signature "
                "yet"
            )
        return report

    # -- one event -------------------------------------------------------------------------

    def _leaf(self, e: Entry) -> bytes:
        data = e.canonical if e.canonical is not None else canonical(dict(e.data))
        signed = None if e.signed is None else canonical(dict(e.signed))
        if e.signed_text is not None and e.signed_text != signed:
            self.report.fail(
                "leaves",
                "its signed statement is not stored in canonical (RFC 8785) form",
                e.seq,
                e.type,
            )
        entry = encode_entry(e.seq, e.at, e.type, e.actor, data, e.clock, signed)
        if e.line is not None and e.line != entry:
            self.report.fail(
                "leaves", "the line is not the event's canonical (RFC 8785) form", e.seq, e.type
            )
        if e.data_text is not None and e.data_text != data:
            self.report.fail(
                "leaves", "its data is not stored in canonical (RFC 8785) form", e.seq, e.type
            )
        leaf = leaf_hash(entry)
        if e.leaf is not None and e.leaf != leaf:
            self.report.fail(
                "leaves",
                f"the stored leaf hash {e.leaf.hex()[:16]}… is not the "
                f"hash of the event, {leaf.hex()[:16]}…",
                e.seq,
                e.type,
            )
        return leaf

    def _founded(self, e: Entry) -> None:
        report = self.report
        report.origin = str(e.data.get("origin"))
        carried = e.data.get("verifier_key")
        if self.given_key is not None:
            report.key = str(self.given_key)
            if carried is not None and carried != str(self.given_key):
                report.fail(
                    "checkpoints",
                    f"the log's first event carries the key {carried}, "
                    f"not the key given, {self.given_key}",
                    e.seq,
                    e.type,
                )
            return
        if carried is None:
            report.notes.append("the log was founded without a key: no checkpoint is signed")
            return
        try:
            self.key = VerifierKey.parse(str(carried))
        except SovietError as error:
            report.fail("checkpoints", f"its verifier key does not parse: {error}", e.seq, e.type)
            return
        report.key = str(self.key)
        report.notes.append(
            "checked with the verifier key the log's first event carries; "
            "give --key to check against a key you hold"
        )

    def _checkpoint(self, e: Entry, root_before: bytes) -> None:
        note = e.data.get("checkpoint")
        if self.key is None:
            self.counts["unchecked"] += 1
            return
        self.counts["checkpoints"] += 1
        try:
            checkpoint = open_checkpoint(str(note).encode(), self.key, self.report.origin)
        except SovietError as error:
            self.report.fail("checkpoints", f"its checkpoint does not open: {error}", e.seq, e.type)
            return
        size = e.seq - 1
        if checkpoint.size != size:
            self.report.fail(
                "checkpoints",
                f"it signs the log at size {checkpoint.size}, not at {size}, the events before it",
                e.seq,
                e.type,
            )
        elif checkpoint.root != root_before:
            self.report.fail(
                "checkpoints",
                f"it signs the root {checkpoint.root.hex()}, but the "
                f"log's events give {root_before.hex()} at size {size}: "
                f"{self._changed(size)}",
                e.seq,
                e.type,
            )
        else:
            self.intact = size
        self._signed(checkpoint.size, f"the checkpoint logged at seq {e.seq}")
        self.latest = checkpoint
        self.signed_through = e.seq

    def _recount(self, e: Entry, root_before: bytes) -> None:
        self._settle()
        if self.replica is None:
            return
        report = self.report
        data = e.data
        if data.get("outcome") in ("void", "unopposed"):  # nothing was counted
            return
        seed = str(data.get("seed"))
        if data.get("cause") is not None:  # a secret election, decrypted by its trustees
            self._recount_secret(e)
            return
        try:
            state = Recording(self.replica.workspace(e.at))
            election = state.election(str(data["election"]))
            office = office_of(state, election.office)
            ballots = closing.with_paper(
                state.ballots(election.id), state.paper_ballots(election.id)
            )
            expected = closing.seed_of(election, office, ballots, root_before)
        except (SovietError, KeyError, ValueError) as error:
            report.fail("counts", f"the recount fails: {error}", e.seq, e.type)
            return
        if seed != expected.hex():
            where = (
                f"the log's root before the close, {root_before.hex()}"
                if office.procedure.legacy
                else f"the seed of the election's own record, {expected.hex()}"
            )
            report.fail(
                "counts",
                f"its seed {seed} is not {where}: {self._changed(e.seq - 1)}",
                e.seq,
                e.type,
            )
        try:
            can_stand = eligible(state, office)
            seated = {
                m.holder
                for m in state.active_mandates(office=office.id)
                if is_live(m, can_stand, e.at)
            }
            weights = apportioned.weights(state, office.body)
            counted = closing.count(
                election, office, ballots, can_stand, seated, root_before, weights
            )
        except (SovietError, KeyError, ValueError) as error:
            report.fail("counts", f"the recount fails: {error}", e.seq, e.type)
            return
        self.counts["recounted"] += 1
        self.counts["ballots"] += len(ballots)
        recounted = {"result": json.loads(canonical(counted.result)), "winners": counted.winners}
        logged = {"result": data.get("result"), "winners": data.get("winners")}
        difference = first_difference(logged, recounted)
        if difference is not None:
            report.fail(
                "counts", f"the recount of {election.id} differs: {difference}", e.seq, e.type
            )

    def _recount_secret(self, e: Entry) -> None:
        """A secret election's close, again: every share of its tally checked, the tally
        decrypted, the sums counted as the close counts them."""
        assert self.replica is not None
        report, data = self.report, e.data
        try:
            state = Recording(self.replica.workspace(e.at))
            election = state.election(str(data["election"]))
            vote = secret_acts.require_sealed(state, election.id)
            key = secret_acts.ceremony(state, vote.setup.ceremony)
            assert vote.tally is not None
            counts = secrecy.decrypted(vote, key)
            cause = data.get("cause")
            assert isinstance(cause, int)
            again = closes.secret_closed(state, election, counts, vote.tally.ballots, e.at, cause)
        except (SovietError, KeyError, ValueError, AssertionError) as error:
            report.fail("counts", f"the recount of the secret tally fails: {error}", e.seq, e.type)
            return
        self.counts["recounted"] += 1
        self.counts["ballots"] += vote.tally.ballots
        fields = ("winners", "seed", "result", "outcome", "turnout")
        recounted = {f: json.loads(canonical(again.data.get(f))) for f in fields}
        logged = {f: data.get(f) for f in fields}
        difference = first_difference(logged, recounted)
        if difference is not None:
            report.fail(
                "counts", f"the recount of {election.id} differs: {difference}", e.seq, e.type
            )

    def _changed(self, size: int) -> str:
        """Where a root that does not match puts the change: after the last checkpoint
        that matched."""
        if self.intact >= size:
            return "the event itself was changed"
        return (
            f"an event from seq {self.intact + 1} to {size} was changed (the checkpoint "
            f"at size {self.intact} still matches)"
            if self.intact
            else f"an event from seq 1 to {size} was changed"
        )

    def _replay(self, e: Entry) -> None:
        if self.replica is None:
            return
        try:
            payload = self.rules.payload if self.rules is not None else None
            self.replica.project(
                Recorded(e.seq, e.at, e.type, e.actor, e.data, e.clock, e.signed), payload
            )
        except ReplayError as error:
            self._replay_failed(error, error.seq, error.type)
        except SovietError as error:
            self._replay_failed(error, e.seq, e.type)

    def _settle(self) -> None:
        """Bring the replica up to the last event fed, before it is read."""
        if self.replica is None:
            return
        try:
            self.replica.settle()
        except ReplayError as error:
            self._replay_failed(error, error.seq, error.type)

    def _replay_failed(self, error: SovietError, seq: int, type: str) -> None:
        self.report.fail("replay", f"it cannot be replayed: {error}", seq, type)
        self._stop_replay()

    def _stop_replay(self) -> None:
        # The replayed state is broken from here on: nothing more to recount or compare.
        self.replica = None
        for check in ("counts", "projections"):
            self.report.checks[check].ran = False

    # -- outside checkpoints ---------------------------------------------------------------

    def _anchor(self, check: str, note: bytes, what: str) -> None:
        report = self.report
        if self.key is None:
            report.fail(check, f"no verifier key: give --key to check {what}")
            return
        try:
            checkpoint = open_checkpoint(note, self.key, report.origin)
        except SovietError as error:
            report.fail(check, f"{what} does not open: {error}")
            return
        self._signed(checkpoint.size, what)
        n = self.tree.end
        if checkpoint.size > n:
            report.fail(
                check,
                f"{what} signs {checkpoint.size:,} entries, the log has "
                f"{n:,}: entries were removed",
            )
        elif checkpoint.root != self.roots.get(checkpoint.size):
            report.fail(
                check,
                f"the log's first {checkpoint.size:,} events give the root "
                f"{self.roots[checkpoint.size].hex()}, {what} signs "
                f"{checkpoint.root.hex()}: the log was rewritten; "
                f"{self._changed(checkpoint.size)}",
            )
        else:
            done = report.checks[check]
            text = (
                f"the log only grew since the signed checkpoint at size {checkpoint.size:,}"
                if check == "since"
                else f"{what} signs the root of {_whose(what)} first {checkpoint.size:,} events"
            )
            done.summary = f"{done.summary}; {text}" if done.summary else text
            if checkpoint.size > self.signed_through:
                self.latest = checkpoint
                self.signed_through = checkpoint.size

    def _signed(self, size: int, what: str) -> None:
        if size >= self.signed_size:
            self.signed_size, self.signed_by = size, what

    def _require_signed_tail(self, fix: str) -> None:
        """Fail unless a signature covers every event (whether the roots it signs match
        is the other checks' to say)."""
        n, signed = self.tree.end, self.signed_size
        if signed >= n:
            return
        tail = n - signed
        events = f"{tail:,} event{'s' if tail > 1 else ''} (seq {signed + 1:,} to {n:,})"
        latest = (
            f"the latest signature, {self.signed_by}, covers {signed:,}"
            if signed
            else "no signature covers any"
        )
        self.report.fail(
            "checkpoints",
            f"{events} signed by no checkpoint: {latest}; {fix}",
            signed + 1,
            self.types.get(signed + 1),
        )


#: How an outside checkpoint is named, by the check it is for.
_ANCHORS = {"since": "the checkpoint given (--since)", "checkpoints": "the export's checkpoint"}

#: Events checked against the root of the log before them.
_ROOTED = frozenset({ev.CHECKPOINT_LOGGED, ev.ELECTION_CLOSED})


def _whose(what: str) -> str:
    return "its" if what.startswith("the export") else "the log's"


def _unsigned_size(note: bytes) -> int | None:
    """The tree size a checkpoint note claims, read before its signature is checked."""
    try:
        return Checkpoint.parse(parse_note(note)[0]).size
    except SovietError:
        return None


def first_difference(logged: Any, recounted: Any, path: str = "") -> str | None:
    """Where two JSON values first differ, as `path: logged X, recounted Y`."""
    return rederive.first_difference(logged, recounted, path, "recounted")
