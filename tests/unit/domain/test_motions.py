"""The rules of motions on the pure domain: the roll-call count, the quorum and the
qualified majority, who may act and when, instructions and breaches — and, over random
sequences of acts, that no decision is recorded without a vote that passed and that the
breaches listed are exactly the votes cast against an instruction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.domain import catalogue as c
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain import motions
from soviet.domain.charter import parse_charter
from soviet.domain.charter.printing import printed
from soviet.domain.charter.standing import charter_of
from soviet.domain.clock import format_instant
from soviet.domain.decider import decide
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Holding, Member, Office, Procedure, Rules
from soviet.domain.records import MotionRecord
from soviet.domain.state import MemoryState
from soviet.errors import CharterError, Refused

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PROCEDURE = Procedure(nominations="open", uncontested="count", holdover=False)
RULES = Rules(voting_days=3, procedure=PROCEDURE)
VOTE = st.sampled_from(["yes", "no", "abstain"])


def voting(votes: dict[str, str], roll: int = 8, kind: str = "ordinary") -> MotionRecord:
    electors = frozenset(f"m-{i}" for i in range(1, roll + 1))
    return MotionRecord("R1", "a1", kind, "T", "text", "m-1", "voting", roll=electors, votes=votes)


# -- the count ------------------------------------------------------------------------------


def test_a_motion_passes_when_yes_outnumbers_no_and_half_the_roll_voted() -> None:
    result = motions.count(
        voting({"m-1": "yes", "m-2": "yes", "m-3": "no", "m-4": "abstain"}), PROCEDURE
    )
    assert result["passed"] and result["quorum_met"] and result["voted"] == 4


def test_abstentions_count_toward_the_quorum_but_not_toward_the_majority() -> None:
    three_abstain = {"m-1": "yes", "m-2": "abstain", "m-3": "abstain", "m-4": "abstain"}
    assert motions.count(voting(three_abstain), PROCEDURE)["passed"]
    assert not motions.count(voting({"m-1": "yes", "m-2": "no"}), PROCEDURE)["quorum_met"]


def test_a_tie_is_not_a_majority() -> None:
    tie = {"m-1": "yes", "m-2": "yes", "m-3": "no", "m-4": "no"}
    assert not motions.count(voting(tie), PROCEDURE)["passed"]


@pytest.mark.parametrize(
    ("yes", "no", "passed"),
    [(2, 1, True), (5, 3, False), (6, 3, True), (1, 0, True), (0, 0, False)],
)
def test_an_amendment_needs_two_thirds_of_the_votes_cast(yes: int, no: int, passed: bool) -> None:
    votes = {f"m-{i}": "yes" for i in range(1, yes + 1)}
    votes |= {f"m-{i}": "no" for i in range(yes + 1, yes + no + 1)}
    votes |= {f"m-{i}": "abstain" for i in range(yes + no + 1, 10)}
    result = motions.count(voting(votes, roll=9, kind="amendment"), PROCEDURE)
    assert result["passed"] is passed and result["majority"] == "2/3"


@given(st.lists(VOTE, max_size=12), st.integers(0, 4))
def test_the_count_is_exactly_the_rule_over_any_roll_call(cast: list[str], extra: int) -> None:
    votes = {f"m-{i}": vote for i, vote in enumerate(cast, 1)}
    roll = len(cast) + extra
    for kind in ("ordinary", "amendment"):
        result = motions.count(voting(votes, roll=roll, kind=kind), PROCEDURE)
        yes, no = cast.count("yes"), cast.count("no")
        quorum = roll > 0 and 2 * len(cast) >= roll
        majority = yes > no if kind == "ordinary" else (yes + no > 0 and 3 * yes >= 2 * (yes + no))
        assert result["passed"] is (quorum and majority)
        assert (result["yes"], result["no"], result["abstain"]) == (yes, no, cast.count("abstain"))


# -- breaches -------------------------------------------------------------------------------


@given(
    st.sampled_from(["yes", "no", "abstain", "free", None]),
    st.sampled_from(["yes", "no", "abstain", None]),
)
def test_a_breach_is_a_vote_cast_other_than_the_one_instructed(
    instruction: str | None, vote: str | None
) -> None:
    expected = instruction in ("yes", "no", "abstain") and vote is not None and vote != instruction
    assert motions.breached({"instruction": instruction, "vote": vote}) is expected


# -- acts out of turn -----------------------------------------------------------------------


def test_a_roll_call_vote_is_cast_once_and_only_by_those_on_the_roll() -> None:
    motion = voting({"m-1": "yes"})
    with pytest.raises(Refused, match="cast once"):
        motions.vote(motion, "m-1", "no", format_instant(START))
    with pytest.raises(Refused, match="not on the roll"):
        motions.vote(motion, "m-99", "no", format_instant(START))


def test_an_instruction_needs_a_motion_referred_down_to_a_body_that_sends_deputies() -> None:
    council = MotionRecord("R1", "district", "ordinary", "T", "x", "d-1", "seconded")
    a1 = Body("a1", "One", "assembly", "district")
    with pytest.raises(Refused, match="not referred down"):
        motions.may_instruct(council, a1, "no", True)
    referred = replace(council, referred=True)
    with pytest.raises(Refused, match="not referred to 'a1'"):
        motions.may_instruct(referred, a1, "no", False)
    with pytest.raises(Refused, match="vote has opened"):
        motions.may_instruct(replace(referred, status="voting"), a1, "no", True)
    motions.may_instruct(referred, a1, "free", True)


# -- random sequences on the decider ----------------------------------------------------------


def office(ident: str, body: str, seats: int, seat_in: str | None = None) -> Office:
    return Office(ident, body, ident, seats, "plurality", seat_in=seat_in, procedure=PROCEDURE)


def charter() -> Charter:
    """Two assemblies send deputies to a council, every seat held already."""
    members = tuple(
        Member(f"a{a}-{i}", f"a{a}-{i}", (f"a{a}",)) for a in (1, 2) for i in range(1, 6)
    )
    return Charter(
        name="Works",
        origin="councils.example.org/works",
        rules=RULES,
        bodies=(
            Body("council", "Council", "council"),
            Body("a1", "One", "assembly", "council"),
            Body("a2", "Two", "assembly", "council"),
        ),
        offices=(office("a1.deputy", "a1", 2, "council"), office("a2.deputy", "a2", 2, "council")),
        members=members,
        founders=("a1-1",),
        holdings=tuple(Holding(f"a{a}.deputy", f"a{a}-{i}") for a in (1, 2) for i in (1, 2)),
    )


class Log:
    """A log in memory: each act decided on the state and applied, at a clock."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.events: list[Recorded] = []
        self.clock = START
        for event in found(charter(), None):
            self.record(event)

    def record(self, event: Event) -> Recorded:
        recorded = Recorded(
            len(self.events) + 1,
            format_instant(self.clock),
            event.type,
            event.actor,
            dict(event.data),
        )
        self.state.apply(recorded)
        self.events.append(recorded)
        return recorded

    def act(self, command: cmd.Command) -> list[Recorded]:
        try:
            derived = decide(self.state, command, format_instant(self.clock))
        except Refused:
            return []
        return [self.record(event) for event in derived]


DEPUTIES = ("a1-1", "a1-2", "a2-1", "a2-2")


def put(log: Log, body: str, by: tuple[str, str], **instructing: str) -> str:
    motion = log.state.next_id("motion")
    kind = "instruction" if instructing else "ordinary"
    log.act(cmd.ProposeMotion(by[0], body, "T", "text\n", kind, **instructing))
    log.act(cmd.SecondMotion(by[1], motion))
    return motion


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["yes", "no", "abstain", "free", "none"]), min_size=2, max_size=2),
    st.lists(st.sampled_from(["yes", "no", "abstain", "none"]), min_size=4, max_size=4),
    st.lists(VOTE, min_size=5, max_size=5),
)
def test_over_random_instructions_and_votes_decisions_follow_votes_and_breaches_follow_mismatches(
    told: list[str], cast: list[str], assembly_votes: list[str]
) -> None:
    log = Log()
    council = put(log, "council", ("a1-1", "a2-1"))
    log.act(cmd.ReferMotion("a1-1", council))
    for number, instruction in zip((1, 2), told, strict=True):
        if instruction == "none":
            continue
        body = f"a{number}"
        own = put(log, body, (f"{body}-1", f"{body}-2"), instructs=council, instruction=instruction)
        log.act(cmd.StartMotion(f"{body}-1", own))
        for i, vote in enumerate(assembly_votes, 1):
            log.act(cmd.CastMotionVote(f"{body}-{i}", own, vote))
        log.act(cmd.CloseMotion(f"{body}-1", own))
    log.act(cmd.StartMotion("a1-1", council))
    for deputy, vote in zip(DEPUTIES, cast, strict=True):
        if vote != "none":
            log.act(cmd.CastMotionVote(deputy, council, vote))
    log.clock += timedelta(days=4)
    log.act(cmd.CloseMotion("a1-1", council))
    # no decision without a passing vote
    for event in log.events:
        if event.type == ev.DECISION_ADOPTED:
            closed = log.events[int(event.data["cause"]) - 1]
            assert closed.type == ev.MOTION_CLOSED and closed.data["outcome"] == "adopted"
            assert closed.data["result"]["passed"] is True
    in_force = log.state.motion(council).instructions
    for number in (1, 2):
        adopted = (
            told[number - 1] != "none"
            and motions.count(
                voting(
                    dict(zip([f"m-{i}" for i in range(1, 6)], assembly_votes, strict=True)), roll=5
                ),
                PROCEDURE,
            )["passed"]
        )
        assert (f"a{number}" in in_force) is adopted
    # every breach is a mismatch, and every mismatch a breach
    mismatches = {
        deputy
        for deputy, vote in zip(DEPUTIES, cast, strict=True)
        if vote != "none"
        and in_force.get(deputy[:2]) in ("yes", "no", "abstain")
        and vote != in_force.get(deputy[:2])
    }
    breaches = {e.data["member"] for e in log.events if e.type == ev.INSTRUCTION_BREACHED}
    assert breaches == mismatches
    [close] = [e for e in log.events if e.type == ev.MOTION_CLOSED and e.data["motion"] == council]
    carried = c.decode_as(c.MotionClosed, close.data).instructions
    assert [entry.member for entry in carried] == list(DEPUTIES)


def test_the_charters_quorum_and_majority_reach_the_count() -> None:
    procedure = replace(PROCEDURE, motion_quorum=Fraction(0), amendment_majority=Fraction(3, 4))
    result = motions.count(
        voting({"m-1": "yes", "m-2": "yes", "m-3": "no"}, kind="amendment"), procedure
    )
    assert result["quorum"] == "0" and result["majority"] == "3/4" and not result["passed"]


# -- amendments ---------------------------------------------------------------------------------

AMENDMENTS = st.one_of(
    st.builds(
        lambda seats, term: (
            "a1",
            f'[[offices]]\nid = "a1.deputy"\nseats = {seats}\nterm_days = {term}\n',
        ),
        st.integers(1, 3),
        st.integers(1, 400),
    ),
    st.builds(
        lambda seats: (
            "council",
            '[[bodies]]\nid = "a3"\nname = "Three"\nkind = "assembly"\nparent = "council"\n\n'
            f'[[offices]]\nid = "a3.deputy"\nbody = "a3"\ntitle = "Deputy"\nseats = {seats}\n'
            'method = "plurality"\nseat_in = "council"\n',
        ),
        st.integers(1, 2),
    ),
    st.just(("council", '[[dissolve]]\nbody = "a2"\nmembers_to = "a1"\n')),
    st.builds(
        lambda term, quorum: (
            "council",
            f'[rules]\nterm_days = {term}\nmotion_quorum = "{quorum}"\n',
        ),
        st.integers(1, 400),
        st.sampled_from(["0", "1/3", "1/2", "1"]),
    ),
)


def adopt(log: Log, body: str, fragment: str) -> list[Recorded]:
    electors = sorted(
        log.state.assembly_members(body) if body != "council" else log.state.seated(body)
    )
    motion = log.state.next_id("motion")
    log.act(cmd.ProposeMotion(electors[0], body, "Amend", "text\n", "amendment", charter=fragment))
    log.act(cmd.SecondMotion(electors[1], motion))
    log.act(cmd.StartMotion(electors[0], motion))
    for elector in electors:
        log.act(cmd.CastMotionVote(elector, motion, "yes"))
    return log.act(cmd.CloseMotion(electors[0], motion))


@settings(max_examples=40, deadline=None)
@given(st.lists(AMENDMENTS, min_size=1, max_size=3))
def test_after_any_amendment_the_printed_charter_re_reads_to_the_same_organization(
    amendments: list[tuple[str, str]],
) -> None:
    log = Log()
    for body, fragment in amendments:
        if body == "council" and "a3" in log.state.bodies() and "[[bodies]]" in fragment:
            continue  # the body exists already: a second addition is refused
        if "[[dissolve]]" in fragment and "a2" not in log.state.bodies():
            continue  # dissolved already
        if body == "council" and len(log.state.seated(body)) < 2:
            continue  # nobody to second: the seats it had were cut or dissolved
        closed = adopt(log, body, fragment)
        assert [e.type for e in closed][:3] == [
            ev.MOTION_CLOSED,
            ev.DECISION_ADOPTED,
            ev.CHARTER_AMENDED,
        ]
    standing = charter_of(log.state, log.state.name(), log.state.rules())
    text, notes = printed(standing)
    assert notes == ()
    again = parse_charter(text, "printed")
    assert again.rules == standing.rules
    assert again.bodies == standing.bodies and again.offices == standing.offices
    assert again.members == standing.members and again.founders == standing.founders
    last = [f for b, f in amendments if f.startswith("[[offices]]")]  # in force
    if last:
        seats = int(last[-1].split("seats = ")[1].split("\n")[0])
        assert log.state.offices()["a1.deputy"].seats == seats


def test_an_amendment_beyond_the_bodys_authority_is_refused() -> None:
    log = Log()
    with pytest.raises(CharterError, match="beyond the authority of 'a1'"):
        decide(
            log.state,
            cmd.ProposeMotion(
                "a1-1",
                "a1",
                "T",
                "x\n",
                "amendment",
                charter='[[offices]]\nid = "a2.deputy"\nseats = 1\n',
            ),
            format_instant(START),
        )
