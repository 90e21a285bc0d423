"""Instant-runoff voting: one seat, the candidate with fewest votes excluded each round.

Each round counts every ballot for its top continuing candidate. A candidate with more
than half of the continuing votes (ballots that still rank someone in the count) is
elected; exhausted ballots leave the count and so lower the threshold. Otherwise the
candidate with fewest votes is excluded and their ballots pass to the next continuing
preference. A tie for fewest is broken by the earlier-round rule — fewest votes at the most
recent round where the tied candidates differed — and, equal at every round, by lot.
"""

from __future__ import annotations

from collections.abc import Mapping

from soviet.tally._cursor import Cursor, sum_by
from soviet.tally.errors import TallyError
from soviet.tally.profiles import IntArray, Profile
from soviet.tally.results import Number, Result, Round
from soviet.tally.ties import TieBreaker


def count_irv(
    profile: Profile, seats: int, ties: TieBreaker, options: Mapping[str, object]
) -> Result:
    """Count ``profile`` by instant-runoff voting (one seat)."""
    if seats != 1:
        raise TallyError(f"irv fills exactly one seat, not {seats}; use stv for several seats")
    names = profile.candidates
    n = profile.n_candidates
    total = profile.total
    cursor = Cursor(profile)
    counts = profile.counts
    tallies = sum_by(cursor.top, counts, n)
    continuing = [c for c in range(n) if c not in profile.withdrawn]
    history: list[IntArray] = []
    rounds: list[Round] = []
    winner: int | None = None
    while continuing:
        number = len(rounds) + 1
        history.append(tallies.copy())
        active = int(sum(int(tallies[c]) for c in continuing))
        threshold = active // 2 + 1
        votes: dict[str, Number] = {names[c]: int(tallies[c]) for c in continuing}
        leader = max(continuing, key=lambda c: (int(tallies[c]), -c))
        if int(tallies[leader]) >= threshold or len(continuing) == 1:
            rounds.append(
                Round(
                    number=number,
                    votes=votes,
                    elected=(names[leader],),
                    exhausted=total - active,
                    threshold=threshold,
                    note="majority of continuing votes"
                    if len(continuing) > 1
                    else "last continuing candidate",
                )
            )
            winner = leader
            break
        low = min(int(tallies[c]) for c in continuing)
        tied = [c for c in continuing if int(tallies[c]) == low]
        loser = ties.by_history(
            tied, history, lowest=True, purpose="exclusion", round_number=number
        )
        continuing.remove(loser)
        rows = cursor.rows_at(loser)
        cursor.close([loser])
        cursor.advance(rows)
        received = sum_by(cursor.top[rows], counts[rows], n)
        tallies += received
        tallies[loser] = 0
        rounds.append(
            Round(
                number=number,
                votes=votes,
                excluded=(names[loser],),
                exhausted=total - active,
                transfer=names[loser],
                transfers={names[c]: int(received[c]) for c in continuing},
                threshold=threshold,
            )
        )
    return Result(
        method="irv",
        seats=seats,
        winners=() if winner is None else (names[winner],),
        quota=None,
        rounds=tuple(rounds),
        ties=tuple(ties.ties),
        ballots=total,
    )
