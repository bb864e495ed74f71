"""Typer's own words in the interface language: usage errors, help titles, prompts.

Typer 0.29 carries its own copy of Click, whose messages are English f-strings, and asks gettext
for a few more words (typer.core, typer.rich_utils) in the process-wide gettext domain, which
knows nothing of MSGU_LANG. msgu's root group speaks for them:

- typer.core's and typer.rich_utils' gettext words are looked up in msgu's catalogue under
  Typer's own English msgids; rich_utils' just before a help page or an error is drawn, since
  importing it sooner would slow every start;
- a usage error is rebuilt from what the exception holds (the option, the argument, the reason
  a value was refused) in msgu's words: still a Click UsageError, still exit status 2;
- `Usage:` and the help option's line come through msgu's Context and formatter;
- `confirm()` asks `[o/N]` in French and takes o, oui, y or yes.

In English nothing is rebuilt: Typer's messages stay exactly Typer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.core
from typer._click.core import Context
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup, TyperOption

from ..i18n import N_, _, language

# typer.rich_utils computes these at import, with gettext: (attribute, Typer's English msgid).
_RICH_UTILS_WORDS = (
    ("DEPRECATED_STRING", N_("(deprecated) ")),
    ("DEFAULT_STRING", N_("[default: {}]")),
    ("ENVVAR_STRING", N_("[env var: {}]")),
    ("REQUIRED_LONG_STRING", N_("[required]")),
    ("ARGUMENTS_PANEL_TITLE", N_("Arguments")),
    ("OPTIONS_PANEL_TITLE", N_("Options")),
    ("COMMANDS_PANEL_TITLE", N_("Commands")),
    ("ERRORS_PANEL_TITLE", N_("Error")),
    ("ABORTED_TEXT", N_("Aborted.")),
    # TRANSLATORS: rich markup; keep [blue] and [/] around the command.
    ("RICH_HELP", N_("Try [blue]'{command_path} {help_option}'[/] for help.")),
)

# typer.core asks gettext for these when it needs them (the catalogue must hold them).
TYPER_CORE_WORDS = (
    N_("(dynamic)"), N_("default: {default}"), N_("required"), N_("env var: {var}"),
    N_("Arguments"), N_("Options"), N_("Commands"), N_("Missing command."),
    N_("No such command {name!r}."), N_("Aborted!"),
)

# Whole sentences of Typer's Click and of pydantic (which checks Typer's values), in their
# English words with named placeholders: matched against a message, then said in msgu's words.
_SENTENCES = (
    N_("Option {name} requires an argument."),
    N_("Option {name} does not take a value."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Input should be a valid integer, unable to parse string as an integer"),
    N_("Input should be greater than or equal to {ge}"),
    N_("Input should be less than or equal to {le}"),
)


def _pattern(sentence: str) -> re.Pattern[str]:
    """`Option {name} requires…` -> a regex whose groups are the placeholders."""
    pieces = re.split(r"\{(\w+)\}", sentence)
    return re.compile("".join(re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)"
                              for i, piece in enumerate(pieces)) + r"\Z", re.DOTALL)


def translated_sentence(message: str) -> str:
    """`message` in the interface language when it is one of Typer's or pydantic's sentences."""
    for sentence in _SENTENCES:
        match = _pattern(sentence).match(message)
        if match:
            return _(sentence).format(**match.groupdict())
    return message


def _param_hint(error: BadParameter) -> str | None:
    """How the error names its parameter: `'--limit' / '-n'`, `'ref'`."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        param = error.param
        if isinstance(param, typer.core.TyperOption):
            hint = " / ".join(f"'{name}'" for name in param.opts)
            if param.show_envvar and param.envvar is not None:
                hint = _("{options} (environment variable {variable})").format(
                    options=hint, variable=f"'{param.envvar}'")
            return hint
        return param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        return " / ".join(repr(name) for name in hint)
    return hint


def _missing(error: MissingParameter) -> str:
    hint = _param_hint(error) or "?"
    kind = error.param_type or (error.param.param_type_name if error.param else None)
    sentence = {"argument": _("Missing argument {name}."),
                "option": _("Missing option {name}.")}.get(kind or "",
                                                          _("Missing parameter {name}."))
    extra = error.param.get_missing_message(error.ctx) if error.param is not None else None
    reasons = [translated_sentence(text) for text in (error.message, extra) if text]
    return " ".join([sentence.format(name=hint), *reasons])


def usage_message(error: UsageError) -> str:
    """The whole message of a usage error, in the interface language."""
    if isinstance(error, MissingParameter):
        return _missing(error)
    if isinstance(error, BadParameter):
        reason = translated_sentence(error.message)
        hint = _param_hint(error)
        if hint is None:
            return _("Invalid value: {reason}").format(reason=reason)
        return _("Invalid value for {name}: {reason}").format(name=hint, reason=reason)
    if isinstance(error, NoSuchOption) and error.message.startswith("No such option: "):
        message = _("No such option: {name}").format(name=error.message.split(": ", 1)[1])
        if error.possibilities:
            message += " " + _("(Possible options: {options})").format(
                options=", ".join(sorted(error.possibilities)))
        return message
    return translated_sentence(error.message)


def translate_rich_utils() -> None:
    """typer.rich_utils' fixed words (panel titles, `[default: …]`, `Try … for help.`) in the
    interface language; called when a help page or an error is about to be drawn."""
    from typer import rich_utils

    from ._shared import keep_no_break_spaces

    keep_no_break_spaces()
    for attribute, english in _RICH_UTILS_WORDS:
        setattr(rich_utils, attribute, _(english))


def speak_for_typer() -> None:
    """typer.core asks msgu's catalogue for its words (`No such command`, `Missing command.`)."""
    typer.core._ = _  # Typer's own `from gettext import gettext as _`


@contextmanager
def usage_errors_translated() -> Iterator[None]:
    """Around parsing and running a command: Click's errors reach Typer's printer in the
    interface language (the printer's own words too)."""
    try:
        yield
    except (ClickException, typer.Abort, EOFError) as error:
        translate_rich_utils()
        if (language() == "en" or not isinstance(error, UsageError)
                or isinstance(error, NoArgsIsHelpError)):
            raise
        translated = UsageError(usage_message(error), error.ctx)
        translated.exit_code = error.exit_code
        raise translated from error


class InterfaceFormatter(HelpFormatter):
    """Click's help formatter, with `Usage:` in the interface language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)


class InterfaceContext(typer.Context):
    """The Context of every msgu command: help and usage lines in the interface language."""

    formatter_class = InterfaceFormatter

    def get_help(self) -> str:
        translate_rich_utils()
        return super().get_help()


def _label(command: Any, ctx: Context) -> None:
    """The help option's line and a group's `COMMAND [ARGS]...` in the interface language."""
    help_option = command.get_help_option(ctx)
    if help_option is not None:
        help_option.help = _("Show this message and exit.")
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = _("COMMAND [ARGS]...")


def _speak(command: Any, ctx: Context) -> None:
    """`command` (and its subcommands) print help and usage lines in the interface language."""
    command.context_class = InterfaceContext
    _label(command, ctx)
    for sub in getattr(command, "commands", {}).values():
        _speak(sub, ctx)


# Typer's help of the completion options (typer/completion.py), word for word.
_COMPLETION_HELP = {
    "install_completion": N_("Install completion for the current shell."),
    "show_completion": N_("Show completion for the current shell, to copy it or customize the "
                          "installation."),
}


class InterfaceLanguageGroup(TyperGroup):
    """A root group whose commands, and Typer's words about them, speak the interface language."""

    context_class = InterfaceContext

    def main(self, *args: Any, **kwargs: Any) -> Any:
        speak_for_typer()
        return super().main(*args, **kwargs)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Context | None = None, **extra: Any) -> Context:
        with usage_errors_translated():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Context) -> Any:
        with usage_errors_translated():
            return super().invoke(ctx)

    def get_params(self, ctx: Context) -> list[Any]:
        params = super().get_params(ctx)
        _label(self, ctx)
        for param in params:  # Typer's completion options carry plain English help
            if isinstance(param, TyperOption) and param.name in _COMPLETION_HELP:
                param.help = _(_COMPLETION_HELP[param.name])
        return params

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _speak(command, ctx)
        return command


def _answers(words: str) -> list[str]:
    return [word.strip().lower() for word in words.split(",") if word.strip()]


def confirm(question: str) -> bool:
    """Ask a yes-or-no question on the terminal, in the interface language: no unless the answer
    is yes; another answer asks again; the end of input aborts (exit 1, `Aborted.`)."""
    # TRANSLATORS: the answers that mean yes, separated by commas; keep "y, yes".
    yes = _answers(_("y, yes"))
    # TRANSLATORS: the answers that mean no, separated by commas; keep "n, no".
    no = _answers(_("n, no"))
    prompt = _("{question} [y/N]:").format(question=question)
    while True:
        answer = typer.prompt(prompt, default="", show_default=False, value_proc=str,
                              prompt_suffix=" ")
        answer = answer.strip().lower()
        if not answer or answer in yes or answer in no:
            return answer in yes
        typer.echo(_("Please answer {yes} or {no}.").format(yes=yes[0], no=no[0]), err=True)


__all__ = ["InterfaceContext", "InterfaceLanguageGroup", "confirm", "translated_sentence",
           "usage_message"]
