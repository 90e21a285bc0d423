"""From counted ballots to the result (specification 4.7, 4.16, 4.18, 4.19).

The encrypted tally multiplies, answer by answer, every counted ballot's ciphertext
raised to its weight; with no ballot it is ``(1, 1)``, an encryption of 0 with no
randomness, as belenios-tool writes it. Each trustee publishes ``alpha ** x`` for every
ciphertext with a proof; the factors are combined as the trustees structure says (a
mandatory key's as it is, a threshold group's with Lagrange coefficients), and each
count is the discrete logarithm of ``beta`` over the combined factor, found by baby
steps and giant steps below the total weight.

Partial decryptions are owned by trustees numbered from 1 over the keys in order: a
"Single" item is one owner, a "Pedersen" item one owner per verification key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import isqrt
from typing import Any

from soviet.belenios import wire
from soviet.belenios.ballots import Ballot, Election, Question
from soviet.belenios.elgamal import (
    Ciphertext,
    Powers,
    below_p,
    ciphertext_from_json,
    ciphertext_json,
    combine,
    raised,
)
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group
from soviet.belenios.modular import Big, big, powmod
from soviet.belenios.proofs import (
    check_decryption_prepared,
    check_key,
    proof_from_json,
    proof_json,
    prove_decryption,
)

EncryptedTally = list[list[Ciphertext]]


def _answer_name(question: Question, index: int) -> str:
    if question.blank:
        return "blank" if index == 0 else f"answer {index}"
    return f"answer {index + 1}"


def _places(election: Election) -> list[list[str]]:
    """The name of every ciphertext of a tally: "question i, answer j"."""
    return [
        [
            f"question {i}, {_answer_name(question, j)}"
            for j in range(len(question.answers) + (1 if question.blank else 0))
        ]
        for i, question in enumerate(election.questions, start=1)
    ]


# -- the encrypted tally (4.16) ------------------------------------------------------------


def encrypted_tally(election: Election, ballots: Sequence[tuple[Ballot, int]]) -> EncryptedTally:
    """The product of the counted ballots' ciphertexts raised to their weights.

    Ballots of the same weight are multiplied first and raised once, so weights cost
    one exponentiation per distinct weight, not per ballot.
    """
    group = election.group
    p = group.modulus
    one = big(1)
    by_weight: dict[int, list[list[list[Big]]]] = {}
    for ballot, weight in ballots:
        if weight not in by_weight:
            by_weight[weight] = [[[one, one] for _ in answers] for answers in ballot.answers]
        sums = by_weight[weight]
        for row, answers in zip(sums, ballot.answers, strict=True):
            for cell, c in zip(row, answers, strict=True):
                cell[0] = cell[0] * c.alpha % p
                cell[1] = cell[1] * c.beta % p
    tally = [
        [Ciphertext(1, 1) for _ in range(len(q.answers) + (1 if q.blank else 0))]
        for q in election.questions
    ]
    for weight, sums in by_weight.items():
        for i, row in enumerate(sums):
            for j, (alpha, beta) in enumerate(row):
                tally[i][j] = combine(
                    group, tally[i][j], raised(group, Ciphertext(int(alpha), int(beta)), weight)
                )
    return tally


def tally_json(tally: EncryptedTally) -> list[list[dict[str, str]]]:
    return [[ciphertext_json(c) for c in row] for row in tally]


def tally_from_json(group: Group, obj: object, where: str) -> EncryptedTally:
    """Parse an encrypted tally: a list per question of ciphertexts, all in the group."""
    if not isinstance(obj, list) or not all(isinstance(row, list) for row in obj):
        raise BeleniosError(f"{where}: expected a list of lists of ciphertexts")
    return [
        [
            ciphertext_from_json(group, c, f"{where}, question {i}, ciphertext {j}")
            for j, c in enumerate(row, start=1)
        ]
        for i, row in enumerate(obj, start=1)
    ]


def _check_shape(election: Election, rows: object, what: str, where: str) -> list[list[Any]]:
    places = _places(election)
    if not isinstance(rows, list) or len(rows) != len(places):
        raise BeleniosError(f"{where}: expected {what} for {len(places)} questions")
    for i, (row, names) in enumerate(zip(rows, places, strict=True), start=1):
        if not isinstance(row, list) or len(row) != len(names):
            raise BeleniosError(f"{where}, question {i}: expected {what} for {len(names)} answers")
    return rows


# -- partial decryptions (4.18) ------------------------------------------------------------


def partial_decryption(election: Election, tally: EncryptedTally, x: int) -> dict[str, Any]:
    """A trustee's partial decryption of the tally with private key ``x``, proofs included."""
    group, phi = election.group, election.fingerprint
    factors: list[list[str]] = []
    proofs: list[list[dict[str, str]]] = []
    for row in tally:
        made = [prove_decryption(group, x, c.alpha, phi) for c in row]
        factors.append([str(factor) for factor, _ in made])
        proofs.append([proof_json(proof) for _, proof in made])
    return {"decryption_factors": factors, "decryption_proofs": proofs}


def check_partial_decryption(
    election: Election, tally: EncryptedTally, X: int, obj: object, where: str
) -> list[list[int]]:
    """Check a partial decryption by the trustee of key ``X``; its factors, or the answer
    whose factor or proof fails."""
    group = election.group
    if not isinstance(obj, dict) or set(obj) != {"decryption_factors", "decryption_proofs"}:
        raise BeleniosError(f"{where}: expected {{decryption_factors, decryption_proofs}}")
    factors = _check_shape(election, obj["decryption_factors"], "factors", where)
    proofs = _check_shape(election, obj["decryption_proofs"], "proofs", where)
    _check_shape(election, tally, "ciphertexts", f"{where} (the tally)")
    key = Powers(group, X)
    checked: list[list[int]] = []
    for row, factor_row, proof_row, names in zip(
        tally, factors, proofs, _places(election), strict=True
    ):
        out: list[int] = []
        for c, factor_text, proof_obj, name in zip(row, factor_row, proof_row, names, strict=True):
            place = f"{where}, {name}"
            factor = Powers(group, below_p(group, factor_text, place))
            if not factor.in_group():
                raise BeleniosError(f"{place}: the factor is not an element of {group.name}")
            proof = proof_from_json(group, proof_obj, f"{place}, proof")
            if not check_decryption_prepared(
                group, key, c.alpha, factor, proof, election.fingerprint
            ):
                raise BeleniosError(f"{place}: decryption proof does not verify")
            out.append(factor.base)
        checked.append(out)
    return checked


# -- trustees (4.7, 4.6.7) -----------------------------------------------------------------


@dataclass(frozen=True)
class Single:
    """A mandatory trustee: one key whose partial decryption is always needed."""

    public_key: int


@dataclass(frozen=True)
class Pedersen:
    """A threshold group: any ``threshold`` of its trustees' partial decryptions suffice.

    ``raw`` is the threshold_parameters object as published (certificates and signed
    coefexps included, which the key ceremony's code checks).
    """

    threshold: int
    verification_keys: tuple[int, ...]
    raw: object


Trustee = Single | Pedersen


def _trustee_key(group: Group, obj: object, where: str) -> int:
    """A trustee_public_key: the key, after its proof of knowledge is checked."""
    if not isinstance(obj, dict) or set(obj) != {"pok", "public_key"}:
        raise BeleniosError(f"{where}: expected a trustee key {{pok, public_key}}")
    key = group.element(obj["public_key"], f"{where}, public_key")
    proof = proof_from_json(group, obj["pok"], f"{where}, pok")
    if not check_key(group, key, proof):
        raise BeleniosError(f"{where}: the proof of knowledge of the key does not verify")
    return key


def _coefexps(group: Group, raw: object, where: str) -> list[list[int]]:
    """The coefficient commitments A_i0 … A_it of every trustee of a threshold group."""
    if not isinstance(raw, dict) or not isinstance(raw.get("coefexps"), list):
        raise BeleniosError(f"{where}: coefexps must be a list")
    threshold = raw.get("threshold")
    rows = []
    for i, signed in enumerate(raw["coefexps"], start=1):
        place = f"{where}, coefexps {i}"
        if not isinstance(signed, dict) or not isinstance(signed.get("message"), str):
            raise BeleniosError(f"{place}: expected a signed message")
        message = wire.loads(signed["message"], place)
        if not isinstance(message, dict) or not isinstance(message.get("coefexps"), list):
            raise BeleniosError(f"{place}: expected {{coefexps: [...]}}")
        row = [group.element(a, f"{place}, A{k}") for k, a in enumerate(message["coefexps"])]
        if len(row) != threshold:
            raise BeleniosError(f"{place}: {len(row)} coefficients for a threshold of {threshold}")
        rows.append(row)
    return rows


def _pedersen(group: Group, obj: object, where: str) -> Pedersen:
    fields = {"threshold", "certs", "coefexps", "verification_keys"}
    if not isinstance(obj, dict) or set(obj) != fields:
        raise BeleniosError(
            f"{where}: expected threshold parameters {{{', '.join(sorted(fields))}}}"
        )
    keys_json, certs = obj["verification_keys"], obj["certs"]
    if not isinstance(keys_json, list) or not keys_json:
        raise BeleniosError(f"{where}: verification_keys must be a non-empty list")
    count = len(keys_json)
    threshold = obj["threshold"]
    if type(threshold) is not int or not 1 <= threshold <= count:
        raise BeleniosError(f"{where}: threshold {threshold!r:.20} is not between 1 and {count}")
    if not isinstance(certs, list) or len(certs) != count:
        raise BeleniosError(f"{where}: expected {count} certs, one per verification key")
    rows = _coefexps(group, obj, where)
    if len(rows) != count:
        raise BeleniosError(f"{where}: expected {count} coefexps, one per verification key")
    keys = tuple(
        _trustee_key(group, key, f"{where}, verification key {j}")
        for j, key in enumerate(keys_json, start=1)
    )
    # Each key must be g to the sum of the shares: the product over k of (∏_i A_ik) ** j**k.
    p, q = group.modulus, group.q
    columns = [big(1)] * threshold
    for row in rows:
        for k, a in enumerate(row):
            columns[k] = columns[k] * a % p
    for j, key in enumerate(keys, start=1):
        expected = big(1)
        for k, column in enumerate(columns):
            expected = expected * powmod(column, pow(j, k, q), p) % p
        if expected != key:
            raise BeleniosError(
                f"{where}, verification key {j}: not the key the coefexps commit trustee {j} to"
            )
    return Pedersen(threshold, keys, obj)


def parse_trustees(group: Group, obj: object, where: str) -> list[Trustee]:
    """Read the trustees structure: every key's proof of knowledge is checked, and a
    threshold group's verification keys against its commitments."""
    if not isinstance(obj, list) or not obj:
        raise BeleniosError(f"{where}: expected a non-empty list of trustees")
    trustees: list[Trustee] = []
    for n, item in enumerate(obj, start=1):
        place = f"{where}, item {n}"
        if not isinstance(item, list) or len(item) != 2:
            raise BeleniosError(f'{place}: expected ["Single", key] or ["Pedersen", parameters]')
        kind, value = item
        if kind == "Single":
            trustees.append(Single(_trustee_key(group, value, place)))
        elif kind == "Pedersen":
            trustees.append(_pedersen(group, value, place))
        else:
            raise BeleniosError(f"{place}: unknown kind of trustee {kind!r:.20}")
    return trustees


def sub_key(group: Group, trustee: Trustee) -> int:
    """The part of the election key a trustee item holds: its key, or ∏ A_i0 of a group."""
    if isinstance(trustee, Single):
        return trustee.public_key
    key = 1
    for row in _coefexps(group, trustee.raw, "threshold parameters"):
        key = key * row[0] % group.p
    return key


def trustees_key(group: Group, trustees: Sequence[Trustee]) -> int:
    """The election key the trustees make: the product of their sub-keys (3.1.1)."""
    key = 1
    for trustee in trustees:
        key = key * sub_key(group, trustee) % group.p
    return key


def owner_keys(trustees: Sequence[Trustee]) -> list[int]:
    """The key of each owner of a partial decryption, owner 1 first."""
    keys: list[int] = []
    for trustee in trustees:
        if isinstance(trustee, Single):
            keys.append(trustee.public_key)
        else:
            keys.extend(trustee.verification_keys)
    return keys


# -- the result (4.19) ---------------------------------------------------------------------


def lagrange(indexes: Sequence[int], delta: int, q: int) -> int:
    """The Lagrange coefficient of ``delta`` in ``indexes`` at 0: ∏ k / (k - delta) mod q."""
    numerator, denominator = 1, 1
    for k in indexes:
        if k != delta:
            numerator = numerator * k % q
            denominator = denominator * (k - delta) % q
    return numerator * pow(denominator, -1, q) % q


def combine_factors(
    election: Election, trustees: Sequence[Trustee], partials: Mapping[int, list[list[int]]]
) -> list[list[int]]:
    """The synthetic factors F: one product over trustee items of their sub-factors.

    A "Single" item needs its owner's partial decryption; a "Pedersen" item needs
    ``threshold`` of its owners', combined with Lagrange coefficients (the first
    ``threshold`` owners who decrypted, in order).
    """
    group = election.group
    p, q = group.modulus, group.q
    shape = [len(names) for names in _places(election)]
    combined = [[big(1)] * size for size in shape]

    def fold(owner: int, exponent: int) -> None:
        factors = partials[owner]
        if [len(row) for row in factors] != shape:
            raise BeleniosError(f"trustee {owner}: the partial decryption has the wrong shape")
        for row, out in zip(factors, combined, strict=True):
            for j, factor in enumerate(row):
                part = factor if exponent == 1 else powmod(factor, exponent, p)
                out[j] = out[j] * part % p

    owner = 1
    for trustee in trustees:
        if isinstance(trustee, Single):
            if owner not in partials:
                raise BeleniosError(
                    f"trustee {owner}: the partial decryption of this mandatory key is missing"
                )
            fold(owner, 1)
            owner += 1
            continue
        size = len(trustee.verification_keys)
        present = [d for d in range(1, size + 1) if owner + d - 1 in partials]
        if len(present) < trustee.threshold:
            raise BeleniosError(
                f"trustees {owner} to {owner + size - 1}: {len(present)} partial decryptions, "
                f"{trustee.threshold} needed"
            )
        chosen = present[: trustee.threshold]
        for delta in chosen:
            fold(owner + delta - 1, lagrange(chosen, delta, q))
        owner += size
    return [[int(factor) for factor in row] for row in combined]


class _Logarithms:
    """Discrete logarithms in base ``g`` of numbers from 0 to a bound: baby steps kept in a
    table, giant steps walked from each number (about 2√bound products at most)."""

    def __init__(self, group: Group, bound: int) -> None:
        self.group = group
        self.bound = bound
        self.step = isqrt(bound) + 1
        p = group.modulus
        self.baby: dict[int, int] = {}
        x = big(1)
        for j in range(self.step):
            self.baby[int(x)] = j
            x = x * group.g % p
        self.giant = powmod(x, -1, p)

    def of(self, target: int) -> int | None:
        p = self.group.modulus
        at: Big | int = target
        for i in range(self.step + 1):
            j = self.baby.get(int(at))
            if j is not None:
                found = i * self.step + j
                return found if found <= self.bound else None
            at = self.giant * at % p
        return None


def election_result(
    election: Election, tally: EncryptedTally, factors: list[list[int]], total_weight: int
) -> list[list[int]]:
    """The count of every answer: ``log_g(beta / F)``, between 0 and ``total_weight``."""
    group = election.group
    logarithms = _Logarithms(group, total_weight)
    result: list[list[int]] = []
    for row, factor_row, names in zip(tally, factors, _places(election), strict=True):
        counts: list[int] = []
        for c, factor, name in zip(row, factor_row, names, strict=True):
            count = logarithms.of(group.over(c.beta, factor))
            if count is None:
                raise BeleniosError(
                    f"{name}: the decryption is not a count between 0 and {total_weight}"
                )
            counts.append(count)
        result.append(counts)
    return result


def result_json(result: list[list[int]]) -> dict[str, Any]:
    return {"result": result}
