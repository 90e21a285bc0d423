"""`soviet charter`: the organization's charter as it stands, as TOML that `soviet init`
reads back to the same organization."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from soviet.bootstrap import Settings, Soviet
from soviet.cli import app
from soviet.cli._options import Db, Json
from soviet.cli.render import console, plain, print_json
from soviet.domain.charter.printing import printed
from soviet.errors import InputError, SovietWarning
from soviet.storage.charters import amendments_of, charter_in
from soviet.storage.export import protected_files, shown


@app.command("charter")
def charter(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the charter to this new file instead of printing it.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="With --out: replace the file if it exists (never the database)."
        ),
    ] = False,
    db: Db = None,
    as_json: Json = False,
) -> None:
    """The charter as it stands, as TOML that `init --charter` reads back.

    The same name, origin, rules, bodies, offices, members (with the assemblies they
    belong to now) and founders; no imported holders, since a new log's offices start
    vacant. --json prints {"charter": TEXT, "amendments": [...]}.

    Example: soviet charter --out charter.toml
    """
    if out is not None and as_json:
        raise InputError(
            "--json prints the charter for programs and --out writes it to a file: give one"
        )
    if force and out is None:
        raise InputError("--force replaces the file that --out names: give --out FILE")
    settings = Settings.from_env(db)
    if out is not None:  # refused before the database is opened: nothing is written
        _check_out(out, force, settings)
    with Soviet(settings) as soviet, soviet.reading() as reads:
        adopted = charter_in(reads.conn)
        size = reads.size()
        amendments = amendments_of(reads.conn)
    heading = [f"{adopted.name} — the charter as it stands at log size {size:,}"]
    if amendments:
        heading += ["", "Amended since its founding by:"]
        heading += [
            f"  decision {a['decision']} of {a['body']} (motion {a['motion']}, adopted "
            f"{a['adopted_at']}): {a['title']}"
            for a in amendments
        ]
    text, notes = printed(adopted, heading)
    for note in notes:
        warnings.warn(SovietWarning(f"the printed charter differs: {note}"), stacklevel=1)
    if as_json:
        print_json({"charter": text, "amendments": amendments})
    elif out is None:
        sys.stdout.write(text)
    else:
        _write(out, text, force)
        console.print(
            f"Wrote the charter of {plain(adopted.name)} at log size {size:,} to {plain(out)}."
        )


def _check_out(out: Path, force: bool, settings: Settings) -> None:
    """Refuse to write the charter over the database, a key, a folder or (without --force)
    any file that exists."""
    try:
        for guarded, what in protected_files(settings.db_url, settings.key_path):
            if out.resolve() == guarded.resolve():
                raise InputError(f"will not write the charter over {shown(out)}: it is {what}")
        if out.is_dir():
            raise InputError(f"cannot write the charter to {shown(out)}: it is a folder")
        if not force and os.path.lexists(out):
            raise InputError(
                f"{shown(out)} already exists: give --force to replace it, or choose another file"
            )
    except OSError as error:
        raise InputError(f"cannot write the charter to {shown(out)}: {error.strerror}") from None


def _write(out: Path, text: str, force: bool) -> None:
    """Write the text to a new file (or, with `force`, in place of one)."""
    try:
        with open(out, "w" if force else "x", encoding="utf-8", newline="\n") as file:
            try:
                file.write(text)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(out)
                raise
    except FileExistsError:
        raise InputError(
            f"{shown(out)} already exists: give --force to replace it, or choose another file"
        ) from None
    except OSError as error:
        raise InputError(f"cannot write the charter to {shown(out)}: {error.strerror}") from None
