"""Signed statements: their canonical bytes, their signatures and key ids, the command each
act reads back as, and every way a statement or its envelope is refused."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from soviet.domain import commands as cmd
from soviet.domain import statements
from soviet.domain.statements import (
    ACTS,
    Signed,
    Statement,
    StatementError,
    command_of_statement,
    parse_statement,
    signed_from_json,
    statement_from_json,
    statement_of,
)
from soviet.errors import InputError
from soviet.ledger.entries import canonical

ORIGIN = "coops.example.org/bakery"
NONCE = "0123456789abcdef"
NOT_AFTER = "2026-05-01T09:00:00Z"
#: The secret key of RFC 8032's first Ed25519 test vector, and its public key.
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
HASH = "ab" * 32


def key(seed: bytes = SEED) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def other_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def ballot() -> Statement:
    return Statement(
        ORIGIN,
        "vote",
        "m-1",
        {"election": "E1", "choice": ["m-2", "m-3"], "abstain": False},
        NONCE,
        NOT_AFTER,
    )


def ballot_json(**changes: Any) -> dict[str, Any]:
    value = ballot().to_json()
    value.update(changes)
    return value


# -- canonical bytes ---------------------------------------------------------------------


def test_a_statement_s_bytes_are_its_keys_sorted_without_spaces() -> None:
    assert ballot().canonical() == (
        b'{"actor":"m-1","data":{"abstain":false,"choice":["m-2","m-3"],"election":"E1"},'
        b'"nonce":"0123456789abcdef","not_after":"2026-05-01T09:00:00Z",'
        b'"origin":"coops.example.org/bakery","type":"vote"}'
    )


def test_a_statement_s_bytes_write_text_beyond_ascii_as_utf8_and_integers_plainly() -> None:
    statement = Statement(
        ORIGIN, "election.extend", "m-1", {"election": "E1", "days": 3}, NONCE, NOT_AFTER
    )
    assert b'"data":{"days":3,"election":"E1"}' in statement.canonical()
    resign = Statement(
        ORIGIN, "mandate.resign", "m-1", {"mandate": "M1", "reason": "Café"}, NONCE, NOT_AFTER
    )
    assert '"reason":"Café"'.encode() in resign.canonical()


def test_the_bytes_of_a_statement_read_back_as_the_same_statement() -> None:
    assert parse_statement(ballot().canonical()) == ballot()
    assert parse_statement(ballot().canonical().decode("utf-8")) == ballot()


# -- keys and signatures -----------------------------------------------------------------


def test_a_public_key_is_written_as_the_base64_of_its_32_raw_bytes() -> None:
    text = statements.public_key_text(key())
    assert base64.b64decode(text) == PUBLIC
    assert text == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


def test_a_key_id_is_the_first_16_hex_digits_of_the_sha256_of_the_raw_key() -> None:
    text = statements.public_key_text(key())
    assert statements.key_id(text) == hashlib.sha256(PUBLIC).hexdigest()[:16]
    assert statements.key_id(text) == "21fe31dfa154a261"


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", base64.b64encode(bytes(31)).decode(), base64.b64encode(bytes(33)).decode()],
)
def test_a_public_key_that_is_not_32_bytes_in_base64_has_no_id(text: str) -> None:
    assert not statements.is_public_key(text)
    with pytest.raises(StatementError, match="not an Ed25519 key"):
        statements.key_id(text)


def test_only_a_string_of_32_bytes_in_base64_is_a_public_key() -> None:
    assert statements.is_public_key(statements.public_key_text(key()))
    assert not statements.is_public_key(None)
    assert not statements.is_public_key(PUBLIC)


def test_a_signed_statement_verifies_under_the_key_that_signed_it() -> None:
    signed = statements.sign(ballot(), key())
    assert signed.statement == ballot()
    assert signed.key == "21fe31dfa154a261"
    assert len(base64.b64decode(signed.signature)) == 64
    assert statements.signature_verifies(signed, statements.public_key_text(key()))
    key().public_key().verify(base64.b64decode(signed.signature), ballot().canonical())


def test_ed25519_signs_the_same_statement_the_same_way_every_time() -> None:
    assert statements.sign(ballot(), key()) == statements.sign(ballot(), key())


def test_a_signature_does_not_verify_under_another_key() -> None:
    signed = statements.sign(ballot(), key())
    assert not statements.signature_verifies(signed, statements.public_key_text(other_key()))


def test_a_signature_does_not_verify_once_the_statement_is_changed() -> None:
    signed = statements.sign(ballot(), key())
    data = {**ballot().data, "choice": ["m-3", "m-2"]}
    changed = Signed(dataclasses.replace(ballot(), data=data), signed.key, signed.signature)
    assert not statements.signature_verifies(changed, statements.public_key_text(key()))


@pytest.mark.parametrize("signature", ["", "not base64!", base64.b64encode(bytes(64)).decode()])
def test_a_signature_that_is_not_one_does_not_verify(signature: str) -> None:
    signed = dataclasses.replace(statements.sign(ballot(), key()), signature=signature)
    assert not statements.signature_verifies(signed, statements.public_key_text(key()))


def test_a_signature_does_not_verify_under_a_public_key_that_is_not_one() -> None:
    signed = statements.sign(ballot(), key())
    assert not statements.signature_verifies(signed, "not a key")


# -- statements and commands -------------------------------------------------------------

#: One command of every act a member signs, with plausible values.
SAMPLES: dict[str, cmd.Command] = {
    "member.add": cmd.AdmitMember("m-1", "m-9", "Nine Ninesson", ("north", "south"), HASH),
    "member.join": cmd.JoinBody("m-1", "m-9", "south"),
    "member.leave": cmd.LeaveBody("m-9", "m-9", "south"),
    "member.codes": cmd.IssueCodes("m-1", (("m-8", HASH), ("m-9", "cd" * 32))),
    "member.reset-key": cmd.ResetKey("m-1", "m-9", "lost with the phone", HASH),
    "key.enroll": cmd.EnrollKey("m-9", statements.public_key_text(key()), HASH),
    "key.rotate": cmd.RotateKey("m-9", statements.public_key_text(other_key())),
    "election.open": cmd.OpenElection("m-1", "north.secretary"),
    "election.nominate": cmd.Nominate("m-1", "E1", "m-2"),
    "election.accept": cmd.AcceptNomination("m-2", "E1", "m-2"),
    "election.withdraw": cmd.Withdraw("m-2", "E1", "m-2"),
    "election.start": cmd.StartElection("m-1", "E1"),
    "vote": cmd.CastBallot("m-1", "E1", ("m-2", "m-3"), False),
    "vote.secret": cmd.CastSealedBallot("m-1", "E1", '{"election_uuid":"u"}'),
    "trustee.keygen": cmd.TakeTrusteeStep("m-1", "tellers", "cert", '{"message":"m"}'),
    "trustee.decrypt": cmd.ShareTally("m-1", "E1", '{"decryption_factors":[]}'),
    "election.import-paper": cmd.ImportPaper(
        "m-1", "E1", ("m-1", "m-4"), ((3, ("m-2", "m-3")), (1, ())), 4, "ef" * 32
    ),
    "election.extend": cmd.ExtendVote("m-1", "E1", 2),
    "election.close": cmd.CloseElection("m-1", "E1"),
    "mandate.resign": cmd.ResignMandate("m-2", "M1", "moving away"),
    "recall.open": cmd.OpenPetition("m-3", "M1", "missed every meeting"),
    "recall.sign": cmd.SignPetition("m-4", "P1"),
    "recall.vote": cmd.CastRecallVote("m-4", "P1", "recall"),
    "recall.close": cmd.CloseRecallVote("m-1", "P1"),
    "motion.propose": cmd.ProposeMotion("m-1", "north", "Tram fares", "Abolish them.\n"),
    "motion.second": cmd.SecondMotion("m-2", "R1"),
    "motion.refer": cmd.ReferMotion("m-1", "R1"),
    "motion.start": cmd.StartMotion("m-1", "R1"),
    "motion.vote": cmd.CastMotionVote("m-1", "R1", "yes"),
    "motion.close": cmd.CloseMotion("m-1", "R1"),
}


def test_every_act_a_member_signs_has_a_sample_here() -> None:
    assert set(SAMPLES) == set(ACTS)
    assert all(type(SAMPLES[name]) is ACTS[name] for name in ACTS)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_act_reads_back_from_its_statement_as_the_same_command(name: str) -> None:
    command = SAMPLES[name]
    statement = statement_of(command, ORIGIN, NONCE, NOT_AFTER)
    assert statement.type == name
    assert statement.actor == command.actor  # type: ignore[union-attr]
    assert "actor" not in statement.data
    assert (statement.origin, statement.nonce, statement.not_after) == (ORIGIN, NONCE, NOT_AFTER)
    assert command_of_statement(statement) == command
    assert command_of_statement(parse_statement(statement.canonical())) == command


def test_a_statement_s_data_is_the_command_without_its_actor_tuples_as_lists() -> None:
    statement = statement_of(SAMPLES["election.import-paper"], ORIGIN, NONCE, NOT_AFTER)
    assert statement.data == {
        "election": "E1",
        "tellers": ["m-1", "m-4"],
        "ballots": [[3, ["m-2", "m-3"]], [1, []]],
        "paper_voters": 4,
        "source": "ef" * 32,
    }


def test_a_field_with_a_default_may_be_left_out_of_the_data() -> None:
    statement = Statement(
        ORIGIN, "vote", "m-1", {"election": "E1", "choice": ["m-2"]}, NONCE, NOT_AFTER
    )
    assert command_of_statement(statement) == cmd.CastBallot("m-1", "E1", ("m-2",), False)
    resign = Statement(ORIGIN, "mandate.resign", "m-2", {"mandate": "M1"}, NONCE, NOT_AFTER)
    assert command_of_statement(resign) == cmd.ResignMandate("m-2", "M1", "")


@pytest.mark.parametrize("command", [cmd.ScheduleAudit(), cmd.ApplyDue()])
def test_an_act_the_system_takes_of_itself_has_no_statement(command: cmd.Command) -> None:
    with pytest.raises(StatementError, match="not an act a member signs"):
        statement_of(command, ORIGIN, NONCE, NOT_AFTER)


def test_a_statement_of_a_type_that_is_no_act_is_refused() -> None:
    statement = dataclasses.replace(ballot(), type="vote.twice")
    with pytest.raises(StatementError, match=r"'vote.twice' is not an act"):
        command_of_statement(statement)


def test_a_statement_whose_data_has_a_field_its_act_lacks_is_refused() -> None:
    statement = dataclasses.replace(ballot(), data={**ballot().data, "weight": 2})
    with pytest.raises(StatementError, match="unknown field 'weight' in data"):
        command_of_statement(statement)


def test_a_statement_whose_data_names_its_actor_is_refused() -> None:
    statement = dataclasses.replace(ballot(), data={**ballot().data, "actor": "m-2"})
    with pytest.raises(StatementError, match="unknown field 'actor'"):
        command_of_statement(statement)


def test_a_statement_whose_data_lacks_a_field_its_act_needs_is_refused() -> None:
    statement = dataclasses.replace(ballot(), data={"choice": ["m-2"]})
    with pytest.raises(StatementError, match="vote statement: data lacks 'election'"):
        command_of_statement(statement)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("vote", {"election": 1, "choice": []}, "vote data.election must be a string"),
        ("vote", {"election": "E1", "choice": "m-2"}, "vote data.choice must be a list"),
        ("vote", {"election": "E1", "choice": [2]}, r"vote data.choice\[0\] must be a string"),
        (
            "vote",
            {"election": "E1", "choice": [], "abstain": "yes"},
            "vote data.abstain must be true or false",
        ),
        (
            "election.extend",
            {"election": "E1", "days": "2"},
            "election.extend data.days must be an integer",
        ),
        (
            "election.extend",
            {"election": "E1", "days": True},
            "election.extend data.days must be an integer",
        ),
        (
            "election.import-paper",
            {
                "election": "E1",
                "tellers": ["m-1"],
                "ballots": [[3]],
                "paper_voters": 3,
                "source": "ef" * 32,
            },
            r"data.ballots\[0\] must be a list of 2 items",
        ),
        (
            "member.codes",
            {"codes": [["m-9", None]]},
            r"member.codes data.codes\[0\]\[1\] must be a string",
        ),
    ],
)
def test_a_statement_whose_data_is_of_the_wrong_kind_is_refused(
    name: str, data: dict[str, Any], problem: str
) -> None:
    statement = Statement(ORIGIN, name, "m-1", data, NONCE, NOT_AFTER)
    with pytest.raises(StatementError, match=problem):
        command_of_statement(statement)


def test_a_statement_error_is_an_input_error() -> None:
    assert issubclass(StatementError, InputError)


# -- reading a statement -----------------------------------------------------------------


@pytest.mark.parametrize("text", [b"not json", b'{"origin":', b"\xff\xfe"])
def test_a_statement_that_is_not_json_is_refused(text: bytes) -> None:
    with pytest.raises(StatementError, match="not JSON"):
        parse_statement(text)


def test_a_statement_with_spaces_is_refused_as_not_canonical() -> None:
    text = json.dumps(ballot().to_json(), sort_keys=True).encode()
    with pytest.raises(StatementError, match="not in its canonical form"):
        parse_statement(text)


def test_a_statement_whose_keys_are_not_sorted_is_refused_as_not_canonical() -> None:
    text = json.dumps(ballot().to_json(), separators=(",", ":")).encode()
    assert text != ballot().canonical()
    with pytest.raises(StatementError, match="not in its canonical form"):
        parse_statement(text)


def test_a_statement_with_a_trailing_newline_is_refused_as_not_canonical() -> None:
    with pytest.raises(StatementError, match="not in its canonical form"):
        parse_statement(ballot().canonical() + b"\n")


@pytest.mark.parametrize("value", [[], "vote", 3, None])
def test_a_statement_that_is_not_an_object_is_refused(value: Any) -> None:
    with pytest.raises(StatementError, match="a statement must be a JSON object"):
        parse_statement(canonical(value))


@pytest.mark.parametrize("field", statements.FIELDS)
def test_a_statement_missing_a_field_is_refused(field: str) -> None:
    value = ballot_json()
    del value[field]
    with pytest.raises(StatementError, match=f"statement lacks {field!r}"):
        parse_statement(canonical(value))


def test_a_statement_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(StatementError, match="statement has an unknown field 'key'"):
        parse_statement(canonical(ballot_json(key="21fe31dfa154a261")))


@pytest.mark.parametrize("field", ["origin", "type", "actor", "nonce", "not_after"])
@pytest.mark.parametrize("value", [7, None, "", ["m-1"]])
def test_a_statement_whose_text_field_is_not_a_non_empty_string_is_refused(
    field: str, value: Any
) -> None:
    with pytest.raises(StatementError, match=f"{field!r} must be a non-empty string"):
        parse_statement(canonical(ballot_json(**{field: value})))


@pytest.mark.parametrize("value", [[], "E1", None, 1])
def test_a_statement_whose_data_is_not_an_object_is_refused(value: Any) -> None:
    with pytest.raises(StatementError, match="'data' must be a JSON object"):
        parse_statement(canonical(ballot_json(data=value)))


@pytest.mark.parametrize(
    "nonce", ["0123456789abcde", "x" * 65, "0123456789abcdef!", "0123456789 abcdef", "ñ" * 16]
)
def test_a_statement_whose_nonce_is_not_16_to_64_letters_digits_or_dashes_is_refused(
    nonce: str,
) -> None:
    with pytest.raises(StatementError, match=r"nonce .* must be 16 to 64"):
        parse_statement(canonical(ballot_json(nonce=nonce)))


@pytest.mark.parametrize("nonce", ["0123456789abcdef", "A-b_" * 16])
def test_a_nonce_of_16_to_64_letters_digits_dashes_or_underscores_is_read(nonce: str) -> None:
    assert parse_statement(canonical(ballot_json(nonce=nonce))).nonce == nonce


@pytest.mark.parametrize(
    "not_after",
    [
        "2026-05-01",
        "2026-05-01 09:00:00Z",
        "2026-05-01T09:00:00",
        "2026-05-01T09:00:00+00:00",
        "2026-05-01T09:00:00.000Z",
        "tomorrow",
        "\u0662\u0660\u0662\u0666-05-01T09:00:00Z",
    ],
)
def test_a_statement_whose_not_after_is_not_an_instant_as_the_log_writes_it_is_refused(
    not_after: str,
) -> None:
    with pytest.raises(StatementError, match=r"not_after .* must be an instant"):
        parse_statement(canonical(ballot_json(not_after=not_after)))


def test_a_statement_read_from_its_json_object_need_not_be_canonical_bytes() -> None:
    assert statement_from_json(json.loads(json.dumps(ballot().to_json(), indent=2))) == ballot()


# -- reading an envelope -----------------------------------------------------------------


def envelope(**changes: Any) -> dict[str, Any]:
    value = statements.sign(ballot(), key()).to_json()
    value.update(changes)
    return value


def test_an_envelope_reads_back_as_the_signed_statement_it_was() -> None:
    signed = statements.sign(ballot(), key())
    assert signed.to_json() == {
        "statement": ballot().to_json(),
        "key": "21fe31dfa154a261",
        "signature": signed.signature,
    }
    assert signed_from_json(json.loads(json.dumps(signed.to_json()))) == signed


@pytest.mark.parametrize("value", [[], "signed", None])
def test_an_envelope_that_is_not_an_object_is_refused(value: Any) -> None:
    with pytest.raises(StatementError, match="a signed statement must be a JSON object"):
        signed_from_json(value)


@pytest.mark.parametrize("field", statements.ENVELOPE)
def test_an_envelope_missing_a_field_is_refused(field: str) -> None:
    value = envelope()
    del value[field]
    with pytest.raises(StatementError, match=f"signed statement lacks {field!r}"):
        signed_from_json(value)


def test_an_envelope_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(StatementError, match="signed statement has an unknown field 'seq'"):
        signed_from_json(envelope(seq=3))


@pytest.mark.parametrize(
    "key_id",
    ["21FE31DFA154A261", "21fe31dfa154a26", "21fe31dfa154a2610", "21fe31dfa154a26g", 7, None],
)
def test_an_envelope_whose_key_is_not_16_hex_digits_is_refused(key_id: Any) -> None:
    with pytest.raises(StatementError, match="'key' must be a key id: 16 hex digits"):
        signed_from_json(envelope(key=key_id))


@pytest.mark.parametrize("signature", ["", None, 64])
def test_an_envelope_without_signature_text_is_refused(signature: Any) -> None:
    with pytest.raises(StatementError, match="'signature' must be base64 text"):
        signed_from_json(envelope(signature=signature))


def test_an_envelope_whose_statement_is_malformed_is_refused_naming_the_statement_field() -> None:
    with pytest.raises(StatementError, match="statement nonce"):
        signed_from_json(envelope(statement=ballot_json(nonce="short")))
