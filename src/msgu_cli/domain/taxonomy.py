"""The bilingual topic taxonomy: names to codes, the hierarchy, and topics found in free text.

Pure code over a list of `Topic`. The name index is built in `Taxonomy.__init__`, so a lookup is
one dict access; the stem index for free text is built once, on first use (stemming every name
costs tens of milliseconds), and mapping a text onto topics is linear in its length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

from ..errors import InvalidInput
from ..i18n import N_, Message
from .models import Topic
from .text import closest, content_words, did_you_mean, shown, slug, stem

GROUPS: tuple[str, ...] = ("hazard", "function", "sector", "user")
Relation = Literal["parent", "child"]

# A stem shorter than this is too ambiguous alone (`cru`, `don`, `cit`): only the exact words
# written in the taxonomy match (`crue`, `dons`, `GPS`), never other words that share the stem.
_MIN_STEM = 4
_MIN_WORD = 3
# Stems that are also everyday words with another meaning (`environ` = about, `former`,
# `chaleureux`, `relever`, `générer`): they too match only through the exact words.
_UNSAFE_STEMS = frozenset({"environ", "format", "chaleur", "relev", "gener"})
_MAX_LABEL = 80
# Words as `text.words` sees them, plus combining accents so decomposed (NFD) input stays whole.
_TOKEN = re.compile(r"[\w\u0300-\u036f]+")
_TABLE_KEYS = frozenset({"fr", "en", "group", "parents", "synonyms"})
# (folded word, stem, start, end) of one content word; start/end index the original text.
_Token = tuple[str, str, int, int]


def _key(text: str) -> str:
    """What `resolve` compares: accents, case, hyphens, underscores, apostrophes, spaces ignored."""
    return slug(text)


class Taxonomy:
    """The topics, indexed for O(1) name lookups and linear-time text matching."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self._by_code: dict[str, Topic] = {}
        for topic in self.topics:
            if topic.code in self._by_code:
                raise ValueError(f"Topic code '{topic.code}' appears twice.")
            self._by_code[topic.code] = topic
        self._parents: dict[str, tuple[str, ...]] = {
            t.code: tuple(p for p in dict.fromkeys(t.parents) if p in self._by_code and p != t.code)
            for t in self.topics
        }
        children: dict[str, list[str]] = {t.code: [] for t in self.topics}
        for code, parents in self._parents.items():
            for parent in parents:
                children[parent].append(code)
        self._children = {code: tuple(kids) for code, kids in children.items()}
        # Codes win any clash of names (`_tiers`): a name that is a code is found without the
        # index of every label and synonym, built at the first other name (slugging a thousand
        # accented names costs milliseconds, and most commands name topics by code).
        self._code_keys: dict[str, str] = {}
        for code in self._by_code:
            self._code_keys.setdefault(_key(code), code)
        self._code_keys.pop("", None)
        self._name_keys: dict[str, str] | None = None
        self._text_index: _TextIndex | None = None

    @property
    def _keys(self) -> dict[str, str]:
        """Every name's key -> its code (codes, then labels, then synonyms)."""
        if self._name_keys is None:
            keys: dict[str, str] = {}
            for forms in self._tiers():
                for code, form in forms:
                    keys.setdefault(_key(form), code)
            keys.pop("", None)
            self._name_keys = keys
        return self._name_keys

    def _tiers(self) -> Iterator[list[tuple[str, str]]]:
        """Codes, then labels, then synonyms: on a clash the more official name wins."""
        yield [(t.code, t.code) for t in self.topics]
        yield [(t.code, label) for t in self.topics for label in (t.label_fr, t.label_en)]
        yield [(t.code, s) for t in self.topics for s in t.synonyms]

    def __len__(self) -> int:
        return len(self.topics)

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Topic | None:
        """The topic with exactly this code (use `find` for what a person typed)."""
        return self._by_code.get(code)

    def find(self, text: str) -> str | None:
        """The code that `text` names (code, label or synonym, any spelling), or None."""
        key = _key(text)
        return self._code_keys.get(key) or self._keys.get(key)

    def resolve(self, text: str, *, creatable: bool = False) -> str:
        """Like `find`, but an unknown name is an error that suggests the closest codes (and
        `--new-topic`, where the command has it: `creatable`)."""
        code = self.find(text)
        if code is not None:
            return code
        written = " ".join(text.split())
        if not _key(written):
            raise InvalidInput(Message(N_("Empty topic name. See 'msgu topics' for the list.")))
        unknown = (N_("Unknown topic '{topic}'.{hint} See 'msgu topics' for the list, or pass "
                      "--new-topic to create it.") if creatable else
                   N_("Unknown topic '{topic}'.{hint} See 'msgu topics' for the list."))
        raise InvalidInput(Message(unknown, {"topic": shown(written),
                                             "hint": did_you_mean(self.suggest(text))}))

    def suggest(self, text: str, *, limit: int = 3) -> list[str]:
        """Codes whose names look like `text`, closest first, for 'did you mean' hints."""
        key = _key(text)
        if not key:
            return []
        near = closest(key, list(self._keys), limit=limit * 4)
        return list(dict.fromkeys(self._keys[n] for n in near))[:limit]

    def parents(self, code: str) -> tuple[str, ...]:
        """Direct parents of `code` (known codes only; empty for an unknown code)."""
        return self._parents.get(code, ())

    def children(self, code: str) -> tuple[str, ...]:
        """Direct children of `code`, in taxonomy order."""
        return self._children.get(code, ())

    def ancestors(self, code: str) -> frozenset[str]:
        """Every topic above `code`, not `code` itself."""
        return self._walk(code, self._parents)

    def descendants(self, code: str) -> frozenset[str]:
        """Every topic below `code`, not `code` itself."""
        return self._walk(code, self._children)

    @staticmethod
    def _walk(code: str, edges: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
        """Reachable codes; the seen set also keeps a cycle in user data from looping."""
        seen: set[str] = set()
        todo = list(edges.get(code, ()))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(edges.get(current, ()))
        seen.discard(code)
        return frozenset(seen)

    def related(self, code: str) -> dict[str, Relation]:
        """Direct parents and children of `code`, for the partial credit ranking gives them."""
        out: dict[str, Relation] = {p: "parent" for p in self.parents(code)}
        for child in self.children(code):
            out.setdefault(child, "child")
        return out

    def topics_in_text(self, text: str) -> list[tuple[str, str]]:
        """[(code, matched phrase)] for the topics `text` mentions, in order of first appearance.

        Phrases (stems of content words) are tried longest first and each word serves one
        phrase only, so 'incendies de forêt' is a wildfire, not also the fire service.
        """
        if self._text_index is None:
            self._text_index = _TextIndex(self._tiers())
        index = self._text_index
        tokens = _tokens(text)
        used = [False] * len(tokens)
        hits: list[tuple[int, str, str]] = []
        for length in index.lengths:
            hits.extend(index.phrase_hits(text, tokens, used, length))
        for i, (word, root, start, end) in enumerate(tokens):
            code = None if used[i] else index.words.get(word) or index.stems.get(root)
            if code is not None:
                hits.append((i, code, text[start:end]))
        hits.sort(key=lambda hit: hit[0])
        found: dict[str, str] = {}
        for _, code, phrase in hits:
            found.setdefault(code, phrase)
        return list(found.items())

    @staticmethod
    def new_topic(label: str) -> Topic:
        """A user-created topic named `label` (the caller checks first that it is not known)."""
        clean = " ".join(label.split())
        code = slug(clean)
        if not code:
            raise InvalidInput(Message(N_(
                "Invalid topic '{topic}': a topic name needs at least one letter or digit."),
                {"topic": shown(label)}))
        if len(clean) > _MAX_LABEL:
            raise InvalidInput(Message(N_(
                "Topic name too long ({size} characters): keep it under {limit}."),
                {"size": len(clean), "limit": _MAX_LABEL}))
        if any(unicodedata.category(ch).startswith("C") for ch in clean):
            raise InvalidInput(Message(N_(
                "Invalid topic '{topic}': it contains control characters."),
                {"topic": shown(clean)}))
        return Topic(code=code, label_fr=clean, label_en=clean, group="user")


class _TextIndex:
    """Stem indexes for `topics_in_text`, built on first use: stemming every name takes tens of
    milliseconds that commands which only resolve codes should not pay."""

    def __init__(self, tiers: Iterable[list[tuple[str, str]]]) -> None:
        self.words: dict[str, str] = {}
        self.stems: dict[str, str] = {}
        self.phrases: dict[tuple[str, ...], str] = {}
        for forms in tiers:
            for code, form in forms:
                self._add(code, form)
        self.lengths = sorted({len(p) for p in self.phrases}, reverse=True)

    def _add(self, code: str, form: str) -> None:
        """One name of `code`: a phrase of stems, or one word (exact, and by stem when safe)."""
        folded = content_words(form)
        if len(folded) > 1:
            self.phrases.setdefault(tuple(stem(w) for w in folded), code)
        elif folded and len(folded[0]) >= _MIN_WORD:
            self.words.setdefault(folded[0], code)
            root = stem(folded[0])
            if len(root) >= _MIN_STEM and root not in _UNSAFE_STEMS:
                self.stems.setdefault(root, code)

    def phrase_hits(
        self, text: str, tokens: list[_Token], used: list[bool], length: int
    ) -> Iterator[tuple[int, str, str]]:
        """Left-to-right matches of `length`-word phrases over words not yet taken."""
        i = 0
        while i + length <= len(tokens):
            window = range(i, i + length)
            code = None
            if not any(used[j] for j in window):
                code = self.phrases.get(tuple(tokens[j][1] for j in window))
            if code is None:
                i += 1
                continue
            for j in window:
                used[j] = True
            yield i, code, text[tokens[i][2] : tokens[i + length - 1][3]]
            i += length


def _tokens(text: str) -> list[_Token]:
    """Content words of `text` with their place in it, so a match can quote the original."""
    out: list[_Token] = []
    for match in _TOKEN.finditer(text):
        for word in content_words(match.group()):
            out.append((word, stem(word), match.start(), match.end()))
    return out


def load_topics_toml(text: str) -> list[Topic]:
    """Topics from the `seeds/topics.toml` format; ValueError on any mistake in the file."""
    import tomllib  # only when a topics file is read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Topics file is not valid TOML: {exc}") from exc
    topics = [_topic_from_table(code, table) for code, table in data.items()]
    codes = {t.code for t in topics}
    for topic in topics:
        for parent in topic.parents:
            if parent not in codes:
                raise ValueError(f"Topic '{topic.code}': parent '{parent}' is not a topic code.")
    cycle = _find_cycle({t.code: t.parents for t in topics})
    if cycle:
        raise ValueError(f"Topic parents form a cycle: {' -> '.join(cycle)}.")
    return topics


def _topic_from_table(code: str, table: Any) -> Topic:
    """One `[code]` table, checked field by field so a typo in the file is named."""
    if slug(code) != code:
        raise ValueError(f"Topic code '{code}' must be lowercase ASCII words joined by hyphens.")
    if not isinstance(table, dict):
        raise ValueError(f"Topic '{code}' must be a table.")
    unknown = sorted(set(table) - _TABLE_KEYS)
    if unknown:
        raise ValueError(f"Topic '{code}': unknown key(s) {', '.join(unknown)}.")
    labels = [label.strip() for lang in ("fr", "en")
              if isinstance(label := table.get(lang), str) and label.strip()]
    if len(labels) != 2:
        raise ValueError(f"Topic '{code}' needs non-empty 'fr' and 'en' labels.")
    group = table.get("group", "function")
    if group not in GROUPS:
        raise ValueError(f"Topic '{code}': group '{group}' is not one of {', '.join(GROUPS)}.")
    return Topic(
        code=code,
        label_fr=labels[0],
        label_en=labels[1],
        synonyms=_strings(code, table, "synonyms"),
        parents=_strings(code, table, "parents"),
        group=group,
    )


def _strings(code: str, table: dict[str, Any], field: str) -> tuple[str, ...]:
    """A list-of-strings field, empty when absent."""
    value = table.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"Topic '{code}': '{field}' must be a list of non-empty strings.")
    return tuple(v.strip() for v in value)


def _find_cycle(parents: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A parent cycle as [a, b, ..., a], or None; depth-first with an explicit stack."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for root in parents:
        if root in state:
            continue
        path: list[str] = [root]
        stack: list[Iterator[str]] = [iter(parents.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(parents.get(nxt, ())))
    return None
