"""A long read run on a second connection, in another thread, while the caller's connection
does other reads: SQLite leaves Python's global lock while a statement runs, so the two use
two cores (`recommend` walks a million follow edges beside its candidate queries)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import DatabaseError
from .connection import Database

T = TypeVar("T")


def read_beside(db: Database, read: Callable[[Database], T]) -> Callable[[], T]:
    """Start `read` on a read-only connection of its own to `db`'s file, and return what waits
    for its result (and raises what it raised). `read` runs on `db` itself, when the caller
    waits, where a second connection would not read the same data: a database that is no file,
    one holding changes not committed yet, one that cannot be opened twice."""
    path = _file_of(db)
    if path is None:
        return lambda: read(db)
    import threading  # already loaded by the interpreter's own modules: nothing to pay

    values: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            from .database import open_read_only  # the opening rules of every connection

            reader = open_read_only(path)
        except (DatabaseError, sqlite3.Error):
            return  # no second connection: the caller reads on its own (`waited`)
        try:
            values.append(read(reader))
        except BaseException as error:  # raised in the caller's thread, when it waits
            errors.append(error)
        finally:
            reader.close()

    thread = threading.Thread(target=run, name="msgu-read-beside", daemon=True)
    thread.start()

    def waited() -> T:
        thread.join()
        if errors:
            raise errors[0]
        if not values:
            values.append(read(db))
        return values[0]

    return waited


def _file_of(db: Database) -> Path | None:
    """The file of `db`'s main database, when another connection would read what it reads."""
    if db.conn.in_transaction:
        return None
    name = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    return Path(name) if name else None
