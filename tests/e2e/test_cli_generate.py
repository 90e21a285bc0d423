"""`soviet generate federation`: a federation of any size that `init` founds as written,
the same for a seed, and bad input refused with nothing written."""

from __future__ import annotations

from pathlib import Path

from e2e.conftest import Cli


def test_a_generated_federation_is_founded_and_its_offices_scheduled(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "national"
    shape = cli.json("generate", "federation", "--members", "1200", "--levels", "3", str(out))
    assert shape["members"] == 1200 and shape["bodies"]["congress"] == 1
    cli.run("init", "--charter", str(out / "charter.toml"), enroll=False)
    bodies = cli.json("show", "bodies")
    assert len(bodies) == sum(shape["bodies"].values())
    assert len(cli.json("show", "members")) == 1200
    assert len(cli.json("show", "offices")) == shape["offices"]
    cli.run("audit", "--schedule", code=1)
    elections = cli.json("show", "elections")
    assert len(elections) == shape["offices"]  # one election opened for every vacant office


def test_the_same_seed_writes_the_same_files_and_a_second_run_needs_force(
    cli: Cli, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        cli.run("generate", "federation", "--members", "900", "--seed", "4", str(out))
    for name in ("charter.toml", "members.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    before = (first / "members.csv").read_bytes()
    cli.refused(
        "generate", "federation", "--members", "500", str(first), says=["exists", "--force"]
    )
    assert (first / "members.csv").read_bytes() == before
    told = cli.run("generate", "federation", "--members", "500", "--force", str(first))
    assert "500 members" in told.stdout and "soviet init --charter" in told.stdout


def test_a_size_or_depth_out_of_range_is_refused_naming_the_option(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "none"
    cli.refused("generate", "federation", "--members", "0", str(out), says=["--members", "not 0"])
    cli.refused(
        "generate", "federation", "--members", "10", "--levels", "9", str(out),
        says=["--levels", "2 to 8"],
    )  # fmt: skip
    assert not out.exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    cli.refused(
        "generate", "federation", "--members", "10", str(tmp_path / "file"), says=["not a folder"]
    )
