"""The README documents every command the CLI offers."""

from __future__ import annotations

from pathlib import Path

import typer

from soviet.cli import _register, app

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    assert info.callback is not None
    return info.callback.__name__.replace("_", "-")


def commands() -> list[str]:
    """Every command path: `audit`, `election open`, …"""
    _register()
    paths = [_name(c) for c in app.registered_commands]
    for group in app.registered_groups:
        assert group.typer_instance is not None and group.name is not None
        paths += [f"{group.name} {_name(c)}" for c in group.typer_instance.registered_commands]
    return paths


def test_every_command_appears_in_the_readme() -> None:
    missing = []
    for path in commands():
        group, _, sub = path.partition(" ")
        documented = f"`{path}" in README or (sub and f"`{group} " in README and sub in README)
        if not documented:
            missing.append(path)
    assert missing == []
    assert len(commands()) >= 15
