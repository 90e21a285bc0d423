"""A closed election's count drawn on the server: one group of horizontal bars per round
(votes per candidate, the part each received by the round's transfers shaded apart, the
quota or threshold as a dashed line, elected and excluded marked), and the same numbers
as a table, which is the accessible version of the chart.

Both read the `result` JSON of an election (`Result.to_json`) and nothing else: any
method's result, from one round (plurality, approval, the Condorcet methods) to many
(irv, stv, meek). A number is an int, a float, or a string holding a decimal or a
fraction "p/q"; a result that is not of that shape gives no chart (None), and the page
shows what it can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

#: The chart's width in SVG units (it scales to the page).
WIDTH = 640
#: The names' column, the bars' area, and the values' column after the bars.
LABEL = 170
BARS = 330
#: The height of one candidate's bar row, and of a round's heading.
ROW = 22
HEADING = 26
#: The most decimals a number shows in the chart (the table shows every digit).
DECIMALS = 5


def number(value: object) -> float | None:
    """A count's number as a float, to draw; None for anything that is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            if "/" in value:
                return float(Fraction(value))
            return float(Decimal(value))
        except (ValueError, ZeroDivisionError, InvalidOperation):
            return None
    return None


def shown(value: object) -> str:
    """A count's number as the chart writes it: at most five decimals, no trailing zeros."""
    drawn = number(value)
    if drawn is None:
        return str(value)
    if drawn == int(drawn):
        return f"{int(drawn):,}"
    return f"{drawn:,.{DECIMALS}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Round:
    """One round as drawn: votes at its start, what was received by the transfer before
    it, who was elected or excluded in it, and what it moved."""

    number: int
    votes: dict[str, float]
    shown: dict[str, str]
    exact: dict[str, str]
    received: dict[str, float]
    elected: tuple[str, ...]
    excluded: tuple[str, ...]
    exhausted: float
    threshold: float | None
    transfer: str | None
    surplus: str | None
    note: str


def rounds_of(result: object) -> list[Round] | None:
    """The rounds of a result, checked and converted; None for a result not of the shape."""
    if not isinstance(result, Mapping):
        return None
    raw = result.get("rounds")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        return None
    quota = number(result.get("quota"))
    rounds: list[Round] = []
    given: dict[str, float] = {}
    for index, one in enumerate(raw):
        if not isinstance(one, Mapping) or not isinstance(one.get("votes"), Mapping):
            return None
        votes: dict[str, float] = {}
        for name, value in one["votes"].items():
            drawn = number(value)
            if drawn is None:
                return None
            votes[str(name)] = drawn
        threshold = number(one.get("threshold"))
        rounds.append(
            Round(
                number=_whole(one.get("round"), index + 1),
                votes=votes,
                shown={str(n): shown(v) for n, v in one["votes"].items()},
                exact={str(n): str(v) for n, v in one["votes"].items()},
                received={n: v for n, v in given.items() if n in votes and v > 0},
                elected=_names(one.get("elected")),
                excluded=_names(one.get("excluded")),
                exhausted=number(one.get("exhausted")) or 0.0,
                threshold=threshold if threshold is not None else quota,
                transfer=str(one["transfer"]) if one.get("transfer") else None,
                surplus=shown(one["surplus"]) if one.get("surplus") not in (None, 0) else None,
                note=str(one.get("note") or ""),
            )
        )
        given = {}
        if isinstance(one.get("transfers"), Mapping):
            for name, value in one["transfers"].items():
                given[str(name)] = number(value) or 0.0
    return rounds


def candidates_of(rounds: Sequence[Round]) -> list[str]:
    """Every candidate who appears in any round, in the order they first appear."""
    seen: dict[str, None] = {}
    for one in rounds:
        for name in one.votes:
            seen.setdefault(name, None)
    return list(seen)


def rounds_svg(result: object, names: Mapping[str, str] | None = None) -> str | None:
    """The count as SVG text (one `<g class="round">` per round), or None when the
    result is not of the shape; `names` gives a candidate's name for their id."""
    rounds = rounds_of(result)
    if rounds is None:
        return None
    names = {} if names is None else names
    candidates = candidates_of(rounds)
    top = max(
        [max(one.votes.values(), default=0.0) for one in rounds]
        + [one.threshold or 0.0 for one in rounds]
        + [1.0]
    )
    scale = BARS / top
    groups: list[str] = []
    y = 0
    for one in rounds:
        height = HEADING + ROW * len(one.votes) + 8
        groups.append(_round_group(one, candidates, names, scale, y, height))
        y += height + 12
    method = str(result.get("method", "")) if isinstance(result, Mapping) else ""
    title = f"The count{f' ({method})' if method else ''}, round by round: votes per candidate"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="count" role="img" '
        f'viewBox="0 0 {WIDTH} {max(y, 1)}" width="100%" '
        f"aria-label={quoteattr(title)}>"
        f"<title>{escape(title)}</title>" + "".join(groups) + "</svg>"
    )


def _round_group(
    one: Round,
    candidates: Sequence[str],
    names: Mapping[str, str],
    scale: float,
    y: int,
    height: int,
) -> str:
    parts = [
        f'<g class="round" data-round="{one.number}" transform="translate(0 {y})">',
        f'<rect class="frame" x="0" y="0" width="{WIDTH}" height="{height}"/>',
        f'<text class="heading" x="6" y="18">{escape(_heading(one, names))}</text>',
    ]
    row = 0
    for name in candidates:
        if name not in one.votes:
            continue
        votes = one.votes[name]
        received = min(one.received.get(name, 0.0), votes)
        top = HEADING + ROW * row
        mid = top + ROW // 2 + 4
        width = votes * scale
        shown_name = names.get(name, name)
        parts.append(f'<text class="name" x="{LABEL - 6}" y="{mid}">{escape(shown_name)}</text>')
        kept = width - received * scale
        parts.append(
            f'<rect class="votes" x="{LABEL}" y="{top + 3}" width="{kept:.2f}" '
            f'height="{ROW - 6}"><title>{escape(shown_name)}: {one.shown[name]}</title></rect>'
        )
        if received > 0:
            parts.append(
                f'<rect class="received" x="{LABEL + kept:.2f}" y="{top + 3}" '
                f'width="{received * scale:.2f}" height="{ROW - 6}"><title>'
                f"{escape(shown_name)} received {shown(received)}</title></rect>"
            )
        mark = ""
        if name in one.elected:
            mark = " ✓ elected"
        elif name in one.excluded:
            mark = " ✗ excluded"
        cls = "value elected" if name in one.elected else "value"
        parts.append(
            f'<text class="{cls}" x="{LABEL + width + 4:.2f}" y="{mid}">'
            f"{escape(one.shown[name] + mark)}</text>"
        )
        row += 1
    if one.threshold is not None:
        x = LABEL + one.threshold * scale
        parts.append(
            f'<line class="quota" x1="{x:.2f}" y1="{HEADING - 4}" x2="{x:.2f}" '
            f'y2="{height - 4}"><title>quota {shown(one.threshold)}</title></line>'
        )
    parts.append("</g>")
    return "".join(parts)


def _heading(one: Round, names: Mapping[str, str]) -> str:
    """A round's heading: its number, the quota line's value and what it moved."""
    said = [f"Round {one.number}"]
    if one.threshold is not None:
        said.append(f"quota {shown(one.threshold)}")
    moved = _moved(one, names)
    if moved:
        said.append(moved)
    if one.exhausted:
        said.append(f"exhausted {shown(one.exhausted)}")
    return " · ".join(said)


def _moved(one: Round, names: Mapping[str, str]) -> str:
    """What a round passed on to the next: a surplus, or an excluded candidate's votes."""
    if one.transfer is None:
        return ""
    who = names.get(one.transfer, one.transfer)
    if one.surplus is not None and one.transfer not in one.excluded:
        return f"{who}'s surplus of {one.surplus} transferred"
    return f"{who}'s votes transferred"


@dataclass(frozen=True)
class Table:
    """The count as a table: one row per candidate, one column per round."""

    rounds: list[int]
    rows: list[tuple[str, list[str]]]
    exhausted: list[str]
    thresholds: list[str]
    outcomes: list[str]
    transfers: list[str]


def result_table(result: object, names: Mapping[str, str] | None = None) -> Table | None:
    """The same numbers as the chart, exact as the result gives them; None when the
    result is not of the shape."""
    rounds = rounds_of(result)
    if rounds is None:
        return None
    names = {} if names is None else names
    rows: list[tuple[str, list[str]]] = []
    for name in candidates_of(rounds):
        cells = []
        for one in rounds:
            if name not in one.votes:
                cells.append("—")
                continue
            cell = one.exact[name]
            if name in one.received:
                cell += f" (+{shown(one.received[name])})"
            if name in one.elected:
                cell += " elected"
            elif name in one.excluded:
                cell += " excluded"
            cells.append(cell)
        rows.append((names.get(name, name), cells))
    return Table(
        rounds=[one.number for one in rounds],
        rows=rows,
        exhausted=[shown(one.exhausted) for one in rounds],
        thresholds=["—" if one.threshold is None else shown(one.threshold) for one in rounds],
        outcomes=[_outcome(one, names) for one in rounds],
        transfers=[_moved(one, names) or "—" for one in rounds],
    )


def _outcome(one: Round, names: Mapping[str, str]) -> str:
    said = [f"elected {', '.join(names.get(n, n) for n in one.elected)}"] if one.elected else []
    if one.excluded:
        said.append(f"excluded {', '.join(names.get(n, n) for n in one.excluded)}")
    if one.note:
        said.append(one.note)
    return "; ".join(said) or "—"


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return tuple(str(v) for v in value)
    return ()


def _whole(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
