"""The rows the state keeps of each key ceremony and each secret vote: the events that
make them, by subject (`soviet.domain.secrecy` builds its records from them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from soviet.domain import catalogue as c


@dataclass(frozen=True)
class SecretRow:
    """One event of a ceremony or a secret vote, as the state keeps it."""

    seq: int
    at: str
    actor: str | None
    payload: c.Payload


class Rows(Protocol):
    """A state that keeps these rows."""

    def secret_rows(self, subject: str) -> Sequence[SecretRow]: ...


def of(state: Rows, vote: str) -> bool:
    """Whether a vote (an election, a recall petition, a motion) is secret: it has rows."""
    return bool(state.secret_rows(vote_subject(vote)))


def _decrypted(result: object) -> bool:
    """Whether a close's result is a decrypted secret tally's (it holds `secret`)."""
    return isinstance(result, dict) and "secret" in result


def ceremony_subject(seq: int) -> str:
    return f"ceremony:{seq}"


def office_subject(office: str) -> str:
    return f"trustees:{office}"


def vote_subject(vote: str) -> str:
    return f"vote:{vote}"


def subjects_of(seq: int, payload: c.Payload) -> tuple[str, ...]:
    """The rows an event adds to (none for an event that is not secret)."""
    if isinstance(payload, c.TrusteeStep):
        if payload.ceremony is None:
            return ceremony_subject(seq), office_subject(payload.office)
        return (ceremony_subject(payload.ceremony),)
    if isinstance(payload, c.TrusteesKeyed):
        return (ceremony_subject(payload.ceremony),)
    if isinstance(payload, c.ElectionStarted) and payload.secret is not None:
        return (vote_subject(payload.election),)
    if isinstance(payload, c.BallotCast) and payload.sealed is not None:
        return (vote_subject(payload.election),)
    if isinstance(payload, c.RecallVoteOpened) and payload.secret is not None:
        return (vote_subject(payload.petition),)
    if isinstance(payload, c.RecallBallotCast) and payload.sealed is not None:
        return (vote_subject(payload.petition),)
    if isinstance(payload, c.MotionStarted) and payload.secret is not None:
        return (vote_subject(payload.motion),)
    if isinstance(payload, c.MotionVoteCast) and payload.sealed is not None:
        return (vote_subject(payload.motion),)
    if isinstance(payload, c.MotionClosed) and _decrypted(payload.result):
        return (vote_subject(payload.motion),)
    if isinstance(payload, c.VoteTallied | c.TallyShared):
        return (vote_subject(payload.vote),)
    if isinstance(payload, c.ElectionClosed) and _decrypted(payload.result):
        return (vote_subject(payload.election),)
    if isinstance(payload, c.RecallClosed) and _decrypted(payload.result):
        return (vote_subject(payload.petition),)
    return ()
