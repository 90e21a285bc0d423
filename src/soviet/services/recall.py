"""Handlers for recall: open and sign a petition, vote and close the recall vote."""

from __future__ import annotations

from soviet.domain import events as ev
from soviet.domain import recall as rules
from soviet.domain.records import PetitionRecord
from soviet.services import electorates
from soviet.services.checkpoints import log_checkpoint
from soviet.services.consequences import end_mandate
from soviet.services.ports import Workspace


def open_petition(ws: Workspace, mandate_id: str, reason: str, actor: str) -> ev.Recorded:
    """`soviet recall open MANDATE --reason TEXT --as MEMBER`; the opener signs first."""
    ws.member(actor)
    mandate = ws.mandate(mandate_id)
    office = electorates.office(ws, mandate.office)
    electorate = electorates.electorate(ws, office)
    event = rules.open_petition(
        mandate,
        office,
        actor,
        electorate,
        reason,
        ws.live_petition(mandate.id),
        ws.next_id("petition"),
    )
    opened = ws.record(event)
    _take_effect(ws, ws.petition(str(event.data["petition"])), opened.seq)
    return opened


def sign(ws: Workspace, petition_id: str, actor: str) -> ev.Recorded:
    """`soviet recall sign PETITION --as MEMBER`."""
    ws.member(actor)
    petition = ws.petition(petition_id)
    mandate = ws.mandate(petition.mandate)
    office = electorates.office(ws, mandate.office)
    event = rules.sign(petition, mandate, office, actor, electorates.electorate(ws, office))
    signed = ws.record(event)
    _take_effect(ws, ws.petition(petition.id), signed.seq)
    return signed


def _take_effect(ws: Workspace, petition: PetitionRecord, cause: int) -> None:
    mandate = ws.mandate(petition.mandate)
    office = electorates.office(ws, mandate.office)
    consequence = rules.consequence_of_signatures(
        petition,
        mandate,
        office,
        len(petition.signers),
        electorates.electorate(ws, office),
        ws.now,
        cause,
    )
    if consequence is None:
        return
    if consequence.type == ev.MANDATE_RECALLED:
        end_mandate(ws, consequence)
    else:
        ws.record(consequence)


def vote(ws: Workspace, petition_id: str, choice: str, voter: str) -> ev.Recorded:
    """`soviet recall vote PETITION yes|no --as MEMBER`."""
    ws.member(voter)
    petition = ws.petition(petition_id)
    return ws.record(rules.vote(petition, voter, choice, ws.now))


def close(ws: Workspace, petition_id: str, actor: str) -> ev.Recorded:
    """`soviet recall close PETITION --as MEMBER`: count the recall vote; if it passes
    (yes > no, quorum met) the mandate is recalled and its seat goes to a by-election."""
    ws.member(actor)
    petition = ws.petition(petition_id)
    rules.may_close(petition, actor, ws.now)
    mandate = ws.mandate(petition.mandate)
    office = electorates.office(ws, mandate.office)
    from soviet import tally  # numpy is loaded only when something is counted

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
    closed = ws.record(
        ev.Event(
            ev.RECALL_CLOSED,
            actor,
            {
                "petition": petition.id,
                "outcome": "recalled" if passed else "failed",
                "result": result.to_json(),
            },
        )
    )
    if passed:
        end_mandate(
            ws,
            ev.Event(
                ev.MANDATE_RECALLED,
                None,
                {
                    "mandate": mandate.id,
                    "petition": petition.id,
                    "by": "vote",
                    "cause": closed.seq,
                },
            ),
        )
    # the recall vote's result is anchored like an election's
    log_checkpoint(ws, cause=closed.seq)
    return closed
