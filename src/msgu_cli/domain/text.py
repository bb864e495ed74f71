"""Accent- and case-blind text: every comparison a user relies on goes through `fold`."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents, so `Géolocalisation` == `geolocalisation`."""
    if text.isascii():  # nothing to translate or decompose: the common case, made cheap
        return " ".join(text.lower().split())
    text = text.translate(_PUNCTUATION_TWINS)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
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
