"""ElGamal and the proofs: each proof verifies, and any change to it or its statement fails."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.belenios.elgamal import (
    Ciphertext,
    FixedBase,
    Powers,
    ciphertext_from_json,
    ciphertext_json,
    combine,
    encrypt,
    raised,
)
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import BELENIOS_2048, RFC_3526_2048, Group
from soviet.belenios.proofs import (
    Proof,
    check_blank,
    check_decryption,
    check_key,
    check_overall_blank,
    check_signature,
    icheck,
    iprove,
    proof_from_json,
    proof_json,
    prove_blank,
    prove_decryption,
    prove_key,
    prove_overall_blank,
    sign,
)

G = BELENIOS_2048
exponents = st.integers(0, G.q - 1)
nonzero = st.integers(1, G.q - 1)
few = settings(max_examples=20, deadline=None)


def key(x: int) -> int:
    return G.base_power(x)


def tweaked(proofs: list[Proof], k: int, field: str) -> list[Proof]:
    """The proofs with proof ``k``'s challenge or response moved by one."""
    changed = list(proofs)
    value = getattr(changed[k], field)
    changed[k] = replace(changed[k], **{field: (value + 1) % G.q})
    return changed


# -- the exponentiation tables and ElGamal -------------------------------------------------


@pytest.mark.parametrize("group", [BELENIOS_2048, RFC_3526_2048], ids=lambda g: g.name)
def test_the_exponentiation_tables_agree_with_pow(group: Group) -> None:
    base = group.base_power(group.random_exponent())
    fixed, powers = FixedBase(group, base), Powers(group, base)
    edges = [0, 1, 2, 15, 16, 255, 256, group.q - 1, group.q, 2**256 - 1]
    for e in [*edges, *(group.random_exponent() for _ in range(10))]:
        assert powers.power(e) == pow(base, e, group.p)
        assert fixed.power(e) == pow(base, e % group.q, group.p)
    assert fixed.power(-3) == pow(base, -3, group.p)
    assert powers.in_group()
    assert not Powers(group, group.p - 1).in_group()


@few
@given(exponents, st.integers(0, 1000), st.integers(0, 1000), exponents, exponents)
def test_ciphertexts_multiply_into_the_sum_of_their_plaintexts(
    x: int, m1: int, m2: int, r1: int, r2: int
) -> None:
    y = key(x)
    a, b = encrypt(G, y, m1, r1), encrypt(G, y, m2, r2)
    assert combine(G, a, b) == encrypt(G, y, m1 + m2, r1 + r2)
    assert raised(G, a, 3) == encrypt(G, y, 3 * m1, 3 * r1)
    total = combine(G, a, b)
    decrypted = total.beta * pow(pow(total.alpha, x, G.p), -1, G.p) % G.p
    assert decrypted == G.base_power(m1 + m2)


def test_a_ciphertext_is_read_back_from_its_json() -> None:
    c = encrypt(G, key(5), 1, 7)
    assert ciphertext_from_json(G, ciphertext_json(c), "here") == c


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        ({"alpha": "1"}, "expected a ciphertext"),
        ({"alpha": "1", "beta": "1", "gamma": "1"}, "expected a ciphertext"),
        ({"alpha": "0", "beta": "1"}, "here, alpha: 0 is not an element"),
        ({"alpha": "1", "beta": str(G.p - 1)}, "here, beta: .* is not an element"),
        ({"alpha": "1", "beta": str(G.p + 1)}, "here, beta: .* is not an element"),
        ({"alpha": 1, "beta": "1"}, "here, alpha: expected a number"),
        ({"alpha": "-1", "beta": "1"}, "here, alpha: expected a number"),
    ],
)
def test_a_ciphertext_outside_the_group_is_refused(obj: object, problem: str) -> None:
    with pytest.raises(BeleniosError, match=problem):
        ciphertext_from_json(G, obj, "here")


def test_a_proof_is_read_back_from_its_json_and_must_be_below_q() -> None:
    proof = Proof(3, G.q - 1)
    assert proof_from_json(G, proof_json(proof), "p") == proof
    with pytest.raises(BeleniosError, match=r"p, response: .* not below the group order"):
        proof_from_json(G, {"challenge": "3", "response": str(G.q)}, "p")
    with pytest.raises(BeleniosError, match="expected a proof"):
        proof_from_json(G, {"challenge": "3"}, "p")


# -- proofs of knowledge of a key (4.5) ----------------------------------------------------


@few
@given(exponents)
def test_a_proof_of_knowledge_of_a_key_verifies_and_every_change_fails(x: int) -> None:
    proof = prove_key(G, x)
    assert check_key(G, key(x), proof)
    assert not check_key(G, key(x + 1), proof)
    assert not check_key(G, key(x), tweaked([proof], 0, "challenge")[0])
    assert not check_key(G, key(x), tweaked([proof], 0, "response")[0])


def test_a_proof_of_knowledge_names_its_group() -> None:
    x = 12345
    proof = prove_key(RFC_3526_2048, x)
    assert check_key(RFC_3526_2048, RFC_3526_2048.base_power(x), proof)
    assert not check_key(G, G.base_power(x), prove_key(RFC_3526_2048, x))


# -- interval proofs (4.12) ----------------------------------------------------------------


@st.composite
def intervals(draw: st.DrawFn) -> tuple[list[int], int]:
    low = draw(st.integers(0, 3))
    values = list(range(low, low + draw(st.integers(1, 4))))
    return values, draw(st.integers(0, len(values) - 1))


@few
@given(exponents, exponents, intervals(), st.text(max_size=20))
def test_an_interval_proof_verifies_and_every_change_fails(
    x: int, r: int, interval: tuple[list[int], int], S: str
) -> None:
    values, index = interval
    y = key(x)
    c = encrypt(G, y, values[index], r)
    proofs = iprove(G, y, S, c, r, index, values)
    assert len(proofs) == len(values)
    assert icheck(G, y, S, c, values, proofs)
    k = index if len(values) == 1 else (index + 1) % len(values)
    for at in {k, index}:
        assert not icheck(G, y, S, c, values, tweaked(proofs, at, "challenge"))
        assert not icheck(G, y, S, c, values, tweaked(proofs, at, "response"))
    assert not icheck(G, y, S + "x", c, values, proofs)
    assert not icheck(G, y, S, Ciphertext(c.alpha * G.g % G.p, c.beta), values, proofs)
    assert not icheck(G, y, S, Ciphertext(c.alpha, c.beta * G.g % G.p), values, proofs)
    assert not icheck(G, key(x + 1), S, c, values, proofs)
    assert not icheck(G, y, S, c, [v + 1 for v in values], proofs)
    assert not icheck(G, y, S, c, values, proofs[:-1])


@few
@given(exponents, exponents, st.integers(0, 1))
def test_a_ciphertext_of_a_value_off_the_list_cannot_be_proven(x: int, r: int, m: int) -> None:
    y = key(x)
    c = encrypt(G, y, 2 + m, r)
    for index in (0, 1):
        assert not icheck(G, y, "S", c, [0, 1], iprove(G, y, "S", c, r, index, [0, 1]))


# -- proofs of possibly-blank votes (4.13) -------------------------------------------------


@st.composite
def blank_votes(draw: st.DrawFn) -> tuple[int, int, list[int]]:
    """(m_blank, m_total, min … max) for a valid vote: blank, or not blank within bounds."""
    low = draw(st.integers(0, 2))
    values = list(range(low, low + draw(st.integers(1, 3))))
    if draw(st.booleans()):
        return 1, 0, values
    return 0, draw(st.sampled_from(values)), values


@few
@given(exponents, exponents, exponents, blank_votes())
def test_blank_proofs_verify_and_every_change_fails(
    x: int, r0: int, rs: int, vote: tuple[int, int, list[int]]
) -> None:
    m0, ms, values = vote
    y = key(x)
    blank, total = encrypt(G, y, m0, r0), encrypt(G, y, ms, rs)
    S = f"phi|{total.alpha}"
    first = prove_blank(G, y, S, r0, rs, m0, ms)
    overall = prove_overall_blank(G, y, S, r0, rs, m0, ms, values)
    assert len(first) == 2 and len(overall) == len(values) + 1
    assert check_blank(G, y, S, blank, total, first)
    assert check_overall_blank(G, y, S, blank, total, values, overall)
    for at in range(2):
        for field in ("challenge", "response"):
            assert not check_blank(G, y, S, blank, total, tweaked(first, at, field))
            assert not check_overall_blank(
                G, y, S, blank, total, values, tweaked(overall, at, field)
            )
    assert not check_blank(G, y, S + "|", blank, total, first)
    if blank != total:
        assert not check_blank(G, y, S, total, blank, first)
    moved = Ciphertext(blank.alpha, blank.beta * G.g % G.p)
    assert not check_blank(G, y, S, moved, total, first)
    assert not check_overall_blank(G, y, S, moved, total, values, overall)
    assert not check_overall_blank(G, y, S, blank, total, [v + 5 for v in values], overall)


@few
@given(exponents, exponents, exponents, st.integers(1, 3))
def test_a_blank_vote_that_selects_answers_cannot_be_proven(
    x: int, r0: int, rs: int, ms: int
) -> None:
    y = key(x)
    blank, total = encrypt(G, y, 1, r0), encrypt(G, y, ms, rs)
    for forged in ([Proof(1, 2), Proof(3, 4)], prove_blank(G, y, "S", r0, rs, 0, 0)):
        assert not check_blank(G, y, "S", blank, total, forged)


# -- signatures (4.14) ---------------------------------------------------------------------


@few
@given(nonzero, st.text(min_size=1, max_size=44))
def test_a_signature_verifies_and_every_change_fails(secret: int, hash_text: str) -> None:
    credential = key(secret)
    proof = sign(G, secret, hash_text)
    assert check_signature(G, credential, hash_text, proof)
    assert not check_signature(G, credential, hash_text + "A", proof)
    assert not check_signature(G, key(secret + 1), hash_text, proof)
    assert not check_signature(G, credential, hash_text, tweaked([proof], 0, "challenge")[0])
    assert not check_signature(G, credential, hash_text, tweaked([proof], 0, "response")[0])


# -- decryption proofs (4.18) --------------------------------------------------------------


@few
@given(nonzero, exponents, st.text(min_size=1, max_size=44))
def test_a_decryption_proof_verifies_and_every_change_fails(x: int, r: int, phi: str) -> None:
    alpha = key(r)
    X = key(x)
    factor, proof = prove_decryption(G, x, alpha, phi)
    assert factor == pow(alpha, x, G.p)
    assert check_decryption(G, X, alpha, factor, proof, phi)
    assert not check_decryption(G, X, alpha, factor * G.g % G.p, proof, phi)
    assert not check_decryption(G, X, alpha * G.g % G.p, factor, proof, phi)
    assert not check_decryption(G, key(x + 1), alpha, factor, proof, phi)
    assert not check_decryption(G, X, alpha, factor, proof, phi + "x")
    assert not check_decryption(G, X, alpha, factor, tweaked([proof], 0, "challenge")[0], phi)
    assert not check_decryption(G, X, alpha, factor, tweaked([proof], 0, "response")[0], phi)
