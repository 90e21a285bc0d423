"""Reading the reference material: BLT ballot files and droop's stage-by-stage reports.

A small private BLT reader stands in for `soviet.ballots` in these tests: the header
``candidates seats``, optional ``[tie …]`` and ``[nick …]`` option lines (droop's: lots
in that order; a short name for each candidate, usable in place of its number) and a
withdrawn line (negative numbers), ``weight prefs… 0`` lines, a ``0`` line, quoted
names, a quoted title. The US IRV files' extra tokens are read too: a leading ``#``
comment, ``-`` for a skipped rank, ``a=b`` for an overvote (the ballot stops there) —
or, in droop's dialect (``equal_rankings``), ``a=b`` for candidates ranked equal.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from soviet.tally import Profile

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
ELECTIONS = DATA / "elections"


@dataclass(frozen=True)
class BltFile:
    """One ballot file: its profile, its seats, and its tie order (droop's lot)."""

    profile: Profile
    seats: int
    tie_order: tuple[str, ...]


def read_blt(path: Path, *, equal_rankings: bool = False) -> BltFile:
    """Read a BLT file into a profile (identical rankings grouped).

    With ``equal_rankings`` (droop's dialect) ``a=b`` ranks a and b equal at that rank;
    otherwise it is an overvote that stops the ballot.
    """
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8-sig").splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    n, seats = (int(t) for t in lines[0].split()[:2])
    i = 1
    tie: list[str] | None = None
    nicks: dict[str, int] = {}
    withdrawn: list[int] = []
    while lines[i].startswith("[") or lines[i].startswith("-"):
        if lines[i].startswith("[tie"):
            tie = lines[i].strip("[]").split()[1:]
        elif lines[i].startswith("[nick"):
            nicks = {nick: c for c, nick in enumerate(lines[i].strip("[]").split()[1:])}
        elif lines[i].startswith("-"):
            withdrawn = [-int(t) - 1 for t in lines[i].split()]
        i += 1

    def candidate(token: str) -> int:
        return int(token) - 1 if token.isdigit() else nicks[token]

    ballots: list[list[int]] = []
    tiered: list[list[list[int]]] = []
    weights: list[int] = []
    while lines[i] != "0":
        tokens = lines[i].split()
        weights.append(int(tokens[0]))
        if equal_rankings:
            tiered.append(_tiers(tokens[1:], candidate))
        else:
            ballots.append(_ranking(tokens[1:], nicks))
        i += 1
    names = [shlex.split(ln)[0] for ln in lines[i + 1 : i + 1 + n]]
    title = shlex.split(lines[i + 1 + n])[0] if len(lines) > i + 1 + n else ""
    if equal_rankings:
        profile = Profile.from_tiers(names, tiered, weights, title=title, withdrawn=withdrawn)
    else:
        profile = Profile.from_ballots(names, ballots, weights, title=title, withdrawn=withdrawn)
    order = tuple(names[candidate(t)] for t in tie) if tie is not None else tuple(names)
    return BltFile(profile, seats, order)


def _ranking(tokens: list[str], nicks: dict[str, int]) -> list[int]:
    """A ballot's candidates in order: `-` passed over, an overvote `a=b` ends it."""
    ranking: list[int] = []
    for token in tokens:
        if token == "0" or "=" in token:
            break
        if token != "-":
            found = nicks.get(token)
            found = int(token) - 1 if found is None else found
            if found not in ranking:
                ranking.append(found)
    return ranking


def _tiers(tokens: list[str], candidate: Callable[[str], int]) -> list[list[int]]:
    """A ballot's tiers in droop's dialect: `a=b` ranks a and b equal; repeats dropped."""
    tiers: list[list[int]] = []
    seen: set[int] = set()
    for token in tokens:
        if token == "0":
            break
        if token != "-":
            tier = [c for c in dict.fromkeys(map(candidate, token.split("="))) if c not in seen]
            seen.update(tier)
            tiers.append(tier)
    return tiers


@dataclass(frozen=True)
class Report:
    """What a droop report says: quota, the elected, and each stage's totals."""

    quota: Decimal
    elected: frozenset[str]
    stages: tuple[dict[str, Decimal], ...]


@dataclass(frozen=True)
class MeekReport:
    """What a droop Meek report says: the elected, and each round's settled totals as shown."""

    elected: frozenset[str]
    rounds: tuple[dict[str, str], ...]


_STATE = re.compile(r"^\t(Elected|Hopeful|Pending|Defeated):\s+(.*) \(([\d.]+)\)$")
_TRANSFER_ACTIONS = ("Begin Count", "Surplus transferred", "Transfer defeated")


def read_scotland_report(path: Path) -> Report:
    """The stages of a droop Scottish STV report: totals after each transfer.

    A stage's totals are those of the candidates still in the count (hopeful, pending or
    elected), read after "Begin Count" and after each completed transfer.
    """
    quota = Decimal(0)
    stages: list[dict[str, Decimal]] = []
    elected: set[str] = set()
    action = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("\tQuota:") and not action:
            quota = Decimal(line.split()[-1])
        if line.startswith("Action:"):
            action = line[len("Action: ") :]
            if action.startswith(_TRANSFER_ACTIONS):
                stages.append({})
            continue
        match = _STATE.match(line)
        if match is None:
            continue
        state, name, value = match.groups()
        if state == "Defeated":
            continue
        if action.startswith(_TRANSFER_ACTIONS):
            stages[-1][name] = Decimal(value)
        if action.startswith("Count Complete") and state == "Elected":
            elected.add(name)
    return Report(quota, frozenset(elected), tuple(stages))


def read_meek_report(path: Path) -> MeekReport:
    """Each round of a droop Meek report: the totals its iteration settled on, as printed.

    They are those of the round's first action that lists candidates (an election or the
    first defeat), before any defeat's votes move: hopeful and elected candidates, and the
    candidate being defeated if they hold votes.
    """
    rounds: list[dict[str, str]] = []
    elected: set[str] = set()
    taking = False
    waiting = False
    action = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Round "):
            waiting = True
            continue
        if line.startswith("Action:"):
            action = line[len("Action: ") :]
            taking = waiting and not action.startswith(("Iterate", "Break tie"))
            if taking:
                rounds.append({})
                waiting = False
            continue
        match = _STATE.match(line)
        if match is None:
            continue
        state, name, value = match.groups()
        if taking and (state != "Defeated" or Decimal(value) != 0):
            rounds[-1][name] = value
        if action.startswith("Count Complete") and state == "Elected":
            elected.add(name)
    return MeekReport(frozenset(elected), tuple(rounds))


def shown(value: Decimal | Fraction | int, places: int) -> str:
    """A value as droop prints it: rounded half up to ``places`` decimals."""
    exact = Fraction(value)
    scaled = (exact * 10**places + Fraction(1, 2)).__floor__()
    whole, part = divmod(scaled, 10**places)
    return f"{whole}.{part:0{places}d}"
