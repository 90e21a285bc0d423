"""The signing key's files: never quoted, never open to others, never written through a link
or over a file, and put in place only once the founding they belong to is committed."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from soviet.errors import InputError
from soviet.ledger.notes import generate_key
from soviet.storage.keys import KeyFile, read_verifier

ORIGIN = "councils.example.org/works"


def secret_of(text: str) -> str:
    """The base64 seed of a signing key's text: what no message may show."""
    return text.strip().split("+", 4)[4]


def pieces(secret: str, size: int = 8) -> list[str]:
    """Every run of `size` characters of the secret."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def written_key(folder: Path) -> tuple[Path, str]:
    """A key file as `init` leaves it, and its text."""
    keys = KeyFile(folder / "soviet.key")
    keys.create(ORIGIN)
    keys.install()
    path = folder / "soviet.key"
    return path, path.read_text(encoding="ascii")


DAMAGES: dict[str, Callable[[str], str]] = {
    "not-base64": lambda text: text.strip()[:-1] + "!\n",
    "truncated": lambda text: text.strip()[:-22] + "\n",
    "space-inside-the-key": lambda text: text[:-20] + " " + text[-20:],
    "key-wrapped-over-two-lines": lambda text: text[:-20] + "\n" + text[-20:],
    "key-of-the-wrong-length": lambda text: text.strip()[:-8] + "AAAA\n",
    "not-ascii": lambda text: text.replace("works", "wörks"),
    "prefix-lost": lambda text: text.replace("PRIVATE+KEY+", "", 1),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_key_file_is_refused_naming_it_without_quoting_any_of_the_key(
    tmp_path: Path, damage: Callable[[str], str]
) -> None:
    path, text = written_key(tmp_path)
    path.write_bytes(damage(text).encode("utf-8"))
    with pytest.raises(InputError) as refused:
        KeyFile(path).load()
    message = str(refused.value)
    assert f"the key file {path} is damaged" in message
    assert "restore it from a backup" in message
    assert "\n" not in message
    for piece in pieces(secret_of(text)):
        assert piece not in message, f"the message shows key material: {message}"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o620, 0o644], ids=oct)
def test_a_key_file_open_to_group_or_others_is_refused_with_the_chmod_that_fixes_it(
    tmp_path: Path, mode: int
) -> None:
    path, _ = written_key(tmp_path)
    path.chmod(mode)
    with pytest.raises(InputError) as refused:
        KeyFile(path).load()
    assert f"mode {mode:04o}" in str(refused.value)
    assert f"chmod 600 {path}" in str(refused.value)
    path.chmod(0o600)
    assert KeyFile(path).load() is not None


def test_a_key_file_its_owner_alone_may_read_is_loaded(tmp_path: Path) -> None:
    path, text = written_key(tmp_path)
    path.chmod(0o400)
    key = KeyFile(path).load()
    assert key is not None
    assert f"{key}\n" == text


def test_a_founding_key_reaches_its_place_only_when_installed(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "soviet.key")
    key = keys.create(ORIGIN)
    assert not (tmp_path / "soviet.key").exists()
    assert not (tmp_path / "soviet.pub").exists()
    keys.install()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["soviet.key", "soviet.pub"]
    assert stat.S_IMODE((tmp_path / "soviet.key").stat().st_mode) == 0o600
    assert (tmp_path / "soviet.key").read_text(encoding="ascii") == f"{key}\n"
    assert read_verifier(str(tmp_path / "soviet.pub")) == key.verifier()


def test_a_discarded_founding_key_leaves_no_file(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "soviet.key")
    keys.create(ORIGIN)
    keys.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("planted", ["soviet.key", "soviet.pub"])
@pytest.mark.parametrize("target_exists", [False, True], ids=["dangling", "to-a-file"])
def test_a_key_is_never_written_through_a_link_planted_where_it_goes(
    tmp_path: Path, planted: str, target_exists: bool
) -> None:
    target = tmp_path / "elsewhere" / "victim"
    target.parent.mkdir()
    if target_exists:
        target.write_text("not a key\n")
    (tmp_path / planted).symlink_to(target)
    keys = KeyFile(tmp_path / "soviet.key")
    with pytest.raises(InputError, match="a symbolic link"):
        keys.create(ORIGIN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", planted]
    assert [p.name for p in target.parent.iterdir()] == (["victim"] if target_exists else [])
    if target_exists:
        assert target.read_text() == "not a key\n"


def test_a_key_is_never_installed_over_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "soviet.key")
    keys.create(ORIGIN)
    (tmp_path / "soviet.key").write_text("someone else's\n")
    with pytest.raises(InputError) as refused:
        keys.install()
    assert (tmp_path / "soviet.key").read_text() == "someone else's\n"
    left = [p for p in tmp_path.iterdir() if p.name.startswith("soviet.key.")]
    assert len(left) == 1
    assert f"the key is in {left[0]}" in str(refused.value)


def test_a_missing_key_names_the_file_an_interrupted_founding_left(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "soviet.key")
    keys.create(ORIGIN)  # and the process ends before `install`
    (left,) = tmp_path.glob("soviet.key.*.tmp")
    with pytest.raises(InputError) as refused:
        KeyFile(tmp_path / "soviet.key").require()
    assert str(left) in str(refused.value)
    assert f"move it to {tmp_path / 'soviet.key'}" in str(refused.value)


def test_a_key_path_too_long_to_be_a_file_is_refused_as_input(tmp_path: Path) -> None:
    long = tmp_path / ("k" * 300)
    with pytest.raises(InputError, match="cannot use the key file"):
        KeyFile(long).exists()
    with pytest.raises(InputError, match="cannot write the key file"):
        KeyFile(long).create(ORIGIN)
    assert list(tmp_path.iterdir()) == []


def test_a_verifier_key_path_too_long_to_be_a_file_is_refused_as_input() -> None:
    with pytest.raises(InputError, match="neither a key file nor a verifier key"):
        read_verifier("v" * 300)


def test_a_verifier_key_text_too_long_to_be_a_file_name_is_read_as_a_key() -> None:
    verifier = generate_key("councils.example.org/" + "w" * 300).verifier()
    assert read_verifier(str(verifier)) == verifier


def test_a_key_file_is_read_through_a_link_its_owner_made(tmp_path: Path) -> None:
    path, text = written_key(tmp_path)
    link = tmp_path / "current.key"
    os.symlink(path, link)
    key = KeyFile(link).load()
    assert key is not None
    assert f"{key}\n" == text
