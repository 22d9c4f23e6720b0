"""scikit-learn as the client: its meta-estimators, searches and tools over the estimators.

Each test runs one scikit-learn tool as a user would and checks its result
against a direct computation (shapes, ranges, equal values), on tiny data
with tiny networks. Every warning is an error here.
"""

import copy
import pickle
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import StackingClassifier, VotingClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    KFold,
    RandomizedSearchCV,
    cross_val_predict,
    cross_val_score,
    cross_validate,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_rnn
from sklearn_rnn import (
    AutoencoderTransformer,
    BiRNNTagger,
    LSTMClassifier,
    Seq2SeqClassifier,
    Seq2SeqRegressor,
)
from sklearn_rnn.metrics import flat_accuracy_score, flat_accuracy_scorer, sequence_r2_score
from sklearn_rnn.preprocessing import SequenceScaler, TokenSequenceVectorizer

pytestmark = pytest.mark.filterwarnings("error")

FAST = dict(hidden_size=6, max_iter=3, batch_size=16, learning_rate_init=0.05, n_threads=1)
CV = KFold(3, shuffle=True, random_state=0)


def _classes(n=48, seed=0):
    """3-D sequences and three classes: the sign pattern of the first feature's sum."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 5, 2))
    s = X[:, :, 0].sum(1)
    y = np.array(["low", "mid", "high"])[np.digitize(s, np.quantile(s, [1 / 3, 2 / 3]))]
    return X, y


def _tagging(n=36, seed=0):
    """Sentences of 2-6 words; a word's tag is its last letter's class."""
    rng = np.random.RandomState(seed)
    words = ["ax", "bo", "cx", "do", "ex", "fo"]
    X = [list(rng.choice(words, size=rng.randint(2, 7))) for _ in range(n)]
    y = [["X" if w.endswith("x") else "O" for w in s] for s in X]
    return X, y


def _ragged_aligned(n=36, seed=0):
    rng = np.random.RandomState(seed)
    X = [rng.normal(size=(rng.randint(3, 9), 1)) for _ in range(n)]
    y = [np.cumsum(x[:, 0]) for x in X]
    return X, y


def _reviews(n=48, seed=0):
    """A DataFrame with one text column and two numeric columns; label from both."""
    rng = np.random.RandomState(seed)
    good, bad = ["good", "great", "fine"], ["bad", "awful", "dull"]
    label = np.arange(n) % 2
    reviews = [
        " ".join(rng.choice(good if lab else bad, size=rng.randint(1, 6))) + " film"
        for lab in label
    ]
    return pd.DataFrame(
        {
            "review": reviews,
            "age": rng.normal(40, 10, size=n),
            "score": rng.normal(size=n) + label,
        }
    ), label


def _per_fold(est, X, y, cv, method):
    """What cross_val_predict should give, fold by fold."""
    out = [None] * len(X)
    for train, test in cv.split(X, y):
        fitted = clone(est).fit([X[i] for i in train], [y[i] for i in train])
        for i, p in zip(test, getattr(fitted, method)([X[i] for i in test]), strict=True):
            out[i] = p
    return out


# ------------------------------------------------- the five reported failures
def test_multiclass_log_loss_and_neg_log_loss_raise_no_warning():
    X, y = _classes()
    clf = LSTMClassifier(**FAST, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba = clf.fit(X, y).predict_proba(X)
        loss = log_loss(y, proba, labels=clf.classes_)
        scores = cross_val_score(clf, X, y, cv=CV, scoring="neg_log_loss")
    assert proba.dtype == np.float64 and proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=0, atol=1e-12)
    assert 0 < loss < 5 and np.all((-5 < scores) & (scores < 0))


def test_tagger_probabilities_sum_to_one_in_float64():
    X, y = _tagging()
    tagger = BiRNNTagger(**FAST, random_state=0).fit(X, y)
    proba = tagger.predict_proba(X)
    rows = np.concatenate(list(proba))
    assert rows.dtype == np.float64
    np.testing.assert_allclose(rows.sum(1), 1.0, rtol=0, atol=1e-12)


def test_cross_val_predict_tagger_gives_aligned_tag_arrays():
    X, y = _tagging()
    tagger = BiRNNTagger(**FAST, random_state=0)
    pred = cross_val_predict(tagger, X, y, cv=CV)
    assert pred.dtype == object and pred.shape == (len(X),)
    assert [len(p) for p in pred] == [len(s) for s in X]
    for got, want in zip(pred, _per_fold(tagger, X, y, CV, "predict"), strict=True):
        np.testing.assert_array_equal(got, want)
    assert 0 <= flat_accuracy_score(y, pred) <= 1


def test_cross_val_predict_ragged_seq2seq_gives_aligned_arrays():
    X, y = _ragged_aligned()
    reg = Seq2SeqRegressor(mode="aligned", **FAST, random_state=0)
    pred = cross_val_predict(reg, X, y, cv=CV)
    assert pred.dtype == object and pred.shape == (len(X),)
    assert [p.shape for p in pred] == [(len(x),) for x in X]
    for got, want in zip(pred, _per_fold(reg, X, y, CV, "predict"), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert np.isfinite(sequence_r2_score(y, pred))


def test_cross_val_predict_joins_folds_with_sequences_of_one_length():
    # a fold of equal-length sequences still comes back ragged, as the others
    X, y = _ragged_aligned()
    rng = np.random.RandomState(1)
    X = X[:24] + [rng.normal(size=(9, 1)) for _ in range(12)]
    y = [x[:, 0].cumsum() for x in X]
    reg = Seq2SeqRegressor(mode="aligned", **FAST, random_state=0)
    pred = cross_val_predict(reg, X, y, cv=KFold(3))  # the last fold: 9 steps each
    assert pred.dtype == object and [p.shape for p in pred] == [(len(x),) for x in X]
    fitted = clone(reg).fit(X, y)
    same = fitted.predict(X[24:26])  # a list of sequences of one length
    assert same.dtype == object and same.shape == (2,)
    np.testing.assert_allclose(
        np.stack(list(same)), np.stack(list(fitted.predict(X)[24:26])), rtol=1e-5
    )
    array = fitted.predict(np.stack(X[24:26]))  # the same as a 3-D array: 2-D, as before
    assert array.dtype == np.float64 and array.shape == (2, 9)
    np.testing.assert_allclose(array, np.stack(list(same)), rtol=1e-6)


def test_pipeline_set_output_pandas_with_classifier_as_transformer():
    X, y = _classes()
    pipe = make_pipeline(
        SequenceScaler(), LSTMClassifier(**FAST, random_state=0), LogisticRegression()
    ).set_output(transform="pandas")
    pipe.fit(X, y)
    emb = pipe[:-1].transform(X)
    # mean and max pooling of two directions of 6 units
    assert isinstance(emb, pd.DataFrame) and emb.shape == (len(X), 24)
    assert list(emb.columns) == [f"lstmclassifier{i}" for i in range(24)]
    np.testing.assert_array_equal(pipe[-1].feature_names_in_, emb.columns)
    assert pipe.predict_proba(X).shape == (len(X), 3)


def test_global_pandas_output_reaches_classifier_transform():
    X, y = _classes()
    clf = LSTMClassifier(**FAST, random_state=0).fit(X, y)
    plain = clf.transform(X)
    with sklearn.config_context(transform_output="pandas"):
        emb = clf.transform(X)
        fitted = clone(clf).fit_transform(X, y)
    assert isinstance(emb, pd.DataFrame) and isinstance(fitted, pd.DataFrame)
    np.testing.assert_array_equal(emb.to_numpy(), plain)
    np.testing.assert_array_equal(fitted.to_numpy(), plain)


@pytest.mark.parametrize("dtype", ["Float64", "Int64", "boolean"])
def test_nullable_pandas_dtypes_are_accepted(dtype):
    X, y = _classes()
    table = X[:, :, 0]
    if dtype == "Int64":
        table = np.round(table * 3)
    elif dtype == "boolean":
        table = table > 0
    df = pd.DataFrame(table, columns=[f"t{i}" for i in range(5)])
    numpy_dtype = {"Float64": np.float64, "Int64": np.int64, "boolean": bool}[dtype]
    with warnings.catch_warnings():
        # integers without embedding_dim warn (they are read as numbers), nullable or not
        warnings.filterwarnings("ignore", "X holds integers", UserWarning)
        plain = LSTMClassifier(**FAST, random_state=0).fit(df.astype(numpy_dtype), y)
        nullable = LSTMClassifier(**FAST, random_state=0).fit(df.astype(dtype), y)
    np.testing.assert_array_equal(
        nullable.predict_proba(df.astype(dtype)), plain.predict_proba(df.astype(numpy_dtype))
    )
    np.testing.assert_array_equal(nullable.feature_names_in_, df.columns)


@pytest.mark.parametrize("dtype", ["Float64", "Int64", "boolean"])
def test_nullable_pandas_missing_values_are_rejected(dtype):
    X, y = _classes()
    df = pd.DataFrame(X[:, :, 0] > 0).astype(dtype)
    df.iloc[3, 2] = pd.NA
    with pytest.raises(ValueError, match="contains NaN"):
        LSTMClassifier(**FAST).fit(df, y)


def test_nullable_token_ids_and_string_dtype_text():
    df, y = _reviews()
    text = df["review"].astype("string")
    vec = TokenSequenceVectorizer(output="padded").fit(text)
    ids = pd.DataFrame(vec.transform(text)).astype("Int64")
    ids = ids.where(ids >= 0, -1)  # Int64 keeps the padding value
    clf = LSTMClassifier(embedding_dim=4, **FAST, random_state=0)
    proba = clf.fit(ids, y).predict_proba(ids)
    ref = clone(clf).fit(vec.transform(text), y).predict_proba(vec.transform(text))
    np.testing.assert_array_equal(proba, ref)


def test_column_transformer_with_a_padded_text_column_feeds_a_model():
    df, y = _reviews()
    model = dict(embedding_dim=4, **FAST, random_state=0)
    columns = ColumnTransformer([("text", TokenSequenceVectorizer(output="padded"), "review")])
    pipe = make_pipeline(columns, LSTMClassifier(**model)).fit(df, y)
    ragged = make_pipeline(TokenSequenceVectorizer(), LSTMClassifier(**model))
    ragged.fit(df["review"], y)
    # the -1 padding is read as the end of each review: the same model as on ragged ids
    np.testing.assert_allclose(
        pipe.predict_proba(df), ragged.predict_proba(df["review"]), rtol=0, atol=1e-6
    )
    width = pipe[0].named_transformers_["text"].max_length_
    assert pipe[-1].n_features_in_ == width
    assert list(pipe[0].get_feature_names_out())[:2] == ["text__token0", "text__token1"]


# ------------------------------------------------------------------- searches
@pytest.mark.parametrize("search", ["grid", "random", "halving"])
def test_searches_pick_a_candidate_and_refit_it(search):
    X, y = _classes()
    est = LSTMClassifier(**FAST, random_state=0)
    grid = {"cell": ["lstm", "gru"]}
    if search == "grid":
        s = GridSearchCV(est, grid, cv=CV)
    elif search == "random":
        s = RandomizedSearchCV(est, grid, n_iter=2, cv=CV, random_state=0)
    else:
        s = HalvingGridSearchCV(est, grid, cv=3, factor=2, random_state=0)
    s.fit(X, y)
    assert s.best_params_["cell"] in ("lstm", "gru")
    assert 0 <= s.best_score_ <= 1
    direct = clone(est).set_params(**s.best_params_).fit(X, y)
    np.testing.assert_array_equal(s.predict_proba(X), direct.predict_proba(X))


def test_grid_search_on_tagger_and_seq2seq_scores_are_finite():
    X, y = _tagging()
    s = GridSearchCV(BiRNNTagger(**FAST, random_state=0), {"hidden_size": [4, 6]}, cv=CV).fit(X, y)
    assert np.all(
        (0 <= s.cv_results_["mean_test_score"]) & (s.cv_results_["mean_test_score"] <= 1)
    )
    Xr, yr = _ragged_aligned()
    s = GridSearchCV(
        Seq2SeqRegressor(mode="aligned", **FAST, random_state=0), {"cell": ["gru", "lstm"]}, cv=CV
    ).fit(Xr, yr)
    assert np.all(np.isfinite(s.cv_results_["mean_test_score"]))


# ------------------------------------------------------ cross-validation tools
def test_cross_validate_with_several_scorers():
    X, y = _classes()
    est = LSTMClassifier(**FAST, random_state=0)
    res = cross_validate(
        est, X, y, cv=CV, scoring=["accuracy", "neg_log_loss", "f1_macro"], return_estimator=True
    )
    for key in ("test_accuracy", "test_f1_macro"):
        assert res[key].shape == (3,) and np.all((0 <= res[key]) & (res[key] <= 1))
    assert np.all(res["test_neg_log_loss"] < 0)
    train, test = next(CV.split(X, y))
    fitted = res["estimator"][0]
    np.testing.assert_array_equal(
        fitted.predict_proba(X[test]), clone(est).fit(X[train], y[train]).predict_proba(X[test])
    )
    assert res["test_accuracy"][0] == accuracy_score(y[test], fitted.predict(X[test]))


def test_cross_validate_tagger_with_sequence_scorers():
    X, y = _tagging()
    res = cross_validate(
        BiRNNTagger(**FAST, random_state=0),
        X,
        y,
        cv=CV,
        scoring={"acc": flat_accuracy_scorer, "default": None},
    )
    np.testing.assert_allclose(res["test_acc"], res["test_default"])
    assert np.all((0 <= res["test_acc"]) & (res["test_acc"] <= 1))


def test_cross_val_predict_probabilities_match_each_fold():
    X, y = _classes()
    est = LSTMClassifier(**FAST, random_state=0)
    proba = cross_val_predict(est, X, y, cv=CV, method="predict_proba")
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=0, atol=1e-12)
    for train, test in CV.split(X, y):
        direct = clone(est).fit(X[train], y[train]).predict_proba(X[test])
        np.testing.assert_array_equal(proba[test], direct)


# ------------------------------------------------------------ meta-estimators
def test_calibrated_classifier():
    X, y = _classes()
    cal = CalibratedClassifierCV(LSTMClassifier(**FAST, random_state=0), cv=3).fit(X, y)
    proba = cal.predict_proba(X)
    assert proba.shape == (len(X), 3) and np.all((0 <= proba) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-9)
    assert len(cal.calibrated_classifiers_) == 3
    np.testing.assert_array_equal(cal.classes_, np.unique(y))


def test_stacking_and_soft_voting():
    X, y = _classes()
    members = [
        ("lstm", LSTMClassifier(**FAST, random_state=0)),
        ("gru", LSTMClassifier(cell="gru", **FAST, random_state=1)),
    ]
    vote = VotingClassifier(members, voting="soft").fit(X, y)
    mean = np.mean([e.predict_proba(X) for e in vote.estimators_], axis=0)
    np.testing.assert_allclose(vote.predict_proba(X), mean, rtol=1e-12)
    for (_, member), fitted in zip(members, vote.estimators_, strict=True):
        np.testing.assert_array_equal(
            fitted.predict_proba(X), clone(member).fit(X, y).predict_proba(X)
        )
    stack = StackingClassifier(members, final_estimator=LogisticRegression(), cv=3).fit(X, y)
    proba = stack.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert stack.final_estimator_.n_features_in_ == 6  # 2 members x 3 class probabilities


def test_one_vs_rest():
    X, y = _classes()
    ovr = OneVsRestClassifier(LSTMClassifier(**FAST, random_state=0)).fit(X, y)
    assert len(ovr.estimators_) == 3
    assert all(list(e.classes_) == [0, 1] for e in ovr.estimators_)
    proba = ovr.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert set(ovr.predict(X)) <= set(y)


def test_metadata_routing_of_sample_weight():
    X, y = _classes()
    w = np.where(y == "low", 5.0, 0.2)
    with sklearn.config_context(enable_metadata_routing=True):
        est = LSTMClassifier(**FAST, random_state=0)
        est.set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        s = GridSearchCV(est, {"cell": ["gru"]}, cv=CV).fit(X, y, sample_weight=w)
        res = cross_validate(est, X, y, cv=CV, params={"sample_weight": w})
    weighted = clone(est).fit(X, y, sample_weight=w)
    unweighted = clone(est).fit(X, y)
    np.testing.assert_array_equal(s.predict_proba(X), weighted.predict_proba(X))
    assert not np.array_equal(weighted.predict_proba(X), unweighted.predict_proba(X))
    assert np.all((0 <= res["test_score"]) & (res["test_score"] <= 1))


# ----------------------------------------------------------------- set_output
def test_set_output_on_every_transformer():
    X, y = _classes()
    clf = LSTMClassifier(**FAST, random_state=0).fit(X, y).set_output(transform="pandas")
    assert list(clf.transform(X).columns) == list(clf.get_feature_names_out())
    auto = AutoencoderTransformer(n_components=2, **FAST, random_state=0)
    codes = auto.set_output(transform="pandas").fit_transform(X[:, :, 0])
    assert list(codes.columns) == ["autoencodertransformer0", "autoencodertransformer1"]
    words = ["cab", "bad", "dab", "ace"] * 4
    translator = Seq2SeqClassifier(analyzer="char", **FAST, random_state=0)
    embedding = translator.set_output(transform="pandas").fit_transform(words, words)
    assert list(embedding.columns) == list(translator.get_feature_names_out())
    assert embedding.shape == (len(words), translator.transform(words[:1]).shape[1])
    df, _ = _reviews()
    vec = TokenSequenceVectorizer(output="padded").set_output(transform="pandas")
    ids = vec.fit_transform(df["review"])
    assert ids.shape == (len(df), vec.max_length_) and list(ids.index) == list(df.index)
    assert (ids.to_numpy() >= -1).all() and (ids["token0"] >= 1).all()


def test_global_pandas_output_leaves_ragged_outputs_alone():
    df, y = _reviews()
    with sklearn.config_context(transform_output="pandas"):
        ids = TokenSequenceVectorizer().fit_transform(df["review"])
        pipe = make_pipeline(TokenSequenceVectorizer(), LSTMClassifier(embedding_dim=4, **FAST))
        pipe.fit(df["review"], y)
    assert ids.dtype == object and ids.shape == (len(df),)
    assert pipe.predict(df["review"]).shape == (len(df),)


# ----------------------------------------------------- clone, pickle, skops.io
@pytest.mark.parametrize("dumps", ["pickle", "skops"])
def test_whole_pipeline_round_trip(dumps):
    df, y = _reviews()
    pipe = make_pipeline(
        ColumnTransformer(
            [
                ("text", make_pipeline(TokenSequenceVectorizer(), _text_model()), "review"),
                ("num", StandardScaler(), ["age", "score"]),
            ]
        ),
        LogisticRegression(),
    ).fit(df, y)
    if dumps == "pickle":
        loaded = pickle.loads(pickle.dumps(pipe))
    else:
        sio = pytest.importorskip("skops.io")
        data = sio.dumps(pipe)
        assert set(sio.get_untrusted_types(data=data)) <= set(sklearn_rnn.skops_trusted_types())
        loaded = sio.loads(data, trusted=sklearn_rnn.skops_trusted_types())
    np.testing.assert_array_equal(loaded.predict_proba(df), pipe.predict_proba(df))


def _text_model():
    return LSTMClassifier(embedding_dim=4, **FAST, random_state=0)


@pytest.mark.parametrize(
    "make, X, y",
    [
        (lambda: BiRNNTagger(**FAST, random_state=0), *_tagging()),
        (lambda: Seq2SeqRegressor(mode="aligned", **FAST, random_state=0), *_ragged_aligned()),
        (
            lambda: AutoencoderTransformer(n_components=2, **FAST, random_state=0),
            _classes()[0],
            None,
        ),
    ],
    ids=["tagger", "seq2seq", "autoencoder"],
)
def test_skops_round_trip_and_clone_of_each_estimator(make, X, y):
    sio = pytest.importorskip("skops.io")
    est = make().fit(X, y) if y is not None else make().fit(X)
    method = "transform" if y is None else "predict"
    loaded = sio.loads(sio.dumps(est), trusted=sklearn_rnn.skops_trusted_types())
    for got, want in zip(getattr(loaded, method)(X), getattr(est, method)(X), strict=True):
        np.testing.assert_array_equal(got, want)
    assert loaded.n_iter_ == est.n_iter_ and loaded.loss_curve_ == est.loss_curve_
    fresh = clone(loaded)
    assert fresh.get_params() == make().get_params() and not hasattr(fresh, "net_")
    again = copy.deepcopy(loaded)
    assert again.net_ is not loaded.net_


def test_skops_loaded_estimator_continues_training():
    sio = pytest.importorskip("skops.io")
    X, y = _classes()
    clf = LSTMClassifier(**FAST, random_state=0, warm_start=True).fit(X, y)
    loaded = sio.loads(sio.dumps(clf), trusted=sklearn_rnn.skops_trusted_types())
    clf.fit(X, y)
    loaded.fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.n_iter_ == 6


# --------------------------------------------------------- the user guide
def _guide_section(title):
    guide = Path(__file__).resolve().parent.parent / "doc" / "user_guide.rst"
    if not guide.exists():
        pytest.skip("the doc/ folder is not part of this installation")
    text = guide.read_text()
    start = text.index(title)
    nxt = re.search(r"\n[^\n]+\n-{3,}\n", text[start + len(title) + 1 :])
    return text[start : start + len(title) + 1 + (nxt.start() if nxt else len(text))]


def test_user_guide_text_and_numeric_columns_example_runs():
    import doctest

    section = _guide_section("Text next to numeric columns")
    test = doctest.DocTestParser().get_doctest(section, {}, "user_guide", None, 0)
    assert len(test.examples) > 5
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_text_and_numeric_columns_with_pandas_output():
    df, y = _reviews()
    text = make_pipeline(TokenSequenceVectorizer(), _text_model())
    columns = ColumnTransformer(
        [("text", text, "review"), ("num", StandardScaler(), ["age", "score"])]
    )
    model = make_pipeline(columns, LogisticRegression()).set_output(transform="pandas")
    model.fit(df, y)
    features = model[0].transform(df)
    assert isinstance(features, pd.DataFrame) and list(features.index) == list(df.index)
    # mean pooling (the token default) of two directions of 6 units
    assert list(features.columns) == [f"text__lstmclassifier{i}" for i in range(12)] + [
        "num__age",
        "num__score",
    ]
    np.testing.assert_allclose(features["num__age"].mean(), 0, atol=1e-12)
    direct = text.fit(df["review"], y).transform(df["review"])
    np.testing.assert_array_equal(features.iloc[:, :12].to_numpy(), direct)
