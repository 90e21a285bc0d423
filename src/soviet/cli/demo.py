"""`soviet demo`: a federation of councils elects, recalls and purges itself."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from soviet.cli import app
from soviet.cli.render import console


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the charter and the database.")
    ] = Path("soviet-demo"),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic votes.")] = 1917,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Move an earlier run's files in the folder aside (renamed NAME.old-TIME), "
            "never deleting them.",
        ),
    ] = False,
) -> None:
    """Build the bundled federation into a fresh SQLite file and run its story.

    A folder that holds an earlier run's database or key is refused unless --force,
    which moves those files aside.

    Example: soviet demo --out soviet-demo
    """
    from soviet.demo import script

    began = time.perf_counter()
    script.run(out, seed, console, force=force)
    console.print(f"[dim]demo finished in {time.perf_counter() - began:.1f} s[/dim]")
