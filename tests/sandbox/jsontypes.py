"""A small JSON type checker for the published-schema tests.

A :class:`JsonType` says which JSON kinds a value may have (``string``, ``integer``, ``number``,
``boolean``, ``object``, ``array``), whether ``null`` is allowed, which values an enum allows, and for
objects the required and optional fields (and whether other fields are forbidden); for arrays, the type
of the items. :func:`problems` lists every place a decoded JSON value breaks its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "ANY",
    "BOOLEAN",
    "INTEGER",
    "NUMBER",
    "STRING",
    "JsonType",
    "array",
    "either",
    "enum",
    "nullable",
    "obj",
    "problems",
]


@dataclass(frozen=True)
class JsonType:
    kinds: frozenset[str]
    nullable: bool = False
    enum: tuple[Any, ...] = ()
    required: Mapping[str, JsonType] = field(default_factory=dict)
    optional: Mapping[str, JsonType] = field(default_factory=dict)
    closed: bool = False
    items: JsonType | None = None
    alternatives: tuple[JsonType, ...] = ()

    def describe(self) -> str:
        if self.alternatives:
            text = " or ".join(alt.describe() for alt in self.alternatives)
        elif self.enum:
            text = "one of " + ", ".join(map(repr, self.enum))
        else:
            text = "/".join(sorted(self.kinds)) or "nothing"
        return text + (" or null" if self.nullable else "")


def _scalar(kind: str) -> JsonType:
    return JsonType(frozenset({kind}))


STRING = _scalar("string")
INTEGER = _scalar("integer")
NUMBER = _scalar("number")  # a JSON number: integers count too
BOOLEAN = _scalar("boolean")
ANY = JsonType(frozenset({"any"}), nullable=True)


def nullable(of: JsonType) -> JsonType:
    return replace(of, nullable=True)


def enum(*values: str | int) -> JsonType:
    """One of the given strings (or integers)."""
    return JsonType(frozenset(_kind(value) for value in values), enum=values)


def either(*alternatives: JsonType) -> JsonType:
    """A value that matches at least one of the alternatives (OpenAPI ``oneOf``/``anyOf``)."""
    return JsonType(frozenset(), alternatives=alternatives)


def array(items: JsonType | None = None) -> JsonType:
    return JsonType(frozenset({"array"}), items=items)


def obj(
    required: Mapping[str, JsonType] | None = None,
    optional: Mapping[str, JsonType] | None = None,
    *,
    closed: bool = False,
) -> JsonType:
    """An object with required fields, optional fields, and, when ``closed``, no other fields."""
    return JsonType(frozenset({"object"}), required=required or {}, optional=optional or {}, closed=closed)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _kind_allowed(kind: str, kinds: frozenset[str]) -> bool:
    return "any" in kinds or kind in kinds or (kind == "integer" and "number" in kinds)


def problems(value: Any, expected: JsonType, path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``expected``, each as ``"<path>: <what is wrong>"``; [] if none."""
    if value is None:
        return [] if expected.nullable else [f"{path}: null where {expected.describe()} is documented"]
    if expected.alternatives:
        found: list[list[str]] = [problems(value, alternative, path) for alternative in expected.alternatives]
        if any(not found_here for found_here in found):
            return []
        closest = "; ".join(sorted(found, key=len)[0])
        return [f"{path}: matches none of {expected.describe()} ({closest})"]
    kind = _kind(value)
    if not _kind_allowed(kind, expected.kinds):
        return [f"{path}: {kind} {value!r:.60} where {expected.describe()} is documented"]
    if expected.enum and value not in expected.enum:
        return [f"{path}: {value!r} is not {expected.describe()}"]
    if kind == "object":
        return _object_problems(value, expected, path)
    if kind == "array" and expected.items is not None:
        return [
            p for index, item in enumerate(value) for p in problems(item, expected.items, f"{path}[{index}]")
        ]
    return []


def _object_problems(value: dict[str, Any], expected: JsonType, path: str) -> list[str]:
    found = [f"{path}: required field {name!r} is missing" for name in expected.required if name not in value]
    for name, item in value.items():
        field_type = expected.required.get(name) or expected.optional.get(name)
        if field_type is not None:
            found += problems(item, field_type, f"{path}.{name}")
        elif expected.closed:
            found.append(f"{path}: field {name!r} is not allowed here")
    return found
