"""Per-window scaling of Seq2SeqRegressor: inputs and targets, inverted on the predictions."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

import sklearn_rnn
from sklearn_rnn import LSTMClassifier, Seq2SeqRegressor
from sklearn_rnn._net import TimeOrderedSplit
from sklearn_rnn._scaling import BatchScaling, window_moments, window_statistics
from sklearn_rnn.preprocessing import make_windows

SMALL = dict(hidden_size=6, max_iter=2, batch_size=16, n_threads=1, random_state=0)
FORMS = ["standard", "instance", "mean", "last", "difference", None]


def _windows(n_features=1, length=300, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(length)
    cols = [
        50 + 0.3 * t * (j + 1) + 5 * np.sin(2 * np.pi * t / 12 + j) + rng.normal(size=length)
        for j in range(n_features)
    ]
    series = np.stack(cols, axis=1)
    return make_windows(series, input_length=10, horizon=4)


def test_window_statistics_of_a_known_window():
    X = torch.tensor([[[1.0], [2.0], [6.0], [0.0]], [[4.0], [4.0], [4.0], [4.0]]])
    lengths = torch.tensor([3, 4])
    offset, scale = window_statistics(X, lengths, "last")
    assert offset[:, 0, 0].tolist() == [6.0, 4.0]
    assert scale.flatten().tolist() == [1.0, 1.0]
    mean, std = window_statistics(X, lengths, "instance")
    np.testing.assert_allclose(mean[:, 0, 0], [3.0, 4.0])
    offset, scale = window_statistics(X, lengths, "mean")
    np.testing.assert_allclose(offset[:, 0, 0], [3.0, 4.0])
    assert scale.flatten().tolist() == [1.0, 1.0]
    np.testing.assert_allclose(std[:, 0, 0], [np.sqrt(14 / 3), 1.0])  # constant: scale 1


def test_batch_scaling_per_window_forms_on_a_known_window():
    X = torch.tensor([[[1.0], [2.0], [6.0], [0.0]], [[4.0], [5.0], [7.0], [10.0]]])
    lengths = torch.tensor([3, 4])
    last = BatchScaling("last")(X, lengths)[:, :, 0]
    assert last.tolist() == [[-5.0, -4.0, 0.0, 0.0], [-6.0, -5.0, -3.0, 0.0]]
    centred = BatchScaling("mean")(X, lengths)[:, :, 0]
    np.testing.assert_allclose(centred, [[-2.0, -1.0, 3.0, 0.0], [-2.5, -1.5, 0.5, 3.5]])
    diff = BatchScaling("difference")(X, lengths)[:, :, 0]
    assert diff.tolist() == [[0.0, 1.0, 4.0, 0.0], [0.0, 1.0, 2.0, 3.0]]
    # then standardised by statistics of the training windows, padding stays 0
    mean, scale = window_moments(X, lengths.numpy(), "difference")
    np.testing.assert_allclose(mean, [11 / 5])
    np.testing.assert_allclose(scale, [np.std([1.0, 4.0, 1.0, 2.0, 3.0])])
    out = BatchScaling("difference", mean, scale)(X, lengths)[:, :, 0]
    np.testing.assert_allclose(out[1, 1:], (np.array([1.0, 2.0, 3.0]) - mean) / scale, rtol=1e-6)
    assert out[0, 0] == 0.0 and out[0, 3] == 0.0 and out[1, 0] == 0.0


@pytest.mark.parametrize("scaling", FORMS)
def test_targets_round_trip_through_each_form(scaling):
    X, y = _windows(n_features=2)
    y = np.stack([y[:, :, 0], y[:, :, 1] * 3], axis=2)
    reg = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X, y)
    data, _ = reg._check_X(X, reset=False)
    encoded, _, _, info = reg._encode_targets(y, data)
    window = scaling in ("instance", "mean", "last", "difference")
    assert info["_y_window"] == (scaling if window else None)
    np.testing.assert_allclose(encoded.numpy().std(axis=(0, 1)), 1.0, rtol=1e-3)
    decoded = reg._decode_outputs(encoded.numpy().astype(np.float64), data)
    np.testing.assert_allclose(decoded, y, rtol=1e-5, atol=1e-4)


def _constant_output_model(scaling, value, monkeypatch):
    """A model fitted with ``scaling`` whose network outputs ``value`` at every step."""
    X, y = _windows()
    reg = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X, y)
    out = torch.full((1, reg.horizon_, 1), value)
    monkeypatch.setattr(reg, "_forward", lambda data: out)
    return reg


@pytest.mark.parametrize("scaling", ["last", "difference"])
def test_last_and_difference_invert_exactly_on_a_known_window(scaling, monkeypatch):
    reg = _constant_output_model(scaling, 0.0, monkeypatch)
    window = np.array([[3.0], [5.0], [4.0], [8.0], [9.0], [7.0], [6.0], [6.5], [7.5], [10.0]])
    # a network output of 0 is the mean change from the window's last value
    expected = 10.0 + float(reg._y_mean[0])
    np.testing.assert_allclose(reg.predict(window[None]), np.full((1, 4), expected), rtol=1e-6)


def test_instance_inverts_exactly_on_a_known_window(monkeypatch):
    reg = _constant_output_model("instance", 1.0, monkeypatch)
    window = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    standardised = float(reg._y_scale[0] + reg._y_mean[0])
    expected = window.mean() + window.std() * standardised
    np.testing.assert_allclose(reg.predict(window[None, :, None]), np.full((1, 4), expected))


def test_mean_inverts_exactly_on_a_known_window(monkeypatch):
    reg = _constant_output_model("mean", 1.0, monkeypatch)
    window = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    # one scale for every window: the output is not multiplied by the window's spread
    expected = window.mean() + float(reg._y_scale[0] + reg._y_mean[0])
    np.testing.assert_allclose(reg.predict(window[None, :, None]), np.full((1, 4), expected))
    wide = reg.predict((window * 3.0)[None, :, None])
    np.testing.assert_allclose(wide, np.full((1, 4), 3.0 * window.mean() + expected - 5.5))


@pytest.mark.parametrize("scaling", ["mean", "last", "difference"])
def test_a_shifted_window_gets_the_shifted_forecast(scaling):
    X, y = _windows()
    reg = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X, y)
    pred = reg.predict(X[:20])
    np.testing.assert_allclose(reg.predict(X[:20] + 1000.0), pred + 1000.0, atol=2e-3)
    # and the forecast follows the level: a fit on shifted data gives the same model
    other = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X + 1000.0, y + 1000.0)
    np.testing.assert_allclose(other.predict(X[:20] + 1000.0), pred + 1000.0, atol=2e-3)
    plain = Seq2SeqRegressor(scaling="standard", **SMALL).fit(X, y)
    assert not np.allclose(plain.predict(X[:20] + 1000.0), plain.predict(X[:20]) + 1000.0, atol=1)


def test_instance_forecast_follows_each_window_level_and_scale():
    X, y = _windows()
    reg = Seq2SeqRegressor(scaling="instance", **SMALL).fit(X, y)
    pred = reg.predict(X[:20])
    np.testing.assert_allclose(reg.predict(X[:20] * 7.0 - 30.0), pred * 7.0 - 30.0, rtol=1e-4)


def test_target_column_j_follows_input_column_j():
    X, y = _windows(n_features=2)
    y = y[:, :, :1]  # forecast the first column; the second is a covariate
    reg = Seq2SeqRegressor(scaling="last", **SMALL).fit(X, y)
    pred = reg.predict(X[:10])
    shift_first = X[:10].copy()
    shift_first[:, :, 0] += 50.0
    np.testing.assert_allclose(reg.predict(shift_first), pred + 50.0, atol=1e-3)
    shift_second = X[:10].copy()
    shift_second[:, :, 1] += 50.0
    np.testing.assert_allclose(reg.predict(shift_second), pred, atol=1e-3)


def test_ragged_windows_are_scaled_from_their_own_last_step():
    X, y = _windows()
    ragged = [x[i % 4 :] for i, x in enumerate(X[:40])]
    reg = Seq2SeqRegressor(scaling="last", **SMALL).fit(ragged, y[:40])
    together = reg.predict(ragged)
    alone = np.vstack([reg.predict([x]) for x in ragged])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    shifted = reg.predict([x + 10.0 for x in ragged])
    np.testing.assert_allclose(shifted, together + 10.0, atol=1e-3)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(scaling="last", mode="aligned"), "aligned"),
        (dict(scaling="difference", mode="aligned"), "aligned"),
        (dict(scaling="mean", mode="aligned"), "aligned"),
        (dict(scaling="mean", input_type="vectors"), "no steps.*'standard' or None"),
        (dict(scaling="last", input_type="vectors"), "vectors.*Use scaling='standard' or None"),
        (dict(scaling="difference", embedding_dim=3), "token.*Use scaling=None"),
        (dict(scaling="median"), "scaling"),
    ],
)
def test_per_window_forms_that_do_not_apply_raise_before_training(params, match):
    X, y = _windows()
    if params.get("input_type") == "vectors":
        X = X[:, :, 0]
    if params.get("embedding_dim"):
        X = np.round(X[:, :, 0]).astype(np.int64)
    if params.get("mode") == "aligned":
        y = X[:, :, 0] * 2
    reg = Seq2SeqRegressor(**params, **SMALL)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")


@pytest.mark.parametrize("scaling", ["instance", "mean", "last", "difference"])
def test_more_targets_than_input_columns_raise_before_training(scaling):
    X, y = _windows()
    y = np.stack([y, y], axis=2)
    reg = Seq2SeqRegressor(scaling=scaling, **SMALL)
    with pytest.raises(ValueError, match="target column j relative to input column j"):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")
    Seq2SeqRegressor(scaling="standard", **SMALL).fit(X, y)  # no mapping needed


def test_difference_needs_two_steps_per_window():
    X = np.arange(20.0).reshape(20, 1, 1)
    reg = Seq2SeqRegressor(scaling="difference", **SMALL)
    with pytest.raises(ValueError, match="at least 2 steps"):
        reg.fit(X, X[:, 0, :] + 1)
    assert not hasattr(reg, "net_")


def test_instance_scales_aligned_targets_per_sequence():
    X, _ = _windows()
    y = X[:, :, 0] * 2 + 1
    reg = Seq2SeqRegressor(mode="aligned", scaling="instance", **SMALL).fit(X, y)
    np.testing.assert_allclose(
        reg.predict(X[:10] * 3 + 5), reg.predict(X[:10]) * 3 + 5, rtol=1e-4, atol=1e-3
    )


@pytest.mark.parametrize("scaling", ["last", "difference", "instance", "mean"])
def test_window_scaling_is_saved_and_loaded(scaling, tmp_path):
    X, y = _windows()
    reg = Seq2SeqRegressor(scaling=scaling, **SMALL).fit(X, y)
    loaded = sklearn_rnn.load(reg.save(tmp_path / "model"))
    assert loaded._y_window == scaling
    np.testing.assert_array_equal(loaded.predict(X[:15]), reg.predict(X[:15]))
    refit = clone(reg).fit(X, y)
    np.testing.assert_array_equal(refit.predict(X[:15]), reg.predict(X[:15]))


def test_warm_start_refuses_another_window_scaling():
    X, y = _windows()
    reg = Seq2SeqRegressor(scaling="mean", warm_start=True, **SMALL).fit(X, y)
    before = reg.predict(X[:5])
    reg.set_params(scaling="last")
    with pytest.raises(ValueError, match="per-window scaling"):
        reg.fit(X, y)
    np.testing.assert_array_equal(reg.predict(X[:5]), before)


def test_float32_windows_are_used_in_place_and_left_unchanged():
    X, y = _windows()
    X = X.astype(np.float32)
    before = X.copy()
    reg = Seq2SeqRegressor(scaling="last", **SMALL).fit(X, y)
    np.testing.assert_array_equal(X, before)
    data, _ = reg._check_X(X, reset=False)
    assert np.shares_memory(data.X.numpy(), X)


# ------------------------------------------------------------ time-ordered validation
def test_time_ordered_split_holds_out_the_last_samples():
    train, valid = TimeOrderedSplit(0.1)(np.arange(25))
    assert list(train.indices) == list(range(22))
    assert list(valid.indices) == [22, 23, 24]
    with pytest.raises(ValueError, match="at least one sample"):
        TimeOrderedSplit(0.5)(np.arange(1))


def test_seq2seq_early_stopping_validates_on_the_last_windows():
    X, y = _windows()
    # "last": one target scale for all windows, so the loss is computed below
    reg = Seq2SeqRegressor(
        early_stopping=True, validation_fraction=0.2, scaling="last", **SMALL
    ).fit(X, y)
    split = reg.net_.train_split
    assert isinstance(split, TimeOrderedSplit)
    data, _ = reg._check_X(X, reset=False)
    train, valid = split(data)
    n_valid = int(np.ceil(0.2 * len(X)))
    np.testing.assert_array_equal(valid.indices, np.arange(len(X) - n_valid, len(X)))
    assert max(train.indices) < min(valid.indices)
    # the validation loss of the kept weights is that of the last windows
    kept = reg.predict(X[-n_valid:])
    scaled = (kept - y[-n_valid:]) / reg._y_scale[0]
    assert reg.best_loss_ == pytest.approx(np.mean(scaled**2), rel=1e-3)


def test_classifier_early_stopping_still_samples_at_random():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 1))
    y = np.arange(40) % 2
    clf = LSTMClassifier(early_stopping=True, **SMALL).fit(X, y)
    assert not isinstance(clf.net_.train_split, TimeOrderedSplit)


# ------------------------------------------------------------------ scaling="auto"
def test_auto_scaling_is_instance_for_windows_and_standard_elsewhere():
    assert Seq2SeqRegressor().scaling == "auto"
    X, y = _windows()
    reg = Seq2SeqRegressor(**SMALL).fit(X, y)
    assert reg._scaling == "instance" and reg._y_window == "instance"
    # free of the level and the spread of a window: series of any scale
    np.testing.assert_allclose(reg.predict(X[:5] + 100.0), reg.predict(X[:5]) + 100.0, atol=1e-3)
    np.testing.assert_allclose(reg.predict(X[:5] * 1e4), reg.predict(X[:5]) * 1e4, rtol=1e-3)
    aligned = Seq2SeqRegressor(mode="aligned", **SMALL).fit(X, X[:, :, 0] * 2)
    assert aligned._scaling == "standard" and aligned._y_window is None
    table = X[:, :, 0]
    vectors = Seq2SeqRegressor(input_type="vectors", **SMALL).fit(table, y)
    assert vectors._scaling == "standard"
    # the form of the fit is kept when the parameter changes afterwards
    reg.set_params(scaling=None)
    assert reg._check_X(X, reset=False)[0].scaling.kind == "instance"


def test_auto_scaling_falls_back_to_standard_for_more_targets_than_features():
    X, y = _windows()
    y = np.stack([y, -y], axis=2)
    reg = Seq2SeqRegressor(**SMALL).fit(X, y)
    assert reg._scaling == "standard" and reg._y_window is None
    data, _ = reg._check_X(X, reset=False)
    assert data.scaling.kind == "standard"
    np.testing.assert_allclose(reg._x_mean, [X.mean()], rtol=1e-5)
    assert reg.predict(X[:3]).shape == (3, 4, 2)


def test_warm_start_keeps_the_window_scaling_of_the_first_fit():
    X, y = _windows()
    reg = Seq2SeqRegressor(warm_start=True, scaling="last", **SMALL).fit(X[:100], y[:100])
    x_mean, y_mean = reg._x_mean.copy(), reg._y_mean.copy()
    reg.fit(X[100:] + 5.0, y[100:] + 5.0)
    np.testing.assert_array_equal(reg._x_mean, x_mean)
    np.testing.assert_array_equal(reg._y_mean, y_mean)
    assert reg._y_window == "last" and reg.n_iter_ == 4  # continued, not refitted
    two = np.stack([y, -y], axis=2)
    multi = Seq2SeqRegressor(warm_start=True, **SMALL).fit(X[:100], two[:100])
    multi.fit(X[100:], two[100:])
    assert multi._scaling == "standard"
