"""Store details typed by the merchant (``bcagent connect --name --storefront-url --currency
[--currency-format]``): checked and turned into ``StoreDetails``, with a clear error for what is wrong.

The currency format is given as the store writes 1234.50 (``€1.234,50``, ``1 234,50 €``,
``$1,234.50``, ``¥1,234``): the symbol and its side, the separators and the decimal places are read
from it. Without a format, the currency's usual symbol is put on the left of ``1,234.50``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bigcommerce.money import MoneyFormat

from .connections import ConnectionProblem
from .merchant_settings import StoreDetails

SYMBOLS: dict[str, str] = {
    "USD": "$",
    "CAD": "$",
    "AUD": "$",
    "NZD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "¥",
    "INR": "₹",
    "BRL": "R$",
    "CHF": "CHF ",
}
NO_DECIMALS = frozenset({"JPY", "KRW", "ISK"})
_EXAMPLE = re.compile(
    r"^(?P<pre>[^\d]*)1(?P<th>[^\d]?)234(?:(?P<dec>[.,])(?P<frac>\d{1,4}))?(?P<post>[^\d]*)$"
)


def money_format(currency: str, example: str | None = None) -> MoneyFormat:
    """The ``MoneyFormat`` of ``currency`` written as ``example`` shows 1234.50 (None: the usual)."""
    code = currency.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ConnectionProblem(
            f"--currency {currency!r} is not a currency code: give the three letters, e.g. EUR, USD, GBP."
        )
    if example is None:
        places = 0 if code in NO_DECIMALS else 2
        return MoneyFormat(currency=code, symbol=SYMBOLS.get(code, f"{code} "), decimal_places=places)
    found = _EXAMPLE.match(example.strip())
    pre, post = (found.group("pre"), found.group("post")) if found else ("", "")
    if found is None or bool(pre.strip()) == bool(post.strip()):
        raise ConnectionProblem(
            f"--currency-format {example!r} is not 1234.50 written the store's way: write that amount with "
            "the symbol on one side, e.g. '€1.234,50', '1 234,50 €' or '$1,234.50'."
        )
    thousands, decimal = found.group("th") or "", found.group("dec") or ""
    if decimal and thousands == decimal:
        raise ConnectionProblem(
            f"--currency-format {example!r} uses {decimal!r} both between thousands and before the "
            "decimals: write 1234.50 as the store does, e.g. '€1.234,50'."
        )
    left = bool(pre.strip())
    return MoneyFormat(
        currency=code,
        symbol=pre if left else post.strip(),
        symbol_location="left" if left else "right",
        decimal_places=len(found.group("frac") or ""),
        decimal_separator=decimal or ("," if thousands == "." else "."),
        thousands_separator=thousands,
    )


def storefront_url(text: str) -> str:
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectionProblem(
            f"--storefront-url {text!r} is not a web address: give the storefront's URL, e.g. "
            "https://shop.example.com."
        )
    return url


def store_details(
    name: str | None,
    url: str | None,
    currency: str | None,
    currency_format: str | None = None,
) -> StoreDetails | None:
    """What the merchant typed, checked (None when nothing was given)."""
    if currency_format is not None and currency is None:
        raise ConnectionProblem("--currency-format needs --currency too (the code, e.g. EUR).")
    if name is not None and not name.strip():
        raise ConnectionProblem("--name is empty: give the store's name as shoppers know it.")
    if name is None and url is None and currency is None:
        return None
    return StoreDetails(
        name=(name or "").strip(),
        storefront_url=storefront_url(url) if url is not None else "",
        money=money_format(currency, currency_format) if currency is not None else None,
    )
