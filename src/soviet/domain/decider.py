"""The decider: a command and the state before it in, the act's events and every
consequence out.

`decide(state, command, now, seed=...)` checks the act with the rule functions of
`elections`, `recall`, `admission` and `audit`, derives its event, and then runs the
policies registered for that event's type; a policy derives further events, whose own
policies run in turn, depth first — the order in which the log records them. Each derived
event is applied to a trial of the state (`State.trial`) before its policies run, so every
consequence sees the state as the events before it left it, and the state passed in is as
it was when `decide` returns.

What the decider cannot do itself comes in as arguments or is left to the caller:

- `now`, the instant of the act (every event of one act has it);
- `seed`, the log's root hash before the act: the lot of a close is drawn from it and the
  close records it;
- the signed checkpoint a close logs when the log has a key: the decider derives a
  `checkpoint.logged` event whose `checkpoint` is `UNSIGNED`; the caller puts in the
  signed note of the tree at the size before that event (the events before it), and a
  verifier checks the logged note is one (see `soviet.domain.rederive`).

Consequences have `actor` None and `cause`, the seq of the event that caused them: the
decider knows the seq each event will get, the state's size plus one for the first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from soviet.domain import admission, ids, recall
from soviet.domain import catalogue as c
from soviet.domain import commands as cmd
from soviet.domain import elections as rules
from soviet.domain import events as ev
from soviet.domain.audit import is_live, open_seats
from soviet.domain.clock import after_days
from soviet.domain.events import Event, Recorded
from soviet.domain.model import Member, Office
from soviet.domain.records import ElectionRecord
from soviet.domain.state import State, Trial
from soviet.errors import NotFound, Refused

if TYPE_CHECKING:
    from soviet import tally

#: The `checkpoint` of a derived `checkpoint.logged`, for the caller to sign.
UNSIGNED = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """An event as the decider derived it: the seq it will get, and its data decoded.

    `refill` is False for a mandate ended at a close because its seat was taken over:
    the close opens one by-election for the office after every seat is granted."""

    seq: int
    event: Event
    payload: c.Payload
    refill: bool = True


class Decision:
    """One act being decided: the trial state, the instant, the seed, the events so far."""

    def __init__(self, state: Trial, now: str, seed: bytes) -> None:
        self.state = state
        self.now = now
        self.seed = seed
        self.events: list[Event] = []

    def emit(self, event: Event, *, refill: bool = True) -> int:
        """Derive an event: apply it to the trial, then run its type's policies. Returns
        the seq it will get."""
        seq = self.state.size + 1
        payload = c.decode(event.type, event.data)
        self.state.stage(Recorded(seq, self.now, event.type, event.actor, event.data), payload)
        self.events.append(event)
        derived = Derived(seq, event, payload, refill)
        for policy in POLICIES.get(event.type, ()):
            policy(self, derived)
        return seq


Policy = Callable[[Decision, Derived], None]
Handler = Callable[[Decision, Any], None]

#: The policies of each event type, run in order after an event of that type.
POLICIES: dict[str, list[Policy]] = {}
#: The handler of each command.
HANDLERS: dict[type, Handler] = {}


def policy(*types: str) -> Callable[[Policy], Policy]:
    """Register a policy for events of the given types."""

    def register(function: Policy) -> Policy:
        for name in types:
            POLICIES.setdefault(name, []).append(function)
        return function

    return register


def handles(command: type) -> Callable[[Handler], Handler]:
    """Register the handler of a command."""

    def register(function: Handler) -> Handler:
        HANDLERS[command] = function
        return function

    return register


def decide(state: State, command: cmd.Command, now: str, *, seed: bytes = b"") -> list[Event]:
    """The events of an act and all its consequences, in the order the log records them;
    Refused, NotFound or InputError if the rules do not allow it. `state` is left as it
    was; `seed` (the root hash of the log before the act) matters only to a close."""
    handler = HANDLERS[type(command)]
    with state.trial() as trial:
        decision = Decision(trial, now, seed)
        handler(decision, command)
    return decision.events


# -- who elects and who may stand ----------------------------------------------------------


def office_of(state: State, office_id: str) -> Office:
    """The office, or NotFound."""
    offices = state.offices()
    if office_id not in offices:
        raise NotFound("office", office_id)
    return offices[office_id]


def electorate(state: State, office: Office) -> AbstractSet[str]:
    """The members of the office's body: people for an assembly, deputies for a council."""
    body = state.bodies()[office.body]
    if body.kind == "assembly":
        return state.assembly_members(body.id)
    return state.seated(body.id)


def eligible(state: State, office: Office) -> AbstractSet[str]:
    """Who may stand for (and keep) the office."""
    if office.eligible == "members":
        return state.member_ids()
    return electorate(state, office)


def admitters(state: State, now: str) -> Mapping[str, frozenset[str]]:
    """Each body's live holders of offices with the power to admit."""
    holders: dict[str, set[str]] = {}
    for office in state.offices().values():
        if "admit" not in office.powers:
            continue
        can_stand = eligible(state, office)
        for mandate in state.active_mandates(office=office.id):
            if is_live(mandate, can_stand, now):
                holders.setdefault(office.body, set()).add(mandate.holder)
    return {body: frozenset(names) for body, names in holders.items()}


def _require_admitter(d: Decision, actor: str, body: str, leaving: str | None = None) -> None:
    d.state.member(actor)
    if body not in d.state.bodies():
        raise NotFound("body", body)
    admission.require_admitter(
        actor, body, d.state.bodies(), admitters(d.state, d.now), d.state.founders(), leaving
    )


def count(
    state: State,
    election: ElectionRecord,
    office: Office,
    can_stand: Collection[str],
    now: str,
    seed: bytes,
) -> tuple[tally.Result, list[str]]:
    """The count of an election's ballots and its winners, as a close makes it: candidates
    not in `can_stand` are withdrawn, and so are those who hold another seat of the office
    by a live mandate; lots are drawn from `seed`."""
    from soviet import tally  # numpy is loaded only when something is counted

    candidates = election.candidates
    index = {name: number for number, name in enumerate(candidates)}
    # Identical choices counted first: the same profile, built from a few rows.
    choices = Counter(choice for _, choice in state.ballots(election.id))
    profile = tally.Profile.from_ballots(
        candidates,
        [[index[name] for name in choice] for choice in choices],
        list(choices.values()),
        title=election.id,
    )
    seated = {
        m.holder for m in state.active_mandates(office=office.id) if is_live(m, can_stand, now)
    }
    withdrawn = frozenset(index[n] for n in candidates if n not in can_stand or n in seated)
    if withdrawn:
        profile = replace(profile, withdrawn=withdrawn)
    result = tally.count(profile, office.method, election.seats, seed=seed)
    return result, list(result.winners)[: election.seats]


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
    d.emit(admission.admit(member, act.actor, d.state.bodies()))


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
        _require_admitter(d, act.actor, act.body, leaving=act.member)
    d.emit(admission.leave(member, act.body, act.actor))


# -- elections ---------------------------------------------------------------------------


@handles(cmd.OpenElection)
def _open(d: Decision, act: cmd.OpenElection) -> None:
    s = d.state
    s.member(act.actor)
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
        )
    )


@handles(cmd.Nominate)
def _nominate(d: Decision, act: cmd.Nominate) -> None:
    s = d.state
    s.member(act.actor)
    s.member(act.candidate)
    election = s.election(act.election)
    office = office_of(s, election.office)
    can_stand = eligible(s, office)
    held = {
        m.holder: m.seat
        for m in s.active_mandates(office=office.id)
        if is_live(m, can_stand, d.now)
    }
    d.emit(
        rules.nominate(
            election, office, act.actor, electorate(s, office), act.candidate, can_stand, held
        )
    )


@handles(cmd.StartElection)
def _start(d: Decision, act: cmd.StartElection) -> None:
    s = d.state
    s.member(act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    seats = open_seats(office, s.active_mandates(office=office.id), eligible(s, office), d.now)
    d.emit(rules.start(election, office, act.actor, electorate(s, office), len(seats), d.now))


@handles(cmd.CastBallot)
def _cast(d: Decision, act: cmd.CastBallot) -> None:
    s = d.state
    s.member(act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    d.emit(rules.cast(election, office, act.actor, list(act.choice), eligible(s, office), d.now))


@handles(cmd.CloseElection)
def _close(d: Decision, act: cmd.CloseElection) -> None:
    s = d.state
    s.member(act.actor)
    election = s.election(act.election)
    office = office_of(s, election.office)
    rules.may_close(election, act.actor, d.now)
    result, winners = count(s, election, office, eligible(s, office), d.now, d.seed)
    d.emit(
        Event(
            ev.ELECTION_CLOSED,
            act.actor,
            {
                "election": election.id,
                "winners": winners,
                "seed": d.seed.hex(),
                "result": result.to_json(),
            },
        )
    )


@policy(ev.ELECTION_CLOSED)
def grant_seats(d: Decision, closed: Derived) -> None:
    """One mandate per seat won, in order of election. A seat held without a live mandate
    is taken over: its old mandate ends after the new one is granted, so a holder
    re-elected to the same seat never loses the seats that depend on it."""
    assert isinstance(closed.payload, c.ElectionClosed)
    s = d.state
    office = s.offices()[s.election(closed.payload.election).office]
    active = s.active_mandates(office=office.id)
    seats = open_seats(office, active, eligible(s, office), d.now)
    for winner, seat in rules.assign_seats(list(closed.payload.winners), seats, active):
        d.emit(
            Event(
                ev.MANDATE_GRANTED,
                None,
                {
                    "mandate": s.next_id("mandate"),
                    "office": office.id,
                    "holder": winner,
                    "seat": seat,
                    "election": closed.payload.election,
                    "until": after_days(d.now, office.term_days),
                    "cause": closed.seq,
                },
            )
        )
        for old in (m for m in active if m.seat == seat):
            ending = ev.MANDATE_EXPIRED if old.expired_at(d.now) else ev.MANDATE_LAPSED
            d.emit(
                Event(
                    ending,
                    None,
                    {
                        "mandate": old.id,
                        "reason": f"seat {seat} filled by election {closed.payload.election}",
                        "cause": closed.seq,
                    },
                ),
                refill=False,
            )


@policy(ev.ELECTION_CLOSED)
def refill_after_close(d: Decision, closed: Derived) -> None:
    """Seats the close left open (too few winners, seats lost meanwhile) go to a
    by-election at once."""
    assert isinstance(closed.payload, c.ElectionClosed)
    office = d.state.offices()[d.state.election(closed.payload.election).office]
    fill_vacancy(d, office, cause=closed.seq)


def fill_vacancy(d: Decision, office: Office, *, cause: int | None) -> None:
    """Open a by-election for an office's open seats (the purge's own election when
    `cause` is None), unless an election of the office is under way."""
    s = d.state
    if s.pending_election(office.id) is not None:
        return
    seats = open_seats(office, s.active_mandates(office=office.id), eligible(s, office), d.now)
    if not seats:
        return
    d.emit(
        rules.open_election(
            office,
            None,
            (),
            len(seats),
            None,
            s.next_id("election"),
            cause=cause,
            reason=None if cause is not None else "audit",
        )
    )


# -- recall ------------------------------------------------------------------------------


@handles(cmd.OpenPetition)
def _open_petition(d: Decision, act: cmd.OpenPetition) -> None:
    s = d.state
    s.member(act.actor)
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
        )
    )


@handles(cmd.SignPetition)
def _sign(d: Decision, act: cmd.SignPetition) -> None:
    s = d.state
    s.member(act.actor)
    petition = s.petition(act.petition)
    mandate = s.mandate(petition.mandate)
    office = office_of(s, mandate.office)
    d.emit(recall.sign(petition, mandate, office, act.actor, electorate(s, office)))


@policy(ev.PETITION_OPENED, ev.PETITION_SIGNED)
def signatures_take_effect(d: Decision, signed: Derived) -> None:
    """At the immediate share the mandate ends; at the petition share a recall vote opens."""
    assert isinstance(signed.payload, c.PetitionOpened | c.PetitionSigned)
    s = d.state
    petition = s.petition(signed.payload.petition)
    mandate = s.mandate(petition.mandate)
    office = office_of(s, mandate.office)
    consequence = recall.consequence_of_signatures(
        petition,
        mandate,
        office,
        len(petition.signers),
        electorate(s, office),
        d.now,
        signed.seq,
    )
    if consequence is not None:
        d.emit(consequence)


@handles(cmd.CastRecallVote)
def _recall_vote(d: Decision, act: cmd.CastRecallVote) -> None:
    d.state.member(act.actor)
    petition = d.state.petition(act.petition)
    d.emit(recall.vote(petition, act.actor, act.vote, d.now))


@handles(cmd.CloseRecallVote)
def _close_recall(d: Decision, act: cmd.CloseRecallVote) -> None:
    from soviet import tally  # numpy is loaded only when something is counted

    s = d.state
    s.member(act.actor)
    petition = s.petition(act.petition)
    recall.may_close(petition, act.actor, d.now)
    office = office_of(s, s.mandate(petition.mandate).office)
    order = {"yes": 0, "no": 1}
    profile = tally.Profile.from_ballots(
        ("yes", "no"), [[order[v]] for v in petition.votes.values()], title=petition.id
    )
    result = tally.count(
        profile,
        "yes-no",
        1,
        options={"electorate": len(petition.roll), "quorum": office.recall_quorum},
    )
    passed = tuple(result.winners) == ("yes",)
    d.emit(
        Event(
            ev.RECALL_CLOSED,
            act.actor,
            {
                "petition": petition.id,
                "outcome": "recalled" if passed else "failed",
                "result": result.to_json(),
            },
        )
    )


@policy(ev.RECALL_CLOSED)
def recall_on_vote(d: Decision, closed: Derived) -> None:
    """A recall vote that passed ends the mandate (a moot petition's close ends nothing)."""
    assert isinstance(closed.payload, c.RecallClosed)
    if closed.event.actor is None or closed.payload.outcome != "recalled":
        return
    petition = d.state.petition(closed.payload.petition)
    d.emit(
        Event(
            ev.MANDATE_RECALLED,
            None,
            {
                "mandate": petition.mandate,
                "petition": petition.id,
                "by": "vote",
                "cause": closed.seq,
            },
        )
    )


@policy(ev.ELECTION_CLOSED, ev.RECALL_CLOSED)
def anchor(d: Decision, closed: Derived) -> None:
    """A member's close is anchored by a signed checkpoint of the log once its result and
    consequences are recorded (for a log with a key); the caller signs it."""
    if closed.event.actor is None or not d.state.signed:
        return
    d.emit(Event(ev.CHECKPOINT_LOGGED, None, {"checkpoint": UNSIGNED, "cause": closed.seq}))


# -- what the system does by itself --------------------------------------------------------


@policy(*ev.MANDATE_ENDINGS)
def close_moot_petition(d: Decision, ended: Derived) -> None:
    """A petition against a mandate that ended otherwise fails."""
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    petition = d.state.live_petition(mandate.id)
    if petition is None:
        return
    d.emit(
        Event(
            ev.RECALL_CLOSED,
            None,
            {
                "petition": petition.id,
                "outcome": "failed",
                "reason": f"mandate {mandate.id} ended otherwise ({ended.event.type})",
                "cause": ended.seq,
            },
        )
    )


@policy(*ev.MANDATE_ENDINGS)
def refill_seat(d: Decision, ended: Derived) -> None:
    """A lost seat goes to a by-election at once."""
    if not ended.refill:
        return
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    fill_vacancy(d, office_of(d.state, mandate.office), cause=ended.seq)


@policy(*ev.MANDATE_ENDINGS)
def cascade(d: Decision, ended: Derived) -> None:
    """A deputy who lost their seat in a council loses the mandates that needed it."""
    mandate = d.state.mandate(str(ended.event.data["mandate"]))
    council = office_of(d.state, mandate.office).seat_in
    if council is not None:
        lapse_unentitled(d, mandate.holder, council, cause=ended.seq)


@policy(ev.MEMBER_LEFT)
def lapse_on_leaving(d: Decision, left: Derived) -> None:
    """A member who left an assembly loses the mandates that needed its membership."""
    assert isinstance(left.payload, c.MemberLeft)
    lapse_unentitled(d, left.payload.member, left.payload.body, cause=left.seq)


def lapse_unentitled(d: Decision, holder: str, body: str, *, cause: int) -> None:
    """Lapse the holder's mandates that required membership of `body`, if they have lost it."""
    s = d.state
    if body in s.bodies() and s.bodies()[body].kind == "council":
        still_member = holder in s.seated(body)
    else:
        still_member = holder in s.assembly_members(body)
    if still_member:
        return
    offices = s.offices()
    for mandate in s.active_mandates(holder=holder):
        office = offices[mandate.office]
        if office.body == body and office.eligible == "electorate":
            d.emit(
                Event(
                    ev.MANDATE_LAPSED,
                    None,
                    {
                        "mandate": mandate.id,
                        "reason": f"{holder} is no longer a member of {body}",
                        "cause": cause,
                    },
                )
            )


@handles(cmd.ScheduleAudit)
def _schedule(d: Decision, act: cmd.ScheduleAudit) -> None:
    s = d.state
    for mandate in s.active_mandates():
        # a cascade from an earlier expiry may already have ended this one
        if mandate.expired_at(d.now) and s.mandate(mandate.id).active:
            d.emit(
                Event(
                    ev.MANDATE_EXPIRED,
                    None,
                    {
                        "mandate": mandate.id,
                        "reason": f"term ended at {mandate.until}",
                        "cause": None,
                    },
                )
            )
    for office in s.offices().values():
        fill_vacancy(d, office, cause=None)
