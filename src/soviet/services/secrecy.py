"""Acts of secret ballots, as a member's own client takes them: encrypt a ballot, take the
next step of a key ceremony, decrypt a share of a tally. The private parts — a ballot's
credential, a trustee's seed — are made and kept here, on the member's machine; only what
the Belenios protocol publishes reaches the log (`soviet.domain.secrecy`).

A trustee's seeds live in their key file (JSON, mode 0600): every seed they drew, each
for one ceremony, found again by the verification key its certificate carries.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from soviet.domain import commands as cmd
from soviet.domain import secrecy
from soviet.domain.events import Recorded
from soviet.domain.secrecy import group
from soviet.errors import InputError, NotFound, Refused
from soviet.services.deciding import act
from soviet.services.ports import Workspace

# Belenios (and gmpy2) is imported where a ballot is encrypted, a tracker found or a
# trustee acts: a vote in the open, which asks `sealed_vote` first, needs none of it.
if TYPE_CHECKING:
    from soviet.belenios import ballots as bb


def sealed_vote(ws: Workspace, vote: str) -> secrecy.SealedVote | None:
    """The vote's secret record; None for an open vote (NotFound for no such election or
    petition)."""
    if secrecy.is_petition(vote):
        ws.petition(vote)
    elif secrecy.is_motion(vote):
        ws.motion(vote)
    else:
        ws.election(vote)
    return secrecy.sealed_of(ws.secret_rows(secrecy.vote_subject(vote)))


def ceremony(ws: Workspace, seq: int) -> secrecy.Ceremony:
    rows = ws.secret_rows(secrecy.ceremony_subject(seq))
    if not rows:
        raise NotFound("key ceremony", str(seq))
    return secrecy.ceremony_of(rows)


def latest_ceremony(ws: Workspace, office: str) -> secrecy.Ceremony | None:
    opened = ws.secret_rows(secrecy.office_subject(office))
    return ceremony(ws, opened[-1].seq) if opened else None


# -- voting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """A secret ballot recorded, and its tracker: the voter checks it with `soviet tracker`."""

    recorded: Recorded
    tracker: str


def choices_of(
    election: bb.Election, candidates: tuple[str, ...], names: list[str], blank: bool
) -> list[int]:
    """The one question's answer as Belenios reads it: blank first, then each candidate."""
    if blank:
        return [1, *([0] * len(candidates))]
    for name in names:
        if name not in candidates:
            raise Refused(f"{name!r} is not a candidate (the candidates: {', '.join(candidates)})")
    if len(set(names)) != len(names):
        raise Refused("a ballot names each candidate at most once")
    most = election.questions[0].max
    if len(names) > most:
        raise Refused(f"this secret ballot names at most {most} candidate(s), not {len(names)}")
    return [0, *(int(c in names) for c in candidates)]


def vote(
    ws: Workspace,
    election_id: str,
    names: list[str],
    voter: str,
    *,
    blank: bool = False,
    ballot: str | None = None,
) -> Cast:
    """`soviet vote ELECTION CHOICE… --as MEMBER` in a secret election: the ballot is
    encrypted here with a fresh credential, its proofs made, and the statement carrying
    it signed by the voter; or `ballot`, one made elsewhere (belenios-tool's
    `generate-ballot`), carried as it is."""
    from soviet.belenios import ballots as bb
    from soviet.belenios import credentials

    vote = sealed_vote(ws, election_id)
    if vote is None:
        raise Refused(f"election {election_id} is not secret: vote in the open")
    if ballot is None:
        election = vote.election()
        candidates = ws.election(election_id).candidates
        answer = choices_of(election, candidates, names, blank)
        ballot = _belenios(lambda: bb.make_ballot(election, credentials.new_credential(), [answer]))
    recorded = act(ws, cmd.CastSealedBallot(voter, election_id, ballot))
    return Cast(recorded, bb.tracker(ballot))


def yes_no_vote(ws: Workspace, vote_id: str, choice: str, voter: str) -> Cast:
    """`soviet recall vote PETITION yes|no|abstain --as MEMBER` in a secret recall vote,
    or `soviet motion vote MOTION …` on a secret motion: yes or no encrypted, an
    abstention a blank ballot."""
    from soviet.belenios import ballots as bb
    from soviet.belenios import credentials

    vote = sealed_vote(ws, vote_id)
    if vote is None:
        raise Refused(f"the vote on {vote_id} is not secret: vote in the open")
    election = vote.election()
    answer = secrecy.recall_answer(choice)
    ballot = _belenios(lambda: bb.make_ballot(election, credentials.new_credential(), [answer]))
    recorded = act(ws, cmd.CastSealedBallot(voter, vote_id, ballot))
    return Cast(recorded, bb.tracker(ballot))


@dataclass(frozen=True)
class Tracked:
    """Where a tracker is: the seq of its ballot, who cast it, whether it is its voter's
    latest (the one counted), and whether the tally logged since counts it."""

    tracker: str
    seq: int
    voter: str
    latest: bool
    tallied: bool | None  # None while the vote is open


def track(ws: Workspace, election_id: str, tracker: str) -> Tracked:
    """`soviet tracker ELECTION TRACKER`: find a ballot by its tracker."""
    from soviet.belenios import ballots as bb

    vote = sealed_vote(ws, election_id)
    if vote is None:
        raise Refused(f"election {election_id} is not secret: its ballots are in the open")
    for seq, voter, text in vote.every:
        if bb.tracker(text) == tracker:
            latest = vote.ballots[voter][0] == seq
            tallied = None if vote.tally is None else latest
            return Tracked(tracker, seq, voter, latest, tallied)
    raise NotFound("ballot with tracker", tracker)


# -- trustees ------------------------------------------------------------------------------


def _read_seeds(path: Path) -> list[str]:
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        seeds = data["seeds"]
        if not isinstance(seeds, list) or not all(isinstance(s, str) for s in seeds):
            raise ValueError("seeds is not a list of strings")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path}: not a trustee key file ({error})") from None
    return seeds


def _write_seeds(path: Path, seeds: list[str]) -> None:
    """The key file, replaced atomically, readable by its owner alone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"seeds": seeds}, out)
    os.replace(temporary, path)


def _seed_for(path: Path, cert: str) -> str:
    """The seed of the key file whose keys the certificate carries."""
    from soviet.belenios import threshold

    mine = threshold.check_cert(group(), cert, "the certificate").verification
    for seed in _read_seeds(path):
        if threshold.keys_from_seed(group(), seed).verification == mine:
            return seed
    raise InputError(
        f"{path} holds no seed of this ceremony's certificate: use the key file you began "
        "it with (--key)"
    )


@dataclass(frozen=True)
class Step:
    """What `soviet trustee keygen` did: the step it logged (None when there was nothing
    to do yet) and the ceremony as it stands."""

    recorded: Recorded | None
    step: str | None
    ceremony: secrecy.Ceremony | None
    waiting: list[str]


def keygen(ws: Workspace, office: str, actor: str, key: Path) -> Step:
    """`soviet trustee keygen OFFICE --as MEMBER`: the member's next step of the office's
    key ceremony — a certificate (which begins a ceremony of the office's live holders
    when none of them is under way), a polynomial once every certificate is in, an output
    once every polynomial is — or nothing, saying whom it waits for."""
    from soviet.belenios import threshold

    if office not in ws.offices():
        raise NotFound("office", office)
    latest = latest_ceremony(ws, office)
    step = _next_step(latest, actor)
    if step is None:
        assert latest is not None
        return Step(None, None, latest, latest.waiting())
    kept = _read_seeds(key)
    if step == "cert":
        seed = threshold.new_seed()
        _write_seeds(key, [*kept, seed])  # kept before it is logged: a seed is never lost
        message = threshold.make_cert(group(), seed)
    else:
        assert latest is not None
        certs = latest.of("cert")
        seed = _seed_for(key, latest.messages["cert"][actor])
        if step == "polynomial":
            message = threshold.make_polynomial(group(), seed, certs, latest.threshold)
        else:
            vinputs = threshold.make_vinputs(group(), certs, latest.of("polynomial"))
            index = latest.trustees.index(actor)
            message = threshold.make_voutput(group(), seed, certs, vinputs[index])
    try:
        recorded = act(ws, cmd.TakeTrusteeStep(actor, office, step, message))
    except BaseException:
        if step == "cert":
            _write_seeds(key, kept)  # refused: the seed drawn for it is of no ceremony
        raise
    after = latest_ceremony(ws, office)
    return Step(recorded, step, after, after.waiting() if after else [])


def _next_step(latest: secrecy.Ceremony | None, actor: str) -> str | None:
    """The actor's step: a certificate unless a ceremony they are in is under way."""
    if latest is None or actor not in latest.trustees or latest.keyed is not None:
        return "cert"
    due = latest.due
    if due is None or actor in latest.messages.get(due, {}):
        return None
    return due


def decrypt(ws: Workspace, vote_id: str, actor: str, key: Path) -> Recorded:
    """`soviet trustee decrypt VOTE --as MEMBER`: the trustee's share of the tally's
    decryption, with its proofs, from the seed in their key file."""
    from soviet.belenios import tally as bt
    from soviet.belenios import threshold
    from soviet.belenios.wire import dumps

    vote = sealed_vote(ws, vote_id)
    if vote is None:
        raise Refused(f"vote {vote_id} is not secret: nothing to decrypt")
    if vote.tally is None:
        raise Refused(f"vote {vote_id} is not tallied yet: trustees decrypt after the close")
    keyed = ceremony(ws, vote.setup.ceremony)
    if actor not in keyed.trustees:
        raise Refused(f"{actor!r} is not a trustee of vote {vote_id} (ceremony {keyed.seq})")
    certs = keyed.of("cert")
    seed = _seed_for(key, keyed.messages["cert"][actor])
    secret = threshold.decryption_key(group(), seed, certs, keyed.messages["voutput"][actor])
    election = vote.election()
    encrypted = secrecy.tally_of(vote, election)
    share = dumps(bt.partial_decryption(election, encrypted, secret))
    return act(ws, cmd.ShareTally(actor, vote_id, share))


def _belenios(make: object) -> str:
    from soviet.belenios.errors import BeleniosError

    try:
        assert callable(make)
        text = make()
    except BeleniosError as error:
        raise Refused(str(error)) from None
    assert isinstance(text, str)
    return text


# -- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    """A secret vote written as a Belenios archive: where, and what it holds."""

    path: Path
    uuid: str
    ballots: int
    shares: int
    result: list[list[int]] | None


def export(ws: Workspace, vote_id: str, directory: Path) -> Exported:
    """`soviet export-belenios VOTE DIR`: the vote as a Belenios 2.0 archive, `UUID.bel`
    in DIR, which `belenios-tool election verify --dir DIR` checks: the election, its
    trustees (the Pedersen parameters of its key ceremony) and the public credentials of
    the counted ballots; each voter's latest ballot; once closed, the encrypted tally as
    logged, each trustee's share as logged and the result as the log's close gives it.

    Only the counted ballots are exported: each voter's ballots carry fresh credentials,
    so Belenios, which keeps one ballot per credential, would count the replaced ones."""
    from datetime import datetime

    from soviet.belenios.archive import ArchiveWriter
    from soviet.belenios.wire import dumps

    vote = sealed_vote(ws, vote_id)
    if vote is None:
        raise Refused(f"vote {vote_id} is not secret: there is no Belenios election to export")
    key = ceremony(ws, vote.setup.ceremony)
    election = vote.election()
    counted = sorted(vote.ballots.values())
    credentials_of = [str(_belenios_credential(text)) for _, text in counted]
    started = int(datetime.fromisoformat(vote.started.replace("Z", "+00:00")).timestamp())
    result = None if vote.result is None else [list(vote.result)]
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} is not a folder")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{vote.setup.uuid}.bel"
    if path.exists():
        raise InputError(f"{path} exists already: export into an empty folder")
    with ArchiveWriter(path, started) as out:
        setup = {
            "election": out.add_data(vote.setup.election),
            "trustees": out.add_data(dumps(secrecy.trustees_json(key))),
            "credentials": out.add_data(dumps(sorted(credentials_of))),
        }
        out.add_event("Setup", out.add_data(dumps(setup)))
        for _, text in counted:
            out.add_event("Ballot", out.add_data(text))
        if vote.tally is not None:
            out.add_event("EndBallots")
            tally = out.add_data(vote.tally.tally)
            sized = {
                "num_tallied": vote.tally.ballots,
                "total_weight": vote.tally.weight,
                "encrypted_tally": tally,
            }
            out.add_event("EncryptedTally", out.add_data(dumps(sized)))
            for owner, (_, share) in sorted(vote.shares.items()):
                owned = {"owner": owner, "payload": out.add_data(share)}
                out.add_event("PartialDecryption", out.add_data(dumps(owned)))
            if result is not None:
                out.add_event("Result", out.add_data(dumps({"result": result})))
    del election
    return Exported(path, vote.setup.uuid, len(counted), len(vote.shares), result)


def _belenios_credential(text: str) -> int:
    value = json.loads(text)
    return int(value["credential"])
