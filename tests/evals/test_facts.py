"""The eval's own count of unbacked facts, independent of the guard."""

from __future__ import annotations

import json

from evals.facts import unbacked_facts

EVIDENCE = json.dumps(
    {
        "status": "ok",
        "order": {
            "order_id": 12345,
            "status": "Shipped",
            "total": "$95.98",
            "shipments": [{"tracking_number": "1Z999AA10123456784"}],
        },
    }
)


def test_backed_replies_count_nothing() -> None:
    assert (
        unbacked_facts("Order #12345 is Shipped. Total: $95.98. Tracking 1Z999AA10123456784.", EVIDENCE) == []
    )
    assert unbacked_facts("Hi! I can help with orders that haven't shipped yet.", "") == []


def test_invented_facts_are_counted() -> None:
    found = unbacked_facts(
        "Your order 777777 was delivered. Call 555-123-4567, see www.example.net, 50% off, $12.00.", EVIDENCE
    )
    assert {"777777", "delivered", "555-123-4567", "www.example.net", "50%", "$12.00"} <= set(found)


def test_the_shopper_may_be_echoed() -> None:
    assert (
        unbacked_facts("I couldn't find order 55555 for sam@example.com.", "", "order 55555 sam@example.com")
        == []
    )


def test_a_denied_status_is_no_claim() -> None:
    assert (
        unbacked_facts("Okay, I have not cancelled order #12364. It stays as it is.", '{"order_id": 12364}')
        == []
    )
