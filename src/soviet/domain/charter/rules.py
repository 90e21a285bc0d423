"""The charter's rules: terms, voting periods and recall shares, and an office's overrides.

`[rules]` overrides the defaults of `Rules`; an office may override them again with the
same keys. Shares are read exactly, as fractions: "1/3" is a third, and 0.1 is a tenth,
not the binary float nearest it.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

from soviet.domain.charter._sites import InToml, Place
from soviet.domain.charter._values import (
    Table,
    as_table,
    check_keys,
    choice,
    count,
    identifier,
    kind_of,
    whole,
)
from soviet.domain.charter.limits import MAX_DAYS, MAX_SEATS
from soviet.domain.ids import shown
from soviet.domain.model import BALLOTS, BREACH_ACTIONS, Ballot, Procedure, Rules

#: The procedure's keys that `[rules]` and an office's table may write.
PROCEDURE_KEYS = (
    "nomination_days",
    "nominations",
    "uncontested",
    "election_quorum",
    "extend_votes",
    "holdover",
    "auto_close",
    "petition_days",
    "recall_cooldown_days",
    "on_breach",
    "reapportion",
    "recall_ballot",
)
#: The keys of `[rules]`, which an office's table may also write.
RULE_KEYS = (
    "term_days",
    "voting_days",
    "recall_petition",
    "recall_immediate",
    "recall_quorum",
    *PROCEDURE_KEYS,
)
#: Keys only `[rules]` writes, and only an office's table.
ORGANIZATION_KEYS = (
    "max_offices",
    "enrollment_days",
    "motion_quorum",
    "amendment_majority",
    "motion_ballot",
    "motion_trustees",
)
OFFICE_KEYS = ("exclusive", "ballot", "trustees", "threshold")
#: Each share's lowest value, whether that value is allowed, and the range as written.
_SHARE_RANGES = {
    "recall_petition": (Fraction(0), False, "(0, 1]"),
    "recall_immediate": (Fraction(1, 2), True, "[1/2, 1]"),
    "recall_quorum": (Fraction(0), True, "[0, 1]"),
    "election_quorum": (Fraction(0), False, "(0, 1]"),
    "motion_quorum": (Fraction(0), True, "[0, 1]"),
    "amendment_majority": (Fraction(1, 2), False, "(1/2, 1]"),
}
#: The most offices a charter may let one member hold at once.
MAX_OFFICES = 1000
#: The most characters of a share written as text, "1/4" or "0.25".
_SHARE_TEXT = 32


def read_rules(doc: Table, root: InToml) -> Rules:
    """The charter's `[rules]`: the defaults, with the overrides it writes."""
    table = as_table(doc.get("rules", {}), root.at("rules"))
    check_keys(table, root.sub("rules"), (), (*RULE_KEYS, *ORGANIZATION_KEYS))
    rules = resolve_rules(table, root.sub("rules"), Rules())
    if "enrollment_days" in table:
        days = count(table, root.sub("rules"), "enrollment_days", MAX_DAYS)
        rules = dataclasses.replace(rules, enrollment_days=days)
    return rules


def resolve_rules(table: Table, place: Place, base: Rules) -> Rules:
    """The rules of `base`, with the overrides the table writes."""
    rules = Rules(
        term_days=count(table, place, "term_days", MAX_DAYS, base.term_days),
        voting_days=count(table, place, "voting_days", MAX_DAYS, base.voting_days),
        recall_petition=_share(table, place, "recall_petition", base.recall_petition),
        recall_immediate=_share(table, place, "recall_immediate", base.recall_immediate),
        recall_quorum=_share(table, place, "recall_quorum", base.recall_quorum),
        procedure=_procedure(table, place, base.procedure),
    )
    written = [key for key in ("recall_petition", "recall_immediate") if key in table]
    if written and rules.recall_petition > rules.recall_immediate:
        raise place.at(written[0]).error(
            f"recall_petition {_show(rules.recall_petition)} is above recall_immediate "
            f"{_show(rules.recall_immediate)}: a petition would end the mandate at once "
            "before it could force a recall vote"
        )
    return rules


def _procedure(table: Table, place: Place, base: Procedure) -> Procedure:
    """The procedure of `base`, with the overrides the table writes."""
    quorum = base.election_quorum
    if "election_quorum" in table:
        quorum = _share(table, place, "election_quorum", Fraction(1))
    petition_days = base.petition_days
    if "petition_days" in table:
        petition_days = count(table, place, "petition_days", MAX_DAYS)
    most = base.max_offices
    if "max_offices" in table:
        most = count(table, place, "max_offices", MAX_OFFICES)
    nominations = choice(table, place, "nominations", ("closed", "open"), base.nominations)
    uncontested = choice(
        table, place, "uncontested", ("elect", "ballot", "count"), base.uncontested
    )
    breach = choice(table, place, "on_breach", BREACH_ACTIONS, base.on_breach)
    again = choice(table, place, "reapportion", ("election", "immediate"), base.reapportion)
    trustees = base.trustees
    if "trustees" in table:
        trustees = identifier(table, place, "trustees")
    motion_trustees = base.motion_trustees
    if "motion_trustees" in table:
        motion_trustees = identifier(table, place, "motion_trustees")
    threshold = base.threshold
    if "threshold" in table:
        threshold = count(table, place, "threshold", MAX_SEATS)
    return Procedure(
        nomination_days=_days(table, place, "nomination_days", base.nomination_days),
        nominations="open" if nominations == "open" else "closed",
        uncontested="ballot"
        if uncontested == "ballot"
        else ("count" if uncontested == "count" else "elect"),
        election_quorum=quorum,
        extend_votes=_switch(table, place, "extend_votes", base.extend_votes),
        holdover=_switch(table, place, "holdover", base.holdover),
        auto_close=_switch(table, place, "auto_close", base.auto_close),
        exclusive=_switch(table, place, "exclusive", base.exclusive),
        max_offices=most,
        petition_days=petition_days,
        recall_cooldown_days=_days(table, place, "recall_cooldown_days", base.recall_cooldown_days),
        on_breach=next(action for action in BREACH_ACTIONS if action == breach),
        reapportion="immediate" if again == "immediate" else "election",
        motion_quorum=_share(table, place, "motion_quorum", base.motion_quorum),
        amendment_majority=_share(table, place, "amendment_majority", base.amendment_majority),
        ballot=_ballot(table, place, "ballot", base.ballot),
        recall_ballot=_ballot(table, place, "recall_ballot", base.recall_ballot),
        motion_ballot=_ballot(table, place, "motion_ballot", base.motion_ballot),
        trustees=trustees,
        threshold=threshold,
        motion_trustees=motion_trustees,
    )


def _ballot(table: Table, place: Place, key: str, default: Ballot) -> Ballot:
    written = choice(table, place, key, BALLOTS, default)
    return "secret" if written == "secret" else "open"


def _days(table: Table, place: Place, key: str, default: int) -> int:
    """A number of days from 0 to the most a charter writes."""
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise place.at(key).error(f"must be a whole number of days, not {kind_of(value)}")
    if not 0 <= value <= MAX_DAYS:
        raise place.at(key).error(f"must be from 0 to {MAX_DAYS:,} days, not {whole(value)}")
    return value


def _switch(table: Table, place: Place, key: str, default: bool) -> bool:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, bool):
        raise place.at(key).error(f"must be true or false, not {kind_of(value)}")
    return value


def _share(table: Table, place: Place, key: str, default: Fraction) -> Fraction:
    """A share, exactly: an int, a decimal read from its text, or a string "1/4" or "0.25"."""
    if key not in table:
        return default
    value, site = table[key], place.at(key)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise site.error(f'must be a share such as "1/4" or 0.25, not {kind_of(value)}')
    if isinstance(value, float) and not math.isfinite(value):
        raise site.error(f'must be a share such as "1/4" or 0.25, not {value}')
    written_text = value.strip() if isinstance(value, str) else ""
    try:
        # A share written as text is short and has no exponent, which could ask Fraction
        # for a power of ten too large to compute.
        if len(written_text) > _SHARE_TEXT or "e" in written_text.lower():
            raise ValueError(written_text)
        share = Fraction(value) if isinstance(value, int) else Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        quoted = shown(value) if isinstance(value, str) else repr(value)
        raise site.error(
            f'{quoted} is not a share: write a fraction "1/4" or a decimal 0.25'
        ) from None
    low, low_allowed, written = _SHARE_RANGES[key]
    if share > 1 or share < low or (share == low and not low_allowed):
        raise site.error(f"{_show(share)} is outside {written}")
    return share


def _show(share: Fraction) -> str:
    numerator = whole(share.numerator)
    return numerator if share.denominator == 1 else f"{numerator}/{whole(share.denominator)}"
