"""Members' own keys through the CLI, as a newcomer meets them: `init` hands out one
enrollment code per charter member in a file for the founder alone; each member enrolls
a key of their own with it (`soviet key enroll CODE`), kept in their key folder; every act
`--as MEMBER` is signed with that key, and refused, writing nothing, without it. A key is
rotated by its holder, reset by an officer who may admit when it is lost; and the log
that holds all of it verifies, signatures included.

These stories enroll by hand: they found with `enroll=False`, so no member holds a key
until the story says so.
"""

from __future__ import annotations

import csv
import re
import shutil
import stat
from pathlib import Path
from typing import Any

from e2e.conftest import CHARTERS, CODE, WORKS, Cli, events_of

#: A small organization of another name (another origin): ann founds it.
LIMITS = CHARTERS / "limits.toml"
#: The charter members of works.toml; ada and boris found it, so may admit until an
#: office with that power is elected; nils is an ordinary member of the mill.
MEMBERS = ["ada", "boris", "chen", "dora", "emil", "mira", "nils", "olga"]


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def key_file(cli: Cli, member: str) -> Path:
    """The member's key file in the test's key folder (one folder per organization)."""
    [path] = cli.keys.glob(f"*/{member}.key")
    return path


def founded(cli: Cli) -> Cli:
    """works.toml founded, nobody enrolled yet."""
    cli.run("init", "--charter", str(WORKS), enroll=False)
    return cli


def enroll(cli: Cli, code: str, *args: str) -> str:
    """`soviet key enroll CODE` as a member types it; returns the key id it registered."""
    said = cli.run("key", "enroll", code, *args).stdout
    registered = re.search(r"key ([0-9a-f]{16}) registered at seq \d+", said)
    assert registered, said
    return registered[1]


def verified(cli: Cli) -> dict[str, Any]:
    """`soviet verify` holds, and says it checked every signature."""
    said = cli.run("verify").stdout
    assert "Everything holds." in said
    [line] = [line for line in said.splitlines() if line.split()[:2] == ["ok", "signatures"]]
    assert "signed acts" in line
    report: dict[str, Any] = cli.json("verify")
    assert report["ok"]
    return report


# -- the codes ---------------------------------------------------------------------------


def test_init_writes_each_charter_members_code_to_a_file_for_the_founder_alone(
    cli: Cli,
) -> None:
    said = cli.run("init", "--charter", str(WORKS), enroll=False).stdout
    codes = cli.folder / "soviet.codes.csv" if "sqlite" in cli.db else None
    assert cli.codes_file is not None
    if codes is not None:  # beside the database
        assert cli.codes_file == codes
    printed = re.search(r"enrollment code is in (\S+) \(", said)
    assert printed, said  # the path as given: absolute beside a file, else the folder's
    assert cli.folder / printed[1] == cli.codes_file
    assert "readable by you alone" in said and "soviet key enroll CODE" in said

    assert mode_of(cli.codes_file) == 0o600
    header = cli.codes_file.read_text(encoding="utf-8").splitlines()[0]
    assert header == "member,name,code,expires"
    rows = rows_of(cli.codes_file)
    assert [row["member"] for row in rows] == MEMBERS
    assert rows[0]["name"] == "Ada Lovelace"
    assert all(re.fullmatch(CODE, row["code"]) for row in rows)
    assert len({row["code"] for row in rows}) == len(rows)
    # good for the charter's enrollment_days (30 by default) from the founding
    assert {row["expires"] for row in rows} == {"2026-02-04T09:00:00Z"}
    assert f"until {rows[0]['expires']}" in said

    # the log holds each code's hash, never the code
    log_text = cli.run("log", "--json").stdout
    assert not any(row["code"] in log_text for row in rows)
    admitted = events_of(cli.log(), "member.admitted")
    assert all(re.fullmatch(r"[0-9a-f]{64}", e["data"]["code"]) for e in admitted)

    # nobody holds a key yet; each is told how to enroll
    shown = cli.run("key", "show", "--as", "nils").stdout.replace("\n", " ")
    assert "nils holds no key" in shown
    assert "An enrollment code is outstanding until 2026-02-04T09:00:00Z" in shown
    assert "soviet key enroll CODE" in shown


def test_init_writes_the_codes_where_codes_says(cli: Cli) -> None:
    said = cli.run(
        "init", "--charter", str(WORKS), "--codes", "for-the-founder.csv", enroll=False
    ).stdout
    assert cli.codes_file == cli.folder / "for-the-founder.csv"
    assert "for-the-founder.csv" in said
    assert mode_of(cli.codes_file) == 0o600
    assert [row["member"] for row in rows_of(cli.codes_file)] == MEMBERS
    assert not (cli.folder / "soviet.codes.csv").exists()


# -- enrolling ----------------------------------------------------------------------------


def test_a_member_enrolls_with_their_code_and_key_show_names_the_key(cli: Cli) -> None:
    founded(cli)
    code = cli.codes()["nils"]
    said = cli.run("key", "enroll", code).stdout.replace("\n", " ")
    registered = events_of(cli.log(), "member.key_registered")
    assert [(e["actor"], e["data"]["member"]) for e in registered] == [("nils", "nils")]
    key, seq = registered[0]["data"]["key"], registered[0]["seq"]
    path = key_file(cli, "nils")
    assert f"Enrolled nils: key {key} registered at seq {seq}" in said
    assert f"its private half is in {path}" in said and "Act with --as nils" in said
    assert path.parent.parent == cli.keys
    assert mode_of(path) == 0o600
    # the log holds the public key and the code's proof; the private key stays here
    assert code not in cli.run("log", "--json").stdout
    assert registered[0]["signed"]["key"] == key  # the registration is signed by the new key

    shown = cli.run("key", "show", "--as", "nils").stdout.replace("\n", " ")
    assert f"nils signs with key {key} (registered at seq {seq})" in shown
    assert f"Its private half is in {path}" in shown

    # and nils acts with it: the act's event carries the statement nils signed
    cli.tick(minutes=5)
    cli.run("election", "open", "mill.stewards", "--as", "nils")
    [opened] = events_of(cli.log(), "election.opened")
    assert opened["actor"] == "nils"
    assert opened["signed"]["key"] == key
    statement = opened["signed"]["statement"]
    assert (statement["actor"], statement["type"]) == ("nils", "election.open")
    assert statement["origin"] == "lakeside-works"
    verified(cli)


def test_key_show_json_says_whether_a_key_is_held_and_where_its_private_half_is(
    cli: Cli,
) -> None:
    founded(cli)
    before = cli.json("key", "show", "--as", "chen")
    assert before["member"] == "chen"
    assert before["key"] is None and before["registered"] is None and before["file_key"] is None
    assert before["code_expires"] == "2026-02-04T09:00:00Z"

    key = enroll(cli, cli.codes()["chen"])
    after = cli.json("key", "show", "--as", "chen")
    assert after["key"] == after["file_key"] == key
    assert after["file"] == str(key_file(cli, "chen"))
    assert after["registered"] == events_of(cli.log(), "member.key_registered")[0]["seq"]
    assert after["code_expires"] is None  # the code is spent
    assert isinstance(after["public_key"], str) and after["public_key"]


def test_a_code_enrolls_once_and_a_second_enrollment_with_it_is_refused(cli: Cli) -> None:
    founded(cli)
    code = cli.codes()["dora"]
    enroll(cli, code)
    path = key_file(cli, "dora")
    held = path.read_bytes()
    cli.tick(minutes=1)
    cli.refused(
        "key",
        "enroll",
        code,
        says=["no member's outstanding enrollment code", "it was used", "ask an officer"],
    )
    assert path.read_bytes() == held  # the key enrolled first stays in force, and in place
    assert len(events_of(cli.log(), "member.key_registered")) == 1


def test_a_code_typed_in_lower_case_without_dashes_enrolls(cli: Cli) -> None:
    founded(cli)
    typed = cli.codes()["emil"].replace("-", "").lower()
    key = enroll(cli, typed)
    assert cli.json("key", "show", "--as", "emil")["key"] == key


def test_a_code_that_is_nobodys_or_no_code_at_all_is_refused(cli: Cli) -> None:
    founded(cli)
    cli.refused(
        "key",
        "enroll",
        "0000-0000-0000-0000",
        says=["this code is no member's outstanding enrollment code", "mistyped"],
    )
    cli.refused(
        "key", "enroll", "7K2M-Q9XD", says=["'7K2M-Q9XD' is not a code", "XXXX-XXXX-XXXX-XXXX"]
    )
    cli.refused("key", "enroll", "7K2M-Q9XD-4HTR-WB3U", says=["is not a code"])  # no U
    assert "key enroll" in cli.refused("key", "enroll", says=["CODE", "--codes FILE"])
    assert not cli.keys.exists() or not any(cli.keys.rglob("*.key"))


def test_a_code_past_its_expiry_is_refused_saying_when_it_expired(cli: Cli) -> None:
    founded(cli)
    cli.tick(days=31)
    cli.refused(
        "key",
        "enroll",
        cli.codes()["olga"],
        says=["the enrollment code of 'olga' expired at 2026-02-04T09:00:00Z", "ask an officer"],
    )


# -- acting with a key ---------------------------------------------------------------------


def test_acting_without_a_key_is_refused_saying_how_to_enroll_and_writes_nothing(
    cli: Cli,
) -> None:
    founded(cli)
    before = len(cli.log())
    error = cli.refused(
        "election",
        "open",
        "foundry.deputy",
        "--as",
        "ada",
        says=["no key of 'ada'", str(cli.keys), "soviet key enroll CODE", "--key FILE"],
    )
    assert "Traceback" not in error
    assert len(cli.log()) == before


def test_a_key_file_open_to_group_or_others_is_refused_naming_the_file(cli: Cli) -> None:
    founded(cli)
    enroll(cli, cli.codes()["ada"])
    path = key_file(cli, "ada")
    for mode in (0o640, 0o604):
        path.chmod(mode)
        cli.refused(
            "election",
            "open",
            "foundry.deputy",
            "--as",
            "ada",
            says=[f"the key file {path} is open to group or others", f"chmod 600 {path}"],
        )
    path.chmod(0o600)
    cli.run("election", "open", "foundry.deputy", "--as", "ada")
    verified(cli)


def test_a_key_file_of_another_organization_is_refused_naming_both(cli: Cli) -> None:
    founded(cli)
    enroll(cli, cli.codes()["ada"])
    (cli.folder / "shop").mkdir()
    shop = Cli(f"sqlite:///{cli.folder / 'shop' / 'shop.db'}", cli.folder / "shop")
    shop.run("init", "--charter", str(LIMITS))  # and its members enroll
    theirs = key_file(shop, "ann")
    assert theirs.parent.name == "corner-shop"
    # ada given ann's key of the corner shop
    cli.refused(
        "election",
        "open",
        "foundry.deputy",
        "--as",
        "ada",
        "--key",
        str(theirs),
        says=[f"the key file {theirs}", "'corner-shop'", "not 'lakeside-works'"],
    )
    # the same file put in place of ada's own is still the corner shop's
    planted = key_file(cli, "ada")
    shutil.copy2(theirs, planted)
    cli.refused(
        "election",
        "open",
        "foundry.deputy",
        "--as",
        "ada",
        says=[f"the key file {planted}", "'corner-shop'", "not 'lakeside-works'"],
    )


def test_a_key_of_another_database_founded_on_the_same_charter_is_not_the_key_in_force(
    cli: Cli,
) -> None:
    founded(cli)
    ours = enroll(cli, cli.codes()["ada"])
    (cli.folder / "twin").mkdir()
    twin = Cli(f"sqlite:///{cli.folder / 'twin' / 'twin.db'}", cli.folder / "twin")
    twin.run("init", "--charter", str(WORKS))  # the same origin, lakeside-works
    theirs = twin.json("key", "show", "--as", "ada")["key"]
    cli.refused(
        "election",
        "open",
        "foundry.deputy",
        "--as",
        "ada",
        "--key",
        str(key_file(twin, "ada")),
        says=[f"signed with key {theirs}", "key in force", ours],
    )


def test_key_signs_with_the_key_file_it_names(cli: Cli) -> None:
    founded(cli)
    usb = cli.folder / "usb"
    usb.mkdir()
    # boris enrolls onto a stick of his own, not into the key folder
    said = cli.run("key", "enroll", cli.codes()["boris"], "--key", "usb/boris.key").stdout
    assert "usb/boris.key" in said
    assert mode_of(usb / "boris.key") == 0o600
    assert not cli.keys.exists() or not any(cli.keys.rglob("boris.key"))
    key = cli.json("key", "show", "--as", "boris", "--key", "usb/boris.key")["file_key"]

    cli.tick(minutes=1)
    cli.refused("election", "open", "foundry.deputy", "--as", "boris", says=["no key of 'boris'"])
    cli.run("election", "open", "foundry.deputy", "--as", "boris", "--key", "usb/boris.key")
    [opened] = events_of(cli.log(), "election.opened")
    assert (opened["actor"], opened["signed"]["key"]) == ("boris", key)
    # a key file is one member's: boris's key does not sign for ada
    cli.refused(
        "election",
        "open",
        "mill.deputy",
        "--as",
        "ada",
        "--key",
        "usb/boris.key",
        says=["usb/boris.key is the key of 'boris', not of 'ada'"],
    )
    verified(cli)


# -- rotating and resetting ----------------------------------------------------------------


def test_a_rotated_key_replaces_the_old_one_which_signs_no_more(cli: Cli) -> None:
    founded(cli)
    old = enroll(cli, cli.codes()["mira"])
    aside = cli.folder / "mira-old.key"
    shutil.copy2(key_file(cli, "mira"), aside)  # kept, with its mode 0600

    cli.tick(hours=1)
    said = cli.run("key", "rotate", "--as", "mira").stdout.replace("\n", " ")
    [rotated] = events_of(cli.log(), "member.key_registered")[1:]
    new = rotated["data"]["key"]
    assert new != old
    assert (
        f"mira now signs with key {new} (registered at seq {rotated['seq']}, in place of {old})"
        in said
    )
    assert rotated["signed"]["key"] == old  # the rotation is signed with the key it replaces
    assert mode_of(key_file(cli, "mira")) == 0o600
    assert cli.json("key", "show", "--as", "mira")["key"] == new

    cli.tick(minutes=1)
    cli.refused(
        "election",
        "open",
        "mill.stewards",
        "--as",
        "mira",
        "--key",
        str(aside),
        says=[f"signed with key {old}", "not the key in force of 'mira'", new],
    )
    cli.run("election", "open", "mill.stewards", "--as", "mira")
    [opened] = events_of(cli.log(), "election.opened")
    assert opened["signed"]["key"] == new
    verified(cli)


def test_member_codes_writes_new_codes_for_those_without_a_key_and_only_an_officer_may(
    cli: Cli,
) -> None:
    founded(cli)
    enroll(cli, cli.codes()["ada"])  # a founder, who may admit
    enroll(cli, cli.codes()["nils"])  # an ordinary member
    cli.tick(days=1)
    run = cli.run("member", "codes", "--out", "mail-merge.csv", "--as", "ada")
    out = cli.folder / "mail-merge.csv"
    assert "6 enrollment codes written to mail-merge.csv" in run.stderr
    assert mode_of(out) == 0o600
    assert out.read_text(encoding="utf-8").splitlines()[0] == "member,name,code,expires"
    rows = rows_of(out)
    assert [row["member"] for row in rows] == ["boris", "chen", "dora", "emil", "mira", "olga"]
    assert {row["expires"] for row in rows} == {"2026-02-05T09:00:00Z"}
    [issued] = events_of(cli.log(), "member.codes_issued")
    assert issued["actor"] == "ada"
    assert not any(row["code"] in cli.run("log", "--json").stdout for row in rows)

    # each new code replaces the one init wrote
    cli.refused("key", "enroll", cli.codes()["boris"], says=["replaced by a newer one"])
    enroll(cli, {row["member"]: row["code"] for row in rows}["boris"])

    cli.refused(
        "member",
        "codes",
        "--out",
        "mail-merge.csv",
        "--as",
        "ada",
        says=["the codes file mail-merge.csv exists already"],
    )
    cli.refused(
        "member",
        "codes",
        "--out",
        "mine.csv",
        "--as",
        "nils",
        says=["'nils' may not issue an enrollment code"],
    )
    assert not (cli.folder / "mine.csv").exists()
    one = cli.run("member", "codes", "--out", "chen.csv", "--member", "chen", "--as", "ada")
    assert "1 enrollment code written to chen.csv" in one.stderr
    assert [row["member"] for row in rows_of(cli.folder / "chen.csv")] == ["chen"]
    verified(cli)


def test_an_officer_resets_a_lost_key_with_a_reason_and_the_member_enrolls_again(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))  # every member enrolled
    lost = cli.json("key", "show", "--as", "nils")["key"]
    cli.tick(days=2)
    said = cli.run(
        "member", "reset-key", "nils", "--reason", "lost laptop", "--as", "ada"
    ).stdout.replace("\n", " ")
    printed = re.search(rf"New enrollment code for nils: ({CODE}) \(good once, until (\S+)\)", said)
    assert printed, said
    code, until = printed[1], printed[2]
    assert until == "2026-02-06T09:00:00Z"
    [reset] = events_of(cli.log(), "member.key_reset")
    assert reset["actor"] == "ada"
    assert (reset["data"]["member"], reset["data"]["reason"]) == ("nils", "lost laptop")
    assert reset["data"]["revoked"] == lost
    assert code not in cli.run("log", "--json").stdout

    # the old key (still in the folder) signs no more; nils is told how to go on
    cli.tick(minutes=1)
    cli.refused(
        "election",
        "open",
        "mill.stewards",
        "--as",
        "nils",
        says=["'nils' holds no key", "soviet key enroll CODE"],
    )
    new = enroll(cli, code)
    assert new != lost
    cli.run("election", "open", "mill.stewards", "--as", "nils")
    assert events_of(cli.log(), "election.opened")[0]["signed"]["key"] == new
    report = verified(cli)
    assert report["unsigned_before_keys"] == 0


def test_a_reset_without_a_reason_or_by_an_ordinary_member_is_refused(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.refused("member", "reset-key", "nils", "--as", "ada", says=["Missing option '--reason'"])
    cli.refused(
        "member",
        "reset-key",
        "nils",
        "--reason",
        "  ",
        "--as",
        "ada",
        says=["--reason must say why the key is replaced"],
    )
    cli.refused(
        "member",
        "reset-key",
        "nils",
        "--reason",
        "lost laptop",
        "--as",
        "chen",
        says=["'chen' may not reset the key of 'nils'", "power to admit"],
    )
    cli.refused(
        "member",
        "reset-key",
        "ada",
        "--reason",
        "lost laptop",
        "--as",
        "ada",
        says=["'ada' may not reset their own key", "soviet key rotate"],
    )
    assert events_of(cli.log(), "member.key_reset") == []
    # nils's key is untouched
    cli.run("election", "open", "mill.stewards", "--as", "nils")


def test_a_member_added_gets_a_code_printed_once_and_enrolls_with_it(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    said = cli.run(
        "member", "add", "zoe", "--name", "Zoe", "--body", "mill", "--as", "ada", enroll=False
    ).stdout.replace("\n", " ")
    printed = re.search(rf"Enrollment code for zoe: ({CODE}) \(good once, until (\S+)\)", said)
    assert printed, said
    assert printed[2] == "2026-02-04T10:00:00Z"
    assert "the log holds only its hash" in said
    assert printed[1] not in cli.run("log", "--json").stdout
    cli.refused("election", "open", "mill.stewards", "--as", "zoe", says=["no key of 'zoe'"])
    enroll(cli, printed[1])
    cli.run("election", "open", "mill.stewards", "--as", "zoe")
    verified(cli)
