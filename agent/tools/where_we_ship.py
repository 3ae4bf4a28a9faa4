"""Where a shopper is: a country (and a US or Canadian state) found in their words, by name.

Names come from pycountry (ISO 3166 country names, official and common names, and the states and
provinces of the countries whose zones are often by state), plus the few names shoppers use that ISO does
not ("UK", "England", "the States"). Two-letter codes are not matched in lower case: "in", "to" and "us"
are words before they are countries.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import pycountry

_ALIASES = {
    "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "britain": "GB",
    "great britain": "GB", "united kingdom": "GB", "usa": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
    "the states": "US", "united states": "US", "the us": "US", "stateside": "US", "holland": "NL",
    "south korea": "KR", "korea": "KR", "russia": "RU", "vietnam": "VN", "iran": "IR", "taiwan": "TW",
    "czech republic": "CZ", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "syria": "SY",
    "laos": "LA", "moldova": "MD", "the netherlands": "NL", "ivory coast": "CI", "turkey": "TR",
}  # fmt: skip
_UPPER_CODES = ("US", "USA", "UK", "CA", "AU", "NZ", "EU")
_STATE_COUNTRIES = ("US", "CA", "AU")
_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")


@dataclass(frozen=True)
class Place:
    country_iso2: str
    country: str  # as shoppers read it
    state_iso2: str | None = None
    state: str | None = None


@functools.cache
def _names() -> dict[str, tuple[str, str | None]]:
    """Lower-case name -> (country code, state code or None)."""
    names: dict[str, tuple[str, str | None]] = {}
    for country in _STATE_COUNTRIES:
        subdivisions: Any = pycountry.subdivisions
        for sub in subdivisions.get(country_code=country) or []:
            names[sub.name.lower()] = (country, sub.code.split("-", 1)[1])
    countries: Any = pycountry.countries
    for country in countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[value.lower()] = (country.alpha_2, None)  # a country wins over a state ("Georgia")
    for alias, code in _ALIASES.items():
        names[alias] = (code, None)
    return names


def country_name(iso2: str) -> str:
    if iso2 == "US":
        return "the United States"
    if iso2 == "GB":
        return "the United Kingdom"
    countries: Any = pycountry.countries
    country = countries.get(alpha_2=iso2)
    return str(getattr(country, "common_name", None) or getattr(country, "name", iso2)) if country else iso2


def find_place(text: str) -> Place | None:
    """The first country or state named in ``text`` (longest name first at each position)."""
    words = _WORD.findall(text or "")
    names = _names()
    for start in range(len(words)):
        for length in (4, 3, 2, 1):
            chunk = words[start : start + length]
            if len(chunk) < length:
                continue
            phrase = " ".join(chunk)
            key = phrase.lower().strip(".'")
            hit = names.get(key) or names.get(phrase.lower())
            if length == 1 and len(key) <= 2 and key != "uk":
                hit = None  # "in", "to", "us": words, unless written as a code ("US")
            if hit is None and length == 1 and phrase.strip(".") in _UPPER_CODES:
                code = {"USA": "US", "UK": "GB"}.get(phrase.strip("."), phrase.strip("."))
                hit = (code, None) if code != "EU" else None
            if hit is None:
                continue
            country, state = hit
            if state is not None:
                subdivisions: Any = pycountry.subdivisions
                sub = subdivisions.get(code=f"{country}-{state}")
                return Place(country, country_name(country), state, getattr(sub, "name", state))
            return Place(country, country_name(country))
    return None
