"""`--help` that reads like a classic command line: `TEXT`, `INTEGER`, `PATH` beside options
and arguments that take a value, nothing beside flags, arguments in capitals in the usage line.

Typer 0.29 prints the Python type of every parameter by default (`<str>`, and `<bool>` even
beside flags such as `--version` or `--help`, which take no value). Each parameter gets its
classic label once, when its command is looked up: no cost for the commands not run.
"""

from __future__ import annotations

from typing import Any

# Typer 0.29 vendors Click: the methods overridden here take its Context (typer.Context is a
# subclass of it).
from typer._click import Context
from typer.core import TyperArgument, TyperGroup, TyperOption

from ..i18n import N_, _
from ._coercion import plain_values_first

# Typer's type names -> the labels of classic help, translated when shown (`ENTIER` in French).
_TYPE_WORDS = {"str": N_("TEXT"), "int": N_("INTEGER"), "float": N_("FLOAT"), "path": N_("PATH"),
               "file": N_("FILE"), "dir": N_("DIRECTORY"), "datetime": N_("DATETIME"),
               "int range": N_("INTEGER RANGE"), "float range": N_("FLOAT RANGE")}


def command_help(summary: str, example: str) -> str:
    """A command's help: its summary (already translated, `_("…")`), then its example, which
    is code and stays as it is: `help=command_help(_("List contacts…"), "msgu list --region 17")`.
    """
    return summary + "\n\n" + _("Example: {command}").format(command=example)


def _type_word(param: TyperOption | TyperArgument, ctx: Context) -> str:
    """`<str>` -> TEXT, `<list[str]>` -> TEXT, `<int range>` -> INTEGER RANGE, a choice -> [a|b]."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    label = param.display_type(ctx).removeprefix("<").removesuffix(">")
    if label.startswith("list[") and label.endswith("]"):
        label = label[len("list["):-1]
    if "|" in label:
        return f"[{label}]"
    if label in _TYPE_WORDS:
        return _(_TYPE_WORDS[label])
    return " ".join(_(_TYPE_WORDS[word]) if word in _TYPE_WORDS else word.upper()
                    for word in label.split())


class _PlainArgument(TyperArgument):
    def display_type_rich(self, ctx: Context) -> str | None:
        return _type_word(self, ctx)

    def _usage_display_name(self) -> str:
        """`Usage: msgu import [OPTIONS] SOURCE`, as command lines write it, not `{source}`."""
        name = (self.metavar or self.name or "").upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


def _plain(param: Any, ctx: Context) -> None:
    if isinstance(param, TyperOption | TyperArgument):
        plain_values_first(param)  # not cli/_help's concern, but the same one pass
    if isinstance(param, TyperOption) and param.metavar is None:
        param.metavar = _type_word(param, ctx)
    elif type(param) is TyperArgument:  # an argument's name column stays its name
        param.__class__ = _PlainArgument


def plain_metavars(command: Any, ctx: Context) -> None:
    """Classic labels for `command`'s parameters, its help option and its subcommands'."""
    for param in command.get_params(ctx):
        _plain(param, ctx)
    for sub in getattr(command, "commands", {}).values():
        plain_metavars(sub, ctx)


class PlainHelpGroup(TyperGroup):
    """msgu's root group: its own options and each command it hands out get classic labels."""

    def get_params(self, ctx: Context) -> list[Any]:
        params = super().get_params(ctx)
        for param in params:
            _plain(param, ctx)
        return params

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            plain_metavars(command, ctx)
        return command
