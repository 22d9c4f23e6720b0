"""FromChannelsFirst: series in the channels-first layout of aeon and sktime."""

import numbers

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from sklearn_rnn._compat import _check_feature_names, _check_n_features, _wrap_data_with_container
from sklearn_rnn._sequences import _is_nested_regular_list, as_ragged, check_sequences

__all__ = ["FromChannelsFirst"]


def _is_dataframe(X):
    return hasattr(X, "iloc") and hasattr(X, "columns")


def _check_not_nested(X, name):
    """Reject sktime's "nested_univ" DataFrame (one pandas Series per cell)."""
    for j in range(X.shape[1]):
        values = X.iloc[:, j].to_numpy()
        if values.dtype == object and len(values) and hasattr(values[0], "iloc"):
            raise TypeError(
                f"{name} is a DataFrame whose cells are pandas Series (sktime's "
                "'nested_univ' layout). Convert it to a 3-D array with sktime's "
                "convert_to(X, 'numpy3D'), or to a list of 2-D arrays with "
                "convert_to(X, 'np-list') when the series have different lengths."
            )


def _is_ragged(X):
    return (isinstance(X, (list, tuple)) and not _is_nested_regular_list(X)) or (
        isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1
    )


def _swap_series(X, name, *, first):
    """Swap the two axes of each series of a list; return ``(list, n_channels)``.

    ``first``: the series are ``(n_channels, n_timesteps)`` (else
    ``(n_timesteps, n_channels)``); 1-D series are one channel and stay as
    they are.
    """
    out, channels = [], None
    for i, s in enumerate(X):
        si = f"{name}[{i}]"
        if isinstance(s, (str, bytes, dict)) or isinstance(s, numbers.Number) or s is None:
            raise ValueError(
                f"{si} is a {type(s).__name__}; each sample must be one series, a 2-D "
                "array "
                + ("(n_channels, n_timesteps)" if first else "(n_timesteps, n_features)")
                + " or a 1-D array (n_timesteps,)."
            )
        try:
            a = s.detach().cpu().numpy() if isinstance(s, torch.Tensor) else np.asarray(s)
        except ValueError as exc:  # nested lists of uneven lengths
            raise ValueError(
                f"{si} is not a regular array ({exc}); give each series as one 2-D array."
            ) from exc
        if a.ndim not in (1, 2):
            raise ValueError(
                f"{si} has {a.ndim} dimensions; each series must be 2-D "
                + ("(n_channels, n_timesteps)" if first else "(n_timesteps, n_features)")
                + " or 1-D (n_timesteps,)."
            )
        n = 1 if a.ndim == 1 else a.shape[0 if first else 1]
        if n == 0:
            raise ValueError(f"{si} has 0 channels; every series needs at least one.")
        if channels is None:
            channels = n
        elif n != channels:
            raise ValueError(
                f"The series of {name} have different numbers of channels: {name}[0] has "
                f"{channels}, {si} has {n}. Every series must have the same channels."
            )
        out.append(np.array(a.T if a.ndim == 2 else a))
    return out, channels


def _check_shape(X, name, first):
    """Errors on the shape of a regular ``X`` that name its own axes."""
    if _is_dataframe(X) or sp.issparse(X) or X is None:
        return
    try:
        shape = np.asarray(X).shape
    except (TypeError, ValueError):  # e.g. nested lists of uneven lengths
        return  # reported by check_sequences
    axes = "n_channels, n_timesteps" if first else "n_timesteps, n_features"
    if len(shape) > 3:
        raise ValueError(
            f"{name} has {len(shape)} dimensions; expected (n_samples, {axes}) or a "
            "list of series."
        )
    if len(shape) == 3 and 0 in shape[1:]:
        empty = ("channels", "time steps") if first else ("time steps", "features")
        empty = empty[0] if shape[1] == 0 else empty[1]
        raise ValueError(
            f"Found array with 0 {empty} (shape={shape}) in {name}; every series needs "
            "at least one."
        )


def _swap(X, name="X", *, first=True):
    """Validate ``X`` and swap its time and channel axes.

    Returns ``(converted, layout, n_channels)``; ``layout`` is one of
    "table" (2-D, univariate series, returned as a copy), "array" (3-D) or
    "ragged" (a 1-D object array of series). ``first``: ``X`` is channels
    first (``transform``), else time first (``inverse_transform``).
    """
    if _is_dataframe(X):
        _check_not_nested(X, name)
    elif hasattr(X, "iloc"):  # a Series of series
        X = list(X.to_numpy())
    if _is_ragged(X):
        if len(X) == 0:
            raise ValueError(f"Found array with 0 sample(s) in {name}; no series given.")
        if not first:
            check_sequences(X, name=name)
        series, channels = _swap_series(X, name, first=first)
        out = as_ragged(series)
        if first:  # values: numbers, finite, no empty series
            check_sequences(out, name=name)
        return out, "ragged", channels
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    _check_shape(X, name, first)
    _, _, layout = check_sequences(X, name=name)  # None, sparse, strings, NaN, 1-D, ...
    a = X.to_numpy() if _is_dataframe(X) else np.asarray(X)
    if a.dtype.kind not in "biuf":
        a = a.astype(np.float64)  # object arrays of numbers, nullable pandas dtypes
    if layout == "table":
        return np.array(a), layout, 1
    return np.array(a.transpose(0, 2, 1), order="C"), layout, a.shape[1 if first else 2]


class FromChannelsFirst(
    OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Read series in the ``(n_samples, n_channels, n_timesteps)`` layout of aeon and sktime.

    aeon and sktime store a collection of series channels first: a 3-D
    array ``(n_samples, n_channels, n_timesteps)``, or a list of 2-D
    ``(n_channels, n_timesteps_i)`` arrays when lengths differ. The
    estimators of this package read time first: ``(n_samples, n_timesteps,
    n_features)``, or a list of ``(n_timesteps_i, n_features)`` arrays, each
    channel being one feature. This transformer swaps the two axes, so data
    prepared for aeon or sktime goes into a :class:`~sklearn.pipeline.Pipeline`
    as it is::

        make_pipeline(FromChannelsFirst(), LSTMClassifier())

    A 2-D array ``(n_samples, n_timesteps)`` holds univariate series in both
    layouts and is returned unchanged (as a copy), as are 1-D series in a
    list. ``inverse_transform`` converts back to channels first.

    The transformer is stateless: ``transform`` works without ``fit``, which
    only records the number of channels (``n_features_in_``) so that later
    input is checked against it.

    Attributes
    ----------
    n_features_in_ : int
        Channels of the series seen at fit; for a 2-D table, its number of
        columns.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame given to ``fit``.

    See Also
    --------
    SequenceScaler : Standardise each feature of sequences.
    sklearn.preprocessing.FunctionTransformer : A transformer from any function.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn.preprocessing import FromChannelsFirst
    >>> X = np.arange(12.0).reshape(2, 3, 2)  # 2 series, 3 channels, 2 time steps
    >>> FromChannelsFirst().fit_transform(X).shape
    (2, 2, 3)
    >>> FromChannelsFirst().fit_transform(X)[0]
    array([[0., 2., 4.],
           [1., 3., 5.]])

    Series of different lengths, as a list of ``(n_channels, n_timesteps_i)``
    arrays, give a list of ``(n_timesteps_i, n_channels)`` arrays:

    >>> ragged = [np.zeros((3, 5)), np.zeros((3, 2))]
    >>> [x.shape for x in FromChannelsFirst().fit_transform(ragged)]
    [(5, 3), (2, 3)]

    At the head of a pipeline:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 2, 30)), np.arange(20) % 2
    >>> pipe = make_pipeline(
    ...     FromChannelsFirst(), LSTMClassifier(hidden_size=4, max_iter=2, random_state=0)
    ... ).fit(X, y)
    >>> pipe[-1].n_features_in_
    2
    """

    def __init__(self):
        pass

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.requires_fit = False
        return tags

    def fit(self, X, y=None):
        """Check ``X`` and record its number of channels.

        Parameters
        ----------
        X : array-like
            Series channels first: a 3-D array ``(n_samples, n_channels,
            n_timesteps)``, a list of ``(n_channels, n_timesteps_i)`` or
            ``(n_timesteps_i,)`` arrays, or a 2-D array or DataFrame
            ``(n_samples, n_timesteps)`` of univariate series.
        y : None
            Ignored.

        Returns
        -------
        self : FromChannelsFirst
            The fitted transformer.
        """
        _, layout, channels = _swap(X)
        table = layout == "table"
        _check_n_features(self, X if table else np.empty((1, channels)), reset=True)
        _check_feature_names(self, X if table else None, reset=True)
        self._fit_layout, self._n_channels = layout, channels
        return self

    def _check_fitted_channels(self, X, layout, channels, what):
        if not hasattr(self, "_n_channels"):
            return
        if layout == "table":
            _check_feature_names(self, X, reset=False)
            if self._fit_layout == "table":
                _check_n_features(self, X, reset=False)
        if channels != self._n_channels:
            raise ValueError(
                f"X has {channels} {what}, but FromChannelsFirst was fitted with "
                f"{self._n_channels} channels."
            )

    def transform(self, X):
        """Swap the channel and time axes of ``X``.

        Parameters
        ----------
        X : array-like
            Series channels first, in any format accepted by :meth:`fit`.

        Returns
        -------
        X_out : ndarray
            A new array ``(n_samples, n_timesteps, n_channels)`` for 3-D
            ``X``; a 1-D object array of ``(n_timesteps_i, n_channels)`` (or
            ``(n_timesteps_i,)``) arrays for a list; a copy of a 2-D ``X``,
            which follows ``set_output``.
        """
        out, layout, channels = _swap(X)
        self._check_fitted_channels(X, layout, channels, "channels")
        if layout == "table":
            return _wrap_data_with_container("transform", out, X, self)
        return out

    def inverse_transform(self, X):
        """Put the channels first again.

        Parameters
        ----------
        X : array-like
            Sequences time first: a 3-D array ``(n_samples, n_timesteps,
            n_features)``, a list of ``(n_timesteps_i, n_features)`` or
            ``(n_timesteps_i,)`` arrays, or a 2-D table of univariate series.

        Returns
        -------
        X_out : ndarray
            A new array ``(n_samples, n_features, n_timesteps)``, a 1-D object
            array of ``(n_features, n_timesteps_i)`` (or ``(n_timesteps_i,)``)
            arrays, or a copy of a 2-D ``X``.
        """
        out, layout, channels = _swap(X, first=False)
        self._check_fitted_channels(X, layout, channels, "features per time step")
        return out


# ``transform`` wraps its 2-D results itself (above); set_output configures it
FromChannelsFirst._sklearn_auto_wrap_output_keys = {"transform"}
