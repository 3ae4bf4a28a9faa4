"""Resource classes: one per API area, reached as attributes of the client (``client.orders``, ...)."""

from .catalog import Categories, Products
from .content import PageFilters, Pages
from .customers import CustomerGroups, Customers
from .hooks import Hooks
from .marketing import Coupons, GiftCertificates, Promotions
from .orders import OrderFilters, Orders, OrderStatuses
from .refunds import Refunds
from .shipping import PaymentMethods, ShippingZones
from .store import StoreResource

__all__ = [
    "Categories",
    "Coupons",
    "CustomerGroups",
    "Customers",
    "GiftCertificates",
    "Hooks",
    "OrderFilters",
    "OrderStatuses",
    "Orders",
    "PageFilters",
    "Pages",
    "PaymentMethods",
    "Products",
    "Promotions",
    "Refunds",
    "ShippingZones",
    "StoreResource",
]
