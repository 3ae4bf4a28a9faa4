"""Connected stores on disk: one folder per store hash under the data directory.

    $BCAGENT_HOME/stores/<hash>/connection.json   what was detected and decided (no secrets)
    $BCAGENT_HOME/stores/<hash>/credentials.json  the access token and the webhook secret, readable by
                                                  its owner only (0600)
    $BCAGENT_HOME/stores/<hash>/storefront_app.json  the app client id and secret that sign the storefront's
                                                  Current Customer JWTs (optional; 0600)

Every write is atomic (temporary file + rename), so a crash never leaves half a connection behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bigcommerce.money import MoneyFormat


class Secret:
    """A string that never shows itself in a repr, a str, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class StorefrontApp:
    """The app API account whose client secret signs the storefront's Current Customer JWTs."""

    client_id: str
    client_secret: Secret

    def __repr__(self) -> str:
        return f"StorefrontApp(client_id={self.client_id!r}, client_secret=Secret('********'))"


class ConnectionProblem(Exception):
    """A connection problem a person can fix: the message says what and how."""


@dataclass
class Connection:
    """What `bcagent connect` found out about a store, plus the merchant's switches."""

    store_hash: str
    api_url: str
    name: str = ""
    secure_url: str = ""
    domain: str = ""
    money: MoneyFormat = field(default_factory=MoneyFormat)
    timezone: str = "Etc/UTC"
    scopes: dict[str, str] = field(default_factory=dict)  # family -> "modify" | "read" | "none"
    disabled_tools: list[str] = field(default_factory=list)
    connected_at: str = ""
    webhook_url: str = ""  # where `bcagent webhooks register` pointed the store's hooks
    webhook_ids: list[int] = field(default_factory=list)  # the hooks it created
    # when it created them (seconds since the epoch; 0: before this was kept): a mirrored product written
    # before then may have missed a change no hook reported (agent/tools/mirror.py)
    webhooks_registered_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Connection:
        money = MoneyFormat(**data.pop("money", {}))
        known = {name for name in cls.__dataclass_fields__}
        return cls(money=money, **{k: v for k, v in data.items() if k in known})


def _write_atomic(path: Path, payload: dict[str, Any], mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ConnectionStore:
    """Reads and writes the connected stores of one data directory."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.root = home / "stores"

    def folder(self, store_hash: str) -> Path:
        return self.root / store_hash

    def hashes(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "connection.json").is_file())

    def save(self, connection: Connection, token: Secret) -> None:
        """Credentials first, then the connection: a store is listed only once both are on disk."""
        folder = self.folder(connection.store_hash)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        credentials = {**self._credentials(connection.store_hash), "access_token": token.reveal()}
        _write_atomic(folder / "credentials.json", credentials, mode=0o600)
        _write_atomic(folder / "connection.json", connection.to_json())

    def _credentials(self, store_hash: str) -> dict[str, Any]:
        try:
            data = json.loads((self.folder(store_hash) / "credentials.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_webhook_secret(self, store_hash: str, secret: Secret | None) -> None:
        """Keep (or, with None, forget) the secret the store's hooks send, beside the access token."""
        credentials = self._credentials(store_hash)
        if not credentials:
            raise ConnectionProblem(f"Store {store_hash!r} is not connected: connect it first.")
        credentials.pop("webhook_secret", None)
        if secret is not None:
            credentials["webhook_secret"] = secret.reveal()
        _write_atomic(self.folder(store_hash) / "credentials.json", credentials, mode=0o600)

    def webhook_secret(self, store_hash: str) -> Secret | None:
        value = self._credentials(store_hash).get("webhook_secret")
        return Secret(value) if isinstance(value, str) and value else None

    def update(self, connection: Connection) -> None:
        _write_atomic(self.folder(connection.store_hash) / "connection.json", connection.to_json())

    def load(self, store_hash: str) -> Connection:
        path = self.folder(store_hash) / "connection.json"
        try:
            return Connection.from_json(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ConnectionProblem(
                f"Store {store_hash!r} is not connected. Run `bcagent connect --store-hash HASH --token TOKEN`."
            ) from None

    def token(self, store_hash: str) -> Secret:
        path = self.folder(store_hash) / "credentials.json"
        try:
            return Secret(str(json.loads(path.read_text(encoding="utf-8"))["access_token"]))
        except (FileNotFoundError, KeyError, json.JSONDecodeError):
            raise ConnectionProblem(
                f"The credentials of store {store_hash!r} are missing or damaged. Connect it again with "
                "`bcagent connect`."
            ) from None

    def save_storefront_app(self, store_hash: str, app: StorefrontApp) -> None:
        if not app.client_id.strip() or not app.client_secret.reveal().strip():
            raise ConnectionProblem("Give both the app's client id and its client secret.")
        payload = {"client_id": app.client_id.strip(), "client_secret": app.client_secret.reveal().strip()}
        _write_atomic(self.folder(store_hash) / "storefront_app.json", payload, mode=0o600)

    def storefront_app(self, store_hash: str) -> StorefrontApp | None:
        """The store's storefront app, or None when none is set (shoppers are then all anonymous)."""
        path = self.folder(store_hash) / "storefront_app.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return StorefrontApp(str(data["client_id"]), Secret(str(data["client_secret"])))
        except FileNotFoundError:
            return None
        except (KeyError, TypeError, json.JSONDecodeError):
            raise ConnectionProblem(
                f"The storefront app file of store {store_hash!r} is damaged. Set it again with "
                "`bcagent storefront-app set`."
            ) from None

    def clear_storefront_app(self, store_hash: str) -> bool:
        path = self.folder(store_hash) / "storefront_app.json"
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed

    def resolve(self, store_hash: str | None) -> str:
        """The store a command is about: the one given, or the only one connected."""
        hashes = self.hashes()
        if store_hash:
            if store_hash not in hashes:
                raise ConnectionProblem(
                    f"Store {store_hash!r} is not connected. Connected: {', '.join(hashes) or 'none'}."
                )
            return store_hash
        if not hashes:
            raise ConnectionProblem(
                "No store is connected. Run `bcagent connect --store-hash HASH --token TOKEN`."
            )
        if len(hashes) > 1:
            raise ConnectionProblem(
                f"Several stores are connected ({', '.join(hashes)}): say which with --store."
            )
        return hashes[0]

    def delete(self, store_hash: str) -> None:
        """Remove everything kept for the store: credentials, settings, sync state, vectors, transcripts."""
        folder = self.folder(store_hash)
        if folder.exists():
            shutil.rmtree(folder)
