"""The `msgu` command line: Typer commands that parse, call one service, and render.

`app` (cli/root.py) holds every command once their modules are imported: `from msgu_cli.cli
import app` imports them all. `main()`, the console script, imports only the module of the
command it runs: a command's start-up does not pay for the other 25 (their modules, their
imports, Typer's parameters for each).
"""

import copy
import gc
import importlib
import os
import sys
from typing import Any

import typer

from . import root
from .root import _db_first

# The command modules, in the order their commands are listed in `msgu --help`.
COMMAND_MODULES = ("contacts", "fetch", "loop", "maintenance", "overview", "packs", "recommend",
                   "relations", "transfer")
# Which module registers each command (tests/test_cli_startup.py checks it against the app).
COMMAND_MODULE = {
    "add": "contacts", "show": "contacts", "list": "contacts", "search": "contacts",
    "edit": "contacts", "remove": "contacts", "refresh": "fetch", "discover": "fetch",
    "sync": "loop", "next": "loop", "init": "maintenance", "doctor": "maintenance",
    "backup": "maintenance", "topics": "overview", "regions": "overview",
    "municipalities": "overview", "stats": "overview", "subscribe": "packs", "pull": "packs",
    "subscriptions": "packs", "recommend": "recommend", "follow": "relations",
    "network": "relations", "profile": "relations", "export": "transfer", "import": "transfer",
}

__all__ = ["app", "main"]


def _import_commands(modules: tuple[str, ...] = COMMAND_MODULES) -> typer.Typer:
    """Importing a command module registers its commands on the root app."""
    for module in modules:
        importlib.import_module(f"{__name__}.{module}")
    return root.app


def __getattr__(name: str) -> Any:
    """`app`, with every command: the commands' modules load on its first use."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()["app"] = _import_commands()
    return root.app


def main() -> None:
    # A terminal or pipe that cannot encode a character (LANG=C, PYTHONIOENCODING=ascii) gets
    # `\xe9` for `é` rather than a crash after the command has done its work.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    app = _for_the_named_command(sys.argv[1:])
    # What start-up loaded (modules, classes, Typer's parameters) lives until the process
    # exits: frozen, no garbage collection scans it again. At 100,000 contacts a command
    # makes enough objects to trigger full collections, each of which would walk all of it.
    gc.freeze()
    app()


# Root options that take no command after them (the root answers them itself).
_ROOT_ANSWERS = frozenset(("--help", "-h", "--version", "--install-completion",
                           "--show-completion"))


def _for_the_named_command(args: list[str]) -> typer.Typer:
    """The app with only the command `args` name, when they name one, and only its module
    imported: Typer builds the parameters of every command it holds at each start. Anything
    else (no command, a misspelt one, a root answer such as --help, shell completion) gets the
    whole app."""
    name = None if "_MSGU_COMPLETE" in os.environ else _command_name(args)
    if name is None or name not in COMMAND_MODULE:
        return __getattr__("app")
    return _reduced(name)


def _command_name(args: list[str]) -> str | None:
    """The command `args` run (the first word that is no root option), or None when the root
    answers them itself."""
    words = iter(_db_first(args))
    for word in words:
        if word in _ROOT_ANSWERS or word == "--":
            return None
        if word == "--db":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _reduced(name: str) -> typer.Typer:
    """The root app holding command (or group) `name` alone, its module imported."""
    app = _import_commands((COMMAND_MODULE[name],))
    reduced = copy.copy(app)
    reduced.registered_commands = [c for c in app.registered_commands if c.name == name]
    reduced.registered_groups = [g for g in app.registered_groups if g.name == name]
    return reduced
