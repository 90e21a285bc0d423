"""The rules of members' keys, decided on a log in memory: enrolling with the code an
admission issued, rotating, a lost key reset by an officer with the power to admit, codes
issued to members without a key, and admissions in a log whose acts are signed; and the
enrollment codes themselves."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain import events as ev
from soviet.domain.clock import after_days
from soviet.domain.decider import decide
from soviet.domain.events import Event, Recorded
from soviet.domain.founding import found
from soviet.domain.model import Body, Charter, Member, Office, Procedure, Rules
from soviet.domain.state import MemoryState
from soviet.errors import InputError, NotFound, Refused
from soviet.ledger.entries import parse_canonical_value

START = "2026-03-02T09:00:00Z"
PROCEDURE = Procedure(nominations="open", uncontested="count", holdover=False, petition_days=None)
RULES = Rules(term_days=365, voting_days=3, procedure=PROCEDURE, enrollment_days=7)
MEMBERS = (
    Member("n-1", "North One", ("north",)),
    Member("n-2", "North Two", ("north",)),
    Member("n-3", "North Three", ("north",)),
    Member("s-1", "South One", ("south",)),
    Member("s-2", "South Two", ("south",)),
)
CHARTER = Charter(
    name="Bakery",
    origin="coops.example.org/bakery",
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
OTHER_CODE = enrollment.new_code(bytes([77]) * 10)
NEW_KEY = statements.public_key_text(Ed25519PrivateKey.from_private_bytes(bytes([99]) * 32))


def public(member: str) -> str:
    return statements.public_key_text(KEYS[member])


def enroll(member: str, code: str | None = None, key: str | None = None) -> cmd.EnrollKey:
    return cmd.EnrollKey(member, key or public(member), enrollment.proof(code or CODES[member]))


def without_code(admission: Event) -> Event:
    data = {k: v for k, v in admission.data.items() if k not in ("code", "code_expires")}
    return Event(admission.type, admission.actor, data)


class Log:
    """A log in memory: acts decided on its state and recorded, under a clock."""

    def __init__(self, *, keyed: bool = True, uncoded: Sequence[str] = ()) -> None:
        """Founded with every member's code (`keyed`), except that the admissions of
        `uncoded` carry none."""
        self.state = MemoryState()
        self.now = START
        hashes = {m: enrollment.code_hash(code) for m, code in CODES.items()} if keyed else None
        self.founding = [
            self.record(without_code(e) if e.data.get("member") in uncoded else e)
            for e in found(CHARTER, None, hashes, START)
        ]

    def record(self, event: Event) -> Recorded:
        data, _ = parse_canonical_value(dict(event.data))
        recorded = Recorded(self.state.size + 1, self.now, event.type, event.actor, data)
        self.state.apply(recorded)
        return recorded

    def act(self, command: cmd.Command) -> list[Recorded]:
        return [self.record(event) for event in decide(self.state, command, self.now)]

    def refused(self, command: cmd.Command) -> None:
        decide(self.state, command, self.now)

    def admission_of(self, member: str) -> Recorded:
        [admitted] = [
            e for e in self.founding if e.type == ev.MEMBER_ADMITTED and e.data["member"] == member
        ]
        return admitted

    def elect_secretary(self, winner: str) -> None:
        """Elect the north assembly's secretary, whose office has the power to admit."""
        [opened] = self.act(cmd.OpenElection("n-1", "north.secretary"))
        election = str(opened.data["election"])
        self.act(cmd.Nominate("n-1", election, winner))
        if winner != "n-1":
            self.act(cmd.AcceptNomination(winner, election, winner))
        self.act(cmd.StartElection("n-1", election))
        for voter in sorted(self.state.election(election).roll):
            self.act(cmd.CastBallot(voter, election, (winner,)))
        self.act(cmd.CloseElection("n-1", election))
        assert [m.holder for m in self.state.active_mandates(office="north.secretary")] == [winner]


def enrolled(members: Sequence[str] = tuple(CODES)) -> Log:
    log = Log()
    for member in members:
        log.act(enroll(member))
    return log


def reset(actor: str, member: str, code: str = OTHER_CODE, reason: str = "lost") -> cmd.ResetKey:
    return cmd.ResetKey(actor, member, reason, enrollment.code_hash(code))


# -- enrolling ---------------------------------------------------------------------------


def test_enrolling_with_the_right_code_registers_the_key_and_uses_the_code() -> None:
    log = Log()
    admitted = log.admission_of("n-2")
    code = log.state.code_of("n-2")
    assert code is not None and code.hash == enrollment.code_hash(CODES["n-2"])
    assert code.seq == admitted.seq
    [registered] = log.act(enroll("n-2"))
    assert registered.type == ev.MEMBER_KEY_REGISTERED and registered.actor == "n-2"
    assert registered.data == {
        "member": "n-2",
        "key": statements.key_id(public("n-2")),
        "public_key": public("n-2"),
        "code": admitted.seq,
        "proof": enrollment.proof(CODES["n-2"]),
    }
    held = log.state.key_of("n-2")
    assert held is not None
    assert (held.key, held.public_key, held.seq) == (
        statements.key_id(public("n-2")),
        public("n-2"),
        registered.seq,
    )
    assert log.state.code_of("n-2") is None


def test_a_second_enrollment_with_the_same_code_is_refused() -> None:
    log = Log()
    log.act(enroll("n-2"))
    with pytest.raises(Refused, match="already holds key"):
        log.refused(enroll("n-2", key=NEW_KEY))


def test_a_used_code_enrolls_no_more_once_the_key_it_registered_is_reset() -> None:
    log = enrolled(["n-2"])
    log.act(reset("n-1", "n-2"))
    with pytest.raises(Refused, match=r"not the enrollment code of 'n-2'"):
        log.refused(enroll("n-2", key=NEW_KEY))


@pytest.mark.parametrize("code", [OTHER_CODE, CODES["n-3"]])
def test_enrolling_with_a_code_that_is_not_the_member_s_is_refused(code: str) -> None:
    log = Log()
    with pytest.raises(Refused, match=r"this is not the enrollment code of 'n-2'"):
        log.refused(enroll("n-2", code))
    assert log.state.key_of("n-2") is None


@pytest.mark.parametrize(
    "proof", ["", "not a proof", enrollment.code_hash(CODES["n-2"]), "AB" * 32]
)
def test_enrolling_with_a_proof_that_does_not_hash_to_the_code_is_refused(proof: str) -> None:
    log = Log()
    with pytest.raises(Refused, match=r"not the enrollment code of 'n-2'"):
        log.refused(cmd.EnrollKey("n-2", public("n-2"), proof))


def test_a_code_enrolls_until_the_charter_s_enrollment_days_run_out() -> None:
    log = Log()
    expires = after_days(START, 7)
    assert log.admission_of("n-2").data["code_expires"] == expires
    assert log.founding[0].data["enrollment_days"] == 7
    log.now = expires
    [registered] = log.act(enroll("n-2"))
    assert registered.type == ev.MEMBER_KEY_REGISTERED
    log.now = "2026-03-09T09:00:01Z"
    with pytest.raises(Refused, match=f"the enrollment code of 'n-3' expired at {expires}"):
        log.refused(enroll("n-3"))


def test_enrolling_while_holding_a_key_is_refused() -> None:
    log = enrolled(["n-2"])
    with pytest.raises(Refused, match="soviet key rotate"):
        log.refused(enroll("n-2", key=NEW_KEY))


@pytest.mark.parametrize("key", ["", "not a key", "AAAA"])
def test_enrolling_a_public_key_that_is_not_one_is_refused(key: str) -> None:
    log = Log()
    with pytest.raises(InputError, match="public_key must be an Ed25519 key"):
        log.refused(cmd.EnrollKey("n-2", key, enrollment.proof(CODES["n-2"])))


def test_someone_who_is_not_a_member_may_not_enroll() -> None:
    log = Log()
    with pytest.raises(NotFound):
        log.refused(cmd.EnrollKey("n-9", NEW_KEY, enrollment.proof(OTHER_CODE)))


def test_a_member_admitted_without_a_code_has_none_to_enroll_with() -> None:
    log = Log(uncoded=("n-2",))
    assert "code" not in log.admission_of("n-2").data
    with pytest.raises(Refused, match="no enrollment code outstanding"):
        log.refused(enroll("n-2"))


# -- rotating ----------------------------------------------------------------------------


def test_rotating_registers_the_new_key_in_place_of_the_old() -> None:
    log = enrolled(["n-2"])
    old = statements.key_id(public("n-2"))
    [rotated] = log.act(cmd.RotateKey("n-2", NEW_KEY))
    assert rotated.data == {
        "member": "n-2",
        "key": statements.key_id(NEW_KEY),
        "public_key": NEW_KEY,
        "previous": old,
    }
    held = log.state.key_of("n-2")
    assert held is not None and held.key == statements.key_id(NEW_KEY)
    assert held.seq == rotated.seq


def test_rotating_to_the_key_held_already_is_refused() -> None:
    log = enrolled(["n-2"])
    with pytest.raises(Refused, match="is the key 'n-2' holds already"):
        log.refused(cmd.RotateKey("n-2", public("n-2")))


def test_rotating_without_a_key_is_refused() -> None:
    log = Log()
    with pytest.raises(Refused, match="holds no key to rotate"):
        log.refused(cmd.RotateKey("n-2", NEW_KEY))


def test_rotating_to_a_public_key_that_is_not_one_is_refused() -> None:
    log = enrolled(["n-2"])
    with pytest.raises(InputError, match="public_key must be an Ed25519 key"):
        log.refused(cmd.RotateKey("n-2", "not a key"))


# -- resetting a lost key ----------------------------------------------------------------


def test_a_reset_revokes_the_key_and_issues_a_new_code_which_then_enrolls() -> None:
    log = enrolled(["n-1", "n-2"])
    [done] = log.act(reset("n-1", "n-2", reason="  lost with the phone "))
    assert done.type == ev.MEMBER_KEY_RESET and done.actor == "n-1"
    assert done.data == {
        "member": "n-2",
        "reason": "lost with the phone",
        "revoked": statements.key_id(public("n-2")),
        "code": enrollment.code_hash(OTHER_CODE),
        "code_expires": after_days(log.now, 7),
    }
    assert log.state.key_of("n-2") is None
    code = log.state.code_of("n-2")
    assert code is not None and code.seq == done.seq
    [registered] = log.act(enroll("n-2", OTHER_CODE, NEW_KEY))
    assert registered.data["code"] == done.seq
    held = log.state.key_of("n-2")
    assert held is not None and held.public_key == NEW_KEY


def test_after_a_reset_the_code_of_the_admission_no_longer_enrolls() -> None:
    log = Log()
    log.act(reset("n-1", "n-2"))
    with pytest.raises(Refused, match=r"not the enrollment code of 'n-2'"):
        log.refused(enroll("n-2"))


def test_a_reset_of_a_member_who_holds_no_key_revokes_none() -> None:
    log = Log()
    [done] = log.act(reset("n-1", "s-1"))
    assert done.data["revoked"] is None


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_a_reset_needs_a_reason(reason: str) -> None:
    log = enrolled(["n-2"])
    with pytest.raises(InputError, match="--reason"):
        log.refused(reset("n-1", "n-2", reason=reason))


@pytest.mark.parametrize("code", ["", OTHER_CODE, "AB" * 32, "ab" * 31])
def test_a_reset_needs_the_hash_of_a_code(code: str) -> None:
    log = enrolled(["n-2"])
    with pytest.raises(InputError, match="64 hex digits"):
        log.refused(cmd.ResetKey("n-1", "n-2", "lost", code))


def test_while_no_office_with_the_power_to_admit_is_held_a_non_founder_may_not_reset() -> None:
    log = enrolled(["n-3"])
    with pytest.raises(Refused, match=r"'n-2' may not reset the key of 'n-3'.*founders"):
        log.refused(reset("n-2", "n-3"))


def test_no_one_may_reset_their_own_key() -> None:
    log = enrolled(["n-1"])
    with pytest.raises(Refused, match="may not reset their own key"):
        log.refused(reset("n-1", "n-1"))


def test_a_reset_by_someone_who_is_not_a_member_is_refused() -> None:
    log = enrolled(["n-2"])
    with pytest.raises(NotFound):
        log.refused(reset("n-9", "n-2"))


def test_a_reset_of_someone_who_is_not_a_member_is_refused() -> None:
    log = Log()
    with pytest.raises(NotFound):
        log.refused(reset("n-1", "n-9"))


def test_once_the_secretary_is_elected_the_power_to_reset_is_theirs_over_their_body() -> None:
    log = enrolled(["n-3", "s-1"])
    log.elect_secretary("n-2")
    [done] = log.act(reset("n-2", "n-3"))
    assert done.data["revoked"] == statements.key_id(public("n-3"))
    with pytest.raises(Refused, match="only an elected holder"):
        log.refused(reset("n-1", "n-3", OTHER_CODE))
    with pytest.raises(Refused, match="'n-2' may not reset the key of 's-1'"):
        log.refused(reset("n-2", "s-1"))


# -- codes issued ------------------------------------------------------------------------


def test_new_codes_replace_the_codes_of_members_without_a_key() -> None:
    log = Log()
    fresh = {"n-2": OTHER_CODE, "s-1": enrollment.new_code(bytes([78]) * 10)}
    codes = tuple((m, enrollment.code_hash(code)) for m, code in fresh.items())
    log.now = "2026-03-05T09:00:00Z"
    [issued] = log.act(cmd.IssueCodes("n-1", codes))
    assert issued.type == ev.CODES_ISSUED
    assert issued.data == {
        "codes": [
            {"member": m, "code": code, "expires": "2026-03-12T09:00:00Z"} for m, code in codes
        ]
    }
    with pytest.raises(Refused, match=r"not the enrollment code of 'n-2'"):
        log.refused(enroll("n-2"))
    [registered] = log.act(enroll("n-2", OTHER_CODE))
    assert registered.data["code"] == issued.seq
    assert log.act(enroll("s-1", fresh["s-1"]))[0].type == ev.MEMBER_KEY_REGISTERED
    assert log.act(enroll("n-3"))[0].type == ev.MEMBER_KEY_REGISTERED


def test_codes_are_not_issued_to_members_who_hold_a_key() -> None:
    log = enrolled(["n-2"])
    codes = (("n-3", enrollment.code_hash(OTHER_CODE)), ("n-2", enrollment.code_hash(OTHER_CODE)))
    with pytest.raises(Refused, match=r"'n-2' holds key .* already.*reset-key"):
        log.refused(cmd.IssueCodes("n-1", codes))


def test_issuing_no_codes_is_refused() -> None:
    log = Log()
    with pytest.raises(Refused, match="no code to issue"):
        log.refused(cmd.IssueCodes("n-1", ()))


def test_issuing_two_codes_to_one_member_is_refused() -> None:
    log = Log()
    code = enrollment.code_hash(OTHER_CODE)
    with pytest.raises(InputError, match="'n-2' is named twice"):
        log.refused(cmd.IssueCodes("n-1", (("n-2", code), ("n-2", code))))


def test_issuing_a_code_that_is_not_a_hash_is_refused() -> None:
    log = Log()
    with pytest.raises(InputError, match="the code of 'n-2' must be the hash"):
        log.refused(cmd.IssueCodes("n-1", (("n-2", OTHER_CODE),)))


def test_codes_are_issued_only_with_the_power_to_admit() -> None:
    log = Log()
    with pytest.raises(Refused, match="'n-2' may not issue an enrollment code to 'n-3'"):
        log.refused(cmd.IssueCodes("n-2", (("n-3", enrollment.code_hash(OTHER_CODE)),)))


# -- admissions in a keyed log -----------------------------------------------------------


def test_an_admission_in_a_keyed_log_issues_the_new_member_s_code() -> None:
    log = Log()
    code = enrollment.new_code(bytes([50]) * 10)
    [admitted] = log.act(
        cmd.AdmitMember("n-1", "n-9", "North Nine", ("north",), enrollment.code_hash(code))
    )
    assert admitted.data == {
        "member": "n-9",
        "name": "North Nine",
        "bodies": ["north"],
        "code": enrollment.code_hash(code),
        "code_expires": after_days(log.now, 7),
    }
    [registered] = log.act(enroll("n-9", code, NEW_KEY))
    assert registered.data["code"] == admitted.seq


@pytest.mark.parametrize("code", ["", "not a hash", OTHER_CODE, "AB" * 32, "ab" * 33])
def test_an_admission_in_a_keyed_log_requires_the_hash_of_a_code(code: str) -> None:
    log = Log()
    with pytest.raises(InputError, match=r"the new member's code must be the hash.*64 hex"):
        log.refused(cmd.AdmitMember("n-1", "n-9", "", ("north",), code))


def test_a_log_founded_without_codes_admits_without_one() -> None:
    log = Log(keyed=False)
    assert "enrollment_days" not in log.founding[0].data
    assert "code" not in log.admission_of("n-2").data
    [admitted] = log.act(cmd.AdmitMember("n-1", "n-9", "", ("north",)))
    assert admitted.data == {"member": "n-9", "name": "n-9", "bodies": ["north"]}
    with pytest.raises(Refused, match="an admission takes no code"):
        log.refused(cmd.AdmitMember("n-1", "n-8", "", ("north",), enrollment.code_hash(OTHER_CODE)))


@pytest.mark.parametrize(
    "command",
    [
        enroll("n-2"),
        cmd.RotateKey("n-2", NEW_KEY),
        reset("n-1", "n-2"),
        cmd.IssueCodes("n-1", (("n-2", enrollment.code_hash(OTHER_CODE)),)),
    ],
)
def test_a_log_founded_without_codes_takes_no_act_of_keys(command: cmd.Command) -> None:
    log = Log(keyed=False)
    with pytest.raises(Refused, match="founded before members held keys"):
        log.refused(command)


def test_a_founding_with_codes_needs_its_instant() -> None:
    with pytest.raises(ValueError, match="needs its instant"):
        found(CHARTER, None, {m: enrollment.code_hash(c) for m, c in CODES.items()})


# -- enrollment codes --------------------------------------------------------------------

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


def test_a_code_is_sixteen_characters_of_crockford_s_base32_in_groups_of_four() -> None:
    assert enrollment.ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    for code in CODES.values():
        assert CODE.fullmatch(code)


@pytest.mark.parametrize(
    ("random", "code"),
    [
        (bytes(10), "0000-0000-0000-0000"),
        (b"\xff" * 10, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"),
        (bytes(9) + b"\x01", "0000-0000-0000-0001"),
        (b"\x80" + bytes(9), "G000-0000-0000-0000"),
        (bytes(9) + b"\x20", "0000-0000-0000-0010"),
    ],
)
def test_a_code_writes_its_80_bits_five_at_a_time_the_highest_first(
    random: bytes, code: str
) -> None:
    assert enrollment.new_code(random) == code


@given(st.binary(min_size=10, max_size=10))
def test_a_code_holds_its_ten_random_bytes(random: bytes) -> None:
    code = enrollment.new_code(random)
    assert CODE.fullmatch(code)
    number = 0
    for char in enrollment.normalized(code):
        number = number * 32 + enrollment.ALPHABET.index(char)
    assert number.to_bytes(10, "big") == random


@pytest.mark.parametrize("size", [0, 9, 11, 32])
def test_a_code_takes_exactly_ten_random_bytes(size: int) -> None:
    with pytest.raises(ValueError, match="10 random bytes"):
        enrollment.new_code(bytes(size))


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7K2M-Q9XD-4HTR-WB3E", "7K2MQ9XD4HTRWB3E"),
        ("7k2m-q9xd-4htr-wb3e", "7K2MQ9XD4HTRWB3E"),
        (" 7K2M Q9XD 4HTR WB3E\n", "7K2MQ9XD4HTRWB3E"),
        ("7K2MQ9XD4HTRWB3E", "7K2MQ9XD4HTRWB3E"),
        ("OOOO-oooo-0000-0000", "0000000000000000"),
        ("IIII-iiii-LLLL-llll", "1111111111111111"),
        ("7-K-2-M-Q-9-X-D-4-H-T-R-W-B-3-E", "7K2MQ9XD4HTRWB3E"),
    ],
)
def test_a_code_is_read_back_whatever_its_case_dashes_and_look_alike_letters(
    typed: str, read: str
) -> None:
    assert enrollment.normalized(typed) == read


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "7K2M-Q9XD-4HTR",
        "7K2M-Q9XD-4HTR-WB3E-0",
        "7K2M-Q9XD-4HTR-WB3U",
        "7K2M-Q9XD-4HTR-WB3!",
        "7K2M_Q9XD_4HTR_WB3E",
        "7K2M-Q9XD-4HTR-WB3É",
    ],
)
def test_a_code_that_is_not_sixteen_characters_of_the_alphabet_is_refused(typed: str) -> None:
    with pytest.raises(InputError, match="is not a code: 16 letters and digits"):
        enrollment.normalized(typed)
    with pytest.raises(InputError):
        enrollment.proof(typed)


def test_a_code_s_proof_is_the_sha256_of_the_domain_and_the_code_as_read() -> None:
    proof = enrollment.proof("7k2m-q9xd-4htr-wb3e")
    expected = hashlib.sha256(b"soviet enrollment code\n7K2MQ9XD4HTRWB3E").hexdigest()
    assert proof == expected
    assert enrollment.proof("7K2MQ9XD4HTRWB3E") == proof
    assert enrollment.proof("7K2M-Q9XD-4HTR-WB3F") != proof


def test_the_log_holds_the_sha256_of_the_proof_and_nobody_reads_the_code_back() -> None:
    proof = enrollment.proof("7K2M-Q9XD-4HTR-WB3E")
    held = enrollment.code_hash("7K2M-Q9XD-4HTR-WB3E")
    assert held == hashlib.sha256(bytes.fromhex(proof)).hexdigest()
    assert enrollment.hash_of_proof(proof) == held
    assert held != proof


@pytest.mark.parametrize(
    ("text", "is_hash"),
    [
        (enrollment.code_hash("7K2M-Q9XD-4HTR-WB3E"), True),
        ("0" * 64, True),
        ("A" * 64, False),
        ("0" * 63, False),
        ("0" * 65, False),
        ("g" * 64, False),
        (None, False),
        (7, False),
    ],
)
def test_a_hash_is_64_lowercase_hex_digits(text: object, is_hash: bool) -> None:
    assert enrollment.is_hash(text) is is_hash
