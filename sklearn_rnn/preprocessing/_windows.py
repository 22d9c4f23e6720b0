"""Windows and targets from one or many series, for both sequence-to-sequence modes."""

from numbers import Integral, Number

import numpy as np
from pandas.api.types import is_numeric_dtype

from sklearn_rnn._sequences import _is_nested_regular_list, as_ragged

__all__ = ["last_windows", "make_windows"]


def _as_table(series, name="series"):
    """Return ``(values (T, F) float64, column names or None)``."""
    names = None
    if hasattr(series, "iloc"):
        if hasattr(series, "columns"):
            names = list(series.columns)
            numeric = all(is_numeric_dtype(series[c]) for c in series.columns)
        else:
            names = [series.name]
            numeric = is_numeric_dtype(series)
        # nullable dtypes (Float64, Int64, boolean) as float, their missing values as NaN
        series = series.to_numpy(np.float64, na_value=np.nan) if numeric else series.to_numpy()
    a = np.asarray(series)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {a.dtype}.")
    a = a.astype(np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (one variable) or 2-D (n_timesteps, n_features); got "
            f"{a.ndim} dimensions."
        )
    if not np.isfinite(a).all():
        raise ValueError(
            f"{name} contains NaN or infinity; fill or drop missing values first "
            "(e.g. with pandas' interpolate)."
        )
    return a, names


def _is_collection(series):
    """Whether ``series`` is many series (a list of arrays) rather than one table."""
    if isinstance(series, np.ndarray):
        return series.dtype == object and series.ndim == 1
    if isinstance(series, (list, tuple)):
        if len(series) and all(isinstance(v, Number) for v in series):
            return False  # one 1-D series given as a list of numbers
        return not _is_nested_regular_list(series)
    return False


def _as_tables(series):
    """Return ``(list of (T_i, F) float64 arrays, column names or None, collection)``."""
    if not _is_collection(series):
        a, names = _as_table(series)
        return [a], names, False
    if len(series) == 0:
        raise ValueError("series is an empty collection; give at least one series.")
    tables, names = [], None
    for i, s in enumerate(series):
        if s is None or isinstance(s, (str, bytes, dict, Number)):
            raise ValueError(
                f"series[{i}] is a {type(s).__name__}; each item of a collection must be "
                "one series, a 1-D (n_timesteps,) or 2-D (n_timesteps, n_features) array."
            )
        a, cols = _as_table(s, f"series[{i}]")
        if len(a) == 0:
            raise ValueError(f"series[{i}] has no time steps; every series needs at least one.")
        if tables and a.shape[1] != tables[0].shape[1]:
            raise ValueError(
                f"The series have different numbers of features: series[0] has "
                f"{tables[0].shape[1]}, series[{i}] has {a.shape[1]}. Every series must "
                "have the same features."
            )
        if i == 0:
            names = cols
        elif names is not None and cols != names:
            names = None  # positions only when the items do not share their column names
        tables.append(a)
    return tables, names, True


def _target_columns(targets, names, n_columns, what="target"):
    if targets is None:
        return list(range(n_columns))
    single = isinstance(targets, (str, Integral))
    targets = [targets] if single else list(targets)
    cols = []
    for t in targets:
        if isinstance(t, Integral) and not isinstance(t, bool):
            if not 0 <= t < n_columns:
                raise ValueError(f"{what} column {t} is out of range for {n_columns} columns.")
            cols.append(int(t))
        elif names is not None and t in names:
            cols.append(names.index(t))
        else:
            raise ValueError(f"{what} column {t!r} is not a column of the series.")
    if not cols:
        raise ValueError(f"{what}s is empty; name at least one {what} column.")
    return cols


def _covariate_columns(future_covariates, names, n_columns):
    """Positions of the ``future_covariates`` columns; None when not given."""
    if future_covariates is None:
        return None
    cols = _target_columns(future_covariates, names, n_columns, "future_covariate")
    if len(set(cols)) != len(cols):
        raise ValueError(f"future_covariates repeats a column: {cols}.")
    return cols


def _extended(window, future, columns):
    """``window`` followed by the ``future`` values of ``columns``, NaN elsewhere."""
    extension = np.full((len(future), window.shape[1]), np.nan)
    extension[:, columns] = future
    return np.concatenate([window, extension])


def _check_lengths(input_length, min_input_length, **others):
    for name, value in (("input_length", input_length), *others.items()):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    if min_input_length is None:
        return int(input_length)
    if (
        not isinstance(min_input_length, Integral)
        or isinstance(min_input_length, bool)
        or not 1 <= min_input_length <= input_length
    ):
        raise ValueError(
            f"min_input_length must be an integer from 1 to input_length={input_length}, "
            f"or None; got {min_input_length!r}."
        )
    return int(min_input_length)


def _ends(n_steps, input_length, min_input_length, horizon, stride):
    """Exclusive ends of the input windows of one series of ``n_steps`` steps.

    Full windows end at ``input_length``, ``input_length + stride``, ...; shorter
    ones (down to ``min_input_length`` steps) at ``input_length - stride``, ...
    """
    last = n_steps - horizon
    full = np.arange(input_length, last + 1, stride)
    short = np.arange(input_length - stride, min_input_length - 1, -stride)[::-1]
    return np.concatenate([short[short <= last], full])


def make_windows(
    series,
    input_length,
    horizon=1,
    *,
    mode="encoder_decoder",
    targets=None,
    stride=1,
    min_input_length=None,
    future_covariates=None,
    return_groups=False,
):
    """Cut one series, or many of different lengths, into input windows and targets.

    The windows feed :class:`~sklearn_rnn.Seq2SeqRegressor` (or any sequence
    estimator): ``X`` holds the input windows, ``y`` what follows each window
    (encoder-decoder) or the window shifted ahead (aligned). Given many
    series, the windows of all of them train one global model; no window
    crosses from one series into the next.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features), or list of them
        One series, oldest first: a 1-D array or pandas Series, or a 2-D
        array or DataFrame whose columns are the features of each step. Or
        many series of any lengths, with the same features: a list (or 1-D
        object array) of such arrays, Series or DataFrames, for example
        from :func:`~sklearn_rnn.preprocessing.from_long_dataframe`. Nested
        Python lists of numbers of equal lengths are one 2-D table.
    input_length : int
        Time steps in each input window.
    horizon : int, default=1
        ``mode="encoder_decoder"``: number of steps to predict after each
        window. ``mode="aligned"``: how many steps ahead the target of each
        input step lies.
    mode : {"encoder_decoder", "aligned"}, default="encoder_decoder"
        Encoder-decoder: ``y[i]`` holds the ``horizon`` steps that follow
        window ``i``. Aligned: ``y[i]`` holds, for every step ``t`` of
        window ``i``, the value ``horizon`` steps after ``t`` (the window
        shifted ``horizon`` steps ahead).
    targets : int, str, list or None, default=None
        Target columns (positions, or names of the DataFrames' columns);
        None for every column.
    stride : int, default=1
        Steps between the ends of consecutive windows of a series.
    min_input_length : int, default=None
        Also make shorter windows at the start of each series, with inputs
        of ``min_input_length`` to ``input_length - 1`` steps (every step
        before the window's end), so that series shorter than
        ``input_length + horizon`` still give windows. ``X`` is then ragged
        when any window is shorter. None: ``input_length`` (every window
        full).
    future_covariates : int, str, list or None, default=None
        Columns (positions, or names of the DataFrames' columns) whose
        values are known in advance, such as calendar features or planned
        prices (encoder-decoder only). Each input window is then followed by
        ``horizon`` more steps holding the values of these columns over the
        window's horizon, the other columns NaN: the ``X`` of a
        :class:`~sklearn_rnn.Seq2SeqRegressor` with ``future_covariates``
        set to the same positions. None: windows of ``input_length`` steps.
    return_groups : bool, default=False
        Also return which series each window comes from.

    Returns
    -------
    X : ndarray of shape (n_windows, input_length, n_features)
        Input windows, oldest step first; a 1-D object array of
        ``(length_i, n_features)`` arrays when windows have different
        lengths (``min_input_length``). With ``future_covariates``, each
        window has ``horizon`` more steps.
    y : ndarray of shape (n_windows, n_steps) or (n_windows, n_steps, n_targets)
        Targets (2-D when there is one target column); ``n_steps`` is
        ``horizon`` (encoder-decoder) or the window's length (aligned, a
        1-D object array when ``X`` is).
    groups : ndarray of shape (n_windows,)
        Position in ``series`` of the series of each window (0 for one
        series); only when ``return_groups`` is True. Use it as the
        ``groups`` of :class:`~sklearn.model_selection.GroupKFold`.

    Raises
    ------
    ValueError
        When no series is long enough for one window, for non-numeric,
        missing or infinite values, for series with different feature
        counts and for invalid lengths.

    See Also
    --------
    last_windows : The last input window of each series, to forecast what follows.
    from_long_dataframe : Series from a long-format DataFrame.
    sklearn_rnn.Seq2SeqRegressor : Learns ``y`` from ``X``.

    Notes
    -----
    The windows of one series come oldest first. The windows of many series
    are ordered by how far their end lies from the end of their series,
    farthest first, with ties in the order of the series: the last windows
    are the most recent of every series, so a time-ordered split (for
    example :class:`~sklearn.model_selection.TimeSeriesSplit`) holds out the
    end of every series rather than whole series. Series too short for one
    window give none; :func:`last_windows` still forecasts those with at
    least ``input_length`` steps (``min_input_length`` when given).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import make_windows
    >>> X, y = make_windows(np.arange(8.0), input_length=3, horizon=2)
    >>> X[0, :, 0], y[0]
    (array([0., 1., 2.]), array([3., 4.]))
    >>> X, y = make_windows(np.arange(8.0), input_length=3, mode="aligned")
    >>> X[0, :, 0], y[0]
    (array([0., 1., 2.]), array([1., 2., 3.]))

    Two series of different lengths, for one global model:

    >>> series = [np.arange(6.0), 100 + np.arange(5.0)]
    >>> X, y, groups = make_windows(series, input_length=3, horizon=1, return_groups=True)
    >>> X.shape, groups.tolist()
    ((5, 3, 1), [0, 0, 1, 0, 1])
    >>> X[-1, :, 0], y[-1]
    (array([101., 102., 103.]), array([104.]))

    A covariate known in advance (column 1) extends each window over the
    horizon:

    >>> series = np.c_[np.arange(6.0), 10 * np.arange(6.0)]
    >>> X, y = make_windows(series, input_length=3, horizon=2, targets=0, future_covariates=[1])
    >>> X[0]
    array([[ 0.,  0.],
           [ 1., 10.],
           [ 2., 20.],
           [nan, 30.],
           [nan, 40.]])
    >>> y[0]
    array([3., 4.])
    """
    if mode not in ("encoder_decoder", "aligned"):
        raise ValueError(f"mode={mode!r} is not supported; use 'encoder_decoder' or 'aligned'.")
    if future_covariates is not None and mode != "encoder_decoder":
        raise ValueError(
            "future_covariates extends each window by its horizon, which only "
            "mode='encoder_decoder' has; use future_covariates=None with mode='aligned'."
        )
    min_input_length = _check_lengths(
        input_length, min_input_length, horizon=horizon, stride=stride
    )
    tables, names, collection = _as_tables(series)
    cols = _target_columns(targets, names, tables[0].shape[1])
    covariates = _covariate_columns(future_covariates, names, tables[0].shape[1])
    ends = [_ends(len(a), input_length, min_input_length, horizon, stride) for a in tables]
    if not any(len(e) for e in ends):
        longest = max(len(a) for a in tables)
        raise ValueError(
            f"The {'longest ' if collection else ''}series has {longest} steps, too few for "
            f"input_length={input_length} and horizon={horizon}; it needs at least "
            f"{min_input_length + horizon}"
            + (
                " (set min_input_length to also make shorter windows)."
                if min_input_length == input_length
                else "."
            )
        )
    groups = np.concatenate([np.full(len(e), i, dtype=np.int64) for i, e in enumerate(ends)])
    end = np.concatenate(ends)
    to_end = np.concatenate([len(a) - e for a, e in zip(tables, ends, strict=True)])
    order = np.lexsort((groups, -to_end)) if collection else np.arange(len(end))
    X, y = [], []
    for g, e in zip(groups[order], end[order], strict=True):
        a = tables[g]
        s = max(e - input_length, 0)
        if covariates is None:
            X.append(a[s:e])
        else:
            X.append(_extended(a[s:e], a[e : e + horizon, covariates], covariates))
        if mode == "encoder_decoder":
            y.append(a[e : e + horizon, cols])
        else:
            y.append(a[s + horizon : e + horizon, cols])
    full = input_length + (0 if covariates is None else horizon)
    if all(len(x) == full for x in X):
        X, y = np.stack(X), np.stack(y)
        y = y[..., 0] if len(cols) == 1 else y
    elif mode == "encoder_decoder":
        X, y = as_ragged(X), np.stack(y)
        y = y[..., 0] if len(cols) == 1 else y
    else:
        X, y = as_ragged(X), as_ragged(t[:, 0] if len(cols) == 1 else t for t in y)
    return (X, y, groups[order]) if return_groups else (X, y)


def _future_table(values, name, covariate_names):
    """One series' future values as ``(horizon, n)``; DataFrame columns matched by name.

    With ``covariate_names`` (the series' names of the covariate columns), a
    DataFrame's columns are put in that order, so that they need not be given
    in it; a DataFrame whose columns are other names is refused.
    """
    if covariate_names is not None and hasattr(values, "columns"):
        columns = list(values.columns)
        if len(columns) != len(covariate_names) or set(columns) != set(covariate_names):
            raise ValueError(
                f"{name} has the columns {columns}, but the future covariates are "
                f"{list(covariate_names)}; give one column for each of them."
            )
        values = values[list(covariate_names)]
    return _as_table(values, name)[0]


def _future_tables(future_values, n_series, collection, n_covariates, covariate_names=None):
    """The future covariate values of each series: a list of ``(horizon, n_covariates)``.

    ``covariate_names``: the series' column names of the covariates, which
    DataFrame columns of ``future_values`` are matched by (None: by position).
    """
    if collection:
        many = isinstance(future_values, (list, tuple)) or (
            isinstance(future_values, np.ndarray) and future_values.ndim >= 1
        )
        if not many or len(future_values) != n_series:
            raise ValueError(
                f"series holds {n_series} series, so future_values must be a list with "
                "one (horizon, n_covariates) array of future covariate values per series."
            )
        tables = [
            _future_table(v, f"future_values[{i}]", covariate_names)
            for i, v in enumerate(future_values)
        ]
    else:
        tables = [_future_table(future_values, "future_values", covariate_names)]
    for i, t in enumerate(tables):
        name = f"future_values[{i}]" if collection else "future_values"
        if t.shape[1] != n_covariates:
            raise ValueError(
                f"{name} has {t.shape[1]} column(s), but future_covariates names "
                f"{n_covariates}; give one column per future covariate, in the order of "
                "future_covariates."
            )
        if len(t) == 0 or len(t) != len(tables[0]):
            raise ValueError(
                f"{name} has {len(t)} steps; the future values of every series must cover "
                f"the same horizon of at least one step ({len(tables[0])} for the first)."
            )
    return tables


def last_windows(
    series, input_length, *, min_input_length=None, future_covariates=None, future_values=None
):
    """Return the last input window of each series, to forecast what follows.

    The window of each series ends at its last step: give ``X`` to the
    ``predict`` of a model trained on :func:`make_windows` with the same
    ``input_length`` and it forecasts the steps after the end of every series.
    With ``future_covariates``, each window is followed by the covariate
    values known for the steps to forecast (``future_values``), as
    :func:`make_windows` with ``future_covariates`` lays out its windows.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features), or list of them
        One series, or many of any lengths, as :func:`make_windows` takes
        them.
    input_length : int
        Time steps in each window.
    min_input_length : int, default=None
        Series shorter than ``input_length`` but with at least
        ``min_input_length`` steps give their whole length as a shorter
        window (``X`` is then ragged). None: ``input_length``, every series
        must have that many steps.
    future_covariates : int, str, list or None, default=None
        Columns whose values are known in advance, as given to
        :func:`make_windows`; requires ``future_values``.
    future_values : array-like of shape (horizon,) or (horizon, n_covariates), or list of them
        The values of the ``future_covariates`` columns (in that order) at
        the ``horizon`` steps after the end of the series: one array (or
        DataFrame) for one series, a list of them, one per series, for many.
        Every series covers the same horizon, the model's. When the series
        are DataFrames, the columns of a DataFrame of future values are
        matched to the covariates by name, in any order.

    Returns
    -------
    X : ndarray of shape (n_series, input_length, n_features)
        ``X[i]`` is the last ``input_length`` steps of series ``i`` (one row
        for one series); a 1-D object array of ``(length_i, n_features)``
        arrays when some series are shorter than ``input_length``. With
        ``future_covariates``, each window is followed by ``horizon`` steps
        holding ``future_values`` in the covariate columns and NaN in the
        others.

    Raises
    ------
    ValueError
        When a series has fewer than ``min_input_length`` steps, or for the
        invalid input :func:`make_windows` rejects.

    See Also
    --------
    make_windows : The training windows of the same series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import last_windows
    >>> X = last_windows([np.arange(6.0), 100 + np.arange(4.0)], input_length=3)
    >>> X.shape, X[1, :, 0]
    ((2, 3, 1), array([101., 102., 103.]))
    >>> X = last_windows([np.arange(6.0), [7.0, 8.0]], input_length=3, min_input_length=2)
    >>> [x[:, 0].tolist() for x in X]
    [[3.0, 4.0, 5.0], [7.0, 8.0]]

    With the values of covariate column 1 known for the next two steps:

    >>> series = np.c_[np.arange(6.0), 10 * np.arange(6.0)]
    >>> last_windows(series, 3, future_covariates=[1], future_values=[60.0, 70.0])[0]
    array([[ 3., 30.],
           [ 4., 40.],
           [ 5., 50.],
           [nan, 60.],
           [nan, 70.]])
    """
    min_input_length = _check_lengths(input_length, min_input_length)
    if (future_covariates is None) != (future_values is None):
        raise ValueError(
            "future_covariates and future_values go together: name the covariate columns "
            "known in advance and give their values for the horizon, or neither."
        )
    tables, names, collection = _as_tables(series)
    short = [i for i, a in enumerate(tables) if len(a) < min_input_length]
    if short:
        i = short[0]
        raise ValueError(
            (f"series[{i}]" if collection else "The series")
            + f" has {len(tables[i])} steps, fewer than {min_input_length}"
            + (f" ({len(short)} series are that short)" if len(short) > 1 else "")
            + "; give longer series"
            + (" or set min_input_length." if min_input_length == input_length else ".")
        )
    X = [a[-input_length:] for a in tables]
    full = all(len(x) == input_length for x in X)
    covariates = _covariate_columns(future_covariates, names, tables[0].shape[1])
    if covariates is not None:
        covariate_names = None if names is None else [names[j] for j in covariates]
        futures = _future_tables(
            future_values, len(tables), collection, len(covariates), covariate_names
        )
        X = [_extended(x, f, covariates) for x, f in zip(X, futures, strict=True)]
    return np.stack(X) if full else as_ragged(X)
