"""Elections and ballots: read and written as belenios-tool does, every proof checked."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.belenios import wire
from soviet.belenios.ballots import (
    Ballot,
    Question,
    check_ballot,
    last_ballots,
    make_ballot,
    make_election,
    parse_election,
    tracker,
)
from soviet.belenios.credentials import credential_secret
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import BELENIOS_2048
from soviet.belenios.proofs import proof_json, sign

from .conftest import OwnElection, ToolArchive, ToolElection, read_tool_archive, run_tool

G = BELENIOS_2048
Choices = list[list[int]]


@st.composite
def votes(draw: st.DrawFn, questions: tuple[Question, ...]) -> Choices:
    """Valid choices for every question: blank, or between min and max answers."""
    choices = []
    for question in questions:
        n = len(question.answers)
        if question.blank and draw(st.booleans()):
            choices.append([1] + [0] * n)
            continue
        count = draw(st.integers(question.min, min(question.max, n)))
        picked = draw(st.permutations(range(n)))[:count]
        marks = [1 if k in picked else 0 for k in range(n)]
        choices.append(([0] if question.blank else []) + marks)
    return choices


def resigned(own: OwnElection, ballot: dict[str, Any], voter: int = 0) -> str:
    """A ballot's text signed again after a change, so only the change is checked."""
    election = own.election
    body = {key: value for key, value in ballot.items() if key != "signature"}
    signed = wire.fingerprint(wire.dumps(body))
    secret = credential_secret(G, own.credentials[voter], election.uuid)
    body["signature"] = {"hash": signed, "proof": proof_json(sign(G, secret, signed))}
    return wire.dumps(body)


# -- elections -----------------------------------------------------------------------------


def test_the_election_belenios_made_is_read_and_written_back_exactly(
    tool_archive: ToolArchive,
) -> None:
    election = parse_election(tool_archive.election)
    assert election.group is G
    assert [q.blank for q in election.questions] == [False, True]
    assert election.questions[1] == Question(
        "Question 2?", ("Answer 1", "Answer 2", "Answer 3"), 1, 2, True
    )
    assert election.fingerprint == json.loads(tool_archive.ballots[0])["election_hash"]
    written = make_election(
        uuid=election.uuid,
        name=election.name,
        description=election.description,
        group=election.group,
        public_key=election.public_key,
        questions=election.questions,
        administrator=election.administrator,
        credential_authority=election.credential_authority,
    )
    assert written == tool_archive.election


def test_an_election_with_a_question_that_is_not_homomorphic_is_refused(
    tool_archive: ToolArchive,
) -> None:
    election = json.loads(tool_archive.election)
    election["questions"].append(
        {"type": "NonHomomorphic", "value": {"answers": ["A", "B"], "question": "Rank?"}}
    )
    with pytest.raises(BeleniosError, match=r"question 3: .*only homomorphic questions"):
        parse_election(json.dumps(election))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda e: e.update(version=2), "version 2 is not 1"),
        (lambda e: e.update(group="P-256"), "group 'P-256' is not one of"),
        (lambda e: e.update(uuid="short"), "uuid 'short' is not 14 or more Base58"),
        (lambda e: e.update(uuid="0" * 14), "is not 14 or more Base58"),
        (lambda e: e.update(public_key="1" * 20), "public_key: .* is not an element"),
        (lambda e: e.update(extra=1), "unknown field 'extra'"),
        (lambda e: e["questions"][0].update(min=2), "question 1: min 2 is above max 1"),
        (lambda e: e["questions"][1].update(blank="yes"), "question 2: blank must be"),
        (lambda e: e["questions"][0].update(answers=[]), "question 1: answers must be"),
        (lambda e: e.update(questions=[]), "questions must be a non-empty list"),
    ],
)
def test_a_malformed_election_is_refused_with_what_is_wrong(
    tool_archive: ToolArchive, change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    election = json.loads(tool_archive.election)
    change(election)
    with pytest.raises(BeleniosError, match=problem):
        parse_election(json.dumps(election))


# -- ballots belenios-tool made ------------------------------------------------------------


def test_every_ballot_belenios_made_passes(
    tool_election: ToolElection, tool_archive: ToolArchive
) -> None:
    election = parse_election(tool_archive.election)
    checked = [
        check_ballot(election, text, f"ballot {n}")
        for n, text in enumerate(tool_archive.ballots, start=1)
    ]
    assert len(checked) == len(tool_election.votes)
    assert [len(answers) for answers in checked[0].answers] == [2, 4]
    voters = {ballot.credential for ballot in checked}
    assert len(voters) == len(tool_election.credentials)
    assert last_ballots(checked) == [*checked[1:3], checked[3]]


def test_the_tracker_is_the_sha256_in_base64_belenios_computes(
    belenios_tool: Path, tool_archive: ToolArchive
) -> None:
    text = tool_archive.ballots[0]
    command = [str(belenios_tool), "sha256-b64"]
    done = subprocess.run(command, input=text, capture_output=True, text=True, check=True)
    assert tracker(text) == done.stdout.strip()


def test_a_ballot_belenios_tool_generates_passes(
    belenios_tool: Path, tool_election: ToolElection, tmp_path: Path
) -> None:
    here = tool_election.copy(tmp_path / "election", "voting")
    (here / "credential.txt").write_text(tool_election.credentials[2] + "\n")
    (here / "choices.json").write_text("[[0,1],[1,0,0,0]]\n")
    command = ("election", "generate-ballot", "--dir", str(here))
    text = run_tool(
        belenios_tool,
        here,
        *command,
        *("--privcred", "credential.txt", "--ballot", "choices.json"),
    ).strip()
    election = parse_election(read_election(here, tool_election))
    ballot = check_ballot(election, text, "generated")
    assert ballot.tracker == tracker(text)


def read_election(here: Path, tool_election: ToolElection) -> str:
    return read_tool_archive(here / tool_election.archive.name).election


@settings(max_examples=3, deadline=None)
@given(st.data())
def test_a_ballot_made_here_is_accepted_by_belenios_tool(
    belenios_tool: Path,
    tool_election: ToolElection,
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    here = tool_election.copy(tmp_path_factory.mktemp("vote") / "election", "voting")
    election = parse_election(read_election(here, tool_election))
    choices = data.draw(votes(election.questions))
    text = make_ballot(election, tool_election.credentials[1], choices)
    run_tool(belenios_tool, here, "archive", "add-event", "--type=Ballot", stdin=text)
    run_tool(belenios_tool, here, "election", "verify", "--dir", str(here))


# -- ballots made here ---------------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_a_ballot_made_here_passes_and_holds_its_choices(
    own_election: OwnElection, data: st.DataObject
) -> None:
    election, x = own_election.election, own_election.private_key
    choices = data.draw(votes(election.questions))
    text = make_ballot(election, own_election.credentials[0], choices)
    ballot = check_ballot(election, text, "ballot")
    assert ballot.text == text
    assert ballot.tracker == tracker(text)
    assert ballot.credential == G.base_power(
        credential_secret(G, own_election.credentials[0], election.uuid)
    )
    decrypted = [
        [c.beta * pow(pow(c.alpha, x, G.p), -1, G.p) % G.p for c in answers]
        for answers in ballot.answers
    ]
    assert decrypted == [[G.base_power(m) for m in marks] for marks in choices]
    obj = json.loads(text)
    assert list(obj) == ["election_uuid", "election_hash", "credential", "answers", "signature"]
    assert [list(answer) for answer in obj["answers"]] == [
        ["choices", "individual_proofs", "overall_proof"],
        ["choices", "individual_proofs", "overall_proof", "blank_proof"],
        ["choices", "individual_proofs", "overall_proof"],
    ]


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ([[1, 1], [0, 1, 0, 0], [1, 1, 0, 0]], "question 1: 2 answers selected, .* 0 to 1"),
        ([[1, 0], [0, 0, 0, 0], [1, 1, 0, 0]], "question 2: 0 answers selected, .* 1 to 2"),
        ([[1, 0], [0, 1, 1, 1], [1, 1, 0, 0]], "question 2: 3 answers selected"),
        ([[1, 0], [1, 1, 0, 0], [1, 1, 0, 0]], "question 2: a blank vote selects no answer"),
        ([[1, 0], [0, 1, 0], [1, 1, 0, 0]], "question 2: expected 4 choices, got 3"),
        ([[2, 0], [0, 1, 0, 0], [1, 1, 0, 0]], "question 1: every choice must be 0 or 1"),
        ([[1, 0], [0, 1, 0, 0]], "2 answers for 3 questions"),
    ],
)
def test_choices_that_break_the_rules_are_refused(
    own_election: OwnElection, choices: Choices, problem: str
) -> None:
    with pytest.raises(BeleniosError, match=problem):
        make_ballot(own_election.election, own_election.credentials[0], choices)


def test_a_bad_credential_cannot_make_a_ballot(own_election: OwnElection) -> None:
    with pytest.raises(BeleniosError, match="checksum"):
        make_ballot(
            own_election.election, "DCm-gpD-Xwe-a6P-GLN", [[1, 0], [1, 0, 0, 0], [1, 1, 0, 0]]
        )


# -- every change to a ballot is caught ----------------------------------------------------

VALID = [[0, 1], [0, 1, 0, 1], [1, 0, 1, 0]]
BLANK = [[1, 0], [1, 0, 0, 0], [0, 1, 1, 1]]


@pytest.fixture(scope="module")
def made(own_election: OwnElection) -> dict[str, Any]:
    ballot: dict[str, Any] = json.loads(
        make_ballot(own_election.election, own_election.credentials[0], VALID)
    )
    return ballot


@pytest.fixture(scope="module")
def made_blank(own_election: OwnElection) -> dict[str, Any]:
    ballot: dict[str, Any] = json.loads(
        make_ballot(own_election.election, own_election.credentials[0], BLANK)
    )
    return ballot


def bump(number: str) -> str:
    return str((int(number) + 1) % G.q)


def bump_in(holder: dict[str, Any], field: str) -> None:
    holder[field] = bump(holder[field])


def times_g(number: str) -> str:
    return str(int(number) * G.g % G.p)


Mutation = Callable[[dict[str, Any]], None]

MUTATIONS: list[tuple[str, Mutation, str]] = [
    (
        "individual challenge",
        lambda b: b["answers"][0]["individual_proofs"][1][0].update(
            challenge=bump(b["answers"][0]["individual_proofs"][1][0]["challenge"])
        ),
        "answer 1, choice 2: individual proof does not verify",
    ),
    (
        "individual response",
        lambda b: b["answers"][2]["individual_proofs"][3][1].update(
            response=bump(b["answers"][2]["individual_proofs"][3][1]["response"])
        ),
        "answer 3, choice 4: individual proof does not verify",
    ),
    (
        "blank choice's proof",
        lambda b: b["answers"][1]["individual_proofs"][0][0].update(
            response=bump(b["answers"][1]["individual_proofs"][0][0]["response"])
        ),
        "answer 2, blank choice: individual proof does not verify",
    ),
    (
        "alpha",
        lambda b: b["answers"][0]["choices"][0].update(
            alpha=times_g(b["answers"][0]["choices"][0]["alpha"])
        ),
        "answer 1, choice 1: individual proof does not verify",
    ),
    (
        "beta",
        lambda b: b["answers"][1]["choices"][2].update(
            beta=times_g(b["answers"][1]["choices"][2]["beta"])
        ),
        "answer 2, choice 2: individual proof does not verify",
    ),
    (
        "alpha outside the group",
        lambda b: b["answers"][2]["choices"][1].update(alpha=str(G.p - 1)),
        "answer 3, choice 2: alpha is not an element",
    ),
    (
        "overall challenge",
        lambda b: b["answers"][0]["overall_proof"][0].update(
            challenge=bump(b["answers"][0]["overall_proof"][0]["challenge"])
        ),
        "answer 1: overall proof does not verify",
    ),
    (
        "overall response of a blank question",
        lambda b: b["answers"][1]["overall_proof"][2].update(
            response=bump(b["answers"][1]["overall_proof"][2]["response"])
        ),
        "answer 2: overall proof does not verify",
    ),
    (
        "blank proof",
        lambda b: b["answers"][1]["blank_proof"][1].update(
            challenge=bump(b["answers"][1]["blank_proof"][1]["challenge"])
        ),
        "answer 2: blank proof does not verify",
    ),
    (
        "individual proofs swapped between choices",
        lambda b: b["answers"][0].update(
            individual_proofs=b["answers"][0]["individual_proofs"][::-1]
        ),
        "answer 1, choice 1: individual proof does not verify",
    ),
    (
        "credential",
        lambda b: b.update(credential=times_g(b["credential"])),
        "answer 1, choice 1: individual proof does not verify",
    ),
    (
        "credential outside the group",
        lambda b: b.update(credential=str(G.p - 1)),
        "credential is not an element",
    ),
    ("uuid", lambda b: b.update(election_uuid="OtherElection12"), "for election 'OtherElection12'"),
    ("election hash", lambda b: b.update(election_hash="x"), "election_hash 'x' is not this"),
    ("extra field", lambda b: b.update(extra=1), "unknown field 'extra'"),
    (
        "missing proof",
        lambda b: b["answers"][1].pop("blank_proof"),
        "answer 2: blank_proof is missing",
    ),
    (
        "blank proof where none is allowed",
        lambda b: b["answers"][0].update(blank_proof=b["answers"][1]["blank_proof"]),
        "answer 1: unknown field 'blank_proof'",
    ),
    (
        "too few choices",
        lambda b: b["answers"][2]["choices"].pop(),
        "answer 3: expected 4 choices",
    ),
    (
        "a proof short",
        lambda b: b["answers"][2]["overall_proof"].pop(),
        "answer 3, overall proof: expected a list of 2 proofs",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [pytest.param(mutate, problem, id=name) for name, mutate, problem in MUTATIONS],
)
def test_a_changed_ballot_is_refused_naming_what_fails(
    own_election: OwnElection, made: dict[str, Any], mutate: Mutation, problem: str
) -> None:
    ballot = json.loads(json.dumps(made))
    mutate(ballot)
    with pytest.raises(BeleniosError, match=f"^ballot 7, {problem}|^ballot 7: {problem}"):
        check_ballot(own_election.election, resigned(own_election, ballot), "ballot 7")


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (
            lambda b: b["signature"]["proof"].update(
                challenge=bump(b["signature"]["proof"]["challenge"])
            ),
            "the signature does not verify",
        ),
        (
            lambda b: b["signature"]["proof"].update(
                response=bump(b["signature"]["proof"]["response"])
            ),
            "the signature does not verify",
        ),
        (lambda b: b["signature"].update(hash="A" * 43), "the signed hash is not the hash"),
        (
            lambda b: b["answers"][0]["choices"][0].update(
                alpha=times_g(b["answers"][0]["choices"][0]["alpha"])
            ),
            "the signed hash is not the hash",
        ),
    ],
)
def test_a_changed_signature_or_an_unsigned_change_is_refused(
    own_election: OwnElection, made: dict[str, Any], mutate: Mutation, problem: str
) -> None:
    ballot = json.loads(json.dumps(made))
    mutate(ballot)
    with pytest.raises(BeleniosError, match=f"ballot 7: {problem}"):
        check_ballot(own_election.election, wire.dumps(ballot), "ballot 7")


def test_a_ballot_signed_by_another_voter_is_refused(
    own_election: OwnElection, made: dict[str, Any]
) -> None:
    with pytest.raises(BeleniosError, match="the signature does not verify"):
        check_ballot(own_election.election, resigned(own_election, made, voter=1), "b")


def test_a_blank_vote_passes_and_its_proofs_are_checked(
    own_election: OwnElection, made_blank: dict[str, Any]
) -> None:
    election = own_election.election
    check_ballot(election, wire.dumps(made_blank), "blank")
    ballot = json.loads(json.dumps(made_blank))
    # a blank vote's blank choice said "not blank": its proofs no longer hold
    ballot["answers"][1]["blank_proof"] = ballot["answers"][1]["blank_proof"][::-1]
    with pytest.raises(BeleniosError, match="answer 2: blank proof does not verify"):
        check_ballot(election, resigned(own_election, ballot), "blank")


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_any_change_to_a_number_of_a_random_ballot_is_refused(
    own_election: OwnElection, data: st.DataObject
) -> None:
    election = own_election.election
    ballot = json.loads(
        make_ballot(election, own_election.credentials[0], data.draw(votes(election.questions)))
    )
    places: list[tuple[dict[str, Any], str]] = []
    for answer in ballot["answers"]:
        for c in answer["choices"]:
            places += [(c, "alpha"), (c, "beta")]
        proofs = [p for pair in answer["individual_proofs"] for p in pair]
        proofs += answer["overall_proof"]
        proofs += answer.get("blank_proof", [])
        for proof in proofs:
            places += [(proof, "challenge"), (proof, "response")]
    places.append((ballot, "credential"))
    holder, field = data.draw(st.sampled_from(places))
    holder[field] = (
        times_g(holder[field]) if field in ("alpha", "beta", "credential") else bump(holder[field])
    )
    with pytest.raises(BeleniosError):
        check_ballot(election, resigned(own_election, ballot), "ballot")


def test_the_last_ballot_of_each_credential_counts_in_the_order_cast() -> None:
    def ballot(credential: int, name: str) -> Ballot:
        return Ballot(text=name, credential=credential, answers=(), tracker=name)

    a1, b1, a2, c1, b2 = (
        ballot(1, "a1"),
        ballot(2, "b1"),
        ballot(1, "a2"),
        ballot(3, "c1"),
        ballot(2, "b2"),
    )
    assert last_ballots([a1, b1, a2, c1, b2]) == [a2, c1, b2]
    assert last_ballots([]) == []
