"""Deterministic demo store for the sandbox: "Knockout Fitness Supply", a boxing and fitness shop.

``generate_demo_store(products, seed)`` returns a whole store fixture (see FIXTURES.md) in BigCommerce's
own value types: v2 objects (store, orders, customer groups, gift certificates, coupons) carry 4-decimal
money strings and RFC-2822 dates; v3 objects (catalog, customers, promotions, transactions) carry JSON
numbers and ISO-8601 dates. Nothing depends on today's date: expired things ended in 2020-2023,
not-yet-started things start in 2099, active windows opened in 2024-2025.

The entities the demo questions rely on exist at every size: product 1 "Premium Boxing Gloves", orders
12345 and 12346 for jane.doe@example.com, coupon SAVE20, gift certificate GIFT-DEMO-0001, promotion code
SPRING15, and one product of every special kind (hidden, sold out, untracked, disabled, pre-order,
wholesale-only). The rest of the catalog is procedural and fast enough for 50,000 products.
The same (products, seed) always gives the same store.
"""

from __future__ import annotations

import copy
import functools
import itertools
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from ._gc import collector_paused
from .demo_knowledge import knockout_pages, knockout_payment_methods, knockout_shipping_zones, refunds_for

__all__ = [
    "DEMO_APP_CLIENT_ID",
    "DEMO_APP_CLIENT_SECRET",
    "DEMO_STORE_HASH",
    "FULL_SCOPES",
    "FULL_TOKEN",
    "LIMITED_SCOPES",
    "LIMITED_TOKEN",
    "MIN_PRODUCTS",
    "generate_demo_store",
]

Json = dict[str, Any]

DEMO_STORE_HASH = "demostore"
FULL_TOKEN = "demofulltoken0000000000000000001"
LIMITED_TOKEN = "demolimitedtoken000000000000002"
# A made-up app API account: its client secret signs the demo storefront's Current Customer JWTs.
DEMO_APP_CLIENT_ID = "demoappclientid0000000000000001"
DEMO_APP_CLIENT_SECRET = "demoappclientsecret00000000000000000001"
FULL_SCOPES: tuple[str, ...] = (
    "store_v2_information_read_only",
    "store_v2_orders",
    "store_v2_transactions_read_only",
    "store_v2_products_read_only",
    "store_v2_customers_read_only",
    "store_v2_marketing_read_only",
    "store_v2_content_read_only",
    "store_payments_methods_read",
)
LIMITED_SCOPES: tuple[str, ...] = (
    "store_v2_information_read_only",
    "store_v2_orders_read_only",
    "store_v2_transactions_read_only",
    "store_v2_products_read_only",
    "store_v2_customers_read_only",
)
MIN_PRODUCTS = 14  # the hand-written products; smaller stores would lose a special case

_CDN = f"https://cdn11.bigcommerce.com/s-{DEMO_STORE_HASH}"
_TAX_RATE = 0.07
_ZERO = "0.0000"
_DIGITS = "0123456789"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_YOUTUBE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


# ------------------------------------------------------------------------------------------------ helpers


def _dt(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _rfc(when: datetime) -> str:
    """RFC-2822, as v2 resources spell dates: 'Tue, 05 Mar 2019 21:40:11 +0000'."""
    return format_datetime(when)


def _iso(when: datetime) -> str:
    """ISO-8601, as v3 resources spell dates: '2019-03-05T21:40:11+00:00'."""
    return when.isoformat()


def _unix(when: datetime) -> str:
    return str(int(when.timestamp()))


def _money(amount: float) -> str:
    return f"{amount:.4f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _chars(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choices(alphabet, k=length))


class _Ids:
    """Store-wide id sequences for sub-resources, as BigCommerce numbers them."""

    def __init__(self) -> None:
        self.option = itertools.count(101)
        self.option_value = itertools.count(201)
        self.variant = itertools.count(1)
        self.image = itertools.count(1)
        self.video = itertools.count(1)
        self.custom_field = itertools.count(1)
        self.line_item = itertools.count(1)
        self.line_option = itertools.count(1)
        self.address = itertools.count(1)
        self.shipment = itertools.count(1)
        self.transaction = itertools.count(1)
        self.code = itertools.count(1)


# ------------------------------------------------------------------------------------------------ catalog

BOXING, GLOVES, WRAPS, HEAVY_BAGS, PROTECTION = 18, 19, 20, 21, 22
FITNESS, ROPES, BANDS, WEIGHTS, MATS = 23, 24, 25, 26, 27
APPAREL, SHORTS, TOPS, GEAR, WHOLESALE = 28, 29, 30, 31, 32

_CATEGORIES: tuple[tuple[int, int, str], ...] = (
    (BOXING, 0, "Boxing"), (GLOVES, BOXING, "Gloves"), (WRAPS, BOXING, "Hand Wraps"),
    (HEAVY_BAGS, BOXING, "Heavy Bags"), (PROTECTION, BOXING, "Headgear & Protection"),
    (FITNESS, 0, "Fitness"), (ROPES, FITNESS, "Jump Ropes"), (BANDS, FITNESS, "Resistance Bands"),
    (WEIGHTS, FITNESS, "Kettlebells & Weights"), (MATS, FITNESS, "Mats & Recovery"),
    (APPAREL, 0, "Apparel"), (SHORTS, APPAREL, "Shorts"), (TOPS, APPAREL, "Tees & Hoodies"),
    (GEAR, 0, "Gym Bags & Accessories"), (WHOLESALE, 0, "Wholesale Bulk"),
)  # fmt: skip
_PARENT = {cid: parent for cid, parent, _ in _CATEGORIES}


def _category_path(category: int) -> tuple[int, ...]:
    """A product sits in its category and that category's parent, as merchants usually file them."""
    parent = _PARENT[category]
    return (parent, category) if parent else (category,)


Options = tuple[tuple[str, tuple[str, ...]], ...]
_GLOVE_OZ = ("10oz", "12oz", "14oz", "16oz")
_COLOURS = ("Red", "Black", "Blue")
_SIZES = ("S", "M", "L", "XL")
_GLOVE_FEATURES = ("Multi-layer foam padding", "Hook-and-loop wrist closure", "Breathable mesh palm")


@dataclass(frozen=True)
class _Kind:
    """A kind of product: where it lives, its price range, its options and how it is described."""

    name: str
    code: str
    category: int
    price: tuple[float, float]
    weight: float
    options: Options
    material: str
    blurb: str
    features: tuple[str, ...]


_KINDS: tuple[_Kind, ...] = (
    _Kind("Boxing Gloves", "BG", GLOVES, (49, 139), 0.9, (("Size", _GLOVE_OZ), ("Colour", _COLOURS)),
          "Synthetic leather", "an all-round training glove for bag work and pads.", _GLOVE_FEATURES),
    _Kind("Bag Gloves", "BAG", GLOVES, (29, 69), 0.6, (("Size", ("S/M", "L/XL")),), "Synthetic leather",
          "a lightly padded glove built for heavy-bag rounds.", _GLOVE_FEATURES[1:]),
    _Kind("Sparring Gloves", "SG", GLOVES, (69, 159), 1.0, (("Size", ("14oz", "16oz", "18oz")),
          ("Colour", _COLOURS)), "Genuine leather", "a soft, heavily padded glove that protects your "
          "sparring partner.", _GLOVE_FEATURES),
    _Kind("Hand Wraps", "HW", WRAPS, (8, 19), 0.2, (("Length", ("120in", "180in")), ("Colour", _COLOURS)),
          "Cotton blend", "a semi-elastic wrap that supports the wrist and knuckles.",
          ("Thumb loop", "Hook-and-loop end")),
    _Kind("Gel Wraps", "GW", WRAPS, (15, 29), 0.3, (("Size", ("S/M", "L/XL")),), "Neoprene",
          "a slip-on inner glove with gel knuckle padding.", ("Gel knuckle pad", "Quick on, quick off")),
    _Kind("Heavy Bag", "HB", HEAVY_BAGS, (129, 299), 45.0, (("Weight", ("70lb", "100lb")),),
          "Synthetic leather", "a pre-filled hanging bag for power punching.",
          ("Pre-filled", "Heavy-duty chains included")),
    _Kind("Speed Bag", "SB", HEAVY_BAGS, (29, 79), 0.8, (), "Genuine leather",
          "a fast-rebounding speed bag for timing and rhythm.", ("Latex bladder", "Balanced seams")),
    _Kind("Headgear", "HG", PROTECTION, (49, 149), 0.7, (("Size", ("S", "M", "L")),), "Synthetic leather",
          "sparring headgear with cheek and brow protection.", ("Adjustable back lace", "Open chin")),
    _Kind("Mouthguard", "MG", PROTECTION, (9, 29), 0.1, (), "Medical-grade silicone",
          "a boil-and-bite mouthguard with a breathing channel.", ("Boil-and-bite fit", "Case included")),
    _Kind("Jump Rope", "JR", ROPES, (9, 39), 0.3, (), "PVC-coated steel cable",
          "an adjustable speed rope with ball-bearing handles.", ("Ball-bearing handles", "Adjustable")),
    _Kind("Resistance Band Set", "RB", BANDS, (19, 59), 0.8, (), "Natural latex",
          "five stackable bands from extra-light to extra-heavy.", ("Five resistance levels", "Door anchor")),
    _Kind("Kettlebell", "KB", WEIGHTS, (29, 119), 12.0, (("Weight", ("8kg", "12kg", "16kg", "24kg")),),
          "Cast iron", "a single-piece cast kettlebell with a wide handle.", ("Flat base", "Powder-coated")),
    _Kind("Dumbbell Pair", "DB", WEIGHTS, (39, 149), 10.0, (("Weight", ("5kg", "10kg", "15kg")),),
          "Rubber-coated steel", "a pair of hex dumbbells that will not roll away.", ("Hex heads", "Knurl")),
    _Kind("Yoga Mat", "YM", MATS, (24, 79), 1.5, (("Colour", ("Black", "Purple", "Teal")),), "TPE foam",
          "a 6 mm non-slip mat for stretching and floor work.", ("6 mm thick", "Carry strap")),
    _Kind("Foam Roller", "FR", MATS, (19, 49), 0.9, (), "EVA foam",
          "a textured roller for recovery after hard rounds.", ("Textured surface", "Hollow core")),
    _Kind("Boxing Shorts", "BS", SHORTS, (29, 59), 0.3, (("Size", _SIZES),), "Satin polyester",
          "classic satin trunks with a wide elastic waistband.", ("Wide waistband", "Side splits")),
    _Kind("Training Tee", "TT", TOPS, (19, 39), 0.2, (("Size", _SIZES), ("Colour", ("Black", "White"))),
          "Cotton blend", "a breathable tee for the gym and the street.", ("Moisture-wicking", "Logo print")),
    _Kind("Hoodie", "HD", TOPS, (49, 79), 0.7, (("Size", _SIZES),), "Brushed fleece",
          "a heavyweight fleece hoodie for warm-ups and road work.", ("Kangaroo pocket", "Ribbed cuffs")),
    _Kind("Gym Bag", "GB", GEAR, (39, 99), 1.2, (("Colour", ("Black", "Navy")),), "Ripstop nylon",
          "a duffel with a vented shoe compartment.", ("Vented shoe pocket", "Padded strap")),
)  # fmt: skip
_KIND = {kind.code: kind for kind in _KINDS}
_BRANDS: tuple[tuple[str, str], ...] = (
    ("Knockout", "KO"), ("Ringside Pro", "RP"), ("IronJab", "IJ"), ("Titan Combat", "TC"),
    ("Southpaw", "SP"), ("Apex Athletics", "AA"), ("Rumble", "RM"), ("Vanguard", "VG"),
)  # fmt: skip
_ADJECTIVES = ("Pro", "Elite", "Classic", "Training", "Competition", "Vintage", "Heavy-Duty", "Lightweight",
               "Champion", "Street")  # fmt: skip
_ORIGINS = ("USA", "Pakistan", "Thailand", "Mexico", "Vietnam")
_CATALOG_START = _dt(2024, 1, 1)


@dataclass
class _Spec:
    """What varies between products; `stock` holds one level per variant (one for product tracking)."""

    pid: int
    name: str
    kind: _Kind
    brand: int
    price: float
    sale: float = 0.0
    tracking: str = "variant"
    stock: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    visible: bool = True
    availability: str = "available"
    fields: tuple[tuple[str, str], ...] = ()
    video: tuple[str, str] | None = None
    images: int = 1
    total_sold: int = 0
    created: datetime = _CATALOG_START


def _options(ids: _Ids, pid: int, kind: _Kind) -> list[Json]:
    return [
        {
            "id": next(ids.option),
            "product_id": pid,
            "display_name": display,
            "name": f"{display}-{pid}",
            "type": "rectangles",
            "sort_order": sort,
            "option_values": [
                {"id": next(ids.option_value), "label": label, "sort_order": i, "is_default": i == 0}
                for i, label in enumerate(values)
            ],
        }
        for sort, (display, values) in enumerate(kind.options)
    ]


@functools.cache
def _grid(kind: _Kind) -> tuple[tuple[tuple[int, ...], str, float], ...]:
    """Every combination of option-value indexes, each with its SKU suffix and price factor."""
    rows = []
    for combo in itertools.product(*(range(len(values)) for _, values in kind.options)):
        labels = [values[v] for (_, values), v in zip(kind.options, combo, strict=True)]
        suffix = "".join(f"-{label.replace('/', '').upper()}" for label in labels)
        steps = sum(v for (name, _), v in zip(kind.options, combo, strict=True) if name == "Weight")
        rows.append((combo, suffix, 1 + 0.35 * steps))  # heavier weights cost more
    return tuple(rows)


def _variants(ids: _Ids, spec: _Spec, sku: str, options: list[Json]) -> list[Json]:
    """One variant per combination of option values (a single base variant when there are no options)."""
    variants = []
    for number, (combo, suffix, factor) in enumerate(_grid(spec.kind)):
        chosen = [(options[i], options[i]["option_values"][v]) for i, v in enumerate(combo)]
        price = round(spec.price * factor, 2)
        sale = round(spec.sale * factor, 2)
        tracked = spec.tracking != "none" and number < len(spec.stock)
        variants.append(
            {
                "id": next(ids.variant),
                "product_id": spec.pid,
                "sku": sku + suffix,
                "price": price,
                "sale_price": sale,
                "retail_price": None,
                "calculated_price": sale or price,
                "cost_price": round(price * 0.45, 2),
                "weight": spec.kind.weight,
                "inventory_level": spec.stock[number] if tracked else 0,
                "inventory_warning_level": 3 if spec.tracking == "variant" else 0,
                "purchasing_disabled": False,
                "purchasing_disabled_message": "",
                "image_url": "",
                "upc": "",
                "mpn": "",
                "gtin": "",
                "option_values": [
                    {
                        "id": value["id"],
                        "label": value["label"],
                        "option_id": option["id"],
                        "option_display_name": option["display_name"],
                    }
                    for option, value in chosen
                ],
            }
        )
    return variants


def _images(ids: _Ids, spec: _Spec, slug: str) -> list[Json]:
    images = []
    stamp = int(spec.created.timestamp()) % 100000
    for i in range(spec.images):
        iid = next(ids.image)
        file = f"{slug}-{i + 1}__{stamp}.jpg"
        path = f"products/{spec.pid}/{iid}/{file}?c=2"
        images.append(
            {
                "id": iid,
                "product_id": spec.pid,
                "is_thumbnail": i == 0,
                "sort_order": i,
                "description": f"{spec.name}, view {i + 1}",
                "image_file": file,
                "url_zoom": f"{_CDN}/images/stencil/1280x1280/{path}",
                "url_standard": f"{_CDN}/images/stencil/500x659/{path}",
                "url_thumbnail": f"{_CDN}/images/stencil/100x100/{path}",
                "url_tiny": f"{_CDN}/images/stencil/50x50/{path}",
            }
        )
    return images


def _build_product(ids: _Ids, spec: _Spec, rng: random.Random) -> Json:
    kind, pid = spec.kind, spec.pid
    slug = _slug(spec.name)
    sku = f"{_BRANDS[spec.brand - 1][1]}-{kind.code}-{pid:05d}"
    options = _options(ids, pid, kind)
    variants = _variants(ids, spec, sku, options)
    if spec.tracking == "variant":
        level = sum(v["inventory_level"] for v in variants)
    else:
        level = variants[0]["inventory_level"]  # the base variant mirrors product-level stock
    videos = []
    if spec.video is not None:
        title, description = spec.video
        videos.append(
            {
                "id": next(ids.video),
                "product_id": pid,
                "type": "youtube",
                "video_id": _chars(rng, _YOUTUBE, 11),
                "title": title,
                "description": description,
                "sort_order": 0,
                "length": f"0{rng.randint(1, 9)}:{rng.randint(10, 59)}",
            }
        )
    features = "".join(f"<li>{feature}</li>" for feature in kind.features)
    return {
        "id": pid,
        "name": spec.name,
        "type": "physical",
        "sku": sku,
        "description": f"<p><strong>{spec.name}</strong>: {kind.blurb}</p><ul>{features}</ul>",
        "price": spec.price,
        "sale_price": spec.sale,
        "retail_price": round(spec.price * 1.2, 2),
        "cost_price": round(spec.price * 0.45, 2),
        "calculated_price": spec.sale or spec.price,
        "is_visible": spec.visible,
        "is_featured": spec.total_sold > 800,
        "availability": spec.availability,
        "inventory_tracking": spec.tracking,
        "inventory_level": level,
        "inventory_warning_level": 5,
        "categories": list(spec.categories or _category_path(kind.category)),
        "brand_id": spec.brand,
        "custom_url": {"url": f"/{slug}/", "is_customized": False},
        "is_free_shipping": spec.price >= 150,
        "weight": kind.weight,
        "warranty": "12-month manufacturer warranty",
        "mpn": sku,
        "condition": "New",
        "search_keywords": f"{kind.name.lower()}, {kind.material.lower()}",
        "preorder_release_date": None,
        **dict.fromkeys(("map_price", "width", "height", "depth"), 0),
        **dict.fromkeys(("order_quantity_minimum", "order_quantity_maximum"), 0),
        **dict.fromkeys(("upc", "gtin", "preorder_message", "price_hidden_label"), ""),
        **dict.fromkeys(("is_preorder_only", "is_price_hidden"), False),
        "date_created": _iso(spec.created),
        "date_modified": _iso(spec.created + timedelta(days=30 + pid % 200)),
        "total_sold": spec.total_sold,
        "reviews_count": spec.total_sold // 25,
        "reviews_rating_sum": spec.total_sold // 25 * 4,
        "base_variant_id": variants[0]["id"] if len(variants) == 1 else 0,  # 0: no single base variant
        "variants": variants,
        "options": options,
        "images": _images(ids, spec, slug),
        "videos": videos,
        "custom_fields": [{"id": next(ids.custom_field), "name": n, "value": v} for n, v in spec.fields],
    }


def _fixed_specs() -> list[_Spec]:
    """The hand-written products 1..MIN_PRODUCTS: the demo questions and one of every special case."""
    premium = replace(
        _KIND["BG"],
        code="PBG",
        material="Genuine leather",
        blurb="our flagship hand-stitched glove with triple-density foam, for sparring, pads and bag work.",
    )
    wrap = replace(_KIND["HW"], options=())
    one_bag = replace(_KIND["HB"], options=(), material="Genuine leather")
    hoodie = replace(_KIND["HD"], options=(("Size", _SIZES), ("Colour", ("Black", "Grey"))))
    return [
        _Spec(1, "Premium Boxing Gloves", premium, 1, 89.99, 79.99, "variant",
              (8, 12, 5, 14, 20, 9, 11, 17, 6, 4, 7, 0),  # 16oz Blue (the last variant) is sold out
              fields=(("Material", "Genuine leather"), ("Closure", "Hook and loop"),
                      ("Padding", "Triple-density foam"), ("Country of origin", "Pakistan")),
              video=("How to choose your glove size", "Our coach explains 10oz to 16oz in two minutes."),
              images=3, total_sold=1240, created=_dt(2023, 9, 4, 9, 30)),
        _Spec(2, "Classic Cotton Hand Wraps", wrap, 1, 12.99, 0.0, "product", (140,),
              fields=(("Length", "180 in"), ("Material", "Cotton blend")), images=2, total_sold=860),
        _Spec(3, "Pro Leather Heavy Bag", one_bag, 2, 229.0, 0.0, "none", fields=(("Fill", "Textile"),),
              video=("Hanging your heavy bag", "Ceiling mount, chains and swivel."), total_sold=95),
        _Spec(4, "Carbon Pro Sparring Gloves (Prototype)", _KIND["SG"], 4, 149.0, 0.0, "variant", (2,) * 9,
              visible=False, fields=(("Status", "Internal sample, not for sale"),)),
        _Spec(5, "Champion Satin Boxing Shorts", _KIND["BS"], 7, 44.99, 0.0, "variant", (0, 0, 0, 0),
              total_sold=310),
        _Spec(6, "Vintage Leather Speed Bag", _KIND["SB"], 6, 59.0, 0.0, "product", (3,),
              availability="disabled"),
        _Spec(7, "Bulk Hand Wraps (Case of 50)", wrap, 1, 299.0, 0.0, "product", (40,),
              categories=(WHOLESALE,), fields=(("Case quantity", "50 pairs"),)),
        _Spec(8, "Bulk Jump Ropes (Case of 25)", _KIND["JR"], 1, 149.0, 0.0, "none", categories=(WHOLESALE,)),
        _Spec(9, "Speed Jump Rope", _KIND["JR"], 3, 19.99, 0.0, "product", (0,), total_sold=420),
        _Spec(10, "Competition Kettlebell", _KIND["KB"], 4, 39.0, 0.0, "variant", (15, 22, 18, 6),
              total_sold=230),
        _Spec(11, "Title Series Headgear", _KIND["HG"], 2, 119.0, 0.0, "variant", (6, 9, 4),
              availability="preorder"),
        _Spec(12, "Knockout Resistance Band Set", _KIND["RB"], 1, 34.99, 27.99, "none", total_sold=515,
              fields=(("Resistance", "5 to 45 lb"),), video=("Full-body band workout", "20-minute circuit")),
        _Spec(13, "Gel Shock Mouthguard", _KIND["MG"], 5, 14.99, 0.0, "product", (60,), total_sold=700),
        _Spec(14, "Knockout Logo Hoodie", hoodie, 1, 64.0, 54.0, "variant", (4, 7, 9, 12, 6, 8, 3, 5),
              images=2),
    ]  # fmt: skip


def _random_spec(pid: int, combo: tuple[int, int, int], round_no: int, rng: random.Random) -> _Spec:
    """A procedural product: mostly visible and in stock, with a sprinkle of every special case."""
    brand, adjective, kind = _BRANDS[combo[0]], _ADJECTIVES[combo[1]], _KINDS[combo[2]]
    name = f"{brand[0]} {adjective} {kind.name}" + (f" {round_no + 1}" if round_no else "")
    price = round(rng.uniform(*kind.price)) - 0.01
    sale = round(price * rng.choice((0.8, 0.85, 0.9)), 2) if rng.random() < 0.2 else 0.0
    n_variants = len(_grid(kind))
    roll = rng.random()
    tracking = "none" if roll < 0.15 else "product" if n_variants == 1 and roll < 0.6 else "variant"
    stock = tuple(0 if rng.random() < 0.06 else rng.randint(1, 60) for _ in range(n_variants))
    special = rng.random()  # 4% sold out, 3% wholesale-only, 3% hidden, 1% disabled
    if special < 0.04 and tracking != "none":
        stock = (0,) * n_variants
    categories: tuple[int, ...] = ()
    if 0.04 <= special < 0.07:
        name, categories = f"{name} (Case of {rng.choice((12, 24, 50))})", (WHOLESALE,)
    fields = (("Material", kind.material), ("Country of origin", rng.choice(_ORIGINS)))
    return _Spec(
        pid, name, kind, combo[0] + 1, price, sale, tracking, stock, categories,
        visible=not 0.07 <= special < 0.10,
        availability="disabled" if 0.10 <= special < 0.11 else "available",
        fields=fields if rng.random() < 0.5 else (),
        video=(f"{name}: product tour", f"A closer look at the {name}.") if rng.random() < 0.1 else None,
        images=rng.randint(0, 3) or 1,
        total_sold=rng.randint(0, 900),
        created=_CATALOG_START + timedelta(minutes=rng.randrange(700 * 24 * 60)),
    )  # fmt: skip


def _catalog(count: int, rng: random.Random, ids: _Ids) -> list[Json]:
    """Products 1..count, each finished before the next is drawn: a bigger store extends a smaller one."""
    products = [_build_product(ids, spec, rng) for spec in _fixed_specs()]
    combos = list(itertools.product(range(len(_BRANDS)), range(len(_ADJECTIVES)), range(len(_KINDS))))
    rng.shuffle(combos)
    for index in range(count - len(products)):
        combo, round_no = combos[index % len(combos)], index // len(combos)
        products.append(
            _build_product(ids, _random_spec(MIN_PRODUCTS + 1 + index, combo, round_no, rng), rng)
        )
    gloves = products[0]
    for variant in gloves["variants"]:  # the flagship glove has one image per colour
        colour = _COLOURS.index(variant["option_values"][1]["label"])
        variant["image_url"] = gloves["images"][colour]["url_standard"]
    return products


def _categories() -> list[Json]:
    return [
        {
            "id": cid,
            "parent_id": parent,
            "name": name,
            "description": f"<p>Shop {name.lower()} at Knockout Fitness Supply.</p>",
            "tree_id": 1,
            "is_visible": True,
            "sort_order": order,
            "page_title": name,
            "search_keywords": name.lower(),
            "image_url": "",
            "default_product_sort": "use_store_settings",
            "custom_url": {"url": f"/{_slug(name)}/", "is_customized": False},
        }
        for order, (cid, parent, name) in enumerate(_CATEGORIES)
    ]


# --------------------------------------------------------------------------------------- store and people


def _store() -> Json:
    return {
        "id": DEMO_STORE_HASH,
        "store_id": 1001234,
        "name": "Knockout Fitness Supply",
        "domain": "knockout-fitness.example",
        "secure_url": "https://knockout-fitness.example",
        "control_panel_base_url": f"https://store-{DEMO_STORE_HASH}.mybigcommerce.com",
        "status": "live",
        "address": "500 Ring Road\nAustin, Texas 78701\nUnited States",
        "country": "United States",
        "country_code": "US",
        "phone": "512-555-0100",
        "admin_email": "owner@knockout-fitness.example",
        "order_email": "orders@knockout-fitness.example",
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "currency_symbol_location": "left",
        "decimal_places": 2,
        "decimal_separator": ".",
        "thousands_separator": ",",
        "weight_units": "LBS",
        "dimension_units": "Inches",
        "plan_name": "Standard",
        "plan_level": "Standard",
        "plan_is_trial": False,
        "logo": {"url": f"{_CDN}/product_images/knockout-logo.png"},
        "is_price_entered_with_tax": False,
        "default_channel_id": 1,
        "default_site_id": 1000,
        "infrastructure_region": "us-central1",
        "timezone": {
            "name": "America/Chicago",
            "raw_offset": -21600,
            "dst_offset": -18000,
            "dst_correction": True,
            "date_format": {"display": "M jS Y", "export": "M jS Y", "extended_display": "M jS Y @ g:i A"},
        },
        "features": {
            "stencil_enabled": True,
            "checkout_type": "optimized",
            "multi_storefront_enabled": False,
            "storefront_limits": {"active": 1, "total_including_inactive": 1},
        },
    }


_FIRST = ("Alex", "Maria", "Chris", "Priya", "Jordan", "Lena", "Omar", "Sofia", "Tyrone", "Mei", "Diego",
          "Hannah", "Kofi", "Isabel", "Ryan", "Aisha", "Noah", "Grace", "Mateo", "Yuki")  # fmt: skip
_LAST = ("Smith", "Garcia", "Nguyen", "Patel", "Johnson", "Kim", "Brown", "Okafor", "Martinez", "Chen",
         "Wilson", "Lopez", "Walker", "Rossi", "Ahmed", "Clark")  # fmt: skip
_PLACES = (
    ("Austin", "Texas", "787"), ("Denver", "Colorado", "802"), ("Chicago", "Illinois", "606"),
    ("Seattle", "Washington", "981"), ("Miami", "Florida", "331"), ("Boston", "Massachusetts", "021"),
    ("Phoenix", "Arizona", "850"), ("Portland", "Oregon", "972"), ("Atlanta", "Georgia", "303"),
)  # fmt: skip
_STREETS = ("Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street", "Park Road",
            "Lake View Court")  # fmt: skip


def _person(first: str, last: str, email: str, rng: random.Random, company: str = "") -> Json:
    """A shopper with a US address, in the v2 address shape used for billing and shipping."""
    city, state, zip_prefix = rng.choice(_PLACES)
    return {
        "first_name": first,
        "last_name": last,
        "company": company,
        "street_1": f"{rng.randint(10, 9899)} {rng.choice(_STREETS)}",
        "street_2": "",
        "city": city,
        "state": state,
        "zip": f"{zip_prefix}{rng.randint(1, 99):02d}",
        "country": "United States",
        "country_iso2": "US",
        "phone": f"{rng.randint(201, 989)}-555-{rng.randint(100, 199):04d}",
        "email": email,
    }


def _people(rng: random.Random) -> list[tuple[int, int, Json]]:
    """(customer id, customer group id, person) for every registered customer; Jane Doe is customer 1."""
    jane = _person("Jane", "Doe", "jane.doe@example.com", rng)
    jane.update(street_1="123 Main Street", street_2="Apt 4B", city="Austin", state="Texas", zip="78701")
    jane["phone"] = "512-555-0143"
    people = [
        (1, 1, jane),
        (2, 2, _person("Marcus", "Reed", "marcus@ironworks-gym.example", rng, "Ironworks Gym")),
        (3, 2, _person("Dana", "Ortiz", "dana@southside-boxing.example", rng, "Southside Boxing Club")),
    ]
    seen = {person["email"] for _, _, person in people}
    for cid in range(4, 37):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{first}.{last}@example.com".lower()
        if email in seen:
            email = f"{first}.{last}{cid}@example.com".lower()
        seen.add(email)
        people.append((cid, 0 if cid % 9 == 0 else 1, _person(first, last, email, rng)))
    return people


def _customers(people: list[tuple[int, int, Json]]) -> list[Json]:
    rows = []
    for cid, group, p in people:
        created = _dt(2023, 6, 1) + timedelta(days=cid * 11, hours=cid % 13)
        address = {
            "id": cid,
            "customer_id": cid,
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "company": p["company"],
            "address1": p["street_1"],
            "address2": p["street_2"],
            "city": p["city"],
            "state_or_province": p["state"],
            "postal_code": p["zip"],
            "country": p["country"],
            "country_code": p["country_iso2"],
            "phone": p["phone"],
            "address_type": "commercial" if p["company"] else "residential",
        }
        rows.append(
            {
                "id": cid,
                "email": p["email"],
                "first_name": p["first_name"],
                "last_name": p["last_name"],
                "company": p["company"],
                "phone": p["phone"],
                "notes": "Net-30 account" if group == 2 else "",
                "customer_group_id": group,
                "date_created": _iso(created),
                "date_modified": _iso(created + timedelta(days=40)),
                "address_count": 1,
                "attribute_count": 0,
                "origin_channel_id": 1,
                "channel_ids": [1],
                "store_credit_amounts": [{"amount": 25.0 if cid == 2 else 0.0}],
                "accepts_product_review_abandoned_cart_emails": cid % 2 == 0,
                "registration_ip_address": f"203.0.113.{cid}",
                "tax_exempt_category": "",
                "addresses": [address],
            }
        )
    return rows


def _customer_groups() -> list[Json]:
    retail_categories = [cid for cid, _, _ in _CATEGORIES if cid != WHOLESALE]
    created = _rfc(_dt(2023, 5, 2, 15))
    return [
        {
            "id": 1,
            "name": "Retail",
            "is_default": True,
            "is_group_for_guests": True,
            "date_created": created,
            "date_modified": created,
            "category_access": {"type": "specific", "categories": retail_categories},
            "discount_rules": [],
        },
        {
            "id": 2,
            "name": "Wholesale",
            "is_default": False,
            "is_group_for_guests": False,
            "date_created": created,
            "date_modified": _rfc(_dt(2024, 2, 12, 9)),
            "category_access": {"type": "all"},
            "discount_rules": [
                {"type": "all", "method": "percent", "amount": "15.0000"},
                {"type": "category", "method": "percent", "amount": "25.0000", "category_id": WHOLESALE},
            ],
        },
    ]


# ------------------------------------------------------------------------------------------------- orders

_STATUS = ("Incomplete", "Pending", "Shipped", "Partially Shipped", "Refunded", "Cancelled", "Declined",
           "Awaiting Payment", "Awaiting Pickup", "Awaiting Shipment", "Completed", "Awaiting Fulfillment",
           "Manual Verification Required", "Disputed", "Partially Refunded")  # fmt: skip
_PAYMENT_STATUS = (
    "", "pending", "captured", "captured", "refunded", "void", "declined", "pending", "captured", "captured",
    "captured", "captured", "held for review", "captured", "partially refunded",
)  # fmt: skip
_FULLY_SHIPPED = {2, 10, 13, 14}  # status 3 (Partially Shipped) ships the first line only
_EVENTS: dict[int, tuple[str, ...]] = {0: (), 1: (), 6: (), 7: ("pending",), 12: ("authorization",),
                                       4: ("purchase", "refund"), 14: ("purchase", "refund"),
                                       5: ("authorization", "void")}  # fmt: skip
# shipping_provider, display name, tracking_carrier (AfterShip slug), shipping method, tracking URL
_CARRIERS: dict[str, tuple[str, str, str, str, str]] = {
    "ups": ("ups", "UPS", "", "UPS® Ground", "https://www.ups.com/track?tracknum={}"),
    "usps": ("usps", "USPS", "", "USPS Priority Mail", "https://tools.usps.com/go/TrackConfirmAction?tLabels={}"),
    "fedex": ("fedex", "FedEx", "", "FedEx Ground", "https://www.fedex.com/fedextrack/?trknbr={}"),
    "dhl": ("", "", "dhl", "DHL Express", "https://www.dhl.com/en/express/tracking.html?AWB={}&brand=DHL"),
}  # fmt: skip
_CARDS = (("visa", "411111"), ("mastercard", "555555"), ("amex", "378282"))


def _tracking_number(carrier: str, rng: random.Random) -> str:
    if carrier == "ups":
        return f"1Z{_chars(rng, _UPPER, 6)}03{_chars(rng, _DIGITS, 8)}"
    if carrier == "usps":
        return "9400" + _chars(rng, _DIGITS, 18)
    return _chars(rng, _DIGITS, 12 if carrier == "fedex" else 10)


@dataclass
class _OrderSpec:
    oid: int
    status: int
    customer_id: int
    person: Json
    lines: list[tuple[Json, Json, int]]  # product, variant, quantity
    created: datetime
    carrier: str = "ups"
    payment: str = "Credit Card"
    tracking: str = ""


def _line_item(ids: _Ids, oid: int, address_id: int, product: Json, variant: Json, qty: int) -> Json:
    line_id = next(ids.line_item)
    price = float(variant["calculated_price"])
    tax = round(price * _TAX_RATE, 2)
    options = [
        {
            "id": next(ids.line_option),
            "option_id": ov["option_id"],
            "order_product_id": line_id,
            "product_option_id": ov["option_id"],
            "display_name": ov["option_display_name"],
            "display_value": ov["label"],
            "value": str(ov["id"]),
            "type": "Multiple choice",
            "name": ov["option_display_name"],
            "display_style": "Rectangle",
        }
        for ov in variant["option_values"]
    ]
    return {
        "id": line_id,
        "order_id": oid,
        "product_id": product["id"],
        "variant_id": variant["id"],
        "order_address_id": address_id,
        "name": product["name"],
        "name_customer": product["name"],
        "name_merchant": product["name"],
        "sku": variant["sku"],
        "type": "physical",
        "brand": _BRANDS[product["brand_id"] - 1][0],
        "base_price": _money(price),
        "price_ex_tax": _money(price),
        "price_inc_tax": _money(price + tax),
        "price_tax": _money(tax),
        "base_total": _money(price * qty),
        "total_ex_tax": _money(price * qty),
        "total_inc_tax": _money((price + tax) * qty),
        "total_tax": _money(tax * qty),
        "base_cost_price": _money(variant["cost_price"]),
        "weight": variant["weight"],
        "quantity": qty,
        "quantity_shipped": 0,
        "quantity_refunded": 0,
        "refund_amount": _ZERO,
        "is_refunded": False,
        "product_options": options,
        "applied_discounts": [],
        "is_bundled_product": False,
        "parent_order_product_id": None,
        "gift_certificate_id": None,
        "upc": "",
    }


def _shipment(
    ids: _Ids, spec: _OrderSpec, items: list[Json], address_id: int, when: datetime, number: str
) -> Json:
    provider, display, carrier_slug, method, link = _CARRIERS[spec.carrier]
    return {
        "id": next(ids.shipment),
        "order_id": spec.oid,
        "customer_id": spec.customer_id,
        "order_address_id": address_id,
        "date_created": _rfc(when),
        "tracking_number": number,
        "shipping_provider": provider,
        "shipping_provider_display_name": display,
        "tracking_carrier": carrier_slug,
        "tracking_link": "",
        "generated_tracking_link": link.format(number),
        "shipping_method": method,
        "merchant_shipping_cost": _ZERO,
        "comments": "",
        "billing_address": dict(spec.person),
        "shipping_address": dict(spec.person),
        "items": [
            {"order_product_id": i["id"], "product_id": i["product_id"], "quantity": i["quantity"]}
            for i in items
        ],
    }


def _transaction(
    ids: _Ids,
    spec: _OrderSpec,
    event: str,
    amount: float,
    when: datetime,
    rng: random.Random,
    reference: int | None = None,
) -> Json:
    """A v3 transaction; a follow-up event (capture, refund, void) references the first transaction."""
    card, offline = spec.payment == "Credit Card", spec.payment == "Bank Deposit"
    card_type, iin = _CARDS[spec.oid % len(_CARDS)]
    transaction: Json = {
        "id": next(ids.transaction),
        "order_id": str(spec.oid),
        "event": event,
        "method": "credit_card" if card else "offline" if offline else "electronic_wallet",
        "amount": amount,
        "currency": "USD",
        "gateway": "braintree" if card else "bankdeposit" if offline else "paypalexpress",
        "gateway_transaction_id": "" if offline else _chars(rng, _DIGITS + "abcdef", 12),
        "status": "ok",
        "test": False,
        "fraud_review": spec.status == 12,
        "date_created": _iso(when),
        "offline": {"display_name": "Bank Deposit"} if offline else None,
        "gift_certificate": None,
        "store_credit": None,
        "custom": None,
    }
    if reference is not None:  # the schema types it an integer, so it is left out rather than null
        transaction["reference_transaction_id"] = reference
    if card:  # likewise the card details and the AVS/CVV results, which only card payments have
        transaction["avs_result"] = {"code": "Y", "message": "Street address and postal code match"}
        transaction["cvv_result"] = {"code": "M", "message": "CVV matches"}
        transaction["credit_card"] = {
            "card_type": card_type,
            "card_iin": iin,
            "card_last4": f"{spec.oid % 10000:04d}",
            "card_expiry_month": spec.oid % 12 + 1,
            "card_expiry_year": 2027 + spec.oid % 5,
        }
    return transaction


def _build_order(ids: _Ids, spec: _OrderSpec, rng: random.Random) -> Json:
    oid, status = spec.oid, spec.status
    address_id = next(ids.address)
    items = [_line_item(ids, oid, address_id, p, v, q) for p, v, q in spec.lines]
    subtotal = round(sum(float(i["total_ex_tax"]) for i in items), 2)
    tax = round(sum(float(i["total_tax"]) for i in items), 2)
    shipping = 0.0 if subtotal >= 150 or status == 8 else 9.95
    total = round(subtotal + tax + shipping, 2)
    shipped_items = items if status in _FULLY_SHIPPED else items[:1] if status == 3 else []
    for item in shipped_items:
        item["quantity_shipped"] = item["quantity"]
    refunded = total if status == 4 else float(items[0]["total_inc_tax"]) if status == 14 else 0.0
    for item in items if status == 4 else items[:1] if status == 14 else []:
        item.update(is_refunded=True, quantity_refunded=item["quantity"], refund_amount=item["total_inc_tax"])
    count = sum(i["quantity"] for i in items)
    shipped = sum(i["quantity_shipped"] for i in items)
    created = spec.created
    shipped_at = created + timedelta(days=1, hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    modified = created + timedelta(minutes=3) if status in (0, 1, 7, 11) else shipped_at + timedelta(days=2)
    method = "Pickup In Store" if status == 8 else _CARRIERS[spec.carrier][3]
    shipments = []
    if shipped_items:
        number = spec.tracking or _tracking_number(spec.carrier, rng)
        shipments.append(_shipment(ids, spec, shipped_items, address_id, shipped_at, number))
    transactions: list[Json] = []  # a follow-up event (capture, refund, void) comes days after the first
    for n, event in enumerate(_EVENTS.get(status, ("purchase",))):
        when = created + timedelta(days=3 * n, minutes=1)
        amount = refunded if event == "refund" else total
        first = transactions[0]["id"] if transactions else None
        transactions.append(_transaction(ids, spec, event, amount, when, rng, first))
    shipping_address = {
        "id": address_id,
        "order_id": oid,
        **spec.person,
        "items_total": count,
        "items_shipped": shipped,
        "shipping_method": method,
        "base_cost": _money(shipping),
        "cost_ex_tax": _money(shipping),
        "cost_inc_tax": _money(shipping),
        "cost_tax": _ZERO,
        "cost_tax_class_id": 2,
        "base_handling_cost": _ZERO,
        "handling_cost_ex_tax": _ZERO,
        "handling_cost_inc_tax": _ZERO,
        "handling_cost_tax": _ZERO,
        "shipping_zone_id": 1,
        "shipping_zone_name": "United States",
        "form_fields": [],
    }
    return {
        "id": oid,
        "customer_id": spec.customer_id,
        "date_created": _rfc(created),
        "date_modified": _rfc(modified),
        "date_shipped": _rfc(shipped_at) if status in _FULLY_SHIPPED else "",
        "status_id": status,
        "status": _STATUS[status],
        "custom_status": _STATUS[status],
        "subtotal_ex_tax": _money(subtotal),
        "subtotal_inc_tax": _money(subtotal + tax),
        "subtotal_tax": _money(tax),
        "base_shipping_cost": _money(shipping),
        "shipping_cost_ex_tax": _money(shipping),
        "shipping_cost_inc_tax": _money(shipping),
        "total_ex_tax": _money(subtotal + shipping),
        "total_inc_tax": _money(total),
        "total_tax": _money(tax),
        "refunded_amount": _money(refunded),
        **dict.fromkeys(("shipping_cost_tax", "base_handling_cost", "handling_cost_ex_tax"), _ZERO),
        **dict.fromkeys(("handling_cost_inc_tax", "handling_cost_tax", "base_wrapping_cost"), _ZERO),
        **dict.fromkeys(("wrapping_cost_ex_tax", "wrapping_cost_inc_tax", "wrapping_cost_tax"), _ZERO),
        **dict.fromkeys(("discount_amount", "coupon_discount", "gift_certificate_amount"), _ZERO),
        "store_credit_amount": _ZERO,
        "items_total": count,
        "items_shipped": shipped,
        "payment_method": spec.payment,
        "payment_provider_id": transactions[0]["gateway_transaction_id"] if transactions else "",
        "payment_status": _PAYMENT_STATUS[status],
        "credit_card_type": _CARDS[oid % len(_CARDS)][0] if spec.payment == "Credit Card" else None,
        "currency_id": 1,
        "currency_code": "USD",
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": 1,
        "default_currency_code": "USD",
        "store_default_currency_code": "USD",
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "billing_address": {**spec.person, "form_fields": []},
        "ip_address": f"198.51.100.{oid % 250}",
        "geoip_country": "United States",
        "geoip_country_iso2": "US",
        "staff_notes": "",
        "customer_message": "Please leave it at the front desk." if oid % 7 == 0 else "",
        "order_is_digital": False,
        "shipping_address_count": 1,
        "is_deleted": False,
        "is_email_opt_in": oid % 3 == 0,
        "cart_id": f"{oid:08x}-0000-4000-8000-{oid:012x}",
        "order_source": "www",
        "channel_id": 1,
        "external_source": None,
        "external_id": None,
        "external_order_id": "",
        "customer_locale": "en",
        "fees": [],
        "products": items,
        "shipping_addresses": [shipping_address],
        "shipments": shipments,
        "transactions": transactions,
    }


def _orders(
    products: list[Json], people: list[tuple[int, int, Json]], rng: random.Random, ids: _Ids
) -> list[Json]:
    """Jane Doe's orders 12345 (shipped by UPS) and 12346 (awaiting fulfillment), then 5 of every status."""
    gloves, wraps, mouthguard = products[0], products[1], products[12]

    def glove(size: str, colour: str) -> Json:
        return next(
            v for v in gloves["variants"] if [o["label"] for o in v["option_values"]] == [size, colour]
        )

    jane = people[0][2]
    specs = [
        _OrderSpec(12345, 2, 1, jane, [(gloves, glove("12oz", "Red"), 1), (wraps, wraps["variants"][0], 2)],
                   _dt(2025, 6, 2, 14, 22, 5), "ups", tracking="1Z999AA10123456784"),
        _OrderSpec(12346, 11, 1, jane, [(gloves, glove("14oz", "Black"), 1),
                                        (mouthguard, mouthguard["variants"][0], 1)],
                   _dt(2025, 6, 9, 9, 12, 33)),
    ]  # fmt: skip
    pool = [p for p in products if p["is_visible"] and p["availability"] == "available"]
    retail_pool = [p for p in pool if WHOLESALE not in p["categories"]]
    statuses = [status for status in range(15) for _ in range(5)]
    rng.shuffle(statuses)
    when = _dt(2025, 6, 10, 8)
    for offset, status in enumerate(statuses):
        when += timedelta(hours=rng.randint(20, 60), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
        group = 1
        if rng.random() < 0.4:
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            email = f"{first}{last[0]}{rng.randint(10, 99)}@example.net".lower()
            customer_id, person = 0, _person(first, last, email, rng)
        else:
            customer_id, group, person = rng.choice(people[1:])
        choices = pool if group == 2 else retail_pool
        picks = rng.sample(choices, k=min(len(choices), rng.randint(2 if status == 3 else 1, 4)))
        lines = [(p, rng.choice(p["variants"]), rng.choice((1, 1, 1, 2, 3))) for p in picks]
        payment = "Bank Deposit" if status == 7 else rng.choice(("Credit Card", "Credit Card", "PayPal"))
        carrier = rng.choice(tuple(_CARRIERS))
        specs.append(_OrderSpec(12347 + offset, status, customer_id, person, lines, when, carrier, payment))
    return [_build_order(ids, spec, rng) for spec in specs]


# ---------------------------------------------------------------------------------------------- marketing


def _gift_certificates(rng: random.Random) -> list[Json]:
    rows: list[tuple[str, float, float, str, datetime, datetime | None]] = [
        ("GIFT-DEMO-0001", 100.0, 62.5, "active", _dt(2025, 3, 14, 18, 5), None),
        ("GIFT-DEMO-0002", 50.0, 50.0, "pending", _dt(2025, 11, 30, 9, 41), None),
        ("GIFT-DEMO-0003", 75.0, 75.0, "disabled", _dt(2024, 8, 2, 12), None),
        ("GIFT-DEMO-0004", 25.0, 25.0, "expired", _dt(2021, 12, 20, 16, 30), _dt(2022, 12, 20, 16, 30)),
        ("GIFT-DEMO-0005", 40.0, 0.0, "active", _dt(2024, 12, 24, 8), None),
        ("GIFT-DEMO-0006", 150.0, 150.0, "active", _dt(2025, 5, 1, 10), _dt(2099, 5, 1, 10)),
    ]
    for n in range(3):
        amount = float(rng.choice((25, 50, 100)))
        code = "-".join(_chars(rng, _UPPER, 3) for _ in range(4))
        rows.append((code, amount, round(amount * rng.random(), 2), "active", _dt(2025, 2 + n, 10, 12), None))
    certificates = []
    for gid, (code, amount, balance, status, bought, expiry) in enumerate(rows, start=1):
        recipient, sender = rng.choice(_FIRST), rng.choice(_FIRST)
        certificates.append(
            {
                "id": gid,
                "code": code,
                "amount": _money(amount),
                "balance": _money(balance),
                "status": status,
                "purchase_date": _unix(bought),
                "expiry_date": _unix(expiry) if expiry else "0",
                "currency_code": "USD",
                "to_name": f"{recipient} Lee",
                "to_email": f"{recipient.lower()}.lee@example.org",
                "from_name": f"{sender} Park",
                "from_email": f"{sender.lower()}.park@example.org",
                "customer_id": 0,
                "order_id": 0,
                "template": "birthday.html",
                "message": f"Happy birthday, {recipient}! Go hit something (a heavy bag, please).",
            }
        )
    return certificates


def _coupons() -> list[Json]:
    rows = [  # id, name, code, type, amount, min purchase, expires, enabled, uses, max uses, max per customer
        (1, "20% off everything", "SAVE20", "percentage_discount", 20, 0, None, True, 312, 0, 0),
        (2, "$10 off each pair of gloves", "GLOVES10", "per_item_discount", 10, 0, None, True, 41, 0, 1),
        (3, "$15 off orders over $100", "TAKE15", "per_total_discount", 15, 100, None, True, 88, 500, 1),
        (4, "$5 off shipping", "SHIP5", "shipping_discount", 5, 50, None, True, 19, 0, 0),
        (5, "Free shipping", "FREESHIP", "free_shipping", 0, 75, _dt(2099, 12, 31, 23, 59), True, 140, 0, 0),
        (6, "Welcome promotion code", "WELCOME10", "promotion", 0, 0, None, True, 57, 0, 0),
        (7, "Summer sale 2023", "SUMMER2023", "percentage_discount", 15, 0, _dt(2023, 8, 31, 23, 59), True,
         205, 0, 0),
        (8, "Old stock clearance", "CLEARANCE25", "per_total_discount", 25, 150, None, False, 12, 0, 0),
        (9, "First 50 customers", "FIRST50", "percentage_discount", 10, 0, None, True, 50, 50, 1),
    ]  # fmt: skip
    coupons = []
    for cid, name, code, kind, amount, minimum, expires, enabled, used, max_uses, per_customer in rows:
        shipping = kind in ("free_shipping", "shipping_discount")
        coupons.append(
            {
                "id": cid,
                "name": name,
                "code": code,
                "type": kind,
                "amount": _money(amount),
                "min_purchase": _money(minimum),
                "expires": _rfc(expires) if expires else "",
                "enabled": enabled,
                "applies_to": {"entity": "products", "ids": [1]}
                if code == "GLOVES10"
                else {"entity": "categories", "ids": [0]},
                "num_uses": used,
                "max_uses": max_uses,
                "max_uses_per_customer": per_customer,
                "restricted_to": {"countries": "US"} if shipping else {},
                "shipping_methods": ["ups", "usps"] if kind == "shipping_discount" else [],
                "date_created": _rfc(_dt(2023, 1, 9, 9) + timedelta(days=30 * cid)),
            }
        )
    return coupons


_FREE_SHIP = {"action": {"shipping": {"free_shipping": True, "zone_ids": "*"}},
              "condition": {"cart": {"minimum_spend": "150"}}}  # fmt: skip
_WRAPS_DEAL = {
    "action": {"cart_items": {"discount": {"percentage_amount": "10"}, "items": {"categories": [WRAPS]}}},
    "condition": {"cart": {"items": {"categories": [WRAPS]}, "minimum_quantity": 2}},
}
_PERCENT = {"action": {"cart_value": {"discount": {"percentage_amount": "15"}}}}
_FIXED = {"action": {"cart_value": {"discount": {"fixed_amount": "10"}}},
          "condition": {"cart": {"minimum_spend": "50"}}}  # fmt: skip
_GIFT = {
    "action": {"gift_item": {"product_id": 13, "quantity": 1}},
    "condition": {"cart": {"minimum_spend": "100"}},
}


def _promotions(rng: random.Random, ids: _Ids) -> list[Json]:
    def code(text: str, uses: int, max_uses: int, created: datetime) -> Json:
        return {
            "id": next(ids.code),
            "code": text,
            "current_uses": uses,
            "max_uses": max_uses,
            "max_uses_per_customer": 1,
            "created": _iso(created),
        }

    spring, gyms = _dt(2025, 3, 1), _dt(2025, 1, 20)
    bulk = [
        code(f"GYM-{_chars(rng, _UPPER, 4)}-{_chars(rng, _UPPER, 4)}", int(n < 3), 1, gyms) for n in range(8)
    ]
    # id, name, display name, redemption type, rule, status; start, end, uses, max uses, codes
    rows: list[tuple[Any, ...]] = [
        (1, "Free shipping over $150", "Free shipping over $150", "AUTOMATIC", _FREE_SHIP, "ENABLED",
         _dt(2024, 1, 1), None, 1830, 0, []),
        (2, "Hand wrap multibuy", "10% off two or more hand wraps", "AUTOMATIC", _WRAPS_DEAL, "ENABLED",
         _dt(2025, 2, 1), _dt(2099, 12, 31), 214, 0, []),
        (3, "Spring sale", "15% off your order", "COUPON", _PERCENT, "ENABLED",
         spring, None, 96, 0, [code("SPRING15", 96, 0, spring)]),
        (4, "Gym partner codes", "$10 off for partner gym members", "COUPON", _FIXED, "ENABLED",
         gyms, None, 3, 0, bulk),
        (5, "Black Friday 2023", "15% off Black Friday", "COUPON", _PERCENT, "ENABLED",
         _dt(2023, 11, 24), _dt(2023, 11, 27), 640, 0, [code("BLACKFRIDAY23", 640, 0, _dt(2023, 11, 1))]),
        (6, "Holiday 2099 preview", "Free mouthguard with orders over $100", "AUTOMATIC", _GIFT, "ENABLED",
         _dt(2099, 12, 1), _dt(2099, 12, 31), 0, 0, []),
        (7, "Kettlebell summer deal", "Summer kettlebell savings", "AUTOMATIC", _PERCENT, "DISABLED",
         _dt(2024, 6, 1), None, 57, 0, []),
        (8, "Welcome offer", "$10 off your first order", "COUPON", _FIXED, "ENABLED",
         _dt(2024, 3, 1), None, 57, 0, [code("WELCOME10", 57, 0, _dt(2024, 3, 1))]),
        (9, "Flash sale", "15% off flash sale", "COUPON", _PERCENT, "ENABLED",
         _dt(2025, 4, 1), None, 100, 100, [code("FLASH15", 100, 100, _dt(2025, 4, 1))]),
        (10, "Paused partner offer", "15% off for partners", "COUPON", _PERCENT, "DISABLED",
         _dt(2024, 9, 1), None, 8, 0, [code("PARTNER15", 8, 0, _dt(2024, 9, 1))]),
        (11, "New year 2100", "15% off to start 2100", "COUPON", _PERCENT, "ENABLED",
         _dt(2099, 12, 26), _dt(2099, 12, 31), 0, 0, [code("NEWYEAR2100", 0, 0, _dt(2025, 12, 1))]),
    ]  # fmt: skip
    promotions = []
    for pid, name, display, kind, rule, status, start, end, uses, max_uses, codes in rows:
        promotion: Json = {
            "id": pid,
            "name": name,
            "display_name": display,
            "redemption_type": kind,
            "status": status,
            "start_date": _iso(start),
            "end_date": _iso(end) if end else None,
            "current_uses": uses,
            "max_uses": max_uses,
            "rules": [{**copy.deepcopy(rule), "apply_once": True, "stop": False}],
            "customer": {
                "group_ids": [],
                "excluded_group_ids": [2] if pid == 8 else [],
                "minimum_order_count": 0,
            },
            "notifications": [
                {"content": f"<p>{display}</p>", "type": "APPLIED", "locations": ["CART_PAGE"]}
            ],
            "stop": False,
            "can_be_used_with_other_promotions": kind == "AUTOMATIC",
            "currency_code": "USD",
            "channels": [],
            "created_from": "api",
        }
        if kind == "COUPON":
            promotion["coupon_type"] = "BULK" if len(codes) > 1 else "SINGLE"
            promotion["coupon_overrides_other_promotions"] = False
            promotion["multiple_codes"] = {"has_multiple_codes": len(codes) > 1}
            promotion["codes"] = codes
        promotions.append(promotion)
    return promotions


# -------------------------------------------------------------------------------------------------- entry


def generate_demo_store(products: int = 300, seed: int = 0) -> dict[str, Any]:
    """Build the demo store with `products` products (at least MIN_PRODUCTS); same arguments, same store."""
    if products < MIN_PRODUCTS:
        raise ValueError(f"the demo store needs at least {MIN_PRODUCTS} products, got {products}")
    master = random.Random(seed)  # one independent stream per section, so sections do not shift each other
    catalog_rng, people_rng, order_rng, marketing_rng = (
        random.Random(master.getrandbits(64)) for _ in range(4)
    )
    ids = _Ids()
    with collector_paused():
        catalog = _catalog(products, catalog_rng, ids)
        people = _people(people_rng)
        orders = _orders(catalog, people, order_rng, ids)
        for order_id, refunds in refunds_for(orders).items():  # derived, no random draw: nothing shifts
            next(o for o in orders if o["id"] == order_id)["refunds"] = refunds
        return {
            "store": _store(),
            "categories": _categories(),
            "products": catalog,
            "customer_groups": _customer_groups(),
            "customers": _customers(people),
            "orders": orders,
            "gift_certificates": _gift_certificates(marketing_rng),
            "coupons": _coupons(),
            "promotions": _promotions(marketing_rng, ids),
            "pages": knockout_pages(),
            "shipping_zones": knockout_shipping_zones(),
            "payment_methods": knockout_payment_methods(),
            "api_accounts": [
                {"token": FULL_TOKEN, "scopes": list(FULL_SCOPES)},
                {"token": LIMITED_TOKEN, "scopes": list(LIMITED_SCOPES)},
            ],
            "apps": [
                {
                    "client_id": DEMO_APP_CLIENT_ID,
                    "client_secret": DEMO_APP_CLIENT_SECRET,
                    "name": "bcagent chat widget",
                    "application_id": "demoapp",
                }
            ],
            "settings": {"restock_on_cancel": True, "rate_limit_quota": 150},
        }
