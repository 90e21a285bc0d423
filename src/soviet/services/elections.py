"""Acts of elections: open, nominate, start, vote, close — each decided by the rules and
recorded with its consequences (`soviet.services.deciding`)."""

from __future__ import annotations

from collections.abc import Sequence

from soviet.domain import commands as cmd
from soviet.domain.events import Recorded
from soviet.services.deciding import act
from soviet.services.ports import Workspace


def open_election(ws: Workspace, office_id: str, actor: str) -> Recorded:
    """`soviet election open OFFICE --as MEMBER`."""
    return act(ws, cmd.OpenElection(actor, office_id))


def nominate(ws: Workspace, election_id: str, candidate: str, actor: str) -> Recorded:
    """`soviet election nominate ELECTION CANDIDATE --as MEMBER`."""
    return act(ws, cmd.Nominate(actor, election_id, candidate))


def accept(ws: Workspace, election_id: str, candidate: str) -> Recorded:
    """`soviet election accept ELECTION --as CANDIDATE`: consent to a nomination."""
    return act(ws, cmd.AcceptNomination(candidate, election_id, candidate))


def withdraw(ws: Workspace, election_id: str, candidate: str) -> Recorded:
    """`soviet election withdraw ELECTION --as CANDIDATE`: stand down before the vote."""
    return act(ws, cmd.Withdraw(candidate, election_id, candidate))


def extend(ws: Workspace, election_id: str, days: int, actor: str) -> Recorded:
    """`soviet election extend ELECTION --days N --as MEMBER`: a vote short of its quorum
    runs longer, once."""
    return act(ws, cmd.ExtendVote(actor, election_id, days))


def start(ws: Workspace, election_id: str, actor: str) -> Recorded:
    """`soviet election start ELECTION --as MEMBER`: freeze the roll, open the vote."""
    return act(ws, cmd.StartElection(actor, election_id))


def vote(
    ws: Workspace, election_id: str, choice: Sequence[str], voter: str, *, abstain: bool = False
) -> Recorded:
    """`soviet vote ELECTION CHOICE… --as MEMBER` (`--blank`: no choice; `--abstain`); a
    voter who votes again changes their vote."""
    return act(ws, cmd.CastBallot(voter, election_id, tuple(choice), abstain))


def close(ws: Workspace, election_id: str, actor: str) -> Recorded:
    """`soviet election close ELECTION --as MEMBER`: count, record the result with every
    round, grant one mandate per seat won, open a by-election for seats left open, and
    log a signed checkpoint of it all.

    Candidates no longer eligible at the close are withdrawn from the count; ties broken
    by lot are drawn from the election's own record (`soviet.domain.closing`), which
    anyone can redo. Below the quorum, or without a valid ballot, nobody is elected.
    """
    return act(ws, cmd.CloseElection(actor, election_id))


def import_paper(
    ws: Workspace,
    election_id: str,
    tellers: Sequence[str],
    ballots: Sequence[tuple[int, tuple[str, ...]]],
    paper_voters: int,
    source: str,
) -> Recorded:
    """`soviet election import-paper ELECTION FILE --paper-voters N --as TELLER --as
    TELLER…`: the paper ballots of a vote in a hall, counted by the tellers, the first of
    whom acts; `source` is the hex SHA-256 of the file they were read from."""
    actor = tellers[0] if tellers else ""
    command = cmd.ImportPaper(
        actor, election_id, tuple(tellers), tuple(ballots), paper_voters, source
    )
    return act(ws, command)
