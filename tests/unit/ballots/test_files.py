"""Reading a ballot file from disk: the format from the extension, progress, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from soviet.ballots import format_of, profile_from_rankings, read_file
from soviet.errors import BallotFileError

BLT = '2 1\n1 1 2 0\n2 2 0\n0\n"Ada"\n"Bo"\n"Test"\n'
CSV = "choice 1,choice 2,count\nAda,Bo,1\nBo,,2\n"


def test_the_extension_names_the_format(tmp_path: Path) -> None:
    (tmp_path / "a.blt").write_text(BLT)
    (tmp_path / "a.CSV").write_text(CSV)
    assert read_file(tmp_path / "a.blt").profile.total == 3
    assert read_file(tmp_path / "a.CSV").profile.total == 3
    assert format_of(Path("x.Blt")) == "blt"


def test_a_format_given_overrides_the_extension(tmp_path: Path) -> None:
    (tmp_path / "ballots.txt").write_text(BLT)
    assert read_file(tmp_path / "ballots.txt", format="blt").seats == 1


def test_an_unknown_extension_asks_for_a_format(tmp_path: Path) -> None:
    (tmp_path / "ballots.txt").write_text(BLT)
    with pytest.raises(BallotFileError, match=r"ballots\.txt: cannot tell the format"):
        read_file(tmp_path / "ballots.txt")
    with pytest.raises(BallotFileError, match="unknown format 'xml'"):
        read_file(tmp_path / "ballots.txt", format="xml")


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="cannot read"):
        read_file(tmp_path / "absent.blt")


def test_progress_is_reported_up_to_the_file_size(tmp_path: Path) -> None:
    path = tmp_path / "a.blt"
    path.write_text(BLT)
    seen: list[tuple[int, int]] = []
    ballots = read_file(path, progress=lambda done, total: seen.append((done, total)))
    assert ballots.profile.total == 3
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


def test_a_profile_is_grouped_in_bulk_from_one_ranking_per_row() -> None:
    rows = np.array([[0, 1, -1], [2, -1, -1], [0, 1, -1], [1, 0, 2]], dtype=np.int32)
    profile = profile_from_rankings(["a", "b", "c"], rows, [1, 1, 2, 1], title="t")
    found = {
        tuple(r): int(c)
        for r, c in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True)
    }
    assert found == {(0, 1, -1): 3, (2, -1, -1): 1, (1, 0, 2): 1}
    assert (profile.total, profile.title) == (5, "t")


def test_a_profile_from_rankings_refuses_numbers_that_name_no_candidate() -> None:
    with pytest.raises(ValueError, match=r"candidate numbers 0\.\.1 or -1"):
        profile_from_rankings(["a", "b"], np.array([[0, 2]]))
    with pytest.raises(ValueError, match="2-D"):
        profile_from_rankings(["a", "b"], np.array([0, 1]))
