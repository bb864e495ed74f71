"""The interface language, chosen once per process, and the gettext catalogue that speaks it.

Everything a person reads goes through `_()` (or `ngettext`); codes, JSON keys and CSV headers
never do. Messages are written in English with named placeholders, so a translation may reorder
them: `_("Added #{id} {name}.").format(id=..., name=...)`. The French catalogue lives in
`locale/fr/LC_MESSAGES/msgu.po`, compiled to `msgu.mo` when the wheel is built (hatch_build.py)
or by `python tools/catalogue.py`, which also brings new messages of the code into it.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

DOMAIN = "msgu"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("fr", "en")


def system_language(environ: Mapping[str, str] | None = None,
                    platform: str | None = None) -> str:
    """`fr` or `en` from `MSGU_LANG`, else the system's language (contract: interface language).

    On Linux and macOS the locale variables decide (`LC_ALL`, then `LC_MESSAGES`, then `LANG`);
    on Windows the user's display language. French for `fr*`, English otherwise.
    """
    env = os.environ if environ is None else environ
    chosen = env.get("MSGU_LANG", "").strip().lower()
    if chosen[:2] in LANGUAGES:
        return chosen[:2]
    if (platform or sys.platform) == "win32" and environ is None:
        return "fr" if _windows_display_language().startswith("fr") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _windows_display_language() -> str:
    """The user's display language on Windows, as a locale name such as `fr_CA`."""
    try:
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return locale.windows_locale.get(lcid, "").lower()
    except (AttributeError, OSError):
        return ""


@cache
def language() -> str:
    """The interface language of this process: read once, at the first message."""
    return system_language()


@cache
def _catalogue() -> _gettext.NullTranslations:
    if language() == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language()], fallback=True)


def _(message: str) -> str:
    """`message` in the interface language (English when no translation exists)."""
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the interface language."""
    return _catalogue().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """`message` unchanged: marks a message kept in a table, translated by `_()` when used."""
    return message


class Message:
    """A sentence for people that a command may also print in JSON: people read it in the
    interface language (`str(message)`), JSON gets `english()`, the same text in both
    languages, as the contract wants of everything but recommend's reasons. Mark the template
    with `N_()` so the catalogue has it: `Message(N_("{count} broken reference(s)"), {"count": 2})`.

    One value, not a dataclass: `dataclasses.asdict` of a report keeps its Messages whole (a
    dataclass would become `{template, params}`), and the JSON writer gives their English.
    """

    __slots__ = ("params", "template")

    def __init__(self, template: str, params: Mapping[str, object] | None = None) -> None:
        self.template = template
        self.params: Mapping[str, object] = dict(params or {})

    def english(self) -> str:
        return self.template.format(**{k: _shown(v, english=True)
                                       for k, v in self.params.items()})

    def __str__(self) -> str:
        return _(self.template).format(**{k: _shown(v, english=False)
                                          for k, v in self.params.items()})

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and self.template == other.template
                and self.params == other.params)

    def __hash__(self) -> int:  # params may hold lists: equal messages share a template
        return hash(self.template)

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {dict(self.params)!r})"


Text = str | Message  # what a person reads; a Message when it may also go into JSON


class Grouped(int):
    """A large count a Message shows with its thousands grouped, as each language writes
    them: 1,048,576 in English, 1 048 576 (narrow no-break spaces) in French."""


def english(text: Text) -> str:
    """`text` as JSON and stored facts give it: a Message's English, a plain text as it is."""
    return text.english() if isinstance(text, Message) else text


def _shown(value: object, *, english: bool) -> object:
    """A parameter as its message shows it: a Message in the chosen language, a list of
    Messages (and texts) joined with `; ` (French puts a no-break space before it), anything
    else as it is."""
    if isinstance(value, Message):
        return value.english() if english else str(value)
    if isinstance(value, Grouped):
        grouped = f"{value:,}"
        return grouped if english or language() != "fr" else grouped.replace(",", "\u202f")
    if isinstance(value, list) and all(isinstance(v, str | Message) for v in value):
        # TRANSLATORS: what separates the items of a list inside a sentence.
        separator = "; " if english else _("; ")
        return separator.join(str(_shown(v, english=english)) for v in value)
    return value


def reset() -> None:
    """Forget the chosen language (tests switch `MSGU_LANG` between CLI runs)."""
    language.cache_clear()
    _catalogue.cache_clear()


__all__ = ["Grouped", "Message", "N_", "Text", "_", "english", "language", "ngettext", "reset",
           "system_language"]
