"""The purge and the power to admit through the CLI: the founders admit provisionally
until an office with `admit` is elected; terms run out; leaving an assembly lapses the
mandates that needed it."""

from __future__ import annotations

from datetime import timedelta

from e2e.conftest import SEATED, Cli, by_id, events_of, instant

# seated.toml: founders chen and nils; the council (ada, boris, mira) elects a secretary
# with the power to admit, for a term of 30 days.


def test_an_elected_secretary_takes_the_power_to_admit_from_the_founders_until_the_term_ends(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(SEATED))
    cli.tick(hours=1)

    # provisional: the founders admit, nobody else does
    cli.run("member", "add", "zoe", "--name", "Zoe Saldana", "--body", "mill", "--as", "nils")
    cli.refused(
        "member",
        "add",
        "yuri",
        "--body",
        "mill",
        "--as",
        "olga",
        says=["'olga' may not admit", "founders (chen, nils)"],
    )
    findings = cli.json("audit", code=1)
    assert findings[0]["office"] is None
    assert findings[0]["kind"] == "provisional"
    assert "chen, nils" in findings[0]["detail"]

    # the council elects its secretary by plurality (one choice per ballot) from among
    # all the members, deputies or not
    cli.run("election", "open", "council.secretary", "--as", "ada")
    cli.run("election", "nominate", "E1", "olga", "--as", "ada")
    cli.run("election", "accept", "E1", "--as", "olga")
    cli.run("election", "nominate", "E1", "chen", "--as", "boris")
    cli.run("election", "accept", "E1", "--as", "chen")
    cli.run("election", "start", "E1", "--as", "boris")
    cli.refused("vote", "E1", "olga", "chen", "--as", "ada", says=["E1", "plurality", "at most 1"])
    for voter, choice in (("ada", "olga"), ("boris", "chen"), ("mira", "olga")):
        cli.run("vote", "E1", choice, "--as", voter)
    [closed, *_] = cli.run("election", "close", "E1", "--as", "mira", "--json").json_lines()
    assert closed["data"]["winners"] == ["olga"]
    assert closed["data"]["result"]["method"] == "plurality"
    assert closed["data"]["result"]["rounds"][0]["votes"] == {"olga": 2, "chen": 1}
    elected_at = cli.clock
    secretary = by_id(cli.json("show", "mandates"))["M5"]
    assert (secretary["office"], secretary["holder"]) == ("council.secretary", "olga")
    assert secretary["until"] == instant(elected_at + timedelta(days=30))

    # the elected holder admits to the bodies below the council; the founders no longer do
    findings = cli.json("audit", code=1)
    assert [f["kind"] for f in findings] == ["unelected"] * 4
    cli.tick(hours=1)
    cli.refused(
        "member",
        "add",
        "yuri",
        "--body",
        "foundry",
        "--as",
        "chen",
        says=["'chen' may not admit members to 'foundry'"],
    )
    cli.run("member", "add", "yuri", "--name", "Yuri Gagarin", "--body", "foundry", "--as", "olga")
    members = by_id(cli.json("show", "members"))
    assert members["yuri"]["bodies"] == ["foundry"]
    assert members["zoe"]["bodies"] == ["mill"]

    # leaving the mill ends mira's seat from it, and with it her chair of the council
    left = cli.run("member", "leave", "mira", "--body", "mill", "--as", "mira", "--json")
    events = left.json_lines()
    assert [(e["type"], e["actor"]) for e in events] == [
        ("member.left", "mira"),
        ("mandate.lapsed", None),
        ("election.opened", None),
        ("mandate.lapsed", None),
        ("election.opened", None),
    ]
    assert [e["data"]["mandate"] for e in events_of(events, "mandate.lapsed")] == ["M3", "M4"]
    assert [e["data"]["office"] for e in events_of(events, "election.opened")] == [
        "mill.deputy",
        "council.chair",
    ]
    assert events[1]["data"]["cause"] == events[0]["seq"]
    assert events[3]["data"]["cause"] == events[1]["seq"]

    # the term runs out: the audit finds it, and the founders' provisional power is back
    cli.clock = elected_at + timedelta(days=30, hours=1)
    findings = cli.json("audit", code=1)
    assert findings[0]["kind"] == "provisional"
    [expired] = [f for f in findings if f["kind"] == "expired"]
    assert expired["office"] == "council.secretary"
    assert "olga" in expired["detail"] and "M5" in expired["detail"]

    # --schedule records the expiry (by the system, on its own) and opens an election
    cli.tick(minutes=1)
    cli.run("audit", "--schedule", code=1)
    log = cli.log()
    [expiry] = events_of(log, "mandate.expired")
    assert expiry["actor"] is None
    assert expiry["data"]["mandate"] == "M5"
    assert expiry["at"] == cli.now
    scheduled = [e for e in events_of(log, "election.opened") if e["seq"] > expiry["seq"]]
    assert [(e["data"]["office"], e["data"].get("cause")) for e in scheduled] == [
        ("council.secretary", expiry["seq"]),  # the by-election for the expired seat
        ("foundry.deputy", None),  # and one for the seats held without an election
    ]
    mandates = by_id(cli.json("show", "mandates"))
    assert {m: mandates[m]["status"] for m in mandates} == {
        "M1": "active",
        "M2": "active",
        "M3": "lapsed",
        "M4": "lapsed",
        "M5": "expired",
    }
    findings = cli.json("audit", code=1)
    assert "expired" not in {f["kind"] for f in findings}
    assert ("council.secretary", "vacant") in {(f["office"], f["kind"]) for f in findings}
