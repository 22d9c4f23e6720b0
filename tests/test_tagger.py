"""Tests of BiRNNTagger: string and numeric sequences, padding, unseen words, model selection."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import BiRNNTagger
from sklearn_rnn.metrics import entity_f1_score, entity_f1_scorer, flat_accuracy_score

# small and fast (a small character CNN, little word dropout): toy languages
FAST = dict(
    hidden_size=16,
    num_layers=1,
    batch_size=16,
    learning_rate_init=0.02,
    word_dropout=0.05,
    char_embedding_dim=16,
    n_threads=1,
)

_STEMS = ["bal", "cor", "dem", "fil", "gan", "hop", "kir", "lum", "mor", "nat", "pil", "ros"]


def _suffix_language(stems, n=80, seed=0):
    """Sentences "DET NOUN VERB [ADV]": nouns end in -tion, verbs in -ize, adverbs in -ly."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        words = [rng.choice(["the", "a", "this"])]
        words += [rng.choice(stems) + "tion", rng.choice(stems) + "ize"]
        tags = ["DET", "NOUN", "VERB"]
        if rng.rand() < 0.5:
            words.append(rng.choice(stems) + "ly")
            tags.append("ADV")
        X.append(words)
        y.append(tags)
    return X, y


def _lookahead_language(n=80, seed=0):
    """Ragged sentences of "x"/"y"; a token's tag is the *next* token ("END" at the end)."""
    rng = np.random.RandomState(seed)
    X = [list(rng.choice(["x", "y"], size=rng.randint(2, 9))) for _ in range(n)]
    y = [[*s[1:], "END"] for s in X]
    return X, y


def _entity_language(n=60, seed=0):
    """IOB2 entities: two-token person names and one-token places among filler words."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(2, 5)):
            r = rng.rand()
            if r < 0.3:
                words += [rng.choice(["anna", "ben", "cleo"]), rng.choice(["smith", "jones"])]
                tags += ["B-PER", "I-PER"]
            elif r < 0.5:
                words.append(rng.choice(["paris", "rome", "oslo"]))
                tags.append("B-LOC")
            else:
                words.append(rng.choice(["went", "to", "and", "saw", "met"]))
                tags.append("O")
        X.append(words)
        y.append(tags)
    return X, y


@pytest.fixture(scope="module")
def fitted_suffix_tagger():
    X, y = _suffix_language(_STEMS[:8])
    return BiRNNTagger(**FAST, max_iter=15, random_state=0).fit(X, y)


def test_strings_fit_predict_and_outputs(fitted_suffix_tagger):
    tagger = fitted_suffix_tagger
    X, y = _suffix_language(_STEMS[:8], n=20, seed=1)
    pred = tagger.predict(X)
    assert pred.dtype == object and pred.shape == (20,)
    assert [len(p) for p in pred] == [len(s) for s in X]
    assert pred[0].dtype.kind == "U"
    assert list(tagger.classes_) == ["ADV", "DET", "NOUN", "VERB"]
    proba = tagger.predict_proba(X)
    assert [p.shape for p in proba] == [(len(s), 4) for s in X]
    np.testing.assert_allclose([p.sum(axis=1) for p in proba][0], 1.0, rtol=1e-6)
    # predict is the most probable tag of predict_proba
    assert all(
        np.array_equal(tagger.classes_[p.argmax(1)], q) for p, q in zip(proba, pred, strict=True)
    )
    assert tagger.score(X, y) == flat_accuracy_score(y, pred) > 0.95
    assert tagger.n_features_in_ == 1
    assert {"the", "a", "this"} <= set(tagger.vocabulary_)
    assert tagger.vocabulary_size_ == len(tagger.vocabulary_) + 2


def test_unseen_words_are_tagged_from_their_characters(fitted_suffix_tagger):
    # stems never seen in training: only the spelling tells the tag
    X, y = _suffix_language(_STEMS[8:], n=30, seed=2)
    assert not {w for s in X for w in s[1:]} & set(fitted_suffix_tagger.vocabulary_)
    assert fitted_suffix_tagger.score(X, y) > 0.95
    # without the character representation, unknown words in the ambiguous
    # last position (VERB or ADV) cannot be told apart (an odd seed may learn
    # the position instead, so the share is taken over three seeds)
    X_train, y_train = _suffix_language(_STEMS[:8])
    last_ok = []
    for seed in range(3):
        words_only = BiRNNTagger(
            **{**FAST, "char_embedding_dim": None}, max_iter=15, random_state=seed
        ).fit(X_train, y_train)
        pred = words_only.predict(X)
        last_ok += [p[-1] == t[-1] for p, t in zip(pred, y, strict=True) if len(t) == 4]
    assert np.mean(last_ok) < 0.9


def test_sentence_alone_equals_sentence_in_padded_batch(fitted_suffix_tagger):
    sentence = ["a", "baltion", "corize"]
    batch = [
        ["this", "moration", "natize", "rosly", "the", "a", "this", "the"],
        sentence,
        ["the", "fil"],
    ]
    alone = fitted_suffix_tagger.predict_proba([sentence])[0]
    together = fitted_suffix_tagger.predict_proba(batch)[1]
    np.testing.assert_allclose(alone, together, atol=1e-6)


def test_bidirectional_reads_the_following_tokens():
    X, y = _lookahead_language()
    bi = BiRNNTagger(**FAST, max_iter=15, random_state=0).fit(X, y)
    assert bi.score(X, y) > 0.97
    uni = BiRNNTagger(**FAST, max_iter=15, bidirectional=False, random_state=0).fit(X, y)
    assert uni.score(X, y) < 0.8  # the future token is invisible to a forward-only model


def test_numeric_ragged_sequences():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(3, 12), 2)) for _ in range(80)]
    # tag of a step: sign of its feature 0 plus the next step's feature 0
    y = []
    for x in X:
        s = x[:, 0] + np.append(x[1:, 0], 0.0)
        y.append(np.where(s > 0, "up", "down"))
    tagger = BiRNNTagger(**FAST, max_iter=30, random_state=0).fit(X, y)
    assert tagger.n_features_in_ == 2
    pred = tagger.predict(X)
    assert [len(p) for p in pred] == [len(x) for x in X]
    assert tagger.score(X, y) > 0.9
    with pytest.raises(ValueError, match="fitted on numeric sequences"):
        tagger.predict([["a", "b"]])


def test_token_ids_and_univariate_table():
    rng = np.random.RandomState(0)
    ids = rng.randint(0, 5, size=(60, 6))
    y = ids % 2  # 2-D integer labels, one per step
    tagger = BiRNNTagger(**FAST, max_iter=20, embedding_dim=8, random_state=0).fit(ids, y)
    pred = tagger.predict(ids)
    assert len(pred) == 60 and pred[0].dtype.kind == "i"
    assert tagger.score(ids, y) > 0.95
    assert tagger.vocabulary_size_ == 6


def test_table_with_one_label_per_row_is_row_classification():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "a", "b")
    tagger = BiRNNTagger(**FAST, max_iter=20, random_state=0).fit(X, y)
    pred = tagger.predict(X)
    assert pred.shape == (90,)
    assert tagger.predict_proba(X).shape == (90, 2)
    assert tagger.n_features_in_ == 3
    assert tagger.score(X, y) > 0.9


def test_pipeline_gridsearch_entity_f1_and_cross_val_score():
    X, y = _entity_language()
    lower = FunctionTransformer(lambda X: [[w.lower() for w in s] for s in X])
    pipe = Pipeline([("lower", lower), ("tag", BiRNNTagger(**FAST, random_state=0))])
    search = GridSearchCV(
        pipe, {"tag__max_iter": [1, 15]}, scoring=entity_f1_scorer, cv=KFold(2)
    ).fit(X, y)
    assert search.best_params_ == {"tag__max_iter": 15}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > 0.9 and scores[0] < scores[1]
    X_upper = [[w.upper() for w in s] for s in X]
    assert entity_f1_score(y, search.predict(X_upper)) > 0.9
    cv = cross_val_score(BiRNNTagger(**FAST, max_iter=15, random_state=0), X, y, cv=3)
    assert cv.shape == (3,) and np.all(cv > 0.9)


def test_clone_pickle_and_random_state(fitted_suffix_tagger):
    X, y = _suffix_language(_STEMS[:8], n=10, seed=3)
    restored = pickle.loads(pickle.dumps(fitted_suffix_tagger))
    for a, b in zip(restored.predict_proba(X), fitted_suffix_tagger.predict_proba(X), strict=True):
        np.testing.assert_array_equal(a, b)
    fresh = clone(fitted_suffix_tagger)
    assert not hasattr(fresh, "net_")
    assert fresh.get_params() == fitted_suffix_tagger.get_params()
    X_train, y_train = _suffix_language(_STEMS[:8])
    refit = fresh.fit(X_train, y_train)
    for a, b in zip(refit.predict_proba(X), fitted_suffix_tagger.predict_proba(X), strict=True):
        np.testing.assert_array_equal(a, b)


def test_vocabulary_limits():
    X = [["a", "a", "a", "b", "b", "c"], ["A", "b", "d"]] * 3
    y = [["T"] * 6, ["T", "U", "U"]] * 3
    tagger = BiRNNTagger(**FAST, max_iter=1, min_count=6, random_state=0).fit(X, y)
    assert set(tagger.vocabulary_) == {"a", "b"}  # lower-cased; "a" 12 times, "b" 9
    tagger.set_params(min_count=1, max_features=1, lowercase=False).fit(X, y)
    assert set(tagger.vocabulary_) == {"a"}
    assert tagger.vocabulary_size_ == 3
    # ties in word order, not in order of appearance: without lower-casing
    # "a" and "b" occur 9 times each, "c", "A" and "d" 3 times each
    tagger.set_params(max_features=4).fit(X, y)
    assert tagger.vocabulary_ == {"a": 2, "b": 3, "A": 4, "c": 5}


def test_max_vocabulary_size_is_the_deprecated_name_of_max_features():
    X = [["a", "a", "a", "b", "b", "c"], ["A", "b", "d"]] * 3
    y = [["T"] * 6, ["T", "U", "U"]] * 3
    new = BiRNNTagger(**FAST, max_iter=1, max_features=2, random_state=0).fit(X, y)
    old = BiRNNTagger(**FAST, max_iter=1, max_vocabulary_size=2, random_state=0)
    with pytest.warns(FutureWarning, match="max_vocabulary_size was renamed max_features"):
        old.fit(X, y)
    assert old.vocabulary_ == new.vocabulary_ == {"a": 2, "b": 3}
    np.testing.assert_array_equal(
        np.concatenate(old.predict_proba(X)), np.concatenate(new.predict_proba(X))
    )
    both = BiRNNTagger(max_features=2, max_vocabulary_size=2)
    with pytest.raises(ValueError, match="set only max_features"):
        both.fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        new.fit(X, y)


def test_early_stopping_and_sample_weight():
    X, y = _suffix_language(_STEMS[:8])
    tagger = BiRNNTagger(
        **FAST, max_iter=30, early_stopping=True, n_iter_no_change=2, random_state=0
    ).fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(X)))
    assert tagger.n_iter_ < 30
    assert len(tagger.validation_scores_) == tagger.n_iter_
    assert max(tagger.validation_scores_) > 0.9


@pytest.mark.parametrize(
    "X, y, match",
    [
        ([["a", "b"], ["c"]], [["T", "U"], ["T", "U"]], r"y\[1\] has 2 labels but X\[1\] has 1"),
        ([["a", "b"], ["c"]], [["T", "U"]], "X has 2 sequences but y has 1"),
        ([["a", "b"], []], [["T", "U"], []], r"X\[1\] is an empty sentence"),
        ([["a", 3]], [["T", "U"]], "mixes strings"),
        ([["a", None]], [["T", "U"]], "mixes strings with NoneType"),
        ([["a", "b"], ["c", "d"]], [["T", "U"], [1, 2]], "mixes labels of different types"),
        ([["a", "b"]], [["T", 1]], "mixes labels of different types"),
        ([["a", "b"]], [["T", None]], "None labels"),
        ([["a", "b"]], ["T", "U"], "one label sequence per sequence"),
        ([["a", "b"]], [["T", "T"]], "at least 2 classes"),
        ([["a", "b"]], [[0.5, 1.5]], "Unknown label type"),
    ],
)
def test_clear_errors_before_training(X, y, match):
    tagger = BiRNNTagger(**FAST, max_iter=1)
    with pytest.raises(ValueError, match=match):
        tagger.fit(X, y)
    assert not hasattr(tagger, "net_")


def test_predict_errors(fitted_suffix_tagger):
    with pytest.raises(ValueError, match="empty sentence"):
        fitted_suffix_tagger.predict([["the"], []])
    with pytest.raises(ValueError, match="fitted on string tokens"):
        fitted_suffix_tagger.predict([np.ones((3, 1))])
    for only_empty in ([[]], [[], []], ([],)):  # no token tells their type
        with pytest.raises(ValueError, match=r"X\[0\] is an empty sentence"):
            fitted_suffix_tagger.predict(only_empty)
    with pytest.raises(ValueError, match=r"X\[1\] is a str"):
        fitted_suffix_tagger.predict([["the"], "the dog runs"])


def test_sentences_given_as_strings_get_the_hint_to_split_them():
    tagger = BiRNNTagger(**FAST, max_iter=1)
    with pytest.raises(ValueError, match=r"X\[0\] is a string; .*text.split\(\)"):
        tagger.fit(["the dog", "a cat"], [["D", "N"], ["D", "N"]])
    assert not hasattr(tagger, "net_")


def test_char_cnn_widths_padding_and_boundaries():
    import torch

    from sklearn_rnn.modules import CharCNN

    torch.manual_seed(0)
    cnn = CharCNN(num_chars=12, output_size=10)
    assert [c.kernel_size[0] for c in cnn.convs] == [2, 3, 4, 5]
    assert [c.out_channels for c in cnn.convs] == [2, 2, 2, 4]
    words = torch.tensor([[2, 3, 4, 0], [5, 0, 0, 0], [0, 0, 0, 0]])
    out = cnn(words)
    assert out.shape == (3, 10)
    # more padding after the words changes nothing; an empty word is all zeros
    wider = torch.cat([words, torch.zeros(3, 4, dtype=torch.int64)], dim=1)
    torch.testing.assert_close(cnn(wider), out)
    assert torch.all(out[2] == 0)
    # filters read the word's edges: "aa" and "aaa" hold the same character pairs,
    # but only "aa" is a whole word inside a window of 4
    assert not torch.allclose(cnn(torch.tensor([[2, 2, 0]])), cnn(torch.tensor([[2, 2, 2]])))
    # fewer filters than widths: one filter per width, the narrowest first
    assert [c.kernel_size[0] for c in CharCNN(12, 2).convs] == [2, 3]
    assert CharCNN(12, 2)(words).shape == (3, 2)
