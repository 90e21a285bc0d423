"""Signed notes and their keys, checked against the example of golang.org/x/mod/sumdb/note."""

from __future__ import annotations

import base64

import pytest

from soviet.errors import InputError, LedgerError
from soviet.ledger.notes import (
    MAX_SIGNATURES,
    Signature,
    SigningKey,
    VerifierKey,
    generate_key,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

# The example of the sumdb/note package documentation (a public test key).
GO_SIGNING_KEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + (
        "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
        "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    ).encode()
)

KEY = generate_key("councils.example.org/line-workers", bytes(range(32)))
TEXT = b"councils.example.org/line-workers\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"


def test_signing_reproduces_the_go_example_byte_for_byte() -> None:
    key = SigningKey.parse(GO_SIGNING_KEY)
    assert str(key.verifier()) == GO_VERIFIER_KEY
    assert sign_note(GO_TEXT, key) == GO_NOTE


def test_the_go_example_opens_with_its_verifier_key() -> None:
    note = open_note(GO_NOTE, [VerifierKey.parse(GO_VERIFIER_KEY)])
    assert note.text == GO_TEXT
    assert [s.name for s in note.signatures] == ["PeterNeumann"]
    assert note.signatures[0].key_id.hex() == "c74f20a3"


def test_keys_survive_their_text_form() -> None:
    assert SigningKey.parse(str(KEY)) == KEY
    assert VerifierKey.parse(str(KEY.verifier())) == KEY.verifier()
    assert str(KEY).startswith("PRIVATE+KEY+councils.example.org/line-workers+")
    assert KEY.seed.hex() not in repr(KEY)


def test_the_key_id_is_the_hash_of_name_type_and_public_key() -> None:
    verifier = KEY.verifier()
    assert verifier.key_id == key_id(verifier.name, verifier.public_key)
    assert str(verifier).split("+")[1] == verifier.key_id.hex()


def test_a_generated_key_is_new_each_time_and_signs() -> None:
    first, second = generate_key("a.example/log"), generate_key("a.example/log")
    assert first.seed != second.seed
    assert open_note(sign_note(TEXT, first), [first.verifier()]).text == TEXT


def test_a_signed_note_opens_with_the_signers_key() -> None:
    note = sign_note(TEXT, KEY)
    assert note.startswith(TEXT + "\n— councils.example.org/line-workers ".encode())
    assert open_note(note, [KEY.verifier()]).text == TEXT


def test_a_note_with_any_changed_byte_is_rejected() -> None:
    note = sign_note(TEXT, KEY)
    for position in range(len(TEXT)):
        changed = bytearray(note)
        changed[position] = ord("y") if changed[position] == ord("x") else ord("x")
        with pytest.raises((LedgerError, InputError)):
            open_note(bytes(changed), [KEY.verifier()])


def test_a_changed_signature_is_rejected() -> None:
    text, (signature,) = parse_note(sign_note(TEXT, KEY))
    forged = Signature(signature.name, signature.key_id, bytes(64))
    with pytest.raises(LedgerError, match="does not verify"):
        open_note(text + b"\n" + forged.line(), [KEY.verifier()])


def test_a_note_signed_by_another_key_is_rejected() -> None:
    other = generate_key(KEY.name, bytes(range(1, 33)))
    with pytest.raises(LedgerError, match="not signed by a known key"):
        open_note(sign_note(TEXT, other), [KEY.verifier()])


def test_a_known_key_id_with_a_bad_signature_rejects_the_whole_note() -> None:
    impostor = generate_key(KEY.name, bytes(range(1, 33)))
    text, (good,) = parse_note(sign_note(TEXT, KEY))
    _, (bad,) = parse_note(sign_note(TEXT, impostor))
    claimed = Signature(KEY.name, KEY.key_id, bad.signature)
    with pytest.raises(LedgerError, match="does not verify"):
        open_note(text + b"\n" + claimed.line() + good.line(), [KEY.verifier()])


def test_signatures_from_unknown_keys_are_kept_aside() -> None:
    witness = generate_key("witness.example/w1", bytes(range(2, 34)))
    note = open_note(sign_note(TEXT, witness, KEY), [KEY.verifier()])
    assert [s.name for s in note.signatures] == [KEY.name]
    assert [s.name for s in note.unverified] == [witness.name]


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        (TEXT, "no blank line"),
        (TEXT + b"\n", "no signature lines"),
        (TEXT + b"\n- name AAAAAAAA\n", "does not start with"),
        (TEXT + "\n— name\n".encode(), "is not '— name signature'"),
        (TEXT + "\n— name AAAA\n".encode(), "too short"),
        (TEXT + "\n— name ???\n".encode(), "is not base64"),
        (b"a\tb\n\n" + "— name AAAAAAAA\n".encode(), "control character"),
        (b"\xff\n\n", "not UTF-8"),
    ],
)
def test_malformed_notes_are_refused(message: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        open_note(message, [KEY.verifier()])


def test_a_note_with_too_many_signatures_is_refused() -> None:
    line = parse_note(sign_note(TEXT, KEY))[1][0].line()
    with pytest.raises(InputError, match=f"more than {MAX_SIGNATURES}"):
        open_note(TEXT + b"\n" + line * (MAX_SIGNATURES + 1), [KEY.verifier()])


def test_only_text_ending_in_a_newline_is_signed() -> None:
    with pytest.raises(InputError, match="ends with a newline"):
        sign_note(b"no newline", KEY)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nameonly", "expected name\\+keyid\\+key"),
        ("name+c74f20a+AAAA", "not 8 hex digits"),
        ("name+c74f20a3+!!!!", "is not base64"),
        ("bad name+c74f20a3+AAAA", "is not valid"),
        (GO_VERIFIER_KEY.replace("+c74f20a3+", "+c74f20a4+"), "does not match the key"),
        ("PeterNeumann+c74f20a3+" + base64.b64encode(b"\x02" + bytes(32)).decode(), "Ed25519"),
    ],
)
def test_malformed_verifier_keys_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        VerifierKey.parse(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GO_VERIFIER_KEY, "starting with PRIVATE\\+KEY\\+"),
        ("PRIVATE+KEY+name", "expected PRIVATE\\+KEY\\+name"),
        (GO_SIGNING_KEY.replace("+c74f20a3+", "+00000000+"), "does not match the key"),
        (GO_SIGNING_KEY[:-4], "Ed25519 private key has 32 bytes|is not base64"),
    ],
)
def test_malformed_signing_keys_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        SigningKey.parse(text)


def test_key_names_have_no_spaces_or_plus() -> None:
    for name in ("", "a b", "a+b", "a\u00a0b"):
        with pytest.raises(InputError, match="is not valid"):
            generate_key(name)
