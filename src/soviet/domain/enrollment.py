"""Enrollment codes: how a member's first key is tied to their admission.

Whoever admits a member (the founding for charter members) draws a one-time code and
hands it over; the log holds only its hash, `SHA-256(proof)`, and its expiry, where the
`proof` is `SHA-256("soviet enrollment code\\n" ‖ code)`. The member's key registration
carries the proof: anyone can check that it hashes to the logged hash, and nobody can
read the code from either. A code is good once, until it expires, and a newer code for
the same member replaces it.

Codes are 16 characters of Crockford's base32 (80 random bits), written in groups of four
(`7K2M-Q9XD-4HTR-WB3E`); they are read back without regard to case, dashes or spaces,
with O read as 0 and I or L as 1.
"""

from __future__ import annotations

import hashlib
import re

from soviet.errors import InputError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: The random bytes one code holds.
CODE_BYTES = 10
_DOMAIN = b"soviet enrollment code\n"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def new_code(random: bytes) -> str:
    """The code of 10 random bytes, in groups of four characters."""
    if len(random) != CODE_BYTES:
        raise ValueError(f"a code takes {CODE_BYTES} random bytes")
    number = int.from_bytes(random, "big")
    chars = "".join(ALPHABET[(number >> shift) & 31] for shift in range(75, -1, -5))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalized(code: str) -> str:
    """A code as typed, read back: InputError if it is not 16 characters of the alphabet."""
    text = code.strip().upper().replace("-", "").replace(" ", "")
    text = text.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(text) != 16 or any(ch not in ALPHABET for ch in text):
        raise InputError(
            f"enrollment code {code[:40]!r} is not a code: 16 letters and digits, as "
            "XXXX-XXXX-XXXX-XXXX"
        )
    return text


def proof(code: str) -> str:
    """The proof a key registration carries: hex SHA-256 of the domain and the code."""
    return hashlib.sha256(_DOMAIN + normalized(code).encode("ascii")).hexdigest()


def hash_of_proof(proof_hex: str) -> str:
    """The hash the log holds of a code, from its proof."""
    return hashlib.sha256(bytes.fromhex(proof_hex)).hexdigest()


def code_hash(code: str) -> str:
    """The hash the log holds of a code."""
    return hash_of_proof(proof(code))


def is_hash(text: object) -> bool:
    """Whether a value is a code's hash (or proof) as the log writes one: 64 hex digits."""
    return isinstance(text, str) and _HEX64.fullmatch(text) is not None
