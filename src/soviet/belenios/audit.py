"""The auditor's checks of a Belenios election (specification 3.5), from its archive alone.

Anyone holding the public data can check that the board holds together and that the
result is the one the ballots give: the chain of events; the setup (election, trustees,
public credentials: the election key is the product of the trustees' sub-keys, no
credential twice); every ballot (its proofs, its signature, its credential on the list);
the encrypted tally, recomputed from the last ballot of each credential with its weight;
every partial decryption, against its trustee's key; and the result, recomputed from the
tally and the decryptions.

Each check that fails is told as a sentence naming the event (its height and type) and
what does not hold; the audit goes on past a failure wherever what follows can still be
checked. Elections this code does not count (questions that are not homomorphic, hence
shuffles) fail their audit with a sentence saying so, rather than pass unchecked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soviet.belenios import ballots, credentials, tally, wire
from soviet.belenios.archive import EVENT_TYPES, Archive, Event, NotAnArchive, read_archive
from soviet.belenios.ballots import Ballot, Election
from soviet.belenios.elgamal import Ciphertext
from soviet.belenios.errors import BeleniosError

#: What may follow each kind of event (``None``: the start of the archive).
_NEXT: dict[str | None, tuple[str, ...]] = {
    None: ("Setup",),
    "Setup": ("Ballot", "EndBallots"),
    "Ballot": ("Ballot", "EndBallots"),
    "EndBallots": ("EncryptedTally",),
    "EncryptedTally": ("Shuffle", "EndShuffles", "PartialDecryption"),
    "Shuffle": ("Shuffle", "EndShuffles"),
    "EndShuffles": ("PartialDecryption",),
    "PartialDecryption": ("PartialDecryption", "Result"),
    "Result": (),
}
_WITHOUT_PAYLOAD = ("EndBallots", "EndShuffles")


@dataclass
class Audit:
    """What an audit found: ``ok`` when every check held; the result (per question, the
    count of each answer, as the Result event's payload writes it) once it is checked;
    the checks that held and the failures, each a sentence."""

    ok: bool
    result: list[list[int]] | None
    checks: list[str]
    failures: list[str]
    #: The election, once its setup could be read (for the names of its answers).
    election: Election | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "result": self.result,
            "checks": self.checks,
            "failures": self.failures,
        }


def verify_archive(path: Path) -> Audit:
    """Audit the election an archive holds. A file that is no archive at all raises
    :class:`NotAnArchive`; everything else found is in the audit."""
    try:
        archive = read_archive(path)
    except NotAnArchive:
        raise
    except BeleniosError as error:
        failure = f"the archive does not hold: {error}"
        return Audit(ok=False, result=None, checks=[], failures=[failure])
    return _Auditor(archive).run()


@dataclass
class _Setup:
    election: Election
    trustees: list[tally.Trustee]
    #: The public key of each owner of a partial decryption, numbered from 1.
    owners: dict[int, int]
    weights: dict[int, int]


@dataclass
class _Auditor:
    """Walks the events in order, each checked against what came before it."""

    archive: Archive
    #: The checks that held, by the kind of event they are about, told in this order.
    told: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: The kinds of events of which one failed a check.
    failed: set[str] = field(default_factory=set)
    setup: _Setup | None = None
    cast: list[Ballot] = field(default_factory=list)
    total_weight: int = 0
    encrypted: list[list[Ciphertext]] | None = None
    factors: dict[int, list[list[int]]] = field(default_factory=dict)
    decrypted_at: dict[int, int] = field(default_factory=dict)
    result: list[list[int]] | None = None
    unsupported: bool = False

    def run(self) -> Audit:
        handlers: dict[str, Callable[[Event, str], None]] = {
            "Setup": self._setup,
            "Ballot": self._ballot,
            "EndBallots": lambda event, where: None,
            "EncryptedTally": self._encrypted_tally,
            "Shuffle": self._shuffle,
            "EndShuffles": lambda event, where: None,
            "PartialDecryption": self._partial_decryption,
            "Result": self._result,
        }
        previous: str | None = None
        for event in self.archive.events:
            where = f"event {event.height} ({event.type})"
            if event.type not in _NEXT[previous]:
                after = f"after {previous}" if previous else "first"
                expected = " or ".join(_NEXT[previous]) or "nothing"
                self._fail(event, f"{where}: out of order {after} (expected {expected})")
                if previous is not None:  # nothing after a misplaced event can be trusted
                    break
            previous = event.type
            if (event.payload is None) != (event.type in _WITHOUT_PAYLOAD):
                has = "has a payload" if event.payload is not None else "has no payload"
                self._fail(event, f"{where}: {has}")
                continue
            if self.setup is None and event.type != "Setup":
                continue  # told already: without a setup nothing can be checked
            try:
                handlers[event.type](event, where)
            except BeleniosError as error:
                message = str(error)
                self._fail(event, message if message.startswith(where) else f"{where}: {message}")
        election = self.setup.election if self.setup else None
        result = self.result if not self.failures else None
        return Audit(not self.failures, result, self._checks(), self.failures, election)

    def _fail(self, event: Event, sentence: str) -> None:
        self.failures.append(sentence)
        self.failed.add(event.type)

    def _checks(self) -> list[str]:
        """The checks that held, in the order of the election's phases."""
        events = self.archive.events
        count = {kind: sum(1 for e in events if e.type == kind) for kind in EVENT_TYPES}
        checks = [
            f"the chain of {len(events)} events holds: each member named by its hash, "
            "each event's parent the one before it, heights from 0"
            if events
            else "the archive holds its header and no event yet"
        ]
        if "Setup" in self.told:
            checks.append(self.told["Setup"])
        if self.setup is not None and "Ballot" not in self.failed:
            ballots = count["Ballot"]
            so_far = "" if count["EndBallots"] else " so far"
            checks.append(
                f"{ballots} ballot{_s(ballots)}{so_far}: every proof and signature verifies, "
                "every credential is on the list"
            )
        if "EncryptedTally" in self.told:
            checks.append(self.told["EncryptedTally"])
        decryptions = count["PartialDecryption"]
        checked = self.encrypted is not None and not self.unsupported
        if decryptions and checked and "PartialDecryption" not in self.failed:
            checks.append(
                f"{decryptions} partial decryption{_s(decryptions)}: every proof verifies "
                "against its trustee's key"
            )
        if "Result" in self.told:
            checks.append(self.told["Result"])
        if events and not count["Result"]:
            checks.append("no result yet: the election is not tallied")
        return checks

    # The events

    def _setup(self, event: Event, where: str) -> None:
        value = _object(wire.loads(self.archive.payload(event), where), where)
        texts = {
            key: self.archive.referenced(value.get(key), event, f"{where}, {key}")
            for key in ("election", "trustees", "credentials")
        }
        if extra := set(value) - set(texts):
            raise BeleniosError(f"{where}: unknown field {sorted(extra)[0]!r:.40}")
        election = ballots.parse_election(texts["election"])
        group = election.group
        trustees = tally.parse_trustees(
            group, wire.loads(texts["trustees"], f"{where}, trustees"), f"{where}, trustees"
        )
        if tally.trustees_key(group, trustees) != election.public_key:
            raise BeleniosError(
                f"{where}: the election key is not the product of the trustees' sub-keys"
            )
        listed = credentials.parse_public_credentials(
            group, wire.loads(texts["credentials"], f"{where}, credentials")
        )
        owners = dict(enumerate(tally.owner_keys(trustees), start=1))
        self.setup = _Setup(election, trustees, owners, dict(listed))
        kinds = ", ".join(_trustee_kind(trustee) for trustee in trustees)
        questions = len(election.questions)
        self.told["Setup"] = (
            f"{where}: the election {election.uuid} ({group.name}, {questions} "
            f"question{_s(questions)}); its key is the product of the trustees' sub-keys "
            f"({kinds}); {len(listed)} public credential{_s(len(listed))}, none twice"
        )

    def _ballot(self, event: Event, where: str) -> None:
        setup = self._ready()
        ballot = ballots.check_ballot(setup.election, self.archive.payload(event), where)
        if ballot.credential not in setup.weights:
            raise BeleniosError(f"{where}: its credential is not on the list")
        self.cast.append(ballot)

    def _encrypted_tally(self, event: Event, where: str) -> None:
        setup = self._ready()
        election = setup.election
        value = _object(wire.loads(self.archive.payload(event), where), where)
        if extra := set(value) - {"num_tallied", "total_weight", "encrypted_tally"}:
            raise BeleniosError(f"{where}: unknown field {sorted(extra)[0]!r:.40}")
        reference = self.archive.referenced(
            value.get("encrypted_tally"), event, f"{where}, encrypted_tally"
        )
        stored = tally.tally_from_json(
            election.group, wire.loads(reference, f"{where}, encrypted tally"), where
        )
        self.encrypted = stored
        last = ballots.last_ballots(self.cast)
        weighted = [(ballot, setup.weights[ballot.credential]) for ballot in last]
        self.total_weight = sum(weight for _, weight in weighted)
        problems = []
        if not _is_number(value.get("num_tallied"), len(last)):
            problems.append(f"num_tallied is {value.get('num_tallied')!r:.20}, not {len(last)}")
        if not _is_number(value.get("total_weight"), self.total_weight):
            problems.append(
                f"total_weight is {value.get('total_weight')!r:.20}, not {self.total_weight}"
            )
        if stored != tally.encrypted_tally(election, weighted):
            problems.append(
                "the encrypted tally is not the product of the last ballots' ciphertexts "
                "raised to their weights"
            )
        if problems:
            raise BeleniosError(f"{where}: {'; '.join(problems)}")
        self.told["EncryptedTally"] = (
            f"{where}: the tally of the last ballot of each of {len(last)} credential"
            f"{_s(len(last))} (total weight {self.total_weight}) is recomputed and equal"
        )

    def _shuffle(self, event: Event, where: str) -> None:
        self.unsupported = True
        raise BeleniosError(
            f"{where}: shuffles (of questions that are not homomorphic) are not checked "
            "by this auditor"
        )

    def _partial_decryption(self, event: Event, where: str) -> None:
        setup = self._ready()
        if self.unsupported or self.encrypted is None:
            return  # told already: there is no tally to decrypt
        value = _object(wire.loads(self.archive.payload(event), where), where)
        if extra := set(value) - {"owner", "payload"}:
            raise BeleniosError(f"{where}: unknown field {sorted(extra)[0]!r:.40}")
        owner = value.get("owner")
        if type(owner) is not int or owner not in setup.owners:
            raise BeleniosError(
                f"{where}: owner {owner!r:.20} is not a trustee (1 to {len(setup.owners)})"
            )
        where = f"{where}, trustee {owner}"
        if owner in self.decrypted_at:
            raise BeleniosError(f"{where}: decrypted already at event {self.decrypted_at[owner]}")
        text = self.archive.referenced(value.get("payload"), event, f"{where}, payload")
        self.factors[owner] = tally.check_partial_decryption(
            setup.election, self.encrypted, setup.owners[owner], wire.loads(text, where), where
        )
        self.decrypted_at[owner] = event.height

    def _result(self, event: Event, where: str) -> None:
        setup = self._ready()
        if self.unsupported or self.encrypted is None:
            return  # told already: there is no tally to decrypt
        value = _object(wire.loads(self.archive.payload(event), where), where)
        combined = tally.combine_factors(setup.election, setup.trustees, self.factors)
        counted = tally.election_result(setup.election, self.encrypted, combined, self.total_weight)
        if _canonical(value) != _canonical(tally.result_json(counted)):
            raise BeleniosError(f"{where}: the result is not the decryption of the tally")
        self.result = counted
        self.told["Result"] = f"{where}: the result is the decryption of the tally"

    def _ready(self) -> _Setup:
        if self.setup is None:
            raise BeleniosError("the election's setup could not be read")
        return self.setup


def _trustee_kind(trustee: tally.Trustee) -> str:
    if isinstance(trustee, tally.Single):
        return "one key"
    count = len(trustee.verification_keys)
    return f"{trustee.threshold} of {count} threshold keys"


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BeleniosError(f"{where}: expected a JSON object")
    return value


def _is_number(value: object, expected: int) -> bool:
    """Whether a JSON value is this whole number (``true`` is not 1, nor ``1.0``)."""
    return type(value) is int and value == expected


def _canonical(value: object) -> str:
    """JSON written one way, to compare values as JSON does (where ``true`` is not 1)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _s(count: int) -> str:
    return "" if count == 1 else "s"
