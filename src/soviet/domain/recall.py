"""The rules of recall: petitions, their thresholds, and the recall vote.

Shares are compared exactly: `signatures / electorate >= share` is tested as
`signatures * share.denominator >= share.numerator * electorate`.
"""

from __future__ import annotations

from collections.abc import Collection
from fractions import Fraction

from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.clock import after_days
from soviet.domain.elections import require_elector
from soviet.domain.ids import MAX_REASON_LENGTH, text_problem
from soviet.domain.model import Office
from soviet.domain.records import MandateRecord, PetitionRecord
from soviet.errors import Refused


def share_reached(count: int, whole: int, share: Fraction) -> bool:
    """Whether `count` out of `whole` reaches `share` ("at least"), compared exactly."""
    if whole <= 0:
        return False
    return count * share.denominator >= share.numerator * whole


def open_petition(
    mandate: MandateRecord,
    office: Office,
    actor: str,
    electorate: Collection[str],
    reason: str,
    pending: PetitionRecord | None,
    petition_id: str,
    now: str,
    last_failed: str | None = None,
) -> ev.Event:
    """Open a recall petition; the opener's name is its first signature. After a recall
    vote on the mandate failed (at `last_failed`), it cannot be petitioned again for the
    office's cooldown; a petition takes signatures for the office's petition period."""
    if not mandate.active:
        raise Refused(f"mandate {mandate.id} is {mandate.status}: there is nothing to recall")
    require_elector(actor, electorate, office, f"petition to recall mandate {mandate.id}")
    if not reason.strip():
        raise Refused("a recall petition states its reason (--reason)")
    if (problem := text_problem(reason, "a reason", MAX_REASON_LENGTH)) is not None:
        raise Refused(f"the petition's reason {problem}")
    if pending is not None:
        raise Refused(
            f"petition {pending.id} against mandate {mandate.id} is already {pending.status}; "
            f"sign it instead (soviet recall sign {pending.id})"
        )
    cooldown = office.procedure.recall_cooldown_days
    if last_failed is not None and cooldown and now < (until := after_days(last_failed, cooldown)):
        raise Refused(
            f"mandate {mandate.id} survived a recall vote at {last_failed}: it cannot be "
            f"petitioned again until {until} (recall_cooldown_days = {cooldown})"
        )
    data: dict[str, object] = {
        "petition": petition_id,
        "mandate": mandate.id,
        "reason": reason.strip(),
    }
    if office.procedure.petition_days is not None:
        data["expires"] = after_days(now, office.procedure.petition_days)
    return ev.Event(ev.PETITION_OPENED, actor, data)


def sign(
    petition: PetitionRecord,
    mandate: MandateRecord,
    office: Office,
    actor: str,
    electorate: Collection[str],
) -> ev.Event:
    """Sign a petition: electors of the mandate's office, once each, while it is live."""
    if petition.status not in ("open", "voting"):
        raise Refused(f"petition {petition.id} is {petition.status}: it takes no signatures")
    if not mandate.active:
        raise Refused(f"mandate {mandate.id} is {mandate.status}: the petition is moot")
    require_elector(actor, electorate, office, f"sign petition {petition.id}")
    if actor in petition.signers:
        raise Refused(f"{actor!r} has already signed petition {petition.id}")
    return ev.Event(ev.PETITION_SIGNED, actor, {"petition": petition.id})


def consequence_of_signatures(
    petition: PetitionRecord,
    mandate: MandateRecord,
    office: Office,
    signatures: int,
    electorate: Collection[str],
    now: str,
    cause: int,
) -> ev.Event | None:
    """What a petition's signatures force: the mandate's end at the immediate share, else
    a recall vote at the petition share (once), else nothing."""
    size = len(electorate)
    if share_reached(signatures, size, office.recall_immediate):
        return ev.Event(
            ev.MANDATE_RECALLED,
            None,
            {
                "mandate": mandate.id,
                "petition": petition.id,
                "by": "signatures",
                "signatures": signatures,
                "electorate": size,
                "cause": cause,
            },
        )
    if petition.status == "open" and share_reached(signatures, size, office.recall_petition):
        return ev.Event(
            ev.RECALL_VOTE_OPENED,
            None,
            {
                "petition": petition.id,
                **votes.commit(electorate).data(),
                "voting_ends": votes.voting_ends(now, office.voting_days),
                "cause": cause,
            },
        )
    return None


def vote(
    petition: PetitionRecord, voter: str, choice: str, now: str, previous: int | None = None
) -> ev.Event:
    """Vote in a recall vote: electors on its roll (the holder too), yes, no or abstain; a
    voter who voted already (`previous`, the seq of their vote) changes their vote."""
    if petition.status != "voting":
        raise Refused(f"petition {petition.id} is {petition.status}: there is no recall vote")
    if choice not in ("yes", "no", "abstain"):
        raise Refused(f"a recall vote is 'yes', 'no' or 'abstain', not {choice!r}")
    votes.may_cast(
        f"the recall vote on {petition.id}", petition.roll, petition.voting_ends, voter, now
    )
    data: dict[str, object] = {"petition": petition.id, "vote": choice}
    if previous is not None:
        data["replaces"] = previous
    return ev.Event(ev.RECALL_BALLOT_CAST, voter, data)


def may_close(petition: PetitionRecord, actor: str, now: str) -> None:
    """Any elector on the roll closes the recall vote; early only once all have voted."""
    if petition.status != "voting":
        raise Refused(f"petition {petition.id} is {petition.status}: there is no vote to close")
    votes.may_close(
        f"the recall vote on {petition.id}",
        petition.roll,
        len(petition.votes),
        petition.voting_ends,
        actor,
        now,
    )
