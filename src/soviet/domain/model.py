"""The vocabulary of the charter: rules, bodies, offices, members — as adopted, immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

BodyKind = Literal["assembly", "council"]
Eligibility = Literal["electorate", "members"]

#: Counting methods an office may be elected by (yes-no is for recall votes and motions).
OFFICE_METHODS: tuple[str, ...] = (
    "plurality",
    "approval",
    "irv",
    "stv",
    "meek",
    "schulze",
    "ranked-pairs",
)
#: Methods whose ballots are a ranking (the others take a set of choices).
RANKED_METHODS: frozenset[str] = frozenset({"irv", "stv", "meek", "schulze", "ranked-pairs"})
#: Powers an office may carry.
POWERS: frozenset[str] = frozenset({"admit"})


def default_method(seats: int) -> str:
    """The counting method of an office whose charter names none."""
    return "irv" if seats == 1 else "stv"


@dataclass(frozen=True)
class Rules:
    """The charter's defaults for terms, voting periods and recall shares."""

    term_days: int = 365
    voting_days: int = 7
    recall_petition: Fraction = Fraction(1, 4)
    recall_immediate: Fraction = Fraction(1, 2)
    recall_quorum: Fraction = Fraction(1, 3)


@dataclass(frozen=True)
class Body:
    """A collective: an assembly of people, or a council of seated deputies."""

    id: str
    name: str
    kind: BodyKind
    parent: str | None = None


@dataclass(frozen=True)
class Office:
    """A position of authority in a body, with every rule resolved against the defaults."""

    id: str
    body: str
    title: str
    seats: int
    method: str
    seat_in: str | None = None
    eligible: Eligibility = "electorate"
    powers: frozenset[str] = field(default_factory=frozenset)
    term_days: int = Rules.term_days
    voting_days: int = Rules.voting_days
    recall_petition: Fraction = Rules.recall_petition
    recall_immediate: Fraction = Rules.recall_immediate
    recall_quorum: Fraction = Rules.recall_quorum


@dataclass(frozen=True)
class Member:
    """A person admitted to the organization, and the assemblies they belong to."""

    id: str
    name: str
    bodies: tuple[str, ...]


@dataclass(frozen=True)
class Holding:
    """A holder the charter imports from before the system (held without an election)."""

    office: str
    holder: str


@dataclass(frozen=True)
class Charter:
    """An organization's charter, validated: everything `soviet init` adopts."""

    name: str
    origin: str
    rules: Rules
    bodies: tuple[Body, ...]
    offices: tuple[Office, ...]
    members: tuple[Member, ...]
    founders: tuple[str, ...]
    holdings: tuple[Holding, ...] = ()
