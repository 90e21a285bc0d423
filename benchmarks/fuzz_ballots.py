"""Fuzz the ballot readers for longer than CI can: the property of
`tests/fuzz/test_ballot_files_fuzz.py`, over random bytes and mutated valid files.

    .venv/bin/python benchmarks/fuzz_ballots.py --examples 20000

Prints how many inputs it tried and how many were accepted, rejected (a one-line
`SovietError` naming the file) or crashed (anything else); exits 1 if any crashed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz.test_ballot_files_fuzz import VALID_BLT, VALID_CVR, mutate, read_or_refuse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    parser.add_argument("--show", type=int, default=5, help="crashes to print in full")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    tally = {"accepted": 0, "rejected": 0, "crashed": 0}
    started = time.perf_counter()
    for _ in range(arguments.examples):
        kind = rng.choice(["blt", "csv"])
        if rng.random() < 0.2:
            data = rng.randbytes(rng.randint(0, 400))
        else:
            data = mutate(VALID_BLT if kind == "blt" else VALID_CVR, rng)
        try:
            tally[read_or_refuse(data, kind)] += 1
        except Exception:  # a crash is what this run looks for
            tally["crashed"] += 1
            if tally["crashed"] <= arguments.show:
                print(f"crash on {kind} input {data!r}:", file=sys.stderr)
                traceback.print_exc()
    seconds = time.perf_counter() - started
    print(
        f"tried {arguments.examples} inputs in {seconds:.1f} s: {tally['accepted']} accepted, "
        f"{tally['rejected']} rejected, {tally['crashed']} crashed"
    )
    return 1 if tally["crashed"] else 0


if __name__ == "__main__":
    sys.exit(main())
