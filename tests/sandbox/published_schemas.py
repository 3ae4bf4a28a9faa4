"""What BigCommerce's published OpenAPI files say the sandbox's operations answer, restated by hand.

Source: the ``reference/`` folder of github.com/bigcommerce/docs (snapshot 24f580ca, 2026-04-01):
``store_information.v2.yml``, ``orders.v2.oas2.yml``, ``orders.v3.yml``, ``catalog/*.v3.yml``,
``customers.v2.yml``, ``customers.v3.yml``, ``marketing.v2.yml``, ``promotions.v3.yml``, ``pages.v3.yml``,
``shipping.v2.yml``, ``payments/methods_payments.v2.yml``. Those files
carry no licence, so nothing is copied: this module records, per operation and status, the required
fields of the answer and the JSON type (with nullability and enums) of the fields the sandbox sends,
in the small vocabulary of :mod:`tests.sandbox.jsontypes`.

Where a file contradicts itself, the published examples win (see FIXTURES.md, "Published schemas").
Error statuses a file does not document for an operation use the error body the same file documents
elsewhere (v2: the ``[{status, message}]`` array; v3: the ``{status, title, type}`` envelope), and an
empty v2 list is a 204 (documented for shipments only; bigcommerce-api.md section 4). ``None`` stands
for an empty body.
"""

from __future__ import annotations

from tests.sandbox.jsontypes import (
    ANY,
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    JsonType,
    array,
    either,
    enum,
    nullable,
    obj,
)

Operation = tuple[str, str]  # (method, path template after /stores/{store_hash})

# ---- envelopes and errors -------------------------------------------------------------------------------

V2_ERROR = array(obj({"status": INTEGER, "message": STRING}))
V3_ERROR = obj(
    {"status": INTEGER, "title": STRING, "type": STRING},
    {"instance": STRING, "errors": obj(), "detail": STRING, "code": INTEGER},
)
# promotions.v3.yml documents its 404 and 422 as a list of errors (its only field, so taken as required)
PROMOTIONS_ERROR = obj({"errors": array(obj({}, {"status": INTEGER, "title": STRING}))})
# category-trees_catalog.v3.yml: 422 nests the v3 envelope (with its ``errors`` details) under ``errors``
TREES_422 = obj(
    {"errors": obj({"status": INTEGER, "title": STRING, "type": STRING, "errors": obj()})},
    {"meta": obj({}, {"total": INTEGER, "success": INTEGER, "failed": INTEGER})},
)

LINKS = obj({}, {"previous": STRING, "current": STRING, "next": STRING})
PAGINATION = obj(
    {},
    {
        "total": INTEGER,
        "count": INTEGER,
        "per_page": INTEGER,
        "current_page": INTEGER,
        "total_pages": INTEGER,
        "links": LINKS,
    },
)
CURSOR_PAGINATION = obj(
    {"count": INTEGER, "per_page": INTEGER, "links": LINKS}, {"start_cursor": STRING, "end_cursor": STRING}
)
LIST_META = obj({}, {"pagination": PAGINATION, "cursor_pagination": CURSOR_PAGINATION})


def v3_list(item: JsonType) -> JsonType:
    return obj({}, {"data": array(item), "meta": LIST_META})


def v3_one(item: JsonType) -> JsonType:
    return obj({}, {"data": item, "meta": obj()})


MONEY_V2 = STRING  # v2 amounts are strings ("62.6793")
COUNT_INT = obj({}, {"count": INTEGER})
COUNT_NUMBER = obj({}, {"count": NUMBER})
LINK = obj({}, {"url": STRING, "resource": STRING})

# ---- store information (store_information.v2.yml) -------------------------------------------------------

STORE = obj(
    {},
    {
        **dict.fromkeys(
            (
                "id", "domain", "secure_url", "control_panel_base_url", "status", "name", "address",
                "country", "country_code", "phone", "admin_email", "order_email", "language", "currency",
                "currency_symbol", "decimal_separator", "thousands_separator", "currency_symbol_location",
                "weight_units", "dimension_units", "plan_name", "plan_level", "infrastructure_region",
            ),
            STRING,
        ),
        "timezone": obj(
            {},
            {
                "name": STRING,
                "raw_offset": INTEGER,
                "dst_offset": INTEGER,
                "dst_correction": BOOLEAN,
                "date_format": obj({}, dict.fromkeys(("display", "export", "extended_display"), STRING)),
            },
        ),
        "decimal_places": INTEGER,
        "plan_is_trial": BOOLEAN,
        "logo": either(obj({}, {"url": STRING}), array()),  # an object, or an empty array
        "is_price_entered_with_tax": BOOLEAN,
        "store_id": INTEGER,
        "default_channel_id": INTEGER,
        "default_site_id": INTEGER,
        "features": obj(
            {},
            {
                "stencil_enabled": BOOLEAN,
                "checkout_type": enum("optimized", "single", "single_customizable", "klarna"),
                "multi_storefront_enabled": BOOLEAN,
                "storefront_limits": obj({}, {"active": INTEGER, "total_including_inactive": INTEGER}),
            },
        ),
    },
)  # fmt: skip
TIME = obj({}, {"time": INTEGER})

# ---- orders v2 (orders.v2.oas2.yml) ----------------------------------------------------------------------

ADDRESS_FIELDS = (
    "first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip", "country",
    "country_iso2", "phone", "email",
)  # fmt: skip
FORM_FIELD = obj({}, {"name": STRING, "value": either(STRING, NUMBER, array())})
BILLING_ADDRESS = obj(  # zip is the one required field of an order's (and a shipment's) billing address
    {"zip": STRING}, {**dict.fromkeys(ADDRESS_FIELDS, STRING), "form_fields": array(FORM_FIELD)}
)
SHIPMENT_ADDRESS = obj({}, dict.fromkeys(ADDRESS_FIELDS, STRING))
PAYMENT_STATUS = enum(
    "authorized", "captured", "capture pending", "declined", "held for review", "paid",
    "partially refunded", "pending", "refunded", "void", "void pending", "",
)  # fmt: skip
ORDER_MONEY = (
    "subtotal_ex_tax", "subtotal_inc_tax", "subtotal_tax", "base_shipping_cost", "shipping_cost_ex_tax",
    "shipping_cost_inc_tax", "shipping_cost_tax", "base_handling_cost", "handling_cost_ex_tax",
    "handling_cost_inc_tax", "handling_cost_tax", "base_wrapping_cost", "wrapping_cost_ex_tax",
    "wrapping_cost_inc_tax", "wrapping_cost_tax", "total_ex_tax", "total_inc_tax", "total_tax",
    "refunded_amount", "store_credit_amount", "gift_certificate_amount", "discount_amount",
    "coupon_discount",
)  # fmt: skip
ORDER_TEXT = (
    "date_created", "date_modified", "date_shipped", "status", "custom_status", "cart_id", "payment_method",
    "currency_code", "currency_exchange_rate", "default_currency_code", "store_default_currency_code",
    "store_default_to_transactional_exchange_rate", "order_source", "staff_notes", "customer_message",
    "ip_address", "ip_address_v6", "geoip_country", "geoip_country_iso2", "customer_locale",
    "external_order_id", "tax_provider_id", "ebay_order_id",
)  # fmt: skip
FEE = obj(
    {},
    {
        "id": INTEGER,
        "type": enum("custom_fee"),
        "display_name_customer": STRING,
        "display_name_merchant": STRING,
        "source": STRING,
        **dict.fromkeys(("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax"), either(STRING, NUMBER)),
        "tax_class_id": nullable(INTEGER),
    },
)
ORDER = obj(
    {},
    {
        **dict.fromkeys(ORDER_MONEY, MONEY_V2),
        **dict.fromkeys(ORDER_TEXT, STRING),
        **dict.fromkeys(("id", "status_id", "channel_id", "currency_id", "default_currency_id"), INTEGER),
        **dict.fromkeys(("customer_id", "items_total", "items_shipped", "shipping_address_count"), NUMBER),
        **dict.fromkeys(
            ("is_deleted", "order_is_digital", "is_email_opt_in", "is_tax_inclusive_pricing"), BOOLEAN
        ),
        **dict.fromkeys(("external_id", "external_source", "external_merchant_id"), nullable(STRING)),
        "payment_status": PAYMENT_STATUS,
        "payment_provider_id": either(STRING, NUMBER),  # the examples send ""
        "billing_address": BILLING_ADDRESS,
        "products": LINK,
        "shipping_addresses": LINK,
        "coupons": LINK,
        "consignments": either(LINK, obj()),  # the object: ORDER_WITH_CONSIGNMENTS below
        "fees": either(LINK, array(FEE)),
    },
)
LINE_ITEM_OPTION = obj(
    {},
    {
        **dict.fromkeys(("id", "option_id", "order_product_id", "product_option_id"), INTEGER),
        **dict.fromkeys(
            (
                "display_name", "display_value", "value", "name", "display_style", "display_name_customer",
                "display_name_merchant", "display_value_customer", "display_value_merchant",
            ),
            STRING,
        ),
        "type": enum(
            "Checkbox", "Date field", "File Upload", "Multi-line text field", "Multiple choice",
            "Product Pick List", "Swatch", "Text field",
        ),
    },
)  # fmt: skip
LINE_ITEM = obj(  # the line-item schema forbids fields it does not list
    {},
    {
        **dict.fromkeys(
            ("id", "order_id", "product_id", "variant_id", "order_address_id", "order_pickup_method_id",
             "quantity", "wrapping_id"),
            INTEGER,
        ),
        **dict.fromkeys(
            ("base_price", "price_ex_tax", "price_inc_tax", "price_tax", "base_total", "total_ex_tax",
             "total_inc_tax", "total_tax", "base_cost_price", "cost_price_inc_tax", "cost_price_ex_tax",
             "cost_price_tax", "refund_amount", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax",
             "wrapping_cost_tax", "fixed_shipping_cost", "discounted_total_inc_tax"),
            MONEY_V2,
        ),
        **dict.fromkeys(
            ("name", "name_customer", "name_merchant", "sku", "upc", "brand", "width", "height", "depth",
             "wrapping_message", "ebay_item_id", "ebay_transaction_id", "bin_picking_number"),
            STRING,
        ),
        **dict.fromkeys(("quantity_refunded", "quantity_shipped", "return_id"), NUMBER),
        **dict.fromkeys(
            ("wrapping_name", "event_name", "event_date", "external_id"), nullable(STRING)
        ),
        **dict.fromkeys(
            ("option_set_id", "parent_order_product_id", "gift_certificate_id"), nullable(INTEGER)
        ),
        "type": enum("physical", "digital", "giftcertificate"),
        "weight": either(NUMBER, STRING),
        "base_wrapping_cost": either(STRING, NUMBER),
        "is_refunded": BOOLEAN,
        "is_bundled_product": BOOLEAN,
        "applied_discounts": array(
            obj(
                {},
                {
                    "id": STRING,
                    "amount": STRING,
                    "name": STRING,
                    "code": nullable(STRING),
                    "target": enum("order", "product"),
                },
            )
        ),
        "product_options": array(LINE_ITEM_OPTION),
        "configurable_fields": array(obj({}, {"name": STRING, "value": STRING})),
    },
    closed=True,
)  # fmt: skip
SHIPPING_CONSIGNMENT = obj(  # orders.v2 shippingConsignment_Get
    {},
    {
        "id": INTEGER,
        **dict.fromkeys(ADDRESS_FIELDS, STRING),
        "form_fields": array(FORM_FIELD),
        "line_items": either(array(LINE_ITEM), array(LINK)),
        **dict.fromkeys(("items_total", "items_shipped"), NUMBER),
        "shipping_method": STRING,
    },
)
CONSIGNMENTS = obj(  # orderConsignment_Get, consignment_structure=object
    {"pickups": array(), "shipping": array(SHIPPING_CONSIGNMENT), "downloads": array()},
    {"email": obj({}, {"gift_certificates": array()})},
)
SHIPMENT = obj(
    {},
    {
        **dict.fromkeys(("id", "order_id", "customer_id", "order_address_id"), INTEGER),
        **dict.fromkeys(
            (
                "date_created", "tracking_number", "merchant_shipping_cost", "shipping_method",
                "shipping_provider", "tracking_carrier", "tracking_link", "comments",
                "shipping_provider_display_name", "generated_tracking_link",
            ),
            STRING,
        ),
        "billing_address": BILLING_ADDRESS,
        "shipping_address": SHIPMENT_ADDRESS,
        "items": array(obj({}, dict.fromkeys(("order_product_id", "product_id", "quantity"), INTEGER))),
    },
)  # fmt: skip
SHIPPING_ADDRESS = obj(
    {},
    {
        **dict.fromkeys(ADDRESS_FIELDS, STRING),
        **dict.fromkeys(("id", "order_id", "cost_tax_class_id", "handling_cost_tax_class_id"), INTEGER),
        **dict.fromkeys(("items_total", "items_shipped", "shipping_zone_id"), NUMBER),
        **dict.fromkeys(
            (
                "base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
                "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax",
            ),
            MONEY_V2,
        ),
        "shipping_zone_name": STRING,
        "shipping_method": STRING,
        "form_fields": array(FORM_FIELD),
        "shipping_quotes": LINK,
    },
)  # fmt: skip
ORDER_COUPON = obj(
    {},
    {
        "id": INTEGER,
        "coupon_id": INTEGER,
        "order_id": INTEGER,
        "code": nullable(STRING),
        "amount": either(STRING, NUMBER),
        "type": enum(0, 1, 2, 3, 4, 5),
        "discount": NUMBER,
    },
)
STATUS_TEXT = dict.fromkeys(("name", "system_label", "custom_label", "system_description"), STRING)
ORDER_STATUS = obj({}, {"id": INTEGER, **STATUS_TEXT, "order": INTEGER})  # "order": in the examples
ORDERS_COUNT = obj(
    {},
    {
        "statuses": array(obj({}, {"id": INTEGER, **STATUS_TEXT, "count": INTEGER, "sort_order": INTEGER})),
        "count": NUMBER,
    },
)

# ---- order transactions (orders.v3.yml) ------------------------------------------------------------------

GATEWAYS = (
    "2checkout", "adyen", "amazon", "authorizenet", "bankdeposit", "braintree", "cheque", "cod", "custom",
    "firstdatagge4", "giftcertificate", "hps", "instore", "klarna", "migs", "moneyorder", "nmi",
    "paypalexpress", "paypalpaymentsprous", "paypalpaymentsprouk", "plugnpay", "qbmsv2", "securenet",
    "square", "storecredit", "stripe", "testgateway", "usaepay",
)  # fmt: skip
TRANSACTION = obj(
    {
        "event": enum("purchase", "authorization", "capture", "refund", "void", "pending", "settled"),
        "method": enum(
            "credit_card", "electronic_wallet", "gift_certificate", "store_credit", "apple_pay_card",
            "bigpay_token", "apple_pay_token", "token", "custom", "offsite", "offline", "nonce",
        ),
        "amount": NUMBER,
        "currency": STRING,
        "gateway": enum(*GATEWAYS),
    },
    {
        "id": INTEGER,
        "order_id": STRING,
        "date_created": STRING,
        "gateway_transaction_id": STRING,
        "payment_method_id": STRING,
        "test": BOOLEAN,
        "status": enum("ok", "error"),
        "fraud_review": BOOLEAN,
        "reference_transaction_id": INTEGER,
        "offline": nullable(obj({}, {"display_name": STRING})),
        "custom": nullable(obj({}, {"payment_method": STRING})),
        "avs_result": obj({}, dict.fromkeys(("code", "message", "street_match", "postal_match"), STRING)),
        "cvv_result": obj({}, {"code": STRING, "message": STRING}),
        "credit_card": obj(
            {},
            {
                "card_type": STRING,
                "card_iin": STRING,
                "card_last4": STRING,
                "card_expiry_month": INTEGER,
                "card_expiry_year": INTEGER,
            },
        ),
        "gift_certificate": nullable(
            obj(
                {},
                {
                    "code": STRING,
                    **dict.fromkeys(("original_balance", "starting_balance", "remaining_balance"), NUMBER),
                    "status": enum("active", "pending", "disabled", "expired"),
                },
            )
        ),
        "store_credit": nullable(obj({}, {"remaining_balance": NUMBER})),
        **dict.fromkeys(
            ("payment_instrument_token", "provider_instrument_token", "provider_customer_id"), nullable(STRING)
        ),
    },
)  # fmt: skip

# ---- catalog (catalog/products, product-variants, categories, category-trees) -------------------------------

CUSTOM_URL = obj({}, {"url": STRING, "is_customized": BOOLEAN, "create_redirect": BOOLEAN})
IMAGE = obj(
    {},
    {
        "id": INTEGER,
        "product_id": INTEGER,
        "is_thumbnail": BOOLEAN,
        "sort_order": INTEGER,
        **dict.fromkeys(
            ("description", "image_url", "image_file", "url_zoom", "url_standard", "url_thumbnail",
             "url_tiny", "date_modified"),
            STRING,
        ),
    },
)  # fmt: skip
VIDEO = obj(
    {},
    {
        "id": INTEGER,
        "product_id": INTEGER,
        "type": enum("youtube"),
        "video_id": STRING,
        "title": STRING,
        "description": STRING,
        "sort_order": INTEGER,
        "length": STRING,
    },
)
CUSTOM_FIELD = obj({"name": STRING, "value": STRING}, {"id": INTEGER})
OPTION = obj(
    {},
    {
        "id": nullable(INTEGER),
        "product_id": INTEGER,
        "display_name": STRING,
        "type": enum(
            "radio_buttons", "rectangles", "dropdown", "product_list", "product_list_with_images", "swatch"
        ),
        "config": obj(),
        "sort_order": INTEGER,
        "option_values": array(
            obj(
                {"label": STRING, "sort_order": INTEGER},
                {"id": INTEGER, "is_default": BOOLEAN, "value_data": nullable(obj())},
            )
        ),
    },
)
VARIANT = obj(
    {},
    {
        **dict.fromkeys(
            ("cost_price", "price", "sale_price", "retail_price", "weight", "width", "height", "depth",
             "fixed_cost_shipping_price"),
            nullable(NUMBER),
        ),
        **dict.fromkeys(("upc", "bin_picking_number", "mpn", "gtin"), nullable(STRING)),
        **dict.fromkeys(("inventory_level", "inventory_warning_level", "sku_id"), nullable(INTEGER)),
        "id": INTEGER,
        "product_id": INTEGER,
        "sku": STRING,
        "is_free_shipping": BOOLEAN,
        "purchasing_disabled": BOOLEAN,
        "purchasing_disabled_message": STRING,
        "image_url": STRING,
        "calculated_price": NUMBER,
        "calculated_weight": NUMBER,
        "option_values": array(
            obj({}, {"id": INTEGER, "label": STRING, "option_id": INTEGER, "option_display_name": STRING})
        ),
    },
)  # fmt: skip
PRODUCT = obj(
    {},
    {
        **dict.fromkeys(
            ("name", "sku", "description", "product_tax_code", "warranty", "bin_picking_number", "layout_file",
             "upc", "search_keywords", "availability_description", "page_title", "meta_description",
             "preorder_message", "price_hidden_label", "open_graph_title", "open_graph_description", "gtin",
             "mpn", "date_last_imported", "date_created", "date_modified", "option_set_display"),
            STRING,
        ),
        **dict.fromkeys(
            ("weight", "width", "depth", "height", "price", "cost_price", "retail_price", "sale_price",
             "map_price", "tax_class_id", "fixed_cost_shipping_price", "calculated_price"),
            NUMBER,
        ),
        **dict.fromkeys(
            ("id", "brand_id", "inventory_level", "inventory_warning_level", "sort_order",
             "order_quantity_minimum", "order_quantity_maximum", "view_count", "reviews_rating_sum",
             "reviews_count", "total_sold", "option_set_id", "base_variant_id"),
            INTEGER,
        ),
        **dict.fromkeys(
            ("is_free_shipping", "is_visible", "is_featured", "is_condition_shown", "is_preorder_only",
             "is_price_hidden", "open_graph_use_meta_description", "open_graph_use_product_name",
             "open_graph_use_image"),
            BOOLEAN,
        ),
        "type": enum("physical", "digital"),
        "inventory_tracking": enum("none", "product", "variant"),
        "availability": enum("available", "disabled", "preorder"),
        "condition": enum("New", "Used", "Refurbished"),
        "gift_wrapping_options_type": enum("any", "none", "list"),
        "open_graph_type": enum(
            "product", "album", "book", "drink", "food", "game", "movie", "song", "tv_show"
        ),
        "preorder_release_date": nullable(STRING),
        "categories": array(NUMBER),
        "related_products": array(INTEGER),
        "gift_wrapping_options_list": array(INTEGER),
        "meta_keywords": array(STRING),
        "custom_url": CUSTOM_URL,
        "custom_fields": array(CUSTOM_FIELD),
        "bulk_pricing_rules": array(
            obj({"id": INTEGER, "quantity_min": INTEGER, "quantity_max": INTEGER, "type": STRING, "amount": ANY})
        ),
        "images": array(IMAGE),
        "primary_image": IMAGE,
        "videos": array(VIDEO),
        "parent_relations": array(obj()),
        "options": array(OPTION),
        "modifiers": array(obj({"type": STRING, "required": BOOLEAN})),
        "channels": array(INTEGER),
        "variants": array(VARIANT),  # include=variants; not in the product schema, shaped as the variants'
    },
)  # fmt: skip
SORTS = enum(
    "use_store_settings", "featured", "newest", "best_selling", "alpha_asc", "alpha_desc",
    "avg_customer_review", "price_asc", "price_desc",
)  # fmt: skip
CATEGORY_FIELDS = {
    **dict.fromkeys(
        (
            "name",
            "description",
            "page_title",
            "meta_description",
            "layout_file",
            "image_url",
            "search_keywords",
        ),
        STRING,
    ),
    "parent_id": INTEGER,
    "views": INTEGER,
    "sort_order": INTEGER,
    "meta_keywords": array(STRING),
    "is_visible": BOOLEAN,
    "default_product_sort": SORTS,
}
CATEGORY = obj({}, {**CATEGORY_FIELDS, "id": INTEGER, "custom_url": CUSTOM_URL})
TREE_CATEGORY = obj(
    {},
    {
        **CATEGORY_FIELDS,
        "category_id": INTEGER,
        "category_uuid": STRING,
        "tree_id": INTEGER,
        "url": obj({}, {"path": STRING, "is_customized": BOOLEAN}),
    },
)
TREE = obj({}, {"id": INTEGER, "name": STRING, "channels": array(INTEGER)})

# ---- customers (customers.v2.yml groups, customers.v3.yml) ------------------------------------------------

CUSTOMER_GROUP = obj(
    {},
    {
        "id": INTEGER,
        "name": STRING,
        "is_default": BOOLEAN,
        "is_group_for_guests": BOOLEAN,
        "date_created": STRING,
        "date_modified": STRING,
        "category_access": obj({}, {"type": enum("all", "specific", "none"), "categories": array(INTEGER)}),
        "discount_rules": array(
            obj(
                {},
                {
                    "type": enum("price_list", "all", "category", "product"),
                    "method": enum("percent", "fixed", "price"),
                    "amount": STRING,
                    "price_list_id": INTEGER,
                    "category_id": INTEGER,
                    "product_id": INTEGER,
                },
            )
        ),
    },
)
CUSTOMER_ADDRESS = obj(
    {
        **dict.fromkeys(
            (
                "first_name",
                "last_name",
                "address1",
                "city",
                "state_or_province",
                "postal_code",
                "country_code",
            ),
            STRING,
        ),
        "customer_id": INTEGER,
        "id": INTEGER,
    },
    {
        **dict.fromkeys(("company", "address2", "phone", "country"), STRING),
        "address_type": enum("residential", "commercial"),
        "form_fields": array(),
    },
)
CUSTOMER = obj(
    {},
    {
        **dict.fromkeys(
            ("email", "first_name", "last_name", "company", "phone", "registration_ip_address", "notes",
             "tax_exempt_category", "date_modified", "date_created"),
            STRING,
        ),
        **dict.fromkeys(
            ("customer_group_id", "id", "address_count", "attribute_count", "origin_channel_id"), INTEGER
        ),
        "authentication": obj({}, {"force_password_reset": BOOLEAN}),
        "addresses": array(CUSTOMER_ADDRESS),
        "attributes": array(obj()),
        "form_fields": array(obj({"name": STRING, "value": either(STRING, NUMBER, array()), "customer_id": INTEGER})),
        "store_credit_amounts": array(obj({}, {"amount": NUMBER})),
        "accepts_product_review_abandoned_cart_emails": BOOLEAN,
        "channel_ids": array(INTEGER),  # an array; the examples list ids
    },
)  # fmt: skip

# ---- marketing v2 (marketing.v2.yml) -----------------------------------------------------------------------

GIFT_CERTIFICATE = obj(
    dict.fromkeys(("to_name", "to_email", "from_name", "from_email", "amount"), STRING),
    {
        **dict.fromkeys(("id", "customer_id", "order_id"), INTEGER),
        **dict.fromkeys(("balance", "purchase_date", "expiry_date", "message", "code", "currency_code"), STRING),
        "template": enum(
            "birthday.html", "girl.html", "boy.html", "celebration.html", "christmas.html", "general.html"
        ),
        "status": enum("active", "pending", "disabled", "expired"),
    },
)  # fmt: skip
COUPON = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "type": enum(
            "per_item_discount", "per_total_discount", "shipping_discount", "free_shipping",
            "percentage_discount", "promotion",
        ),
        "amount": STRING,
        "code": STRING,
        "applies_to": obj({}, {"ids": array(INTEGER), "entity": STRING}),
    },
    {
        **dict.fromkeys(("date_created", "min_purchase", "expires"), STRING),
        **dict.fromkeys(("num_uses", "max_uses", "max_uses_per_customer"), INTEGER),
        "enabled": BOOLEAN,
        "restricted_to": obj({}, {"countries": STRING}),  # an object; the examples send {} for none
        "shipping_methods": array(STRING),  # an array; the examples send [] for none
    },
)  # fmt: skip

# ---- promotions (promotions.v3.yml) --------------------------------------------------------------------------

DISCOUNT = either(obj({"fixed_amount": STRING}), obj({"percentage_amount": STRING}))
ACTION = obj(
    {},
    {
        "cart_value": obj({"discount": DISCOUNT}, {"maximum_allowed_discount_amount": nullable(STRING)}),
        "cart_items": obj(
            {"discount": DISCOUNT},
            {
                "maximum_allowed_discount_amount": nullable(STRING),
                "as_total": BOOLEAN,
                "items": obj(),
                "quantity": INTEGER,
            },
        ),
        "gift_item": obj({"quantity": INTEGER}, {"product_id": INTEGER, "variant_id": INTEGER}),
        "fixed_price_set": obj({"quantity": INTEGER, "fixed_price": STRING}, {"items": obj()}),
        "shipping": obj({"zone_ids": either(enum("*"), array(INTEGER))}, {"free_shipping": BOOLEAN}),
    },
)
CART_CONDITION = obj({}, {"items": obj(), "minimum_spend": STRING, "minimum_quantity": INTEGER})
RULE = obj(
    {"action": ACTION},
    {
        "apply_once": BOOLEAN,
        "stop": BOOLEAN,
        "condition": obj({}, {"cart": CART_CONDITION, "and": array(obj({}, {"cart": CART_CONDITION}))}),
    },
)
SAVED_PROMOTION_REQUIRED = {
    "id": INTEGER,
    "name": STRING,
    "channels": array(obj({"id": INTEGER})),
    "created_from": enum("react_ui", "legacy_ui", "api"),
    "customer": obj(
        {},
        {
            "group_ids": array(INTEGER),
            "excluded_group_ids": array(INTEGER),
            "minimum_order_count": INTEGER,
            "segments": obj(),
        },
    ),
    "rules": array(RULE),
    "notifications": array(
        obj(
            {
                "content": STRING,
                "type": enum("UPSELL", "ELIGIBLE", "APPLIED"),
                "locations": array(STRING),
            }
        )
    ),
    "stop": BOOLEAN,
    "currency_code": STRING,
    "current_uses": INTEGER,
    "start_date": STRING,
    "status": enum("ENABLED", "DISABLED", "INVALID"),
    "can_be_used_with_other_promotions": BOOLEAN,
}
SAVED_PROMOTION_OPTIONAL = {
    "display_name": STRING,
    "max_uses": INTEGER,
    "end_date": STRING,  # typed a string; see FIXTURES.md for a promotion that never ends
    "shipping_address": obj(),
    "schedule": obj(
        {
            "week_frequency": INTEGER,
            "week_days": array(
                enum("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
            ),
            "daily_start_time": STRING,
            "daily_end_time": STRING,
        }
    ),
}
COUPON_CODE = obj(
    {"id": INTEGER, "code": STRING, "current_uses": INTEGER, "created": STRING},
    {"max_uses": INTEGER, "max_uses_per_customer": INTEGER},
)
AUTOMATIC_PROMOTION = obj(
    {**SAVED_PROMOTION_REQUIRED, "redemption_type": enum("AUTOMATIC")}, SAVED_PROMOTION_OPTIONAL
)
COUPON_PROMOTION = obj(
    {
        **SAVED_PROMOTION_REQUIRED,
        "redemption_type": enum("COUPON"),
        "coupon_overrides_other_promotions": BOOLEAN,
        "coupon_type": enum("SINGLE", "BULK"),
    },
    {
        **SAVED_PROMOTION_OPTIONAL,
        "coupon_overrides_automatic_when_offering_higher_discounts": BOOLEAN,
        "multiple_codes": obj({}, {"has_multiple_codes": BOOLEAN}),
        "codes": COUPON_CODE,
    },
)
PROMOTION = either(AUTOMATIC_PROMOTION, COUPON_PROMOTION)
PROMOTIONS = obj({"data": array(PROMOTION), "meta": LIST_META})
PROMOTION_ONE = obj({"data": PROMOTION, "meta": obj()})

# ---- content pages (pages.v3.yml) ------------------------------------------------------------------------

PAGE_TYPES = ("page", "raw", "contact_form", "link", "blog")
PAGE_FIELDS = {
    **dict.fromkeys(("id", "channel_id", "parent_id", "sort_order"), INTEGER),
    **dict.fromkeys(("is_visible", "is_homepage", "is_customers_only"), BOOLEAN),
    **dict.fromkeys(("meta_title", "meta_keywords", "meta_description", "search_keywords"), nullable(STRING)),
    **dict.fromkeys(("url", "email", "contact_fields", "content_type"), STRING),
    "body": nullable(STRING),  # raw pages document body as required; their example (no include) omits it
}
LINK_PAGE = obj({"name": STRING, "type": enum("link"), "link": STRING}, PAGE_FIELDS)
OTHER_PAGE = obj({"name": STRING, "type": enum(*(t for t in PAGE_TYPES if t != "link"))}, PAGE_FIELDS)
PAGE = either(LINK_PAGE, OTHER_PAGE)
PAGES_BRIEF_ERROR = obj({"status": INTEGER}, {"title": STRING, "type": STRING})
PAGES_DETAILED_ERROR = obj({"status": INTEGER}, {"title": STRING, "type": STRING, "detail": STRING})
PAGES_ITEMIZED_ERROR = obj({"status": INTEGER}, {"title": STRING, "type": STRING, "errors": array(STRING)})

# ---- shipping (shipping.v2.yml) and payment methods (payments/methods_payments.v2.yml) ---------------------

ZONE_HANDLING = either(
    obj({}, {"fixed_surcharge": STRING, "display_separately": BOOLEAN}),
    obj({}, {"percentage_surcharge": STRING, "display_separately": BOOLEAN}),
)
SHIPPING_ZONE = obj(
    {"name": STRING},
    {
        "id": INTEGER,
        "type": enum("zip", "country", "state", "global"),
        "locations": array(
            obj({}, {"id": INTEGER, **dict.fromkeys(("zip", "country_iso2", "state_iso2"), STRING)})
        ),
        "free_shipping": obj(
            {},
            {"enabled": BOOLEAN, "minimum_sub_total": STRING, "exclude_fixed_shipping_products": BOOLEAN},
        ),
        "handling_fees": ZONE_HANDLING,
        "enabled": BOOLEAN,
    },
)
SHIPPING_METHOD = obj(
    {},
    {
        "id": INTEGER,
        "name": STRING,
        "type": enum(
            "perorder", "peritem", "weight", "total", "auspost", "canadapost", "endicia", "usps", "fedex",
            "royalmail", "upsready", "freeshipping",
        ),
        "settings": obj({}, {"rate": NUMBER}),
        "enabled": BOOLEAN,
        # typed numbers; every example sends strings ("0")
        "handling_fees": obj({}, dict.fromkeys(("fixed_surcharge", "percentage_surcharge"), either(NUMBER, STRING))),
        "is_fallback": BOOLEAN,
        "channel_ids": array(INTEGER),
    },
)  # fmt: skip
PAYMENT_METHOD = obj({}, {"code": STRING, "name": STRING, "test_mode": BOOLEAN})

# ---- refunds (orders.v3.yml, Payment Actions) --------------------------------------------------------------

REFUND_ITEM = obj(
    {},
    {
        "item_type": enum("PRODUCT", "GIFT_WRAPPING", "SHIPPING", "HANDLING", "ORDER", "FEE"),
        "item_id": INTEGER,
        "reason": STRING,
        "quantity": INTEGER,
        "adjustments": array(obj({}, {"amount": NUMBER, "description": STRING})),
        "requested_amount": nullable(NUMBER),  # typed a number; the example sends null
    },
)
REFUND_PAYMENT = obj(
    {},
    {
        "id": INTEGER,
        "provider_id": STRING,
        "amount": NUMBER,
        "offline": BOOLEAN,
        "is_declined": BOOLEAN,
        "declined_message": STRING,
        "transaction_id": STRING,
    },
)
REFUND = obj(
    {},
    {
        **dict.fromkeys(("id", "order_id", "user_id"), INTEGER),
        "created": STRING,
        "reason": STRING,
        "total_amount": NUMBER,
        "total_tax": NUMBER,
        "uses_merchant_override_values": BOOLEAN,
        "items": array(REFUND_ITEM),
        "payments": array(REFUND_PAYMENT),
    },
)
REFUNDS = obj({}, {"data": array(REFUND), "meta": obj()})  # meta: an open object (metaEmpty_Full)
REFUND_ONE = obj({}, {"data": REFUND, "meta": obj()})

# ---- the table ---------------------------------------------------------------------------------------------

V2, V3 = "/v2", "/v3"
# scripts.v3.yml (script_Full = script_Base + name, uuid, dates). Its consent_category enum omits
# ``unknown``, which its description names as the default for a script created without one.
SCRIPT = obj(
    {},
    {
        "uuid": STRING,
        "name": STRING,
        "description": STRING,
        "html": STRING,
        "src": STRING,
        "auto_uninstall": BOOLEAN,
        "load_method": enum("default", "async", "defer"),
        "location": enum("head", "footer"),
        "visibility": enum("storefront", "all_pages", "checkout", "order_confirmation"),
        "kind": enum("src", "script_tag"),
        "api_client_id": STRING,
        "consent_category": enum("essential", "functional", "analytics", "targeting", "unknown"),
        "enabled": BOOLEAN,
        "channel_id": INTEGER,
        "integrity_hashes": array(STRING),
        "date_created": STRING,
        "date_modified": STRING,
    },
)

RESPONSES: dict[Operation, dict[int, JsonType | None]] = {
    ("GET", V2 + "/store"): {200: STORE},
    ("GET", V2 + "/time"): {200: TIME},
    ("GET", V2 + "/orders"): {200: array(ORDER), 204: None, 400: V2_ERROR},
    ("GET", V2 + "/orders/count"): {200: ORDERS_COUNT, 400: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}"): {200: ORDER, 404: V2_ERROR},
    ("PUT", V2 + "/orders/{order_id}"): {200: ORDER, 400: V2_ERROR, 404: V2_ERROR, 415: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/products"): {200: array(LINE_ITEM), 404: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/products/{product_id}"): {200: LINE_ITEM, 404: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/shipments"): {200: array(SHIPMENT), 204: None, 404: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/shipments/count"): {200: COUNT_NUMBER, 404: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/shipments/{shipment_id}"): {200: SHIPMENT, 404: V2_ERROR},
    ("GET", V2 + "/orders/{order_id}/shipping_addresses"): {
        200: array(SHIPPING_ADDRESS),
        204: None,
        404: V2_ERROR,
    },
    ("GET", V2 + "/orders/{order_id}/shipping_addresses/{id}"): {200: SHIPPING_ADDRESS, 404: V2_ERROR},
    ("PUT", V2 + "/orders/{order_id}/shipping_addresses/{id}"): {
        200: SHIPPING_ADDRESS,
        400: V2_ERROR,
        404: V2_ERROR,
        415: V2_ERROR,
    },
    ("GET", V2 + "/orders/{order_id}/coupons"): {200: array(ORDER_COUPON), 204: None, 404: V2_ERROR},
    ("GET", V2 + "/order_statuses"): {200: array(ORDER_STATUS)},
    ("GET", V2 + "/order_statuses/{status_id}"): {200: ORDER_STATUS, 404: V2_ERROR},
    ("GET", V3 + "/orders/{order_id}/transactions"): {200: v3_list(TRANSACTION), 204: None, 404: V3_ERROR},
    ("GET", V3 + "/orders/{order_id}/payment_actions/refunds"): {200: REFUNDS, 404: V3_ERROR},
    ("GET", V3 + "/orders/payment_actions/refunds"): {200: v3_list(REFUND), 422: V3_ERROR},
    ("GET", V3 + "/orders/payment_actions/refunds/{refund_id}"): {200: REFUND_ONE, 404: V3_ERROR},
    ("GET", V3 + "/content/pages"): {
        200: v3_list(PAGE),
        400: PAGES_DETAILED_ERROR,
        422: PAGES_ITEMIZED_ERROR,
    },
    ("GET", V3 + "/content/pages/{pageId}"): {
        200: v3_one(PAGE),
        404: PAGES_BRIEF_ERROR,
        422: PAGES_ITEMIZED_ERROR,
    },
    ("GET", V3 + "/content/scripts"): {200: v3_list(SCRIPT)},
    ("POST", V3 + "/content/scripts"): {200: v3_one(SCRIPT), 422: V3_ERROR},
    ("GET", V3 + "/content/scripts/{uuid}"): {404: V3_ERROR},
    ("PUT", V3 + "/content/scripts/{uuid}"): {404: V3_ERROR},
    ("DELETE", V3 + "/content/scripts/{uuid}"): {404: V3_ERROR},
    ("GET", V2 + "/shipping/zones"): {200: array(SHIPPING_ZONE), 204: None},
    ("GET", V2 + "/shipping/zones/{id}"): {200: SHIPPING_ZONE, 404: V2_ERROR},
    ("GET", V2 + "/shipping/zones/{zone_id}/methods"): {
        200: array(SHIPPING_METHOD),
        204: None,
        404: V2_ERROR,
    },
    ("GET", V2 + "/shipping/zones/{zone_id}/methods/{method_id}"): {200: SHIPPING_METHOD, 404: V2_ERROR},
    ("GET", V2 + "/payments/methods"): {200: array(PAYMENT_METHOD), 204: None},
    ("GET", V3 + "/catalog/products"): {200: v3_list(PRODUCT), 413: V3_ERROR, 422: V3_ERROR},
    ("GET", V3 + "/catalog/products/{product_id}"): {200: v3_one(PRODUCT), 404: V3_ERROR, 422: V3_ERROR},
    ("GET", V3 + "/catalog/products/{product_id}/variants"): {200: v3_list(VARIANT), 404: V3_ERROR},
    ("GET", V3 + "/catalog/products/{product_id}/variants/{variant_id}"): {
        200: v3_one(VARIANT),
        404: V3_ERROR,
    },
    ("GET", V3 + "/catalog/products/{product_id}/images"): {200: v3_list(IMAGE), 204: None, 404: V3_ERROR},
    ("GET", V3 + "/catalog/products/{product_id}/custom-fields"): {
        200: v3_list(CUSTOM_FIELD),
        404: V3_ERROR,
    },
    ("GET", V3 + "/catalog/products/{product_id}/videos"): {200: v3_list(VIDEO), 404: V3_ERROR},
    ("GET", V3 + "/catalog/variants"): {200: v3_list(VARIANT), 422: V3_ERROR},
    ("GET", V3 + "/catalog/categories"): {200: v3_list(CATEGORY), 422: V3_ERROR},
    ("GET", V3 + "/catalog/categories/{category_id}"): {200: v3_one(CATEGORY), 404: V3_ERROR},
    ("GET", V3 + "/catalog/trees/categories"): {200: v3_list(TREE_CATEGORY), 422: TREES_422},
    ("GET", V3 + "/catalog/trees"): {200: v3_list(TREE), 422: TREES_422},
    ("GET", V2 + "/customer_groups"): {200: array(CUSTOMER_GROUP), 204: None, 400: V2_ERROR},
    ("GET", V2 + "/customer_groups/count"): {200: COUNT_NUMBER},
    ("GET", V2 + "/customer_groups/{customer_group_id}"): {200: CUSTOMER_GROUP, 404: V2_ERROR},
    ("GET", V3 + "/customers"): {200: v3_list(CUSTOMER), 422: V3_ERROR},
    ("GET", V2 + "/gift_certificates"): {200: array(GIFT_CERTIFICATE), 204: None, 400: V2_ERROR},
    ("GET", V2 + "/gift_certificates/{id}"): {200: GIFT_CERTIFICATE, 404: V2_ERROR},
    ("GET", V2 + "/coupons"): {200: array(COUPON), 204: None, 400: V2_ERROR},
    ("GET", V2 + "/coupons/count"): {200: COUNT_INT},
    ("GET", V3 + "/promotions"): {200: PROMOTIONS, 413: PROMOTIONS_ERROR, 422: PROMOTIONS_ERROR},
    ("GET", V3 + "/promotions/{id}"): {200: PROMOTION_ONE, 404: PROMOTIONS_ERROR},
    ("GET", V3 + "/promotions/{promotion_id}/codes"): {200: v3_list(COUPON_CODE), 404: PROMOTIONS_ERROR},
    ("GET", V3 + "/promotions/codes"): {200: v3_list(COUPON_CODE), 422: PROMOTIONS_ERROR},
}

# Answers of the gateway in front of every operation (bigcommerce-api.md section 2): the v3 envelope.
GATEWAY_ERRORS: dict[int, JsonType] = {401: V3_ERROR, 403: V3_ERROR, 429: V3_ERROR}
