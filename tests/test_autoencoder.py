"""Tests of AutoencoderTransformer on feature vectors, 3-D arrays and ragged sequences."""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_rnn import AutoencoderTransformer
from sklearn_rnn._net import SequenceNet
from sklearn_rnn.modules import Corruption

DENSE = dict(hidden_layer_sizes=(16,), max_iter=40, batch_size=16, learning_rate_init=0.01)
GRID = dict(hidden_layer_sizes=(16,), max_iter=20, batch_size=32, learning_rate_init=0.02)
RECURRENT = dict(hidden_size=8, max_iter=10, batch_size=16, learning_rate_init=0.02)


def _low_rank(n=120, n_features=10, rank=3, seed=0):
    """Vectors on a ``rank``-dimensional subspace, plus a little noise."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, rank)) @ rng.normal(size=(rank, n_features))
    return (X + 0.05 * rng.normal(size=X.shape)).astype(np.float32)


def _waves(n=60, seed=0, ragged=True):
    """Sine waves of 2 features with random phase; 3-12 steps each when ragged."""
    rng = np.random.RandomState(seed)
    X = []
    for _ in range(n):
        length = rng.randint(3, 13) if ragged else 8
        t = np.arange(length)[:, None] * 0.5 + rng.uniform(0, 2 * np.pi)
        X.append(np.hstack([np.sin(t), np.cos(t)]).astype(np.float32))
    return X if ragged else np.stack(X)


def test_dense_codes_shapes_and_reconstruction():
    X = _low_rank()
    ae = AutoencoderTransformer(n_components=3, **DENSE, random_state=0).fit(X)
    codes = ae.transform(X)
    assert codes.shape == (120, 3) and codes.dtype == np.float32
    rebuilt = ae.inverse_transform(codes)
    assert rebuilt.shape == X.shape
    mse = float(((rebuilt - X) ** 2).mean())
    assert ae.score(X) == pytest.approx(-mse, rel=1e-4)
    assert mse < 0.1 * X.var()  # far better than predicting the mean
    assert ae.n_features_in_ == 10 and ae.n_iter_ == DENSE["max_iter"]
    np.testing.assert_allclose(ae.fit_transform(X), codes)
    assert list(ae.get_feature_names_out()) == [f"autoencodertransformer{i}" for i in range(3)]


def test_reconstruction_error_falls_during_training():
    X = _low_rank()
    short = AutoencoderTransformer(n_components=3, **{**DENSE, "max_iter": 1}, random_state=0)
    long = AutoencoderTransformer(n_components=3, **DENSE, random_state=0)
    short.fit(X)
    long.fit(X)
    curve = long.loss_curve_
    assert len(curve) == DENSE["max_iter"]
    assert curve[-1] < 0.2 * curve[0]
    assert long.best_loss_ == min(curve)
    assert long.score(X) > 3 * short.score(X)  # negative errors: 3x smaller error


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_activations_and_depth(activation):
    X = _low_rank(n=60)
    ae = AutoencoderTransformer(
        n_components=3,
        **{**DENSE, "hidden_layer_sizes": (12, 6)},
        activation=activation,
        random_state=0,
    ).fit(X)
    linears = [m for m in ae.net_.module_.modules() if isinstance(m, torch.nn.Linear)]
    sizes = [(m.in_features, m.out_features) for m in linears]
    assert sizes == [(10, 12), (12, 6), (6, 3), (3, 6), (6, 12), (12, 10)]
    assert ae.loss_curve_[-1] < 0.7 * ae.loss_curve_[0]


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_pandas_output_has_named_columns():
    X = _low_rank(n=60)
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(10)], index=np.arange(100, 160))
    ae = AutoencoderTransformer(n_components=2, **DENSE, random_state=0).set_output(
        transform="pandas"
    )
    out = ae.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["autoencodertransformer0", "autoencodertransformer1"]
    assert list(out.index) == list(df.index)
    np.testing.assert_array_equal(ae.feature_names_in_, df.columns)
    np.testing.assert_allclose(out.to_numpy(), ae.set_output(transform="default").transform(X))
    assert ae.inverse_transform(out).shape == (60, 10)
    with pytest.raises(ValueError, match="Feature names"):
        ae.transform(df.rename(columns={"f0": "other"}))


def test_pipeline_with_logistic_regression_and_gridsearch():
    X, y = make_classification(
        n_samples=150,
        n_features=10,
        n_informative=3,
        n_redundant=3,
        class_sep=2.0,
        random_state=0,
    )
    pipe = Pipeline(
        [
            ("ae", AutoencoderTransformer(**GRID, random_state=0)),
            ("clf", LogisticRegression()),
        ]
    )
    grid = GridSearchCV(pipe, {"ae__n_components": [1, 4]}, cv=3).fit(X, y)
    scores = grid.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert grid.best_params_ == {"ae__n_components": 4} and grid.best_score_ > 0.7
    assert scores[1] > scores[0] + 0.2
    # on its own, GridSearchCV ranks by reconstruction (score = -MSE)
    X_low = _low_rank(rank=3)
    search = GridSearchCV(
        AutoencoderTransformer(**GRID, random_state=0), {"n_components": [1, 3]}, cv=3
    ).fit(X_low)
    assert search.best_params_ == {"n_components": 3}
    assert np.all(search.cv_results_["mean_test_score"] < 0)


@pytest.mark.parametrize("cell, bidirectional", [("lstm", False), ("gru", True)])
def test_ragged_sequences_codes_are_padding_invariant(cell, bidirectional):
    X = _waves()
    ae = AutoencoderTransformer(
        n_components=3, cell=cell, bidirectional=bidirectional, **RECURRENT, random_state=0
    ).fit(X)
    assert ae.n_features_in_ == 2
    codes = ae.transform(X)
    assert codes.shape == (60, 3)
    lengths = [len(x) for x in X]
    rebuilt = ae.inverse_transform(codes, lengths=lengths)
    assert [r.shape for r in rebuilt] == [x.shape for x in X]
    for i in [0, 7, 31]:
        assert len(X[i]) < max(lengths)  # padded inside the batch
        np.testing.assert_allclose(ae.transform([X[i]])[0], codes[i], rtol=1e-5, atol=1e-6)
        alone = ae.inverse_transform(codes[i : i + 1], lengths=len(X[i]))[0]
        np.testing.assert_allclose(alone, rebuilt[i], rtol=1e-5, atol=1e-6)
    # the score averages over real steps only
    sse = sum(float(((r - x) ** 2).sum()) for r, x in zip(rebuilt, X, strict=True))
    assert ae.score(X) == pytest.approx(-sse / (sum(lengths) * 2), rel=1e-4)
    assert ae.loss_curve_[-1] < 0.7 * ae.loss_curve_[0]


def test_gridsearch_and_cross_val_score_on_ragged_sequences():
    X = _waves()
    params = {**RECURRENT, "max_iter": 20, "batch_size": 8}
    search = GridSearchCV(
        AutoencoderTransformer(**params, random_state=0), {"n_components": [1, 4]}, cv=3
    ).fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0) and scores[1] > scores[0]
    assert search.best_params_ == {"n_components": 4}
    assert search.transform(X[:5]).shape == (5, 4)
    cv = cross_val_score(AutoencoderTransformer(n_components=4, **params, random_state=0), X, cv=3)
    assert cv.shape == (3,) and np.all(np.isfinite(cv)) and np.all(cv < 0)


def test_ragged_fit_masks_padded_steps_from_the_loss(monkeypatch):
    seen = []
    original = SequenceNet.get_loss

    def recording(self, y_pred, y_true, X=None, training=False):
        seen.append(y_true)
        return original(self, y_pred, y_true, X=X, training=training)

    monkeypatch.setattr(SequenceNet, "get_loss", recording)
    X = _waves(n=20)
    AutoencoderTransformer(n_components=2, **{**RECURRENT, "max_iter": 1}).fit(X)
    assert all(isinstance(t, dict) and "lengths" in t for t in seen)
    assert sorted(int(v) for t in seen for v in t["lengths"]) == sorted(len(x) for x in X)


def test_3d_array_input_and_default_inverse_length():
    X = _waves(ragged=False)
    ae = AutoencoderTransformer(n_components=3, **RECURRENT, random_state=0).fit(X)
    codes = ae.transform(X)
    rebuilt = ae.inverse_transform(codes)
    assert isinstance(rebuilt, np.ndarray) and rebuilt.shape == (60, 8, 2)
    assert ae.inverse_transform(codes[:2], lengths=5).shape == (2, 5, 2)
    # a list of the same sequences gives the same codes
    np.testing.assert_allclose(ae.transform(list(X)), codes, rtol=1e-5, atol=1e-6)


def test_layout_must_match_the_fit():
    dense = AutoencoderTransformer(n_components=2, **{**DENSE, "max_iter": 1}).fit(_low_rank())
    with pytest.raises(ValueError, match="fitted on feature vectors"):
        dense.transform(np.ones((3, 4, 10)))
    with pytest.raises(ValueError, match="X has 9 features"):
        dense.transform(np.ones((3, 9)))
    with pytest.raises(ValueError, match="lengths applies to sequences"):
        dense.inverse_transform(np.ones((3, 2)), lengths=4)
    seq = AutoencoderTransformer(n_components=2, **{**RECURRENT, "max_iter": 1}).fit(_waves())
    with pytest.raises(ValueError, match="fitted on sequences.*2-D"):
        seq.transform(np.ones((3, 8)))
    with pytest.raises(ValueError, match="X has 3 features.*expecting 2"):
        seq.transform(np.ones((3, 8, 3)))
    with pytest.raises(ValueError, match="X has 3 features.*expecting 2 features"):
        seq.inverse_transform(np.ones((4, 3)))
    with pytest.raises(ValueError, match="lengths must be"):
        seq.inverse_transform(np.ones((4, 2)), lengths=[1, 2])
    with pytest.raises(ValueError, match="lengths must be"):
        seq.inverse_transform(np.ones((4, 2)), lengths=0)


@pytest.mark.parametrize("make_X", [_low_rank, _waves])
def test_clone_and_pickle_round_trip(make_X):
    X = make_X()
    params = DENSE if isinstance(X, np.ndarray) else RECURRENT
    ae = AutoencoderTransformer(n_components=2, **params, noise="gaussian", random_state=0)
    ae.fit(X)
    restored = pickle.loads(pickle.dumps(ae))
    codes = ae.transform(X)
    np.testing.assert_array_equal(restored.transform(X), codes)
    a, b = restored.inverse_transform(codes), ae.inverse_transform(codes)
    np.testing.assert_array_equal(a, b)
    assert restored.score(X) == ae.score(X)
    fresh = clone(ae)
    assert not hasattr(fresh, "net_")
    assert fresh.get_params() == ae.get_params()
    # same random_state, same model
    np.testing.assert_array_equal(fresh.fit(X).transform(X), codes)


def test_random_state_leaves_global_torch_state_alone():
    X = _low_rank(n=60)
    torch.manual_seed(5)
    before = torch.random.get_rng_state()
    a = AutoencoderTransformer(**DENSE, noise="masking", random_state=1).fit_transform(X)
    c = AutoencoderTransformer(**DENSE, noise="masking", random_state=2).fit_transform(X)
    assert torch.equal(torch.random.get_rng_state(), before)
    assert not np.allclose(a, c)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.full((10, 4), np.nan), ValueError, "NaN"),
        (np.full((10, 4), np.inf), ValueError, "infinity"),
        (np.ones((10, 4, 2, 1)), ValueError, "4 dimensions"),
        (np.ones((0, 4)), ValueError, "0 sample"),
        (np.ones(5), ValueError, "1-D array"),
        ([np.ones((3, 2)), np.ones((0, 2))], ValueError, "zero-length"),
        ([np.ones((3, 2)), np.ones((3, 1))], ValueError, "different numbers of features"),
        (np.array([["a", "b"], ["c", "d"]]), ValueError, "strings"),
        (sp.csr_matrix(np.ones((4, 3))), TypeError, "Sparse"),
    ],
)
def test_bad_input_fails_before_training(monkeypatch, X, error, match):
    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    monkeypatch.setattr(SequenceNet, "fit", no_training)
    ae = AutoencoderTransformer()
    with pytest.raises(error, match=match):
        ae.fit(X)
    assert not hasattr(ae, "n_features_in_") and not hasattr(ae, "net_")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"n_components": 0}, "n_components"),
        ({"noise": "salt"}, "noise"),
        ({"noise": "masking", "noise_level": 1.0}, "noise_level below 1"),
        ({"noise_level": -0.1}, "noise_level"),
        ({"hidden_layer_sizes": (8, 0)}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": "wide"}, "hidden_layer_sizes"),
        ({"activation": "softplus"}, "activation"),
        ({"cell": "transformer"}, "cell"),
    ],
)
def test_bad_parameters_raise_before_training(params, match):
    ae = AutoencoderTransformer(**params)
    with pytest.raises(ValueError, match=match):
        ae.fit(_low_rank(n=20))
    assert not hasattr(ae, "net_")


def test_noise_only_while_training():
    X = _low_rank()
    noisy = AutoencoderTransformer(
        n_components=3, **DENSE, noise="gaussian", noise_level=1.0, random_state=0
    ).fit(X)
    clean = AutoencoderTransformer(n_components=3, **DENSE, random_state=0).fit(X)
    # transform and inverse_transform are deterministic: no noise at inference
    np.testing.assert_array_equal(noisy.transform(X), noisy.transform(X))
    # the training loss saw corrupted inputs: far above the error on clean inputs
    assert noisy.loss_curve_[-1] > 2 * -noisy.score(X)
    assert clean.loss_curve_[-1] < 2 * -clean.score(X)
    # the denoising model rebuilds noisy inputs closer to the clean ones than they were
    rng = np.random.RandomState(1)
    X_noisy = (X + rng.normal(size=X.shape)).astype(np.float32)
    denoised = noisy.inverse_transform(noisy.transform(X_noisy))
    assert ((denoised - X) ** 2).mean() < 0.5 * ((X_noisy - X) ** 2).mean()


@pytest.mark.parametrize("noise, level", [("gaussian", 0.5), ("masking", 0.3)])
def test_corruption_module_in_train_and_eval_mode(noise, level):
    X = torch.ones(200, 50)
    corrupt = Corruption(noise, level)
    torch.manual_seed(0)
    out = corrupt.train()(X)
    assert torch.equal(X, torch.ones(200, 50))  # not in place
    if noise == "gaussian":
        assert float((out - X).std()) == pytest.approx(level, rel=0.05)
    else:
        assert float((out == 0).float().mean()) == pytest.approx(level, abs=0.02)
        assert set(out.unique().tolist()) == {0.0, 1.0}
    assert corrupt.eval()(X) is X


def test_warm_start_continues_and_rejects_changes():
    X = _low_rank(n=60)
    ae = AutoencoderTransformer(n_components=2, **{**DENSE, "max_iter": 3}, warm_start=True)
    ae.fit(X)
    net = ae.net_
    ae.fit(X)
    assert ae.net_ is net and ae.n_iter_ == 6
    with pytest.raises(ValueError, match="n_components changed"):
        ae.set_params(n_components=3).fit(X)
    with pytest.raises(ValueError, match="switched between feature vectors"):
        ae.set_params(n_components=2).fit(X[:, :, None])
    assert ae.net_ is net and ae.n_iter_ == 6


def test_early_stopping_records_negative_validation_errors():
    X = _low_rank(n=150)
    ae = AutoencoderTransformer(
        n_components=3,
        **{**DENSE, "max_iter": 300, "learning_rate_init": 0.05},
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
    ).fit(X)
    assert ae.n_iter_ < 300
    assert len(ae.validation_scores_) == ae.n_iter_
    assert all(s < 0 for s in ae.validation_scores_)
    assert max(ae.validation_scores_) == pytest.approx(-ae.best_loss_, rel=1e-4)
