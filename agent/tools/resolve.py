"""Which product a reference means when the shopper is on a product page: the page's product wins for
"this", "these gloves", "the scents" when the reference names nothing the search could pin down and
its words belong to the page's product (its name, or the name of one of its options)."""

from __future__ import annotations

import re

from bigcommerce.types.catalog import Product

_WORD = re.compile(r"[^\W_]+")


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _words(text: str) -> set[str]:
    return {_fold(w) for w in _WORD.findall(text.lower()) if len(w) > 2}


def fits_page(reference: str, product: Product) -> bool:
    """Whether ``reference`` speaks of ``product``: a word of its name ("go lower gloves" on the Premium
    Boxing Gloves) or of one of its options' names ("scents" for a perfume with a Scent option)."""
    said = _words(reference)
    if not said:
        return False
    own = _words(product.name or "")
    for variant in product.variants:
        for value in variant.option_values:
            own |= _words(value.option_display_name or "")
    return bool(said & own)
