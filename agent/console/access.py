"""What every console page checks before it acts: a session of the page's store (else the same 404 as
for a store that does not exist), a form sent from that session (CSRF), and the sign-in limits; and the
tool table several pages show. Shared by the set-up, connect, policy and inbox modules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..persistence.console import ConsoleSession
from ..store.capabilities import evaluate
from ..store.connections import Connection, ConnectionStore
from ..store.live import effective_connection
from .context import ConsoleContext, console_of
from .sessions import check_csrf, current_session
from .views import render

ACCOUNT_FAILURES = 10  # failed sign-ins per account ...
CLIENT_FAILURES = 50  # ... and per client address ...
SIGN_IN_WINDOW = timedelta(minutes=15)  # ... in this window; then refused until it passes


class Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _not_found() -> Response:
    return render("problem.html", 404, heading="Not found", message="There is no such page for you here.",
                  link="/admin", link_text="Back to the console")  # fmt: skip


async def _signed_in(request: Request, store_hash: str) -> tuple[ConsoleContext, ConsoleSession, Connection]:
    console = console_of(request)
    session = await current_session(request, console.state)
    if session is None:
        raise Refusal(RedirectResponse("/admin/sign-in", status_code=303))
    connections = ConnectionStore(console.settings.home)
    if session.store_hash != store_hash or store_hash not in connections.hashes():
        raise Refusal(_not_found())
    connection, _ = await effective_connection(console.settings, connections.load(store_hash))
    return console, session, connection  # with the merchant's live settings (tool switches, details)


async def _form(request: Request, session: ConsoleSession) -> dict[str, str]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if not check_csrf(session, values.get("csrf")):
        raise Refusal(
            render("problem.html", 403, heading="Form expired",
                   message="This form was not sent from your console session. Reload the page and try again.")
        )  # fmt: skip
    return values


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _tools(connection: Connection) -> list[dict[str, Any]]:
    rows = []
    for capability in evaluate(connection.scopes, connection.disabled_tools):
        requirement = capability.requirement
        rows.append(
            {
                "name": requirement.name,
                "description": requirement.description,
                "is_tool": requirement.is_tool,
                "enabled": capability.enabled,
                "reason": capability.reason,
                "switchable": requirement.is_tool
                and (capability.enabled or requirement.name in connection.disabled_tools),
                "disabled_by_merchant": requirement.name in connection.disabled_tools,
            }
        )
    return rows
