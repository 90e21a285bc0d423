"""ElGamal ciphertexts (specification 4.3, 4.11) and the exponentiations behind them.

A ciphertext of ``m`` under the election key ``y`` with randomness ``r`` is
``(g ** r, y ** r * g ** m)``; ciphertexts multiply pointwise, which adds plaintexts.

Checking a ballot is almost all exponentiation, so two helpers make it cheaper than one
``pow`` at a time, with the same results:

- :class:`FixedBase`, for ``g`` and the election key: a table of the base to every
  byte-sized digit in every position, so a power is a product of one entry per digit.
- :class:`Powers`, for a base used with a few exponents (a ciphertext in its proofs):
  the base to every power of 16 is computed once, and each exponent then costs a
  product per digit (Yao's method). Group membership, ``x ** q == 1``, is one more
  exponent on the same table.

Their tables hold GMP integers; ``power`` hands out an ``int``, and ``big_power`` the GMP
integer, for the products that follow it in the proofs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group
from soviet.belenios.modular import Big, big, powmod


@dataclass(frozen=True)
class Ciphertext:
    """An ElGamal ciphertext: ``alpha = g ** r`` and ``beta = y ** r * g ** m``."""

    alpha: int
    beta: int


def encrypt(group: Group, y: int, m: int, r: int) -> Ciphertext:
    """The encryption of ``m`` under key ``y`` with randomness ``r``."""
    g, key = fixed_base(group, group.g), fixed_base(group, y)
    return Ciphertext(
        g.power(r),
        int(key.big_power(r) * g.big_power(m) % group.modulus),
    )


def combine(group: Group, a: Ciphertext, b: Ciphertext) -> Ciphertext:
    """The pointwise product: a ciphertext of the sum of the two plaintexts."""
    p = group.modulus
    return Ciphertext(int(big(a.alpha) * b.alpha % p), int(big(a.beta) * b.beta % p))


def raised(group: Group, c: Ciphertext, w: int) -> Ciphertext:
    """The ciphertext to the power ``w``: a ciphertext of ``w`` times its plaintext."""
    if w == 1:
        return c
    p = group.modulus
    return Ciphertext(int(powmod(c.alpha, w, p)), int(powmod(c.beta, w, p)))


def ciphertext_json(c: Ciphertext) -> dict[str, str]:
    return {"alpha": str(c.alpha), "beta": str(c.beta)}


def ciphertext_from_json(
    group: Group, obj: object, where: str, *, check: bool = True
) -> Ciphertext:
    """Parse ``{"alpha": …, "beta": …}``; both must be group elements.

    With ``check=False`` only the form is checked (numbers between 0 and p), and the
    caller checks membership itself, as a ballot does with its shared tables.
    """
    if not isinstance(obj, dict) or set(obj) != {"alpha", "beta"}:
        raise BeleniosError(f"{where}: expected a ciphertext {{alpha, beta}}, got {obj!r:.60}")
    if check:
        return Ciphertext(
            group.element(obj["alpha"], f"{where}, alpha"),
            group.element(obj["beta"], f"{where}, beta"),
        )
    return Ciphertext(
        below_p(group, obj["alpha"], f"{where}, alpha"),
        below_p(group, obj["beta"], f"{where}, beta"),
    )


def below_p(group: Group, text: object, where: str) -> int:
    """A number in base 10 strictly between 0 and p, its group membership left to check."""
    if not isinstance(text, str) or not text.isdigit() or len(text) > 1000:
        raise BeleniosError(f"{where}: expected a number in base 10 as a string, got {text!r:.40}")
    value = int(text)
    if not 0 < value < group.p:
        raise BeleniosError(f"{where}: {text:.20} is not an element of {group.name}")
    return value


class FixedBase:
    """Powers of one base used over and over (``g``, an election key): a digit table.

    ``table[i][d]`` is the base to ``d * 2 ** (w * i)``; a power of an exponent below
    ``q`` is the product of one entry per ``w``-bit digit. Exponents are reduced modulo
    ``q``, so the base must be in the group.
    """

    def __init__(self, group: Group, base: int) -> None:
        self.group = group
        self.base = base
        bits = group.q.bit_length()
        self._width = 8 if bits <= 512 else 5
        count = 1 << self._width
        p = group.modulus
        table: list[list[Big]] = []
        step = big(base) % p
        for _ in range(-(-bits // self._width)):
            row = [big(1), step]
            for _ in range(count - 2):
                row.append(row[-1] * step % p)
            table.append(row)
            step = row[-1] * step % p
        self._table = table
        self._mask = count - 1

    def power(self, exponent: int) -> int:
        """The base to ``exponent`` (any integer: it is reduced modulo ``q``)."""
        return int(self.big_power(exponent))

    def big_power(self, exponent: int) -> Big:
        """:meth:`power` as a GMP integer."""
        e = exponent % self.group.q
        p = self.group.modulus
        width, mask = self._width, self._mask
        result: Big | None = None
        for row in self._table:
            digit = e & mask
            if digit:
                result = row[digit] if result is None else result * row[digit] % p
            e >>= width
            if not e:
                break
        return self._table[0][0] if result is None else result


@lru_cache(maxsize=16)
def fixed_base(group: Group, base: int) -> FixedBase:
    """The digit table of a base, built once per group and base (``g``, a key)."""
    return FixedBase(group, base)


class Powers:
    """Powers of one base under several exponents, the squarings shared among them.

    The base to ``16 ** i`` is computed once (as many squarings as the group order has
    bits); each power of an exponent below ``q`` then costs about one product per
    hexadecimal digit plus thirty (Yao's method), against some three hundred products
    for an exponentiation on its own.
    """

    def __init__(self, group: Group, base: int) -> None:
        self.group = group
        self.base = base
        p = group.modulus
        ladder = [big(base) % p]
        for _ in range(-(-group.q.bit_length() // 4) - 1):
            x = ladder[-1]
            x = x * x % p
            x = x * x % p
            x = x * x % p
            ladder.append(x * x % p)
        self._ladder = ladder

    def power(self, exponent: int) -> int:
        """The base to ``exponent``, for ``0 <= exponent < 16 ** len(ladder)``."""
        return int(self.big_power(exponent))

    def big_power(self, exponent: int) -> Big:
        """:meth:`power` as a GMP integer."""
        p = self.group.modulus
        buckets: list[Big | None] = [None] * 16
        e = exponent
        for rung in self._ladder:
            digit = e & 15
            if digit:
                held = buckets[digit]
                buckets[digit] = rung if held is None else held * rung % p
            e >>= 4
            if not e:
                break
        if e:
            return powmod(self.base, exponent, p)
        running: Big | None = None
        result: Big | None = None
        for digit in range(15, 0, -1):
            held = buckets[digit]
            if held is not None:
                running = held if running is None else running * held % p
            if running is not None:
                result = running if result is None else result * running % p
        return big(1) if result is None else result

    def in_group(self) -> bool:
        """Whether the base is in the group: ``0 < base < p`` and ``base ** q == 1``."""
        if not 0 < self.base < self.group.p:
            return False
        if self.group.safe_prime:
            return self.group.is_element(self.base)
        return self.big_power(self.group.q) == 1
