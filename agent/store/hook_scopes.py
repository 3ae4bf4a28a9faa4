"""The webhook scopes `bcagent webhooks register` creates, and the header that carries their secret.

A module of constants only, so the CLI's parser (its `--help`) can name them without loading the
catalog follower. Catalog hooks keep the index and the catalog mirror fresh; order and shipment hooks
drop the orders a conversation keeps (see :mod:`agent.tools.order_cache`).
"""

from __future__ import annotations

SECRET_HEADER = "X-Bcagent-Webhook-Secret"
CATALOG_HOOK_SCOPES = ("store/product/*", "store/sku/*", "store/category/*")
ORDER_HOOK_SCOPES = ("store/order/*", "store/shipment/*")
HOOK_SCOPES = CATALOG_HOOK_SCOPES + ORDER_HOOK_SCOPES

__all__ = ["CATALOG_HOOK_SCOPES", "HOOK_SCOPES", "ORDER_HOOK_SCOPES", "SECRET_HEADER"]
