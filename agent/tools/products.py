"""``get_product_information``: one product's live facts for a shopper (price, stock per variant, options,
custom fields, videos, link), found by id, by the product page the shopper is on, or by name.

Finding and truth are separate (DESIGN.md): the vector index and the catalog's keyword search only
*find* candidates; everything quoted comes from a read of the product: live, or from the store's catalog
mirror while it is provably fresh (:mod:`agent.tools.mirror`; a name the index finds outright in the
mirror needs no keyword search, so such a question costs the store no request). The index holds only
in-stock products, so the keyword search always runs too, to find an out-of-stock product and say so.
Hidden products, missing ones and ones restricted to customer groups (wholesale) all get the same
"not_found": the tool is no oracle for what the store hides.

Which product a name means:

1. A candidate whose name equals the reference (case, punctuation and spacing ignored) wins.
2. Otherwise each candidate's *name share* is the fraction of the reference's significant words (stop
   words dropped, plurals folded) found in its name. When the best share is over 1/2 (both words of a
   two-word reference, two of three...), the one candidate holding it wins; when several tie, the
   result is "ambiguous" with the tied candidates (up to 5, best vector score first) so the assistant
   can ask. The vector score does not break a tie: two names that hold the same words the shopper
   said are equally plausible, and the index's score adds a name bonus that favours shorter names.
   When the reference also holds a name word that no candidate's name holds ("carbon" in "carbon pro
   sparring gloves"), it names a product we cannot show: "not_found", with the tied ones as similar.
3. When no name holds more than half the words, the reference names nothing we can show: "not_found",
   with up to 5 ``similar`` products from the vector search (score >= ``FLOOR``). A hidden or
   wholesale-only product's name ends here exactly as a name that does not exist does.

Option values inside the reference ("laptop 15 inch i9 1tb", "black headphones") are not held against a
candidate: the words that name one of *its* option values leave its reference (``variants.words_in``),
and so do words with digits that no candidate's name holds ("i5"). Before the shares, two more rules:
the name equals what is left of the reference, or every word of the name is in the reference (the
longest such name wins: "wireless headphones" is "Wireless Headphones", not "Headphones"), unless
the reference's other words belong to other candidates' names.

Variant-level answers: the option values the shopper named (``options``, plus those found in the
reference) select the variants that match them all (``variants.select``); the result quotes each
selected variant's live price and stock, and names every given value that matched nothing with the
values its option offers.

The vector index is searched with ``asearch`` (embedding on the model's own worker thread).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from decimal import Decimal, InvalidOperation

from bigcommerce import NotFoundError
from bigcommerce.types.catalog import Product, Variant
from ingest.documents import html_to_text, product_options
from ingest.vectors import SearchHit

from ..transcripts.capture import note_retrieval
from .context import Conversation, ToolContext
from .links import store_link
from .mirror import read_mirrored
from .resolve import fits_page
from .results import (
    CustomField,
    NotOffered,
    Prices,
    ProductSummary,
    SelectedVariant,
    ToolResult,
    VariantAnswer,
    ok,
    result,
    store_call,
)
from .shortlist import shortlist
from .variants import COLOURS, Selection, select, words_in

MAX_REFERENCE = 200
MAX_ID = 2_147_483_647
MAX_CANDIDATES = 5
MAX_KEYWORD_HITS = 10
MAX_VARIANT_LINES = 30
MAX_CUSTOM_FIELDS = 20
FLOOR = 0.35  # below this a hit shares no name word and is semantically noise (MiniLM on our documents)
log = logging.getLogger(__name__)
INCLUDE = ["variants", "images", "custom_fields", "videos"]
NOT_FOUND = "I couldn't find that product."
WHICH = "Which product do you mean? Its name or product number helps."
AMBIGUOUS = "Several products match; which one do you mean?"
INVALID_ID = "Product numbers are positive whole numbers."
AVAILABILITY = {"available": "available", "preorder": "pre-order", "disabled": "not purchasable"}
SAID = {
    "pre-order": "; available to pre-order",
    "not purchasable": "; not available: it cannot be bought right now",
}
PAGE_REFERENCES = frozenset(
    {"this", "this one", "it", "this product", "this item", "that", "that one", "that product"}
)
_ID = re.compile(r"^(?:product\s*)?(?:id\s*)?(?:no\.?\s*|number\s*)?#?\s*(-?\d{1,12})$", re.IGNORECASE)
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = (
    "a an the this that these those it its one ones some any do does you your have has sell i me my we "
    "for of in on with and or to is are what which about please product products item"
)
_STOP = frozenset(_STOP_WORDS.split())
_LOOSE_UNITS = re.compile(r"(?<=\d)\s*(?:\"|”|'')|°")
MAX_OPTIONS = 6


def _id_of(value: object) -> int | None:
    """The product id in an int or a "123" / "#123" / "product 123" string; 0 when it is a number that
    cannot be an id (zero, negative, too big); None when it is no number at all."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and (match := _ID.match(value.strip())):
        number = int(match.group(1))
    else:
        return None
    return number if 0 < number <= MAX_ID else 0


def _words(text: str) -> list[str]:
    return _WORD.findall(_LOOSE_UNITS.sub(lambda m: " deg" if m.group(0) == "°" else " in", text.lower()))


def _option_like(word: str) -> bool:
    """A word that is more likely an option value than part of a name: 15in, i9, 1tb, black, xl."""
    return any(c.isdigit() for c in word) or word in COLOURS or word in ("xs", "xl", "xxl")


def _fold(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _name_share(wanted: set[str], name: str) -> float:
    return len(wanted & {_fold(w) for w in _words(name)}) / len(wanted) if wanted else 0.0


def _shown(product: Product, open_ids: set[int] | None) -> bool:
    """Whether any shopper may see the product: visible, and in a category open to guests."""
    return product.is_visible is not False and (
        open_ids is None or bool(open_ids.intersection(product.categories))
    )


@store_call
async def get_product_information(
    ctx: ToolContext,
    conversation: Conversation,
    product: str | None = None,
    product_id: int | None = None,
    options: object = None,
    max_price: object = None,
) -> ToolResult:
    """Live facts about one product, by ``product_id``, by ``product`` (a name, a description, "#12",
    "this one"), or, with neither, the product page the shopper is on; ``options`` are option values
    the shopper named ("15-inch", "black", "M"), answered variant by variant. With ``max_price`` (the
    most the shopper wants to pay: "gift ideas under $50") ``product`` is browsed: the products that
    fit it at that price or less, best match first."""
    given = _given_options(options)
    cap = _price_cap(max_price)
    if cap is not None and product_id is None and isinstance(product, str) and _words(product):
        return await _within_budget(ctx, product[:MAX_REFERENCE], cap)
    if product_id is not None:
        chosen = _id_of(product_id)
        return await _describe(ctx, chosen, given) if chosen else result("invalid", INVALID_ID)
    text = "" if product is None else product if isinstance(product, str) else str(product)
    reference = text[: MAX_REFERENCE * 2].strip()[:MAX_REFERENCE].strip()
    words = _words(reference)
    if not words or " ".join(words) in PAGE_REFERENCES:
        page = _id_of(conversation.product_id)
        return await _describe(ctx, page, given) if page else result("needs_info", WHICH)
    number = _id_of(reference)
    if number is not None:
        return await _describe(ctx, number, given) if number else result("invalid", INVALID_ID)
    found = await _find(ctx, reference, given)
    page = _id_of(conversation.product_id)
    if page and found.get("status") in ("not_found", "ambiguous"):  # "these gloves", "the scents"
        return await _on_page(ctx, page, reference, given) or found
    return found


async def _on_page(ctx: ToolContext, page: int, reference: str, given: list[str]) -> ToolResult | None:
    """The page's product, when the reference speaks of it (``resolve.fits_page``); else None."""
    product = await _read(ctx, page)
    if product is None:
        return None
    if not _shown(product, await ctx.open_category_ids()) or not fits_page(reference, product):
        return None
    return await _describe(ctx, page, given, reference, read=product)


def _given_options(options: object) -> list[str]:
    """Option values as a list of short strings, whatever shape they came in ("black", ["M", "red"])."""
    if options is None:
        return []
    values = [options] if isinstance(options, str | int | float) else options
    if not isinstance(values, list | tuple):
        return []
    return [str(v).strip()[:40] for v in values if str(v).strip()][:MAX_OPTIONS]


# ------------------------------------------------------------------------------------------ finding


async def _vector_hits(
    ctx: ToolContext, reference: str, k: int = MAX_CANDIDATES, floor: float = FLOOR
) -> list[SearchHit]:
    if ctx.index is None:
        return []
    started = time.perf_counter()
    try:
        hits = await ctx.index.asearch(reference, k)
    except Exception as error:  # the index is gone (collection deleted, Chroma server down): find live
        log.warning("product index unavailable (%s); using the store's keyword search", type(error).__name__)
        elapsed = (time.perf_counter() - started) * 1000
        note_retrieval(reference, k, [], elapsed, error=f"{type(error).__name__}: index unavailable")
        return []
    elapsed = (time.perf_counter() - started) * 1000
    note_retrieval(reference, k, [(h.product_id, h.score, h.name) for h in hits], elapsed)
    return [hit for hit in hits if hit.score >= floor]


async def _keyword_hits(ctx: ToolContext, reference: str) -> list[Product]:
    """Visible products whose name, description or SKU hold every significant word (BigCommerce's
    ``keyword`` search); single characters and bare numbers are too broad to search for."""
    terms = [w for w in _words(reference) if w not in _STOP and len(w) > 1 and not _option_like(w)]
    keyword = " ".join(terms[:8])
    if not keyword:
        return []
    found = await _keyword(ctx, keyword)
    if not found and len(terms) > 1:  # a word the catalog lacks ("my son's headphones"): each word alone
        longest = sorted(dict.fromkeys(terms), key=len, reverse=True)[:3]
        for listed in await asyncio.gather(*(_keyword(ctx, term) for term in longest)):
            found += [p for p in listed if p.id not in {f.id for f in found}]
    return found


async def _keyword(ctx: ToolContext, keyword: str) -> list[Product]:
    listing = ctx.client.products.iter(
        limit=MAX_KEYWORD_HITS, include=["variants"], filters={"keyword": keyword, "is_visible": True}
    )
    return await listing.collect(max_items=MAX_KEYWORD_HITS)


async def _candidates(
    ctx: ToolContext,
    reference: str,
    k: int = MAX_CANDIDATES,
    floor: float = FLOOR,
    hits: list[SearchHit] | None = None,
    known: dict[int, Product] | None = None,
) -> tuple[list[Product], dict[int, float]]:
    """The shown products the index and the keyword search find for ``reference``, read live (or from
    the catalog mirror while it is fresh), best first, and the index's scores. ``hits``: the index's
    answer when already searched; ``known``: products already read from the mirror."""
    found, listed, open_ids = await asyncio.gather(
        _vector_hits(ctx, reference, k, floor) if hits is None else _given(hits),
        _keyword_hits(ctx, reference),
        ctx.open_category_ids(),
    )
    scores = {hit.product_id: hit.score for hit in found}
    live = {p.id: p for p in listed if p.id is not None}
    unread = [pid for pid in scores if pid not in live]
    if unread:  # the index only finds; names, prices and visibility are read (the mirror, else live)
        mirrored = dict(known or {})
        mirrored.update(await read_mirrored(ctx.mirror, [pid for pid in unread if pid not in mirrored]))
        live.update((pid, mirrored[pid]) for pid in unread if pid in mirrored)
        unread = [pid for pid in unread if pid not in mirrored]
    if unread:
        listing = ctx.client.products.iter(
            limit=len(unread), include=["variants"], filters={"id:in": unread, "is_visible": True}
        )
        live.update((p.id, p) for p in await listing.collect() if p.id is not None)
    order = [pid for pid in scores if pid in live] + [pid for pid in live if pid not in scores]
    return [live[pid] for pid in order if _shown(live[pid], open_ids)], scores


async def _given(hits: list[SearchHit]) -> list[SearchHit]:
    return hits


async def _mirrored_name(
    ctx: ToolContext, reference: str, hits: list[SearchHit]
) -> tuple[Product | None, dict[int, Product]]:
    """The one mirrored product the reference names outright (``_named_outright``, as ``_choose`` reads
    it), found without asking the store: its name is the reference, or the reference is its name and
    option values of its own ("premium boxing gloves in red"). Anything less clear-cut goes through the
    keyword search as well (an out-of-stock product, which only the store's search finds, may share the
    words). Also the mirrored hits read."""
    mirrored = await read_mirrored(ctx.mirror, [hit.product_id for hit in hits]) if hits else {}
    if not mirrored:
        return None, mirrored
    open_ids = await ctx.open_category_ids()
    shown = [p for p in mirrored.values() if _shown(p, open_ids)]
    words = _words(reference)
    named = _named_outright(words, shown, _left_words(words, shown)[1])
    return (named[0] if len(named) == 1 else None), mirrored


MAX_BUDGET_CANDIDATES = 25
BUDGET_FLOOR = 0.15  # browsing: loosely related products are what a gift question wants


def _price_cap(value: object) -> Decimal | None:
    """``max_price`` as a positive amount ("50", 50, "$50.00"), else None."""
    text = str(value).strip().lstrip("$£€").replace(",", "") if value is not None else ""
    try:
        cap = Decimal(text)
    except InvalidOperation:
        return None
    return cap if cap.is_finite() and 0 < cap < Decimal(10) ** 9 else None


_OPEN_ENDED = re.compile(
    r"\b(?:gifts?|presents?|something|anything|ideas?|stocking fillers?)\b", re.IGNORECASE
)


async def _cheapest(ctx: ToolContext) -> list[Product]:
    """The store's shown products, cheapest first (one page)."""
    listing = ctx.client.products.iter(
        limit=MAX_BUDGET_CANDIDATES,
        include=["variants"],
        filters={"is_visible": True, "sort": "calculated_price", "direction": "asc"},
    )
    found, open_ids = await asyncio.gather(
        listing.collect(max_items=MAX_BUDGET_CANDIDATES), ctx.open_category_ids()
    )
    return [p for p in found if _shown(p, open_ids)]


async def _within_budget(ctx: ToolContext, reference: str, cap: Decimal) -> ToolResult:
    """The products that fit ``reference`` at ``cap`` or less (a shortlist), best match first; for an
    open-ended ask that nothing matches by name ("a gift for my nephew"), the store's cheapest."""
    candidates, _ = await _candidates(ctx, reference, MAX_BUDGET_CANDIDATES, BUDGET_FLOOR)
    fitting = [p for p in candidates if not p.is_price_hidden and _current_price(p) <= cap]
    if not fitting and _OPEN_ENDED.search(reference):
        fitting = [p for p in await _cheapest(ctx) if not p.is_price_hidden and _current_price(p) <= cap]
    limit = ctx.money(cap)
    if not fitting:
        return result(
            "not_found", f"I couldn't find anything like that for {limit} or less.", max_price=limit
        )
    entries = shortlist([_summary(ctx, p) for p in fitting])
    return result(
        "ambiguous", f"Here is what we have for {limit} or less.", candidates=entries, max_price=limit
    )


async def _find(ctx: ToolContext, reference: str, given: list[str]) -> ToolResult:
    hits = await _vector_hits(ctx, reference)
    named, mirrored = await _mirrored_name(ctx, reference, hits)
    if named is not None and named.id is not None:
        return await _describe(ctx, named.id, given, reference, read=named)
    candidates, scores = await _candidates(ctx, reference, hits=hits, known=mirrored)
    chosen, tied = _choose(reference, candidates, scores)
    if chosen is not None:  # a copy the mirror already gave is not read again
        return await _describe(ctx, chosen, given, reference, read=mirrored.get(chosen))
    if tied:
        return result("ambiguous", AMBIGUOUS, candidates=shortlist([_summary(ctx, p) for p in tied]))
    similar = shortlist([_summary(ctx, p) for p in candidates if p.id in scores])
    return result("not_found", NOT_FOUND, similar=similar or None)


def _choose(
    reference: str, candidates: list[Product], scores: dict[int, float]
) -> tuple[int | None, list[Product]]:
    """The rule in the module docstring: (the chosen id, []) or (None, the tied candidates, maybe [])."""
    words = _words(reference)
    in_names, left = _left_words(words, candidates)
    named = _named_outright(words, candidates, left)
    if len(named) == 1:
        return named[0].id, []
    if not named:
        covered = [
            (len(_name_words(p)), p)
            for i, p in enumerate(candidates)
            if _name_words(p) <= left[i] and not _others_name(left[i] - _name_words(p), p, candidates)
        ]
        longest = max((n for n, _ in covered if n), default=0)
        if longest:
            named = [p for n, p in covered if n == longest]
            if len(named) == 1:
                return named[0].id, []
    shares = [(_name_share(left[i], p.name or ""), p) for i, p in enumerate(candidates)]
    best = max((share for share, _ in shares), default=0.0)
    if best <= 0.5 and not named:
        return None, []
    tied = named or [p for share, p in shares if share == best]
    if len(tied) == 1:
        return tied[0].id, []
    if not named and any(len(w) > 3 and w.isalpha() and w not in in_names for w in set().union(*left)):
        return (
            None,
            [],
        )  # "carbon pro sparring gloves": a name word no product holds; say so, show the closest
    tied.sort(key=lambda p: -scores.get(p.id or 0, 0.0))  # stable: unscored keep the keyword order
    return None, tied[:MAX_CANDIDATES]


def _left_words(words: list[str], candidates: list[Product]) -> tuple[set[str], list[set[str]]]:
    """The words of the candidates' names (folded), and per candidate the reference's name words: its
    stop words, the values of the candidate's own options, and words like option values ("i5") that no
    candidate's name holds taken out."""
    in_names = {_fold(w) for p in candidates for w in _words(p.name or "")}
    left = []
    for product in candidates:
        _, used = words_in(product, words)
        left.append(
            {
                _fold(w)
                for i, w in enumerate(words)
                if i not in used and w not in _STOP and (_fold(w) in in_names or not _option_like(w))
            }
        )
    return in_names, left


def _named_outright(words: list[str], candidates: list[Product], left: list[set[str]]) -> list[Product]:
    """The candidates the reference names outright (rule 1 and the first rule before the shares): whose
    name is the reference; when none, whose name words are exactly what is left of it (``left``)."""
    exact = " ".join(words)
    named = [p for p in candidates if " ".join(_words(p.name or "")) == exact]
    return named or [p for p, rest in zip(candidates, left, strict=True) if rest and rest == _name_words(p)]


def _others_name(words: set[str], product: Product, candidates: list[Product]) -> bool:
    """Whether another candidate's name holds one of these words ("boxing" for "Gloves" when "Red
    Boxing Gloves" is a candidate too): then a shorter name inside the reference is no clean match."""
    return any(words & _name_words(p) for p in candidates if p is not product)


def _name_words(product: Product) -> set[str]:
    return {_fold(w) for w in _words(product.name or "") if w not in _STOP}


def _summary(ctx: ToolContext, product: Product) -> ProductSummary:
    """One line of a shortlist: name, live price, stock and link."""
    entry: ProductSummary = {"id": product.id, "name": product.name}
    if not product.is_price_hidden:
        entry["price"] = ctx.money(_current_price(product))
    entry["stock"] = _stock(ctx, product)[0]
    link = store_link(
        ctx.connection.secure_url,
        product.custom_url.url if product.custom_url else None,
        ctx.connection.domain,
    )
    if link is not None:
        entry["url"] = link
    return entry


# ------------------------------------------------------------------------------------------ facts


async def _read(ctx: ToolContext, product_id: int) -> Product | None:
    """One product whole: from the catalog mirror while it is fresh, else live; None when not found."""
    mirrored = await read_mirrored(ctx.mirror, [product_id])
    if product_id in mirrored:
        return mirrored[product_id]
    try:
        return await ctx.client.products.get(product_id, include=INCLUDE)
    except NotFoundError:
        return None


async def _describe(
    ctx: ToolContext,
    product_id: int,
    given: list[str],
    reference: str | None = None,
    read: Product | None = None,
) -> ToolResult:
    product = read or await _read(ctx, product_id)
    if product is None:
        return result("not_found", NOT_FOUND)
    if not _shown(product, await ctx.open_category_ids()):
        return result("not_found", NOT_FOUND)
    named = _name_words(product)
    rest = [w for w in _words(reference or "") if _fold(w) not in named and w not in _STOP]
    found, used = words_in(product, rest)
    odd = [w for i, w in enumerate(rest) if i not in used and _option_like(w)]  # "i5" the laptop lacks
    values = [*given, *found, *odd]
    return _facts(ctx, product, select(product, values) if values else None)


def _current_price(product: Product) -> Decimal:
    if product.calculated_price is not None:
        return product.calculated_price
    if product.sale_price and product.sale_price > 0:
        return product.sale_price
    return product.price or Decimal(0)


def _label(variant: Variant) -> str:
    return ", ".join(f"{v.option_display_name} {v.label}" for v in variant.option_values if v.label)


def _variant_state(variant: Variant, tracking: str, product_level: int | None = None) -> str:
    if variant.purchasing_disabled:
        return "not available"
    if tracking == "variant" and (variant.inventory_level or 0) <= 0:
        return "out of stock"
    if tracking == "product" and product_level is not None and product_level <= 0:
        return "out of stock"
    return "in stock"


def _variant_price(variant: Variant, product: Product) -> Decimal:
    if variant.calculated_price is not None:
        return variant.calculated_price
    if variant.sale_price and variant.sale_price > 0:
        return variant.sale_price
    return variant.price if variant.price is not None else _current_price(product)


def _selected(ctx: ToolContext, product: Product, selection: Selection) -> VariantAnswer:
    """The variant-level part of a result: each selected variant's live price and stock, and what the
    product offers instead of each value that matched nothing."""
    tracking = product.inventory_tracking or "none"
    rows: list[SelectedVariant] = [
        {
            "variant": _label(v),
            "values": [ov.label for ov in v.option_values if ov.label],
            "price": None if product.is_price_hidden else ctx.money(_variant_price(v, product)),
            "stock": _variant_state(v, tracking, product.inventory_level),
        }
        for v in selection.variants[:MAX_VARIANT_LINES]
    ]
    options = product_options(product)
    missing: list[
        NotOffered
    ] = [  # a value no option could be meant for ("leather" for a speaker) is left unsaid
        {"value": value, "option": option, "offered": options[option]}
        for value, option in selection.unmatched
        if option
    ]
    return {
        "asked": [label for labels in selection.matched.values() for label in labels] or None,
        "selected": rows if selection.matched else None,
        "not_offered": missing or None,
    }


def _stock(ctx: ToolContext, product: Product) -> tuple[str, list[str]]:
    """The overall stock state and one line per variant (one line when stock is not per variant)."""
    tracking = product.inventory_tracking or "none"
    if tracking == "variant" and product.variants:
        prices = {v.calculated_price for v in product.variants}
        lines, states = [], []
        for variant in product.variants:
            state = _variant_state(variant, tracking)
            states.append(state)
            label = _label(variant)
            line = f"{label}: {state}" if label else state
            if len(prices) > 1 and variant.calculated_price is not None:  # price varies by option
                line += f" ({ctx.money(variant.calculated_price)})"
            lines.append(line)
        if all(s == "in stock" for s in states):
            return "in stock", lines
        overall = "some options out of stock" if "in stock" in states else "out of stock"
        return overall, lines
    level = product.inventory_level if tracking in ("product", "variant") else None
    overall = "in stock" if level is None or level > 0 else "out of stock"
    lines = [overall]
    lines += [f"{_label(v)}: not available" for v in product.variants if v.purchasing_disabled and _label(v)]
    return overall, lines


def _facts(ctx: ToolContext, product: Product, selection: Selection | None = None) -> ToolResult:
    name = product.name or f"Product {product.id}"
    stock, lines = _stock(ctx, product)
    availability = AVAILABILITY.get(product.availability or "available", "available")
    prices: Prices = {}
    if product.is_price_hidden:
        prices["price_note"] = product.price_hidden_label or "price on request"
        said = prices["price_note"]
    else:
        current = _current_price(product)
        prices["price"] = ctx.money(product.price)
        if product.sale_price and product.sale_price > 0:
            prices["sale_price"] = ctx.money(product.sale_price)
        prices["current_price"] = ctx.money(current)
        on_sale = product.price is not None and current < product.price
        said = prices["current_price"] + (f" (on sale, regularly {prices['price']})" if on_sale else "")
    videos = [
        f"https://www.youtube.com/watch?v={v.video_id}"
        for v in product.videos
        if v.type in (None, "youtube") and v.video_id and _YOUTUBE_ID.match(v.video_id)
    ]
    images = sorted(product.images, key=lambda i: (not i.is_thumbnail, i.sort_order or 0))
    path = product.custom_url.url if product.custom_url else None
    fields: list[CustomField] = [
        {"name": f.name, "value": f.value} for f in product.custom_fields if f.name and f.value
    ]
    extra = len(lines) - MAX_VARIANT_LINES
    chosen: VariantAnswer = (
        _selected(ctx, product, selection) if selection is not None and selection.asked else {}
    )
    message = f"{name}: {said}; {stock}{SAID.get(availability, '')}."
    rows, asked = chosen.get("selected"), chosen.get("asked")
    if rows is not None and asked:
        picked = "; ".join(f"{r['variant']}: {r['stock']}" + (f" ({r['price']})" if r["price"] else "")
                           for r in rows)  # fmt: skip
        message = f"{name} in {', '.join(asked)}: {picked or 'no variant has all of these'}."
    for missing in chosen.get("not_offered") or []:
        if missing["option"]:
            message += (
                f" {missing['value']} is not offered; {missing['option']}: {', '.join(missing['offered'])}."
            )
    return ok(
        message,
        **chosen,
        id=product.id,
        name=name,
        **prices,
        availability=availability,
        release_date=ctx.date(product.preorder_release_date) if availability == "pre-order" else None,
        stock=stock,
        variants=lines[:MAX_VARIANT_LINES],
        variants_note=f"{extra} more variants not listed" if extra > 0 else None,
        options=product_options(product) or None,
        custom_fields=fields[:MAX_CUSTOM_FIELDS] or None,
        videos=videos or None,
        url=store_link(ctx.connection.secure_url, path, ctx.connection.domain),
        image=next((i.url_standard for i in images if i.url_standard), None),
        description=html_to_text(product.description)[:300] or None,
    )
