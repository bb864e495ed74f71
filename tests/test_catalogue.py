"""The French catalogue: compiled and up to date, complete for the modules declared translated,
placeholders kept, French typography, and in step with the code and with Typer's own words."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from msgu_cli import i18n
from msgu_cli.cli import _typer_messages

REPOSITORY = Path(__file__).resolve().parent.parent
SOURCE = REPOSITORY / "src" / "msgu_cli"
PO = SOURCE / "locale" / "fr" / "LC_MESSAGES" / "msgu.po"
MO = i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "msgu.mo"  # the one msgu reads, wherever installed
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
FIX = "run `python tools/catalogue.py` (it extracts, updates msgu.po and compiles msgu.mo)"

# Modules whose every message has its French translation; checked below. The second French pass
# adds each module here as it translates it; once every module of src/msgu_cli is here, this
# list becomes all of them.
TRANSLATED = [
    "i18n.py",
    *sorted(str(path.relative_to(SOURCE)) for path in (SOURCE / "cli").glob("*.py")),
]
# Below the CLI, every module (a pattern names each module of its folder) but those the
# ranking work keeps: their texts are translated, and that work declares them.
TRANSLATED_BELOW_CLI = ["errors.py", "clients/*.py", "domain/*.py", "formats/*.py",
                        "services/*.py", "storage/*.py"]
NOT_DECLARED_YET = {
    "domain/affinity.py", "domain/diversity.py", "domain/followability.py",
    "domain/interests.py", "domain/plain_reasons.py", "domain/ranking.py", "domain/signals.py",
    "services/recommend.py",
}


def _declared() -> list[str]:
    """The modules declared translated, patterns expanded into the modules they name."""
    found = []
    for entry in (*TRANSLATED, *TRANSLATED_BELOW_CLI):
        paths = sorted(SOURCE.glob(entry)) if "*" in entry else [SOURCE / entry]
        found += [str(p.relative_to(SOURCE)) for p in paths]
    return [module for module in found if module not in NOT_DECLARED_YET]


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def _messages(module: Path) -> list[str | tuple[str, ...]]:
    """The msgids that the code of `module` asks for (a tuple for a plural)."""
    found = extract_from_file("python", str(module), keywords=KEYWORDS)
    return [message for _line, message, _comments, _context in found]


def _entries():
    return [m for m in _catalogue() if m.id]


def _forms(message) -> list[tuple[str, str]]:
    """(English, French) pairs of a catalogue entry: one, or one per plural form."""
    if isinstance(message.id, (list, tuple)):
        singular, plural = message.id
        strings = message.string
        return [(singular, strings[0]), *((plural, s) for s in strings[1:])]
    return [(message.id, message.string)]


def _translations(messages) -> dict:
    """msgid -> French (a tuple of forms for a plural), for the entries a compiler keeps."""
    return {_key(m.id): tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string
            for m in messages if m.id and any(_forms_of(m.string)) and not m.fuzzy}


def _key(msgid):
    """A plural's msgid comes as a list from a .mo, as a tuple from a .po: one key for both."""
    return tuple(msgid) if isinstance(msgid, list) else msgid


def _forms_of(string) -> list[str]:
    return list(string) if isinstance(string, (list, tuple)) else [string]


def test_compiled_catalogue_matches_its_source() -> None:
    assert MO.is_file(), f"{MO} is missing: {FIX}"
    with MO.open("rb") as handle:
        compiled = _translations(read_mo(handle))
    assert compiled == _translations(_entries()), f"msgu.mo is not msgu.po compiled: {FIX}"


def test_catalogue_is_french_with_french_plurals() -> None:
    catalogue = _catalogue()
    assert str(catalogue.locale) == "fr"
    assert catalogue.plural_forms == "nplurals=2; plural=(n > 1);"
    assert not [m.id for m in _entries() if m.fuzzy], "fuzzy entries are not used: review them"


@pytest.mark.parametrize("module", _declared())
def test_every_message_of_a_translated_module_has_its_french(module: str) -> None:
    path = SOURCE / module
    assert path.is_file(), f"{module} is declared translated but does not exist"
    catalogue = _catalogue()
    missing = []
    for msgid in _messages(path):
        entry = catalogue.get(msgid)
        if entry is None or not all(_forms_of(entry.string)):
            missing.append(msgid)
    assert not missing, f"{module}: no French for {missing}; {FIX}, then translate them"


def _msgids_as_written(text: str) -> list[str]:
    """Every msgid of a .po file as written (Babel keeps one of two equal msgids silently)."""
    found, current = [], None
    for line in text.splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid "):]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            found.append("".join(part.strip()[1:-1] for part in current))
            current = None
    return found


def test_no_message_is_translated_twice() -> None:
    """Branches append their translations at the end of msgu.po: a merge may repeat one."""
    msgids = _msgids_as_written(PO.read_text(encoding="utf-8"))
    repeated = sorted({m for m in msgids if msgids.count(m) > 1})
    assert not repeated, f"msgu.po has these msgids twice: {repeated}; keep one"
    assert len(msgids) == len(list(_catalogue()))  # both count the header


def test_every_french_message_is_one_the_code_asks_for() -> None:
    asked = {m for module in SOURCE.rglob("*.py") for m in _messages(module)}
    stale = [m.id for m in _entries() if m.id not in asked]
    assert not stale, f"msgu.po translates messages the code no longer has: {stale}; {FIX}"


def _fields(text: str) -> list[str]:
    """The placeholders of a format string, conversions aside: `{name!r}` -> `name`, `{}` -> ``."""
    return sorted(name for _literal, name, _spec, _conversion in Formatter().parse(text)
                  if name is not None)


@pytest.mark.parametrize("message", _entries(), ids=lambda m: str(m.id)[:40])
def test_placeholders_are_kept(message) -> None:
    for english, french in _forms(message):
        if french:
            assert _fields(french) == _fields(english), (english, french)


# An ordinary space (or none) where French wants a no-break one: before : ; ? ! and inside « ».
_BAD_SPACING = re.compile(r"[ \t][:;?!]|«[ \t]|[ \t]»|«(?=[^\u00a0\u202f])|(?<=[^\u00a0\u202f])»")


# The one exception: the contract writes the French error prefix `Erreur :` with an ordinary
# space, and scripts match it as written.
CONTRACT_SPACING = {"Error: {message}": "Erreur : {message}"}


@pytest.mark.parametrize("message", _entries(), ids=lambda m: str(m.id)[:40])
def test_french_typography(message) -> None:
    if message.id in CONTRACT_SPACING:
        assert message.string == CONTRACT_SPACING[message.id]
        return
    for _english, french in _forms(message):
        bad = [french[max(0, m.start() - 12):m.end() + 12] for m in _BAD_SPACING.finditer(french)]
        assert not bad, f"use a no-break space (U+00A0) in {bad!r}"


def test_the_typography_check_catches_ordinary_spaces() -> None:
    for wrong in ("Erreur : x", "Supprimer ?", "Oui !", "a ; b", "« x »", "«\u00a0x »"):
        assert _BAD_SPACING.search(wrong), wrong
    for right in ("Erreur\u00a0: x", "Supprimer\u00a0?", "«\u00a0x\u00a0»", "https://x", "a:b"):
        assert not _BAD_SPACING.search(right), right


def _typer_gettext_words(module) -> set[str]:
    """The messages a Typer module asks gettext for: its `_("…")` calls."""
    return set(re.findall(r'\b_\("((?:[^"\\]|\\.)*)"\)', inspect.getsource(module)))


def test_msgu_translates_every_word_typer_asks_gettext_for() -> None:
    import typer.core
    import typer.rich_utils

    ours = set(_typer_messages.TYPER_CORE_WORDS)
    assert _typer_gettext_words(typer.core) == ours
    rich_words = dict(_typer_messages._RICH_UTILS_WORDS)
    assert _typer_gettext_words(typer.rich_utils) == set(rich_words.values())
    for attribute in rich_words:
        assert hasattr(typer.rich_utils, attribute), attribute
