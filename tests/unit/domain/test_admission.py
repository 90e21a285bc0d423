"""The power to admit, on its own."""

from __future__ import annotations

import pytest

from soviet.domain import admission
from soviet.domain.model import Body, Member
from soviet.errors import Refused

BODIES = {
    "city": Body("city", "City", "council"),
    "north": Body("north", "North", "council", "city"),
    "depot": Body("depot", "Depot", "assembly", "north"),
}


def test_founders_admit_while_no_admitting_office_is_elected() -> None:
    admission.require_admitter("ivanova", "depot", BODIES, {}, ("ivanova",))
    with pytest.raises(Refused, match="only the founders"):
        admission.require_admitter("petrov", "depot", BODIES, {}, ("ivanova",))


def test_an_elected_admitter_admits_to_the_bodies_below_and_founders_no_longer_do() -> None:
    admitters = {"city": frozenset({"okafor"})}
    admission.require_admitter("okafor", "depot", BODIES, admitters, ("ivanova",))
    with pytest.raises(Refused, match="only elected holders"):
        admission.require_admitter("ivanova", "depot", BODIES, admitters, ("ivanova",))


def test_an_admitter_below_has_no_power_above() -> None:
    admitters = {"depot": frozenset({"okafor"})}
    with pytest.raises(Refused):
        admission.require_admitter("okafor", "north", BODIES, admitters, ())


def test_members_are_admitted_to_assemblies_only() -> None:
    with pytest.raises(Refused, match="is a council"):
        admission.admit(Member("x", "X", ("north",)), "ivanova", BODIES)
    event = admission.admit(Member("x", "X", ("depot",)), "ivanova", BODIES)
    assert event.data == {"member": "x", "name": "X", "bodies": ["depot"]}
