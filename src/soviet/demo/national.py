"""A federation of councils of realistic shape and any size, generated from a seed: for
benchmarks, rehearsals and tests (`soviet generate federation`).

Its shape is the one a national federation has. Base assemblies of 50 to 300 members
(drawn from the seed; the remainder joins the last one) each send one deputy per hundred
members (one to three, by STV when more than one) to a district council; the councils of
each level send two deputies to the level above, up to one national congress. Every
council has a chair and a secretary, every assembly a secretary. The levels between are
as even as whole numbers allow: with A assemblies and L levels, each council gathers
about A^(1/(L-1)) bodies of the level below.

Nothing here reads or writes a database: `write` puts a charter (`charter.toml`) and its
members (`members.csv`, beside it) in a folder, the members written as they are drawn so
that memory does not grow with their number.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from soviet.demo.federation import FIRST, LAST

SMALLEST, LARGEST = 50, 300
MIN_LEVELS, MAX_LEVELS = 2, 8
MAX_MEMBERS = 100_000_000
#: What the bodies of each level are called, from the bottom; the top is the congress.
LEVELS = ("assembly", "district", "city", "region", "province", "zone", "sector")
CHARTER, MEMBERS = "charter.toml", "members.csv"


@dataclass(frozen=True)
class Federation:
    """The plan of a generated federation: the seed, each assembly's size, and for every
    level above the assemblies the parent of each body of the level below."""

    seed: int
    sizes: tuple[int, ...]
    #: parents[k][i]: the index, in level k + 1, of body i of level k (level 0: assemblies)
    parents: tuple[tuple[int, ...], ...]

    @property
    def members(self) -> int:
        return sum(self.sizes)

    @property
    def levels(self) -> int:
        return len(self.parents) + 1

    def count(self, level: int) -> int:
        """How many bodies level `level` (0: the assemblies) has."""
        if level == 0:
            return len(self.sizes)
        return max(self.parents[level - 1]) + 1

    def body(self, level: int, index: int) -> str:
        """The id of body `index` of level `level`."""
        if level == self.levels - 1:
            return "congress"
        return f"{LEVELS[level]}-{index + 1}"

    def deputies(self, level: int, index: int) -> int:
        """The seats of the office that sends body `index` of `level` deputies upwards."""
        if level == 0:
            return min(3, max(1, self.sizes[index] // 100))
        return 2

    def seats(self) -> int:
        """Every seat of every office."""
        total = 0
        for level in range(self.levels):
            for index in range(self.count(level)):
                if level < self.levels - 1:
                    total += self.deputies(level, index)
                total += 1 if level == 0 else 2  # a secretary; a chair and a secretary
        return total

    def offices(self) -> int:
        assemblies = self.count(0)
        councils = sum(self.count(level) for level in range(1, self.levels))
        return 2 * assemblies + 3 * councils - 1  # the congress sends no deputies


def plan(members: int, levels: int, seed: int) -> Federation:
    """The federation of `members` members in `levels` levels (the assemblies, the
    councils above them, the congress at the top), drawn from `seed`."""
    if not 1 <= members <= MAX_MEMBERS:
        raise ValueError(f"a federation has 1 to {MAX_MEMBERS:,} members, not {members:,}")
    if not MIN_LEVELS <= levels <= MAX_LEVELS:
        raise ValueError(f"a federation has {MIN_LEVELS} to {MAX_LEVELS} levels, not {levels}")
    rng = random.Random(f"federation:{seed}")
    sizes: list[int] = []
    left = members
    while left > 0:
        size = rng.randint(SMALLEST, LARGEST)
        if left - size < SMALLEST:  # too few left for another assembly: they join this one
            size = left
        sizes.append(size)
        left -= size
    spread = math.ceil(len(sizes) ** (1 / (levels - 1)))
    parents: list[tuple[int, ...]] = []
    below = len(sizes)
    for level in range(1, levels):
        above = 1 if level == levels - 1 else max(1, math.ceil(below / max(spread, 2)))
        parents.append(tuple(i * above // below for i in range(below)))
        below = above
    return Federation(seed, tuple(sizes), tuple(parents))


def people(federation: Federation) -> Iterator[tuple[str, str, str]]:
    """(id, name, assembly) of every member, in order: names from a small list, ids made
    unique by the member's number."""
    rng = random.Random(f"members:{federation.seed}")
    number = 0
    for index, size in enumerate(federation.sizes):
        assembly = federation.body(0, index)
        for _ in range(size):
            number += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            yield f"{first}.{last}.{number}".lower(), f"{first} {last}", assembly


def charter_toml(federation: Federation, founder: str) -> str:
    """The charter, as a person would write it; its members are in `members.csv`."""
    top = federation.levels - 1
    parts = [
        "# A federation generated by `soviet generate federation` "
        f"({federation.members:,} members, {federation.levels} levels, seed {federation.seed}).",
        'name = "National Federation of Councils"',
        'origin = "councils.example.org/national"',
        f'founders = ["{founder}"]',
        f'members = "{MEMBERS}"',
        "",
        "[rules]",
        "term_days = 365",
        "voting_days = 7",
        'recall_petition = "1/4"',
        'recall_immediate = "1/2"',
        'recall_quorum = "1/3"',
        'nominations = "open"',
        'uncontested = "count"',
        'election_quorum = "1/3"',
    ]
    for level in range(top, -1, -1):  # a parent before its children
        kind = "assembly" if level == 0 else "council"
        for index in range(federation.count(level)):
            ident = federation.body(level, index)
            lines = [
                "",
                "[[bodies]]",
                f'id = "{ident}"',
                f'name = "{_title(federation, level, index)}"',
                f'kind = "{kind}"',
            ]
            if level < top:
                lines.append(
                    f'parent = "{federation.body(level + 1, federation.parents[level][index])}"'
                )
            parts += lines
    for level in range(top + 1):
        for index in range(federation.count(level)):
            parts += _offices(federation, level, index)
    return "\n".join(parts) + "\n"


def _title(federation: Federation, level: int, index: int, *, of: bool = False) -> str:
    """A body's name (`of`: as it reads after "of" or "to")."""
    if level == federation.levels - 1:
        return "the National Congress" if of else "National Congress"
    if level == 0:
        return f"Assembly {index + 1}"
    return f"{LEVELS[level].capitalize()} Council {index + 1}"


def _offices(federation: Federation, level: int, index: int) -> list[str]:
    ident = federation.body(level, index)
    title = _title(federation, level, index, of=True)
    lines: list[str] = []
    if level < federation.levels - 1:
        seats = federation.deputies(level, index)
        parent = federation.body(level + 1, federation.parents[level][index])
        parent_title = _title(federation, level + 1, federation.parents[level][index], of=True)
        lines += [
            "",
            "[[offices]]",
            f'id = "{ident}.deputy"',
            f'body = "{ident}"',
            f'title = "Deputy of {title} to {parent_title}"',
            f"seats = {seats}",
            f'method = "{"stv" if seats > 1 else "irv"}"',
            f'seat_in = "{parent}"',
        ]
    roles = ("secretary",) if level == 0 else ("chair", "secretary")
    for role in roles:
        lines += [
            "",
            "[[offices]]",
            f'id = "{ident}.{role}"',
            f'body = "{ident}"',
            f'title = "{role.capitalize()} of {title}"',
            "seats = 1",
            'method = "irv"',
        ]
    return lines


def write(out: Path, federation: Federation) -> tuple[Path, Path]:
    """Write the charter and its members CSV into the folder `out` (made if missing);
    returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    charter, members = out / CHARTER, out / MEMBERS
    founder = ""
    with members.open("w", encoding="utf-8", newline="") as file:
        file.write("id,name,bodies\n")
        batch: list[str] = []
        for ident, name, assembly in people(federation):
            founder = founder or ident
            batch.append(f"{ident},{name},{assembly}\n")
            if len(batch) == 10_000:
                file.writelines(batch)
                batch.clear()
        file.writelines(batch)
    charter.write_text(charter_toml(federation, founder), encoding="utf-8")
    return charter, members
