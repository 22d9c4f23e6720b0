"""from_long_dataframe: long tables of many series into per-series arrays."""

import numpy as np
import pandas as pd
import pytest

from sklearn_rnn import AutoencoderTransformer, LSTMClassifier
from sklearn_rnn.preprocessing import from_long_dataframe, last_windows, make_windows


def _long_table(seed=0):
    """Rows of three series of lengths 5, 3 and 4 in shuffled order, dates as time."""
    rng = np.random.RandomState(seed)
    rows = []
    for sid, n, level in (("s2", 5, 10.0), ("s1", 3, 20.0), ("s3", 4, 30.0)):
        for t in range(n):
            rows.append((sid, pd.Timestamp("2020-01-01") + pd.DateOffset(years=t), level + t))
    df = pd.DataFrame(rows, columns=["id", "time", "value"])
    df["other"] = -df["value"]
    return df.iloc[rng.permutation(len(df))].reset_index(drop=True)


def test_series_come_sorted_by_id_and_time():
    sequences, ids = from_long_dataframe(_long_table(), value_columns="value", return_ids=True)
    assert ids.tolist() == ["s1", "s2", "s3"]
    assert [s.tolist() for s in sequences] == [
        [20.0, 21.0, 22.0],
        [10.0, 11.0, 12.0, 13.0, 14.0],
        [30.0, 31.0, 32.0, 33.0],
    ]
    assert all(s.dtype == np.float64 and s.ndim == 1 for s in sequences)


def test_every_other_column_is_a_feature_by_default():
    sequences = from_long_dataframe(_long_table())
    assert [s.shape for s in sequences] == [(3, 2), (5, 2), (4, 2)]
    np.testing.assert_array_equal(sequences[1][:, 1], -sequences[1][:, 0])
    swapped = from_long_dataframe(_long_table(), value_columns=["other", "value"])
    np.testing.assert_array_equal(swapped[1], sequences[1][:, ::-1])


def test_other_column_names_nullable_values_and_row_order_without_time():
    df = pd.DataFrame(
        {
            "unique_id": [2, 1, 2, 1, 2],
            "y": pd.array([5, 1, 6, 2, 7], dtype="Int64"),
        }
    )
    sequences = from_long_dataframe(df, id_column="unique_id", time_column=None)
    assert [s.tolist() for s in sequences] == [[1.0, 2.0], [5.0, 6.0, 7.0]]


def test_long_table_to_windows_and_last_windows_for_one_global_model():
    sequences = from_long_dataframe(_long_table(), value_columns="value")
    X, y, groups = make_windows(sequences, input_length=2, horizon=1, return_groups=True)
    assert np.bincount(groups).tolist() == [1, 3, 2]
    np.testing.assert_array_equal(y[:, 0], X[:, -1, 0] + 1)
    np.testing.assert_array_equal(
        last_windows(sequences, 2)[:, :, 0], [[21, 22], [13, 14], [32, 33]]
    )


def test_sequences_feed_the_classifier_and_the_autoencoder():
    df = _long_table()
    sequences, ids = from_long_dataframe(df, return_ids=True)
    labels = pd.Series({"s1": "high", "s2": "low", "s3": "high"})
    clf = LSTMClassifier(hidden_size=4, max_iter=2, random_state=0).fit(sequences, labels[ids])
    assert clf.predict(sequences).shape == (3,)
    ae = AutoencoderTransformer(n_components=2, hidden_size=4, max_iter=2, random_state=0)
    assert ae.fit_transform(sequences).shape == (3, 2)


@pytest.mark.parametrize(
    "change, kwargs, error, match",
    [
        (lambda df: df.to_numpy(), {}, TypeError, "pandas DataFrame"),
        (lambda df: df, {"id_column": "series"}, ValueError, "'series' is not a column"),
        (lambda df: df, {"time_column": "ds"}, ValueError, "'ds' is not a column"),
        (lambda df: df, {"value_columns": ["value", "y"]}, ValueError, "'y' is not a column"),
        (lambda df: df, {"value_columns": []}, ValueError, "value_columns is empty"),
        (lambda df: df, {"value_columns": "time"}, ValueError, "id or time column"),
        (lambda df: df[["id", "time"]], {}, ValueError, "no value column"),
        (lambda df: df.iloc[:0], {}, ValueError, "no rows"),
        (lambda df: df.assign(value="x"), {}, ValueError, "'value' is not numeric"),
        (lambda df: df.assign(value=np.nan), {}, ValueError, "missing or infinite"),
        (lambda df: df.assign(id=None), {}, ValueError, "'id' has missing values"),
        (lambda df: pd.concat([df, df.iloc[:1]]), {}, ValueError, "two rows at time="),
        (lambda df: df.assign(time=1), {"id_column": "time"}, ValueError, "name two columns"),
    ],
)
def test_bad_long_tables_get_clear_errors(change, kwargs, error, match):
    with pytest.raises(error, match=match):
        from_long_dataframe(change(_long_table()), **kwargs)
