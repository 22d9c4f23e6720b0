"""Sequence-aware metrics: R^2 over real steps, per-horizon errors, token sequences.

Every function accepts targets as 1-D arrays ``(n_samples,)`` (one step),
2-D arrays ``(n_samples, n_steps)``, 3-D arrays ``(n_samples, n_steps,
n_outputs)`` or ragged lists (or 1-D object arrays, as ``predict`` gives) of
``(T_i,)`` / ``(T_i, n_outputs)`` arrays;
only real (unpadded) steps count. All of them work with
:func:`sklearn.metrics.make_scorer`.
"""

import numpy as np

from sklearn_rnn._sequence_metrics import (
    bleu_score,
    bleu_scorer,
    sequence_accuracy_score,
    sequence_accuracy_scorer,
    token_error_rate,
    token_error_rate_scorer,
)
from sklearn_rnn._sequences import check_sequences
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
    "per_horizon_errors",
    "sequence_accuracy_score",
    "sequence_accuracy_scorer",
    "sequence_r2_score",
    "token_error_rate",
    "token_error_rate_scorer",
]

_METRICS = ("mae", "rmse", "mse")


def _padded_targets(y, name):
    """Return ``(padded (n, T, k) float64, lengths)`` for targets in any accepted format."""
    ragged = isinstance(y, np.ndarray) and y.dtype == object and any(np.ndim(v) for v in y)
    if not isinstance(y, (list, tuple)) and not ragged and np.ndim(y) == 1:
        a = np.asarray(y, dtype=np.float64)
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
        if not 1 <= horizon <= err.shape[1]:
            raise ValueError(
                f"horizon={horizon} is out of range; the targets have {err.shape[1]} steps."
            )
        err, w = err[:, horizon - 1], w[:, horizon - 1]
        if w.sum() <= 0:
            raise ValueError(f"No sample has a real step at horizon={horizon}.")
    return float(_reduce(err, w, metric, axis=None))
