"""Cast-vote-record CSV files: rank columns, counts, markers, candidates by name."""

from __future__ import annotations

import pytest

from soviet.ballots import BallotFile, BallotRules, Overvote, Skipped, read_cvr
from soviet.errors import BallotFileError


def rows(ballots: BallotFile) -> dict[tuple[str, ...], int]:
    profile = ballots.profile
    out: dict[tuple[str, ...], int] = {}
    for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        out[tuple(profile.candidates[c] for c in row if c >= 0)] = count
    return out


MINNEAPOLIS_STYLE = """\
Precinct,1ST CHOICE MAYOR,2ND CHOICE MAYOR,3RD CHOICE MAYOR,COUNT
W-1 P-1,BETSY HODGES,undervote,undervote,3
W-1 P-2,MARK ANDREW,BETSY HODGES,UWI,1
W-2 P-1,overvote,MARK ANDREW,undervote,2
W-2 P-2,undervote,undervote,undervote,4
W-2 P-3,undervote,undervote,CAM WINTON,1
"""


def test_reads_rank_columns_counts_and_markers() -> None:
    ballots = read_cvr(MINNEAPOLIS_STYLE, "mayor.csv")
    assert ballots.seats is None
    assert ballots.ballots == 11
    assert rows(ballots) == {
        ("BETSY HODGES",): 3,
        ("MARK ANDREW", "BETSY HODGES", "UWI"): 1,
        ("CAM WINTON",): 1,
    }
    assert ballots.empty == 6  # four blank ballots, two stopped by an overvote at rank 1


def test_candidates_found_are_numbered_in_alphabetical_order() -> None:
    ballots = read_cvr(MINNEAPOLIS_STYLE, "mayor.csv")
    assert ballots.profile.candidates == ("BETSY HODGES", "CAM WINTON", "MARK ANDREW", "UWI")


def test_candidates_given_fix_the_order_and_may_include_unranked_ones() -> None:
    names = ["MARK ANDREW", "UWI", "BETSY HODGES", "CAM WINTON", "DON SAMUELS"]
    ballots = read_cvr(MINNEAPOLIS_STYLE, "mayor.csv", candidates=names)
    assert ballots.profile.candidates == tuple(names)
    assert rows(ballots)[("BETSY HODGES",)] == 3


def test_a_name_outside_the_candidates_given_is_refused_with_its_line() -> None:
    with pytest.raises(BallotFileError, match=r"mayor\.csv:3: unknown candidate 'UWI'"):
        read_cvr(MINNEAPOLIS_STYLE, "mayor.csv", candidates=["BETSY HODGES", "MARK ANDREW"])


def test_the_jurisdiction_rules_apply_to_skipped_ranks_and_overvotes() -> None:
    rules = BallotRules(skipped=Skipped.EXHAUST_AT_TWO, overvote=Overvote.SKIP)
    ballots = read_cvr(MINNEAPOLIS_STYLE, "mayor.csv", rules)
    assert rows(ballots) == {
        ("BETSY HODGES",): 3,
        ("MARK ANDREW", "BETSY HODGES", "UWI"): 1,
        ("MARK ANDREW",): 2,
    }
    assert ballots.empty == 5


def test_rank_columns_are_ordered_by_their_number_not_their_place() -> None:
    text = "choice 2,id,choice 1\nB,17,A\n,18,B\n"
    assert rows(read_cvr(text, "x.csv")) == {("A", "B"): 1, ("B",): 1}


def test_without_a_count_column_each_row_is_one_ballot_and_blank_cells_are_skips() -> None:
    text = "Rank 1,Rank 2,Rank 3\nA,,B\nA,,B\n\n,,\n"
    ballots = read_cvr(text, "x.csv")
    assert rows(ballots) == {("A", "B"): 2}
    assert ballots.ballots == 2


def test_quoted_names_with_commas_and_a_byte_order_mark_are_read() -> None:
    text = '\ufeffchoice 1,choice 2\n"Stroud, Jr.",Kahn\n'
    assert rows(read_cvr(text.encode("utf-8"), "x.csv")) == {("Stroud, Jr.", "Kahn"): 1}


def test_a_repeated_name_in_later_ranks_is_ignored() -> None:
    assert rows(read_cvr("choice 1,choice 2,choice 3\nA,A,B\n", "x.csv")) == {("A", "B"): 1}


MALFORMED = [
    ("", None, "empty file"),
    ("precinct,count\nP,1\n", 1, "no rank columns"),
    ("choice 1,choice 1 again\nA,B\n", 1, "same number"),
    ("choice 1,count,weight\nA,1,1\n", 1, "more than one count column"),
    ("choice 1,choice 2\nA,B\nA\n", 3, "expected 2 fields as in the header, found 1"),
    ("choice 1,count\nA,1\nB,two\n", 3, "the count must be a whole number of ballots, found 'two'"),
    ("choice 1,count\nA,1\n\nB,-1\n", 4, "found '-1'"),
]


@pytest.mark.parametrize(("text", "line", "problem"), MALFORMED)
def test_a_malformed_file_is_refused_naming_the_line(
    text: str, line: int | None, problem: str
) -> None:
    with pytest.raises(BallotFileError) as raised:
        read_cvr(text, "bad.csv")
    assert raised.value.line == line
    assert problem in raised.value.problem
