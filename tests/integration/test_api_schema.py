"""The API against its own OpenAPI schema (/api/v1/openapi.json): schemathesis generates
requests for every operation — the reads and the acts, whose random bodies no member
signed — both requests that fit the schema and requests that do not; no answer is a
server error, every answer has a status and a shape the schema documents, and nothing
is written. In process, over ASGI, on a federation after a small story.

Each operation's requests come from schemathesis's strategy for it, run by hypothesis
with a fixed budget and derandomized, so that a run is quick and repeatable."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, cast

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from integration.conftest import Databases
from integration.served import Served
from integration.signed import SignedOrganization
from soviet.bootstrap import Soviet
from soviet.domain import commands as cmd
from soviet.server import api_app

#: Requests per operation and generation mode.
EXAMPLES = 30

#: The API's schema: it does not depend on the organization served, so it is read from
#: an API over none.
SCHEMA = api_app(cast(Soviet, None), threading.Lock()).openapi()
#: Every operation of the API, as schemathesis labels them.
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, methods in SCHEMA["paths"].items() for method in methods
)
#: The operations that take any input: only those have requests that do not fit.
TAKING = [
    label
    for label in OPERATIONS
    if {"parameters", "requestBody"}
    & set(SCHEMA["paths"][label.split()[1]][label.split()[0].lower()])
]
#: Each operation with each kind of request: those that fit the schema, and those not.
CASES = [
    *(pytest.param(label, GenerationMode.POSITIVE, id=f"{label} fitting") for label in OPERATIONS),
    *(pytest.param(label, GenerationMode.NEGATIVE, id=f"{label} unfitting") for label in TAKING),
]


@dataclass
class Story:
    s: Served
    schema: BaseSchema
    operations: dict[str, APIOperation[Any, Any, Any, Any]]
    #: What each check found, by operation and mode, once sent.
    found: dict[tuple[str, GenerationMode], dict[str, list[str]]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    """The API's schema, served over a federation with an election closed (E1), one
    voting (E2), a recall petition against a1's deputy, and the purge scheduled (so that
    scheduling it again records nothing)."""
    folder = tmp_path_factory.mktemp("schema")
    databases = Databases(folder)
    s = Served(SignedOrganization(databases.new(), folder / "log.key"))
    try:
        s.org.elect("a1.deputy", ["a1-2"])
        opened = s.act("offices", "a2.deputy", cmd.OpenElection("a2-1", "a2.deputy"))
        assert opened.status_code == 201, opened.text
        for candidate in ("a2-1", "a2-2"):
            s.act("elections", "E2", cmd.Nominate("a2-1", "E2", candidate))
        s.act("elections", "E2", cmd.StartElection("a2-1", "E2"))
        mandate = s.get("/api/v1/mandates/a1.deputy:a1-2").json()["id"]
        s.act("mandates", mandate, cmd.OpenPetition("a1-3", mandate, "absent"))
        assert s.post("/api/v1/audit/schedule", json={}).status_code == 200
        soviet = s.org.soviet
        soviet.settings = replace(soviet.settings, now=s.org.now)
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", s.app)
        operations = {}
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result
            operation = result.ok()
            operations[f"{operation.method.upper()} {operation.path}"] = operation
        yield Story(s, schema, operations)
    finally:
        s.org.dispose()
        databases.drop_all()


#: The checks each answer must pass, by the name a test gives them.
CHECKS: dict[str, CheckFunction] = {
    "server error": not_a_server_error,
    "shape": response_schema_conformance,
    "status": status_code_conformance,
}


def failures(story: Story, label: str, mode: GenerationMode) -> dict[str, list[str]]:
    """Send the operation's generated requests (once per operation and mode, for every
    check), and what each check found wrong in their answers; asserts that the log and
    its projections are as they were."""
    key = (label, mode)
    if key in story.found:
        return story.found[key]
    operation = story.operations[label]
    found: dict[str, list[str]] = {name: [] for name in CHECKS}
    before = story.s.org.snapshot()

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    def sent(case: Case[Any]) -> None:
        response = case.call()
        for name, check in CHECKS.items():
            try:
                case.validate_response(response, checks=[check])
            except (Failure, FailureGroup) as failure:
                found[name].append(f"{case.method} {case.formatted_path}: {failure}"[:3000])

    sent()
    assert story.s.org.snapshot() == before, f"{label} changed the database"
    story.found[key] = found
    return found


def test_the_schema_lists_every_route_of_the_api(story: Story) -> None:
    assert sorted(story.operations) == OPERATIONS
    assert len(OPERATIONS) >= 20


def _error_shaped(answer: dict[str, Any]) -> bool:
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref") == "#/components/schemas/Error")


def test_every_act_documents_its_refusals_in_the_error_shape() -> None:
    for label in OPERATIONS:
        method, path = label.split()
        if path.endswith("/acts"):
            answers = SCHEMA["paths"][path][method.lower()]["responses"]
            assert all(_error_shaped(answers[s]) for s in ("400", "403", "404", "409", "422"))


@pytest.mark.parametrize("label", [label for label in TAKING if label.startswith("GET ")])
def test_every_read_documents_its_refusals_in_the_error_shape(label: str) -> None:
    method, path = label.split()
    answers = SCHEMA["paths"][path][method.lower()]["responses"]
    assert all(_error_shaped(answers.get(s, {})) for s in ("400", "404", "422"))


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_no_request_is_a_server_error(story: Story, label: str, mode: GenerationMode) -> None:
    found = failures(story, label, mode)["server error"]
    assert not found, "\n\n".join(found[:3])


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_every_answer_has_a_shape_the_schema_documents(
    story: Story, label: str, mode: GenerationMode
) -> None:
    found = failures(story, label, mode)["shape"]
    assert not found, "\n\n".join(found[:3])


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_every_answer_has_a_status_the_schema_documents(
    story: Story, label: str, mode: GenerationMode
) -> None:
    found = failures(story, label, mode)["status"]
    assert not found, "\n\n".join(found[:3])
