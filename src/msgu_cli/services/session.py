"""Where the database lives, and opening it the way every command needs."""

from __future__ import annotations

import os
from pathlib import Path

from sqlite_utils import Database

from ..errors import InvalidInput
from ..storage.database import open_db


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
