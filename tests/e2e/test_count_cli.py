"""`soviet count FILE`, run as a user runs it: a separate process, its output and exit code."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from e2e.conftest import soviet_count

# Ada wins on Cy's transfers: round 1 Ada 4, Bo 3, Cy 2; Cy out, 2 to Ada.
BLT = """\
3 1
4 1 0
3 2 0
2 3 1 0
0
"Ada"
"Bo"
"Cy"
"Pets"
"""


def soviet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return soviet_count(*args, cwd=cwd)


@pytest.fixture
def blt(tmp_path: Path) -> Path:
    path = tmp_path / "pets.blt"
    path.write_text(BLT, encoding="utf-8")
    return path


def test_count_json_prints_the_result_round_by_round(blt: Path) -> None:
    run = soviet("count", str(blt), "--method", "irv", "--json", cwd=blt.parent)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["method"] == "irv"
    assert result["seats"] == 1
    assert result["winners"] == ["Ada"]
    assert result["quota"] is None
    assert [r["votes"] for r in result["rounds"]] == [
        {"Ada": 4, "Bo": 3, "Cy": 2},
        {"Ada": 6, "Bo": 3},
    ]
    assert result["rounds"][0]["excluded"] == ["Cy"]
    assert result["rounds"][1]["elected"] == ["Ada"]
    assert result["ties"] == []


def test_count_prints_a_table_of_rounds_for_people(blt: Path) -> None:
    run = soviet("count", str(blt), cwd=blt.parent)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "Pets" in out
    assert "round 1" in out and "round 2" in out
    assert "6 ✓" in out and "2 ✗" in out
    assert "exhausted" in out and "threshold" in out
    assert "elected: Ada" in out
    assert out.index("Ada") < out.index("Bo") < out.index("Cy")


def test_the_blt_header_seats_choose_stv_and_seats_can_be_given(blt: Path) -> None:
    several = blt.with_name("two.blt")
    several.write_text(BLT.replace("3 1\n", "3 2\n", 1), encoding="utf-8")
    run = soviet("count", str(several), "--json", cwd=blt.parent)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert (result["method"], result["seats"], len(result["winners"])) == ("stv", 2, 2)
    one = json.loads(soviet("count", str(several), "--seats", "1", "--json", cwd=blt.parent).stdout)
    assert (one["method"], one["winners"]) == ("irv", ["Ada"])


def test_a_csv_is_read_with_the_rules_given_as_flags(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text(
        "precinct,choice 1,choice 2,count\nP1,overvote,Bo,3\nP2,Ada,,4\nP3,Cy,Bo,2\n",
        encoding="utf-8",
    )
    default = json.loads(soviet("count", str(path), "--json", cwd=tmp_path).stdout)
    assert default["rounds"][0]["votes"] == {"Ada": 4, "Bo": 0, "Cy": 2}
    skip = soviet("count", str(path), "--overvote", "skip", "--json", cwd=tmp_path)
    assert skip.returncode == 0, skip.stderr
    assert json.loads(skip.stdout)["winners"] == ["Bo"]


def test_a_lot_is_drawn_from_the_seed_given(tmp_path: Path) -> None:
    path = tmp_path / "tie.blt"
    path.write_text('3 1\n2 1 0\n1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n', encoding="utf-8")
    runs = [soviet("count", str(path), "--seed", "root", "--json", cwd=tmp_path) for _ in "ab"]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    [tie] = json.loads(runs[0].stdout)["ties"][:1]
    assert set(tie["between"]) == {"B", "C"}


def test_a_malformed_file_exits_2_with_one_line_naming_file_and_line(blt: Path) -> None:
    bad = blt.with_name("bad.blt")
    bad.write_text(BLT.replace("3 2 0\n", "3 2 7 0\n"), encoding="utf-8")
    run = soviet("count", str(bad), cwd=blt.parent)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.strip().splitlines() == [f"error: {bad}:3: candidate 7 out of range 1..3"]


def test_an_unknown_method_exits_2(blt: Path) -> None:
    run = soviet("count", str(blt), "--method", "borda", cwd=blt.parent)
    assert run.returncode == 2
    assert run.stderr.startswith("error: unknown counting method 'borda'")


def test_a_file_with_no_countable_ballot_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "blank.blt"
    path.write_text('2 1\n3 0\n0\n"A"\n"B"\n', encoding="utf-8")
    run = soviet("count", str(path), cwd=tmp_path)
    assert run.returncode == 2
    assert "no ballot with a countable preference" in run.stderr


# Eight voters put Ada first and Bo and Cy equal second; Ada's surplus is shared between
# Bo and Cy, and Cy, with three first preferences of her own, takes the second seat.
EQUAL = """\
3 2
8 1 2=3 0
1 2 0
3 3 0
0
"Ada"
"Bo"
"Cy"
"Equal"
"""


def test_count_reads_equal_rankings_for_meek_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "equal.blt"
    path.write_text(EQUAL, encoding="utf-8")
    run = soviet(
        "count",
        str(path),
        "--method",
        "meek",
        "--seats",
        "2",
        "--equal-rankings",
        "--json",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["winners"] == ["Ada", "Cy"]
    assert result["quota"] == 4
    # Ada keeps the quota; her surplus of 4 goes 2 to Bo and 2 to Cy.
    assert [r["votes"] for r in result["rounds"]] == [
        {"Ada": 8, "Bo": 1, "Cy": 3},
        {"Ada": 4, "Bo": 3, "Cy": 5},
    ]


def test_count_refuses_equal_rankings_for_a_method_that_cannot_count_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "equal.blt"
    path.write_text(EQUAL, encoding="utf-8")
    refused = soviet(
        "count", str(path), "--method", "stv", "--seats", "2", "--equal-rankings", cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "stv cannot count ballots that rank candidates equal" in refused.stderr
    # Without the option '=' is an overvote, as in US cast vote records: the eight
    # ballots exhaust at their second rank.
    overvotes = soviet(
        "count", str(path), "--method", "stv", "--seats", "2", "--json", cwd=tmp_path
    )
    assert overvotes.returncode == 0, overvotes.stderr
    assert json.loads(overvotes.stdout)["winners"] == ["Ada", "Cy"]
