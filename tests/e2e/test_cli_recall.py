"""Recall through the CLI: petition, signatures, the recall vote or the immediate end,
and the cascade of a lost seat up through the council."""

from __future__ import annotations

from datetime import timedelta

from e2e.conftest import SEATED, Cli, by_id, events_of, instant
from soviet.domain import votes
from soviet.domain.clock import after_days

# seated.toml: ada and boris (foundry, 5 members) and mira (mill, 5 members) sit in the
# council, which mira chairs; M1 ada, M2 boris, M3 mira (mill deputy), M4 mira (chair).
# Shares: a petition at 1/4 of the electorate forces a vote, 1/2 ends the mandate at
# once; a quorum of 1/3 must vote.


def test_a_recall_vote_that_passes_ends_the_mandate_and_cascades_to_the_council_above(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(SEATED))

    cli.tick(hours=1)
    [opened] = cli.run(
        "recall", "open", "M3", "--reason", "voted against the mill", "--as", "nils", "--json"
    ).json_lines()
    assert opened["type"] == "petition.opened"
    assert opened["data"] == {
        "petition": "P1",
        "mandate": "M3",
        "reason": "voted against the mill",
        "expires": after_days(opened["at"], 30),  # the charter's default petition_days
    }
    [petition] = cli.json("show", "petitions")
    # the opener is the first signature; 1 of 5 is short of 1/4
    assert (petition["id"], petition["mandate"], petition["status"]) == ("P1", "M3", "open")
    assert petition["signatures"] == 1

    cli.tick(hours=1)
    signed = cli.run("recall", "sign", "P1", "--as", "olga", "--json").json_lines()
    assert [(e["type"], e["actor"]) for e in signed] == [
        ("petition.signed", "olga"),
        ("recall.vote_opened", None),
    ]
    vote_opened = signed[1]
    assert vote_opened["data"]["cause"] == signed[0]["seq"]
    roll = ["mira", "nils", "olga", "piet", "quinn"]
    assert vote_opened["data"]["roll_hash"] == votes.commit(roll).hash
    assert vote_opened["data"]["voting_ends"] == instant(cli.clock + timedelta(days=3))
    [petition] = cli.json("show", "petitions")
    assert (petition["status"], petition["signatures"]) == ("voting", 2)
    assert petition["votes"] == {"yes": 0, "no": 0}

    # the roll froze when the vote opened: a member admitted now does not vote
    cli.tick(minutes=5)
    cli.run("member", "add", "zoe", "--name", "Zoe Saldana", "--body", "mill", "--as", "nils")
    cli.refused("recall", "vote", "P1", "yes", "--as", "zoe", says=["'zoe'", "not on the roll"])

    for voter, choice in (("nils", "yes"), ("olga", "yes"), ("piet", "yes"), ("mira", "no")):
        cli.tick(minutes=1)
        cast = cli.run("recall", "vote", "P1", choice, "--as", voter)  # the holder votes too
        assert f"{voter} voted {choice} on petition P1" in cast.stdout
    cli.refused(
        "recall",
        "close",
        "P1",
        "--as",
        "olga",
        says=["P1", "cannot close before", "1 of 5 electors have not voted"],
    )

    cli.tick(days=3)
    closing = cli.run("recall", "close", "P1", "--as", "mira", "--json").json_lines()
    closed = [e for e in closing if e["type"] != "checkpoint.logged"]
    assert [(e["type"], e["actor"]) for e in closed] == [
        ("recall.closed", "mira"),
        ("mandate.recalled", None),
        ("election.opened", None),  # the mill deputy's by-election
        ("mandate.lapsed", None),  # mira no longer sits in the council she chaired
        ("election.opened", None),  # the chair's by-election
    ]
    outcome, recalled, mill_by_election, lapsed, chair_by_election = closed
    assert outcome["data"]["outcome"] == "recalled"
    assert outcome["data"]["result"]["winners"] == ["yes"]
    assert outcome["data"]["result"]["rounds"][0]["votes"] == {"yes": 3, "no": 1}
    assert recalled["data"]["mandate"] == "M3"
    assert recalled["data"]["cause"] == outcome["seq"]
    assert mill_by_election["data"] == {
        "election": "E1",
        "office": "mill.deputy",
        "seats": 1,
        "cause": recalled["seq"],
        "kind": "by-election",
        "nominations_end": after_days(mill_by_election["at"], 3),
    }
    assert lapsed["data"]["mandate"] == "M4"
    assert lapsed["data"]["cause"] == recalled["seq"]
    assert chair_by_election["data"] == {
        "election": "E2",
        "office": "council.chair",
        "seats": 1,
        "cause": lapsed["seq"],
        "kind": "by-election",
        "nominations_end": after_days(chair_by_election["at"], 3),
    }

    mandates = by_id(cli.json("show", "mandates"))
    assert {m: mandates[m]["status"] for m in mandates} == {
        "M1": "active",
        "M2": "active",
        "M3": "recalled",
        "M4": "lapsed",
    }
    [petition] = cli.json("show", "petitions")
    assert (petition["status"], petition["votes"]) == ("recalled", {"yes": 3, "no": 1})
    elections = by_id(cli.json("show", "elections"))
    assert {e: (elections[e]["office"], elections[e]["status"]) for e in elections} == {
        "E1": ("mill.deputy", "nominating"),
        "E2": ("council.chair", "nominating"),
    }
    assert elections["E1"]["cause"] == recalled["seq"]
    assert elections["E2"]["cause"] == lapsed["seq"]
    council = by_id(cli.json("show", "bodies"))["council"]
    assert council["deputies"] == ["ada", "boris"]

    log = cli.log()
    assert [event["seq"] for event in log] == list(range(1, len(log) + 1))
    assert log[-len(closing) :] == closing
    for event in events_of(log, "mandate.lapsed") + events_of(log, "mandate.recalled"):
        assert event["actor"] is None
        assert isinstance(event["data"]["cause"], int)


def test_a_recall_ends_at_once_at_the_immediate_share_and_fails_without_a_majority_or_quorum(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(SEATED))
    cli.tick(hours=1)

    # against ada: 2 of 5 force a vote; the third signature reaches 1/2 while it runs,
    # and the mandate ends at once, without counting the vote
    cli.run("recall", "open", "M1", "--reason", "never attends", "--as", "chen")
    cli.run("recall", "sign", "P1", "--as", "dora")
    ended = cli.run("recall", "sign", "P1", "--as", "emil", "--json").json_lines()
    assert [(e["type"], e["actor"]) for e in ended] == [
        ("petition.signed", "emil"),
        ("mandate.recalled", None),
        ("election.opened", None),
    ]
    signed, recalled, by_election = ended
    assert recalled["data"]["mandate"] == "M1"
    assert recalled["data"]["by"] == "signatures"
    assert recalled["data"]["cause"] == signed["seq"]
    assert (recalled["data"]["signatures"], recalled["data"]["electorate"]) == (3, 5)
    assert by_election["data"]["office"] == "foundry.deputy"
    assert by_election["data"]["cause"] == recalled["seq"]
    cli.refused("recall", "sign", "P1", "--as", "boris", says=["P1", "recalled"])

    # against boris: one yes of five is short of the 1/3 quorum
    cli.run("recall", "open", "M2", "--reason", "never attends", "--as", "chen")
    cli.run("recall", "sign", "P2", "--as", "dora")
    cli.run("recall", "vote", "P2", "yes", "--as", "dora")
    # against mira: one yes, one no; yes must beat no
    cli.run("recall", "open", "M3", "--reason", "voted against the mill", "--as", "nils")
    cli.run("recall", "sign", "P3", "--as", "olga")
    cli.run("recall", "vote", "P3", "yes", "--as", "nils")
    cli.run("recall", "vote", "P3", "no", "--as", "mira")

    cli.tick(days=3, hours=1)
    quorum = cli.run("recall", "close", "P2", "--as", "chen", "--json").json_lines()
    tie = cli.run("recall", "close", "P3", "--as", "olga", "--json").json_lines()
    # a failed recall vote ends nothing; its result is anchored by a signed checkpoint
    assert [e["type"] for e in quorum] == ["recall.closed", "checkpoint.logged"]
    assert [e["type"] for e in tie] == ["recall.closed", "checkpoint.logged"]
    assert quorum[0]["data"]["outcome"] == "failed"
    assert "quorum not met" in quorum[0]["data"]["result"]["rounds"][0]["note"]
    assert tie[0]["data"]["outcome"] == "failed"
    assert tie[0]["data"]["result"]["rounds"][0]["votes"] == {"yes": 1, "no": 1}

    petitions = by_id(cli.json("show", "petitions"))
    assert {p: petitions[p]["status"] for p in petitions} == {
        "P1": "recalled",
        "P2": "failed",
        "P3": "failed",
    }
    assert petitions["P1"]["signatures"] == 3
    mandates = by_id(cli.json("show", "mandates"))
    assert {m: mandates[m]["status"] for m in mandates} == {
        "M1": "recalled",
        "M2": "active",
        "M3": "active",
        "M4": "active",
    }
    # a mandate that survived a recall vote cannot be petitioned again for the cooldown
    # (recall_cooldown_days, 90 by default); a failed petition then leaves the way open
    cli.refused(
        "recall",
        "open",
        "M2",
        "--reason",
        "still never attends",
        "--as",
        "emil",
        says=["mandate M2 survived a recall vote", "recall_cooldown_days = 90"],
    )
    cli.tick(days=90)
    cli.run("recall", "open", "M2", "--reason", "still never attends", "--as", "emil")
