"""Through the CLI, on limits.toml: a lone candidate confirmed by a yes/no vote, votes
that close by themselves when their period ends, an exclusive office and the most
offices one member may hold."""

from __future__ import annotations

from e2e.conftest import CHARTERS, Cli, events_of

LIMITS = CHARTERS / "limits.toml"
SHOP = ("ann", "bob", "cy", "di", "ed")


def elect_alone(cli: Cli, office: str, election: str, candidate: str) -> None:
    """`candidate` stands alone for `office`; everyone votes for them; the period ends."""
    cli.run("election", "open", office, "--as", "ann")
    cli.run("election", "nominate", election, candidate, "--as", candidate)
    cli.run("election", "start", election, "--as", "ann")
    for voter in SHOP:
        cli.run("vote", election, candidate, "--as", voter)
    cli.tick(days=2, minutes=1)


def test_a_lone_candidate_is_confirmed_by_a_vote_that_closes_by_itself(cli: Cli) -> None:
    cli.run("init", "--charter", str(LIMITS))
    cli.tick(hours=1)
    cli.run("election", "open", "shop.chair", "--as", "ann")
    cli.run("election", "nominate", "E1", "ann", "--as", "ann")
    started = cli.run("election", "start", "E1", "--as", "bob", "--json").json_lines()
    assert started[-1]["type"] == "election.started"  # one candidate, one seat: a ballot
    for voter in ("ann", "bob", "cy"):
        cli.run("vote", "E1", "ann", "--as", voter)
    cli.run("vote", "E1", "--blank", "--as", "di")  # a no to every candidate
    cli.run("vote", "E1", "--abstain", "--as", "ed")  # neither
    # no elector closes it: the first act after its period closes it, as nobody's act
    cli.tick(days=2, minutes=1)
    cli.run("election", "open", "shop.clerk", "--as", "bob")
    [closed] = events_of(cli.log(), "election.closed")
    assert closed["actor"] is None
    assert closed["data"]["winners"] == ["ann"]
    assert closed["data"]["result"]["method"] == "confirmation"
    assert "ann: yes 3, no 1: confirmed" in closed["data"]["result"]["note"]
    assert closed["data"]["turnout"] == {
        "roll": 5,
        "voted": 5,
        "blank": 1,
        "abstained": 1,
        "valid": 3,
    }
    [mandate] = [m for m in cli.json("show", "mandates") if m["office"] == "shop.chair"]
    assert (mandate["holder"], mandate["status"]) == ("ann", "active")
    # the close nobody took is re-derived like any act: the seed, the count, the grant
    assert "Everything holds" in cli.run("verify").stdout


def test_an_exclusive_office_and_max_offices_limit_who_may_stand(cli: Cli) -> None:
    cli.run("init", "--charter", str(LIMITS))
    cli.tick(hours=1)
    elect_alone(cli, "shop.chair", "E1", "ann")
    elect_alone(cli, "shop.clerk", "E2", "bob")  # opening it closes E1 first
    cli.run("election", "open", "shop.treasurer", "--as", "ann")  # and this one E2
    cli.refused(
        "election",
        "nominate",
        "E3",
        "ann",
        "--as",
        "ann",
        says=["'ann' holds the exclusive office 'shop.chair'", "cannot stand for another"],
    )
    cli.run("election", "nominate", "E3", "bob", "--as", "bob")
    cli.run("election", "start", "E3", "--as", "ann")
    for voter in SHOP:
        cli.run("vote", "E3", "bob", "--as", voter)
    cli.tick(days=2, minutes=1)
    cli.run("election", "open", "shop.auditor", "--as", "ann")  # E3 closes: bob holds two
    cli.refused(
        "election",
        "nominate",
        "E4",
        "bob",
        "--as",
        "bob",
        says=["'bob' already holds 2 offices", "max_offices = 2"],
    )
    held = sorted(
        (m["holder"], m["office"]) for m in cli.json("show", "mandates") if m["status"] == "active"
    )
    assert held == [("ann", "shop.chair"), ("bob", "shop.clerk"), ("bob", "shop.treasurer")]
    assert "Everything holds" in cli.run("verify").stdout


def test_an_election_left_without_a_candidate_stays_open_and_the_audit_says_so(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(LIMITS))
    cli.tick(hours=1)
    cli.run("election", "open", "shop.auditor", "--as", "ann")
    assert "no-candidate" not in cli.run("audit", code=1).stdout  # its nominations run
    cli.tick(days=3, minutes=1)
    found = cli.run("audit", code=1).stdout
    assert "no-candidate" in found and "election E1 has no candidate" in found
    assert "stays open for nominations" in found
    cli.run("election", "nominate", "E1", "cy", "--as", "cy")  # it still takes them
    [election] = [e for e in cli.json("show", "elections") if e["id"] == "E1"]
    assert (election["status"], election["candidates"]) == ("nominating", ["cy"])
