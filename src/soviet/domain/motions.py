"""The rules of motions: a body decides by roll call, and its decisions are numbered.

A motion runs on the vote machine (`soviet.domain.votes`): a member of the body proposes
it, another seconds it, any member starts the vote (the roll is the body's electorate at
that instant: its members for an assembly, its seated deputies for a council), each
elector on the roll votes once, by name — `yes`, `no` or `abstain` — and any elector on it
closes the vote, early only once everyone has voted.

It is adopted when the quorum voted (the organization's `motion_quorum`, a share of the
roll; abstentions count as voting) and yes > no; an `amendment` needs, besides the quorum,
at least the qualified majority `amendment_majority` of the votes cast (yes and no;
abstentions are not votes cast). An adopted motion is the body's next decision.

A council's motion may be referred down before its vote starts: each body whose deputies
sit in the council may then adopt, by an `instruction` motion of its own, how they are to
vote (`yes`, `no`, `abstain`, or `free`). When the council's vote closes, every deputy on
the roll is listed with the instruction they carried and the vote they cast; a deputy who
cast a vote other than the one they were instructed to cast is in breach (one who did not
vote is not: they voted against nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from fractions import Fraction
from typing import Any

from soviet.domain import events as ev
from soviet.domain import votes
from soviet.domain.ids import text_problem
from soviet.domain.model import Body, Procedure
from soviet.domain.records import MotionRecord
from soviet.errors import Refused

#: The kinds of motion, and what an instruction may say.
KINDS = ("ordinary", "amendment", "instruction")
INSTRUCTIONS = ("yes", "no", "abstain", "free")
VOTES = ("yes", "no", "abstain")
#: The longest title, and the longest text (in characters) a motion carries.
MAX_TITLE = 200
MAX_TEXT = 16_000
#: The statuses of a motion whose vote has not closed.
PENDING = ("proposed", "seconded")


def text_hash(text: str) -> str:
    """The hex SHA-256 of a motion's text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _require_elector(actor: str, electorate: Collection[str], body: Body, what: str) -> None:
    if actor not in electorate:
        who = "a seated deputy of" if body.kind == "council" else "a member of"
        raise Refused(f"{actor!r} may not {what}: only {who} {body.id!r} may")


def propose(
    body: Body,
    actor: str,
    electorate: Collection[str],
    kind: str,
    title: str,
    text: str,
    motion_id: str,
    instructs: MotionRecord | None = None,
    instruction: str | None = None,
    sends_deputies: bool = False,
    charter: str | None = None,
) -> ev.Event:
    """Put a motion to a body. An instruction motion names the council's motion it
    instructs on (`instructs`, referred down and not yet voting) and the instruction;
    `sends_deputies` says whether the body's deputies sit in that council."""
    _require_elector(actor, electorate, body, f"propose a motion in {body.id!r}")
    if kind not in KINDS:
        raise Refused(f"a motion is {', '.join(KINDS)}, not {kind!r}")
    title = title.strip()
    if not title:
        raise Refused("a motion has a title (--title)")
    if (problem := text_problem(title, "a title", MAX_TITLE)) is not None:
        raise Refused(f"the motion's title {problem}")
    if not text.strip():
        raise Refused("a motion has a text (--text FILE): it is empty")
    if len(text) > MAX_TEXT:
        raise Refused(f"the motion's text is {len(text):,} characters: at most {MAX_TEXT:,}")
    data: dict[str, Any] = {
        "motion": motion_id,
        "body": body.id,
        "kind": kind,
        "title": title,
        "text": text,
        "text_sha256": text_hash(text),
    }
    if kind == "instruction":
        if instructs is None or instruction is None:
            raise Refused("an instruction motion names the council's motion and the instruction")
        may_instruct(instructs, body, instruction, sends_deputies)
        data.update(instructs=instructs.id, instruction=instruction)
    elif instructs is not None or instruction is not None:
        raise Refused(f"only an instruction motion instructs deputies, not an {kind} one")
    if kind == "amendment":
        if not charter:
            raise Refused("an amendment carries the fragment of the charter it makes (--charter)")
        data["charter"] = charter
    elif charter is not None:
        raise Refused(f"only an amendment carries a fragment of the charter, not an {kind} motion")
    return ev.Event(ev.MOTION_PROPOSED, actor, data)


def may_instruct(council_motion: MotionRecord, body: Body, instruction: str, sends: bool) -> None:
    """A body instructs its deputies on a council's motion referred down to it, before the
    council's vote opens."""
    if instruction not in INSTRUCTIONS:
        raise Refused(f"an instruction is {', '.join(INSTRUCTIONS)}, not {instruction!r}")
    if not council_motion.referred:
        raise Refused(
            f"motion {council_motion.id} of {council_motion.body!r} was not referred down: "
            "there is nothing to instruct on"
        )
    if not sends:
        raise Refused(
            f"motion {council_motion.id} was not referred to {body.id!r}: no deputy of "
            f"{body.id!r} sits in {council_motion.body!r}"
        )
    if council_motion.status not in PENDING:
        raise Refused(
            f"motion {council_motion.id} is {council_motion.status}: the council's vote has "
            "opened, and instructions are given before it"
        )


def second(motion: MotionRecord, actor: str, electorate: Collection[str], body: Body) -> ev.Event:
    """Second a motion: another member of the body, once."""
    if motion.status != "proposed":
        raise Refused(f"motion {motion.id} is {motion.status}: it is not waiting for a second")
    _require_elector(actor, electorate, body, f"second motion {motion.id}")
    if actor == motion.proposer:
        raise Refused(f"{actor!r} proposed motion {motion.id}: another member seconds it")
    return ev.Event(ev.MOTION_SECONDED, actor, {"motion": motion.id})


def refer(motion: MotionRecord, actor: str, electorate: Collection[str], body: Body) -> ev.Event:
    """Refer a council's motion down to the bodies that send deputies to it."""
    if body.kind != "council":
        raise Refused(
            f"motion {motion.id} is of the assembly {body.id!r}: only a council's "
            "motion is referred down"
        )
    if motion.kind == "instruction":
        raise Refused(f"motion {motion.id} is an instruction: it is not referred further")
    if motion.status not in PENDING:
        raise Refused(f"motion {motion.id} is {motion.status}: it is referred before its vote")
    if motion.referred:
        raise Refused(f"motion {motion.id} is already referred down")
    _require_elector(actor, electorate, body, f"refer motion {motion.id}")
    return ev.Event(ev.MOTION_REFERRED, actor, {"motion": motion.id})


def start(
    motion: MotionRecord, actor: str, electorate: Collection[str], body: Body, now: str, days: int
) -> ev.Event:
    """Start the vote on a seconded motion; the roll is the body's electorate now."""
    if motion.status == "proposed":
        raise Refused(f"motion {motion.id} has not been seconded: its vote cannot start")
    if motion.status != "seconded":
        raise Refused(f"motion {motion.id} is {motion.status}: its vote has started already")
    _require_elector(actor, electorate, body, f"start the vote on motion {motion.id}")
    return ev.Event(
        ev.MOTION_STARTED,
        actor,
        {
            "motion": motion.id,
            "voting_ends": votes.voting_ends(now, days),
            **votes.commit(electorate).data(),
        },
    )


def vote(motion: MotionRecord, voter: str, choice: str, now: str) -> ev.Event:
    """A roll-call vote: an elector on the roll, once, within the voting period."""
    if motion.status != "voting":
        raise Refused(f"motion {motion.id} is {motion.status}: there is no vote on it")
    if choice not in VOTES:
        raise Refused(f"a vote on a motion is 'yes', 'no' or 'abstain', not {choice!r}")
    votes.may_cast(f"the vote on motion {motion.id}", motion.roll, motion.voting_ends, voter, now)
    if voter in motion.votes:
        raise Refused(
            f"{voter!r} has voted on motion {motion.id} already ({motion.votes[voter]}): a "
            "roll-call vote is cast once"
        )
    return ev.Event(ev.MOTION_VOTE_CAST, voter, {"motion": motion.id, "vote": choice})


def may_close(motion: MotionRecord, actor: str, now: str) -> None:
    """Any elector on the roll closes the vote; early only once all have voted."""
    if motion.status != "voting":
        raise Refused(f"motion {motion.id} is {motion.status}: there is no vote to close")
    votes.may_close(
        f"the vote on motion {motion.id}",
        motion.roll,
        len(motion.votes),
        motion.voting_ends,
        actor,
        now,
    )


def count(
    motion: MotionRecord, procedure: Procedure, weights: Mapping[str, Fraction] | None = None
) -> dict[str, Any]:
    """The roll-call count: the votes, the quorum and the majority, and whether it passed.
    With `weights` (a weighted council's: each deputy's, exactly) the quorum and the
    majority are of the weights, and the count gives them as fractions beside the heads."""
    heads = {choice: 0 for choice in VOTES}
    for choice in motion.votes.values():
        heads[choice] += 1

    def weight(voter: str) -> Fraction:
        return Fraction(1) if weights is None else weights.get(voter, Fraction(0))

    tally = {choice: Fraction(0) for choice in VOTES}
    for voter, choice in motion.votes.items():
        tally[choice] += weight(voter)
    roll = sum((weight(voter) for voter in motion.roll), Fraction(0))
    voted = sum(tally.values(), Fraction(0))
    quorum = procedure.motion_quorum
    quorum_met = quorum == 0 or (roll > 0 and voted >= quorum * roll)
    cast = tally["yes"] + tally["no"]
    if motion.kind == "amendment":
        majority = str(procedure.amendment_majority)
        carried = cast > 0 and tally["yes"] >= procedure.amendment_majority * cast
    else:
        majority = "simple"
        carried = tally["yes"] > tally["no"]
    result: dict[str, Any] = {
        **heads,
        "roll": len(motion.roll),
        "voted": len(motion.votes),
        "quorum": str(quorum),
        "quorum_met": quorum_met,
        "majority": majority,
        "passed": quorum_met and carried,
    }
    if weights is not None:
        shown = {choice: str(tally[choice]) for choice in VOTES}
        result["weighted"] = {**shown, "roll": str(roll), "voted": str(voted)}
    return result


def carried(
    roll: Collection[str],
    cast: Mapping[str, str],
    sent_by: Mapping[str, str],
    given: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Every deputy on a referred motion's roll, in order of their ids: the body that sent
    them (`sent_by`), the instruction it gave (`given`, by body), the vote they cast."""
    return [
        {
            "member": member,
            "body": sent_by.get(member, ""),
            "instruction": given.get(sent_by.get(member, "")),
            "vote": cast.get(member),
        }
        for member in sorted(roll)
    ]


def breached(entry: Mapping[str, Any]) -> bool:
    """Whether a deputy's vote went against their instruction: they were told yes, no or
    abstain, and cast another vote."""
    instruction, cast = entry.get("instruction"), entry.get("vote")
    return instruction in VOTES and cast is not None and cast != instruction


def decision(motion: MotionRecord, number: int, cause: int) -> ev.Event:
    """The body's decision that an adopted motion becomes."""
    data: dict[str, Any] = {
        "motion": motion.id,
        "body": motion.body,
        "number": number,
        "kind": motion.kind,
        "title": motion.title,
        "text": motion.text,
        "text_sha256": text_hash(motion.text),
        "cause": cause,
    }
    if motion.instructs is not None:
        data.update(instructs=motion.instructs, instruction=motion.instruction)
    return ev.Event(ev.DECISION_ADOPTED, None, data)
