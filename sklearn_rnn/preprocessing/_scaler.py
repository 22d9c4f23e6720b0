"""SequenceScaler: per-feature standardisation over the real steps of sequences."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn._compat import (
    _check_feature_names,
    _check_n_features,
    _fit_context,
    _wrap_data_with_container,
)
from sklearn_rnn._scaling import standard_scaling
from sklearn_rnn._sequences import as_ragged, check_sequences

__all__ = ["SequenceScaler"]


def _read(X, name="X"):
    """Validate ``X``; return ``(list of (T_i, F) float64 arrays, layout, step_ndims)``."""
    _, lengths, layout = check_sequences(X, name=name)
    if layout == "ragged":
        seqs = [np.asarray(s, dtype=np.float64) for s in X]
        ndims = [s.ndim for s in seqs]
        return [s if s.ndim == 2 else s[:, None] for s in seqs], layout, ndims
    a = np.asarray(X, dtype=np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    return a, layout, None


class SequenceScaler(
    OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Standardise each feature over all real time steps of sequences.

    The mean and standard deviation of every feature are taken over every
    real step of every sequence (padding never counts), so the same scaling
    applies to 3-D arrays, ragged lists and 2-D tables of univariate
    sequences (where all values are one feature). ``transform`` and
    ``inverse_transform`` keep the input format: a 3-D array stays 3-D, a
    2-D table stays 2-D and a list of sequences stays a list.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation (constant features, whose variance
        is zero up to rounding, are left unscaled).

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,)
        Mean of each per-step feature.
    scale_ : ndarray of shape (n_step_features,)
        Standard deviation of each per-step feature (1.0 where it is zero).
    n_features_in_ : int
        Features per time step; for a 2-D table, its number of columns.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame given to ``fit``.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for tables of vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import SequenceScaler
    >>> X = [np.array([[1.0, 10.0], [3.0, 30.0]]), np.array([[2.0, 20.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_
    array([ 2., 20.])
    >>> [x.round(3).tolist() for x in scaler.transform(X)]
    [[[-1.225, -1.225], [1.225, 1.225]], [[0.0, 0.0]]]
    """

    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the per-feature mean and standard deviation.

        Parameters
        ----------
        X : array-like
            Sequences: a 3-D array, a 2-D table of univariate sequences, or a
            list of ``(T_i, n_features)`` or ``(T_i,)`` arrays.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        seqs, layout, _ = _read(X)
        if layout == "ragged":  # all real steps as one sequence
            seqs = np.concatenate(list(seqs))[None]
        mean, scale = standard_scaling(
            seqs,
            np.full(len(seqs), seqs.shape[1]),
            with_mean=self.with_mean,
            with_std=self.with_std,
        )
        n_step = len(mean)
        _check_n_features(self, X if layout == "table" else np.empty((1, n_step)), reset=True)
        _check_feature_names(self, X if layout == "table" else None, reset=True)
        self.mean_, self.scale_ = mean, scale
        self._layout, self._n_step_features = layout, n_step
        return self

    def _apply(self, X, fn):
        check_is_fitted(self, "mean_")
        seqs, layout, ndims = _read(X)
        if layout == "table":
            _check_feature_names(self, X, reset=False)
            if self._layout == "table":
                _check_n_features(self, X, reset=False)
        n_step = seqs[0].shape[1] if layout == "ragged" else seqs.shape[2]
        if n_step != self._n_step_features:
            raise ValueError(
                f"X has {n_step} features per time step, but SequenceScaler was fitted "
                f"with {self._n_step_features}."
            )
        if layout == "ragged":
            return as_ragged(
                out if nd == 2 else out[:, 0]
                for out, nd in ((fn(s), nd) for s, nd in zip(seqs, ndims, strict=True))
            )
        out = fn(seqs)
        return out[:, :, 0] if layout == "table" else out

    def fit_transform(self, X, y=None):
        """Fit to ``X``, then standardise it.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        X_scaled : ndarray
            See :meth:`transform`.
        """
        return self.fit(X).transform(X)

    def transform(self, X):
        """Standardise ``X``.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        X_scaled : ndarray
            ``(X - mean_) / scale_``, in the format of ``X`` (float64); for
            ragged ``X``, a 1-D object array of per-sequence arrays. A 2-D
            result follows ``set_output``; 3-D and ragged ones stay arrays.
        """
        out = self._apply(X, lambda a: (a - self.mean_) / self.scale_)
        if out.ndim == 2 and out.dtype != object:  # a table follows set_output
            return _wrap_data_with_container("transform", out, X, self)
        return out  # sequences (3-D, ragged) have no DataFrame form

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like
            Scaled sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        X_original : ndarray
            ``X * scale_ + mean_``, in the format of ``X`` (float64); for
            ragged ``X``, a 1-D object array of per-sequence arrays.
        """
        return self._apply(X, lambda a: a * self.scale_ + self.mean_)


# ``transform`` wraps its 2-D results itself (above); set_output configures it
SequenceScaler._sklearn_auto_wrap_output_keys = {"transform"}
