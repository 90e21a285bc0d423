"""Motions on a real database: a body decides by roll call, its decisions are numbered, a
council's motion referred down is instructed on by the bodies below, and a deputy who
votes against their instruction is in breach — reported, petitioned or recalled as their
office says, the cascade included. Every story's log replays into identical projections
and re-derives under `verify`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integration.conftest import (
    RULES,
    Databases,
    Organization,
    assert_replay_identical,
    city_federation,
)
from integration.signed import verify
from soviet.domain import events as ev
from soviet.domain.events import Recorded
from soviet.domain.model import Charter
from soviet.errors import NotFound, Refused
from soviet.services import audit, motions
from soviet.storage import views

Found = Callable[[Charter], Organization]
A1 = [f"a1-{i}" for i in range(1, 9)]
TEXT = "Fares on the city's trams are abolished from the first of next month.\n"


def of_type(events: Sequence[Recorded], kind: str) -> list[Recorded]:
    return [e for e in events if e.type == kind]


#: An amendment within the assembly a1's authority: its deputy's term.
A1_TERM = '[[offices]]\nid = "a1.deputy"\nterm_days = 60\n'


def put_to_a1(org: Organization, kind: str = "ordinary") -> str:
    """a1-1 proposes a motion in the assembly a1, a1-2 seconds it, a1-1 starts the vote."""
    fragment = A1_TERM if kind == "amendment" else None
    proposed = org.act(
        lambda ws: motions.propose(ws, "a1", "Tram fares", TEXT, "a1-1", kind, charter=fragment)
    )
    motion = str(proposed[0].data["motion"])
    org.act(lambda ws: motions.second(ws, motion, "a1-2"))
    org.act(lambda ws: motions.start(ws, motion, "a1-1"))
    return motion


def cast(org: Organization, motion: str, votes: dict[str, str]) -> None:
    for voter, vote in votes.items():
        org.act(partial(motions.vote, motion=motion, choice=vote, voter=voter))


def row(org: Organization, motion: str) -> dict[str, object]:
    found = org.read(lambda ws: views.record(ws.conn, "motions", motion))
    assert found is not None
    return found


def test_a_motion_adopted_by_roll_call_is_the_bodys_first_decision_with_its_text_and_hash(
    found: Found, databases: Databases
) -> None:
    org = found(city_federation())
    motion = put_to_a1(org)
    cast(org, motion, {"a1-1": "yes", "a1-2": "yes", "a1-3": "no", "a1-4": "abstain"})
    org.tick(days=4)
    closed = org.act(lambda ws: motions.close(ws, motion, "a1-5"))
    assert [e.type for e in closed] == [ev.MOTION_CLOSED, ev.DECISION_ADOPTED]
    assert closed[0].data["outcome"] == "adopted"
    assert closed[0].data["result"] == {
        "yes": 2,
        "no": 1,
        "abstain": 1,
        "roll": 8,
        "voted": 4,
        "quorum": "1/2",
        "quorum_met": True,
        "majority": "simple",
        "passed": True,
    }
    decision = closed[1].data
    assert decision["number"] == 1 and decision["body"] == "a1" and decision["text"] == TEXT
    assert decision["cause"] == closed[0].seq
    shown = row(org, motion)
    assert shown["status"] == "adopted" and shown["decision"] == 1
    assert shown["roll_call"] == {"a1-1": "yes", "a1-2": "yes", "a1-3": "no", "a1-4": "abstain"}
    second = put_to_a1(org)
    cast(org, second, dict.fromkeys(A1, "yes"))
    again = org.act(lambda ws: motions.close(ws, second, "a1-1"))  # early: everyone voted
    assert again[1].data["number"] == 2
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_a_motion_short_of_its_quorum_or_its_majority_is_rejected_and_decides_nothing(
    found: Found,
) -> None:
    org = found(city_federation())
    short = put_to_a1(org)
    cast(org, short, {"a1-1": "yes", "a1-2": "yes", "a1-3": "yes"})  # 3 of 8: below 1/2
    org.tick(days=4)
    closed = org.act(lambda ws: motions.close(ws, short, "a1-1"))
    assert [e.type for e in closed] == [ev.MOTION_CLOSED]
    assert closed[0].data["outcome"] == "rejected"
    assert closed[0].data["result"]["quorum_met"] is False
    tied = put_to_a1(org)
    cast(org, tied, {"a1-1": "yes", "a1-2": "yes", "a1-3": "no", "a1-4": "no"})
    org.tick(days=4)
    assert org.act(lambda ws: motions.close(ws, tied, "a1-1"))[0].data["outcome"] == "rejected"


def test_an_amendment_needs_the_qualified_majority_of_the_votes_cast(found: Found) -> None:
    org = found(city_federation())
    # 5 yes, 3 no: a majority, short of two thirds of the votes cast
    amendment = put_to_a1(org, "amendment")
    cast(org, amendment, {m: ("yes" if i < 5 else "no") for i, m in enumerate(A1)})
    closed = org.act(lambda ws: motions.close(ws, amendment, "a1-1"))
    assert closed[0].data["outcome"] == "rejected"
    assert closed[0].data["result"]["majority"] == "2/3"
    # 6 yes, 2 no, abstentions aside: three quarters of the votes cast
    again = put_to_a1(org, "amendment")
    cast(org, again, {m: ("yes" if i < 6 else "no") for i, m in enumerate(A1)})
    adopted = org.act(lambda ws: motions.close(ws, again, "a1-1"))
    assert adopted[0].data["outcome"] == "adopted"
    assert adopted[1].data["kind"] == "amendment"


def test_the_charter_sets_the_quorum_and_the_qualified_majority(found: Found) -> None:
    rules = replace(
        RULES,
        procedure=replace(
            RULES.procedure, motion_quorum=Fraction(0), amendment_majority=Fraction(3, 4)
        ),
    )
    org = found(replace(city_federation(), rules=rules))
    motion = put_to_a1(org, "amendment")
    cast(org, motion, {"a1-1": "yes", "a1-2": "yes", "a1-3": "yes", "a1-4": "no"})
    org.tick(days=4)
    closed = org.act(lambda ws: motions.close(ws, motion, "a1-1"))
    assert closed[0].data["result"]["quorum"] == "0"
    assert closed[0].data["result"]["majority"] == "3/4"
    assert closed[0].data["outcome"] == "adopted"


def test_every_act_out_of_turn_is_refused_and_writes_nothing(found: Found) -> None:
    org = found(city_federation())
    no = org.refused(lambda ws: motions.propose(ws, "a1", "Fares", TEXT, "a2-1"))
    assert "only a member of 'a1'" in str(no)
    assert isinstance(
        org.refused(lambda ws: motions.propose(ws, "nowhere", "F", TEXT, "a1-1")), NotFound
    )
    assert "title" in str(org.refused(lambda ws: motions.propose(ws, "a1", " ", TEXT, "a1-1")))
    assert "empty" in str(org.refused(lambda ws: motions.propose(ws, "a1", "F", "  ", "a1-1")))
    proposed = org.act(lambda ws: motions.propose(ws, "a1", "Fares", TEXT, "a1-1"))
    motion = str(proposed[0].data["motion"])
    assert "not been seconded" in str(org.refused(lambda ws: motions.start(ws, motion, "a1-1")))
    assert "another member" in str(org.refused(lambda ws: motions.second(ws, motion, "a1-1")))
    assert "no vote" in str(org.refused(lambda ws: motions.vote(ws, motion, "yes", "a1-1")))
    org.act(lambda ws: motions.second(ws, motion, "a1-2"))
    assert "assembly" in str(org.refused(lambda ws: motions.refer(ws, motion, "a1-1")))
    org.act(lambda ws: motions.start(ws, motion, "a1-1"))
    assert "not on the roll" in str(org.refused(lambda ws: motions.vote(ws, motion, "yes", "a2-1")))
    assert "'yes', 'no'" in str(org.refused(lambda ws: motions.vote(ws, motion, "maybe", "a1-1")))
    org.act(lambda ws: motions.vote(ws, motion, "yes", "a1-1"))
    assert "cast once" in str(org.refused(lambda ws: motions.vote(ws, motion, "no", "a1-1")))
    early = org.refused(lambda ws: motions.close(ws, motion, "a1-1"))
    assert isinstance(early, Refused) and "7 of 8 electors have not voted" in str(early)
    org.tick(days=4)
    late = org.refused(lambda ws: motions.vote(ws, motion, "yes", "a1-2"))
    assert "voting period ended" in str(late)
    org.act(lambda ws: motions.close(ws, motion, "a1-1"))
    assert "no vote to close" in str(org.refused(lambda ws: motions.close(ws, motion, "a1-1")))
    after = org.refused(lambda ws: motions.vote(ws, motion, "no", "a1-3"))
    assert "there is no vote on it" in str(after)  # the vote is closed
    assert isinstance(org.refused(lambda ws: motions.second(ws, "R99", "a1-1")), NotFound)


# -- the imperative mandate ------------------------------------------------------------------


def seat_the_district(org: Organization) -> None:
    """a1-1 deputy of a1 and a2-1, a2-2 deputies of a2: the district's three deputies."""
    org.act(audit.schedule)
    org.elect("a1.deputy", ["a1-1"])
    org.elect("a2.deputy", ["a2-1", "a2-2"])


def instruct(
    org: Organization, body: str, motion: str, instruction: str, members: list[str]
) -> None:
    """The body adopts, unanimously, an instruction to its deputies on a council's motion."""
    proposed = org.act(
        lambda ws: motions.propose(
            ws,
            body,
            f"On {motion}",
            "Our deputies' vote.\n",
            members[0],
            "instruction",
            motion,
            instruction,
        )
    )
    own = str(proposed[0].data["motion"])
    org.act(lambda ws: motions.second(ws, own, members[1]))
    org.act(lambda ws: motions.start(ws, own, members[0]))
    cast(org, own, dict.fromkeys(members, "yes"))
    org.tick(days=4)  # the voting period ends: not every member voted
    closed = org.act(lambda ws: motions.close(ws, own, members[0]))
    assert closed[1].type == ev.DECISION_ADOPTED
    assert closed[1].data["instructs"] == motion and closed[1].data["instruction"] == instruction


def district_motion(org: Organization) -> str:
    proposed = org.act(lambda ws: motions.propose(ws, "district", "Tram fares", TEXT, "a2-1"))
    motion = str(proposed[0].data["motion"])
    org.act(lambda ws: motions.second(ws, motion, "a2-2"))
    org.act(lambda ws: motions.refer(ws, motion, "a2-1"))
    return motion


def with_on_breach(charter: Charter, office: str, action: str) -> Charter:
    offices = tuple(
        replace(o, procedure=replace(o.procedure, on_breach=action)) if o.id == office else o  # type: ignore[arg-type]
        for o in charter.offices
    )
    return replace(charter, offices=offices)


@pytest.mark.parametrize("action", ["report", "petition", "recall"])
def test_a_vote_against_an_instruction_is_a_breach_and_the_office_says_what_follows(
    found: Found, databases: Databases, action: str
) -> None:
    org = found(with_on_breach(city_federation(), "a1.deputy", action))
    seat_the_district(org)
    motion = district_motion(org)
    instruct(org, "a1", motion, "no", A1[:5])
    instruct(org, "a2", motion, "no", [f"a2-{i}" for i in range(1, 5)])
    org.act(lambda ws: motions.start(ws, motion, "a2-1"))
    cast(org, motion, {"a1-1": "yes", "a2-1": "no", "a2-2": "no"})
    closed = org.act(lambda ws: motions.close(ws, motion, "a2-1"))
    assert closed[0].data["outcome"] == "rejected"
    assert closed[0].data["instructions"] == [
        {"member": "a1-1", "body": "a1", "instruction": "no", "vote": "yes"},
        {"member": "a2-1", "body": "a2", "instruction": "no", "vote": "no"},
        {"member": "a2-2", "body": "a2", "instruction": "no", "vote": "no"},
    ]
    breaches = of_type(closed, ev.INSTRUCTION_BREACHED)
    assert [(b.data["member"], b.data["on_breach"]) for b in breaches] == [("a1-1", action)]
    listed = org.read(lambda ws: views.VIEWS["breaches"](ws.conn))
    assert [(b["member"], b["body"], b["council"]) for b in listed] == [("a1-1", "a1", "district")]
    petitions = of_type(closed, ev.PETITION_OPENED)
    recalled = of_type(closed, ev.MANDATE_RECALLED)
    if action == "report":
        assert not petitions and not recalled
    if action == "petition":
        assert len(petitions) == 1 and petitions[0].actor is None
        assert "breach of instruction" in str(petitions[0].data["reason"])
        shown = org.read(
            lambda ws: views.record(ws.conn, "petitions", str(petitions[0].data["petition"]))
        )
        assert shown is not None and shown["signatures"] == 0 and shown["opener"] is None
    if action == "recall":
        assert len(recalled) == 1 and recalled[0].data["by"] == "breach"
        opened = of_type(closed, ev.ELECTION_OPENED)
        assert [e.data["office"] for e in opened] == ["a1.deputy"]
    found_breaches = [f for f in org.read(audit.findings) if f.kind == "breach"]
    if action == "recall":  # the mandate it was cast by has ended: nothing left to find
        assert found_breaches == []
    else:
        [finding] = found_breaches
        assert finding.office == "a1.deputy" and finding.mandate == breaches[0].data["mandate"]
        assert "a1-1 voted yes on motion" in finding.detail and "of a1" in finding.detail
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_instructions_come_from_the_bodies_below_and_before_the_councils_vote(found: Found) -> None:
    org = found(city_federation())
    seat_the_district(org)
    proposed = org.act(lambda ws: motions.propose(ws, "district", "Fares", TEXT, "a2-1"))
    motion = str(proposed[0].data["motion"])
    not_referred = org.refused(
        lambda ws: motions.propose(ws, "a1", "On it", TEXT, "a1-1", "instruction", motion, "no")
    )
    assert "not referred down" in str(not_referred)
    assert "only a seated deputy" in str(org.refused(lambda ws: motions.refer(ws, motion, "a1-2")))
    org.act(lambda ws: motions.refer(ws, motion, "a2-1"))
    assert "already referred" in str(org.refused(lambda ws: motions.refer(ws, motion, "a2-2")))
    wrong = org.refused(
        lambda ws: motions.propose(ws, "a1", "On it", TEXT, "a1-1", "instruction", motion, "maybe")
    )
    assert "free" in str(wrong)
    org.act(lambda ws: motions.second(ws, motion, "a2-2"))
    org.act(lambda ws: motions.start(ws, motion, "a2-1"))
    late = org.refused(
        lambda ws: motions.propose(ws, "a1", "On it", TEXT, "a1-1", "instruction", motion, "no")
    )
    assert "vote has opened" in str(late)


# -- amending the charter ----------------------------------------------------------------------

NEW_ASSEMBLY = """
[[bodies]]
id = "a3"
name = "Assembly Three"
kind = "assembly"
parent = "district"

[[offices]]
id = "a3.deputy"
body = "a3"
title = "Deputy of a3"
seats = 1
method = "irv"
seat_in = "district"

[[offices]]
id = "a2.deputy"
seats = 1
"""


def adopt_amendment(
    org: Organization, body: str, fragment: str, members: list[str]
) -> list[Recorded]:
    """The body adopts an amendment unanimously; returns what its close recorded."""
    proposed = org.act(
        lambda ws: motions.propose(
            ws, body, "Amend", "As the fragment says.\n", members[0], "amendment", charter=fragment
        )
    )
    own = str(proposed[0].data["motion"])
    org.act(lambda ws: motions.second(ws, own, members[1]))
    org.act(lambda ws: motions.start(ws, own, members[0]))
    cast(org, own, dict.fromkeys(members, "yes"))
    return org.act(lambda ws: motions.close(ws, own, members[0]))


def test_an_adopted_amendment_adds_a_body_and_an_office_and_cuts_seats_with_their_mandates(
    found: Found, databases: Databases
) -> None:
    org = found(city_federation())
    seat_the_district(org)  # a2-1 and a2-2 hold a2's two seats
    second = org.read(
        lambda ws: next(m for m in ws.active_mandates(office="a2.deputy") if m.seat == 2)
    )
    org.elect("district.deputy", [second.holder])  # who sits in the city for the district
    closed = adopt_amendment(org, "district", NEW_ASSEMBLY, ["a1-1", "a2-1", "a2-2"])
    types = [e.type for e in closed]
    assert types[:3] == [ev.MOTION_CLOSED, ev.DECISION_ADOPTED, ev.CHARTER_AMENDED]
    amended = closed[2].data
    assert [b["id"] for b in amended["bodies"]] == ["a3"]
    assert [o["id"] for o in amended["offices"]] == ["a2.deputy", "a3.deputy"]
    lapsed = of_type(closed, ev.MANDATE_LAPSED)
    # seat 2 of a2 is abolished: its holder's seat in the district, and the city seat with it
    assert lapsed[0].data["mandate"] == second.id
    assert "abolished by decision 1 of district" in str(lapsed[0].data["reason"])
    holders = org.read(lambda ws: sorted((m.office, m.holder) for m in ws.active_mandates()))
    assert ("a2.deputy", second.holder) not in holders
    assert ("district.deputy", second.holder) not in holders
    assert org.read(lambda ws: ws.offices()["a2.deputy"].seats) == 1
    assert org.read(lambda ws: "a3" in ws.bodies())
    findings = org.read(audit.findings)
    assert any(f.office == "a3.deputy" and f.kind == "vacant" for f in findings)
    scheduled = org.act(audit.schedule)
    assert "a3.deputy" in {e.data["office"] for e in of_type(scheduled, ev.ELECTION_OPENED)}
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_the_top_body_amends_the_rules_and_every_office_takes_them(
    found: Found, databases: Databases
) -> None:
    charter = city_federation()
    two_in_the_city = tuple(
        replace(o, seats=2, method="stv") if o.id == "district.deputy" else o
        for o in charter.offices
    )
    org = found(replace(charter, offices=two_in_the_city))
    seat_the_district(org)
    org.elect("district.deputy", ["a1-1", "a2-1"])
    fragment = '[rules]\nterm_days = 90\nmotion_quorum = "1/3"\n'
    refused = org.refused(
        lambda ws: motions.propose(
            ws, "district", "Rules", "r\n", "a1-1", "amendment", charter=fragment
        )
    )
    assert "top body" in str(refused)
    closed = adopt_amendment(org, "city", fragment, ["a1-1", "a2-1"])
    amended = closed[2].data
    assert amended["rules"]["term_days"] == 90
    assert {o["id"] for o in amended["offices"]} == {o.id for o in charter.offices}
    assert org.read(lambda ws: ws.offices()["a1.deputy"].term_days) == 90
    assert org.read(lambda ws: ws.rules().procedure.motion_quorum) == Fraction(1, 3)
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_a_fragment_that_does_not_validate_is_refused_naming_its_line_and_field(
    found: Found,
) -> None:
    org = found(city_federation())
    seat_the_district(org)

    def propose(fragment: str) -> str:
        return str(
            org.refused(
                lambda ws: motions.propose(
                    ws, "district", "Amend", "x\n", "a1-1", "amendment", charter=fragment
                )
            )
        )

    assert "the amendment's charter fragment:3: offices[0].seats" in propose(
        '[[offices]]\nid = "a2.deputy"\nseats = 0\n'
    )
    assert "unknown key" in propose('[[offices]]\nid = "a2.deputy"\nsits = 2\n')
    assert "beyond the authority of 'district'" in propose(
        '[[bodies]]\nid = "x"\nname = "X"\nkind = "assembly"\nparent = "city"\n'
    )
    assert "changes nothing" in propose("# nothing here\n")
    assert "syntax" in propose("[[offices]\n")
    assert "exists already" in propose('[[bodies]]\nid = "a1"\nname = "A"\nkind = "assembly"\n')
    assert "council" in propose(
        '[[bodies]]\nid = "x"\nname = "X"\nkind = "council"\nparent = "district"\n'
    )
    cycle = (
        '[[bodies]]\nid = "sub"\nname = "Sub"\nkind = "council"\nparent = "district"\n\n'
        '[[offices]]\nid = "sub.deputy"\nbody = "sub"\ntitle = "S"\nseats = 1\n'
        'method = "irv"\nseat_in = "district"\n\n'
        '[[offices]]\nid = "district.sub"\nbody = "district"\ntitle = "D"\nseats = 1\n'
        'method = "irv"\nseat_in = "sub"\n'
    )
    assert "seat their deputies in each other" in propose(cycle)
    without = org.refused(
        lambda ws: motions.propose(ws, "district", "Amend", "x\n", "a1-1", "amendment")
    )
    assert "--charter" in str(without)


def test_an_amendment_dissolves_an_assembly_moving_its_members_and_ending_its_mandates(
    found: Found, databases: Databases
) -> None:
    org = found(city_federation())
    seat_the_district(org)
    org.elect("district.deputy", ["a2-1"])  # a2-1 sits in the city for the district
    fragment = '[[dissolve]]\nbody = "a2"\nmembers_to = "a1"\n'
    closed = adopt_amendment(org, "district", fragment, ["a1-1", "a2-1", "a2-2"])
    types = [e.type for e in closed]
    assert types[:3] == [ev.MOTION_CLOSED, ev.DECISION_ADOPTED, ev.CHARTER_AMENDED]
    assert closed[2].data["dissolved"] == [{"body": "a2", "members_to": "a1"}]
    [gone] = of_type(closed, ev.BODY_DISSOLVED)
    assert gone.data["body"] == "a2" and gone.data["offices"] == ["a2.deputy"]
    assert len(of_type(closed, ev.MEMBER_LEFT)) == 6 and len(of_type(closed, ev.MEMBER_JOINED)) == 6
    assert not org.read(lambda ws: "a2" in ws.bodies())
    assert not org.read(lambda ws: "a2.deputy" in ws.offices())
    assert org.read(lambda ws: len(ws.assembly_members("a1"))) == 14
    holders = org.read(lambda ws: sorted((m.office, m.holder) for m in ws.active_mandates()))
    assert holders == [("a1.deputy", "a1-1")]  # the city seat of a2-1 went with their district seat
    shown = org.read(lambda ws: [o["id"] for o in views.VIEWS["offices"](ws.conn)])
    assert "a2.deputy" not in shown
    assert all(f.office != "a2.deputy" for f in org.read(audit.findings))
    assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    report = verify(org.url)
    assert report.ok, [d.to_json() for d in report.discrepancies]


def test_a_dissolution_that_would_break_the_rules_is_refused(found: Found) -> None:
    org = found(city_federation())
    seat_the_district(org)

    def propose(body: str, fragment: str, by: str = "a1-1") -> str:
        return str(
            org.refused(
                lambda ws: motions.propose(
                    ws, body, "Dissolve", "x\n", by, "amendment", charter=fragment
                )
            )
        )

    assert "'a2' has 6 member(s): name the assembly they move to" in propose(
        "district", '[[dissolve]]\nbody = "a2"\n'
    )
    assert "'a2' is beyond the authority of 'a1'" in propose(
        "a1", '[[dissolve]]\nbody = "a2"\nmembers_to = "a1"\n'
    )
    assert "unknown body 'district'" in propose("district", '[[dissolve]]\nbody = "district"\n')
    assert "another assembly" in propose(
        "district", '[[dissolve]]\nbody = "a2"\nmembers_to = "district"\n'
    )


VOTES = st.sampled_from(["yes", "no", "abstain", "none"])


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.sampled_from(["yes", "no", "abstain", "free", "none"]), min_size=2, max_size=2),
    st.lists(VOTES, min_size=3, max_size=3),
    st.sampled_from(["report", "petition", "recall"]),
)
def test_over_random_motion_stories_a_replay_reproduces_every_projection(
    databases: Databases, told: list[str], cast_votes: list[str], action: str
) -> None:
    org = Organization(databases.new(), with_on_breach(city_federation(), "a1.deputy", action))
    try:
        seat_the_district(org)
        motion = district_motion(org)
        for body, instruction in zip(("a1", "a2"), told, strict=True):
            if instruction != "none":
                members = A1[:5] if body == "a1" else [f"a2-{i}" for i in range(1, 5)]
                instruct(org, body, motion, instruction, members)
        org.act(lambda ws: motions.start(ws, motion, "a2-1"))
        votes = dict(zip(("a1-1", "a2-1", "a2-2"), cast_votes, strict=True))
        cast(org, motion, {voter: vote for voter, vote in votes.items() if vote != "none"})
        org.tick(days=4)
        closed = org.act(lambda ws: motions.close(ws, motion, "a2-1"))
        decided = of_type(closed, ev.DECISION_ADOPTED)
        assert bool(decided) == (closed[0].data["outcome"] == "adopted")
        assert assert_replay_identical(org.url, databases.new()) == len(org.events())
    finally:
        org.dispose()
