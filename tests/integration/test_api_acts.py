"""The API's acts in process: every statement type each resource takes, posted as a
member's browser posts it, answered with the act's event and every consequence; a
statement sent twice answered with the first's result; and every refusal answered 4xx
with the message the command line prints for it, writing nothing."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integration.conftest import START, Databases, city_federation
from integration.served import Served
from integration.signed import SignedOrganization, elect_every_level
from soviet import codes_file
from soviet.api.acts import RESOURCES
from soviet.bootstrap import Settings, Soviet
from soviet.domain import commands as cmd
from soviet.domain import enrollment, statements
from soviet.domain import events as ev
from soviet.domain.clock import format_instant
from soviet.domain.statements import signed_from_json
from soviet.keyring import Keyring, enrollment_of, statement
from soviet.services import audit as audit_service
from soviet.services.deciding import take


class QuorateOrganization(SignedOrganization):
    """The city federation, but a1's deputy is elected only if half its roll votes: its
    votes may be extended."""

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
        charter = city_federation()
        quorate = [
            replace(o, procedure=replace(o.procedure, election_quorum=Fraction(1, 2)))
            if o.id == "a1.deputy"
            else o
            for o in charter.offices
        ]
        charter = replace(charter, offices=tuple(quorate))
        self.soviet.found(charter)
        self.founding = len(charter.members) * 2 + 1
        self.soviet.enroll(self.soviet.founding_codes, self.keyring)


@pytest.fixture
def api(databases: Databases, tmp_path: Path) -> Iterator[Served]:
    """The city federation, served."""
    served = Served(SignedOrganization(databases.new(), tmp_path / "log.key"))
    try:
        yield served
    finally:
        served.org.dispose()


@pytest.fixture
def quorate_api(databases: Databases, tmp_path: Path) -> Iterator[Served]:
    """The city federation with a quorum on a1's deputy's elections, served."""
    served = Served(QuorateOrganization(databases.new(), tmp_path / "log.key"))
    try:
        yield served
    finally:
        served.org.dispose()


#: The hex SHA-256 of the tellers' sheet of paper ballots.
SHEET = hashlib.sha256(b"the tellers' sheet").hexdigest()


def posted(
    s: Served, resource: str, ident: str, signed: dict[str, Any], seen: dict[str, set[str]]
) -> dict[str, Any]:
    """Post a signed statement; assert it was recorded (201) with its own event first,
    signed with the very statement, and the log's size in the header; `seen` gathers
    the statement types posted, by resource."""
    before = s.size()
    r = s.post(f"/api/v1/{resource}/{ident}/acts", json=signed)
    assert r.status_code == 201, r.text
    answer: dict[str, Any] = r.json()
    first = answer["events"][0]
    assert first["signed"] == signed
    assert first["actor"] == signed["statement"]["actor"]
    assert first["seq"] == before + 1
    seqs = [e["seq"] for e in answer["events"]]
    assert seqs == list(range(before + 1, before + 1 + len(seqs)))
    assert answer["size"] == s.size() == int(r.headers["Soviet-Log-Size"])
    seen.setdefault(resource, set()).add(signed["statement"]["type"])
    return answer


def acted(
    s: Served, resource: str, ident: str, command: cmd.Command, seen: dict[str, set[str]]
) -> dict[str, Any]:
    return posted(s, resource, ident, s.signed(command), seen)


def types(answer: dict[str, Any]) -> list[str]:
    return [e["type"] for e in answer["events"]]


def data_of(answer: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in answer["events"] if e["type"] == kind]


def mandate_of(s: Served, office: str, holder: str) -> str:
    r = s.get(f"/api/v1/mandates/{office}:{holder}")
    assert r.status_code == 200, r.text
    ident: str = r.json()["id"]
    return ident


# -- every act ---------------------------------------------------------------------------

#: The statement types each story posts, by resource: together, every act the API takes.
MEMBERS_STORY = {
    "bodies": {"member.add"},
    "members": {
        "key.enroll",
        "key.rotate",
        "member.join",
        "member.leave",
        "member.reset-key",
        "member.codes",
    },
}
ELECTION_STORY = {
    "offices": {"election.open"},
    "elections": {
        "election.nominate",
        "election.accept",
        "election.withdraw",
        "election.start",
        "vote",
        "election.import-paper",
        "election.extend",
        "election.close",
    },
}
RECALL_STORY = {
    "mandates": {"recall.open", "mandate.resign"},
    "petitions": {"recall.sign", "recall.vote", "recall.close"},
}


#: The motions' story is `test_api_motions`'s.
MOTIONS_STORY = {
    "bodies": {"motion.propose"},
    "motions": {"motion.second", "motion.refer", "motion.start", "motion.vote", "motion.close"},
}


def test_the_stories_post_every_act_of_every_resource() -> None:
    stories: dict[str, set[str]] = {}
    for story in (MEMBERS_STORY, ELECTION_STORY, RECALL_STORY, MOTIONS_STORY):
        for resource, takes in story.items():
            stories.setdefault(resource, set()).update(takes)
    assert stories == {resource: set(takes) for resource, takes in RESOURCES.items()}


def test_members_are_admitted_enrolled_rotated_moved_and_reset_through_the_api(
    api: Served,
) -> None:
    s = api
    seen: dict[str, set[str]] = {}
    code = codes_file.draw()
    admit = cmd.AdmitMember("a1-1", "a1-9", "Nine", ("a1",), enrollment.code_hash(code))
    admitted = acted(s, "bodies", "a1", admit, seen)
    assert types(admitted) == [ev.MEMBER_ADMITTED]

    envelope, private = enrollment_of("a1-9", code, s.origin(), s.org.now)
    enrolled = posted(s, "members", "a1-9", envelope.to_json(), seen)
    assert types(enrolled) == [ev.MEMBER_KEY_REGISTERED]
    s.org.keyring.add("a1-9", private)

    fresh = Ed25519PrivateKey.generate()
    rotate = cmd.RotateKey("a1-9", statements.public_key_text(fresh))
    assert types(acted(s, "members", "a1-9", rotate, seen)) == [ev.MEMBER_KEY_REGISTERED]
    s.org.keyring.add("a1-9", fresh)

    joined = acted(s, "members", "a1-9", cmd.JoinBody("a1-1", "a1-9", "a2"), seen)
    assert types(joined) == [ev.MEMBER_JOINED]
    left = acted(s, "members", "a1-9", cmd.LeaveBody("a1-9", "a1-9", "a2"), seen)
    assert types(left) == [ev.MEMBER_LEFT]
    again = enrollment.code_hash(codes_file.draw())
    reset = acted(s, "members", "a1-9", cmd.ResetKey("a1-1", "a1-9", "lost", again), seen)
    assert types(reset) == [ev.MEMBER_KEY_RESET]
    issue = cmd.IssueCodes("a1-1", (("a1-9", enrollment.code_hash(codes_file.draw())),))
    assert types(acted(s, "members", "a1-1", issue, seen)) == [ev.CODES_ISSUED]

    assert seen == MEMBERS_STORY


def test_an_election_is_opened_run_and_closed_through_the_api(quorate_api: Served) -> None:
    s = quorate_api
    seen: dict[str, set[str]] = {}
    opened = acted(s, "offices", "a1.deputy", cmd.OpenElection("a1-1", "a1.deputy"), seen)
    assert types(opened) == [ev.ELECTION_OPENED]
    e = opened["events"][0]["data"]["election"]
    steps: list[cmd.Command] = [
        cmd.Nominate("a1-1", e, "a1-2"),
        cmd.AcceptNomination("a1-2", e, "a1-2"),
        cmd.Nominate("a1-1", e, "a1-3"),
        cmd.AcceptNomination("a1-3", e, "a1-3"),
        cmd.Nominate("a1-1", e, "a1-4"),
        cmd.Withdraw("a1-4", e, "a1-4"),
        cmd.StartElection("a1-1", e),
        *(cmd.CastBallot(voter, e, ("a1-2", "a1-3")) for voter in ("a1-1", "a1-2", "a1-3")),
        cmd.ExtendVote("a1-1", e, 1),  # 3 of 8 voted: short of the quorum
        cmd.ImportPaper("a1-4", e, ("a1-4", "a1-5"), ((2, ("a1-3",)),), 2, SHEET),
        *(cmd.CastBallot(voter, e, ("a1-2",)) for voter in ("a1-6", "a1-7", "a1-8")),
    ]
    for step in steps:
        acted(s, "elections", e, step, seen)
    closed = acted(s, "elections", e, cmd.CloseElection("a1-1", e), seen)

    assert types(closed)[0] == ev.ELECTION_CLOSED
    assert closed["events"][0]["data"]["winners"] == ["a1-2"]
    assert [d["holder"] for d in data_of(closed, ev.MANDATE_GRANTED)] == ["a1-2"]
    assert closed["checkpoint"] is not None  # a close logs a signed checkpoint
    assert seen == ELECTION_STORY


def test_a_recall_answers_with_every_lapse_and_by_election_it_set_off(api: Served) -> None:
    """a2-1 is a deputy of a2, so sits in the district council, which sent them to the
    city council, which made them its chair: recalling the first ends all three."""
    s = api
    elect_every_level(s.org)
    seen: dict[str, set[str]] = {}
    ended = {o: mandate_of(s, o, "a2-1") for o in ("a2.deputy", "district.deputy", "city.chair")}
    target = ended["a2.deputy"]
    opened = acted(s, "mandates", target, cmd.OpenPetition("a2-3", target, "absent"), seen)
    p = opened["events"][0]["data"]["petition"]
    signed = acted(s, "petitions", p, cmd.SignPetition("a2-4", p), seen)
    assert types(signed) == [ev.PETITION_SIGNED, ev.RECALL_VOTE_OPENED]  # 2 of 6
    for voter in ("a2-1", "a2-2", "a2-3", "a2-4", "a2-5", "a2-6"):
        vote = "no" if voter in ("a2-1", "a2-2") else "yes"
        acted(s, "petitions", p, cmd.CastRecallVote(voter, p, vote), seen)
    done = acted(s, "petitions", p, cmd.CloseRecallVote("a2-3", p), seen)

    closed, recalled = done["events"][0], done["events"][1]
    assert closed["type"] == ev.RECALL_CLOSED and closed["data"]["outcome"] == "recalled"
    assert recalled["type"] == ev.MANDATE_RECALLED and recalled["data"]["mandate"] == target
    lapses = [e for e in done["events"] if e["type"] == ev.MANDATE_LAPSED]
    assert {e["data"]["mandate"] for e in lapses} == {
        ended["district.deputy"],
        ended["city.chair"],
    }
    by_elections = [e for e in done["events"] if e["type"] == ev.ELECTION_OPENED]
    assert sorted(e["data"]["office"] for e in by_elections) == [
        "a2.deputy",
        "city.chair",
        "district.deputy",
    ]
    causes = {e["seq"] for e in [closed, recalled, *lapses]}
    assert all(e["data"]["cause"] in causes for e in [*lapses, *by_elections])
    for office in ended:
        assert s.get(f"/api/v1/mandates/{ended[office]}").json()["status"] != "active"

    deputy = mandate_of(s, "a1.deputy", "a1-2")
    resigned = acted(s, "mandates", deputy, cmd.ResignMandate("a1-2", deputy, "moving"), seen)
    assert types(resigned)[0] == ev.MANDATE_RESIGNED
    assert [d["office"] for d in data_of(resigned, ev.ELECTION_OPENED)] == ["a1.deputy"]
    assert seen == RECALL_STORY


# -- a statement sent twice --------------------------------------------------------------


def test_a_statement_sent_again_answers_with_the_first_result_and_records_nothing(
    api: Served,
) -> None:
    s = api
    first = s.signed(cmd.OpenElection("a1-1", "a1.deputy"))
    answer = s.post("/api/v1/offices/a1.deputy/acts", json=first)
    assert answer.status_code == 201
    later = acted(s, "offices", "a2.deputy", cmd.OpenElection("a2-1", "a2.deputy"), {})
    before = s.org.snapshot()

    again = s.post("/api/v1/offices/a1.deputy/acts", json=first)

    assert again.status_code == 200
    assert again.json() == answer.json()
    assert again.headers["Soviet-Log-Size"] == answer.headers["Soviet-Log-Size"]
    assert later["size"] == s.size()
    assert s.org.snapshot() == before


# -- refusals ----------------------------------------------------------------------------


def flipped(signature: str) -> str:
    raw = bytearray(base64.b64decode(signature))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


def signed_as(s: Served, command: cmd.Command, **changes: str) -> dict[str, Any]:
    """A statement of `command` with some of its fields changed, signed by its actor (or
    by the key of `by`)."""
    by = changes.pop("by", getattr(command, "actor", ""))
    statement = keyring_statement(s, command).to_json()
    statement.update(changes)
    made = statements.statement_from_json(statement)
    return statements.sign(made, s.org.keyring.key_of(by)).to_json()


def keyring_statement(s: Served, command: cmd.Command) -> statements.Statement:
    return statement(command, s.origin(), s.org.now)


def signed_as_data(s: Served, command: cmd.Command, data: dict[str, Any]) -> dict[str, Any]:
    """A statement of `command` whose data is `data`, signed by its actor."""
    made = statements.statement_from_json({**keyring_statement(s, command).to_json(), "data": data})
    return statements.sign(made, s.org.keyring.key_of(getattr(command, "actor", ""))).to_json()


def voting(s: Served) -> str:
    """An election of a1's deputy, voting, with a1-2 and a1-3 standing."""
    e: str = acted(s, "offices", "a1.deputy", cmd.OpenElection("a1-1", "a1.deputy"), {})["events"][
        0
    ]["data"]["election"]
    for candidate in ("a1-2", "a1-3"):
        acted(s, "elections", e, cmd.Nominate("a1-1", e, candidate), {})
        acted(s, "elections", e, cmd.AcceptNomination(candidate, e, candidate), {})
    acted(s, "elections", e, cmd.StartElection("a1-1", e), {})
    return e


def refusal(
    s: Served, resource: str, ident: str, body: dict[str, Any], status: int | None
) -> dict[str, Any]:
    """Post a statement the API must refuse: the answer's status and shape, and that
    nothing was written."""
    before = s.org.snapshot()
    r = s.post(f"/api/v1/{resource}/{ident}/acts", json=body)
    assert s.org.snapshot() == before, "a refused act changed the database"
    answer: dict[str, Any] = r.json()
    assert set(answer) == {"error", "detail", "field"}
    assert r.status_code == status if status is not None else 400 <= r.status_code < 500, r.text
    return answer


def cli_message(s: Served, body: dict[str, Any]) -> str:
    """What the command line prints after `error:` for the same statement: the service's
    refusal of it, taken in a unit of work that writes nothing."""
    error = s.org.refused(lambda ws: take(ws, signed_from_json(body)))
    return " ".join(str(error).split())


REFUSALS: list[Any] = [
    # (case, status, error, field)
    ("not an elector", 409, "refused", None),
    ("second nominee", 409, "refused", None),
    ("bad signature", 403, "signature", "signature"),
    ("wrong key", 403, "signature", "key"),
    ("expired", 403, "signature", "statement.not_after"),
    ("wrong origin", 403, "signature", "statement.origin"),
    ("reused nonce", 409, "duplicate", "statement.nonce"),
    ("unknown election", 404, "not_found", "election"),
    ("not a member", 403, "signature", "key"),
]


@pytest.mark.parametrize(("case", "status", "error", "field"), REFUSALS)
def test_a_refused_act_answers_the_cli_message_and_writes_nothing(
    api: Served, case: str, status: int, error: str, field: str | None
) -> None:
    s = api
    e = voting(s)
    resource, ident = "elections", e
    ballot = cmd.CastBallot("a1-4", e, ("a1-2",))
    if case == "not an elector":
        body = s.signed(cmd.CastBallot("a2-1", e, ("a1-2",)))
    elif case == "second nominee":
        body = s.signed(cmd.Nominate("a1-1", e, "a1-2"))
    elif case == "bad signature":
        body = s.signed(ballot)
        body["signature"] = flipped(body["signature"])
    elif case == "wrong key":
        body = signed_as(s, ballot, by="a1-5")
    elif case == "expired":
        body = signed_as(s, ballot, not_after="2026-03-01T09:00:00Z")
    elif case == "wrong origin":
        body = signed_as(s, ballot, origin="councils.example.org/elsewhere")
    elif case == "reused nonce":
        nonce = acted(s, "elections", e, ballot, {})["events"][0]["signed"]["statement"]
        body = signed_as(s, cmd.CastBallot("a1-4", e, ("a1-3",)), nonce=nonce["nonce"])
    elif case == "unknown election":
        resource, ident = "elections", "E99"
        body = s.signed(cmd.CastBallot("a1-4", "E99", ("a1-2",)))
    else:
        body = signed_as(s, cmd.CastBallot("a1-4", e, ("a1-2",)), actor="nobody", by="a1-4")

    answer = refusal(s, resource, ident, body, status)

    assert answer["detail"] == cli_message(s, body)
    assert (answer["error"], answer["field"]) == (error, field)


def test_a_statement_whose_data_lacks_a_field_is_refused_with_the_cli_message(
    api: Served,
) -> None:
    s = api
    e = voting(s)
    body = signed_as_data(s, cmd.CastBallot("a1-4", e, ("a1-2",)), {"election": e})

    answer = s.post(f"/api/v1/elections/{e}/acts", json=body)

    assert answer.json()["detail"] == cli_message(s, body)
    assert answer.json()["field"] == "statement.data"
    assert "lacks 'choice'" in answer.json()["detail"]


def test_a_statement_whose_data_lacks_a_field_answers_400_invalid(api: Served) -> None:
    s = api
    e = voting(s)
    body = signed_as_data(s, cmd.CastBallot("a1-4", e, ("a1-2",)), {"election": e})
    answer = refusal(s, "elections", e, body, 400)
    assert answer["error"] == "invalid"


def test_an_unknown_statement_type_answers_the_cli_message(api: Served) -> None:
    s = api
    e = voting(s)
    body = signed_as(s, cmd.CastBallot("a1-4", e, ("a1-2",)), type="election.explode")
    answer = refusal(s, "elections", e, body, 400)
    assert answer["detail"] == cli_message(s, body)
    assert (answer["error"], answer["field"]) == ("invalid", "statement.type")


def test_an_unknown_statement_type_is_refused_and_writes_nothing(api: Served) -> None:
    s = api
    e = voting(s)
    body = signed_as(s, cmd.CastBallot("a1-4", e, ("a1-2",)), type="election.explode")
    answer = refusal(s, "elections", e, body, None)
    assert "election.explode" in answer["detail"]
    assert answer["field"] == "statement.type"


def test_a_statement_posted_to_another_resource_is_refused_naming_the_field(
    api: Served,
) -> None:
    s = api
    e = voting(s)
    ballot = s.signed(cmd.CastBallot("a1-4", e, ("a1-2",)))
    kind = refusal(s, "offices", "a1.deputy", ballot, 422)
    assert (kind["error"], kind["field"]) == ("wrong_resource", "statement.type")
    assert "vote" in kind["detail"] and "election.open" in kind["detail"]
    other = refusal(s, "elections", "E7", ballot, 422)
    assert (other["error"], other["field"]) == ("wrong_resource", "statement.data.election")
    assert repr(e) in other["detail"] and "'E7'" in other["detail"]
    mine = s.signed(cmd.RotateKey("a1-4", statements.public_key_text(Ed25519PrivateKey.generate())))
    actor = refusal(s, "members", "a1-5", mine, 422)
    assert (actor["error"], actor["field"]) == ("wrong_resource", "statement.actor")


# -- the purge -----------------------------------------------------------------------------


def test_the_scheduled_audit_opens_an_election_for_every_open_seat_once(api: Served) -> None:
    s = api
    r = s.post("/api/v1/audit/schedule", json={})
    assert r.status_code == 200, r.text
    opened = [e for e in r.json()["events"] if e["type"] == ev.ELECTION_OPENED]
    assert sorted(e["data"]["office"] for e in opened) == [
        "a1.deputy",
        "a2.deputy",
        "city.chair",
        "district.deputy",
    ]
    assert all(e["actor"] is None for e in opened)
    with s.org.soviet.reading() as reads:
        expected = [f.to_json() for f in audit_service.findings(reads.projections())]
    assert r.json()["findings"] == expected
    before = s.org.snapshot()

    again = s.post("/api/v1/audit/schedule", json={})

    assert again.status_code == 200
    assert again.json()["events"] == []
    assert s.org.snapshot() == before


def test_the_audit_is_scheduled_by_a_post_without_a_body(api: Served) -> None:
    r = api.post("/api/v1/audit/schedule")
    assert r.status_code == 200, r.text
