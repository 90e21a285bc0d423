"""A count's result for people: the votes of every candidate round by round, who was
elected and excluded, what each round transferred, the quota, and every tie with how it
was broken — a lot in words, with its draw.

`soviet count FILE`, `soviet election close` and `soviet show election` print a result
through this one renderer, from its JSON (`tally.Result.to_json`). It needs no database.
Names from input print as they are written: never as markup, and on one line.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from soviet.domain.ids import printable

#: Past this many cells (candidates x rounds) the rounds are listed, not tabulated: a table
#: that size is read by nobody and takes minutes to lay out.
MOST_CELLS = 20_000


def print_result(
    outcome: Mapping[str, Any],
    *,
    title: str,
    ballots: int,
    empty: int = 0,
    candidates: Sequence[str] | None = None,
    console: Console | None = None,
) -> None:
    """The count as tables: candidates as rows, rounds as columns; then the winners, the
    transfers and the ties. Rounds that do not fit the terminal's width go on to a further
    table, never cut short.

    `ballots` is how many ballots were counted and `empty` how many had no countable
    preference; `candidates` are all who stood (by default, those the rounds name).
    """
    rounds: Sequence[Mapping[str, Any]] = outcome["rounds"]
    standing = list(candidates) if candidates is not None else _named_in(outcome)
    if len(rounds) * len(standing) > MOST_CELLS:
        _print_summary(outcome, title, ballots, empty, len(standing))
        return
    console = console or Console(highlight=False, emoji=False, soft_wrap=True)
    rows = [(name, _cells(name, rounds)) for name in _standing(outcome, standing)]
    count = len(rows)
    rows.append(("exhausted", [Text(_number(r["exhausted"]), style="dim") for r in rounds]))
    if any("threshold" in r for r in rounds):
        rows.append(("threshold", [Text(_number(r.get("threshold")), style="dim") for r in rounds]))
    name_width = max(len(printable(name)) for name, _ in rows) + 3
    widths = [
        max(len(f"round {number}"), *(len(cells[number - 1].plain) for _, cells in rows)) + 3
        for number in range(1, len(rounds) + 1)
    ]
    for part, (first, last) in enumerate(_fitting(widths, console.width - name_width - 1)):
        table = Table(
            title=_plain(title if part == 0 else f"{title} (continued)"),
            title_justify="left",
            caption=_caption(outcome, ballots, empty) if last == len(rounds) else None,
        )
        # no column narrower than its widest cell: a name or a number is never cut short,
        # even when one round beside the names is wider than the terminal
        table.add_column("candidate", no_wrap=True, min_width=name_width - 3)
        for number in range(first + 1, last + 1):
            table.add_column(
                f"round {number}", justify="right", no_wrap=True, min_width=widths[number - 1] - 3
            )
        for index, (name, cells) in enumerate(rows):
            if index == count:
                table.add_section()
            label = Text(printable(name), style="bold" if name in outcome["winners"] else "")
            table.add_row(label, *cells[first:last])
        # one round beside long names may be wider than the terminal: printed wider, the
        # terminal wraps its lines, where Rich would squeeze the round out of sight
        least = name_width + sum(widths[first:last]) + 1
        table.width = least if least > console.width else None
        console.print(table)
    console.print(f"[bold]elected:[/bold] {_plain(_names(outcome['winners']) or 'nobody')}")
    for line in [*transfer_lines(rounds), *note_lines(outcome), *tie_lines(outcome["ties"])]:
        console.print(_plain(line))


def _print_summary(
    outcome: Mapping[str, Any], title: str, ballots: int, empty: int, candidates: int
) -> None:
    """The count as one line a round: too many candidates and rounds for a table to be read."""
    rounds: Sequence[Mapping[str, Any]] = outcome["rounds"]
    lines = [
        title,
        f"{candidates} candidates over {len(rounds)} rounds: too many to "
        "tabulate; --json gives every round's votes",
    ]
    for stage in rounds:
        votes = stage["votes"]
        moved = [f"{name} elected ({_number(votes.get(name))})" for name in stage["elected"]]
        moved += [f"{name} excluded ({_number(votes.get(name))})" for name in stage["excluded"]]
        lines.append(f"round {stage['round']}: {', '.join(moved) or 'no change'}")
    lines.append(_caption(outcome, ballots, empty).split("\n")[0])
    lines.append(f"elected: {', '.join(outcome['winners']) or 'nobody'}")
    lines += tie_lines(outcome["ties"])
    sys.stdout.write("\n".join(printable(line) for line in lines) + "\n")


def transfer_lines(rounds: Sequence[Mapping[str, Any]]) -> list[str]:
    """What each round passed on, in words: whose surplus or votes went to whom."""
    lines: list[str] = []
    for stage in rounds:
        source = stage.get("transfer")
        if source is None:
            continue
        surplus = stage.get("surplus")
        what = f"{source}'s votes" if surplus is None else f"{source}'s surplus of {surplus}"
        given = [(name, votes) for name, votes in stage.get("transfers", {}).items() if votes]
        to = ", ".join(f"{name} +{_number(votes)}" for name, votes in given)
        moved = f"transferred: {to}" if to else "passed on to no one (exhausted)"
        lines.append(f"round {stage['round']}: {what} {moved}")
    return lines


def note_lines(outcome: Mapping[str, Any]) -> list[str]:
    """The notes of the count and of its rounds (how a rule applied), in words."""
    lines = [
        f"round {stage['round']}: {stage['note']}"
        for stage in outcome["rounds"]
        if stage.get("note") and stage["note"] != outcome.get("note")
    ]
    if outcome.get("note"):
        lines.append(str(outcome["note"]))
    return lines


def tie_lines(ties: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every tie of a count and how it was broken, in words; a lot with its draw and what
    anyone needs to redo it."""
    lines: list[str] = []
    for tie in ties:
        where = f" in round {tie['round']}" if tie.get("round") is not None else ""
        between = _names(tie["between"])
        broken_by = str(tie["broken_by"])
        if broken_by == "lot":
            lines.append(
                f"tie for {tie['for']}{where} between {between}: decided by lot; "
                f"the draw: {_names(tie.get('draw', []))}, so {tie['chosen']} is chosen "
                f"(each name's SHA-256 of the seed, the context and the name, lowest "
                f"first; seed {tie.get('seed')}, context {tie.get('context')})"
            )
        elif broken_by == "order given":
            lines.append(
                f"tie for {tie['for']}{where} between {between}: decided by the order "
                f"given, so {tie['chosen']} is chosen"
            )
        else:
            lines.append(
                f"tie for {tie['for']}{where} between {between}: decided by {broken_by}, "
                f"so {tie['chosen']} is chosen"
            )
    return lines


def _named_in(outcome: Mapping[str, Any]) -> list[str]:
    """The candidates a result names, in the order it first names them."""
    seen: dict[str, None] = {}
    for stage in outcome["rounds"]:
        seen.update(dict.fromkeys(stage["votes"]))
    seen.update(dict.fromkeys(outcome["winners"]))
    return list(seen)


def _cells(name: str, rounds: Sequence[Mapping[str, Any]]) -> list[Text]:
    """One candidate's votes in every round, marked where elected or excluded."""
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


def _caption(outcome: Mapping[str, Any], ballots: int, empty: int) -> str:
    seats = outcome["seats"]
    parts = [f"{outcome['method']}, {seats} seat{'s' if seats != 1 else ''}"]
    if outcome.get("quota") is not None:
        parts.append(f"quota {_number(outcome['quota'])}")
    parts.append(f"{ballots} ballots")
    if empty:
        parts.append(f"{empty} with no countable preference")
    return _plain("; ".join(parts)) + "\n✓ elected in the round, ✗ excluded"


def _names(names: Sequence[str]) -> str:
    return ", ".join(str(name) for name in names)


def _plain(text: str) -> str:
    """Text from input as Rich markup that prints it literally, on one line."""
    return escape(printable(text))


def _number(value: object) -> str:
    if value is None:
        return ""
    return str(value)


def _sortable(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and "/" in value:
        numerator, denominator = value.split("/", 1)
        try:
            return int(numerator) / int(denominator)
        except (ValueError, ZeroDivisionError):
            return 0.0
    try:
        return float(str(value))
    except ValueError:
        return 0.0
