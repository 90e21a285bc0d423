"""The decider and its policies on a log in memory, and the re-derivation that catches a
log whose consequences the rules do not derive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.clock import after_days, format_instant
from soviet.domain.closing import lot_seed
from soviet.domain.decider import decide
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Holding, Member, Office, Procedure, Rules
from soviet.domain.policies import UNSIGNED
from soviet.domain.rederive import Discrepancy, Rederivation, check
from soviet.domain.state import MemoryState
from soviet.domain.votes import commit
from soviet.errors import NotFound, Refused
from soviet.ledger.compact import Range
from soviet.ledger.entries import encode_entry, parse_canonical_value
from soviet.ledger.hashing import leaf_hash

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RULES = Rules(
    term_days=30,
    voting_days=3,
    procedure=Procedure(
        nominations="open", uncontested="count", holdover=False, petition_days=None
    ),
)


def office(
    ident: str, body: str, seats: int = 1, *, seat_in: str | None = None, method: str | None = None
) -> Office:
    return Office(
        ident,
        body,
        ident,
        seats,
        method or ("irv" if seats == 1 else "stv"),
        seat_in=seat_in,
        term_days=RULES.term_days,
        voting_days=RULES.voting_days,
        recall_petition=RULES.recall_petition,
        recall_immediate=RULES.recall_immediate,
        recall_quorum=RULES.recall_quorum,
        procedure=RULES.procedure,
    )


def people(assembly: str, count: int) -> tuple[Member, ...]:
    return tuple(
        Member(f"{assembly}-{i}", f"{assembly} {i}", (assembly,)) for i in range(1, count + 1)
    )


def federation(holdings: Sequence[Holding] = ()) -> Charter:
    """a1 (one deputy) and a2 (two deputies) sit in the district; the district sends one
    deputy to the city; the city elects its chair."""
    return Charter(
        name="City",
        origin="councils.example.org/city",
        rules=RULES,
        bodies=(
            Body("city", "City", "council"),
            Body("district", "District", "council", "city"),
            Body("a1", "One", "assembly", "district"),
            Body("a2", "Two", "assembly", "district"),
        ),
        offices=(
            office("a1.deputy", "a1", seat_in="district"),
            office("a2.deputy", "a2", 2, seat_in="district"),
            office("district.deputy", "district", seat_in="city"),
            office("city.chair", "city"),
        ),
        members=people("a1", 8) + people("a2", 6),
        founders=("a1-1",),
        holdings=tuple(holdings),
    )


class Log:
    """A log in memory: acts decided on its state and recorded with their seqs, a clock,
    and the Merkle tree whose root seeds each close."""

    def __init__(self, charter: Charter) -> None:
        self.state = MemoryState()
        self.events: list[Recorded] = []
        self.clock = START
        self.tree = Range()
        for event in found(charter, "a-verifier-key"):
            self.record(event)

    @property
    def now(self) -> str:
        return format_instant(self.clock)

    def tick(self, days: float) -> None:
        self.clock += timedelta(days=days)

    def record(self, event: Event) -> Recorded:
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
        derived = decide(self.state, command, self.now, seed=self.tree.root())
        return [self.record(event) for event in derived]

    def elect(self, office_id: str, winners: Sequence[str]) -> list[Recorded]:
        """Open (unless pending), nominate the winners, start, everyone votes for them in
        order, close early; returns what the close recorded."""
        pending = self.state.pending_election(office_id)
        electors = sorted(electorate(self, office_id))
        if pending is None:
            self.act(cmd.OpenElection(electors[0], office_id))
            pending = self.state.pending_election(office_id)
            assert pending is not None
        for winner in winners:
            if winner not in pending.candidates:
                self.act(cmd.Nominate(electors[0], pending.id, winner))
                if winner != electors[0]:
                    self.act(cmd.AcceptNomination(winner, pending.id, winner))
        self.act(cmd.StartElection(electors[0], pending.id))
        election = self.state.election(pending.id)
        for voter in sorted(election.roll):
            self.act(cmd.CastBallot(voter, election.id, tuple(winners)))
        return self.act(cmd.CloseElection(sorted(election.roll)[0], election.id))

    def types(self, events: Sequence[Recorded]) -> list[str]:
        return [e.type for e in events]


def electorate(log: Log, office_id: str) -> frozenset[str]:
    of = log.state.offices()[office_id]
    if log.state.bodies()[of.body].kind == "assembly":
        return frozenset(log.state.assembly_members(of.body))
    return frozenset(log.state.seated(of.body))


def seated_federation() -> Log:
    """Every office filled: a1-2 is a1's deputy, the district's deputy and the city's chair."""
    log = Log(federation())
    log.elect("a1.deputy", ["a1-2"])
    log.elect("a2.deputy", ["a2-1", "a2-2"])
    log.elect("district.deputy", ["a1-2"])
    log.elect("city.chair", ["a1-2"])
    return log


def active(log: Log, office_id: str) -> list[str]:
    return [m.holder for m in log.state.active_mandates(office=office_id)]


# -- elections ---------------------------------------------------------------------------


def test_opening_an_election_numbers_it_after_the_last_one() -> None:
    log = Log(federation())
    [opened] = log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    assert opened.data == {
        "election": "E1",
        "office": "a1.deputy",
        "seats": 1,
        "kind": "regular",
        "nominations_end": after_days(log.now, 3),
    }
    [again] = log.act(cmd.OpenElection("a2-1", "a2.deputy"))
    assert again.data["election"] == "E2" and again.data["seats"] == 2


def test_only_electors_of_the_office_may_open_its_election() -> None:
    log = Log(federation())
    with pytest.raises(Refused, match="only electors"):
        decide(log.state, cmd.OpenElection("a2-1", "a1.deputy"), log.now)
    with pytest.raises(NotFound):
        decide(log.state, cmd.OpenElection("nobody", "a1.deputy"), log.now)


def test_a_close_counts_grants_each_seat_refills_nothing_and_logs_a_checkpoint() -> None:
    log = Log(federation())
    closed = log.elect("a2.deputy", ["a2-3", "a2-1"])
    assert log.types(closed) == [
        ev.ELECTION_CLOSED,
        ev.MANDATE_GRANTED,
        ev.MANDATE_GRANTED,
        ev.CHECKPOINT_LOGGED,
    ]
    head = closed[0]
    assert head.data["winners"] == ["a2-3", "a2-1"]
    assert len(bytes.fromhex(head.data["seed"])) == 32  # the root before the close
    grants = closed[1:3]
    assert [(g.data["mandate"], g.data["holder"], g.data["seat"]) for g in grants] == [
        ("M1", "a2-3", 1),
        ("M2", "a2-1", 2),
    ]
    assert all(g.data["cause"] == head.seq for g in grants)
    assert closed[3].data["cause"] == head.seq
    assert closed[3].data["checkpoint"] != UNSIGNED  # the log filled in the signature


def test_a_close_before_the_period_ends_is_refused_while_someone_has_not_voted() -> None:
    log = Log(federation())
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    log.act(cmd.Nominate("a1-1", "E1", "a1-3"))
    log.act(cmd.AcceptNomination("a1-3", "E1", "a1-3"))
    log.act(cmd.StartElection("a1-1", "E1"))
    log.act(cmd.CastBallot("a1-1", "E1", ("a1-3",)))
    with pytest.raises(Refused, match="cannot close before"):
        decide(log.state, cmd.CloseElection("a1-1", "E1"), log.now)
    log.tick(RULES.voting_days)
    assert log.types(log.act(cmd.CloseElection("a1-2", "E1")))[:2] == [
        ev.ELECTION_CLOSED,
        ev.MANDATE_GRANTED,
    ]


def test_a_second_ballot_replaces_the_first_and_a_ballot_off_the_roll_is_refused() -> None:
    log = Log(federation())
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    log.act(cmd.Nominate("a1-1", "E1", "a1-3"))
    log.act(cmd.AcceptNomination("a1-3", "E1", "a1-3"))
    log.act(cmd.StartElection("a1-1", "E1"))
    [first] = log.act(cmd.CastBallot("a1-1", "E1", ("a1-3",)))
    [again] = log.act(cmd.CastBallot("a1-1", "E1", ("a1-3",)))
    assert again.data["replaces"] == first.seq
    assert log.state.ballots("E1") == [("a1-1", ("a1-3",))]
    with pytest.raises(Refused, match="not on the roll"):
        decide(log.state, cmd.CastBallot("a2-1", "E1", ("a1-3",)), log.now)


def test_a_close_with_fewer_winners_than_seats_opens_a_by_election_for_the_rest() -> None:
    log = Log(federation())
    closed = log.elect("a2.deputy", ["a2-1"])
    assert log.types(closed) == [
        ev.ELECTION_CLOSED,
        ev.MANDATE_GRANTED,
        ev.ELECTION_OPENED,
        ev.CHECKPOINT_LOGGED,
    ]
    assert closed[2].data == {
        "election": "E2",
        "office": "a2.deputy",
        "seats": 1,
        "cause": closed[0].seq,
        "kind": "regular",
        "nominations_end": after_days(log.now, 3),
    }


def test_a_close_takes_over_a_seat_held_without_an_election() -> None:
    log = Log(federation([Holding("a1.deputy", "a1-5")]))
    closed = log.elect("a1.deputy", ["a1-3"])
    assert log.types(closed)[:3] == [ev.ELECTION_CLOSED, ev.MANDATE_GRANTED, ev.MANDATE_LAPSED]
    assert closed[1].data["mandate"] == "M2" and closed[1].data["seat"] == 1
    assert closed[2].data == {
        "mandate": "M1",
        "reason": "seat 1 filled by election E1",
        "cause": closed[0].seq,
    }
    assert active(log, "a1.deputy") == ["a1-3"]


def test_an_imported_holder_re_elected_keeps_the_seats_that_depend_on_it() -> None:
    log = Log(federation([Holding("a1.deputy", "a1-5"), Holding("district.deputy", "a1-5")]))
    closed = log.elect("a1.deputy", ["a1-5"])
    # the old mandate ends after the new one is granted: a1-5 never leaves the district
    assert log.types(closed)[:3] == [ev.ELECTION_CLOSED, ev.MANDATE_GRANTED, ev.MANDATE_LAPSED]
    assert ev.MANDATE_LAPSED not in log.types(closed)[3:]
    assert active(log, "district.deputy") == ["a1-5"]


# -- recall --------------------------------------------------------------------------------


def test_signatures_at_the_petition_share_open_a_recall_vote() -> None:
    log = seated_federation()
    [opened] = log.act(cmd.OpenPetition("a2-3", "M2", "  broke the mandate "))
    assert opened.data == {"petition": "P1", "mandate": "M2", "reason": "broke the mandate"}
    signed = log.act(cmd.SignPetition("a2-4", "P1"))  # 2 of 6: at least a quarter
    assert log.types(signed) == [ev.PETITION_SIGNED, ev.RECALL_VOTE_OPENED]
    assert signed[1].data["roll_hash"] == commit(f"a2-{i}" for i in range(1, 7)).hash
    assert log.state.petition("P1").roll == {f"a2-{i}" for i in range(1, 7)}
    assert signed[1].data["cause"] == signed[0].seq


def test_a_recall_vote_that_passes_recalls_refills_and_logs_a_checkpoint() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a2-3", "M2", "no"))
    log.act(cmd.SignPetition("a2-4", "P1"))
    for voter, vote in [("a2-1", "no"), ("a2-3", "yes"), ("a2-4", "yes"), ("a2-5", "yes")]:
        log.act(cmd.CastRecallVote(voter, "P1", vote))
    log.tick(RULES.voting_days)
    closed = log.act(cmd.CloseRecallVote("a2-6", "P1"))
    assert log.types(closed) == [
        ev.RECALL_CLOSED,
        ev.MANDATE_RECALLED,
        ev.ELECTION_OPENED,
        ev.CHECKPOINT_LOGGED,
    ]
    assert closed[0].data["outcome"] == "recalled"
    assert closed[1].data == {
        "mandate": "M2",
        "petition": "P1",
        "by": "vote",
        "cause": closed[0].seq,
    }
    assert closed[2].data["cause"] == closed[1].seq
    assert closed[3].data["cause"] == closed[0].seq


def test_a_recall_vote_that_fails_ends_nothing_but_is_anchored() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a2-3", "M2", "no"))
    log.act(cmd.SignPetition("a2-4", "P1"))
    for voter in ("a2-1", "a2-2", "a2-3"):
        log.act(cmd.CastRecallVote(voter, "P1", "no"))
    log.tick(RULES.voting_days)
    closed = log.act(cmd.CloseRecallVote("a2-1", "P1"))
    assert log.types(closed) == [ev.RECALL_CLOSED, ev.CHECKPOINT_LOGGED]
    assert closed[0].data["outcome"] == "failed"


def test_a_recall_of_a_base_deputy_lapses_the_seats_above_level_after_level() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a1-3", "M1", "no"))
    for signer in ("a1-4", "a1-5"):
        log.act(cmd.SignPetition(signer, "P1"))
    recalled = log.act(cmd.SignPetition("a1-6", "P1"))  # 4 of 8: the immediate share
    assert log.types(recalled) == [
        ev.PETITION_SIGNED,
        ev.MANDATE_RECALLED,
        ev.ELECTION_OPENED,  # a1's seat, and its by-election
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,  # the district's deputy in the city
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,  # the city's chair
    ]
    seqs = [e.seq for e in recalled]
    assert recalled[1].data == {
        "mandate": "M1",
        "petition": "P1",
        "by": "signatures",
        "signatures": 4,
        "electorate": 8,
        "cause": seqs[0],
    }
    assert [e.data["cause"] for e in recalled[2:]] == [seqs[1], seqs[1], seqs[3], seqs[3], seqs[5]]
    assert [e.data["mandate"] for e in recalled if e.type == ev.MANDATE_LAPSED] == ["M4", "M5"]
    assert [e.data["office"] for e in recalled if e.type == ev.ELECTION_OPENED] == [
        "a1.deputy",
        "district.deputy",
        "city.chair",
    ]
    assert log.state.petition("P1").status == "recalled"


def test_a_petition_against_a_mandate_that_ends_otherwise_fails_as_moot() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a2-1", "M4", "no"))  # a deputy petitions against a1-2 above
    assert log.state.live_petition("M4") is not None
    log.act(cmd.OpenPetition("a1-3", "M1", "no"))
    for signer in ("a1-4", "a1-5"):
        log.act(cmd.SignPetition(signer, "P2"))
    recalled = log.act(cmd.SignPetition("a1-6", "P2"))
    moot = [e for e in recalled if e.type == ev.RECALL_CLOSED]
    lapse = next(e for e in recalled if e.data.get("mandate") == "M4")
    assert [m.data for m in moot] == [
        {
            "petition": "P1",
            "outcome": "failed",
            "reason": "mandate M4 ended otherwise (mandate.lapsed)",
            "cause": lapse.seq,
        }
    ]
    assert log.state.petition("P1").status == "failed"


def test_leaving_the_assembly_lapses_the_deputy_and_everything_above() -> None:
    log = seated_federation()
    left = log.act(cmd.LeaveBody("a1-2", "a1-2", "a1"))
    assert log.types(left) == [
        ev.MEMBER_LEFT,
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,
    ]
    assert left[1].data == {
        "mandate": "M1",
        "reason": "a1-2 is no longer a member of a1",
        "cause": left[0].seq,
    }


def test_admission_is_the_founders_until_an_office_with_the_power_to_admit_is_held() -> None:
    log = Log(federation())
    [admitted] = log.act(cmd.AdmitMember("a1-1", "new", "  New One ", ("a2",)))
    assert admitted.data == {"member": "new", "name": "New One", "bodies": ["a2"]}
    with pytest.raises(Refused, match="founders"):
        decide(log.state, cmd.AdmitMember("a1-2", "other", "", ("a1",)), log.now)
    with pytest.raises(Refused, match="exists already"):
        decide(log.state, cmd.AdmitMember("a1-1", "new", "", ("a1",)), log.now)
    [joined] = log.act(cmd.JoinBody("a1-1", "new", "a1"))
    assert joined.data == {"member": "new", "body": "a1"}
    assert log.state.member("new").bodies == ("a1", "a2")


# -- the purge ---------------------------------------------------------------------------


def test_the_schedule_opens_an_election_for_every_vacant_office() -> None:
    log = Log(federation())
    opened = log.act(cmd.ScheduleAudit())
    assert [(e.data["election"], e.data["office"], e.data.get("reason")) for e in opened] == [
        ("E1", "a1.deputy", "audit"),
        ("E2", "a2.deputy", "audit"),
        ("E3", "district.deputy", "audit"),
        ("E4", "city.chair", "audit"),
    ]
    assert all(e.actor is None and "cause" not in e.data for e in opened)
    # the councils' elections wait, open for nominations, until their deputies are seated
    with pytest.raises(Refused, match="roll would be empty"):
        decide(log.state, cmd.StartElection("a1-1", "E3"), log.now)
    assert log.act(cmd.ScheduleAudit()) == []  # nothing more to do


def test_the_schedule_expires_mandates_whose_term_ran_out_and_cascades() -> None:
    log = seated_federation()
    log.tick(RULES.term_days + 1)
    done = log.act(cmd.ScheduleAudit())
    expired = [e for e in done if e.type == ev.MANDATE_EXPIRED]
    assert [e.data["mandate"] for e in expired] == ["M1", "M2", "M3"]
    assert all(
        e.data["cause"] is None and e.data["reason"].startswith("term ended at ") for e in expired
    )
    # a1-2's expiry lapses the district's and the city's seats, each with a by-election
    first = done[: done.index(expired[1])]
    assert log.types(first) == [
        ev.MANDATE_EXPIRED,
        ev.ELECTION_OPENED,
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,
        ev.MANDATE_LAPSED,
        ev.ELECTION_OPENED,
    ]
    assert not log.state.active_mandates()


# -- the decider and the state -------------------------------------------------------------


def test_deciding_leaves_the_state_as_it_was() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a1-3", "M1", "no"))
    for signer in ("a1-4", "a1-5"):
        log.act(cmd.SignPetition(signer, "P1"))
    before = snapshot(log.state)
    derived = decide(log.state, cmd.SignPetition("a1-6", "P1"), log.now)
    assert len(derived) == 7
    assert snapshot(log.state) == before
    with pytest.raises(Refused):
        decide(log.state, cmd.SignPetition("a1-4", "P1"), log.now)
    assert snapshot(log.state) == before


def snapshot(state: MemoryState) -> Any:
    return (
        state.size,
        [(m.id, m.status) for m in state.active_mandates()],
        {o: state.pending_election(o) for o in state.offices()},
        state.live_petition("M1"),
        {c: frozenset(state.seated(c)) for c in ("district", "city")},
        state.next_id("election"),
        state.next_id("mandate"),
        state.next_id("petition"),
    )


def test_every_act_reads_back_as_the_command_that_made_it() -> None:
    log = seated_federation()
    log.act(cmd.OpenPetition("a2-3", "M2", "no"))
    for event in log.events:
        command = cmd.command_of(event)
        if event.actor is None:
            assert command is None or command == cmd.ScheduleAudit()
            continue
        assert command is not None, event
        again = decide(_before(log.events, event.seq), command, event.at)
        assert (again[0].type, again[0].actor) == (event.type, event.actor)


def _before(events: Sequence[Recorded], seq: int) -> MemoryState:
    state = MemoryState()
    for event in events[: seq - 1]:
        state.apply(event)
    return state


# -- re-deriving a log ------------------------------------------------------------------------


def recalled_log() -> Log:
    """The federation, then a1's deputy recalled at once, cascading to the city."""
    log = seated_federation()
    log.act(cmd.OpenPetition("a1-3", "M1", "no"))
    for signer in ("a1-4", "a1-5", "a1-6"):
        log.act(cmd.SignPetition(signer, "P1"))
    return log


def discrepancies(events: Sequence[Recorded]) -> list[Discrepancy]:
    return list(check(events))


def test_an_honest_log_re_derives_without_a_discrepancy() -> None:
    log = recalled_log()
    log.elect("a1.deputy", ["a1-7"])
    log.tick(RULES.term_days + 1)
    log.act(cmd.ScheduleAudit())
    assert discrepancies(log.events) == []


def at(events: Sequence[Recorded], type: str, **data: Any) -> int:
    """The index of the first event of a type whose data has the given values."""
    return next(
        i
        for i, e in enumerate(events)
        if e.type == type and all(e.data.get(k) == v for k, v in data.items())
    )


def renumbered(events: Sequence[Recorded]) -> list[Recorded]:
    """Events given consecutive seqs again, as a forger who removed or added one would."""
    return [replace(e, seq=i) for i, e in enumerate(events, start=1)]


def test_a_forged_grant_is_an_event_the_rules_do_not_derive() -> None:
    events = seated_federation().events
    i = at(events, ev.MANDATE_GRANTED, mandate="M1")
    forged = replace(events[i], data={**events[i].data, "holder": "a1-7"})
    found = discrepancies([*events[:i], forged, *events[i + 1 :]])
    assert found[0].seq == forged.seq and found[0].kind == "differs"
    assert 'holder: logged "a1-7", derived "a1-2"' in found[0].detail


def test_a_grant_added_to_a_close_is_extra() -> None:
    events = seated_federation().events
    i = at(events, ev.MANDATE_GRANTED, mandate="M1")
    extra = replace(events[i], data={**events[i].data, "mandate": "M99", "seat": 2})
    found = discrepancies(renumbered([*events[: i + 1], extra, *events[i + 1 :]]))
    assert [(d.seq, d.kind) for d in found][:1] == [(events[i].seq + 1, "extra")]


def test_a_relabelled_recall_outcome_is_caught() -> None:
    events = recalled_log().events
    i = at(events, ev.MANDATE_RECALLED)
    forged = replace(events[i], data={**events[i].data, "by": "vote"})
    found = discrepancies([*events[:i], forged, *events[i + 1 :]])
    assert found[0].seq == forged.seq
    assert found[0].detail.startswith('by: logged "vote", derived "signatures"')


def test_a_removed_lapse_is_missing_from_the_log() -> None:
    events = recalled_log().events
    i = at(events, ev.MANDATE_LAPSED, mandate="M5")
    found = discrepancies(renumbered([*events[:i], *events[i + 1 :]]))
    missing = [d for d in found if d.kind == "missing"]
    assert missing and missing[0].seq == events[i].seq
    assert missing[0].type == ev.MANDATE_LAPSED and "M5" in missing[0].detail


def test_an_added_lapse_is_extra() -> None:
    log = seated_federation()
    [opened] = log.act(cmd.OpenPetition("a2-3", "M2", "no"))
    lapse = Recorded(
        opened.seq + 1,
        opened.at,
        ev.MANDATE_LAPSED,
        None,
        {"mandate": "M3", "reason": "a2-2 is no longer a member of a2", "cause": opened.seq},
    )
    found = discrepancies([*log.events, lapse])
    assert [(d.seq, d.kind, d.type) for d in found] == [(lapse.seq, "extra", ev.MANDATE_LAPSED)]


def test_a_removed_by_election_is_missing_and_its_absence_shifts_the_ids_after() -> None:
    log = recalled_log()
    i = at(log.events, ev.ELECTION_OPENED, office="city.chair", cause=log.events[-1].seq - 1)
    found = discrepancies(renumbered([*log.events[:i], *log.events[i + 1 :]]))
    assert found[0].kind == "missing" and found[0].type == ev.ELECTION_OPENED
    assert found[0].seq == log.events[i].seq


def _forgeries() -> dict[str, list[Recorded]]:
    events = recalled_log().events
    grant = at(events, ev.MANDATE_GRANTED, mandate="M1")
    lapse = at(events, ev.MANDATE_LAPSED, mandate="M5")
    later = format_instant(START + timedelta(days=400))
    return {
        "honest": events,
        "a changed grant": [
            *events[:grant],
            replace(events[grant], data={**events[grant].data, "holder": "a1-7"}),
            *events[grant + 1 :],
        ],
        "a removed lapse": renumbered([*events[:lapse], *events[lapse + 1 :]]),
        "a grant logged later": [
            *events[:grant],
            replace(events[grant], at=later),
            *events[grant + 1 :],
        ],
        "a removed last event": events[:-1],
    }


@pytest.mark.parametrize("name", list(_forgeries()))
def test_a_rederivation_leaves_the_state_the_log_gives_whatever_it_derived(name: str) -> None:
    events = _forgeries()[name]
    rederivation = Rederivation()
    for event in events:
        rederivation.feed(event)
    rederivation.finish()
    applied = _before(events, len(events) + 1)
    assert snapshot(rederivation.state) == snapshot(applied)
    granted = [str(e.data["mandate"]) for e in events if e.type == ev.MANDATE_GRANTED]
    assert [rederivation.state.mandate(m) for m in granted] == [applied.mandate(m) for m in granted]


def test_a_repeated_ballot_must_name_the_one_it_replaces_and_an_event_after_one_is_extra() -> None:
    log = Log(federation())
    log.elect("a1.deputy", ["a1-2"])
    i = at(log.events, ev.BALLOT_CAST)
    ballot = log.events[i]
    again = discrepancies(renumbered([*log.events[: i + 1], ballot, *log.events[i + 1 :]]))
    assert (again[0].seq, again[0].kind) == (ballot.seq + 1, "differs")
    assert "replaces" in again[0].detail
    data = {"mandate": "M1", "reason": "none", "cause": ballot.seq}
    lapse = Recorded(ballot.seq + 1, ballot.at, ev.MANDATE_LAPSED, None, data)
    extra = discrepancies(renumbered([*log.events[: i + 1], lapse, *log.events[i + 1 :]]))
    assert (ballot.seq + 1, "extra") in [(d.seq, d.kind) for d in extra]


def test_an_early_close_is_refused_when_not_everyone_voted() -> None:
    log = Log(federation())
    log.elect("a1.deputy", ["a1-2"])
    i = at(log.events, ev.BALLOT_CAST)
    # a ballot removed: the close came before everyone voted, and the period had not ended
    found = discrepancies(renumbered([*log.events[:i], *log.events[i + 1 :]]))
    refused = [d for d in found if d.kind == "refused"]
    assert refused and refused[0].type == ev.ELECTION_CLOSED
    assert "cannot close before" in refused[0].detail


def test_a_ballot_whose_choice_was_altered_changes_the_recount() -> None:
    log = Log(federation())
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    for candidate in ("a1-2", "a1-3"):
        log.act(cmd.Nominate("a1-1", "E1", candidate))
        log.act(cmd.AcceptNomination(candidate, "E1", candidate))
    log.act(cmd.StartElection("a1-1", "E1"))
    for i in range(1, 9):
        log.act(cmd.CastBallot(f"a1-{i}", "E1", ("a1-2",) if i <= 5 else ("a1-3",)))
    log.act(cmd.CloseElection("a1-1", "E1"))
    events = list(log.events)
    for _ in range(3):  # three ballots moved: a1-3 wins instead
        i = at(events, ev.BALLOT_CAST, choice=["a1-2"])
        events[i] = replace(events[i], data={**events[i].data, "choice": ["a1-3"]})
    found = discrepancies(events)
    close = at(events, ev.ELECTION_CLOSED)
    # the ballots themselves are valid acts; the close and its grant are not what was logged
    assert {d.seq for d in found} >= {events[close].seq, events[close + 1].seq}
    assert all(d.seq >= events[close].seq for d in found)
    assert any(d.detail.startswith('winners[0]: logged "a1-2", derived "a1-3"') for d in found)


def test_a_changed_seed_is_caught_by_the_recount() -> None:
    log = Log(federation())
    log.elect("a1.deputy", ["a1-2"])
    events = list(log.events)
    i = at(events, ev.ELECTION_CLOSED)
    events[i] = replace(events[i], data={**events[i].data, "seed": "00" * 32})
    found = discrepancies(events)
    assert found[0].seq == events[i].seq and found[0].detail.startswith("seed:")


def test_a_checkpoint_is_compared_by_its_cause_and_place_not_its_note() -> None:
    log = Log(federation())
    log.elect("a1.deputy", ["a1-2"])
    events = list(log.events)
    i = at(events, ev.CHECKPOINT_LOGGED)
    resigned = replace(events[i], data={**events[i].data, "checkpoint": "another note"})
    assert discrepancies([*events[:i], resigned]) == []
    unsigned = replace(events[i], data={**events[i].data, "checkpoint": ""})
    assert [d.detail for d in discrepancies([*events[:i], unsigned])] == [
        "checkpoint: logged no signed note"
    ]
    recaused = replace(events[i], data={**events[i].data, "cause": 1})
    assert discrepancies([*events[:i], recaused])[0].detail.startswith("cause:")


def test_a_recall_vote_quorum_counts_exactly() -> None:
    charter = federation()
    strict = replace(
        charter,
        offices=tuple(
            replace(o, recall_quorum=Fraction(1, 2)) if o.id == "a2.deputy" else o
            for o in charter.offices
        ),
    )
    log = Log(strict)
    log.elect("a2.deputy", ["a2-1", "a2-2"])
    log.act(cmd.OpenPetition("a2-3", "M1", "no"))
    log.act(cmd.SignPetition("a2-4", "P1"))
    for voter in ("a2-3", "a2-4"):  # 2 of 6 voted: under half
        log.act(cmd.CastRecallVote(voter, "P1", "yes"))
    log.tick(RULES.voting_days)
    closed = log.act(cmd.CloseRecallVote("a2-5", "P1"))
    assert closed[0].data["outcome"] == "failed"
    assert discrepancies(log.events) == []


# -- fair lots -----------------------------------------------------------------------------

CANDIDATES = ("a1-2", "a1-3", "a1-4")


def _close_with(ballots: Sequence[Sequence[str]], unrelated_at: int | None) -> tuple[Log, Any]:
    """a1 elects its deputy among three by IRV from `ballots`; with `unrelated_at`, a
    member is admitted elsewhere before that ballot (or, past the last, before the close)."""
    log = Log(federation())
    log.act(cmd.OpenElection("a1-1", "a1.deputy"))
    for candidate in CANDIDATES:
        log.act(cmd.Nominate(candidate, "E1", candidate))
    log.act(cmd.StartElection("a1-1", "E1"))
    for number, choice in enumerate(ballots):
        if number == unrelated_at:
            log.act(cmd.AdmitMember("a1-1", "newcomer", "Newcomer", ("a2",)))
        log.act(cmd.CastBallot(f"a1-{number + 1}", "E1", tuple(choice)))
    if unrelated_at is not None and unrelated_at >= len(ballots):
        log.act(cmd.AdmitMember("a1-1", "newcomer", "Newcomer", ("a2",)))
    log.tick(RULES.voting_days)
    closed = log.act(cmd.CloseElection("a1-1", "E1"))[0]
    return log, closed


@given(
    ballots=st.lists(st.permutations(CANDIDATES).map(lambda r: r[:2]), min_size=1, max_size=6),
    where=st.integers(0, 6),
)
@settings(max_examples=60, deadline=None)
def test_a_lot_never_changes_when_an_unrelated_act_is_inserted_before_the_close(
    ballots: list[list[str]], where: int
) -> None:
    plain, alone = _close_with(ballots, None)
    busy, crowded = _close_with(ballots, where)
    assert plain.tree.root() != busy.tree.root()  # the log itself differs
    for key in ("seed", "winners", "result"):
        assert alone.data[key] == crowded.data[key], key


def test_a_tie_is_decided_by_lot_from_the_election_s_own_record() -> None:
    log, closed = _close_with([["a1-2"], ["a1-3"]], None)
    election = log.state.election("E1")
    expected = lot_seed("E1", commit(election.roll).hash, CANDIDATES, [["a1-2"], ["a1-3"]])
    assert closed.data["seed"] == expected.hex()
    ties = closed.data["result"]["ties"]
    assert ties and all(t["broken_by"] == "lot" and t["seed"] == expected.hex() for t in ties)
