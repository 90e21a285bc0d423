"""Reading results as a person: the count round by round after a close and in `show
election`, one record by its id, filters, CSV, who has voted, and mandates named by
office and holder."""

from __future__ import annotations

import csv
import io

from e2e.conftest import SEATED, WORKS, Cli, by_id
from soviet.storage.views import FIELDS

NARROW = {"COLUMNS": "60"}
#: A member id near the longest an id may be, to show that no table cuts it.
LONG_ID = "anna-maria.ivanova-petrova.of-the-foundry-floor"


def csv_rows(text: str) -> list[list[str]]:
    """CSV output read back by the csv module."""
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_close_prints_the_count_round_by_round_and_show_election_prints_the_same(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("member", "add", LONG_ID, "--name", "Anna", "--body", "foundry", "--as", "ada")
    cli.run("audit", "--schedule", code=1)  # E1 foundry.deputy, E2 mill.deputy, E3 stewards
    cli.tick(hours=1)
    for candidate in ("ada", "boris", "chen", LONG_ID):
        cli.run("election", "nominate", "E1", candidate, "--as", candidate)
    cli.run("election", "start", "E1", "--as", "emil")
    ballots = {
        "ada": ["chen", "ada", "boris"],
        "boris": ["chen", "boris"],
        "chen": ["chen", "ada"],
        "dora": ["ada", "chen"],
    }
    for voter, ranking in ballots.items():
        cli.run("vote", "E1", *ranking, "--as", voter)
    cli.tick(days=3, hours=1)

    closed = cli.run("election", "close", "E1", "--as", "boris", env=NARROW).stdout
    assert "boris closed E1: elected chen, ada" in closed
    count = closed[closed.index("Count of E1") :]
    for seen in ("round 1", "round 3", "3 ✓", "exhausted", "quota 2", "4 ballots"):
        assert seen in count
    assert "✗" in count  # the excluded
    assert "elected: chen, ada" in count
    assert "round 1: chen's surplus of 1 transferred: ada +0.66666, boris +0.33333" in count
    assert LONG_ID in count and "…" not in count

    shown = cli.run("show", "election", "E1", env=NARROW).stdout
    assert count in shown  # the same renderer, the same table
    for field in ("foundry.deputy", "closed", "outcome", "elected", "4 of 6 voted"):
        assert field in shown
    assert by_id(cli.json("show", "elections"))["E1"] == cli.json("show", "election", "E1")

    # the mill's deputy: one vote each, a tie for exclusion that the lot decides
    for candidate in ("nils", "olga"):
        cli.run("election", "nominate", "E2", candidate, "--as", candidate)
    cli.run("election", "start", "E2", "--as", "mira")
    cli.run("vote", "E2", "nils", "--as", "nils")
    cli.run("vote", "E2", "olga", "--as", "olga")
    cli.tick(days=3, hours=1)
    closed = cli.run("election", "close", "E2", "--as", "mira").stdout
    [tie] = cli.json("show", "election", "E2")["result"]["ties"]
    assert tie["broken_by"] == "lot"
    said = " ".join(closed.split())  # a long line wraps on the terminal
    assert "tie for exclusion in round 1 between nils, olga: decided by lot" in said
    assert f"the draw: {', '.join(tie['draw'])}, so {tie['chosen']} is chosen" in said
    assert tie["seed"] in said and tie["context"] in said

    # nobody votes for the stewards: nobody is elected, and the output says why
    cli.run("election", "nominate", "E3", "olga", "--as", "olga")
    cli.run("election", "start", "E3", "--as", "mira")
    cli.tick(days=3, hours=1)
    closed = cli.run("election", "close", "E3", "--as", "mira").stdout
    assert "void: no valid ballot: 0 of 3 voted" in closed
    shown = " ".join(cli.run("show", "election", "E3").stdout.split())
    assert "void" in shown and "no valid ballot" in shown


def test_show_takes_one_id_of_each_kind_and_names_a_mandate_by_office_and_holder(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(SEATED))  # M1 ada, M2 boris, M3 mira, M4 mira (chair)
    mandates = by_id(cli.json("show", "mandates"))
    assert cli.json("show", "mandate", "M3") == mandates["M3"]
    assert cli.json("show", "mandate", "mill.deputy:mira") == mandates["M3"]
    assert cli.json("show", "mandate", "council.chair:mira") == mandates["M4"]
    for kind, listing, ident in (
        ("body", "bodies", "foundry"),
        ("office", "offices", "council.chair"),
        ("member", "members", "mira"),
    ):
        assert cli.json("show", kind, ident) == by_id(cli.json("show", listing))[ident]
    member = cli.run("show", "member", "mira").stdout
    assert "Mira Alfassa" in member and "Mandates of mira" in member
    assert "M3" in member and "M4" in member and "council.chair" in member
    office = cli.run("show", "office", "council.chair").stdout
    assert "Chair of the works council" in office

    cli.tick(hours=1)
    cli.refused(
        "recall",
        "open",
        "mill.deputy:nils",
        "--reason",
        "r",
        "--as",
        "olga",
        says=["'nils' holds no active mandate of office 'mill.deputy'", "M3 (mira)"],
    )
    cli.refused(
        "show",
        "mandate",
        "foundry.deputy:chen",
        says=["'chen' holds no active mandate", "M1 (ada), M2 (boris)"],
    )
    cli.refused(
        "recall",
        "open",
        "mill.depty:mira",
        "--reason",
        "r",
        "--as",
        "olga",
        says=["unknown office 'mill.depty'", "did you mean 'mill.deputy'"],
    )
    cli.refused("show", "mandate", "mill.deputy:zed", says=["unknown member 'zed'"])
    cli.refused("show", "mandate", "mill.deputy:", says=["names no mandate", "OFFICE:HOLDER"])
    cli.refused("show", "mandate", "M9", says=["unknown mandate 'M9'"])
    cli.refused("show", "election", "E9", says=["unknown election 'E9'"])
    cli.refused("show", "election", says=["`show election` needs an id"])
    cli.refused("show", "mandates", "M3", says=["takes no id", "`show mandate M3`"])

    [opened] = cli.run(
        "recall", "open", "mill.deputy:mira", "--reason", "absent", "--as", "nils", "--json"
    ).json_lines()
    assert opened["data"]["mandate"] == "M3"  # the same as `recall open M3`
    cli.tick(hours=1)
    cli.run("recall", "sign", "P1", "--as", "olga")  # 2 of 5: the recall vote opens
    cli.run("recall", "vote", "P1", "yes", "--as", "nils")
    cli.run("recall", "vote", "P1", "no", "--as", "mira")

    petition = cli.json("show", "petition", "P1")
    # one petition in detail also says what it must reach; the listing leaves that out
    thresholds = petition.pop("thresholds")
    assert petition == by_id(cli.json("show", "petitions"))["P1"]
    assert thresholds["electorate"] == thresholds["roll"] == 5
    assert thresholds["petition_needed"] == 2  # the second signature opened the vote
    assert (thresholds["immediate_needed"], thresholds["quorum_needed"]) == (3, 2)
    petition = cli.run("show", "petition", "P1").stdout
    assert "mill.deputy" in petition and "mira" in petition and "absent" in petition
    mandate = cli.run("show", "mandate", "M3").stdout
    assert "Petitions to recall M3" in mandate and "P1" in mandate

    # who has voted, never how
    seen = cli.json("show", "turnout", "P1")
    assert (seen["vote"], seen["kind"], seen["status"], seen["roll"]) == (
        "P1",
        "petition",
        "voting",
        5,
    )
    assert seen["voted"] == [
        {"id": "mira", "name": "Mira Alfassa"},
        {"id": "nils", "name": "Nils Bohr"},
    ]
    assert [e["id"] for e in seen["not_voted"]] == ["olga", "piet", "quinn"]
    shown = cli.run("show", "turnout", "P1").stdout
    assert "2 of 5 on the roll have voted" in shown
    assert "Olga Knipper" in shown and "Not voted (3)" in shown
    for form in (shown, str(seen)):
        assert "yes" not in form and "'no'" not in form
    cli.refused("show", "turnout", "P7", says=["unknown petition 'P7'"])
    cli.refused("show", "turnout", says=["`show turnout` needs an id"])

    assert [p["id"] for p in cli.json("show", "petitions", "--holder", "mira")] == ["P1"]
    assert cli.json("show", "petitions", "--holder", "ada") == []
    assert [p["id"] for p in cli.json("show", "petitions", "--office", "mill.deputy")] == ["P1"]
    assert [p["id"] for p in cli.json("show", "petitions", "--body", "mill")] == ["P1"]
    assert cli.json("show", "petitions", "--status", "open") == []


def test_listings_take_the_filters_that_apply_to_them_and_print_csv(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("member", "add", "kim", "--name", 'Kim "K" Lee, Jr', "--body", "mill", "--as", "ada")
    cli.run("member", "add", LONG_ID, "--name", "Anna", "--body", "foundry", "--as", "ada")
    cli.run("audit", "--schedule", code=1)

    def ids(*args: str) -> list[str]:
        return [row["id"] for row in cli.json("show", *args)]

    assert ids("mandates", "--office", "mill.deputy") == ["M1"]
    assert ids("mandates", "--holder", "mira", "--status", "active", "--body", "mill") == ["M1"]
    assert ids("mandates", "--office", "foundry.deputy") == []
    assert ids("elections", "--office", "foundry.deputy") == ["E1"]
    assert ids("elections", "--body", "mill") == ["E2", "E3"]
    assert ids("elections", "--status", "nominating") == ["E1", "E2", "E3", "E4", "E5"]
    assert ids("elections", "--status", "closed") == []
    assert ids("offices", "--body", "council") == ["council.chair", "council.secretary"]
    assert ids("members", "--body", "mill") == ["kim", "mira", "nils", "olga"]

    cli.refused("show", "bodies", "--office", "mill.deputy", says=["--office", "no filter"])
    cli.refused("show", "members", "--status", "active", says=["--status", "takes --body"])
    cli.refused("show", "elections", "--holder", "ada", says=["--holder does not filter"])
    cli.refused("show", "election", "E1", "--office", "x", says=["filters a listing"])
    cli.refused("show", "mandates", "--office", "mill.dep", says=["unknown office 'mill.dep'"])
    cli.refused("show", "mandates", "--body", "bakery", says=["unknown body 'bakery'"])
    cli.refused("show", "mandates", "--holder", "zed", says=["unknown member 'zed'"])
    cli.refused("show", "mandates", "--status", "activ", says=["'activ' is no status"])
    cli.refused("show", "mandates", "--json", "--csv", says=["--json", "--csv"])

    members = cli.run("show", "members", "--csv")
    assert members.stdout.splitlines()[0] == "id,name,bodies,mandates,admitted_at"
    header, *rows = csv_rows(members.stdout)
    assert header == list(FIELDS["members"]) == list(cli.json("show", "members")[0])
    assert len(rows) == 10
    assert by_id([dict(zip(header, row, strict=True)) for row in rows])["kim"]["name"] == (
        'Kim "K" Lee, Jr'
    )
    for listing in FIELDS:
        header, *rows = csv_rows(cli.run("show", listing, "--csv").stdout)
        listed = cli.json("show", listing)
        assert header == list(FIELDS[listing])
        assert len(rows) == len(listed)
        assert all(list(row) == header for row in listed)
    one = csv_rows(cli.run("show", "mandate", "mill.deputy:mira", "--csv").stdout)
    since = cli.json("show", "mandate", "M1")["since"]
    assert one == [
        list(FIELDS["mandates"]),
        ["M1", "mill.deputy", "mira", "1", "active", "", since, "", "", ""],
    ]
    only_mill = csv_rows(cli.run("show", "members", "--body", "mill", "--csv").stdout)
    assert [row[0] for row in only_mill[1:]] == ["kim", "mira", "nils", "olga"]

    # who has voted, as CSV; no choice anywhere
    cli.tick(hours=1)
    cli.run("election", "nominate", "E2", "nils", "--as", "nils")
    cli.run("election", "start", "E2", "--as", "mira")
    cli.run("vote", "E2", "nils", "--as", "olga")
    turnout = csv_rows(cli.run("show", "turnout", "E2", "--csv").stdout)
    assert turnout[0] == ["id", "name", "voted"]
    assert [(row[0], row[2]) for row in turnout[1:]] == [
        ("olga", "yes"),
        ("kim", "no"),
        ("mira", "no"),
        ("nils", "no"),
    ]
    not_started = cli.run("show", "turnout", "E1").stdout
    assert "has no roll: its vote has not started" in not_started

    # at a narrow terminal, no id is cut short
    for args in (("members",), ("member", LONG_ID), ("mandates",), ("offices",)):
        out = cli.run("show", *args, env=NARROW).stdout
        assert "…" not in out, out
    assert LONG_ID in cli.run("show", "members", env=NARROW).stdout
    assert LONG_ID in cli.run("show", "member", LONG_ID, env=NARROW).stdout
    offices = cli.run("show", "offices", env=NARROW).stdout
    assert "council.secretary" in offices and "foundry.deputy" in offices
