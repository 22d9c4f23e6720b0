"""Tests of Seq2SeqRegressor: aligned, encoder-decoder and vector input."""

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.metrics import make_scorer
from sklearn.model_selection import GridSearchCV, KFold, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.metrics import horizon_error, per_horizon_errors
from sklearn_rnn.preprocessing import SequenceScaler, make_windows

FAST = dict(hidden_size=16, max_iter=25, batch_size=32, learning_rate_init=0.02, n_threads=1)


def _series(n=260, seed=0, level=500.0, amp=100.0):
    """Noisy seasonal series (period 12) on a natural scale."""
    rng = np.random.RandomState(seed)
    t = np.arange(n)
    return level + amp * np.sin(2 * np.pi * t / 12) + rng.normal(0, amp / 20, n)


def _ragged_windows(n=120, horizon=4, seed=0):
    """Input windows of 8-20 steps of a sine; targets: the next ``horizon`` steps."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        length, start = rng.randint(8, 21), rng.uniform(0, 12)
        t = start + np.arange(length + horizon)
        s = 1000 + 200 * np.sin(2 * np.pi * t / 12)
        X.append(s[:length])
        y.append(s[length:])
    return X, np.array(y)


def _aligned_ragged(n=120, seed=0):
    """Ragged 2-feature sequences; target at each step: running sum of feature 0 (x100)."""
    rng = np.random.RandomState(seed)
    X = [rng.normal(size=(rng.randint(4, 15), 2)) for _ in range(n)]
    y = [300 + 100 * np.cumsum(x[:, 0]) for x in X]
    return X, y


def test_encoder_decoder_on_3d_windows_natural_scale():
    X, y = make_windows(_series(n=150), input_length=24, horizon=6)
    reg = Seq2SeqRegressor(**FAST, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == y.shape == (121, 6)
    assert pred.dtype == np.float64
    assert reg.horizon_ == 6 and reg.n_outputs_ == 1
    assert reg.score(X, y) > 0.9
    assert abs(pred.mean() - 500) < 20  # predictions come back on the target scale
    assert reg.n_iter_ == 25 == len(reg.loss_curve_)
    assert reg.loss_curve_[-1] < 0.3 * reg.loss_curve_[0]


def test_encoder_decoder_on_ragged_inputs():
    X, y = _ragged_windows()
    reg = Seq2SeqRegressor(**FAST, random_state=0).fit(X, y)
    assert reg.predict(X).shape == (120, 4)
    assert reg.score(X, y) > 0.9
    # a sequence alone gives what it gives inside the padded batch
    batch = reg.predict(X)
    for i in [0, 7, 33]:
        np.testing.assert_allclose(reg.predict([X[i]])[0], batch[i], rtol=1e-5)


def test_target_scale_does_not_change_the_fit():
    X, y = make_windows(_series(n=120, level=0.0, amp=1.0), input_length=12, horizon=3)
    small = Seq2SeqRegressor(**FAST, scaling="standard", random_state=0).fit(X, y)
    big = Seq2SeqRegressor(**FAST, scaling="standard", random_state=0).fit(X, 5000 + 1000 * y)
    np.testing.assert_allclose(big.predict(X), 5000 + 1000 * small.predict(X), rtol=1e-4)
    # per-window scaling ties the targets to the inputs: one change of units of
    # the series (windows and targets alike) does not change the fit
    small = Seq2SeqRegressor(**FAST, random_state=0).fit(X, y)
    big = Seq2SeqRegressor(**FAST, random_state=0).fit(5000 + 1000 * X, 5000 + 1000 * y)
    np.testing.assert_allclose(
        big.predict(5000 + 1000 * X), 5000 + 1000 * small.predict(X), rtol=1e-4
    )


def test_aligned_on_ragged_returns_ragged_predictions():
    X, y = _aligned_ragged()
    reg = Seq2SeqRegressor(mode="aligned", **FAST, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert pred.dtype == object and pred.shape == (len(X),)
    assert [len(p) for p in pred] == [len(x) for x in X]
    assert pred[0].ndim == 1
    assert reg.horizon_ is None
    assert reg.score(X, y) > 0.9


def test_aligned_on_3d_array_with_multi_output():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 10, 3))
    cum = np.cumsum(X[:, :, :2], axis=1)
    y = np.stack([cum[:, :, 0], 1000 * cum[:, :, 1]], axis=2)  # two outputs, two scales
    reg = Seq2SeqRegressor(mode="aligned", **FAST, random_state=0).fit(X, y)
    pred = reg.predict(X)
    assert pred.shape == (100, 10, 2)
    assert reg.n_outputs_ == 2
    assert reg.score(X, y) > 0.9
    errors = per_horizon_errors(y[:, :, 1:], pred[:, :, 1:], metric="mae")
    assert errors.shape == (10,) and errors.max() < 0.3 * np.abs(y[:, :, 1]).mean()


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_aligned_sequence_alone_equals_inside_padded_batch(cell, bidirectional):
    X, y = _aligned_ragged(n=60)
    reg = Seq2SeqRegressor(
        mode="aligned", cell=cell, bidirectional=bidirectional, **FAST, random_state=0
    )
    reg.set_params(max_iter=3).fit(X, y)
    batch = reg.predict(X)
    for i in [0, 5, 17]:
        alone = reg.predict([X[i]])
        np.testing.assert_allclose(np.asarray(alone)[0], batch[i], rtol=1e-5, atol=1e-4)


def test_encoder_decoder_multi_output():
    rng = np.random.RandomState(0)
    t = np.arange(150)
    series = np.c_[np.sin(2 * np.pi * t / 12), 50 * np.cos(2 * np.pi * t / 12)]
    series += rng.normal(0, 0.05, series.shape) * [1, 50]
    X, y = make_windows(series, input_length=12, horizon=4)
    assert y.shape == (135, 4, 2)
    reg = Seq2SeqRegressor(**FAST, random_state=0).fit(X, y)
    assert reg.predict(X).shape == (135, 4, 2)
    assert reg.score(X, y) > 0.9


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_vector_to_sequence():
    rng = np.random.RandomState(0)
    V = rng.uniform(-1, 1, size=(150, 3))
    t = np.arange(8)
    y = 100 * V[:, :1] * np.sin(t + 3 * V[:, 1:2]) + 10 * V[:, 2:]
    df = pd.DataFrame(V, columns=["amp", "phase", "shift"])
    reg = Seq2SeqRegressor(input_type="vectors", **FAST, random_state=0)
    reg.set_params(max_iter=50).fit(df, y)
    assert reg.n_features_in_ == 3
    np.testing.assert_array_equal(reg.feature_names_in_, df.columns)
    assert reg.predict(df).shape == (150, 8)
    assert reg.score(df, y) > 0.8
    with pytest.raises(ValueError, match="X has 2 features"):
        reg.predict(V[:, :2])


def test_vector_input_needs_encoder_decoder_mode():
    reg = Seq2SeqRegressor(input_type="vectors", mode="aligned", **FAST)
    with pytest.raises(ValueError, match="input_type='vectors'.*mode='encoder_decoder'"):
        reg.fit(np.ones((10, 3)), np.ones((10, 3)))
    assert not hasattr(reg, "net_")


def test_one_dim_target_gives_one_dim_predictions():
    X, y = make_windows(_series(n=150), input_length=12, horizon=1)
    reg = Seq2SeqRegressor(**FAST, random_state=0).fit(X, y[:, 0])
    assert reg.predict(X).shape == (len(X),)
    assert reg.score(X, y[:, 0]) > 0.8


def test_pipeline_gridsearch_and_cross_val_score_with_time_series_split():
    X, y = make_windows(_series(n=150), input_length=12, horizon=3)
    pipe = Pipeline(
        [("scale", SequenceScaler()), ("rnn", Seq2SeqRegressor(**FAST, random_state=0))]
    )
    cv = TimeSeriesSplit(n_splits=2)
    search = GridSearchCV(pipe, {"rnn__hidden_size": [4, 16]}, cv=cv).fit(X, y)
    assert search.best_params_ == {"rnn__hidden_size": 16}
    assert search.best_score_ > 0.8
    rmse = make_scorer(horizon_error, greater_is_better=False, horizon=3)
    scores = cross_val_score(pipe, X, y, cv=cv, scoring=rmse)
    assert np.all(np.isfinite(scores)) and np.all(-scores < 30)  # noise std is 5, amplitude 100


def test_cross_val_score_on_ragged_aligned_targets():
    X, y = _aligned_ragged()
    reg = Seq2SeqRegressor(mode="aligned", **FAST, random_state=0)
    scores = cross_val_score(reg, X, y, cv=KFold(2))
    assert scores.shape == (2,) and np.all(scores > 0.8)


def test_clone_pickle_and_random_state():
    X, y = _ragged_windows(n=60)
    before = torch.random.get_rng_state()
    reg = Seq2SeqRegressor(**FAST, random_state=3).fit(X, y)
    assert torch.equal(torch.random.get_rng_state(), before)
    again = clone(reg).fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), again.predict(X))
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))
    assert restored.score(X, y) == reg.score(X, y)


def test_teacher_forcing_ratio_changes_training():
    X, y = make_windows(_series(n=100), input_length=12, horizon=4)
    preds = [
        Seq2SeqRegressor(**{**FAST, "max_iter": 3}, teacher_forcing_ratio=r, random_state=0)
        .fit(X, y)
        .predict(X)
        for r in (0.0, 1.0)
    ]
    assert np.abs(preds[0] - preds[1]).max() > 1e-3


def test_early_stopping_and_warm_start():
    X, y = make_windows(_series(n=150), input_length=12, horizon=3)
    reg = Seq2SeqRegressor(**FAST, early_stopping=True, n_iter_no_change=3, random_state=0)
    reg.fit(X, y)
    assert len(reg.validation_scores_) == reg.n_iter_
    assert max(reg.validation_scores_) > 0.5
    warm = Seq2SeqRegressor(**FAST, warm_start=True, random_state=0)
    warm.set_params(max_iter=2).fit(X, y)
    first = warm.loss_curve_[-1]
    warm.fit(X, y)
    assert warm.loss_curve_[-1] < first
    with pytest.raises(ValueError, match="warm_start"):
        warm.fit(X, y[:, :2])


def test_aligned_target_lengths_must_match_inputs():
    X, y = _aligned_ragged(n=20)
    y[3] = y[3][:-1]
    reg = Seq2SeqRegressor(mode="aligned", **FAST)
    with pytest.raises(ValueError, match="one target per input step.*sample 3"):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")
    with pytest.raises(ValueError, match="mode='aligned' needs one target per input step"):
        reg.fit(np.ones((5, 6, 1)), np.ones((5, 4)))


def test_horizon_mismatch_and_bad_targets():
    X, y = make_windows(_series(n=80), input_length=8, horizon=3)
    reg = Seq2SeqRegressor(**{**FAST, "max_iter": 2}, random_state=0).fit(X, y)
    before = reg.predict(X)
    with pytest.raises(ValueError, match="horizon of 5 steps.*fitted to predict 3"):
        reg.score(X, np.ones((len(X), 5)))
    with pytest.raises(ValueError, match="2 outputs per step.*fitted with 1"):
        reg.score(X, np.ones((len(X), 3, 2)))
    with pytest.raises(ValueError, match="target sequences of one length"):
        reg.fit(list(X), [np.ones(3)] * (len(X) - 1) + [np.ones(2)])
    with pytest.raises(ValueError, match=f"X has {len(X)} samples but y has 3"):
        reg.fit(X, y[:3])
    with pytest.raises(ValueError, match="y contains NaN|Input y contains NaN"):
        reg.fit(X, np.full_like(y, np.nan))
    with pytest.raises(ValueError, match="X has 2 features"):
        reg.predict(np.ones((3, 8, 2)))
    np.testing.assert_array_equal(reg.predict(X), before)  # nothing half-fitted


@pytest.mark.parametrize(
    "params, match",
    [
        ({"mode": "forecast"}, "mode"),
        ({"input_type": "table"}, "input_type"),
        ({"teacher_forcing_ratio": 1.5}, "teacher_forcing_ratio"),
    ],
)
def test_bad_parameters_raise(params, match):
    X, y = make_windows(_series(n=40), input_length=8, horizon=2)
    with pytest.raises(ValueError, match=match):
        Seq2SeqRegressor(**params).fit(X, y)


def test_scale_stats_in_chunks_equal_the_whole_computation():
    from sklearn_rnn._scaling import standard_scaling

    rng = np.random.default_rng(0)
    padded = (rng.standard_normal((50, 7, 3)) * [1, 10, 100] + [0, -5, 1e3]).astype(np.float32)
    lengths = rng.integers(1, 8, size=50)
    real = np.concatenate([padded[i, :t] for i, t in enumerate(lengths)]).astype(np.float64)
    for chunk_size in (1, 7, 4096):
        mean, scale = standard_scaling(padded, lengths, chunk_size=chunk_size)
        np.testing.assert_allclose(mean, real.mean(0), rtol=1e-6)
        np.testing.assert_allclose(scale, real.std(0), rtol=1e-5)


@pytest.mark.parametrize("container", ["float32", "dataframe", "tensor", "list"])
def test_fit_and_predict_leave_the_callers_inputs_unchanged(container):
    rng = np.random.default_rng(0)
    X = (50 + 10 * rng.standard_normal((40, 6))).astype(np.float32)
    y = X[:, -3:] + 1
    X_in = {
        "float32": lambda: X.copy(),
        "dataframe": lambda: pd.DataFrame(X.copy()),
        "tensor": lambda: torch.from_numpy(X.copy()),
        "list": lambda: [row.copy() for row in X],
    }[container]()
    reg = Seq2SeqRegressor(hidden_size=4, max_iter=2, random_state=0).fit(X_in, y)
    reg.predict(X_in)
    after = X_in if container != "list" else np.stack(X_in)
    np.testing.assert_array_equal(np.asarray(after), X)
