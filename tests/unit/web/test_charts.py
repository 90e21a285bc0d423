"""The count drawn as SVG on the server: well-formed, one group per round, the quota line,
the marks of who was elected and excluded, and no chart for a result of another shape."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from soviet import tally
from soviet.tally import Profile
from soviet.web._charts import number, result_table, rounds_svg

SVG = "{http://www.w3.org/2000/svg}"

STV: dict[str, Any] = {
    "method": "stv",
    "seats": 2,
    "quota": 22,
    "ballots": 64,
    "winners": ["ana", "ivo"],
    "ties": [],
    "rounds": [
        {
            "round": 1,
            "votes": {"ana": 28, "ivo": 17, "eva": 13},
            "elected": ["ana"],
            "excluded": [],
            "exhausted": 0,
            "transfer": "ana",
            "surplus": 6,
            "transfers": {"ivo": 2.57136, "eva": 1.71424},
        },
        {
            "round": 2,
            "votes": {"ana": 22, "ivo": 19.57136, "eva": 14.71424},
            "elected": [],
            "excluded": ["eva"],
            "exhausted": 1.71424,
            "transfer": "eva",
            "transfers": {"ivo": "7/2"},
        },
        {
            "round": 3,
            "votes": {"ana": 22, "ivo": "23.07136"},
            "elected": ["ivo"],
            "excluded": [],
            "exhausted": 3,
        },
    ],
}


def parsed(svg: str | None) -> ET.Element:
    assert svg is not None
    return ET.fromstring(svg)


def rounds(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "round"]


def test_a_count_is_drawn_as_well_formed_svg_with_one_group_per_round() -> None:
    root = parsed(rounds_svg(STV))
    assert root.tag == f"{SVG}svg"
    assert [g.get("data-round") for g in rounds(root)] == ["1", "2", "3"]
    assert root.get("aria-label")
    assert root.find(f"{SVG}title") is not None


def test_each_round_draws_a_bar_per_candidate_still_in_the_count() -> None:
    groups = rounds(parsed(rounds_svg(STV)))
    bars = [[r for r in g.iter(f"{SVG}rect") if r.get("class") == "votes"] for g in groups]
    assert [len(b) for b in bars] == [3, 3, 2]


def test_the_quota_line_is_drawn_in_every_round_of_a_count_with_a_quota() -> None:
    for group in rounds(parsed(rounds_svg(STV))):
        lines = [line for line in group.iter(f"{SVG}line") if line.get("class") == "quota"]
        assert len(lines) == 1


def test_what_a_round_received_by_transfer_is_drawn_apart() -> None:
    groups = rounds(parsed(rounds_svg(STV)))
    received = [[r for r in g.iter(f"{SVG}rect") if r.get("class") == "received"] for g in groups]
    assert [len(r) for r in received] == [0, 2, 1]


def test_the_elected_and_the_excluded_are_marked_in_their_round() -> None:
    text = [
        "".join(t.itertext()) for g in rounds(parsed(rounds_svg(STV))) for t in g.iter(f"{SVG}text")
    ]
    assert "28 ✓ elected" in text
    assert "14.71424 ✗ excluded" in text
    assert "23.07136 ✓ elected" in text


def test_names_are_shown_for_ids_and_escaped() -> None:
    svg = rounds_svg(STV, {"ana": "Ana <Petrova> & co"})
    assert svg is not None and "Ana &lt;Petrova&gt; &amp; co" in svg
    parsed(svg)


def test_the_table_holds_the_same_numbers_exactly() -> None:
    table = result_table(STV)
    assert table is not None
    assert table.rounds == [1, 2, 3]
    rows = dict(table.rows)
    assert rows["ivo"] == ["17", "19.57136 (+2.57136)", "23.07136 (+3.5) elected"]
    assert rows["eva"][1] == "14.71424 (+1.71424) excluded"
    assert rows["eva"][2] == "—"
    assert table.thresholds == ["22", "22", "22"]


@pytest.mark.parametrize(
    "result",
    [None, [], "stv", {"rounds": []}, {"rounds": "x"}, {"rounds": [{"votes": {"a": "many"}}]}],
)
def test_a_result_of_another_shape_gives_no_chart(result: Any) -> None:
    assert rounds_svg(result) is None
    assert result_table(result) is None


@pytest.mark.parametrize("value", [3, 2.5, "7/2", "1.000000000000000001"])
def test_every_form_of_a_counts_number_is_read(value: object) -> None:
    assert number(value) is not None


@pytest.mark.parametrize("method", sorted(set(tally.METHODS) - {"yes-no"}))
def test_every_methods_result_is_drawn(method: str) -> None:
    profile = Profile.from_ballots(
        ["a", "b", "c", "d"],
        [[0, 1], [1, 0], [2, 0], [3, 2, 1], [1, 2]],
        counts=[5, 4, 3, 2, 2],
    )
    seats = 2 if method in ("stv", "meek", "plurality", "approval") else 1
    result = tally.count(profile, method, seats).to_json()
    root = parsed(rounds_svg(result))
    assert len(rounds(root)) == len(result["rounds"])  # type: ignore[arg-type]
