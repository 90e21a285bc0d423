"""Motions through the API: a council's motion proposed, seconded, referred down, voted by
roll call and closed by signed statements posted to their resources; the reads of motions,
decisions and breaches; and refusals answered 4xx, naming the field, writing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from integration.conftest import Databases
from integration.served import Served
from integration.signed import SignedOrganization, elect_every_level
from integration.test_api_acts import MOTIONS_STORY, acted, types
from soviet.domain import commands as cmd
from soviet.domain import events as ev


@pytest.fixture
def api(databases: Databases, tmp_path: Path) -> Iterator[Served]:
    """The city federation with every level elected (a1-2, a2-1, a2-2 in the district)."""
    org = SignedOrganization(databases.new(), tmp_path / "log.key")
    elect_every_level(org)
    served = Served(org)
    try:
        yield served
    finally:
        served.org.dispose()


def test_a_council_motion_is_proposed_referred_voted_and_closed_through_the_api(
    api: Served,
) -> None:
    s = api
    seen: dict[str, set[str]] = {}
    propose = cmd.ProposeMotion("a2-1", "district", "Tram fares", "Abolish them.\n")
    proposed = acted(s, "bodies", "district", propose, seen)
    assert types(proposed) == [ev.MOTION_PROPOSED]
    motion = proposed["events"][0]["data"]["motion"]
    acted(s, "motions", motion, cmd.SecondMotion("a2-2", motion), seen)
    acted(s, "motions", motion, cmd.ReferMotion("a2-1", motion), seen)
    acted(s, "motions", motion, cmd.StartMotion("a2-1", motion), seen)
    for deputy, vote in (("a1-2", "yes"), ("a2-1", "yes"), ("a2-2", "no")):
        acted(s, "motions", motion, cmd.CastMotionVote(deputy, motion, vote), seen)
    closed = acted(s, "motions", motion, cmd.CloseMotion("a2-1", motion), seen)
    assert types(closed)[:2] == [ev.MOTION_CLOSED, ev.DECISION_ADOPTED]
    assert seen == MOTIONS_STORY

    shown = s.get(f"/api/v1/motions/{motion}")
    assert shown.status_code == 200
    body = shown.json()
    assert body["status"] == "adopted" and body["decision"] == 1
    assert body["roll_call"] == {"a1-2": "yes", "a2-1": "yes", "a2-2": "no"}
    assert body["text"] == "Abolish them.\n"
    [decision] = s.get("/api/v1/decisions").json()
    assert (decision["body"], decision["number"], decision["motion"]) == ("district", 1, motion)
    assert s.get("/api/v1/breaches").json() == []
    assert [m["id"] for m in s.get("/api/v1/motions").json()] == [motion]


def test_motion_acts_out_of_turn_are_answered_4xx_and_write_nothing(api: Served) -> None:
    s = api
    propose = cmd.ProposeMotion("a1-1", "district", "Fares", "x\n")
    before = s.size()
    refused = s.post("/api/v1/bodies/district/acts", json=s.signed(propose))
    assert refused.status_code == 409, refused.text
    assert "only a seated deputy of 'district'" in refused.json()["detail"]
    wrong = s.post(
        "/api/v1/bodies/a1/acts", json=s.signed(cmd.ProposeMotion("a1-1", "a2", "F", "x\n"))
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "statement.data.body"
    missing = s.post("/api/v1/motions/R9/acts", json=s.signed(cmd.SecondMotion("a2-2", "R9")))
    assert missing.status_code == 404, missing.text
    assert s.get("/api/v1/motions/R9").status_code == 404
    assert s.size() == before
