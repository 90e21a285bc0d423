"""Output after a commit: an act that was recorded is never reported as a failure because
its output could not be written (standard output full, closed, or a closed pipe)."""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import TextIO

from soviet.domain.events import Recorded
from soviet.errors import SovietWarning

#: What a failed write of standard output raises: OSError (a full disk, a closed pipe) or
#: ValueError (a file object already closed).
OUTPUT_ERRORS = (OSError, ValueError)


@contextlib.contextmanager
def after_commit(recorded: Sequence[Recorded] | range) -> Iterator[None]:
    """Print what a committed act recorded (its events, or the range of their seqs); if
    the output cannot be written, say on standard error that the act was recorded all the
    same, and succeed."""
    try:
        yield
        if sys.stdout is not None:
            sys.stdout.flush()
    except OUTPUT_ERRORS as error:
        silence_stdout()
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        tell(
            f"note: the act was recorded ({_span(recorded)}), but its output could not be "
            f"written to standard output: {reason}"
        )


def _span(recorded: Sequence[Recorded] | range) -> str:
    if not recorded:
        return "no events"
    seqs = recorded if isinstance(recorded, range) else [e.seq for e in recorded]
    first, last = seqs[0], seqs[-1]
    count = f"{len(seqs):,} event{'s' if len(seqs) != 1 else ''}"
    return f"{count}, #{first}" if first == last else f"{count}, #{first}–#{last}"


def silence_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush at
    exit cannot fail again and turn a success into exit code 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process


def tell(line: str) -> None:
    """One line on standard error, if standard error can be written at all."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


@contextlib.contextmanager
def noted_warnings() -> Iterator[list[str]]:
    """Collect what soviet warns of (a `SovietWarning`, such as a ballot file's names read
    without quotes) while a command runs, to be told once it has run; any other warning is
    shown as Python shows it."""
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("always", SovietWarning)  # even under `python -W error`
        shown = warnings.showwarning

        def note(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if issubclass(category, SovietWarning):
                notes.append(str(message))
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = note
        yield notes
