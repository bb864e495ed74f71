"""The root of the `msgu` command line: the Typer app, its group (`--db` after a command's name
too, escaped usage errors) and its own options. The command modules register on `app`; the
package (cli/__init__.py) says which to import."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from .. import __version__
from ..i18n import _
from ._help import Context, PlainHelpGroup, command_help
from ._typer_messages import InterfaceLanguageGroup


class _RootGroup(PlainHelpGroup, InterfaceLanguageGroup):
    """Takes `--db FILE` after the command's name too (`msgu list --db equipe.db`), as people
    write it: the option moves before the command, where Click expects a group's option.
    Classic value labels in help (PlainHelpGroup); Typer's words in the interface language.

    Click's usage errors quote what was typed (`No such option: …`): their messages are
    escaped, so an argument holding ESC or a BiDi override cannot drive the terminal."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        with _escaped_usage_errors():
            return super().parse_args(ctx, _db_first(args))

    def invoke(self, ctx: Context) -> Any:
        with _escaped_usage_errors():
            return super().invoke(ctx)


@contextmanager
def _escaped_usage_errors() -> Iterator[None]:
    from typer._click.exceptions import ClickException

    try:
        yield
    except ClickException as error:
        from ..domain.text import escaped

        error.message = escaped(error.message)
        raise


def _db_first(args: list[str]) -> list[str]:
    """`args` with every `--db FILE` / `--db=FILE` moved to the front (`--` ends the search;
    a trailing `--db` without a value stays where it is, for Click to report)."""
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            rest += args[i:]
            break
        if word == "--db" and i + 1 < len(args):
            moved += args[i:i + 2]
            i += 2
            continue
        (moved if word.startswith("--db=") else rest).append(word)
        i += 1
    return moved + rest


app = typer.Typer(
    name="msgu",
    cls=_RootGroup,
    help=command_help(_("Find, follow and keep track of the emergency-management accounts that "
                        "matter to your organisation (MSGU / SMEM), from a local directory."),
                      "msgu recommend --topic geolocalisation"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        print(f"msgu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="MSGU_DB", metavar=_("FILE"), show_default=False,
                     help=_("The SQLite file (default: msgu.db in your user data folder).")),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help=_("Print the version and exit."))
    ] = False,
) -> None:
    """msgu: the emergency-management contact directory and follow recommender."""
