"""Commands of the open record: checkpoint, prove, verify-proof, export and verify."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from soviet.bootstrap import Settings, Soviet, export_target
from soviet.cli import app
from soviet.cli._options import Db, Json, ReadDb
from soviet.cli.reading import served_by
from soviet.cli.render import console, print_json
from soviet.errors import InputError, SovietError
from soviet.ledger import proofs
from soviet.ledger.checkpoints import Checkpoint, parse_note
from soviet.services.proof_checks import check_proof
from soviet.services.verification import Report
from soviet.storage import database
from soviet.storage import export as exports
from soviet.storage import verification as checking
from soviet.storage.keys import read_verifier
from soviet.storage.tile_source import TileSource, verify_tiles

prove_app = typer.Typer(
    help="Print proofs as JSON: an event is in the log; the log only grew.",
    no_args_is_help=True,
)
app.add_typer(prove_app, name="prove")

KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key",
        help="The log's verifier key: a file such as soviet.pub, or the key's text.",
        show_default=False,
    ),
]


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(
            f"cannot read the {what} {exports.shown(path)}: {error.strerror}"
        ) from None


def _checkpoint_file(path: Path, option: str) -> bytes:
    """A signed checkpoint from a file, refused (exit 2) unless it has a checkpoint's form;
    whether its signature holds is for the check to say."""
    note = _read(path, "checkpoint")
    try:
        Checkpoint.parse(parse_note(note)[0])
    except SovietError as error:
        raise InputError(
            f"{option} {exports.shown(path)}: not a signed checkpoint ({error})"
        ) from None
    return note


# -- checkpoint and prove ----------------------------------------------------------------


@app.command()
def checkpoint(
    key: Annotated[
        bool, typer.Option("--key", help="Print the log's verifier key instead.")
    ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """The log's latest signed checkpoint (C2SP signed note), as its last act stored it.

    No private key is needed.

    Example: soviet checkpoint > checkpoint.txt
    """
    with Soviet(Settings.from_env(db)) as soviet:
        with soviet.reading() as reads:
            origin, verifier = reads.log_key()
            size = reads.size()
            latest = reads.latest_checkpoint()
        if verifier is None:
            raise InputError("this log was founded without a key: it signs no checkpoint")
        if key:
            if as_json:
                print_json({"origin": origin, "verifier_key": verifier})
            else:
                sys.stdout.write(verifier + "\n")
            return
        if (latest is None or latest[0] < size) and soviet.keys.exists():
            # a log kept before checkpoints were stored: its key signs the rest now, a
            # write, in a transaction of its own
            soviet.sign_tail()
            with soviet.reading() as reads:
                latest = reads.latest_checkpoint()
        if latest is None:
            with soviet.reading() as reads:
                logged = reads.latest_logged_checkpoint()
            if logged is None:
                soviet.keys.require()  # says where the key was looked for
                raise InputError("no signed checkpoint is stored yet")
            latest = (logged[0] - 1, logged[1])
    note = latest[1]
    if latest[0] < size:
        Console(stderr=True, highlight=False).print(
            f"note: this checkpoint signs {latest[0]:,} of the log's {size:,} entries; the "
            f"log's key signs the rest (`soviet checkpoint` where the key is at hand)"
        )
    if as_json:
        body = Checkpoint.parse(parse_note(note.encode())[0])
        print_json(
            {"origin": body.origin, "size": body.size, "root": body.root.hex(), "note": note}
        )
    else:
        sys.stdout.write(note)


@prove_app.command("inclusion")
def prove_inclusion(
    seq: Annotated[int, typer.Argument(help="The event's seq.")],
    size: Annotated[
        int | None, typer.Option("--size", help="The log's size to prove at (default: now).")
    ] = None,
    db: Db = None,
    read_db: ReadDb = None,
    as_json: Json = False,
) -> None:
    """Prove that event SEQ is in the log (JSON, either way).

    Example: soviet prove inclusion 42 > proof.json
    """
    with Soviet(Settings.from_env(db, read=read_db)) as soviet, soviet.reading() as reads:
        served_by(soviet, reads)
        proof = reads.inclusion(seq, size)
    sys.stdout.write(proofs.dumps(proof) + "\n")


@prove_app.command("consistency")
def prove_consistency(
    old: Annotated[int, typer.Argument(help="The earlier size.")],
    new: Annotated[int, typer.Argument(help="The later size.")],
    db: Db = None,
    read_db: ReadDb = None,
    as_json: Json = False,
) -> None:
    """Prove that the log at size OLD is a prefix of the log at size NEW (JSON, either way).

    Example: soviet prove consistency 100 250
    """
    with Soviet(Settings.from_env(db, read=read_db)) as soviet, soviet.reading() as reads:
        served_by(soviet, reads)
        proof = reads.consistency(old, new)
    sys.stdout.write(proofs.dumps(proof) + "\n")


@app.command("verify-proof")
def verify_proof(
    proof_file: Annotated[Path, typer.Argument(metavar="PROOF", help="A proof from `prove`.")],
    checkpoints: Annotated[
        list[Path],
        typer.Option(
            "--checkpoint",
            help="A signed checkpoint at the proof's size (repeat "
            "for a consistency proof: one at each size).",
        ),
    ],
    key: Annotated[str, typer.Option("--key", help="The log's verifier key: file or text.")],
    leaf: Annotated[
        str | None,
        typer.Option(
            "--leaf",
            help="The event the proof is for: its JSON line (as `log "
            "--json` prints it), or a file holding it.",
        ),
    ] = None,
    seq: Annotated[int | None, typer.Option("--seq", help="The seq the proof is for.")] = None,
    as_json: Json = False,
) -> None:
    """Check a proof offline, with no database: exit 0 if it holds, 1 if not.

    Example: soviet verify-proof proof.json --checkpoint checkpoint.txt --key soviet.pub --seq 42
    """
    proof = proofs.loads(_read(proof_file, "proof"), str(proof_file))
    notes = [_read(path, "checkpoint") for path in checkpoints]
    event = None if leaf is None else _event(leaf)
    if event is not None and not isinstance(proof, proofs.InclusionProof):
        raise InputError("--leaf goes with an inclusion proof, and this is a consistency proof")
    shown = check_proof(proof, notes, read_verifier(key), event, seq)
    if as_json:
        print_json({"ok": True, "shown": shown, "proof": proof.to_json()})
    else:
        console.print(f"[green]ok[/green]: {shown}")


def _event(value: str) -> dict[str, Any]:
    text = value
    if not value.lstrip().startswith("{"):
        path = Path(value)
        lines = [
            line
            for line in _read(path, "event file").decode("utf-8", "replace").splitlines()
            if line.strip()
        ]
        if len(lines) != 1:
            raise InputError(f"{path}: expected one event line, found {len(lines)}")
        text = lines[0]
    try:
        event = json.loads(text)
    except ValueError as error:
        raise InputError(f"--leaf: the event is not JSON ({error})") from None
    if not isinstance(event, dict):
        raise InputError("--leaf: the event is a JSON object {seq, at, type, actor, data}")
    return event


# -- export and verify -------------------------------------------------------------------


@app.command("export")
def export_log(
    file: Annotated[str, typer.Argument(help="Where to write the log ('-': standard output).")],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace FILE if it exists (never the database or a key file)."
        ),
    ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Write the log as JSON lines, one event a line, then its signed checkpoint.

    Example: soviet export log.jsonl
    """
    settings = Settings.from_env(db)
    # refused before the database is opened: nothing is written
    target = export_target(settings, file, force=force, stdout=getattr(sys.stdout, "buffer", None))
    with Soviet(settings) as soviet:
        done = soviet.export(target)
    note, count, covered = done.checkpoint, done.events, done.covered or 0
    if as_json:
        print_json(
            {
                "file": file,
                "events": count,
                "checkpoint_size": done.covered,
                "checkpoint": done.source,
            }
        )
        return
    say = Console(stderr=True, highlight=False) if file == "-" else console
    if note is None:
        tail = "no checkpoint: the log was founded without a key"
    elif covered == count:
        tail = f"the signed checkpoint of all {covered:,}"
    else:
        tail = (
            f"the latest signed checkpoint, at size {covered:,} (the key that would sign "
            "the rest is not here)"
        )
    say.print(f"Exported {count:,} events to {exports.shown(file)}, then {tail}.")


@app.command()
def verify(
    ctx: typer.Context,
    export_file: Annotated[
        Path | None,
        typer.Option("--export", help="Verify this export instead of the database."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Verify the log a server (or a mirror of its tiles) serves at this URL, "
            "from its C2SP tlog-tiles alone: no database.",
            show_default=False,
        ),
    ] = None,
    key: KeyOption = None,
    since: Annotated[
        Path | None,
        typer.Option("--since", help="An earlier signed checkpoint: check the log only grew."),
    ] = None,
    unsigned_tail: Annotated[
        bool,
        typer.Option(
            "--unsigned-tail",
            help="Accept events after the latest signed "
            "checkpoint (an export cut short, a log kept before checkpoints were "
            "stored): noted, not failed.",
        ),
    ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """Recompute the log and check it: leaves, tree, signed checkpoints, replay, recounts.

    The database's log (--db), an export (--export FILE), or a log served as tiles
    (--url URL: `soviet serve`, or any mirror of it), checked from its tiles alone. Exit 0
    if everything holds, 1 at the first discrepancy.

    Example: soviet verify --url https://councils.example.org --key soviet.pub
    """
    if url is not None and export_file is not None:
        raise InputError("give --url or --export, not both: each names the log to verify")
    given_db = getattr(ctx.get_parameter_source("db"), "name", None) == "COMMANDLINE"
    if url is not None and given_db:
        raise InputError("give --url or --db, not both: a served log is read from its tiles")
    verifier = None if key is None else read_verifier(key)
    earlier = None if since is None else _checkpoint_file(since, "--since")
    if url is not None:
        source = TileSource(url)
        note, claimed = source.checkpoint()
        with _progress(claimed.size) as told:
            report = verify_tiles(
                source,
                note,
                key=verifier,
                since=earlier,
                progress=told,
                unsigned_tail=unsigned_tail,
            )
    elif export_file is not None:
        total = exports.ExportFile(export_file).events
        with _progress(total) as told:
            report = checking.verify_export(
                export_file, key=verifier, since=earlier, progress=told, unsigned_tail=unsigned_tail
            )
    else:
        settings = Settings.from_env(db)
        with (
            Soviet(settings) as soviet,
            soviet.reading() as reads,
            _progress(reads.total_events()) as told,
        ):
            report = reads.verify(
                source=database.shown(settings.db_url),
                key=verifier,
                since=earlier,
                progress=told,
                unsigned_tail=unsigned_tail,
            )
    if as_json:
        print_json(report.to_json())
    else:
        _print(report)
    report.raise_if_failed()


@contextmanager
def _progress(total: int) -> Iterator[checking.Progress | None]:
    """A progress bar on standard error, for long logs, when it is a terminal."""
    err = Console(stderr=True)
    if not err.is_terminal or total < 4 * checking.STEP:
        yield None
        return
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("verifying", total=total)
        yield lambda done: bar.update(task, completed=done)


def _print(report: Report) -> None:
    origin = report.origin or "(no organization)"
    console.print(
        f"Verified the log [bold]{origin}[/bold] from {report.source}: "
        f"{report.size:,} events, root {report.root.hex()}"
    )
    for check in report.checks.values():
        if not check.ran:
            mark = "[dim]skip[/dim]"
        elif check.ok:
            mark = "[green] ok [/green]"
        else:
            mark = "[red]FAIL[/red]"
        text = check.summary
        if check.found:
            found = check.found[0]
            more = f" (and {check.failures - 1:,} more)" if check.failures > 1 else ""
            text = f"{found.where()}: {found.detail}{more}"
        console.print(f"  {mark} {check.name:<12} {text}")
    for note in report.notes:
        console.print(f"  [dim]note[/dim] {note}")
    first = report.first
    if first is None:
        console.print("[green]Everything holds.[/green]")
    else:
        console.print(f"[red]First discrepancy[/red] at {first.where()}: {first.detail}")
