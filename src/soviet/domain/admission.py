"""The power to admit members, and how it passes from the founders to elected offices."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from soviet.domain import events as ev
from soviet.domain.model import Body, Member
from soviet.errors import Refused


def ancestors(body: str, bodies: Mapping[str, Body]) -> list[str]:
    """The body and every body above it, nearest first."""
    chain: list[str] = []
    current: str | None = body
    while current is not None and current not in chain:
        chain.append(current)
        current = bodies[current].parent if current in bodies else None
    return chain


def require_admitter(
    actor: str,
    body: str,
    bodies: Mapping[str, Body],
    admitters: Mapping[str, Collection[str]],
    founders: Sequence[str],
    leaving: str | None = None,
) -> None:
    """Only a live holder of an office with `admit` over the body (or above it) admits;
    while no such office has a live holder anywhere, the founders do, provisionally.

    `admitters` maps each body to the live holders of its offices with the `admit` power.
    With `leaving`, the act is taking that member out of the body, which the member may
    also do themselves, and a refusal says so.
    """
    if leaving is None:
        act, also = f"admit members to {body!r}", ""
    else:
        act, also = f"take {leaving!r} out of {body!r}", f"{leaving!r} themselves or "
    if not any(admitters.values()):
        if actor in founders:
            return
        raise Refused(
            f"{actor!r} may not {act}: until an office with the power to admit is elected, "
            f"only {also}the founders ({', '.join(founders)}) may"
        )
    for above in ancestors(body, bodies):
        if actor in admitters.get(above, ()):
            return
    raise Refused(
        f"{actor!r} may not {act}: only {also}elected holders of an office "
        f"with the power to admit over {body!r} may"
    )


def admit(member: Member, actor: str | None, bodies: Mapping[str, Body]) -> ev.Event:
    """Admit a new member to one or more assemblies."""
    _require_assemblies(member.bodies, bodies)
    return ev.Event(
        ev.MEMBER_ADMITTED,
        actor,
        {"member": member.id, "name": member.name, "bodies": list(member.bodies)},
    )


def join(member: Member, body: str, actor: str, bodies: Mapping[str, Body]) -> ev.Event:
    """Add an existing member to another assembly."""
    _require_assemblies((body,), bodies)
    if body in member.bodies:
        raise Refused(f"{member.id!r} already belongs to {body!r}")
    return ev.Event(ev.MEMBER_JOINED, actor, {"member": member.id, "body": body})


def leave(member: Member, body: str, actor: str) -> ev.Event:
    """Take a member out of an assembly (themselves, or by one with the power to admit)."""
    if body not in member.bodies:
        raise Refused(f"{member.id!r} does not belong to {body!r}")
    return ev.Event(ev.MEMBER_LEFT, actor, {"member": member.id, "body": body})


def _require_assemblies(names: Sequence[str], bodies: Mapping[str, Body]) -> None:
    if not names:
        raise Refused("a member belongs to at least one assembly (--body)")
    for name in names:
        if name not in bodies:
            raise Refused(f"unknown body {name!r}")
        if bodies[name].kind != "assembly":
            raise Refused(
                f"{name!r} is a council: its members are its seated deputies, not admitted"
            )
