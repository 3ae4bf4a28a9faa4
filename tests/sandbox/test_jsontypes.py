"""The JSON type checker the published-schema tests rely on: it must reject what the schemas reject."""

from __future__ import annotations

from tests.sandbox.jsontypes import (
    ANY,
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    array,
    either,
    enum,
    nullable,
    obj,
    problems,
)

ITEM = obj(
    {"id": INTEGER}, {"name": STRING, "price": NUMBER, "tags": array(STRING), "note": nullable(STRING)}
)


def test_a_matching_value_has_no_problems() -> None:
    value = {"id": 1, "name": "Gloves", "price": 5, "tags": ["a"], "note": None, "extra": {"kept": True}}
    assert problems(value, ITEM) == []
    assert problems([value, {"id": 2}], array(ITEM)) == []
    assert problems(12.5, NUMBER) == [] and problems(3, NUMBER) == []
    assert problems(None, ANY) == [] and problems({"x": [1]}, ANY) == []


def test_null_is_refused_unless_nullable() -> None:
    assert problems({"id": 1, "name": None}, ITEM) == ["$.name: null where string is documented"]
    assert problems(None, nullable(INTEGER)) == []


def test_wrong_kinds_are_refused_with_their_path() -> None:
    found = problems([{"id": "1", "tags": ["a", 2]}], array(ITEM))
    assert found == [
        "$[0].id: string '1' where integer is documented",
        "$[0].tags[1]: integer 2 where string is documented",
    ]
    assert problems(True, INTEGER) == ["$: boolean True where integer is documented"]
    assert problems(1.0, INTEGER) == ["$: number 1.0 where integer is documented"]
    assert problems(0, BOOLEAN) == ["$: integer 0 where boolean is documented"]
    assert problems([], obj()) == ["$: array [] where object is documented"]


def test_missing_required_fields_and_closed_objects() -> None:
    assert problems({"name": "x"}, ITEM) == ["$: required field 'id' is missing"]
    closed = obj({"id": INTEGER}, closed=True)
    assert problems({"id": 1, "other": 2}, closed) == ["$: field 'other' is not allowed here"]


def test_enums_and_alternatives() -> None:
    status = enum("ok", "error")
    assert problems("ok", status) == []
    assert problems("OK", status) == ["$: 'OK' is not one of 'ok', 'error'"]
    assert problems(3, enum(0, 1, 2)) == ["$: 3 is not one of 0, 1, 2"]
    logo = either(obj({"url": STRING}), array())
    assert problems([], logo) == [] and problems({"url": "x"}, logo) == []
    found = problems({"href": "x"}, logo)
    assert len(found) == 1 and found[0].startswith("$: matches none of object or array")
    assert "required field 'url' is missing" in found[0]
