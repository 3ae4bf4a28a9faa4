"""Reading shoppers as they write: text-speak, misspellings against the store's words, and what is
never changed (order numbers, emails, codes, other languages)."""

from __future__ import annotations

import pytest

from agent.models.normalize import Normalizer, store_words, words_of

STORE = words_of(
    ["Premium Boxing Gloves", "Competition Kettlebell", "Gel Mouthguard", "Knockout Logo Hoodie"]
)


@pytest.fixture(scope="module")
def reader() -> Normalizer:
    return Normalizer(STORE | words_of(["where is my order", "is this in stock", "how much is it"]))


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("hw much r the premium gloves in 16oz blue n r they in stock",
         "how much are the premium gloves in 16oz blue and are they in stock"),
        ("wat sizes do these cme in", "what sizes do these come in"),
        ("lookin for a hoodie pls", "looking for a hoodie please"),
        ("hi do u have gloves for a begginer", "hi do you have gloves for a beginner"),
        ("do you sell kettlebels", "do you sell kettlebell"),
        ("mouthgaurd?", "mouthguard?"),
        ("Premum Gloves", "Premium Gloves"),
    ],
)  # fmt: skip
def test_text_speak_and_misspellings_are_read(reader: Normalizer, typed: str, read: str) -> None:
    assert reader.read(typed).text == read


def test_changes_are_recorded_as_typed_and_read(reader: Normalizer) -> None:
    reading = reader.read("hw much is the mouthgaurd")
    assert reading.changes == (("hw", "how"), ("mouthgaurd", "mouthguard"))
    assert reading.note() == [
        {"typed": "hw", "read_as": "how"},
        {"typed": "mouthgaurd", "read_as": "mouthguard"},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "where is order 12345, email jane.doe@example.com",
        "is save20 still valid",
        "the code is Spring Fling",
        "code summer-sale please",
        "is GLOVS10 valid?",  # capitals in a message that is not shouted: maybe a code
        "GIFT DEMO 0001 balance",
        "does 'kettlebels-10' work",
        "n",  # a bare n is a no
        "hola, tienen guantes de boxeo para principiantes?",  # another language: not misspelt English
        "😤😤😤",
        "",
    ],
)
def test_numbers_emails_codes_and_other_languages_are_never_changed(reader: Normalizer, text: str) -> None:
    assert reader.read(text).text == text


def test_english_words_and_short_unknown_words_stay(reader: Normalizer) -> None:
    text = "my knuckles get wrecked every session on uber"
    assert reader.read(text).text == text


def test_very_long_messages_are_read_as_typed(reader: Normalizer) -> None:
    text = "hw " * 3000
    assert reader.read(text).text == text


def test_store_words_come_from_names_categories_and_options_not_descriptions() -> None:
    document = (
        "Premium Boxing Gloves\nCategories: Gloves, Sparring\nSize: 10oz, 12oz\nColour: Red, Black\n"
        "Price: $89.99\nHandcrafted zzyzx leather."
    )
    words = store_words([document])
    assert {"premium", "boxing", "gloves", "sparring", "red", "black", "reds"} <= words
    assert "zzyzx" not in words and "handcrafted" not in words
