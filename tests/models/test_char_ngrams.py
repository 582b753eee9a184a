"""The numpy char n-gram TF-IDF against scikit-learn's char_wb, and features shared by members."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tickets.models.char_ngrams import CharNgramTfidf
from tickets.models.features import TicketBatch
from tickets.models.tfidf import TextSettings

from .builders import tiny_settings

TEXTS = ["vpn down", "vpn  Down\tagain", "a", "", "über straße", "reset password reset"]


@pytest.mark.parametrize(("ngrams", "min_df"), [((2, 5), 1), ((2, 3), 2), ((3, 4), 1)])
def test_same_features_and_values_as_sklearn_char_wb(ngrams: tuple[int, int], min_df: int) -> None:
    ours = CharNgramTfidf(ngrams, min_df=min_df)
    theirs = TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngrams, sublinear_tf=True, min_df=min_df
    )
    fitted_ours, fitted_theirs = ours.fit_transform(TEXTS), theirs.fit_transform(TEXTS)
    names = ours.get_feature_names_out()
    order = np.argsort(names)
    assert names[order].tolist() == theirs.get_feature_names_out().tolist()
    assert np.allclose(fitted_ours.toarray()[:, order], fitted_theirs.toarray(), atol=1e-6)
    unseen = ["vpn ☃ gone", "zzz", "password"]
    new_ours, new_theirs = ours.transform(unseen), theirs.transform(unseen)
    assert np.allclose(new_ours.toarray()[:, order], new_theirs.toarray(), atol=1e-6)


def test_hand_counted_ngrams_of_one_word() -> None:
    # " ab " → 2-grams " a", "ab", "b " and 3-grams " ab", "ab ": 5 n-grams, all df 1
    ours = CharNgramTfidf((2, 3)).fit(["ab"])
    assert sorted(ours.get_feature_names_out().tolist()) == [" a", " ab", "ab", "ab ", "b "]
    row = ours.transform(["ab ab"]).toarray()[0]
    # each n-gram occurs twice: (1 + ln 2) · idf (equal) → after l2 all equal 1/√5
    assert np.allclose(row, 1 / np.sqrt(5))


def test_max_features_keeps_the_most_frequent_ngrams() -> None:
    ours = CharNgramTfidf((2, 2), max_features=2).fit(["aaa", "aab"])
    # padded " aaa ", " aab ": "aa" ×3, " a" ×2, "a " ×1, "ab" ×1, "b " ×1
    assert sorted(ours.get_feature_names_out().tolist()) == [" a", "aa"]


def test_members_share_one_fitted_tfidf_and_a_batch_computes_it_once(
    labelled: pd.DataFrame,
) -> None:
    from tickets.models.factory import build_classifier

    classifier = build_classifier(tiny_settings("ensemble", params={}, refit=False))
    classifier.fit(labelled, labelled["category"].to_numpy())
    transforms = {
        id(m.vectorizer_ if hasattr(m, "vectorizer_") else m.tfidf_)
        for m in classifier.fitted_.values()
    }
    assert len(transforms) == 1
    batch = TicketBatch(labelled.head(5))
    calls: list[int] = []
    shared = classifier.fitted_["linear"].vectorizer_
    original = shared.transform

    def counting(texts: list[str]) -> object:
        calls.append(len(texts))
        return original(texts)

    shared.transform = counting
    classifier.predict_proba(batch)
    assert calls == [5]


def test_equal_text_settings_fit_once_per_batch(labelled: pd.DataFrame) -> None:
    batch = TicketBatch(labelled)
    first, rows = TextSettings().fitted(batch)
    second, _ = TextSettings().fitted(batch)
    other, _ = TextSettings(char_ngrams=(2, 4)).fitted(batch)
    assert first is second and other is not first
    assert rows.shape[0] == len(labelled)
