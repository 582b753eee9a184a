"""Text handling shared by every retriever: BM25 tokens, query clean-up, language guess."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W_]+(?:[._\-/:][^\W_]+)*", re.UNICODE)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_PART = re.compile(r"[._\-/:]")
_SPACES = re.compile(r"\s+")
_CACHE_LIMIT = 1_000_000  # distinct raw words remembered by a tokenizer

_STOPWORD_LISTS = {
    "en": "STOPWORDS_EN",
    "de": "STOPWORDS_GERMAN",
    "fr": "STOPWORDS_FRENCH",
    "es": "STOPWORDS_SPANISH",
    "it": "STOPWORDS_ITALIAN",
    "pt": "STOPWORDS_PORTUGUESE",
    "nl": "STOPWORDS_DUTCH",
}


@functools.lru_cache(maxsize=16)
def stopword_set(name: str | None) -> frozenset[str]:
    """The bm25s stop-word list called ``name`` ("en", "de", ...); empty for None."""
    if not name:
        return frozenset()
    from bm25s import tokenization

    if name not in _STOPWORD_LISTS:
        raise ValueError(
            f"unknown stop-word list {name!r}; choose one of {sorted(_STOPWORD_LISTS)}"
        )
    return frozenset(getattr(tokenization, _STOPWORD_LISTS[name]))


@dataclass
class LexicalTokenizer:
    """Lower-cased words, stop words dropped, stemmed; identifiers also split into their parts.

    ``NullPointerException`` gives ``nullpointerexcept`` plus ``null``, ``pointer``, ``except``;
    ``dfs.namenode.dir`` gives the whole name plus ``dfs``, ``namenod``, ``dir``.
    """

    stemmer: str | None = "english"
    stopwords: str | None = "en"
    split_identifiers: bool = True
    _stop: frozenset[str] = field(init=False, repr=False)
    _forms_cache: dict[str, tuple[str, ...]] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = stopword_set(self.stopwords)
        self._stemmer = None
        if self.stemmer:
            import Stemmer

            self._stemmer = Stemmer.Stemmer(self.stemmer)

    def tokenize(self, text: str) -> list[str]:
        tokens: list[str] = []
        cache = self._forms_cache
        for word in _WORD.findall(text or ""):
            forms = cache.get(word)
            if forms is None:
                forms = self._final_forms(word)
                if len(cache) < _CACHE_LIMIT:
                    cache[word] = forms
            tokens.extend(forms)
        return tokens

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]

    def _final_forms(self, raw: str) -> tuple[str, ...]:
        forms = self._word_forms(raw)
        return tuple(self._stem(w) for w in forms if len(w) > 1 and w not in self._stop)

    def _word_forms(self, raw: str) -> list[str]:
        lower = raw.lower()
        if not self.split_identifiers:
            return [lower]
        pieces = [c.lower() for c in _identifier_parts(raw)]
        if len(pieces) <= 1:
            return [lower]
        return [lower, *pieces]

    def _stem(self, word: str) -> str:
        return self._stemmer.stemWord(word) if self._stemmer is not None else word


@functools.lru_cache(maxsize=256)  # a query's two collections and its walk ask the same text
def identifier_share(text: str) -> float:
    """The share of the words of ``text`` that are identifiers (``NullPointerException``,
    ``dfs.namenode.dir``, ``HDFS-1234``): words with more than one part. 0 for no words."""
    words = _WORD.findall(text or "")
    if not words:
        return 0.0
    return sum(len(_identifier_parts(w)) > 1 for w in words) / len(words)


def _identifier_parts(raw: str) -> list[str]:
    """CamelCase, digit and separator (``._-/:``) parts of one word, case kept."""
    parts = [p for p in _PART.split(raw) if p]
    return [c for p in parts for c in (_CAMEL.findall(p) or [p])]


@dataclass(frozen=True)
class CleanQuery:
    """A query ready for retrieval, with warnings for the person who typed it."""

    text: str
    truncated_from: int | None = None  # original length in characters when truncated
    language: str = "en"
    warnings: tuple[str, ...] = ()


class EmptyQueryError(ValueError):
    """The query has no searchable text."""


@functools.lru_cache(maxsize=256)  # the API cleans each ticket's query before and in recommend
def clean_query(text: str | None, max_chars: int, min_chars: int = 3) -> CleanQuery:
    """Normalise whitespace, truncate very long queries, and flag non-English text."""
    normalised = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    if len(normalised) < min_chars or not _WORD.search(normalised):
        raise EmptyQueryError(
            'the query is empty or has no words: pass the ticket text with --text "..." '
            "or an existing ticket with --ticket-id ID"
        )
    warnings: list[str] = []
    truncated_from = None
    if len(normalised) > max_chars:
        truncated_from = len(normalised)
        normalised = normalised[:max_chars].rsplit(" ", 1)[0] or normalised[:max_chars]
        warnings.append(
            f"the query had {truncated_from:,} characters; only the first {len(normalised):,} "
            f"were used (raise retrieval.query.max_chars to keep more)"
        )
    language = guess_language(normalised)
    if language != "en":
        warnings.append(
            f"the query looks like language '{language}', but the index and the embedder are "
            "English: matches may be poor; add an English summary to the query"
        )
    return CleanQuery(normalised, truncated_from, language, tuple(warnings))


def guess_language(text: str) -> str:
    """A cheap guess: 'en', another stop-word list's code, or 'other' for non-Latin scripts."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    non_latin = sum(1 for c in letters if not _is_latin(c))
    if non_latin / len(letters) > 0.3:
        return "other"
    words = [w.lower() for w in _WORD.findall(text)]
    counts = {code: _stop_hits(words, code) for code in _STOPWORD_LISTS}
    best = max(counts, key=lambda code: counts[code])
    if best != "en" and counts[best] >= 2 and counts[best] > 1.5 * counts["en"]:
        return best
    return "en"


def _stop_hits(words: Sequence[str], code: str) -> int:
    stop = stopword_set(code)
    english = stopword_set("en") if code != "en" else frozenset()
    return sum(1 for w in words if w in stop and w not in english)


def _is_latin(char: str) -> bool:
    return ord(char) < 0x250  # Basic Latin, Latin-1 Supplement and Latin Extended-A/B
