"""Series from a long-format DataFrame: one row per series and time step."""

import numpy as np
from pandas.api.types import is_bool_dtype, is_numeric_dtype

__all__ = ["from_long_dataframe"]


def _column_list(df, columns, what):
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} {missing[0]!r} is not a column of the DataFrame; its columns are "
            f"{list(df.columns)}."
        )


def from_long_dataframe(
    df, *, id_column="id", time_column="time", value_columns=None, return_ids=False
):
    """Split a long-format DataFrame into one array per series, in time order.

    A long (or "tidy") table has one row per series and time step, as
    forecasting libraries and databases store many series: a column naming
    the series, a column with the time, and the value columns. The result is
    the list of sequences that every estimator of this package takes as ragged
    ``X`` (:class:`~sklearn_rnn.LSTMClassifier`,
    :class:`~sklearn_rnn.AutoencoderTransformer`, ...) and that
    :func:`~sklearn_rnn.preprocessing.make_windows` cuts into windows for one
    global forecasting model.

    Parameters
    ----------
    df : pandas.DataFrame
        The long table; its rows may come in any order.
    id_column : str, default="id"
        Column naming the series of each row (any values pandas can sort).
    time_column : str or None, default="time"
        Column with the time of each row (dates, numbers, anything pandas can
        sort); each series is sorted by it and may not repeat a time. None:
        the rows of each series are already in time order. Gaps in time are
        not filled: resample or reindex the table first if steps are missing.
    value_columns : str, list of str or None, default=None
        The value columns, in the order they take as features; None for
        every column but ``id_column`` and ``time_column``.
    return_ids : bool, default=False
        Also return the id of each series.

    Returns
    -------
    sequences : list of ndarray
        One float64 array per series, in the sorted order of the ids: of shape
        ``(T_i,)`` with one value column, ``(T_i, n_values)`` with several.
    ids : ndarray of shape (n_series,)
        The id of each series (only when ``return_ids`` is True), to match
        labels or to name forecasts.

    Raises
    ------
    TypeError
        When ``df`` is not a pandas DataFrame.
    ValueError
        For missing or non-numeric columns, missing ids, times or values, a
        time repeated within a series, or an empty table.

    See Also
    --------
    make_windows : Windows and targets of the series, for one global model.
    last_windows : The last input window of each series.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_rnn.preprocessing import from_long_dataframe, make_windows
    >>> df = pd.DataFrame({
    ...     "id": ["b", "a", "a", "b", "a", "b", "b"],
    ...     "time": [2, 3, 1, 1, 2, 3, 4],
    ...     "sales": [20.0, 3.0, 1.0, 10.0, 2.0, 30.0, 40.0],
    ... })
    >>> sequences, ids = from_long_dataframe(df, return_ids=True)
    >>> ids.tolist(), [s.tolist() for s in sequences]
    (['a', 'b'], [[1.0, 2.0, 3.0], [10.0, 20.0, 30.0, 40.0]])
    >>> X, y = make_windows(sequences, input_length=2, horizon=1)
    >>> X[:, :, 0].tolist(), y.ravel().tolist()
    ([[10.0, 20.0], [1.0, 2.0], [20.0, 30.0]], [30.0, 3.0, 40.0])
    """
    if not (hasattr(df, "iloc") and hasattr(df, "columns")):
        raise TypeError(
            f"df must be a pandas DataFrame in long format (one row per series and time "
            f"step), got {type(df).__name__}."
        )
    keys = [id_column] + ([] if time_column is None else [time_column])
    _column_list(df, [id_column], "id_column")
    if time_column is not None:
        _column_list(df, [time_column], "time_column")
    if time_column == id_column:
        raise ValueError(f"id_column and time_column are both {id_column!r}; name two columns.")
    if value_columns is None:
        value_columns = [c for c in df.columns if c not in keys]
        if not value_columns:
            raise ValueError(
                "The DataFrame has no value column besides "
                + " and ".join(repr(k) for k in keys)
                + "."
            )
    elif isinstance(value_columns, str):
        value_columns = [value_columns]
    else:
        value_columns = list(value_columns)
        if not value_columns:
            raise ValueError("value_columns is empty; name at least one value column.")
    _column_list(df, value_columns, "value column")
    clash = [c for c in value_columns if c in keys]
    if clash:
        raise ValueError(f"{clash[0]!r} is the id or time column; it cannot also be a value.")
    if len(df) == 0:
        raise ValueError("The DataFrame has no rows; every series needs at least one.")
    for key in keys:
        if df[key].isna().any():
            raise ValueError(
                f"Column {key!r} has missing values; every row needs an id and a time."
            )
    non_numeric = [
        c for c in value_columns if not (is_numeric_dtype(df[c]) or is_bool_dtype(df[c]))
    ]
    if non_numeric:
        raise ValueError(
            f"Value column {non_numeric[0]!r} is not numeric (dtype "
            f"{df[non_numeric[0]].dtype}); encode it as numbers or leave it out of "
            "value_columns."
        )
    values = df[value_columns].to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(values).all():
        raise ValueError(
            "The value columns contain missing or infinite values; fill or drop them first "
            "(e.g. with pandas' interpolate per series)."
        )
    try:
        order = df.reset_index(drop=True).sort_values(keys, kind="stable").index.to_numpy()
    except TypeError as exc:
        raise ValueError(
            f"The values of {' and '.join(repr(k) for k in keys)} cannot be sorted ({exc}); "
            "give each column values of one type."
        ) from exc
    ids, values = df[id_column].to_numpy()[order], values[order]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    if time_column is not None:
        times = df[time_column].to_numpy()[order]
        repeated = np.flatnonzero((ids[1:] == ids[:-1]) & (times[1:] == times[:-1]))
        if len(repeated):
            j = repeated[0]
            raise ValueError(
                f"Series {ids[j]!r} has two rows at {time_column}={times[j]!r}; each series "
                "may have one row per time (aggregate duplicates first, e.g. with groupby)."
            )
    sequences = np.split(values, starts[1:])
    if len(value_columns) == 1:
        sequences = [s[:, 0] for s in sequences]
    return (sequences, ids[starts]) if return_ids else sequences
