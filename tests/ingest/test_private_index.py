"""The on-disk Chroma index holds the shop's catalog and pages: its folder is the owner's only."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ingest.vectors import chroma_client


def test_the_chroma_folder_and_database_are_private(tmp_path: Path) -> None:
    before = os.umask(0o022)  # a permissive umask: the modes must not depend on it
    try:
        path = tmp_path / "chroma"
        chroma_client(path=path).get_or_create_collection("probe")
        chroma_client(path=path)  # opened again, as every start does
    finally:
        os.umask(before)
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    database = path / "chroma.sqlite3"
    assert database.is_file() and stat.S_IMODE(database.stat().st_mode) == 0o600
