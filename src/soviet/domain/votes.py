"""The vote machine: what elections, recall votes and (next) motions share.

A vote has a roll frozen when it starts: the electorate at that instant. The log commits
to it by its size and a hash (`commit`), and keeps the members themselves in rows beside
the event, where anyone replaying the log finds them again from the state it has reached.
The vote then runs for a voting period; each elector on the roll casts a ballot (and may
cast it again, the latest counting); and
any elector on the roll closes it, before the period ends only once everyone on it has
voted. The kinds of vote differ only in the method of their count and the consequences
of their result.

`name` in the messages is how the vote is spoken of: "election E1", "the recall vote on
P1".
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from soviet.domain.clock import after_days
from soviet.errors import Refused


@dataclass(frozen=True, slots=True)
class Roll:
    """The commitment to a roll: how many electors it holds and the hex SHA-256 of their
    member ids, sorted, each followed by a newline."""

    size: int
    hash: str

    def data(self) -> dict[str, Any]:
        """The roll's fields in an event's data."""
        return {"roll_size": self.size, "roll_hash": self.hash}


def commit(roll: Iterable[str]) -> Roll:
    """The commitment to a roll of member ids."""
    ordered = sorted(roll)
    text = "".join(member + "\n" for member in ordered)
    return Roll(len(ordered), hashlib.sha256(text.encode("utf-8")).hexdigest())


def inline_roll(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """An event's data with an inline roll (as logs kept it before rolls were committed
    to) read as its commitment; any other data as it is."""
    roll = data.get("roll")
    if not isinstance(roll, list) or "roll_size" in data or "roll_hash" in data:
        return data
    if not all(isinstance(member, str) for member in roll):
        return data
    upgraded = {key: value for key, value in data.items() if key != "roll"}
    upgraded.update(commit(roll).data())
    return upgraded


def voting_ends(now: str, days: int) -> str:
    """When a vote that starts at `now` ends."""
    return after_days(now, days)


def may_cast(name: str, roll: Collection[str], ends: str | None, voter: str, now: str) -> None:
    """Electors on the roll vote within the voting period; one who votes again changes
    their vote (the latest ballot counts, and the log keeps every one)."""
    if ends is not None and now > ends:
        raise Refused(f"{name}: the voting period ended at {ends}")
    if voter not in roll:
        raise Refused(f"{voter!r} is not on the roll of {name}")


def may_close(
    name: str, roll: Collection[str], voted: int, ends: str | None, actor: str, now: str
) -> None:
    """Any elector on the roll closes the vote; before it ends only once all have voted."""
    if actor not in roll:
        raise Refused(f"{actor!r} is not on the roll of {name}")
    missing = len(roll) - voted
    if ends is not None and now < ends and missing:
        raise Refused(
            f"{name} cannot close before {ends}: {missing} of {len(roll)} electors have not voted"
        )
