"""The zero-knowledge proofs of Belenios (specification 4.5, 4.12–4.14, 4.18).

Every proof is a Schnorr-like ``(challenge, response)`` made non-interactive with a
SHA-256 hash of a verbatim string, numbers written in base 10:

- ``pok|G|X|A``: knowledge of a trustee's private key (4.5);
- ``prove|S|α,β|A0,B0,…``: a ciphertext holds one of a few values (4.12);
- ``bproof0|S|…`` and ``bproof1|S|…``: a blank vote is all blank or not blank (4.13);
- ``sig|H|A``: the voter's signature of the ballot's hash (4.14);
- ``decrypt|φ|X|A,B``: a decryption factor is ``alpha ** x`` (4.18).

The disjunctive proofs (4.12, 4.13) share one shape: a list of statements "this
ciphertext holds M", one of them true; the false ones are simulated with a random
challenge and response, and the true one takes the challenge that makes them sum to
the hash. The prover knows each ciphertext's randomness and plaintext, so even the
simulated commitments are powers of ``g`` and ``y`` alone, which are cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soviet.belenios.elgamal import Ciphertext, FixedBase, Powers, fixed_base
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group
from soviet.belenios.modular import Big, powmod


@dataclass(frozen=True)
class Proof:
    """A ``(challenge, response)`` pair, both in Z_q."""

    challenge: int
    response: int


def proof_json(p: Proof) -> dict[str, str]:
    return {"challenge": str(p.challenge), "response": str(p.response)}


def proof_from_json(group: Group, obj: object, where: str) -> Proof:
    """Parse ``{"challenge": …, "response": …}``, both below ``q``."""
    if not isinstance(obj, dict) or set(obj) != {"challenge", "response"}:
        raise BeleniosError(f"{where}: expected a proof {{challenge, response}}, got {obj!r:.60}")
    return Proof(
        group.exponent(obj["challenge"], f"{where}, challenge"),
        group.exponent(obj["response"], f"{where}, response"),
    )


def proofs_from_json(group: Group, obj: object, where: str) -> list[Proof]:
    """Parse a list of proofs (an iproof), or say where it is not one."""
    if not isinstance(obj, list) or not obj:
        raise BeleniosError(f"{where}: expected a non-empty list of proofs, got {obj!r:.60}")
    return [proof_from_json(group, item, f"{where}, proof {k}") for k, item in enumerate(obj)]


def _g(group: Group) -> FixedBase:
    return fixed_base(group, group.g)


# -- keys (4.5) ----------------------------------------------------------------------------


def prove_key(group: Group, x: int) -> Proof:
    """A proof of knowledge of the private key ``x`` of ``X = g ** x``."""
    g = _g(group)
    w = group.random_exponent()
    challenge = group.hash_exponent(f"pok|{group.name}|{g.big_power(x)}|{g.big_power(w)}")
    return Proof(challenge, (w - x * challenge) % group.q)


def check_key(group: Group, X: int, proof: Proof) -> bool:
    """Whether ``proof`` shows knowledge of the private key of ``X``."""
    p = group.modulus
    A = _g(group).big_power(proof.response) * powmod(X, proof.challenge, p) % p
    return group.hash_exponent(f"pok|{group.name}|{X}|{A}") == proof.challenge


# -- disjunctions: intervals (4.12) and blank votes (4.13) ---------------------------------


@dataclass(frozen=True)
class Known:
    """A prover's statement "the ciphertext of ``plain`` made with ``secret`` holds ``claim``"."""

    secret: int
    plain: int
    claim: int


@dataclass(frozen=True)
class Claim:
    """A verifier's statement "the ciphertext ``(alpha, beta)`` holds ``claim``"."""

    alpha: Powers
    beta: Powers
    claim: int


def _prove_one_of(
    group: Group, y: int, prefix: str, statements: Sequence[Known], true: int
) -> list[Proof]:
    """Prove statement ``true`` of ``statements``, hashing ``prefix`` and the commitments."""
    g, key, q = _g(group), fixed_base(group, y), group.q
    if statements[true].plain != statements[true].claim:
        raise ValueError("the statement proven true does not hold")
    p = group.modulus
    proofs: list[Proof | None] = []
    commitments: list[Big] = []
    simulated = 0
    w = group.random_exponent()
    for k, statement in enumerate(statements):
        if k == true:
            proofs.append(None)
            commitments += [g.big_power(w), key.big_power(w)]
            continue
        challenge, response = group.random_exponent(), group.random_exponent()
        exponent = response + statement.secret * challenge
        shift = (statement.plain - statement.claim) * challenge
        commitments += [g.big_power(exponent), key.big_power(exponent) * g.big_power(shift) % p]
        proofs.append(Proof(challenge, response))
        simulated += challenge
    digest = group.hash_exponent(prefix + ",".join(map(str, commitments)))
    challenge = (digest - simulated) % q
    proofs[true] = Proof(challenge, (w - statements[true].secret * challenge) % q)
    return [proof for proof in proofs if proof is not None]


def _one_of_holds(
    group: Group, y: FixedBase, prefix: str, claims: Sequence[Claim], proofs: Sequence[Proof]
) -> bool:
    """Whether ``proofs`` show one of ``claims`` holds, against the hash of ``prefix`` + …."""
    if len(proofs) != len(claims):
        return False
    g, p = _g(group), group.modulus
    commitments: list[str] = []
    total = 0
    for claim, proof in zip(claims, proofs, strict=True):
        c, r = proof.challenge, proof.response
        A = g.big_power(r) * claim.alpha.big_power(c) % p
        B = y.big_power(r) * claim.beta.big_power(c) % p
        if claim.claim:
            B = B * g.big_power(-claim.claim * c) % p
        commitments += [str(A), str(B)]
        total += c
    return group.hash_exponent(prefix + ",".join(commitments)) == total % group.q


def iprove(
    group: Group, y: int, S: str, c: Ciphertext, r: int, index: int, values: Sequence[int]
) -> list[Proof]:
    """Prove ``c = (g ** r, y ** r * g ** values[index])`` holds one of ``values`` (4.12)."""
    m = values[index]
    statements = [Known(r, m, value) for value in values]
    return _prove_one_of(group, y, f"prove|{S}|{c.alpha},{c.beta}|", statements, index)


def icheck(
    group: Group, y: int, S: str, c: Ciphertext, values: Sequence[int], proofs: Sequence[Proof]
) -> bool:
    """Whether ``proofs`` show that ``c`` holds one of ``values`` (4.12)."""
    return icheck_prepared(
        group,
        fixed_base(group, y),
        S,
        Powers(group, c.alpha),
        Powers(group, c.beta),
        values,
        proofs,
    )


def icheck_prepared(
    group: Group,
    y: FixedBase,
    S: str,
    alpha: Powers,
    beta: Powers,
    values: Sequence[int],
    proofs: Sequence[Proof],
) -> bool:
    """:func:`icheck` on tables already built for the key and the ciphertext."""
    claims = [Claim(alpha, beta, value) for value in values]
    return _one_of_holds(group, y, f"prove|{S}|{alpha.base},{beta.base}|", claims, proofs)


def prove_blank(
    group: Group,
    y: int,
    S: str,
    r_blank: int,
    r_total: int,
    m_blank: int,
    m_total: int,
) -> list[Proof]:
    """The blank proof ``(π0, πΣ)`` that ``m_blank = 0`` or ``m_total = 0`` (4.13).

    The blank choice's ciphertext encrypts ``m_blank`` (1 for a blank vote) with
    ``r_blank``; the product of the answers' ciphertexts encrypts ``m_total`` with
    ``r_total``. The hash covers ``S``, which names every ciphertext.
    """
    statements = [Known(r_blank, m_blank, 0), Known(r_total, m_total, 0)]
    return _prove_one_of(group, y, f"bproof0|{S}|", statements, 0 if m_blank == 0 else 1)


def check_blank(
    group: Group, y: int, S: str, blank: Ciphertext, total: Ciphertext, proofs: Sequence[Proof]
) -> bool:
    """Whether ``proofs`` show that ``blank`` or ``total`` holds 0 (4.13.3)."""
    return check_blank_prepared(
        group,
        fixed_base(group, y),
        S,
        (Powers(group, blank.alpha), Powers(group, blank.beta)),
        (Powers(group, total.alpha), Powers(group, total.beta)),
        proofs,
    )


def check_blank_prepared(
    group: Group,
    y: FixedBase,
    S: str,
    blank: tuple[Powers, Powers],
    total: tuple[Powers, Powers],
    proofs: Sequence[Proof],
) -> bool:
    """:func:`check_blank` on tables already built for the key and the ciphertexts."""
    claims = [Claim(*blank, 0), Claim(*total, 0)]
    return _one_of_holds(group, y, f"bproof0|{S}|", claims, proofs)


def prove_overall_blank(
    group: Group,
    y: int,
    S: str,
    r_blank: int,
    r_total: int,
    m_blank: int,
    m_total: int,
    values: Sequence[int],
) -> list[Proof]:
    """The overall proof ``(π0, π1, …, πk)`` that ``m_blank = 1`` or ``m_total`` is one of
    ``values`` (min … max) (4.13); the arguments are those of :func:`prove_blank`."""
    statements = [Known(r_blank, m_blank, 1)]
    statements += [Known(r_total, m_total, value) for value in values]
    true = 0 if m_blank == 1 else 1 + list(values).index(m_total)
    return _prove_one_of(group, y, f"bproof1|{S}|", statements, true)


def check_overall_blank(
    group: Group,
    y: int,
    S: str,
    blank: Ciphertext,
    total: Ciphertext,
    values: Sequence[int],
    proofs: Sequence[Proof],
) -> bool:
    """Whether ``proofs`` show that ``blank`` holds 1 or ``total`` one of ``values`` (4.13.3)."""
    return check_overall_blank_prepared(
        group,
        fixed_base(group, y),
        S,
        (Powers(group, blank.alpha), Powers(group, blank.beta)),
        (Powers(group, total.alpha), Powers(group, total.beta)),
        values,
        proofs,
    )


def check_overall_blank_prepared(
    group: Group,
    y: FixedBase,
    S: str,
    blank: tuple[Powers, Powers],
    total: tuple[Powers, Powers],
    values: Sequence[int],
    proofs: Sequence[Proof],
) -> bool:
    """:func:`check_overall_blank` on tables already built for the key and the ciphertexts."""
    claims = [Claim(*blank, 1)] + [Claim(*total, value) for value in values]
    return _one_of_holds(group, y, f"bproof1|{S}|", claims, proofs)


# -- signatures (4.14) ---------------------------------------------------------------------


def sign(group: Group, secret: int, hash_text: str) -> Proof:
    """The voter's Schnorr signature of ``hash_text`` with a credential's secret."""
    w = group.random_exponent()
    challenge = group.hash_exponent(f"sig|{hash_text}|{_g(group).big_power(w)}")
    return Proof(challenge, (w - secret * challenge) % group.q)


def check_signature(group: Group, credential: int, hash_text: str, proof: Proof) -> bool:
    """Whether ``proof`` signs ``hash_text`` under the public ``credential``."""
    return check_signature_prepared(group, Powers(group, credential), hash_text, proof)


def check_signature_prepared(
    group: Group, credential: Powers, hash_text: str, proof: Proof
) -> bool:
    """:func:`check_signature` on a table already built for the credential."""
    c = proof.challenge
    A = _g(group).big_power(proof.response) * credential.big_power(c) % group.modulus
    return group.hash_exponent(f"sig|{hash_text}|{A}") == c


# -- decryption (4.18) ---------------------------------------------------------------------


def prove_decryption(
    group: Group, x: int, alpha: int, election_fingerprint: str
) -> tuple[int, Proof]:
    """The decryption factor ``alpha ** x`` and the proof that it is made with ``x``."""
    g, powers = _g(group), Powers(group, alpha)
    w = group.random_exponent()
    factor = powers.big_power(x)
    challenge = group.hash_exponent(
        f"decrypt|{election_fingerprint}|{g.big_power(x)}|{g.big_power(w)},{powers.big_power(w)}"
    )
    return int(factor), Proof(challenge, (w - x * challenge) % group.q)


def check_decryption(
    group: Group, X: int, alpha: int, factor: int, proof: Proof, election_fingerprint: str
) -> bool:
    """Whether ``factor`` is ``alpha`` to the private key of ``X``, as ``proof`` shows."""
    return check_decryption_prepared(
        group, Powers(group, X), alpha, Powers(group, factor), proof, election_fingerprint
    )


def check_decryption_prepared(
    group: Group, X: Powers, alpha: int, factor: Powers, proof: Proof, election_fingerprint: str
) -> bool:
    """:func:`check_decryption` on tables already built for the key and the factor."""
    c, r, p = proof.challenge, proof.response, group.modulus
    A = _g(group).big_power(r) * X.big_power(c) % p
    B = powmod(alpha, r, p) * factor.big_power(c) % p
    text = f"decrypt|{election_fingerprint}|{X.base}|{A},{B}"
    return group.hash_exponent(text) == c
