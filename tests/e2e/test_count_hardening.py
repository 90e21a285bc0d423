"""`soviet count` on files it cannot count exactly or that are not text: one line, exit 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from e2e.conftest import soviet_count

BIG = 999_999_999_999_999_999


def soviet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return soviet_count(*args, cwd=cwd, timeout=300)


def refused(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert run.stdout == ""
    return lines[0]


@pytest.mark.parametrize("method", ["irv", "stv", "plurality"])
def test_weights_that_would_wrap_past_int64_are_refused_naming_the_line(
    tmp_path: Path, method: str
) -> None:
    path = tmp_path / "wrap.blt"
    lines = "".join(f"{BIG} 1 0\n" for _ in range(10))
    path.write_text(f'2 1\n{lines}1 2 0\n0\n"Ann"\n"Bob"\n"Wrap"\n', encoding="utf-8")
    line = refused(soviet("count", str(path), "--method", method, cwd=tmp_path))
    assert f"{path}:2: a weight of {BIG}" in line


def test_cvr_counts_of_2_62_are_refused_not_printed_negative(tmp_path: Path) -> None:
    path = tmp_path / "wrap.csv"
    path.write_text(f"choice 1,count\nAnn,{2**62}\nAnn,{2**62}\nBob,1\n", encoding="utf-8")
    line = refused(soviet("count", str(path), "--method", "irv", cwd=tmp_path))
    assert f"{path}:2: a count of" in line


@pytest.mark.parametrize("cell", ["99999999999999999999", "²"])
def test_a_cvr_count_cell_that_is_no_count_is_a_one_line_error(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "cell.csv"
    path.write_text(f"choice 1,count\nAnn,1\nBob,{cell}\n", encoding="utf-8")
    line = refused(soviet("count", str(path), "--method", "irv", cwd=tmp_path))
    assert f"{path}:3: " in line


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("nul.blt", b'2 1\n1 1\x00 0\n0\n"Ann"\n"Bob"\n', ":2: a NUL byte"),
        ("latin.blt", b'2 1\n1 1 0\n0\n"Ann"\n"B\xf6b"\n', ":5: byte 0xf6 is not UTF-8"),
        ("nul.csv", b"choice 1\nAnn\n\x00\n", ":3: a NUL byte"),
        ("latin.csv", b"choice 1\nB\xf6b\n", ":2: byte 0xf6 is not UTF-8"),
    ],
)
def test_files_with_nul_bytes_or_invalid_utf8_are_refused_with_the_line(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    line = refused(soviet("count", str(path), "--method", "irv", cwd=tmp_path))
    assert f"{path}{problem}" in line


def test_a_thousand_candidates_are_counted_and_listed_round_by_round(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    rows = [f"c{i:04d},c{(i * 7 + 1) % 1000:04d}" for i in range(1000)]
    path.write_text("choice 1,choice 2\n" + "\n".join(rows) + "\nc0000,\n", encoding="utf-8")
    run = soviet("count", str(path), "--method", "irv", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "1000 candidates over " in run.stdout
    assert "too many to tabulate; --json gives every round's votes" in run.stdout
    assert "round 1: " in run.stdout
    assert "\nelected: c" in run.stdout


def test_more_candidates_than_schulze_takes_are_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("choice 1\n" + "\n".join(f"c{i}" for i in range(300)) + "\n", "utf-8")
    line = refused(soviet("count", str(path), "--method", "schulze", cwd=tmp_path))
    assert "schulze counts at most 200 candidates" in line
