"""Query-string parsing with BigCommerce's errors: a bad value is a 400 (v2) or 422 (v3), never a crash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.datastructures import QueryParams

from .formats import ApiVersion, SandboxError, parse_any_date

MAX_LIMIT = 250
DEFAULT_LIMIT = 50

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


@dataclass(frozen=True)
class Page:
    page: int
    limit: int

    @property
    def start(self) -> int:
        return (self.page - 1) * self.limit


class Query:
    """Typed access to one request's query parameters."""

    def __init__(self, params: QueryParams, version: ApiVersion) -> None:
        self.params = params
        self.version = version

    def _invalid(self, name: str) -> SandboxError:
        if self.version == "v2":
            return SandboxError(400, f"The field '{name}' is invalid.", "v2")
        return SandboxError(422, f"The filter '{name}' is invalid.", "v3", {name: "invalid value"})

    def has(self, name: str) -> bool:
        return name in self.params

    def text(self, name: str) -> str | None:
        return self.params.get(name)

    def integer(self, name: str) -> int | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            return int(raw.strip())
        except ValueError:
            raise self._invalid(name) from None

    def number(self, name: str) -> float | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            return float(raw.strip())
        except ValueError:
            raise self._invalid(name) from None

    def flag(self, name: str) -> bool | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise self._invalid(name)

    def csv(self, name: str) -> list[str] | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        return [part.strip() for part in raw.split(",") if part.strip()]

    def int_list(self, name: str) -> list[int] | None:
        parts = self.csv(name)
        if parts is None:
            return None
        try:
            return [int(part) for part in parts]
        except ValueError:
            raise self._invalid(name) from None

    def date(self, name: str) -> datetime | None:
        raw = self.params.get(name)
        if raw is None:
            return None
        try:
            return parse_any_date(raw)
        except ValueError:
            raise self._invalid(name) from None

    def page(self) -> Page:
        page = self.integer("page")
        limit = self.integer("limit")
        if page is None:
            page = 1
        if limit is None:
            limit = DEFAULT_LIMIT
        if page < 1:
            raise self._invalid("page")
        if limit < 1:
            raise self._invalid("limit")
        if limit > MAX_LIMIT:
            message = f"The limit must be no more than {MAX_LIMIT}."
            raise SandboxError(413, message, self.version, {"limit": message})
        return Page(page, limit)
