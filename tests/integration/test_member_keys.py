"""Members' own keys, through the services and `Soviet` on real databases: charter members
enroll with the codes the founding wrote, a code is good once and only until it expires,
every act is checked against its actor's key in force (origin, expiry, nonce, key,
signature) and a refused act writes nothing, keys are rotated by their holders and reset
by whoever holds the power to admit, and one statement is recorded once even when two
writers race to record it.
"""

from __future__ import annotations

import secrets
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integration.conftest import (
    RULES,
    START,
    Databases,
    Organization,
    city_federation,
    office,
)
from integration.signed import verify
from soviet import codes_file
from soviet.bootstrap import Settings, Soviet
from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain import events as ev
from soviet.domain.clock import after_days, format_instant
from soviet.domain.events import Recorded
from soviet.domain.model import Charter
from soviet.domain.records import KeyRecord
from soviet.domain.signatures import SignatureRefused
from soviet.domain.statements import Signed
from soviet.errors import InputError, Refused, SovietError
from soviet.keyring import Keyring, enrollment_of
from soviet.services import elections, keys
from soviet.services.deciding import take
from soviet.storage.workspace import SqlWorkspace

ORIGIN = "councils.example.org/city"
Handler = Callable[[SqlWorkspace], object]


def small_city(**rules: Any) -> Charter:
    """The city federation with fewer members (a1-1 … a1-4, a2-1 … a2-3; a1-1 founds),
    its rules changed by `rules`."""
    charter = city_federation(a1=4, a2=3)
    return replace(charter, rules=replace(RULES, **rules)) if rules else charter


def with_a_secretary(charter: Charter) -> Charter:
    """The charter with an office of a1 that holds the power to admit."""
    secretary = replace(office("a1.secretary", "a1", 1), powers=frozenset({"admit"}))
    return replace(charter, offices=(*charter.offices, secretary))


# -- an organization whose members have not enrolled yet -----------------------------------


class Unenrolled(Organization):
    """An organization founded by `Soviet.found`, with a log key and a codes file beside
    it; its members hold their codes and no key until they enroll."""

    def __init__(self, url: str, charter: Charter, folder: Path) -> None:
        name = uuid.uuid4().hex[:8]
        self.url = url
        self.clock = START
        self.keyring = Keyring()
        self.codes_path = folder / f"{name}.codes.csv"
        self.soviet = Soviet(
            Settings(url, format_instant(START), folder / f"{name}.key"),
            create=True,
            signer=self.keyring,
            codes_path=self.codes_path,
        )
        self.soviet.found(charter)
        self.founding = len(charter.members) + 1 + len(charter.holdings)
        #: Each member's code, as the codes file the founding wrote holds it.
        self.codes = {c.member: c for c in codes_file.read_codes(self.codes_path)}

    def enroll(self, member: str, code: str | None = None) -> Recorded:
        """The member enrolls a new key with their code (from the codes file unless
        given); returns the key's registration."""
        return enroll(self, member, code or self.codes[member].code)


@pytest.fixture
def unenrolled(databases: Databases, tmp_path: Path) -> Iterator[Callable[[Charter], Unenrolled]]:
    made: list[Unenrolled] = []

    def make(charter: Charter) -> Unenrolled:
        made.append(Unenrolled(databases.new(), charter, tmp_path))
        return made[-1]

    try:
        yield make
    finally:
        for org in made:
            org.dispose()


@pytest.fixture
def city(found: Callable[[Charter], Organization]) -> Organization:
    """The small city federation, every member enrolled."""
    return found(small_city())


# -- acting with keys ---------------------------------------------------------------------


def enrolling(member: str, code: str, made: dict[str, Ed25519PrivateKey]) -> Handler:
    """The handler of a member's enrollment with `code`: a new key pair (put in `made`)
    whose public half is registered by a statement the new key signs."""

    def handler(ws: SqlWorkspace) -> None:
        signed, private = enrollment_of(member, code, ws.origin(), ws.now)
        made[member] = private
        take(ws, signed)

    return handler


def enroll(org: Organization, member: str, code: str) -> Recorded:
    """Enroll the member's new key with `code`, and give the key to the org's keyring."""
    made: dict[str, Ed25519PrivateKey] = {}
    [registered] = org.act(enrolling(member, code, made))
    org.keyring.add(member, made[member])
    assert registered.type == ev.MEMBER_KEY_REGISTERED
    return registered


def statement(
    org: Organization,
    command: cmd.Command,
    *,
    origin: str = ORIGIN,
    nonce: str | None = None,
    not_after: str | None = None,
) -> statements.Statement:
    """The statement of an act at the org's clock: a fresh nonce, good for ten minutes."""
    return statements.statement_of(
        command,
        origin,
        nonce or secrets.token_hex(16),
        not_after or format_instant(org.clock + timedelta(minutes=10)),
    )


def signed_by(org: Organization, command: cmd.Command, private: Ed25519PrivateKey) -> Signed:
    return statements.sign(statement(org, command), private)


def submit(signed: Signed) -> Handler:
    return lambda ws: take(ws, signed)


def key_id(private: Ed25519PrivateKey) -> str:
    return statements.key_id(statements.public_key_text(private))


def key_of(org: Organization, member: str) -> KeyRecord | None:
    return org.read(lambda ws: ws.key_of(member))


def held(org: Organization, member: str) -> KeyRecord:
    record = key_of(org, member)
    assert record is not None, f"{member} holds no key"
    return record


def refused_by(org: Organization, signed: Signed, check: str) -> str:
    """Submit a signed statement that the check named must refuse (writing nothing);
    returns the refusal's message."""
    error = org.refused(submit(signed))
    assert isinstance(error, SignatureRefused), error
    assert error.check == check, (error.check, str(error))
    return str(error)


def voting(org: Organization) -> str:
    """Open a1's deputy election with candidates a1-2 and a1-3, and start its vote."""
    org.act(lambda ws: elections.open_election(ws, "a1.deputy", "a1-1"))
    election = org.pending("a1.deputy").id
    for candidate in ("a1-2", "a1-3"):
        org.act(
            partial(elections.nominate, election_id=election, candidate=candidate, actor="a1-1")
        )
        org.act(partial(elections.accept, election_id=election, candidate=candidate))
    org.act(lambda ws: elections.start(ws, election, "a1-1"))
    return election


def ballot(voter: str, election: str, *choice: str) -> cmd.CastBallot:
    return cmd.CastBallot(voter, election, tuple(choice or ("a1-2",)))


def assert_signed_by_its_actor(org: Organization, events: list[Recorded]) -> None:
    """Each event with an actor carries a statement of that actor that verifies under the
    key the actor holds now (or, for an enrollment, the key it registers)."""
    for event in events:
        if event.actor is None:
            assert event.signed is None, f"#{event.seq} {event.type} is a consequence, signed"
            continue
        assert event.signed is not None, f"#{event.seq} {event.type} is not signed"
        signed = statements.signed_from_json(event.signed)
        assert signed.statement.actor == event.actor
        assert signed.statement.origin == ORIGIN
        public = (
            str(event.data["public_key"])
            if event.type == ev.MEMBER_KEY_REGISTERED
            else held(org, event.actor).public_key
        )
        assert signed.key == statements.key_id(public), f"#{event.seq}"
        assert statements.signature_verifies(signed, public), f"#{event.seq}"


# -- enrolling ------------------------------------------------------------------------------


def test_charter_members_enroll_with_the_codes_the_founding_wrote_and_then_act(
    unenrolled: Callable[[Charter], Unenrolled],
) -> None:
    org = unenrolled(small_city())
    expires = after_days(org.now, RULES.enrollment_days)
    # the codes file holds every charter member's code, for its owner's eyes alone; the
    # log holds only their hashes
    assert stat.S_IMODE(org.codes_path.stat().st_mode) == 0o600
    assert sorted(org.codes) == sorted(m.id for m in small_city().members)
    assert {c.expires for c in org.codes.values()} == {expires}
    founding = org.events()
    admitted = {e.data["member"]: e for e in founding if e.type == ev.MEMBER_ADMITTED}
    for member, code in org.codes.items():
        assert admitted[member].data["code"] == enrollment.code_hash(code.code)
        assert admitted[member].data["code_expires"] == expires
        assert all(code.code not in str(e.to_json()) for e in founding)

    org.tick(hours=1)
    registered = org.soviet.enroll(list(org.codes.values()), org.keyring)

    assert [e.type for e in registered] == [ev.MEMBER_KEY_REGISTERED] * len(org.codes)
    for event in registered:
        member = str(event.data["member"])
        private = org.keyring.key_of(member)
        assert event.actor == member
        assert event.data["key"] == key_id(private) == held(org, member).key
        assert event.data["public_key"] == statements.public_key_text(private)
        assert event.data["code"] == admitted[member].seq
        assert event.data["proof"] == enrollment.proof(org.codes[member].code)
        assert held(org, member).seq == event.seq
    assert org.read(lambda ws: ws.code_of("a1-2")) is None  # used up

    org.tick(hours=1)
    closed = org.elect("a1.deputy", ["a1-3"])
    assert closed[0].type == ev.ELECTION_CLOSED
    acts = org.events(registered[-1].seq + 1)
    assert {e.type for e in acts if e.actor} >= {ev.ELECTION_OPENED, ev.BALLOT_CAST}
    assert_signed_by_its_actor(org, org.events(org.founding + 1))
    report = verify(org.url)
    assert report.ok, report.discrepancies
    assert report.signed == len(registered) + sum(1 for e in acts if e.actor)


def test_an_enrollment_code_is_good_once(unenrolled: Callable[[Charter], Unenrolled]) -> None:
    org = unenrolled(small_city())
    first = org.enroll("a1-2")

    message = str(org.refused(enrolling("a1-2", org.codes["a1-2"].code, {})))
    assert (
        f"'a1-2' already holds key {first.data['key']} (registered at seq {first.seq})" in message
    )
    assert "soviet key rotate" in message
    # nor does another member enroll with it
    admitted = next(
        e for e in org.events() if e.type == ev.MEMBER_ADMITTED and e.data["member"] == "a1-3"
    )
    message = str(org.refused(enrolling("a1-3", org.codes["a1-2"].code, {})))
    assert (
        f"this is not the enrollment code of 'a1-3' (the latest, issued at seq {admitted.seq})"
        in (message)
    )
    assert held(org, "a1-2").key == first.data["key"]


def test_a_code_expires_after_the_charters_enrollment_days(
    unenrolled: Callable[[Charter], Unenrolled],
) -> None:
    org = unenrolled(small_city(enrollment_days=7))
    expires = after_days(org.now, 7)
    assert {c.expires for c in org.codes.values()} == {expires}
    org.enroll("a1-1")

    org.tick(days=7)  # the last instant it is good
    assert org.now == expires
    org.enroll("a1-2")
    org.tick(hours=1 / 3600)
    message = str(org.refused(enrolling("a1-3", org.codes["a1-3"].code, {})))
    assert f"the enrollment code of 'a1-3' expired at {expires}" in message
    assert "soviet member codes" in message
    assert key_of(org, "a1-3") is None

    # a new code, from one with the power to admit (the founder, while provisional)
    code = codes_file.draw()
    [issued] = org.act(
        lambda ws: keys.issue_codes(ws, [("a1-3", enrollment.code_hash(code))], "a1-1")
    )
    assert issued.data["codes"] == [
        {"member": "a1-3", "code": enrollment.code_hash(code), "expires": after_days(org.now, 7)}
    ]
    assert org.enroll("a1-3", code).data["code"] == issued.seq


# -- acts the signature checks refuse ------------------------------------------------------


def forge_ballot(org: Organization, election: str, how: str) -> tuple[Signed, str, list[str]]:
    """A ballot statement for a1-4 made wrong in one way; the check that must refuse it,
    and what its message must say."""
    own = org.keyring.key_of("a1-4")
    registered = held(org, "a1-4")
    in_force = (
        f"not the key in force of 'a1-4' (registered at seq {registered.seq}), {registered.key}"
    )
    act = ballot("a1-4", election)
    if how == "a key no member holds":
        stranger = Ed25519PrivateKey.generate()
        says = [f"signed with key {key_id(stranger)}", in_force]
        return signed_by(org, act, stranger), "key", says
    if how == "another member's key":
        other = org.keyring.key_of("a1-3")
        says = [f"signed with key {key_id(other)}", in_force]
        return signed_by(org, act, other), "key", says
    if how == "an actor who is not a member":
        stranger = Ed25519PrivateKey.generate()
        says = ["'nobody' is not a member"]
        return signed_by(org, ballot("nobody", election), stranger), "key", says
    if how == "another organization's origin":
        signed = statements.sign(statement(org, act, origin="councils.example.org/other"), own)
        says = [f"for 'councils.example.org/other', not this organization ({ORIGIN!r})"]
        return signed, "origin", says
    if how == "a statement past its not_after":
        late = format_instant(org.clock - timedelta(seconds=1))
        signed = statements.sign(statement(org, act, not_after=late), own)
        return signed, "expired", [f"expired at {late} (it is now {org.now})"]
    if how == "a signature of another statement":
        signed = signed_by(org, act, own)
        changed = signed_by(org, ballot("a1-4", election, "a1-3"), own)
        says = [f"the signature does not verify under key {registered.key} ('a1-4')"]
        return replace(signed, signature=changed.signature), "signature", says
    if how == "a signature that is not base64":
        signed = signed_by(org, act, own)
        says = [f"the signature does not verify under key {registered.key} ('a1-4')"]
        return replace(signed, signature="not base64!"), "signature", says
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "a key no member holds",
        "another member's key",
        "an actor who is not a member",
        "another organization's origin",
        "a statement past its not_after",
        "a signature of another statement",
        "a signature that is not base64",
    ],
)
def test_an_act_signed_wrongly_is_refused_naming_the_check_and_writes_nothing(
    city: Organization, how: str
) -> None:
    election = voting(city)
    signed, check, says = forge_ballot(city, election, how)

    message = refused_by(city, signed, check)

    for part in says:
        assert part in message, message
    assert city.read(lambda ws: ws.ballot_seq(election, "a1-4")) is None
    # the same act, signed rightly, is recorded
    [cast] = city.act(lambda ws: elections.vote(ws, election, ["a1-2"], "a1-4"))
    assert cast.type == ev.BALLOT_CAST and cast.actor == "a1-4"


def test_the_same_signed_statement_sent_twice_is_refused_naming_the_first_seq(
    city: Organization,
) -> None:
    election = voting(city)
    signed = signed_by(city, ballot("a1-4", election), city.keyring.key_of("a1-4"))
    [first] = city.act(submit(signed))
    assert first.signed == signed.to_json()

    city.tick(hours=0.05)
    message = refused_by(city, signed, "nonce")

    assert f"'a1-4' signed a statement with nonce {signed.statement.nonce} already" in message
    assert f"it was recorded at seq {first.seq}" in message
    assert city.read(lambda ws: ws.ballots(election)) == [("a1-4", ("a1-2",))]


def test_a_nonce_used_again_in_another_statement_is_refused_naming_the_first_seq(
    city: Organization,
) -> None:
    election = voting(city)
    own = city.keyring.key_of("a1-4")
    nonce = secrets.token_hex(16)
    first_statement = statement(city, ballot("a1-4", election), nonce=nonce)
    [first] = city.act(submit(statements.sign(first_statement, own)))

    changed = statement(city, ballot("a1-4", election, "a1-3"), nonce=nonce)
    assert changed.canonical() != first_statement.canonical()
    message = refused_by(city, statements.sign(changed, own), "nonce")
    assert f"nonce {nonce} already: it was recorded at seq {first.seq}" in message

    # a nonce is the actor's own: another member may happen to use it
    other = statement(city, ballot("a1-3", election), nonce=nonce)
    [cast] = city.act(submit(statements.sign(other, city.keyring.key_of("a1-3"))))
    assert cast.actor == "a1-3"


# -- rotation and reset ---------------------------------------------------------------------


def test_after_a_rotation_the_old_key_is_refused_and_the_new_one_acts(city: Organization) -> None:
    election = voting(city)
    old = city.keyring.key_of("a1-4")
    new = Ed25519PrivateKey.generate()

    [rotated] = city.act(lambda ws: keys.rotate(ws, "a1-4", statements.public_key_text(new)))

    assert rotated.type == ev.MEMBER_KEY_REGISTERED
    assert rotated.data["previous"] == key_id(old) and rotated.data["key"] == key_id(new)
    assert statements.signed_from_json(rotated.signed).key == key_id(old)  # the old key signs
    city.keyring.add("a1-4", new)
    message = refused_by(city, signed_by(city, ballot("a1-4", election), old), "key")
    assert f"signed with key {key_id(old)}" in message
    assert f"the key in force of 'a1-4' (registered at seq {rotated.seq}), {key_id(new)}" in message

    [cast] = city.act(lambda ws: elections.vote(ws, election, ["a1-3"], "a1-4"))
    assert statements.signed_from_json(cast.signed).key == key_id(new)
    # a rotation signed by the new key alone, of a key that is not held, is refused too
    third = Ed25519PrivateKey.generate()
    forged = signed_by(city, cmd.RotateKey("a1-4", statements.public_key_text(third)), third)
    assert f"signed with key {key_id(third)}" in refused_by(city, forged, "key")


def test_founders_reset_a_lost_key_while_provisional_and_the_member_enrolls_again(
    unenrolled: Callable[[Charter], Unenrolled],
) -> None:
    org = unenrolled(small_city())
    for member in ("a1-1", "a1-2", "a1-3"):
        org.enroll(member)
    lost = org.keyring.key_of("a1-2")
    code = codes_file.draw()

    org.tick(hours=1)
    [reset] = org.act(
        lambda ws: keys.reset(ws, "a1-2", " phone lost ", enrollment.code_hash(code), "a1-1")
    )

    assert reset.type == ev.MEMBER_KEY_RESET and reset.actor == "a1-1"
    assert reset.data == {
        "member": "a1-2",
        "reason": "phone lost",
        "revoked": key_id(lost),
        "code": enrollment.code_hash(code),
        "code_expires": after_days(org.now, RULES.enrollment_days),
    }
    assert key_of(org, "a1-2") is None
    # the lost key acts no more, whoever holds it
    open_ = cmd.OpenElection("a1-2", "a1.deputy")
    message = refused_by(org, signed_by(org, open_, lost), "key")
    assert "'a1-2' holds no key: enroll one with `soviet key enroll CODE`" in message
    # the first code was used; the new one is the only one good
    message = str(org.refused(enrolling("a1-2", org.codes["a1-2"].code, {})))
    assert f"this is not the enrollment code of 'a1-2' (the latest, issued at seq {reset.seq})" in (
        message
    )
    registered = org.enroll("a1-2", code)
    assert registered.data["code"] == reset.seq
    assert held(org, "a1-2").key != key_id(lost)
    [opened] = org.act(lambda ws: elections.open_election(ws, "a1.deputy", "a1-2"))
    assert opened.actor == "a1-2"
    assert_signed_by_its_actor(org, [opened, registered])
    assert verify(org.url).ok


def test_a_reset_without_a_reason_is_refused_and_writes_nothing(city: Organization) -> None:
    code = enrollment.code_hash(codes_file.draw())
    for reason in ("", "   "):
        error = city.refused(
            partial(keys.reset, member="a1-2", reason=reason, code=code, actor="a1-1")
        )
        assert isinstance(error, InputError)
        assert "member reset-key: --reason must say why the key is replaced" in str(error)
    assert key_of(city, "a1-2") is not None


def test_a_reset_by_a_member_without_the_power_to_admit_is_refused(city: Organization) -> None:
    code = enrollment.code_hash(codes_file.draw())
    error = city.refused(lambda ws: keys.reset(ws, "a1-2", "lost", code, "a1-3"))
    assert isinstance(error, Refused)
    message = str(error)
    assert "'a1-3' may not reset the key of 'a1-2'" in message
    assert "only the founders (a1-1) may" in message
    # nor does anyone reset their own key
    message = str(city.refused(lambda ws: keys.reset(ws, "a1-1", "lost", code, "a1-1")))
    assert "'a1-1' may not reset their own key" in message


def test_once_an_officer_holds_the_power_to_admit_they_reset_keys_and_the_founders_no_longer(
    found: Callable[[Charter], Organization],
) -> None:
    org = found(with_a_secretary(small_city()))
    org.elect("a1.secretary", ["a1-3"])
    code = codes_file.draw()
    hashed = enrollment.code_hash(code)

    message = str(org.refused(lambda ws: keys.reset(ws, "a1-2", "lost", hashed, "a1-1")))
    assert "'a1-1' may not reset the key of 'a1-2'" in message
    assert "power to admit over 'a1' may" in message
    # the secretary's power is over a1, not a2
    message = str(org.refused(lambda ws: keys.reset(ws, "a2-2", "lost", hashed, "a1-3")))
    assert "'a1-3' may not reset the key of 'a2-2'" in message

    old = org.keyring.key_of("a1-2")
    [reset] = org.act(lambda ws: keys.reset(ws, "a1-2", "laptop stolen", hashed, "a1-3"))
    assert (reset.actor, reset.data["revoked"]) == ("a1-3", key_id(old))
    assert "'a1-2' holds no key" in refused_by(
        org, signed_by(org, cmd.OpenElection("a1-2", "a1.deputy"), old), "key"
    )
    assert enroll(org, "a1-2", code).data["code"] == reset.seq
    [opened] = org.act(lambda ws: elections.open_election(ws, "a1.deputy", "a1-2"))
    assert opened.signed is not None
    assert statements.signed_from_json(opened.signed).key == held(org, "a1-2").key


# -- codes ------------------------------------------------------------------------------------


def test_member_codes_issues_new_codes_that_replace_the_old(
    unenrolled: Callable[[Charter], Unenrolled],
) -> None:
    org = unenrolled(small_city())
    founder = org.enroll("a1-1")
    org.enroll("a1-4")
    new = {member: codes_file.draw() for member in ("a1-2", "a1-3")}
    hashes = [(member, enrollment.code_hash(code)) for member, code in new.items()]

    org.tick(days=2)
    [issued] = org.act(lambda ws: keys.issue_codes(ws, hashes, "a1-1"))

    expires = after_days(org.now, RULES.enrollment_days)
    assert issued.type == ev.CODES_ISSUED and issued.actor == "a1-1"
    assert issued.data["codes"] == [
        {"member": member, "code": code, "expires": expires} for member, code in hashes
    ]
    message = str(org.refused(enrolling("a1-2", org.codes["a1-2"].code, {})))
    assert (
        f"this is not the enrollment code of 'a1-2' (the latest, issued at seq {issued.seq})"
        in (message)
    )
    assert org.enroll("a1-2", new["a1-2"]).data["code"] == issued.seq
    assert org.enroll("a1-3", new["a1-3"]).data["code"] == issued.seq

    # to a member who holds a key, by a member without the power, or to nobody: refused
    again = [("a1-1", enrollment.code_hash(codes_file.draw()))]
    message = str(org.refused(lambda ws: keys.issue_codes(ws, again, "a1-1")))
    assert f"'a1-1' holds key {founder.data['key']} already" in message
    other = [("a2-1", enrollment.code_hash(codes_file.draw()))]
    message = str(org.refused(lambda ws: keys.issue_codes(ws, other, "a1-4")))
    assert "'a1-4' may not issue an enrollment code to 'a2-1'" in message
    message = str(org.refused(lambda ws: keys.issue_codes(ws, [], "a1-1")))
    assert "member codes: every member named holds a key already" in message
    assert verify(org.url).ok


def test_a_member_who_has_not_enrolled_cannot_act(
    unenrolled: Callable[[Charter], Unenrolled],
) -> None:
    org = unenrolled(small_city())
    org.enroll("a1-1")

    # their side holds no key to sign with
    error = org.refused(lambda ws: elections.open_election(ws, "a1.deputy", "a1-2"))
    assert isinstance(error, InputError)
    assert "no key of 'a1-2' is at hand" in str(error)
    # a statement signed by any key is refused: the log holds none of theirs
    somebody = Ed25519PrivateKey.generate()
    forged = signed_by(org, cmd.OpenElection("a1-2", "a1.deputy"), somebody)
    message = refused_by(org, forged, "key")
    assert "'a1-2' holds no key: enroll one with `soviet key enroll CODE`" in message
    # and a unit of work with no member's side signs nothing
    bare = Soviet(replace(org.soviet.settings, now=org.now))
    try:
        before = org.snapshot()
        refused = pytest.raises(Refused, match="an act must be signed by its actor, 'a1-1'")
        with refused, bare.unit_of_work() as ws:
            elections.open_election(ws, "a1.deputy", "a1-1")
        assert org.snapshot() == before
    finally:
        bare.dispose()
    # once enrolled, they act
    org.enroll("a1-2")
    [opened] = org.act(lambda ws: elections.open_election(ws, "a1.deputy", "a1-2"))
    assert opened.actor == "a1-2"


# -- a race ---------------------------------------------------------------------------------


def test_writers_racing_to_record_one_signed_statement_leave_exactly_one_event(
    city: Organization,
) -> None:
    election = voting(city)
    signed = signed_by(city, ballot("a1-4", election), city.keyring.key_of("a1-4"))
    size = len(city.events())
    writers = 4
    barrier = threading.Barrier(writers)
    outcomes: list[object] = [None] * writers

    def race(index: int) -> None:
        soviet = Soviet(Settings(city.url, city.now, None))
        try:
            barrier.wait(timeout=60)
            with soviet.unit_of_work() as ws:
                take(ws, signed)
            outcomes[index] = "recorded"
        except SovietError as error:
            outcomes[index] = error
        finally:
            soviet.dispose()

    threads = [threading.Thread(target=race, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert outcomes.count("recorded") == 1, outcomes
    new = city.events(size + 1)
    assert [(e.type, e.actor) for e in new] == [(ev.BALLOT_CAST, "a1-4")]
    assert new[0].signed == signed.to_json()
    for outcome in outcomes:
        if outcome == "recorded":
            continue
        assert isinstance(outcome, Refused), outcome
        message = str(outcome)
        # the writers are serialized: the later ones see the first's nonce (or, had two
        # got past the check together, the nonces' primary key would refuse the second)
        assert (
            f"nonce {signed.statement.nonce} already: it was recorded at seq {new[0].seq}"
            in message
            or "another act changed the same record at the same time" in message
        ), message
    assert city.read(lambda ws: ws.ballots(election)) == [("a1-4", ("a1-2",))]
