"""What the clock makes due, and the purge: the acts the system takes of itself.

`ApplyDue` runs before every act (`soviet.services.deciding`): the terms that ended —
held over until the successor's election closes where the charter says so, else expired
— uncontested elections whose nominations closed, votes whose period ended where the
charter closes them by themselves, and petitions that ran out of time. `ScheduleAudit`
(`soviet audit --schedule`) applies the same, and in logs founded before terms ended by
themselves it ends them; then it opens an election for every office with an open seat.
Their events have no actor.

`ApplyDue` reads the offices, the mandates and who may hold them, the elections that are
not closed (their status, candidates, nominations' and vote's end) and the petitions
that are live (their status, expiry and vote's end) — never a ballot, a signature or a
key. So at one instant, once it found nothing due, it finds nothing due again until an
event changes what it reads: the events of `QUIET` do not.
"""

from __future__ import annotations

from soviet.domain import closes
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.audit import open_seats
from soviet.domain.decider import Decision, handles
from soviet.domain.electorates import eligible, office_of
from soviet.domain.events import Event
from soviet.domain.policies import fill_vacancy

#: The events that make nothing due at the instant they are recorded: they change only
#: what `apply_due` does not read — a ballot, a recall vote, a petition's signature and a
#: member's key. (A ballot, vote or signature is read in a close only once the close is
#: due, which it decides by status and time alone.) Their consequences, such as the vote
#: a petition's last signature opens, are events of their own, not quiet.
QUIET: frozenset[str] = frozenset(
    {
        ev.BALLOT_CAST,
        ev.RECALL_BALLOT_CAST,
        ev.MOTION_VOTE_CAST,
        ev.PETITION_SIGNED,
        ev.MEMBER_KEY_REGISTERED,
    }
)


@handles(cmd.ScheduleAudit)
def _schedule(d: Decision, act: cmd.ScheduleAudit) -> None:
    """The purge: what is due, the terms that ended (in logs founded before terms ended
    by themselves), then an election for every office with an open seat."""
    apply_due(d, purge=True)
    for office in d.state.offices().values():
        fill_vacancy(d, office, cause=None)


@handles(cmd.ApplyDue)
def _due(d: Decision, act: cmd.ApplyDue) -> None:
    apply_due(d, purge=False)


def apply_due(d: Decision, *, purge: bool) -> None:
    """What the clock has made due, as consequences of nobody's act: terms that ended
    (held over until the successor's election closes, where the charter says so),
    uncontested elections whose nominations closed, votes whose period ended where the
    charter closes them by themselves, and petitions that ran out of time."""
    s = d.state
    offices = s.offices()
    ended: dict[str, None] = {}
    for mandate in s.terms_ended(d.now):
        office = offices[mandate.office]
        if office.procedure.legacy and not purge:
            continue
        if office.procedure.holdover and not office.procedure.legacy:
            ended[office.id] = None
        elif s.mandate(mandate.id).active:  # a cascade may already have ended this one
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
    for ident in ended:
        fill_vacancy(d, offices[ident], cause=None, reason="term")
    for election in s.pending_elections(due_by=d.now):
        procedure = offices[election.office].procedure
        if procedure.legacy:
            continue
        if election.status == "nominating":
            ending = election.nominations_end
            if procedure.uncontested != "elect" or not election.candidates:
                continue  # returned unopposed only where the charter says so, to one at least
            if ending is not None and ending <= d.now:
                office = offices[election.office]
                seats = open_seats(
                    office,
                    s.active_mandates(office=election.office),
                    eligible(s, office),
                    d.now,
                )
                if closes.unopposed(election, office, len(seats)):
                    d.emit(closes.returned_unopposed(election, None))
        elif procedure.auto_close and election.voting_ends and election.voting_ends <= d.now:
            d.emit(closes.election_closed(s, s.election(election.id), None, d.now, d.seed))
    for petition in s.live_petitions(due_by=d.now):
        procedure = office_of(s, s.mandate(petition.mandate).office).procedure
        if procedure.legacy:
            continue
        if petition.status == "open" and petition.expires and petition.expires <= d.now:
            d.emit(
                Event(
                    ev.RECALL_CLOSED,
                    None,
                    {
                        "petition": petition.id,
                        "outcome": "expired",
                        "reason": f"not signed to its threshold by {petition.expires}",
                        "cause": None,
                    },
                )
            )
        elif (
            petition.status == "voting"
            and procedure.auto_close
            and petition.voting_ends
            and petition.voting_ends <= d.now
        ):
            d.emit(closes.recall_closed(s, petition, None))
