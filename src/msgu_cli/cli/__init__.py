"""The `msgu` command line: Typer commands that parse, call one service, and render."""

from typing import Annotated

import typer

from .. import __version__
from ._help import PlainHelpGroup

app = typer.Typer(
    name="msgu",
    cls=PlainHelpGroup,
    help="Find, follow and keep track of the emergency-management accounts that matter to your "
    "organisation (MSGU / SMEM), from a local directory.\n\n"
    "Example: msgu recommend --topic geolocalisation",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"msgu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="MSGU_DB", metavar="FILE", help="The SQLite file (default: "
                     "msgu.db in your user data folder).", show_default=False),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Print the version and exit.")
    ] = False,
) -> None:
    """msgu: the emergency-management contact directory and follow recommender."""


# Importing the command modules registers their commands on `app`.
from . import (  # noqa: E402, F401
    contacts,
    fetch,
    maintenance,
    overview,
    recommend,
    relations,
    transfer,
)

__all__ = ["app", "main"]


def main() -> None:
    app()
