"""The procedure through the CLI, on a charter that keeps its defaults (procedure.toml):
nominations that close before the vote, consent and withdrawal, the unopposed return,
blank ballots, abstentions and changed votes, a void close below the quorum and its
extension, resignation, holdover, a petition's expiry and the recall cooldown, and who
may take a member out of a body. Every refusal is one line, exit 2, and writes nothing."""

from __future__ import annotations

from e2e.conftest import CHARTERS, Cli, by_id, events_of
from soviet.domain.clock import after_days, parse_instant

# procedure.toml: the depot (ana, ben, cid, dan, eve, fay; ana founds it) elects a
# deputy to the council (a 60-day term) and a steward with the power to admit; the
# council elects its chair. The deputy and the chair keep the default procedure; the
# steward's nominations are open, a lone candidate is counted, and half the roll must vote.
PROCEDURE = CHARTERS / "procedure.toml"


def returned_by_itself(cli: Cli, election: str) -> dict[str, object]:
    """The close that returned an election's candidates unopposed, as nobody's act."""
    [closed] = [
        e for e in events_of(cli.log(), "election.closed") if e["data"]["election"] == election
    ]
    assert closed["actor"] is None
    assert closed["data"]["outcome"] == "unopposed"
    return dict(closed["data"])


def test_nominations_need_consent_close_before_the_vote_and_return_a_lone_candidate(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(PROCEDURE))
    cli.tick(hours=1)
    [opened] = cli.run("election", "open", "depot.deputy", "--as", "ana", "--json").json_lines()
    assert opened["data"]["kind"] == "regular"
    assert opened["data"]["nominations_end"] == after_days(cli.now, 3)  # the default period

    cli.run("election", "nominate", "E1", "ben", "--as", "ana")
    # ben's nomination is his to accept: cid has none of her own to accept
    cli.refused("election", "accept", "E1", "--as", "cid", says=["'cid' has not been nominated"])
    cli.run("election", "accept", "E1", "--as", "ben")
    cli.run("election", "nominate", "E1", "dan", "--as", "dan")
    cli.run("election", "withdraw", "E1", "--as", "dan")
    cli.refused(
        "election", "nominate", "E1", "dan", "--as", "ana", says=["'dan' withdrew from election E1"]
    )
    cli.refused(
        "election",
        "start",
        "E1",
        "--as",
        "ana",
        says=["E1", "cannot start before its nominations close", opened["data"]["nominations_end"]],
    )
    [election] = cli.json("show", "elections")
    assert (election["status"], election["candidates"]) == ("nominating", ["ben"])

    # the nominations close with one candidate for one seat: the next act returns him
    cli.tick(days=3)
    cli.run("member", "add", "gus", "--name", "Gus Grav", "--body", "depot", "--as", "ana")
    closed = returned_by_itself(cli, "E1")
    assert closed["winners"] == ["ben"]
    [mandate] = cli.json("show", "mandates")
    assert (mandate["office"], mandate["holder"], mandate["election"]) == (
        "depot.deputy",
        "ben",
        "E1",
    )
    shown = cli.run("show", "election", "E1").stdout
    assert "unopposed" in shown and "returned unopposed: ben" in shown

    # a candidate withdraws only until the vote starts (the steward's nominations are open)
    cli.tick(hours=1)
    cli.run("election", "open", "depot.steward", "--as", "ana")
    cli.run("election", "nominate", "E2", "cid", "--as", "cid")
    cli.run("election", "nominate", "E2", "dan", "--as", "dan")
    cli.run("election", "start", "E2", "--as", "ana")
    cli.refused(
        "election", "withdraw", "E2", "--as", "cid", says=["E2", "withdraws only before the vote"]
    )
    # every act above, and what the clock made due between them, re-derives
    assert "Everything holds" in cli.run("verify").stdout


def test_blank_ballots_abstentions_and_changed_votes_a_void_close_and_an_extension(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(PROCEDURE))
    cli.tick(hours=1)
    cli.run("election", "open", "depot.steward", "--as", "ana")
    cli.run("election", "nominate", "E1", "ben", "--as", "ben")
    cli.run("election", "nominate", "E1", "cid", "--as", "cid")
    [started] = cli.run("election", "start", "E1", "--as", "ana", "--json").json_lines()
    ends = started["data"]["voting_ends"]

    cli.tick(minutes=5)
    cli.run("member", "add", "gus", "--name", "Gus Grav", "--body", "depot", "--as", "ana")
    cli.refused(
        "election", "extend", "E1", "--days", "1", "--as", "gus", says=["'gus'", "not on the roll"]
    )
    for days in ("0", "4"):
        cli.refused(
            "election", "extend", "E1", "--days", days, "--as", "ana", says=["by 1 to 3 days"]
        )
    cli.run("vote", "E1", "ben", "--as", "ana")
    cli.run("vote", "E1", "cid", "--as", "ana")  # ana changes her vote: still one voter
    seen = cli.json("show", "turnout", "E1")
    assert (seen["roll"], [e["id"] for e in seen["voted"]]) == (6, ["ana"])
    [extended] = cli.run(
        "election", "extend", "E1", "--days", "2", "--as", "dan", "--json"
    ).json_lines()
    assert (extended["type"], extended["actor"]) == ("election.extended", "dan")
    assert extended["data"]["voting_ends"] == after_days(ends, 2)
    cli.refused(
        "election", "extend", "E1", "--days", "1", "--as", "eve", says=["extended already, by dan"]
    )

    # 1 of 6 voted, below the quorum of half the roll: nobody is elected, a new election opens
    cli.tick(days=5)
    closed = cli.run("election", "close", "E1", "--as", "ana")
    assert "void: turnout 1 of 6 is below the quorum of 1/2 of the roll" in closed.stdout
    elections = by_id(cli.json("show", "elections"))
    assert elections["E1"]["winners"] == []
    assert (elections["E2"]["office"], elections["E2"]["status"]) == ("depot.steward", "nominating")
    assert "reason" in cli.run("show", "election", "E1").stdout

    cli.tick(hours=1)
    cli.run("election", "nominate", "E2", "ben", "--as", "ben")
    cli.run("election", "nominate", "E2", "cid", "--as", "cid")
    cli.run("election", "start", "E2", "--as", "ana")
    cli.run("vote", "E2", "ben", "--as", "ana")
    cli.run("vote", "E2", "--blank", "--as", "ben")
    cli.run("vote", "E2", "--abstain", "--as", "cid")
    cli.run("vote", "E2", "cid", "--as", "dan")
    cli.run("vote", "E2", "ben", "--as", "dan")  # dan changes his vote: the latest counts
    cli.refused("vote", "E2", "--blank", "--abstain", "--as", "eve", says=["not both"])
    cli.refused("vote", "E2", "--as", "eve", says=["name at least one candidate"])
    seen = cli.json("show", "turnout", "E2")
    assert [e["id"] for e in seen["voted"]] == ["ana", "ben", "cid", "dan"]
    # gus, admitted before E2 started, is on its roll
    assert "4 of 7 on the roll have voted" in cli.run("show", "turnout", "E2").stdout
    cli.refused("election", "extend", "E2", "--days", "1", "--as", "eve", says=["met its quorum"])

    cli.tick(days=3)
    [close, *_] = cli.run("election", "close", "E2", "--as", "ana", "--json").json_lines()
    assert close["data"]["winners"] == ["ben"]
    assert close["data"]["outcome"] == "elected"
    assert close["data"]["turnout"] == {
        "roll": 7,
        "voted": 4,
        "blank": 1,
        "abstained": 1,
        "valid": 2,
    }
    assert "4 of 7 voted (1 blank, 1 abstained)" in cli.run("show", "election", "E2").stdout
    ballots = [e for e in events_of(cli.log(), "ballot.cast") if e["data"]["election"] == "E2"]
    assert [e["data"].get("abstain") for e in ballots] == [None, None, True, None, None]
    assert ballots[-1]["data"]["replaces"] == ballots[-2]["seq"]

    # ben, the steward, may admit but not remove: leaving is cid's own act
    cli.tick(hours=1)
    cli.refused(
        "member", "leave", "cid", "--body", "depot", "--as", "ben", says=["'ben' may not remove"]
    )
    cli.run("member", "leave", "cid", "--body", "depot", "--as", "cid")
    # every act above, and what the clock made due between them, re-derives
    assert "Everything holds" in cli.run("verify").stdout


def test_a_holder_resigns_and_the_seat_and_the_council_seat_it_fed_are_refilled(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(PROCEDURE))
    cli.tick(hours=1)
    cli.run("election", "open", "depot.deputy", "--as", "ana")
    cli.run("election", "nominate", "E1", "ben", "--as", "ben")
    cli.tick(days=3)
    cli.run("election", "open", "council.chair", "--as", "ben")  # ben was returned first
    returned_by_itself(cli, "E1")
    cli.run("election", "nominate", "E2", "ben", "--as", "ben")
    cli.tick(days=3)
    cli.run("member", "add", "gus", "--name", "Gus Grav", "--body", "depot", "--as", "ana")
    returned_by_itself(cli, "E2")
    mandates = by_id(cli.json("show", "mandates"))
    assert [(m["office"], m["holder"]) for m in mandates.values()] == [
        ("depot.deputy", "ben"),
        ("council.chair", "ben"),
    ]

    cli.tick(hours=1)
    cli.refused("mandate", "resign", "M1", "--as", "cid", says=["only its holder, 'ben'"])
    resigned = cli.run(
        "mandate", "resign", "M1", "--reason", "moving away", "--as", "ben", "--json"
    ).json_lines()
    assert [(e["type"], e["actor"]) for e in resigned] == [
        ("mandate.resigned", "ben"),
        ("election.opened", None),
        ("mandate.lapsed", None),
        ("election.opened", None),
    ]
    assert resigned[1]["data"]["office"] == "depot.deputy"
    assert resigned[1]["data"]["kind"] == "by-election"
    assert resigned[2]["data"]["mandate"] == "M2"
    mandates = by_id(cli.json("show", "mandates"))
    assert (mandates["M1"]["status"], mandates["M2"]["status"]) == ("resigned", "lapsed")
    # every act above, and what the clock made due between them, re-derives
    assert "Everything holds" in cli.run("verify").stdout


def test_a_petition_expires_a_failed_recall_bars_another_and_a_term_holds_over(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(PROCEDURE))
    cli.tick(hours=1)
    cli.run("election", "open", "depot.deputy", "--as", "ana")
    cli.run("election", "nominate", "E1", "ben", "--as", "ben")
    cli.tick(days=3)
    [opened] = events_of(
        cli.run("recall", "open", "M1", "--reason", "absent", "--as", "ana", "--json").json_lines(),
        "petition.opened",
    )
    returned_by_itself(cli, "E1")
    [mandate] = cli.json("show", "mandates")
    assert opened["data"]["expires"] == after_days(cli.now, 30)  # the default petition_days

    # one signature of six is short of a quarter: after 30 days the petition expires
    cli.tick(days=30)
    reopened = cli.run(
        "recall", "open", "M1", "--reason", "still absent", "--as", "ana", "--json"
    ).json_lines()
    # what the clock made due is recorded first, and printed with the act
    assert [e["type"] for e in reopened] == ["recall.closed", "petition.opened"]
    expired, again = reopened
    assert again["data"]["petition"] == "P2"
    assert (expired["actor"], expired["data"]["outcome"]) == (None, "expired")
    cli.refused("recall", "sign", "P1", "--as", "cid", says=["P1", "takes no signatures"])

    cli.run("recall", "sign", "P2", "--as", "cid")  # two of six: a recall vote
    cli.run("recall", "vote", "P2", "yes", "--as", "ana")
    cli.run("recall", "vote", "P2", "no", "--as", "ben")
    cli.run("recall", "vote", "P2", "abstain", "--as", "dan")
    cli.tick(days=3)
    [closed, *_] = cli.run("recall", "close", "P2", "--as", "ana", "--json").json_lines()
    assert closed["data"]["outcome"] == "failed"
    until = after_days(closed["at"], 90)  # the default recall_cooldown_days
    cli.tick(hours=1)
    cli.refused(
        "recall",
        "open",
        "M1",
        "--reason",
        "absent again",
        "--as",
        "cid",
        says=["M1", f"cannot be petitioned again until {until}", "recall_cooldown_days = 90"],
    )

    # the 60-day term ends: ben holds over, and the next act opens a regular election
    cli.clock = parse_instant(mandate["until"])
    findings = cli.json("audit", code=1)
    [held] = [f for f in findings if f["kind"] == "holdover"]
    assert (held["office"], held["mandate"]) == ("depot.deputy", "M1")
    assert "they hold over until their successor's election closes" in held["detail"]
    assert "holdover" in cli.run("audit", code=1).stdout
    cli.run("member", "add", "gus", "--name", "Gus Grav", "--body", "depot", "--as", "ana")
    [term] = [e for e in events_of(cli.log(), "election.opened") if e["data"]["election"] == "E2"]
    assert term["actor"] is None
    assert (term["data"]["kind"], term["data"]["reason"]) == ("regular", "term")
    [mandate] = cli.json("show", "mandates")
    assert mandate["status"] == "active"

    # past the cooldown the held-over mandate can be petitioned again
    cli.clock = parse_instant(until)
    [third] = cli.run(
        "recall", "open", "M1", "--reason", "absent again", "--as", "cid", "--json"
    ).json_lines()
    assert third["data"]["petition"] == "P3"
    # every act above, and what the clock made due between them, re-derives
    assert "Everything holds" in cli.run("verify").stdout
