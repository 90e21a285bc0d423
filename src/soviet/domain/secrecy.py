"""Secret ballots: the key ceremonies of trustee offices, sealed ballots, and the tally that
only the trustees decrypt together — the rules of each act, on the Belenios protocol
(`soviet.belenios`).

A trustee office (one with a `threshold`) holds the key of the secret votes of the offices
that name it as their `trustees`. Its live holders run a key ceremony through the log:
each logs a certificate, then a polynomial, then the output of their check
(`trustee.step`); once every output is in, `trustees.keyed` records the election key and
the Belenios threshold parameters. Each trustee's private part stays on their machine.

A secret vote names, when it starts, the ceremony whose key encrypts it: the latest one
whose trustees all still hold the office (so a recalled trustee's share never decrypts a
vote that starts after the recall). Each ballot is a Belenios ballot, encrypted by the
voter with its proofs, carried in the voter's signed statement: the roll of who voted is
public, the content is not. The close logs the product of the latest ballots
(`vote.tallied`); each trustee who holds the office then logs their share of its
decryption with its proofs (`tally.shared`), and the share that reaches the threshold
decrypts the count and closes the vote as an open one closes.

Everything here is pure: state comes in as records built from the rows the state keeps
for each ceremony and each secret vote (`SecretRow`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain.events import Event
from soviet.domain.model import Office
from soviet.domain.records import ElectionRecord
from soviet.domain.secret_rows import (
    SecretRow,
    ceremony_subject,
    office_subject,
    subjects_of,
    vote_subject,
)
from soviet.errors import Refused

# Belenios's arithmetic (and gmpy2 with it) is imported where a secret vote is made,
# cast, tallied or decrypted: finding that a vote is not secret needs none of it.
if TYPE_CHECKING:
    from soviet.belenios import ballots as bb
    from soviet.belenios import tally as bt
    from soviet.belenios.group import Group

#: Base58, the alphabet of a Belenios uuid.
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
STEPS = ("cert", "polynomial", "voutput")
__all__ = ["SecretRow", "ceremony_subject", "office_subject", "subjects_of", "vote_subject"]


def group() -> Group:
    """The group of every secret vote: Belenios's own for homomorphic questions."""
    from soviet.belenios.group import BELENIOS_2048

    return BELENIOS_2048


# -- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ceremony:
    """A trustee office's key ceremony as the log has it."""

    seq: int
    office: str
    trustees: tuple[str, ...]
    threshold: int
    messages: Mapping[str, Mapping[str, str]]  # step -> trustee -> message
    keyed: c.TrusteesKeyed | None = None

    def of(self, step: str) -> list[str]:
        """Every trustee's message of a step, in the trustees' order (all of them sent)."""
        return [self.messages[step][t] for t in self.trustees]

    @property
    def due(self) -> str | None:
        """The step under way: the first whose messages are not all in; None when keyed."""
        for step in STEPS:
            if len(self.messages.get(step, {})) < len(self.trustees):
                return step
        return None

    def waiting(self) -> list[str]:
        """The trustees whose message of the step under way is not in."""
        step = self.due
        if step is None:
            return []
        return [t for t in self.trustees if t not in self.messages.get(step, {})]


def ceremony_of(rows: Sequence[SecretRow]) -> Ceremony:
    """A ceremony from its rows (the first opens it)."""
    first = rows[0].payload
    assert isinstance(first, c.TrusteeStep) and first.trustees and first.threshold
    messages: dict[str, dict[str, str]] = {step: {} for step in STEPS}
    keyed = None
    for row in rows:
        p = row.payload
        if isinstance(p, c.TrusteeStep) and row.actor is not None:
            messages[p.step][row.actor] = p.message
        elif isinstance(p, c.TrusteesKeyed):
            keyed = p
    return Ceremony(
        rows[0].seq, first.office, tuple(first.trustees), first.threshold, messages, keyed
    )


@dataclass(frozen=True)
class SealedVote:
    """A secret vote as the log has it: its Belenios election, each voter's latest
    ballot (seq, text) and every ballot's seq, the tally, and the trustees' shares."""

    setup: c.SecretSetup
    started: str = ""  # when the vote started, as the log writes it
    ballots: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    every: Sequence[tuple[int, str, str]] = ()  # (seq, voter, text), in the order cast
    tally: c.VoteTallied | None = None
    tally_seq: int | None = None
    shares: Mapping[int, tuple[str, str]] = field(default_factory=dict)  # owner -> (actor, share)
    #: once decrypted and closed, the count in Belenios's order: blank, then each answer
    result: tuple[int, ...] | None = None

    def election(self) -> bb.Election:
        from soviet.belenios import ballots as bb

        return bb.parse_election(self.setup.election)


def sealed_of(rows: Sequence[SecretRow]) -> SealedVote | None:
    """A secret vote from its rows; None when there are none (an open vote)."""
    setup: c.SecretSetup | None = None
    started = ""
    ballots: dict[str, tuple[int, str]] = {}
    every: list[tuple[int, str, str]] = []
    tally: c.VoteTallied | None = None
    tally_seq: int | None = None
    shares: dict[int, tuple[str, str]] = {}
    result: tuple[int, ...] | None = None
    for row in rows:
        p = row.payload
        if isinstance(p, c.ElectionStarted | c.RecallVoteOpened | c.MotionStarted):
            setup, started = p.secret, row.at
        elif (
            isinstance(p, c.BallotCast | c.RecallBallotCast | c.MotionVoteCast)
            and p.sealed is not None
            and row.actor is not None
        ):
            ballots[row.actor] = (row.seq, p.sealed)
            every.append((row.seq, row.actor, p.sealed))
        elif isinstance(p, c.VoteTallied):
            tally, tally_seq = p, row.seq
        elif isinstance(p, c.TallyShared) and row.actor is not None:
            shares[p.owner] = (row.actor, p.share)
        elif isinstance(p, c.ElectionClosed | c.RecallClosed | c.MotionClosed) and p.result:
            secret = p.result["secret"]
            result = (int(secret["blank"]), *(int(n) for n in secret["marks"]))
    if setup is None:
        return None
    return SealedVote(setup, started, ballots, every, tally, tally_seq, shares, result)


# -- the key ceremony ----------------------------------------------------------------------


def trustee_step(
    office: Office,
    holders: Sequence[str],
    latest: Ceremony | None,
    actor: str,
    step: str,
    message: str,
) -> Event:
    """A trustee's message in their office's key ceremony. `holders` are the office's
    live holders in seat order; `latest` its latest ceremony. A certificate opens a new
    ceremony of the holders unless one of the same holders is under way."""
    from soviet.belenios import threshold as bth

    threshold = office.procedure.threshold
    if threshold is None:
        raise Refused(
            f"office {office.id!r} holds no key: only an office with a threshold is "
            "another's trustees"
        )
    if actor not in holders:
        raise Refused(
            f"{actor!r} does not hold office {office.id!r}: only its holders are its trustees"
        )
    if step not in STEPS:
        raise Refused(f"a key ceremony's steps are {', '.join(STEPS)}, not {step!r}")
    current = latest is not None and tuple(holders) == latest.trustees
    if step == "cert" and not (current and latest is not None and latest.due == "cert"):
        if current and latest is not None and latest.keyed is not None:
            raise Refused(
                f"the trustees of {office.id!r} hold a key already (ceremony {latest.seq}); "
                "a new ceremony opens when its holders change"
            )
        if current and latest is not None:
            raise Refused(
                f"ceremony {latest.seq} of {office.id!r} is at its {latest.due} step; "
                f"{actor!r} sent their certificate already"
            )
        if len(holders) < threshold:
            raise Refused(
                f"office {office.id!r} has {len(holders)} live holder(s), fewer than its "
                f"threshold of {threshold}: its seats must be filled before a key ceremony"
            )
        _check(lambda: bth.check_cert(group(), message, "the certificate"))
        return Event(
            ev.TRUSTEE_STEP,
            actor,
            {
                "office": office.id,
                "step": "cert",
                "message": message,
                "trustees": list(holders),
                "threshold": threshold,
            },
        )
    if latest is None or not current:
        what = "no ceremony under way" if latest is None else f"ceremony {latest.seq} is void"
        raise Refused(
            f"office {office.id!r} has {what}: its holders changed or none began; "
            f"begin one with a certificate (soviet trustee keygen {office.id})"
        )
    if latest.due != step:
        raise Refused(
            f"ceremony {latest.seq} of {office.id!r} is at its "
            f"{latest.due or 'end: the key is established'} step, not {step!r}"
        )
    if actor in latest.messages[step]:
        raise Refused(f"{actor!r} sent their {step} in ceremony {latest.seq} already")
    index = latest.trustees.index(actor)
    if step == "cert":
        sent = _check(lambda: bth.check_cert(group(), message, "the certificate"))
        for other, cert in latest.messages["cert"].items():
            if bth.check_cert(group(), cert, "a certificate").verification == sent.verification:
                raise Refused(f"that certificate is {other!r}'s: make your own")
        return Event(
            ev.TRUSTEE_STEP,
            actor,
            {"office": office.id, "step": step, "message": message, "ceremony": latest.seq},
        )
    certs = latest.of("cert")
    if step == "polynomial":
        _check(lambda: bth.check_polynomial(group(), certs, index, message, "the polynomial"))
    else:
        polynomials = latest.of("polynomial")
        _check(lambda: bth.check_voutput(group(), certs, polynomials, index, message, "the output"))
    return Event(
        ev.TRUSTEE_STEP,
        actor,
        {"office": office.id, "step": step, "message": message, "ceremony": latest.seq},
    )


def keyed(ceremony: Ceremony, cause: int) -> Event | None:
    """The ceremony's key, once every trustee's output is in."""
    from soviet.belenios import threshold as bth

    if ceremony.due is not None or ceremony.keyed is not None:
        return None
    certs, polynomials = ceremony.of("cert"), ceremony.of("polynomial")
    parameters = bth.threshold_parameters(
        group(), certs, polynomials, ceremony.of("voutput"), ceremony.threshold
    )
    sub_key, _ = bth.check_threshold_parameters(group(), parameters, "the threshold parameters")
    from soviet.belenios.wire import dumps

    return Event(
        ev.TRUSTEES_KEYED,
        None,
        {
            "office": ceremony.office,
            "ceremony": ceremony.seq,
            "trustees": list(ceremony.trustees),
            "threshold": ceremony.threshold,
            "public_key": str(sub_key),
            "parameters": dumps(parameters),
            "cause": cause,
        },
    )


def usable_key(ceremony: Ceremony | None, holders: Sequence[str], trustees: str) -> Ceremony:
    """The ceremony whose key a secret vote starting now takes: keyed, and every one of
    its trustees still a holder of the trustee office; Refused saying what to do."""
    if ceremony is None or ceremony.keyed is None:
        raise Refused(
            f"the trustees of this secret vote (office {trustees!r}) hold no key yet: each "
            f"of its holders runs `soviet trustee keygen {trustees}` until the key is "
            "established"
        )
    gone = [t for t in ceremony.trustees if t not in holders]
    if gone:
        raise Refused(
            f"the key of office {trustees!r} (ceremony {ceremony.seq}) is shared by "
            f"{', '.join(gone)}, who no longer hold it: its holders run a new key ceremony "
            f"(soviet trustee keygen {trustees}) before a secret vote starts"
        )
    return ceremony


# -- the vote ------------------------------------------------------------------------------


def is_petition(vote: str) -> bool:
    """Whether a vote's id is a recall petition's (P7), not an election's (E7)."""
    return vote.startswith("P")


def is_motion(vote: str) -> bool:
    """Whether a vote's id is a motion's (R7)."""
    return vote.startswith("R")


def uuid_of(origin: str, vote: str) -> str:
    """A Belenios uuid for a vote: 16 Base58 digits of SHA-256(origin | vote)."""
    number = int.from_bytes(hashlib.sha256(f"{origin}|{vote}".encode()).digest(), "big")
    digits = []
    for _ in range(16):
        number, digit = divmod(number, 58)
        digits.append(_BASE58[digit])
    return "".join(digits)


def election_setup(
    origin: str,
    organization: str,
    election: ElectionRecord,
    office: Office,
    seats: int,
    key: Ceremony,
) -> dict[str, Any]:
    """The `secret` of a secret election's start: its Belenios election of one question,
    the candidates its answers (by id, in the order nominated), up to `seats` of them for
    plurality and any number for approval, a blank ballot allowed."""
    from soviet.belenios import ballots as bb

    assert key.keyed is not None
    most = seats if office.method == "plurality" else len(election.candidates)
    uuid = uuid_of(origin, election.id)
    text = bb.make_election(
        uuid=uuid,
        name=f"{organization}: election {election.id} for {office.title}",
        description=(
            f"Office {office.id!r}, {seats} seat(s), by {office.method}; the answers are "
            "the candidates' member ids. A blank ballot names nobody."
        ),
        group=group(),
        public_key=int(key.keyed.public_key),
        questions=[
            bb.Question(
                question=f"Who should hold {office.title}? (up to {most})",
                answers=tuple(election.candidates),
                min=1,
                max=min(most, len(election.candidates)),
                blank=True,
            )
        ],
    )
    return {"uuid": uuid, "ceremony": key.seq, "election": text}


def yes_no_setup(
    origin: str, organization: str, vote: str, name: str, question: str, key: Ceremony
) -> dict[str, Any]:
    """The `secret` of a secret yes/no vote (a recall vote, a motion's): one question,
    yes or no, a blank ballot an abstention."""
    from soviet.belenios import ballots as bb

    assert key.keyed is not None
    uuid = uuid_of(origin, vote)
    text = bb.make_election(
        uuid=uuid,
        name=f"{organization}: {name}",
        description=question,
        group=group(),
        public_key=int(key.keyed.public_key),
        questions=[bb.Question(question, RECALL_ANSWERS, min=1, max=1, blank=True)],
    )
    return {"uuid": uuid, "ceremony": key.seq, "election": text}


#: The answers of a secret recall vote, after the blank one (an abstention).
RECALL_ANSWERS = ("yes", "no")


def recall_answer(choice: str) -> list[int]:
    """A recall vote's choice as its secret ballot's one answer: abstain, yes, no."""
    if choice not in ("yes", "no", "abstain"):
        raise Refused(f"a recall vote is 'yes', 'no' or 'abstain', not {choice!r}")
    return [int(choice == "abstain"), int(choice == "yes"), int(choice == "no")]


def cast_sealed(
    vote: SealedVote, voter: str, text: str, where: str
) -> tuple[bb.Ballot, int | None]:
    """A secret ballot checked: its proofs and signature hold for the vote's election,
    and it is not another voter's (its credential and its text are the voter's own).
    Returns it and the seq of the voter's ballot it replaces, if any."""
    from soviet.belenios import ballots as bb

    election = vote.election()
    ballot = _check(lambda: bb.check_ballot(election, text, where))
    for seq, other, earlier in vote.every:
        if other == voter:
            continue
        if earlier == text:
            raise Refused(f"that ballot is {other}'s (cast at seq {seq}): cast your own")
        if _credential(earlier) == ballot.credential:
            raise Refused(
                f"that ballot's credential is {other}'s (seq {seq}): encrypt your own ballot"
            )
    previous = vote.ballots.get(voter)
    return ballot, None if previous is None else previous[0]


def tallied(vote: SealedVote, vote_id: str, actor: str | None) -> Event:
    """The close of a secret vote: the product of each voter's latest ballot."""
    from soviet.belenios import ballots as bb
    from soviet.belenios import tally as bt

    election = vote.election()
    counted = [
        (_check(lambda t=text: bb.check_ballot(election, t, "a counted ballot")), 1)
        for _, text in vote.ballots.values()
    ]
    encrypted = bt.encrypted_tally(election, counted)
    from soviet.belenios.wire import dumps

    return Event(
        ev.VOTE_TALLIED,
        actor,
        {
            "vote": vote_id,
            "tally": dumps(bt.tally_json(encrypted)),
            "ballots": len(counted),
            "weight": len(counted),
        },
    )


def share(
    vote: SealedVote,
    vote_id: str,
    key: Ceremony,
    holders: Sequence[str],
    actor: str,
    text: str,
) -> Event:
    """A trustee's share of a tally's decryption: only a trustee of the vote's key who
    still holds the trustee office, once; its proofs must hold."""
    from soviet.belenios import tally as bt

    if vote.tally is None:
        raise Refused(f"vote {vote_id} is not tallied yet: trustees decrypt after the close")
    if actor not in key.trustees:
        raise Refused(
            f"{actor!r} is not a trustee of vote {vote_id}'s key (ceremony {key.seq}: "
            f"{', '.join(key.trustees)})"
        )
    if actor not in holders:
        raise Refused(
            f"{actor!r} no longer holds office {key.office!r}: a recalled or departed "
            "trustee's share is not taken"
        )
    owner = key.trustees.index(actor) + 1
    if owner in vote.shares:
        raise Refused(f"{actor!r} shared their decryption of vote {vote_id} already")
    if len(vote.shares) >= key.threshold:
        raise Refused(f"vote {vote_id} is decrypted already")
    election = vote.election()
    encrypted = tally_of(vote, election)
    verification = verification_keys(key)[owner - 1]
    from soviet.belenios.wire import loads

    obj = _check(lambda: loads(text, "the decryption share"))
    _check(
        lambda: bt.check_partial_decryption(
            election, encrypted, verification, obj, "the decryption share"
        )
    )
    return Event(ev.TALLY_SHARED, actor, {"vote": vote_id, "owner": owner, "share": text})


def tally_of(vote: SealedVote, election: bb.Election) -> bt.EncryptedTally:
    from soviet.belenios import tally as bt

    assert vote.tally is not None
    from soviet.belenios.wire import loads

    return bt.tally_from_json(election.group, loads(vote.tally.tally, "the tally"), "the tally")


def verification_keys(key: Ceremony) -> tuple[int, ...]:
    from soviet.belenios import threshold as bth

    assert key.keyed is not None
    from soviet.belenios.wire import loads

    parameters = loads(key.keyed.parameters, "the threshold parameters")
    return bth.check_threshold_parameters(group(), parameters, "the threshold parameters")[1]


def trustees_json(key: Ceremony) -> list[Any]:
    """The Belenios trustees of a vote keyed by `key`: one Pedersen item."""
    assert key.keyed is not None
    from soviet.belenios.wire import loads

    return [["Pedersen", loads(key.keyed.parameters, "the threshold parameters")]]


def decrypted(vote: SealedVote, key: Ceremony, extra: tuple[int, str] | None = None) -> list[int]:
    """The counts of a secret election's one question, once `key.threshold` shares are
    in (with `extra`, a share being logged): the blank ballots first, then each answer."""
    from soviet.belenios import tally as bt

    election = vote.election()
    encrypted = tally_of(vote, election)
    trustees = bt.parse_trustees(group(), trustees_json(key), "the trustees")
    from soviet.belenios.wire import loads

    shares = dict(vote.shares)
    if extra is not None:
        shares[extra[0]] = ("", extra[1])
    factors = {
        owner: bt.check_partial_decryption(
            election,
            encrypted,
            verification_keys(key)[owner - 1],
            loads(text, "a share"),
            f"the share of trustee {owner}",
        )
        for owner, (_, text) in sorted(shares.items())
    }
    combined = bt.combine_factors(election, trustees, factors)
    assert vote.tally is not None
    result = bt.election_result(election, encrypted, combined, vote.tally.weight)
    return list(result[0])


def _credential(text: str) -> int | None:
    """The public credential a logged ballot names."""
    from soviet.belenios.wire import loads

    value = loads(text, "a ballot")
    credential = value.get("credential") if isinstance(value, dict) else None
    return int(credential) if isinstance(credential, str) and credential.isdigit() else None


def _check(check: Any) -> Any:
    """A Belenios check, its failure refused with what failed."""
    from soviet.belenios.errors import BeleniosError

    try:
        return check()
    except BeleniosError as error:
        raise Refused(str(error)) from None
