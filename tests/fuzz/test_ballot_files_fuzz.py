"""Fuzzing the ballot readers: any bytes read as BLT or CVR give a profile or a
`SovietError` of one line naming the file — never another exception — and a profile that
comes back counts (or is refused as a count) the same way.

Inputs are random bytes and valid files mutated: NUL bytes, huge numbers, digits outside
ASCII, bytes that are not UTF-8, truncated and repeated lines. `benchmarks/fuzz_ballots.py`
runs the same property for longer, without hypothesis' bound.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from fuzz._budget import budget
from soviet.ballots import read_blt, read_cvr
from soviet.errors import SovietError
from soviet.tally import MAX_BALLOTS, count

ROOT = Path(__file__).resolve().parents[2]
SOVIET = ROOT / ".venv" / "bin" / "soviet"

VALID_BLT = (
    b'4 2\n-4\n3 1 3 4 0\n2 2 - 3=4 0\n1 4 1 0\n5 3 0\n0\n"Castor"\n"Pollux"\n"Helen"\n'
    b'"Paris"\n"Greek heroes"\n'
)
VALID_CVR = (
    b"Precinct,1st Choice,2nd Choice,3rd Choice,Count\n"
    b"W-10 P-02,Jacob Frey,Nekima Levy-Pounds,undervote,1\n"
    b"W-6 P-03,overvote,Jacob Frey,,2\n"
    b"W-1 P-01,Tom Hoch,,Jacob Frey,3\n"
)
SPLICES = (
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\x01",
    b"\r",
    b"\t",
    b"\n",
    b"0",
    b"-",
    b"=",
    b",",
    b'"',
    b"#",
    b"[nick a b c d]",
    b"99999999999999999999",
    b"999999999999999999",
    b"9007199254740993",
    str(2**62).encode(),
    "²".encode(),
    "١٢".encode(),
    "é".encode(),
    b"\xef\xbb\xbf",
    b"1_000",
    b"-1",
)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits of `data`: splices, deletions, truncations, repeated lines."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        at = rng.randint(0, len(out))
        if kind == 0:
            out[at:at] = rng.choice(SPLICES)
        elif kind == 1:
            del out[at : at + rng.randint(1, 8)]
        elif kind == 2:
            del out[at:]
        elif kind == 3:
            lines = bytes(out).split(b"\n")
            index = rng.randrange(len(lines))
            lines[index:index] = [lines[index]] * rng.randint(1, 3)
            out = bytearray(b"\n".join(lines))
        else:
            if out:
                out[min(at, len(out) - 1)] = rng.randrange(256)
    return bytes(out)


def read_or_refuse(data: bytes, kind: str) -> str:
    """Read `data` as a ballot file of `kind` and count what comes back: "accepted" or
    "rejected". Any other exception, or a refusal not of one line naming the file, fails."""
    source = f"fuzzed.{kind}"
    try:
        read = read_blt(data, source) if kind == "blt" else read_cvr(data, source)
    except SovietError as error:
        message = str(error)
        assert "\n" not in message, message
        assert message.startswith(source), message
        return "rejected"
    profile = read.profile
    assert 0 <= profile.total <= MAX_BALLOTS
    assert bool((profile.counts >= 0).all())
    try:
        result = count(profile, "irv")
    except SovietError as error:
        assert "\n" not in str(error), str(error)
        return "rejected"
    assert len(result.winners) <= 1
    return "accepted"


@budget(300)
@given(data=st.binary(max_size=400), kind=st.sampled_from(["blt", "csv"]))
def test_random_bytes_are_read_or_refused_in_one_line(data: bytes, kind: str) -> None:
    read_or_refuse(data, kind)


@budget(400)
@given(rng=st.randoms(use_true_random=False), kind=st.sampled_from(["blt", "csv"]))
def test_mutated_valid_files_are_read_or_refused_in_one_line(rng: random.Random, kind: str) -> None:
    read_or_refuse(mutate(VALID_BLT if kind == "blt" else VALID_CVR, rng), kind)


@budget(150)
@given(header=st.text(max_size=30), cells=st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_cvr_text_of_any_characters_is_read_or_refused_in_one_line(
    header: str, cells: list[str]
) -> None:
    text = f"choice 1,choice 2,count\n{header}\n" + "\n".join(",".join(cells[:3]) for _ in cells)
    read_or_refuse(text.encode("utf-8", "surrogatepass"), "csv")


@budget(6)
@given(rng=st.randoms(use_true_random=False), kind=st.sampled_from(["blt", "csv"]))
def test_soviet_count_on_mutated_files_exits_0_or_2_without_a_traceback(
    rng: random.Random, kind: str
) -> None:
    command = [str(SOVIET)] if SOVIET.exists() else [sys.executable, "-m", "soviet"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed.{kind}"
        path.write_bytes(mutate(VALID_BLT if kind == "blt" else VALID_CVR, rng))
        run = subprocess.run(
            [*command, "count", str(path), "--method", "irv"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )
    assert run.returncode in (0, 2), run.stderr
    assert "Traceback" not in run.stderr
    if run.returncode == 2:
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
