"""The vocabulary of the charter: rules, bodies, offices, members — as adopted, immutable."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any, Literal

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


Nominations = Literal["closed", "open"]
OnBreach = Literal["report", "petition", "recall"]
Reapportion = Literal["election", "immediate"]
#: What a breach of an instruction may do to the deputy's mandate.
BREACH_ACTIONS: tuple[OnBreach, ...] = ("report", "petition", "recall")
Uncontested = Literal["elect", "ballot", "count"]
#: How a vote is cast: in the open, under the voter's name, or secret (encrypted, counted
#: by its trustees, after the Belenios specification: `soviet.belenios`).
Ballot = Literal["open", "secret"]
BALLOTS: tuple[Ballot, ...] = ("open", "secret")
#: The methods a secret ballot can count: those that add up marks (a ranking cannot be
#: summed under encryption).
SECRET_METHODS: frozenset[str] = frozenset({"plurality", "approval", "yes-no"})


@dataclass(frozen=True)
class Procedure:
    """How an office's elections and recalls run, beside its terms and shares.

    - `nomination_days`: how long nominations stay open before the vote may start; with
      `nominations = "open"` the vote may start as soon as there are candidates.
    - `uncontested`: when no more candidates consent than there are seats at the start,
      `elect` returns them unopposed, `ballot` puts each to a yes/no confirmation vote
      (`count`, in logs founded before these rules, counts them as any election).
    - `election_quorum`: the share of the roll that must cast a ballot (blank ballots and
      abstentions count) for the close to elect anyone; None for no quorum.
    - `extend_votes`: whether an elector may extend a vote short of its quorum, once.
    - `holdover`: whether a mandate whose term ended stays active until its successor's
      election closes.
    - `auto_close`: whether a vote closes by itself when its period ends.
    - `exclusive`: whether a holder of this office may hold no other; `max_offices`: the
      most offices one member holds at once (None: no limit).
    - `petition_days`: how long a petition stays open for signatures (None: no limit);
      `recall_cooldown_days`: how long after a failed recall vote the same mandate
      cannot be petitioned again.
    - `on_breach`: what a deputy's vote against their body's instruction does to their
      mandate: `report` (the audit lists the breach), `petition` (a recall petition
      opens at once in the instructing body), `recall` (the mandate ends at once).
    - `seats_per`, `seats_min`, `seats_max` (an office's `seats = { per, min, max }`): one
      seat per `seats_per` members of its constituency (the members of its body and of the
      assemblies below it), rounded half up, within the bounds; None for a fixed number.
      `reapportion`: when a change of membership changes them: at the office's next
      regular election (`election`, opened by the purge or the end of its terms) or at
      once (`immediate`: added seats open a by-election, removed seats end the mandates in
      the seats numbered last).
    - `motion_quorum`, `amendment_majority` (the organization's, from `[rules]`): the share
      of a motion's roll that must vote, and the share of the votes cast (yes and no)
      that an amendment needs.
    - `ballot`: how the office's elections are cast (`open` or `secret`);
      `recall_ballot`, how the recall votes of its mandates are; `motion_ballot` (the
      organization's), how motions are voted. A secret ballot is encrypted by the voter,
      tallied under encryption and decrypted by `trustees`, the office whose holders hold
      the key in shares; a trustee office's `threshold` is how many of its holders must
      take part to decrypt a tally; `motion_trustees` (the organization's), the office
      that decrypts the tallies of secret motions. Motions are secret in assemblies only:
      a council's motions are decided by roll call, which its deputies' instructions are
      checked against.
    - `legacy`: the rules of logs founded before these rules: lots drawn from the log's
      root, an election without ballots counted as any, terms ended only by the purge.
    """

    nomination_days: int = 3
    nominations: Nominations = "closed"
    uncontested: Uncontested = "elect"
    election_quorum: Fraction | None = None
    extend_votes: bool = True
    holdover: bool = True
    auto_close: bool = False
    exclusive: bool = False
    max_offices: int | None = None
    petition_days: int | None = 30
    recall_cooldown_days: int = 90
    on_breach: OnBreach = "report"
    seats_per: int | None = None
    seats_min: int = 1
    seats_max: int | None = None
    reapportion: Reapportion = "election"
    motion_quorum: Fraction = Fraction(1, 2)
    amendment_majority: Fraction = Fraction(2, 3)
    ballot: Ballot = "open"
    recall_ballot: Ballot = "open"
    motion_ballot: Ballot = "open"
    trustees: str | None = None
    threshold: int | None = None
    motion_trustees: str | None = None
    legacy: bool = False

    def to_json(self) -> dict[str, Any]:
        """The procedure as the founding logs it (shares as text, "1/2")."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.election_quorum is not None:
            data["election_quorum"] = str(self.election_quorum)
        for share in _MOTION_SHARES:
            data[share] = str(getattr(self, share))
        del data["legacy"]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Procedure:
        """The procedure a founding logged; LEGACY for a founding that logged none. Keys
        it does not know, or of the wrong kind, keep their defaults: the founding's own
        format check (the catalogue) reads the event, this reads its rules."""
        if data is None:
            return LEGACY
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in data and f.name != "legacy":
                values[f.name] = data[f.name]
        quorum = values.get("election_quorum")
        if isinstance(quorum, str):
            try:
                values["election_quorum"] = Fraction(quorum)
            except (ValueError, ZeroDivisionError):
                values["election_quorum"] = None
        for share in _MOTION_SHARES:
            text = values.pop(share, None)
            if isinstance(text, str):
                with contextlib.suppress(ValueError, ZeroDivisionError):
                    values[share] = Fraction(text)
        if values.get("on_breach") not in (None, *BREACH_ACTIONS):
            del values["on_breach"]
        if values.get("reapportion") not in (None, "election", "immediate"):
            del values["reapportion"]
        for kind in ("ballot", "recall_ballot", "motion_ballot"):
            if values.get(kind) not in (None, *BALLOTS):
                del values[kind]
        return replace(cls(), **values)


#: The procedure's shares of motions, logged as text.
_MOTION_SHARES = ("motion_quorum", "amendment_majority")


#: The procedure of a log founded before procedures were logged: nominations open at
#: once, no quorum, no extension, no holdover, no limits, and the legacy lots and terms.
LEGACY = Procedure(
    nomination_days=0,
    nominations="open",
    uncontested="count",
    extend_votes=False,
    holdover=False,
    petition_days=None,
    recall_cooldown_days=0,
    legacy=True,
)


@dataclass(frozen=True)
class Rules:
    """The charter's defaults for terms, voting periods, recall shares and procedure."""

    term_days: int = 365
    voting_days: int = 7
    recall_petition: Fraction = Fraction(1, 4)
    recall_immediate: Fraction = Fraction(1, 2)
    recall_quorum: Fraction = Fraction(1, 3)
    procedure: Procedure = Procedure()
    #: The days an enrollment code is good for (the organization's, not an office's).
    enrollment_days: int = 30


@dataclass(frozen=True)
class Body:
    """A collective: an assembly of people, or a council of seated deputies.

    A council may apportion its `council_seats` among the offices that seat deputies in it
    by the size of their constituencies (`apportion`, a method of
    `soviet.tally.apportionment`), and may weight each deputy's vote in its motions and
    elections by the members they stand for (`weighted`)."""

    id: str
    name: str
    kind: BodyKind
    parent: str | None = None
    apportion: str | None = None
    council_seats: int | None = None
    weighted: bool = False


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
    procedure: Procedure = Procedure()


@dataclass(frozen=True, slots=True)
class Member:
    """A person admitted to the organization, and the assemblies they belong to (slots:
    a charter may list millions)."""

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
