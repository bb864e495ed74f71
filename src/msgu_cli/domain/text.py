"""Accent- and case-blind text: every comparison a user relies on goes through `fold`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from ..i18n import N_, Message, Text

_PUNCTUATION_TWINS = str.maketrans(
    {
        "\u2019": "'",  # typographic apostrophe, common in French text
        "\u2018": "'",
        "\u02bc": "'",
        "\u2013": "-",  # en dash, as in Saguenay–Lac-Saint-Jean
        "\u2014": "-",
        "\u2011": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u0153": "oe",  # œ
        "\u0152": "oe",
        "\u00e6": "ae",
        "\u00c6": "ae",
        "\u00df": "ss",
    }
)

_TWINS = re.compile("[" + "".join(map(chr, _PUNCTUATION_TWINS)) + "]")
# The combining diacritical marks (the block U+0300-U+036F, but for its few that do not combine).
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370)
                                        if unicodedata.combining(chr(c))) + "]")
_WORD = re.compile(r"[0-9a-z]+")
_NOT_SLUG = re.compile(r"[^0-9a-z]+")

# Short French and English words that carry no meaning for matching interests.
STOPWORDS = frozenset(
    (
        "a au aux avec ce ces dans de des du en et l la le les leur leurs ou par pour qu que qui "
        "sa se ses son sur un une d s n y est sont "
        "an and as at by for from in into of on or the to with our we us"
    ).split()
)


# Never shown raw: C0/C1 controls (ESC, NUL, CSI U+009B...), DEL, the line and paragraph
# separators, and the bidirectional marks, embeddings, overrides and isolates that can make a
# terminal line read other than it is.
UNSAFE_CHARACTERS = frozenset(chr(c) for c in (
    *range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
    *range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
SHOWN_LIMIT = 80
# Allowed in the multi-line fields (descriptions and notes): a person's line breaks and tabs.
_MULTILINE_ALLOWED = frozenset("\t\n")
# Refused in input besides those (contract: text safety): lone surrogates, which SQLite cannot
# store, and the two non-characters that no XML file (an .xlsx workbook) may hold.
_NEVER_STORED = frozenset(chr(c) for c in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF))
_LINE_BREAKS = frozenset("\n\r\t")  # allowed in input where text has several lines


def _character_class(characters: frozenset[str]) -> re.Pattern[str]:
    """A pattern matching any of `characters`, written as ranges (`\\ud800-\\udfff`): the
    2,048 surrogates escaped one by one took 2 ms per pattern to compile, at every start."""
    points = sorted(map(ord, characters))
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return re.compile("[" + "".join(f"\\u{low:04x}" if low == high else
                                    f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges) + "]")


_UNSAFE_IN_LINE = _character_class(UNSAFE_CHARACTERS | _NEVER_STORED)
_UNSAFE_IN_TEXT = _character_class((UNSAFE_CHARACTERS | _NEVER_STORED) - _LINE_BREAKS)


def unsafe_characters(text: str, *, multiline: bool) -> list[str]:
    """The characters of `text` that input refuses, in order of first appearance (none: `[]`).

    Control characters (C0, C1, ESC, NUL, DEL), bidirectional overrides and the like are never
    stored; tab and line breaks only where `multiline` (a description, notes). One regular
    expression search: the common, clean case costs next to nothing at 100,000 rows.
    """
    pattern = _UNSAFE_IN_TEXT if multiline else _UNSAFE_IN_LINE
    if pattern.search(text) is None:
        return []
    return list(dict.fromkeys(pattern.findall(text)))


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """`value` as a message may quote it: one line (newlines and control characters escaped:
    `\\n`, `\\x1b`, `\\u202e`) and at most `limit` characters (cut with `…`), so a hostile
    cell, REF or server answer can neither forge a second line nor flood the terminal."""
    out: list[str] = []
    size = 0
    for ch in str(value)[: limit + 1]:
        piece = _escape(ch) if ch in UNSAFE_CHARACTERS or ch in _NEVER_STORED else ch
        if size + len(piece) > limit:
            return "".join(out) + "…"
        out.append(piece)
        size += len(piece)
    return "".join(out)


def escaped(value: object, *, multiline: bool = False) -> str:
    """`value` whole, with every unsafe character written as a visible escape (`\\x1b`,
    `\\u202e`): data printed literally, whatever a file, a server or an old database holds.
    With `multiline`, tab and newline stay as they are (a description's own lines)."""
    text = str(value)
    if text.isascii() and text.isprintable():  # the common case, made cheap
        return text
    kept = _MULTILINE_ALLOWED if multiline else frozenset()
    return "".join(_escape(ch) if (ch in UNSAFE_CHARACTERS and ch not in kept)
                   or ch in _NEVER_STORED else ch for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return _ESCAPES.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def first_unsafe(text: str, *, multiline: bool = False) -> str | None:
    """The first character of `text` that input refuses (see `unsafe_characters`), or None."""
    found = unsafe_characters(text, multiline=multiline)
    return found[0] if found else None


def strip_unsafe(text: str, *, multiline: bool = False) -> str:
    """Text fetched from a server, made safe to store: control and bidirectional characters
    removed, and what SQLite cannot store (lone surrogates from JSON escapes, U+FFFE/U+FFFF);
    line breaks kept when `multiline` (CRLF made LF), else turned into spaces."""
    if text.isascii() and text.isprintable():
        return text
    text = text.replace("\r\n", "\n")
    kept = _MULTILINE_ALLOWED if multiline else frozenset()
    out = []
    for ch in text:
        if ch in _NEVER_STORED:
            continue
        if ch not in UNSAFE_CHARACTERS or ch in kept:
            out.append(ch)
        elif ch in "\t\n\r\u2028\u2029":
            out.append("\n" if multiline and ch != "\t" else " ")
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so `Géolocalisation` == `geolocalisation`."""
    if text.isascii():  # nothing to translate or decompose: the common case, made cheap
        return " ".join(text.lower().split())
    if _TWINS.search(text):  # a search is ten times cheaper than translate's per-character work
        text = text.translate(_PUNCTUATION_TWINS)
    # The accents of Latin letters decompose to U+0300-U+036F and go in one pass; any other mark
    # left is taken out a character at a time.
    stripped = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if not stripped.isascii():
        stripped = "".join(ch for ch in stripped if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def slug(text: str) -> str:
    """A folded, hyphen-joined form: `Saguenay–Lac-Saint-Jean` -> `saguenay-lac-saint-jean`."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


def words(text: str) -> list[str]:
    """Folded words of `text`, in order, stopwords kept (phrases need them)."""
    return _WORD.findall(fold(text))


def content_words(text: str) -> list[str]:
    """Folded words of `text` without stopwords."""
    return [w for w in words(text) if w not in STOPWORDS]


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """French Snowball stem of a folded word (`inondables` -> `inond`); English words pass too."""
    return _french_stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _french_stemmer():  # imported lazily: start-up stays fast for commands that never stem
    import snowballstemmer

    return snowballstemmer.stemmer("french")


def stems(text: str) -> tuple[str, ...]:
    """Stems of the content words of `text`."""
    return tuple(stem(w) for w in content_words(text))


def closest(word: str, choices: list[str], *, limit: int = 3) -> list[str]:
    """The `choices` that look most like `word` (accent-blind), for 'did you mean' hints."""
    import difflib

    folded = {fold(c): c for c in choices}
    matches = difflib.get_close_matches(fold(word), list(folded), n=limit, cutoff=0.6)
    prefix = [c for f, c in folded.items() if fold(word) and f.startswith(fold(word))]
    ordered = [folded[m] for m in matches] + prefix
    return list(dict.fromkeys(ordered))[:limit]


def did_you_mean(choices: Sequence[str]) -> Text:
    """The hint an error about an unknown word ends with (` Did you mean a, b?`), or nothing:
    a sentence of its own, with its leading space, so the error reads whole either way."""
    if not choices:
        return ""
    # TRANSLATORS: appended to an error such as "Unknown kind 'x'."; keep the leading space.
    return Message(N_(" Did you mean {choices}?"), {"choices": ", ".join(choices)})
