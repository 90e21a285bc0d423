"""`soviet init`, `show`, `audit` and `log` on a freshly adopted charter."""

from __future__ import annotations

from e2e.conftest import WORKS, Cli, by_id, events_of

EVENT_KEYS = {"seq", "at", "type", "actor", "data"}


def test_init_adopts_the_charter_and_show_lists_its_bodies_offices_and_members(
    cli: Cli,
) -> None:
    founded = cli.run("init", "--charter", str(WORKS))
    assert "Lakeside Works" in founded.stdout
    assert "3 bodies, 5 offices, 8 members" in founded.stdout

    bodies = by_id(cli.json("show", "bodies"))
    assert list(bodies) == ["foundry", "mill", "council"]
    assert bodies["foundry"]["kind"] == "assembly"
    assert bodies["foundry"]["parent"] == "council"
    assert bodies["foundry"]["members"] == 5
    assert bodies["mill"]["members"] == 3
    # a council's members are its seated deputies: only the imported mill deputy so far
    assert bodies["council"]["kind"] == "council"
    assert bodies["council"]["parent"] is None
    assert bodies["council"]["deputies"] == ["mira"]
    assert bodies["council"]["members"] == 1

    offices = by_id(cli.json("show", "offices"))
    assert list(offices) == [
        "foundry.deputy",
        "mill.deputy",
        "mill.stewards",
        "council.chair",
        "council.secretary",
    ]
    deputy = offices["foundry.deputy"]
    assert (deputy["body"], deputy["seats"], deputy["seat_in"]) == ("foundry", 2, "council")
    # left out in the charter: stv for two seats, irv for one, the electorate may stand,
    # and the rules of [rules] or their defaults
    assert deputy["method"] == "stv"
    assert offices["mill.deputy"]["method"] == "irv"
    assert offices["council.chair"]["method"] == "irv"
    assert deputy["eligible"] == "electorate"
    assert deputy["powers"] == []
    assert deputy["voting_days"] == 3
    assert deputy["term_days"] == 365
    assert deputy["recall_petition"] == "1/4"
    assert deputy["recall_immediate"] == "1/2"
    assert deputy["recall_quorum"] == "1/3"
    assert deputy["holders"] == []
    assert offices["mill.deputy"]["holders"] == ["mira"]
    assert offices["mill.stewards"]["method"] == "approval"
    secretary = offices["council.secretary"]
    assert (secretary["method"], secretary["eligible"]) == ("plurality", "members")
    assert secretary["powers"] == ["admit"]

    members = by_id(cli.json("show", "members"))
    assert sorted(members) == ["ada", "boris", "chen", "dora", "emil", "mira", "nils", "olga"]
    assert members["ada"]["name"] == "Ada Lovelace"
    assert members["ada"]["bodies"] == ["foundry"]
    assert members["olga"]["bodies"] == ["mill"]

    mandates = cli.json("show", "mandates")
    assert [(m["id"], m["office"], m["holder"], m["seat"]) for m in mandates] == [
        ("M1", "mill.deputy", "mira", 1)
    ]
    imported = mandates[0]
    assert imported["status"] == "active"
    assert imported["election"] is None
    assert imported["until"] is None
    assert cli.json("show", "elections") == []
    assert cli.json("show", "petitions") == []


def test_audit_finds_every_vacant_unelected_and_provisional_power_and_schedule_opens_elections(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))

    printed = cli.run("audit", code=1).stdout
    assert "provisional" in printed
    assert "vacant" in printed
    assert "unelected" in printed

    findings = cli.json("audit", code=1)
    assert all(set(f) >= {"office", "kind", "detail"} for f in findings)
    assert [(f["office"], f["kind"]) for f in findings] == [
        (None, "provisional"),
        ("foundry.deputy", "vacant"),
        ("foundry.deputy", "vacant"),
        ("mill.deputy", "unelected"),
        ("mill.stewards", "vacant"),
        ("mill.stewards", "vacant"),
        ("council.chair", "vacant"),
        ("council.secretary", "vacant"),
    ]
    provisional = findings[0]["detail"]
    assert "ada" in provisional and "boris" in provisional
    assert "council.secretary" in provisional
    unelected = findings[3]["detail"]
    assert "mira" in unelected and "M1" in unelected

    cli.tick(hours=1)
    scheduled = cli.run("audit", "--schedule", code=1)
    assert "opened regular election E1" in scheduled.stdout
    elections = cli.json("show", "elections")
    assert [(e["id"], e["office"], e["status"], e["seats"]) for e in elections] == [
        ("E1", "foundry.deputy", "nominating", 2),
        ("E2", "mill.deputy", "nominating", 1),
        ("E3", "mill.stewards", "nominating", 2),
        ("E4", "council.chair", "nominating", 1),
        ("E5", "council.secretary", "nominating", 1),
    ]
    assert all(e["winners"] == [] and e["result"] is None for e in elections)

    # the findings stay until the elections are held; a second schedule opens nothing
    cli.tick(hours=1)
    again = cli.run("audit", "--schedule", code=1)
    assert "opened" not in again.stdout

    log = cli.log()
    # every event recorded under SOVIET_NOW carries the marker that says so; a member's act
    # carries its signed statement too, what follows from it (actor null) none
    assert all(
        set(event) == EVENT_KEYS | {"clock"} | ({"signed"} if event["actor"] else set())
        and event["clock"] == "set"
        for event in log
    )
    assert [event["seq"] for event in log] == list(range(1, len(log) + 1))
    assert log[0]["type"] == "organization.founded"
    assert log[0]["actor"] is None
    admissions = events_of(log, "member.admitted")
    assert len(admissions) == 8
    assert all(e["actor"] is None and e["data"]["cause"] == 1 for e in admissions)
    imported = events_of(log, "mandate.imported")
    assert [(e["data"]["holder"], e["data"]["office"]) for e in imported] == [
        ("mira", "mill.deputy")
    ]
    opened = events_of(log, "election.opened")
    assert [e["data"]["election"] for e in opened] == ["E1", "E2", "E3", "E4", "E5"]
    assert all(e["actor"] is None for e in opened)
    assert all(e["at"] == "2026-01-05T10:00:00Z" for e in opened)
    enrolled = events_of(log, "member.key_registered")
    assert sorted(e["actor"] for e in enrolled) == sorted(e["data"]["member"] for e in admissions)
    assert len(log) == 1 + 8 + 1 + 8 + 5


def test_show_with_a_read_db_prints_the_same_and_says_at_which_log_size(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    plain = cli.run("show", "offices", "--json")
    through = cli.run("show", "offices", "--json", "--read-db", cli.db)
    assert through.stdout == plain.stdout and plain.stderr == ""
    assert through.stderr.startswith(f"note: read at log size {len(cli.log())} from ")


def test_a_read_db_that_does_not_exist_is_refused_in_one_line(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    missing = cli.folder / "replica.db"
    run = cli.run("log", "--read-db", str(missing), code=2)
    assert run.error.startswith(
        f"error: --read-db 'sqlite:///{missing}': the file {missing} does not exist; name a "
        "copy of "
    )
    assert not missing.exists()
