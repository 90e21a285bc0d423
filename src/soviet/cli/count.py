"""`soviet count FILE`: count a ballot file by any registered method, round by round.

This path reads a file and counts it; it needs no database, so it imports none (a
million-ballot count is meant to finish in well under a second, start-up included).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from soviet.ballots import BallotFile, BallotRules, Overvote, Repeat, Skipped, read_file
from soviet.cli import app
from soviet.errors import BallotFileError
from soviet.tally import METHODS, count

_PROGRESS_FROM_BYTES = 8 << 20


class Format(StrEnum):
    """The ballot file formats `count` reads."""

    BLT = "blt"
    CSV = "csv"


@app.command("count")
def count_file(
    file: Annotated[
        Path, typer.Argument(help="A ballot file: BLT (.blt) or cast-vote records (.csv).")
    ],
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            "-m",
            help=f"Counting method: {', '.join(METHODS)}. Default: irv for one seat, stv for more.",
            show_default=False,
        ),
    ] = None,
    seats: Annotated[
        int | None,
        typer.Option(
            "--seats", help="Seats to fill. Default: the BLT header's, else 1.", show_default=False
        ),
    ] = None,
    format: Annotated[
        Format | None,
        typer.Option(
            "--format", help="File format. Default: from the extension.", show_default=False
        ),
    ] = None,
    skipped: Annotated[
        Skipped,
        typer.Option(
            "--skipped",
            help="A blank rank before a marked one: pass over it, exhaust the ballot there, "
            "or exhaust at two blank ranks in a row.",
        ),
    ] = Skipped.SKIP,
    overvote: Annotated[
        Overvote,
        typer.Option(
            "--overvote", help="Several marks at one rank: exhaust the ballot or skip the rank."
        ),
    ] = Overvote.EXHAUST,
    repeat: Annotated[
        Repeat,
        typer.Option(
            "--repeat", help="A candidate ranked again later: skip the repeat or exhaust."
        ),
    ] = Repeat.SKIP,
    equal_rankings: Annotated[
        bool,
        typer.Option(
            "--equal-rankings",
            help="BLT: read 'a=b' as candidates ranked equal (droop's dialect), not an "
            "overvote; only meek counts such ballots.",
        ),
    ] = False,
    seed: Annotated[
        str,
        typer.Option("--seed", help="Seed for any lot the count must draw.", show_default=False),
    ] = "",
    exclude_first: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-first",
            help="irv: exclude this candidate first, whatever their votes (repeat; e.g. "
            "undeclared write-ins).",
            show_default=False,
        ),
    ] = None,
    batch_elimination: Annotated[
        bool,
        typer.Option(
            "--batch-elimination",
            help="irv: exclude at once every candidate who cannot overtake the next one.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Count a ballot file and print the result, round by round.

    Example: soviet count ward.blt --method meek --seats 3
    """
    rules = BallotRules(
        skipped=skipped, overvote=overvote, repeat=repeat, equal_rankings=equal_rankings
    )
    kind = None if format is None else format.value
    with _reading_progress(file) as progress:
        ballots = read_file(file, format=kind, rules=rules, progress=progress)
    profile = ballots.profile
    if profile.total == 0:
        raise BallotFileError(ballots.source, None, "no ballot with a countable preference")
    seats = seats if seats is not None else ballots.seats or 1
    method = method or ("irv" if seats == 1 else "stv")
    options: dict[str, object] = {}
    if exclude_first:
        options["exclude_first"] = list(exclude_first)
    if batch_elimination:
        options["batch_elimination"] = True
    result = count(profile, method, seats, seed=seed.encode("utf-8"), options=options)
    outcome = result.to_json()
    if as_json:
        sys.stdout.write(json.dumps(outcome, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_rounds(outcome, ballots, profile.title or file.name)


@contextmanager
def _reading_progress(file: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while a large file is read, when stderr is a terminal."""
    try:
        large = file.stat().st_size >= _PROGRESS_FROM_BYTES
    except OSError:
        large = False
    if not (large and sys.stderr.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task(f"reading {file.name}", total=None)

    def advance(done: int, total: int) -> None:
        # Once the bytes are in, the time goes to reading the ballots out of them.
        described = f"reading {file.name}" if done < total else f"grouping {file.name}"
        bar.update(task, completed=done, total=total, description=described)

    with bar:
        yield advance


def _print_rounds(outcome: Mapping[str, Any], ballots: BallotFile, title: str) -> None:
    """The count as tables, round by round (`soviet.cli._results`)."""
    from soviet.cli._results import print_result

    print_result(
        outcome,
        title=title,
        ballots=ballots.ballots,
        empty=ballots.empty,
        candidates=ballots.profile.candidates,
    )
