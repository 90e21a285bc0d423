"""The tally: the encrypted sum, trustees, partial decryptions and the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soviet.belenios import wire
from soviet.belenios.ballots import (
    Election,
    check_ballot,
    last_ballots,
    make_ballot,
    make_election,
    parse_election,
)
from soviet.belenios.credentials import parse_public_credentials, public_credential
from soviet.belenios.elgamal import Ciphertext, encrypt
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import BELENIOS_2048
from soviet.belenios.proofs import proof_json, prove_key
from soviet.belenios.tally import (
    Pedersen,
    Single,
    check_partial_decryption,
    combine_factors,
    election_result,
    encrypted_tally,
    lagrange,
    owner_keys,
    parse_trustees,
    partial_decryption,
    result_json,
    tally_from_json,
    tally_json,
    trustees_key,
)

from .conftest import (
    OWN_QUESTIONS,
    OwnElection,
    ToolArchive,
    ToolElection,
    read_tool_archive,
    run_tool,
)
from .test_ballots import votes

G = BELENIOS_2048


def tool_parts(archive: ToolArchive) -> tuple[Election, list[Single | Pedersen], Any]:
    election = parse_election(archive.election)
    trustees = parse_trustees(G, json.loads(archive.trustees), "trustees")
    tally = tally_from_json(G, json.loads(archive.tally), "tally")
    return election, trustees, tally


def partials_of(archive: ToolArchive) -> dict[int, Any]:
    return {owner: json.loads(text) for owner, text in archive.partial_decryptions}


# -- belenios-tool's election --------------------------------------------------------------


def test_the_trustees_belenios_made_make_the_election_key(tool_archive: ToolArchive) -> None:
    election, trustees, _ = tool_parts(tool_archive)
    assert [type(t) for t in trustees] == [Single, Pedersen]
    pedersen = trustees[1]
    assert isinstance(pedersen, Pedersen)
    assert pedersen.threshold == 2 and len(pedersen.verification_keys) == 3
    assert trustees_key(G, trustees) == election.public_key


def test_the_tally_of_belenios_ballots_is_recomputed_exactly(tool_archive: ToolArchive) -> None:
    election, _, stored = tool_parts(tool_archive)
    weights = dict(parse_public_credentials(G, json.loads(tool_archive.credentials)))
    cast = [check_ballot(election, text, "ballot") for text in tool_archive.ballots]
    counted = [(ballot, weights[ballot.credential]) for ballot in last_ballots(cast)]
    assert json.loads(tool_archive.sized_tally)["num_tallied"] == len(counted) == 3
    tally = encrypted_tally(election, counted)
    assert tally == stored
    assert wire.dumps(tally_json(tally)) == tool_archive.tally


def test_the_result_is_recomputed_from_the_partial_decryptions_of_belenios(
    tool_archive: ToolArchive,
) -> None:
    election, trustees, tally = tool_parts(tool_archive)
    keys = owner_keys(trustees)
    # owners: 1 the mandatory key, 2 to 4 the threshold trustees; 1, 2 and 3 decrypted
    partials = {
        owner: check_partial_decryption(election, tally, keys[owner - 1], obj, f"trustee {owner}")
        for owner, obj in partials_of(tool_archive).items()
    }
    assert sorted(partials) == [1, 2, 3]
    factors = combine_factors(election, trustees, partials)
    total = json.loads(tool_archive.sized_tally)["total_weight"]
    result = election_result(election, tally, factors, total)
    assert result_json(result) == json.loads(tool_archive.result)
    assert result == [[1, 1], [1, 1, 1, 1]]


def test_a_partial_decryption_is_refused_when_a_share_is_missing(
    tool_archive: ToolArchive,
) -> None:
    election, trustees, tally = tool_parts(tool_archive)
    keys = owner_keys(trustees)
    partials = {
        owner: check_partial_decryption(election, tally, keys[owner - 1], obj, "t")
        for owner, obj in partials_of(tool_archive).items()
    }
    without_mandatory = {k: v for k, v in partials.items() if k != 1}
    with pytest.raises(BeleniosError, match=r"trustee 1: .* mandatory key is missing"):
        combine_factors(election, trustees, without_mandatory)
    one_of_two = {k: v for k, v in partials.items() if k != 2}
    with pytest.raises(BeleniosError, match="trustees 2 to 4: 1 partial decryptions, 2 needed"):
        combine_factors(election, trustees, one_of_two)


def bump(number: str) -> str:
    return str((int(number) + 1) % G.q)


@pytest.mark.parametrize(
    ("field", "row", "column", "problem"),
    [
        ("factor", 1, 2, "question 2, answer 2: decryption proof does not verify"),
        ("factor outside the group", 0, 0, "question 1, answer 1: the factor is not an element"),
        ("challenge", 1, 0, "question 2, blank: decryption proof does not verify"),
        ("response", 0, 1, "question 1, answer 2: decryption proof does not verify"),
    ],
)
def test_a_changed_partial_decryption_is_refused_naming_the_answer(
    tool_archive: ToolArchive, field: str, row: int, column: int, problem: str
) -> None:
    election, trustees, tally = tool_parts(tool_archive)
    owner, obj = next(iter(partials_of(tool_archive).items()))
    factors, proofs = obj["decryption_factors"], obj["decryption_proofs"]
    if field == "factor":
        factors[row][column] = str(int(factors[row][column]) * G.g % G.p)
    elif field == "factor outside the group":
        factors[row][column] = str(G.p - 1)
    else:
        proofs[row][column][field] = bump(proofs[row][column][field])
    key = owner_keys(trustees)[owner - 1]
    with pytest.raises(BeleniosError, match=f"^trustee {owner}, {problem}"):
        check_partial_decryption(election, tally, key, obj, f"trustee {owner}")


def test_a_partial_decryption_checked_against_another_key_is_refused(
    tool_archive: ToolArchive,
) -> None:
    election, trustees, tally = tool_parts(tool_archive)
    obj = partials_of(tool_archive)[1]
    with pytest.raises(BeleniosError, match="question 1, answer 1: decryption proof"):
        check_partial_decryption(election, tally, owner_keys(trustees)[2], obj, "t")


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("single pok", "item 1: the proof of knowledge of the key does not verify"),
        ("verification pok", "item 2, verification key 2: the proof of knowledge"),
        ("coefexp", "item 2, verification key 1: not the key the coefexps commit"),
        ("threshold", "item 2: threshold 4 is not between 1 and 3"),
        ("kind", "item 1: unknown kind of trustee 'Double'"),
    ],
)
def test_changed_trustees_are_refused(tool_archive: ToolArchive, where: str, problem: str) -> None:
    trustees = json.loads(tool_archive.trustees)
    single, pedersen = trustees[0][1], trustees[1][1]
    if where == "single pok":
        single["pok"]["response"] = bump(single["pok"]["response"])
    elif where == "verification pok":
        pok = pedersen["verification_keys"][1]["pok"]
        pok["challenge"] = bump(pok["challenge"])
    elif where == "coefexp":
        signed = pedersen["coefexps"][2]
        message = json.loads(signed["message"])
        message["coefexps"][0] = str(int(message["coefexps"][0]) * G.g % G.p)
        signed["message"] = wire.dumps(message)
    elif where == "threshold":
        pedersen["threshold"] = 4
    else:
        trustees[0][0] = "Double"
    with pytest.raises(BeleniosError, match=f"^trustees, {problem}"):
        parse_trustees(G, trustees, "trustees")


def test_a_partial_decryption_made_here_is_accepted_by_belenios_tool(
    belenios_tool: Path, tool_election: ToolElection, tmp_path: Path
) -> None:
    here = tool_election.copy(tmp_path / "election", "tallied")
    archive = read_tool_archive(here / tool_election.archive.name)
    election = parse_election(archive.election)
    tally = tally_from_json(G, json.loads(archive.tally), "tally")
    x = int(json.loads(next(here.glob("*.privkey")).read_text()))
    text = wire.dumps(partial_decryption(election, tally, x))
    owned = wire.dumps({"owner": 1, "payload": wire.sha256_hex(text)})
    add = ("archive", "add-event", "--type=PartialDecryption")
    run_tool(belenios_tool, here, *add, stdin=f"{text}\n{owned}\n")
    for trustee_id, key in enumerate(sorted(here.glob("*.key"))[1:], start=3):
        partial = run_tool(
            belenios_tool,
            here,
            *("election", "decrypt-threshold", "--key", key.name),
            *("--decryption-key", key.with_suffix(".dkey").name),
            *("--trustee-id", str(trustee_id)),
        )
        run_tool(belenios_tool, here, *add, stdin=partial)
    result = run_tool(belenios_tool, here, "election", "compute-result")
    run_tool(belenios_tool, here, "archive", "add-event", "--type=Result", stdin=result)
    run_tool(belenios_tool, here, "election", "verify")
    assert json.loads(result) == json.loads(read_tool_archive(tool_election.archive).result)


def test_an_encrypted_tally_made_by_belenios_tool_equals_ours_with_a_ballot_made_here(
    belenios_tool: Path, tool_election: ToolElection, tmp_path: Path
) -> None:
    here = tool_election.copy(tmp_path / "election", "voting")
    election = parse_election(read_tool_archive(here / tool_election.archive.name).election)
    ours = make_ballot(election, tool_election.credentials[2], [[1, 0], [0, 0, 1, 1]])
    run_tool(belenios_tool, here, "archive", "add-event", "--type=Ballot", stdin=ours)
    run_tool(belenios_tool, here, "archive", "add-event", "--type=EndBallots")
    tally_text = run_tool(belenios_tool, here, "election", "compute-encrypted-tally")
    run_tool(belenios_tool, here, "archive", "add-event", "--type=EncryptedTally", stdin=tally_text)
    run_tool(belenios_tool, here, "election", "verify")
    archive = read_tool_archive(here / tool_election.archive.name)
    cast = [check_ballot(election, text, "ballot") for text in archive.ballots]
    assert cast[-1].text == ours
    tally = encrypted_tally(election, [(ballot, 1) for ballot in last_ballots(cast)])
    assert wire.dumps(tally_json(tally)) == archive.tally


# -- elections made here -------------------------------------------------------------------


def trustee_key_json(x: int) -> dict[str, Any]:
    return {"pok": proof_json(prove_key(G, x)), "public_key": str(G.base_power(x))}


def pedersen_json(count: int, threshold: int) -> tuple[dict[str, Any], list[int]]:
    """Threshold parameters as a key ceremony ends with, and each trustee's share."""
    q = G.q
    polynomials = [[G.random_exponent() for _ in range(threshold)] for _ in range(count)]

    def at(poly: list[int], j: int) -> int:
        return sum(a * pow(j, k, q) for k, a in enumerate(poly)) % q

    shares = [sum(at(poly, j) for poly in polynomials) % q for j in range(1, count + 1)]
    coefexps = [
        {
            "message": wire.dumps({"coefexps": [str(G.base_power(a)) for a in poly]}),
            "signature": {"challenge": "0", "response": "0"},
        }
        for poly in polynomials
    ]
    raw = {
        "threshold": threshold,
        "certs": [{"message": "{}", "signature": {}} for _ in range(count)],
        "coefexps": coefexps,
        "verification_keys": [trustee_key_json(share) for share in shares],
    }
    return raw, shares


@st.composite
def elections(draw: st.DrawFn) -> dict[str, Any]:
    """A random story: trustees, voters with weights and choices, revotes, who decrypts."""
    count = draw(st.integers(1, 3))
    threshold = draw(st.integers(1, count))
    decrypting = draw(st.sets(st.integers(1, count), min_size=threshold))
    voters = draw(st.integers(0, 3))
    weights = draw(st.lists(st.integers(1, 3), min_size=voters, max_size=voters))
    casts = draw(st.lists(st.integers(0, voters - 1), max_size=4)) if voters else []
    casts = list(range(voters)) + casts
    choices = [draw(votes(OWN_QUESTIONS)) for _ in casts]
    return {
        "count": count,
        "threshold": threshold,
        "decrypting": sorted(decrypting),
        "weights": weights,
        "casts": casts,
        "choices": choices,
    }


@settings(max_examples=8, deadline=None)
@given(elections())
def test_an_election_from_ballots_to_result_counts_every_last_ballot_by_weight(
    own_election: OwnElection, story: dict[str, Any]
) -> None:
    x = G.random_exponent()
    raw, shares = pedersen_json(story["count"], story["threshold"])
    trustees = parse_trustees(G, [["Single", trustee_key_json(x)], ["Pedersen", raw]], "t")
    election = parse_election(
        make_election(
            uuid="SovietStory1234567",
            name="Story",
            description="",
            group=G,
            public_key=trustees_key(G, trustees),
            questions=OWN_QUESTIONS,
        )
    )
    credentials = own_election.credentials
    cast = [
        check_ballot(election, make_ballot(election, credentials[voter], marks), "b")
        for voter, marks in zip(story["casts"], story["choices"], strict=True)
    ]
    last = last_ballots(cast)
    assert len(last) == len(story["weights"])
    weight_of = {
        public_credential(G, credentials[voter], election.uuid): weight
        for voter, weight in enumerate(story["weights"])
    }
    tally = encrypted_tally(election, [(ballot, weight_of[ballot.credential]) for ballot in last])
    keys = owner_keys(trustees)
    secrets = {1: x} | {1 + j: shares[j - 1] for j in story["decrypting"]}
    partials = {
        owner: check_partial_decryption(
            election, tally, keys[owner - 1], partial_decryption(election, tally, secret), "p"
        )
        for owner, secret in secrets.items()
    }
    total = sum(story["weights"])
    result = election_result(election, tally, combine_factors(election, trustees, partials), total)
    final: dict[int, tuple[list[list[int]], int]] = {}
    for voter, marks in zip(story["casts"], story["choices"], strict=True):
        final[voter] = (marks, story["weights"][voter])
    expected = [[0] * (len(q.answers) + (1 if q.blank else 0)) for q in OWN_QUESTIONS]
    for marks, weight in final.values():
        for i, row in enumerate(marks):
            for j, mark in enumerate(row):
                expected[i][j] += mark * weight
    assert result == expected


def test_a_tally_of_no_ballots_is_of_ones_as_belenios_writes_it(
    own_election: OwnElection,
) -> None:
    election = own_election.election
    tally = encrypted_tally(election, [])
    assert wire.dumps(tally_json(tally)[0]) == (
        '[{"alpha":"1","beta":"1"},{"alpha":"1","beta":"1"}]'
    )
    trustees: list[Single | Pedersen] = [Single(election.public_key)]
    partial = check_partial_decryption(
        election,
        tally,
        election.public_key,
        partial_decryption(election, tally, own_election.private_key),
        "p",
    )
    factors = combine_factors(election, trustees, {1: partial})
    assert election_result(election, tally, factors, 0) == [[0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_counts_up_to_the_total_weight_are_found_and_none_above(
    own_election: OwnElection,
) -> None:
    election, x = own_election.election, own_election.private_key
    y = election.public_key
    bound = 100_000
    counts = [[bound, 0], [1, bound - 1, 317, 316], [99_856, 99_857, 1000, 2]]
    tally = [[encrypt(G, y, m, 12345 + m) for m in row] for row in counts]
    factors = [[pow(c.alpha, x, G.p) for c in row] for row in tally]
    assert election_result(election, tally, factors, bound) == counts
    with pytest.raises(BeleniosError, match=r"question 1, answer 1: .* between 0 and 99999"):
        election_result(election, tally, factors, bound - 1)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, G.q - 1), min_size=1, max_size=4), st.data())
def test_lagrange_coefficients_give_back_the_value_at_zero(
    polynomial: list[int], data: st.DataObject
) -> None:
    q = G.q
    indexes = sorted(data.draw(st.sets(st.integers(1, 9), min_size=len(polynomial))))

    def at(j: int) -> int:
        return sum(a * pow(j, k, q) for k, a in enumerate(polynomial)) % q

    total = sum(lagrange(indexes, d, q) * at(d) for d in indexes) % q
    assert total == polynomial[0]


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        ({"a": 1}, "expected a list of lists"),
        ([[{"alpha": "1", "beta": "1"}, {"alpha": "1", "beta": "0"}]], "question 1, ciphertext 2"),
    ],
)
def test_a_malformed_tally_is_refused(obj: object, problem: str) -> None:
    with pytest.raises(BeleniosError, match=problem):
        tally_from_json(G, obj, "tally")


def test_the_ciphertexts_of_weighted_ballots_are_raised_to_their_weights(
    own_election: OwnElection,
) -> None:
    election = own_election.election
    marks = [[0, 1], [0, 1, 0, 1], [1, 0, 1, 0]]
    ballot = check_ballot(election, make_ballot(election, own_election.credentials[0], marks), "b")
    tally = encrypted_tally(election, [(ballot, 5)])
    c = ballot.answers[1][2]
    assert tally[1][2] == Ciphertext(pow(c.alpha, 5, G.p), pow(c.beta, 5, G.p))
