"""The marketing tools against the demo store in the sandbox: gift certificate balances (states, no leaks,
the wrong-code limit), discount codes of every kind and state, and the promotions running now."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest

from agent.tools.marketing import check_gift_card_balance, list_active_promotions, lookup_discount_code
from agent.tools.results import ToolResult

from .conftest import NOW, ToolsEnv

PRIVATE_FIELDS = ("to_name", "to_email", "from_name", "from_email", "message")


def requests(env: ToolsEnv) -> int:
    return env.ctx.client.stats.requests


async def wrong_gift_codes(env: ToolsEnv) -> int:
    return (await env.ctx.conversation_state(env.conversation)).wrong_gift_codes


async def wrong_discount_codes(env: ToolsEnv) -> int:
    return (await env.ctx.conversation_state(env.conversation)).wrong_discount_codes


def promotion_by_code(env: ToolsEnv, code: str) -> dict[str, Any]:
    return next(p for p in env.store.promotions.values() if any(c["code"] == code for c in p["codes"]))


def coupon_by_code(env: ToolsEnv, code: str) -> dict[str, Any]:
    return next(c for c in env.store.coupons.values() if c["code"] == code)


def certificate_by_code(env: ToolsEnv, code: str) -> dict[str, Any]:
    return next(g for g in env.store.gift_certificates.values() if g["code"] == code)


def gym_codes(env: ToolsEnv) -> list[dict[str, Any]]:
    bulk = next(p for p in env.store.promotions.values() if p.get("coupon_type") == "BULK")
    return list(bulk["codes"])


# ------------------------------------------------------------------------------------ gift certificates


async def test_active_certificate_gives_balance_original_amount_and_no_expiry(env: ToolsEnv) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001")
    assert answer["status"] == "ok"
    assert answer["code"] == "GIFT-DEMO-0001"
    assert answer["balance"] == "$62.50"
    assert answer["original_amount"] == "$100.00"
    assert answer["currency"] == "USD"
    assert answer["certificate_status"] == "active"
    assert answer["usable"] is True
    assert answer["expires"] == "no expiry"
    assert "$62.50" in answer["message"] and "$100.00" in answer["message"]


@pytest.mark.parametrize(
    ("code", "state", "words"),
    [
        ("GIFT-DEMO-0002", "pending activation", "activated"),
        ("GIFT-DEMO-0003", "disabled", "disabled"),
        ("GIFT-DEMO-0004", "expired", "expired on December 20, 2022"),
    ],
)
async def test_unusable_certificate_says_why_and_what_to_do(
    env: ToolsEnv, code: str, state: str, words: str
) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, code)
    assert answer["status"] == "ok"
    assert answer["certificate_status"] == state
    assert answer["usable"] is False
    assert words in answer["message"]
    assert "can't be used" in answer["message"]
    assert "contact the store" in answer["message"]
    assert await wrong_gift_codes(env) == 0


async def test_expired_certificate_gives_its_expiry_date(env: ToolsEnv) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0004")
    assert answer["expires"] == "December 20, 2022"


async def test_zero_balance_certificate_is_used_up(env: ToolsEnv) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0005")
    assert answer["certificate_status"] == "used up"
    assert answer["usable"] is False
    assert answer["balance"] == "$0.00"
    assert answer["original_amount"] == "$40.00"
    assert "used up" in answer["message"]


async def test_certificate_with_expiry_date_in_the_store_timezone(env: ToolsEnv) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0006")
    assert answer["certificate_status"] == "active"
    assert answer["usable"] is True
    assert answer["balance"] == "$150.00"
    assert answer["expires"] == "May 1, 2099"
    assert "May 1, 2099" in answer["message"]


async def test_active_certificate_past_its_expiry_date_is_expired(env: ToolsEnv) -> None:
    with env.store.lock:
        certificate_by_code(env, "GIFT-DEMO-0001")["expiry_date"] = str(
            int((NOW - timedelta(days=1)).timestamp())
        )
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001")
    assert answer["certificate_status"] == "expired"
    assert answer["usable"] is False
    assert answer["expires"] == "November 24, 2026"


async def test_certificate_in_another_currency_is_not_shown_in_dollars(env: ToolsEnv) -> None:
    with env.store.lock:
        certificate_by_code(env, "GIFT-DEMO-0001")["currency_code"] = "EUR"
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001")
    assert answer["currency"] == "EUR"
    assert answer["balance"] == "62.50 EUR"
    assert "$" not in json.dumps(answer)


async def test_no_certificate_answer_leaks_purchaser_or_recipient(env: ToolsEnv) -> None:
    certificates = list(env.store.gift_certificates.values())
    assert len(certificates) >= 6
    for certificate in certificates:
        for tool in (check_gift_card_balance, lookup_discount_code):
            answer = await tool(env.ctx, env.conversation, certificate["code"])
            assert answer["status"] == "ok", answer
            text = json.dumps(answer)
            for name in PRIVATE_FIELDS:
                assert certificate[name] not in text, (name, answer)
            # "message" is every result's own reply text, checked above for the certificate's message.
            assert not {
                "customer_id",
                "order_id",
                "template",
                "to_name",
                "to_email",
                "from_name",
                "from_email",
            } & set(answer)
    assert await wrong_gift_codes(env) == 0


@pytest.mark.parametrize(
    "typed",
    ["  GIFT-DEMO-0001  ", "gift-demo-0001", " 'Gift-Demo-0001' ", '"GIFT-DEMO-0001"', "`gift-demo-0001`"],
)
async def test_stray_spaces_quotes_and_lower_case_are_forgiven(env: ToolsEnv, typed: str) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, typed)
    assert answer["status"] == "ok"
    assert answer["code"] == "GIFT-DEMO-0001"
    assert answer["balance"] == "$62.50"
    assert await wrong_gift_codes(env) == 0


@pytest.mark.parametrize("typed", ["GIFT-DEMO-000", "GIFT-DEMO-00011", "DEMO-0001", "GIFT DEMO 0001"])
async def test_only_the_whole_code_matches(env: ToolsEnv, typed: str) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, typed)
    assert answer["status"] == "not_found"
    assert "balance" not in answer
    assert await wrong_gift_codes(env) == 1


async def test_malformed_gift_code_is_invalid_and_counts(env: ToolsEnv) -> None:
    before = requests(env)
    answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT;DROP TABLE gift_certificates")
    assert answer["status"] == "invalid"
    assert answer["attempts_left"] == 4
    assert requests(env) == before  # absurd input never reaches the store
    assert await wrong_gift_codes(env) == 1


async def test_blank_gift_code_asks_for_it_without_counting(env: ToolsEnv) -> None:
    answer = await check_gift_card_balance(env.ctx, env.conversation, "  ''  ")
    assert answer["status"] == "needs_info"
    assert await wrong_gift_codes(env) == 0


async def test_exactly_five_wrong_gift_codes_then_locked(env: ToolsEnv) -> None:
    statuses = []
    for typed in ("NOPE-0001", "NOPE-0002", "NOPE-0003", "bad code!", "NOPE-0005"):
        answer = await check_gift_card_balance(env.ctx, env.conversation, typed)
        statuses.append((answer["status"], answer["attempts_left"]))
    assert statuses == [
        ("not_found", 4),
        ("not_found", 3),
        ("not_found", 2),
        ("invalid", 1),
        ("not_found", 0),
    ]
    assert answer["offer_human"] is True
    assert await wrong_gift_codes(env) == 5

    before = requests(env)
    locked = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001")  # a valid code
    assert locked["status"] == "locked"
    assert locked["offer_human"] is True
    assert "balance" not in locked and "$62.50" not in json.dumps(locked)
    assert requests(env) == before  # refused before any API request
    assert (await check_gift_card_balance(env.ctx, env.conversation, "  "))["status"] == "locked"
    assert await wrong_gift_codes(env) == 5

    other = env.new_conversation()  # the limit is per conversation
    assert (await check_gift_card_balance(env.ctx, other, "GIFT-DEMO-0001"))["status"] == "ok"


async def test_valid_gift_codes_do_not_use_up_attempts(env: ToolsEnv) -> None:
    for n in range(4):
        assert (await check_gift_card_balance(env.ctx, env.conversation, f"NOPE-{n}"))[
            "status"
        ] == "not_found"
    for _ in range(8):
        answer = await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001")
        assert answer["status"] == "ok"
    assert await wrong_gift_codes(env) == 4
    last = await check_gift_card_balance(env.ctx, env.conversation, "NOPE-9")
    assert (last["status"], last["attempts_left"]) == ("not_found", 0)
    assert (await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001"))["status"] == "locked"


async def test_parallel_wrong_gift_codes_cannot_overrun_the_limit(env: ToolsEnv) -> None:
    answers = await asyncio.gather(
        *(check_gift_card_balance(env.ctx, env.conversation, f"NOPE-{n}") for n in range(9))
    )
    statuses = [a["status"] for a in answers]
    assert statuses.count("not_found") == 5
    assert statuses.count("locked") == 4
    assert await wrong_gift_codes(env) == 5


async def test_gift_lockout_does_not_lock_discount_codes_nor_reveal_gift_codes(env: ToolsEnv) -> None:
    for n in range(5):
        await check_gift_card_balance(env.ctx, env.conversation, f"NOPE-{n}")
    assert (await lookup_discount_code(env.ctx, env.conversation, "SAVE20"))["valid"] is True
    # The discount tool is no way around the gift code limit: it no longer says the code is a certificate.
    answer = await lookup_discount_code(env.ctx, env.conversation, "GIFT-DEMO-0001")
    assert answer["status"] == "not_found"
    assert "gift" not in answer.get("kind", "")


# --------------------------------------------------------------------------------------- discount codes


@pytest.mark.parametrize(
    ("code", "gives", "minimum"),
    [
        ("SAVE20", "20% off your order", None),
        ("GLOVES10", "$10.00 off each item (selected products only)", None),
        ("TAKE15", "$15.00 off orders over $100.00", "$100.00"),
        ("SHIP5", "$5.00 off shipping on orders over $50.00", "$50.00"),
        ("FREESHIP", "free shipping on orders over $75.00", "$75.00"),
    ],
)
async def test_valid_legacy_coupons_say_what_they_give(
    env: ToolsEnv, code: str, gives: str, minimum: str | None
) -> None:
    answer = await lookup_discount_code(env.ctx, env.conversation, code)
    assert answer["status"] == "ok"
    assert answer["kind"] == "coupon"
    assert answer["valid"] is True
    assert "reason" not in answer
    assert answer["gives"] == gives
    assert answer.get("minimum_purchase") == minimum
    assert gives in answer["message"]


async def test_coupon_expiry_date_is_given(env: ToolsEnv) -> None:
    assert (await lookup_discount_code(env.ctx, env.conversation, "FREESHIP"))[
        "expires"
    ] == "December 31, 2099"
    assert (await lookup_discount_code(env.ctx, env.conversation, "SAVE20"))["expires"] == "no expiry"


@pytest.mark.parametrize(
    ("code", "kind", "reason", "words"),
    [
        ("SUMMER2023", "coupon", "expired", "expired on August 31, 2023"),
        ("CLEARANCE25", "coupon", "disabled", "not active"),
        ("FIRST50", "coupon", "used_up", "usage limit"),
        ("BLACKFRIDAY23", "promotion", "expired", "expired on November 26, 2023"),  # midnight UTC, in Chicago
        ("PARTNER15", "promotion", "disabled", "not active"),
        ("FLASH15", "promotion", "used_up", "usage limit"),
        ("NEWYEAR2100", "promotion", "not_started", "starts on December 25, 2099"),
    ],
)
async def test_unusable_codes_say_why(env: ToolsEnv, code: str, kind: str, reason: str, words: str) -> None:
    answer = await lookup_discount_code(env.ctx, env.conversation, code)
    assert answer["status"] == "ok"
    assert answer["kind"] == kind
    assert answer["valid"] is False
    assert answer["reason"] == reason
    assert words in answer["message"]
    assert await wrong_discount_codes(env) == 0


async def test_single_code_promotion_is_valid_with_its_display_name(env: ToolsEnv) -> None:
    answer = await lookup_discount_code(env.ctx, env.conversation, " spring15 ")
    assert answer["status"] == "ok"
    assert answer["code"] == "SPRING15"
    assert answer["kind"] == "promotion"
    assert answer["valid"] is True
    assert answer["name"] == "15% off your order"
    assert answer["gives"] == "15% off your order"
    assert answer["expires"] == "no expiry"


async def test_promotion_with_uses_left_by_code_but_not_by_promotion_is_used_up(env: ToolsEnv) -> None:
    with env.store.lock:
        promotion_by_code(env, "SPRING15")["max_uses"] = 96  # current_uses is 96
    answer = await lookup_discount_code(env.ctx, env.conversation, "SPRING15")
    assert (answer["valid"], answer["reason"]) == (False, "used_up")


async def test_code_whose_own_limit_is_reached_is_used_up(env: ToolsEnv) -> None:
    with env.store.lock:
        promotion_by_code(env, "SPRING15")["codes"][0]["max_uses"] = 96
    answer = await lookup_discount_code(env.ctx, env.conversation, "SPRING15")
    assert (answer["valid"], answer["reason"]) == (False, "used_up")


async def test_promotion_dates_are_compared_with_now(env: ToolsEnv) -> None:
    with env.store.lock:
        promotion_by_code(env, "SPRING15")["end_date"] = NOW.isoformat()
    assert (await lookup_discount_code(env.ctx, env.conversation, "SPRING15"))["reason"] == "expired"
    with env.store.lock:
        promotion = promotion_by_code(env, "SPRING15")
        promotion["start_date"], promotion["end_date"] = (
            NOW.isoformat(),
            (NOW + timedelta(hours=1)).isoformat(),
        )
    assert env.ctx.codes is not None
    env.ctx.codes.clear()  # the code cache's window is over (tests/tools/test_code_cache.py)
    answer = await lookup_discount_code(env.ctx, env.conversation, "SPRING15")
    assert answer["valid"] is True
    assert answer["expires"] == "November 25, 2026"
    assert "ends on November 25, 2026" in answer["message"]


async def test_dates_without_offset_are_read_in_the_store_timezone(env: ToolsEnv) -> None:
    with env.store.lock:  # 08:00 in Chicago is 14:00 UTC: still ahead of now (12:00 UTC)
        promotion_by_code(env, "SPRING15")["end_date"] = "2026-11-25T08:00:00"
    assert (await lookup_discount_code(env.ctx, env.conversation, "SPRING15"))["valid"] is True


async def test_promotion_type_coupon_is_resolved_through_its_promotion(env: ToolsEnv) -> None:
    assert coupon_by_code(env, "WELCOME10")["type"] == "promotion"
    answer = await lookup_discount_code(env.ctx, env.conversation, "welcome10")
    assert answer["kind"] == "promotion"
    assert answer["valid"] is True
    assert answer["name"] == "$10 off your first order"
    assert answer["gives"] == "$10.00 off orders over $50.00"
    assert answer["minimum_purchase"] == "$50.00"
    assert "$0.00" not in json.dumps(answer)


async def test_promotion_type_coupon_without_its_promotion_claims_no_amount(env: ToolsEnv) -> None:
    with env.store.lock:  # the v3 side no longer knows the code: only the v2 reference is left
        promotion_by_code(env, "WELCOME10")["codes"] = []
    answer = await lookup_discount_code(env.ctx, env.conversation, "WELCOME10")
    assert answer["status"] == "ok"
    assert answer["kind"] == "coupon"
    assert "gives" not in answer and "minimum_purchase" not in answer
    assert "$0.00" not in json.dumps(answer)
    assert "checkout" in answer["message"]


async def test_bulk_promotion_codes(env: ToolsEnv) -> None:
    codes = gym_codes(env)
    used = next(c["code"] for c in codes if c["current_uses"] >= c["max_uses"])
    fresh = next(c["code"] for c in codes if c["current_uses"] < c["max_uses"])
    answer = await lookup_discount_code(env.ctx, env.conversation, fresh.lower())
    assert (answer["kind"], answer["valid"], answer["code"]) == ("promotion", True, fresh)
    assert answer["name"] == "$10 off for partner gym members"
    assert answer["gives"] == "$10.00 off orders over $50.00"
    answer = await lookup_discount_code(env.ctx, env.conversation, used)
    assert (answer["valid"], answer["reason"]) == (False, "used_up")


async def test_gift_certificate_code_is_named_as_such_without_details(env: ToolsEnv) -> None:
    answer = await lookup_discount_code(env.ctx, env.conversation, "gift-demo-0001")
    assert answer["status"] == "ok"
    assert answer["kind"] == "gift_certificate"
    assert "not a discount code" in answer["message"]
    assert "$" not in json.dumps(answer)
    assert set(answer) == {"status", "message", "code", "kind"}
    assert await wrong_discount_codes(env) == 0


async def test_unknown_discount_code(env: ToolsEnv) -> None:
    answer = await lookup_discount_code(env.ctx, env.conversation, "NOSUCHCODE")
    assert answer["status"] == "not_found"
    assert (answer["valid"], answer["reason"]) == (False, "unknown")
    assert answer["attempts_left"] == 9
    assert await wrong_discount_codes(env) == 1


@pytest.mark.parametrize("typed", ["SAVE2", "SAVE200", "SAVE 20", "SPRING"])
async def test_discount_codes_match_whole(env: ToolsEnv, typed: str) -> None:
    assert (await lookup_discount_code(env.ctx, env.conversation, typed))["status"] == "not_found"


async def test_malformed_discount_code_is_invalid_and_counts(env: ToolsEnv) -> None:
    before = requests(env)
    answer = await lookup_discount_code(env.ctx, env.conversation, "SAVE20' OR 1=1 --")
    assert answer["status"] == "invalid"
    assert requests(env) == before
    assert await wrong_discount_codes(env) == 1


async def test_exactly_ten_wrong_discount_codes_then_locked(env: ToolsEnv) -> None:
    for n in range(10):
        answer = await lookup_discount_code(env.ctx, env.conversation, f"WRONG{n}")
        assert (answer["status"], answer["attempts_left"]) == ("not_found", 9 - n)
    assert answer["offer_human"] is True
    assert await wrong_discount_codes(env) == 10
    before = requests(env)
    locked = await lookup_discount_code(env.ctx, env.conversation, "SAVE20")
    assert locked["status"] == "locked"
    assert locked["offer_human"] is True
    assert "valid" not in locked and "20%" not in json.dumps(locked)
    assert requests(env) == before
    assert await wrong_discount_codes(env) == 10
    # The gift certificate limit is separate.
    assert (await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001"))["status"] == "ok"


async def test_valid_discount_codes_do_not_use_up_attempts(env: ToolsEnv) -> None:
    for code in ("SAVE20", "SUMMER2023", "SPRING15", "FLASH15", "GIFT-DEMO-0003") * 3:
        assert (await lookup_discount_code(env.ctx, env.conversation, code))["status"] == "ok"
    assert await wrong_discount_codes(env) == 0


# ---------------------------------------------------------------------------------- active promotions


async def active(env: ToolsEnv) -> tuple[ToolResult, str]:
    answer = await list_active_promotions(env.ctx, env.conversation)
    assert answer["status"] == "ok"
    return answer, json.dumps(answer)


def offer(answer: ToolResult, **match: str) -> dict[str, str] | None:
    return next((o for o in answer["promotions"] if all(o.get(k) == v for k, v in match.items())), None)


async def test_active_promotions_list_running_offers_with_their_codes(env: ToolsEnv) -> None:
    answer, _ = await active(env)
    assert offer(answer, code="SPRING15") == {"name": "15% off your order", "code": "SPRING15"}
    assert offer(answer, code="WELCOME10", name="$10 off your first order") is not None
    for code in ("SAVE20", "GLOVES10", "TAKE15", "SHIP5", "FREESHIP"):
        assert offer(answer, code=code) is not None, code
    assert offer(answer, code="SAVE20") == {"gives": "20% off your order", "code": "SAVE20"}
    assert offer(answer, code="FREESHIP", ends="December 31, 2099") is not None
    shipping = offer(answer, name="Free shipping over $150")
    assert shipping is not None and shipping["how"] == "applied automatically" and "code" not in shipping
    wraps = offer(answer, name="10% off two or more hand wraps")
    assert wraps is not None and wraps["ends"] == "December 30, 2099"  # midnight UTC on the 31st, in Chicago
    assert len(answer["promotions"]) == 10
    assert "10 offers" in answer["message"]


async def test_active_promotions_never_show_bulk_codes(env: ToolsEnv) -> None:
    answer, text = await active(env)
    bulk = offer(answer, name="$10 off for partner gym members")
    assert bulk is not None
    assert bulk["how"] == "codes are sent individually"
    assert "code" not in bulk
    assert "GYM-" not in text
    assert all(c["code"] not in text for c in gym_codes(env))


async def test_active_promotions_leave_out_everything_not_usable_now(env: ToolsEnv) -> None:
    _, text = await active(env)
    for code in (
        "SUMMER2023",
        "CLEARANCE25",
        "FIRST50",
        "BLACKFRIDAY23",
        "FLASH15",
        "PARTNER15",
        "NEWYEAR2100",
    ):
        assert code not in text, code
    for name in (
        "15% off Black Friday",  # expired
        "Free mouthguard with orders over $100",  # automatic, not started
        "Summer kettlebell savings",  # automatic, disabled
        "15% off flash sale",  # used up
        "15% off for partners",  # disabled
        "15% off to start 2100",  # not started
    ):
        assert name not in text, name
    assert text.count("WELCOME10") == 1  # the promotion-type legacy coupon is not listed twice


async def test_private_codes_are_never_listed(env: ToolsEnv) -> None:
    env.ctx.policy = dataclasses.replace(env.ctx.policy, private_codes=frozenset({"SAVE20"}))
    answer, text = await active(env)
    assert "SAVE20" not in text
    assert offer(answer, code="SPRING15") is not None
    env.ctx.policy = dataclasses.replace(env.ctx.policy, private_codes=frozenset({"spring15", "Take15"}))
    answer, text = await active(env)
    assert "SPRING15" not in text and "TAKE15" not in text
    assert offer(answer, code="SAVE20") is not None


async def test_single_code_promotion_whose_code_is_used_up_is_left_out(env: ToolsEnv) -> None:
    with env.store.lock:
        promotion_by_code(env, "SPRING15")["codes"][0]["max_uses"] = 96
    answer, text = await active(env)
    assert "SPRING15" not in text
    assert offer(answer, name="15% off your order") is None


async def test_active_promotions_respect_the_date_window(env: ToolsEnv) -> None:
    with env.store.lock:
        spring = promotion_by_code(env, "SPRING15")
        spring["start_date"], spring["end_date"] = NOW.isoformat(), (NOW + timedelta(days=2)).isoformat()
        promotion_by_code(env, "WELCOME10")["end_date"] = NOW.isoformat()  # ends now: over
    answer, _ = await active(env)
    assert offer(answer, code="SPRING15") == {
        "name": "15% off your order",
        "code": "SPRING15",
        "ends": "November 27, 2026",
    }
    assert offer(answer, name="$10 off your first order") is None


async def test_no_running_offers(env: ToolsEnv) -> None:
    with env.store.lock:
        for promotion in env.store.promotions.values():
            promotion["status"] = "DISABLED"
        for coupon in env.store.coupons.values():
            coupon["enabled"] = False
    answer, _ = await active(env)
    assert answer["promotions"] == []
    assert "no promotions" in answer["message"]


# ------------------------------------------------------------------------------------------ store down


async def test_unreachable_store_is_unavailable_and_costs_no_attempt(env: ToolsEnv) -> None:
    env.sandbox.faults.update({"error_rate": 1.0})
    for answer in (
        await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001"),
        await check_gift_card_balance(env.ctx, env.conversation, "NOPE-0001"),
        await lookup_discount_code(env.ctx, env.conversation, "SAVE20"),
        await lookup_discount_code(env.ctx, env.conversation, "NOSUCHCODE"),
        await list_active_promotions(env.ctx, env.conversation),
    ):
        assert answer["status"] == "unavailable"
        assert answer["message"]
    assert (await wrong_gift_codes(env), await wrong_discount_codes(env)) == (0, 0)
    env.sandbox.faults.update({"error_rate": 0.0})
    assert (await check_gift_card_balance(env.ctx, env.conversation, "GIFT-DEMO-0001"))["status"] == "ok"


async def test_gift_codes_are_tried_as_typed_upper_and_lower_in_one_lookup() -> None:
    from agent.tools.marketing import _find

    tried: list[str] = []

    async def lookup(candidate: str) -> str | None:
        tried.append(candidate)
        return "found" if candidate == "lowergc-22" else None

    assert await _find(lookup, "LowerGC-22", lower=True) == "found"
    assert tried == ["LowerGC-22", "LOWERGC-22", "lowergc-22"]
    tried.clear()
    assert await _find(lookup, "LowerGC-22") is None  # discount codes: as typed and upper only
    assert tried == ["LowerGC-22", "LOWERGC-22"]
