"""Scenarios are data: YAML files holding lists of conversations with what must (not) happen.

Validation is strict: an unknown key, a wrong type or a duplicate id is an error naming the file, the
scenario and the key, and the rest of the suite still runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

GENERATED = "generated:"
GENERATORS = ("demo", "electronics")  # what ``store: generated:NAME:SEED`` may name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnExpect(_Strict):
    reply_contains: list[str] = Field(default_factory=list)
    reply_contains_any: list[str] = Field(default_factory=list)
    reply_excludes: list[str] = Field(default_factory=list)
    reply_matches: list[str] = Field(default_factory=list)  # regular expressions, searched case-insensitively

    @field_validator("reply_matches")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from exc
        return patterns


class Turn(_Strict):
    user: str | None = None
    confirm: Literal["yes", "no"] | None = None
    expect: TurnExpect | None = None

    @model_validator(mode="before")
    @classmethod
    def _yaml_booleans(cls, data: Any) -> Any:
        # YAML reads `confirm: yes` as True: take it back to the words the format uses.
        if isinstance(data, dict) and isinstance(data.get("confirm"), bool):
            data = {**data, "confirm": "yes" if data["confirm"] else "no"}
        return data

    @model_validator(mode="after")
    def _one_kind(self) -> Turn:
        if (self.user is None) == (self.confirm is None):
            raise ValueError("a turn has either `user` or `confirm`")
        return self


class ToolCallExpect(_Strict):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)
    times: int | None = Field(default=None, ge=0)  # exactly this many matching calls (None: at least one)

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class ToolSequence(_Strict):
    """Calls in this order: ``strict``, the conversation's calls are exactly these; ``subset``, these
    appear in this order with any other calls between them."""

    mode: Literal["strict", "subset"] = "subset"
    calls: list[ToolCallExpect] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        return {"calls": data} if isinstance(data, list) else data

    @field_validator("calls")
    @classmethod
    def _no_times(cls, calls: list[ToolCallExpect]) -> list[ToolCallExpect]:
        if any(c.times is not None for c in calls):
            raise ValueError("`times` belongs in `tool_calls`, not in a sequence")
        return calls


CUSTOM = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


class Expect(TurnExpect):
    route: str | None = None
    tool_calls: list[ToolCallExpect] = Field(default_factory=list)
    tool_calls_forbidden: list[str] = Field(default_factory=list)
    tool_sequence: ToolSequence | None = None
    final_store: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    custom: list[str] = Field(default_factory=list)  # module:function graders
    rubric: list[str] = Field(default_factory=list)  # statements an LLM judge grades (reported apart)

    @field_validator("custom", "rubric", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("custom")
    @classmethod
    def _module_function(cls, names: list[str]) -> list[str]:
        for name in names:
            if not CUSTOM.fullmatch(name):
                raise ValueError(f"custom: expected module:function, got {name!r}")
        return names


class Context(_Strict):
    customer_email: str | None = None
    product_id: int | None = None


class Access(_Strict):
    """What the store's connection allows in this scenario: the token (``full``, or ``limited``: the
    store's token without the Marketing scope and with Orders read-only, the README's limited token)
    and the tools the merchant switched off (``bcagent tools disable``)."""

    token: Literal["full", "limited"] = "full"
    disabled_tools: list[str] = Field(default_factory=list)

    @field_validator("disabled_tools")
    @classmethod
    def _known_tools(cls, names: list[str]) -> list[str]:
        from agent.store.capabilities import TOOL_NAMES

        unknown = [n for n in names if n not in TOOL_NAMES]
        if unknown:
            raise ValueError(
                f"disabled_tools: unknown tool(s) {', '.join(unknown)}; one of {', '.join(TOOL_NAMES)}"
            )
        return names


class Shopper(_Strict):
    """A simulated shopper (needs an LLM): played until it says it is done."""

    persona: str
    goal: str
    facts: dict[str, Any] = Field(default_factory=dict)
    max_turns: int = 8


class Scenario(_Strict):
    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    store: str | None = None
    scopes: dict[str, Literal["modify", "read", "none"]] = Field(default_factory=dict)  # over the full ones
    context: Context = Field(default_factory=Context)
    access: Access = Field(default_factory=Access)
    turns: list[Turn] = Field(default_factory=list)
    shopper: Shopper | None = None
    expect: Expect = Field(default_factory=Expect)

    @model_validator(mode="after")
    def _known_store(self) -> Scenario:
        if self.store and self.store.startswith(GENERATED):
            name, _, seed = self.store[len(GENERATED) :].partition(":")
            if name not in GENERATORS or (seed and not seed.isdigit()):
                raise ValueError(
                    f"store: expected generated:NAME:SEED with NAME one of {', '.join(GENERATORS)}"
                )
        return self

    @model_validator(mode="after")
    def _has_conversation(self) -> Scenario:
        if not self.turns and self.shopper is None:
            raise ValueError("a scenario needs `turns` (or a simulated `shopper`)")
        return self


@dataclass(frozen=True)
class LoadedScenario:
    scenario: Scenario
    source: Path

    @property
    def generated_store(self) -> tuple[str, int] | None:
        """("electronics", 7) for ``store: generated:electronics:7``: a store built by a generator."""
        store = self.scenario.store or ""
        if not store.startswith(GENERATED):
            return None
        name, _, seed = store[len(GENERATED) :].partition(":")
        return name, int(seed or 0)

    @property
    def store_path(self) -> Path | None:
        if not self.scenario.store or self.generated_store is not None:
            return None
        return (self.source.parent / self.scenario.store).resolve()

    @property
    def store_key(self) -> str:
        """One name per distinct store: the fixture's path, ``generated:NAME:SEED`` or ``demo``."""
        if self.generated_store is not None:
            name, seed = self.generated_store
            return f"{GENERATED}{name}:{seed}"
        return str(self.store_path) if self.store_path else "demo"


@dataclass(frozen=True)
class LoadError:
    source: Path
    message: str


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(scenario)"


def load_file(path: Path) -> tuple[list[LoadedScenario], list[LoadError]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        return [], [LoadError(path, f"{path}: cannot read the scenario file: {exc}")]
    if not isinstance(data, list):
        return [], [LoadError(path, f"{path}: a scenario file holds a YAML list of scenarios")]
    loaded: list[LoadedScenario] = []
    errors: list[LoadError] = []
    for index, raw in enumerate(data):
        name = raw.get("id", f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
        try:
            loaded.append(LoadedScenario(Scenario.model_validate(raw), path))
        except ValidationError as exc:
            problems = "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False))
            errors.append(LoadError(path, f"{path}: scenario {name}: {problems}"))
    return loaded, errors


def load_suite(paths: list[Path]) -> tuple[list[LoadedScenario], list[LoadError]]:
    """Every scenario under the given files and folders; duplicate ids are errors."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    scenarios: list[LoadedScenario] = []
    errors: list[LoadError] = []
    seen: dict[str, Path] = {}
    for file in files:
        loaded, problems = load_file(file)
        errors.extend(problems)
        for item in loaded:
            if item.scenario.id in seen:
                errors.append(
                    LoadError(
                        file,
                        f"{file}: scenario {item.scenario.id}: duplicate id (also in {seen[item.scenario.id]})",
                    )
                )
                continue
            seen[item.scenario.id] = file
            scenarios.append(item)
    return scenarios, errors
