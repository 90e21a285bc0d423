"""Signed statements: a member's act as the member signs it.

A statement is the JSON object `{origin, type, actor, data, nonce, not_after}`:

- `origin`, the organization's (its log's origin line), so that a statement made for one
  organization is refused by every other;
- `type`, the act (`vote`, `election.open`, …: `ACTS`), and `data`, its arguments — the
  command without its actor, as JSON (`statement_of`, `command_of_statement`);
- `actor`, the member who acts and signs;
- `nonce`, a string the member never uses twice, so that a statement is recorded once;
- `not_after`, the last instant (as the log writes it) at which it may be recorded.

Its bytes are its RFC 8785 serialization; the member's Ed25519 key signs those bytes. The
envelope `{statement, key, signature}` (`Signed`) travels from the member to the log,
which stores it beside the act's event. Keys are 32 raw bytes, written in base64; a key's
id is the first 16 hex digits of the SHA-256 of its raw bytes.

Everything here is pure: the caller brings the private key, the nonce and the instant.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from soviet.domain import commands as cmd
from soviet.errors import InputError
from soviet.ledger.entries import canonical

#: The fields of a statement, in the order a person reads them.
FIELDS = ("origin", "type", "actor", "data", "nonce", "not_after")
#: The fields of a signed statement's envelope.
ENVELOPE = ("statement", "key", "signature")

#: A nonce: 16 to 64 letters, digits, `-` or `_` (the CLI draws 32 hex digits).
NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: An instant as the log writes it.
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)

#: Each act a member takes, by the name its statement gives it: the CLI's words.
ACTS: dict[str, type] = {
    "member.add": cmd.AdmitMember,
    "member.join": cmd.JoinBody,
    "member.leave": cmd.LeaveBody,
    "member.codes": cmd.IssueCodes,
    "member.reset-key": cmd.ResetKey,
    "key.enroll": cmd.EnrollKey,
    "key.rotate": cmd.RotateKey,
    "election.open": cmd.OpenElection,
    "election.nominate": cmd.Nominate,
    "election.accept": cmd.AcceptNomination,
    "election.withdraw": cmd.Withdraw,
    "election.start": cmd.StartElection,
    "vote": cmd.CastBallot,
    "vote.secret": cmd.CastSealedBallot,
    "trustee.keygen": cmd.TakeTrusteeStep,
    "trustee.decrypt": cmd.ShareTally,
    "election.import-paper": cmd.ImportPaper,
    "election.extend": cmd.ExtendVote,
    "election.close": cmd.CloseElection,
    "mandate.resign": cmd.ResignMandate,
    "recall.open": cmd.OpenPetition,
    "recall.sign": cmd.SignPetition,
    "recall.vote": cmd.CastRecallVote,
    "recall.close": cmd.CloseRecallVote,
    "motion.propose": cmd.ProposeMotion,
    "motion.second": cmd.SecondMotion,
    "motion.refer": cmd.ReferMotion,
    "motion.start": cmd.StartMotion,
    "motion.vote": cmd.CastMotionVote,
    "motion.close": cmd.CloseMotion,
}
#: The statement type of each command class.
TYPES: dict[type, str] = {command: name for name, command in ACTS.items()}


class StatementError(InputError):
    """A statement or envelope that is malformed: not JSON, not canonical, missing or
    unknown fields, values of the wrong kind. `field` says where, when one place is to
    blame (`statement.nonce`, `key`, `statement.data.choice`)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Statement:
    """What a member signs."""

    origin: str
    type: str
    actor: str
    data: Mapping[str, Any]
    nonce: str
    not_after: str

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "type": self.type,
            "actor": self.actor,
            "data": dict(self.data),
            "nonce": self.nonce,
            "not_after": self.not_after,
        }

    def canonical(self) -> bytes:
        """The bytes a member signs: the RFC 8785 serialization."""
        return canonical(self.to_json())


@dataclass(frozen=True, slots=True)
class Signed:
    """A statement, the id of the key that signed it, and the signature (base64)."""

    statement: Statement
    key: str
    signature: str

    def to_json(self) -> dict[str, Any]:
        """The envelope as the log stores it beside the act's event."""
        return {"statement": self.statement.to_json(), "key": self.key, "signature": self.signature}


# -- keys --------------------------------------------------------------------------------


def public_key_text(private: Ed25519PrivateKey) -> str:
    """The base64 of a private key's public half, as a key registration logs it."""
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def key_id(public_key: str) -> str:
    """A public key's id: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(_public_bytes(public_key)).hexdigest()[:16]


def _public_bytes(public_key: str) -> bytes:
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise StatementError(
            f"public key {public_key[:60]!r} is not an Ed25519 key: 32 bytes in base64"
        )
    return raw


@functools.lru_cache(maxsize=4096)
def _public(public_key: str) -> Ed25519PublicKey:
    """A public key, loaded once for the many statements it verifies."""
    return Ed25519PublicKey.from_public_bytes(_public_bytes(public_key))


def is_public_key(text: object) -> bool:
    """Whether a value is a public key as the log writes one."""
    if not isinstance(text, str):
        return False
    try:
        _public_bytes(text)
    except StatementError:
        return False
    return True


def sign(statement: Statement, private: Ed25519PrivateKey) -> Signed:
    """The statement signed by a member's private key."""
    signature = private.sign(statement.canonical())
    return Signed(
        statement,
        key_id(public_key_text(private)),
        base64.b64encode(signature).decode("ascii"),
    )


def signature_verifies(signed: Signed, public_key: str) -> bool:
    """Whether the envelope's signature is the statement's under `public_key`."""
    try:
        raw = base64.b64decode(signed.signature, validate=True)
        _public(public_key).verify(raw, signed.statement.canonical())
    except (binascii.Error, ValueError, InvalidSignature, StatementError):
        return False
    return True


# -- statements and commands ---------------------------------------------------------------


def statement_of(command: cmd.Command, origin: str, nonce: str, not_after: str) -> Statement:
    """The statement of a member's act."""
    name = TYPES.get(type(command))
    actor = getattr(command, "actor", None)
    if name is None or not isinstance(actor, str):
        raise StatementError(f"{type(command).__name__} is not an act a member signs")
    data = {
        f.name: _to_json(getattr(command, f.name))
        for f in dataclasses.fields(command)
        if f.name != "actor"
    }
    return Statement(origin, name, actor, data, nonce, not_after)


def _to_json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    return value


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A command's fields and their types, read once per class."""
    return typing.get_type_hints(cls)


def command_of_statement(statement: Statement) -> cmd.Command:
    """The command a statement asks for; StatementError naming the field that does not
    fit its act."""
    cls = ACTS.get(statement.type)
    if cls is None:
        raise StatementError(
            f"statement type {statement.type!r} is not an act (one of {', '.join(sorted(ACTS))})"
        )
    hints = _hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.name != "actor"]
    names = {f.name for f in fields}
    data = statement.data
    unknown = sorted(set(data) - names)
    if unknown:
        raise StatementError(f"{statement.type} statement: unknown field {unknown[0]!r} in data")
    values: dict[str, Any] = {"actor": statement.actor}
    for f in fields:
        if f.name not in data:
            if f.default is not dataclasses.MISSING:
                continue
            raise StatementError(f"{statement.type} statement: data lacks {f.name!r}")
        values[f.name] = _read(data[f.name], hints[f.name], f"{statement.type} data.{f.name}")
    command: cmd.Command = cls(**values)
    return command


def _read(value: Any, hint: Any, where: str) -> Any:
    """A JSON value read as the command field's type (str, int, bool, tuples of them)."""
    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list):
            raise StatementError(f"{where} must be a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_read(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise StatementError(f"{where} must be a list of {len(args)} items")
        return tuple(
            _read(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args, strict=True))
        )
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            try:
                return _read(value, option, where)
            except StatementError:
                continue
        raise StatementError(f"{where} is of the wrong kind")
    if hint is type(None):
        if value is not None:
            raise StatementError(f"{where} must be null")
        return None
    if hint is bool:
        if not isinstance(value, bool):
            raise StatementError(f"{where} must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise StatementError(f"{where} must be an integer")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise StatementError(f"{where} must be a string")
        return value
    raise StatementError(f"{where}: a field of a kind statements do not carry")  # pragma: no cover


# -- reading what comes in -----------------------------------------------------------------


def parse_statement(text: bytes | str) -> Statement:
    """A statement from its bytes, which must be its canonical (RFC 8785) form; a
    StatementError naming what does not fit."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise StatementError(f"the statement is not JSON: {error}") from None
    statement = statement_from_json(value)
    if statement.canonical() != raw:
        raise StatementError(
            "the statement is not in its canonical form (RFC 8785: keys sorted, no spaces); "
            "a member signs the canonical bytes"
        )
    return statement


def statement_from_json(value: Any) -> Statement:
    """A statement from its JSON object; StatementError naming what does not fit."""
    if not isinstance(value, Mapping):
        raise StatementError("a statement must be a JSON object")
    _exact_keys(value, FIELDS, "statement")
    for name in ("origin", "type", "actor", "nonce", "not_after"):
        if not isinstance(value[name], str) or not value[name]:
            raise StatementError(
                f"statement field {name!r} must be a non-empty string", f"statement.{name}"
            )
    if not isinstance(value["data"], Mapping):
        raise StatementError("statement field 'data' must be a JSON object", "statement.data")
    if not NONCE.fullmatch(value["nonce"]):
        raise StatementError(
            f"statement nonce {value['nonce'][:70]!r} must be 16 to 64 letters, digits, - or _",
            "statement.nonce",
        )
    if not INSTANT.fullmatch(value["not_after"]):
        raise StatementError(
            f"statement not_after {value['not_after'][:40]!r} must be an instant as the log "
            "writes it (2026-05-01T09:00:00Z)",
            "statement.not_after",
        )
    return Statement(
        value["origin"],
        value["type"],
        value["actor"],
        dict(value["data"]),
        value["nonce"],
        value["not_after"],
    )


def signed_from_json(value: Any) -> Signed:
    """An envelope `{statement, key, signature}` from JSON; StatementError naming what
    does not fit."""
    if not isinstance(value, Mapping):
        raise StatementError("a signed statement must be a JSON object")
    _exact_keys(value, ENVELOPE, "signed statement")
    key, signature = value["key"], value["signature"]
    if not isinstance(key, str) or not re.fullmatch(r"[0-9a-f]{16}", key):
        raise StatementError("signed statement field 'key' must be a key id: 16 hex digits", "key")
    if not isinstance(signature, str) or not signature:
        raise StatementError("signed statement field 'signature' must be base64 text", "signature")
    return Signed(statement_from_json(value["statement"]), key, signature)


def _exact_keys(value: Mapping[str, Any], fields: tuple[str, ...], what: str) -> None:
    missing = [name for name in fields if name not in value]
    if missing:
        raise StatementError(f"{what} lacks {missing[0]!r} (it has {', '.join(fields)})")
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise StatementError(f"{what} has an unknown field {unknown[0]!r}")
