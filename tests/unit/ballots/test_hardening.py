"""Ballot files a count cannot take exactly, or that are not text, refused at their line."""

from __future__ import annotations

import pytest

from soviet.ballots import read_blt, read_cvr
from soviet.errors import BallotFileError
from soviet.tally import MAX_BALLOTS, MAX_CANDIDATES

NAMES = '"Ann"\n"Bob"\n"Poll"\n'
BIG = 999_999_999_999_999_999


def test_blt_weights_past_the_limit_are_refused_naming_the_line() -> None:
    lines = "".join(f"{BIG} 1 0\n" for _ in range(10)) + "1 2 0\n"
    with pytest.raises(BallotFileError, match=r"^poll\.blt:2: a weight of 999999999999999999"):
        read_blt(f"2 1\n{lines}0\n{NAMES}", "poll.blt")


def test_blt_weights_whose_running_total_passes_the_limit_are_refused_at_that_line() -> None:
    half = MAX_BALLOTS // 2
    body = f"{half} 1 0\n{half} 2 0\n1 1 2 0\n"
    with pytest.raises(BallotFileError, match=r"^poll\.blt:4: the ballots up to this line"):
        read_blt(f"2 1\n{body}0\n{NAMES}", "poll.blt")


def test_blt_weights_up_to_the_limit_are_read_exactly() -> None:
    half = MAX_BALLOTS // 2
    read = read_blt(f"2 1\n{half} 1 0\n{half} 2 0\n0\n{NAMES}", "poll.blt")
    assert read.profile.total == MAX_BALLOTS
    assert sorted(read.profile.counts.tolist()) == [half, half]


def test_blt_identical_heavy_lines_are_refused_before_grouping_adds_them() -> None:
    body = f"{MAX_BALLOTS // 2 + 1} 1 0\n" * 2
    with pytest.raises(BallotFileError, match=r"^poll\.blt:3: "):
        read_blt(f"2 1\n{body}0\n{NAMES}", "poll.blt")


def test_blt_with_a_nul_byte_is_refused_at_its_line() -> None:
    data = b"2 1\n1 1 0\n1 2\x00 0\n0\n" + NAMES.encode()
    with pytest.raises(BallotFileError, match=r"^poll\.blt:3: a NUL byte"):
        read_blt(data, "poll.blt")


def test_blt_that_is_not_utf8_is_refused_at_its_line() -> None:
    data = b'2 1\n1 1 0\n0\n"Ann"\n"B\xf6b"\n"Poll"\n'
    with pytest.raises(BallotFileError, match=r"^poll\.blt:5: byte 0xf6 is not UTF-8"):
        read_blt(data, "poll.blt")


def test_blt_header_naming_more_candidates_than_a_count_takes_is_refused() -> None:
    with pytest.raises(BallotFileError, match=rf"^poll\.blt:1: .*at most {MAX_CANDIDATES}"):
        read_blt(f"{MAX_CANDIDATES + 1} 1\n1 1 0\n0\n{NAMES}", "poll.blt")


def test_cvr_counts_past_the_limit_are_refused_naming_the_line() -> None:
    text = f"choice 1,count\nAnn,{2**62}\nBob,1\n"
    with pytest.raises(BallotFileError, match=r"^cvr\.csv:2: a count of '4611686018427387904'"):
        read_cvr(text, "cvr.csv")


def test_cvr_counts_whose_total_passes_the_limit_are_refused_at_that_line() -> None:
    half = MAX_BALLOTS // 2
    text = f"choice 1,count\nAnn,{half}\nBob,{half}\nAnn,1\n"
    with pytest.raises(BallotFileError, match=r"^cvr\.csv:4: the ballots up to this line"):
        read_cvr(text, "cvr.csv")


@pytest.mark.parametrize("cell", ["99999999999999999999", "²", "١٢", "1_000", "+3", "-1", "2.0"])
def test_a_cvr_count_that_is_not_plain_digits_within_the_limit_is_a_clear_error(
    cell: str,
) -> None:
    text = f"choice 1,count\nAnn,1\nBob,{cell}\n"
    with pytest.raises(BallotFileError, match=r"^cvr\.csv:3: (the count must|a count of)"):
        read_cvr(text, "cvr.csv")


def test_cvr_with_a_nul_byte_is_refused_at_its_line() -> None:
    with pytest.raises(BallotFileError, match=r"^cvr\.csv:3: a NUL byte"):
        read_cvr(b"choice 1\nAnn\nB\x00ob\n", "cvr.csv")


def test_cvr_that_is_not_utf8_is_refused_at_its_line() -> None:
    with pytest.raises(BallotFileError, match=r"^cvr\.csv:2: byte 0xe9 is not UTF-8"):
        read_cvr(b"choice 1\nRen\xe9e\nBob\n", "cvr.csv")


def test_cvr_naming_more_candidates_than_a_count_takes_is_refused() -> None:
    names = "\n".join(f"c{i}" for i in range(MAX_CANDIDATES + 1))
    with pytest.raises(BallotFileError, match=rf"more than {MAX_CANDIDATES} candidates"):
        read_cvr(f"choice 1\n{names}\n", "cvr.csv")


def test_cvr_with_a_utf8_byte_order_mark_is_still_read() -> None:
    read = read_cvr("choice 1\nAnn\nBob\n".encode("utf-8-sig"), "cvr.csv")
    assert read.profile.candidates == ("Ann", "Bob")


def test_blt_with_an_empty_candidate_name_is_refused_at_its_line() -> None:
    with pytest.raises(BallotFileError, match=r"^poll\.blt:5: a candidate's name is empty"):
        read_blt('2 1\n1 1 0\n0\n"Ann"\n""\n"Poll"\n', "poll.blt")
