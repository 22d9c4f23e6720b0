"""Tests of TokenSequenceVectorizer and token-id input of LSTMClassifier on raw text."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import LSTMClassifier
from sklearn_rnn.preprocessing import TokenSequenceVectorizer

# small and fast; no dropout on the tiny toy vocabularies
FAST = dict(hidden_size=8, max_iter=15, batch_size=16, learning_rate_init=0.02, dropout=0.0)

POSITIVE = ["good", "great", "fine", "lovely", "superb"]
NEGATIVE = ["bad", "awful", "poor", "dull", "weak"]
FILLER = ["the", "film", "was", "plot", "and", "a", "story", "quite"]


def _reviews(n=80, seed=0):
    """Short reviews whose label is whether they hold more positive than negative words."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        strong = POSITIVE if label else NEGATIVE
        words = list(rng.choice(FILLER, size=rng.randint(2, 6)))
        words += list(rng.choice(strong, size=rng.randint(1, 3)))
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!"]))
        labels.append(label)
    return texts, np.array(labels)


# ------------------------------------------------------------------ vectorizer
def test_vocabulary_by_frequency_with_reserved_ids():
    vec = TokenSequenceVectorizer(min_df=1).fit(["B a b", "c b, a"])
    assert vec.vocabulary_ == {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3, ",": 4, "c": 5}
    out = vec.transform(["a b z", "C"])
    assert [s.tolist() for s in out] == [[3, 2, 1], [5]]
    assert all(s.dtype == np.int64 for s in out)
    # by default (min_df=2), a token of a single training string is unknown
    default = TokenSequenceVectorizer().fit(["B a b", "c b, a"])
    assert default.vocabulary_ == {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3}
    assert [s.tolist() for s in default.transform(["a b z", "C"])] == [[3, 2, 1], [1]]


def test_lowercase_pattern_and_tokenizer():
    vec = TokenSequenceVectorizer(lowercase=False, token_pattern=r"\S+", min_df=1).fit(
        ["Good film !"]
    )
    assert set(vec.vocabulary_) == {"<pad>", "<unk>", "Good", "film", "!"}
    vec = TokenSequenceVectorizer(tokenizer=lambda s: s.split("|"), min_df=1).fit(["A b|c"])
    assert set(vec.vocabulary_) == {"<pad>", "<unk>", "a b", "c"}
    bad = TokenSequenceVectorizer(tokenizer=lambda s: s)
    with pytest.raises(TypeError, match="list of strings"):
        bad.fit(["abc"])
    with pytest.raises(ValueError, match="regular expression"):
        TokenSequenceVectorizer(token_pattern="(").fit(["abc"])


def test_max_features_and_min_df():
    docs = ["a a a b b c", "a b d", "a e"]
    vec = TokenSequenceVectorizer(max_features=2).fit(docs)
    assert vec.vocabulary_ == {"<pad>": 0, "<unk>": 1, "a": 2, "b": 3}
    assert vec.transform(["c a"])[0].tolist() == [1, 2]
    assert set(TokenSequenceVectorizer(min_df=2).fit(docs).vocabulary_) == {
        "<pad>",
        "<unk>",
        "a",
        "b",
    }
    # a float min_df is a share of the documents: 0.9 * 3 docs -> in all 3
    assert set(TokenSequenceVectorizer(min_df=0.9).fit(docs).vocabulary_) == {
        "<pad>",
        "<unk>",
        "a",
    }


@pytest.mark.parametrize("truncating, expected", [("post", ["a", "b"]), ("pre", ["c", "d"])])
def test_max_length_truncating(truncating, expected):
    vec = TokenSequenceVectorizer(max_length=2, truncating=truncating, min_df=1).fit(["a b c d"])
    out = vec.transform(["a b c d", "a"])
    assert vec.inverse_transform(out) == [expected, ["a"]]


def test_inverse_transform_round_trip_and_errors():
    docs = ["The film was good .", "A bad plot !"]
    vec = TokenSequenceVectorizer(min_df=1).fit(docs)
    assert vec.inverse_transform(vec.transform(docs)) == [d.lower().split() for d in docs]
    assert vec.inverse_transform(vec.transform(["good unseen"])) == [["good", "<unk>"]]
    with pytest.raises(ValueError, match="outside 0..10"):
        vec.inverse_transform([[2, 11]])
    with pytest.raises(ValueError, match="integer token ids"):
        vec.inverse_transform([[0.5]])


def test_inverse_transform_reads_the_pandas_output_of_transform():
    docs = ["The film was good .", "A bad plot !"]
    vec = TokenSequenceVectorizer(min_df=1, output="padded").fit(docs)
    frame = vec.set_output(transform="pandas").transform(docs)
    assert isinstance(frame, pd.DataFrame)
    assert vec.inverse_transform(frame) == [d.lower().split() for d in docs]


def test_input_containers_agree():
    docs = ["Good film", "bad plot", "good plot"]
    vec = TokenSequenceVectorizer().fit(docs)
    expected = [s.tolist() for s in vec.transform(docs)]
    for X in (np.array(docs), np.array(docs, dtype=object), pd.Series(docs), tuple(docs)):
        assert [s.tolist() for s in vec.transform(X)] == expected
        assert TokenSequenceVectorizer().fit(X).vocabulary_ == vec.vocabulary_
    assert [s.tolist() for s in vec.transform(pd.DataFrame({"t": docs}))] == expected
    assert [s.tolist() for s in vec.transform([d.encode() for d in docs])] == expected


@pytest.mark.parametrize(
    "X, error, match",
    [
        ("a single string", TypeError, "single string"),
        (["ok", None], TypeError, r"X\[1\] is NoneType"),
        (pd.Series(["ok", np.nan]), TypeError, "fillna"),
        (np.array([["a", "b"]]), ValueError, "1-D array of strings"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, "one text column"),
        (5, TypeError, "iterable of strings"),
    ],
)
def test_bad_text_input_raises(X, error, match):
    vec = TokenSequenceVectorizer().fit(["some text"])
    with pytest.raises(error, match=match):
        vec.transform(X)
    with pytest.raises(error, match=match):
        TokenSequenceVectorizer().fit(X)


def test_fit_errors_and_not_fitted():
    with pytest.raises(ValueError, match="no documents"):
        TokenSequenceVectorizer().fit([])
    with pytest.raises(ValueError, match="must differ"):
        TokenSequenceVectorizer(pad_token="x", unknown_token="x").fit(["a"])
    with pytest.raises(ValueError, match="truncating"):
        TokenSequenceVectorizer(truncating="middle").fit(["a"])
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        TokenSequenceVectorizer().transform(["a"])


def test_empty_strings_become_the_unknown_token():
    vec = TokenSequenceVectorizer(min_df=1).fit(["good film", "", "  ... "])
    out = vec.transform(["", "   ", "@@@ ###", "good"])
    # "..." are tokens under the default pattern; whitespace alone is not
    assert "." in vec.vocabulary_
    assert [s.tolist() for s in out[:2]] == [[1], [1]]
    assert vec.inverse_transform(out[:1]) == [["<unk>"]]
    # with a pattern that skips punctuation, a string of symbols has no token either
    words = TokenSequenceVectorizer(token_pattern=r"\w+", min_df=1).fit(["good film"])
    assert words.transform(["@@@ ###"])[0].tolist() == [1]


# -------------------------------------------------------------- in a pipeline
def _pipeline(**clf_params):
    return make_pipeline(
        TokenSequenceVectorizer(),
        LSTMClassifier(**{**FAST, "embedding_dim": 8, "random_state": 0, **clf_params}),
    )


def test_pipeline_on_raw_text_grid_search_and_cross_val():
    texts, y = _reviews()
    grid = GridSearchCV(
        _pipeline(),
        {
            "tokensequencevectorizer__max_features": [3, None],
            "lstmclassifier__hidden_size": [4, 8],
        },
        cv=2,
    ).fit(texts, y)
    scores = grid.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    # 3 features keep only filler words: the words that decide the label are unknown
    assert grid.best_params_["tokensequencevectorizer__max_features"] is None
    assert grid.best_score_ > 0.85
    assert grid.score(*_reviews(40, seed=1)) > 0.85
    cv = cross_val_score(_pipeline(), pd.Series(texts), y, cv=3)
    assert cv.shape == (3,) and cv.min() > 0.8


def test_soft_voting_ensemble_of_networks_on_raw_text():
    texts, y = _reviews()
    members = [
        (f"{cell}{seed}", LSTMClassifier(**FAST, cell=cell, embedding_dim=8, random_state=seed))
        for cell in ("lstm", "gru")
        for seed in (0, 1)
    ]
    pipe = make_pipeline(TokenSequenceVectorizer(), VotingClassifier(members, voting="soft"))
    pipe.fit(texts, np.where(y == 1, "pos", "neg"))
    new, new_y = _reviews(40, seed=1)
    ids = pipe[0].transform(new)
    # the vote is the mean of the members' probabilities, which differ from each other
    each = np.stack([est.predict_proba(ids) for est in pipe[-1].estimators_])
    np.testing.assert_allclose(pipe.predict_proba(new), each.mean(axis=0), rtol=1e-6)
    assert not np.allclose(each[0], each[1])
    assert set(pipe.predict(new)) <= {"pos", "neg"}
    assert pipe.score(new, np.where(new_y == 1, "pos", "neg")) > 0.85


def test_pickled_pipeline_predicts_the_same():
    texts, y = _reviews()
    pipe = _pipeline().fit(texts, y)
    again = pickle.loads(pickle.dumps(pipe))
    new = ["a good film", "awful and dull", "", "never seen words"]
    np.testing.assert_array_equal(again.predict_proba(new), pipe.predict_proba(new))
    assert again[0].vocabulary_ == pipe[0].vocabulary_


def test_unseen_words_and_empty_strings_predict():
    texts, y = _reviews()
    pipe = _pipeline().fit(texts, y)
    # words never seen at fit all become the unknown token
    a, b, empty = pipe.predict_proba(["zebra quartz", "violin xylophone", ""])
    np.testing.assert_array_equal(a, b)
    assert pipe.predict_proba(["zebra"]).shape == (1, 2)
    np.testing.assert_allclose(empty, pipe.predict_proba(["zebra"])[0], rtol=1e-6)
    assert pipe.score(*_reviews(40, seed=2)) > 0.85
    # an empty string at fit is a one-step "unknown" sequence, not an error
    pipe.fit([*texts, ""], [*y, 0])


def test_ids_unseen_at_fit_map_to_the_unknown_row():
    rng = np.random.RandomState(0)
    X = [rng.choice([2, 3, 4, 6, 7], size=rng.randint(2, 8)) for _ in range(60)]
    y = np.array([int((x < 5).mean() > 0.5) for x in X])
    clf = LSTMClassifier(**FAST, embedding_dim=4, random_state=0).fit(X, y)
    assert clf.vocabulary_size_ == 9
    # 5 lies inside the id range but never occurred, like 1000: both are unknown
    a, b = clf.predict_proba([np.array([2, 5]), np.array([2, 1000])])
    np.testing.assert_array_equal(a, b)
    c = clf.predict_proba([np.array([2, 3])])[0]
    assert not np.allclose(a, c)


def test_predict_does_not_modify_the_callers_token_ids():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 10, size=(40, 5))
    y = rng.randint(0, 2, size=40)
    clf = LSTMClassifier(**FAST, embedding_dim=4, random_state=0).fit(X, y)
    X_new = X.copy()
    X_new[0, 0] = 50  # unseen at fit: read as the unknown id
    before = X_new.copy()
    clf.predict(X_new)
    np.testing.assert_array_equal(X_new, before)


def test_warm_start_keeps_the_embedding_and_refuses_larger_ids():
    rng = np.random.RandomState(0)
    X = [rng.choice([2, 3, 4, 6, 7], size=rng.randint(2, 8)) for _ in range(60)]
    y = np.array([int((x < 5).mean() > 0.5) for x in X])
    clf = LSTMClassifier(**FAST, embedding_dim=4, warm_start=True, random_state=0).fit(X, y)
    rows = clf.net_.module_.encoder.embedding.num_embeddings
    # smaller ids, and 5 now seen: the embedding keeps its rows, 5 becomes known
    X_small = [np.where(x == 7, 5, x) for x in X]
    clf.fit(X_small, y)
    assert clf.vocabulary_size_ == 9
    assert clf.net_.module_.encoder.embedding.num_embeddings == rows
    assert clf._known_ids[5] and clf._known_ids[7]
    with pytest.raises(ValueError, match="beyond the largest id of the previous fit"):
        clf.fit([np.append(x, 20) for x in X], y)
    assert clf.vocabulary_size_ == 9


# ------------------------------------------------------- pretrained embeddings
def _ids_and_labels():
    texts, y = _reviews(60)
    vec = TokenSequenceVectorizer().fit(texts)
    return vec, vec.transform(texts), y


@pytest.mark.parametrize("freeze", [True, False])
def test_pretrained_embedding_frozen_or_trained(freeze):
    vec, X, y = _ids_and_labels()
    weights = np.random.RandomState(0).normal(size=(len(vec.vocabulary_), 5))
    clf = LSTMClassifier(
        **FAST,
        embedding_dim=5,
        pretrained_embedding=weights,
        freeze_embedding=freeze,
        random_state=0,
    ).fit(X, y)
    learned = clf.net_.module_.encoder.embedding.weight.detach().numpy()
    assert clf.vocabulary_size_ == len(weights) + 1
    assert learned.shape == (len(weights) + 1, 5)
    np.testing.assert_array_equal(learned[-1], 0.0)  # the unseen-id row
    if freeze:
        np.testing.assert_allclose(learned[:-1], weights, rtol=1e-6)
    else:
        assert np.abs(learned[2:-1] - weights[2:]).max() > 1e-3
    assert clf.score(X, y) > 0.85
    # every row of the matrix is a known id, seen at fit or not
    assert clf._known_ids.all()


def test_pretrained_embedding_is_validated():
    vec, X, y = _ids_and_labels()
    n = len(vec.vocabulary_)
    with pytest.raises(ValueError, match="set embedding_dim=5"):
        LSTMClassifier(**FAST, embedding_dim=4, pretrained_embedding=np.zeros((n, 5))).fit(X, y)
    with pytest.raises(ValueError, match=f"only {n - 1} rows"):
        LSTMClassifier(**FAST, embedding_dim=5, pretrained_embedding=np.zeros((n - 1, 5))).fit(
            X, y
        )
    with pytest.raises(ValueError, match="embedding_dim=None"):
        LSTMClassifier(**FAST, pretrained_embedding=np.zeros((n, 5))).fit(X, y)
    with pytest.raises(ValueError, match="finite 2-D"):
        LSTMClassifier(**FAST, embedding_dim=5, pretrained_embedding=np.zeros(n)).fit(X, y)
    with pytest.raises(ValueError, match="finite 2-D"):
        LSTMClassifier(**FAST, embedding_dim=5, pretrained_embedding=np.full((n, 5), np.nan)).fit(
            X, y
        )
    clf = LSTMClassifier(**FAST, embedding_dim=5, pretrained_embedding=np.zeros((n, 5)))
    with pytest.raises(ValueError):
        clf.fit(X, y[:-1])
    assert not hasattr(clf, "net_")


# ---------------------------------------------------------- readout, dropout
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
def test_pooling_ignores_padding(pooling):
    vec, X, y = _ids_and_labels()
    clf = LSTMClassifier(
        **FAST,
        embedding_dim=6,
        pooling=pooling,
        bidirectional=True,
        embedding_dropout=0.2,
        random_state=0,
    ).fit(X, y)
    short, long = X[0][:2], np.concatenate([X[1]] * 5)
    alone = clf.predict_proba([short])
    padded = clf.predict_proba([short, long])[:1]  # short is padded to long's length
    np.testing.assert_allclose(alone, padded, rtol=1e-5, atol=1e-6)
    assert clf.score(X, y) > 0.85


def test_pooling_differs_and_dropout_changes_training():
    vec, X, y = _ids_and_labels()
    base = dict(FAST, embedding_dim=6, random_state=0, max_iter=3)
    probas = {
        p: LSTMClassifier(**base, pooling=p).fit(X, y).predict_proba(X[:5])
        for p in ("last", "mean", "max")
    }
    assert not np.allclose(probas["last"], probas["mean"])
    assert not np.allclose(probas["mean"], probas["max"])
    dropped = LSTMClassifier(**base, embedding_dropout=0.5).fit(X, y).predict_proba(X[:5])
    assert not np.allclose(dropped, probas["last"])
    with pytest.raises(ValueError, match="pooling"):
        LSTMClassifier(pooling="sum").fit(X, y)


# ------------------------------------------------------------------- warning
def test_integer_input_without_embedding_dim_warns():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 5, size=(20, 4))
    y = np.arange(20) % 2
    params = dict(FAST, max_iter=1, random_state=0)
    with pytest.warns(UserWarning, match="set embedding_dim"):
        LSTMClassifier(**params).fit(X, y)
    with pytest.warns(UserWarning, match="embedding_dim=None"):
        LSTMClassifier(**params).fit([np.array([1, 2, 3]), np.array([4, 5])] * 5, [0, 1] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LSTMClassifier(**params).fit(X.astype(np.float32), y)
        LSTMClassifier(**params, embedding_dim=3).fit(X, y)
        clf = clone(LSTMClassifier(**params)).fit(torch.tensor(X, dtype=torch.float32), y)
    # the warning is at fit only
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.predict(X)
