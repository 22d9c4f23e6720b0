"""Standardisation over the real steps of padded sequences.

The one standardiser of the package: the estimators' ``scaling="standard"``
and :class:`~sklearn_rnn.Seq2SeqRegressor`'s targets use
:func:`standard_scaling`, and :class:`~sklearn_rnn.preprocessing.SequenceScaler`
is it as a transformer. :class:`BatchScaling` applies a scaling to each batch
of inputs on the fly (``scaling="standard"`` or ``"instance"``).
"""

import numpy as np
import torch

__all__ = [
    "INSTANCE_RELATIVE_FLOOR",
    "BatchScaling",
    "is_constant",
    "real_step_moments",
    "standard_scaling",
]

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
    count, mean, m2 = 0, np.zeros(padded.shape[2]), np.zeros(padded.shape[2])
    for start in range(0, len(padded), chunk_size):
        chunk_lengths = lengths[start : start + chunk_size]
        mask = steps[None, :] < chunk_lengths[:, None]
        real = padded[start : start + chunk_size][mask].astype(np.float64)
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


class BatchScaling:
    """Scale each batch of padded inputs on the fly.

    Parameters
    ----------
    kind : {"standard", "instance"}
        "standard": subtract ``mean`` and divide by ``scale`` (per feature, as
        fitted by :func:`standard_scaling` on the training data). "instance":
        per sequence and feature, subtract the mean and divide by the standard
        deviation over the sequence's real steps; a standard deviation at most
        ``INSTANCE_RELATIVE_FLOOR`` times the sequence's largest absolute value
        (a constant series up to float32 rounding) is replaced by 1, so the
        series is centred only. Instance-scaled padding steps are zero.
    mean, scale : ndarray of shape (n_features,), default=None
        The fitted statistics of "standard".

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._scaling import BatchScaling
    >>> X = torch.tensor([[[1.0], [3.0], [0.0]], [[5.0], [5.0], [5.0]]])
    >>> BatchScaling("instance")(X, torch.tensor([2, 3]))[:, :, 0].tolist()
    [[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """

    def __init__(self, kind, mean=None, scale=None):
        self.kind = kind
        self.mean = None if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        self.scale = None if scale is None else torch.as_tensor(scale, dtype=torch.float32)

    def __call__(self, X, lengths):
        """``X`` (a float batch, ``(batch, time, features)``) scaled; a new tensor."""
        if self.kind == "standard":
            if self.mean.device != X.device:
                self.mean, self.scale = self.mean.to(X.device), self.scale.to(X.device)
            return (X - self.mean).div_(self.scale)
        lengths = lengths.to(X.device)
        real = (torch.arange(X.shape[1], device=X.device)[None, :] < lengths[:, None])[..., None]
        # statistics in float64: the float32 result does not depend on how a
        # reduction is split, so a sequence is scaled alike in any batch
        X64 = X.double()
        n = lengths.clamp(min=1).double()[:, None, None]
        mean = (X64 * real).sum(1, keepdim=True) / n
        centred = torch.where(real, X64 - mean, 0.0)
        std = (centred.square().sum(1, keepdim=True) / n).sqrt()
        level = (X64.abs() * real).amax(1, keepdim=True)
        std = torch.where(std > INSTANCE_RELATIVE_FLOOR * level, std, torch.ones_like(std))
        return centred.div_(std).to(X.dtype)
