"""Sandbox routes for where and how a store ships, and how shoppers pay: v2 shipping zones and their
methods (``shipping.v2.yml``) and the v2 payment methods (``methods_payments.v2.yml``).

v2 conventions: bare arrays, 204 with an empty body for an empty list, ``[{status, message}]`` errors.
Zones and methods are not paged (the spec has no paging parameters); payment methods are, and are
sorted by name as the spec says.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from .formats import json_response, no_content
from .routing import not_found, store_of, v2_list, v2_query

router = APIRouter()
V2 = "/stores/{store_hash}/v2"
ZONES = V2 + "/shipping/zones"


def render_zone(zone: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in zone.items() if key != "methods"}


def _zone(request: Request, zone_id: int) -> dict[str, Any]:
    zone = store_of(request).shipping_zones.get(zone_id)
    if zone is None:
        raise not_found("v2")
    return zone


def _all(items: list[dict[str, Any]]) -> Response:
    return json_response(items) if items else no_content()


@router.get(ZONES)
async def list_zones(request: Request) -> Response:
    zones = sorted(store_of(request).shipping_zones.values(), key=lambda z: z["id"])
    return _all([render_zone(zone) for zone in zones])


@router.get(ZONES + "/{zone_id:int}")
async def get_zone(request: Request, zone_id: int) -> Response:
    return json_response(render_zone(_zone(request, zone_id)))


@router.get(ZONES + "/{zone_id:int}/methods")
async def list_methods(request: Request, zone_id: int) -> Response:
    return _all(sorted(_zone(request, zone_id)["methods"], key=lambda m: m["id"]))


@router.get(ZONES + "/{zone_id:int}/methods/{method_id:int}")
async def get_method(request: Request, zone_id: int, method_id: int) -> Response:
    for method in _zone(request, zone_id)["methods"]:
        if method["id"] == method_id:
            return json_response(method)
    raise not_found("v2")


@router.get(V2 + "/payments/methods")
async def list_payment_methods(request: Request) -> Response:
    methods = sorted(store_of(request).payment_methods, key=lambda m: (m["name"].lower(), m["code"]))
    return v2_list(methods, v2_query(request))
