"""A command starts with what it needs: `show` and `vote` load neither the counting (numpy),
nor the web server and its templates, nor the migrations, nor the other commands' modules,
nor (a vote in the open) the secret ballots' arithmetic; a read loads no decider and no
signatures either.

No time is asserted (a shared machine makes any bound either loose or flaky); what a
command leaves in `sys.modules` is, and it fails as soon as an import at the top of a module
brings one of them back. `benchmarks/startup.py` measures the time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.main import get_group

from e2e.conftest import TIMEOUT, WORKS, Cli
from soviet.cli import MODULES, _register, app

#: `python -m soviet ARGS…`, which then writes the names of the modules it has loaded to
#: the file named first, whether the command ran or was refused.
LOADED = """
import sys

from soviet.cli import main

out, *args = sys.argv[1:]
sys.argv = ["soviet", *args]
try:
    main()
finally:
    with open(out, "w", encoding="utf-8") as file:
        file.write("\\n".join(sorted(sys.modules)))
"""

#: What no command on the database needs to start.
NOT_TO_START = (
    "numpy",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "alembic",
    "soviet.tally",
    "soviet.ballots",
    "soviet.api",
    "soviet.web",
    "soviet.server",
    "soviet.cli.count",
    "soviet.cli.serve",
    "soviet.cli.ledger",
)
#: What a vote in the open needs besides: no arithmetic of the secret ballots.
NOT_TO_VOTE = (*NOT_TO_START, "soviet.belenios", "gmpy2")
#: What a read needs besides: no decider, no signatures.
NOT_TO_READ = (
    *NOT_TO_VOTE,
    "soviet.services",
    "soviet.domain.decider",
    "soviet.domain.catalogue",
    "soviet.storage.workspace",
    "cryptography",
    "soviet.cli.acts",
)


def loaded(cli: Cli, *args: str, code: int = 0) -> set[str]:
    """The modules `soviet ARGS…` has loaded by its end, after exiting with `code`."""
    out = cli.folder / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", LOADED, str(out), *args],
        cwd=cli.folder,
        env=cli.environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == code, done.stderr
    return set(out.read_text(encoding="utf-8").split())


def among(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The modules that are one of `packages` or inside one."""
    return sorted(m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages))


def voting(cli: Cli) -> Cli:
    """The works' foundry electing its deputies: E1 started, ada and boris standing."""
    cli.run("init", "--charter", str(WORKS))
    cli.tick(hours=1)
    cli.run("audit", "--schedule", code=1)
    cli.run("election", "nominate", "E1", "ada", "--as", "ada")
    cli.run("election", "nominate", "E1", "boris", "--as", "boris")
    cli.run("election", "start", "E1", "--as", "ada")
    cli.tick(minutes=1)
    return cli


def test_show_starts_without_the_counting_the_server_the_decider_or_the_signatures(
    cli: Cli,
) -> None:
    voting(cli)
    shown = [
        loaded(cli, "show", "office", "foundry.deputy"),
        loaded(cli, "show", "elections", "--json"),
        loaded(cli, "show", "office", "foundry.dep", code=2),  # refused with the nearest id
    ]
    for modules in shown:
        assert among(modules, NOT_TO_READ) == []
        assert {"soviet.cli.reading", "sqlalchemy"} <= modules


def test_a_vote_starts_without_the_counting_the_server_or_the_secret_ballots(cli: Cli) -> None:
    voting(cli)
    cast = loaded(cli, "vote", "E1", "ada", "boris", "--as", "chen")
    refused = loaded(cli, "vote", "E2", "ada", "--as", "chen", code=2)
    for modules in (cast, refused):
        assert among(modules, NOT_TO_VOTE) == []
        assert "soviet.cli.reading" not in modules
    assert "cryptography" in cast  # the ballot was signed
    assert cli.log()[-1]["type"] == "ballot.cast"


def test_every_command_is_added_by_the_modules_its_name_imports() -> None:
    _register()
    adders: dict[str, set[str]] = {}
    for name, command in get_group(app).commands.items():
        callbacks = [command.callback]
        callbacks += [sub.callback for sub in getattr(command, "commands", {}).values()]
        modules = {c.__module__.removeprefix("soviet.cli.") for c in callbacks if c is not None}
        adders[name] = modules - {"typer.main"}
    assert adders == {name: set(modules) for name, modules in MODULES.items()}


def test_a_name_that_is_no_command_is_refused_with_the_nearest_of_every_command(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "soviet", "shwo"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "error: No such command 'shwo'. Did you mean 'show'? (see `soviet --help`)\n"
    )
