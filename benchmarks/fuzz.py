"""The long fuzz run: every property of tests/fuzz with many more inputs than CI's bound,
and how many inputs each one tried.

    .venv/bin/python benchmarks/fuzz.py                 # 5,000 inputs a property
    .venv/bin/python benchmarks/fuzz.py --examples 50000 -k cli

It runs pytest on tests/fuzz with SOVIET_FUZZ_EXAMPLES set and Hypothesis's statistics
on, then prints, for each property, the inputs tried (passing, failing, invalid) and the
time it took. Exit code: pytest's (0 when no input broke a property).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST = re.compile(r"^(tests/fuzz/\S+::\S+):\s*$")
#: Hypothesis's words for a phase's inputs ("20 passing, 0 failing, and 0 invalid test
#: cases"; older releases said "examples").
COUNTS = re.compile(
    r"(\d+) passing(?: examples?)?, (\d+) failing(?: examples?)?,(?: and)? (\d+) invalid"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples", type=int, default=5000, help="inputs per property (default 5,000)"
    )
    parser.add_argument(
        "-k",
        dest="select",
        default=None,
        help="run only the properties whose name matches (pytest -k)",
    )
    args = parser.parse_args()
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
        "tests/fuzz",
    ]
    if args.select:
        command += ["-k", args.select]
    env = dict(os.environ, SOVIET_FUZZ_EXAMPLES=str(args.examples))
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - began
    tried: dict[str, list[int]] = {}
    current = None
    for line in done.stdout.splitlines():
        if match := TEST.match(line.strip()):
            current = match.group(1)
            tried.setdefault(current, [0, 0, 0])
        elif current and (match := COUNTS.search(line)):
            for i, value in enumerate(match.groups()):
                tried[current][i] += int(value)
    width = max((len(name) for name in tried), default=10)
    print(f"fuzz run: {args.examples:,} inputs asked per property, {elapsed:.0f} s in all")
    print(f"{'property':<{width}}  {'passing':>9}  {'failing':>7}  {'invalid':>7}")
    for name, (passing, failing, invalid) in sorted(tried.items()):
        print(f"{name:<{width}}  {passing:>9,}  {failing:>7,}  {invalid:>7,}")
    total = sum(sum(counts[:2]) for counts in tried.values())
    print(f"{'all':<{width}}  {total:>9,} inputs tried")
    if done.returncode != 0:
        print("\n-- pytest said --\n" + done.stdout[-6000:] + done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
