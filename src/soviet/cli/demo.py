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
) -> None:
    """Build the bundled federation into a fresh SQLite file and run its story."""
    from soviet.demo import script

    began = time.perf_counter()
    script.run(out, seed, console)
    console.print(f"[dim]demo finished in {time.perf_counter() - began:.1f} s[/dim]")
