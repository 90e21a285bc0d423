"""Credentials: the Base58 form and its checksum, PBKDF2, and the public list."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.belenios.credentials import (
    ALPHABET,
    check_credential,
    credential_from_bytes,
    credential_secret,
    new_credential,
    parse_public_credentials,
    public_credential,
)
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import BELENIOS_2048, RFC_3526_2048

from .conftest import ToolArchive, ToolElection

G = BELENIOS_2048
FORM = re.compile(rf"^[{ALPHABET}]{{3}}(-[{ALPHABET}]{{3}}){{4}}$")

# Credentials belenios-tool issued for election CmZoxzJ83Zhvt7.
ISSUED = (
    "DCm-gpD-Xwe-a6P-GLM",
    "6AA-nsa-VJ4-rrw-JvD",
    "W6R-iZj-6nH-ug9-xVj",
    "BbL-Ef3-LGt-WiP-wsZ",
)

credentials = st.binary(min_size=16, max_size=32).map(credential_from_bytes)
uuids = st.text(alphabet=ALPHABET, min_size=14, max_size=22)


def test_the_alphabet_is_base58() -> None:
    assert len(ALPHABET) == 58
    assert not set("0OIl") & set(ALPHABET)


def test_credentials_issued_by_belenios_have_a_valid_checksum() -> None:
    for credential in ISSUED:
        assert check_credential(credential) == credential.replace("-", "")


def test_a_new_credential_is_five_groups_of_three_with_its_checksum() -> None:
    fresh = {new_credential() for _ in range(200)}
    assert len(fresh) == 200
    for credential in fresh:
        assert FORM.match(credential)
        assert check_credential(credential) == credential.replace("-", "")


@settings(max_examples=30, deadline=None)
@given(credentials, st.integers(0, 14), st.sampled_from(ALPHABET))
def test_a_typo_in_one_character_is_caught(credential: str, place: int, typed: str) -> None:
    bare = credential.replace("-", "")
    difference = abs(ALPHABET.index(typed) - ALPHABET.index(bare[place]))
    if difference in (0, 53):  # the checksum is modulo 53: these alone slip through
        return
    mistyped = bare[:place] + typed + bare[place + 1 :]
    with pytest.raises(BeleniosError, match="checksum"):
        check_credential(mistyped)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("DCm-gpD-Xwe-a6P-GL", "expected"),
        ("DCm-gpD-Xwe-a6P-GLMM", "expected"),
        ("DCm_gpD_Xwe_a6P_GLM", "expected"),
        ("DCm-gpD-Xwe-a6P-GL0", "Base58"),
        ("DCmgpDXwea6PGlM", "Base58"),
        ("DCm-gpD-Xwe-a6P-GLN", "checksum"),
        ("", "expected"),
    ],
)
def test_a_malformed_credential_is_refused(text: str, problem: str) -> None:
    with pytest.raises(BeleniosError, match=problem):
        check_credential(text)


@settings(max_examples=20, deadline=None)
@given(credentials, uuids)
def test_a_credential_with_or_without_dashes_has_one_secret(credential: str, uuid: str) -> None:
    bare = credential.replace("-", "")
    secret = credential_secret(G, credential, uuid)
    assert 0 <= secret < G.q
    assert credential_secret(G, bare, uuid) == secret
    assert public_credential(G, bare, uuid) == G.base_power(secret)


def test_the_secret_depends_on_the_election_and_the_group() -> None:
    credential = ISSUED[0]
    assert credential_secret(G, credential, "CmZoxzJ83Zhvt7") != credential_secret(
        G, credential, "CmZoxzJ83Zhvt8"
    )
    assert G.is_element(public_credential(G, credential, "CmZoxzJ83Zhvt7"))
    assert RFC_3526_2048.is_element(public_credential(RFC_3526_2048, credential, "CmZoxzJ83Zhvt7"))


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=16, max_size=64))
def test_a_credential_from_key_material_is_valid_and_always_the_same(seed: bytes) -> None:
    credential = credential_from_bytes(seed)
    assert FORM.match(credential)
    check_credential(credential)
    assert credential_from_bytes(seed) == credential
    assert credential_from_bytes(seed + b"\0") != credential


def test_a_credential_needs_sixteen_bytes_of_key_material() -> None:
    with pytest.raises(BeleniosError, match="16 bytes"):
        credential_from_bytes(b"x" * 15)


def test_the_public_credentials_of_belenios_are_derived_from_its_secret_ones(
    tool_election: ToolElection, tool_archive: ToolArchive
) -> None:
    listed = parse_public_credentials(G, json.loads(tool_archive.credentials))
    assert all(weight == 1 for _, weight in listed)
    derived = {public_credential(G, c, tool_election.uuid) for c in tool_election.credentials}
    assert derived == {credential for credential, _ in listed}


@settings(max_examples=5, deadline=None)
@given(credentials)
def test_belenios_tool_derives_the_same_public_credential(
    belenios_tool: Path, credential: str
) -> None:
    uuid = "CmZoxzJ83Zhvt7"
    command = [str(belenios_tool), "setup", "generate-credentials", "--uuid", uuid]
    command += ["--group", G.name, "--derive", credential]
    derived = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert int(derived.strip()) == public_credential(G, credential, uuid)


def test_public_credentials_carry_optional_weights() -> None:
    a, b = G.base_power(5), G.base_power(7)
    assert parse_public_credentials(G, [str(a), f"{b},3"]) == [(a, 1), (b, 3)]


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        ("5", "expected a list"),
        ([str(G.base_power(5)), 7], "public credential 2: expected a string"),
        ([str(G.p - 1)], "public credential 1: .* not an element"),
        ([f"{G.base_power(5)},x"], "public credential 1: weight 'x'"),
        ([f"{G.base_power(5)},0"], "public credential 1: weight 0 is not positive"),
        ([f"{G.base_power(5)},-2"], "public credential 1: weight '-2'"),
        (
            [str(G.base_power(5)), str(G.base_power(6)), f"{G.base_power(5)},2"],
            "public credential 3: the same credential as public credential 1",
        ),
    ],
)
def test_a_bad_public_credential_is_named_by_its_index(items: object, problem: str) -> None:
    with pytest.raises(BeleniosError, match=problem):
        parse_public_credentials(G, items)
