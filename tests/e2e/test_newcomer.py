"""What a newcomer meets first: `--version`, a `--help` in the order of a first session
with an example for every command, the nearest id when one is mistyped, a database named
by its file, and BLT files whose names have no quotes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import typer

from e2e.conftest import OWN_VARIABLES, TIMEOUT, WORKS, Cli, soviet_count
from soviet.cli import ORDER, _register, app


def soviet(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`soviet ARGS…` with none of the CLI's own variables but those in `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    environment.update({"COLUMNS": "100", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "soviet", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


# -- --version and --help ------------------------------------------------------------------


def test_version_prints_the_installed_version_and_exits_0(tmp_path: Path) -> None:
    run = soviet("--version", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == f"soviet {metadata.version('soviet')}\n"


def test_help_lists_the_commands_in_a_newcomers_order(tmp_path: Path) -> None:
    run = soviet("--help", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    listed = [
        line.strip("│ ").split()[0]
        for line in run.stdout.split("Commands", 1)[1].splitlines()
        if line.startswith("│ ") and line[2] != " "
    ]
    assert listed == [name for name in ORDER if name in listed]
    assert listed[:6] == ["demo", "init", "charter", "key", "member", "election"]
    assert set(listed) == set(ORDER), "every command has its place in soviet.cli.ORDER"
    assert "--version" in run.stdout


def _commands() -> list[tuple[str, typer.core.TyperCommand]]:
    """Every command path and its command: `init`, `election open`, …"""
    _register()
    group = typer.main.get_group(app)
    found: list[tuple[str, typer.core.TyperCommand]] = []
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]  # type: ignore[misc]
        else:
            found.append((name, command))  # type: ignore[arg-type]
    return found


def test_every_command_has_an_example_of_itself_that_its_parser_accepts() -> None:
    commands = _commands()
    assert len(commands) >= 20
    for path, command in commands:
        examples = [
            line.strip() for line in (command.help or "").splitlines() if "Example:" in line
        ]
        assert len(examples) == 1, f"`soviet {path}` has {len(examples)} examples"
        words = shlex.split(examples[0].removeprefix("Example:"))
        assert words[: 1 + len(path.split())] == ["soviet", *path.split()], examples[0]
        args = words[1 + len(path.split()) :]
        args = args[: args.index(">")] if ">" in args else args
        with command.make_context(path, list(args)) as ctx:  # a usage error raises here
            assert ctx.params


# -- the nearest id --------------------------------------------------------------------------


def test_an_unknown_id_is_refused_with_the_nearest_one_that_exists(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.run("audit", "--schedule", code=1)
    cli.refused(
        "election",
        "nominate",
        "e1",
        "ada",
        "--as",
        "ada",
        says=["unknown election 'e1' (did you mean 'E1'?)"],
    )
    cli.refused(
        "election",
        "open",
        "foundry.deputies",
        "--as",
        "ada",
        says=["(did you mean 'foundry.deputy'?)"],
    )
    error = cli.refused("recall", "sign", "Z9", "--as", "ada", says=["unknown petition 'Z9'"])
    assert "did you mean" not in error


def test_a_mistyped_member_in_as_is_refused_with_the_nearest_member(cli: Cli) -> None:
    cli.run("init", "--charter", str(WORKS))
    cli.run("audit", "--schedule", code=1)
    cli.refused(
        "vote", "E1", "ada", "--as", "adda", says=["unknown member 'adda' (did you mean 'ada'?)"]
    )


# -- --db ------------------------------------------------------------------------------------


def test_a_database_is_named_by_its_file_in_db_and_in_soviet_db(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    founded = soviet("init", "--charter", str(WORKS), "--db", "./org/works.db", cwd=tmp_path)
    assert founded.returncode == 0, founded.stderr
    assert (tmp_path / "org" / "works.db").is_file()
    assert (tmp_path / "org" / "works.key").is_file()  # beside the database, as with a URL
    for args, env in [
        (("--db", "org/works.db"), {}),
        (("--db", str(tmp_path / "org" / "works.db")), {}),
        (("--db", f"sqlite:///{tmp_path / 'org' / 'works.db'}"), {}),
        ((), {"SOVIET_DB": "org/works.db"}),
    ]:
        run = soviet("show", "members", "--json", *args, cwd=tmp_path, env=env)
        assert run.returncode == 0, run.stderr
        assert '"ada"' in run.stdout


def test_a_postgres_url_is_opened_with_psycopg(tmp_path: Path) -> None:
    url = "postgres://nobody@127.0.0.1:1/none"  # a port no server listens on
    for args, env in [
        (("--db", url), {}),
        ((), {"SOVIET_DB": url.replace("postgres:", "postgresql:")}),
    ]:
        run = soviet("log", *args, cwd=tmp_path, env=env)
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("error: cannot open database 'postgresql+psycopg://nobody@")
        assert run.stderr.count("\n") == 1


def test_a_missing_database_file_is_refused_naming_it(tmp_path: Path) -> None:
    run = soviet("show", "members", "--db", "nothing-here.db", cwd=tmp_path)
    assert run.returncode == 2
    assert "no soviet organization in 'sqlite:///nothing-here.db'" in run.stderr
    assert not (tmp_path / "nothing-here.db").exists()


# -- BLT names without quotes ------------------------------------------------------------------

BARE = """\
3 1
4 1 0
3 2 0
2 3 1 0
0
Ada Lovelace
Bo
Cy
Pets
"""


def test_a_blt_file_with_names_without_quotes_is_counted_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "pets.blt").write_text(BARE, encoding="utf-8")
    run = soviet_count("count", "pets.blt", "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert '"Ada Lovelace"' in run.stdout
    assert run.stderr.splitlines() == [
        "warning: pets.blt:6: names without quotes (4 lines, the first here), each line read "
        'as one name; quote them ("Castor") to be sure they are read as meant'
    ]


@pytest.mark.parametrize(
    ("names", "line", "says"),
    [
        ("Ada\nBo\n", 7, "expected 3 candidate names, found 2"),
        ('Ada\nBo "the" cat\nCy\n', 7, "a name without quotes holds a quote"),
        ('"Ada" Bo\n"Bo"\n"Cy"\n', 6, "expected a quoted name, found 'Bo'"),
    ],
)
def test_a_malformed_name_section_is_refused_naming_its_line_and_no_warning(
    tmp_path: Path, names: str, line: int, says: str
) -> None:
    (tmp_path / "pets.blt").write_text(BARE.split("0\nAda")[0] + "0\n" + names, encoding="utf-8")
    run = soviet_count("count", "pets.blt", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith(f"error: pets.blt:{line}: {says}")


# -- a charter's problems, all at once --------------------------------------------------------


def test_every_problem_of_a_charter_is_reported_one_a_line_and_nothing_is_written(
    cli: Cli, tmp_path: Path
) -> None:
    text = WORKS.read_text(encoding="utf-8")
    for old, new in [('method = "approval"', 'method = "borda"'), ('id = "emil"', 'id = "Emil"')]:
        assert text.count(old) == 1
        text = text.replace(old, new)
    charter = tmp_path / "charter.toml"
    charter.write_text(text, encoding="utf-8")
    before = cli.snapshot()
    run = cli.run("init", "--charter", str(charter), code=2)
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: {charter}: 2 problems; nothing was adopted"
    assert [line.split(": ")[1] for line in lines[1:]] == ["members[4].id", "offices[2].method"]
    assert all(line.startswith(f"{charter}:") for line in lines[1:])
    assert "unknown method 'borda'" in lines[2]
    assert cli.snapshot() == before
