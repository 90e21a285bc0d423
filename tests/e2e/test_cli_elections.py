"""Elections through the CLI: nominate, start (the roll freezes), vote by the office's
method, close and count; deputies elected below form the council that elects above."""

from __future__ import annotations

from datetime import timedelta

from e2e.conftest import SEATED, WORKS, Cli, by_id, instant
from soviet.domain import votes
from soviet.domain.clock import after_days

ROUND_KEYS = {"votes", "elected", "excluded", "exhausted"}


def test_an_election_freezes_its_roll_at_the_start_counts_by_stv_and_grants_the_seats(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("audit", "--schedule", code=1)  # E1 foundry.deputy … E3 mill.stewards …

    cli.tick(hours=1)
    nominated = cli.run("election", "nominate", "E1", "ada", "--as", "ada")
    assert "ada nominated ada in E1" in nominated.stdout  # nominating oneself is allowed
    cli.run("election", "nominate", "E1", "boris", "--as", "ada")
    cli.run("election", "accept", "E1", "--as", "boris")
    cli.run("election", "nominate", "E1", "chen", "--as", "dora")
    cli.run("election", "accept", "E1", "--as", "chen")
    [started] = cli.run("election", "start", "E1", "--as", "emil", "--json").json_lines()
    assert started["type"] == "election.started"
    assert started["actor"] == "emil"
    roll = ["ada", "boris", "chen", "dora", "emil"]
    assert started["data"]["roll_hash"] == votes.commit(roll).hash
    assert started["data"]["seats"] == 2
    voting_ends = instant(cli.clock + timedelta(days=3))
    assert started["data"]["voting_ends"] == voting_ends
    cli.refused(
        "election", "nominate", "E1", "dora", "--as", "dora", says=["E1", "nominations are closed"]
    )

    # admitted after the start, fritz is not on this election's roll
    cli.tick(minutes=5)
    cli.run("member", "add", "fritz", "--name", "Fritz Lang", "--body", "foundry", "--as", "ada")
    cli.refused("vote", "E1", "chen", "--as", "fritz", says=["'fritz'", "not on the roll", "E1"])

    ballots = {
        "ada": ["chen", "ada", "boris"],
        "boris": ["chen", "boris"],
        "chen": ["chen", "ada"],
        "dora": ["ada", "chen"],
    }
    for voter, ranking in ballots.items():
        cli.tick(minutes=1)
        cast = cli.run("vote", "E1", *ranking, "--as", voter)
        assert f"{voter} voted in E1" in cast.stdout
    # emil has not voted, so nobody may close before the voting period ends
    cli.refused(
        "election",
        "close",
        "E1",
        "--as",
        "ada",
        says=["E1", voting_ends, "1 of 5 electors have not voted"],
    )

    cli.tick(days=3, hours=1)
    closed = cli.run("election", "close", "E1", "--as", "boris")
    assert "boris closed E1: elected chen, ada" in closed.stdout
    closed_at = cli.now

    # approval: each ballot is a set; the mill elects its two stewards and closes early,
    # once all three on the roll have voted
    cli.run("election", "nominate", "E3", "olga", "--as", "olga")
    cli.run("election", "nominate", "E3", "mira", "--as", "nils")
    cli.run("election", "accept", "E3", "--as", "mira")
    cli.run("election", "nominate", "E3", "nils", "--as", "olga")
    cli.run("election", "accept", "E3", "--as", "nils")
    cli.run("election", "start", "E3", "--as", "mira")
    cli.run("vote", "E3", "olga", "mira", "--as", "olga")
    cli.run("vote", "E3", "olga", "--as", "nils")
    cli.run("vote", "E3", "mira", "olga", "--as", "mira")
    cli.run("election", "close", "E3", "--as", "nils")

    elections = by_id(cli.json("show", "elections"))
    stv = elections["E1"]
    assert (stv["office"], stv["status"]) == ("foundry.deputy", "closed")
    assert stv["winners"] == ["chen", "ada"]
    result = stv["result"]
    assert (result["method"], result["seats"], result["winners"]) == ("stv", 2, ["chen", "ada"])
    assert result["quota"] == 2  # Droop: 4 ballots, 2 seats
    assert result["ties"] == []
    rounds = result["rounds"]
    assert all(set(r) >= ROUND_KEYS for r in rounds)
    assert rounds[0]["votes"] == {"ada": 1, "boris": 0, "chen": 3}
    assert rounds[0]["elected"] == ["chen"]
    assert [name for r in rounds for name in r["excluded"]] == ["boris"]
    assert [name for r in rounds for name in r["elected"]] == ["chen", "ada"]
    # boris's only ballot (chen, boris) had nowhere to go when he was excluded
    assert rounds[-1]["exhausted"] > 0

    approval = elections["E3"]
    assert approval["winners"] == ["olga", "mira"]
    assert approval["result"]["method"] == "approval"
    assert approval["result"]["seats"] == 2
    assert approval["result"]["rounds"][0]["votes"] == {"olga": 3, "mira": 2, "nils": 0}

    mandates = by_id(cli.json("show", "mandates"))
    assert set(mandates) == {"M1", "M2", "M3", "M4", "M5"}
    chen, ada = mandates["M2"], mandates["M3"]
    assert (chen["office"], chen["holder"], chen["seat"]) == ("foundry.deputy", "chen", 1)
    assert (ada["office"], ada["holder"], ada["seat"]) == ("foundry.deputy", "ada", 2)
    for mandate in (chen, ada):
        assert mandate["status"] == "active"
        assert mandate["election"] == "E1"
        assert mandate["since"] == closed_at
        assert mandate["until"] == instant(cli.clock + timedelta(days=365))
    assert [(m["holder"], m["seat"]) for m in (mandates["M4"], mandates["M5"])] == [
        ("olga", 1),
        ("mira", 2),
    ]


def test_a_holder_never_takes_a_second_seat_of_the_same_office(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("election", "open", "foundry.deputy", "--as", "emil")
    cli.run("election", "nominate", "E1", "chen", "--as", "emil")
    cli.run("election", "accept", "E1", "--as", "chen")
    cli.run("election", "start", "E1", "--as", "emil")
    cli.run("vote", "E1", "chen", "--as", "dora")
    cli.tick(days=3, hours=1)
    cli.run("election", "close", "E1", "--as", "emil")  # one candidate for two seats

    # the seat left open goes to a by-election at once, where chen, who holds the
    # other seat, may not stand
    [by_election] = [e for e in cli.json("show", "elections") if e["status"] == "nominating"]
    assert (by_election["id"], by_election["office"], by_election["seats"]) == (
        "E2",
        "foundry.deputy",
        1,
    )
    cli.tick(hours=1)
    cli.refused(
        "election",
        "nominate",
        "E2",
        "chen",
        "--as",
        "dora",
        says=["'chen' already holds seat 1 of office 'foundry.deputy'"],
    )
    cli.run("election", "nominate", "E2", "boris", "--as", "chen")
    cli.run("election", "accept", "E2", "--as", "boris")


def test_deputies_elected_below_form_the_council_that_elects_above_until_none_are_left(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(SEATED))  # deputies ada, boris (foundry), mira (mill)

    # the mill elects nils in place of mira, who sat from before the charter
    cli.tick(hours=1)
    cli.run("election", "open", "mill.deputy", "--as", "nils")
    cli.run("election", "nominate", "E1", "nils", "--as", "nils")
    cli.run("election", "nominate", "E1", "mira", "--as", "olga")
    cli.run("election", "accept", "E1", "--as", "mira")
    cli.run("election", "start", "E1", "--as", "piet")
    cli.run("vote", "E1", "nils", "--as", "nils")
    cli.run("vote", "E1", "nils", "mira", "--as", "olga")
    cli.run("vote", "E1", "mira", "--as", "mira")
    cli.tick(days=3, hours=1)
    recorded = cli.run("election", "close", "E1", "--as", "quinn", "--json").json_lines()
    closed = [e for e in recorded if e["type"] != "checkpoint.logged"]
    assert [(e["type"], e["actor"]) for e in closed] == [
        ("election.closed", "quinn"),
        ("mandate.granted", None),
        ("mandate.lapsed", None),  # mira's imported seat, taken over
        ("mandate.lapsed", None),  # …which seated her in the council she chaired
        ("election.opened", None),  # the chair's by-election
    ]
    granted, mill_lapsed, chair_lapsed, by_election = closed[1:]
    assert (granted["data"]["holder"], granted["data"]["mandate"]) == ("nils", "M5")
    assert mill_lapsed["data"]["mandate"] == "M3"
    assert chair_lapsed["data"]["mandate"] == "M4"
    assert chair_lapsed["data"]["cause"] == mill_lapsed["seq"]
    assert by_election["data"] == {
        "election": "E2",
        "office": "council.chair",
        "seats": 1,
        "cause": chair_lapsed["seq"],
        "kind": "by-election",
        "nominations_end": after_days(by_election["at"], 3),
    }

    # the council's by-election for its chair: its roll is the council as it now sits,
    # nils in, mira out
    cli.tick(hours=1)
    cli.run("election", "nominate", "E2", "nils", "--as", "nils")
    cli.run("election", "nominate", "E2", "boris", "--as", "ada")
    cli.run("election", "accept", "E2", "--as", "boris")
    cli.refused(
        "election",
        "nominate",
        "E2",
        "mira",
        "--as",
        "ada",
        says=["'mira' is not eligible", "council.chair"],
    )
    [started] = cli.run("election", "start", "E2", "--as", "boris", "--json").json_lines()
    assert started["data"]["roll_hash"] == votes.commit(["ada", "boris", "nils"]).hash
    cli.refused("vote", "E2", "nils", "--as", "mira", says=["'mira'", "not on the roll", "E2"])
    cli.run("vote", "E2", "nils", "boris", "--as", "ada")
    cli.run("vote", "E2", "boris", "nils", "--as", "boris")
    cli.run("vote", "E2", "nils", "--as", "nils")
    cli.run("election", "close", "E2", "--as", "ada")  # early: everyone on the roll voted

    # every deputy leaves their assembly: their seats lapse, the council is empty, and
    # the chair's by-election waits, refusing to start, for the bodies below
    cli.tick(hours=1)
    for deputy, assembly in (("ada", "foundry"), ("boris", "foundry"), ("nils", "mill")):
        cli.run("member", "leave", deputy, "--body", assembly, "--as", deputy)
    council = by_id(cli.json("show", "bodies"))["council"]
    assert (council["members"], council["deputies"]) == (0, [])

    elections = cli.json("show", "elections")
    chair = by_id(elections)["E2"]
    assert (chair["office"], chair["status"], chair["winners"]) == (
        "council.chair",
        "closed",
        ["nils"],
    )
    assert chair["result"]["method"] == "irv"
    assert chair["result"]["rounds"][0]["votes"] == {"nils": 2, "boris": 1}
    [by_election] = [
        e for e in elections if e["office"] == "council.chair" and e["status"] == "nominating"
    ]
    assert by_election["cause"] is not None
    cli.refused(
        "election",
        "start",
        by_election["id"],
        "--as",
        "nils",
        says=[by_election["id"], "roll would be empty"],
    )
