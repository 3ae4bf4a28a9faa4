"""The page's product wins when the reference speaks of it."""

from __future__ import annotations

from agent.tools.resolve import fits_page
from bigcommerce.types.catalog import OptionValue, Product, Variant

PERFUME = Product(
    id=7,
    name="Eau de Parfum",
    variants=[Variant(option_values=[OptionValue(option_display_name="Scent", label="Fresh")])],
)
GLOVES = Product(id=1, name="Premium Boxing Gloves")


def test_a_word_of_the_name_or_of_an_option_fits() -> None:
    assert fits_page("go lower gloves", GLOVES)
    assert fits_page("scents", PERFUME)


def test_other_words_do_not() -> None:
    assert not fits_page("kettlebell", GLOVES)
    assert not fits_page("", GLOVES)
    assert not fits_page("resolutions", PERFUME)
