"""Acts of recall: open and sign a petition, vote and close the recall vote — each decided
by the rules and recorded with its consequences (`soviet.services.deciding`)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from soviet.domain import commands as cmd
from soviet.domain.electorates import electorate, office_of
from soviet.domain.events import Recorded
from soviet.services.deciding import act
from soviet.services.ports import Projections, Workspace


def open_petition(ws: Workspace, mandate_id: str, reason: str, actor: str) -> Recorded:
    """`soviet recall open MANDATE --reason TEXT --as MEMBER`; the opener signs first."""
    return act(ws, cmd.OpenPetition(actor, mandate_id, reason))


def sign(ws: Workspace, petition_id: str, actor: str) -> Recorded:
    """`soviet recall sign PETITION --as MEMBER`: at the petition share a recall vote
    opens; at the immediate share the mandate ends at once."""
    return act(ws, cmd.SignPetition(actor, petition_id))


def resign(ws: Workspace, mandate_id: str, actor: str, reason: str = "") -> Recorded:
    """`soviet mandate resign MANDATE --as HOLDER`: the seat goes to a by-election at
    once, and the seats it fed are lost as for any lost seat."""
    return act(ws, cmd.ResignMandate(actor, mandate_id, reason))


def vote(ws: Workspace, petition_id: str, choice: str, voter: str) -> Recorded:
    """`soviet recall vote PETITION yes|no|abstain --as MEMBER`."""
    return act(ws, cmd.CastRecallVote(voter, petition_id, choice))


def close(ws: Workspace, petition_id: str, actor: str) -> Recorded:
    """`soviet recall close PETITION --as MEMBER`: count the recall vote; if it passes
    (yes > no, quorum met) the mandate is recalled and its seat goes to a by-election."""
    return act(ws, cmd.CloseRecallVote(actor, petition_id))


def thresholds(state: Projections, petition_id: str) -> dict[str, Any]:
    """What a petition must reach, as its page and `show petition` say it: the size of the
    mandate's electorate now, the signatures that force a recall vote (the petition share)
    and that recall at once (the immediate share), and the recall vote's quorum on its
    roll once it opened — each share as text ("1/4") and as the count it comes to."""
    petition = state.petition(petition_id)
    mandate = state.mandate(petition.mandate)
    office = office_of(state, mandate.office)
    size = len(electorate(state, office))
    roll = len(petition.roll)
    return {
        "electorate": size,
        "petition_share": str(office.recall_petition),
        "petition_needed": _needed(size, office.recall_petition),
        "immediate_share": str(office.recall_immediate),
        "immediate_needed": _needed(size, office.recall_immediate),
        "quorum_share": str(office.recall_quorum),
        "quorum_needed": _needed(roll, office.recall_quorum) if roll else None,
        "roll": roll if roll else None,
    }


def _needed(whole: int, share: Fraction) -> int:
    """The least count out of `whole` that reaches `share` (`share_reached`)."""
    return max(1, -(-share.numerator * whole // share.denominator)) if whole else 0
