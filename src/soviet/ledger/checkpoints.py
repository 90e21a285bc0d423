"""Checkpoints (c2sp.org/tlog-checkpoint): the log's size and root, signed as a note.

    councils.example.org/line-workers          origin: the log's name, and the key's
    1042                                       tree size, in decimal
    7G2MnbXcUuIWlBC1mr0Fi5AYzt3PZyVqGkRa6QAyeWE=   root hash, base64
                                               (blank line)
    — councils.example.org/line-workers Az3g…  signature: key ID and Ed25519 signature

The signing key's name is the origin, so a checkpoint signed for one log never passes
for another's. Keys and signed notes are in `soviet.ledger.notes`, re-exported here.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from soviet.errors import InputError, LedgerError
from soviet.ledger.hashing import HASH_SIZE
from soviet.ledger.notes import (
    Note,
    Signature,
    SigningKey,
    VerifierKey,
    generate_key,
    is_valid_name,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

__all__ = [
    "Checkpoint",
    "Note",
    "Signature",
    "SigningKey",
    "VerifierKey",
    "generate_key",
    "is_valid_name",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_note",
    "sign_checkpoint",
    "sign_note",
]


@dataclass(frozen=True)
class Checkpoint:
    """The log named `origin` had `size` entries and this `root` hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise InputError(f"a checkpoint's origin is one non-empty line, not {self.origin!r}")
        if self.size < 0:
            raise InputError(f"a checkpoint's tree size is >= 0, not {self.size}")
        if len(self.root) != HASH_SIZE:
            raise InputError(f"a checkpoint's root hash has 32 bytes, not {len(self.root)}")
        for line in self.extensions:
            if not line or "\n" in line:
                raise InputError(f"an extension line is one non-empty line, not {line!r}")

    def body(self) -> bytes:
        """The note text: origin, tree size and root hash lines, then any extensions."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        return "".join(line + "\n" for line in [*lines, *self.extensions]).encode()

    @classmethod
    def parse(cls, body: bytes) -> Checkpoint:
        """A checkpoint from its note text."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("the checkpoint is not UTF-8") from None
        if not text.endswith("\n"):
            raise InputError("the checkpoint's text does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise InputError("a checkpoint has three lines: origin, tree size, root hash")
        origin, size, root, *extensions = lines
        if not size.isascii() or not size.isdigit() or (size != "0" and size[0] == "0"):
            raise InputError(f"the checkpoint's tree size {size!r} is not a decimal number")
        try:
            digest = base64.b64decode(root, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"the checkpoint's root hash {root!r} is not base64") from None
        return cls(origin, int(size), digest, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> bytes:
    """The signed note of a checkpoint, by the log's own key (named as its origin)."""
    if key.name != checkpoint.origin:
        raise InputError(
            f"the key {key.name!r} cannot sign for the log {checkpoint.origin!r}: "
            "a log's key is named as its origin"
        )
    return sign_note(checkpoint.body(), key)


def open_checkpoint(note: bytes, verifier: VerifierKey, origin: str | None = None) -> Checkpoint:
    """The checkpoint in a signed note, once the log's signature on it verifies.

    The checkpoint's origin must be the verifier key's name, and `origin` when given.
    """
    opened = open_note(note, [verifier])
    checkpoint = Checkpoint.parse(opened.text)
    expected = verifier.name if origin is None else origin
    if checkpoint.origin != expected or checkpoint.origin != verifier.name:
        raise LedgerError(f"the checkpoint is for the log {checkpoint.origin!r}, not {expected!r}")
    return checkpoint
