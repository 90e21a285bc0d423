"""The charter as it stands: an organization's charter read back from its state.

What `soviet init` adopted, as every later event has left it: the name and the `[rules]`
of the founding; the bodies, offices and founders as the state holds them now, so that an
amendment applied to the state shows here by itself; every member admitted since, with
the assemblies they belong to now (admissions, joins and leaves applied).

It names no imported holders. A charter's `holders` are the office holders from before
the system, imported unelected when the log is founded. A charter printed from this one
founds a new log, whose offices must start vacant, to be filled by election: importing
today's holders would make every elected holder an unelected one there. Re-read, the
charter as it stands is "the same organization" in that sense: the same name, origin,
rules, bodies and offices (in the same order, every rule resolved), the same members with
the same assemblies, and the same founders — and no mandate at all.

Members are listed in order of their ids, and each member's assemblies in order of theirs,
so the charter is the same whichever implementation of the state it is read from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Protocol

from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules


class Standing(Protocol):
    """What the charter as it stands reads of a state (`soviet.domain.state.State` has
    it all)."""

    def origin(self) -> str: ...

    def enrollment_days(self) -> int | None: ...

    def founders(self) -> tuple[str, ...]: ...

    def bodies(self) -> Mapping[str, Body]: ...

    def offices(self) -> Mapping[str, Office]: ...

    def member(self, member_id: str) -> Member: ...

    def member_ids(self) -> Iterable[str]: ...


def founding_rules(data: Mapping[str, Any]) -> Rules:
    """The charter's `[rules]` from their logged form (`founding.rules_to_json`, the
    `rules` of an `organization.founded`): shares as text, the procedure as its JSON (or
    none, for a log founded before procedures were logged)."""
    return Rules(
        term_days=int(data["term_days"]),
        voting_days=int(data["voting_days"]),
        recall_petition=Fraction(str(data["recall_petition"])),
        recall_immediate=Fraction(str(data["recall_immediate"])),
        recall_quorum=Fraction(str(data["recall_quorum"])),
        procedure=Procedure.from_json(data.get("procedure")),
    )


def charter_of(state: Standing, name: str, rules: Rules) -> Charter:
    """The charter as it stands in `state`, under the organization's `name` and `rules`
    (which the state does not hold: they are the founding's, `founding_rules`); the days
    an enrollment code is good for are the state's, when its acts are signed."""
    days = state.enrollment_days()
    if days is not None:
        rules = dataclasses.replace(rules, enrollment_days=days)
    return standing(
        name=name,
        origin=state.origin(),
        rules=rules,
        bodies=state.bodies().values(),
        offices=state.offices().values(),
        founders=state.founders(),
        members=(state.member(ident) for ident in state.member_ids()),
    )


def standing(
    *,
    name: str,
    origin: str,
    rules: Rules,
    bodies: Iterable[Body],
    offices: Iterable[Office],
    founders: Iterable[str],
    members: Iterable[Member],
) -> Charter:
    """The charter of these parts, as it stands: bodies and offices in the order given,
    members in order of their ids with their assemblies in order, and no holdings."""
    return Charter(
        name=name,
        origin=origin,
        rules=rules,
        bodies=tuple(bodies),
        offices=tuple(offices),
        members=tuple(
            sorted(
                (Member(m.id, m.name, tuple(sorted(m.bodies))) for m in members),
                key=lambda m: m.id,
            )
        ),
        founders=tuple(founders),
        holdings=(),
    )
