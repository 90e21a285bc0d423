"""Pure counting: a profile of ballots in, a result with every round out.

`count` is the one entry point, the same for ``soviet count FILE`` and for closing an
election; `METHODS` is the one registry of counting methods by name. Nothing here touches
files, databases, clocks or randomness: a lot is drawn from the ``seed`` passed in.

Every method takes the option ``tie_order`` (every candidate's name, once): where the rule
would draw a lot, the first of the tied candidates in that order is chosen instead. It
exists to reproduce published counts that settled lots by a fixed order.

A profile that ranks candidates equal (see `Profile.tiers`) is counted only by a method
registered with ``equal_rankings``; every other method refuses it rather than read its
equal candidates as ordered.

A count refuses, rather than miscount or run for hours, a profile past its method's limits
on candidates and ballots (see `limits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from types import MappingProxyType

from soviet.tally.condorcet import count_ranked_pairs, count_schulze
from soviet.tally.errors import ProfileError, TallyError
from soviet.tally.irv import count_irv
from soviet.tally.limits import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    MAX_PAIRWISE_CANDIDATES,
    MAX_STV_BALLOTS,
)
from soviet.tally.meek import OPTIONS as MEEK_OPTIONS
from soviet.tally.meek import count_meek
from soviet.tally.plurality import count_approval, count_plurality, count_yes_no
from soviet.tally.profiles import Profile
from soviet.tally.results import Number, Result, Round, Tie
from soviet.tally.scottish import count_scottish
from soviet.tally.ties import TieBreaker

__all__ = [
    "MAX_BALLOTS",
    "MAX_CANDIDATES",
    "MAX_PAIRWISE_CANDIDATES",
    "MAX_STV_BALLOTS",
    "METHODS",
    "Method",
    "Number",
    "Profile",
    "ProfileError",
    "Result",
    "Round",
    "TallyError",
    "Tie",
    "count",
]

Counter = Callable[[Profile, int, TieBreaker, Mapping[str, object]], Result]


@dataclass(frozen=True)
class Method:
    """A registered counting method: its name, what it is, the options it takes, its counter.

    ``equal_rankings`` says whether it counts profiles that rank candidates equal;
    ``max_candidates`` and ``max_ballots`` are the most it counts (see `limits`).
    """

    name: str
    summary: str
    counter: Counter
    options: frozenset[str] = frozenset()
    equal_rankings: bool = False
    max_candidates: int = MAX_CANDIDATES
    max_ballots: int = MAX_BALLOTS


def _registry(*methods: Method) -> Mapping[str, Method]:
    return MappingProxyType({m.name: m for m in methods})


METHODS: Mapping[str, Method] = _registry(
    Method("plurality", "most votes wins; block voting for several seats", count_plurality),
    Method("approval", "each ballot approves a set; most approvals win", count_approval),
    Method(
        "irv",
        "instant-runoff voting, one seat",
        count_irv,
        frozenset({"exclude_first", "batch_elimination"}),
    ),
    Method(
        "stv",
        "single transferable vote, Scottish rules (SSI 2007/42): Droop quota, "
        "weighted inclusive Gregory, 5 decimals",
        count_scottish,
        max_ballots=MAX_STV_BALLOTS,
    ),
    Method(
        "meek",
        "single transferable vote, Meek's method (droop's meek rule; PRF reference variant)",
        count_meek,
        MEEK_OPTIONS,
        equal_rankings=True,
    ),
    Method(
        "schulze",
        "Schulze's beat-path Condorcet method over margins",
        count_schulze,
        max_candidates=MAX_PAIRWISE_CANDIDATES,
    ),
    Method(
        "ranked-pairs",
        "Tideman's ranked pairs Condorcet method over margins",
        count_ranked_pairs,
        max_candidates=MAX_PAIRWISE_CANDIDATES,
    ),
    Method(
        "yes-no",
        "a recall vote or motion: yes > no, with an optional quorum",
        count_yes_no,
        frozenset({"electorate", "quorum", "abstained"}),
    ),
)

_COMMON_OPTIONS = frozenset({"tie_order"})


def count(
    profile: Profile,
    method: str,
    seats: int = 1,
    *,
    seed: bytes = b"",
    options: Mapping[str, object] | None = None,
) -> Result:
    """Count ``profile`` by ``method`` for ``seats`` seats; lots are drawn from ``seed``."""
    spec = METHODS.get(method)
    if spec is None:
        known = ", ".join(sorted(METHODS))
        raise TallyError(f"unknown counting method {method!r}; choose one of: {known}")
    if isinstance(seats, bool) or not isinstance(seats, Integral) or seats < 1:
        raise TallyError(f"seats must be a whole number >= 1, not {seats!r}")
    if not isinstance(seed, bytes | bytearray | memoryview):
        raise TallyError(f"the seed of a lot must be bytes, not {type(seed).__name__}")
    if profile.n_candidates > spec.max_candidates:
        raise TallyError(
            f"{method} counts at most {spec.max_candidates} candidates, "
            f"and these ballots name {profile.n_candidates}"
        )
    if profile.total > spec.max_ballots:
        raise TallyError(
            f"{method} counts at most {spec.max_ballots} ballots exactly, "
            f"and these number {profile.total}"
        )
    if not (profile.strict or spec.equal_rankings):
        takers = ", ".join(sorted(m.name for m in METHODS.values() if m.equal_rankings))
        raise TallyError(
            f"{method} cannot count ballots that rank candidates equal (a=b); "
            f"count them by {takers}, or read '=' as an overvote"
        )
    given = dict(options or {})
    unknown = sorted(set(given) - spec.options - _COMMON_OPTIONS)
    if unknown:
        allowed = ", ".join(sorted(spec.options | _COMMON_OPTIONS))
        raise TallyError(f"{method} takes no option {', '.join(unknown)}; it takes: {allowed}")
    ties = TieBreaker(
        profile.candidates,
        method=method,
        seed=bytes(seed),
        tie_order=_names(given.get("tie_order")),
    )
    return spec.counter(profile, int(seats), ties, given)


def _names(value: object) -> Sequence[str] | None:
    """The tie_order option as a list of candidate names."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TallyError("option tie_order must be a list of candidate names")
    names = [str(v) for v in value]
    return names
