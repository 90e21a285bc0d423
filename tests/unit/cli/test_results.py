"""A count's result in words: transfers, notes, and ties with how each was broken."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from soviet.cli._results import print_result, tie_lines, transfer_lines

LOT: dict[str, Any] = {
    "between": ["B", "C"],
    "for": "exclusion",
    "broken_by": "lot",
    "chosen": "C",
    "round": 1,
    "seed": "726f6f74",
    "context": "irv|exclusion|round 1|B,C",
    "draw": ["C", "B"],
}


def test_a_tie_decided_by_lot_says_so_and_shows_the_draw_and_how_to_redo_it() -> None:
    [line] = tie_lines([LOT])
    assert line.startswith("tie for exclusion in round 1 between B, C: decided by lot; ")
    assert "the draw: C, B, so C is chosen" in line
    assert "seed 726f6f74" in line and "context irv|exclusion|round 1|B,C" in line


def test_ties_broken_by_earlier_votes_or_a_given_order_say_which() -> None:
    history = {**LOT, "broken_by": "votes at round 2", "round": 3}
    del history["seed"], history["draw"], history["context"]
    order = {"between": ["A", "B"], "for": "seat", "broken_by": "order given", "chosen": "A"}
    assert tie_lines([history, order]) == [
        "tie for exclusion in round 3 between B, C: decided by votes at round 2, so C is chosen",
        "tie for seat between A, B: decided by the order given, so A is chosen",
    ]


def test_each_transfer_names_its_source_and_what_each_candidate_received() -> None:
    rounds: list[dict[str, Any]] = [
        {"round": 1, "transfer": "chen", "surplus": 1, "transfers": {"ada": "2/3", "bo": 0}},
        {"round": 2, "transfer": "bo", "transfers": {"ada": 0}},
        {"round": 3},
    ]
    assert transfer_lines(rounds) == [
        "round 1: chen's surplus of 1 transferred: ada +2/3",
        "round 2: bo's votes passed on to no one (exhausted)",
    ]


def test_the_table_never_cuts_a_name_or_a_round_at_a_narrow_width() -> None:
    name = "anna-maria.ivanova-petrova.of-the-foundry-floor"
    outcome: dict[str, Any] = {
        "method": "irv",
        "seats": 1,
        "winners": [name],
        "quota": None,
        "rounds": [
            {"round": 1, "votes": {name: 2, "bo": 1}, "elected": [], "excluded": ["bo"]},
            {"round": 2, "votes": {name: 3}, "elected": [name], "excluded": [], "exhausted": 0},
        ],
        "ties": [],
    }
    outcome["rounds"][0]["exhausted"] = 0
    screen = Console(width=40, soft_wrap=True, record=True, file=io.StringIO())
    print_result(outcome, title="Count of E1", ballots=3, console=screen)
    text = screen.export_text()
    assert name in text and "round 1" in text and "round 2" in text
    assert "…" not in text
