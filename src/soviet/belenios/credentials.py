"""Voters' credentials (specification 4.8): the secret a voter keeps, the public one listed.

A secret credential is 14 random Base58 characters and a checksum, written
``XXX-XXX-XXX-XXX-XXX``. The secret exponent is PBKDF2-HMAC-SHA256 of that written form
(dashes included, as belenios-tool derives it) salted with the election's uuid; the
public credential is ``g`` to that exponent. Public credentials are listed as ``"C"`` or,
when weights are used, ``"C,weight"``.
"""

from __future__ import annotations

import hashlib
import secrets

from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
"""The Base58 digits, 1 standing for 0 and z for 57."""

_DIGITS = {character: value for value, character in enumerate(ALPHABET)}
_RANDOM_LENGTH = 14
_LENGTH = _RANDOM_LENGTH + 1
_SEED_LABEL = b"soviet belenios credential|"
_ITERATIONS = 1000


def _checksum(digits: str) -> str:
    """The check character of 14 Base58 digits: 53 minus their value, modulo 53."""
    value = 0
    for character in digits:
        value = value * 58 + _DIGITS[character]
    return ALPHABET[(53 - value) % 53]


def _written(number: int) -> str:
    """A number below 58**14 as a credential: 14 digits, the checksum, dashes every 3."""
    digits = []
    for _ in range(_RANDOM_LENGTH):
        number, digit = divmod(number, 58)
        digits.append(ALPHABET[digit])
    body = "".join(reversed(digits))
    full = body + _checksum(body)
    return "-".join(full[i : i + 3] for i in range(0, _LENGTH, 3))


def new_credential() -> str:
    """A fresh secret credential, its 14 characters drawn from :mod:`secrets`."""
    return _written(secrets.randbelow(58**_RANDOM_LENGTH))


def credential_from_bytes(seed: bytes) -> str:
    """A secret credential derived from at least 16 bytes of secret key material.

    The 14 characters are SHA-256 of ``b"soviet belenios credential|" + seed``, read as a
    big-endian number and reduced modulo 58**14 (the bias is below 2**-170), written in
    Base58 with its checksum. The same seed always gives the same credential, so a member
    can recover it from key material they already hold.
    """
    if len(seed) < 16:
        raise BeleniosError(f"a credential needs a seed of 16 bytes or more, got {len(seed)}")
    digest = hashlib.sha256(_SEED_LABEL + seed).digest()
    return _written(int.from_bytes(digest, "big") % 58**_RANDOM_LENGTH)


def check_credential(text: str) -> str:
    """The 15 characters of a credential written with or without dashes, checksum checked."""
    if len(text) == 19 and all(text[i] == "-" for i in (3, 7, 11, 15)):
        bare = text.replace("-", "")
    elif len(text) == _LENGTH:
        bare = text
    else:
        raise BeleniosError(
            f"credential {text!r:.30}: expected XXX-XXX-XXX-XXX-XXX or 15 characters"
        )
    wrong = sorted({character for character in bare if character not in _DIGITS})
    if wrong:
        raise BeleniosError(
            f"credential {text!r:.30}: {''.join(wrong)!r} not in the Base58 alphabet"
        )
    if _checksum(bare[:_RANDOM_LENGTH]) != bare[_RANDOM_LENGTH]:
        raise BeleniosError(f"credential {text!r:.30}: the checksum does not match (a typo?)")
    return bare


def credential_secret(group: Group, credential: str, uuid: str) -> int:
    """The secret exponent of a credential in an election: PBKDF2 of its dashed form.

    The password is the credential written ``XXX-XXX-XXX-XXX-XXX`` whichever way it was
    given; the salt is the election's uuid; 1000 iterations of HMAC-SHA256; one 32-byte
    block read big-endian, modulo ``q``.
    """
    bare = check_credential(credential)
    dashed = "-".join(bare[i : i + 3] for i in range(0, _LENGTH, 3))
    block = hashlib.pbkdf2_hmac("sha256", dashed.encode(), uuid.encode(), _ITERATIONS, 32)
    return int.from_bytes(block, "big") % group.q


def public_credential(group: Group, credential: str, uuid: str) -> int:
    """The public credential ``g ** secret`` listed for a voter's secret credential."""
    return group.base_power(credential_secret(group, credential, uuid))


def parse_public_credentials(group: Group, items: object) -> list[tuple[int, int]]:
    """The public credentials of an election and their weights (1 when none is written).

    Each item is a group element in base 10, optionally followed by a comma and a
    positive weight. A credential listed twice is refused: ballots are told apart by it.
    """
    if not isinstance(items, list):
        raise BeleniosError(f"public credentials: expected a list, got {type(items).__name__}")
    parsed: list[tuple[int, int]] = []
    seen: dict[int, int] = {}
    for index, item in enumerate(items, start=1):
        where = f"public credential {index}"
        if not isinstance(item, str):
            raise BeleniosError(f"{where}: expected a string, got {item!r:.40}")
        text, comma, weight_text = item.partition(",")
        credential = group.element(text, where)
        weight = 1
        if comma:
            if not weight_text.isdigit() or len(weight_text) > 18:
                raise BeleniosError(f"{where}: weight {weight_text!r:.30} is not a whole number")
            weight = int(weight_text)
            if weight < 1:
                raise BeleniosError(f"{where}: weight {weight} is not positive")
        if credential in seen:
            raise BeleniosError(
                f"{where}: the same credential as public credential {seen[credential]}"
            )
        seen[credential] = index
        parsed.append((credential, weight))
    return parsed
