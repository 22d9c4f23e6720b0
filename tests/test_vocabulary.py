"""Tests of the one vocabulary builder and of its two users."""

import numpy as np
import pytest

from sklearn_rnn import BiRNNTagger
from sklearn_rnn._vocabulary import PAD_ID, UNKNOWN_ID, build_char_vocabulary, build_vocabulary
from sklearn_rnn.preprocessing import TokenSequenceVectorizer

DOCS = [["b", "a", "c", "a"], ["c", "d"], ["d", "e", "b"], ["a"]]


def test_most_frequent_first_ties_in_token_order():
    vocab = build_vocabulary(DOCS)
    assert vocab == {"a": 2, "b": 3, "c": 4, "d": 5, "e": 6}
    assert build_vocabulary(DOCS[::-1]) == vocab  # independent of the document order
    assert min(vocab.values()) == UNKNOWN_ID + 1 > PAD_ID


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"min_count": 2}, ["a", "b", "c", "d"]),
        ({"min_count": 3}, ["a"]),
        ({"min_df": 2}, ["a", "b", "c", "d"]),
        ({"min_df": 3}, []),  # "a" occurs 3 times but in 2 documents
        ({"min_df": 0.5}, ["a", "b", "c", "d"]),
        ({"max_features": 2}, ["a", "b"]),
        ({"exclude": {"a"}, "max_features": 2}, ["b", "c"]),
        ({"start": 5, "max_features": 1}, ["a"]),
    ],
)
def test_counts_and_limits(kwargs, expected):
    vocab = build_vocabulary(DOCS, **kwargs)
    assert list(vocab) == expected
    start = kwargs.get("start", 2)
    assert list(vocab.values()) == list(range(start, start + len(expected)))


def test_char_vocabulary():
    assert build_char_vocabulary(["ba", "ab", "c"]) == {"a": 2, "b": 3, "c": 4}


def test_vectorizer_and_tagger_build_the_same_vocabulary():
    texts = ["b a c a", "c d", "d e b", "a"]
    vec = TokenSequenceVectorizer(max_features=3).fit(texts)
    tagger = BiRNNTagger(hidden_size=2, num_layers=1, max_iter=1, max_features=3, random_state=0)
    tagger.fit([t.split() for t in texts], [["T"] * len(t.split()) for t in texts[:-1]] + [["U"]])
    expected = build_vocabulary(DOCS, max_features=3)
    assert tagger.vocabulary_ == expected
    assert {k: v for k, v in vec.vocabulary_.items() if v > UNKNOWN_ID} == expected
    ids = vec.transform(["a e"])[0]
    np.testing.assert_array_equal(ids, [2, UNKNOWN_ID])
