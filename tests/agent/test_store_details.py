"""Store details typed by the merchant (issue 22): the currency format read from 1234.50 written the
store's way, and a clear error for what cannot be used."""

from __future__ import annotations

import pytest

from agent.store.connections import ConnectionProblem
from agent.store.details import money_format, store_details
from bigcommerce.money import format_money


@pytest.mark.parametrize(
    ("currency", "example", "shown"),
    [
        ("EUR", "1 234,50 €", "79,99 €"),
        ("EUR", "€1.234,50", "€79,99"),
        ("USD", "$1,234.50", "$79.99"),
        ("JPY", "¥1,234", "¥80"),
        ("EUR", None, "€79.99"),
        ("CHF", None, "CHF 79.99"),
    ],
)
def test_currency_format_from_an_example(currency: str, example: str | None, shown: str) -> None:
    money = money_format(currency, example)
    assert money.currency == currency and format_money("79.99", money) == shown
    assert format_money("1234.5", money_format(currency, example)).replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("currency", "example", "words"),
    [
        ("euro", None, "three letters"),
        ("EUR", "1234.50", "symbol on one side"),
        ("EUR", "€1,234,50", "both between thousands"),
        ("EUR", "€ 12.34 €", "symbol on one side"),
    ],
)
def test_bad_currency_input_says_what_to_type(currency: str, example: str | None, words: str) -> None:
    with pytest.raises(ConnectionProblem, match=words):
        money_format(currency, example)


def test_store_details_check_each_field() -> None:
    assert store_details(None, None, None) is None
    details = store_details(" Boxe Paris ", "https://boxe.example.fr/", "eur")
    assert details is not None and details.name == "Boxe Paris"
    assert details.storefront_url == "https://boxe.example.fr" and details.money is not None
    assert details.money.currency == "EUR" and details.money.symbol == "€"
    with pytest.raises(ConnectionProblem, match="web address"):
        store_details(None, "boxe.example.fr", None)
    with pytest.raises(ConnectionProblem, match="needs --currency"):
        store_details(None, None, None, "€1.234,50")
    with pytest.raises(ConnectionProblem, match="empty"):
        store_details("  ", None, None)
