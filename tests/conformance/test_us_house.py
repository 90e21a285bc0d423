"""The US House apportionments of 2010 and 2020 (Huntington–Hill, 435 seats), as the Census
Bureau published them: every state's seats, from the pure function and from
`soviet apportion`, and the facts the data folder's README states.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from e2e.conftest import soviet_count
from soviet.tally.apportionment import apportion, priority_order

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
APPORTIONMENT = DATA / "apportionment"
YEARS = (2010, 2020)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not APPORTIONMENT.is_dir(),
        reason=f"the real apportionment data is not there: {APPORTIONMENT} is missing",
    ),
]


def population_file(year: int) -> Path:
    return APPORTIONMENT / f"us_house_{year}_population.csv"


def column(path: Path, name: str) -> dict[str, int]:
    """A file's column as whole numbers, by state."""
    with path.open(encoding="utf-8", newline="") as file:
        return {row["STATE"]: int(row[name]) for row in csv.DictReader(file)}


def populations(year: int) -> dict[str, int]:
    return column(population_file(year), "Population")


def published_seats(year: int) -> dict[str, int]:
    return column(APPORTIONMENT / f"us_house_{year}_seats.csv", "REPS")


@pytest.mark.parametrize("year", YEARS)
def test_huntington_hill_gives_every_state_its_published_seats(year: int) -> None:
    published = published_seats(year)
    assert len(published) == 50 and sum(published.values()) == 435
    result = apportion(populations(year), 435, "huntington-hill")
    assert dict(result.allocation) == published
    assert result.ties == ()


@pytest.mark.parametrize("year", YEARS)
def test_soviet_apportion_prints_every_state_its_published_seats(year: int, tmp_path: Path) -> None:
    run = soviet_count(
        "apportion", str(population_file(year)), "--seats", "435", "--json", cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    document = json.loads(run.stdout)
    assert (document["method"], document["seats"]) == ("huntington-hill", 435)
    assert document["allocation"] == published_seats(year)
    assert list(document["allocation"]) == list(populations(year))  # in the file's order


def test_the_2020_apportionment_holds_the_facts_the_readme_states() -> None:
    seats = apportion(populations(2020), 435).allocation
    assert {state: seats[state] for state in ("California", "Texas", "Florida", "New York")} == {
        "California": 52,
        "Texas": 38,
        "Florida": 28,
        "New York": 26,
    }
    assert seats["Montana"] == 2
    *_, last, after = priority_order(populations(2020), 436)
    assert (last.seat, last.name, last.nth) == (435, "Minnesota", 8)
    assert (after.seat, after.name, after.nth) == (436, "New York", 27)


def test_the_priority_order_begins_after_every_state_has_its_first_seat() -> None:
    order = priority_order(populations(2020), 435)
    assert (order[0].seat, order[0].name, order[0].nth) == (51, "California", 2)
    assert len(order) == 385
