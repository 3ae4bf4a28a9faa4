"""Registering the store's webhooks for catalog freshness, listing them, and removing the ones we made.

``register`` creates one hook per scope in :data:`HOOK_SCOPES` delivering to the given URL with the
store's webhook secret in the :data:`SECRET_HEADER` custom header (a new random secret the first
time, kept owner-only beside the access token); hooks made by an earlier ``register`` are replaced.
``remove`` deletes the hooks ``register`` made (the ids are in connection.json) and forgets the secret.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from bigcommerce import AsyncBigCommerce, BigCommerceError, NotFoundError, UnprocessableEntityError
from bigcommerce.types.hooks import Hook

from .connections import Connection, ConnectionProblem, ConnectionStore, Secret
from .hook_scopes import HOOK_SCOPES, SECRET_HEADER


@dataclass(frozen=True)
class Registration:
    hooks: list[Hook]
    removed: int


def _client(connections: ConnectionStore, connection: Connection) -> AsyncBigCommerce:
    token = connections.token(connection.store_hash)
    return AsyncBigCommerce(connection.store_hash, token.reveal(), base_url=connection.api_url)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectionProblem(
            f"{url!r} is not a URL: pass --url https://<public host>/webhooks/bigcommerce."
        )
    return url.strip()


async def _delete_ours(client: AsyncBigCommerce, connection: Connection) -> int:
    removed = 0
    for hook_id in connection.webhook_ids:
        try:
            await client.hooks.delete(hook_id)
            removed += 1
        except NotFoundError:
            pass  # already gone (deleted in the control panel, or by BigCommerce)
    return removed


async def register(connections: ConnectionStore, store_hash: str, url: str) -> Registration:
    connection = connections.load(store_hash)
    url = check_url(url)
    secret = connections.webhook_secret(store_hash) or Secret(secrets.token_urlsafe(32))
    connections.save_webhook_secret(store_hash, secret)
    created: list[Hook] = []
    async with _client(connections, connection) as client:
        try:
            removed = await _delete_ours(client, connection)
            connection.webhook_ids = []
            for scope in HOOK_SCOPES:
                hook = await client.hooks.create(scope, url, headers={SECRET_HEADER: secret.reveal()})
                created.append(hook)
                connection.webhook_ids.append(int(hook.id or 0))
        except UnprocessableEntityError as exc:
            raise ConnectionProblem(
                f"BigCommerce refused the hook ({exc.api_message}). It delivers only to https on port 443: "
                "put `bcagent serve` behind a TLS reverse proxy and pass its public https URL."
            ) from None
        except BigCommerceError as exc:
            raise ConnectionProblem(f"{exc} Nothing else was changed; run the command again.") from None
        finally:
            connection.webhook_url = url if connection.webhook_ids else ""
            connection.webhooks_registered_at = time.time() if connection.webhook_ids else 0.0
            connections.update(connection)
    return Registration(created, removed)


async def list_hooks(connections: ConnectionStore, store_hash: str) -> tuple[Connection, list[Hook]]:
    connection = connections.load(store_hash)
    async with _client(connections, connection) as client:
        try:
            return connection, await client.hooks.list()
        except BigCommerceError as exc:
            raise ConnectionProblem(str(exc)) from None


async def remove(connections: ConnectionStore, store_hash: str) -> int:
    """Delete the hooks ``register`` made and forget the secret; how many were deleted."""
    connection = connections.load(store_hash)
    async with _client(connections, connection) as client:
        try:
            removed = await _delete_ours(client, connection)
        except BigCommerceError as exc:
            raise ConnectionProblem(
                f"{exc} The hooks {', '.join(map(str, connection.webhook_ids))} are still registered; run "
                "`bcagent webhooks remove` again."
            ) from None
    connection.webhook_ids = []
    connection.webhook_url = ""
    connection.webhooks_registered_at = 0.0
    connections.update(connection)
    connections.save_webhook_secret(store_hash, None)
    return removed
