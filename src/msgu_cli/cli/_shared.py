"""What every command shares: the error boundary, the database, consoles and JSON output."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from ..errors import MsguError
from ..i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> typer.Exit:
    """Print the one `Error:` line (`Erreur :` in French) and return the Exit to raise."""
    sys.stderr.write(_("Error: {message}").format(message=message) + "\n")
    return typer.Exit(code=1)


def _reader_gone() -> typer.Exit:
    """stdout's reader went away (`msgu export | head -1`): stop quietly, as Unix tools do.

    Status 141 is what a shell reports for a tool stopped by SIGPIPE. Whatever is still
    buffered, the interpreter's last flush included, then goes to /dev/null instead of failing.
    """
    with contextlib.suppress(OSError, ValueError):  # no file descriptor: the tests' runner
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return typer.Exit(code=141)


def guarded(command: F) -> F:
    """The error boundary: user errors become `Error: …` + exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return command(*args, **kwargs)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, inside the boundary
        except BrokenPipeError:
            raise _reader_gone() from None
        except MsguError as error:
            raise fail(str(error)) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            sys.stderr.write(_("Interrupted: nothing more was written.") + "\n")
            raise typer.Exit(code=130) from None
        except Exception as error:  # a bug or an environment problem: still no traceback
            if os.environ.get("MSGU_DEBUG") == "1":
                raise
            raise fail(_("{error_type}: {error}. This is unexpected; run again with "
                         "MSGU_DEBUG=1 to see the details.").format(
                error_type=type(error).__name__, error=error)) from None

    return wrapper  # type: ignore[return-value]


def db_path(ctx: typer.Context):
    from ..services.session import resolve_db_path

    return resolve_db_path(ctx.find_root().params.get("db"))


def open_database(ctx: typer.Context, *, seed: bool = True):
    """The command's database, opened (and created with the starter directory if missing).

    Closed when the command ends, so SQLite folds its write-ahead log back into the file.
    """
    from ..services.session import open_directory

    db = open_directory(db_path(ctx), seed=seed)
    ctx.call_on_close(db.close)
    return db


def progress_bar():
    """A rich progress bar on stderr (stdout stays clean for --json and pipes); off when stderr
    is not a terminal, so logs and `Error:` lines get no bar residue. Tasks name their stage."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    err = err_console()
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=err, transient=True, disable=not err.is_terminal)


# The stages that services report to a progress bar, by the English names they give them.
_STAGES = frozenset((N_("Reading"), N_("Checking"), N_("Writing")))


def stage_label(stage: str) -> str:
    """A progress bar's stage in the interface language (an unknown stage shows as it is)."""
    return _(stage) if stage in _STAGES else stage


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@functools.cache
def _console_class() -> type:
    """rich's Console, except that a closed stdout pipe reaches `guarded` (rich would exit 1)."""
    from rich.console import Console

    class PipeAwareConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeAwareConsole


def console():
    return _console_class()(highlight=False)


def err_console():
    return _console_class()(stderr=True, highlight=False)
