"""Covariates of Seq2SeqRegressor: past ones as input features, future ones fed to the decoder."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline
from skorch import NeuralNet

import sklearn_rnn
from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn._scaling import BatchScaling, FutureCovariateScaling
from sklearn_rnn.modules import EncoderDecoderModule
from sklearn_rnn.preprocessing import last_windows, make_windows

SMALL = dict(hidden_size=6, max_iter=2, batch_size=32, n_threads=1, random_state=0)
FORMS = ["standard", "instance", "mean", "last", "difference", None]
L, H = 8, 4


def _series(n=400, seed=0):
    """Column 0, the target, is three times column 1, a random covariate, plus a trend."""
    rng = np.random.RandomState(seed)
    c = rng.normal(size=n)
    y = 20 + 0.02 * np.arange(n) + 3 * c + 0.05 * rng.normal(size=n)
    return np.c_[y, c, rng.normal(size=n)]


def _windows(n=400, seed=0):
    return make_windows(_series(n, seed), L, H, targets=0, future_covariates=[1])


def _rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


# ------------------------------------------------------------------ learning
def test_a_future_covariate_that_drives_the_target_is_used():
    X, y = _windows(n=900)
    split = int(0.8 * len(X))
    params = dict(hidden_size=16, max_iter=25, learning_rate_init=0.01, n_threads=1)
    errors = {}
    for name, columns, X_used in (("future", [1], X), ("past only", None, X[:, :L])):
        reg = Seq2SeqRegressor(future_covariates=columns, random_state=0, **params)
        reg.fit(X_used[:split], y[:split])
        errors[name] = _rmse(reg.predict(X_used[split:]), y[split:])
    spread = float(np.std(y[split:]))
    # the future covariate explains the target; without it only the trend is left
    assert errors["future"] < 0.25 * spread, errors
    assert errors["past only"] > 0.8 * spread, errors
    assert errors["future"] < 0.25 * errors["past only"], errors


def test_a_past_covariate_that_drives_the_target_is_used():
    # the next value is three times the covariate's value at the window's last step
    rng = np.random.RandomState(1)
    c = rng.normal(size=800)
    target = np.r_[0.0, 3 * c[:-1]] + 0.05 * rng.normal(size=800)
    X, y = make_windows(np.c_[target, c], L, 1, targets=0)
    split = int(0.8 * len(X))
    params = dict(hidden_size=16, max_iter=25, learning_rate_init=0.01, n_threads=1)
    errors = {}
    for name, X_used in (("covariate", X), ("target only", X[:, :, :1])):
        reg = Seq2SeqRegressor(random_state=0, **params).fit(X_used[:split], y[:split])
        errors[name] = _rmse(reg.predict(X_used[split:]), y[split:])
    spread = float(np.std(y[split:]))
    assert errors["covariate"] < 0.3 * spread, errors
    assert errors["target only"] > 0.8 * spread, errors


# ------------------------------------------------------------------ no leakage
@pytest.mark.parametrize("scaling", FORMS)
def test_future_values_of_other_columns_change_nothing(scaling):
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL).fit(X, y)
    before = reg.predict(X[-20:])
    assert np.isnan(X[-20:, L:, [0, 2]]).all()
    X_filled = X[-20:].copy()
    X_filled[:, L:, [0, 2]] = np.random.RandomState(0).normal(100, 50, size=(20, H, 2))
    with pytest.warns(UserWarning, match="holds values outside the future_covariates"):
        np.testing.assert_array_equal(reg.predict(X_filled), before)
    # nor do they at fit
    X_train = X.copy()
    X_train[:, L:, 0] = 1e4
    X_train[:, L:, 2] = -7.0
    again = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL)
    with pytest.warns(UserWarning, match="no sequence of X has NaN"):
        again.fit(X_train, y)
    np.testing.assert_array_equal(again.predict(X[-20:]), before)


@pytest.mark.parametrize("scaling", FORMS)
@pytest.mark.parametrize("step", [1, 2, 3])
def test_the_decoder_is_causal_in_the_future_covariates(scaling, step):
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL).fit(X, y)
    X_test = X[-20:]
    before = reg.predict(X_test)
    changed = X_test.copy()
    changed[:, L + step, 1] += 5.0
    after = reg.predict(changed)
    # forecast steps before `step` (step 0 included: no scaling statistic moved)
    np.testing.assert_array_equal(after[:, :step], before[:, :step])
    assert np.abs(after[:, step] - before[:, step]).min() > 0


@pytest.mark.parametrize("scaling", ["standard", "mean", "last", "difference"])
def test_fitted_statistics_come_from_the_input_steps(scaling):
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL).fit(X, y)
    X_far = X.copy()
    X_far[:, L:, 1] += 1000.0
    far = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL).fit(X_far, y)
    np.testing.assert_array_equal(far._x_mean, reg._x_mean)
    np.testing.assert_array_equal(far._x_scale, reg._x_scale)
    plain = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X[:, :L], y)
    np.testing.assert_allclose(reg._x_mean, plain._x_mean, rtol=1e-6)
    np.testing.assert_allclose(reg._x_scale, plain._x_scale, rtol=1e-6)


@pytest.mark.parametrize("scaling", FORMS)
def test_future_values_get_the_transform_of_their_column(scaling):
    """Input steps as without future steps; future covariate values as if they were input."""
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], scaling=scaling, **SMALL).fit(X, y)
    data, _ = reg._check_X(X[:5], reset=False)
    out = data.scaling(data.X, data.lengths_t)
    inner = data.scaling.inner
    inputs = data.X[:, :L] if inner is None else inner(data.X[:, :L], torch.full((5,), L))
    torch.testing.assert_close(out[:, :L], inputs)
    assert (out[:, L:, [0, 2]] == 0).all()
    raw = torch.from_numpy(X[:5, :, 1].astype(np.float32))
    future = out[:, L:, 1].double()
    inputs_1 = X[:5, :L, 1]
    if scaling is None:
        expected = raw[:, L:].double()
    elif scaling == "standard":
        expected = (raw[:, L:].double() - float(reg._x_mean[1])) / float(reg._x_scale[1])
    elif scaling == "instance":
        mean = inputs_1.mean(1, keepdims=True)
        std = inputs_1.std(1, keepdims=True)
        expected = torch.from_numpy((X[:5, L:, 1] - mean) / std)
    elif scaling == "mean":
        rel = X[:5, L:, 1] - inputs_1.mean(1, keepdims=True)
        expected = torch.from_numpy((rel - reg._x_mean[1]) / reg._x_scale[1])
    elif scaling == "last":
        rel = X[:5, L:, 1] - X[:5, L - 1 : L, 1]
        expected = torch.from_numpy((rel - reg._x_mean[1]) / reg._x_scale[1])
    else:
        diff = np.diff(X[:5, L - 1 :, 1], axis=1)
        expected = torch.from_numpy((diff - reg._x_mean[1]) / reg._x_scale[1])
    torch.testing.assert_close(future, expected.double(), rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ layouts
def test_ragged_windows_each_end_with_their_own_horizon():
    series = _series(120)
    X, y = make_windows(series, L, H, targets=0, future_covariates=[1], min_input_length=3)
    assert X.dtype == object and {len(x) for x in X} == set(range(3 + H, L + H + 1))
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)
    together = reg.predict(X)
    assert together.shape == (len(X), H)
    for i in (0, 3, len(X) - 1):  # padding never changes a result
        np.testing.assert_allclose(reg.predict(X[i : i + 1]), together[i : i + 1], atol=1e-5)
    # a window shortened at its start is still read up to its own input steps
    short = [x[2:] for x in X[-5:]]
    assert reg.predict(short).shape == (5, H)


def test_quantiles_with_future_covariates():
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], quantiles=(0.1, 0.5, 0.9), **SMALL)
    reg.fit(X, y)
    q = reg.predict_quantiles(X[-10:])
    assert q.shape == (10, H, 3)
    assert (np.diff(q, axis=-1) >= 0).all()
    np.testing.assert_allclose(reg.predict(X[-10:]), q[..., 1], rtol=1e-5)
    changed = X[-10:].copy()
    changed[:, L + 2, 1] -= 3.0
    np.testing.assert_array_equal(reg.predict_quantiles(changed)[:, :2], q[:, :2])


def test_pipeline_grid_search_and_time_series_cv():
    X, y = _windows()
    cv = TimeSeriesSplit(n_splits=3, gap=H)
    pipe = Pipeline([("reg", Seq2SeqRegressor(future_covariates=[1], **SMALL))])
    scores = cross_val_score(pipe, X, y, cv=cv)
    assert scores.shape == (3,) and np.isfinite(scores).all()
    search = GridSearchCV(pipe, {"reg__hidden_size": [4, 6]}, cv=cv).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.predict(X[-3:]).shape == (3, H)


def test_save_load_and_pickle_keep_the_future_covariates(tmp_path):
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)
    expected = reg.predict(X[-10:])
    loaded = sklearn_rnn.load(reg.save(tmp_path / "model"))
    assert loaded.future_covariates == [1]
    np.testing.assert_array_equal(loaded.predict(X[-10:]), expected)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X[-10:]), expected)


def test_warm_start_continues_with_the_same_covariates():
    X, y = _windows()
    reg = Seq2SeqRegressor(
        future_covariates=[1], scaling="standard", warm_start=True, **SMALL
    ).fit(X, y)
    mean = reg._x_mean.copy()
    reg.fit(X, y)
    assert reg.n_iter_ == 4  # two more epochs on the same network
    np.testing.assert_array_equal(reg._x_mean, mean)
    X[:, L:, 2] = 0.0
    reg.set_params(future_covariates=[2])  # column 1 now holds values in the horizon
    with pytest.warns(UserWarning, match="no sequence"), pytest.raises(ValueError, match="warm"):
        reg.fit(X, y)


def test_module_splits_the_future_steps_of_a_ragged_batch():
    module = EncoderDecoderModule(
        n_outputs=1, horizon=2, input_size=2, hidden_size=3, future_covariates=[1]
    )
    X = torch.arange(20.0).reshape(2, 5, 2)
    X[1, 4] = 0.0  # padding of the shorter sequence
    inputs, lengths, future = module.split_future(X, torch.tensor([5, 4]))
    assert lengths.tolist() == [3, 2]
    assert future[:, :, 0].tolist() == [[7.0, 9.0], [15.0, 17.0]]
    assert inputs.shape == (2, 3, 2)
    assert (inputs[1, 2] == 0).all() and (inputs[0] == X[0, :3]).all()
    assert module.eval()(X, torch.tensor([5, 4])).shape == (2, 2, 1)


def test_the_batch_scaling_never_reads_the_future_for_its_statistics():
    X = torch.tensor([[[1.0, 2.0], [3.0, 6.0], [0.0, 9.0], [0.0, 30.0]]])
    lengths = torch.tensor([4])
    scaling = FutureCovariateScaling(BatchScaling("instance"), horizon=2, columns=[1])
    out = scaling(X, lengths)
    moved = X.clone()
    moved[0, 2:, 1] = torch.tensor([100.0, -50.0])
    out_moved = scaling(moved, lengths)
    torch.testing.assert_close(out_moved[:, :2], out[:, :2])
    # column 1 of the inputs: mean 4, std 2
    torch.testing.assert_close(out[0, 2:, 1], torch.tensor([2.5, 13.0]))
    assert out[0, 2:, 0].tolist() == [0.0, 0.0]


# ------------------------------------------------------------------ bad input
def _no_training(*args, **kwargs):
    raise AssertionError("training started")


def _with_nan_at(step, column):
    def make(X):
        X = X.copy()
        X[3, step, column] = np.nan
        return X

    return make


BAD_FIT = [
    ({"mode": "aligned"}, None, "mode='aligned'"),
    ({"input_type": "vectors"}, None, "input_type='vectors'"),
    ({"future_covariates": [3]}, None, "out of range.*3 feature"),
    ({"future_covariates": [-1]}, None, "negative"),
    ({"future_covariates": [1, 1]}, None, "repeats"),
    ({"future_covariates": [1.5]}, None, "column indices"),
    ({"future_covariates": []}, None, "column indices"),
    ({"future_covariates": [True]}, None, "column indices"),
    ({"future_covariates": "1"}, None, "future_covariates"),
    ({}, _with_nan_at(2, 1), "contains NaN in the input steps"),
    ({}, _with_nan_at(L - 1, 0), "contains NaN in the input steps"),
    ({}, _with_nan_at(L + 1, 1), "NaN in a future_covariates column"),
    ({}, lambda X: np.where(np.isnan(X), np.inf, X), "infinity"),
    ({}, lambda X: X[:, : H - 1], "at least one input step"),
    ({}, lambda X: X[:, :H], "at least one input step"),
]


@pytest.mark.parametrize("params, change, match", BAD_FIT)
def test_bad_input_at_fit_raises_before_training(params, change, match, monkeypatch):
    X, y = _windows(120)
    if params.get("mode") == "aligned":
        y = X[:, :, 0]
    if change is not None:
        X = change(X)
    reg = Seq2SeqRegressor(**{"future_covariates": [1], **SMALL, **params})
    monkeypatch.setattr(NeuralNet, "initialize", _no_training)
    monkeypatch.setattr(NeuralNet, "partial_fit", _no_training)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "n_features_in_")


def test_token_ids_have_no_future_covariates():
    reg = Seq2SeqRegressor(future_covariates=[0], embedding_dim=4, **SMALL)
    with pytest.raises(ValueError, match="token ids"):
        reg.fit(np.ones((10, 6), dtype=int), np.ones((10, 2)))


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda X: X[:, :H], "at least one input step"),
        (lambda X: [x[: H - 2] for x in X], "at least one input step"),
        (_with_nan_at(0, 2), "contains NaN in the input steps"),
        (_with_nan_at(L, 1), "NaN in a future_covariates column"),
        (lambda X: X[:, :, :2], "expecting 3 features"),
    ],
)
def test_bad_input_at_predict(change, match):
    X, y = _windows(120)
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)
    before = reg.predict(X[:5])
    with pytest.raises(ValueError, match=match):
        reg.predict(change(X))
    np.testing.assert_array_equal(reg.predict(X[:5]), before)


def test_windows_without_their_future_values_warn_at_predict():
    series = _series(120)
    X, y = make_windows(series, L, H, targets=0, future_covariates=[1])
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)
    assert reg._future_empty
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # windows laid out as at fit: no warning
        reg.predict(X[:5])
        reg.predict(last_windows(series, L, future_covariates=[1], future_values=[0.5] * H))
    past_only = series[None, -(L + H) :]  # no NaN: the last H past steps read as the horizon
    too_few = last_windows(series, L + H - 2, future_covariates=[1], future_values=[0.5] * 2)
    for bad, first, count in ((past_only, 0, 1), ([X[0], too_few[0], X[1]], 1, 1)):
        with pytest.warns(UserWarning, match=rf"X\[{first}\] holds values outside .*{count} seq"):
            reg.predict(bad)


def test_windows_without_their_horizon_warn_at_fit():
    series = _series(80)
    X_plain, y_plain = make_windows(series, L, H, targets=0)  # future_covariates forgotten
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL)
    with pytest.warns(UserWarning, match="no sequence of X has NaN.*make_windows"):
        reg.fit(X_plain, y_plain)
    X, y = make_windows(series, L, H, targets=0, future_covariates=[1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)


def test_filled_training_horizons_warn_at_fit_and_not_at_predict():
    X, y = _windows(120)
    filled = np.nan_to_num(X, nan=0.0)  # the other columns' horizon steps hold zeros
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL)
    with pytest.warns(UserWarning, match="no sequence of X has NaN"):
        reg.fit(filled, y)
    assert not reg._future_empty
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(reg.predict(filled[:5]), reg.predict(X[:5]))


def test_nan_outside_the_future_steps_still_raises_without_future_covariates():
    X, y = _windows(120)
    with pytest.raises(ValueError, match="contains NaN"):
        Seq2SeqRegressor(**SMALL).fit(X, y)


# ------------------------------------------------------------------ windows
def test_make_windows_extends_each_window_by_the_covariates_of_its_horizon():
    series = _series(60)
    X, y = make_windows(series, L, H, targets=0, future_covariates=[1])
    X_plain, y_plain = make_windows(series, L, H, targets=0)
    assert X.shape == (len(X_plain), L + H, 3)
    np.testing.assert_array_equal(X[:, :L], X_plain)
    np.testing.assert_array_equal(y, y_plain)
    for i in (0, 17, len(X) - 1):
        np.testing.assert_array_equal(X[i, L:, 1], series[i + L : i + L + H, 1])
    assert np.isnan(X[:, L:, [0, 2]]).all()


def test_last_windows_of_a_cut_series_equal_the_last_training_window():
    series = _series(60)
    X, _ = make_windows(series, L, H, targets=0, future_covariates=[1, 2])
    last = last_windows(series[:-H], L, future_covariates=[1, 2], future_values=series[-H:, 1:])
    assert last.shape == (1, L + H, 3)
    np.testing.assert_array_equal(last[0], X[-1])


def test_windows_of_many_series_and_named_columns():
    frames = [
        pd.DataFrame(_series(n, seed), columns=["sales", "price", "noise"])
        for seed, n in enumerate((40, 25, 31))
    ]
    X, y, groups = make_windows(
        frames, L, H, targets="sales", future_covariates="price", return_groups=True
    )
    assert X.shape[1:] == (L + H, 3)
    ends = {g: frames[g].to_numpy() for g in range(3)}
    for i in (0, len(X) - 1):  # the last windows end with each series' last step
        g = groups[i]
        where = [
            e
            for e in range(L, len(ends[g]) - H + 1)
            if np.array_equal(ends[g][e - L : e], X[i, :L])
        ]
        assert len(where) == 1
        e = where[0]
        np.testing.assert_array_equal(X[i, L:, 1], ends[g][e : e + H, 1])
        np.testing.assert_array_equal(y[i], ends[g][e : e + H, 0])
    future = [f["price"].to_numpy()[-H:] for f in frames]
    cut = [f.iloc[:-H] for f in frames]
    last = last_windows(cut, L, future_covariates=["price"], future_values=future)
    assert last.shape == (3, L + H, 3)
    for g in range(3):  # the last training window of every series
        np.testing.assert_array_equal(last[g], X[np.flatnonzero(groups == g)[-1]])
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y)
    assert reg.predict(last).shape == (3, H)


def test_last_windows_matches_future_value_columns_by_name():
    frame = pd.DataFrame(_series(40), columns=["sales", "price", "promo"])
    future = pd.DataFrame({"promo": np.arange(H) + 100.0, "price": np.arange(H) + 200.0})
    last = last_windows(frame, L, future_covariates=["price", "promo"], future_values=future)
    np.testing.assert_array_equal(last[0, L:, 1], future["price"])
    np.testing.assert_array_equal(last[0, L:, 2], future["promo"])
    assert np.isnan(last[0, L:, 0]).all()
    by_position = last_windows(
        frame, L, future_covariates=["price", "promo"], future_values=future.to_numpy()
    )
    np.testing.assert_array_equal(by_position[0, L:, 1], future["promo"])
    with pytest.raises(ValueError, match="columns \\['promo', 'discount'\\]"):
        last_windows(
            frame,
            L,
            future_covariates=["price", "promo"],
            future_values=future.rename(columns={"price": "discount"}),
        )


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda s: make_windows(s, L, H, mode="aligned", future_covariates=[1]), "aligned"),
        (lambda s: make_windows(s, L, H, future_covariates=[5]), "out of range"),
        (lambda s: make_windows(s, L, H, future_covariates=[1, 1]), "repeats"),
        (lambda s: last_windows(s, L, future_covariates=[1]), "go together"),
        (lambda s: last_windows(s, L, future_values=np.ones(H)), "go together"),
        (
            lambda s: last_windows(s, L, future_covariates=[1, 2], future_values=np.ones(H)),
            "1 column.*names 2",
        ),
        (
            lambda s: last_windows([s, s], L, future_covariates=[1], future_values=np.ones(H)),
            "one \\(horizon, n_covariates\\) array",
        ),
        (
            lambda s: last_windows(
                [s, s], L, future_covariates=[1], future_values=[np.ones(H), np.ones(H + 1)]
            ),
            "same horizon",
        ),
        (
            lambda s: last_windows(s, L, future_covariates=[1], future_values=[1.0, np.nan]),
            "NaN",
        ),
    ],
)
def test_window_helpers_reject_bad_covariate_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(_series(40))


def test_early_stopping_and_the_callers_array_untouched():
    X, y = _windows()
    X_before = X.copy()
    reg = Seq2SeqRegressor(future_covariates=[1], early_stopping=True, **SMALL).fit(X, y)
    assert len(reg.validation_scores_) == 2 and np.isfinite(reg.validation_scores_).all()
    assert np.isfinite(reg.score(X, y))
    np.testing.assert_array_equal(X, X_before)  # NaN and all


def test_more_outputs_than_features_fall_back_to_standard_on_the_input_steps():
    X, y = _windows()
    X = X[:, :, :2]
    y3 = np.stack([y, 2 * y, -y], axis=2)  # 3 outputs, 2 input features
    reg = Seq2SeqRegressor(future_covariates=[1], **SMALL).fit(X, y3)
    assert reg._scaling == "standard"
    plain = Seq2SeqRegressor(scaling="standard", **SMALL).fit(X[:, :L], y3)
    np.testing.assert_allclose(reg._x_mean, plain._x_mean, rtol=1e-6)
    assert reg.predict(X[:3]).shape == (3, H, 3)


@pytest.mark.parametrize(
    "params",
    [{"highway_window": 3}, {"conv_filters": (4,), "conv_kernel_size": 3, "conv_stride": 2}],
)
def test_highway_and_front_end_read_the_input_steps_only(params):
    X, y = _windows()
    reg = Seq2SeqRegressor(future_covariates=[1], **params, **SMALL).fit(X, y)
    before = reg.predict(X[-10:])
    changed = X[-10:].copy()
    changed[:, L + 2, 1] += 5.0
    changed[:, L:, 0] = 1e3
    with pytest.warns(UserWarning, match="holds values outside the future_covariates"):
        after = reg.predict(changed)
    np.testing.assert_array_equal(after[:, :2], before[:, :2])
    assert np.abs(after[:, 2] - before[:, 2]).min() > 0
