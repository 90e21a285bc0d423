"""`soviet trustee`, `soviet tracker` and `soviet export-belenios`: secret ballots — a
trustee's key ceremony and decryption share, a voter's check of their ballot, and a
secret election written as a Belenios archive that `belenios-tool election verify`
checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import As, Db, Json, Key
from soviet.cli._output import tell
from soviet.cli.acts import act
from soviet.cli.render import print_json
from soviet.services import secrecy

trustee_app = typer.Typer(
    help="Trustees of secret ballots: the key ceremony, and each tally's decryption share."
)
app.add_typer(trustee_app, name="trustee")

TrusteeKey = Annotated[
    Path,
    typer.Option(
        "--trustee-key",
        help="The trustee's key file: the secret seeds of their ceremonies (JSON, mode "
        "0600; made by the first keygen). Keep it on your own machine.",
    ),
]


@trustee_app.command("keygen")
def trustee_keygen(
    office: Annotated[str, typer.Argument(help="The trustee office (one with a threshold).")],
    actor: As,
    trustee_key: TrusteeKey = Path("trustee.key"),
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Take your next step of your trustee office's key ceremony.

    Run it again after the others: first your certificate (it begins a ceremony of the
    office's holders when none is under way), then your polynomial once every
    certificate is in, then your check's output once every polynomial is. The last
    output establishes the key of the secret votes the office serves. Your secret seed
    stays in --trustee-key, on your machine; only its public parts are logged.

    Example: soviet trustee keygen tellers --as ben --trustee-key ben.trustee.key
    """
    step = act(db, as_json, lambda ws: secrecy.keygen(ws, office, actor, trustee_key))
    ceremony = step.ceremony
    if as_json:
        if step.recorded is None:
            print_json(
                {
                    "step": None,
                    "ceremony": None if ceremony is None else ceremony.seq,
                    "waiting": step.waiting,
                }
            )
        return
    if ceremony is None:
        return
    if ceremony.keyed is not None:
        tell(f"The key of {office!r} is established (ceremony {ceremony.seq}).")
    elif step.recorded is None:
        tell(
            f"Nothing to do yet: ceremony {ceremony.seq} of {office!r} waits for "
            f"{', '.join(step.waiting)} ({ceremony.due} step)."
        )
    else:
        tell(
            f"Ceremony {ceremony.seq} of {office!r}: the {ceremony.due} step waits for "
            f"{', '.join(step.waiting) or 'nobody'}; run keygen again once they have."
        )


@trustee_app.command("decrypt")
def trustee_decrypt(
    vote: Annotated[str, typer.Argument(help="The secret vote: an election's id (E2).")],
    actor: As,
    trustee_key: TrusteeKey = Path("trustee.key"),
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Log your share of a closed secret vote's decryption, with its proofs.

    Once as many trustees as the office's threshold have, the count is decrypted and the
    vote closes as an open one does: mandates granted, or the recall decided.

    Example: soviet trustee decrypt E2 --as ben --trustee-key ben.trustee.key
    """
    act(db, as_json, lambda ws: secrecy.decrypt(ws, vote, actor, trustee_key))


@app.command("tracker")
def tracker(
    election: Annotated[str, typer.Argument(help="The secret election (E2).")],
    tracker: Annotated[str, typer.Argument(help="Your ballot's tracker, as `vote` printed it.")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Check that a secret ballot is in the log, and counted.

    Example: soviet tracker E2 3htUqd8fl7+d8irmikAbBeqz3q2hkGHbliSXAOJKKW4
    """
    with Soviet(Settings.from_env(db)) as soviet, soviet.unit_of_work() as ws:
        found = secrecy.track(ws, election, tracker)
    if as_json:
        print_json(
            {
                "tracker": found.tracker,
                "seq": found.seq,
                "voter": found.voter,
                "latest": found.latest,
                "tallied": found.tallied,
            }
        )
        return
    state = (
        "it is the voter's latest ballot, the one counted"
        if found.latest
        else "a later ballot of the same voter replaced it"
    )
    tallied = {
        None: "the vote is still open",
        True: "the encrypted tally includes it",
        False: "the tally does not include it",
    }[found.tallied]
    typer.echo(
        f"Ballot {tracker} is in the log at seq {found.seq}, cast by {found.voter}: "
        f"{state}; {tallied}."
    )


@app.command("export-belenios")
def export_belenios(
    vote: Annotated[
        str, typer.Argument(help="The secret vote: an election (E2) or petition (P1).")
    ],
    folder: Annotated[Path, typer.Argument(help="The folder to write UUID.bel into.")],
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Write a secret vote as a Belenios 2.0 archive that Belenios's own verifier checks.

    The election, its trustees and public credentials, each counted ballot, and once
    tallied the encrypted tally, the trustees' shares and the result, as the log holds
    them. Check it with `belenios-tool election verify --dir FOLDER`.

    Example: soviet export-belenios E2 e2-belenios/
    """
    with Soviet(Settings.from_env(db)) as soviet, soviet.unit_of_work() as ws:
        done = secrecy.export(ws, vote, folder)
    if as_json:
        print_json(
            {
                "archive": str(done.path),
                "uuid": done.uuid,
                "ballots": done.ballots,
                "shares": done.shares,
                "result": done.result,
            }
        )
        return
    typer.echo(
        f"Wrote {done.path}: {done.ballots} ballot(s), {done.shares} decryption share(s)"
        + ("" if done.result is None else f", result {done.result}")
        + f". Check it: belenios-tool election verify --dir {folder}"
    )
