"""The open record through the CLI: the key made at `init`, the checkpoint each close logs,
proofs checked offline, an export checked with the verifier key alone, and `verify`
failing with exit code 1 at the event a tamperer changed."""

from __future__ import annotations

import json
import stat

import sqlalchemy as sa

from e2e.conftest import WORKS, Cli, events_of


def elect_the_stewards(cli: Cli) -> None:
    """The mill's three members elect their two stewards by approval."""
    cli.tick(hours=1)
    cli.run("election", "open", "mill.stewards", "--as", "mira")
    cli.run("election", "nominate", "E1", "nils", "--as", "mira")
    cli.run("election", "accept", "E1", "--as", "nils")
    cli.run("election", "nominate", "E1", "olga", "--as", "mira")
    cli.run("election", "accept", "E1", "--as", "olga")
    cli.run("election", "start", "E1", "--as", "nils")
    for voter in ("mira", "nils", "olga"):
        cli.tick(minutes=1)
        cli.run("vote", "E1", "nils", "olga", "--as", voter)
    cli.tick(minutes=1)
    cli.run("election", "close", "E1", "--as", "olga")


def test_init_keeps_the_signing_key_beside_the_database_and_every_close_logs_a_checkpoint(
    cli: Cli,
) -> None:
    founded = cli.run("init", "--charter", str(WORKS))
    key_file, public = cli.folder / "soviet.key", cli.folder / "soviet.pub"
    said = founded.stdout.replace("\n", " ")
    assert "signing key is in" in said and "soviet.key" in said and "soviet.pub" in said
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    verifier = cli.run("checkpoint", "--key").stdout.strip()
    assert verifier == public.read_text().strip()
    assert verifier.startswith("lakeside-works+")  # the origin derived from the name
    assert cli.log()[0]["data"]["verifier_key"] == verifier

    elect_the_stewards(cli)
    log = cli.log()
    [closed] = events_of(log, "election.closed")
    [logged] = events_of(log, "checkpoint.logged")
    assert log[-1] == logged and logged["data"]["cause"] == closed["seq"]
    lines = logged["data"]["checkpoint"].split("\n")
    assert lines[:2] == ["lakeside-works", str(logged["seq"] - 1)]

    now = cli.json("checkpoint")
    assert (now["origin"], now["size"]) == ("lakeside-works", len(log))
    assert cli.run("checkpoint").stdout == now["note"]

    # the latest checkpoint is stored with the act that made it: no key needed to print it
    elsewhere = {"SOVIET_KEY": str(cli.folder / "elsewhere.key")}
    assert cli.run("checkpoint", env=elsewhere).stdout == now["note"]
    # but an act on a signed log needs the key, says where it was looked for, writes nothing
    cli.tick(minutes=1)
    cli.refused(
        "member",
        "add",
        "zoe",
        "--name",
        "Zoe",
        "--body",
        "mill",
        "--as",
        "ada",
        says=["no key file at", "SOVIET_KEY"],
        env=elsewhere,
    )


def test_proofs_check_out_offline_and_say_exit_1_when_they_do_not_hold(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    elect_the_stewards(cli)
    log = cli.log()
    folder = cli.folder
    (folder / "now.txt").write_text(cli.run("checkpoint").stdout)
    [logged] = events_of(log, "checkpoint.logged")
    (folder / "then.txt").write_text(logged["data"]["checkpoint"])
    ballot = events_of(log, "ballot.cast")[1]
    (folder / "inclusion.json").write_text(cli.run("prove", "inclusion", str(ballot["seq"])).stdout)
    old, new = logged["seq"] - 1, len(log)
    (folder / "consistency.json").write_text(
        cli.run("prove", "consistency", str(old), str(new)).stdout
    )
    proof = json.loads((folder / "inclusion.json").read_text())
    assert (proof["type"], proof["index"], proof["size"]) == ("inclusion", ballot["seq"] - 1, new)

    # offline: the database is out of reach, only the files and the verifier key count
    offline = {"SOVIET_DB": f"sqlite:///{folder / 'nowhere' / 'none.db'}"}
    line = json.dumps(ballot)
    shown = cli.run(
        "verify-proof",
        "inclusion.json",
        "--checkpoint",
        "now.txt",
        "--key",
        "soviet.pub",
        "--leaf",
        line,
        env=offline,
    )
    assert f"ballot.cast at seq {ballot['seq']} is in the log lakeside-works" in shown.stdout
    cli.run(
        "verify-proof",
        "consistency.json",
        "--checkpoint",
        "then.txt",
        "--checkpoint",
        "now.txt",
        "--key",
        "soviet.pub",
        env=offline,
    )

    other = json.dumps(events_of(log, "ballot.cast")[0])
    wrong = cli.run(
        "verify-proof",
        "inclusion.json",
        "--checkpoint",
        "now.txt",
        "--key",
        "soviet.pub",
        "--leaf",
        other,
        code=1,
        env=offline,
    )
    assert "not the leaf the proof is for" in wrong.error
    stale = cli.run(
        "verify-proof",
        "inclusion.json",
        "--checkpoint",
        "then.txt",
        "--key",
        "soviet.pub",
        code=1,
        env=offline,
    )
    assert f"for the log at size {new}" in stale.error
    cli.refused("prove", "inclusion", "0", says=["seq 0 is not in the log"])
    cli.refused(
        "verify-proof",
        "inclusion.json",
        "--checkpoint",
        "now.txt",
        "--key",
        "missing.pub",
        says=["'missing.pub' is neither a key file nor a verifier key"],
    )


def test_an_export_and_the_database_verify_and_a_changed_ballot_fails_at_its_seq(
    cli: Cli,
) -> None:
    cli.run("init", "--charter", str(WORKS))
    elect_the_stewards(cli)
    (cli.folder / "then.txt").write_text(cli.run("checkpoint").stdout)
    cli.tick(hours=1)
    cli.run("member", "add", "zoe", "--name", "Zoe Saldana", "--body", "mill", "--as", "ada")
    size = len(cli.log())

    exported = cli.run("export", "log.jsonl")
    assert f"Exported {size} events to log.jsonl" in exported.stdout
    lines = (cli.folder / "log.jsonl").read_text().splitlines()
    assert len(lines) == size + 1 and json.loads(lines[-1])["checkpoint"].startswith(
        f"lakeside-works\n{size}\n"
    )
    report = cli.json("verify", "--export", "log.jsonl", "--key", "soviet.pub")
    assert report["ok"] and report["size"] == size
    assert cli.json("verify", "--since", "then.txt")["ok"]
    checked = cli.run("verify")
    assert "Everything holds." in checked.stdout
    assert "1 closed elections recounted from 3 logged ballots" in checked.stdout

    ballot = events_of(cli.log(), "ballot.cast")[0]
    engine = sa.create_engine(cli.db, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE events SET data = :d WHERE seq = :s"),
            {
                "d": json.dumps({"choice": ["nils"], "election": "E1"}, separators=(",", ":")),
                "s": ballot["seq"],
            },
        )
    engine.dispose()
    failed = cli.run("verify", code=1)
    assert f"First discrepancy at seq {ballot['seq']} (ballot.cast)" in failed.stdout
    assert failed.error.startswith(f"error: the log does not verify: leaves at seq {ballot['seq']}")
    as_json = cli.run("verify", "--json", code=1).json()
    assert as_json["ok"] is False
    first = as_json["first_discrepancy"]
    assert (first["seq"], first["type"], first["check"]) == (ballot["seq"], "ballot.cast", "leaves")
    # the export, made before, still verifies: it is a copy of the log as it was
    assert cli.json("verify", "--export", "log.jsonl", "--key", "soviet.pub")["ok"]
