"""`soviet apportion FILE.csv`, run as a user runs it: its table, its JSON, and every kind of
bad input refused with one line naming the file, the line and the column (exit 2)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from e2e.conftest import soviet_count

# Hamilton, 10 seats: quotas 4.7, 1.6, 1.58, 1.2, 0.61, 0.31 -> 5 2 1 1 1 0.
PARTIES = """\
party,votes
A,"47,000"
B,16000
C,15800
D,12000
E,6100
F,3100
"""
# An id column before the names, and a column of notes after the sizes.
DEPOTS = """\
id,depot,members,note
1,Tram depot,420,north
2,Bus works,"1,250",south
3,Head office,12,
"""


def soviet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return soviet_count(*args, cwd=cwd)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_apportion_json_gives_each_name_its_seats_in_the_file_order(tmp_path: Path) -> None:
    path = write(tmp_path, "parties.csv", PARTIES)
    run = soviet(
        "apportion",
        str(path),
        "--seats",
        "10",
        "--method",
        "hamilton",
        "--min",
        "0",
        "--json",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    document = json.loads(run.stdout)
    assert document == {
        "method": "hamilton",
        "seats": 10,
        "allocation": {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0},
        "ties": [],
    }
    assert list(document["allocation"]) == ["A", "B", "C", "D", "E", "F"]


def test_apportion_prints_a_table_of_sizes_quotas_and_seats(tmp_path: Path) -> None:
    path = write(tmp_path, "depots.csv", DEPOTS)
    run = soviet("apportion", str(path), "--seats", "10", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "depots.csv: 10 seats by huntington-hill" in out
    # the names are the first column of text, the sizes the first numbers after it
    assert "depot" in out and "members" in out and "quota" in out and "seats" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if "│" in line}
    cells = {name: [cell.strip() for cell in line.split("│")[2:5]] for name, line in rows.items()}
    # quotas: 420 × 10 / 1682 = 2.497, 1250 × 10 / 1682 = 7.432, 12 × 10 / 1682 = 0.071
    assert cells == {
        "Tram depot": ["420", "2.497", "2"],
        "Bus works": ["1,250", "7.432", "7"],
        "Head office": ["12", "0.071", "1"],
        "total": ["1,682", "10.000", "10"],
    }
    assert "at least 1 seat each" in out


def test_the_columns_are_chosen_by_their_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "depots.csv", DEPOTS)
    run = soviet(
        "apportion",
        str(path),
        "--seats",
        "6",
        "--name",
        "depot",
        "--size",
        "id",
        "--method",
        "dhondt",
        "--min",
        "0",
        "--json",
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    # D'Hondt on sizes 1, 2, 3: averages 3, 2, 1.5, 1, 1, 1 take the six seats
    assert json.loads(run.stdout)["allocation"] == {
        "Tram depot": 1,
        "Bus works": 2,
        "Head office": 3,
    }


def test_a_tie_for_the_last_seat_is_told_with_how_it_was_broken(tmp_path: Path) -> None:
    path = write(tmp_path, "even.csv", "name,size\nb,10\na,10\n")
    run = soviet("apportion", str(path), "--seats", "3", "-m", "sainte-lague", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == (
        "tie for the last seat: b, a had equal claims; given to a by larger size, then name order"
    )
    document = json.loads(
        soviet(
            "apportion", str(path), "--seats", "3", "-m", "sainte-lague", "--json", cwd=tmp_path
        ).stdout
    )
    assert document["allocation"] == {"b": 1, "a": 2}
    assert document["ties"] == [
        {
            "between": ["b", "a"],
            "seats": 1,
            "chosen": ["a"],
            "broken_by": "larger size, then name order",
        }
    ]


BAD = [
    ("missing.csv", None, ["--seats", "3"], "missing.csv: cannot read: No such file"),
    ("latin.csv", b"name,size\nK\xf6ln,10\n", ["--seats", "3"], "latin.csv:2: not UTF-8 text"),
    ("nul.csv", "name,size\na,1\x00\n", ["--seats", "3"], "nul.csv:2: a NUL byte"),
    ("empty.csv", "", ["--seats", "3"], "empty.csv: empty: the first row must name"),
    ("header.csv", "name,size\n", ["--seats", "3"], "header.csv:1: no constituency below"),
    (
        "negative.csv",
        "name,size\na,10\nb,-4\n",
        ["--seats", "3"],
        "negative.csv:3:2: the size '-4' is negative",
    ),
    (
        "decimal.csv",
        "name,size\na,10\nb,2.5\n",
        ["--seats", "3"],
        "decimal.csv:3:2: the size '2.5' is not a whole number",
    ),
    (
        "word.csv",
        "name,size\na,10\nb,12\nc,many\n",
        ["--seats", "3"],
        "word.csv:4:2: the size 'many' is not a whole number",
    ),
    ("huge.csv", f"name,size\na,{2**63}\n", ["--seats", "3"], "huge.csv:2:2: the size"),
    (
        "twice.csv",
        "name,size\nOhio,10\nIowa,4\nOhio,3\n",
        ["--seats", "3"],
        "twice.csv:4:1: 'Ohio' again (first on line 2)",
    ),
    (
        "unnamed.csv",
        "name,size\nOhio,10\n,4\n",
        ["--seats", "3"],
        "unnamed.csv:3:1: a constituency without a name",
    ),
    (
        "short.csv",
        "name,size\nOhio,10\nIowa\n",
        ["--seats", "3"],
        "short.csv:3:2: the row has no size",
    ),
    (
        "comma.csv",
        "name,size\nOhio,1,234\n",
        ["--seats", "3"],
        "comma.csv:2:3: 3 cells, and the header names 2 columns",
    ),
    (
        "noheader.csv",
        "Ohio,10\nIowa,4\n",
        ["--seats", "3"],
        "noheader.csv:1:2: the first row must name the columns",
    ),
    (
        "words.csv",
        "name,kind\nOhio,state\n",
        ["--seats", "3"],
        "words.csv: no column of sizes (whole numbers); choose one with --size",
    ),
    (
        "ok.csv",
        "name,size\nOhio,10\nIowa,4\n",
        ["--seats", "3", "--size", "people"],
        "ok.csv: no column is named 'people' (--size); the columns are: 'name', 'size'",
    ),
    (
        "ok.csv",
        "name,size\nOhio,10\nIowa,4\n",
        ["--seats", "3", "--method", "borda"],
        "unknown apportionment method 'borda'; choose one of: huntington-hill",
    ),
    ("ok.csv", "name,size\nOhio,10\nIowa,4\n", ["--seats", "0"], "seats must be from 1"),
    (
        "ok.csv",
        "name,size\nOhio,10\nIowa,4\n",
        ["--seats", "1"],
        "1 seat cannot give each of the 2 constituencies its minimum of 1: that takes 2",
    ),
    (
        "ok.csv",
        "name,size\nOhio,10\nIowa,4\n",
        ["--seats", "5", "--max", "2"],
        "5 seats cannot all be given at most 2 a constituency",
    ),
    ("ok.csv", "name,size\nOhio,10\nIowa,4\n", [], "Missing option '--seats'"),
]


@pytest.mark.parametrize(("name", "text", "args", "says"), BAD, ids=[b[3][:40] for b in BAD])
def test_bad_input_is_refused_with_one_line_naming_where(
    tmp_path: Path, name: str, text: str | bytes | None, args: list[str], says: str
) -> None:
    path = tmp_path / name if text is None else write(tmp_path, name, text)
    run = soviet("apportion", str(path.name), *args, cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ") and says in lines[0], lines[0]
    assert "Traceback" not in run.stderr
