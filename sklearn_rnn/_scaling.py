"""Standardisation over the real steps of padded sequences.

The one standardiser of the package: the estimators' ``scaling="standard"``
and :class:`~sklearn_rnn.Seq2SeqRegressor`'s targets use
:func:`standard_scaling`, and :class:`~sklearn_rnn.preprocessing.SequenceScaler`
is it as a transformer. :class:`BatchScaling` applies a scaling to each batch
of inputs on the fly (``scaling="standard"``, ``"instance"``, and the
per-window forms ``"mean"``, ``"last"`` and ``"difference"`` of
:class:`~sklearn_rnn.Seq2SeqRegressor`); :func:`window_statistics` gives the
per-window offset and scale that the regressor also applies to its targets.
:class:`FutureCovariateScaling` extends a scaling to sequences that end with
the horizon's covariates known in advance.
"""

import numpy as np
import torch

__all__ = [
    "INSTANCE_RELATIVE_FLOOR",
    "SHIFT_KINDS",
    "WINDOW_KINDS",
    "BatchScaling",
    "FutureCovariateScaling",
    "WithRawInputs",
    "is_constant",
    "real_step_moments",
    "standard_scaling",
    "window_moments",
    "window_statistics",
]

# Scalings computed per sequence (window), from its own values.
WINDOW_KINDS = ("instance", "mean", "last", "difference")

# Per-window forms whose values are then standardised by statistics of the
# training windows (see window_moments).
SHIFT_KINDS = ("mean", "last", "difference")

# scaling="instance": a sequence whose standard deviation (per feature) is at
# most this fraction of its largest absolute value is read as constant (float32
# resolves about 1e-7 of a value) and only centred, not blown up.
INSTANCE_RELATIVE_FLOOR = 1e-5


def real_step_moments(padded, lengths, *, chunk_size=4096):
    """Count, mean and variance of each feature over the real steps of ``padded``.

    Parameters
    ----------
    padded : ndarray of shape (n_samples, max_length, n_features)
        Padded sequences (any float dtype); steps past ``lengths`` are ignored.
    lengths : ndarray of shape (n_samples,)
        Real steps of each sequence.
    chunk_size : int, default=4096
        Samples per chunk. Chunks are merged with Chan's formula, so the
        float64 temporaries stay small whatever the size of ``padded``.

    Returns
    -------
    count : int
        Real steps in all.
    mean : ndarray of shape (n_features,)
        float64 mean.
    var : ndarray of shape (n_features,)
        float64 population variance.
    """
    steps = np.arange(padded.shape[1])

    def chunks():
        for start in range(0, len(padded), chunk_size):
            chunk_lengths = lengths[start : start + chunk_size]
            mask = steps[None, :] < chunk_lengths[:, None]
            yield padded[start : start + chunk_size][mask].astype(np.float64)

    return _merged_moments(chunks(), padded.shape[2])


def _merged_moments(chunks, n_features):
    """Count, mean and variance of the rows of float64 ``(m, n_features)`` chunks.

    Chunks are merged with Chan's formula.
    """
    count, mean, m2 = 0, np.zeros(n_features), np.zeros(n_features)
    for real in chunks:
        n_chunk = len(real)
        if n_chunk == 0:
            continue
        chunk_mean = real.mean(axis=0)
        chunk_m2 = ((real - chunk_mean) ** 2).sum(axis=0)
        if count == 0:
            count, mean, m2 = n_chunk, chunk_mean, chunk_m2
            continue
        delta = chunk_mean - mean
        total = count + n_chunk
        mean = mean + delta * n_chunk / total
        m2 = m2 + chunk_m2 + delta**2 * count * n_chunk / total
        count = total
    return count, mean, m2 / max(count, 1)


def is_constant(var, mean, count):
    """Whether each feature is constant up to float64 rounding.

    scikit-learn's ``StandardScaler`` rule: a variance within the error bound
    of its own computation, ``count * eps * var + (count * mean * eps) ** 2``,
    is read as zero, so constant features are left unscaled (scale 1) instead
    of being blown up by a rounding error.
    """
    eps = np.finfo(np.float64).eps
    return var <= count * eps * var + (count * mean * eps) ** 2


def standard_scaling(padded, lengths, *, with_mean=True, with_std=True, chunk_size=4096):
    """Mean and scale that standardise each feature over real steps.

    Parameters
    ----------
    padded : ndarray of shape (n_samples, max_length, n_features)
        Padded sequences (any float dtype).
    lengths : ndarray of shape (n_samples,)
        Real steps of each sequence.
    with_mean : bool, default=True
        Centre the features; False gives a zero mean.
    with_std : bool, default=True
        Scale the features to unit variance; False gives a scale of one.
    chunk_size : int, default=4096
        Samples per chunk (see :func:`real_step_moments`).

    Returns
    -------
    mean : ndarray of shape (n_features,)
        float64 value to subtract.
    scale : ndarray of shape (n_features,)
        float64 value to divide by: the standard deviation, 1 for constant
        features (see :func:`is_constant`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn._scaling import standard_scaling
    >>> padded = np.array([[[1.0, 5.0], [3.0, 5.0]], [[2.0, 5.0], [0.0, 0.0]]])
    >>> mean, scale = standard_scaling(padded, np.array([2, 1]))
    >>> mean.tolist(), scale.round(4).tolist()
    ([2.0, 5.0], [0.8165, 1.0])
    """
    count, mean, var = real_step_moments(padded, lengths, chunk_size=chunk_size)
    scale = np.ones_like(var)
    if with_std:
        scale = np.where(is_constant(var, mean, count), 1.0, np.sqrt(var))
    if not with_mean:
        mean = np.zeros_like(mean)
    return mean, scale


def _real_mask(X, lengths):
    """``(batch, time, 1)`` mask of the real steps of a padded batch."""
    steps = torch.arange(X.shape[1], device=X.device)
    return (steps[None, :] < lengths.to(X.device)[:, None])[..., None]


def window_statistics(X, lengths, kind):
    """Per-sequence offset and scale of a per-window scaling.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, max_length, n_features)
        Padded float sequences (windows).
    lengths : torch.Tensor of shape (n_samples,)
        Real steps of each sequence.
    kind : {"instance", "mean", "last", "difference"}
        "instance": the mean and standard deviation of each feature over the
        sequence's real steps (a standard deviation at most
        ``INSTANCE_RELATIVE_FLOOR`` times the largest absolute value is
        replaced by 1). "mean": the mean of each feature over the sequence's
        real steps, and a scale of 1. "last" and "difference": the value of
        each feature at the last real step, and a scale of 1.

    Returns
    -------
    offset, scale : torch.Tensor of shape (n_samples, 1, n_features)
        float64; a value ``v`` of feature ``j`` of sequence ``i`` becomes
        ``(v - offset[i, 0, j]) / scale[i, 0, j]``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._scaling import window_statistics
    >>> X = torch.tensor([[[1.0], [3.0], [0.0]], [[5.0], [6.0], [8.0]]])
    >>> offset, scale = window_statistics(X, torch.tensor([2, 3]), "last")
    >>> offset[:, 0, 0].tolist(), scale[:, 0, 0].tolist()
    ([3.0, 8.0], [1.0, 1.0])
    >>> window_statistics(X, torch.tensor([2, 3]), "mean")[0][:, 0, 0].tolist()
    [2.0, 6.333333333333333]
    """
    lengths = lengths.to(X.device)
    if kind in ("last", "difference"):
        last = (lengths - 1).clamp(min=0)
        offset = X[torch.arange(len(X), device=X.device), last].double()[:, None, :]
        return offset, torch.ones_like(offset)
    real = _real_mask(X, lengths)
    # in float64: the float32 result does not depend on how a reduction is
    # split, so a sequence is scaled alike in any batch
    X64 = X.double()
    n = lengths.clamp(min=1).double()[:, None, None]
    mean = (X64 * real).sum(1, keepdim=True) / n
    if kind == "mean":
        return mean, torch.ones_like(mean)
    centred = torch.where(real, X64 - mean, 0.0)
    std = (centred.square().sum(1, keepdim=True) / n).sqrt()
    level = (X64.abs() * real).amax(1, keepdim=True)
    std = torch.where(std > INSTANCE_RELATIVE_FLOOR * level, std, torch.ones_like(std))
    return mean, std


def window_moments(X, lengths, kind, *, chunk_size=4096):
    """Mean and scale of the windows of ``X`` after a per-window scaling.

    The statistics that :class:`BatchScaling` of kind "mean", "last" or
    "difference" uses to standardise the per-window values, over the real
    steps of every window (for "difference", the steps after the first).

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, max_length, n_features)
        Padded float sequences.
    lengths : ndarray of shape (n_samples,)
        Real steps of each sequence.
    kind : {"mean", "last", "difference"}
        The per-window scaling.
    chunk_size : int, default=4096
        Sequences transformed at a time.

    Returns
    -------
    mean, scale : ndarray of shape (n_features,)
        float64; the scale is 1 for a constant feature (see :func:`is_constant`).
    """
    plain = BatchScaling(kind)
    first = 1 if kind == "difference" else 0
    steps = np.arange(X.shape[1])

    def chunks():
        for start in range(0, len(X), chunk_size):
            chunk_lengths = np.asarray(lengths[start : start + chunk_size])
            values = plain(X[start : start + chunk_size], torch.from_numpy(chunk_lengths))
            mask = (steps[None, :] >= first) & (steps[None, :] < chunk_lengths[:, None])
            yield values.double().cpu().numpy()[mask]

    count, mean, var = _merged_moments(chunks(), X.shape[2])
    scale = np.where(is_constant(var, mean, count), 1.0, np.sqrt(var))
    return mean, scale


class BatchScaling:
    """Scale each batch of padded inputs on the fly.

    Parameters
    ----------
    kind : {"standard", "instance", "mean", "last", "difference"}
        "standard": subtract ``mean`` and divide by ``scale`` (per feature, as
        fitted by :func:`standard_scaling` on the training data). "instance":
        per sequence and feature, subtract the mean and divide by the standard
        deviation over the sequence's real steps; a standard deviation at most
        ``INSTANCE_RELATIVE_FLOOR`` times the sequence's largest absolute value
        (a constant series up to float32 rounding) is replaced by 1, so the
        series is centred only. "mean": per sequence and feature, subtract the
        mean over the real steps. "last": per sequence and feature, subtract the
        value of the last real step. "difference": each step less the step
        before it; the first step of every sequence becomes 0. With ``mean``
        and ``scale``, the values of "mean", "last" and "difference" are then
        standardised (see :func:`window_moments`). Padding steps are zero
        after every kind but "standard".
    mean, scale : ndarray of shape (n_features,), default=None
        The fitted statistics of "standard", "mean", "last" and "difference".

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._scaling import BatchScaling
    >>> X = torch.tensor([[[1.0], [3.0], [0.0]], [[5.0], [5.0], [5.0]]])
    >>> BatchScaling("instance")(X, torch.tensor([2, 3]))[:, :, 0].tolist()
    [[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    >>> BatchScaling("mean")(X, torch.tensor([2, 3]))[:, :, 0].tolist()
    [[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    >>> BatchScaling("last")(X, torch.tensor([2, 3]))[:, :, 0].tolist()
    [[-2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> BatchScaling("difference")(X, torch.tensor([2, 3]))[:, :, 0].tolist()
    [[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
    """

    def __init__(self, kind, mean=None, scale=None):
        self.kind = kind
        self.mean = None if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        self.scale = None if scale is None else torch.as_tensor(scale, dtype=torch.float32)

    def __call__(self, X, lengths):
        """``X`` (a float batch, ``(batch, time, features)``) scaled; a new tensor."""
        if self.mean is not None and self.mean.device != X.device:
            self.mean, self.scale = self.mean.to(X.device), self.scale.to(X.device)
        if self.kind == "standard":
            return (X - self.mean).div_(self.scale)
        lengths = lengths.to(X.device)
        if self.kind == "instance":
            mean, std = window_statistics(X, lengths, "instance")
            real = _real_mask(X, lengths)
            return torch.where(real, X.double() - mean, 0.0).div_(std).to(X.dtype)
        if self.kind in ("mean", "last"):
            offset, _ = window_statistics(X, lengths, self.kind)
            real = _real_mask(X, lengths)
            out = X - offset.to(X.dtype)
        else:
            real = _real_mask(X, lengths)
            real[:, :1] = False
            out = torch.zeros_like(X)
            out[:, 1:] = X[:, 1:] - X[:, :-1]
        if self.mean is not None:
            out = out.sub_(self.mean).div_(self.scale)
        return torch.where(real, out, 0.0)


class FutureCovariateScaling:
    """Scale a batch of sequences that end with the horizon's future covariates.

    Each sequence holds ``length - horizon`` input steps, then ``horizon``
    future steps in which only the ``columns`` (covariates known in
    advance) carry values. The input steps are scaled by ``inner`` as
    sequences of their own, so per-window statistics come from them only.
    The future values of ``columns`` get the same transform with the same
    statistics: "standard" and "instance" standardise them by the mean and
    scale of their column, "mean" and "last" subtract the column's mean over
    the input steps or its value at the last input step (then standardise as
    the inputs), and "difference" continues
    the first differences (the first future step less the last input step).
    The other columns of the future steps become 0.

    Parameters
    ----------
    inner : BatchScaling or None
        The scaling of the input steps; None leaves every value as it is.
    horizon : int
        Future steps at the end of every sequence.
    columns : sequence of int
        The columns known in advance.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._scaling import BatchScaling, FutureCovariateScaling
    >>> X = torch.tensor([[[1.0, 10.0], [3.0, 20.0], [0.0, 40.0]]])
    >>> scaling = FutureCovariateScaling(BatchScaling("last"), horizon=1, columns=[1])
    >>> scaling(X, torch.tensor([3])).tolist()
    [[[-2.0, -10.0], [0.0, 0.0], [0.0, 20.0]]]
    """

    def __init__(self, inner, horizon, columns):
        self.inner = inner
        self.horizon = int(horizon)
        self.columns = [int(c) for c in columns]

    @property
    def kind(self):
        """str or None : The kind of the inner scaling."""
        return None if self.inner is None else self.inner.kind

    def _future_values(self, X, inputs):
        """``columns`` of ``X`` at every step, transformed as the inputs of ``inner``."""
        values = X[..., self.columns]
        kind = self.kind
        if kind is None:
            return values
        if kind == "instance":
            mean, std = window_statistics(values, inputs, "instance")
            return ((values.double() - mean) / std).to(X.dtype)
        if kind in ("mean", "last"):
            offset, _ = window_statistics(values, inputs, kind)
            values = values - offset.to(X.dtype)
        elif kind == "difference":
            values = torch.cat([torch.zeros_like(values[:, :1]), values.diff(dim=1)], dim=1)
        if self.inner.mean is None:
            return values
        return (values - self.inner.mean[self.columns]) / self.inner.scale[self.columns]

    def __call__(self, X, lengths):
        """``X`` (a float batch, ``(batch, time, features)``) scaled; a new tensor."""
        lengths = lengths.to(X.device)
        inputs = lengths - self.horizon
        out = X.clone() if self.inner is None else self.inner(X, inputs)
        steps = torch.arange(X.shape[1], device=X.device)[None, :]
        future = ((steps >= inputs[:, None]) & (steps < lengths[:, None]))[..., None]
        out = torch.where(future, 0.0, out)
        out[..., self.columns] = torch.where(
            future, self._future_values(X, inputs), out[..., self.columns]
        )
        return out


class WithRawInputs:
    """Scale a batch and append its values as given, feature by feature.

    For a network part that reads the inputs before scaling (the
    random-kernel features of :class:`~sklearn_rnn.LSTMClassifier`) next to
    one that reads them scaled: a batch of ``features`` columns becomes
    ``2 * features`` columns, the scaled ones first.

    Parameters
    ----------
    inner : BatchScaling or None
        The scaling of the first half; None keeps it as given too.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._scaling import BatchScaling, WithRawInputs
    >>> X = torch.tensor([[[1.0], [3.0]]])
    >>> WithRawInputs(BatchScaling("instance"))(X, torch.tensor([2])).tolist()
    [[[-1.0, 1.0], [1.0, 3.0]]]
    """

    def __init__(self, inner):
        self.inner = inner

    @property
    def kind(self):
        """The kind of the inner scaling (None for none)."""
        return None if self.inner is None else self.inner.kind

    def __call__(self, X, lengths):
        """``X`` (``(batch, time, features)``) scaled, then as given: a new tensor."""
        scaled = X if self.inner is None else self.inner(X, lengths)
        return torch.cat([scaled, X.to(scaled.dtype)], dim=-1)
