"""A second demo store of another kind: "Volt & Thread", consumer electronics and apparel.

``generate_electronics_store(seed)`` returns a whole store fixture (FIXTURES.md), deterministic from the
seed, shaped like real catalogs rather than like the boxing demo: about 50 products with generic names
("Headphones", "Laptop", "Perfume"), two or three options each and up to 30 variants ("15-inch / i9 /
1TB", "2K / 130° / Wi-Fi", "30ml / Fresh", "M / Navy"), some variants out of stock, a few products with
product-level or no inventory tracking, one hidden product, orders in several statuses with line items
carrying their options, customers, coupons, gift certificates and a promotion.

Another seed gives another catalog: which products exist (names drawn from each kind's list), which
option values they offer, their prices and stock, and the orders. Nothing depends on today's date.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from .demo_knowledge import refunds_for
from .demo_knowledge_electronics import volt_pages, volt_payment_methods, volt_shipping_zones

__all__ = ["ELECTRONICS_STORE_HASH", "ELECTRONICS_TOKEN", "generate_electronics_store"]

Json = dict[str, Any]

ELECTRONICS_STORE_HASH = "voltthread"
ELECTRONICS_TOKEN = "voltthreadfulltoken0000000000001"
SCOPES = (
    "store_v2_information_read_only",
    "store_v2_orders",
    "store_v2_transactions_read_only",
    "store_v2_products_read_only",
    "store_v2_customers_read_only",
    "store_v2_marketing_read_only",
    "store_v2_content_read_only",
    "store_payments_methods_read",
)
MAX_VARIANTS = 30
FIRST_ORDER = 50001
_CDN = f"https://cdn11.bigcommerce.com/s-{ELECTRONICS_STORE_HASH}"
_ZERO = "0.0000"
_TAX = 0.08

ELECTRONICS, AUDIO, COMPUTERS, PHONES, CAMERAS, ACCESSORIES = 40, 41, 42, 43, 44, 45
APPAREL, TOPS, BOTTOMS, FOOTWEAR, BEAUTY = 50, 51, 52, 53, 54
_CATEGORIES: tuple[tuple[int, int, str], ...] = (
    (ELECTRONICS, 0, "Electronics"), (AUDIO, ELECTRONICS, "Audio"), (COMPUTERS, ELECTRONICS, "Computers"),
    (PHONES, ELECTRONICS, "Phones & Tablets"), (CAMERAS, ELECTRONICS, "Cameras"),
    (ACCESSORIES, ELECTRONICS, "Accessories"), (APPAREL, 0, "Apparel"), (TOPS, APPAREL, "Tops"),
    (BOTTOMS, APPAREL, "Bottoms"), (FOOTWEAR, APPAREL, "Footwear"), (BEAUTY, 0, "Beauty"),
)  # fmt: skip
_PARENT = {cid: parent for cid, parent, _ in _CATEGORIES}

Option = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class _Kind:
    """A kind of product: the names a store may give it, where it lives, its price and its options (each
    option lists every value a store may offer; a store offers a seeded subset of at least two)."""

    names: tuple[str, ...]
    category: int
    price: tuple[int, int]
    options: tuple[Option, ...]
    blurb: str
    step: str = ""  # the option whose later values cost more (storage, screen size...)


_COLOURS = ("Black", "White", "Navy", "Grey", "Red", "Blue", "Green", "Olive", "Pink", "Silver")
_LETTER = ("XS", "S", "M", "L", "XL", "XXL")
_KINDS: tuple[_Kind, ...] = (
    _Kind(("Laptop", "Ultrabook Laptop"), COMPUTERS, (799, 1499),
          (("Screen Size", ("13-inch", "15-inch", "17-inch")), ("Processor", ("i5", "i7", "i9")),
           ("Storage", ("512GB", "1TB", "2TB"))), "a thin, light laptop for work and study.", "Storage"),
    _Kind(("Gaming Laptop",), COMPUTERS, (1299, 2499),
          (("Screen Size", ("15-inch", "17-inch")), ("Processor", ("i7", "i9")), ("Storage", ("1TB", "2TB"))),
          "a high-refresh gaming laptop with a dedicated graphics card.", "Storage"),
    _Kind(("Headphones", "Wireless Headphones", "Noise Cancelling Headphones"), AUDIO, (59, 349),
          (("Colour", ("Black", "White", "Blue", "Silver", "Green")), ("Fit", ("Over-Ear", "On-Ear"))),
          "comfortable headphones with rich, balanced sound."),
    _Kind(("Earbuds", "Wireless Earbuds"), AUDIO, (39, 199),
          (("Colour", ("Black", "White", "Pink", "Navy")), ("Case", ("Standard", "Wireless Charging"))),
          "true wireless earbuds with a pocket charging case."),
    _Kind(("Bluetooth Speaker", "Portable Speaker"), AUDIO, (29, 179),
          (("Colour", ("Black", "Red", "Blue", "Grey", "Green")), ("Size", ("Mini", "Standard", "Max"))),
          "a splash-proof speaker with twelve hours of play.", "Size"),
    _Kind(("Dash Cam", "Front and Rear Dash Cam"), CAMERAS, (49, 199),
          (("Resolution", ("1080p", "2K", "4K")), ("Field of View", ("130°", "150°", "170°")),
           ("Connectivity", ("Wi-Fi", "No Wi-Fi"))), "a windscreen camera that records every drive.",
          "Resolution"),
    _Kind(("Action Camera",), CAMERAS, (129, 399),
          (("Resolution", ("2.7K", "4K", "5K")), ("Bundle", ("Camera Only", "Adventure Kit"))),
          "a waterproof camera for bikes, boards and helmets.", "Resolution"),
    _Kind(("Smartphone", "Phone"), PHONES, (399, 1099),
          (("Storage", ("128GB", "256GB", "512GB")), ("Colour", ("Black", "Silver", "Blue", "Green", "Pink"))),
          "an unlocked smartphone with an all-day battery.", "Storage"),
    _Kind(("Tablet", "Kids Tablet"), PHONES, (299, 899),
          (("Screen Size", ("10-inch", "12-inch")), ("Storage", ("64GB", "256GB")),
           ("Connectivity", ("Wi-Fi", "Wi-Fi + Cellular"))), "a bright tablet for reading, drawing and films.",
          "Storage"),
    _Kind(("Smart Watch", "Fitness Watch"), PHONES, (149, 449),
          (("Case Size", ("40mm", "44mm")), ("Band Colour", ("Black", "Pink", "Navy", "White", "Olive")),
           ("Band Size", ("S/M", "M/L"))), "a watch that tracks workouts, sleep and heart rate.", "Case Size"),
    _Kind(("Monitor", "Gaming Monitor"), COMPUTERS, (179, 699),
          (("Screen Size", ("24-inch", "27-inch", "32-inch")), ("Resolution", ("1080p", "1440p", "4K"))),
          "a flicker-free monitor with thin bezels.", "Screen Size"),
    _Kind(("Keyboard", "Mechanical Keyboard"), ACCESSORIES, (49, 179),
          (("Layout", ("US", "UK")), ("Switches", ("Red", "Brown", "Blue"))),
          "a full-size keyboard with hot-swappable switches."),
    _Kind(("Mouse", "Wireless Mouse"), ACCESSORIES, (19, 99),
          (("Colour", ("Black", "White", "Grey")), ("Grip", ("Palm", "Claw"))),
          "an ergonomic mouse with a precise sensor."),
    _Kind(("Power Bank", "Magnetic Power Bank"), ACCESSORIES, (25, 89),
          (("Capacity", ("10000mAh", "20000mAh")), ("Colour", ("Black", "White", "Blue"))),
          "a slim power bank that charges a phone three times over.", "Capacity"),
    _Kind(("USB-C Cable", "Charging Cable"), ACCESSORIES, (9, 29),
          (("Length", ("1m", "2m", "3m")), ("Colour", ("Black", "White", "Red"))),
          "a braided cable rated for 100 W charging.", "Length"),
    _Kind(("Backpack", "Laptop Backpack"), ACCESSORIES, (49, 149),
          (("Colour", ("Black", "Grey", "Navy", "Olive")), ("Capacity", ("20L", "30L"))),
          "a water-resistant backpack with a padded laptop sleeve.", "Capacity"),
    _Kind(("T-Shirt", "Organic T-Shirt"), TOPS, (15, 39),
          (("Size", _LETTER), ("Colour", ("Black", "White", "Navy", "Grey", "Red", "Olive"))),
          "a soft cotton tee with a relaxed fit."),
    _Kind(("Hoodie", "Zip Hoodie"), TOPS, (45, 89),
          (("Size", ("S", "M", "L", "XL", "XXL")), ("Colour", ("Black", "Grey", "Olive", "Navy"))),
          "a brushed-fleece hoodie with a kangaroo pocket."),
    _Kind(("Rain Jacket", "Puffer Jacket"), TOPS, (79, 199),
          (("Size", ("S", "M", "L", "XL")), ("Colour", ("Black", "Navy", "Red", "Green")),
           ("Fit", ("Regular", "Slim"))), "a packable jacket for wet commutes."),
    _Kind(("Jeans", "Slim Jeans"), BOTTOMS, (49, 119),
          (("Waist", ("28", "30", "32", "34", "36")), ("Length", ("30", "32", "34"))),
          "stretch denim jeans that keep their shape."),
    _Kind(("Joggers", "Sweatpants"), BOTTOMS, (35, 69),
          (("Size", ("S", "M", "L", "XL")), ("Colour", ("Black", "Grey", "Navy"))),
          "tapered joggers with zip pockets."),
    _Kind(("Sneakers", "Running Shoes"), FOOTWEAR, (69, 179),
          (("Size", ("US 7", "US 8", "US 9", "US 10", "US 11", "US 12")), ("Colour", ("White", "Black", "Grey"))),
          "lightweight shoes with a cushioned sole."),
    _Kind(("Perfume", "Eau de Parfum"), BEAUTY, (39, 129),
          (("Size", ("30ml", "50ml", "100ml")), ("Scent", ("Fresh", "Floral", "Woody", "Citrus"))),
          "a long-lasting fragrance in a refillable bottle.", "Size"),
    _Kind(("Moisturiser", "Face Cream"), BEAUTY, (15, 59),
          (("Size", ("50ml", "100ml")), ("Skin Type", ("Dry", "Normal", "Oily"))),
          "a light daily cream with SPF 30.", "Size"),
    _Kind(("Sunglasses", "Sport Sunglasses"), ACCESSORIES, (29, 159),
          (("Frame", ("Black", "Tortoise", "Gold")), ("Lens", ("Polarized", "Standard"))),
          "UV400 sunglasses with a light acetate frame."),
    _Kind(("Webcam",), ACCESSORIES, (39, 149), (("Resolution", ("1080p", "4K")), ("Mount", ("Clip", "Tripod"))),
          "a webcam with autofocus and a privacy shutter.", "Resolution"),
)  # fmt: skip

_FIRST = ("Ava", "Ben", "Chloe", "Dev", "Elena", "Finn", "Gia", "Hugo", "Ines", "Jonah", "Kira", "Liam",
          "Maya", "Nico", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara")  # fmt: skip
_LAST = ("Adams", "Baker", "Costa", "Dubois", "Evans", "Fischer", "Gupta", "Haddad", "Ito", "Jensen",
         "Kowalski", "Larsen", "Moreau", "Novak", "Osei", "Petrov")  # fmt: skip
_PLACES = (("Brooklyn", "New York"), ("Oakland", "California"), ("Madison", "Wisconsin"),
           ("Raleigh", "North Carolina"), ("Tucson", "Arizona"), ("Burlington", "Vermont"))  # fmt: skip
# status id -> weight: orders in several statuses, most of them common ones
_ORDER_STATUSES = (1, 2, 2, 2, 3, 5, 7, 9, 10, 10, 11, 11, 11, 4, 14)
_STATUS_NAMES = ("Incomplete", "Pending", "Shipped", "Partially Shipped", "Refunded", "Cancelled", "Declined",
                 "Awaiting Payment", "Awaiting Pickup", "Awaiting Shipment", "Completed", "Awaiting Fulfillment",
                 "Manual Verification Required", "Disputed", "Partially Refunded")  # fmt: skip
_SHIPPED = {2, 3, 10, 4, 14}
_CARRIERS = (
    ("ups", "UPS", "UPS Ground"),
    ("usps", "USPS", "USPS Priority Mail"),
    ("fedex", "FedEx", "FedEx Home"),
)


def _dt(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def _money(amount: float) -> str:
    return f"{amount:.4f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _Ids:
    def __init__(self) -> None:
        self.option, self.value, self.variant = (
            itertools.count(301),
            itertools.count(1001),
            itertools.count(1),
        )
        self.image, self.line, self.line_option = itertools.count(1), itertools.count(1), itertools.count(1)
        self.address, self.shipment, self.transaction = (
            itertools.count(1),
            itertools.count(1),
            itertools.count(1),
        )
        self.code = itertools.count(1)


# ------------------------------------------------------------------------------------------------ catalog


def _offered(kind: _Kind, rng: random.Random) -> tuple[Option, ...]:
    """A seeded subset of each option's values (at least two, in the kind's order), at most 30 variants."""
    chosen: list[Option] = []
    for name, values in kind.options:
        count = rng.randint(max(2, len(values) - 2), len(values))
        keep = sorted(rng.sample(range(len(values)), count))
        chosen.append((name, tuple(values[i] for i in keep)))
    while _count(chosen) > MAX_VARIANTS:  # trim the longest option until the grid fits
        longest = max(range(len(chosen)), key=lambda i: len(chosen[i][1]))
        chosen[longest] = (chosen[longest][0], chosen[longest][1][:-1])
    return tuple(chosen)


def _count(options: list[Option] | tuple[Option, ...]) -> int:
    total = 1
    for _, values in options:
        total *= len(values)
    return total


def _product(ids: _Ids, pid: int, name: str, kind: _Kind, rng: random.Random, special: str) -> Json:
    options = _offered(kind, rng)
    base = round(rng.uniform(*kind.price)) - 0.01
    sale = round(base * 0.85, 2) if rng.random() < 0.2 else 0.0
    tracking = "variant" if special not in ("product", "none") else special
    sku = f"VT-{pid:04d}"
    option_rows: list[Json] = [
        {
            "id": next(ids.option),
            "product_id": pid,
            "display_name": display,
            "name": f"{display}-{pid}",
            "type": "rectangles",
            "sort_order": sort,
            "option_values": [
                {"id": next(ids.value), "label": label, "sort_order": i, "is_default": i == 0}
                for i, label in enumerate(values)
            ],
        }
        for sort, (display, values) in enumerate(options)
    ]
    variants: list[Json] = []
    for combo in itertools.product(*(range(len(values)) for _, values in options)):
        step = sum(i for (display, _), i in zip(options, combo, strict=True) if display == kind.step)
        price = round(base * (1 + 0.2 * step), 2)
        sale_price = round(sale * (1 + 0.2 * step), 2) if sale else 0.0
        sold_out = special == "sold_out" or rng.random() < 0.18
        level = (
            0 if tracking == "variant" and sold_out else rng.randint(1, 40) if tracking == "variant" else 0
        )
        chosen = [(option_rows[i], option_rows[i]["option_values"][v]) for i, v in enumerate(combo)]
        suffix = "".join("-" + re.sub(r"[^A-Z0-9]", "", value["label"].upper()) for _, value in chosen)
        variants.append(
            {
                "id": next(ids.variant),
                "product_id": pid,
                "sku": sku + suffix,
                "price": price,
                "sale_price": sale_price,
                "retail_price": None,
                "calculated_price": sale_price or price,
                "cost_price": round(price * 0.5, 2),
                "weight": 1.0,
                "inventory_level": level,
                "inventory_warning_level": 2 if tracking == "variant" else 0,
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
    level = sum(v["inventory_level"] for v in variants) if tracking == "variant" else 0
    if tracking == "product":
        level = 0 if special == "sold_out" else rng.randint(5, 80)
    slug = _slug(name)
    image = next(ids.image)
    path = f"products/{pid}/{image}/{slug}__1.jpg?c=2"
    return {
        "id": pid,
        "name": name,
        "type": "physical",
        "sku": sku,
        "description": f"<p>The {name}: {kind.blurb}</p>",
        "price": base,
        "sale_price": sale,
        "retail_price": round(base * 1.15, 2),
        "cost_price": round(base * 0.5, 2),
        "calculated_price": sale or base,
        "is_visible": special != "hidden",
        "is_featured": rng.random() < 0.15,
        "availability": "available",
        "inventory_tracking": tracking,
        "inventory_level": level,
        "inventory_warning_level": 3,
        "categories": [c for c in (_PARENT[kind.category], kind.category) if c],
        "brand_id": 0,
        "custom_url": {"url": f"/{slug}/", "is_customized": False},
        "is_free_shipping": base >= 100,
        "weight": 1.0,
        "condition": "New",
        "search_keywords": "",
        "total_sold": rng.randint(0, 500),
        "date_created": (_dt(2024, 3, 1) + timedelta(days=pid * 3)).isoformat(),
        "date_modified": (_dt(2024, 9, 1) + timedelta(days=pid)).isoformat(),
        "base_variant_id": None,
        "variants": variants,
        "options": option_rows,
        "images": [
            {
                "id": image,
                "product_id": pid,
                "is_thumbnail": True,
                "sort_order": 0,
                "description": name,
                "url_zoom": f"{_CDN}/images/stencil/1280x1280/{path}",
                "url_standard": f"{_CDN}/images/stencil/500x659/{path}",
                "url_thumbnail": f"{_CDN}/images/stencil/100x100/{path}",
                "url_tiny": f"{_CDN}/images/stencil/50x50/{path}",
            }
        ],
        "videos": [],
        "custom_fields": [],
    }


def _catalog(rng: random.Random, ids: _Ids, count: int) -> list[Json]:
    """Every kind once under one of its names, then second names of kinds until ``count`` products."""
    picks: list[tuple[str, _Kind]] = []
    for kind in _KINDS:
        picks.append((rng.choice(kind.names), kind))
    seconds = [(name, kind) for kind in _KINDS for name in kind.names if all(name != p for p, _ in picks)]
    rng.shuffle(seconds)
    picks += seconds[: max(0, count - len(picks))]
    rng.shuffle(picks)
    specials = ["sold_out", "sold_out", "product", "product", "none", "hidden"] + [""] * len(picks)
    products = []
    for pid, ((name, kind), special) in enumerate(zip(picks, specials, strict=False), start=1):
        products.append(_product(ids, pid, name, kind, rng, special))
    return products


# --------------------------------------------------------------------------------------- people and orders


def _people(rng: random.Random) -> list[Json]:
    people, seen = [], set()
    for cid in range(1, 19):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{first}.{last}@example.org".lower()
        if email in seen:
            email = f"{first}.{last}{cid}@example.org".lower()
        seen.add(email)
        city, state = rng.choice(_PLACES)
        people.append(
            {
                "id": cid,
                "first_name": first,
                "last_name": last,
                "email": email,
                "street_1": f"{rng.randint(10, 990)} Harbor Street",
                "city": city,
                "state": state,
                "zip": f"{rng.randint(10000, 99999)}",
                "country": "United States",
                "country_iso2": "US",
                "phone": f"555-01{rng.randint(10, 99)}",
            }
        )
    return people


def _customers(people: list[Json]) -> list[Json]:
    return [
        {
            "id": p["id"],
            "email": p["email"],
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "company": "",
            "phone": p["phone"],
            "customer_group_id": 1,
            "date_created": (_dt(2024, 1, 5) + timedelta(days=p["id"] * 9)).isoformat(),
            "date_modified": (_dt(2024, 2, 5) + timedelta(days=p["id"] * 9)).isoformat(),
            "addresses": [],
        }
        for p in people
    ]


def _address(person: Json) -> Json:
    keys = ("first_name", "last_name", "street_1", "city", "state", "zip", "country", "country_iso2", "phone")
    return {**{k: person[k] for k in keys}, "company": "", "street_2": "", "email": person["email"]}


def _line(ids: _Ids, oid: int, address_id: int, product: Json, variant: Json, qty: int) -> Json:
    line_id = next(ids.line)
    price = float(variant["calculated_price"])
    tax = round(price * _TAX, 2)
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
        "base_price": _money(price),
        "price_ex_tax": _money(price),
        "price_inc_tax": _money(price + tax),
        "price_tax": _money(tax),
        "base_total": _money(price * qty),
        "total_ex_tax": _money(price * qty),
        "total_inc_tax": _money((price + tax) * qty),
        "total_tax": _money(tax * qty),
        "quantity": qty,
        "quantity_shipped": 0,
        "quantity_refunded": 0,
        "is_refunded": False,
        "product_options": [
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
        ],
        "applied_discounts": [],
    }


def _order(ids: _Ids, oid: int, status: int, person: Json, customer_id: int, lines: list[tuple[Json, Json, int]],
           when: datetime, rng: random.Random) -> Json:  # fmt: skip
    address_id = next(ids.address)
    items = [_line(ids, oid, address_id, p, v, q) for p, v, q in lines]
    subtotal = round(sum(float(i["total_ex_tax"]) for i in items), 2)
    tax = round(sum(float(i["total_tax"]) for i in items), 2)
    shipping = 0.0 if subtotal >= 100 else 7.5
    total = round(subtotal + tax + shipping, 2)
    shipped_items = items if status in _SHIPPED and status != 3 else items[:1] if status == 3 else []
    for item in shipped_items:
        item["quantity_shipped"] = item["quantity"]
    provider, display, method = _CARRIERS[oid % len(_CARRIERS)]
    shipped_at = when + timedelta(days=2, hours=rng.randint(1, 12))
    shipments = []
    if shipped_items:
        number = (
            f"1Z{rng.randint(10**13, 10**14 - 1)}"
            if provider == "ups"
            else str(rng.randint(10**11, 10**12 - 1))
        )
        shipments.append(
            {
                "id": next(ids.shipment),
                "order_id": oid,
                "customer_id": customer_id,
                "order_address_id": address_id,
                "date_created": format_datetime(shipped_at),
                "tracking_number": number,
                "shipping_provider": provider,
                "shipping_provider_display_name": display,
                "tracking_carrier": "",
                "tracking_link": "",
                "generated_tracking_link": "",
                "shipping_method": method,
                "merchant_shipping_cost": _ZERO,
                "comments": "",
                "billing_address": _address(person),
                "shipping_address": _address(person),
                "items": [
                    {"order_product_id": i["id"], "product_id": i["product_id"], "quantity": i["quantity"]}
                    for i in shipped_items
                ],
            }
        )
    count = sum(i["quantity"] for i in items)
    return {
        "id": oid,
        "customer_id": customer_id,
        "status_id": status,
        "status": _STATUS_NAMES[status],
        "custom_status": _STATUS_NAMES[status],
        "date_created": format_datetime(when),
        "date_modified": format_datetime(shipped_at if shipped_items else when + timedelta(minutes=5)),
        "date_shipped": format_datetime(shipped_at) if shipped_items else "",
        "subtotal_ex_tax": _money(subtotal),
        "subtotal_inc_tax": _money(subtotal + tax),
        "subtotal_tax": _money(tax),
        "base_shipping_cost": _money(shipping),
        "shipping_cost_ex_tax": _money(shipping),
        "shipping_cost_inc_tax": _money(shipping),
        "total_ex_tax": _money(subtotal + shipping),
        "total_inc_tax": _money(total),
        "total_tax": _money(tax),
        "refunded_amount": _money(total if status == 4 else 0.0),
        "items_total": count,
        "items_shipped": sum(i["quantity_shipped"] for i in items),
        "payment_method": "Credit Card",
        "payment_status": "captured" if status not in (1, 7) else "pending",
        "currency_code": "USD",
        "default_currency_code": "USD",
        "store_default_currency_code": "USD",
        "billing_address": {**_address(person), "form_fields": []},
        "customer_message": "",
        "products": items,
        "shipments": shipments,
        "shipping_addresses": [
            {
                "id": address_id,
                "order_id": oid,
                **_address(person),
                "items_total": count,
                "items_shipped": sum(i["quantity_shipped"] for i in items),
                "shipping_method": method,
                "base_cost": _money(shipping),
                "cost_inc_tax": _money(shipping),
            }
        ],
        "transactions": [
            {
                "id": next(ids.transaction),
                "order_id": str(oid),
                "event": "purchase",
                "method": "credit_card",
                "amount": total,
                "currency": "USD",
                "gateway": "braintree",
                "gateway_transaction_id": f"{rng.getrandbits(48):012x}",
                "status": "ok",
                "date_created": (when + timedelta(minutes=1)).isoformat(),
            }
        ],
    }


def _orders(products: list[Json], people: list[Json], rng: random.Random, ids: _Ids) -> list[Json]:
    pool = [p for p in products if p["is_visible"]]
    when = _dt(2025, 9, 1, 10)
    orders = []
    for n in range(40):
        when += timedelta(hours=rng.randint(10, 50), minutes=rng.randint(0, 59))
        status = _ORDER_STATUSES[n % len(_ORDER_STATUSES)] if n < 30 else rng.choice(_ORDER_STATUSES)
        person = people[n % len(people)] if n < len(people) else rng.choice(people)
        guest = n % 5 == 4
        picks = rng.sample(pool, k=rng.randint(2 if status == 3 else 1, 3))
        lines = [(p, rng.choice(p["variants"]), rng.choice((1, 1, 2, 3))) for p in picks]
        orders.append(
            _order(ids, FIRST_ORDER + n, status, person, 0 if guest else person["id"], lines, when, rng)
        )
    return orders


# ---------------------------------------------------------------------------------------------- marketing


def _marketing(rng: random.Random, ids: _Ids) -> tuple[list[Json], list[Json], list[Json]]:
    codes = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    gift = [
        ("VT-GIFT-" + "".join(rng.choices(codes, k=4)), 50.0, round(rng.uniform(5, 45), 2), "active", "0"),
        ("VT-GIFT-" + "".join(rng.choices(codes, k=4)), 100.0, 100.0, "active", "0"),
        ("VT-GIFT-" + "".join(rng.choices(codes, k=4)), 25.0, 25.0, "expired", "1672531200"),
    ]
    certificates = [
        {
            "id": gid,
            "code": code,
            "amount": _money(amount),
            "balance": _money(balance),
            "status": status,
            "purchase_date": "1735732800",
            "expiry_date": expiry,
            "currency_code": "USD",
            "to_name": "A friend",
            "to_email": "friend@example.net",
            "from_name": "Someone",
            "from_email": "someone@example.net",
            "message": "Enjoy!",
        }
        for gid, (code, amount, balance, status, expiry) in enumerate(gift, start=1)
    ]
    percent = rng.choice((10, 15, 20))
    coupons = [
        {"id": 1, "name": f"{percent}% off tech", "code": f"TECH{percent}", "type": "percentage_discount",
         "amount": _money(percent), "enabled": True, "num_uses": rng.randint(5, 90)},
        {"id": 2, "name": "Free shipping", "code": "SHIPFREE", "type": "free_shipping", "min_purchase": _money(50),
         "enabled": True},
        {"id": 3, "name": "Back to school 2023", "code": "SCHOOL23", "type": "per_total_discount",
         "amount": _money(20), "expires": format_datetime(_dt(2023, 9, 30, 23, 59)), "enabled": True},
    ]  # fmt: skip
    promotions = [
        {
            "id": 1,
            "name": "Free shipping over $100",
            "display_name": "Free shipping on orders over $100",
            "redemption_type": "AUTOMATIC",
            "status": "ENABLED",
            "start_date": _dt(2025, 1, 1).isoformat(),
            "end_date": None,
            "current_uses": rng.randint(100, 900),
            "max_uses": None,
            "rules": [
                {
                    "action": {"shipping": {"free_shipping": True, "zone_ids": "*"}},
                    "condition": {"cart": {"minimum_spend": "100"}},
                    "apply_once": True,
                    "stop": False,
                }
            ],
            "customer": {
                "group_ids": [],
                "excluded_group_ids": [],
                "minimum_order_count": 0,
                "segments": None,
            },
            "notifications": [],
            "stop": False,
            "can_be_used_with_other_promotions": True,
            "currency_code": "USD",
        }
    ]
    return certificates, coupons, promotions


# -------------------------------------------------------------------------------------------------- entry


def _store() -> Json:
    return {
        "id": ELECTRONICS_STORE_HASH,
        "store_id": 1005678,
        "name": "Volt & Thread",
        "domain": "volt-thread.example",
        "secure_url": "https://volt-thread.example",
        "control_panel_base_url": f"https://store-{ELECTRONICS_STORE_HASH}.mybigcommerce.com",
        "status": "live",
        "country": "United States",
        "country_code": "US",
        "admin_email": "owner@volt-thread.example",
        "order_email": "orders@volt-thread.example",
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "currency_symbol_location": "left",
        "decimal_places": 2,
        "decimal_separator": ".",
        "thousands_separator": ",",
        "timezone": {
            "name": "America/New_York",
            "raw_offset": -18000,
            "dst_offset": -14400,
            "dst_correction": True,
        },
    }


def generate_electronics_store(seed: int = 0, products: int = 50) -> dict[str, Any]:
    """The "Volt & Thread" store for ``seed``: same seed, same store."""
    if not len(_KINDS) <= products <= sum(len(k.names) for k in _KINDS):
        raise ValueError(
            f"the electronics store has {len(_KINDS)} to {sum(len(k.names) for k in _KINDS)} products"
        )
    master = random.Random(f"volt-thread-{seed}")
    catalog_rng, people_rng, order_rng, marketing_rng = (
        random.Random(master.getrandbits(64)) for _ in range(4)
    )
    ids = _Ids()
    catalog = _catalog(catalog_rng, ids, products)
    people = _people(people_rng)
    certificates, coupons, promotions = _marketing(marketing_rng, ids)
    orders = _orders(catalog, people, order_rng, ids)
    for order_id, refunds in refunds_for(orders).items():  # derived, no random draw: nothing shifts
        next(o for o in orders if o["id"] == order_id)["refunds"] = refunds
    return {
        "store": _store(),
        "categories": [
            {
                "id": cid,
                "parent_id": parent,
                "name": name,
                "sort_order": order,
                "custom_url": {"url": f"/{_slug(name)}/", "is_customized": False},
            }
            for order, (cid, parent, name) in enumerate(_CATEGORIES)
        ],
        "products": catalog,
        "customer_groups": [
            {
                "id": 1,
                "name": "Retail",
                "is_default": True,
                "is_group_for_guests": True,
                "category_access": {"type": "all"},
                "discount_rules": [],
            }
        ],
        "customers": _customers(people),
        "orders": orders,
        "gift_certificates": certificates,
        "coupons": coupons,
        "promotions": promotions,
        "pages": volt_pages(),
        "shipping_zones": volt_shipping_zones(),
        "payment_methods": volt_payment_methods(),
        "api_accounts": [{"token": ELECTRONICS_TOKEN, "scopes": list(SCOPES)}],
        "settings": {"restock_on_cancel": True, "rate_limit_quota": 150},
    }
