"""Console sessions in the browser: the cookie, the CSRF check, and who is signed in.

The cookie holds only a random session id (``ConsoleState`` keeps its digest). Over https it is
``Secure; SameSite=None`` so it travels inside the control panel's iframe; over plain http (a console on
loopback) browsers refuse that pair, so it is ``SameSite=Lax``. Every form carries the session's CSRF token
and every POST is refused without it (``check_csrf``): a page on another site cannot act for the merchant.
"""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.responses import Response

from ..persistence.console import ConsoleSession, ConsoleState

COOKIE = "bcagent_console"


def set_session_cookie(response: Response, request: Request, session_id: str, max_age: int) -> None:
    secure = request.url.scheme == "https"
    response.set_cookie(
        COOKIE,
        session_id,
        max_age=max_age,
        path="/admin",
        httponly=True,
        secure=secure,
        samesite="none" if secure else "lax",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/admin")


async def current_session(request: Request, state: ConsoleState) -> ConsoleSession | None:
    session_id = request.cookies.get(COOKIE)
    if not session_id or len(session_id) > 100:
        return None
    return await state.session(session_id)


def check_csrf(session: ConsoleSession, submitted: object) -> bool:
    return isinstance(submitted, str) and hmac.compare_digest(session.csrf.encode(), submitted.encode())
