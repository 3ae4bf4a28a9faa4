"""Marketing tools: gift certificate balances, discount code checks and the promotions running now.

Policy enforced here, whatever the model does:

- Codes match exactly (whole code, case-insensitive, stray spaces and quotes trimmed).
- A gift certificate answer never carries its purchaser's or recipient's names, emails, message,
  customer or order id.
- Wrong codes are limited per conversation (``StorePolicy.max_wrong_gift_codes`` and
  ``max_wrong_discount_codes``). An attempt is taken *before* the store is asked and given back when the
  code exists (or the store cannot be reached), so parallel tool calls cannot overrun the limit; once it
  is spent every further check is refused without asking the store, and a person is offered.
- Wrong codes are also counted per client and per store across every conversation (``lockouts``), so
  opening new threads does not reset them.
- Promotion codes are listed only for single-code promotions and active legacy coupons, never for bulk
  promotions and never when the merchant marked them private.

Discount codes are looked up in the order of ``bigcommerce-api.md`` §11: v3 promotion codes (and the
owning promotion for its state), then v2 legacy coupons, then gift certificates.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel

from bigcommerce.types.marketing import AppliesTo, Coupon, CouponCode, GiftCertificate, Promotion

from ..persistence.records import ConversationState
from .context import Conversation, ToolContext
from .inputs import code as clean_code
from .lockouts import CodeKind, code_limits, code_locked_message, count_failure, locked_by
from .results import Offer, Status, ToolResult, ok, result, store_call

__all__ = ["check_gift_card_balance", "list_active_promotions", "lookup_discount_code", "store_codes"]

HUMAN = "A member of the store's team can help with this; I can connect you with them."
CONTACT = "Please contact the store for help with it."
T = TypeVar("T")

# ------------------------------------------------------------------------------------ attempt counting


@dataclass(frozen=True)
class _Counter:
    field: str  # the ConversationState attribute
    limit: str  # the StorePolicy attribute
    noun: str
    kind: CodeKind  # the counters across conversations


_GIFT = _Counter("wrong_gift_codes", "max_wrong_gift_codes", "gift certificate code", "gift")
_DISCOUNT = _Counter("wrong_discount_codes", "max_wrong_discount_codes", "discount code", "discount")


async def _count(ctx: ToolContext, conversation: Conversation, counter: _Counter, change: int = 0) -> int:
    """The wrong codes counted in this conversation, after adding ``change``."""
    if not change:
        return int(getattr(await ctx.conversation_state(conversation), counter.field))

    def add(state: ConversationState) -> None:  # atomic: replicas counting at once both count
        setattr(state, counter.field, max(0, int(getattr(state, counter.field)) + change))

    return int(getattr(await ctx.update_state(conversation, add), counter.field))


async def _take(ctx: ToolContext, conversation: Conversation, counter: _Counter, limit: int) -> int | None:
    """Take one attempt if fewer than ``limit`` are counted, checked and counted in one transaction (so
    parallel calls and replicas queue); the attempts left, or None when none is left."""
    taken = False

    def take(state: ConversationState) -> None:
        nonlocal taken
        counted = int(getattr(state, counter.field))
        if counted < limit:
            setattr(state, counter.field, counted + 1)
            taken = True

    counted = int(getattr(await ctx.update_state(conversation, take), counter.field))
    return limit - counted if taken else None


def _limit(ctx: ToolContext, counter: _Counter) -> int:
    return int(getattr(ctx.policy, counter.limit))


def _locked(counter: _Counter) -> ToolResult:
    message = f"For security I can't check any more {counter.noun}s in this conversation. {HUMAN}"
    return result("locked", message, offer_human=True)


def _wrong(status: Status, message: str, left: int) -> ToolResult:
    if left <= 0:
        message += f" That was the last try allowed in this conversation. {HUMAN}"
        return result(status, message, attempts_left=0, offer_human=True)
    message += f" Please check it and try again ({left} {'try' if left == 1 else 'tries'} left)."
    return result(status, message, attempts_left=left)


async def _counted(
    ctx: ToolContext,
    conversation: Conversation,
    counter: _Counter,
    code: str,
    lookup: Callable[[str], Awaitable[ToolResult | None]],
) -> ToolResult:
    """Run ``lookup`` on the cleaned code under the wrong-code limit: the attempt is taken first and given
    back when the code exists or the store cannot be asked; a malformed or unknown code keeps it."""
    limit = _limit(ctx, counter)
    if await _count(ctx, conversation, counter) >= limit:
        return _locked(counter)
    if isinstance(code, str) and not code.strip().strip("\"'`").strip():
        return result("needs_info", f"Which {counter.noun} should I check?")
    shared = code_limits(ctx, conversation, counter.kind)
    held = await locked_by(ctx, shared)
    if held is not None:
        return result("locked", code_locked_message(held), offer_human=True)
    left = await _take(ctx, conversation, counter, limit)
    if left is None:  # a parallel call took the last attempt since the check
        return _locked(counter)
    cleaned = clean_code(code)
    if cleaned is None:
        spent = await count_failure(ctx, conversation, shared)
        if spent is not None:
            return result("locked", code_locked_message(spent), offer_human=True)
        return _wrong("invalid", f"That doesn't look like a {counter.noun}.", left)
    try:
        answer = await lookup(cleaned)
    except BaseException:
        await asyncio.shield(_count(ctx, conversation, counter, -1))
        raise
    if answer is None:
        spent = await count_failure(ctx, conversation, shared)
        if spent is not None:
            return result("locked", code_locked_message(spent), offer_human=True)
        return _wrong("not_found", f"I couldn't find a {counter.noun} matching that.", left)
    await _count(ctx, conversation, counter, -1)
    return answer


# --------------------------------------------------------------------------------------- small helpers


def _aware(ctx: ToolContext, moment: datetime | None) -> datetime | None:
    """A timestamp without an offset is read in the store's timezone."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=ctx.timezone())
    return moment


def _amount(ctx: ToolContext, amount: Decimal | None, currency: str | None) -> str:
    """Money in the store's format, or ``12.50 EUR`` when it is in another currency."""
    if currency and currency.upper() != ctx.connection.money.currency.upper():
        return f"{amount or Decimal(0):.2f} {currency.upper()}"
    return ctx.money(amount)


def _positive(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def _number(value: Decimal) -> str:
    """20 from 20.0000, 12.5 from 12.50."""
    return format(value.normalize(), "f")


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


async def _find(lookup: Callable[[str], Awaitable[T | None]], code: str, lower: bool = False) -> T | None:
    """Look a code up as typed, then upper-cased (and, for gift certificates, which stores hold in any
    case, lower-cased: ``lowergc-22``): a store's exact-match filter may be case-sensitive. All of it is
    one attempt."""
    for candidate in dict.fromkeys((code, code.upper(), code.lower() if lower else code)):
        found = await lookup(candidate)
        if found is not None:
            return found
    return None


def _why_not(
    now: datetime,
    enabled: bool,
    start: datetime | None,
    end: datetime | None,
    uses: int | None,
    limit: int | None,
) -> str | None:
    """Why a code or promotion cannot be used now (None: it can). A ``limit`` of 0 or None is unlimited."""
    if not enabled:
        return "disabled"
    if end is not None and end <= now:
        return "expired"
    if start is not None and start > now:
        return "not_started"
    return "used_up" if limit and (uses or 0) >= limit else None


# ------------------------------------------------------------------------------ the store's code answers

M = TypeVar("M", bound=BaseModel)


async def _kept_one(
    ctx: ToolContext, key: str, model: type[M], load: Callable[[], Awaitable[M | None]]
) -> M | None:
    """The store's answer for one coupon or promotion (or None), through the store's code cache."""
    if ctx.codes is None:
        return await load()
    return await ctx.codes.get(
        key,
        load,
        lambda value: None if value is None else value.model_dump(mode="json"),
        lambda data: None if data is None else model.model_validate(data),
    )


async def _kept_all(
    ctx: ToolContext, key: str, model: type[M], load: Callable[[], Awaitable[list[M]]]
) -> list[M]:
    """The store's list of coupons or promotions (or a promotion's codes), through the code cache."""
    if ctx.codes is None:
        return await load()
    return await ctx.codes.get(
        key,
        load,
        lambda items: [item.model_dump(mode="json") for item in items],
        lambda data: [model.model_validate(item) for item in data],
    )


async def _all_promotions(ctx: ToolContext) -> list[Promotion]:
    """Every promotion of the store, through the code cache."""

    async def load() -> list[Promotion]:
        return [p async for p in ctx.client.promotions.iter()]

    return await _kept_all(ctx, "promotions", Promotion, load)


async def _all_coupons(ctx: ToolContext) -> list[Coupon]:
    """Every legacy coupon of the store, through the code cache."""

    async def load() -> list[Coupon]:
        return [c async for c in ctx.client.coupons.iter()]

    return await _kept_all(ctx, "coupons", Coupon, load)


async def _promotion_codes(ctx: ToolContext, ident: int) -> list[CouponCode]:
    """A promotion's codes, through the code cache."""

    async def load() -> list[CouponCode]:
        return [item async for item in ctx.client.promotions.codes(ident)]

    return await _kept_all(ctx, f"promotion-codes:{ident}", CouponCode, load)


# ------------------------------------------------------------------------------------ gift certificates


_NOT_USABLE = {  # certificate status -> (status in words, why it cannot be used)
    "pending": (
        "pending activation",
        "is pending: it hasn't been activated yet (its purchase is still being processed)",
    ),
    "disabled": ("disabled", "has been disabled by the store"),
    "expired": ("expired", "has expired"),
}


def _certificate_answer(ctx: ToolContext, certificate: GiftCertificate) -> ToolResult:
    """Balance, amounts, state and expiry; never who bought it, for whom, or what they wrote."""
    currency = certificate.currency_code or ctx.connection.money.currency
    balance = _amount(ctx, certificate.balance, currency)
    original = _amount(ctx, certificate.amount, currency)
    expiry = _aware(ctx, certificate.expiry_date)
    status = (certificate.status or "").lower()
    if status == "active" and expiry is not None and expiry <= ctx.clock():
        status = "expired"
    usable = status == "active" and (certificate.balance or 0) > 0
    if usable:
        state = "active"
        ends = f"It expires on {ctx.date(expiry)}." if expiry else "It doesn't expire."
        message = f"This gift certificate has {balance} left of its original {original}. {ends}"
    elif status == "active":
        state = "used up"
        message = f"This gift certificate has been used up: {balance} left of {original}."
    else:
        state, why = _NOT_USABLE.get(status, (status or "unknown", "can't be used at the moment"))
        if status == "expired" and expiry:
            why = f"expired on {ctx.date(expiry)}"
        message = f"This gift certificate {why}, so it can't be used. {CONTACT}"
    return ok(
        message,
        code=certificate.code,
        balance=balance,
        currency=currency,
        original_amount=original,
        certificate_status=state,
        usable=usable,
        expires=ctx.date(expiry) or "no expiry",
    )


async def _gift_certificate(ctx: ToolContext, code: str) -> ToolResult | None:
    certificate = await _find(ctx.client.gift_certificates.find_by_code, code, lower=True)
    return _certificate_answer(ctx, certificate) if certificate is not None else None


@store_call
async def check_gift_card_balance(ctx: ToolContext, conversation: Conversation, code: str) -> ToolResult:
    """The balance and state of the gift certificate with exactly this code."""
    return await _counted(ctx, conversation, _GIFT, code, lambda cleaned: _gift_certificate(ctx, cleaned))


# --------------------------------------------------------------------------------------- what a code gives


def _off(ctx: ToolContext, discount: Any) -> str | None:
    percent = _positive(_dig(discount, "percentage_amount"))
    if percent is not None:
        return f"{_number(percent)}% off"
    fixed = _positive(_dig(discount, "fixed_amount"))
    return f"{ctx.money(fixed)} off" if fixed is not None else None


def _rule_minimum(promotion: Promotion) -> Decimal | None:
    return (
        _positive(_dig(promotion.rules[0], "condition", "cart", "minimum_spend")) if promotion.rules else None
    )


def _rule_words(ctx: ToolContext, promotion: Promotion) -> str | None:
    """A plain summary of the first rule's action ("15% off your order"), when it is a simple one."""
    if not promotion.rules:
        return None
    rule = promotion.rules[0]
    action = _dig(rule, "action")
    minimum = _rule_minimum(promotion)
    over = f" orders over {ctx.money(minimum)}" if minimum else None
    if (off := _off(ctx, _dig(action, "cart_value", "discount"))) is not None:
        return off + (over or " your order")
    if (off := _off(ctx, _dig(action, "cart_items", "discount"))) is not None:
        words = f"{off} selected items"
    elif _dig(action, "shipping", "free_shipping") is True:
        words = "free shipping"
    elif _dig(action, "gift_item") is not None:
        words = "a free gift item"
    else:
        return None
    quantity = _positive(_dig(rule, "condition", "cart", "minimum_quantity"))
    if quantity is not None:
        words += f" when you buy {_number(quantity)} or more"
    return words + (f" on{over}" if over else "")


def _selected_only(applies_to: AppliesTo | None) -> bool:
    if applies_to is None or not applies_to.entity:
        return False
    return applies_to.entity == "products" or any(i != 0 for i in applies_to.ids)


def _coupon_words(ctx: ToolContext, coupon: Coupon) -> str | None:
    """ "20% off your order", "$15 off orders over $100", "$10 off each item", "free shipping", ..."""
    kind = (coupon.type or "").lower()
    amount = coupon.amount or Decimal(0)
    minimum = _positive(coupon.min_purchase)
    over = f" orders over {ctx.money(minimum)}" if minimum else None
    if kind in ("percentage_discount", "per_total_discount"):
        off = f"{_number(amount)}% off" if kind == "percentage_discount" else f"{ctx.money(amount)} off"
        words = off + (over or " your order")
    else:
        base = {
            "per_item_discount": f"{ctx.money(amount)} off each item",
            "shipping_discount": f"{ctx.money(amount)} off shipping",
            "free_shipping": "free shipping",
        }.get(kind)
        if base is None:
            return None
        words = base + (f" on{over}" if over else "")
    return words + (" (selected products only)" if _selected_only(coupon.applies_to) else "")


# -------------------------------------------------------------------------------------- discount codes

_REASONS = {
    "expired": "{code} expired on {end}, so it can't be used any more.",
    "disabled": "{code} is not active at the moment, so it can't be used.",
    "used_up": "{code} has reached its usage limit, so it can't be used any more.",
    "not_started": "{code} isn't active yet: it starts on {start}.",
}


def _discount_answer(
    ctx: ToolContext,
    code: str,
    kind: Literal["promotion", "coupon"],
    reason: str | None,
    gives: str | None,
    *,
    name: str | None = None,
    minimum: Decimal | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> ToolResult:
    if reason is None:
        ends = f"It ends on {ctx.date(end)}." if end else "It has no expiry date."
        message = f"{code} is valid: {gives or 'the discount is shown at checkout'}. {ends}"
    else:
        message = _REASONS[reason].format(code=code, start=ctx.date(start), end=ctx.date(end))
        message += " I can list the offers running now."
    return ok(
        message,
        code=code,
        kind=kind,
        valid=reason is None,
        reason=reason,
        gives=gives,
        minimum_purchase=ctx.money(minimum) if minimum else None,
        starts=ctx.date(start) if reason == "not_started" else None,
        expires=ctx.date(end) or "no expiry",
        name=name,
    )


def _promotion_reason(ctx: ToolContext, promotion: Promotion, now: datetime) -> str | None:
    enabled = (promotion.status or "").upper() == "ENABLED"
    start, end = _aware(ctx, promotion.start_date), _aware(ctx, promotion.end_date)
    return _why_not(now, enabled, start, end, promotion.current_uses, promotion.max_uses)


def _coupon_reason(ctx: ToolContext, coupon: Coupon, now: datetime) -> str | None:
    end = _aware(ctx, coupon.expires)
    return _why_not(now, coupon.enabled is not False, None, end, coupon.num_uses, coupon.max_uses)


def _promotion_answer(
    ctx: ToolContext, promotion: Promotion, code: str, item: CouponCode | None
) -> ToolResult:
    now = ctx.clock()
    reason = _promotion_reason(ctx, promotion, now)
    if reason is None and item is not None:  # the code's own limit (single-use bulk codes)
        reason = _why_not(now, True, None, None, item.current_uses, item.max_uses)
    gives = _rule_words(ctx, promotion) or promotion.display_name
    start, end = _aware(ctx, promotion.start_date), _aware(ctx, promotion.end_date)
    minimum = _rule_minimum(promotion)
    return _discount_answer(
        ctx,
        code,
        "promotion",
        reason,
        gives,
        name=promotion.display_name,
        minimum=minimum,
        start=start,
        end=end,
    )


def _coupon_answer(ctx: ToolContext, coupon: Coupon, code: str) -> ToolResult:
    reason, end = _coupon_reason(ctx, coupon, ctx.clock()), _aware(ctx, coupon.expires)
    if (coupon.type or "").lower() == "promotion":  # carries no usable amount
        return _discount_answer(ctx, code, "coupon", reason, None, end=end)
    gives, minimum = _coupon_words(ctx, coupon), _positive(coupon.min_purchase)
    return _discount_answer(ctx, code, "coupon", reason, gives, minimum=minimum, end=end)


async def _promotion_code(ctx: ToolContext, code: str) -> CouponCode | None:
    async def load() -> CouponCode | None:
        found = await ctx.client.promotions.find_codes(code)
        return found[0] if found else None

    return await _kept_one(ctx, f"promotion-code:{code}", CouponCode, load)


async def _owning_promotion(ctx: ToolContext, code: str) -> Promotion | None:
    async def load() -> Promotion | None:
        async for promotion in ctx.client.promotions.iter(code=code, limit=50):
            return promotion
        return None

    return await _kept_one(ctx, f"owning-promotion:{code}", Promotion, load)


async def _coupon(ctx: ToolContext, code: str) -> Coupon | None:
    return await _kept_one(ctx, f"coupon:{code}", Coupon, lambda: ctx.client.coupons.find_by_code(code))


async def _find_discount(ctx: ToolContext, conversation: Conversation, code: str) -> ToolResult | None:
    """The answer for a code, in the robust lookup order; None when no such code exists."""
    coupon_code = await _find(functools.partial(_promotion_code, ctx), code)
    if coupon_code is not None:
        found = coupon_code.code or code
        promotion = await _owning_promotion(ctx, found)
        if promotion is not None:
            return _promotion_answer(ctx, promotion, found, coupon_code)
    coupon = await _find(functools.partial(_coupon, ctx), code)
    if coupon is not None:
        found = coupon.code or code
        if (coupon.type or "").lower() == "promotion":
            promotion = await _owning_promotion(ctx, found)
            if promotion is not None:
                return _promotion_answer(ctx, promotion, found, None)
        return _coupon_answer(ctx, coupon, found)
    # Not asked once gift checks are locked, so this tool is no way around the gift code limit.
    if await _count(ctx, conversation, _GIFT) < _limit(ctx, _GIFT):
        certificate = await _find(ctx.client.gift_certificates.find_by_code, code)
        if certificate is not None:  # said without any of its details
            found = certificate.code or code
            message = f"{found} is a gift certificate, not a discount code: enter it as a gift certificate at checkout."
            return ok(message + " I can check its balance if you like.", code=found, kind="gift_certificate")
    return None


@store_call
async def lookup_discount_code(ctx: ToolContext, conversation: Conversation, code: str) -> ToolResult:
    """Whether a coupon or promotion code can be used now, why not, and what it gives."""
    answer = await _counted(
        ctx, conversation, _DISCOUNT, code, lambda cleaned: _find_discount(ctx, conversation, cleaned)
    )
    if answer["status"] == "not_found":
        answer["valid"] = False  # new keys: on the wire after the others, as before
        answer["reason"] = "unknown"
    return answer


# ---------------------------------------------------------------------------------- active promotions


def _redemption(promotion: Promotion) -> str:
    """automatic, single (one code, may be shown) or bulk (codes sent one per shopper, never shown)."""
    if (promotion.redemption_type or "").upper() != "COUPON":
        return "automatic"
    if promotion.coupon_type:
        return "bulk" if promotion.coupon_type.upper() == "BULK" else "single"
    return "bulk" if _dig(promotion.multiple_codes, "has_multiple_codes") is True else "single"


def _shareable(code: str | None, private: set[str]) -> bool:
    return bool(code) and (code or "").casefold() not in private


async def _shareable_code(ctx: ToolContext, promotion: Promotion, private: set[str]) -> str | None:
    """The first code of a single-code promotion that still has uses left and is not private."""
    if promotion.id is None:
        return None
    for item in await _promotion_codes(ctx, promotion.id):
        used_up = bool(item.max_uses) and (item.current_uses or 0) >= (item.max_uses or 0)
        if not used_up and _shareable(item.code, private):
            return item.code
    return None


def _compact(**entry: str | None) -> Offer:
    return cast(Offer, {key: value for key, value in entry.items() if value})


def _offer(ctx: ToolContext, promotion: Promotion, **extra: str | None) -> Offer:
    gives = _rule_words(ctx, promotion)
    name = promotion.display_name or gives
    ends = ctx.date(_aware(ctx, promotion.end_date))
    return _compact(name=name, gives=gives if gives != name else None, **extra, ends=ends)


def _coupon_listed(ctx: ToolContext, coupon: Coupon, now: datetime, private: set[str]) -> bool:
    promotion_type = (coupon.type or "").lower() == "promotion"  # listed with its promotion
    return (
        not promotion_type and _shareable(coupon.code, private) and _coupon_reason(ctx, coupon, now) is None
    )


@store_call
async def list_active_promotions(ctx: ToolContext, conversation: Conversation) -> ToolResult:
    """The promotions and coupon codes a shopper can use right now (no code at all when the merchant's
    policy says codes are not shown in promotion lists; never a private code)."""
    now = ctx.clock()
    private = {code.casefold() for code in ctx.policy.private_codes}
    show_codes = ctx.policy.show_codes_in_promotions
    every = await _all_promotions(ctx)
    running = [p for p in every if _promotion_reason(ctx, p, now) is None]
    singles = [p for p in running if _redemption(p) == "single"]
    if not show_codes:
        running = [p for p in running if _redemption(p) == "automatic"]
        singles = []
    codes = await asyncio.gather(*(_shareable_code(ctx, p, private) for p in singles))
    single_codes = {p.id: code for p, code in zip(singles, codes, strict=True)}
    offers: list[Offer] = []
    for promotion in running:
        kind = _redemption(promotion)
        if kind == "automatic":
            offers.append(_offer(ctx, promotion, how="applied automatically"))
        elif kind == "bulk":
            offers.append(_offer(ctx, promotion, how="codes are sent individually"))
        elif code := single_codes.get(promotion.id):  # else no usable, shareable code: nothing to act on
            offers.append(_offer(ctx, promotion, code=code))
    for coupon in await _all_coupons(ctx) if show_codes else []:
        if _coupon_listed(ctx, coupon, now, private):
            ends = ctx.date(_aware(ctx, coupon.expires))
            offers.append(_compact(gives=_coupon_words(ctx, coupon), code=coupon.code, ends=ends))
    if not offers:
        return ok("There are no promotions running right now.", promotions=[])
    count = "One offer is" if len(offers) == 1 else f"{len(offers)} offers are"
    return ok(f"{count} running now.", promotions=offers)


# ------------------------------------------------------------------------------- the store's own codes


async def store_codes(ctx: ToolContext) -> list[str]:
    """Every code the store has for shoppers to type: its single-code promotions' codes (bulk promotions'
    codes go one per shopper and are never matched) and its legacy coupons', private ones included. Read
    through the code cache, as the promotions list reads them; for recognising a code a shopper wrote
    without marking it ("is summer-sale still valid?"), never shown."""

    async def codes_of(promotion: Promotion) -> list[str]:
        if promotion.id is None or _redemption(promotion) != "single":
            return []
        return [c.code for c in await _promotion_codes(ctx, promotion.id) if c.code]

    every = await _all_promotions(ctx)
    found = [code for codes in await asyncio.gather(*(codes_of(p) for p in every)) for code in codes]
    found += [c.code for c in await _all_coupons(ctx) if c.code]
    return list(dict.fromkeys(found))
