"""Paper ballots: the rule of `election import-paper` on a log in memory, and the close
that counts the paper ballots with the online ones."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.clock import format_instant
from soviet.domain.decider import decide
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.domain.rederive import check
from soviet.domain.state import MemoryState
from soviet.errors import NotFound, Refused
from soviet.ledger.entries import parse_canonical_value

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RULES = Rules(
    term_days=30,
    voting_days=3,
    procedure=Procedure(
        nominations="open", uncontested="count", holdover=False, petition_days=None
    ),
)
SOURCE = hashlib.sha256(b"the tellers' sheet").hexdigest()

#: Five paper ballots: three for a1-3, one for a1-2 then a1-3, one blank.
HALL: tuple[tuple[int, tuple[str, ...]], ...] = ((3, ("a1-3",)), (1, ("a1-2", "a1-3")), (1, ()))


def charter() -> Charter:
    """One assembly of eight electing one deputy by IRV, and a second assembly."""
    return Charter(
        name="Works",
        origin="councils.example.org/works",
        rules=RULES,
        bodies=(Body("a1", "One", "assembly"), Body("a2", "Two", "assembly")),
        offices=(
            Office(
                "a1.deputy",
                "a1",
                "Deputy",
                1,
                "irv",
                term_days=RULES.term_days,
                voting_days=RULES.voting_days,
                recall_petition=RULES.recall_petition,
                recall_immediate=RULES.recall_immediate,
                recall_quorum=RULES.recall_quorum,
                procedure=RULES.procedure,
            ),
        ),
        members=(
            *(Member(f"a1-{i}", f"One {i}", ("a1",)) for i in range(1, 9)),
            Member("a2-1", "Two 1", ("a2",)),
        ),
        founders=("a1-1",),
    )


class Log:
    """A log in memory whose acts are decided on its state."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.events: list[Recorded] = []
        self.clock = START
        for event in found(charter(), None):
            self.record(event)

    @property
    def now(self) -> str:
        return format_instant(self.clock)

    def record(self, event: Event) -> Recorded:
        data, _ = parse_canonical_value(dict(event.data))
        recorded = Recorded(len(self.events) + 1, self.now, event.type, event.actor, data)
        self.state.apply(recorded)
        self.events.append(recorded)
        return recorded

    def act(self, command: cmd.Command) -> list[Recorded]:
        self.clock += timedelta(minutes=1)
        return [self.record(event) for event in decide(self.state, command, self.now)]

    def refused(self, command: cmd.Command) -> str:
        with pytest.raises(Refused) as refusal:
            decide(self.state, command, self.now)
        return str(refusal.value)


def voting(*online: tuple[str, tuple[str, ...]]) -> Log:
    """E1 for a1.deputy, a1-2 and a1-3 standing, voting; `online` ballots cast."""
    log = Log()
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    for candidate in ("a1-2", "a1-3"):
        log.act(cmd.Nominate(candidate, "E1", candidate))
    log.act(cmd.StartElection("a1-1", "E1"))
    for voter, choice in online:
        log.act(cmd.CastBallot(voter, "E1", choice))
    return log


def paper(
    tellers: tuple[str, ...] = ("a1-4", "a1-5"),
    ballots: tuple[tuple[int, tuple[str, ...]], ...] = HALL,
    voters: int = 5,
) -> cmd.ImportPaper:
    return cmd.ImportPaper(tellers[0] if tellers else "", "E1", tellers, ballots, voters, SOURCE)


ONLINE = (("a1-1", ("a1-2",)), ("a1-2", ("a1-2",)), ("a1-3", ("a1-3",)))


def test_an_import_records_one_event_under_the_first_teller() -> None:
    log = voting(*ONLINE)
    [imported] = log.act(paper())
    assert (imported.type, imported.actor) == (ev.BALLOTS_IMPORTED, "a1-4")
    assert imported.data == {
        "election": "E1",
        "tellers": ["a1-4", "a1-5"],
        "ballots": [
            {"count": 3, "choice": ["a1-3"]},
            {"count": 1, "choice": ["a1-2", "a1-3"]},
            {"count": 1, "choice": []},
        ],
        "paper_voters": 5,
        "source": SOURCE,
    }
    assert log.state.paper_ballots("E1") == HALL
    assert cmd.command_of(imported) == paper()


def test_the_close_counts_the_paper_ballots_with_the_online_ones() -> None:
    log = voting(*ONLINE)
    log.act(paper())
    # every elector has voted, three online and five on paper: the vote closes early
    closed = log.act(cmd.CloseElection("a1-1", "E1"))[0]
    assert closed.data["turnout"] == {"roll": 8, "voted": 8, "blank": 1, "abstained": 0, "valid": 7}
    # online alone a1-2 leads 2 to 1; the hall gives a1-3 four first preferences of seven
    assert closed.data["winners"] == ["a1-3"]
    assert closed.data["result"]["ballots"] == 7
    assert list(check(log.events)) == []


def test_without_the_paper_ballots_the_online_ones_elect_another() -> None:
    log = voting(*ONLINE)
    log.clock += timedelta(days=RULES.voting_days + 1)
    closed = log.act(cmd.CloseElection("a1-1", "E1"))[0]
    assert closed.data["winners"] == ["a1-2"]


def test_an_early_close_waits_for_electors_who_voted_neither_online_nor_on_paper() -> None:
    log = voting(*ONLINE)
    log.act(paper(ballots=((3, ("a1-3",)), (1, ())), voters=4))
    assert "1 of 8 electors have not voted" in log.refused(cmd.CloseElection("a1-1", "E1"))


def test_fewer_than_two_tellers_are_refused() -> None:
    log = voting()
    assert "at least two tellers" in log.refused(paper(tellers=("a1-4",)))
    assert "at least two tellers" in log.refused(paper(tellers=()))
    assert "named twice" in log.refused(paper(tellers=("a1-4", "a1-4")))


def test_a_teller_not_on_the_roll_is_refused() -> None:
    log = voting()
    message = log.refused(paper(tellers=("a1-4", "a2-1")))
    assert "teller 'a2-1' is not on the roll of election E1" in message
    with pytest.raises(NotFound):
        decide(log.state, paper(tellers=("a1-4", "nobody")), log.now)


def test_a_count_that_does_not_match_the_paper_voters_is_refused() -> None:
    log = voting()
    message = log.refused(paper(voters=6))
    assert "the file holds 5 paper ballot(s) but --paper-voters is 6" in message
    assert "1 or more" in log.refused(paper(ballots=(), voters=0))


def test_paper_and_online_voters_beyond_the_roll_are_refused() -> None:
    log = voting(*ONLINE)
    message = log.refused(paper(ballots=((6, ("a1-3",)),), voters=6))
    assert "6 paper voter(s) and 3 online make 9, more than the 8 electors" in message


def test_a_ballot_naming_someone_who_is_not_a_candidate_is_refused() -> None:
    log = voting()
    message = log.refused(paper(ballots=((4, ("a1-3",)), (1, ("a1-7",)))))
    assert "names 'a1-7', who is not a candidate in election E1" in message
    assert "at most once" in log.refused(paper(ballots=((5, ("a1-3", "a1-3")),)))


def test_an_election_that_is_not_voting_is_refused() -> None:
    log = Log()
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    assert "E1 is nominating" in log.refused(paper())
    log = voting(*ONLINE)
    log.act(paper(ballots=((5, ("a1-3",)),)))
    log.act(cmd.CloseElection("a1-1", "E1"))
    assert "E1 is closed" in log.refused(paper())


def test_a_second_import_into_the_same_election_is_refused() -> None:
    log = voting()
    log.act(paper(ballots=((2, ("a1-3",)),), voters=2))
    message = log.refused(paper(ballots=((2, ("a1-2",)),), voters=2))
    assert "one import per election" in message


def test_an_online_ballot_after_the_import_may_not_take_the_votes_beyond_the_roll() -> None:
    log = voting(*ONLINE)
    log.act(paper())  # 3 online and 5 on paper: all 8 on the roll have voted
    says = log.refused(cmd.CastBallot("a1-8", "E1", ("a1-2",)))
    assert "all 8 electors on its roll have voted (3 here, 5 on paper)" in says
    # one who voted online may still change their vote
    [changed] = log.act(cmd.CastBallot("a1-1", "E1", ("a1-3",)))
    assert changed.data["replaces"] > 0
