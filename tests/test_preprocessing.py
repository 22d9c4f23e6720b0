"""Tests of make_windows, SequenceScaler and the sequence metrics."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.metrics import horizon_error, per_horizon_errors, sequence_r2_score
from sklearn_rnn.preprocessing import SequenceScaler, make_windows


def test_make_windows_encoder_decoder_on_dataframe():
    df = pd.DataFrame({"load": np.arange(10.0), "temp": 100 + np.arange(10.0)})
    X, y = make_windows(df, input_length=4, horizon=3, targets="load")
    assert X.shape == (4, 4, 2) and y.shape == (4, 3)
    np.testing.assert_array_equal(X[1], df.to_numpy()[1:5])
    np.testing.assert_array_equal(y[1], [5.0, 6.0, 7.0])
    X, y = make_windows(df, input_length=4, horizon=3, stride=2)
    assert X.shape == (2, 4, 2) and y.shape == (2, 3, 2)
    np.testing.assert_array_equal(y[1, :, 1], [106.0, 107.0, 108.0])


def test_make_windows_aligned_on_series():
    s = pd.Series(np.arange(10.0), name="price")
    X, y = make_windows(s, input_length=5, horizon=2, mode="aligned")
    assert X.shape == (4, 5, 1) and y.shape == (4, 5)
    np.testing.assert_array_equal(y[0], [2.0, 3.0, 4.0, 5.0, 6.0])
    np.testing.assert_array_equal(y[-1], X[-1, :, 0] + 2)
    np.testing.assert_array_equal(y[-1, -1], 9.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(input_length=8, horizon=3), "at least 11"),
        (dict(input_length=0), "input_length must be a positive integer"),
        (dict(input_length=2, mode="shifted"), "mode"),
        (dict(input_length=2, targets="nope"), "not a column"),
    ],
)
def test_make_windows_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_windows(np.arange(10.0), **kwargs)
    with pytest.raises(ValueError, match="NaN"):
        make_windows(np.array([1.0, np.nan, 2.0, 3.0]), input_length=1)


def test_sequence_scaler_uses_real_steps_only_and_keeps_formats():
    rng = np.random.RandomState(0)
    ragged = [rng.normal(5, 3, size=(n, 2)) for n in (3, 7, 1, 12)]
    scaler = SequenceScaler().fit(ragged)
    real = np.concatenate(ragged)
    np.testing.assert_allclose(scaler.mean_, real.mean(0))
    np.testing.assert_allclose(scaler.scale_, real.std(0))
    out = scaler.transform(ragged)
    assert out.dtype == object and out.shape == (4,)
    assert [len(o) for o in out] == [3, 7, 1, 12]
    np.testing.assert_allclose(np.concatenate(out).mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(np.concatenate(out).std(0), 1)
    back = scaler.inverse_transform(out)
    for a, b in zip(back, ragged, strict=True):
        np.testing.assert_allclose(a, b)
    # 3-D in, 3-D out; 1-D sequences stay 1-D; a 2-D table is one feature
    X3 = rng.normal(size=(4, 5, 2))
    assert scaler.transform(X3).shape == (4, 5, 2)
    uni = SequenceScaler().fit([np.arange(3.0), np.arange(5.0)])
    assert uni.transform([np.arange(2.0)])[0].shape == (2,)
    table = SequenceScaler().fit(np.arange(12.0).reshape(3, 4))
    np.testing.assert_allclose(table.mean_, [5.5])
    with pytest.raises(ValueError, match="3 features per time step"):
        scaler.transform(rng.normal(size=(2, 4, 3)))


def test_sequence_scaler_in_pipeline_with_aligned_model():
    rng = np.random.RandomState(0)
    X = [rng.normal(1000, 50, size=(rng.randint(4, 12), 1)) for _ in range(80)]
    y = [np.cumsum(x[:, 0] - 1000) for x in X]
    pipe = make_pipeline(
        SequenceScaler(),
        Seq2SeqRegressor(
            mode="aligned",
            hidden_size=16,
            max_iter=25,
            batch_size=32,
            learning_rate_init=0.02,
            n_threads=1,
            random_state=0,
        ),
    )
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.9


def test_sequence_r2_matches_sklearn_on_flattened_real_steps():
    rng = np.random.RandomState(0)
    y_true = rng.normal(size=(20, 4, 2))
    y_pred = y_true + rng.normal(scale=0.3, size=y_true.shape)
    expected = r2_score(y_true.reshape(-1, 2), y_pred.reshape(-1, 2))
    assert sequence_r2_score(y_true, y_pred) == pytest.approx(expected)
    ragged_t = [y_true[i, : 1 + i % 4] for i in range(20)]
    ragged_p = [y_pred[i, : 1 + i % 4] for i in range(20)]
    expected = r2_score(np.concatenate(ragged_t), np.concatenate(ragged_p))
    assert sequence_r2_score(ragged_t, ragged_p) == pytest.approx(expected)
    assert sequence_r2_score(np.ones((3, 2)), np.ones((3, 2))) == 1.0
    assert sequence_r2_score(np.ones((3, 2)), np.zeros((3, 2))) == 0.0
    with pytest.raises(ValueError, match="different sequence lengths"):
        sequence_r2_score(ragged_t, ragged_p[::-1])


def test_per_horizon_errors_and_horizon_error():
    rng = np.random.RandomState(0)
    y_true = rng.normal(size=(30, 5))
    y_pred = y_true + rng.normal(size=(30, 5)) * np.arange(1, 6)
    mae = per_horizon_errors(y_true, y_pred, metric="mae")
    expected = [mean_absolute_error(y_true[:, h], y_pred[:, h]) for h in range(5)]
    np.testing.assert_allclose(mae, expected)
    rmse = per_horizon_errors(y_true, y_pred)
    np.testing.assert_allclose(rmse, np.sqrt(((y_true - y_pred) ** 2).mean(0)))
    assert horizon_error(y_true, y_pred, horizon=5) == pytest.approx(rmse[4])
    overall = np.sqrt(((y_true - y_pred) ** 2).mean())
    assert horizon_error(y_true, y_pred) == pytest.approx(overall)
    # ragged targets: each step averages over the samples that have it
    ragged_t, ragged_p = [np.zeros(1), np.zeros(2)], [np.ones(1), 3 * np.ones(2)]
    np.testing.assert_allclose(per_horizon_errors(ragged_t, ragged_p, metric="mae"), [2, 3])
    with pytest.raises(ValueError, match="horizon=6 is out of range"):
        horizon_error(y_true, y_pred, horizon=6)
    assert horizon_error(y_true, y_pred, horizon=np.int64(5)) == pytest.approx(rmse[4])
    for bad in (1.5, "2", True):
        with pytest.raises(ValueError, match="must be an integer step"):
            horizon_error(y_true, y_pred, horizon=bad)
    with pytest.raises(ValueError, match="metric"):
        per_horizon_errors(y_true, y_pred, metric="mape")
