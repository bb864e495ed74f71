"""What every command shares: the error boundary, the database, consoles and JSON output."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from ..errors import MsguError

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    """Print the one `Error:` line and return the Exit to raise."""
    sys.stderr.write(f"Error: {message}\n")
    return typer.Exit(code=1)


def guarded(command: F) -> F:
    """The error boundary: user errors become `Error: …` + exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except MsguError as error:
            raise fail(str(error)) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            sys.stderr.write("Interrupted: nothing more was written.\n")
            raise typer.Exit(code=130) from None
        except Exception as error:  # a bug or an environment problem: still no traceback
            if os.environ.get("MSGU_DEBUG") == "1":
                raise
            raise fail(
                f"{type(error).__name__}: {error}. This is unexpected; "
                "run again with MSGU_DEBUG=1 to see the details."
            ) from None

    return wrapper  # type: ignore[return-value]


def db_path(ctx: typer.Context):
    from ..services.session import resolve_db_path

    return resolve_db_path(ctx.find_root().params.get("db"))


def open_database(ctx: typer.Context, *, seed: bool = True):
    """The command's database, opened (and created with the starter directory if missing)."""
    from ..services.session import open_directory

    return open_directory(db_path(ctx), seed=seed)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def console():
    from rich.console import Console

    return Console(highlight=False)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False)
