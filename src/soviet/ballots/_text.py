"""What every ballot file must be before it is read: UTF-8 text, within the count's limits.

A NUL or another control character (a tab, a carriage return, a form feed excepted) means
the file is not text — a binary file, a UTF-16 export — and is refused at its line, as is
a byte sequence that is not UTF-8. Weights are checked here too, in file order, so that a
weight or a running total past what a count takes exactly is refused at its line rather
than wrapped around by a 64-bit sum.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from soviet.errors import BallotFileError
from soviet.tally.limits import MAX_BALLOTS, first_past

_ALLOWED_CONTROLS = b"\t\n\r\x0b\x0c"
_CONTROL = np.zeros(256, dtype=np.bool_)
_CONTROL[:32] = True
_CONTROL[list(_ALLOWED_CONTROLS)] = False
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f]")
_PIECE = 1 << 22


def check_text(data: bytes | str, source: str) -> None:
    """Refuse data holding a control character or bytes that are not UTF-8, at their line."""
    if isinstance(data, str):
        found = _CONTROL_TEXT.search(data)
        if found is not None:
            line = data.count("\n", 0, found.start()) + 1
            raise BallotFileError(source, line, _control_problem(ord(found.group())))
        return
    raw = np.frombuffer(data, dtype=np.uint8)
    wide = False
    for start in range(0, raw.size, _PIECE):
        piece = raw[start : start + _PIECE]
        control = np.flatnonzero(_CONTROL.take(piece))
        if control.size:
            at = start + int(control[0])
            raise BallotFileError(source, data.count(b"\n", 0, at) + 1, _control_problem(data[at]))
        wide = wide or bool((piece >= 0x80).any())
    if wide:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise BallotFileError(
                source,
                line,
                f"byte 0x{data[error.start]:02x} is not UTF-8 text: save the file as UTF-8",
            ) from None


def _control_problem(code: int) -> str:
    what = "a NUL byte" if code == 0 else f"control character 0x{code:02x}"
    return f"{what}: a ballot file is text (is this a binary or UTF-16 file?)"


def check_weights(
    weights: npt.NDArray[np.int64], before: int, line_of: Callable[[int], int], source: str
) -> int:
    """The running total of ballots after `weights` (in file order), `before` being the total
    before them; a weight that brings it past `MAX_BALLOTS` is refused at its line."""
    at = first_past(weights, MAX_BALLOTS - before)
    if at is None:
        return before + int(weights.sum())
    weight = int(weights[at])
    problem = (
        f"a weight of {weight} is more than the {MAX_BALLOTS} (2**53) ballots a count takes exactly"
        if weight > MAX_BALLOTS
        else f"the ballots up to this line number more than the {MAX_BALLOTS} (2**53) "
        "a count takes exactly"
    )
    raise BallotFileError(source, line_of(at), problem)
