"""Money formatted the way the store formats it (symbol, its side, separators, decimal places)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .connections import MoneyFormat


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
