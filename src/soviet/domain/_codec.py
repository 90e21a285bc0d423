"""The codec of the event catalogue (`soviet.domain.catalogue`): the typed fields of each
payload class, how a JSON value is checked against them, read into the class and written
back, and the written-out readers that decode the log's events fast."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Literal, get_args, get_origin

Check = Callable[[Any], bool]


def check_of(hint: Any) -> Check:
    """A check that a JSON value fits a field's type."""
    origin = get_origin(hint)
    if hint is Any:
        return lambda value: True
    if hint is str:
        return lambda value: isinstance(value, str)
    if hint is int:
        return lambda value: type(value) is int
    if hint is bool:
        return lambda value: type(value) is bool
    if hint is type(None):
        return lambda value: value is None
    if origin is Literal:
        allowed = frozenset(get_args(hint))
        return lambda value: isinstance(value, str) and value in allowed
    if origin in (typing.Union, types.UnionType):
        checks = [check_of(arg) for arg in get_args(hint)]
        return lambda value: any(check(value) for check in checks)
    if origin is tuple:
        item = check_of(get_args(hint)[0])
        return lambda value: isinstance(value, list) and all(item(v) for v in value)
    if origin is Mapping:
        return lambda value: isinstance(value, dict)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        spec = spec_of(hint)
        return lambda value: isinstance(value, dict) and fits(spec, value)
    raise TypeError(f"no JSON check for field type {hint!r}")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    omit_none: bool
    check: Check
    nested: type | None  # a dataclass (or a tuple of them) read from JSON objects


@dataclass(frozen=True, slots=True)
class Spec:
    cls: type
    fields: tuple[Field, ...]
    required: frozenset[str]
    names: frozenset[str]


SPECS: dict[type, Spec] = {}


def _unless_none(hint: Any) -> Any:
    """The type of an optional field (`X | None` is X); any other as it is."""
    if get_origin(hint) in (typing.Union, types.UnionType):
        others = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return hint


def spec_of(cls: type) -> Spec:
    if cls not in SPECS:
        hints = typing.get_type_hints(cls)
        fields = []
        for f in dataclasses.fields(cls):
            hint = hints[f.name]
            nested = None
            inner = _unless_none(hint)
            inner = get_args(inner)[0] if get_origin(inner) is tuple else inner
            if isinstance(inner, type) and dataclasses.is_dataclass(inner):
                nested = inner
            fields.append(Field(f.name, bool(f.metadata.get("omit_none")), check_of(hint), nested))
        names = frozenset(f.name for f in fields)
        required = frozenset(f.name for f in fields if not f.omit_none)
        SPECS[cls] = Spec(cls, tuple(fields), required, names)
    return SPECS[cls]


def fits(spec: Spec, value: Mapping[str, Any]) -> bool:
    keys = value.keys()
    if not (spec.required <= keys <= spec.names):
        return False
    return all(f.check(value[f.name]) for f in spec.fields if f.name in value)


def read(spec: Spec, value: Mapping[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    for f in spec.fields:
        if f.name not in value:
            continue
        item = value[f.name]
        if f.nested is not None and item is not None:
            nested = spec_of(f.nested)
            item = (
                tuple(read(nested, v) for v in item)
                if isinstance(item, list)
                else read(nested, item)
            )
        elif isinstance(item, list):
            item = tuple(item)
        kwargs[f.name] = item
    return spec.cls(**kwargs)


def write(spec: Spec, value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in spec.fields:
        item = getattr(value, f.name)
        if item is None and f.omit_none:
            continue
        if f.nested is not None and item is not None:
            nested = spec_of(f.nested)
            item = (
                [write(nested, v) for v in item] if isinstance(item, tuple) else write(nested, item)
            )
        elif isinstance(item, tuple):
            item = list(item)
        elif isinstance(item, Mapping):
            item = dict(item)
        data[f.name] = item
    return data


#: A payload read from an event's data, or None for data the reader does not read.
Reader = Callable[[Mapping[str, Any]], Any]

_ABSENT: Any = object()


def reader(spec: Spec) -> Reader | None:
    """A reader for a class without nested dataclasses, written out as Python for its
    fields, as `dataclasses` writes `__init__`: decoding is most of the cost of reading a
    log, and a loop over checks costs a call per field. It admits only values of the exact
    types JSON gives (a `str`, not a subclass), which the checked path reads otherwise."""
    if any(f.nested is not None for f in spec.fields):
        return None
    hints = typing.get_type_hints(spec.cls)
    names: dict[str, Any] = {"cls": spec.cls, "ABSENT": _ABSENT, "repeat": repeat}
    lines = ["def read(data):", "    present = 0"]
    values = []
    for i, f in enumerate(spec.fields):
        v = f"v{i}"
        if f.omit_none:
            lines += [
                f"    {v} = data.get({f.name!r}, ABSENT)",
                f"    if {v} is ABSENT:",
                f"        {v} = None",
                "    else:",
                "        present += 1",
            ]
        else:
            lines += [f"    {v} = data.get({f.name!r}, ABSENT)", "    present += 1"]
        test, value = _fits_exactly(hints[f.name], v, f"check{i}", names)
        lines += [f"    if not ({test}):", "        return None"]
        values.append(value)
    lines += [
        "    if len(data) != present:",
        "        return None",
        f"    return cls({', '.join(values)})",
    ]
    exec("\n".join(lines), names)
    read: Reader = names["read"]
    return read


def _fits_exactly(hint: Any, v: str, key: str, names: dict[str, Any]) -> tuple[str, str]:
    """The test that the value in variable `v` has a field's type, and the value as the
    class takes it (lists as tuples); `names` takes what the test refers to."""
    origin = get_origin(hint)
    if hint is Any:
        return f"{v} is not ABSENT", f"(tuple({v}) if type({v}) is list else {v})"
    if hint in (str, int, bool):
        return f"type({v}) is {hint.__name__}", v
    if hint is type(None):
        return f"{v} is None", v
    if origin is Literal:
        names[key] = frozenset(get_args(hint))
        return f"type({v}) is str and {v} in {key}", v
    if origin is tuple and get_args(hint)[0] is str:
        return f"type({v}) is list and all(map(isinstance, {v}, repeat(str)))", f"tuple({v})"
    if origin is Mapping:
        return f"type({v}) is dict", v
    if origin in (typing.Union, types.UnionType):
        parts = [_fits_exactly(arg, v, f"{key}_{n}", names) for n, arg in enumerate(get_args(hint))]
        if all(value == v for _, value in parts):
            return " or ".join(f"({test})" for test, _ in parts), v
    names[key] = check_of(hint)
    return f"{v} is not ABSENT and {key}({v})", f"(tuple({v}) if type({v}) is list else {v})"
