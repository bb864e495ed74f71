"""domain/text.py's fast forms give what their plain definitions give: `fold` (accents removed
in one pass) and the unsafe-character patterns (written as ranges)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from msgu_cli.domain import text


def _plain_fold(value: str) -> str:
    """fold as first written: every combining mark dropped one character at a time."""
    if value.isascii():
        return " ".join(value.lower().split())
    value = value.translate(text._PUNCTUATION_TWINS)
    decomposed = unicodedata.normalize("NFKD", value)
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch))
                    .casefold().split())


# Latin with accents, the combining marks (U+034F among them, which does not combine), Greek,
# Cyrillic, Hebrew, Arabic, kana, punctuation, ligatures, the other blocks of combining marks.
_BLOCKS = [(0x20, 0x250), (0x300, 0x370), (0x370, 0x530), (0x590, 0x700), (0x1AB0, 0x1B00),
           (0x1DC0, 0x1F00), (0x2000, 0x2100), (0x20D0, 0x2100), (0x3040, 0x3100),
           (0xFB00, 0xFB50), (0xFE20, 0xFE30)]
_CHARACTERS = [chr(c) for low, high in _BLOCKS for c in range(low, high)]


@pytest.mark.parametrize("around", ["{}", "é{}", "{}\u0301", "{}\u034f", "\u2019{} É"])
def test_fold_is_the_plain_fold_character_by_character(around):
    for ch in _CHARACTERS:
        value = around.format(ch)
        assert text.fold(value) == _plain_fold(value), repr(value)


def test_fold_is_the_plain_fold_on_mixed_strings():
    rng = random.Random(12)
    for _ in range(20_000):
        value = "".join(rng.choice(_CHARACTERS) for _ in range(rng.randint(1, 24)))
        assert text.fold(value) == _plain_fold(value), repr(value)
    assert text.fold("Sécurité civile — Saguenay–Lac-Saint-Jean") == \
        "securite civile - saguenay-lac-saint-jean"


def test_unsafe_patterns_match_exactly_the_characters_they_list():
    unsafe = text.UNSAFE_CHARACTERS | text._NEVER_STORED
    plain_line = re.compile("[" + re.escape("".join(sorted(unsafe))) + "]")
    plain_text = re.compile("[" + re.escape("".join(sorted(unsafe - text._LINE_BREAKS))) + "]")
    for point in range(0x110000):
        ch = chr(point)
        assert bool(text._UNSAFE_IN_LINE.search(ch)) == bool(plain_line.search(ch)), hex(point)
        assert bool(text._UNSAFE_IN_TEXT.search(ch)) == bool(plain_text.search(ch)), hex(point)
