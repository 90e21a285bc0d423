"""The rules a jurisdiction sets for reading marks off a ballot before any counting."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Skipped(StrEnum):
    """What a blank rank followed by a marked one does to the ballot."""

    SKIP = "skip"
    """Pass over blank ranks; the next marked rank counts."""
    EXHAUST = "exhaust"
    """The ballot stops at its first blank rank (nothing after it counts)."""
    EXHAUST_AT_TWO = "exhaust-at-two"
    """One blank rank is passed over; two blank ranks in a row stop the ballot."""


class Overvote(StrEnum):
    """What several candidates marked at one rank do to the ballot."""

    EXHAUST = "exhaust"
    """The ballot stops at the overvoted rank."""
    SKIP = "skip"
    """The overvoted rank is passed over, like a blank one that does not count as skipped."""


class Repeat(StrEnum):
    """What a candidate marked again at a later rank does to the ballot."""

    SKIP = "skip"
    """The repeat is ignored; the ballot goes on to its next rank."""
    EXHAUST = "exhaust"
    """The ballot stops at the repeat."""


@dataclass(frozen=True)
class BallotRules:
    """How marks on a ranked ballot become a ranking: skipped ranks, overvotes, repeats.

    The defaults — pass over blank ranks, stop at an overvote, ignore repeats — are the
    common US rules. Ranks are judged in order, as a tabulator reads them: a rank is
    *marked* when it holds a candidate or an overvote, and the skipped-rank rule looks at
    the blank ranks between one marked rank and the next (leading blanks included).

    ``equal_rankings`` reads candidates named together at one rank in a BLT file (``2=3``)
    as ranked equal there, as droop's BLT dialect means them, instead of as an overvote.
    The rank counts as one marked rank; a candidate named again later, or in a group
    holding one ranked before, is a repeat. Marks that do not name their candidates
    (``-=-``, ``2=-``, a CVR's ``overvote``) stay overvotes. Only counting methods that
    take equal rankings (meek) count the profile when some ballot uses them.
    """

    skipped: Skipped = Skipped.SKIP
    overvote: Overvote = Overvote.EXHAUST
    repeat: Repeat = Repeat.SKIP
    equal_rankings: bool = False

    @property
    def max_skipped(self) -> int | None:
        """How many blank ranks in a row a ballot may pass over (None: any number)."""
        if self.skipped is Skipped.EXHAUST:
            return 0
        if self.skipped is Skipped.EXHAUST_AT_TWO:
            return 1
        return None
