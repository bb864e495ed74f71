"""Where the database lives, and opening it the way every command needs."""

from __future__ import annotations

import errno
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from ..i18n import N_, Message, _
from ..storage.connection import Database
from ..storage.database import close_database, open_db

if TYPE_CHECKING:
    import httpx


def default_db_path() -> Path:
    """`msgu.db` in the user's data folder (platformdirs), as the contract says."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("msgu", appauthor=False)) / "msgu.db"


def resolve_db_path(given: str | None) -> Path:
    if given is not None and not given.strip():
        raise InvalidInput(Message(N_("--db (or MSGU_DB) is empty: give a file path.")))
    if given is not None and "\x00" in given:  # no file system has such a name
        raise InvalidInput(Message(N_(
            "--db (or MSGU_DB) holds a NUL character: give a file path.")))
    return Path(os.path.expanduser(given)) if given else default_db_path()


def open_directory(path: Path, *, seed: bool = True) -> Database:
    """Open the directory; a missing one is created, with the starter directory if `seed`."""
    return open_db(path, on_create=_seed if seed else None)


def _seed(db: Database) -> None:
    from .transfer import seed_starter_directory  # the import machinery, only on first use

    seed_starter_directory(db)


def http_client() -> AbstractContextManager[httpx.Client]:
    """The run's one HTTP client, from the one factory (which tests replace): a network command
    opens it, hands it to its service and closes it at the end. Its settings are checked here,
    before anything is asked."""
    from ..clients.http import make_http_client  # httpx only for the commands that need it

    return make_http_client()


def close_directory(db: Database, *, not_written: int = 0) -> None:
    """Close the directory at the end of a command (folding its write-ahead log in if it
    wrote), so that other readers of the file see what the command did."""
    close_database(db, not_written=not_written)


# OSError numbers that describe the machine, not a bug: a full disk, a read-only file system,
# a permission refused, a file name too long.
_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM,
                                 errno.ENAMETOOLONG, errno.EDQUOT, errno.EIO})


def environment_problem(error: BaseException) -> str | None:
    """The message for a failure of the machine or of the database file (not a bug of
    msgu's), or None: a full disk, a read-only or damaged file, a database kept busy."""
    import sqlite3

    from ..domain.text import shown
    from ..storage.database import database_problem

    if isinstance(error, sqlite3.DatabaseError):
        return database_problem(error)
    if isinstance(error, OSError) and error.errno in _ENVIRONMENT_ERRNOS:
        where = f" ({shown(error.filename)})" if error.filename else ""
        return _("The system refused: {reason}{where}. Nothing more was written.").format(
            reason=error.strerror or error, where=where)
    return None
