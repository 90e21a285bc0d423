"""The catalogue of events: one class per type, and a codec that refuses what does not fit."""

from __future__ import annotations

import pytest

from soviet.domain import catalogue as c
from soviet.domain import events as ev
from soviet.domain._codec import spec_of
from soviet.domain.catalogue import EventFormatError, decode, encode


def test_every_event_type_of_the_log_has_exactly_one_class() -> None:
    names = {value for key, value in vars(ev).items() if key.isupper() and isinstance(value, str)}
    assert set(c.CATALOGUE) == names


def test_an_optional_field_is_absent_when_none_and_a_nullable_one_is_written_as_null() -> None:
    opened = c.ElectionOpened(election="E1", office="o", seats=2)
    assert encode(opened) == {"election": "E1", "office": "o", "seats": 2}
    expired = c.MandateExpired(mandate="M1", reason="term ended", cause=None)
    assert encode(expired) == {"mandate": "M1", "reason": "term ended", "cause": None}


def test_lists_read_as_tuples_and_write_back_as_lists() -> None:
    data = {"election": "E1", "choice": ["a", "b"]}
    cast = decode("ballot.cast", data)
    assert cast == c.BallotCast(election="E1", choice=("a", "b"))
    assert encode(cast) == data


@pytest.mark.parametrize(
    ("type_name", "data", "says"),
    [
        ("ballot.kast", {}, "unknown event type 'ballot.kast'"),
        ("ballot.cast", {"election": "E1"}, "lacks choice"),
        ("ballot.cast", {"election": "E1", "choice": [], "x": 1}, "unknown x"),
        ("ballot.cast", {"election": 1, "choice": []}, "election is 1"),
        (
            "mandate.granted",
            {
                "mandate": "M1",
                "office": "o",
                "holder": "h",
                "seat": True,
                "election": "E1",
                "until": "t",
                "cause": 3,
            },
            "seat is True",
        ),
        ("recall.closed", {"petition": "P1", "outcome": "passed"}, "outcome is 'passed'"),
        (
            "election.started",
            {"election": "E1", "roll": ["a", 2], "seats": 1, "voting_ends": "t"},
            "roll is",
        ),
    ],
)
def test_data_that_does_not_fit_its_class_is_refused_naming_the_field(
    type_name: str, data: dict[str, object], says: str
) -> None:
    with pytest.raises(EventFormatError) as refused:
        decode(type_name, data)
    assert says in str(refused.value)


def test_nested_records_of_the_founding_are_typed() -> None:
    body = {"id": "b", "name": "B", "kind": "assembly", "parent": None}
    data = {
        "name": "N",
        "origin": "o",
        "founders": ["f"],
        "verifier_key": None,
        "offices": [],
        "rules": {
            "term_days": 1,
            "voting_days": 1,
            "recall_petition": "1/4",
            "recall_immediate": "1/2",
            "recall_quorum": "1/3",
        },
        "bodies": [body],
    }
    founded = decode("organization.founded", data)
    assert isinstance(founded, c.OrganizationFounded)
    assert founded.bodies == (c.BodyData("b", "B", "assembly", None),)
    assert encode(founded) == data
    with pytest.raises(EventFormatError, match="bodies"):
        decode("organization.founded", {**data, "bodies": [{**body, "kind": "club"}]})


class _Name(str):
    """A str that JSON never gives: the written-out readers leave it to the checked path."""


SAMPLES: list[c.Payload] = [
    c.BallotCast(election="E1", choice=("a", "b")),
    c.MemberAdmitted(member="m", name="M", bodies=("b",)),
    c.MemberAdmitted(member="m", name="M", bodies=(), cause=1),
    c.ElectionOpened(election="E2", office="o", seats=1, reason="audit"),
    c.MandateExpired(mandate="M1", reason="term ended", cause=None),
    c.MandateRecalled(mandate="M1", petition="P1", by="signatures", cause=4, signatures=3),
    c.RecallClosed(petition="P1", outcome="recalled", result={"winners": ["yes"]}, cause=9),
    c.PetitionSigned(petition="P1"),
]


def test_every_flat_event_type_has_a_written_out_reader_and_a_nested_one_none() -> None:
    for name, cls in c.CATALOGUE.items():
        flat = all(f.nested is None for f in spec_of(cls).fields)  # TypeError: a field unread
        assert (c._reader_of(name) is not None) == flat, name
    assert c._reader_of("no.such.type") is None


@pytest.mark.parametrize("payload", SAMPLES, ids=lambda p: p.TYPE)
def test_a_written_out_reader_reads_as_the_checked_path(payload: c.Payload) -> None:
    data = encode(payload)
    read = c._reader_of(payload.TYPE)
    assert read is not None
    assert read(data) == c._decode_checked(payload.TYPE, data) == payload
    assert read(dict(reversed(data.items()))) == payload  # keys in any order
    first = next(iter(data))
    for odd in ({**data, "x": 1}, {k: v for k, v in data.items() if k != first}):
        assert read(odd) is None
        with pytest.raises(EventFormatError):
            decode(payload.TYPE, odd)


def test_what_a_reader_does_not_admit_the_checked_path_reads() -> None:
    data = {"election": _Name("E1"), "choice": [_Name("a")]}
    read = c._reader_of("ballot.cast")
    assert read is not None and read(data) is None
    assert decode("ballot.cast", data) == c.BallotCast(election="E1", choice=("a",))
