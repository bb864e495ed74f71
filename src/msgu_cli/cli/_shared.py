"""What every command shares: the error boundary, the database, consoles and JSON output."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from ..domain.text import UNSAFE_CHARACTERS, shown
from ..errors import InvalidInput, MsguError
from ..i18n import N_, Message, _

F = TypeVar("F", bound=Callable[..., Any])
Many = list[str] | None  # a repeatable option's values (None when not given)
JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print JSON on stdout."))]
# The last defence of "one line, short": a message that quoted a value raw is still cut here.
MESSAGE_LIMIT = 600
# Set by the test suite: an unexpected exception fails the test instead of becoming `Error:`.
RAISE_ERRORS = "MSGU_RAISE_ERRORS"


def fail(message: str) -> typer.Exit:
    """Print the one `Error:` line (escaped and cut, whatever the message holds) and return
    the Exit to raise."""
    sys.stderr.write(_("Error: {message}").format(message=shown(message, MESSAGE_LIMIT)) + "\n")
    return typer.Exit(code=1)


def _raise_unexpected() -> bool:
    """Tracebacks for developers (`MSGU_DEBUG=1`) and for the tests (`MSGU_RAISE_ERRORS=1`)."""
    return os.environ.get("MSGU_DEBUG") == "1" or os.environ.get(RAISE_ERRORS) == "1"


def _reader_gone() -> typer.Exit:
    """stdout's reader went away (`msgu export | head -1`): stop quietly, as Unix tools do.

    Status 141 is what a shell reports for a tool stopped by SIGPIPE. Whatever is still
    buffered, the interpreter's last flush included, then goes to /dev/null instead of failing.
    """
    with contextlib.suppress(OSError, ValueError):  # no file descriptor: the tests' runner
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return typer.Exit(code=141)


def _refuse_undecodable(values: Any) -> None:
    """Bytes that are not UTF-8 on the command line (a Latin-1 terminal typing « café ») reach
    Python as lone surrogates (PEP 383), which no file or database can hold: one clear error
    for every argument and option of every command, before anything is read or written."""
    for value in values:
        for text in value if isinstance(value, list | tuple) else (value,):
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise InvalidInput(Message(N_(
                        "The command line holds bytes that are not UTF-8 in '{value}': set "
                        "the terminal to UTF-8 and type it again."),
                        {"value": shown(text, 40)})) from None


def guarded(command: F) -> F:
    """The error boundary: user errors become `Error: …` + exit 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                _refuse_undecodable(kwargs.values())
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
        except Exception as error:  # an environment problem, or a bug: still no traceback
            from ..services.session import environment_problem

            problem = environment_problem(error)
            if problem is not None:
                raise fail(problem) from None
            if _raise_unexpected():
                raise
            raise fail(_("{error_type}: {error}. This is unexpected; run again with "
                         "MSGU_DEBUG=1 to see the details.").format(
                error_type=type(error).__name__, error=shown(error, 200))) from None

    return wrapper  # type: ignore[return-value]


def db_path(ctx: typer.Context):
    from ..services.session import resolve_db_path

    return resolve_db_path(ctx.find_root().params.get("db"))


def open_database(ctx: typer.Context, *, seed: bool = True):
    """The command's database, opened (and created with the starter directory if missing).

    Closed when the command ends, so SQLite folds its write-ahead log back into the file.
    """
    from ..services.session import close_directory, open_directory

    db = open_directory(db_path(ctx), seed=seed)
    ctx.call_on_close(lambda: close_directory(db))
    return db


def progress_bar(*, threaded: bool = True):
    """A rich progress bar on stderr (stdout stays clean for --json and pipes); off when stderr
    is not a terminal, so logs and `Error:` lines get no bar residue. Tasks name their stage.
    Not `threaded`, it is drawn only when updated with `refresh=True`, by no thread of its
    own: a large import forks a process to check rows, and a fork is safe with one thread."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    err = err_console()
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    console=err, transient=True, disable=not err.is_terminal,
                    auto_refresh=threaded)


# The stages that services report to a progress bar, by the English names they give them.
_STAGES = frozenset((N_("Reading"), N_("Checking"), N_("Writing")))


def stage_label(stage: str) -> str:
    """A progress bar's stage in the interface language (an unknown stage shows as it is)."""
    return _(stage) if stage in _STAGES else stage


def _english_message(value: object) -> str:
    """How print_json writes an `i18n.Message`: in English, the same in both languages
    (contract: JSON)."""
    if isinstance(value, Message):
        return value.english()
    raise TypeError(f"{type(value).__name__} is not JSON")


# JSON escapes C0 controls itself; C1 controls, DEL and bidirectional marks it would print
# raw, where a terminal may obey them. `\\u009b` is the same JSON string, and inert.
_JSON_ESCAPES = str.maketrans({ch: f"\\u{ord(ch):04x}" for ch in UNSAFE_CHARACTERS
                               if ord(ch) >= 0x7F})


def print_json(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_english_message)
    sys.stdout.write((text if text.isascii() else text.translate(_JSON_ESCAPES)) + "\n")


# Where rich may break a line: whitespace, except the no-break spaces of French typography
# (U+00A0 before `:` and inside « », U+202F in numbers), which Python's `\s` also matches.
_NO_BREAK = "\u00a0\u202f\u2007"
_RICH_WORD = rf"[^\S{_NO_BREAK}]*[\S{_NO_BREAK}]+[^\S{_NO_BREAK}]*"


def keep_no_break_spaces() -> None:
    """rich wraps lines at any whitespace, so `Sujet (répétable)` could end a line and its
    ` : …` begin the next; its word pattern is made to keep no-break spaces inside words.
    Called before a console or a help page draws text (the same pattern every time)."""
    import re

    from rich import _wrap

    _wrap.re_word = re.compile(_RICH_WORD)


@functools.cache
def _console_class() -> type:
    """rich's Console, except that a closed stdout pipe reaches `guarded` (rich would exit 1),
    and that any plain string it is given is shown with its control characters escaped (the
    last defence; cli/render.py builds data as Text in the first place)."""
    from rich.console import Console

    from ..domain.text import escaped

    keep_no_break_spaces()

    class SafeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

        def render_str(self, text: str, **options: Any) -> Any:
            return super().render_str(escaped(text, multiline=True), **options)

    return SafeConsole


def say(text: str, *, err: bool = False) -> None:
    """Print one of msgu's sentences, with whatever data it quotes, as literal text: no
    markup is read in it and control characters show as escapes."""
    from .render import data

    (err_console() if err else console()).print(data(text, multiline=True))


def console():
    """stdout for people. It parses no markup and no emoji codes: data is printed literally
    (`[/b]` in a name is text), and styles come only from `rich.text.Text` (cli/render.py)."""
    return _console_class()(highlight=False, markup=False, emoji=False)


def err_console():
    return _console_class()(stderr=True, highlight=False, markup=False, emoji=False)
