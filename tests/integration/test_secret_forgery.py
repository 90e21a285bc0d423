"""Forgeries of a secret election by whoever holds the database, the log's key and the
members' own keys: a ballot's ciphertext or proof, a trustee's decryption share, the
encrypted tally or the decrypted result changed, the acts signed anew — so only the
rules can tell. `verify` re-derives every act, checking each ballot's and each share's
proofs, and recounting the close by decrypting again, and fails at the seq of the
forgery. The same log exported as a Belenios archive fails `belenios-tool election
verify` — but for the winners, which no archive carries, and the encrypted tally, which
that verifier takes again from the ballots without reading it (soviet's own audit of the
archive compares them).

One organization is built for the module: the print shop elects its tellers in the open,
they run their key ceremony, and the board is elected by secret ballot (seven voters, one
of them blank, and one revote), its tally decrypted by two of the three tellers. Each
test forges its own copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from integration.conftest import START, Databases
from integration.signed import SignedOrganization, verify
from integration.test_forgery import Built, Forge, fails_by_the_rules_at, forged, signed_anew
from soviet.belenios import wire
from soviet.belenios.archive import find_archive
from soviet.belenios.audit import verify_archive
from soviet.bootstrap import Settings, Soviet
from soviet.domain import events as ev
from soviet.domain.charter import parse_charter
from soviet.domain.clock import format_instant
from soviet.domain.events import Recorded
from soviet.domain.secrecy import group
from soviet.keyring import Keyring
from soviet.services import audit, elections, secrecy

SECRET = Path(__file__).parents[1] / "e2e" / "charters" / "secret.toml"
TELLERS = ("ben", "cai", "dan")
CANDIDATES = ("ana", "eve", "fay", "gus")
#: The board's secret ballots, in the order cast: fay votes again, cai casts a blank one.
BALLOTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ana", ("ana", "eve", "fay")),
    ("ben", ("ana", "eve")),
    ("dan", ("gus",)),
    ("eve", ("eve", "fay", "gus")),
    ("fay", ("gus",)),
    ("gus", ("ana",)),
    ("cai", ()),
    ("fay", ("ana", "fay")),
)


class SecretShop(SignedOrganization):
    """The print shop of tests/e2e/charters/secret.toml, founded by `Soviet.found` with a
    signing key in `key_path`, every member enrolled with their own key."""

    def __init__(self, url: str, key_path: Path) -> None:
        self.url = url
        self.clock = START
        self.keyring = Keyring()
        self.soviet = Soviet(
            Settings(url, format_instant(START), key_path),
            create=True,
            signer=self.keyring,
            codes_path=key_path.with_name(f"{key_path.stem}.codes.csv"),
        )
        charter = parse_charter(SECRET.read_text(encoding="utf-8"), str(SECRET))
        self.soviet.found(charter)
        self.founding = len(charter.members) * 2 + 1 + len(charter.holdings)
        self.soviet.enroll(self.soviet.founding_codes, self.keyring)


def story(org: SecretShop, keys: Path) -> None:
    """The tellers elected in the open and keyed; the board elected by secret ballot and
    decrypted by ben and cai."""
    org.act(audit.schedule)
    tellers = org.pending("tellers").id
    for member in TELLERS:
        org.tick(hours=0.1)
        org.act(partial(elections.nominate, election_id=tellers, candidate=member, actor=member))
    org.act(lambda ws: elections.start(ws, tellers, "ana"))
    for voter in sorted(org.pending("tellers").roll):
        org.tick(hours=0.1)
        org.act(partial(elections.vote, election_id=tellers, choice=TELLERS, voter=voter))
    org.act(lambda ws: elections.close(ws, tellers, "ana"))
    for _ in range(3):  # the certificates, the polynomials, the outputs
        for teller in TELLERS:
            org.tick(hours=0.1)
            key = keys / f"{teller}.trustee.key"
            org.act(partial(secrecy.keygen, office="tellers", actor=teller, key=key))
    board = org.pending("board").id
    for member in CANDIDATES:
        org.tick(hours=0.1)
        org.act(partial(elections.nominate, election_id=board, candidate=member, actor=member))
    org.act(lambda ws: elections.start(ws, board, "ana"))
    for voter, names in BALLOTS:
        org.tick(hours=0.1)
        org.act(
            partial(
                secrecy.vote, election_id=board, names=list(names), voter=voter, blank=not names
            )
        )
    org.tick(hours=0.1)
    org.act(lambda ws: elections.close(ws, board, "ana"))
    for teller in TELLERS[:2]:
        org.tick(hours=0.1)
        key = keys / f"{teller}.trustee.key"
        org.act(partial(secrecy.decrypt, vote_id=board, actor=teller, key=key))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("secret-forgery")
    databases = Databases(folder)
    key = folder / "soviet.key"
    org = SecretShop(databases.new(), key)
    try:
        story(org, folder)
        yield Built(org.url, key, org.events(), org.keyring)
    finally:
        org.dispose()
        databases.drop_all()


# -- forging a secret vote -----------------------------------------------------------------


def board(built: Built) -> str:
    """The secret election's id."""
    return str(next(e for e in built.events if "secret" in e.data).data["election"])


def changing(seq: int, change: Callable[[Recorded], Recorded]) -> Forge:
    """The log with the event at `seq` changed."""
    return lambda rows: [change(e) if e.seq == seq else e for e in rows]


def moved(element: str) -> str:
    """Another element of the group: this one times its generator (for a choice's beta, a
    vote added)."""
    return str(group().times(int(element), group().g))


def shifted(exponent: str) -> str:
    """Another exponent: this one plus one, modulo the group's order."""
    return str((int(exponent) + 1) % group().q)


def rehashed(ballot: dict[str, Any]) -> str:
    """The ballot's text with its signed hash made the hash of what it now says, so that
    its checks reach its proofs; its signature, which only its credential's private key
    could make again, left as it was."""
    unsigned = {k: v for k, v in ballot.items() if k != "signature"}
    signature = {**ballot["signature"], "hash": wire.fingerprint(wire.dumps(unsigned))}
    return wire.dumps({**unsigned, "signature": signature})


def ballot_changed(text: str, change: Callable[[dict[str, Any]], None]) -> str:
    """A ballot's text with its one answer changed in place by `change`, rehashed."""
    ballot = json.loads(text)
    assert rehashed(ballot) == text, "the ballot's signed hash is not of its text as written"
    change(ballot["answers"][0])
    changed = rehashed(ballot)
    assert changed != text
    return changed


def sealed_anew(built: Built, e: Recorded, text: str) -> Recorded:
    """The secret ballot `e` carrying `text` instead, in its event and in its voter's
    statement, which the voter's own key signs anew."""
    again = signed_anew(built, e, ballot=text)  # the statement's field is `ballot`
    return replace(again, data={**e.data, "sealed": text})


def counted_ballot(built: Built, voter: str) -> Recorded:
    """The voter's latest ballot in the secret election: the one counted and exported."""
    election = board(built)
    return [
        e
        for e in built.events
        if e.type == ev.BALLOT_CAST and e.data["election"] == election and e.actor == voter
    ][-1]


def fails_by_the_rules_and_the_recount_at(url: str, seq: int, says: str) -> None:
    """`verify` fails first at `seq`, where both the re-derivation of the rules and the
    recount of the secret tally say `says`."""
    report = verify(url)
    assert not report.ok, "the forged log verified"
    failing = {name for name, check in report.checks.items() if not check.ok}
    assert failing == {"rules", "counts"}, (failing, report.discrepancies)
    assert report.first is not None and report.first.seq == seq, report.discrepancies
    for check in ("rules", "counts"):
        found = [d for d in report.checks[check].found if d.seq == seq]
        assert any(says in d.detail for d in found), (check, report.discrepancies)


# -- the Belenios archive ------------------------------------------------------------------


def exported(built: Built, url: str, folder: Path) -> Path:
    """The secret election of the log at `url` exported as a Belenios archive into
    `folder`, as `soviet export-belenios` writes it."""
    soviet = Soviet(Settings(url, built.events[-1].at, built.key))
    try:
        with soviet.unit_of_work() as ws:
            done = secrecy.export(ws, board(built), folder)
            assert not ws.recorded
    finally:
        soviet.dispose()
    assert done.ballots == 7 and done.shares == 2
    return folder


def belenios_verify(folder: Path) -> tuple[bool, str]:
    """Whether `belenios-tool election verify --dir FOLDER` passes, and what it says;
    skips the test when the tool is not installed."""
    tool = shutil.which("belenios-tool")
    if tool is None:
        pytest.skip("belenios-tool is not installed (apt-get install belenios-tool)")
    done = subprocess.run(
        [tool, "election", "verify", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    said = done.stdout + done.stderr
    return done.returncode == 0 and "all checks passed" in said, said


def belenios_refuses(built: Built, url: str, folder: Path) -> None:
    passed, said = belenios_verify(exported(built, url, folder))
    assert not passed, f"belenios-tool verified the forged archive: {said}"


# -- the tests -----------------------------------------------------------------------------


def test_the_built_log_verifies_and_so_does_a_copy_made_as_forgeries_are(
    built: Built, databases: Databases, tmp_path: Path
) -> None:
    closed = built.find(ev.ELECTION_CLOSED, election=board(built))
    assert closed.data["result"]["secret"] == {
        "blank": 1,
        "answers": list(CANDIDATES),
        "marks": [4, 3, 3, 2],
    }
    cast = [e for e in built.events if e.type == ev.BALLOT_CAST and "sealed" in e.data]
    assert [e.actor for e in cast] == [voter for voter, _ in BALLOTS]
    assert [e.data.get("replaces") for e in cast][-1] == cast[4].seq  # fay's first ballot
    assert verify(built.url).ok
    url = forged(built, databases, lambda rows: rows)
    assert verify(url).ok
    # the export of an unchanged copy passes Belenios's own verifier: what fails below
    # fails for the forgery
    passed, said = belenios_verify(exported(built, url, tmp_path / "bel"))
    assert passed, said


@pytest.mark.parametrize("part", ["alpha", "beta"])
def test_a_ballot_whose_ciphertext_is_altered_and_signed_anew_fails_at_the_ballot(
    built: Built, databases: Databases, tmp_path: Path, part: str
) -> None:
    ballot = counted_ballot(built, "gus")  # gus chose ana alone: his choice of eve changed

    def change(answer: dict[str, Any]) -> None:
        eve = answer["choices"][2]  # the blank choice first, then ana, eve, fay, gus
        eve[part] = moved(eve[part])

    text = ballot_changed(str(ballot.data["sealed"]), change)
    url = forged(built, databases, changing(ballot.seq, lambda e: sealed_anew(built, e, text)))
    fails_by_the_rules_at(url, ballot.seq, "answer 1, choice 2: individual proof does not verify")
    belenios_refuses(built, url, tmp_path / "bel")


@pytest.mark.parametrize(
    ("proof", "field", "says"),
    [
        ("individual", "challenge", "answer 1, choice 1: individual proof does not verify"),
        ("individual", "response", "answer 1, choice 1: individual proof does not verify"),
        ("overall", "response", "overall proof does not verify"),
    ],
)
def test_a_ballot_whose_proof_is_forged_and_signed_anew_fails_at_the_ballot(
    built: Built, databases: Databases, tmp_path: Path, proof: str, field: str, says: str
) -> None:
    ballot = counted_ballot(built, "eve")

    def change(answer: dict[str, Any]) -> None:
        if proof == "individual":
            forging = answer["individual_proofs"][1][0]  # ana's choice, its first proof
        else:
            forging = answer["overall_proof"][0]
        forging[field] = shifted(forging[field])

    text = ballot_changed(str(ballot.data["sealed"]), change)
    url = forged(built, databases, changing(ballot.seq, lambda e: sealed_anew(built, e, text)))
    fails_by_the_rules_at(url, ballot.seq, says)
    belenios_refuses(built, url, tmp_path / "bel")


@pytest.mark.parametrize("teller", ["ben", "cai"])
def test_a_decryption_share_with_a_wrong_factor_signed_anew_fails_at_the_share(
    built: Built, databases: Databases, tmp_path: Path, teller: str
) -> None:
    shared = built.find(ev.TALLY_SHARED, vote=board(built), owner=TELLERS.index(teller) + 1)
    share = json.loads(str(shared.data["share"]))
    factors = share["decryption_factors"][0]
    factors[1] = moved(factors[1])  # ana's
    text = wire.dumps(share)
    url = forged(
        built, databases, changing(shared.seq, lambda e: signed_anew(built, e, share=text))
    )
    fails_by_the_rules_at(
        url, shared.seq, "decryption share, question 1, answer 1: decryption proof does not"
    )
    belenios_refuses(built, url, tmp_path / "bel")


def test_a_close_whose_secret_marks_are_changed_fails_at_the_close(
    built: Built, databases: Databases, tmp_path: Path
) -> None:
    closed = built.find(ev.ELECTION_CLOSED, election=board(built))
    result = closed.data["result"]
    forged_result = {**result, "secret": {**result["secret"], "marks": [4, 2, 3, 3]}}
    url = forged(
        built,
        databases,
        changing(closed.seq, lambda e: replace(e, data={**e.data, "result": forged_result})),
    )
    fails_by_the_rules_and_the_recount_at(url, closed.seq, "result.secret.marks[1]")
    belenios_refuses(built, url, tmp_path / "bel")


def test_a_close_whose_winners_are_changed_fails_at_the_close_though_belenios_cannot_tell(
    built: Built, databases: Databases, tmp_path: Path
) -> None:
    closed = built.find(ev.ELECTION_CLOSED, election=board(built))
    url = forged(
        built,
        databases,
        changing(
            closed.seq, lambda e: replace(e, data={**e.data, "winners": ["ana", "fay", "gus"]})
        ),
    )
    fails_by_the_rules_and_the_recount_at(url, closed.seq, "winners[2]")
    # A Belenios archive carries the counts, not who is seated: the export of this log is
    # that of the true one, and Belenios's verifier passes it. Only `verify` tells.
    passed, said = belenios_verify(exported(built, url, tmp_path / "bel"))
    assert passed, said


@pytest.mark.parametrize("part", ["alpha", "beta"])
def test_an_encrypted_tally_changed_fails_at_the_tally(
    built: Built, databases: Databases, tmp_path: Path, part: str
) -> None:
    tallied = built.find(ev.VOTE_TALLIED, vote=board(built))
    tally = json.loads(str(tallied.data["tally"]))
    eve = tally[0][2]  # the blank ballots first, then ana, eve
    eve[part] = moved(eve[part])
    text = wire.dumps(tally)
    url = forged(
        built,
        databases,
        changing(tallied.seq, lambda e: replace(e, data={**e.data, "tally": text})),
    )
    fails_by_the_rules_at(url, tallied.seq, "differs: tally: logged")
    folder = exported(built, url, tmp_path / "bel")
    # The archive carries the forged tally, but belenios-tool 2.0's verifier never reads
    # an EncryptedTally's ciphertexts: it takes the tally again from the ballots, and
    # checks the shares and the result against that (an archive whose tally is all 1s
    # passes it too). Soviet's own audit of the archive compares them, and fails.
    passed, said = belenios_verify(folder)
    assert passed, said
    checked = verify_archive(find_archive(folder))
    assert not checked.ok
    assert any("not the product of the last ballots" in f for f in checked.failures), checked
