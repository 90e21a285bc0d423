"""The threshold key ceremony: its messages check, every mutation is refused, two of three
trustees can decrypt, and belenios-tool and this code accept each other's messages."""

from __future__ import annotations

import hashlib
import json
import os
import string
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belenios.conftest import ToolElection
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import BELENIOS_2048, RFC_3526_2048, Group
from soviet.belenios.threshold import (
    BASE58,
    TrusteeKeys,
    check_cert,
    check_certs,
    check_polynomial,
    check_signed_message,
    check_threshold_parameters,
    check_voutput,
    decrypt_message,
    decryption_key,
    decryption_key_from_dkey,
    encrypt_message,
    keys_from_seed,
    make_cert,
    make_polynomial,
    make_vinputs,
    make_voutput,
    new_seed,
    receive,
    send,
    sign_message,
    threshold_parameters,
)
from soviet.belenios.wire import dumps

G = BELENIOS_2048
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Replacement characters for mutations: JSON's own, digits, letters and a few others.
CHARACTERS = st.sampled_from(string.ascii_letters + string.digits + string.punctuation + " é€")


@dataclass(frozen=True)
class Ceremony:
    """A finished ceremony of three trustees, two of them needed, all made here."""

    group: Group
    seeds: tuple[str, ...]
    keys: tuple[TrusteeKeys, ...]
    certs: tuple[str, ...]
    polynomials: tuple[str, ...]
    vinputs: tuple[str, ...]
    voutputs: tuple[str, ...]
    threshold: int


def run_ceremony(group: Group, trustees: int, threshold: int) -> Ceremony:
    seeds = tuple(new_seed() for _ in range(trustees))
    certs = tuple(make_cert(group, seed) for seed in seeds)
    polynomials = tuple(make_polynomial(group, seed, certs, threshold) for seed in seeds)
    vinputs = tuple(make_vinputs(group, certs, polynomials))
    voutputs = tuple(
        make_voutput(group, seed, certs, vinput)
        for seed, vinput in zip(seeds, vinputs, strict=True)
    )
    return Ceremony(
        group=group,
        seeds=seeds,
        keys=tuple(keys_from_seed(group, seed) for seed in seeds),
        certs=certs,
        polynomials=polynomials,
        vinputs=vinputs,
        voutputs=voutputs,
        threshold=threshold,
    )


@pytest.fixture(scope="module")
def ceremony() -> Ceremony:
    return run_ceremony(G, 3, 2)


def replace(text: str, position: int, character: str) -> str:
    """``text`` with the character at ``position`` (modulo its length) replaced."""
    position %= len(text)
    return text[:position] + character + text[position + 1 :]


def shifted(number: str, delta: int, modulus: int) -> str:
    """Another number below ``modulus``: ``number + delta`` with ``0 < delta < modulus``."""
    return str((int(number) + delta) % modulus)


def lagrange(group: Group, indices: list[int], j: int) -> int:
    """The Lagrange coefficient at 0 of trustee ``j`` among ``indices`` (numbers from 1)."""
    value = 1
    for k in indices:
        if k != j:
            value = value * k * pow(k - j, -1, group.q) % group.q
    return value


# Seeds and keys


def test_a_seed_is_22_base58_characters_and_seeds_differ() -> None:
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(seed) == 22 and set(seed) <= set(BASE58) for seed in seeds)


@pytest.mark.parametrize("seed", ["", "short", "0" * 22, "O" * 22, "l" * 22, "a" * 23])
def test_a_seed_that_is_not_22_base58_characters_is_refused(seed: str) -> None:
    with pytest.raises(BeleniosError, match="Base58"):
        keys_from_seed(G, seed)


def test_the_keys_of_a_seed_are_its_hashes_modulo_q_and_a_key_file_newline_is_dropped() -> None:
    seed = new_seed()
    keys = keys_from_seed(G, seed + "\n")
    sk = int.from_bytes(hashlib.sha256(f"sk|{seed}".encode()).digest(), "big") % G.q
    dk = int.from_bytes(hashlib.sha256(f"dk|{seed}".encode()).digest(), "big") % G.q
    assert keys == TrusteeKeys(seed, sk, G.base_power(sk), dk, G.base_power(dk))


# Signed messages


@FEW
@given(message=st.text(max_size=200))
def test_a_signed_message_verifies_with_its_key_and_no_other(message: str) -> None:
    signer, other = keys_from_seed(G, new_seed()), keys_from_seed(G, new_seed())
    signed = sign_message(G, signer.signing, message)
    assert list(signed) == ["message", "signature"]
    assert check_signed_message(G, signer.verification, json.loads(dumps(signed)), "m") == message
    with pytest.raises(BeleniosError, match=r"^m: signature does not verify"):
        check_signed_message(G, other.verification, signed, "m")


@FEW
@given(
    message=st.text(min_size=1, max_size=100),
    part=st.sampled_from(["message", "challenge", "response"]),
    position=st.integers(min_value=0),
    character=CHARACTERS,
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_a_mutated_signed_message_is_rejected(
    message: str, part: str, position: int, character: str, delta: int
) -> None:
    signer = keys_from_seed(G, new_seed())
    signed: dict[str, Any] = json.loads(dumps(sign_message(G, signer.signing, message)))
    if part == "message":
        mutated = replace(message, position, character)
        if mutated == message:
            mutated += character
        signed["message"] = mutated
    else:
        signed["signature"][part] = shifted(signed["signature"][part], delta, G.q)
    with pytest.raises(BeleniosError, match=r"^m"):
        check_signed_message(G, signer.verification, signed, "m")


def test_a_signature_challenge_is_the_hash_of_sigmsg_message_and_commitment() -> None:
    signer = keys_from_seed(G, new_seed())
    signed = sign_message(G, signer.signing, "hello")
    challenge, response = (int(signed["signature"][k]) for k in ("challenge", "response"))
    commitment = G.times(G.base_power(response), G.power(signer.verification, challenge))
    assert G.hash_exponent(f"sigmsg|hello|{commitment}") == challenge


# Proofs of knowledge of a private key


def proven_key(x: int) -> dict[str, Any]:
    """A trustee_public_key for ``x``, its proof made here after section 4.5."""
    w = G.random_exponent()
    public = G.base_power(x)
    challenge = G.hash_exponent(f"pok|{G.name}|{public}|{G.base_power(w)}")
    response = (w - x * challenge) % G.q
    pok = {"challenge": str(challenge), "response": str(response)}
    return {"pok": pok, "public_key": str(public)}


def test_a_verification_key_proves_knowledge_with_pok_group_key_commitment(
    ceremony: Ceremony,
) -> None:
    key = json.loads(ceremony.voutputs[0])["public_key"]
    assert list(key) == ["pok", "public_key"]
    share = decryption_key(G, ceremony.seeds[0], ceremony.certs, ceremony.voutputs[0])
    public = int(key["public_key"])
    assert public == G.base_power(share)
    challenge, response = (int(key["pok"][k]) for k in ("challenge", "response"))
    commitment = G.times(G.base_power(response), G.power(public, challenge))
    assert G.hash_exponent(f"pok|BELENIOS-2048|{public}|{commitment}") == challenge
    reproved = json.loads(ceremony.voutputs[0])
    reproved["public_key"] = proven_key(share)
    text = dumps(reproved)
    assert check_voutput(G, ceremony.certs, ceremony.polynomials, 0, text, "v") == public


# Encrypted messages


@FEW
@given(message=st.text(max_size=300))
def test_an_encrypted_message_decrypts_with_its_key_and_no_other(message: str) -> None:
    owner, other = keys_from_seed(G, new_seed()), keys_from_seed(G, new_seed())
    text = encrypt_message(G, owner.encryption, message)
    assert list(json.loads(text)) == ["alpha", "beta", "data"]
    assert decrypt_message(G, owner.decryption, text, "e") == message
    with pytest.raises(BeleniosError, match=r"^e: does not decrypt"):
        decrypt_message(G, other.decryption, text, "e")


def test_encryption_is_aes_256_ccm_with_a_13_byte_nonce_an_8_byte_tag_and_lowercase_hex() -> None:
    owner = keys_from_seed(G, new_seed())
    fields = json.loads(encrypt_message(G, owner.encryption, "a secret"))
    alpha, beta = int(fields["alpha"]), int(fields["beta"])
    mask = G.over(beta, G.power(alpha, owner.decryption))
    key = hashlib.sha256(f"key|{mask}".encode()).digest()
    nonce = hashlib.sha256(f"iv|{alpha}".encode()).digest()[:13]
    assert fields["data"] == fields["data"].lower()
    data = bytes.fromhex(fields["data"])
    assert len(data) == len("a secret") + 8
    assert AESCCM(key, tag_length=8).decrypt(nonce, data, None) == b"a secret"


@FEW
@given(
    part=st.sampled_from(["alpha", "beta", "data"]),
    position=st.integers(min_value=0),
    digit=st.sampled_from("0123456789abcdefABCDEF g"),
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_a_mutated_encrypted_message_is_rejected(
    part: str, position: int, digit: str, delta: int
) -> None:
    owner = keys_from_seed(G, new_seed())
    fields = json.loads(encrypt_message(G, owner.encryption, "a secret"))
    if part == "data":
        mutated = replace(fields["data"], position, digit)
        fields["data"] = mutated if mutated != fields["data"] else mutated + "00"
    else:
        fields[part] = str(G.times(int(fields[part]), G.base_power(delta)))
    with pytest.raises(BeleniosError, match=r"^e"):
        decrypt_message(G, owner.decryption, dumps(fields), "e")


def test_an_encrypted_message_too_long_for_ccm_is_refused_both_ways() -> None:
    owner = keys_from_seed(G, new_seed())
    with pytest.raises(BeleniosError, match="too long"):
        encrypt_message(G, owner.encryption, "x" * 2**16)
    fields = json.loads(encrypt_message(G, owner.encryption, "short"))
    fields["data"] = "00" * 2**17
    with pytest.raises(BeleniosError, match=r"^e: does not decrypt"):
        decrypt_message(G, owner.decryption, dumps(fields), "e")


# Channels


def test_a_channel_message_reaches_its_recipient_from_its_sender() -> None:
    alice, bob = keys_from_seed(G, new_seed()), keys_from_seed(G, new_seed())
    text = send(G, alice, bob.encryption, "for Bob")
    assert receive(G, bob, alice.verification, text, "c") == "for Bob"
    with pytest.raises(BeleniosError, match=r"^c: does not decrypt"):
        receive(G, alice, alice.verification, text, "c")
    with pytest.raises(BeleniosError, match=r"^c: signature does not verify"):
        receive(G, bob, bob.verification, text, "c")


def test_a_channel_message_naming_another_recipient_is_rejected() -> None:
    alice, bob, carol = (keys_from_seed(G, new_seed()) for _ in range(3))
    channel = dumps({"recipient": str(carol.encryption), "message": "for Carol"})
    signed = dumps(sign_message(G, alice.signing, channel))
    text = encrypt_message(G, bob.encryption, signed)
    with pytest.raises(BeleniosError, match=r"^c: the message is addressed to another recipient"):
        receive(G, bob, alice.verification, text, "c")


# Certs


def test_a_cert_holds_the_keys_of_its_seed(ceremony: Ceremony) -> None:
    keys = ceremony.keys[0]
    text = ceremony.certs[0]
    cert = check_cert(G, text, "cert")
    assert (cert.verification, cert.encryption, cert.text) == (
        keys.verification,
        keys.encryption,
        text,
    )
    message = json.loads(text)["message"]
    assert message == dumps(
        {"verification": str(keys.verification), "encryption": str(keys.encryption)}
    )


@FEW
@given(
    part=st.sampled_from(["message", "challenge", "response"]),
    position=st.integers(min_value=0),
    character=CHARACTERS,
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_a_mutated_cert_is_rejected(
    ceremony: Ceremony, part: str, position: int, character: str, delta: int
) -> None:
    cert: dict[str, Any] = json.loads(ceremony.certs[1])
    if part == "message":
        mutated = replace(cert["message"], position, character)
        cert["message"] = mutated if mutated != cert["message"] else mutated + " "
    else:
        cert["signature"][part] = shifted(cert["signature"][part], delta, G.q)
    with pytest.raises(BeleniosError, match=r"^cert 2"):
        check_cert(G, dumps(cert), "cert 2")


def test_a_cert_given_twice_is_rejected(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match="two certs have the same verification key"):
        check_certs(G, [ceremony.certs[0], ceremony.certs[1], ceremony.certs[0]])


def test_a_cert_signed_by_another_key_is_rejected(ceremony: Ceremony) -> None:
    message = json.loads(ceremony.certs[0])["message"]
    forged = dumps(sign_message(G, ceremony.keys[1].signing, message))
    with pytest.raises(BeleniosError, match=r"^c: signature does not verify"):
        check_cert(G, forged, "c")


# Polynomials


def test_a_polynomial_commits_to_threshold_coefficients(ceremony: Ceremony) -> None:
    for index, text in enumerate(ceremony.polynomials):
        exps = check_polynomial(G, ceremony.certs, index, text, "p")
        assert len(exps) == ceremony.threshold
        assert all(G.is_element(a) for a in exps)
        assert list(json.loads(text)) == ["polynomial", "secrets", "coefexps"]


def test_a_polynomial_checked_against_another_dealer_is_rejected(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match=r"^p, coefexps: signature does not verify"):
        check_polynomial(G, ceremony.certs, 1, ceremony.polynomials[0], "p")


def test_a_seed_whose_cert_is_not_among_the_certs_cannot_deal(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match="the seed's cert is not among the certs"):
        make_polynomial(G, new_seed(), ceremony.certs, 2)


@pytest.mark.parametrize("threshold", [0, 4, -1])
def test_a_threshold_outside_one_to_the_trustees_is_refused(
    ceremony: Ceremony, threshold: int
) -> None:
    with pytest.raises(BeleniosError, match=f"threshold {threshold} is not between 1 and 3"):
        make_polynomial(G, ceremony.seeds[0], ceremony.certs, threshold)


def test_polynomials_of_different_degrees_are_rejected(ceremony: Ceremony) -> None:
    other = make_polynomial(G, ceremony.seeds[2], ceremony.certs, 3)
    with pytest.raises(BeleniosError, match="do not all have the same degree"):
        make_vinputs(G, ceremony.certs, [*ceremony.polynomials[:2], other])


def resigned_coefexps(ceremony: Ceremony, dealer: int, k: int, delta: int) -> dict[str, Any]:
    """The dealer's coefexps with ``A_k`` multiplied by ``g^delta``, signed by the dealer."""
    signed = json.loads(ceremony.polynomials[dealer])["coefexps"]
    exps = json.loads(signed["message"])["coefexps"]
    exps[k] = str(G.times(int(exps[k]), G.base_power(delta)))
    return sign_message(G, ceremony.keys[dealer].signing, dumps({"coefexps": exps}))


@FEW
@given(
    dealer=st.integers(min_value=0, max_value=2),
    k=st.integers(min_value=0, max_value=1),
    delta=st.integers(min_value=1, max_value=G.q - 1),
    resign=st.booleans(),
)
def test_a_mutated_coefexp_is_rejected(
    ceremony: Ceremony, dealer: int, k: int, delta: int, resign: bool
) -> None:
    polynomial = json.loads(ceremony.polynomials[dealer])
    coefexps = resigned_coefexps(ceremony, dealer, k, delta)
    if not resign:
        coefexps["signature"] = polynomial["coefexps"]["signature"]
    polynomial["coefexps"] = coefexps
    polynomials = list(ceremony.polynomials)
    polynomials[dealer] = dumps(polynomial)
    if not resign:
        with pytest.raises(BeleniosError, match=rf"^polynomial {dealer + 1}, coefexps: signature"):
            make_vinputs(G, ceremony.certs, polynomials)
        return
    # Signed by its dealer, the coefexps pass the administrator but no share matches them.
    vinputs = make_vinputs(G, ceremony.certs, polynomials)
    for seed, vinput in zip(ceremony.seeds, vinputs, strict=True):
        with pytest.raises(BeleniosError, match=r"^vinput, (polynomial|secret)"):
            make_voutput(G, seed, ceremony.certs, vinput)


@FEW
@given(
    dealer=st.integers(min_value=0, max_value=2),
    recipient=st.integers(min_value=0, max_value=2),
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_a_mutated_share_is_rejected_by_its_recipient(
    ceremony: Ceremony, dealer: int, recipient: int, delta: int
) -> None:
    vinput = json.loads(ceremony.vinputs[recipient])
    share = receive(
        G,
        ceremony.keys[recipient],
        ceremony.keys[dealer].verification,
        vinput["secrets"][dealer],
        "share",
    )
    value = (int(json.loads(share)["secret"]) + delta) % G.q
    vinput["secrets"][dealer] = send(
        G,
        ceremony.keys[dealer],
        ceremony.keys[recipient].encryption,
        dumps({"secret": str(value)}),
    )
    with pytest.raises(
        BeleniosError,
        match=rf"^vinput, secret {dealer + 1}: the share does not match trustee {dealer + 1}'s",
    ):
        make_voutput(G, ceremony.seeds[recipient], ceremony.certs, dumps(vinput))


@FEW
@given(
    dealer=st.integers(min_value=0, max_value=2),
    position=st.integers(min_value=0),
    digit=st.sampled_from("0123456789abcdef"),
)
def test_a_share_altered_on_its_way_is_rejected(
    ceremony: Ceremony, dealer: int, position: int, digit: str
) -> None:
    vinput = json.loads(ceremony.vinputs[0])
    encrypted = json.loads(vinput["secrets"][dealer])
    mutated = replace(encrypted["data"], position, digit)
    encrypted["data"] = mutated if mutated != encrypted["data"] else mutated + "00"
    vinput["secrets"][dealer] = dumps(encrypted)
    with pytest.raises(BeleniosError, match=rf"^vinput, secret {dealer + 1}: does not decrypt"):
        make_voutput(G, ceremony.seeds[0], ceremony.certs, dumps(vinput))


def test_a_share_dealt_to_another_trustee_is_rejected(ceremony: Ceremony) -> None:
    vinput = json.loads(ceremony.vinputs[0])
    vinput["secrets"][2] = json.loads(ceremony.vinputs[1])["secrets"][2]
    with pytest.raises(BeleniosError, match=r"^vinput, secret 3: does not decrypt"):
        make_voutput(G, ceremony.seeds[0], ceremony.certs, dumps(vinput))


def test_a_vinput_for_another_trustee_is_rejected(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match=r"^vinput, polynomial: does not decrypt"):
        make_voutput(G, ceremony.seeds[0], ceremony.certs, ceremony.vinputs[1])


# Vinputs


def test_a_vinput_routes_to_each_trustee_the_shares_dealt_to_it(ceremony: Ceremony) -> None:
    polynomials = [json.loads(p) for p in ceremony.polynomials]
    for j, text in enumerate(ceremony.vinputs):
        vinput = json.loads(text)
        assert list(vinput) == ["polynomial", "secrets", "coefexps"]
        assert vinput["polynomial"] == polynomials[j]["polynomial"]
        assert vinput["secrets"] == [p["secrets"][j] for p in polynomials]
        assert vinput["coefexps"] == [p["coefexps"] for p in polynomials]


# Voutputs


def test_each_voutput_checks_against_the_coefexps(ceremony: Ceremony) -> None:
    for index, text in enumerate(ceremony.voutputs):
        key = check_voutput(G, ceremony.certs, ceremony.polynomials, index, text, "v")
        share = decryption_key(G, ceremony.seeds[index], ceremony.certs, text)
        assert key == G.base_power(share)
        assert list(json.loads(text)) == ["private_key", "public_key"]


def test_a_voutput_checked_as_another_trustees_is_rejected(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match=r"^v: the verification key does not match"):
        check_voutput(G, ceremony.certs, ceremony.polynomials, 1, ceremony.voutputs[0], "v")


@FEW
@given(
    index=st.integers(min_value=0, max_value=2),
    part=st.sampled_from(["public_key", "challenge", "response", "pok_and_key"]),
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_a_mutated_voutput_is_rejected(
    ceremony: Ceremony, index: int, part: str, delta: int
) -> None:
    voutput = json.loads(ceremony.voutputs[index])
    key = voutput["public_key"]
    if part == "public_key":
        key["public_key"] = str(G.times(int(key["public_key"]), G.base_power(delta)))
    elif part == "pok_and_key":
        # A key with a valid proof, but not the one the coefexps commit to.
        voutput["public_key"] = proven_key(delta)
    else:
        key["pok"][part] = shifted(key["pok"][part], delta, G.q)
    with pytest.raises(BeleniosError, match=r"^v"):
        check_voutput(G, ceremony.certs, ceremony.polynomials, index, dumps(voutput), "v")


@FEW
@given(position=st.integers(min_value=0), digit=st.sampled_from("0123456789abcdef"))
def test_a_mutated_private_key_is_rejected_by_its_trustee(
    ceremony: Ceremony, position: int, digit: str
) -> None:
    voutput = json.loads(ceremony.voutputs[0])
    private = json.loads(voutput["private_key"])
    mutated = replace(private["data"], position, digit)
    private["data"] = mutated if mutated != private["data"] else mutated + "00"
    voutput["private_key"] = dumps(private)
    with pytest.raises(BeleniosError, match=r"^voutput, private_key: does not decrypt"):
        decryption_key(G, ceremony.seeds[0], ceremony.certs, dumps(voutput))


def test_a_voutput_private_key_holds_the_decryption_key_as_an_object(ceremony: Ceremony) -> None:
    keys = ceremony.keys[1]
    private = json.loads(ceremony.voutputs[1])["private_key"]
    message = json.loads(receive(G, keys, keys.verification, private, "p"))
    assert list(message) == ["decryption_key"]
    assert decryption_key_from_dkey(G, ceremony.seeds[1], private + "\n") == int(
        message["decryption_key"]
    )


# Threshold parameters


def test_threshold_parameters_give_the_sub_key_and_the_verification_keys(
    ceremony: Ceremony,
) -> None:
    parameters = threshold_parameters(
        G, ceremony.certs, ceremony.polynomials, ceremony.voutputs, ceremony.threshold
    )
    assert list(parameters) == ["threshold", "certs", "coefexps", "verification_keys"]
    assert parameters["threshold"] == 2
    assert parameters["certs"] == [json.loads(cert) for cert in ceremony.certs]
    subkey, keys = check_threshold_parameters(G, json.loads(dumps(parameters)), "t")
    constants = [
        check_polynomial(G, ceremony.certs, i, p, "p")[0]
        for i, p in enumerate(ceremony.polynomials)
    ]
    expected = 1
    for a in constants:
        expected = G.times(expected, a)
    assert subkey == expected
    assert keys == tuple(
        check_voutput(G, ceremony.certs, ceremony.polynomials, i, v, "v")
        for i, v in enumerate(ceremony.voutputs)
    )


def test_a_threshold_that_is_not_the_polynomials_is_refused(ceremony: Ceremony) -> None:
    with pytest.raises(BeleniosError, match="threshold 3 does not match polynomials of degree 1"):
        threshold_parameters(G, ceremony.certs, ceremony.polynomials, ceremony.voutputs, 3)


def test_voutputs_out_of_order_are_refused(ceremony: Ceremony) -> None:
    voutputs = [ceremony.voutputs[1], ceremony.voutputs[0], ceremony.voutputs[2]]
    with pytest.raises(BeleniosError, match=r"^voutput 1: the verification key does not match"):
        threshold_parameters(G, ceremony.certs, ceremony.polynomials, voutputs, 2)


@FEW
@given(
    part=st.sampled_from(
        ["threshold", "cert", "coefexps", "key", "pok", "swap", "extra", "dropped"]
    ),
    z=st.integers(min_value=0, max_value=2),
    position=st.integers(min_value=0),
    character=CHARACTERS,
    delta=st.integers(min_value=1, max_value=G.q - 1),
)
def test_mutated_threshold_parameters_are_rejected(
    ceremony: Ceremony, part: str, z: int, position: int, character: str, delta: int
) -> None:
    parameters = json.loads(
        dumps(threshold_parameters(G, ceremony.certs, ceremony.polynomials, ceremony.voutputs, 2))
    )
    if part == "threshold":
        parameters["threshold"] = [1, 3, 0, 4, True, "2"][position % 6]
    elif part in ("cert", "coefexps"):
        item = parameters["certs" if part == "cert" else "coefexps"][z]
        mutated = replace(item["message"], position, character)
        item["message"] = mutated if mutated != item["message"] else mutated + " "
    elif part == "key":
        key = parameters["verification_keys"][z]
        key["public_key"] = str(G.times(int(key["public_key"]), G.base_power(delta)))
    elif part == "pok":
        pok = parameters["verification_keys"][z]["pok"]
        pok["challenge"] = shifted(pok["challenge"], delta, G.q)
    elif part == "swap":
        keys = parameters["verification_keys"]
        keys[z], keys[(z + 1) % 3] = keys[(z + 1) % 3], keys[z]
    elif part == "extra":
        parameters["verification_keys"].append(proven_key(delta))
    else:
        del parameters["coefexps"][z]
    with pytest.raises(BeleniosError, match=r"^t"):
        check_threshold_parameters(G, parameters, "t")


# Decryption by two of three


@pytest.mark.parametrize("pair", [(1, 2), (1, 3), (2, 3)])
def test_two_of_three_decryption_keys_reconstruct_the_sub_key_secret(
    ceremony: Ceremony, pair: tuple[int, int]
) -> None:
    parameters = threshold_parameters(G, ceremony.certs, ceremony.polynomials, ceremony.voutputs, 2)
    subkey, _ = check_threshold_parameters(G, parameters, "t")
    secret = 0
    for j in pair:
        share = decryption_key(G, ceremony.seeds[j - 1], ceremony.certs, ceremony.voutputs[j - 1])
        secret = (secret + lagrange(G, list(pair), j) * share) % G.q
    assert G.base_power(secret) == subkey
    alone = decryption_key(
        G, ceremony.seeds[pair[0] - 1], ceremony.certs, ceremony.voutputs[pair[0] - 1]
    )
    assert G.base_power(alone) != subkey


@pytest.mark.parametrize(
    ("group", "trustees", "threshold"),
    [(BELENIOS_2048, 1, 1), (BELENIOS_2048, 4, 4), (BELENIOS_2048, 4, 1), (RFC_3526_2048, 3, 2)],
)
def test_a_ceremony_of_any_threshold_reconstructs_its_sub_key(
    group: Group, trustees: int, threshold: int
) -> None:
    done = run_ceremony(group, trustees, threshold)
    parameters = threshold_parameters(group, done.certs, done.polynomials, done.voutputs, threshold)
    subkey, _ = check_threshold_parameters(group, parameters, "t")
    chosen = list(range(trustees - threshold + 1, trustees + 1))
    secret = 0
    for j in chosen:
        share = decryption_key(group, done.seeds[j - 1], done.certs, done.voutputs[j - 1])
        secret = (secret + lagrange(group, chosen, j) * share) % group.q
    assert group.base_power(secret) == subkey


# With belenios-tool


def tool(belenios: Path, directory: Path, *arguments: str, stdin: str = "") -> str:
    """What belenios-tool prints for a threshold step, or a failure naming its error."""
    command = [str(belenios), "setup", "generate-trustee-key-threshold", "--group", "BELENIOS-2048"]
    done = subprocess.run(
        [*command, *arguments],
        cwd=directory,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "BELENIOS_USE_URANDOM": "1"},
        check=False,
    )
    assert done.returncode == 0, f"belenios-tool {' '.join(arguments)}: {done.stderr.strip()}"
    return done.stdout


def cert_id(cert: str) -> str:
    """The name belenios-tool gives a trustee's files: SHA-256 of the cert's message."""
    return hashlib.sha256(json.loads(cert)["message"].encode()).hexdigest()


def tool_trustee(belenios: Path, directory: Path) -> tuple[str, str]:
    """A trustee made by belenios-tool (step 1): its seed and its cert."""
    before = set(directory.glob("*.key"))
    tool(belenios, directory, "--step", "1")
    (key,) = set(directory.glob("*.key")) - before
    return key.read_text(), key.with_suffix(".cert").read_text().strip()


def our_trustee(directory: Path) -> tuple[str, str]:
    """A trustee made here, its files written as belenios-tool writes them."""
    seed = new_seed()
    cert = make_cert(G, seed)
    (directory / f"{cert_id(cert)}.key").write_text(seed + "\n")
    (directory / f"{cert_id(cert)}.cert").write_text(cert + "\n")
    return seed, cert


def test_a_cert_is_made_from_a_tool_key_as_the_tool_makes_it(
    belenios_tool: Path, tmp_path: Path
) -> None:
    seed, tool_cert = tool_trustee(belenios_tool, tmp_path)
    assert len(seed) == 23 and seed.endswith("\n")
    ours = make_cert(G, seed)
    assert json.loads(ours)["message"] == json.loads(tool_cert)["message"]
    keys = keys_from_seed(G, seed)
    checked = check_cert(G, tool_cert, "tool cert")
    assert (checked.verification, checked.encryption) == (keys.verification, keys.encryption)


def test_a_ceremony_of_one_trustee_here_and_two_of_belenios_tool_interoperates(
    belenios_tool: Path, tmp_path: Path
) -> None:
    first = tool_trustee(belenios_tool, tmp_path)
    mine = our_trustee(tmp_path)
    last = tool_trustee(belenios_tool, tmp_path)
    seeds = [first[0], mine[0], last[0]]
    certs = [first[1], mine[1], last[1]]
    ids = [cert_id(cert) for cert in certs]
    (tmp_path / "certs.jsons").write_text("".join(cert + "\n" for cert in certs))
    with_certs = ("--certs", "certs.jsons")
    tool(belenios_tool, tmp_path, *with_certs, "--step", "2")
    assert check_certs(G, certs)

    polynomials = []
    for index, name in enumerate(ids):
        if index == 1:
            polynomials.append(make_polynomial(G, seeds[1], certs, 2))
        else:
            step3 = ("--key", f"{name}.key", "--step", "3", "--threshold", "2")
            polynomials.append(tool(belenios_tool, tmp_path, *with_certs, *step3).strip())
        assert len(check_polynomial(G, certs, index, polynomials[index], "p")) == 2
    (tmp_path / "polynomials.jsons").write_text("".join(p + "\n" for p in polynomials))

    tool(belenios_tool, tmp_path, *with_certs, "--step", "4", "--polynomials", "polynomials.jsons")
    vinputs = make_vinputs(G, certs, polynomials)
    assert [v + "\n" for v in vinputs] == [(tmp_path / f"{n}.vinput").read_text() for n in ids]

    voutputs = []
    for index, name in enumerate(ids):
        if index == 1:
            voutputs.append(make_voutput(G, seeds[1], certs, vinputs[1]))
        else:
            step5 = ("--key", f"{name}.key", "--step", "5")
            voutputs.append(
                tool(belenios_tool, tmp_path, *with_certs, *step5, stdin=vinputs[index])
            )
        check_voutput(G, certs, polynomials, index, voutputs[index], "v")

    step6 = ("--step", "6", "--polynomials", "polynomials.jsons")
    lines = "".join(v.strip() + "\n" for v in voutputs)
    printed = tool(belenios_tool, tmp_path, *with_certs, *step6, stdin=lines)
    parameters = threshold_parameters(G, certs, polynomials, voutputs, 2)
    assert printed == dumps(parameters) + "\n"
    subkey, keys = check_threshold_parameters(G, json.loads(printed), "tool threshold")

    # The tool keeps each private_key as the .dkey; every trustee's share opens from it.
    shares = []
    for index, name in enumerate(ids):
        dkey = (tmp_path / f"{name}.dkey").read_text()
        assert dkey == json.loads(voutputs[index])["private_key"] + "\n"
        share = decryption_key(G, seeds[index], certs, voutputs[index])
        assert decryption_key_from_dkey(G, seeds[index], dkey) == share
        assert G.base_power(share) == keys[index]
        shares.append(share)
    for pair in ([1, 2], [2, 3]):
        secret = sum(lagrange(G, pair, j) * shares[j - 1] for j in pair) % G.q
        assert G.base_power(secret) == subkey


def test_a_ceremony_made_here_is_accepted_by_belenios_tool(
    belenios_tool: Path, tmp_path: Path
) -> None:
    trustees = [our_trustee(tmp_path) for _ in range(3)]
    seeds = [seed for seed, _ in trustees]
    certs = [cert for _, cert in trustees]
    ids = [cert_id(cert) for cert in certs]
    (tmp_path / "certs.jsons").write_text("".join(cert + "\n" for cert in certs))
    with_certs = ("--certs", "certs.jsons")
    tool(belenios_tool, tmp_path, *with_certs, "--step", "2")
    polynomials = [make_polynomial(G, seed, certs, 2) for seed in seeds]
    (tmp_path / "polynomials.jsons").write_text("".join(p + "\n" for p in polynomials))
    tool(belenios_tool, tmp_path, *with_certs, "--step", "4", "--polynomials", "polynomials.jsons")
    vinputs = make_vinputs(G, certs, polynomials)
    assert [v + "\n" for v in vinputs] == [(tmp_path / f"{n}.vinput").read_text() for n in ids]

    voutputs = [make_voutput(G, s, certs, v) for s, v in zip(seeds, vinputs, strict=True)]
    # The tool, run as the second trustee, also takes the shares dealt here.
    step5 = ("--key", f"{ids[1]}.key", "--step", "5")
    theirs = tool(belenios_tool, tmp_path, *with_certs, *step5, stdin=vinputs[1])
    assert check_voutput(G, certs, polynomials, 1, theirs, "v") == check_voutput(
        G, certs, polynomials, 1, voutputs[1], "v"
    )
    assert decryption_key(G, seeds[1], certs, theirs) == decryption_key(
        G, seeds[1], certs, voutputs[1]
    )

    step6 = ("--step", "6", "--polynomials", "polynomials.jsons")
    printed = tool(belenios_tool, tmp_path, *with_certs, *step6, stdin="\n".join(voutputs) + "\n")
    assert printed == dumps(threshold_parameters(G, certs, polynomials, voutputs, 2)) + "\n"


def test_a_polynomial_with_a_forged_share_is_rejected_by_belenios_tool(
    belenios_tool: Path, tmp_path: Path
) -> None:
    trustees = [our_trustee(tmp_path) for _ in range(3)]
    seeds = [seed for seed, _ in trustees]
    certs = [cert for _, cert in trustees]
    (tmp_path / "certs.jsons").write_text("".join(cert + "\n" for cert in certs))
    polynomials = [make_polynomial(G, seed, certs, 2) for seed in seeds]
    forged = json.loads(polynomials[0])
    keys = keys_from_seed(G, seeds[0])
    recipient = keys_from_seed(G, seeds[1])
    forged["secrets"][1] = send(G, keys, recipient.encryption, dumps({"secret": "12345"}))
    polynomials[0] = dumps(forged)
    vinput = make_vinputs(G, certs, polynomials)[1]
    command = [
        str(belenios_tool),
        *("setup", "generate-trustee-key-threshold", "--group", "BELENIOS-2048"),
        *("--certs", "certs.jsons", "--key", f"{cert_id(certs[1])}.key", "--step", "5"),
    ]
    done = subprocess.run(
        command, cwd=tmp_path, input=vinput, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    with pytest.raises(BeleniosError, match=r"^vinput, secret 1: the share does not match"):
        make_voutput(G, seeds[1], certs, vinput)


def test_the_threshold_trustees_of_an_election_belenios_tool_ran_check(
    tool_election: ToolElection,
) -> None:
    files = [json.loads(text) for text in tool_election.archive_files().values()]
    (trustees,) = [
        f
        for f in files
        if isinstance(f, list) and f and isinstance(f[0], list) and f[0][:1] == ["Single"]
    ]
    (election,) = [f for f in files if isinstance(f, dict) and "questions" in f]
    kinds = dict(trustees)
    subkey, keys = check_threshold_parameters(G, kinds["Pedersen"], "trustees, Pedersen")
    single = int(kinds["Single"]["public_key"])
    assert G.times(single, subkey) == int(election["public_key"])

    ids = [hashlib.sha256(c["message"].encode()).hexdigest() for c in kinds["Pedersen"]["certs"]]
    shares = []
    for index, name in enumerate(ids):
        seed = (tool_election.directory / f"{name}.key").read_text()
        share = decryption_key_from_dkey(
            G, seed, (tool_election.directory / f"{name}.dkey").read_text()
        )
        assert G.base_power(share) == keys[index]
        shares.append(share)
    secret = sum(lagrange(G, [1, 3], j) * shares[j - 1] for j in (1, 3)) % G.q
    assert G.base_power(secret) == subkey
