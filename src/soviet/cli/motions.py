"""`soviet motion`: put a motion to a body, second it, refer it down, vote by roll call,
close it — and instruct the deputies a body sends to a council."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import As, Db, Json, Key
from soviet.cli.acts import act, yes_no_vote
from soviet.domain.charter import amending
from soviet.errors import InputError
from soviet.services import motions
from soviet.storage import charters

motion_app = typer.Typer(
    help="Propose, second, refer down, start, vote on and close motions; instruct deputies."
)
app.add_typer(motion_app, name="motion")

Motion = Annotated[str, typer.Argument(help="The motion's id (R1).", metavar="MOTION")]


def read_text(path: Path, option: str = "--text") -> str:
    """A motion's text (or an amendment's fragment) from its file, as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{option} {path}: cannot read the file: {error}") from None


@motion_app.command("propose")
def motion_propose(
    body: Annotated[str, typer.Argument(help="The body the motion is put to.")],
    actor: As,
    title: Annotated[str, typer.Option("--title", help="The motion's title, one line.")],
    text: Annotated[
        Path, typer.Option("--text", help="A UTF-8 file holding the motion's full text.")
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="ordinary (yes > no), or amendment (the charter's qualified majority; "
            "with --charter).",
        ),
    ] = "ordinary",
    charter: Annotated[
        Path | None,
        typer.Option(
            "--charter",
            help="An amendment's fragment of the charter, in the charter's TOML: [rules], "
            "[[bodies]] to add, [[offices]] to add or change by id.",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Put a motion to a body (a member of it; a seated deputy for a council).

    Example: soviet motion propose city-council --title "Tram fares" --text fares.md --as ada
    """
    if kind == "instruction":
        raise InputError("an instruction is proposed with `soviet motion instruct`")
    if kind != "amendment" and charter is not None:
        raise InputError("--charter is an amendment's fragment: give --kind amendment")
    if kind == "amendment" and charter is None:
        raise InputError("an amendment carries its fragment of the charter: give --charter FILE")
    words = read_text(text)
    fragment = None if charter is None else read_text(charter, "--charter")
    if fragment is not None:
        assert charter is not None
        check_fragment(db, fragment, str(charter), body)
    act(
        db,
        as_json,
        lambda ws: motions.propose(ws, body, title, words, actor, kind, charter=fragment),
    )


def check_fragment(db: str | None, fragment: str, source: str, body: str) -> None:
    """Validate an amendment's fragment against the charter as it stands, its errors
    naming the file, before the act is signed (the rules check it again)."""
    with Soviet(Settings.from_env(db)) as soviet, soviet.reading() as reads:
        if body in {b["id"] for b in reads.view("bodies")}:
            amending.amend(charters.charter_in(reads.conn), fragment, source, body)


@motion_app.command("instruct")
def motion_instruct(
    body: Annotated[str, typer.Argument(help="The body whose deputies are instructed.")],
    motion: Motion,
    instruction: Annotated[
        str, typer.Argument(help="yes, no, abstain or free", metavar="yes|no|abstain|free")
    ],
    actor: As,
    title: Annotated[
        str | None,
        typer.Option("--title", help="Default: 'Instruction on MOTION: INSTRUCTION'."),
    ] = None,
    text: Annotated[
        Path | None,
        typer.Option("--text", help="A UTF-8 file with the reasons. Default: the title."),
    ] = None,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Propose, in a body that sends deputies to a council, a motion instructing them how to
    vote on a council's motion referred down; once adopted, it binds them.

    Example: soviet motion instruct tram-depot R1 no --as petrov
    """
    heading = title or f"Instruction on {motion}: {instruction}"
    words = read_text(text) if text is not None else heading + "\n"
    act(
        db,
        as_json,
        lambda ws: motions.propose(
            ws, body, heading, words, actor, "instruction", motion, instruction
        ),
    )


@motion_app.command("second")
def motion_second(
    motion: Motion, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Second a motion (another member of its body).

    Example: soviet motion second R1 --as okafor
    """
    act(db, as_json, lambda ws: motions.second(ws, motion, actor))


@motion_app.command("refer")
def motion_refer(
    motion: Motion, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Refer a council's motion down, before its vote: each body whose deputies sit in the
    council may instruct them (`soviet motion instruct`).

    Example: soviet motion refer R1 --as ada
    """
    act(db, as_json, lambda ws: motions.refer(ws, motion, actor))


@motion_app.command("start")
def motion_start(
    motion: Motion, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Start the vote on a seconded motion; its roll is the body's electorate now.

    Example: soviet motion start R1 --as ada
    """
    act(db, as_json, lambda ws: motions.start(ws, motion, actor))


@motion_app.command("vote")
def motion_vote(
    motion: Motion,
    choice: Annotated[str, typer.Argument(help="yes, no or abstain", metavar="yes|no|abstain")],
    actor: As,
    db: Db = None,
    key: Key = None,
    as_json: Json = False,
) -> None:
    """Vote on a motion, by name, once.

    Where motions are secret (an assembly's, with `motion_ballot = "secret"`), the vote
    is encrypted here, may be cast again until the close, and prints its tracker.

    Example: soviet motion vote R1 yes --as okafor
    """
    yes_no_vote(db, as_json, motion, choice, actor, motions.vote)


@motion_app.command("close")
def motion_close(
    motion: Motion, actor: As, db: Db = None, key: Key = None, as_json: Json = False
) -> None:
    """Close the vote (early only once everyone on its roll has voted): adopted, it is the
    body's next decision.

    Example: soviet motion close R1 --as ada
    """
    act(db, as_json, lambda ws: motions.close(ws, motion, actor))
