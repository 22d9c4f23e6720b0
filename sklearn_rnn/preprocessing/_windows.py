"""Windows and targets from one long series, for both sequence-to-sequence modes."""

from numbers import Integral

import numpy as np

__all__ = ["make_windows"]


def _as_table(series):
    """Return ``(values (T, F) float64, column names or None)``."""
    names = None
    if hasattr(series, "iloc"):
        if hasattr(series, "columns"):
            names = list(series.columns)
        else:
            names = [series.name]
        series = series.to_numpy()
    a = np.asarray(series)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"series must be numeric, got dtype {a.dtype}.")
    a = a.astype(np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(
            f"series must be 1-D (one variable) or 2-D (n_timesteps, n_features); got "
            f"{a.ndim} dimensions."
        )
    if not np.isfinite(a).all():
        raise ValueError(
            "series contains NaN or infinity; fill or drop missing values first "
            "(e.g. with pandas' interpolate)."
        )
    return a, names


def _target_columns(targets, names, n_columns):
    if targets is None:
        return list(range(n_columns))
    single = isinstance(targets, (str, Integral))
    targets = [targets] if single else list(targets)
    cols = []
    for t in targets:
        if isinstance(t, Integral) and not isinstance(t, bool):
            if not 0 <= t < n_columns:
                raise ValueError(f"target column {t} is out of range for {n_columns} columns.")
            cols.append(int(t))
        elif names is not None and t in names:
            cols.append(names.index(t))
        else:
            raise ValueError(f"target column {t!r} is not a column of the series.")
    if not cols:
        raise ValueError("targets is empty; name at least one target column.")
    return cols


def make_windows(
    series, input_length, horizon=1, *, mode="encoder_decoder", targets=None, stride=1
):
    """Cut one long series into input windows and their targets.

    The windows feed :class:`~sklearn_rnn.Seq2SeqRegressor` (or any sequence
    estimator): ``X`` holds the input windows, ``y`` what follows each window
    (encoder-decoder) or the window shifted ahead (aligned).

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        The series, oldest first: a 1-D array or pandas Series, or a 2-D
        array or DataFrame whose columns are the features of each step.
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
        Target columns (positions, or names of a DataFrame's columns); None
        for every column.
    stride : int, default=1
        Steps between the starts of consecutive windows.

    Returns
    -------
    X : ndarray of shape (n_windows, input_length, n_features)
        Input windows, oldest first.
    y : ndarray of shape (n_windows, n_steps) or (n_windows, n_steps, n_targets)
        Targets (2-D when there is one target column); ``n_steps`` is
        ``horizon`` (encoder-decoder) or ``input_length`` (aligned).

    See Also
    --------
    sklearn_rnn.Seq2SeqRegressor : Learns ``y`` from ``X``.

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
    """
    if mode not in ("encoder_decoder", "aligned"):
        raise ValueError(f"mode={mode!r} is not supported; use 'encoder_decoder' or 'aligned'.")
    for name, value in (("input_length", input_length), ("horizon", horizon), ("stride", stride)):
        if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    a, names = _as_table(series)
    cols = _target_columns(targets, names, a.shape[1])
    n_windows = len(a) - input_length - horizon + 1
    if n_windows < 1:
        raise ValueError(
            f"The series has {len(a)} steps, too few for input_length={input_length} and "
            f"horizon={horizon}; it needs at least {input_length + horizon}."
        )
    starts = np.arange(0, n_windows, stride)
    X = np.stack([a[s : s + input_length] for s in starts])
    if mode == "encoder_decoder":
        offsets = input_length + np.arange(horizon)
    else:
        offsets = horizon + np.arange(input_length)
    y = a[starts[:, None] + offsets[None, :]][:, :, cols]
    return X, (y[:, :, 0] if len(cols) == 1 else y)
