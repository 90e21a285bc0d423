"""Checking a proof offline, with no database: `soviet verify-proof`.

A proof (`soviet prove`) is checked against checkpoints signed by the log's key: an
inclusion proof against the checkpoint at its size, optionally for a given event; a
consistency proof against the checkpoints at both its sizes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from soviet.errors import InputError, LedgerError
from soviet.ledger.checkpoints import Checkpoint, VerifierKey, open_checkpoint
from soviet.ledger.entries import encode_event
from soviet.ledger.hashing import leaf_hash
from soviet.ledger.proofs import ConsistencyProof, InclusionProof, Proof

#: The fields of an event, as `soviet log --json` and an export print it.
EVENT_FIELDS = ("seq", "at", "type", "actor", "data")


def check_proof(
    proof: Proof,
    notes: Sequence[bytes],
    key: VerifierKey,
    event: Mapping[str, Any] | None = None,
    seq: int | None = None,
) -> str:
    """Check `proof` against the signed checkpoints `notes`; returns what was shown, or
    raises LedgerError saying what does not hold."""
    checkpoints = [open_checkpoint(note, key) for note in notes]
    if isinstance(proof, InclusionProof):
        return _inclusion(proof, checkpoints, event, seq)
    return _consistency(proof, checkpoints)


def _at(checkpoints: Sequence[Checkpoint], size: int) -> Checkpoint:
    for checkpoint in checkpoints:
        if checkpoint.size == size:
            return checkpoint
    sizes = ", ".join(str(c.size) for c in checkpoints)
    raise LedgerError(
        f"the proof is for the log at size {size}, but no checkpoint given has that size "
        f"(given: {sizes}); give the checkpoint at {size}, or prove at the checkpoint's size"
    )


def _inclusion(
    proof: InclusionProof,
    checkpoints: Sequence[Checkpoint],
    event: Mapping[str, Any] | None,
    seq: int | None,
) -> str:
    checkpoint = _at(checkpoints, proof.size)
    what = f"entry {proof.index} (seq {proof.index + 1})"
    if event is not None:
        entry = event_entry(event)
        if leaf_hash(entry) != proof.leaf_hash:
            raise LedgerError(f"the event given is not the leaf the proof is for ({what})")
        seq = int(event["seq"])
        what = f"the event {event['type']} at seq {seq}"
    if seq is not None and seq != proof.index + 1:
        raise LedgerError(f"the proof is for seq {proof.index + 1}, not seq {seq}")
    proof.verify(checkpoint.root)
    return (
        f"{what} is in the log {checkpoint.origin} at size {checkpoint.size}, whose "
        "checkpoint the log's key signed"
    )


def _consistency(proof: ConsistencyProof, checkpoints: Sequence[Checkpoint]) -> str:
    old = _at(checkpoints, proof.old_size)
    new = _at(checkpoints, proof.new_size)
    proof.verify(old.root, new.root)
    return (
        f"the log {new.origin} at size {old.size} is a prefix of the log at size "
        f"{new.size}: it only grew between the two signed checkpoints"
    )


def event_entry(event: Mapping[str, Any]) -> bytes:
    """The log entry of an event given as JSON, or InputError if it is not one."""
    if not isinstance(event, Mapping) or sorted(set(event) - {"clock", "signed"}) != sorted(
        EVENT_FIELDS
    ):
        raise InputError(
            "the event must be a JSON object with exactly seq, at, type, actor "
            "and data (and clock and signed, if it has them), as `soviet log --json` prints it"
        )
    seq, at, type_, actor, data = (event[f] for f in EVENT_FIELDS)
    clock = event.get("clock")
    signed = event.get("signed")
    if (
        type(seq) is not int
        or not isinstance(at, str)
        or not isinstance(type_, str)
        or not (actor is None or isinstance(actor, str))
        or not isinstance(data, dict)
        or not (clock is None or isinstance(clock, str))
        or not (signed is None or isinstance(signed, dict))
    ):
        raise InputError(
            "the event's fields are not of the right kinds (seq a number; at, "
            "type a string; actor a string or null; data an object; clock a string; "
            "signed an object)"
        )
    return encode_event(seq, at, type_, actor, data, clock, signed)
