"""The rules of members' keys: enrolling with a code, rotating, a lost key reset by an
officer, and codes issued to members who hold no key yet.

A member's first key is registered with the enrollment code their admission issued
(`soviet.domain.enrollment`), good once and until it expires; it is signed by the new key
itself (`soviet.domain.signatures`). A member replaces their own key by a statement the
old key signs. A lost key is revoked, and a new code issued, only by a live holder of an
office with the power to admit over one of the member's bodies — the founders while no
such office has a holder — for a stated reason; the same power issues new codes to
members who have not enrolled.
"""

from __future__ import annotations

from soviet.domain import admission, enrollment, statements
from soviet.domain import commands as cmd
from soviet.domain import events as ev
from soviet.domain.clock import after_days
from soviet.domain.decider import Decision, handles
from soviet.domain.electorates import admitters
from soviet.domain.state import State
from soviet.errors import InputError, NotFound, Refused


def require_keys(state: State) -> int:
    """The days a code is good for; Refused for a log whose acts are not signed."""
    days = state.enrollment_days()
    if days is None:
        raise Refused(
            "this log was founded before members held keys and has not adopted them: "
            "open it with this version of soviet to upgrade it"
        )
    return days


def require_public_key(key: str, what: str) -> None:
    if not statements.is_public_key(key):
        raise InputError(f"{what}: public_key must be an Ed25519 key, 32 bytes in base64")


def require_code_hash(code: str, what: str) -> None:
    if not enrollment.is_hash(code):
        raise InputError(f"{what} must be the hash of an enrollment code: 64 hex digits")


def require_power_over(d: Decision, actor: str, member: str, act: str) -> None:
    """Refused unless `actor` may admit to one of the member's bodies."""
    if actor not in d.state.member_ids():
        raise NotFound("member", actor)
    target = d.state.member(member)
    holders = admitters(d.state, d.now)
    refusal: Refused | None = None
    for body in target.bodies or ("",):
        try:
            admission.require_admitter(actor, body, d.state.bodies(), holders, d.state.founders())
            return
        except Refused as error:
            refusal = error
    raise Refused(
        f"{actor!r} may not {act} {member!r}: only an elected holder of an office with the "
        f"power to admit over one of the bodies of {member!r} may (or the founders, until one is "
        f"elected){f' — {refusal}' if refusal is not None else ''}"
    )


@handles(cmd.EnrollKey)
def _enroll(d: Decision, act: cmd.EnrollKey) -> None:
    s = d.state
    require_keys(s)
    s.member(act.actor)
    require_public_key(act.public_key, "key.enroll")
    held = s.key_of(act.actor)
    if held is not None:
        raise Refused(
            f"{act.actor!r} already holds key {held.key} (registered at seq {held.seq}): "
            "replace it with `soviet key rotate`, or, if it is lost, ask an officer with "
            "the power to admit for `soviet member reset-key`"
        )
    code = s.code_of(act.actor)
    if code is None:
        raise Refused(
            f"{act.actor!r} has no enrollment code outstanding (each is good once): ask an "
            "officer with the power to admit for a new one (`soviet member codes`)"
        )
    if not enrollment.is_hash(act.proof) or enrollment.hash_of_proof(act.proof) != code.hash:
        raise Refused(
            f"this is not the enrollment code of {act.actor!r} (the latest, issued at seq "
            f"{code.seq}): check the code, or ask for a new one"
        )
    if d.now > code.expires:
        raise Refused(
            f"the enrollment code of {act.actor!r} expired at {code.expires}: ask an officer "
            "with the power to admit for a new one (`soviet member codes`)"
        )
    d.emit(
        ev.Event(
            ev.MEMBER_KEY_REGISTERED,
            act.actor,
            {
                "member": act.actor,
                "key": statements.key_id(act.public_key),
                "public_key": act.public_key,
                "code": code.seq,
                "proof": act.proof,
            },
        )
    )


@handles(cmd.RotateKey)
def _rotate(d: Decision, act: cmd.RotateKey) -> None:
    s = d.state
    require_keys(s)
    s.member(act.actor)
    require_public_key(act.public_key, "key.rotate")
    held = s.key_of(act.actor)
    if held is None:
        raise Refused(f"{act.actor!r} holds no key to rotate: enroll with `soviet key enroll`")
    new = statements.key_id(act.public_key)
    if new == held.key:
        raise Refused(f"key {new} is the key {act.actor!r} holds already")
    d.emit(
        ev.Event(
            ev.MEMBER_KEY_REGISTERED,
            act.actor,
            {"member": act.actor, "key": new, "public_key": act.public_key, "previous": held.key},
        )
    )


@handles(cmd.ResetKey)
def _reset(d: Decision, act: cmd.ResetKey) -> None:
    s = d.state
    days = require_keys(s)
    s.member(act.member)
    if act.member == act.actor:
        raise Refused(
            f"{act.actor!r} may not reset their own key: rotate it with `soviet key rotate`, "
            "or, if it is lost, ask another officer with the power to admit"
        )
    reason = act.reason.strip()
    if not reason:
        raise InputError("member reset-key: --reason must say why the key is replaced")
    require_code_hash(act.code, "member reset-key: the code")
    require_power_over(d, act.actor, act.member, "reset the key of")
    held = s.key_of(act.member)
    d.emit(
        ev.Event(
            ev.MEMBER_KEY_RESET,
            act.actor,
            {
                "member": act.member,
                "reason": reason,
                "revoked": None if held is None else held.key,
                "code": act.code,
                "code_expires": after_days(d.now, days),
            },
        )
    )


@handles(cmd.IssueCodes)
def _issue(d: Decision, act: cmd.IssueCodes) -> None:
    s = d.state
    days = require_keys(s)
    if not act.codes:
        raise Refused("member codes: every member named holds a key already; no code to issue")
    seen: set[str] = set()
    for member, code in act.codes:
        if member in seen:
            raise InputError(f"member codes: {member!r} is named twice")
        seen.add(member)
        s.member(member)
        require_code_hash(code, f"member codes: the code of {member!r}")
        held = s.key_of(member)
        if held is not None:
            raise Refused(
                f"{member!r} holds key {held.key} already: a lost key is replaced with "
                "`soviet member reset-key`"
            )
        require_power_over(d, act.actor, member, "issue an enrollment code to")
    expires = after_days(d.now, days)
    d.emit(
        ev.Event(
            ev.CODES_ISSUED,
            act.actor,
            {
                "codes": [
                    {"member": member, "code": code, "expires": expires}
                    for member, code in act.codes
                ]
            },
        )
    )
