"""`soviet verify-belenios DIR`: audit a Belenios election from its public archive.

The directory is the election's, holding its archive ``UUID.bel`` as Belenios publishes
it; the audit needs nothing else (no database, no key). Exit 0 when every check holds,
1 when one fails, 2 when there is nothing to audit (no such directory, no archive, a file
that is not one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from soviet.belenios.archive import find_archive
from soviet.belenios.audit import Audit, verify_archive
from soviet.cli import app
from soviet.cli._options import Json
from soviet.cli.render import console, plain, print_json
from soviet.errors import SovietError


class AuditFailed(SovietError):
    """An election whose audit found a check that does not hold."""

    exit_code = 1


@app.command("verify-belenios")
def verify_belenios(
    directory: Annotated[
        Path,
        typer.Argument(help="The election's directory, holding its archive UUID.bel."),
    ],
    as_json: Json = False,
) -> None:
    """Audit a Belenios election from its archive: the chain of events, the setup, every
    ballot's proofs and signature, the tally, the trustees' decryptions and the result.

    Exit 0 if every check holds, 1 if one fails.

    Example: soviet verify-belenios elections/CmZoxzJ83Zhvt7
    """
    path = find_archive(directory)
    audit = verify_archive(path)
    if as_json:
        print_json(audit.to_json())
    else:
        _print(audit, path)
    if not audit.ok:
        count = len(audit.failures)
        raise AuditFailed(
            f"the election does not verify: {count} check{'s' if count != 1 else ''} "
            f"failed, the first: {audit.failures[0]}"
        )


def _print(audit: Audit, path: Path) -> None:
    election = audit.election
    what = f" {plain(election.uuid)} ({plain(election.name)})" if election else ""
    console.print(f"Audited the Belenios election{what} from {plain(path)}")
    for check in audit.checks:
        console.print(f"  [green] ok [/green] {plain(check)}")
    for failure in audit.failures:
        console.print(f"  [red]FAIL[/red] {plain(failure)}")
    if audit.result is not None and election is not None:
        console.print("Result:")
        for question, counts in zip(election.questions, audit.result, strict=True):
            console.print(f"  {plain(question.question)}")
            names = (["(blank)"] if question.blank else []) + list(question.answers)
            width = max((len(name) for name in names), default=0)
            for name, count in zip(names, counts, strict=True):
                console.print(f"    {plain(name.ljust(width))}  {count:>6,}")
    if audit.ok:
        console.print("[green]Everything holds.[/green]")
    else:
        count = len(audit.failures)
        console.print(f"[red]{count} check{'s' if count != 1 else ''} failed.[/red]")
