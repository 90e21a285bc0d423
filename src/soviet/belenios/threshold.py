"""The threshold key ceremony of Belenios, the "Pedersen" protocol (sections 3.1.1 and 4.6).

Each of m trustees draws a secret seed and derives from it a signing key and a decryption
key (4.6.1); its cert publishes the two public keys. Each trustee then deals a random
polynomial of degree ``threshold - 1``: it publishes the powers of ``g`` to the
coefficients (the coefexps, signed) and sends trustee j the share ``f(j)`` through a
channel (signed, then encrypted to j). The administrator routes the shares (vinputs);
each trustee checks the shares it got against the coefexps, sums them into its decryption
key ``S_j`` and returns a voutput: ``S_j`` encrypted to itself for safe keeping, and
``g^S_j`` with a proof of knowledge. The threshold parameters published in the election
gather the certs, the coefexps and the verification keys ``g^S_j``; the sub-key is the
product of the constant coefexps, and any ``threshold`` of the trustees can decrypt.

Trustees are numbered by their place in the list of certs: the trustee at ``index``
(counted from 0) evaluates and receives the polynomials at ``j = index + 1``.

What belenios-tool does that the specification leaves open, and this module follows:

* the hash that becomes a key, a challenge or a signature is reduced modulo ``q``;
* AES-CCM uses the whole SHA-256 digest as an AES-256 key, the first 13 bytes of the IV
  digest as the nonce and an 8-byte tag appended to the ciphertext; ``data`` is the
  lowercase hexadecimal of ciphertext and tag;
* the voutput's ``private_key`` carries ``{"decryption_key": S_j}``, not the bare number;
* the shares and decryption keys it writes are not always reduced modulo ``q`` (they are
  below a few times ``q``), so they are read as any natural number and reduced here;
* a trustee's file names (``<id>.key``, ``.cert``, ``.vinput``, ``.dkey``) use as ``id``
  the SHA-256, in hexadecimal, of the cert's ``message``; the ``.key`` file is the seed
  and a newline, the ``.dkey`` file the voutput's ``private_key`` and a newline.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group
from soviet.belenios.wire import dumps, loads

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
SEED_LENGTH = 22
NONCE_BYTES = 13
TAG_BYTES = 8
MAX_MESSAGE_BYTES = 2**16 - 1  # what a 13-byte CCM nonce leaves for the length
EXTRA_DIGITS = 6

_HEX = re.compile(r"(?:[0-9a-f]{2})*")


# Seeds and the keys they give (4.6.1)


def new_seed() -> str:
    """A fresh secret seed: 22 Base58 characters drawn with :mod:`secrets`."""
    return "".join(secrets.choice(BASE58) for _ in range(SEED_LENGTH))


@dataclass(frozen=True)
class TrusteeKeys:
    """The four keys a seed gives: ``sk``, ``g^sk``, ``dk`` and ``g^dk``."""

    seed: str
    signing: int
    verification: int
    decryption: int
    encryption: int


def keys_from_seed(group: Group, seed: str) -> TrusteeKeys:
    """Derive the keys: ``sk = SHA256("sk|" + seed)``, ``dk = SHA256("dk|" + seed)`` mod q.

    Surrounding white space is dropped, so the text of a ``.key`` file may be given.
    """
    seed = seed.strip()
    if len(seed) != SEED_LENGTH or any(c not in BASE58 for c in seed):
        raise BeleniosError(f"a seed is {SEED_LENGTH} Base58 characters; this one is not")
    signing = group.hash_exponent("sk|" + seed)
    decryption = group.hash_exponent("dk|" + seed)
    return TrusteeKeys(
        seed=seed,
        signing=signing,
        verification=group.base_power(signing),
        decryption=decryption,
        encryption=group.base_power(decryption),
    )


# Schnorr proofs: signatures (4.6.1) and proofs of knowledge of a private key (4.5)


def _prove(group: Group, secret: int, challenge_of: Callable[[int], int]) -> dict[str, str]:
    w = group.random_exponent()
    challenge = challenge_of(group.base_power(w))
    response = (w - secret * challenge) % group.q
    return {"challenge": str(challenge), "response": str(response)}


def _verifies(
    group: Group, public: int, proof: object, challenge_of: Callable[[int], int], where: str
) -> bool:
    fields = _fields(proof, ("challenge", "response"), where)
    challenge = group.exponent(fields["challenge"], f"{where}, challenge")
    response = group.exponent(fields["response"], f"{where}, response")
    commitment = group.times(group.base_power(response), group.power(public, challenge))
    return challenge_of(commitment) == challenge


def _signature_challenge(group: Group, message: str) -> Callable[[int], int]:
    return lambda commitment: group.hash_exponent(f"sigmsg|{message}|{commitment}")


def _pok_challenge(group: Group, public: int) -> Callable[[int], int]:
    return lambda commitment: group.hash_exponent(f"pok|{group.name}|{public}|{commitment}")


def sign_message(group: Group, signing_key: int, message: str) -> dict[str, Any]:
    """A signed_msg: ``message`` with a Schnorr signature over ``sigmsg|M|A``."""
    signature = _prove(group, signing_key, _signature_challenge(group, message))
    return {"message": message, "signature": signature}


def check_signed_message(group: Group, verification_key: int, signed: object, where: str) -> str:
    """The message of a signed_msg (parsed JSON) whose signature ``verification_key`` made."""
    fields = _fields(signed, ("message", "signature"), where)
    message = _string(fields["message"], f"{where}, message")
    challenge_of = _signature_challenge(group, message)
    if not _verifies(group, verification_key, fields["signature"], challenge_of, where):
        raise BeleniosError(f"{where}: signature does not verify")
    return message


def _trustee_public_key(group: Group, private_key: int) -> dict[str, Any]:
    """A trustee_public_key: ``g^x`` with a proof of knowledge of ``x`` (``pok|G|X|A``)."""
    public = group.base_power(private_key)
    pok = _prove(group, private_key, _pok_challenge(group, public))
    return {"pok": pok, "public_key": str(public)}


def _check_trustee_public_key(group: Group, key: object, where: str) -> int:
    """The public key of a trustee_public_key (parsed JSON) whose proof verifies."""
    fields = _fields(key, ("pok", "public_key"), where)
    public = group.element(fields["public_key"], f"{where}, public_key")
    if not _verifies(group, public, fields["pok"], _pok_challenge(group, public), f"{where}, pok"):
        raise BeleniosError(f"{where}: proof of knowledge of the private key does not verify")
    return public


# Encrypted messages (4.6.1)


def _symmetric(mask: int, alpha: int) -> tuple[AESCCM, bytes]:
    key = hashlib.sha256(f"key|{mask}".encode()).digest()
    nonce = hashlib.sha256(f"iv|{alpha}".encode()).digest()[:NONCE_BYTES]
    return AESCCM(key, tag_length=TAG_BYTES), nonce


def encrypt_message(group: Group, encryption_key: int, message: str) -> str:
    """An encrypted_msg, serialized: El Gamal of a fresh ``g^s``, AES-CCM of the message."""
    r = group.random_exponent()
    s = group.random_exponent()
    alpha = group.base_power(r)
    mask = group.base_power(s)
    beta = group.times(group.power(encryption_key, r), mask)
    plain = message.encode()
    if len(plain) > MAX_MESSAGE_BYTES:
        raise BeleniosError(f"a message of {len(plain)} bytes is too long for AES-CCM here")
    cipher, nonce = _symmetric(mask, alpha)
    data = cipher.encrypt(nonce, plain, None)
    return dumps({"alpha": str(alpha), "beta": str(beta), "data": data.hex()})


def _encrypted_parts(group: Group, text: object, where: str) -> tuple[int, int, bytes]:
    fields = _fields(_json(text, where), ("alpha", "beta", "data"), where)
    alpha = group.element(fields["alpha"], f"{where}, alpha")
    beta = group.element(fields["beta"], f"{where}, beta")
    data = _string(fields["data"], f"{where}, data")
    if not _HEX.fullmatch(data) or len(data) < 2 * TAG_BYTES:
        raise BeleniosError(f"{where}, data: not lowercase hexadecimal of a ciphertext and tag")
    return alpha, beta, bytes.fromhex(data)


def decrypt_message(group: Group, decryption_key: int, text: object, where: str) -> str:
    """The message of a serialized encrypted_msg, or an error if it is not for this key."""
    alpha, beta, data = _encrypted_parts(group, text, where)
    mask = group.over(beta, group.power(alpha, decryption_key))
    cipher, nonce = _symmetric(mask, alpha)
    try:
        plain = cipher.decrypt(nonce, data, None)
    except (InvalidTag, ValueError):
        raise BeleniosError(f"{where}: does not decrypt with this decryption key") from None
    try:
        return plain.decode()
    except UnicodeDecodeError:
        raise BeleniosError(f"{where}: decrypts to text that is not UTF-8") from None


# Channels (4.6.3)


def send(group: Group, sender: TrusteeKeys, recipient: int, message: str) -> str:
    """``send(sk, recipient, message)``: sign a channel_msg, then encrypt it to ``recipient``."""
    channel = dumps({"recipient": str(recipient), "message": message})
    signed = dumps(sign_message(group, sender.signing, channel))
    return encrypt_message(group, recipient, signed)


def receive(group: Group, keys: TrusteeKeys, sender: int, text: object, where: str) -> str:
    """The message ``sender`` (a verification key) sent to the owner of ``keys``.

    Checks the encryption, the signature and that the channel names this recipient.
    """
    signed = loads(decrypt_message(group, keys.decryption, text, where), where)
    channel = _json(check_signed_message(group, sender, signed, where), where)
    fields = _fields(channel, ("recipient", "message"), where)
    recipient = group.element(fields["recipient"], f"{where}, recipient")
    if recipient != keys.encryption:
        raise BeleniosError(f"{where}: the message is addressed to another recipient")
    return _string(fields["message"], f"{where}, message")


# Certificates (4.6.2)


@dataclass(frozen=True)
class TrusteeCert:
    """A checked cert: its two public keys and its text."""

    verification: int
    encryption: int
    text: str


def make_cert(group: Group, seed: str) -> str:
    """The cert of a seed, as JSON text: its cert_keys, signed with its signing key."""
    keys = keys_from_seed(group, seed)
    cert_keys = dumps({"verification": str(keys.verification), "encryption": str(keys.encryption)})
    return dumps(sign_message(group, keys.signing, cert_keys))


def check_cert(group: Group, text: str, where: str) -> TrusteeCert:
    """The keys of a cert whose signature the verification key it holds made."""
    return _cert(group, _json(text, where), text, where)


def _cert(group: Group, cert: object, text: str, where: str) -> TrusteeCert:
    fields = _fields(cert, ("message", "signature"), where)
    message = _string(fields["message"], f"{where}, message")
    keys = _fields(_json(message, f"{where}, message"), ("verification", "encryption"), where)
    verification = group.element(keys["verification"], f"{where}, verification")
    encryption = group.element(keys["encryption"], f"{where}, encryption")
    check_signed_message(group, verification, cert, where)
    return TrusteeCert(verification=verification, encryption=encryption, text=text)


def check_certs(
    group: Group, certs: Sequence[str], where: str = "certs"
) -> tuple[TrusteeCert, ...]:
    """Every cert checked, and no two with the same keys (each trustee once)."""
    checked = tuple(
        check_cert(group, text, f"{where}, cert {n}") for n, text in enumerate(certs, 1)
    )
    _check_distinct(checked, where)
    return checked


def _check_distinct(certs: Sequence[TrusteeCert], where: str) -> None:
    if not certs:
        raise BeleniosError(f"{where}: there are no certs")
    for key in ("verification", "encryption"):
        values = [getattr(cert, key) for cert in certs]
        if len(set(values)) != len(values):
            raise BeleniosError(f"{where}: two certs have the same {key} key")


def _own_index(keys: TrusteeKeys, certs: Sequence[TrusteeCert], where: str) -> int:
    for index, cert in enumerate(certs):
        if cert.verification == keys.verification:
            if cert.encryption != keys.encryption:
                raise BeleniosError(f"{where}: cert {index + 1} has another encryption key")
            return index
    raise BeleniosError(f"{where}: the seed's cert is not among the certs")


# Polynomials (4.6.4)


def make_polynomial(group: Group, seed: str, certs: Sequence[str], threshold: int) -> str:
    """The polynomial structure a trustee deals, of degree ``threshold - 1``, as JSON text.

    ``threshold`` is the number of trustees needed to decrypt (Belenios's ``threshold``).
    """
    keys = keys_from_seed(group, seed)
    checked = check_certs(group, certs)
    _own_index(keys, checked, "certs")
    if isinstance(threshold, bool) or not 1 <= threshold <= len(checked):
        raise BeleniosError(f"threshold {threshold} is not between 1 and {len(checked)}")
    coefficients = [group.random_exponent() for _ in range(threshold)]
    raw = dumps({"polynomial": [str(a) for a in coefficients]})
    shares = [
        send(
            group, keys, cert.encryption, dumps({"secret": str(_evaluate(group, coefficients, j))})
        )
        for j, cert in enumerate(checked, 1)
    ]
    exps = dumps({"coefexps": [str(group.base_power(a)) for a in coefficients]})
    return dumps(
        {
            "polynomial": send(group, keys, keys.encryption, raw),
            "secrets": shares,
            "coefexps": sign_message(group, keys.signing, exps),
        }
    )


def _evaluate(group: Group, coefficients: Sequence[int], x: int) -> int:
    value = 0
    for a in reversed(coefficients):
        value = (value * x + a) % group.q
    return value


@dataclass(frozen=True)
class _Polynomial:
    polynomial: str
    secrets: tuple[str, ...]
    coefexps: dict[str, Any]
    exps: tuple[int, ...]


def _parse_polynomial(
    group: Group, certs: Sequence[TrusteeCert], index: int, text: str, where: str
) -> _Polynomial:
    fields = _fields(_json(text, where), ("polynomial", "secrets", "coefexps"), where)
    polynomial = _string(fields["polynomial"], f"{where}, polynomial")
    _encrypted_parts(group, polynomial, f"{where}, polynomial")
    shares = _list(fields["secrets"], f"{where}, secrets")
    if len(shares) != len(certs):
        raise BeleniosError(f"{where}: {len(shares)} secrets for {len(certs)} trustees")
    for n, share in enumerate(shares, 1):
        _encrypted_parts(group, _string(share, f"{where}, secret {n}"), f"{where}, secret {n}")
    coefexps, exps = _coefexps(group, certs[index], fields["coefexps"], f"{where}, coefexps")
    return _Polynomial(polynomial, tuple(shares), coefexps, exps)


def _coefexps(
    group: Group, cert: TrusteeCert, signed: object, where: str
) -> tuple[dict[str, Any], tuple[int, ...]]:
    """A coefexps signed by ``cert``'s trustee, rewritten canonically, and its elements."""
    message = check_signed_message(group, cert.verification, signed, where)
    raw = _fields(_json(message, where), ("coefexps",), where)
    items = _list(raw["coefexps"], where)
    if not items:
        raise BeleniosError(f"{where}: there are no coefexps")
    exps = tuple(group.element(a, f"{where}, coefexp {k}") for k, a in enumerate(items))
    signature = _fields(signed, ("message", "signature"), where)["signature"]
    numbers = _fields(signature, ("challenge", "response"), where)
    canonical = {
        "message": message,
        "signature": {
            "challenge": str(group.exponent(numbers["challenge"], where)),
            "response": str(group.exponent(numbers["response"], where)),
        },
    }
    return canonical, exps


def check_polynomial(
    group: Group, certs: Sequence[str], index: int, text: str, where: str
) -> tuple[int, ...]:
    """The coefexps ``A_i0 … A_it`` of the polynomial of the trustee at ``index`` in ``certs``.

    Checks its shape, one secret per trustee, and the signature on its coefexps; the
    polynomial and secrets are encrypted to the trustees, who check them in step 5.
    """
    checked = check_certs(group, certs)
    _check_index(index, checked, where)
    return _parse_polynomial(group, checked, index, text, where).exps


def _check_index(index: int, certs: Sequence[TrusteeCert], where: str) -> None:
    if isinstance(index, bool) or not 0 <= index < len(certs):
        raise BeleniosError(f"{where}: trustee index {index} is not below {len(certs)}")


def _parse_polynomials(
    group: Group, certs: Sequence[TrusteeCert], polynomials: Sequence[str]
) -> tuple[_Polynomial, ...]:
    if len(polynomials) != len(certs):
        raise BeleniosError(f"{len(polynomials)} polynomials for {len(certs)} trustees")
    parsed = tuple(
        _parse_polynomial(group, certs, i, text, f"polynomial {i + 1}")
        for i, text in enumerate(polynomials)
    )
    degrees = {len(p.exps) for p in parsed}
    if len(degrees) != 1:
        raise BeleniosError("the polynomials do not all have the same degree")
    if len(parsed[0].exps) > len(certs):
        raise BeleniosError(f"polynomials of degree {len(parsed[0].exps) - 1} need more trustees")
    return parsed


# Vinputs (4.6.5)


def make_vinputs(group: Group, certs: Sequence[str], polynomials: Sequence[str]) -> list[str]:
    """The vinput of each trustee, in the order of ``certs``: its own encrypted polynomial,
    the secret each trustee dealt it, and every trustee's coefexps."""
    checked = check_certs(group, certs)
    parsed = _parse_polynomials(group, checked, polynomials)
    coefexps = [p.coefexps for p in parsed]
    return [
        dumps(
            {
                "polynomial": mine.polynomial,
                "secrets": [p.secrets[j] for p in parsed],
                "coefexps": coefexps,
            }
        )
        for j, mine in enumerate(parsed)
    ]


# Voutputs (4.6.6)


def make_voutput(group: Group, seed: str, certs: Sequence[str], vinput: str) -> str:
    """A trustee's voutput, after checking each share it got against its dealer's coefexps:
    its decryption key ``S_j`` sent to itself, and ``g^S_j`` with a proof of knowledge."""
    keys = keys_from_seed(group, seed)
    checked = check_certs(group, certs)
    mine = _own_index(keys, checked, "certs")
    j = mine + 1
    where = "vinput"
    fields = _fields(_json(vinput, where), ("polynomial", "secrets", "coefexps"), where)
    shares = _list(fields["secrets"], f"{where}, secrets")
    all_exps = _list(fields["coefexps"], f"{where}, coefexps")
    if len(shares) != len(checked) or len(all_exps) != len(checked):
        raise BeleniosError(f"{where}: secrets and coefexps do not match {len(checked)} trustees")
    exps = [
        _coefexps(group, cert, signed, f"{where}, coefexps {i}")[1]
        for i, (cert, signed) in enumerate(zip(checked, all_exps, strict=True), 1)
    ]
    if len({len(e) for e in exps}) != 1 or len(exps[0]) > len(checked):
        raise BeleniosError(f"{where}: the coefexps do not all have the same, possible, degree")

    own_where = f"{where}, polynomial"
    own = receive(group, keys, keys.verification, fields["polynomial"], own_where)
    raw = _fields(_json(own, own_where), ("polynomial",), own_where)
    coefficients = [_natural(group, a, own_where) for a in _list(raw["polynomial"], own_where)]
    if [group.base_power(a) for a in coefficients] != list(exps[mine]):
        raise BeleniosError(f"{own_where}: does not match its coefexps")

    total = 0
    for i, (cert, share, dealt) in enumerate(zip(checked, shares, exps, strict=True), 1):
        share_where = f"{where}, secret {i}"
        message = receive(group, keys, cert.verification, share, share_where)
        secret = _fields(_json(message, share_where), ("secret",), share_where)["secret"]
        value = _natural(group, secret, share_where)
        if group.base_power(value) != _committed(group, dealt, j):
            raise BeleniosError(f"{share_where}: the share does not match trustee {i}'s coefexps")
        total = (total + value) % group.q
    private = send(group, keys, keys.encryption, dumps({"decryption_key": str(total)}))
    return dumps({"private_key": private, "public_key": _trustee_public_key(group, total)})


def _committed(group: Group, exps: Sequence[int], j: int) -> int:
    """``prod_k exps[k] ^ (j^k)``: ``g`` to the committed polynomial at ``j``."""
    value = 1
    for k, a in enumerate(exps):
        value = group.times(value, group.power(a, pow(j, k, group.q)))
    return value


def _verification_key(group: Group, parsed: Sequence[Sequence[int]], index: int) -> int:
    """``g^S_j`` as the coefexps commit it: ``prod_i prod_k A_ik ^ (j^k)``, j = index + 1."""
    degree = len(parsed[0])
    columns = [1] * degree
    for exps in parsed:
        columns = [group.times(c, a) for c, a in zip(columns, exps, strict=True)]
    return _committed(group, columns, index + 1)


def _check_voutput(
    group: Group,
    parsed: Sequence[Sequence[int]],
    index: int,
    text: str,
    where: str,
) -> tuple[int, dict[str, Any]]:
    fields = _fields(_json(text, where), ("private_key", "public_key"), where)
    private = _string(fields["private_key"], f"{where}, private_key")
    _encrypted_parts(group, private, f"{where}, private_key")
    public = _check_trustee_public_key(group, fields["public_key"], f"{where}, public_key")
    if public != _verification_key(group, parsed, index):
        raise BeleniosError(f"{where}: the verification key does not match the coefexps")
    pok = _fields(fields["public_key"], ("pok", "public_key"), where)["pok"]
    numbers = _fields(pok, ("challenge", "response"), where)
    canonical = {
        "pok": {
            "challenge": str(group.exponent(numbers["challenge"], where)),
            "response": str(group.exponent(numbers["response"], where)),
        },
        "public_key": str(public),
    }
    return public, canonical


def check_voutput(
    group: Group,
    certs: Sequence[str],
    polynomials: Sequence[str],
    index: int,
    text: str,
    where: str,
) -> int:
    """The verification key ``g^S_j`` of the voutput of the trustee at ``index``, checked
    against every trustee's coefexps, with its proof of knowledge."""
    checked = check_certs(group, certs)
    _check_index(index, checked, where)
    parsed = _parse_polynomials(group, checked, polynomials)
    return _check_voutput(group, [p.exps for p in parsed], index, text, where)[0]


# Threshold parameters (4.6.7)


def threshold_parameters(
    group: Group,
    certs: Sequence[str],
    polynomials: Sequence[str],
    voutputs: Sequence[str],
    threshold: int,
) -> dict[str, Any]:
    """The threshold_parameters of a finished ceremony, every part checked, fields in the
    order belenios-tool writes them: threshold, certs, coefexps, verification_keys."""
    checked = check_certs(group, certs)
    parsed = _parse_polynomials(group, checked, polynomials)
    if isinstance(threshold, bool) or threshold != len(parsed[0].exps):
        raise BeleniosError(
            f"threshold {threshold} does not match polynomials of degree {len(parsed[0].exps) - 1}"
        )
    if len(voutputs) != len(checked):
        raise BeleniosError(f"{len(voutputs)} voutputs for {len(checked)} trustees")
    exps = [p.exps for p in parsed]
    keys = [
        _check_voutput(group, exps, index, text, f"voutput {index + 1}")[1]
        for index, text in enumerate(voutputs)
    ]
    return {
        "threshold": threshold,
        "certs": [loads(cert.text, "cert") for cert in checked],
        "coefexps": [p.coefexps for p in parsed],
        "verification_keys": keys,
    }


def check_threshold_parameters(
    group: Group, parameters: object, where: str
) -> tuple[int, tuple[int, ...]]:
    """The sub-key ``y = prod_z A_z0`` and the verification keys of threshold parameters
    (parsed JSON), after checking the certs, the coefexps' signatures and degree, and each
    verification key against the coefexps, with its proof of knowledge."""
    names = ("threshold", "certs", "coefexps", "verification_keys")
    fields = _fields(parameters, names, where)
    cert_items = _list(fields["certs"], f"{where}, certs")
    certs = tuple(
        _cert(group, cert, dumps(cert), f"{where}, cert {n}")
        for n, cert in enumerate(cert_items, 1)
    )
    _check_distinct(certs, f"{where}, certs")
    threshold = fields["threshold"]
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise BeleniosError(f"{where}, threshold: expected a small integer, got {threshold!r:.40}")
    if not 1 <= threshold <= len(certs):
        raise BeleniosError(f"{where}: threshold {threshold} is not between 1 and {len(certs)}")
    all_exps = _list(fields["coefexps"], f"{where}, coefexps")
    keys = _list(fields["verification_keys"], f"{where}, verification_keys")
    if len(all_exps) != len(certs) or len(keys) != len(certs):
        raise BeleniosError(f"{where}: coefexps and verification keys do not match the certs")
    exps = []
    for z, (cert, signed) in enumerate(zip(certs, all_exps, strict=True), 1):
        coefexps_where = f"{where}, coefexps {z}"
        dealt = _coefexps(group, cert, signed, coefexps_where)[1]
        if len(dealt) != threshold:
            raise BeleniosError(
                f"{coefexps_where}: {len(dealt)} coefexps for threshold {threshold}"
            )
        exps.append(dealt)
    verification = []
    for index, key in enumerate(keys):
        key_where = f"{where}, verification key {index + 1}"
        public = _check_trustee_public_key(group, key, key_where)
        if public != _verification_key(group, exps, index):
            raise BeleniosError(f"{key_where}: does not match the coefexps")
        verification.append(public)
    subkey = 1
    for dealt in exps:
        subkey = group.times(subkey, dealt[0])
    return subkey, tuple(verification)


# The trustee's decryption key


def decryption_key(group: Group, seed: str, certs: Sequence[str], voutput: str) -> int:
    """The trustee's share ``S_j`` (mod q) of the sub-key's secret, from its own voutput."""
    keys = keys_from_seed(group, seed)
    _own_index(keys, check_certs(group, certs), "certs")
    fields = _fields(_json(voutput, "voutput"), ("private_key", "public_key"), "voutput")
    public = _check_trustee_public_key(group, fields["public_key"], "voutput, public_key")
    value = _open_private_key(group, keys, fields["private_key"], "voutput, private_key")
    if group.base_power(value) != public:
        raise BeleniosError("voutput: the decryption key does not match the public key")
    return value


def decryption_key_from_dkey(group: Group, seed: str, dkey: str) -> int:
    """The trustee's share ``S_j`` (mod q) from a voutput's ``private_key`` alone, as
    belenios-tool keeps it in a ``.dkey`` file."""
    return _open_private_key(group, keys_from_seed(group, seed), dkey.strip(), "dkey")


def _open_private_key(group: Group, keys: TrusteeKeys, text: object, where: str) -> int:
    message = receive(group, keys, keys.verification, text, where)
    value = _fields(_json(message, where), ("decryption_key",), where)["decryption_key"]
    return _natural(group, value, f"{where}, decryption_key")


# Reading JSON


def _json(text: object, where: str) -> Any:
    return loads(_string(text, where), where)


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise BeleniosError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BeleniosError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _fields(value: object, names: Sequence[str], where: str) -> dict[str, Any]:
    """A JSON object with exactly the fields ``names``."""
    if not isinstance(value, dict):
        raise BeleniosError(f"{where}: expected an object, got {type(value).__name__}")
    if set(value) != set(names):
        got = ", ".join(sorted(str(name) for name in value))
        raise BeleniosError(f"{where}: expected the fields {', '.join(names)}, got {got:.200}")
    return value


def _natural(group: Group, value: object, where: str) -> int:
    """A natural number in base 10 below about a million times q, reduced modulo q.

    belenios-tool does not always reduce the shares and decryption keys it writes.
    """
    if (
        not isinstance(value, str)
        or not value.isascii()
        or not value.isdigit()
        or len(value) > len(str(group.q)) + EXTRA_DIGITS
    ):
        raise BeleniosError(f"{where}: expected a number in base 10 as a string, got {value!r:.40}")
    return int(value) % group.q
