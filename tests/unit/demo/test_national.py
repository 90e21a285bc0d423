"""The generated federation: the shape it promises, the same for a seed, and a charter
that the charter's own reader accepts with every member in its assembly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from soviet.demo import national
from soviet.domain.charter import parse_charter


@pytest.mark.parametrize(("members", "levels"), [(1, 2), (49, 3), (7_000, 4), (60_000, 5)])
def test_a_federation_has_exactly_its_members_in_assemblies_of_fifty_to_three_hundred(
    members: int, levels: int
) -> None:
    planned = national.plan(members, levels, seed=7)
    assert planned.members == members
    assert planned.levels == levels
    if members >= national.SMALLEST:
        # the remainder joins the last assembly, which may hold up to 300 + 49
        assert all(national.SMALLEST <= size <= national.LARGEST for size in planned.sizes[:-1])
        assert national.SMALLEST <= planned.sizes[-1] < national.LARGEST + national.SMALLEST
    assert planned.count(levels - 1) == 1  # one congress at the top


def test_every_body_of_a_level_has_a_parent_and_every_council_a_child() -> None:
    planned = national.plan(100_000, 4, seed=3)
    for level, parents in enumerate(planned.parents):
        above = planned.count(level + 1)
        assert set(parents) == set(range(above))  # no council is left without members
        assert list(parents) == sorted(parents)  # neighbours share a council
        children = Counter(parents).values()
        assert max(children) - min(children) <= 1 or level == len(planned.parents) - 1


def test_the_same_seed_gives_the_same_federation_and_another_seed_another() -> None:
    first = national.plan(20_000, 3, seed=11)
    assert national.plan(20_000, 3, seed=11) == first
    assert national.plan(20_000, 3, seed=12).sizes != first.sizes
    assert (
        list(national.people(first))[:50]
        == list(national.people(national.plan(20_000, 3, 11)))[:50]
    )


def test_the_written_charter_is_read_back_with_every_member_in_their_assembly(
    tmp_path: Path,
) -> None:
    planned = national.plan(3_000, 4, seed=5)
    charter, members = national.write(tmp_path / "out", planned)
    read = parse_charter(
        charter.read_text(encoding="utf-8"),
        str(charter),
        lambda name: (tmp_path / "out" / name).read_text(encoding="utf-8"),
    )
    assert len(read.members) == 3_000
    sizes = Counter(body for member in read.members for body in member.bodies)
    assert [sizes[planned.body(0, i)] for i in range(planned.count(0))] == list(planned.sizes)
    assert len(read.offices) == planned.offices()
    assert sum(office.seats for office in read.offices) == planned.seats()
    deputies = {o.id: o for o in read.offices if o.id.endswith(".deputy")}
    for index in range(planned.count(0)):
        office = deputies[f"{planned.body(0, index)}.deputy"]
        parent = planned.body(1, planned.parents[0][index])
        assert (office.seat_in, office.seats) == (parent, planned.deputies(0, index))
    assert members.read_text(encoding="utf-8").count("\n") == 3_001  # the header, then each


def test_a_size_or_a_depth_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 100,000,000 members, not 0"):
        national.plan(0, 3, seed=1)
    with pytest.raises(ValueError, match="2 to 8 levels, not 1"):
        national.plan(100, 1, seed=1)
