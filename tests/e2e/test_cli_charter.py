"""`soviet charter`: the charter as it stands founds the same organization again, carries
every admission, join and leave, and refuses what it cannot write."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from e2e.conftest import Cli

FEDERATION = Path(__file__).resolve().parents[2] / "examples" / "federation.toml"
#: Fields of `show … --json` that are the log's, not the charter's.
NOT_THE_CHARTERS = ("admitted_at",)


def twin_of(cli: Cli, name: str = "twin") -> Cli:
    """`soviet` on a second, empty database of its own folder."""
    folder = cli.folder / name
    folder.mkdir()
    return Cli(f"sqlite:///{folder / f'{name}.db'}", folder)


def listing(cli: Cli, what: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = cli.json("show", what)
    return [{k: v for k, v in row.items() if k not in NOT_THE_CHARTERS} for row in rows]


def founding(cli: Cli) -> dict[str, Any]:
    """The data of the log's first event, but the log's own key."""
    data: dict[str, Any] = dict(cli.log()[0]["data"])
    del data["verifier_key"]
    return data


def without_heading(text: str) -> str:
    first, _, rest = text.partition("\n")
    assert first.startswith("# ") and "the charter as it stands at log size" in first
    return rest


def test_a_printed_charter_founds_the_same_organization(cli: Cli) -> None:
    cli.run("init", "--charter", str(FEDERATION))
    wrote = cli.run("charter", "--out", "printed.toml")
    assert "Wrote the charter of Riverside Workers' Federation" in wrote.stdout
    assert wrote.stderr == ""
    printed = (cli.folder / "printed.toml").read_text(encoding="utf-8")
    size = len(cli.log())
    assert printed.startswith(
        f"# Riverside Workers' Federation — the charter as it stands at log size {size}\n"
    )

    twin = twin_of(cli)
    twin.run("init", "--charter", str(cli.folder / "printed.toml"))
    for what in ("bodies", "offices", "members"):
        assert listing(twin, what) == listing(cli, what), what
    assert founding(twin) == founding(cli)  # rules and every office's procedure alike
    # and the twin's charter as it stands is the same text
    assert without_heading(twin.run("charter").stdout) == without_heading(printed)


def test_the_printed_charter_carries_admissions_joins_and_leaves(cli: Cli) -> None:
    cli.run("init", "--charter", str(FEDERATION))
    cli.tick(minutes=1)
    cli.run("member", "add", "kim", "--name", "Kim Lee", "--body", "bakery", "--as", "ivanova")
    cli.run("member", "join", "kim", "--body", "post-office", "--as", "ivanova")
    cli.run("member", "leave", "kuznetsova", "--body", "bakery", "--as", "kuznetsova")

    answer = cli.json("charter")
    assert set(answer) == {"charter", "amendments"}
    assert answer["amendments"] == []
    text = answer["charter"]
    assert text.partition("\n")[0].endswith(f"at log size {len(cli.log())}")
    members = {m["id"]: m for m in tomllib.loads(text)["members"]}
    assert members["kim"] == {"id": "kim", "name": "Kim Lee", "bodies": ["bakery", "post-office"]}
    assert members["kuznetsova"]["bodies"] == ["post-office"]
    assert len(members) == 31
    # the text printed and the text of --json are one
    assert cli.run("charter").stdout == text


def test_a_member_who_left_every_assembly_is_left_out_with_a_warning(cli: Cli) -> None:
    cli.run("init", "--charter", str(FEDERATION))
    cli.tick(minutes=1)
    cli.run("member", "leave", "petrov", "--body", "tram-depot", "--as", "petrov")
    run = cli.run("charter", "--out", "printed.toml")
    [warning] = run.stderr.splitlines()
    assert warning.startswith("warning: the printed charter differs: member 'petrov'")
    printed = (cli.folder / "printed.toml").read_text(encoding="utf-8")
    assert "#   - member 'petrov' belongs to no assembly" in printed
    assert "petrov" not in {m["id"] for m in tomllib.loads(printed)["members"]}
    twin_of(cli).run("init", "--charter", str(cli.folder / "printed.toml"))


def test_charter_refuses_to_write_over_a_file_the_database_or_for_two_outputs(cli: Cli) -> None:
    cli.run("init", "--charter", str(FEDERATION))
    kept = cli.folder / "kept.toml"
    kept.write_text("# mine\n", encoding="utf-8")
    cli.refused("charter", "--out", "kept.toml", says=["kept.toml already exists", "--force"])
    assert kept.read_text(encoding="utf-8") == "# mine\n"
    cli.run("charter", "--out", "kept.toml", "--force")
    assert tomllib.loads(kept.read_text(encoding="utf-8"))["name"] == (
        "Riverside Workers' Federation"
    )

    database = cli.db.removeprefix("sqlite:///") if cli.db.startswith("sqlite:") else None
    if database is not None:
        cli.refused(
            "charter", "--out", database, "--force", says=["will not write the charter over"]
        )
    cli.refused("charter", "--out", "x.toml", "--json", says=["--json", "--out", "give one"])
    cli.refused("charter", "--force", says=["--force", "--out FILE"])
    assert not (cli.folder / "x.toml").exists()


def test_charter_without_an_organization_says_to_adopt_one_first(cli: Cli) -> None:
    cli.refused("charter", says=["no soviet organization", "soviet init --charter FILE"])
    cli.refused("charter", "--out", "x.toml", says=["no soviet organization"])
    assert not (cli.folder / "x.toml").exists()
