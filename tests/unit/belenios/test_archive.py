"""Belenios archives: what is written reads back, every broken member is named, and the
bytes are belenios-tool's own, so that the tool accepts and extends what is written."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.belenios import wire
from soviet.belenios.archive import (
    EVENT_TYPES,
    Archive,
    ArchiveWriter,
    NotAnArchive,
    find_archive,
    read_archive,
)
from soviet.belenios.errors import BeleniosError

from .conftest import ToolElection

TIMESTAMP = 1796611317


def repack(
    archive: Archive,
    target: Path,
    edit: Callable[[str, str], str] = lambda _, text: text,
    until: int | None = None,
    then: Callable[[ArchiveWriter], None] | None = None,
) -> Path:
    """A copy of an archive with data changed by ``edit(hash, text)``, every member that
    refers to a changed one rewritten with the new hash: a chain that holds, so that only
    the checks of the content can find the change. ``until`` keeps the events up to that
    height (and the data before them); ``then`` writes more at the end."""
    renamed: dict[str, str] = {}
    events = {event.position: event for event in archive.events}
    items = {position: digest for digest, position in archive.positions.items()}
    last = max(events.keys() | items.keys())
    if until is not None:
        last = archive.events[until].position
    with ArchiveWriter(target, archive.header.timestamp) as writer:
        for position in sorted(events.keys() | items.keys()):
            if position > last:
                break
            if position in items:
                digest = items[position]
                text = archive.data[digest]
                for old, new in renamed.items():
                    text = text.replace(old, new)
                written = writer.add_data(edit(digest, text))
                if written != digest:
                    renamed[digest] = written
            else:
                event = events[position]
                payload = event.payload
                writer.add_event(event.type, renamed.get(payload, payload) if payload else None)
        if then is not None:
            then(writer)
    return target


def members(path: Path) -> list[tuple[str, bytes]]:
    """The members of a tar file, read by Python's own tar reader."""
    with tarfile.open(path) as tar:
        out = []
        for member in tar.getmembers():
            extracted = tar.extractfile(member)
            assert extracted is not None
            out.append((member.name, extracted.read()))
        return out


def pack(path: Path, contents: Sequence[tuple[str, bytes]]) -> Path:
    """A tar file of these members, written by Python's own tar writer."""
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in contents:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def event_member(event: dict[str, object]) -> tuple[str, bytes]:
    content = wire.dumps(event).encode()
    return f"{wire.sha256_hex(content)}.event.json", content


def small_archive(path: Path) -> tuple[Path, list[str]]:
    """An archive of a setup, two ballots and their end; returns it and its events' hashes."""
    with ArchiveWriter(path, TIMESTAMP) as writer:
        setup = writer.add_data('{"election":"e","trustees":"t","credentials":"c"}')
        events = [writer.add_event("Setup", setup)]
        for ballot in ('{"ballot":1}', '{"ballot":"é"}'):
            events.append(writer.add_event("Ballot", writer.add_data(ballot)))
        events.append(writer.add_event("EndBallots"))
    return path, events


def refused(path: Path) -> str:
    """Why an archive whose members or chain do not hold is refused."""
    with pytest.raises(BeleniosError) as raised:
        read_archive(path)
    assert not isinstance(raised.value, NotAnArchive)
    return str(raised.value)


def not_an_archive(path: Path) -> str:
    """Why a file that is no archive at all is refused."""
    with pytest.raises(NotAnArchive) as raised:
        read_archive(path)
    return str(raised.value)


def test_an_archive_written_reads_back_with_its_chain(tmp_path: Path) -> None:
    path, hashes = small_archive(tmp_path / "E.bel")
    archive = read_archive(path)
    assert archive.header.version == 1
    assert archive.header.timestamp == TIMESTAMP
    assert [event.type for event in archive.events] == ["Setup", "Ballot", "Ballot", "EndBallots"]
    assert [event.hash for event in archive.events] == hashes
    assert [event.height for event in archive.events] == [0, 1, 2, 3]
    assert [event.parent for event in archive.events] == [None, *hashes[:-1]]
    ballots = [archive.payload(event) for event in archive.events[1:3]]
    assert ballots == ['{"ballot":1}', '{"ballot":"é"}']
    assert archive.events[-1].payload is None
    for digest, text in archive.data.items():
        assert wire.sha256_hex(text) == digest


def test_the_members_are_dated_by_the_election_and_owned_by_no_one(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    with tarfile.open(path) as tar:
        infos = tar.getmembers()
    assert infos[0].name == "BELENIOS"
    assert {(info.mode, info.uid, info.gid, info.mtime) for info in infos} == {
        (0o644, 0, 0, TIMESTAMP)
    }
    assert members(path)[0][1] == b'{"version":1,"timestamp":"1796611317"}'
    assert path.stat().st_size % 512 == 0
    assert path.read_bytes()[-512:] != bytes(512)  # no end blocks: the archive grows


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(EVENT_TYPES), st.none() | st.text(max_size=700)), max_size=8)
)
def test_any_chain_of_events_and_data_reads_back_as_written(
    steps: list[tuple[str, str | None]],
) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        with ArchiveWriter(folder / "E.bel", 7) as writer:
            written = [
                (kind, None if text is None else writer.add_data(text), text)
                for kind, text in steps
            ]
            hashes = [writer.add_event(kind, payload) for kind, payload, _ in written]
        archive = read_archive(folder / "E.bel")
        assert [event.hash for event in archive.events] == hashes
        for event, (kind, payload, text) in zip(archive.events, written, strict=True):
            assert (event.type, event.payload) == (kind, payload)
            assert text is None or archive.payload(event) == text
    finally:
        shutil.rmtree(folder)


def test_a_member_renamed_is_named(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    contents = members(path)
    name, content = contents[3]
    wrong = "0" * 64 + ".data.json"
    contents[3] = (wrong, content)
    message = refused(pack(tmp_path / "renamed.bel", contents))
    assert wrong in message
    assert "hashes to" in message
    assert name.removesuffix(".data.json") in message


def test_a_member_altered_is_named(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    contents = members(path)
    name, _ = contents[3]
    contents[3] = (name, b'{"ballot":2}')
    message = refused(pack(tmp_path / "altered.bel", contents))
    assert name in message
    assert "hashes to" in message


def test_a_broken_parent_is_named(tmp_path: Path) -> None:
    path, hashes = small_archive(tmp_path / "E.bel")
    contents = members(path)
    ballot = contents[3][0].removesuffix(".data.json")
    forged = event_member(
        {"parent": hashes[0][::-1], "height": 1, "type": "Ballot", "payload": ballot}
    )
    contents[4] = forged
    message = refused(pack(tmp_path / "parent.bel", contents))
    assert forged[0] in message
    assert "parent" in message


def test_an_event_out_of_its_height_is_named(tmp_path: Path) -> None:
    path, hashes = small_archive(tmp_path / "E.bel")
    contents = members(path)
    ballot = contents[3][0].removesuffix(".data.json")
    forged = event_member({"parent": hashes[0], "height": 2, "type": "Ballot", "payload": ballot})
    contents[4] = forged
    message = refused(pack(tmp_path / "height.bel", contents))
    assert forged[0] in message
    assert "height 2, expected 1" in message


def test_an_event_whose_payload_is_missing_is_named(tmp_path: Path) -> None:
    path, hashes = small_archive(tmp_path / "E.bel")
    contents = members(path)
    ballot = contents[3][0].removesuffix(".data.json")
    forged = event_member({"parent": hashes[0], "height": 1, "type": "Ballot", "payload": ballot})
    del contents[3]  # the ballot's data
    contents[3] = forged
    message = refused(pack(tmp_path / "payload.bel", contents[:4]))
    assert forged[0] in message
    assert f"payload {ballot} is not in the archive" in message


def test_a_payload_that_comes_after_its_event_is_named(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    contents = members(path)
    contents[3], contents[4] = contents[4], contents[3]  # the event before its ballot
    message = refused(pack(tmp_path / "late.bel", contents))
    assert contents[3][0] in message
    assert "is not in the archive before it" in message


def test_an_event_of_an_unknown_type_is_named(tmp_path: Path) -> None:
    forged = event_member({"height": 0, "type": "Vote"})
    contents = [("BELENIOS", b'{"version":1,"timestamp":"1"}'), forged]
    message = refused(pack(tmp_path / "type.bel", contents))
    assert forged[0] in message
    assert "'Vote' is not a type of event" in message


def test_an_archive_must_start_with_its_header(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    contents = members(path)
    headless = pack(tmp_path / "headless.bel", contents[1:])
    assert "must start with BELENIOS" in not_an_archive(headless)
    contents[0] = ("BELENIOS", b'{"version":2,"timestamp":"1"}')
    assert "version 2" in not_an_archive(pack(tmp_path / "v2.bel", contents))


def test_a_file_that_is_not_a_tar_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "E.bel"
    path.write_text('{"version":1}\n' * 100)
    assert "not a tar archive" in not_an_archive(path)
    path.write_bytes(b"")
    assert "empty" in not_an_archive(path)
    assert "cannot be read" in not_an_archive(tmp_path / "absent.bel")
    assert "cannot be read" in not_an_archive(tmp_path)


def test_an_archive_cut_short_is_named(tmp_path: Path) -> None:
    path, _ = small_archive(tmp_path / "E.bel")
    data = path.read_bytes()
    (tmp_path / "short.bel").write_bytes(data[:-700])
    assert "cut short" in refused(tmp_path / "short.bel")
    (tmp_path / "torn.bel").write_bytes(data[:-1])
    assert "cut short" in refused(tmp_path / "torn.bel")


def test_the_one_archive_of_a_directory_is_found(tmp_path: Path) -> None:
    with pytest.raises(NotAnArchive, match="no such directory"):
        find_archive(tmp_path / "absent")
    with pytest.raises(NotAnArchive, match="no election archive"):
        find_archive(tmp_path)
    small_archive(tmp_path / "A.bel")
    assert find_archive(tmp_path) == tmp_path / "A.bel"
    small_archive(tmp_path / "B.bel")
    with pytest.raises(NotAnArchive, match=r"several archives \(A.bel, B.bel\)"):
        find_archive(tmp_path)
    with pytest.raises(NotAnArchive, match="not a directory"):
        find_archive(tmp_path / "A.bel")


def test_an_archive_of_belenios_tool_is_written_again_byte_for_byte(
    tool_election: ToolElection, tmp_path: Path
) -> None:
    archive = read_archive(tool_election.archive)
    copy = repack(archive, tmp_path / tool_election.archive.name)
    assert copy.read_bytes() == tool_election.archive.read_bytes()


def test_belenios_tool_verifies_and_extends_an_archive_written_here(
    belenios_tool: Path, tool_election: ToolElection, tmp_path: Path
) -> None:
    archive = read_archive(tool_election.archive)
    end = next(event for event in archive.events if event.type == "EndBallots")
    folder = tmp_path / "election"
    folder.mkdir()
    with ArchiveWriter(folder / tool_election.archive.name, TIMESTAMP) as writer:
        for event in archive.events[: end.height]:
            if event.type == "Setup":
                setup = wire.loads(archive.payload(event), "setup")
                for key in ("election", "trustees", "credentials"):
                    writer.add_data(archive.data[setup[key]])
            payload = None if event.payload is None else writer.add_data(archive.payload(event))
            writer.add_event(event.type, payload)

    def tool(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [str(belenios_tool), *arguments, f"--dir={folder}"]
        done = subprocess.run(command, input="", capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        return done

    tool("election", "verify")
    tool("archive", "add-event", "--type=EndBallots")
    extended = read_archive(folder / tool_election.archive.name)
    assert [event.type for event in extended.events] == [
        event.type for event in archive.events[: end.height + 1]
    ]
    assert extended.header.timestamp == TIMESTAMP
