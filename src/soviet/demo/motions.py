"""The demo's chapter on the imperative mandate: the Vyborg district council takes a motion
on the tram fares and refers it down; the Tram Depot and the Putilov Works instruct their
deputies to vote no; one Tram Depot deputy votes yes; the breach opens a recall petition
in the depot (its deputies' offices say `on_breach = "petition"`), the depot recalls them,
and the lost seat cascades.

The district council, not the city council, takes the motion: the city council's members
are the districts' deputies, and the workplaces instruct the deputies they send, who sit in
the district councils.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from soviet.demo.federation import ASSEMBLIES, DISTRICTS
from soviet.domain import catalogue as c
from soviet.domain import electorates
from soviet.domain import events as ev
from soviet.services import motions, recall
from soviet.storage.workspace import SqlWorkspace

if TYPE_CHECKING:
    from soviet.demo.script import Demo

COUNCIL = "north"
#: The workplaces that instruct, and the one whose deputy breaks the instruction.
INSTRUCTING = ("tram-depot", "putilov")
TEXT = (
    "The Vyborg District Council resolves that fares on the district's trams be raised by "
    "one kopeck from the first of next month, to pay for the night service.\n"
)


def tram_fares(demo: Demo, number: int) -> None:
    """Chapter `number`: the motion, the instructions, the breach, the recall."""
    deputies = _seated(demo)
    depot = sorted(d for d, body in deputies.items() if body == "tram-depot")
    breaker = depot[0]
    demo.say(
        f"\n[bold]{number}. The imperative mandate:[/bold] the {DISTRICTS[COUNCIL]} takes "
        "a motion on the tram fares and refers it down to the workplaces that send its "
        "deputies"
    )
    motion: dict[str, str] = {}

    def propose(ws: SqlWorkspace) -> None:
        seated = sorted(deputies)
        proposed = motions.propose(ws, COUNCIL, "Tram fares", TEXT, seated[0])
        motion["id"] = c.decode_as(c.MotionProposed, proposed.data).motion
        motions.second(ws, motion["id"], seated[1])
        motions.refer(ws, motion["id"], seated[0])
        demo.say(f"   motion {motion['id']} proposed by {seated[0]}, seconded, referred down")

    demo.tick(24)
    demo.work(propose)
    for workplace in INSTRUCTING:
        demo.tick(6)
        demo.work(_instruct(demo, workplace, motion["id"]))
    demo.tick(24)

    def vote(ws: SqlWorkspace) -> None:
        motions.start(ws, motion["id"], breaker)
        given = ws.motion(motion["id"]).instructions
        for deputy in sorted(ws.motion(motion["id"]).roll):
            told = given.get(deputies.get(deputy, ""))
            if deputy == breaker:
                choice = "yes"
            elif told in ("yes", "no", "abstain"):
                choice = told
            else:
                choice = demo.rng.choice(("yes", "no", "abstain"))
            motions.vote(ws, motion["id"], choice, deputy)
        closed = motions.close(ws, motion["id"], breaker)
        outcome = c.decode_as(c.MotionClosed, closed.data)
        counts = ", ".join(f"{outcome.result[k]} {k}" for k in ("yes", "no", "abstain"))
        demo.say(f"   the council's roll call: {counts}; the motion is {outcome.outcome}")
        for e in ws.recorded:
            if e.type == ev.INSTRUCTION_BREACHED:
                b = c.decode_as(c.InstructionBreached, e.data)
                demo.say(
                    f"   [bold]breach[/bold]: {b.member} voted {b.vote} against {b.body}'s "
                    f"instruction {b.instruction!r} (mandate {b.mandate})"
                )
            elif e.type == ev.PETITION_OPENED:
                p = c.decode_as(c.PetitionOpened, e.data)
                motion["petition"] = p.petition
                demo.say(f"   petition {p.petition} opens at once, signed by nobody yet")

    demo.work(vote)
    _recall(demo, motion["petition"], breaker)
    demo.tick(24)
    demo.work(functools.partial(_adopt_amendment, demo))


#: The depot's amendment of its own office: a breach ends the mandate at once.
AMENDMENT = '[[offices]]\nid = "tram-depot.deputy"\non_breach = "recall"\n'


def _adopt_amendment(demo: Demo, ws: SqlWorkspace) -> None:
    """The depot amends the charter: its deputies' next breach ends their mandate at once."""
    electors = sorted(electorates.body_electorate(ws, "tram-depot"))
    proposed = motions.propose(
        ws,
        "tram-depot",
        "A deputy who breaks our instruction is recalled at once",
        "The depot's deputies vote as the depot instructs them, or lose their seat.\n",
        electors[0],
        "amendment",
        charter=AMENDMENT,
    )
    own = c.decode_as(c.MotionProposed, proposed.data).motion
    motions.second(ws, own, electors[1])
    motions.start(ws, own, electors[0])
    for member in electors:
        motions.vote(ws, own, "yes", member)
    motions.close(ws, own, electors[0])
    amended = next(e for e in ws.recorded if e.type == ev.CHARTER_AMENDED)
    number = c.decode_as(c.CharterAmended, amended.data).decision
    demo.say(
        f"   the depot amends the charter (decision {number} of tram-depot, "
        f'{len(electors)} yes): tram-depot.deputy on_breach = "recall"'
    )


def _seated(demo: Demo) -> dict[str, str]:
    """The council's deputies, and the workplace each sits for."""
    assert demo.soviet is not None
    with demo.soviet.reading() as reads:
        mandates = [m for m in reads.view("mandates") if m["status"] == "active"]
    districts = {f"{ident}.deputy": (ident, parent) for ident, _, parent, _ in ASSEMBLIES}
    return {
        m["holder"]: districts[m["office"]][0]
        for m in mandates
        if m["office"] in districts and districts[m["office"]][1] == COUNCIL
    }


def _instruct(demo: Demo, workplace: str, council_motion: str) -> Callable[[SqlWorkspace], None]:
    """The workplace's assembly adopts an instruction to vote no."""

    def instruct(ws: SqlWorkspace) -> None:
        electors = sorted(electorates.body_electorate(ws, workplace))
        proposed = motions.propose(
            ws,
            workplace,
            f"Our deputies vote no on {council_motion}",
            "The night service is paid from the district's budget, not the riders' fares.\n",
            electors[0],
            "instruction",
            council_motion,
            "no",
        )
        own = c.decode_as(c.MotionProposed, proposed.data).motion
        motions.second(ws, own, electors[1])
        motions.start(ws, own, electors[0])
        tally = {"yes": 0, "no": 0, "abstain": 0}
        for member in electors:
            choice = "yes" if demo.rng.random() < 0.8 else demo.rng.choice(("no", "abstain"))
            motions.vote(ws, own, choice, member)
            tally[choice] += 1
        closed = motions.close(ws, own, electors[0])
        result = c.decode_as(c.MotionClosed, closed.data)
        decision = next(e for e in ws.recorded if e.type == ev.DECISION_ADOPTED)
        number = c.decode_as(c.DecisionAdopted, decision.data).number
        demo.say(
            f"   {workplace} instructs its deputies 'no' ({tally['yes']} yes, {tally['no']} no, "
            f"{tally['abstain']} abstain): {result.outcome}, decision {number} of {workplace}"
        )

    return instruct


def _recall(demo: Demo, petition_id: str, holder: str) -> None:
    """The depot signs the petition, votes, and recalls its deputy."""

    def sign_and_vote(ws: SqlWorkspace) -> None:
        petition = ws.petition(petition_id)
        office = electorates.office_of(ws, ws.mandate(petition.mandate).office)
        electors = sorted(electorates.electorate(ws, office) - {holder})
        demo.rng.shuffle(electors)
        signer = 0
        while ws.petition(petition_id).status == "open":
            recall.sign(ws, petition_id, electors[signer])
            signer += 1
        demo.say(f"   {signer} of the depot sign petition {petition_id}: a recall vote opens")
        record = ws.petition(petition_id)
        for voter in sorted(record.roll):
            choice = "no" if voter == holder else ("yes" if demo.rng.random() < 0.85 else "no")
            recall.vote(ws, petition_id, choice, voter)

    demo.tick(24)
    demo.work(sign_and_vote)
    demo.tick(1)

    def close(ws: SqlWorkspace) -> None:
        record = ws.petition(petition_id)
        recall.close(ws, petition_id, sorted(record.roll)[0])
        for e in ws.recorded[1:]:
            match c.decode(e.type, e.data):
                case c.MandateRecalled(mandate=mandate):
                    demo.say(f"   the depot recalls {holder}: mandate {mandate} recalled")
                case c.MandateLapsed(mandate=mandate, reason=reason):
                    demo.say(f"   mandate {mandate} lapsed: {reason}")
                case c.ElectionOpened(election=election, office=office):
                    demo.say(f"   by-election {election} opened for {office}")

    demo.work(close)
