"""The procedure of elections and recalls on the pure domain: nominations, uncontested
returns, blank ballots and quorums, extensions, fair lots, resignations, holdover, what
the clock makes due, petitions' time and cooldown, limits on offices, leaving a body,
and the charter's keys for all of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.audit import office_findings
from soviet.domain.charter import parse_charter
from soviet.domain.clock import after_days, format_instant
from soviet.domain.closing import lot_seed
from soviet.domain.decider import decide
from soviet.domain.electorates import eligible
from soviet.domain.events import Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.domain.state import MemoryState
from soviet.domain.votes import commit
from soviet.errors import CharterError, Refused
from soviet.ledger.compact import Range
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TERM_DAYS = 30
VOTING_DAYS = 3
#: Nominations open and no holdover: the tests that are not about them take each step at once.
QUICK = Procedure(nominations="open")
DEPOT = tuple(f"d{i}" for i in range(1, 7))


def office(
    ident: str,
    body: str,
    procedure: Procedure,
    *,
    seats: int = 1,
    seat_in: str | None = None,
    powers: frozenset[str] = frozenset(),
) -> Office:
    return Office(
        ident,
        body,
        ident,
        seats,
        "irv" if seats == 1 else "stv",
        seat_in=seat_in,
        powers=powers,
        term_days=TERM_DAYS,
        voting_days=VOTING_DAYS,
        procedure=procedure,
    )


def charter(
    procedure: Procedure = QUICK,
    *,
    deputy: Procedure | None = None,
    steward: Procedure | None = None,
    seats: int = 1,
    powers: frozenset[str] = frozenset(),
) -> Charter:
    """The depot (d1…d6) sends `seats` deputies to the council, which elects its chair;
    the depot also elects a steward (with `powers`). d1 founds it."""
    return Charter(
        name="Depot",
        origin="councils.example.org/depot",
        rules=Rules(term_days=TERM_DAYS, voting_days=VOTING_DAYS, procedure=procedure),
        bodies=(
            Body("council", "Council", "council"),
            Body("depot", "Depot", "assembly", "council"),
        ),
        offices=(
            office("depot.deputy", "depot", deputy or procedure, seats=seats, seat_in="council"),
            office("depot.steward", "depot", steward or procedure, powers=powers),
            office("council.chair", "council", procedure),
        ),
        members=tuple(Member(m, m.upper(), ("depot",)) for m in DEPOT),
        founders=("d1",),
    )


class Log:
    """A log in memory whose every act first applies what the clock has made due, as the
    services do; `due` holds what the last act's clock applied."""

    def __init__(self, of: Charter) -> None:
        self.state = MemoryState()
        self.events: list[Recorded] = []
        self.due: list[Recorded] = []
        self.clock = START
        self.tree = Range()
        for event in found(of, "a-verifier-key"):
            self.record(event)

    @property
    def now(self) -> str:
        return format_instant(self.clock)

    def tick(self, days: float) -> None:
        self.clock += timedelta(days=days)

    def record(self, event: ev.Event) -> Recorded:
        data = dict(event.data)
        if event.type == ev.CHECKPOINT_LOGGED:
            data["checkpoint"] = f"note of size {len(self.events)}"
        data, text = parse_canonical_value(data)
        recorded = Recorded(len(self.events) + 1, self.now, event.type, event.actor, data)
        self.state.apply(recorded)
        self.events.append(recorded)
        self.tree.append(
            leaf_hash(encode_entry(recorded.seq, recorded.at, recorded.type, recorded.actor, text))
        )
        return recorded

    def act(self, command: cmd.Command) -> list[Recorded]:
        self.due = [self.record(e) for e in decide(self.state, cmd.ApplyDue(), self.now)]
        derived = decide(self.state, command, self.now, seed=self.tree.root())
        return [self.record(event) for event in derived]

    def refuse(self, command: cmd.Command, match: str) -> None:
        with pytest.raises(Refused, match=match):
            decide(self.state, command, self.now, seed=self.tree.root())

    def stand(self, office_id: str, candidates: Sequence[str]) -> str:
        """Open an election (unless one is pending) and let each candidate stand."""
        pending = self.state.pending_election(office_id)
        if pending is None:
            [opened] = self.act(cmd.OpenElection(candidates[0], office_id))
            ident = str(opened.data["election"])
        else:
            ident = pending.id
        for candidate in candidates:
            self.act(cmd.Nominate(candidate, ident, candidate))
        return ident

    def returned(self, office_id: str, holder: str) -> str:
        """Elect `holder` to the office unopposed (nominations open); their mandate's id."""
        ident = self.stand(office_id, [holder])
        closed = self.act(cmd.StartElection(holder, ident))
        assert closed[0].data["outcome"] == "unopposed"
        return next(str(e.data["mandate"]) for e in closed if e.type == ev.MANDATE_GRANTED)


def of_type(events: Sequence[Recorded], kind: str) -> list[Recorded]:
    return [e for e in events if e.type == kind]


def vote_all(log: Log, election: str, ballots: dict[str, tuple[str, ...]]) -> None:
    for voter, choice in ballots.items():
        log.act(cmd.CastBallot(voter, election, choice))


# -- nominations -------------------------------------------------------------------------


def test_the_vote_starts_only_after_closed_nominations_close_and_at_once_with_open_ones() -> None:
    log = Log(charter(Procedure()))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.refuse(cmd.StartElection("d1", e1), "cannot start before its nominations close")
    log.tick(3)
    [started] = log.act(cmd.StartElection("d1", e1))
    assert started.type == ev.ELECTION_STARTED

    quick = Log(charter(QUICK))
    e1 = quick.stand("depot.deputy", ["d2", "d3"])
    [started] = quick.act(cmd.StartElection("d1", e1))
    assert started.type == ev.ELECTION_STARTED


def test_a_nomination_by_someone_else_is_a_candidacy_only_once_the_candidate_accepts() -> None:
    log = Log(charter())
    [opened] = log.act(cmd.OpenElection("d1", "depot.deputy"))
    e1 = str(opened.data["election"])
    log.act(cmd.Nominate("d1", e1, "d2"))
    election = log.state.election(e1)
    assert (election.candidates, election.pending) == ((), ("d2",))
    log.refuse(cmd.StartElection("d1", e1), "no candidate has consented")
    log.refuse(cmd.AcceptNomination("d3", e1, "d2"), "only the candidate consents")
    [accepted] = log.act(cmd.AcceptNomination("d2", e1, "d2"))
    assert (accepted.type, accepted.actor) == (ev.CANDIDATE_ACCEPTED, "d2")
    election = log.state.election(e1)
    assert (election.candidates, election.pending) == (("d2",), ())


def test_a_candidate_withdraws_until_the_vote_starts_and_cannot_stand_again() -> None:
    log = Log(charter())
    e1 = log.stand("depot.deputy", ["d2", "d3", "d4"])
    log.refuse(cmd.Withdraw("d2", e1, "d4"), "only a candidate withdraws themselves")
    [withdrew] = log.act(cmd.Withdraw("d4", e1, "d4"))
    assert withdrew.type == ev.CANDIDATE_WITHDREW
    assert log.state.election(e1).candidates == ("d2", "d3")
    log.refuse(cmd.Nominate("d1", e1, "d4"), "withdrew from election E1 and cannot stand")
    log.refuse(cmd.Nominate("d4", e1, "d4"), "withdrew from election E1 and cannot stand")
    log.act(cmd.StartElection("d1", e1))
    log.refuse(cmd.Withdraw("d3", e1, "d3"), "withdraws only before the vote starts")


# -- uncontested elections -----------------------------------------------------------------


def test_uncontested_elect_returns_as_many_candidates_as_seats_unopposed_at_the_start() -> None:
    log = Log(charter(seats=2))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    started = log.act(cmd.StartElection("d1", e1))
    assert [e.type for e in started] == [
        ev.ELECTION_CLOSED,
        ev.MANDATE_GRANTED,
        ev.MANDATE_GRANTED,
        ev.CHECKPOINT_LOGGED,
    ]
    closed = started[0]
    assert closed.actor == "d1"
    assert closed.data["outcome"] == "unopposed"
    assert closed.data["winners"] == ["d2", "d3"]
    assert "returned unopposed" in closed.data["reason"]
    assert sorted(m.holder for m in log.state.active_mandates(office="depot.deputy")) == [
        "d2",
        "d3",
    ]


def test_uncontested_elect_returns_the_candidate_by_itself_once_nominations_close() -> None:
    log = Log(charter(Procedure()))
    e1 = log.stand("depot.deputy", ["d2"])
    log.tick(3)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    assert [(e.type, e.actor) for e in log.due] == [
        (ev.ELECTION_CLOSED, None),
        (ev.MANDATE_GRANTED, None),
    ]
    assert log.due[0].data["election"] == e1
    assert log.due[0].data["outcome"] == "unopposed"
    assert log.due[0].data["winners"] == ["d2"]
    assert log.state.election(e1).status == "closed"
    # what a by-itself return logs reads back as nobody's act: what the clock made due
    assert cmd.command_of(log.due[0]) == cmd.ApplyDue()


def test_uncontested_ballot_confirms_by_more_yes_than_no_and_refills_the_seat_left_open() -> None:
    log = Log(charter(replace(QUICK, uncontested="ballot"), seats=2))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    [started] = log.act(cmd.StartElection("d1", e1))
    assert started.type == ev.ELECTION_STARTED
    # d2: yes 4, no 2 (the blank ballot is a no); d3: yes 1, no 5
    vote_all(
        log,
        e1,
        {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",), "d4": ("d2",), "d5": (), "d6": ("d2",)},
    )
    closed = log.act(cmd.CloseElection("d1", e1))
    head = closed[0]
    assert head.data["winners"] == ["d2"]
    assert head.data["result"]["method"] == "confirmation"
    assert "d2: yes 4, no 2: confirmed" in head.data["result"]["note"]
    assert "d3: yes 1, no 5: not confirmed" in head.data["result"]["note"]
    [granted] = of_type(closed, ev.MANDATE_GRANTED)
    assert granted.data["holder"] == "d2"
    [reopened] = of_type(closed, ev.ELECTION_OPENED)
    assert (reopened.data["office"], reopened.data["seats"]) == ("depot.deputy", 1)
    assert reopened.data["cause"] == head.seq


# -- void closes and quorums ---------------------------------------------------------------


def test_a_close_with_only_blank_ballots_and_abstentions_is_void_and_opens_a_new_election() -> None:
    log = Log(charter(replace(QUICK, uncontested="count")))
    e1 = log.stand("depot.deputy", ["d2"])
    log.act(cmd.StartElection("d1", e1))
    for voter in DEPOT:
        log.act(cmd.CastBallot(voter, e1, (), abstain=voter in ("d1", "d2")))
    closed = log.act(cmd.CloseElection("d3", e1))
    head = closed[0]
    assert (head.data["outcome"], head.data["winners"]) == ("void", [])
    assert head.data["reason"] == "no valid ballot: 6 of 6 voted, none for anyone"
    assert head.data["turnout"] == {"roll": 6, "voted": 6, "blank": 4, "abstained": 2, "valid": 0}
    assert of_type(closed, ev.MANDATE_GRANTED) == []
    [reopened] = of_type(closed, ev.ELECTION_OPENED)
    assert (reopened.data["office"], reopened.data["seats"]) == ("depot.deputy", 1)


def test_a_close_with_no_ballot_at_all_elects_nobody_and_says_why() -> None:
    log = Log(charter())
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    log.tick(VOTING_DAYS)
    closed = log.act(cmd.CloseElection("d1", e1))
    assert closed[0].data["outcome"] == "void"
    assert closed[0].data["reason"] == "no valid ballot: 0 of 6 voted, none for anyone"
    assert [e.type for e in closed[1:]] == [ev.ELECTION_OPENED, ev.CHECKPOINT_LOGGED]


def test_a_close_below_the_election_quorum_is_void_and_one_at_the_quorum_counts() -> None:
    log = Log(charter(replace(QUICK, election_quorum=Fraction(1, 2))))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    vote_all(log, e1, {"d1": ("d2",), "d2": ("d2",)})
    log.tick(VOTING_DAYS)
    closed = log.act(cmd.CloseElection("d1", e1))
    assert closed[0].data["outcome"] == "void"
    assert closed[0].data["reason"] == "turnout 2 of 6 is below the quorum of 1/2 of the roll"
    [e2] = of_type(closed, ev.ELECTION_OPENED)
    assert e2.data["election"] == "E2"

    log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", "E2"))
    vote_all(log, "E2", {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",)})
    log.tick(VOTING_DAYS)
    counted = log.act(cmd.CloseElection("d1", "E2"))
    assert (counted[0].data["outcome"], counted[0].data["winners"]) == ("elected", ["d2"])


# -- extensions --------------------------------------------------------------------------


def test_an_elector_on_the_roll_extends_a_vote_short_of_its_quorum_once() -> None:
    log = Log(charter(replace(QUICK, election_quorum=Fraction(1, 2))))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    [started] = log.act(cmd.StartElection("d1", e1))
    for days in (0, VOTING_DAYS + 1):
        log.refuse(cmd.ExtendVote("d4", e1, days), f"extended by 1 to {VOTING_DAYS} days")
    [extended] = log.act(cmd.ExtendVote("d4", e1, 2))
    assert (extended.type, extended.actor) == (ev.ELECTION_EXTENDED, "d4")
    assert extended.data == {
        "election": e1,
        "days": 2,
        "voting_ends": after_days(started.data["voting_ends"], 2),
    }
    assert log.state.election(e1).extended_by == "d4"
    log.refuse(cmd.ExtendVote("d5", e1, 1), "was extended already, by d4")


def test_an_extension_is_refused_off_the_roll_at_the_quorum_and_without_one() -> None:
    log = Log(charter(replace(QUICK, election_quorum=Fraction(1, 2))))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))  # admitted after the roll froze
    log.refuse(cmd.ExtendVote("d7", e1, 1), "'d7' is not on the roll of election E1")
    vote_all(log, e1, {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",)})
    log.refuse(cmd.ExtendVote("d1", e1, 1), "has met its quorum: it needs no extension")

    unquorate = Log(charter())
    e1 = unquorate.stand("depot.deputy", ["d2", "d3"])
    unquorate.act(cmd.StartElection("d1", e1))
    unquorate.refuse(cmd.ExtendVote("d1", e1, 1), "has no quorum: there is nothing to wait for")

    fixed = Log(charter(replace(QUICK, election_quorum=Fraction(1, 2), extend_votes=False)))
    e1 = fixed.stand("depot.deputy", ["d2", "d3"])
    fixed.act(cmd.StartElection("d1", e1))
    fixed.refuse(cmd.ExtendVote("d1", e1, 1), "does not let votes of office 'depot.deputy'")


# -- voting again ------------------------------------------------------------------------


def test_a_voter_who_changes_their_vote_is_counted_by_their_latest_ballot() -> None:
    log = Log(charter())
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    vote_all(
        log,
        e1,
        {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",), "d4": ("d3",), "d5": ("d2",), "d6": ()},
    )
    first = log.state.ballot_seq(e1, "d1")
    [again] = log.act(cmd.CastBallot("d1", e1, ("d3",)))
    assert again.data["replaces"] == first
    closed = log.act(cmd.CloseElection("d1", e1))
    assert closed[0].data["winners"] == ["d3"]
    assert closed[0].data["turnout"]["voted"] == 6


# -- fair lots ---------------------------------------------------------------------------


def tied(*, admit_first: bool) -> Recorded:
    """d2 and d3 tie, 2 to 2; with `admit_first`, a member is admitted before the close."""
    log = Log(charter())
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    vote_all(log, e1, {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",), "d4": ("d3",)})
    if admit_first:
        log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    log.tick(VOTING_DAYS)
    return log.act(cmd.CloseElection("d5", e1))[0]


def test_the_seed_of_a_lot_is_taken_from_the_elections_own_record() -> None:
    log = Log(charter())
    e1 = log.stand("depot.deputy", ["d3", "d2"])
    log.act(cmd.StartElection("d1", e1))
    vote_all(log, e1, {"d1": ("d2", "d3"), "d2": ("d3", "d2"), "d4": (), "d5": ("d2",)})
    log.act(cmd.CastBallot("d4", e1, ("d3",)))
    log.tick(VOTING_DAYS)
    [closed, *_] = log.act(cmd.CloseElection("d1", e1))
    expected = lot_seed(
        e1,
        commit(DEPOT).hash,
        ["d3", "d2"],
        [["d3"], ["d2"], ["d3", "d2"], ["d2", "d3"]],  # any order: the seed sorts them
    )
    assert closed.data["seed"] == expected.hex()


def test_a_tie_is_drawn_alike_whether_or_not_an_unrelated_act_comes_before_the_close() -> None:
    plain, admitted = tied(admit_first=False), tied(admit_first=True)
    assert admitted.seq > plain.seq  # the log before the close differs
    assert admitted.data["seed"] == plain.data["seed"]
    assert admitted.data["winners"] == plain.data["winners"]
    assert admitted.data["result"] == plain.data["result"]
    ties = plain.data["result"]["ties"]
    assert ties and all(tie["broken_by"] == "lot" for tie in ties)


# -- mandates ----------------------------------------------------------------------------


def test_only_the_holder_resigns_and_the_seat_and_the_council_seat_it_fed_are_refilled() -> None:
    log = Log(charter())
    deputy = log.returned("depot.deputy", "d2")
    chair = log.returned("council.chair", "d2")
    log.refuse(cmd.ResignMandate("d3", deputy), "only its holder, 'd2', resigns it")
    resigned = log.act(cmd.ResignMandate("d2", deputy, "moving away"))
    assert [(e.type, e.data.get("mandate") or e.data.get("office")) for e in resigned] == [
        (ev.MANDATE_RESIGNED, deputy),
        (ev.ELECTION_OPENED, "depot.deputy"),
        (ev.MANDATE_LAPSED, chair),
        (ev.ELECTION_OPENED, "council.chair"),
    ]
    assert resigned[0].data["reason"] == "moving away"
    assert resigned[1].data["kind"] == "by-election"
    assert resigned[1].data["cause"] == resigned[0].seq
    assert resigned[2].data["cause"] == resigned[0].seq
    assert log.state.mandate(deputy).status == "resigned"
    assert log.state.mandate(chair).status == "lapsed"


def test_a_term_that_ended_holds_over_until_its_successors_election_closes() -> None:
    log = Log(charter())
    old = log.returned("depot.deputy", "d2")
    deputy = log.state.offices()["depot.deputy"]
    log.tick(TERM_DAYS)
    [finding] = office_findings(
        deputy, log.state.active_mandates(office=deputy.id), eligible(log.state, deputy), log.now
    )
    assert (finding.kind, finding.mandate) == ("holdover", old)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    [regular] = log.due
    assert (regular.type, regular.actor) == (ev.ELECTION_OPENED, None)
    assert (regular.data["kind"], regular.data["reason"]) == ("regular", "term")
    assert log.state.mandate(old).active
    log.tick(1)
    closed = log.act(cmd.StartElection("d3", log.stand("depot.deputy", ["d3"])))
    assert [(e.type, e.data.get("mandate")) for e in closed[1:3]] == [
        (ev.MANDATE_GRANTED, closed[1].data["mandate"]),
        (ev.MANDATE_EXPIRED, old),
    ]
    assert log.state.mandate(old).status == "expired"


def test_without_holdover_a_term_that_ended_expires_at_once_and_a_regular_election_opens() -> None:
    log = Log(charter(replace(QUICK, holdover=False)))
    old = log.returned("depot.deputy", "d2")
    log.tick(TERM_DAYS)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    assert [(e.type, e.actor) for e in log.due[:2]] == [
        (ev.MANDATE_EXPIRED, None),
        (ev.ELECTION_OPENED, None),
    ]
    assert log.due[0].data["mandate"] == old
    assert log.due[1].data["kind"] == "regular"
    assert log.state.mandate(old).status == "expired"


# -- what the clock closes ---------------------------------------------------------------


def test_auto_close_closes_an_election_whose_period_ended_at_the_next_act() -> None:
    log = Log(charter(replace(QUICK, auto_close=True)))
    e1 = log.stand("depot.deputy", ["d2", "d3"])
    log.act(cmd.StartElection("d1", e1))
    vote_all(log, e1, {"d1": ("d2",), "d2": ("d2",), "d3": ("d3",)})
    log.tick(VOTING_DAYS)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    closed = log.due[0]
    assert (closed.type, closed.actor) == (ev.ELECTION_CLOSED, None)
    assert (closed.data["outcome"], closed.data["winners"]) == ("elected", ["d2"])
    assert log.state.election(e1).status == "closed"

    manual = Log(charter())
    e1 = manual.stand("depot.deputy", ["d2", "d3"])
    manual.act(cmd.StartElection("d1", e1))
    manual.tick(VOTING_DAYS)
    manual.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    assert manual.due == [] and manual.state.election(e1).status == "voting"


def test_auto_close_closes_a_recall_vote_whose_period_ended_at_the_next_act() -> None:
    log = Log(charter(replace(QUICK, auto_close=True)))
    mandate = log.returned("depot.deputy", "d2")
    log.act(cmd.OpenPetition("d1", mandate, "absent"))
    [_, opened] = log.act(cmd.SignPetition("d3", "P1"))
    assert opened.type == ev.RECALL_VOTE_OPENED
    for voter, choice in (("d1", "yes"), ("d3", "yes"), ("d2", "no")):
        log.act(cmd.CastRecallVote(voter, "P1", choice))
    log.tick(VOTING_DAYS)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    assert [(e.type, e.actor) for e in log.due[:2]] == [
        (ev.RECALL_CLOSED, None),
        (ev.MANDATE_RECALLED, None),
    ]
    assert log.due[0].data["outcome"] == "recalled"
    assert log.state.mandate(mandate).status == "recalled"


# -- recall ------------------------------------------------------------------------------


def test_a_petition_not_signed_to_its_threshold_expires_after_its_petition_days() -> None:
    log = Log(charter(replace(QUICK, petition_days=10)))
    mandate = log.returned("depot.deputy", "d2")
    [opened] = log.act(cmd.OpenPetition("d1", mandate, "absent"))
    assert opened.data["expires"] == after_days(log.now, 10)
    log.tick(9)
    log.act(cmd.AdmitMember("d1", "d7", "D7", ("depot",)))
    assert log.due == []
    log.tick(1)
    log.act(cmd.AdmitMember("d1", "d8", "D8", ("depot",)))
    [expired] = log.due
    assert (expired.type, expired.actor) == (ev.RECALL_CLOSED, None)
    assert expired.data["outcome"] == "expired"
    assert expired.data["reason"] == f"not signed to its threshold by {opened.data['expires']}"
    log.refuse(cmd.SignPetition("d3", "P1"), "takes no signatures")
    assert log.state.mandate(mandate).active


def test_a_mandate_that_survived_a_recall_vote_cannot_be_petitioned_within_the_cooldown() -> None:
    log = Log(charter(replace(QUICK, recall_cooldown_days=20)))
    mandate = log.returned("depot.deputy", "d2")
    log.act(cmd.OpenPetition("d1", mandate, "absent"))
    log.act(cmd.SignPetition("d3", "P1"))
    for voter, choice in (("d1", "yes"), ("d2", "no"), ("d4", "no")):
        log.act(cmd.CastRecallVote(voter, "P1", choice))
    log.tick(VOTING_DAYS)
    [closed, *_] = log.act(cmd.CloseRecallVote("d1", "P1"))
    assert closed.data["outcome"] == "failed"
    log.tick(19)
    log.refuse(
        cmd.OpenPetition("d3", mandate, "still absent"),
        f"cannot be petitioned again until {after_days(closed.at, 20)}",
    )
    log.tick(1)
    [again] = log.act(cmd.OpenPetition("d3", mandate, "still absent"))
    assert (again.type, again.data["petition"]) == (ev.PETITION_OPENED, "P2")


# -- limits on holding offices -------------------------------------------------------------


def test_max_offices_refuses_a_nomination_naming_the_limit() -> None:
    log = Log(charter(replace(QUICK, max_offices=1)))
    log.returned("depot.deputy", "d2")
    [opened] = log.act(cmd.OpenElection("d1", "depot.steward"))
    log.refuse(
        cmd.Nominate("d1", str(opened.data["election"]), "d2"),
        r"already holds 1 offices, the most the charter allows one member \(max_offices = 1\)",
    )
    log.act(cmd.Nominate("d3", str(opened.data["election"]), "d3"))


def test_an_exclusive_office_is_held_alone_both_ways() -> None:
    log = Log(charter(deputy=replace(QUICK, exclusive=True), seats=2))
    log.returned("depot.steward", "d3")
    e1 = log.stand("depot.deputy", ["d2"])
    log.refuse(
        cmd.Nominate("d3", e1, "d3"),
        "office 'depot.deputy' is exclusive: 'd3' holds 'depot.steward'",
    )
    log.act(cmd.StartElection("d2", e1))  # d2 returned unopposed
    log.refuse(cmd.OpenElection("d2", "depot.steward"), "has no open seat to elect")
    log.act(cmd.ResignMandate("d3", "M1"))
    pending = log.state.pending_election("depot.steward")
    assert pending is not None
    log.refuse(
        cmd.Nominate("d2", pending.id, "d2"),
        "'d2' holds the exclusive office 'depot.deputy', which is held alone",
    )


# -- leaving a body ------------------------------------------------------------------------


def test_only_the_member_leaves_a_body_and_an_officer_who_admits_may_not_remove_one() -> None:
    log = Log(charter(powers=frozenset({"admit"})))
    log.returned("depot.steward", "d2")
    log.refuse(cmd.LeaveBody("d2", "d3", "depot"), "'d2' may not remove 'd3' from 'depot'")
    log.refuse(cmd.LeaveBody("d1", "d3", "depot"), "'d1' may not remove 'd3' from 'depot'")
    [left] = log.act(cmd.LeaveBody("d3", "d3", "depot"))
    assert (left.type, left.actor) == (ev.MEMBER_LEFT, "d3")
    assert "d3" not in log.state.assembly_members("depot")


# -- the charter's keys --------------------------------------------------------------------

CHARTER = """\
name = "Depot Union"
founders = ["ivanova"]

[rules]
nomination_days = 5
nominations = "open"
uncontested = "ballot"
election_quorum = "1/3"
extend_votes = false
holdover = false
auto_close = true
petition_days = 14
recall_cooldown_days = 60
max_offices = 2

[[bodies]]
id = "depot"
name = "Depot"
kind = "assembly"

[[offices]]
id = "depot.deputy"
body = "depot"
title = "Deputy"
seats = 1

[[offices]]
id = "depot.steward"
body = "depot"
title = "Steward"
seats = 1
nomination_days = 1
nominations = "closed"
uncontested = "count"
election_quorum = 0.5
extend_votes = true
holdover = true
auto_close = false
exclusive = true
petition_days = 7
recall_cooldown_days = 0

[[members]]
id = "ivanova"
name = "Anna Ivanova"
bodies = ["depot"]
"""


def test_the_charter_reads_every_procedure_key_from_its_rules_and_from_an_office() -> None:
    parsed = parse_charter(CHARTER, "union.toml")
    rules = Procedure(
        nomination_days=5,
        nominations="open",
        uncontested="ballot",
        election_quorum=Fraction(1, 3),
        extend_votes=False,
        holdover=False,
        auto_close=True,
        petition_days=14,
        recall_cooldown_days=60,
        max_offices=2,
    )
    assert parsed.rules.procedure == rules
    deputy, steward = parsed.offices
    assert deputy.procedure == rules
    assert steward.procedure == Procedure(
        nomination_days=1,
        nominations="closed",
        uncontested="count",
        election_quorum=Fraction(1, 2),
        extend_votes=True,
        holdover=True,
        auto_close=False,
        exclusive=True,
        max_offices=2,
        petition_days=7,
        recall_cooldown_days=0,
    )


def test_a_charter_without_procedure_keys_takes_the_defaults() -> None:
    bare = "\n".join(
        line
        for line in CHARTER.splitlines()
        if line.split(" = ")[0] not in (*Procedure.__dataclass_fields__, "max_offices", "exclusive")
    )
    parsed = parse_charter(bare, "union.toml")
    assert parsed.rules.procedure == Procedure()
    assert all(o.procedure == Procedure() for o in parsed.offices)


def refused(old: str, new: str) -> CharterError:
    assert CHARTER.count(old) == 1, old
    text = CHARTER.replace(old, new)
    with pytest.raises(CharterError) as caught:
        parse_charter(text, "union.toml")
    error = caught.value
    line = [n for n, each in enumerate(text.splitlines(), 1) if each == new]
    assert [error.line] == line, (error, line)
    return error


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("nomination_days = 5", 'nomination_days = "5"', "whole number of days"),
        ("nomination_days = 5", "nomination_days = -1", "from 0 to"),
        ('nominations = "open"', 'nominations = "maybe"', "maybe"),
        ('uncontested = "ballot"', "uncontested = 1", "must be a string"),
        ('election_quorum = "1/3"', "election_quorum = 0", "outside (0, 1]"),
        ('election_quorum = "1/3"', 'election_quorum = "3/2"', "outside (0, 1]"),
        ("extend_votes = false", 'extend_votes = "no"', "true or false"),
        ("holdover = false", "holdover = 0", "true or false"),
        ("auto_close = true", "auto_close = 1", "true or false"),
        ("petition_days = 14", "petition_days = 0", "at least 1"),
        ("recall_cooldown_days = 60", "recall_cooldown_days = 1.5", "whole number of days"),
        ("max_offices = 2", "max_offices = 0", "at least 1"),
        ("nomination_days = 1", "nomination_days = true", "whole number of days"),
        ("election_quorum = 0.5", "election_quorum = 1.5", "outside (0, 1]"),
        ("exclusive = true", 'exclusive = "yes"', "true or false"),
    ],
)
def test_the_charter_refuses_a_procedure_key_of_the_wrong_kind_or_range_naming_it(
    old: str, new: str, problem: str
) -> None:
    error = refused(old, new)
    assert new.split(" = ")[0] in error.field
    assert problem in error.problem


def test_the_charter_refuses_max_offices_in_an_office_and_exclusive_in_its_rules() -> None:
    in_office = refused("recall_cooldown_days = 0", "max_offices = 1")
    assert "max_offices" in in_office.field and "unknown key" in in_office.problem
    in_rules = refused("max_offices = 2", "exclusive = false")
    assert "exclusive" in in_rules.field and "unknown key" in in_rules.problem
