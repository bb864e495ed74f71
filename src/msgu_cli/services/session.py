"""Where the database lives, and opening it the way every command needs."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlite_utils import Database

from ..errors import InvalidInput
from ..storage.database import open_db

if TYPE_CHECKING:
    import httpx


def default_db_path() -> Path:
    """`msgu.db` in the user's data folder (platformdirs), as the contract says."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("msgu", appauthor=False)) / "msgu.db"


def resolve_db_path(given: str | None) -> Path:
    if given is not None and not given.strip():
        raise InvalidInput("--db (or MSGU_DB) is empty: give a file path.")
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
