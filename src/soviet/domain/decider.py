"""The decider: a command and the state before it in, the act's events and every
consequence out.

`decide(state, command, now, seed=...)` checks the act with the rule functions of
`elections`, `recall`, `mandates`, `admission` and `audit`, derives its event (a close's
in `closes`; what the system takes of itself in `due`), and then runs the
policies registered for that event's type (`soviet.domain.policies`); a policy derives
further events, whose own policies run in turn, depth first — the order in which the log
records them. Each derived event is applied to a trial of the state (`State.trial`) before
its policies run, so every consequence sees the state as the events before it left it,
and the state passed in is as it was when `decide` returns (`derive` leaves the trial to
its caller).

What the decider cannot do itself comes in as arguments or is left to the caller:

- `now`, the instant of the act (every event of one act has it);
- `seed`, the log's root hash before the act: only a close in a log founded before fair
  lots draws its lots from it (every other close draws them from the election's own
  record, `soviet.domain.closing`);
- the signed checkpoint a close logs when the log has a key: the decider derives a
  `checkpoint.logged` event whose `checkpoint` is `UNSIGNED`; the caller puts in the
  signed note of the tree at the size before that event (the events before it), and a
  verifier checks the logged note is one (see `soviet.domain.rederive`).

Consequences have `actor` None and `cause`, the seq of the event that caused them: the
decider knows the seq each event will get, the state's size plus one for the first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from soviet.domain import admission, closes, closing, ids, mandates, recall
from soviet.domain import catalogue as c
from soviet.domain import commands as cmd
from soviet.domain import elections as rules
from soviet.domain.audit import live_holders, open_seats
from soviet.domain.clock import after_days
from soviet.domain.electorates import admitters, electorate, eligible, office_of
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Member
from soviet.domain.policies import POLICIES, UNSIGNED, Derived
from soviet.domain.state import State, Trial
from soviet.errors import NotFound, Refused

if TYPE_CHECKING:
    pass

__all__ = [
    "ALONE",
    "HANDLERS",
    "UNSIGNED",
    "Decision",
    "Logged",
    "admitters",
    "alone",
    "decide",
    "derive",
    "derive_alone",
    "electorate",
    "eligible",
    "handles",
    "office_of",
]


class Logged(NamedTuple):
    """The logged event of an act being re-derived, its data decoded: the derived event
    equal to it is applied as it, its data not decoded a second time."""

    event: Recorded
    payload: c.Payload


class Decision:
    """One act being decided: the trial state, the instant, the seed, the events so far."""

    def __init__(self, state: Trial, now: str, seed: bytes, logged: Logged | None = None) -> None:
        self.state = state
        self.now = now
        self.seed = seed
        self.events: list[Event] = []
        self._logged = logged

    def emit(self, event: Event, *, refill: bool = True) -> int:
        """Derive an event: apply it to the trial, then run its type's policies. Returns
        the seq it will get."""
        seq = self.state.size + 1
        logged, self._logged = self._logged, None  # the act's own event comes first
        if logged is not None and _is(logged.event, event, seq, self.now):
            recorded, payload = logged.event, logged.payload
        else:
            recorded = Recorded(seq, self.now, event.type, event.actor, event.data)
            payload = c.decode(event.type, event.data)
        self.state.stage(recorded, payload)
        self.events.append(event)
        policies = POLICIES.get(event.type)
        if policies:
            derived = Derived(seq, event, payload, refill)
            for policy in policies:
                policy(self, derived)
        return seq


def _is(recorded: Recorded, event: Event, seq: int, now: str) -> bool:
    """Whether a recorded event is the event derived to get `seq` at `now`."""
    return (
        recorded.seq == seq
        and recorded.type == event.type
        and recorded.actor == event.actor
        and recorded.at == now
        and recorded.data == event.data
    )


Handler = Callable[[Decision, Any], None]

#: The handler of each command.
HANDLERS: dict[type, Handler] = {}


def handles(command: type) -> Callable[[Handler], Handler]:
    """Register the handler of a command."""

    def register(function: Handler) -> Handler:
        HANDLERS[command] = function
        return function

    return register


Alone = Callable[[State, Any, str], Event]

#: The acts that record one event and do nothing after it (a ballot, a recall vote),
#: by command: the event as the state before the act gives it.
ALONE: dict[type, Alone] = {}


def alone(command: type) -> Callable[[Alone], Alone]:
    """Register the rule of an act that records one event and nothing after it; its
    handler emits that event."""

    def register(function: Alone) -> Alone:
        def handle(d: Decision, act: Any) -> None:
            d.emit(function(d.state, act, d.now))

        ALONE[command] = function
        HANDLERS[command] = handle
        return function

    return register


def decide(state: State, command: cmd.Command, now: str, *, seed: bytes = b"") -> list[Event]:
    """The events of an act and all its consequences, in the order the log records them;
    Refused, NotFound or InputError if the rules do not allow it. `state` is left as it
    was; `seed` (the root hash of the log before the act) matters only to a close."""
    with state.trial() as trial:
        return derive(trial, command, now, seed=seed)


def derive(
    trial: Trial,
    command: cmd.Command,
    now: str,
    *,
    seed: bytes = b"",
    logged: Logged | None = None,
) -> list[Event]:
    """`decide` on a trial the caller opened, and ends as it sees fit: the derived events
    are left applied to it. `logged`, the act's logged event, spares decoding its data
    again where the derived event is the same."""
    decision = Decision(trial, now, seed, logged)
    HANDLERS[type(command)](decision, command)
    return decision.events


def derive_alone(state: State, command: cmd.Command, now: str) -> Event | None:
    """The one event of an act that records nothing else, read from the state before it
    without a trial (nothing after it reads the state it leaves); None for any other act,
    which `derive` decides. Refused, NotFound or InputError as `decide`."""
    rule = ALONE.get(type(command))
    if rule is None:
        return None
    event = rule(state, command, now)
    return None if event.type in POLICIES else event


# -- who may act ---------------------------------------------------------------------------


def require_member(state: State, member_id: str) -> None:
    """NotFound unless the member exists (as `State.member`, without reading them)."""
    if member_id not in state.member_ids():
        raise NotFound("member", member_id)


def _require_admitter(d: Decision, actor: str, body: str, leaving: str | None = None) -> None:
    require_member(d.state, actor)
    if body not in d.state.bodies():
        raise NotFound("body", body)
    admission.require_admitter(
        actor, body, d.state.bodies(), admitters(d.state, d.now), d.state.founders(), leaving
    )


# -- membership --------------------------------------------------------------------------


@handles(cmd.AdmitMember)
def _admit(d: Decision, act: cmd.AdmitMember) -> None:
    ids.check_id(act.member, "member id")
    name = ids.check_name(act.name.strip(), "member name") if act.name.strip() else act.member
    if act.member in d.state.member_ids():
        raise Refused(f"member {act.member!r} exists already; use `soviet member join`")
    for body in act.bodies:
        _require_admitter(d, act.actor, body)
    member = Member(act.member, name, tuple(act.bodies))
    event = admission.admit(member, act.actor, d.state.bodies())
    days = d.state.enrollment_days()
    if days is not None:  # the new member's enrollment code, by its hash
        keys.require_code_hash(act.code, "member add: the new member's code")
        code = {"code": act.code, "code_expires": after_days(d.now, days)}
        event = Event(event.type, event.actor, {**event.data, **code})
    elif act.code:
        raise Refused("this log was founded before members held keys: an admission takes no code")
    d.emit(event)


@handles(cmd.JoinBody)
def _join(d: Decision, act: cmd.JoinBody) -> None:
    member = d.state.member(act.member)
    _require_admitter(d, act.actor, act.body)
    d.emit(admission.join(member, act.body, act.actor, d.state.bodies()))


@handles(cmd.LeaveBody)
def _leave(d: Decision, act: cmd.LeaveBody) -> None:
    member = d.state.member(act.member)
    if act.body not in d.state.bodies():
        raise NotFound("body", act.body)
    if act.actor != act.member:
        require_member(d.state, act.actor)
        raise Refused(
            f"{act.actor!r} may not remove {act.member!r} from {act.body!r}: a member leaves "
            "of their own accord, and the power to admit is not a power to remove (removing "
            "a member is for the body itself to decide)"
        )
    d.emit(admission.leave(member, act.body, act.actor))


# -- elections ---------------------------------------------------------------------------


@handles(cmd.OpenElection)
def _open(d: Decision, act: cmd.OpenElection) -> None:
    s = d.state
    require_member(s, act.actor)
    office = office_of(s, act.office)
    seats = open_seats(office, s.active_mandates(office=office.id), eligible(s, office), d.now)
    d.emit(
        rules.open_election(
            office,
            act.actor,
            electorate(s, office),
            len(seats),
            s.pending_election(office.id),
            s.next_id("election"),
            d.now,
        )
    )


@handles(cmd.Nominate)
def _nominate(d: Decision, act: cmd.Nominate) -> None:
    s = d.state
    require_member(s, act.actor)
    require_member(s, act.candidate)
    election = s.election(act.election)
    office = office_of(s, election.office)
    can_stand = eligible(s, office)
    offices = s.offices()
    holdings = [offices[m.office] for m in s.active_mandates(holder=act.candidate)]
    d.emit(
        rules.nominate(
            election,
            office,
            act.actor,
            electorate(s, office),
            act.candidate,
            can_stand,
            live_holders(s.active_mandates(office=office.id), can_stand, d.now),
            holdings,
        )
    )


@handles(cmd.AcceptNomination)
def _accept(d: Decision, act: cmd.AcceptNomination) -> None:
    require_member(d.state, act.actor)
    d.emit(rules.accept(d.state.election(act.election), act.actor, act.candidate))


@handles(cmd.Withdraw)
def _withdraw(d: Decision, act: cmd.Withdraw) -> None:
    require_member(d.state, act.actor)
    d.emit(rules.withdraw(d.state.election(act.election), act.actor, act.candidate))


@handles(cmd.StartElection)
def _start(d: Decision, act: cmd.StartElection) -> None:
    s = d.state
    require_member(s, act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    seats = open_seats(office, s.active_mandates(office=office.id), eligible(s, office), d.now)
    started = rules.start(election, office, act.actor, electorate(s, office), len(seats), d.now)
    if closes.unopposed(election, office, len(seats)):
        d.emit(closes.returned_unopposed(election, act.actor))
        return
    d.emit(_secret_acts.secret_start(s, election, office, started, d.now))


@alone(cmd.CastBallot)
def _cast(s: State, act: cmd.CastBallot, now: str) -> Event:
    require_member(s, act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    previous = s.ballot_seq(election.id, act.actor)
    # a first ballot online may not take the votes cast beyond the roll, paper ones counted
    paper = 0 if previous is not None else sum(n for n, _ in s.paper_ballots(election.id))
    return rules.cast(
        election,
        office,
        act.actor,
        list(act.choice),
        eligible(s, office),
        now,
        previous=previous,
        abstain=act.abstain,
        paper_voters=paper,
    )


@handles(cmd.ImportPaper)
def _import_paper(d: Decision, act: cmd.ImportPaper) -> None:
    s = d.state
    for teller in act.tellers:
        require_member(s, teller)
    if act.tellers and act.tellers[0] != act.actor:
        raise Refused(f"the first teller acts: {act.actor!r} must be named first")
    election = s.election(act.election)
    office = office_of(s, election.office)
    if s.bodies()[office.body].weighted:
        raise Refused(
            f"council {office.body!r} weights its deputies' votes: a paper ballot names no "
            "voter, so it cannot be weighted; vote online"
        )
    d.emit(
        rules.import_paper(
            election,
            office,
            act.tellers,
            act.ballots,
            act.paper_voters,
            act.source,
            eligible(s, office),
            d.now,
            imported=closing.paper_voters(s.paper_ballots(election.id)),
        )
    )


@handles(cmd.ExtendVote)
def _extend(d: Decision, act: cmd.ExtendVote) -> None:
    s = d.state
    require_member(s, act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    ballots = closing.with_paper(s.ballots(election.id), s.paper_ballots(election.id))
    seen = closing.turnout(len(election.roll), ballots)
    met = closing.quorum_met(office, seen)
    d.emit(rules.extend(election, office, act.actor, act.days, met, d.now))


@handles(cmd.CloseElection)
def _close(d: Decision, act: cmd.CloseElection) -> None:
    s = d.state
    require_member(s, act.actor)
    election = s.election(act.election)
    paper = closing.paper_voters(s.paper_ballots(election.id))
    rules.may_close(election, act.actor, d.now, paper)
    d.emit(closes.election_closed(d.state, election, act.actor, d.now, d.seed))


# -- mandates ----------------------------------------------------------------------------


@handles(cmd.ResignMandate)
def _resign(d: Decision, act: cmd.ResignMandate) -> None:
    require_member(d.state, act.actor)
    mandate = d.state.mandate(act.mandate)
    d.emit(mandates.resign(mandate, act.actor, act.reason))


# -- recall ------------------------------------------------------------------------------


@handles(cmd.OpenPetition)
def _open_petition(d: Decision, act: cmd.OpenPetition) -> None:
    s = d.state
    require_member(s, act.actor)
    mandate = s.mandate(act.mandate)
    office = office_of(s, mandate.office)
    d.emit(
        recall.open_petition(
            mandate,
            office,
            act.actor,
            electorate(s, office),
            act.reason,
            s.live_petition(mandate.id),
            s.next_id("petition"),
            d.now,
            s.last_failed_recall(mandate.id),
        )
    )


@handles(cmd.SignPetition)
def _sign(d: Decision, act: cmd.SignPetition) -> None:
    s = d.state
    require_member(s, act.actor)
    petition = s.petition(act.petition)
    mandate = s.mandate(petition.mandate)
    office = office_of(s, mandate.office)
    d.emit(recall.sign(petition, mandate, office, act.actor, electorate(s, office)))


@alone(cmd.CastRecallVote)
def _recall_vote(s: State, act: cmd.CastRecallVote, now: str) -> Event:
    require_member(s, act.actor)
    petition = s.petition(act.petition)
    previous = s.recall_vote_seq(petition.id, act.actor)
    return recall.vote(petition, act.actor, act.vote, now, previous)


@handles(cmd.CloseRecallVote)
def _close_recall(d: Decision, act: cmd.CloseRecallVote) -> None:
    s = d.state
    require_member(s, act.actor)
    petition = s.petition(act.petition)
    recall.may_close(petition, act.actor, d.now)
    d.emit(closes.recall_closed(d.state, petition, act.actor))


# The acts the system takes of itself, the acts of keys and those of motions register
# their handlers here.
from soviet.domain import due as _due  # noqa: E402, F401
from soviet.domain import keys  # noqa: E402
from soviet.domain import motion_acts as _motion_acts  # noqa: E402, F401
from soviet.domain import secret_acts as _secret_acts  # noqa: E402
