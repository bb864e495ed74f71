"""msgu's handle on its SQLite file: a sqlite3 connection with the few members of sqlite-utils'
`Database` that msgu's code calls (`execute`, `table_names`, `close`, `conn`).

sqlite-utils itself (30-50 ms to import, with click and its plugin machinery) loads only
where its API is needed: the migrations, applied through `sqlite_utils_database` when a file
needs one. A command reading an up-to-date directory never imports it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

Parameters = Sequence[Any] | Mapping[str, Any]


class Database:
    """One connection, opened in autocommit mode (`isolation_level=None`): msgu opens every
    transaction itself (storage.database.transaction), so a statement is never committed or
    begun behind its back, as with sqlite-utils' `Database` on such a connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Parameters | None = None) -> sqlite3.Cursor:
        if parameters is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql, parameters)

    def table_names(self) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]

    def close(self) -> None:
        self.conn.close()


def sqlite_utils_database(db: Database) -> sqlite_utils.Database:
    """sqlite-utils' `Database` on the same connection (same transaction), for the migrations.
    No plugins: a sqlite-utils plugin installed on the machine has no say in msgu's file."""
    from sqlite_utils import Database as UtilsDatabase

    return UtilsDatabase(db.conn, execute_plugins=False)
