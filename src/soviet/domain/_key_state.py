"""The part of `MemoryState` that holds members' keys: the key each member signs with, the
enrollment code each may still use, and every nonce each has used.

Its handlers are journalled like the rest of the state (`soviet.domain._journal`), so a
trial that registers a key undoes it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from soviet.domain import catalogue as c
from soviet.domain._journal import Journalled
from soviet.domain.events import Recorded
from soviet.domain.records import CodeRecord, KeyRecord


class KeyState(Journalled):
    """Members' keys, codes and nonces, advanced by the events that change them."""

    def __init__(self) -> None:
        super().__init__()
        self._origin = ""
        self._enrollment_days: int | None = None
        self._keys: dict[str, KeyRecord] = {}
        self._codes: dict[str, CodeRecord] = {}
        self._nonces: dict[tuple[str, str], int] = {}

    # -- applying --------------------------------------------------------------------------

    def _note_statement(self, event: Recorded) -> None:
        """Note the nonce of a signed act (called for every event that carries one)."""
        signed: Mapping[str, Any] = event.signed or {}
        statement = signed.get("statement")
        if isinstance(statement, Mapping):
            actor, nonce = statement.get("actor"), statement.get("nonce")
            if isinstance(actor, str) and isinstance(nonce, str):
                self._put(self._nonces, (actor, nonce), event.seq)

    def _keys_founded(self, p: c.OrganizationFounded) -> None:
        self._set_attr(self, "_origin", p.origin)
        self._set_attr(self, "_enrollment_days", p.enrollment_days)

    def _code(self, member: str, code: str | None, expires: str | None, seq: int) -> None:
        if code is not None and expires is not None:
            self._put(self._codes, member, CodeRecord(member, code, expires, seq))

    def _code_admitted(self, e: Recorded, p: c.MemberAdmitted) -> None:
        self._code(p.member, p.code, p.code_expires, e.seq)

    def _key_registered(self, e: Recorded, p: c.MemberKeyRegistered) -> None:
        self._put(self._keys, p.member, KeyRecord(p.member, p.key, p.public_key, e.seq))
        if p.previous is None and p.member in self._codes:  # a code is good once
            self._drop(self._codes, p.member)

    def _key_reset(self, e: Recorded, p: c.MemberKeyReset) -> None:
        if p.member in self._keys:
            self._drop(self._keys, p.member)
        self._code(p.member, p.code, p.code_expires, e.seq)

    def _codes_issued(self, e: Recorded, p: c.CodesIssued) -> None:
        for code in p.codes:
            self._code(code.member, code.code, code.expires, e.seq)

    def _keys_adopted(self, e: Recorded, p: c.KeysAdopted) -> None:
        self._set_attr(self, "_enrollment_days", p.enrollment_days)
        self._codes_issued(e, c.CodesIssued(p.codes))

    # -- reading ---------------------------------------------------------------------------

    def origin(self) -> str:
        return self._origin

    def enrollment_days(self) -> int | None:
        return self._enrollment_days

    def key_of(self, member: str) -> KeyRecord | None:
        return self._keys.get(member)

    def code_of(self, member: str) -> CodeRecord | None:
        return self._codes.get(member)

    def nonce_seq(self, member: str, nonce: str) -> int | None:
        return self._nonces.get((member, nonce))
