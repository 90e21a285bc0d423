"""Signed notes (c2sp.org/signed-note) with Ed25519, and their key formats.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:

    — <key name> base64(key ID || Ed25519 signature of the text)

with key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]. Keys travel as
text in the formats of golang.org/x/mod/sumdb/note:

    verifier key   <name>+<hex key ID>+base64(0x01 || public key)
    signing key    PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)

Everything here is bytes in, bytes out; reading and writing key files is the caller's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from soviet.errors import InputError, LedgerError

ED25519 = 0x01
SIGNATURE_PREFIX = "— ".encode()  # em dash U+2014, space
PRIVATE_PREFIX = "PRIVATE+KEY+"
#: Notes with more signatures are refused rather than checked one by one.
MAX_SIGNATURES = 100


def is_valid_name(name: str) -> bool:
    """A key name is non-empty, without Unicode spaces or `+`."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def _check_name(name: str) -> None:
    if not is_valid_name(name):
        raise InputError(
            f"key name {name!r} is not valid: it must be non-empty, "
            "without spaces or '+' (a schema-less URL such as example.org/log)"
        )


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte ID of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{what}: {text!r} is not base64") from None


def _parse_key_id(text: str, what: str) -> bytes:
    if len(text) != 8 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise InputError(f"{what}: the key ID {text!r} is not 8 hex digits")
    return bytes.fromhex(text)


@dataclass(frozen=True)
class VerifierKey:
    """A public Ed25519 key under a name: what checks a note's signatures."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise InputError(f"an Ed25519 public key has 32 bytes, not {len(self.public_key)}")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        """A verifier key from `name+hexid+base64(0x01 || key)`."""
        what = "verifier key"
        parts = text.strip().split("+", 2)  # base64 may hold "+" too
        if len(parts) != 3:
            raise InputError(f"{what}: expected name+keyid+key, got {text.strip()!r}")
        name, hex_id, key64 = parts
        _check_name(name)
        claimed = _parse_key_id(hex_id, what)
        data = _b64decode(key64, what)
        if not data or data[0] != ED25519:
            raise InputError(f"{what}: only Ed25519 keys (type 0x01) are supported")
        key = cls(name, data[1:])
        if key.key_id != claimed:
            raise InputError(f"{what}: the key ID {hex_id} does not match the key")
        return key

    def __str__(self) -> str:
        data = base64.b64encode(bytes([ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{data}"

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key under a name: what signs notes. Its text form is secret."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.seed) != 32:
            raise InputError(f"an Ed25519 private key has 32 bytes, not {len(self.seed)}")

    @property
    def public_key(self) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def verifier(self) -> VerifierKey:
        return VerifierKey(self.name, self.public_key)

    @classmethod
    def parse(cls, text: str) -> SigningKey:
        """A signing key from `PRIVATE+KEY+name+hexid+base64(0x01 || seed)`.

        Its errors never quote the text: in a damaged key, any part may be the secret."""
        what = "signing key"
        text = text.strip()
        if not text.startswith(PRIVATE_PREFIX):
            raise InputError(f"{what}: expected text starting with {PRIVATE_PREFIX}")
        parts = text[len(PRIVATE_PREFIX) :].split("+", 2)
        if len(parts) != 3:
            raise InputError(f"{what}: expected PRIVATE+KEY+name+keyid+key")
        name, hex_id, key64 = parts
        if not is_valid_name(name):
            raise InputError(f"{what}: the key name is empty, or holds spaces or '+'")
        if len(hex_id) != 8 or any(c not in "0123456789abcdefABCDEF" for c in hex_id):
            raise InputError(f"{what}: the key ID is not 8 hex digits")
        try:
            data = base64.b64decode(key64, validate=True)
        except (binascii.Error, ValueError):
            raise InputError(f"{what}: the key is not base64") from None
        if not data or data[0] != ED25519:
            raise InputError(f"{what}: only Ed25519 keys (type 0x01) are supported")
        key = cls(name, data[1:])
        if key.key_id != bytes.fromhex(hex_id):
            raise InputError(f"{what}: the key ID does not match the key")
        return key

    def __str__(self) -> str:
        data = base64.b64encode(bytes([ED25519]) + self.seed).decode("ascii")
        return f"{PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{data}"

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def generate_key(name: str, seed: bytes | None = None) -> SigningKey:
    """A signing key for `name`: from 32 random bytes given, or freshly generated."""
    if seed is None:
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
    return SigningKey(name, seed)


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> bytes:
        data = base64.b64encode(self.key_id + self.signature)
        return SIGNATURE_PREFIX + self.name.encode() + b" " + data + b"\n"


@dataclass(frozen=True)
class Note:
    """A note's text with its signatures, those checked and those from unknown keys."""

    text: bytes
    signatures: tuple[Signature, ...]
    unverified: tuple[Signature, ...] = ()


def _check_text(data: bytes, what: str) -> None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8") from None
    for c in decoded:
        if c < " " and c != "\n":
            raise InputError(f"{what} holds the control character {c!r}")


def sign_note(text: bytes, *keys: SigningKey) -> bytes:
    """The signed note of `text` (which ends in a newline) by each of `keys`."""
    if not keys:
        raise ValueError("a signed note needs at least one key")
    if not text.endswith(b"\n"):
        raise InputError("a note's text ends with a newline")
    _check_text(text, "the note's text")
    lines = [Signature(key.name, key.key_id, key.sign(text)).line() for key in keys]
    return text + b"\n" + b"".join(lines)


def parse_note(message: bytes) -> tuple[bytes, list[Signature]]:
    """The text and signature lines of a signed note, unchecked."""
    _check_text(message, "the signed note")
    split = message.rfind(b"\n\n")
    if split < 0:
        raise InputError("the signed note has no blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith(b"\n"):
        raise InputError("the signed note has no signature lines ending in a newline")
    signatures = []
    for number, line in enumerate(block[:-1].split(b"\n"), start=1):
        if not line.startswith(SIGNATURE_PREFIX):
            raise InputError(f"signature line {number} does not start with '— '")
        name, _, data = line[len(SIGNATURE_PREFIX) :].decode().partition(" ")
        if not is_valid_name(name) or not data:
            raise InputError(f"signature line {number} is not '— name signature'")
        raw = _b64decode(data, f"signature line {number}")
        if len(raw) < 5:
            raise InputError(f"signature line {number} is too short")
        signatures.append(Signature(name, raw[:4], raw[4:]))
        if len(signatures) > MAX_SIGNATURES:
            raise InputError(f"the note has more than {MAX_SIGNATURES} signatures")
    return text, signatures


def open_note(message: bytes, verifiers: Iterable[VerifierKey]) -> Note:
    """The note, once a known key's signature on it verifies.

    Signatures by unknown keys are kept aside, unchecked; a known key whose signature
    fails rejects the whole note, and so does a note no known key has signed.
    """
    text, signatures = parse_note(message)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, bytes]] = set()
    for sig in signatures:
        ident = (sig.name, sig.key_id)
        verifier = known.get(ident)
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if ident in seen:
            continue
        seen.add(ident)
        if not verifier.verifies(text, sig.signature):
            raise LedgerError(
                f"the signature of {sig.name} (key {sig.key_id.hex()}) does not verify"
            )
        verified.append(sig)
    if not verified:
        names = ", ".join(f"{k.name}+{k.key_id.hex()}" for k in known.values()) or "none"
        raise LedgerError(f"the note is not signed by a known key (known: {names})")
    return Note(text, tuple(verified), tuple(unverified))
