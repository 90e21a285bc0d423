"""A large membership is founded in batches: its events are written and let go as they
are made, and the log is the one a founding held in memory all at once records."""

from __future__ import annotations

from typing import Any

import pytest

from integration.conftest import Databases, city_federation
from soviet.bootstrap import Settings, Soviet
from soviet.domain.model import Charter
from soviet.errors import Refused
from soviet.services.founding import adopt, adopt_in_batches

NOW = "2026-05-01T09:00:00Z"


def founded_log(url: str, charter: Charter, batch: int | None) -> list[dict[str, Any]]:
    """The log a founding leaves (every event as the log holds it), founded all at once
    (`batch` None) or in batches of `batch` events, and what the unit of work kept."""
    soviet = Soviet(Settings(url, NOW, None), create=True)
    try:
        with soviet.unit_of_work() as ws:
            if batch is None:
                adopt(ws, charter, None)
            else:
                count = adopt_in_batches(ws, charter, None, batch=batch)
                assert ws.recorded == []  # let go of every batch
                assert count == ws.next_seq() - 1
        with soviet.reading(primary=True) as reads:
            return [e.to_json() for e in reads.events()]
    finally:
        soviet.dispose()


def test_a_founding_in_batches_records_the_log_a_founding_held_at_once_does(
    databases: Databases,
) -> None:
    charter = city_federation(a1=23, a2=17)

    at_once = founded_log(databases.new(), charter, None)
    in_threes = founded_log(databases.new(), charter, 3)

    assert len(at_once) == 1 + len(charter.members) == 41
    assert in_threes == at_once


def test_a_founding_in_batches_refuses_a_founded_database_and_records_nothing(
    databases: Databases,
) -> None:
    url = databases.new()
    charter = city_federation()
    before = founded_log(url, charter, 2)
    soviet = Soviet(Settings(url, NOW, None))
    try:
        with (
            pytest.raises(Refused, match="already holds an organization"),
            soviet.unit_of_work() as ws,
        ):
            adopt_in_batches(ws, charter, None, batch=2)
        with soviet.reading(primary=True) as reads:
            after = [e.to_json() for e in reads.events()]
    finally:
        soviet.dispose()

    assert after == before
