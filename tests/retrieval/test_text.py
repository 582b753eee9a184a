"""Tokens for BM25 and the clean-up every query goes through."""

from __future__ import annotations

import pytest

from tickets.retrieval.text import (
    EmptyQueryError,
    LexicalTokenizer,
    clean_query,
    guess_language,
    identifier_share,
)


def test_tokenizer_drops_stop_words_and_stems():
    assert LexicalTokenizer().tokenize("The users are running") == ["user", "run"]


def test_tokenizer_keeps_identifiers_whole_and_in_parts():
    tokens = LexicalTokenizer(stemmer=None).tokenize("NullPointerException dfs.namenode.dir")
    assert tokens == [
        "nullpointerexception", "null", "pointer", "exception",
        "dfs.namenode.dir", "dfs", "namenode", "dir",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("How do I reset my password?", 0.0),
        ("NullPointerException in dfs.namenode.dir after HDFS-1234", 0.6),
        ("", 0.0),
    ],
)
def test_identifier_share_counts_words_with_several_parts(text, share):
    assert identifier_share(text) == pytest.approx(share)


def test_tokenizer_without_splitting_keeps_only_whole_words():
    tokenizer = LexicalTokenizer(stemmer=None, split_identifiers=False)
    assert tokenizer.tokenize("Router-X E1042") == ["router-x", "e1042"]


@pytest.mark.parametrize("text", ["", "   ", "?!", None, "\n\t"])
def test_empty_query_is_refused_with_the_flags_to_use(text):
    with pytest.raises(EmptyQueryError, match="--text"):
        clean_query(text, max_chars=2000)


def test_a_50_kb_query_is_truncated_with_a_warning():
    query = clean_query("router drops " * 4000, max_chars=2000)
    assert len(query.text) <= 2000
    assert query.truncated_from == 51_999
    assert "51,999 characters" in query.warnings[0]


def test_whitespace_is_normalised():
    assert clean_query("  WAN\n\n drops\t E1042 ", 2000).text == "WAN drops E1042"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Router-X keeps dropping the WAN connection with E1042", "en"),
        ("Der Drucker druckt nicht mehr und die Warteschlange ist leer", "de"),
        ("El correo no se sincroniza con el servidor desde ayer", "es"),
        ("Не работает принтер в офисе", "other"),
        ("E1042", "en"),
    ],
)
def test_language_guess(text, language):
    assert guess_language(text) == language


def test_a_query_in_another_language_comes_with_a_warning():
    query = clean_query("Der Drucker druckt nicht mehr und die Warteschlange ist leer", 2000)
    assert query.language == "de"
    assert "English" in query.warnings[0]
