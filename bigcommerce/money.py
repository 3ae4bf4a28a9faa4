"""Money formatted the way the store formats it (symbol, its side, separators, decimal places),
from the currency settings of ``GET /v2/store``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass
class MoneyFormat:
    currency: str = "USD"
    symbol: str = "$"
    symbol_location: str = "left"
    decimal_places: int = 2
    decimal_separator: str = "."
    thousands_separator: str = ","


def format_money(amount: Decimal | float | str, money: MoneyFormat) -> str:
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-money.decimal_places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = money.thousands_separator.join(groups)
    if money.decimal_places:
        text += money.decimal_separator + fraction
    if money.symbol_location == "right":
        return f"{sign}{text} {money.symbol}".strip()
    return f"{sign}{money.symbol}{text}"
