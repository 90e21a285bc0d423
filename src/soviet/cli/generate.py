"""`soviet generate federation`: a charter and members CSV of a federation's shape and any
size, for benchmarks, rehearsals and tests. It needs no database, so it imports none."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from soviet.cli import app
from soviet.demo import national
from soviet.errors import InputError

generate = typer.Typer(
    help="Generate material to rehearse on: a federation of any size.", no_args_is_help=True
)
app.add_typer(generate, name="generate")


@generate.command("federation")
def federation(
    out: Annotated[Path, typer.Argument(help="Folder for charter.toml and members.csv.")],
    members: Annotated[int, typer.Option("--members", help="Members, in all.", show_default=False)],
    levels: Annotated[
        int,
        typer.Option(
            "--levels",
            help="Levels, from the base assemblies to the national congress "
            f"({national.MIN_LEVELS} to {national.MAX_LEVELS}).",
        ),
    ] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the shape and the names.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the folder's charter.toml and members.csv.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for programs.")] = False,
) -> None:
    """Write a federation's charter and members: base assemblies of 50 to 300 members,
    councils of each level above them, one national congress; deputies, chairs and
    secretaries. The same seed gives the same federation.

    Example: soviet generate federation --members 100000 --levels 4 national/
    """
    if not 1 <= members <= national.MAX_MEMBERS:
        raise InputError(
            f"--members: a federation has 1 to {national.MAX_MEMBERS:,} members, not {members:,}"
        )
    if not national.MIN_LEVELS <= levels <= national.MAX_LEVELS:
        raise InputError(
            f"--levels: a federation has {national.MIN_LEVELS} to {national.MAX_LEVELS} "
            f"levels (the base assemblies and the congress at least), not {levels}"
        )
    planned = national.plan(members, levels, seed)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder")
    for name in (national.CHARTER, national.MEMBERS):
        if (out / name).exists() and not force:
            raise InputError(f"{out / name} exists; choose another folder, or --force")
    charter, csv = national.write(out, planned)
    counts = {
        ("congress" if level == planned.levels - 1 else national.LEVELS[level]): planned.count(
            level
        )
        for level in range(planned.levels)
    }
    shape = {
        "charter": str(charter),
        "members_csv": str(csv),
        "members": planned.members,
        "levels": planned.levels,
        "seed": seed,
        "bodies": counts,
        "offices": planned.offices(),
        "seats": planned.seats(),
    }
    if as_json:
        sys.stdout.write(json.dumps(shape) + "\n")
        return
    bodies = ", ".join(
        f"{n:,} {'base assemblies' if kind == 'assembly' else f'{kind} councils'}"
        if kind != "congress"
        else "the national congress"
        for kind, n in counts.items()
    )
    sys.stdout.write(
        f"wrote {charter} and {csv}: {planned.members:,} members; {bodies}; "
        f"{shape['offices']:,} offices with {shape['seats']:,} seats\n"
        f"found it with: soviet init --charter {charter}\n"
    )
