"""Tests of LSTMClassifier on 3-D, ragged, DataFrame and token inputs."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from skorch.callbacks import GradientNormClipping

from sklearn_rnn import LSTMClassifier
from sklearn_rnn._net import SequenceNet

# the recurrent path alone (no scaling, no front-end, the last state): small and fast
FAST = dict(
    hidden_size=8,
    max_iter=15,
    batch_size=16,
    learning_rate_init=0.02,
    scaling=None,
    conv_filters=(),
    pooling="last",
    min_steps=None,
)


def _ragged(n=80, n_features=2, seed=0):
    """Sequences of 3-12 steps; the label is the sign of the first feature's mean."""
    rng = np.random.RandomState(seed)
    X = [rng.normal(size=(rng.randint(3, 13), n_features)) for _ in range(n)]
    y = np.array(["pos" if x[:, 0].mean() > 0 else "neg" for x in X])
    return X, y


def _array3d(n=80, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6, 3))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


@pytest.mark.parametrize("make_data", [_ragged, _array3d])
def test_learns_and_predicts_original_labels(make_data):
    X, y = make_data()
    clf = LSTMClassifier(**FAST, random_state=0).fit(X, y)
    assert set(clf.classes_) == set(np.unique(y))
    pred = clf.predict(X)
    assert pred.dtype == np.asarray(y).dtype
    assert clf.score(X, y) > 0.85
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(1)], pred)
    assert clf.n_iter_ == FAST["max_iter"] == len(clf.loss_curve_)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.best_loss_ == min(clf.loss_curve_)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_dataframe_input_records_feature_names():
    X, y = _array3d()
    df = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(6)])
    clf = LSTMClassifier(**FAST, random_state=0).fit(df, y)
    assert clf.n_features_in_ == 6
    np.testing.assert_array_equal(clf.feature_names_in_, df.columns)
    assert clf.score(df, y) > 0.8
    with pytest.raises(ValueError, match="Feature names"):
        clf.predict(df.rename(columns={"t0": "other"}))
    with pytest.raises(ValueError, match="X has 5 features"):
        clf.predict(X[:, :5, 0])
    # a table is still univariate sequences: a list of other lengths is fine
    assert clf.predict([np.ones(3), np.ones(9)]).shape == (2,)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_sequence_alone_equals_inside_padded_batch(bidirectional, cell):
    X, y = _ragged()
    clf = LSTMClassifier(**FAST, cell=cell, bidirectional=bidirectional, random_state=0)
    clf.fit(X, y)
    batch = clf.predict_proba(X)
    emb = clf.transform(X)
    for i in [0, 5, 17]:
        np.testing.assert_allclose(clf.predict_proba([X[i]])[0], batch[i], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(clf.transform([X[i]])[0], emb[i], rtol=1e-5, atol=1e-6)
    assert emb.shape == (len(X), 8 * (2 if bidirectional else 1))


def test_same_random_state_same_predictions_and_global_state_untouched():
    X, y = _ragged()
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    a = LSTMClassifier(**FAST, dropout=0.2, random_state=7).fit(X, y).predict_proba(X)
    b = LSTMClassifier(**FAST, dropout=0.2, random_state=7).fit(X, y).predict_proba(X)
    c = LSTMClassifier(**FAST, dropout=0.2, random_state=8).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    assert torch.equal(torch.random.get_rng_state(), before)
    assert torch.get_num_threads() == threads
    assert (torch.tensor([1e-39]) * 1.0).item() != 0.0  # denormal flushing restored


def test_pipeline_gridsearch_cross_val_score_on_ragged():
    X, y = _ragged(n=90)
    pipe = Pipeline(
        [
            ("scale", FunctionTransformer(lambda seqs: [s / 2.0 for s in seqs])),
            ("clf", LSTMClassifier(**FAST, random_state=0)),
        ]
    )
    grid = GridSearchCV(pipe, {"clf__hidden_size": [4, 8], "clf__cell": ["lstm", "gru"]}, cv=3)
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_score_ > 0.7
    scores = cross_val_score(LSTMClassifier(**FAST, random_state=0), X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.7


def test_gridsearch_on_3d_array():
    X, y = _array3d(n=90)
    grid = GridSearchCV(
        LSTMClassifier(**FAST, random_state=0),
        {"hidden_size": [4, 8], "cell": ["lstm", "rnn"]},
        cv=3,
    ).fit(X, y)
    assert grid.best_score_ > 0.7
    assert grid.predict(X[:5]).shape == (5,)


@pytest.mark.parametrize("make_data", [_ragged, _array3d])
def test_clone_and_pickle_round_trip(make_data):
    X, y = make_data()
    clf = LSTMClassifier(**FAST, bidirectional=True, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(restored.transform(X), clf.transform(X))
    fresh = clone(clf)
    assert not hasattr(fresh, "net_")
    assert fresh.get_params() == clf.get_params()


def test_nan_loss_stops_with_clear_error_and_nothing_fitted(monkeypatch):
    original = SequenceNet.get_loss
    losses = []

    def diverging(self, *args, **kwargs):
        loss = original(self, *args, **kwargs)
        losses.append(loss)
        return loss * float("nan") if len(self.history) == 2 else loss

    monkeypatch.setattr(SequenceNet, "get_loss", diverging)
    X, y = _array3d()
    clf = LSTMClassifier(**FAST)
    with pytest.raises(FloatingPointError, match="epoch 2.*clip_grad_norm.*learning_rate_init"):
        clf.fit(X, y)
    assert len(losses) == 2 * 5  # stopped at the end of epoch 2 of 15
    assert not hasattr(clf, "net_") and not hasattr(clf, "n_features_in_")


def test_clip_grad_norm_bounds_the_gradient_norm(monkeypatch):
    norms_before, norms_after = [], []
    original = GradientNormClipping.on_grad_computed

    def recording(self, net, named_parameters, **kwargs):
        items = list(named_parameters)
        params = [p for _, p in items]
        norms_before.append(float(torch.nn.utils.get_total_norm([p.grad for p in params])))
        original(self, net, items, **kwargs)
        norms_after.append(float(torch.nn.utils.get_total_norm([p.grad for p in params])))

    monkeypatch.setattr(GradientNormClipping, "on_grad_computed", recording)
    X, y = _array3d()
    LSTMClassifier(**FAST, clip_grad_norm=0.01, random_state=0).fit(X * 50, y)
    assert len(norms_after) == FAST["max_iter"] * 5  # 80 samples / batch 16
    assert max(norms_before) > 0.01  # clipping had work to do
    assert max(norms_after) <= 0.01 * (1 + 1e-4)


def test_early_stopping_stops_and_keeps_validation_scores():
    X, y = _array3d(n=120)
    clf = LSTMClassifier(
        **{**FAST, "max_iter": 300, "learning_rate_init": 0.05},
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 300
    assert len(clf.validation_scores_) == clf.n_iter_
    assert all(0 <= s <= 1 for s in clf.validation_scores_)
    assert clf.best_loss_ == min(clf.net_.history[:, "valid_loss"])


def test_warm_start_continues_training():
    X, y = _array3d()
    clf = LSTMClassifier(**{**FAST, "max_iter": 3}, warm_start=True, random_state=0).fit(X, y)
    first_net = clf.net_
    clf.fit(X, y)
    assert clf.net_ is first_net
    assert clf.n_iter_ == 6 and len(clf.loss_curve_) == 6
    with pytest.raises(ValueError, match="warm_start"):
        clf.fit(X[:, :, :2], y)
    cold = LSTMClassifier(**{**FAST, "max_iter": 3}, random_state=0).fit(X, y)
    assert cold.n_iter_ == 3


def test_sample_weight_and_class_weight_change_the_fit():
    X, y = _array3d()
    w = np.where(y == 1, 1.0, 0.0)
    only_ones = LSTMClassifier(**FAST, random_state=0).fit(X, y, sample_weight=w)
    assert (only_ones.predict(X) == 1).mean() > 0.95
    cw = LSTMClassifier(**FAST, class_weight={0: 1.0, 1: 0.0}, random_state=0).fit(X, y)
    assert (cw.predict(X) == 0).mean() > 0.95
    balanced = LSTMClassifier(**FAST, class_weight="balanced", random_state=0).fit(X, y)
    assert balanced.score(X, y) > 0.8
    with pytest.raises(ValueError, match="sample_weight"):
        LSTMClassifier(**FAST).fit(X, y, sample_weight=np.ones(3))


def test_token_ids_with_embedding():
    rng = np.random.RandomState(0)
    X = [rng.randint(0, 20, size=rng.randint(2, 10)) for _ in range(100)]
    y = np.array([int((x < 10).mean() > 0.5) for x in X])
    clf = LSTMClassifier(**FAST, embedding_dim=6, random_state=0).fit(X, y)
    assert clf.vocabulary_size_ == max(x.max() for x in X) + 2
    assert clf.score(X, y) > 0.8
    # ids never seen at fit share the unknown row
    a = clf.predict_proba([np.array([1, 2, 500])])
    b = clf.predict_proba([np.array([1, 2, 9999])])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.full((10, 4, 2), np.nan), np.arange(10) % 2, "NaN"),
        (np.full((10, 4, 2), np.inf), np.arange(10) % 2, "infinity"),
        (np.ones((10, 4, 2, 1)), np.arange(10) % 2, "4 dimensions"),
        (np.ones((0, 4, 2)), np.arange(0), "0 sample"),
        ([np.ones((3, 2)), np.ones((0, 2))], [0, 1], "zero-length"),
        (np.ones((10, 4, 2)), np.arange(9) % 2, "10 sequences but y has 9"),
        (np.ones((10, 4, 2)), np.zeros(10), "at least 2 classes"),
        (np.ones((10, 4, 2)), None, "requires y"),
    ],
)
def test_bad_input_fails_before_training(monkeypatch, X, y, match):
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(SequenceNet, "fit", no_training)
    clf = LSTMClassifier()
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "n_features_in_")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_size": -1}, "hidden_size"),
        ({"cell": "transformer"}, "cell"),
        ({"dropout": 1.5}, "dropout"),
        ({"device": "quantum"}, "device"),
    ],
)
def test_bad_parameters_raise(params, match):
    X, y = _array3d()
    with pytest.raises(ValueError, match=match):
        LSTMClassifier(**params).fit(X, y)


def test_wrong_feature_count_at_predict():
    X, y = _array3d()
    clf = LSTMClassifier(**{**FAST, "max_iter": 1}).fit(X, y)
    assert clf.n_features_in_ == 3
    with pytest.raises(ValueError, match="X has 2 features, but LSTMClassifier is expecting 3"):
        clf.predict(X[:, :, :2])
    with pytest.raises(ValueError, match="X has 1 features"):
        clf.predict([np.ones(4)])
    # sequences of another length are fine
    assert clf.predict(np.ones((2, 9, 3))).shape == (2,)


def test_bad_input_later_leaves_the_fitted_model_intact():
    X, y = _array3d()
    clf = LSTMClassifier(**FAST, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError):
        clf.fit(np.full_like(X, np.nan), y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_read_only_memmap_input(tmp_path):
    X, y = _array3d()
    path = tmp_path / "X.npy"
    np.save(path, X.astype(np.float32))
    Xm = np.load(path, mmap_mode="r")
    clf = LSTMClassifier(**FAST, random_state=0).fit(Xm, y)
    np.testing.assert_array_equal(clf.predict(Xm), clf.predict(np.array(Xm)))


def test_get_feature_names_out_matches_transform():
    X, y = _array3d()
    clf = LSTMClassifier(**{**FAST, "max_iter": 1}, bidirectional=True).fit(X, y)
    names = clf.get_feature_names_out()
    assert len(names) == clf.transform(X).shape[1] == 16
    assert names[0] == "lstmclassifier0"


def test_verbose_prints_epoch_log(capsys):
    X, y = _array3d()
    LSTMClassifier(**{**FAST, "max_iter": 2}, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "epoch" in out


@pytest.mark.parametrize(
    "fitted_with, changed",
    [
        (dict(kernel_features=0), dict(kernel_features=84)),
        (dict(kernel_features=84), dict(kernel_features=0)),
        (dict(kernel_features=0, scaling="instance"), dict(scaling="standard")),
        (dict(kernel_features=0, scaling="instance"), dict(scaling=None)),
        (dict(embedding_dim=8), dict(embedding_dim=None)),
    ],
)
@pytest.mark.filterwarnings("ignore:X holds integers")  # the refit without embedding_dim
def test_predict_follows_the_fit_not_parameters_set_after_it(fitted_with, changed):
    rng = np.random.RandomState(0)
    if "embedding_dim" in fitted_with:
        X = [rng.randint(0, 30, size=rng.randint(5, 12)) for _ in range(40)]
    else:
        X = [rng.normal(size=(rng.randint(10, 20), 2)) for _ in range(40)]
    y = np.arange(40) % 2
    params = dict(max_iter=1, conv_filters=(), n_threads=1, random_state=0)
    clf = LSTMClassifier(**params, **fitted_with).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError, match="at least 2 classes"):  # a refit that fails
        clf.set_params(**changed).fit(X, np.zeros(len(X)))
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    # the prediction of one sequence does not depend on the others in its batch
    np.testing.assert_allclose(clf.predict_proba(X[:1]), before[:1], rtol=1e-5, atol=1e-6)


def test_one_multivariate_sequence_as_a_2d_array_gets_the_hint_to_add_an_axis():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(10, 20), 2)) for _ in range(40)]
    clf = LSTMClassifier(max_iter=1, kernel_features=0, n_threads=1).fit(X, np.arange(40) % 2)
    with pytest.raises(ValueError, match=r"pass X\[None\]"):
        clf.predict(X[0])
    assert clf.predict(X[0][None]).shape == (1,)


def test_early_stopping_on_too_few_samples_names_validation_fraction():
    rng = np.random.RandomState(0)
    X, y = [rng.normal(size=(12, 2)) for _ in range(5)], [0, 1, 0, 1, 0]
    clf = LSTMClassifier(max_iter=1, kernel_features=0, early_stopping=True, n_threads=1)
    with pytest.raises(ValueError, match=r"validation_fraction=0.1 of the 5 samples \(1\)"):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")
    assert clf.set_params(validation_fraction=0.4).fit(X, y).n_iter_ == 1
