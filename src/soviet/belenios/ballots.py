"""Elections and ballots (specification 4.9–4.11, 4.15): writing them and checking them.

An election is kept as the exact text it was published as, since its fingerprint φ (the
H_JSON of that text) is in every ballot and every proof. A ballot encrypts each choice
as 0 or 1 and proves it; proves each question's total is within its bounds (or, for a
question that allows it, that the vote is blank); and is signed with the voter's
credential over the H_JSON of the ballot without its signature, written compactly with
the fields in the specification's order.

Only homomorphic questions are supported: a question of another type is refused when
the election is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from soviet.belenios import wire
from soviet.belenios.credentials import ALPHABET, credential_secret
from soviet.belenios.elgamal import (
    Ciphertext,
    Powers,
    below_p,
    ciphertext_from_json,
    ciphertext_json,
    encrypt,
    fixed_base,
)
from soviet.belenios.errors import BeleniosError
from soviet.belenios.group import Group, group_named
from soviet.belenios.modular import big
from soviet.belenios.proofs import (
    Proof,
    check_blank_prepared,
    check_overall_blank_prepared,
    check_signature_prepared,
    icheck_prepared,
    iprove,
    proof_from_json,
    proof_json,
    prove_blank,
    prove_overall_blank,
    sign,
)

_ELECTION_FIELDS = (
    "version",
    "description",
    "name",
    "group",
    "public_key",
    "questions",
    "uuid",
    "administrator",
    "credential_authority",
)
_QUESTION_FIELDS = ("answers", "blank", "min", "max", "question")
_BALLOT_FIELDS = ("election_uuid", "election_hash", "credential", "answers", "signature")


@dataclass(frozen=True)
class Question:
    """A homomorphic question: choose between ``min`` and ``max`` of ``answers``, or none
    at all when ``blank`` allows a blank vote."""

    question: str
    answers: tuple[str, ...]
    min: int
    max: int
    blank: bool

    @property
    def bounds(self) -> range:
        """The totals a non-blank vote may have: ``min`` … ``max``."""
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class Election:
    """An election as published: its exact ``text`` and what is read from it."""

    text: str
    uuid: str
    name: str
    description: str
    group: Group
    public_key: int
    questions: tuple[Question, ...]
    fingerprint: str
    administrator: str | None = None
    credential_authority: str | None = None


def _string(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise BeleniosError(f"{where}: {key} must be a string, got {value!r:.40}")
    return value


def _small(obj: dict[str, Any], key: str, where: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise BeleniosError(f"{where}: {key} must be a whole number, got {value!r:.40}")
    return value


def _unknown(obj: dict[str, Any], known: Sequence[str], where: str) -> None:
    extra = [key for key in obj if key not in known]
    if extra:
        raise BeleniosError(f"{where}: unknown field {extra[0]!r:.40}")


def check_uuid(uuid: object, where: str) -> str:
    """An election uuid: 14 or more Base58 characters."""
    if not isinstance(uuid, str) or len(uuid) < 14 or any(c not in ALPHABET for c in uuid):
        raise BeleniosError(f"{where}: uuid {uuid!r:.40} is not 14 or more Base58 characters")
    return uuid


def _question(obj: object, where: str) -> Question:
    if not isinstance(obj, dict):
        raise BeleniosError(f"{where}: expected a question object, got {obj!r:.40}")
    if "type" in obj or "value" in obj:
        kind = obj.get("type")
        raise BeleniosError(
            f"{where}: a question of type {kind!r:.40} is not supported; "
            "only homomorphic questions (answers, min, max) are"
        )
    _unknown(obj, _QUESTION_FIELDS, where)
    answers = obj.get("answers")
    if (
        not isinstance(answers, list)
        or not answers
        or not all(isinstance(answer, str) for answer in answers)
    ):
        raise BeleniosError(f"{where}: answers must be a non-empty list of strings")
    blank = obj.get("blank", False)
    if not isinstance(blank, bool):
        raise BeleniosError(f"{where}: blank must be true or false, got {blank!r:.20}")
    low, high = _small(obj, "min", where), _small(obj, "max", where)
    if low > high:
        raise BeleniosError(f"{where}: min {low} is above max {high}")
    return Question(_string(obj, "question", where), tuple(answers), low, high, blank)


def parse_election(text: str) -> Election:
    """Read an election's text (4.10); φ is the H_JSON of the text exactly as given."""
    where = "election"
    obj = wire.loads(text, where)
    if not isinstance(obj, dict):
        raise BeleniosError(f"{where}: expected a JSON object")
    _unknown(obj, _ELECTION_FIELDS, where)
    if obj.get("version") != 1 or isinstance(obj.get("version"), bool):
        raise BeleniosError(f"{where}: version {obj.get('version')!r:.20} is not 1")
    group = group_named(obj.get("group"))
    questions = obj.get("questions")
    if not isinstance(questions, list) or not questions:
        raise BeleniosError(f"{where}: questions must be a non-empty list")
    optional: dict[str, str | None] = {}
    for key in ("administrator", "credential_authority"):
        optional[key] = _string(obj, key, where) if key in obj else None
    return Election(
        text=text,
        uuid=check_uuid(obj.get("uuid"), where),
        name=_string(obj, "name", where),
        description=_string(obj, "description", where),
        group=group,
        public_key=group.element(obj.get("public_key"), f"{where}, public_key"),
        questions=tuple(
            _question(question, f"{where}, question {i}")
            for i, question in enumerate(questions, start=1)
        ),
        fingerprint=wire.fingerprint(text),
        **optional,
    )


def make_election(
    *,
    uuid: str,
    name: str,
    description: str,
    group: Group,
    public_key: int,
    questions: Sequence[Question],
    administrator: str | None = None,
    credential_authority: str | None = None,
) -> str:
    """The text of an election, its fields in the order belenios-tool writes them."""
    check_uuid(uuid, "election")
    written: list[dict[str, Any]] = []
    for question in questions:
        item: dict[str, Any] = {"answers": list(question.answers)}
        if question.blank:
            item["blank"] = True
        item.update(min=question.min, max=question.max, question=question.question)
        written.append(item)
    election: dict[str, Any] = {
        "version": 1,
        "description": description,
        "name": name,
        "group": group.name,
        "public_key": str(public_key),
        "questions": written,
        "uuid": uuid,
    }
    if administrator is not None:
        election["administrator"] = administrator
    if credential_authority is not None:
        election["credential_authority"] = credential_authority
    return wire.dumps(election)


# -- making a ballot -----------------------------------------------------------------------


def _check_choices(question: Question, choices: Sequence[int], where: str) -> None:
    """Refuse choices that are not 0/1, of the wrong length, or outside min … max."""
    expected = len(question.answers) + (1 if question.blank else 0)
    if len(choices) != expected:
        raise BeleniosError(f"{where}: expected {expected} choices, got {len(choices)}")
    if any(choice not in (0, 1) or isinstance(choice, bool) for choice in choices):
        raise BeleniosError(f"{where}: every choice must be 0 or 1, got {list(choices)}")
    if question.blank and choices[0] == 1:
        if any(choices[1:]):
            raise BeleniosError(f"{where}: a blank vote selects no answer")
        return
    total = sum(choices[1:] if question.blank else choices)
    if total not in question.bounds:
        raise BeleniosError(
            f"{where}: {total} answers selected, the question asks for "
            f"{question.min} to {question.max}"
        )


def _prefix(election: Election, credential: int) -> str:
    """S0: φ, a bar and the public credential."""
    return f"{election.fingerprint}|{credential}"


def _statement(prefix: str, ciphertexts: Sequence[Ciphertext]) -> str:
    """S: S0, a bar and every choice's alpha and beta, separated by commas."""
    return prefix + "|" + ",".join(f"{c.alpha},{c.beta}" for c in ciphertexts)


def _answer(
    election: Election, question: Question, prefix: str, choices: Sequence[int]
) -> dict[str, Any]:
    group, y, q = election.group, election.public_key, election.group.q
    secrets = [group.random_exponent() for _ in choices]
    ciphertexts = [encrypt(group, y, m, r) for m, r in zip(choices, secrets, strict=True)]
    individual = [
        iprove(group, y, prefix, c, r, m, (0, 1))
        for c, r, m in zip(ciphertexts, secrets, choices, strict=True)
    ]
    S = _statement(prefix, ciphertexts)
    answer: dict[str, Any] = {
        "choices": [ciphertext_json(c) for c in ciphertexts],
        "individual_proofs": [[proof_json(p) for p in proofs] for proofs in individual],
    }
    if not question.blank:
        total = _product(group, ciphertexts)
        index = sum(choices) - question.min
        overall = iprove(group, y, S, total, sum(secrets) % q, index, question.bounds)
        answer["overall_proof"] = [proof_json(p) for p in overall]
        return answer
    r_blank, r_total = secrets[0], sum(secrets[1:]) % q
    m_blank, m_total = choices[0], sum(choices[1:])
    overall = prove_overall_blank(group, y, S, r_blank, r_total, m_blank, m_total, question.bounds)
    blank = prove_blank(group, y, S, r_blank, r_total, m_blank, m_total)
    answer["overall_proof"] = [proof_json(p) for p in overall]
    answer["blank_proof"] = [proof_json(p) for p in blank]
    return answer


def make_ballot(election: Election, credential: str, choices: Sequence[Sequence[int]]) -> str:
    """A signed ballot's text, as belenios-tool writes it, for one voter's choices.

    ``choices`` has one list of 0/1 per question, one per answer, led by the blank
    choice (1 for a blank vote) when the question allows a blank vote.
    """
    if len(choices) != len(election.questions):
        raise BeleniosError(
            f"ballot: {len(choices)} answers for {len(election.questions)} questions"
        )
    for i, (question, chosen) in enumerate(zip(election.questions, choices, strict=True), 1):
        _check_choices(question, chosen, f"ballot, question {i}")
    group = election.group
    secret = credential_secret(group, credential, election.uuid)
    public = fixed_base(group, group.g).power(secret)
    prefix = _prefix(election, public)
    ballot: dict[str, Any] = {
        "election_uuid": election.uuid,
        "election_hash": election.fingerprint,
        "credential": str(public),
        "answers": [
            _answer(election, question, prefix, chosen)
            for question, chosen in zip(election.questions, choices, strict=True)
        ],
    }
    signed = wire.fingerprint(wire.dumps(ballot))
    ballot["signature"] = {"hash": signed, "proof": proof_json(sign(group, secret, signed))}
    return wire.dumps(ballot)


# -- checking a ballot ---------------------------------------------------------------------


@dataclass(frozen=True)
class Ballot:
    """A ballot that passed every check: its text, credential, ciphertexts and tracker.

    ``answers`` has one tuple of ciphertexts per question, led by the blank choice's
    when the question allows a blank vote.
    """

    text: str
    credential: int
    answers: tuple[tuple[Ciphertext, ...], ...]
    tracker: str


def tracker(text: str) -> str:
    """The smart ballot tracker: H_JSON of the whole ballot text."""
    return wire.fingerprint(text)


def _product(group: Group, ciphertexts: Sequence[Ciphertext]) -> Ciphertext:
    alpha, beta, p = big(1), big(1), group.modulus
    for c in ciphertexts:
        alpha = alpha * c.alpha % p
        beta = beta * c.beta % p
    return Ciphertext(int(alpha), int(beta))


def _object(obj: object, fields: Sequence[str], optional: Sequence[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise BeleniosError(f"{where}: expected a JSON object, got {obj!r:.40}")
    missing = [key for key in fields if key not in obj]
    if missing:
        raise BeleniosError(f"{where}: {missing[0]} is missing")
    _unknown(obj, (*fields, *optional), where)


def _proofs(group: Group, obj: object, count: int, where: str) -> list[Proof]:
    if not isinstance(obj, list) or len(obj) != count:
        raise BeleniosError(f"{where}: expected a list of {count} proofs, got {obj!r:.40}")
    return [proof_from_json(group, item, f"{where}, proof {k}") for k, item in enumerate(obj)]


@dataclass(frozen=True)
class _Answer:
    """One answer as read: its ciphertexts and its proofs, not yet checked."""

    ciphertexts: tuple[Ciphertext, ...]
    individual: tuple[list[Proof], ...]
    overall: list[Proof]
    blank: list[Proof] | None


def _choice_name(question: Question, index: int) -> str:
    if question.blank:
        return "blank choice" if index == 0 else f"choice {index}"
    return f"choice {index + 1}"


def _read_answer(group: Group, question: Question, obj: object, where: str) -> _Answer:
    optional = ("blank_proof",) if question.blank else ()
    _object(obj, ("choices", "individual_proofs", "overall_proof"), optional, where)
    assert isinstance(obj, dict)
    if question.blank and "blank_proof" not in obj:
        raise BeleniosError(f"{where}: blank_proof is missing")
    count = len(question.answers) + (1 if question.blank else 0)
    choices, individual = obj["choices"], obj["individual_proofs"]
    if not isinstance(choices, list) or len(choices) != count:
        raise BeleniosError(f"{where}: expected {count} choices")
    if not isinstance(individual, list) or len(individual) != count:
        raise BeleniosError(f"{where}: expected {count} individual proofs")
    ciphertexts, proofs = [], []
    for k, (choice, proof) in enumerate(zip(choices, individual, strict=True)):
        name = f"{where}, {_choice_name(question, k)}"
        ciphertexts.append(ciphertext_from_json(group, choice, name, check=False))
        proofs.append(_proofs(group, proof, 2, f"{name}, individual proof"))
    overall_count = len(question.bounds) + (1 if question.blank else 0)
    overall = _proofs(group, obj["overall_proof"], overall_count, f"{where}, overall proof")
    blank = None
    if question.blank:
        blank = _proofs(group, obj["blank_proof"], 2, f"{where}, blank proof")
    return _Answer(tuple(ciphertexts), tuple(proofs), overall, blank)


def _signed_json(uuid: str, election_hash: str, credential: int, answers: Sequence[_Answer]) -> str:
    """The ballot without its signature, compact, fields in the specification's order."""
    written: list[dict[str, Any]] = []
    for answer in answers:
        item: dict[str, Any] = {
            "choices": [ciphertext_json(c) for c in answer.ciphertexts],
            "individual_proofs": [[proof_json(p) for p in ps] for ps in answer.individual],
            "overall_proof": [proof_json(p) for p in answer.overall],
        }
        if answer.blank is not None:
            item["blank_proof"] = [proof_json(p) for p in answer.blank]
        written.append(item)
    return wire.dumps(
        {
            "election_uuid": uuid,
            "election_hash": election_hash,
            "credential": str(credential),
            "answers": written,
        }
    )


def _check_answer(
    election: Election, question: Question, answer: _Answer, prefix: str, where: str
) -> None:
    group = election.group
    y = fixed_base(group, election.public_key)
    tables = [(Powers(group, c.alpha), Powers(group, c.beta)) for c in answer.ciphertexts]
    for k, (alpha, beta) in enumerate(tables):
        name = f"{where}, {_choice_name(question, k)}"
        if not alpha.in_group():
            raise BeleniosError(f"{name}: alpha is not an element of {group.name}")
        if not beta.in_group():
            raise BeleniosError(f"{name}: beta is not an element of {group.name}")
        if not icheck_prepared(group, y, prefix, alpha, beta, (0, 1), answer.individual[k]):
            raise BeleniosError(f"{name}: individual proof does not verify")
    S = _statement(prefix, answer.ciphertexts)
    counted = answer.ciphertexts[1:] if question.blank else answer.ciphertexts
    total = _product(group, counted)
    sums = (Powers(group, total.alpha), Powers(group, total.beta))
    if answer.blank is None:
        if not icheck_prepared(group, y, S, *sums, question.bounds, answer.overall):
            raise BeleniosError(f"{where}: overall proof does not verify")
        return
    blank = tables[0]
    if not check_blank_prepared(group, y, S, blank, sums, answer.blank):
        raise BeleniosError(f"{where}: blank proof does not verify")
    if not check_overall_blank_prepared(group, y, S, blank, sums, question.bounds, answer.overall):
        raise BeleniosError(f"{where}: overall proof does not verify")


def check_ballot(election: Election, text: str, where: str) -> Ballot:
    """Check a ballot's every field, proof and signature; the error names what fails."""
    group = election.group
    obj = wire.loads(text, where)
    _object(obj, _BALLOT_FIELDS, (), where)
    assert isinstance(obj, dict)
    uuid, election_hash = obj["election_uuid"], obj["election_hash"]
    if uuid != election.uuid:
        raise BeleniosError(f"{where}: for election {uuid!r:.40}, not {election.uuid}")
    if election_hash != election.fingerprint:
        raise BeleniosError(
            f"{where}: election_hash {election_hash!r:.60} is not this election's fingerprint"
        )
    credential_number = below_p(group, obj["credential"], f"{where}, credential")
    answers_json = obj["answers"]
    if not isinstance(answers_json, list) or len(answers_json) != len(election.questions):
        raise BeleniosError(f"{where}: expected {len(election.questions)} answers")
    answers = [
        _read_answer(group, question, answer, f"{where}, answer {i}")
        for i, (question, answer) in enumerate(
            zip(election.questions, answers_json, strict=True), start=1
        )
    ]
    signature = obj["signature"]
    _object(signature, ("hash", "proof"), (), f"{where}, signature")
    assert isinstance(signature, dict)
    signed = wire.fingerprint(_signed_json(uuid, election_hash, credential_number, answers))
    if signature["hash"] != signed:
        raise BeleniosError(f"{where}: the signed hash is not the hash of the ballot")
    proof = proof_from_json(group, signature["proof"], f"{where}, signature")
    credential = Powers(group, credential_number)
    if not credential.in_group():
        raise BeleniosError(f"{where}: credential is not an element of {group.name}")
    prefix = _prefix(election, credential.base)
    for i, (question, answer) in enumerate(zip(election.questions, answers, strict=True), 1):
        _check_answer(election, question, answer, prefix, f"{where}, answer {i}")
    if not check_signature_prepared(group, credential, signed, proof):
        raise BeleniosError(f"{where}: the signature does not verify")
    return Ballot(
        text=text,
        credential=credential.base,
        answers=tuple(answer.ciphertexts for answer in answers),
        tracker=tracker(text),
    )


def last_ballots(ballots: Sequence[Ballot]) -> list[Ballot]:
    """The ballots counted (4.15's last): each credential's last ballot, in casting order."""
    latest: dict[int, Ballot] = {}
    for ballot in ballots:
        latest.pop(ballot.credential, None)
        latest[ballot.credential] = ballot
    return list(latest.values())
