"""The linear highway of Seq2SeqRegressor's encoder-decoder (``highway_window``)."""

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import Seq2SeqRegressor, load, save
from sklearn_rnn.modules import EncoderDecoderModule

FAST = dict(hidden_size=8, max_iter=30, batch_size=32, learning_rate_init=0.01, n_threads=1)


def _extrapolation(n=300, seed=0):
    """Windows whose next steps continue each window's straight line."""
    rng = np.random.RandomState(seed)
    level, slope = rng.normal(0, 1, (n, 1)), rng.normal(0, 0.5, (n, 1))
    X = level + slope * np.arange(8) + rng.normal(0, 0.01, (n, 8))
    y = level + slope * np.arange(8, 14)
    return X, y


def test_highway_learns_a_linear_map_the_small_recurrent_model_misses():
    # the horizon repeats the first steps of a window of white noise (a seasonal
    # copy): one linear map of the last 8 steps, but 8 values for a small state to keep
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 8))
    y = X[:, :6]
    scores = {
        window: Seq2SeqRegressor(highway_window=window, scaling="standard", **FAST, random_state=0)
        .fit(X[:300], y[:300])
        .score(X[300:], y[300:])
        for window in (0, 8)
    }
    assert scores[8] > 0.95
    assert scores[0] < 0.8


def test_training_starts_from_the_least_squares_forecast():
    # targets that are one linear map of the window: the start alone forecasts them
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 8))
    y = X @ rng.normal(size=(8, 4))
    barely = dict(FAST, max_iter=1, learning_rate_init=1e-7)
    scores = {
        window: Seq2SeqRegressor(highway_window=window, scaling="standard", **barely)
        .fit(X, y)
        .score(X, y)
        for window in (0, 8)
    }
    assert scores[8] > 0.99
    assert scores[0] < 0.5


def test_early_stopping_keeps_the_start_when_no_epoch_beats_it():
    # the start is the exact forecast; a far too large step size only spoils it
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 8))
    y = X @ rng.normal(size=(8, 4))
    params = dict(FAST, max_iter=5, learning_rate_init=1.0, early_stopping=True)
    reg = Seq2SeqRegressor(highway_window=8, scaling="standard", **params).fit(X, y)
    stopper = dict(reg.net_.callbacks_)["early_stopping"]
    assert stopper.start_loss_ < min(reg.net_.history[:, "valid_loss"])
    assert reg.best_loss_ == stopper.start_loss_
    assert reg.score(X, y) > 0.99
    # a warm refit has no least-squares start: its epochs are kept as trained
    warm = Seq2SeqRegressor(highway_window=8, scaling="standard", warm_start=True, **params)
    warm.fit(X, y).fit(X, y)
    stopper = dict(warm.net_.callbacks_)["early_stopping"]
    assert not stopper.keep_start and stopper.start_loss_ is None
    assert warm.best_loss_ == min(warm.net_.history[-5:, "valid_loss"])
    # without a fitted start there is nothing to keep
    plain = Seq2SeqRegressor(scaling="standard", **params).fit(X, y)
    assert dict(plain.net_.callbacks_)["early_stopping"].start_loss_ is None
    assert plain.score(X, y) < 0.9


def test_epochs_that_beat_the_start_are_kept():
    # a window's next steps continue its straight line; the highway reads only
    # its last step, so training has much to add to the start
    X, y = _extrapolation()
    params = dict(FAST, early_stopping=True, random_state=0)
    reg = Seq2SeqRegressor(highway_window=1, scaling="standard", **params).fit(X, y)
    stopper = dict(reg.net_.callbacks_)["early_stopping"]
    best = min(reg.net_.history[:, "valid_loss"])
    assert best < stopper.start_loss_ and reg.best_loss_ == best


def test_the_start_reads_a_sample_of_many_windows_and_is_skipped_for_wide_inputs(
    monkeypatch,
):
    import sklearn_rnn._highway as highway

    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 8))
    y = X @ rng.normal(size=(8, 4))
    barely = dict(FAST, max_iter=1, learning_rate_init=1e-7, highway_window=8)

    def score():
        return Seq2SeqRegressor(scaling="standard", **barely).fit(X, y).score(X, y)

    monkeypatch.setattr(highway, "MAX_SAMPLES", 50)
    assert score() > 0.99  # 50 evenly spaced windows determine the linear map
    monkeypatch.setattr(highway, "MAX_INPUTS", 7)
    assert score() < 0.5  # 8 inputs: no start


def test_the_start_ignores_the_scale_of_inputs_and_of_sample_weights():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 8))
    y = X @ rng.normal(size=(8, 4)) + 0.3 * rng.normal(size=(300, 4))
    barely = dict(FAST, max_iter=1, learning_rate_init=1e-7, highway_window=8, random_state=0)
    reg = Seq2SeqRegressor(scaling=None, **barely)
    # raw inputs of a small scale: the penalty applies to standardised columns
    small = reg.fit(X * 1e-3, y).predict(X * 1e-3)
    large = reg.fit(X * 1e3, y).predict(X * 1e3)
    np.testing.assert_allclose(small, large, atol=0.02)  # targets of spread about 3
    assert reg.score(X * 1e3, y) > 0.95
    reg = Seq2SeqRegressor(scaling="standard", **barely)
    ones = reg.fit(X, y, sample_weight=np.ones(300)).predict(X)
    tiny = reg.fit(X, y, sample_weight=np.full(300, 1e-5)).predict(X)
    np.testing.assert_allclose(ones, tiny, rtol=1e-4, atol=1e-4)


def test_the_start_reads_only_the_training_part(monkeypatch):
    import sklearn_rnn._seq2seq as seq2seq

    seen = []
    start = seq2seq.highway_start
    monkeypatch.setattr(
        seq2seq,
        "highway_start",
        lambda module, data, n: seen.append((len(data), n)) or start(module, data, n),
    )
    X, y = _extrapolation(n=50)
    Seq2SeqRegressor(highway_window=3, **dict(FAST, max_iter=2), random_state=0).fit(X, y)
    Seq2SeqRegressor(
        highway_window=3,
        early_stopping=True,
        validation_fraction=0.2,
        **dict(FAST, max_iter=2),
        random_state=0,
    ).fit(X, y)
    # the held-out last windows of early stopping are not read
    assert seen == [(50, 50), (50, 40)]


def test_highway_term_is_added_to_every_decoded_step():
    X, y = _extrapolation(n=50)
    reg = Seq2SeqRegressor(highway_window=3, **FAST, random_state=0).fit(X, y)
    before = reg.predict(X)
    with torch.no_grad():
        reg.net_.module_.highway.bias.add_(1.0)
    shifted = reg.predict(X)
    # a shift of the highway's bias moves every step (on the scale of the targets)
    assert np.all(np.abs(shifted - before) > 1e-3)


def test_highway_reads_the_last_real_steps_and_zeros_before_the_start():
    torch.manual_seed(0)
    module = EncoderDecoderModule(
        n_outputs=1, horizon=2, input_size=2, hidden_size=4, highway_window=4
    ).eval()
    short = torch.randn(2, 2)
    # the same two steps, padded at the end to 5 steps, and as the tail of 4 steps led by zeros
    padded = torch.cat([short, torch.full((3, 2), 7.0)]).unsqueeze(0)
    led = torch.cat([torch.zeros(2, 2), short]).unsqueeze(0)
    with torch.no_grad():
        a = module.highway_terms(padded, torch.tensor([2]))
        b = module.highway_terms(led, torch.tensor([4]))
    torch.testing.assert_close(a, b)


def test_ragged_predictions_match_one_at_a_time():
    rng = np.random.RandomState(1)
    X = [rng.normal(size=(n, 1)) for n in (3, 9, 6, 12)]
    y = rng.normal(size=(4, 3))
    reg = Seq2SeqRegressor(highway_window=5, **FAST, random_state=0).fit(X, y)
    together = reg.predict(X)
    alone = np.concatenate([reg.predict([x]) for x in X])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)


def test_highway_with_quantiles_keeps_them_ordered():
    X, y = _extrapolation(n=120)
    reg = Seq2SeqRegressor(highway_window=4, quantiles=(0.1, 0.5, 0.9), **FAST, random_state=0)
    q = reg.fit(X, y).predict_quantiles(X)
    assert q.shape == (120, 6, 3)
    assert np.all(np.diff(q, axis=-1) >= 0)


def test_same_random_state_same_predictions_and_save_load(tmp_path):
    X, y = _extrapolation(n=80)
    a = Seq2SeqRegressor(highway_window=4, **FAST, random_state=3).fit(X, y)
    b = Seq2SeqRegressor(highway_window=4, **FAST, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    save(a, tmp_path / "model")
    np.testing.assert_array_equal(load(tmp_path / "model").predict(X), a.predict(X))


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(mode="aligned"), "mode='aligned'"),
        (dict(input_type="vectors"), "input_type='vectors'"),
        (dict(embedding_dim=4), "token ids"),
    ],
)
def test_highway_where_there_are_no_steps_to_read_raises_before_training(params, match):
    X, y = _extrapolation(n=20)
    if params.get("mode") == "aligned":
        y = X
    if "embedding_dim" in params:
        X = np.abs(X * 3).astype(int)
    reg = Seq2SeqRegressor(highway_window=2, **params, **FAST)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")


@pytest.mark.parametrize("window", [-1, 1.5, "auto"])
def test_bad_highway_window_is_rejected(window):
    X, y = _extrapolation(n=20)
    with pytest.raises(InvalidParameterError, match="highway_window"):
        Seq2SeqRegressor(highway_window=window, **FAST).fit(X, y)
