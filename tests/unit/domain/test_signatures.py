"""The gate every member's act passes before the rules decide it: a signed statement is
refused for the wrong organization, once expired, with a nonce used already, with data
that is not its act's, with a key the actor does not hold, or with a signature that does
not verify; otherwise it is the command it asks for."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain.clock import after_days
from soviet.domain.decider import decide
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.domain.signatures import CHECKS, SignatureRefused, check
from soviet.domain.state import MemoryState
from soviet.domain.statements import Signed, Statement
from soviet.errors import NotFound
from soviet.ledger.entries import parse_canonical_value

START = "2026-03-02T09:00:00Z"
ORIGIN = "coops.example.org/bakery"
PROCEDURE = Procedure(nominations="open", uncontested="count", holdover=False, petition_days=None)
RULES = Rules(term_days=365, voting_days=3, procedure=PROCEDURE, enrollment_days=7)
MEMBERS = (
    Member("n-1", "North One", ("north",)),
    Member("n-2", "North Two", ("north",)),
    Member("n-3", "North Three", ("north",)),
    Member("s-1", "South One", ("south",)),
)
CHARTER = Charter(
    name="Bakery",
    origin=ORIGIN,
    rules=RULES,
    bodies=(Body("north", "North", "assembly"), Body("south", "South", "assembly")),
    offices=(
        Office(
            "north.secretary",
            "north",
            "Secretary",
            1,
            "irv",
            powers=frozenset({"admit"}),
            voting_days=3,
            procedure=PROCEDURE,
        ),
    ),
    members=MEMBERS,
    founders=("n-1",),
)
#: Each member's enrollment code, and the key each enrolls.
CODES = {m.id: enrollment.new_code(bytes([i]) * 10) for i, m in enumerate(MEMBERS, start=1)}
KEYS = {
    m.id: Ed25519PrivateKey.from_private_bytes(bytes([i]) * 32)
    for i, m in enumerate(MEMBERS, start=1)
}


def public(member: str) -> str:
    return statements.public_key_text(KEYS[member])


class Org:
    """A keyed organization in memory: founded with a code for every member; each act
    signed, checked, decided and recorded with its statement."""

    def __init__(self, *, enrolled: bool = True) -> None:
        self.state = MemoryState()
        self.now = START
        self.nonces = 0
        hashes = {member: enrollment.code_hash(code) for member, code in CODES.items()}
        for event in found(CHARTER, None, hashes, START):
            self.record(event)
        if enrolled:
            for member in CODES:
                self.enroll(member)

    def record(self, event: Event, signed: Signed | None = None) -> Recorded:
        data, _ = parse_canonical_value(dict(event.data))
        recorded = Recorded(
            self.state.size + 1,
            self.now,
            event.type,
            event.actor,
            data,
            signed=None if signed is None else signed.to_json(),
        )
        self.state.apply(recorded)
        return recorded

    def statement(
        self, command: cmd.Command, *, nonce: str | None = None, not_after: str | None = None
    ) -> Statement:
        if nonce is None:
            self.nonces += 1
            nonce = f"nonce-{self.nonces:012d}"
        return statements.statement_of(command, ORIGIN, nonce, not_after or after_days(self.now, 1))

    def sign(
        self, command: cmd.Command, key: Ed25519PrivateKey | None = None, **options: Any
    ) -> Signed:
        statement = self.statement(command, **options)
        return statements.sign(statement, key or KEYS[statement.actor])

    def act(self, signed: Signed) -> list[Recorded]:
        command = check(self.state, signed, self.now)
        events = decide(self.state, command, self.now)
        first, *rest = events
        return [self.record(first, signed), *(self.record(event) for event in rest)]

    def enroll(self, member: str, key: Ed25519PrivateKey | None = None) -> list[Recorded]:
        key = key or KEYS[member]
        command = cmd.EnrollKey(
            member, statements.public_key_text(key), enrollment.proof(CODES[member])
        )
        return self.act(self.sign(command, key))


def refusal(org: Org, signed: Signed, now: str | None = None) -> SignatureRefused:
    with pytest.raises(SignatureRefused) as caught:
        check(org.state, signed, now or org.now)
    return caught.value


def with_data(signed: Signed, data: Mapping[str, Any]) -> Signed:
    """The envelope with its statement's data changed after it was signed."""
    return dataclasses.replace(
        signed, statement=dataclasses.replace(signed.statement, data=dict(data))
    )


OPEN = cmd.OpenElection("n-2", "north.secretary")
NEW_KEY = Ed25519PrivateKey.from_private_bytes(bytes([99]) * 32)


# -- what passes -------------------------------------------------------------------------


def test_a_statement_signed_with_the_actor_s_key_is_the_command_it_asks_for() -> None:
    org = Org()
    assert check(org.state, org.sign(OPEN), org.now) == OPEN


def test_every_member_enrolls_with_a_statement_signed_by_the_key_it_registers() -> None:
    org = Org()
    for member in CODES:
        held = org.state.key_of(member)
        assert held is not None
        assert held.public_key == public(member)
        assert held.key == statements.key_id(public(member))


def test_a_statement_may_be_recorded_until_the_instant_of_its_not_after() -> None:
    org = Org()
    signed = org.sign(OPEN, not_after=org.now)
    assert check(org.state, signed, org.now) == OPEN


def test_the_checks_are_made_in_their_order() -> None:
    assert CHECKS == ("origin", "expired", "nonce", "format", "key", "signature")
    org = Org()
    signed = org.sign(OPEN, not_after="2026-03-01T09:00:00Z")
    foreign = dataclasses.replace(
        signed, statement=dataclasses.replace(signed.statement, origin="other.example.org")
    )
    assert refusal(org, foreign).check == "origin"


# -- every refusal -----------------------------------------------------------------------


def test_a_statement_changed_after_it_was_signed_is_refused_by_its_signature() -> None:
    org = Org()
    signed = org.sign(OPEN)
    changed = with_data(signed, {"office": "north.secretarz"})
    error = refusal(org, changed)
    assert error.check == "signature"
    assert "does not verify" in str(error)
    assert check(org.state, signed, org.now) == OPEN


def test_a_statement_signed_by_another_members_key_is_refused() -> None:
    org = Org()
    error = refusal(org, org.sign(OPEN, KEYS["n-3"]))
    assert error.check == "key"
    assert statements.key_id(public("n-3")) in str(error)
    assert "'n-2'" in str(error)


def test_a_signature_by_another_key_under_the_actor_s_key_id_is_refused() -> None:
    org = Org()
    forged = dataclasses.replace(org.sign(OPEN, KEYS["n-3"]), key=statements.key_id(public("n-2")))
    assert refusal(org, forged).check == "signature"


def test_a_statement_signed_with_a_superseded_key_is_refused() -> None:
    org = Org()
    [rotated] = org.act(org.sign(cmd.RotateKey("n-2", statements.public_key_text(NEW_KEY))))
    error = refusal(org, org.sign(OPEN))
    assert error.check == "key"
    assert f"registered at seq {rotated.seq}" in str(error)
    assert check(org.state, org.sign(OPEN, NEW_KEY), org.now) == OPEN


def test_a_rotation_is_signed_by_the_key_it_replaces() -> None:
    org = Org()
    rotate = cmd.RotateKey("n-2", statements.public_key_text(NEW_KEY))
    assert refusal(org, org.sign(rotate, NEW_KEY)).check == "key"
    assert check(org.state, org.sign(rotate), org.now) == rotate


def test_a_statement_signed_with_a_revoked_key_is_refused() -> None:
    org = Org()
    reset = cmd.ResetKey("n-1", "n-2", "lost with the phone", enrollment.code_hash(CODES["s-1"]))
    org.act(org.sign(reset))
    error = refusal(org, org.sign(OPEN))
    assert error.check == "key"
    assert "'n-2' holds no key" in str(error)


def test_a_statement_of_a_member_who_never_enrolled_is_refused_naming_the_enrollment() -> None:
    org = Org(enrolled=False)
    error = refusal(org, org.sign(OPEN))
    assert error.check == "key"
    assert "soviet key enroll" in str(error)


def test_a_statement_of_someone_who_is_not_a_member_is_refused() -> None:
    org = Org()
    error = refusal(org, org.sign(cmd.OpenElection("n-9", "north.secretary"), KEYS["n-2"]))
    assert error.check == "key"
    assert "'n-9' is not a member" in str(error)


def test_an_enrollment_signed_by_a_key_other_than_the_one_it_registers_is_refused() -> None:
    org = Org(enrolled=False)
    command = cmd.EnrollKey("n-2", public("n-2"), enrollment.proof(CODES["n-2"]))
    error = refusal(org, org.sign(command, KEYS["n-3"]))
    assert error.check == "key"
    assert "the key it enrolls" in str(error)


def test_an_enrollment_of_a_public_key_that_is_not_one_is_refused_as_malformed() -> None:
    org = Org(enrolled=False)
    command = cmd.EnrollKey("n-2", "not a key", enrollment.proof(CODES["n-2"]))
    error = refusal(org, org.sign(command, KEYS["n-2"]))
    assert error.check == "format"
    assert "public_key is not an Ed25519 key" in str(error)


def test_a_statement_for_another_organization_is_refused() -> None:
    org = Org()
    statement = dataclasses.replace(org.statement(OPEN), origin="coops.example.org/dairy")
    error = refusal(org, statements.sign(statement, KEYS["n-2"]))
    assert error.check == "origin"
    assert "'coops.example.org/dairy'" in str(error) and repr(ORIGIN) in str(error)


def test_a_statement_past_its_not_after_is_refused_as_expired() -> None:
    org = Org()
    signed = org.sign(OPEN, not_after=org.now)
    error = refusal(org, signed, now="2026-03-02T09:00:01Z")
    assert error.check == "expired"
    assert f"expired at {org.now}" in str(error)


def test_a_statement_recorded_once_is_refused_the_second_time_naming_the_first() -> None:
    org = Org()
    signed = org.sign(OPEN)
    [opened] = org.act(signed)
    error = refusal(org, signed)
    assert error.check == "nonce"
    assert f"recorded at seq {opened.seq}" in str(error)


def test_another_act_with_a_nonce_the_actor_used_already_is_refused() -> None:
    org = Org()
    [opened] = org.act(org.sign(OPEN, nonce="reused-nonce-0001"))
    nominate = cmd.Nominate("n-2", "E1", "n-3")
    error = refusal(org, org.sign(nominate, nonce="reused-nonce-0001"))
    assert error.check == "nonce"
    assert f"seq {opened.seq}" in str(error)


def test_a_nonce_is_each_member_s_own() -> None:
    org = Org()
    org.act(org.sign(OPEN, nonce="shared-nonce-0001"))
    nominate = cmd.Nominate("n-3", "E1", "n-3")
    assert check(org.state, org.sign(nominate, nonce="shared-nonce-0001"), org.now) == nominate


def test_a_statement_refused_by_the_rules_does_not_use_its_nonce() -> None:
    org = Org()
    signed = org.sign(cmd.Nominate("n-2", "E7", "n-3"))
    command = check(org.state, signed, org.now)
    with pytest.raises(NotFound, match="E7"):
        decide(org.state, command, org.now)
    assert org.state.nonce_seq("n-2", signed.statement.nonce) is None


@pytest.mark.parametrize(
    "data",
    [
        {"office": "north.secretary", "seats": 2},
        {},
        {"office": 7},
    ],
)
def test_a_statement_whose_data_is_not_its_act_s_arguments_is_refused_as_malformed(
    data: dict[str, Any],
) -> None:
    org = Org()
    statement = dataclasses.replace(org.statement(OPEN), data=data)
    error = refusal(org, statements.sign(statement, KEYS["n-2"]))
    assert error.check == "format"


def test_a_statement_of_a_type_that_is_no_act_is_refused_as_malformed() -> None:
    org = Org()
    statement = dataclasses.replace(org.statement(OPEN), type="election.rig")
    error = refusal(org, statements.sign(statement, KEYS["n-2"]))
    assert error.check == "format"
    assert "'election.rig' is not an act" in str(error)
