"""The API's reads in process: every GET route after a story that elects at every level
and opens a recall petition through the API. Each answer is the record `soviet show …
--json` prints (the same views, one serializer), carries the log's size, and the log's
pages, checkpoint and proofs check against the log's own key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from integration.conftest import Databases
from integration.served import Served
from integration.signed import SignedOrganization, elect_every_level
from soviet.domain import commands as cmd
from soviet.ledger import proofs
from soviet.ledger.checkpoints import Checkpoint, VerifierKey, open_checkpoint
from soviet.ledger.hashing import leaf_hash
from soviet.services import audit as audit_service
from soviet.services.proof_checks import event_entry
from soviet.storage import views

#: Each listing of the API, and the view `show … --json` prints it from.
LISTINGS = ("bodies", "offices", "mandates", "elections", "petitions", "members")


@dataclass
class Story:
    """The served federation after the story, and what the story made."""

    s: Served
    mandate: str  #: a1's deputy's mandate, which the petition would recall
    petition: str
    signed_at: int  #: the seq of the signature that opened the recall vote
    opened: dict[str, Any]  #: the answer to the petition's opening


@pytest.fixture
def story(databases: Databases, tmp_path: Path) -> Iterator[Story]:
    """Deputies elected at every level (four closes, each with a signed checkpoint), then
    through the API a recall petition against a1's deputy, signed until its recall vote
    opens, and one recall ballot."""
    s = Served(SignedOrganization(databases.new(), tmp_path / "log.key"))
    try:
        elect_every_level(s.org)
        mandate = s.get("/api/v1/mandates/a1.deputy:a1-2").json()["id"]
        opened = s.act("mandates", mandate, cmd.OpenPetition("a1-3", mandate, "absent"))
        assert opened.status_code == 201, opened.text
        petition = opened.json()["events"][0]["data"]["petition"]
        signed = s.act("petitions", petition, cmd.SignPetition("a1-4", petition))
        assert [e["type"] for e in signed.json()["events"]][-1] == "recall.vote_opened"
        voted = s.act("petitions", petition, cmd.CastRecallVote("a1-5", petition, "yes"))
        assert voted.status_code == 201, voted.text
        yield Story(s, mandate, petition, signed.json()["events"][0]["seq"], opened.json())
    finally:
        s.org.dispose()


def got(s: Served, path: str) -> Any:
    """A read that answers 200 with the log's size in its header."""
    r = s.get(f"/api/v1{path}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert int(r.headers["Soviet-Log-Size"]) == s.size()
    return r.json()


# -- the records ---------------------------------------------------------------------------


@pytest.mark.parametrize("view", [v for v in LISTINGS if v != "petitions"])
def test_every_listing_and_record_is_what_show_json_prints(story: Story, view: str) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        listing = reads.view(view)
        records = {row["id"]: reads.record(view, row["id"]) for row in listing}
    assert listing, f"the story left no {view}"
    assert got(s, f"/{view}") == listing
    for ident, record in records.items():
        assert got(s, f"/{view}/{ident}") == record


def test_the_listing_of_petitions_is_what_show_json_prints(story: Story) -> None:
    with story.s.org.soviet.reading() as reads:
        listing = reads.view("petitions")
    assert got(story.s, "/petitions") == listing


def test_a_petition_carries_the_thresholds_it_must_reach(story: Story) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        record = reads.record("petitions", story.petition)
    answer = got(s, f"/petitions/{story.petition}")
    assert answer == record
    assert answer["thresholds"]["electorate"] == 8
    assert answer["thresholds"]["petition_needed"] == 2
    assert (answer["status"], answer["signatures"]) == ("voting", 2)
    assert answer["votes"] == {"yes": 1, "no": 0}


def test_a_mandate_is_read_by_its_id_or_as_office_and_holder(story: Story) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        record = reads.record("mandates", story.mandate)
    assert record is not None and (record["office"], record["holder"]) == ("a1.deputy", "a1-2")
    assert got(s, "/mandates/a1.deputy:a1-2") == record == got(s, f"/mandates/{story.mandate}")


def test_turnout_names_who_voted_and_never_what_they_chose(story: Story) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        election = views.turnout(reads.conn, "E1")
        petition = views.turnout(reads.conn, story.petition)
    assert got(s, "/elections/E1/turnout") == election
    assert got(s, f"/petitions/{story.petition}/turnout") == petition
    assert petition is not None
    assert [v["id"] for v in petition["voted"]] == ["a1-5"]
    assert "yes" not in str(petition)


def test_the_audit_is_the_purge_as_the_services_find_it(story: Story) -> None:
    with story.s.org.soviet.reading() as reads:
        findings = [f.to_json() for f in audit_service.findings(reads.projections())]
    assert got(story.s, "/audit") == findings


# -- the log -------------------------------------------------------------------------------


def test_the_log_reads_page_by_page_from_since_to_next(story: Story) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        whole = [e.to_json() for e in reads.events()]
    seen: list[dict[str, Any]] = []
    since: int | None = 1
    while since is not None:
        page = got(s, f"/log?since={since}&limit=7")
        assert (page["size"], page["since"]) == (len(whole), since)
        assert len(page["events"]) <= 7
        seen += page["events"]
        since = page["next"]
    assert [e["seq"] for e in seen] == list(range(1, len(whole) + 1))
    assert [_logged(e) for e in seen] == [_logged(e) for e in whole]
    tail = got(s, f"/log?since={len(whole) + 1}")
    assert (tail["events"], tail["next"]) == ([], None)


def _logged(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the log writes it: `clock` and `signed` only when it has them."""
    return {k: v for k, v in event.items() if k not in ("clock", "signed") or v is not None}


def test_the_log_is_the_json_of_the_log_itself(story: Story) -> None:
    s = story.s
    with s.org.soviet.reading() as reads:
        first = [e.to_json() for e in reads.events(1, 11)]
    assert got(s, "/log?limit=10")["events"] == first
    assert got(s, f"/log/{story.opened['events'][0]['seq']}") == story.opened


def test_an_act_read_at_its_seq_lists_its_consequences(story: Story) -> None:
    s = story.s
    act = got(s, f"/log/{story.signed_at}")
    with s.org.soviet.reading() as reads:
        events = [e.to_json() for e in reads.act_at(story.signed_at)]
    assert [_logged(e) for e in act["events"]] == events
    assert [e["type"] for e in events] == ["petition.signed", "recall.vote_opened"]
    assert events[1]["data"]["cause"] == story.signed_at
    assert act["size"] == events[-1]["seq"]
    assert act["checkpoint"] is not None
    assert Checkpoint.parse(act["checkpoint"].split("\n\n")[0].encode() + b"\n").size == act["size"]


def test_the_checkpoint_opens_with_the_verifier_key(story: Story) -> None:
    s = story.s
    answer = got(s, "/checkpoint")
    with s.org.soviet.reading() as reads:
        origin, verifier = reads.log_key()
    assert (answer["origin"], answer["verifier_key"]) == (origin, verifier)
    assert verifier is not None
    opened = open_checkpoint(answer["note"].encode(), VerifierKey.parse(verifier), origin)
    assert (opened.size, opened.root.hex()) == (answer["size"], answer["root"])
    assert answer["size"] == s.size()


def test_inclusion_and_consistency_proofs_verify_against_signed_checkpoints(
    story: Story,
) -> None:
    s = story.s
    now = got(s, "/checkpoint")
    key = VerifierKey.parse(now["verifier_key"])
    root = open_checkpoint(now["note"].encode(), key).root
    earlier = open_checkpoint(story.opened["checkpoint"].encode(), key)
    assert earlier.size < now["size"]
    with s.org.soviet.reading() as reads:
        events = {e.seq: e.to_json() for e in reads.events()}

    for seq in (1, earlier.size // 2, earlier.size, now["size"]):
        proof = proofs.from_json(got(s, f"/proofs/inclusion/{seq}"))
        assert isinstance(proof, proofs.InclusionProof)
        assert (proof.index, proof.size) == (seq - 1, now["size"])
        assert proof.leaf_hash == leaf_hash(event_entry(events[seq]))
        proof.verify(root)
    at_earlier = proofs.from_json(got(s, f"/proofs/inclusion/2?size={earlier.size}"))
    assert isinstance(at_earlier, proofs.InclusionProof)
    at_earlier.verify(earlier.root)

    consistency = proofs.from_json(got(s, f"/proofs/consistency?old={earlier.size}"))
    assert isinstance(consistency, proofs.ConsistencyProof)
    assert (consistency.old_size, consistency.new_size) == (earlier.size, now["size"])
    consistency.verify(earlier.root, root)
    explicit = got(s, f"/proofs/consistency?old={earlier.size}&new={now['size']}")
    assert explicit == consistency.to_json()


# -- what is not there ---------------------------------------------------------------------


UNKNOWN = [
    ("/bodies/atlantis", "atlantis"),
    ("/offices/atlantis.deputy", "atlantis.deputy"),
    ("/mandates/M999", "M999"),
    ("/mandates/atlantis.deputy:a1-2", "atlantis.deputy"),
    ("/mandates/a1.deputy:nobody", "nobody"),
    ("/elections/E999", "E999"),
    ("/elections/E999/turnout", "E999"),
    ("/petitions/P999", "P999"),
    ("/petitions/P999/turnout", "P999"),
    ("/elections/P1/turnout", "P1"),  # a petition is not an election
    ("/petitions/E1/turnout", "E1"),
    ("/members/nobody", "nobody"),
]


@pytest.mark.parametrize(("path", "ident"), UNKNOWN)
def test_an_unknown_id_is_404_naming_what_was_not_found(
    story: Story, path: str, ident: str
) -> None:
    r = story.s.get(f"/api/v1{path}")
    assert r.status_code == 404, r.text
    answer = r.json()
    assert set(answer) == {"error", "detail", "field"}
    assert answer["error"] == "not_found"
    assert repr(ident) in answer["detail"]
    assert answer["field"] is not None


def test_a_seq_beyond_the_log_is_404_naming_the_seq(story: Story) -> None:
    size = story.s.size()
    r = story.s.get(f"/api/v1/log/{size + 1}")
    assert r.status_code == 404
    assert r.json() == {
        "error": "not_found",
        "detail": f"the log has {size:,} events: no seq {size + 1}",
        "field": "seq",
    }


def test_a_mandate_named_by_a_holder_without_one_is_refused_naming_those_there_are(
    story: Story,
) -> None:
    r = story.s.get("/api/v1/mandates/a1.deputy:a1-5")
    assert 400 <= r.status_code < 500
    answer = r.json()
    assert "'a1-5' holds no active mandate of office 'a1.deputy'" in answer["detail"]
    assert f"{story.mandate} (a1-2)" in answer["detail"]
