"""`soviet count FILE`: count a ballot file by any registered method, round by round.

This path reads a file and counts it; it needs no database, so it imports none (a
million-ballot count is meant to finish in well under a second, start-up included).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from soviet.ballots import BallotFile, BallotRules, Overvote, Repeat, Skipped, read_file
from soviet.cli import app
from soviet.errors import BallotFileError
from soviet.tally import METHODS, count

if TYPE_CHECKING:
    from rich.text import Text

_PROGRESS_FROM_BYTES = 8 << 20
# Past this many cells (candidates x rounds) the rounds are listed, not tabulated: a table
# that size is read by nobody and takes minutes to lay out.
_MOST_CELLS = 20_000


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
    """Count a ballot file and print the result, round by round."""
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
    """The count as tables: candidates as rows, rounds as columns, then the winners.

    Rounds that do not fit the terminal's width go on to a further table, never cut short.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rounds: Sequence[Mapping[str, Any]] = outcome["rounds"]
    if len(rounds) * ballots.profile.n_candidates > _MOST_CELLS:
        _print_summary(outcome, ballots, title)
        return
    rows = [(name, _cells(name, rounds)) for name in _standing(outcome, ballots.profile.candidates)]
    candidates = len(rows)
    rows.append(("exhausted", [Text(_number(r["exhausted"]), style="dim") for r in rounds]))
    if any("threshold" in r for r in rounds):
        rows.append(("threshold", [Text(_number(r.get("threshold")), style="dim") for r in rounds]))
    console = Console(highlight=False)
    name_width = max(len(name) for name, _ in rows) + 3
    widths = [
        max(len(f"round {number}"), *(len(cells[number - 1].plain) for _, cells in rows)) + 3
        for number in range(1, len(rounds) + 1)
    ]
    for part, (first, last) in enumerate(_fitting(widths, console.width - name_width - 1)):
        table = Table(
            title=title if part == 0 else f"{title} (continued)",
            title_justify="left",
            caption=_caption(outcome, ballots) if last == len(rounds) else None,
        )
        table.add_column("candidate", no_wrap=True)
        for number in range(first + 1, last + 1):
            table.add_column(f"round {number}", justify="right", no_wrap=True)
        for index, (name, cells) in enumerate(rows):
            if index == candidates:
                table.add_section()
            label = Text(name, style="bold" if name in outcome["winners"] else "")
            table.add_row(label, *cells[first:last])
        console.print(table)
    winners = ", ".join(outcome["winners"]) or "nobody"
    console.print(f"[bold]elected:[/bold] {winners}")
    for tie in outcome["ties"]:
        console.print(
            f"tie for {tie['for']} between {', '.join(tie['between'])}: "
            f"{tie['chosen']} chosen by {tie['broken_by']}"
        )


def _print_summary(outcome: Mapping[str, Any], ballots: BallotFile, title: str) -> None:
    """The count as one line a round: too many candidates and rounds for a table to be read."""
    rounds: Sequence[Mapping[str, Any]] = outcome["rounds"]
    lines = [
        title,
        f"{ballots.profile.n_candidates} candidates over {len(rounds)} rounds: too many to "
        "tabulate; --json gives every round's votes",
    ]
    for stage in rounds:
        votes = stage["votes"]
        moved = [f"{name} elected ({_number(votes.get(name))})" for name in stage["elected"]]
        moved += [f"{name} excluded ({_number(votes.get(name))})" for name in stage["excluded"]]
        lines.append(f"round {stage['round']}: {', '.join(moved) or 'no change'}")
    lines.append(_caption(outcome, ballots).split("\n")[0])
    lines.append(f"elected: {', '.join(outcome['winners']) or 'nobody'}")
    lines += [
        f"tie for {tie['for']} between {len(tie['between'])} candidates: "
        f"{tie['chosen']} chosen by {tie['broken_by']}"
        for tie in outcome["ties"]
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def _cells(name: str, rounds: Sequence[Mapping[str, Any]]) -> list[Text]:
    """One candidate's votes in every round, marked where elected or excluded."""
    from rich.text import Text

    cells: list[Text] = []
    finished = False
    for stage in rounds:
        votes = stage["votes"].get(name)
        if name in stage["elected"]:
            cells.append(Text(f"{_number(votes)} ✓", style="bold green"))
            finished = True
        elif name in stage["excluded"]:
            cells.append(Text(f"{_number(votes)} ✗", style="red"))
            finished = True
        elif votes is None:
            cells.append(Text("" if finished else "·", style="dim"))
        else:
            cells.append(Text(_number(votes)))
    return cells


def _fitting(widths: Sequence[int], room: int) -> list[tuple[int, int]]:
    """Consecutive runs of columns (first, last + 1) whose widths fit in `room`."""
    runs: list[tuple[int, int]] = []
    first, used = 0, 0
    for index, width in enumerate(widths):
        if used + width > room and index > first:
            runs.append((first, index))
            first, used = index, 0
        used += width
    runs.append((first, len(widths)))
    return runs


def _standing(outcome: Mapping[str, Any], candidates: Sequence[str]) -> list[str]:
    """Candidates in the order a reader looks for them: winners first, then by last votes."""
    last_votes: dict[str, tuple[int, float]] = {}
    for number, stage in enumerate(outcome["rounds"]):
        for name, votes in stage["votes"].items():
            last_votes[name] = (number, _sortable(votes))
    winners = list(outcome["winners"])
    others = sorted(
        (name for name in candidates if name not in winners),
        key=lambda name: last_votes.get(name, (-1, 0.0)),
        reverse=True,
    )
    return winners + others


def _caption(outcome: Mapping[str, Any], ballots: BallotFile) -> str:
    seats = outcome["seats"]
    parts = [f"{outcome['method']}, {seats} seat{'s' if seats != 1 else ''}"]
    if outcome.get("quota") is not None:
        parts.append(f"quota {_number(outcome['quota'])}")
    parts.append(f"{ballots.ballots} ballots")
    if ballots.empty:
        parts.append(f"{ballots.empty} with no countable preference")
    return "; ".join(parts) + "\n✓ elected in the round, ✗ excluded"


def _number(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def _sortable(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/", 1)
        return int(numerator) / int(denominator)
    try:
        return float(str(value))
    except ValueError:
        return 0.0
