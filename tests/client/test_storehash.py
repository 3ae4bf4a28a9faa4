"""Store-hash input: bare hashes and pasted URLs are accepted; anything else gets a helpful error."""

from __future__ import annotations

import pytest

from bigcommerce import InvalidStoreHashError, parse_store_hash


@pytest.mark.parametrize(
    "text",
    [
        "abc1d2ef",
        "  ABC1D2EF \n",
        "https://api.bigcommerce.com/stores/abc1d2ef/v3/",
        "https://api.bigcommerce.com/stores/abc1d2ef/v2/orders?limit=5",
        "https://api.bigcommerce.com/stores/abc1d2ef",
        "api.bigcommerce.com/stores/abc1d2ef/v3",
        "https://store-abc1d2ef.mybigcommerce.com/manage/dashboard",
        "https://store-ABC1D2EF.mybigcommerce.com/manage/orders?x=1",
        "store-abc1d2ef.mybigcommerce.com",
    ],
)
def test_accepted_inputs(text: str) -> None:
    assert parse_store_hash(text) == "abc1d2ef"


def test_length_bounds() -> None:
    assert parse_store_hash("abcde") == "abcde"
    assert parse_store_hash("a" * 20) == "a" * 20


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abcd", "4 characters long"),
        ("a" * 21, "21 characters long"),
        ("abc_1d2ef", "'_'"),
        ("abc 1d2ef", "' '"),
        ("https://example.com/stores/abc1d2ef/v3/", "not a BigCommerce API or control panel URL"),
        ("https://api.bigcommerce.com/v3/catalog", "no '/stores/<hash>/' part"),
        ("https://mystore.mybigcommerce.com/manage", "does not start with 'store-<hash>'"),
        ("https://store-ab.mybigcommerce.com/manage", "2 characters long"),
    ],
)
def test_rejected_inputs(text: str, problem: str) -> None:
    with pytest.raises(InvalidStoreHashError) as info:
        parse_store_hash(text)
    message = str(info.value)
    assert problem in message
    assert "abc1d2ef" in message  # the examples of what is expected
    assert "https://api.bigcommerce.com/stores/abc1d2ef/v3/" in message
    assert "https://store-abc1d2ef.mybigcommerce.com/manage/dashboard" in message
    assert isinstance(info.value, ValueError)


def test_a_pasted_token_is_not_echoed() -> None:
    token = "k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i"
    with pytest.raises(InvalidStoreHashError) as info:
        parse_store_hash(token)
    assert token not in str(info.value)
