"""Spanish, French and German shopping questions read in English (agent/models/gloss.py)."""

from __future__ import annotations

import pytest

from agent.models.gloss import gloss, glossaries, mostly_foreign


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("hola, tienen guantes de boxeo para principiantes?", "hi, do you have boxing gloves for beginners?"),
        (
            "bonjour, vous livrez au Canada ? c'est combien la livraison ?",
            "hello, do you ship to canada? how much is the shipping?",
        ),
        ("hallo, habt ihr Kopfhörer?", "hello, do you have headphones?"),
        ("¿Dónde está mi pedido? Quiero saber el estado", "¿where is my order? i want to know the status"),
    ],
)
def test_a_shopping_question_is_read_in_english(text: str, english: str) -> None:
    assert mostly_foreign(text)
    assert gloss(text) == english


@pytest.mark.parametrize(
    "text",
    [
        "je suis très content de votre magasin, merci beaucoup pour tout",  # too little the glossary knows
        "私の注文はどこですか",
    ],
)
def test_what_the_glossary_barely_covers_is_left_alone(text: str) -> None:
    assert gloss(text) is None


def test_english_is_not_foreign() -> None:
    assert not mostly_foreign("where is my order 12345? jane@example.com")
    assert not mostly_foreign("do u have gloves in red")


def test_every_language_has_entries_and_phrases_come_before_their_words() -> None:
    tables = glossaries()
    assert set(tables) == {"es", "fr", "de"}
    for entries in tables.values():
        assert len(entries) > 40 and all(english.strip() for _, english, _ in entries)
    spanish = [english for _, english, _ in tables["es"]]
    assert spanish.index("boxing gloves") < spanish.index("gloves")  # "guantes de boxeo" before "guantes"
