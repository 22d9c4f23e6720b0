"""Sequence-aware metrics: R^2 over real steps, per-horizon errors, quantiles, token sequences.

Every function accepts targets as 1-D arrays ``(n_samples,)`` (one step),
2-D arrays ``(n_samples, n_steps)``, 3-D arrays ``(n_samples, n_steps,
n_outputs)`` or ragged lists (or 1-D object arrays, as ``predict`` gives) of
``(T_i,)`` / ``(T_i, n_outputs)`` arrays;
only real (unpadded) steps count. All of them work with
:func:`sklearn.metrics.make_scorer`; the quantile metrics have ready scorers
that call the estimator's ``predict_quantiles``.
"""

import numbers

import numpy as np

from sklearn_rnn._sequence_metrics import (
    bleu_score,
    bleu_scorer,
    sequence_accuracy_score,
    sequence_accuracy_scorer,
    token_error_rate,
    token_error_rate_scorer,
)
from sklearn_rnn._sequences import _check_finite, check_sequences
from sklearn_rnn._tagging_metrics import (
    entity_f1_score,
    entity_f1_scorer,
    entity_precision_score,
    entity_recall_score,
    flat_accuracy_score,
    flat_accuracy_scorer,
    flat_f1_macro_scorer,
    flat_f1_micro_scorer,
    flat_f1_score,
    get_entities,
)

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "entity_f1_score",
    "entity_f1_scorer",
    "entity_precision_score",
    "entity_recall_score",
    "flat_accuracy_score",
    "flat_accuracy_scorer",
    "flat_f1_macro_scorer",
    "flat_f1_micro_scorer",
    "flat_f1_score",
    "get_entities",
    "horizon_error",
    "interval_coverage",
    "interval_coverage_scorer",
    "mean_pinball_loss",
    "mean_pinball_loss_scorer",
    "per_horizon_errors",
    "sequence_accuracy_score",
    "sequence_accuracy_scorer",
    "sequence_r2_score",
    "token_error_rate",
    "token_error_rate_scorer",
]

_METRICS = ("mae", "rmse", "mse")


def _scalar_list(y):
    """Whether ``y`` is a list or tuple of plain numbers (one scalar target per sample)."""
    return (
        isinstance(y, (list, tuple))
        and len(y) > 0
        and all(isinstance(v, (numbers.Number, np.bool_)) for v in y)
    )


def _finite(y, name):
    """``y`` as float64, with the errors of ``check_sequences`` for NaN and infinity."""
    a = np.asarray(y, dtype=np.float64)
    _check_finite(a, name)
    return a


def _padded_targets(y, name):
    """Return ``(padded (n, T, k) float64, lengths)`` for targets in any accepted format."""
    if _is_flat(y):
        a = _finite(y, name)
        return a[:, None, None], np.ones(len(a), dtype=np.int64)
    padded, lengths, layout = check_sequences(y, name=name)
    if layout != "ragged":  # regular arrays: keep full precision
        padded = np.asarray(y, dtype=np.float64).reshape(padded.shape)
    return padded.astype(np.float64, copy=False), lengths


def _check_pair(y_true, y_pred, sample_weight=None):
    true, lengths = _padded_targets(y_true, "y_true")
    pred, pred_lengths = _padded_targets(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} samples but y_pred has {len(pred)}; they must match."
        )
    if not np.array_equal(lengths, pred_lengths):
        raise ValueError(
            "y_true and y_pred have different sequence lengths (time steps per "
            "sample); they must match."
        )
    if true.shape[2] != pred.shape[2]:
        raise ValueError(
            f"y_true has {true.shape[2]} outputs per step but y_pred has "
            f"{pred.shape[2]}; they must match."
        )
    mask = np.arange(true.shape[1])[None, :] < lengths[:, None]
    weight = mask.astype(np.float64)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.shape != (len(true),):
            raise ValueError(
                f"sample_weight has shape {sw.shape}; expected ({len(true)},), one per sample."
            )
        weight = weight * sw[:, None]
    return true, pred, weight


def sequence_r2_score(y_true, y_pred, *, sample_weight=None):
    """R^2 over all real time steps, averaged over outputs.

    Every real step of every sample is one observation (padded steps are
    ignored); R^2 is computed for each output and averaged. For 1-D targets
    this is :func:`sklearn.metrics.r2_score`. A constant ``y_true`` gives 1.0
    for a perfect prediction and 0.0 otherwise, never NaN.

    Parameters
    ----------
    y_true : array-like or list of array-like
        True target sequences.
    y_pred : array-like or list of array-like
        Predicted sequences, with the lengths of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every step of each sample.

    Returns
    -------
    score : float
        R^2, at most 1.0.

    See Also
    --------
    sklearn.metrics.r2_score : R^2 of flat targets.
    per_horizon_errors : The error at each step ahead.

    Examples
    --------
    >>> from sklearn_rnn.metrics import sequence_r2_score
    >>> sequence_r2_score([[1.0, 2.0], [3.0]], [[1.0, 2.0], [2.0]])
    0.5
    """
    true, pred, weight = _check_pair(y_true, y_pred, sample_weight)
    w = weight[:, :, None]
    total = w.sum()
    if total <= 0:
        raise ValueError("sample_weight must have a positive sum over real steps.")
    mean = (w * true).sum(axis=(0, 1)) / total
    ss_res = (w * (true - pred) ** 2).sum(axis=(0, 1))
    ss_tot = (w * (true - mean) ** 2).sum(axis=(0, 1))
    scores = np.where(ss_res == 0, 1.0, 0.0)
    ok = ss_tot > 0
    scores[ok] = 1 - ss_res[ok] / ss_tot[ok]
    return float(np.round(scores.mean(), 12))


def _reduce(abs_or_sq, weight, metric, axis):
    total = weight.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weight * abs_or_sq).sum(axis=axis) / total
    return np.sqrt(mean) if metric == "rmse" else mean


def per_horizon_errors(y_true, y_pred, *, metric="rmse", sample_weight=None):
    """Error at each step ahead: one value per horizon step.

    Forecast errors usually grow with the horizon; this shows by how much.
    Samples shorter than a step do not count at that step.

    Parameters
    ----------
    y_true : array-like or list of array-like
        True target sequences; step ``h`` of every sample is horizon ``h + 1``.
    y_pred : array-like or list of array-like
        Predicted sequences, with the lengths of ``y_true``.
    metric : {"rmse", "mae", "mse"}, default="rmse"
        Error at each step, over the samples that have it and all outputs.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    errors : ndarray of shape (n_steps,)
        ``errors[h]`` is the error ``h + 1`` steps ahead.

    See Also
    --------
    horizon_error : The same as one number, for :func:`~sklearn.metrics.make_scorer`.

    Examples
    --------
    >>> from sklearn_rnn.metrics import per_horizon_errors
    >>> per_horizon_errors([[1.0, 2.0], [3.0, 4.0]], [[1.0, 3.0], [3.0, 1.0]], metric="mae")
    array([0., 2.])
    """
    if metric not in _METRICS:
        raise ValueError(f"metric={metric!r} is not supported; use one of {_METRICS}.")
    true, pred, weight = _check_pair(y_true, y_pred, sample_weight)
    err = np.abs(true - pred) if metric == "mae" else (true - pred) ** 2
    w = np.broadcast_to(weight[:, :, None], err.shape)
    return _reduce(err, w, metric, axis=(0, 2))


def horizon_error(y_true, y_pred, *, metric="rmse", horizon=None, sample_weight=None):
    """Forecast error as one number: at one horizon step, or over all steps.

    Use it with :func:`sklearn.metrics.make_scorer` (``greater_is_better=False``),
    e.g. ``make_scorer(horizon_error, greater_is_better=False, horizon=12)``.

    Parameters
    ----------
    y_true : array-like or list of array-like
        True target sequences.
    y_pred : array-like or list of array-like
        Predicted sequences, with the lengths of ``y_true``.
    metric : {"rmse", "mae", "mse"}, default="rmse"
        The error.
    horizon : int, default=None
        Step ahead to evaluate (1 is the first predicted step); None pools
        all real steps.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    error : float
        The error (lower is better).

    See Also
    --------
    per_horizon_errors : The error at every step ahead at once.

    Examples
    --------
    >>> from sklearn_rnn.metrics import horizon_error
    >>> y_true, y_pred = [[1.0, 2.0], [3.0, 4.0]], [[1.0, 3.0], [3.0, 1.0]]
    >>> horizon_error(y_true, y_pred, metric="mae")
    1.0
    >>> horizon_error(y_true, y_pred, metric="mae", horizon=2)
    2.0
    """
    if metric not in _METRICS:
        raise ValueError(f"metric={metric!r} is not supported; use one of {_METRICS}.")
    true, pred, weight = _check_pair(y_true, y_pred, sample_weight)
    err = np.abs(true - pred) if metric == "mae" else (true - pred) ** 2
    w = np.broadcast_to(weight[:, :, None], err.shape)
    if horizon is not None:
        if isinstance(horizon, (bool, np.bool_)) or not isinstance(horizon, numbers.Integral):
            raise ValueError(f"horizon={horizon!r} must be an integer step, from 1.")
        if not 1 <= horizon <= err.shape[1]:
            raise ValueError(
                f"horizon={horizon} is out of range; the targets have {err.shape[1]} steps."
            )
        err, w = err[:, int(horizon) - 1], w[:, int(horizon) - 1]
        if w.sum() <= 0:
            raise ValueError(f"No sample has a real step at horizon={horizon}.")
    return float(_reduce(err, w, metric, axis=None))


# ---------------------------------------------------------------- quantiles
def check_quantiles(quantiles):
    """Validate quantile levels: a non-empty, strictly increasing sequence in (0, 1).

    Parameters
    ----------
    quantiles : sequence of float
        Quantile levels.

    Returns
    -------
    quantiles : ndarray of shape (n_quantiles,)
        The levels as float64.
    """
    if isinstance(quantiles, (str, bytes)) or isinstance(quantiles, numbers.Number):
        raise ValueError(
            f"quantiles={quantiles!r} must be a sequence of levels, e.g. (0.1, 0.5, 0.9)."
        )
    try:
        q = np.asarray(quantiles, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"quantiles={quantiles!r} must be a sequence of numbers, e.g. (0.1, 0.5, 0.9)."
        ) from exc
    if q.ndim != 1 or len(q) == 0:
        raise ValueError(
            f"quantiles={quantiles!r} must be a non-empty flat sequence, e.g. (0.1, 0.5, 0.9)."
        )
    if not np.all((q > 0) & (q < 1)):
        raise ValueError(f"quantiles={quantiles!r} must all lie strictly between 0 and 1.")
    if np.any(np.diff(q) <= 0):
        raise ValueError(
            f"quantiles={quantiles!r} must be strictly increasing, e.g. (0.1, 0.5, 0.9)."
        )
    return q


def _is_flat(y):
    """Whether targets are 1-D, one scalar per sample (as :func:`_padded_targets` reads them)."""
    if _scalar_list(y):
        return True
    ragged = isinstance(y, np.ndarray) and y.dtype == object and any(np.ndim(v) for v in y)
    return not isinstance(y, (list, tuple)) and not ragged and np.ndim(y) == 1


def _check_quantile_pair(y_true, y_pred, levels, sample_weight):
    """``(true (n, T, k), pred (n, T, k, q), weight (n, T))`` from targets and quantile columns."""
    true, lengths = _padded_targets(y_true, "y_true")
    n_quantiles = len(levels)
    if _is_flat(y_true) and not _is_flat(y_pred) and np.ndim(y_pred) == 2:
        pred = _finite(y_pred, "y_pred")[:, None, :]  # (n, q): one step each
        pred_lengths = np.ones(len(pred), dtype=np.int64)
    else:
        pred, pred_lengths = _padded_targets(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} samples but y_pred has {len(pred)}; they must match."
        )
    if not np.array_equal(lengths, pred_lengths):
        raise ValueError(
            "y_true and y_pred have different sequence lengths (time steps per "
            "sample); they must match."
        )
    n_outputs = true.shape[2]
    if pred.shape[2] != n_outputs * n_quantiles:
        raise ValueError(
            f"y_pred has {pred.shape[2]} values per step, but {n_outputs} output(s) and "
            f"{n_quantiles} quantile(s) need {n_outputs * n_quantiles}: one column per "
            "output and quantile, as predict_quantiles returns them."
        )
    pred = pred.reshape(*pred.shape[:2], n_outputs, n_quantiles)
    weight = (np.arange(true.shape[1])[None, :] < lengths[:, None]).astype(np.float64)
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.shape != (len(true),):
            raise ValueError(
                f"sample_weight has shape {sw.shape}; expected ({len(true)},), one per sample."
            )
        weight = weight * sw[:, None]
    if weight.sum() <= 0:
        raise ValueError("sample_weight must have a positive sum over real steps.")
    return true, pred, weight


def mean_pinball_loss(y_true, y_pred, *, quantiles=(0.5,), sample_weight=None):
    """Pinball (quantile) loss over all real steps, outputs and quantiles.

    For a level ``tau`` and an error ``d = y - q``, the pinball loss is
    ``max(tau * d, (tau - 1) * d)``; its expectation is smallest when ``q`` is
    the ``tau`` quantile of ``y``. The loss is averaged over every real step
    of every sample (weighted by ``sample_weight``), every output and every
    quantile: the criterion :class:`~sklearn_rnn.Seq2SeqRegressor` minimises
    with ``quantiles``. With one level and 1-D targets it equals
    :func:`sklearn.metrics.mean_pinball_loss` with ``alpha`` set to that level.

    Parameters
    ----------
    y_true : array-like or list of array-like
        True target sequences.
    y_pred : array-like or list of array-like
        Predicted quantiles, in the layout of
        :meth:`Seq2SeqRegressor.predict_quantiles`: the sequences of
        ``y_true`` with ``n_outputs * n_quantiles`` values per step (output
        ``o``, quantile ``j`` in column ``o * n_quantiles + j``); for 1-D
        ``y_true``, ``(n_samples, n_quantiles)``.
    quantiles : sequence of float, default=(0.5,)
        Levels of the columns of ``y_pred``, strictly increasing in (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every step of each sample.

    Returns
    -------
    loss : float
        Mean pinball loss (lower is better; 0 is perfect).

    See Also
    --------
    interval_coverage : Share of true values inside a predicted interval.
    mean_pinball_loss_scorer : Scorer calling ``predict_quantiles``.

    Examples
    --------
    >>> from sklearn_rnn.metrics import mean_pinball_loss
    >>> y_true = [[1.0, 2.0], [3.0, 4.0]]
    >>> y_pred = [[[0.0, 1.0], [2.0, 3.0]], [[3.0, 3.0], [3.0, 5.0]]]
    >>> round(mean_pinball_loss(y_true, y_pred, quantiles=(0.1, 0.9)), 4)
    0.05
    """
    levels = check_quantiles(quantiles)
    true, pred, weight = _check_quantile_pair(y_true, y_pred, levels, sample_weight)
    diff = true[..., None] - pred
    loss = np.maximum(levels * diff, (levels - 1) * diff)
    total = weight.sum() * loss.shape[2] * loss.shape[3]
    return float((weight[:, :, None, None] * loss).sum() / total)


def interval_coverage(y_true, y_lower, y_upper, *, sample_weight=None):
    """Share of true values inside a predicted interval, pooled over all steps.

    Every real step of every sample and every output is one observation
    (weighted by ``sample_weight``), so the coverage is pooled over all
    forecast origins and all steps ahead. A value on a bound counts as
    covered. For a ``(0.1, 0.9)`` quantile pair the nominal coverage is 0.8.

    Parameters
    ----------
    y_true : array-like or list of array-like
        True target sequences.
    y_lower : array-like or list of array-like
        Lower bounds, with the layout of ``y_true``.
    y_upper : array-like or list of array-like
        Upper bounds, with the layout of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every step of each sample.

    Returns
    -------
    coverage : float
        In [0, 1].

    See Also
    --------
    mean_pinball_loss : The loss quantile forecasts are trained on.
    interval_coverage_scorer : Scorer calling ``predict_quantiles``.

    Examples
    --------
    >>> from sklearn_rnn.metrics import interval_coverage
    >>> interval_coverage([[1.0, 2.0], [3.0, 4.0]], [[0.0, 2.5], [2.0, 3.0]],
    ...                   [[2.0, 3.0], [4.0, 5.0]])
    0.75
    """
    true, lower, weight = _check_pair(y_true, y_lower, sample_weight)
    _, upper, _ = _check_pair(y_true, y_upper, sample_weight)
    w = np.broadcast_to(weight[:, :, None], true.shape)
    if w.sum() <= 0:
        raise ValueError("sample_weight must have a positive sum over real steps.")
    inside = (lower <= true) & (true <= upper)
    return float((w * inside).sum() / w.sum())


def _quantile_column(y_pred, j, n_quantiles):
    """Quantile ``j`` of every output from ``predict_quantiles`` output, in the layout of y."""
    if isinstance(y_pred, np.ndarray) and y_pred.dtype == object:
        out = np.empty(len(y_pred), dtype=object)
        out[:] = [np.asarray(v)[..., j::n_quantiles] for v in y_pred]
        return out
    return np.asarray(y_pred)[..., j::n_quantiles]


def _quantile_predictions(estimator, X):
    """The fitted quantile levels of ``estimator`` and its ``predict_quantiles(X)``.

    A ``Pipeline`` passes ``X`` through its transformers to its last step;
    a fitted search (``best_estimator_``) predicts with its best estimator.
    """
    outer = type(estimator).__name__
    while not hasattr(estimator, "predict_quantiles"):
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            if len(estimator.steps) > 1:
                X = estimator[:-1].transform(X)
            estimator = estimator.steps[-1][1]
        elif hasattr(estimator, "quantiles"):
            raise _fitted_without_quantiles(estimator)
        else:
            raise ValueError(
                f"{outer} has no predict_quantiles: give these scorers a fitted "
                "estimator with quantiles, a Pipeline ending in one, or a search over "
                "one fitted with refit=True."
            )
    levels = getattr(estimator, "_quantiles", None)  # those of the fit
    if levels is None and not hasattr(estimator, "net_"):
        levels = getattr(estimator, "quantiles", None)
    if levels is None:
        raise _fitted_without_quantiles(estimator)
    return check_quantiles(levels), estimator.predict_quantiles(X)


def _fitted_without_quantiles(estimator):
    return ValueError(
        f"{type(estimator).__name__} was fitted with quantiles=None; these scorers "
        "need an estimator fitted with quantiles, e.g. quantiles=(0.1, 0.5, 0.9)."
    )


def mean_pinball_loss_scorer(estimator, X, y_true, sample_weight=None):
    """Negated :func:`mean_pinball_loss` of ``estimator.predict_quantiles(X)``.

    A scorer (greater is better) for ``cross_validate`` or ``GridSearchCV``
    with an estimator fitted with ``quantiles``, whose fitted levels it
    reads; a ``Pipeline`` ending in one (its other steps transform ``X``)
    or a fitted search over one works too.

    Parameters
    ----------
    estimator : estimator with ``predict_quantiles`` and ``quantiles``
        E.g. a fitted :class:`~sklearn_rnn.Seq2SeqRegressor`, a ``Pipeline``
        ending in one, or a fitted search over one.
    X : array-like
        Input of ``predict_quantiles``.
    y_true : array-like or list of array-like
        True target sequences.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every step of each sample.

    Returns
    -------
    score : float
        Minus the mean pinball loss.

    See Also
    --------
    mean_pinball_loss : The loss itself.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import Seq2SeqRegressor
    >>> from sklearn_rnn.metrics import mean_pinball_loss_scorer
    >>> from sklearn_rnn.preprocessing import make_windows
    >>> series = np.sin(np.arange(200) / 2) + np.random.RandomState(0).normal(0, 0.1, 200)
    >>> X, y = make_windows(series, input_length=12, horizon=3)
    >>> reg = Seq2SeqRegressor(quantiles=(0.1, 0.5, 0.9), hidden_size=8, max_iter=5,
    ...                        random_state=0).fit(X, y)
    >>> bool(mean_pinball_loss_scorer(reg, X, y) < 0)
    True
    """
    levels, y_pred = _quantile_predictions(estimator, X)
    return -mean_pinball_loss(y_true, y_pred, quantiles=levels, sample_weight=sample_weight)


def interval_coverage_scorer(estimator, X, y_true, sample_weight=None):
    """:func:`interval_coverage` between the lowest and highest quantile of ``estimator``.

    For reporting (e.g. in ``cross_validate``): compare it with the nominal
    coverage, the difference of the two levels. A wider interval always
    covers more, so do not select models by maximising it; use
    :func:`mean_pinball_loss_scorer` for that.

    Parameters
    ----------
    estimator : estimator with ``predict_quantiles`` and ``quantiles``
        E.g. a fitted :class:`~sklearn_rnn.Seq2SeqRegressor` with at least
        two quantiles, a ``Pipeline`` ending in one, or a fitted search
        over one.
    X : array-like
        Input of ``predict_quantiles``.
    y_true : array-like or list of array-like
        True target sequences.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every step of each sample.

    Returns
    -------
    coverage : float
        In [0, 1].

    See Also
    --------
    interval_coverage : The coverage of given bounds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import Seq2SeqRegressor
    >>> from sklearn_rnn.metrics import interval_coverage_scorer
    >>> from sklearn_rnn.preprocessing import make_windows
    >>> series = np.sin(np.arange(200) / 2) + np.random.RandomState(0).normal(0, 0.1, 200)
    >>> X, y = make_windows(series, input_length=12, horizon=3)
    >>> reg = Seq2SeqRegressor(quantiles=(0.1, 0.9), hidden_size=8, max_iter=5,
    ...                        random_state=0).fit(X, y)
    >>> 0 <= interval_coverage_scorer(reg, X, y) <= 1
    True
    """
    levels, y_pred = _quantile_predictions(estimator, X)
    if len(levels) < 2:
        raise ValueError("interval_coverage_scorer needs at least two quantiles.")
    lower = _quantile_column(y_pred, 0, len(levels))
    upper = _quantile_column(y_pred, len(levels) - 1, len(levels))
    return interval_coverage(y_true, lower, upper, sample_weight=sample_weight)
