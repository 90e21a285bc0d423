"""BLT files: the ERS format, the US tokens, every malformed line named by its number."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.ballots import (
    BallotFile,
    BallotRules,
    Overvote,
    Repeat,
    Skipped,
    _blt_body,
    read_blt,
    read_file,
)
from soviet.errors import BallotFileError, BallotFileWarning, InputError

from .reference import read_ballot_lines, read_tiered_lines

NAMES = '"Castor"\n"Pollux"\n"Helen"\n"Paris"\n"Greek heroes"\n'


def blt(body: str, header: str = "4 2", names: str = NAMES) -> str:
    return f"{header}\n{body}0\n{names}"


def rows(ballots: BallotFile) -> dict[tuple[str, ...], int]:
    """The profile as {ranking by name: count}, to compare without caring for row order."""
    profile = ballots.profile
    out: dict[tuple[str, ...], int] = {}
    for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        out[tuple(profile.candidates[c] for c in row if c >= 0)] = count
    return out


def test_reads_candidates_seats_title_and_ballots() -> None:
    ballots = read_blt(blt("3 1 2 0\n2 4 0\n"), "heroes.blt")
    assert ballots.profile.candidates == ("Castor", "Pollux", "Helen", "Paris")
    assert ballots.profile.title == "Greek heroes"
    assert ballots.seats == 2
    assert ballots.ballots == 5
    assert ballots.empty == 0
    assert rows(ballots) == {("Castor", "Pollux"): 3, ("Paris",): 2}


def test_identical_ballot_lines_are_grouped_and_their_weights_added() -> None:
    ballots = read_blt(blt("1 1 2 0\n1 3 0\n1 1 2 0\n5 1 2 0\n"), "x.blt")
    assert rows(ballots) == {("Castor", "Pollux"): 7, ("Helen",): 1}
    assert ballots.profile.rankings.dtype == np.int32
    assert ballots.profile.counts.dtype == np.int64


def test_a_withdrawn_line_withdraws_the_candidates_it_negates() -> None:
    ballots = read_blt(blt("-2 -4\n1 1 2 0\n"), "x.blt")
    assert ballots.profile.withdrawn == frozenset({1, 3})
    assert rows(ballots) == {("Castor", "Pollux"): 1}


def test_comment_lines_before_the_header_are_ignored() -> None:
    ballots = read_blt("# Created by a converter\n\n" + blt("1 1 0\n"), "x.blt")
    assert ballots.seats == 2
    assert rows(ballots) == {("Castor",): 1}


def test_the_title_may_be_left_out() -> None:
    ballots = read_blt(blt("1 1 0\n", names='"A"\n"B"\n"C"\n"D"\n'), "x.blt")
    assert ballots.profile.title == ""


def test_names_may_share_a_line_and_hold_spaces_and_accents() -> None:
    ballots = read_blt(blt("1 4 0\n", names='"A" "B b"\n"C"\n"GASCÓN"\n"T"\n'), "x.blt")
    assert ballots.profile.candidates == ("A", "B b", "C", "GASCÓN")
    assert ballots.profile.title == "T"


def test_multi_digit_candidates_and_weights_are_read_whole() -> None:
    header = "12 1"
    names = "".join(f'"C{i}"\n' for i in range(1, 13))
    ballots = read_blt(blt("135 12 10 1 0\n1 11 0\n", header, names), "x.blt")
    assert rows(ballots) == {("C12", "C10", "C1"): 135, ("C11",): 1}
    assert ballots.ballots == 136


def test_carriage_returns_tabs_extra_spaces_and_blank_lines_are_separators() -> None:
    text = blt("  1\t1  2 0 \r\n\r\n1 3 0\r\n\n")
    assert rows(read_blt(text.replace("\n", "\r\n"), "x.blt")) == {
        ("Castor", "Pollux"): 1,
        ("Helen",): 1,
    }


def test_a_byte_order_mark_before_the_header_is_ignored() -> None:
    assert read_blt(b"\xef\xbb\xbf" + blt("1 1 0\n").encode(), "x.blt").seats == 2


def test_text_and_bytes_read_alike() -> None:
    text = blt("1 1 2 0\n")
    assert rows(read_blt(text, "x.blt")) == rows(read_blt(text.encode(), "x.blt"))


def test_a_skipped_rank_is_passed_over_by_default() -> None:
    assert rows(read_blt(blt("1 - 1 - 2 0\n"), "x.blt")) == {("Castor", "Pollux"): 1}


def test_an_overvote_stops_the_ballot_by_default() -> None:
    ballots = read_blt(blt("1 1 2=3 4 0\n1 -=- 2 0\n"), "x.blt")
    assert rows(ballots) == {("Castor",): 1}
    assert ballots.empty == 1
    assert ballots.ballots == 2


def test_an_overvote_can_be_skipped_instead() -> None:
    rules = BallotRules(overvote=Overvote.SKIP)
    assert rows(read_blt(blt("1 1 2=3 4 0\n"), "x.blt", rules)) == {("Castor", "Paris"): 1}


EQUAL = BallotRules(equal_rankings=True)


def tiered(ballots: BallotFile) -> dict[tuple[tuple[str, ...], ...], int]:
    """The profile as {ranking as tiers of names: count}; a tier lists names in number order."""
    profile = ballots.profile
    tiers = profile.tiers
    levels = (
        np.where(profile.rankings >= 0, np.arange(profile.rankings.shape[1]), -1)
        if tiers is None
        else tiers
    )
    out: dict[tuple[tuple[str, ...], ...], int] = {}
    for row, level, count in zip(
        profile.rankings.tolist(), levels.tolist(), profile.counts.tolist(), strict=True
    ):
        ranking: list[list[int]] = []
        for candidate, tier in zip(row, level, strict=True):
            if candidate >= 0:
                if tier == len(ranking):
                    ranking.append([])
                ranking[-1].append(candidate)
        names = tuple(tuple(profile.candidates[c] for c in sorted(t)) for t in ranking)
        out[names] = count
    return out


def test_with_equal_rankings_a_joined_mark_ranks_its_candidates_equal() -> None:
    ballots = read_blt(blt("1 1 2=3 4 0\n"), "x.blt", EQUAL)
    assert ballots.profile.rankings.tolist() == [[0, 1, 2, 3]]
    assert ballots.profile.tiers is not None
    assert ballots.profile.tiers.tolist() == [[0, 1, 1, 2]]
    assert ballots.empty == 0 and ballots.ballots == 1


def test_by_default_a_joined_mark_is_an_overvote_and_the_profile_strict() -> None:
    ballots = read_blt(blt("1 1 2=3 4 0\n"), "x.blt")
    assert ballots.profile.strict
    assert rows(ballots) == {("Castor",): 1}


def test_ballots_naming_a_group_in_any_order_are_one_ranking() -> None:
    ballots = read_blt(blt("1 3=2 0\n2 2=3 0\n1 2=3=2 1 0\n"), "x.blt", EQUAL)
    assert tiered(ballots) == {
        (("Pollux", "Helen"),): 3,
        (("Pollux", "Helen"), ("Castor",)): 1,
    }


def test_a_file_ranking_no_one_equal_reads_strict_under_equal_rankings() -> None:
    ballots = read_blt(blt("1 1 2 0\n2 3 0\n"), "x.blt", EQUAL)
    assert ballots.profile.strict
    assert rows(ballots) == {("Castor", "Pollux"): 1, ("Helen",): 2}


def test_a_joined_mark_with_an_unknown_candidate_stays_an_overvote() -> None:
    ballots = read_blt(blt("1 1 2=- 3 0\n1 -=- 2 0\n"), "x.blt", EQUAL)
    assert rows(ballots) == {("Castor",): 1}
    assert ballots.empty == 1


def test_a_candidate_ranked_before_is_a_repeat_inside_a_later_group() -> None:
    text = blt("1 1 1=2 3=1 4 0\n")
    assert tiered(read_blt(text, "x.blt", EQUAL)) == {
        (("Castor",), ("Pollux",), ("Helen",), ("Paris",)): 1
    }
    stop = BallotRules(equal_rankings=True, repeat=Repeat.EXHAUST)
    assert tiered(read_blt(text, "x.blt", stop)) == {(("Castor",),): 1}


def test_a_group_is_one_marked_rank_for_the_skipped_rank_rule() -> None:
    rules = BallotRules(equal_rankings=True, skipped=Skipped.EXHAUST)
    ballots = read_blt(blt("1 2=3 - 1 0\n"), "x.blt", rules)
    assert tiered(ballots) == {(("Pollux", "Helen"),): 1}


def test_a_group_naming_a_candidate_out_of_range_is_refused_naming_the_line() -> None:
    with pytest.raises(BallotFileError, match=r"x\.blt:3: candidate 9 out of range"):
        read_blt(blt("1 1 0\n1 2=9 0\n"), "x.blt", EQUAL)


def test_nicknames_name_candidates_in_the_ballot_lines() -> None:
    text = blt("[nick c p h x]\n5 c p 0\n1 p=h 0\n3 3 0\n")
    ballots = read_blt(text, "x.blt", EQUAL)
    assert tiered(ballots) == {
        (("Castor",), ("Pollux",)): 5,
        (("Pollux", "Helen"),): 1,
        (("Helen",),): 3,
    }
    assert rows(read_blt(text, "x.blt")) == {("Castor", "Pollux"): 5, ("Helen",): 3}


def test_nicknames_and_withdrawn_candidates_may_come_in_either_order() -> None:
    first = read_blt(blt("-4\n[nick c p h x]\n1 c 0\n"), "x.blt")
    second = read_blt(blt("[nick c p h x]\n-4\n1 c 0\n"), "x.blt")
    assert first.profile.withdrawn == second.profile.withdrawn == frozenset({3})
    assert rows(first) == rows(second) == {("Castor",): 1}


def test_a_repeated_candidate_is_ignored_by_default_or_stops_the_ballot() -> None:
    text = blt("1 1 1 2 1 3 0\n")
    assert rows(read_blt(text, "x.blt")) == {("Castor", "Pollux", "Helen"): 1}
    stop = BallotRules(repeat=Repeat.EXHAUST)
    assert rows(read_blt(text, "x.blt", stop)) == {("Castor",): 1}


def test_two_skipped_ranks_in_a_row_can_stop_the_ballot() -> None:
    rules = BallotRules(skipped=Skipped.EXHAUST_AT_TWO)
    text = blt("1 1 - 2 - - 3 0\n1 - - 4 0\n")
    ballots = read_blt(text, "x.blt", rules)
    assert rows(ballots) == {("Castor", "Pollux"): 1}
    assert ballots.empty == 1


def test_a_blank_ballot_and_weight_zero_ballots_leave_the_profile() -> None:
    ballots = read_blt(blt("3 0\n0 1 2 0\n1 2 0\n"), "x.blt")
    assert rows(ballots) == {("Pollux",): 1}
    assert ballots.empty == 3
    assert ballots.ballots == 4
    assert ballots.profile.total == 1


def test_a_file_without_ballots_reads_as_an_empty_profile() -> None:
    ballots = read_blt(blt(""), "x.blt")
    assert ballots.profile.total == 0
    assert ballots.ballots == 0


def test_many_candidates_on_long_ballots_are_grouped_exactly() -> None:
    # 40 candidates ranked 40 deep do not fit one integer key: the hashed path groups them.
    n = 40
    names = "".join(f'"C{i}"\n' for i in range(n))
    forward = " ".join(str(c) for c in range(1, n + 1))
    backward = " ".join(str(c) for c in range(n, 0, -1))
    text = blt(f"1 {forward} 0\n2 {backward} 0\n1 {forward} 0\n", f"{n} 3", names)
    ballots = read_blt(text, "x.blt")
    counts = sorted(ballots.profile.counts.tolist())
    assert counts == [2, 2]
    assert ballots.profile.rankings.shape == (2, n)


def test_more_than_a_hundred_candidates_read_correctly() -> None:
    n = 300
    names = "".join(f'"C{i}"\n' for i in range(1, n + 1))
    ballots = read_blt(blt("1 300 127 128 0\n2 255 0\n", f"{n} 1", names), "x.blt")
    assert rows(ballots) == {("C300", "C127", "C128"): 1, ("C255",): 2}


MALFORMED = [
    ("", None, "empty file"),
    ("4\n", 1, "expected the header"),
    ("4 5\n0\n" + NAMES, 1, "seats must be between 1 and 4"),
    (blt("1 1 5 0\n"), 2, "candidate 5 out of range 1..4"),
    (blt("1 1 2=9 0\n"), 2, "candidate 9 out of range 1..4"),
    (blt("1 1 2 0\n1 1 2\n"), 3, "must end with 0, found 2"),
    (blt("1 1 0 2 0\n"), 2, "0 before the end"),
    (blt("1 1 2 0\n1 1 two 0\n"), 3, "unexpected two"),
    (blt("1 1 -3 0\n"), 2, "unexpected -3"),
    (blt("x 1 0\n"), 2, "the weight must be a whole number"),
    (blt("1.5 1 0\n"), 2, "the weight must be a whole number"),
    (blt("1 1 0\n0\n1 2 0\n"), 3, "a lone 0 ends the ballots"),
    (blt("1 1 0\n1\n"), 3, "needs a weight, the preferences and a closing 0"),
    (blt("99999999999999999999 1 0\n"), 2, "the weight is too large"),
    ("4 2\n1 1 0\n" + NAMES, 2, "expected the line 0 that ends the ballots, then"),
    ("4 2\n1 1 0\n0\n", 3, "expected the quoted candidate names"),
    (blt("1 1 0\n", names='"A"\n"B"\n"C"\n'), 6, "expected 4 candidate names, found 3"),
    (blt("1 1 0\n", names='"A"\n"B"\n"C"\n"D"\n"T"\n"extra"\n'), 9, "found more quoted text"),
    (blt("1 1 0\n", names='"A"\n"B\n"C"\n"D"\n'), 5, "closing quote is missing"),
    (blt("1 1 0\n", names='"A"\n"B" C\n"C"\n"D"\n'), 5, "expected a quoted name, found 'C'"),
    (blt("1 1 0\n", names='"A"\nB "b"\n"C"\n"D"\n'), 5, "a name without quotes holds a quote"),
    (blt("1 1 0\n", names="A\nB\n1 2 0\nC\nD\n"), 6, "then quoted candidate names; found '1 2 0'"),
    (blt("1 1 0\n", names="A\nB\nC\n"), 6, "expected 4 candidate names, found 3"),
    (blt("1 1 0\n", names="A\nB\nC\nD\nT\nmore\n"), 9, "found more text"),
    (blt("1 1 0\n", names="A\nB\nA\nD\n"), 6, "'A' appears twice (also line 4)"),
    ("4 2\n1 1 0\nA\nB\nC\nD\n", 2, "expected the line 0 that ends the ballots, then"),
    (blt("1 1 0\n", names='"A"\n"B"\n"A"\n"D"\n'), 6, "'A' appears twice (also line 4)"),
    (blt("-5\n1 1 0\n"), 2, "withdrawn candidate 5 out of range"),
    (blt("-1 2\n1 1 0\n"), 2, "negative candidate numbers only"),
    (blt("[tie 2 1 3 4]\n1 1 0\n"), 2, "option lines in brackets only [nick …] is read"),
    (blt("[nick a b c]\n1 1 0\n"), 2, "one distinct nickname"),
    (blt("[nick a b c c]\n1 1 0\n"), 2, "one distinct nickname"),
    (blt("[nick a b 3 d]\n1 1 0\n"), 2, "nickname '3' would read as a mark"),
    (blt("[nick a b c d]\n1 a e 0\n"), 3, "unexpected e"),
    (blt("[nick a b c d]\n1 a=e 0\n"), 3, "unexpected a=e"),
    ('"A"\n"B"\n', 1, "expected the header"),
]


@pytest.mark.parametrize(("text", "line", "problem"), MALFORMED)
def test_a_malformed_file_is_refused_naming_the_line(
    text: str, line: int | None, problem: str
) -> None:
    with pytest.raises(BallotFileError) as raised:
        read_blt(text, "bad.blt")
    assert raised.value.line == line
    assert problem in raised.value.problem
    where = "bad.blt" if line is None else f"bad.blt:{line}"
    assert str(raised.value).startswith(f"{where}: ")
    assert isinstance(raised.value, InputError)


def test_the_first_malformed_line_is_the_one_named() -> None:
    text = blt("1 1 0\n" * 50 + "1 1 9 0\n" + "1 1 0\n" * 50 + "1 1 2=8 0\n")
    with pytest.raises(BallotFileError, match=r"bad\.blt:52: candidate 9"):
        read_blt(text, "bad.blt")


def test_a_long_body_is_read_in_pieces_with_lines_numbered_across_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_blt_body, "_PIECE", 16)
    lines = ["1 1 2 0", "2 - 3 0", "", "1 4 1=2 0", "3 12 11 0"] * 7
    names = "".join(f'"C{i}"\n' for i in range(1, 13))
    text = blt("".join(f"{ln}\n" for ln in lines), "12 2", names)
    expected, empty = read_ballot_lines(lines, BallotRules())
    ballots = read_blt(text, "x.blt")
    found = {
        tuple(c for c in row if c >= 0): count
        for row, count in zip(
            ballots.profile.rankings.tolist(), ballots.profile.counts.tolist(), strict=True
        )
    }
    assert found == dict(expected)
    assert ballots.empty == empty
    with pytest.raises(BallotFileError, match=r"x\.blt:36: candidate 13 out of range"):
        read_blt(text.replace("3 12 11 0\n0\n", "3 13 11 0\n0\n"), "x.blt")


token = st.one_of(
    st.integers(1, 12).map(str),
    st.just("-"),
    st.tuples(st.integers(1, 12), st.integers(1, 12)).map(lambda p: f"{p[0]}={p[1]}"),
    st.just("-=-"),
)
line = st.tuples(st.integers(0, 30), st.lists(token, max_size=14)).map(
    lambda wl: " ".join([str(wl[0]), *wl[1], "0"])
)
rules = st.builds(
    BallotRules,
    skipped=st.sampled_from(Skipped),
    overvote=st.sampled_from(Overvote),
    repeat=st.sampled_from(Repeat),
)


def _read_in_pieces(lines: list[str], rules: BallotRules, piece: int) -> BallotFile:
    """The ballot lines read as a 12-candidate BLT file, `piece` bytes at a time."""
    names = "".join(f'"C{i}"\n' for i in range(1, 13))
    text = blt("".join(f"{ln}\n" for ln in lines), "12 2", names)
    with mock.patch.object(_blt_body, "_PIECE", piece):
        return read_blt(text, "x.blt", rules)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.one_of(line, st.just("")), max_size=40),
    rules=rules,
    piece=st.sampled_from([8, 100, 1 << 21]),
)
def test_the_bulk_reader_agrees_with_a_ballot_by_ballot_reference(
    lines: list[str], rules: BallotRules, piece: int
) -> None:
    ballots = _read_in_pieces(lines, rules, piece)
    expected, empty = read_ballot_lines(lines, rules)
    profile = ballots.profile
    found: Counter[tuple[int, ...]] = Counter()
    for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        found[tuple(c for c in row if c >= 0)] += count
    assert found == expected
    assert ballots.empty == empty
    assert ballots.ballots == sum(int(ln.split()[0]) for ln in lines if ln)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.one_of(line, st.just("")), max_size=40),
    rules=rules.map(lambda r: replace(r, equal_rankings=True)),
    piece=st.sampled_from([8, 100, 1 << 21]),
)
def test_with_equal_rankings_the_reader_agrees_with_a_ballot_by_ballot_reference(
    lines: list[str], rules: BallotRules, piece: int
) -> None:
    ballots = _read_in_pieces(lines, rules, piece)
    expected, empty = read_tiered_lines(lines, rules)
    found: Counter[tuple[tuple[str, ...], ...]] = Counter()
    for ranking, count in tiered(ballots).items():
        found[ranking] += count
    assert found == Counter(
        {
            tuple(tuple(f"C{c + 1}" for c in tier) for tier in ranking): count
            for ranking, count in expected.items()
        }
    )
    assert ballots.empty == empty


# -- names without quotes ----------------------------------------------------------------------


def test_names_without_quotes_are_read_one_a_line_with_a_warning_naming_the_first() -> None:
    text = blt("1 1 2 0\n2 3 0\n", names="Castor\nPollux\n\nHelen of Troy\nParis\nGreek heroes\n")
    ballots = read_blt(text, "ward.blt")
    assert ballots.profile.candidates == ("Castor", "Pollux", "Helen of Troy", "Paris")
    assert ballots.profile.title == "Greek heroes"
    assert rows(ballots) == {("Castor", "Pollux"): 1, ("Helen of Troy",): 2}
    [warning] = ballots.warnings
    assert (warning.source, warning.line) == ("ward.blt", 5)
    assert str(warning).startswith("ward.blt:5: names without quotes (5 lines, the first here)")


def test_quoted_names_and_a_title_without_quotes_read_alike() -> None:
    quoted = read_blt(blt("1 1 2 0\n"), "x.blt")
    mixed = read_blt(
        blt("1 1 2 0\n", names=NAMES.replace('"Greek heroes"', "Greek heroes")), "x.blt"
    )
    assert mixed.profile.candidates == quoted.profile.candidates
    assert mixed.profile.title == quoted.profile.title == "Greek heroes"
    assert [w.line for w in mixed.warnings] == [8]
    assert quoted.warnings == ()


def test_a_title_without_quotes_may_start_with_a_number() -> None:
    ballots = read_blt(blt("1 1 0\n", names="A\nB\nC\nD\n2009 Ward 5 council\n"), "x.blt")
    assert ballots.profile.title == "2009 Ward 5 council"


def test_comment_lines_among_the_names_are_ignored() -> None:
    ballots = read_blt(blt("1 1 0\n", names='# the names\n"A"\n"B"\n"C"\n"D"\n# end\n'), "x.blt")
    assert ballots.profile.candidates == ("A", "B", "C", "D")
    assert ballots.warnings == ()


def test_a_file_with_names_without_quotes_warns_when_read_from_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ward.blt"
    path.write_text(blt("1 1 0\n", names="A\nB\nC\nD\n"), encoding="utf-8")
    with pytest.warns(BallotFileWarning, match=r"ward\.blt:4: names without quotes"):
        ballots = read_file(path)
    assert ballots.profile.candidates == ("A", "B", "C", "D")
