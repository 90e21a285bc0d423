"""The state the decider reads, as a port, and `MemoryState`, the log's state in memory.

`State` is what the rules need to know of an organization at one moment: its charter
(bodies, offices, founders), who belongs where, the mandates, elections and petitions,
the next id of each kind, and the size of the log (the seq the next event will get). The
decider never writes to it; to let consequences see the events derived before them, it
opens a `Trial`: a view of the state to which derived events are applied as they are
derived, and which leaves the state as it was when it ends.

`MemoryState` applies every event type of the catalogue, event by event, in plain dicts
and sets — O(1) for a ballot, a signature or a vote — so that a whole log can be replayed
and each act re-derived in one pass (`soviet.domain.rederive`). Its trial keeps a journal
of what each applied event changed (`soviet.domain._journal`) and undoes it, newest first,
when the trial ends; its elections and petitions are rows (`soviet.domain._rows`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from fractions import Fraction
from typing import Any, Literal, Protocol

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain._key_state import KeyState
from soviet.domain._motion_state import MotionState
from soviet.domain._rows import ElectionRow, PetitionRow
from soviet.domain._secret_state import SecretState
from soviet.domain.charter.standing import founding_rules
from soviet.domain.events import Recorded
from soviet.domain.model import Body, Member, Office, Procedure, Rules
from soviet.domain.records import (
    CodeRecord,
    ElectionRecord,
    KeyRecord,
    MandateRecord,
    MotionRecord,
    PetitionRecord,
)
from soviet.domain.secret_rows import SecretRow
from soviet.errors import NotFound

IdKind = Literal["election", "mandate", "petition", "motion"]

#: The prefix of the ids the system gives, by kind: E1, M1, P1, R1 (a motion: a
#: resolution put to a body), numbered from 1.
PREFIXES: Mapping[IdKind, str] = {"election": "E", "mandate": "M", "petition": "P", "motion": "R"}


class State(Protocol):
    """What the rules read of an organization's state; storage and memory implement it."""

    @property
    def size(self) -> int:
        """How many events the log holds: the next event's seq is one more."""
        ...

    @property
    def signed(self) -> bool:
        """Whether the log was founded with a verifier key (closes log a checkpoint)."""
        ...

    def founders(self) -> tuple[str, ...]: ...

    def bodies(self) -> Mapping[str, Body]: ...

    def offices(self) -> Mapping[str, Office]: ...

    def offices_with(self, power: str) -> list[Office]:
        """The standing offices that hold `power`, in the charter's order."""
        ...

    def offices_of(self, bodies: Collection[str], seating_in: Collection[str] = ()) -> list[Office]:
        """The standing offices of these bodies and those that seat their holders in these
        councils, in the charter's order."""
        ...

    def member(self, member_id: str) -> Member:
        """The member, or NotFound."""
        ...

    def member_ids(self) -> AbstractSet[str]: ...

    def assembly_members(self, body: str) -> AbstractSet[str]: ...

    def seated(self, council: str) -> AbstractSet[str]:
        """The holders of active mandates whose office seats them in `council`."""
        ...

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]:
        """Active mandates, of one office or one holder if asked, in order of their ids."""
        ...

    def mandate(self, mandate_id: str) -> MandateRecord:
        """The mandate, or NotFound."""
        ...

    def terms_ended(self, now: str) -> list[MandateRecord]:
        """Active mandates whose term ran out by `now`, in order of their ids."""
        ...

    def election(self, election_id: str) -> ElectionRecord:
        """The election, or NotFound."""
        ...

    def pending_election(self, office: str) -> ElectionRecord | None:
        """The office's election that is not closed, if any."""
        ...

    def ballots(self, election_id: str) -> Sequence[tuple[str, tuple[str, ...] | None]]:
        """Each voter's latest ballot of an election as (voter, choice): an empty choice
        is a blank ballot, None an abstention."""
        ...

    def paper_ballots(self, election_id: str) -> Sequence[tuple[int, tuple[str, ...]]]:
        """The paper ballots the tellers imported into an election, as (how many, choice),
        in the order of the import: an empty choice is a blank ballot."""
        ...

    def ballot_seq(self, election_id: str, voter: str) -> int | None:
        """The seq of the voter's latest ballot in the election, if they voted."""
        ...

    def recall_vote_seq(self, petition_id: str, voter: str) -> int | None:
        """The seq of the voter's latest vote in the petition's recall vote, if any."""
        ...

    def last_failed_recall(self, mandate_id: str) -> str | None:
        """When the latest recall vote on the mandate that failed was closed, if any."""
        ...

    def pending_elections(self, due_by: str | None = None) -> list[ElectionRecord]:
        """Every election not closed (nominating, voting or tallying), by office; with
        `due_by`, only those whose nominations ended by that instant with a candidate
        standing (while nominating) or whose vote did (after) in an office whose
        procedure closes a vote by itself (`auto_close`): the ones the clock may have made
        due. A vote that ended and waits for someone to close it is not asked again by
        every act."""
        ...

    def live_petitions(self, due_by: str | None = None) -> list[PetitionRecord]:
        """Every petition open, voting or tallying; with `due_by`, only those that expire
        (while open) or whose vote ends (while voting) by that instant."""
        ...

    def petition(self, petition_id: str) -> PetitionRecord:
        """The petition, or NotFound."""
        ...

    def live_petition(self, mandate_id: str) -> PetitionRecord | None:
        """The mandate's petition that is open or voting, if any."""
        ...

    def next_id(self, kind: IdKind) -> str:
        """The id the next election, mandate, petition or motion opened will get."""
        ...

    # -- motions ---------------------------------------------------------------------------

    def name(self) -> str:
        """The organization's name."""
        ...

    def rules(self) -> Rules:
        """The charter's `[rules]` as they stand: a motion's voting period, quorum and
        majority; every office's defaults."""
        ...

    def motion(self, motion_id: str) -> MotionRecord:
        """The motion, or NotFound."""
        ...

    def decisions(self, body: str) -> int:
        """How many decisions the body has adopted."""
        ...

    # -- secret ballots --------------------------------------------------------------------

    def secret_rows(self, subject: str) -> Sequence[SecretRow]:
        """The events of a key ceremony or a secret vote (`soviet.domain.secrecy`), in
        order; none for a subject that has none."""
        ...

    # -- members' keys ---------------------------------------------------------------------

    def origin(self) -> str:
        """The organization's origin: every statement it records names it."""
        ...

    def enrollment_days(self) -> int | None:
        """The days an enrollment code is good for; None for a log whose acts are not
        signed (founded before members held keys, and not since adopted them)."""
        ...

    def key_of(self, member: str) -> KeyRecord | None:
        """The key the member signs with now; None if they hold none."""
        ...

    def code_of(self, member: str) -> CodeRecord | None:
        """The member's latest enrollment code, if it is not used yet."""
        ...

    def nonce_seq(self, member: str, nonce: str) -> int | None:
        """The seq of the act the member signed with this nonce, if any."""
        ...

    def trial(self) -> AbstractContextManager[Trial]:
        """A view of this state that derived events can be applied to; when it ends, this
        state is as it was."""
        ...


class Trial(State, Protocol):
    """A state that derived events are applied to, one at a time, as they are derived."""

    def stage(self, event: Recorded, payload: c.Payload) -> None:
        """Apply a derived event (its data decoded as `payload`): later reads see it."""
        ...


# -- in memory ---------------------------------------------------------------------------


_NOBODY: frozenset[str] = frozenset()
_Ending = c.MandateRecalled | c.MandateLapsed | c.MandateExpired | c.MandateResigned


def body_of_data(b: c.BodyData) -> Body:
    """A body as the log writes it (the founding's, an amendment's), read."""
    return Body(b.id, b.name, b.kind, b.parent, b.apportion, b.council_seats, bool(b.weighted))


def office_of_data(o: c.OfficeData) -> Office:
    """An office as the log writes it (the founding's, an amendment's), read."""
    return Office(
        id=o.id,
        body=o.body,
        title=o.title,
        seats=o.seats,
        method=o.method,
        seat_in=o.seat_in,
        eligible=o.eligible,
        powers=frozenset(o.powers),
        term_days=o.term_days,
        voting_days=o.voting_days,
        recall_petition=Fraction(o.recall_petition),
        recall_immediate=Fraction(o.recall_immediate),
        recall_quorum=Fraction(o.recall_quorum),
        procedure=Procedure.from_json(o.procedure),
    )


def _election_due(row: ElectionRow, now: str, offices: Mapping[str, Office]) -> bool:
    """Whether the clock may have made an election not closed due by `now`: one whose
    nominations ended with a candidate standing, or whose vote ended where its office's
    procedure closes a vote by itself."""
    if row.status == "nominating":
        ends = row.nominations_end if row.candidates else None
    else:
        office = offices.get(row.office)
        closes_itself = office is not None and office.procedure.auto_close
        ends = row.voting_ends if closes_itself else None
    return ends is not None and ends <= now


def _petition_due(row: PetitionRow, now: str) -> bool:
    """Whether the clock may have made a live petition due by `now`."""
    if row.status == "open":
        return row.expires is not None and row.expires <= now
    return row.status == "voting" and row.voting_ends is not None and row.voting_ends <= now


def _number(ident: str) -> int:
    """The number of a system id (`E12` is 12); 0 for one that has none, such as a forged
    id, which then never sets the next id."""
    digits = ident[1:]
    return int(digits) if digits.isascii() and digits.isdigit() else 0


class MemoryState(KeyState, SecretState, MotionState):
    """The state of a log, kept in memory and advanced one recorded event at a time.

    Besides `trial`, the rederivation of a log opens a trial with `begin_trial` and settles
    it with `undo_from` and `end_trial` (`soviet.domain._journal`), keeping the derived
    events that are the logged ones."""

    def __init__(self) -> None:
        super().__init__()
        self._size = 0
        self._signed = False
        self._founders: tuple[str, ...] = ()
        self._bodies: dict[str, Body] = {}
        self._offices: dict[str, Office] = {}
        self._names: dict[str, str] = {}
        self._bodies_of: dict[str, set[str]] = {}
        self._members_of: dict[str, set[str]] = {}
        self._mandates: dict[str, MandateRecord] = {}
        self._active: dict[str, None] = {}  # ordered sets of mandate ids
        self._active_in: dict[str, dict[str, None]] = {}  # by office
        self._active_of: dict[str, dict[str, None]] = {}  # by holder
        self._seated: dict[str, dict[str, int]] = {}  # council -> holder -> seats held
        self._seated_sets: dict[str, frozenset[str]] = {}
        self._elections: dict[str, ElectionRow] = {}
        self._pending: dict[str, str] = {}  # office -> its election not closed
        self._petitions: dict[str, PetitionRow] = {}
        self._live: dict[str, str] = {}  # mandate -> its petition open or voting
        self._failed_votes: dict[str, str] = {}  # mandate -> when its last recall vote failed
        self._highest: dict[IdKind, int] = {"election": 0, "mandate": 0, "petition": 0, "motion": 0}

    # -- applying events -------------------------------------------------------------------

    def apply(self, event: Recorded) -> None:
        """Apply one recorded event (EventFormatError if its data does not fit its type)."""
        self.stage(event, c.decode(event.type, event.data))

    def stage(self, event: Recorded, payload: c.Payload) -> None:
        """Apply one event whose data is already decoded; within a trial, journalled."""
        if self._journal is None:  # replaying a log: as few calls as an event can take
            _APPLY[event.type](self, event, payload)
            if event.signed is not None:
                self._note_statement(event)
            self._size = event.seq
            return
        self._mark()
        _APPLY[event.type](self, event, payload)
        if event.signed is not None:
            self._note_statement(event)
        self._set_attr(self, "_size", event.seq)

    def skip(self, event: Recorded) -> None:
        """Count an event that cannot be applied (its data does not fit its type, or it
        names what does not exist), so that the seqs after it stay right."""
        self._set_attr(self, "_size", event.seq)

    @contextmanager
    def _trial(self) -> Iterator[MemoryState]:
        self.begin_trial()
        try:
            yield self
        finally:
            self.undo_from(0)
            self.end_trial()

    def trial(self) -> AbstractContextManager[MemoryState]:
        return self._trial()

    def _count_number(self, kind: IdKind, ident: str) -> None:
        number = _number(ident)
        if number > self._highest[kind]:
            self._put(self._highest, kind, number)

    # -- one function per event type ---------------------------------------------------------

    def _founded(self, e: Recorded, p: c.OrganizationFounded) -> None:
        self._keys_founded(p)
        self._set_attr(self, "_name", p.name)
        self._set_attr(self, "_rules", founding_rules(dataclasses.asdict(p.rules)))
        self._set_attr(self, "_signed", p.verifier_key is not None)
        self._set_attr(self, "_founders", tuple(p.founders))
        for b in p.bodies:
            self._put(self._bodies, b.id, body_of_data(b))
        for o in p.offices:
            self._put(self._offices, o.id, office_of_data(o))

    def _body_dissolved(self, e: Recorded, p: c.BodyDissolved) -> None:
        """The body and its offices are no more; their elections under way close."""
        for office in p.offices:
            pending = self._pending.get(office)
            if pending is not None:
                self._set_attr(self._elections[pending], "status", "closed")
                self._drop(self._pending, office)
            self._drop(self._offices, office)
        self._drop(self._bodies, p.body)

    def _reapportioned(self, e: Recorded, p: c.OfficeReapportioned) -> None:
        self._put(self._offices, p.office, replace(self._offices[p.office], seats=p.seats))

    def _charter_amended(self, e: Recorded, p: c.CharterAmended) -> None:
        """New bodies and offices, changed offices (their holders seated anew where their
        `seat_in` changed) and the rules."""
        for b in p.bodies:
            self._put(self._bodies, b.id, body_of_data(b))
        for o in p.offices:
            office = office_of_data(o)
            before = self._offices.get(o.id)
            self._put(self._offices, o.id, office)
            if before is not None and before.seat_in != office.seat_in:
                for mandate in self.active_mandates(office=o.id):
                    if before.seat_in is not None:
                        self._seat(before.seat_in, mandate.holder, -1)
                    if office.seat_in is not None:
                        self._seat(office.seat_in, mandate.holder, +1)
        if p.rules is not None:
            self._set_attr(self, "_rules", founding_rules(dataclasses.asdict(p.rules)))

    def _admitted(self, e: Recorded, p: c.MemberAdmitted) -> None:
        self._code_admitted(e, p)
        self._put(self._names, p.member, p.name)
        if p.member not in self._bodies_of:
            self._put(self._bodies_of, p.member, set())
        for body in p.bodies:
            self._join(p.member, body)

    def _join(self, member: str, body: str) -> None:
        self._add(self._bodies_of[member], body)
        if body not in self._members_of:
            self._put(self._members_of, body, set())
        self._add(self._members_of[body], member)

    def _joined(self, e: Recorded, p: c.MemberJoined) -> None:
        self._join(p.member, p.body)

    def _left(self, e: Recorded, p: c.MemberLeft) -> None:
        self._discard(self._bodies_of.get(p.member, set()), p.body)
        self._discard(self._members_of.get(p.body, set()), p.member)

    def _mandate_started(self, e: Recorded, p: c.MandateImported | c.MandateGranted) -> None:
        election = p.election if isinstance(p, c.MandateGranted) else None
        until = p.until if isinstance(p, c.MandateGranted) else None
        record = MandateRecord(
            p.mandate, p.office, p.holder, p.seat, "active", election, e.at, until
        )
        self._put(self._mandates, p.mandate, record)
        self._count_number("mandate", p.mandate)
        self._put(self._active, p.mandate, None)
        for index, key in ((self._active_in, p.office), (self._active_of, p.holder)):
            if key not in index:
                self._put(index, key, {})
            self._put(index[key], p.mandate, None)
        council = self._offices[p.office].seat_in
        if council is not None:
            self._seat(council, p.holder, +1)

    def _seat(self, council: str, holder: str, change: int) -> None:
        if council not in self._seated:
            self._put(self._seated, council, {})
        holders = self._seated[council]
        held = holders.get(holder, 0) + change
        if held > 0:
            self._put(holders, holder, held)
        else:
            self._drop(holders, holder)
        self._forget_seated(council)
        self._on_undo(lambda: self._forget_seated(council))  # rebuilt after an undo

    def _forget_seated(self, council: str) -> None:
        self._seated_sets.pop(council, None)

    def _mandate_ended(self, e: Recorded, p: _Ending) -> None:
        old = self._mandates[p.mandate]
        self._put(self._mandates, p.mandate, replace(old, status=ev.MANDATE_ENDINGS[e.type]))
        if p.mandate in self._active:
            self._drop(self._active, p.mandate)
            self._drop(self._active_in[old.office], p.mandate)
            self._drop(self._active_of[old.holder], p.mandate)
            council = self._offices[old.office].seat_in
            if council is not None:
                self._seat(council, old.holder, -1)
        if isinstance(p, c.MandateRecalled) and p.by == "signatures" and p.petition is not None:
            petition = self._petitions[p.petition]
            self._set_attr(petition, "status", "recalled")
            if self._live.get(petition.mandate) == petition.id:
                self._drop(self._live, petition.mandate)

    def _election_opened(self, e: Recorded, p: c.ElectionOpened) -> None:
        kind = p.kind or ("regular" if p.cause is None else "by-election")
        row = ElectionRow(p.election, p.office, p.seats, kind, p.nominations_end)
        self._put(self._elections, p.election, row)
        self._count_number("election", p.election)
        if p.office not in self._pending:
            self._put(self._pending, p.office, p.election)

    def _nominated(self, e: Recorded, p: c.CandidateNominated) -> None:
        election = self._elections[p.election]
        legacy = self._offices[election.office].procedure.legacy
        if e.actor == p.candidate or legacy:  # once, a nomination counted without consent
            self._append(election.candidates, p.candidate)
        else:
            self._append(election.pending, p.candidate)

    def _accepted(self, e: Recorded, p: c.CandidateAccepted) -> None:
        election = self._elections[p.election]
        self._remove(election.pending, p.candidate)
        self._append(election.candidates, p.candidate)

    def _withdrew(self, e: Recorded, p: c.CandidateWithdrew) -> None:
        election = self._elections[p.election]
        for names in (election.candidates, election.pending):
            if p.candidate in names:
                self._remove(names, p.candidate)
        self._append(election.withdrawn, p.candidate)

    def _started(self, e: Recorded, p: c.ElectionStarted) -> None:
        election = self._elections[p.election]
        self._set_attr(election, "status", "voting")
        self._set_attr(election, "seats", p.seats)
        self._set_attr(election, "voting_ends", p.voting_ends)
        self._set_attr(election, "started_at", e.at)
        self._set_attr(election, "roll", self._roll(election.office, p.roll))
        if p.secret is not None:
            self._note_secret(e, p)

    def _extended(self, e: Recorded, p: c.ElectionExtended) -> None:
        election = self._elections[p.election]
        self._set_attr(election, "voting_ends", p.voting_ends)
        self._set_attr(election, "extended_by", e.actor)

    def _electorate_now(self, body: str) -> AbstractSet[str]:
        if self._bodies[body].kind == "assembly":
            return set(self._members_of.get(body, _NOBODY))
        return set(self.seated(body))

    def _count_motion(self, ident: str) -> None:
        self._count_number("motion", ident)

    def _roll(self, office: str, inline: tuple[str, ...] | None) -> set[str]:
        """The roll a vote of the office starts with: the electorate as it is now (or, in
        a log that kept rolls inline, the roll as logged)."""
        if inline is not None:
            return set(inline)
        body = self._bodies[self._offices[office].body]
        if body.kind == "assembly":
            return set(self._members_of.get(body.id, _NOBODY))
        return set(self.seated(body.id))

    def _ballot(self, e: Recorded, p: c.BallotCast) -> None:
        election = self._elections[p.election]
        assert e.actor is not None, "a ballot is cast by a member"
        choice = None if p.abstain else p.choice
        if p.sealed is not None:
            self._note_secret(e, p)
        if self._journal is None:  # most of a log's events
            election.ballots[e.actor] = choice
            election.seqs[e.actor] = e.seq
            return
        self._put(election.ballots, e.actor, choice)
        self._put(election.seqs, e.actor, e.seq)

    def _paper(self, e: Recorded, p: c.BallotsImported) -> None:
        election = self._elections[p.election]
        imported = tuple((b.count, tuple(b.choice)) for b in p.ballots)
        self._set_attr(election, "paper", election.paper + imported)

    def _tallying(self, vote: str) -> None:
        row: object = self._elections.get(vote) or self._petitions.get(vote) or self._motions[vote]
        self._set_attr(row, "status", "tallying")

    def _closed(self, e: Recorded, p: c.ElectionClosed) -> None:
        if p.cause is not None:
            self._note_secret(e, p)  # a secret election's, once decrypted
        election = self._elections[p.election]
        self._set_attr(election, "status", "closed")
        if self._pending.get(election.office) == election.id:
            self._drop(self._pending, election.office)

    def _petition_opened(self, e: Recorded, p: c.PetitionOpened) -> None:
        petition = PetitionRow(p.petition, p.mandate, p.expires)
        self._put(self._petitions, p.petition, petition)
        self._count_number("petition", p.petition)
        if e.actor is not None:
            petition.signers.add(e.actor)
        if p.mandate not in self._live:
            self._put(self._live, p.mandate, p.petition)

    def _signed_petition(self, e: Recorded, p: c.PetitionSigned) -> None:
        assert e.actor is not None, "a petition is signed by a member"
        self._add(self._petitions[p.petition].signers, e.actor)

    def _vote_opened(self, e: Recorded, p: c.RecallVoteOpened) -> None:
        petition = self._petitions[p.petition]
        self._set_attr(petition, "status", "voting")
        self._set_attr(petition, "voting_ends", p.voting_ends)
        office = self._mandates[petition.mandate].office
        self._set_attr(petition, "roll", self._roll(office, p.roll))
        if p.secret is not None:
            self._note_secret(e, p)

    def _recall_ballot(self, e: Recorded, p: c.RecallBallotCast) -> None:
        assert e.actor is not None, "a recall vote is cast by a member"
        if p.sealed is not None:
            self._note_secret(e, p)
        petition = self._petitions[p.petition]
        self._put(petition.votes, e.actor, p.vote)
        self._put(petition.seqs, e.actor, e.seq)

    def _recall_closed(self, e: Recorded, p: c.RecallClosed) -> None:
        if p.cause is not None:
            self._note_secret(e, p)  # a secret recall vote's, once decrypted
        petition = self._petitions[p.petition]
        self._set_attr(petition, "status", p.outcome)
        if self._live.get(petition.mandate) == petition.id:
            self._drop(self._live, petition.mandate)
        if p.outcome == "failed" and p.result is not None:  # a recall vote that failed
            self._put(self._failed_votes, petition.mandate, e.at)

    def _nothing(self, e: Recorded, p: c.Payload) -> None:
        """Events that change no state the rules read (a logged checkpoint)."""

    # -- reading ---------------------------------------------------------------------------

    @property
    def size(self) -> int:
        return self._size

    @property
    def signed(self) -> bool:
        return self._signed

    @property
    def legacy(self) -> bool:
        """Whether the log was founded before procedures were logged."""
        return any(o.procedure.legacy for o in self._offices.values())

    def founders(self) -> tuple[str, ...]:
        return self._founders

    def bodies(self) -> Mapping[str, Body]:
        return self._bodies

    def offices(self) -> Mapping[str, Office]:
        return self._offices

    def offices_with(self, power: str) -> list[Office]:
        return [o for o in self._offices.values() if power in o.powers]

    def offices_of(self, bodies: Collection[str], seating_in: Collection[str] = ()) -> list[Office]:
        return [o for o in self._offices.values() if o.body in bodies or o.seat_in in seating_in]

    def member(self, member_id: str) -> Member:
        name = self._names.get(member_id)
        if name is None:
            raise NotFound("member", member_id)
        return Member(member_id, name, tuple(sorted(self._bodies_of[member_id])))

    def member_ids(self) -> AbstractSet[str]:
        return self._names.keys()

    def assembly_members(self, body: str) -> AbstractSet[str]:
        return self._members_of.get(body, _NOBODY)

    def seated(self, council: str) -> AbstractSet[str]:
        held = self._seated_sets.get(council)
        if held is None:
            held = self._seated_sets[council] = frozenset(self._seated.get(council, ()))
        return held

    def active_mandates(
        self, office: str | None = None, holder: str | None = None
    ) -> list[MandateRecord]:
        if office is not None:
            ids: Iterator[str] | dict[str, None] = self._active_in.get(office, {})
            if holder is not None:
                ids = (m for m in ids if self._mandates[m].holder == holder)
        elif holder is not None:
            ids = self._active_of.get(holder, {})
        else:
            ids = self._active
        return sorted((self._mandates[m] for m in ids), key=lambda m: _number(m.id))

    def terms_ended(self, now: str) -> list[MandateRecord]:
        return [m for m in self.active_mandates() if m.expired_at(now)]

    def mandate(self, mandate_id: str) -> MandateRecord:
        found = self._mandates.get(mandate_id)
        if found is None:
            raise NotFound("mandate", mandate_id)
        return found

    def election(self, election_id: str) -> ElectionRecord:
        found = self._elections.get(election_id)
        if found is None:
            raise NotFound("election", election_id)
        return found.record()

    def pending_election(self, office: str) -> ElectionRecord | None:
        ident = self._pending.get(office)
        return None if ident is None else self._elections[ident].record()

    def ballots(self, election_id: str) -> Sequence[tuple[str, tuple[str, ...] | None]]:
        found = self._elections.get(election_id)
        if found is None:
            raise NotFound("election", election_id)
        return list(found.ballots.items())

    def paper_ballots(self, election_id: str) -> Sequence[tuple[int, tuple[str, ...]]]:
        found = self._elections.get(election_id)
        if found is None:
            raise NotFound("election", election_id)
        return found.paper

    def ballot_seq(self, election_id: str, voter: str) -> int | None:
        found = self._elections.get(election_id)
        return None if found is None else found.seqs.get(voter)

    def recall_vote_seq(self, petition_id: str, voter: str) -> int | None:
        found = self._petitions.get(petition_id)
        return None if found is None else found.seqs.get(voter)

    def last_failed_recall(self, mandate_id: str) -> str | None:
        return self._failed_votes.get(mandate_id)

    def pending_elections(self, due_by: str | None = None) -> list[ElectionRecord]:
        rows = (self._elections[ident] for ident in self._pending.values())
        if due_by is not None:
            rows = (row for row in rows if _election_due(row, due_by, self._offices))
        return [row.record() for row in rows]

    def live_petitions(self, due_by: str | None = None) -> list[PetitionRecord]:
        rows = (self._petitions[ident] for ident in self._live.values())
        if due_by is not None:
            rows = (row for row in rows if _petition_due(row, due_by))
        return [row.record() for row in rows]

    def petition(self, petition_id: str) -> PetitionRecord:
        found = self._petitions.get(petition_id)
        if found is None:
            raise NotFound("petition", petition_id)
        return found.record()

    def live_petition(self, mandate_id: str) -> PetitionRecord | None:
        ident = self._live.get(mandate_id)
        return None if ident is None else self._petitions[ident].record()

    def next_id(self, kind: IdKind) -> str:
        return f"{PREFIXES[kind]}{self._highest[kind] + 1}"


Apply = Callable[[MemoryState, Recorded, Any], None]

_APPLY: Mapping[str, Apply] = {
    ev.ORGANIZATION_FOUNDED: MemoryState._founded,
    ev.MEMBER_ADMITTED: MemoryState._admitted,
    ev.MEMBER_JOINED: MemoryState._joined,
    ev.MEMBER_LEFT: MemoryState._left,
    ev.MANDATE_IMPORTED: MemoryState._mandate_started,
    ev.MANDATE_GRANTED: MemoryState._mandate_started,
    ev.MANDATE_RECALLED: MemoryState._mandate_ended,
    ev.MANDATE_LAPSED: MemoryState._mandate_ended,
    ev.MANDATE_EXPIRED: MemoryState._mandate_ended,
    ev.MANDATE_RESIGNED: MemoryState._mandate_ended,
    ev.ELECTION_OPENED: MemoryState._election_opened,
    ev.CANDIDATE_NOMINATED: MemoryState._nominated,
    ev.CANDIDATE_ACCEPTED: MemoryState._accepted,
    ev.CANDIDATE_WITHDREW: MemoryState._withdrew,
    ev.ELECTION_STARTED: MemoryState._started,
    ev.BALLOT_CAST: MemoryState._ballot,
    ev.BALLOTS_IMPORTED: MemoryState._paper,
    ev.ELECTION_EXTENDED: MemoryState._extended,
    ev.ELECTION_CLOSED: MemoryState._closed,
    ev.PETITION_OPENED: MemoryState._petition_opened,
    ev.PETITION_SIGNED: MemoryState._signed_petition,
    ev.RECALL_VOTE_OPENED: MemoryState._vote_opened,
    ev.RECALL_BALLOT_CAST: MemoryState._recall_ballot,
    ev.RECALL_CLOSED: MemoryState._recall_closed,
    ev.CHECKPOINT_LOGGED: MemoryState._nothing,
    ev.MEMBER_KEY_REGISTERED: MemoryState._key_registered,
    ev.MEMBER_KEY_RESET: MemoryState._key_reset,
    ev.CODES_ISSUED: MemoryState._codes_issued,
    ev.KEYS_ADOPTED: MemoryState._keys_adopted,
    ev.MOTION_PROPOSED: MemoryState._motion_proposed,
    ev.MOTION_SECONDED: MemoryState._motion_seconded,
    ev.MOTION_REFERRED: MemoryState._motion_referred,
    ev.MOTION_STARTED: MemoryState._motion_started,
    ev.MOTION_VOTE_CAST: MemoryState._motion_vote,
    ev.MOTION_CLOSED: MemoryState._motion_closed,
    ev.DECISION_ADOPTED: MemoryState._decision_adopted,
    ev.INSTRUCTION_BREACHED: MemoryState._nothing,
    ev.CHARTER_AMENDED: MemoryState._charter_amended,
    ev.OFFICE_REAPPORTIONED: MemoryState._reapportioned,
    ev.BODY_DISSOLVED: MemoryState._body_dissolved,
    ev.TRUSTEE_STEP: MemoryState._note_secret,
    ev.TRUSTEES_KEYED: MemoryState._note_secret,
    ev.VOTE_TALLIED: MemoryState._tallied,
    ev.TALLY_SHARED: MemoryState._note_secret,
}
