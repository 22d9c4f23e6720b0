"""make_windows and last_windows on collections of series of different lengths."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GroupKFold, TimeSeriesSplit

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.preprocessing import last_windows, make_windows


def _collection():
    return [np.arange(10.0), 100 + np.arange(7.0), 1000 + np.arange(4.0)]


def test_windows_of_a_collection_are_those_of_each_series_none_crossing():
    series = _collection()
    X, y, groups = make_windows(series, input_length=3, horizon=2, return_groups=True)
    # 10 - 5 + 1, 7 - 5 + 1, and none from the 4-step series
    assert X.shape == (9, 3, 1) and y.shape == (9, 2)
    assert np.bincount(groups).tolist() == [6, 3]
    for g in (0, 1):
        Xg, yg = make_windows(series[g], input_length=3, horizon=2)
        mine = groups == g
        np.testing.assert_array_equal(X[mine], Xg)
        np.testing.assert_array_equal(y[mine], yg)
    # every window and its targets are consecutive steps of one series
    full = np.concatenate([X[:, :, 0], y], axis=1)
    np.testing.assert_array_equal(np.diff(full, axis=1), 1.0)


def test_windows_of_a_collection_end_with_the_most_recent_of_every_series():
    X, y, groups = make_windows(_collection(), input_length=3, horizon=2, return_groups=True)
    assert groups.tolist() == [0, 0, 0, 0, 1, 0, 1, 0, 1]
    # the last two windows forecast the last two steps of each series
    np.testing.assert_array_equal(y[-2:], [[8.0, 9.0], [105.0, 106.0]])
    # a time-ordered split therefore validates on the end of both series
    train, test = list(TimeSeriesSplit(n_splits=2, test_size=2).split(X))[-1]
    assert sorted(groups[test].tolist()) == [0, 1]
    folds = list(GroupKFold(n_splits=2).split(X, y, groups))
    assert all(len(set(groups[te])) == 1 for _, te in folds)


def test_short_windows_let_short_series_contribute():
    series = _collection()
    X, y, groups = make_windows(
        series, input_length=5, horizon=2, min_input_length=2, return_groups=True
    )
    assert X.dtype == object and y.shape == (len(X), 2)
    lengths = np.array([len(x) for x in X])
    assert lengths.min() == 2 and lengths.max() == 5
    # the 4-step series gives exactly one window: 2 inputs, 2 targets
    mine = np.flatnonzero(groups == 2)
    assert len(mine) == 1
    np.testing.assert_array_equal(X[mine[0]][:, 0], [1000.0, 1001.0])
    np.testing.assert_array_equal(y[mine[0]], [1002.0, 1003.0])
    # series 0 has 7 windows: inputs of 2, 3, 4 steps, then 4 full ones
    assert sorted(lengths[groups == 0].tolist()) == [2, 3, 4] + [5] * 4
    for x, t in zip(X, y, strict=True):
        np.testing.assert_array_equal(np.diff(np.r_[x[:, 0], t]), 1.0)


def test_short_windows_in_aligned_mode_give_ragged_targets():
    X, y = make_windows(np.arange(8.0), input_length=4, mode="aligned", min_input_length=2)
    assert [len(x) for x in X] == [2, 3, 4, 4, 4, 4] and y.dtype == object
    for x, t in zip(X, y, strict=True):
        np.testing.assert_array_equal(t, x[:, 0] + 1)


def test_stride_keeps_the_full_windows_of_one_series():
    X, _ = make_windows(np.arange(20.0), input_length=6, stride=4)
    Xs, _ = make_windows(np.arange(20.0), input_length=6, stride=4, min_input_length=2)
    assert [len(x) for x in Xs] == [2] + [6] * len(X)
    np.testing.assert_array_equal(np.stack(list(Xs[1:])), X)


def test_collection_of_dataframes_keeps_column_names_for_targets():
    frames = [
        pd.DataFrame({"load": np.arange(n, dtype=float), "temp": -np.arange(n, dtype=float)})
        for n in (6, 8)
    ]
    X, y = make_windows(frames, input_length=3, horizon=2, targets="temp")
    assert X.shape == (6, 3, 2) and y.shape == (6, 2)
    np.testing.assert_array_equal(y, -X[:, -1:, 0] - [1.0, 2.0])


def test_one_series_as_list_of_numbers_or_nested_lists_is_one_series():
    X, y = make_windows([0.0, 1.0, 2.0, 3.0], input_length=2)
    assert X.shape == (2, 2, 1)
    X, y = make_windows([[0.0, 5.0], [1.0, 6.0], [2.0, 7.0]], input_length=2)
    assert X.shape == (1, 2, 2) and y.tolist() == [[[2.0, 7.0]]]


def test_last_windows_forecast_the_future_of_every_series():
    series = _collection()
    X = last_windows(series, input_length=4)
    assert X.shape == (3, 4, 1)
    np.testing.assert_array_equal(
        X[:, :, 0], [[6, 7, 8, 9], [103, 104, 105, 106], [1000, 1001, 1002, 1003]]
    )
    Xr = last_windows(series, input_length=6, min_input_length=3)
    assert [len(x) for x in Xr] == [6, 6, 4]
    np.testing.assert_array_equal(Xr[2][:, 0], series[2])
    one = last_windows(pd.Series(np.arange(5.0)), input_length=2)
    assert one.shape == (1, 2, 1) and one[0, :, 0].tolist() == [3.0, 4.0]


def test_global_model_on_windows_of_many_series_forecasts_each():
    rng = np.random.RandomState(0)
    lengths, phases = rng.randint(8, 40, 16), rng.uniform(0, 2 * np.pi, 16)
    wave = lambda n, p: np.sin(np.arange(n) * 2 * np.pi / 6 + p)  # noqa: E731
    series = [wave(n, p) for n, p in zip(lengths, phases, strict=True)]
    X, y = make_windows(series, input_length=6, horizon=2, min_input_length=3)
    reg = Seq2SeqRegressor(
        hidden_size=16, max_iter=60, learning_rate_init=0.01, random_state=0, n_threads=1
    ).fit(X, y)
    pred = reg.predict(last_windows(series, input_length=6))
    truth = np.stack([wave(n + 2, p)[-2:] for n, p in zip(lengths, phases, strict=True)])
    naive = np.stack([np.repeat(s[-1], 2) for s in series])
    assert pred.shape == (16, 2)
    assert np.abs(pred - truth).mean() < 0.25 * np.abs(naive - truth).mean()


@pytest.mark.parametrize(
    "series, kwargs, match",
    [
        ([np.arange(5.0), np.ones((5, 2))], {}, "different numbers of features"),
        ([np.arange(5.0), None], {}, r"series\[1\] is a NoneType"),
        ([np.arange(5.0), np.array([1.0, np.nan])], {}, r"series\[1\] contains NaN"),
        ([np.arange(5.0), np.array(["a", "b"])], {}, r"series\[1\] must be numeric"),
        ([np.arange(2.0), np.arange(3.0)], {}, "longest series has 3 steps.*min_input_length"),
        ([np.arange(5.0), np.array([])], {}, r"series\[1\] has no time steps"),
        ([], {}, "empty collection"),
        ([np.arange(9.0)], {"min_input_length": 4}, "min_input_length must be"),
        ([np.arange(9.0)], {"min_input_length": 0}, "min_input_length must be"),
    ],
)
def test_make_windows_rejects_bad_collections(series, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_windows(series, input_length=3, **kwargs)


def test_last_windows_names_the_series_that_is_too_short():
    with pytest.raises(
        ValueError, match=r"series\[1\] has 2 steps, fewer than 3.*min_input_length"
    ):
        last_windows([np.arange(5.0), np.arange(2.0)], input_length=3)
    with pytest.raises(ValueError, match=r"series\[1\] has 2 steps, fewer than 3"):
        last_windows([np.arange(5.0), np.arange(2.0)], input_length=4, min_input_length=3)
    with pytest.raises(ValueError, match="input_length must be a positive integer"):
        last_windows(np.arange(5.0), input_length=0)


def test_nullable_pandas_columns_are_read_as_floats_and_missing_values_rejected():
    frame = pd.DataFrame({"load": pd.array([1, 2, 3, 4], dtype="Int64")})
    X, y = make_windows([frame, frame.astype("Float64")], input_length=2, targets="load")
    assert X.dtype == np.float64 and y[:, 0].tolist() == [3.0, 3.0, 4.0, 4.0]
    with pytest.raises(ValueError, match=r"series\[1\] contains NaN"):
        make_windows([frame, pd.Series(pd.array([1, None, 3], dtype="Int64"))], input_length=1)
