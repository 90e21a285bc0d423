"""Paper ballots through the CLI: tellers import the counted ballots of a vote in a hall
from a CSV or a BLT file, the close counts them with the online ballots, the log
verifies, and every import the rules refuse writes nothing."""

from __future__ import annotations

import hashlib

from e2e.conftest import WORKS, Cli, events_of


def started(cli: Cli, election: str, candidates: list[str]) -> None:
    for candidate in candidates:
        cli.tick(minutes=1)
        cli.run("election", "nominate", election, candidate, "--as", candidate)
    cli.tick(minutes=1)
    cli.run("election", "start", election, "--as", candidates[0])


def test_tellers_import_a_csv_the_close_counts_it_and_the_log_verifies(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("audit", "--schedule", code=1)  # E1 foundry.deputy (5 electors), E3 mill.stewards
    started(cli, "E1", ["ada", "boris", "chen"])
    cli.tick(minutes=1)
    cli.run("vote", "E1", "chen", "ada", "--as", "ada")
    cli.run("vote", "E1", "boris", "chen", "--as", "boris")

    hall = cli.folder / "hall.csv"
    hall.write_text("1st Choice,2nd Choice,Count\nada,chen,2\nchen,boris,1\n", encoding="utf-8")
    base = ("election", "import-paper", "E1", "hall.csv")
    tellers = ("--as", "dora", "--as", "emil")
    cli.refused(*base, "--paper-voters", "3", "--as", "dora", says=["at least two tellers"])
    cli.refused(
        *base, "--paper-voters", "3", "--as", "dora", "--as", "mira", says=["'mira'", "roll"]
    )
    cli.refused(*base, "--paper-voters", "4", *tellers, says=["3 paper ballot(s)", "is 4"])
    cli.refused(
        "election", "import-paper", "E3", "hall.csv", "--paper-voters", "3",
        "--as", "mira", "--as", "nils", says=["E3 is nominating"],
    )  # fmt: skip
    (cli.folder / "stranger.csv").write_text("Choice 1,Count\nolga,3\n", encoding="utf-8")
    cli.refused(
        "election", "import-paper", "E1", "stranger.csv", "--paper-voters", "3", *tellers,
        says=["'olga'", "not a candidate in election E1"],
    )  # fmt: skip
    (cli.folder / "crowd.csv").write_text("Choice 1,Count\nada,4\n", encoding="utf-8")
    cli.refused(
        "election", "import-paper", "E1", "crowd.csv", "--paper-voters", "4", *tellers,
        says=["4 paper voter(s) and 2 online make 6", "5 electors"],
    )  # fmt: skip
    cli.refused(
        "election", "import-paper", "E1", "missing.csv", "--paper-voters", "3", *tellers,
        says=["missing.csv", "cannot read"],
    )  # fmt: skip

    cli.tick(minutes=1)
    done = cli.run(*base, "--paper-voters", "3", *tellers)
    assert "dora, emil entered 3 paper ballot(s) in E1" in done.stdout
    cli.refused(*base, "--paper-voters", "3", *tellers, says=["one import per election"])
    [imported] = events_of(cli.log(), "ballots.imported")
    assert imported["actor"] == "dora"
    assert imported["data"] == {
        "election": "E1",
        "tellers": ["dora", "emil"],
        "ballots": [
            {"count": 2, "choice": ["ada", "chen"]},
            {"count": 1, "choice": ["chen", "boris"]},
        ],
        "paper_voters": 3,
        "source": hashlib.sha256(hall.read_bytes()).hexdigest(),
    }

    # two online and three on paper: all five have voted, so the vote closes early
    cli.tick(minutes=1)
    cli.run("election", "close", "E1", "--as", "chen")
    [closed] = events_of(cli.log(), "election.closed")
    assert closed["data"]["turnout"]["voted"] == 5
    assert closed["data"]["result"]["ballots"] == 5
    assert sorted(closed["data"]["winners"]) == ["ada", "chen"]
    assert cli.json("verify")["ok"]


def test_a_blt_names_the_candidates_by_their_member_ids(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("audit", "--schedule", code=1)
    started(cli, "E3", ["mira", "nils", "olga"])  # mill.stewards: two seats, by approval
    cli.tick(minutes=1)
    cli.run("vote", "E3", "mira", "--as", "mira")

    names = '"Mira Alfassa"\n"Nils Bohr"\n"Olga Knipper"\n"Mill stewards"\n'
    (cli.folder / "names.blt").write_text(f"3 2\n1 1 3 0\n1 3 0\n0\n{names}", encoding="utf-8")
    tellers = ("--as", "nils", "--as", "olga")
    cli.refused(
        "election", "import-paper", "E3", "names.blt", "--paper-voters", "2", *tellers,
        says=["'Mira Alfassa'", "not a candidate"],
    )  # fmt: skip
    ids = '"mira"\n"nils"\n"olga"\n"Mill stewards"\n'
    (cli.folder / "hall.blt").write_text(f"3 2\n1 1 3 0\n1 3 0\n0\n{ids}", encoding="utf-8")
    cli.tick(minutes=1)
    cli.run("election", "import-paper", "E3", "hall.blt", "--paper-voters", "2", *tellers)

    cli.tick(minutes=1)
    cli.run("election", "close", "E3", "--as", "nils")
    [closed] = events_of(cli.log(), "election.closed")
    assert closed["data"]["turnout"]["voted"] == 3
    assert sorted(closed["data"]["winners"]) == ["mira", "olga"]  # 2, 2 and nils 0
    assert cli.json("verify")["ok"]
