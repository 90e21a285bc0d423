"""A secret recall vote on the notice board: the page shows how many sealed ballots are
in, never a yes or a no before the trustees decrypt the tally."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from integration.conftest import Databases
from integration.served import Served
from integration.test_board import page
from integration.test_secret_forgery import SecretShop, story
from soviet.domain import events as ev
from soviet.services import recall, secrecy


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[SecretShop]:
    databases = Databases(tmp_path)
    org = SecretShop(databases.new(), tmp_path / "soviet.key")
    try:
        story(org, tmp_path)  # the tellers keyed, the board elected by secret ballot
        yield org
    finally:
        org.dispose()
        databases.drop_all()


def test_a_secret_recall_vote_shows_its_sealed_ballots_and_no_yes_or_no(
    shop: SecretShop,
) -> None:
    [held, *_] = shop.read(lambda ws: ws.active_mandates(office="board"))
    shop.tick(hours=1)
    opened = shop.act(partial(recall.open_petition, mandate_id=held.id, reason="late", actor="ben"))
    petition = str(opened[0].data["petition"])
    signed = shop.act(partial(recall.sign, petition_id=petition, actor="cai"))
    [vote] = [e for e in signed if e.type == ev.RECALL_VOTE_OPENED]
    assert "secret" in vote.data
    for voter in ("dan", "eve"):
        shop.tick(hours=0.1)
        shop.act(partial(secrecy.yes_no_vote, vote_id=petition, choice="yes", voter=voter))

    s = Served(shop)
    assert s.get(f"/api/v1/petitions/{petition}").json()["votes"] == {"secret": 2}
    shown = page(s, f"/petitions/{petition}")
    assert '<span data-live-field="votes.secret">2</span>' in shown.html
    assert "Sealed ballots" in shown.text
    assert 'data-live-field="votes.yes"' not in shown.html
