"""How many inputs each fuzz property tries: a bound that keeps the suite within CI's
time by default, and as many as `SOVIET_FUZZ_EXAMPLES` asks for in a longer run
(`benchmarks/fuzz.py`)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def examples(default: int) -> int:
    """The number of examples for one property: SOVIET_FUZZ_EXAMPLES if set, else `default`."""
    asked = os.environ.get("SOVIET_FUZZ_EXAMPLES", "").strip()
    return int(asked) if asked.isdigit() and int(asked) > 0 else default


def budget(default: int) -> settings:
    """Hypothesis settings for a fuzz property: `examples(default)` inputs, no deadline
    (the machine may be loaded), and no complaint about slow generation."""
    return settings(
        max_examples=examples(default),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
