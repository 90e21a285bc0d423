"""Arithmetic modulo large numbers on GMP's integers (the gmpy2 package), typed.

On 2048-bit numbers GMP multiplies and exponentiates several times faster than Python's
own integers. The exponentiation tables and products of this package keep their values
as GMP integers (:class:`Big`) and turn them back into ``int`` where they are handed
out, so that callers only ever see ``int``. gmpy2 ships no type information: this
module is the one place that imports it, and gives each function it uses a type.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import gmpy2  # type: ignore[import-untyped]


class Big(Protocol):
    """A GMP integer (``gmpy2.mpz``): the operations the arithmetic here uses.

    It compares and hashes equal to the ``int`` of the same value, and ``str`` writes
    it in base 10 as ``str`` writes an ``int``.
    """

    def __mul__(self, other: Big | int, /) -> Big: ...
    def __rmul__(self, other: int, /) -> Big: ...
    def __mod__(self, other: Big | int, /) -> Big: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...


big: Callable[[int], Big] = gmpy2.mpz
"""The GMP integer of an ``int``."""

powmod: Callable[[Big | int, Big | int, Big | int], Big] = gmpy2.powmod
"""``base ** exponent % modulus``; a negative exponent raises the inverse (ValueError
when there is none), as Python's three-argument ``pow`` does."""

legendre: Callable[[Big | int, Big | int], int] = gmpy2.legendre
"""The Legendre symbol of a number modulo an odd prime: 1, -1, or 0 for a multiple."""
