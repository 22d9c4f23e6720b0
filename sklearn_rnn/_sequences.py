"""Sequence input layer: validation, padding, lengths and length-bucketed batches.

Every estimator turns its ``X`` into a :class:`SequenceData` through
:func:`check_sequences`, so all of them accept the same formats and raise the
same errors. This module depends on numpy, scipy (to recognise sparse
input) and torch only: no scikit-learn or skorch.
"""

import numbers

import numpy as np
import scipy.sparse as sp
import torch

__all__ = [
    "SequenceData",
    "as_ragged",
    "fits_on_device",
    "to_device",
    "masked_mean",
    "check_sequences",
    "holds_integers",
    "iter_batch_indices",
    "reverse_within_length",
]

_NUMERIC_KINDS = "biuf"
# Token ids index an embedding table with one row per id up to the largest.
MAX_TOKEN_ID = 2**31 - 2
# Fills the end of the shorter rows of a 2-D token-id matrix; no token id takes it.
PADDING_ID = -1


def _describe(name, i=None):
    return name if i is None else f"{name}[{i}]"


def _as_numeric(a, name, tokens, padding=False):
    """Convert one array-like to a numeric numpy array with a clear error.

    With ``padding``, token ids may also be ``PADDING_ID`` (checked by the caller).
    """
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    try:
        a = np.asarray(a)
    except ValueError as exc:  # nested lists of uneven lengths
        raise ValueError(
            f"{name} is not a regular array: its nested lists have uneven lengths "
            f"({exc}). Give each sequence as one (T_i,) or (T_i, n_features) array."
        ) from exc
    if a.dtype.kind in "US" or (
        a.dtype.kind == "O" and any(isinstance(v, (str, bytes)) for v in a.flat)
    ):
        raise ValueError(
            f"{name} contains strings, but numeric sequences are expected. "
            "Turn text into token ids first (e.g. with "
            "sklearn_rnn.preprocessing.TokenSequenceVectorizer) and set embedding_dim."
        )
    if a.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} contains complex numbers; only real "
            "values are supported."
        )
    if a.dtype.kind not in _NUMERIC_KINDS:
        try:  # object arrays of numbers
            a = a.astype(np.float64)
        except (TypeError, ValueError) as exc:
            kinds = sorted({type(v).__name__ for v in a.flat if not isinstance(v, numbers.Real)})
            hint = "Numeric sequences are expected."
            if "Series" in kinds:
                hint = (
                    "Cells that are pandas Series are sktime's 'nested_univ' layout: "
                    "convert X with sktime's convert_to(X, 'numpy3D') (or 'np-list' for "
                    "series of different lengths) and read that channels-first layout "
                    "with sklearn_rnn.preprocessing.FromChannelsFirst."
                )
            raise TypeError(
                f"{name} holds values that are not numbers ({', '.join(kinds)}): "
                f"{str(exc).rstrip('.')}. {hint}"
            ) from exc
    if tokens:
        if a.dtype.kind == "f":
            if not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
                raise ValueError(
                    f"{name} must hold integer token ids when embedding_dim is set; "
                    "found non-integer values."
                )
        if a.size and a.min() < (PADDING_ID if padding else 0):
            raise ValueError(
                f"{name} contains negative token ids; token ids must be >= 0"
                + (
                    f" ({PADDING_ID} may only fill the end of the rows of a 2-D id matrix)."
                    if padding
                    else "."
                )
            )
        if a.size and float(a.max()) > MAX_TOKEN_ID:  # float16 cannot hold the limit
            raise ValueError(
                f"{name} contains the token id {a.max():.0f}, beyond the largest "
                f"supported id {MAX_TOKEN_ID}; renumber the tokens densely from 0 "
                "(e.g. with TokenSequenceVectorizer)."
            )
        return a.astype(np.int64, copy=False)
    return a


def as_ragged(arrays):
    """Return per-sample arrays as a 1-D object array, one element per sample.

    The form of every ragged output (per-step predictions, token-id
    sequences): it indexes, slices and iterates like a list, and
    scikit-learn's tools (``cross_val_predict``, ``_safe_indexing``) and
    ``np.concatenate`` over folds keep it one sample per element, which a
    list does not guarantee: ``np.array`` of equal-length arrays would make
    a 2-D array.

    Parameters
    ----------
    arrays : iterable of ndarray
        One array per sample.

    Returns
    -------
    ragged : ndarray of shape (n_samples,), dtype object
        ``ragged[i]`` is the ``i``-th array itself (not a copy).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn._sequences import as_ragged
    >>> r = as_ragged([np.array([1, 2]), np.array([3, 4])])
    >>> r.shape, r.dtype, r[1].tolist()
    ((2,), dtype('O'), [3, 4])
    """
    arrays = list(arrays)
    out = np.empty(len(arrays), dtype=object)
    for i, a in enumerate(arrays):
        out[i] = a
    return out


def _pandas_values(X, name):
    """The values of a DataFrame as a numpy array.

    Nullable and extension dtypes (``Float64``, ``Int64``, ``boolean``, ...)
    become the matching numpy dtype; a missing value (``pd.NA`` or NaN) in
    such a frame raises the usual error.
    """
    dtypes = list(X.dtypes)
    if all(isinstance(d, np.dtype) for d in dtypes):
        return X.to_numpy()
    kinds = {getattr(d, "kind", "O") for d in dtypes}
    if not kinds <= set(_NUMERIC_KINDS):  # strings, categories: reported by the usual checks
        return X.to_numpy()
    if X.isna().to_numpy().any():
        raise ValueError(
            f"Input {name} contains NaN (missing values such as pd.NA). Remove or "
            "impute missing values."
        )
    dtype = bool if kinds == {"b"} else np.float64 if "f" in kinds else np.int64
    return X.to_numpy(dtype=dtype)


def _padding_lengths(ids, name):
    """Lengths of the rows of a 2-D token-id matrix padded at the end with ``PADDING_ID``.

    Returns None when no value is ``PADDING_ID`` (every row is whole).
    """
    pad = ids == PADDING_ID
    if not pad.any():
        return None
    lengths = ids.shape[1] - pad.sum(axis=1)
    trailing = np.arange(ids.shape[1]) >= lengths[:, None]
    if not np.array_equal(pad, trailing):
        row = int(np.flatnonzero((pad != trailing).any(axis=1))[0])
        raise ValueError(
            f"{name}[{row}] contains negative token ids: {PADDING_ID} before a token id. "
            f"{PADDING_ID} marks padding and may only fill the end of a row (as "
            "TokenSequenceVectorizer(output='padded') gives); token ids must be >= 0."
        )
    if lengths.min() == 0:
        row = int(np.argmin(lengths))
        raise ValueError(
            f"{name}[{row}] is all padding ({PADDING_ID}), a zero-length sequence; "
            "every sequence needs at least one token."
        )
    return lengths.astype(np.int64)


def holds_integers(X):
    """Whether ``X`` (any accepted sequence format) holds integer values.

    Looks at the dtype of an array or DataFrame, or at the first sequence of a
    list; used to warn when token ids are given without ``embedding_dim``.
    """
    if hasattr(X, "dtypes") and hasattr(X, "columns"):  # DataFrame
        return len(X.columns) > 0 and all(getattr(d, "kind", "O") in "iu" for d in X.dtypes)
    if hasattr(X, "iloc"):  # Series of sequences
        X = list(X.to_numpy())
    if isinstance(X, np.ndarray) and X.dtype != object:
        return X.dtype.kind in "iu"
    if isinstance(X, torch.Tensor):
        return not (X.is_floating_point() or X.is_complex() or X.dtype == torch.bool)
    if isinstance(X, (list, tuple, np.ndarray)) and len(X):
        first = X[0]
        if isinstance(first, torch.Tensor):
            return holds_integers(first)
        try:
            a = np.asarray(first)
        except (TypeError, ValueError):
            return False
        return a.dtype.kind in "iu"
    return False


# Values checked at a time by _check_finite: its boolean mask stays small for a large X.
_FINITE_CHUNK = 2**24


def _check_finite(a, name, allow_nan=False):
    if a.dtype.kind != "f" or a.size == 0:
        return
    rows = max(1, _FINITE_CHUNK // max(1, a.size // len(a)))
    for start in range(0, len(a), rows):
        part = a[start : start + rows]
        if not np.isfinite(part).all():
            if allow_nan:
                if np.isinf(part).any():
                    raise ValueError(
                        f"Input {name} contains infinity or a value too large for float32."
                    )
                continue
            if np.isnan(part).any():
                raise ValueError(f"Input {name} contains NaN. Remove or impute missing values.")
            raise ValueError(f"Input {name} contains infinity or a value too large for float32.")


class SequenceData(torch.utils.data.Dataset):
    """Padded sequences with their lengths, and optional targets and weights.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, max_length, n_features) or (n_samples, max_length)
        Padded float features, or padded int64 token ids.
    lengths : ndarray of shape (n_samples,)
        Number of real time steps of each sequence.
    y : torch.Tensor, default=None
        Targets, indexed along the first axis.
    sample_weight : torch.Tensor, default=None
        Per-sample weights.
    y_lengths : ndarray of shape (n_samples,), default=None
        Real length of each target sequence when ``y`` is padded per-step
        targets (time on axis 1); padded target steps are masked from the loss.
    scaling : callable, default=None
        ``scaling(X_batch, lengths_batch) -> X_batch`` applied to the inputs of
        every batch (see :class:`~sklearn_rnn._scaling.BatchScaling`), so
        that ``X`` itself is never scaled; None leaves them as they are.
    """

    def __init__(self, X, lengths, y=None, sample_weight=None, y_lengths=None, scaling=None):
        self.X = X
        self.scaling = scaling
        self.lengths = np.asarray(lengths, dtype=np.int64)
        self.lengths_t = torch.from_numpy(self.lengths)
        self.y = y
        self.sample_weight = sample_weight
        self.y_lengths = None if y_lengths is None else np.asarray(y_lengths, dtype=np.int64)

    def __len__(self):
        return len(self.lengths)

    def __getitem__(self, i):
        return self.batch(np.atleast_1d(i))

    @property
    def equal_lengths(self):
        """bool : Whether every sequence has the same length."""
        return len(self.lengths) == 0 or self.lengths.min() == self.lengths.max()

    def with_targets(self, y=None, sample_weight=None, y_lengths=None):
        """Return the same sequences with other targets (no copy of X)."""
        return SequenceData(self.X, self.lengths, y, sample_weight, y_lengths, self.scaling)

    @property
    def nbytes(self):
        """int : Bytes held by the tensors (inputs, targets, weights)."""
        tensors = (self.X, self.y, self.sample_weight, self.lengths_t)
        unique = {id(t): t for t in tensors if t is not None}.values()
        return sum(t.element_size() * t.nelement() for t in unique)

    def to(self, device):
        """Return the data with every tensor on ``device`` (lengths stay in numpy too)."""
        X = self.X.to(device)
        moved = SequenceData(
            X,
            self.lengths,
            X if self.y is self.X else None if self.y is None else self.y.to(device),
            None if self.sample_weight is None else self.sample_weight.to(device),
            self.y_lengths,
            self.scaling,
        )
        moved.lengths_t = self.lengths_t.to(device)
        return moved

    def batch(self, idx):
        """Return ``(inputs, targets)`` for the samples ``idx``.

        ``inputs`` is ``{"X": ..., "lengths": ...}``, the time axis trimmed to
        the longest sequence of the batch and ``X`` scaled by ``scaling``.
        ``targets`` is the target tensor, or a dict ``{"y", "sample_weight",
        "lengths"}`` (the latter two when given; per-step targets are trimmed
        to their longest sequence too).
        """
        idx_t = torch.from_numpy(np.asarray(idx, dtype=np.int64)).to(self.X.device)
        inputs = {
            "X": _trimmed(self.X, self.lengths, idx)[idx_t],
            "lengths": self.lengths_t[idx_t],
        }
        if self.scaling is not None:
            inputs["X"] = self.scaling(inputs["X"], inputs["lengths"])
        if self.y is None:
            return inputs, None
        if self.y_lengths is None:
            y = self.y[idx_t]
            if self.sample_weight is None:
                return inputs, y
            return inputs, {"y": y, "sample_weight": self.sample_weight[idx_t]}
        targets = {
            "y": _trimmed(self.y, self.y_lengths, idx)[idx_t],
            "lengths": torch.from_numpy(self.y_lengths[idx]).to(self.X.device),
        }
        if self.sample_weight is not None:
            targets["sample_weight"] = self.sample_weight[idx_t]
        return inputs, targets


def _trimmed(padded, lengths, idx):
    """View of ``padded`` cut to the longest of ``lengths[idx]`` on the time axis."""
    max_len = int(lengths[idx].max())
    return padded if max_len == padded.shape[1] else padded[:, :max_len]


def masked_mean(losses, lengths=None, sample_weight=None):
    """Mean of per-element losses over real steps, weighted by sample.

    Parameters
    ----------
    losses : torch.Tensor of shape (batch, ...) or (batch, time, ...)
        Unreduced losses, batch first.
    lengths : torch.Tensor of shape (batch,), default=None
        Real lengths when axis 1 of ``losses`` is time; padded steps get no weight.
    sample_weight : torch.Tensor of shape (batch,), default=None
        Weight of every element of each sample.

    Returns
    -------
    loss : torch.Tensor
        Scalar: ``sum(w * mask * losses) / sum(w * mask)``.
    """
    if lengths is None and sample_weight is None:
        return losses.mean()
    batch = losses.shape[0]
    trailing = (1,) * (losses.dim() - 1)
    weight = torch.ones((), dtype=losses.dtype, device=losses.device)
    if lengths is not None:
        steps = torch.arange(losses.shape[1], device=losses.device)
        mask = steps < lengths.to(losses.device).unsqueeze(1)
        weight = mask.to(losses.dtype).view(batch, losses.shape[1], *trailing[1:])
    if sample_weight is not None:
        weight = weight * sample_weight.to(losses.device, losses.dtype).view(batch, *trailing)
    weight = weight.expand_as(losses)
    return (losses * weight).sum() / weight.sum()


def to_device(batch, device):
    """Move the tensors of ``batch`` (nested in tuples and dicts) to ``device``.

    CPU tensors bound for a CUDA device are pinned first and copied without
    blocking, so the copy of one batch overlaps the work on the previous
    one. Tensors already on ``device`` are returned as they are.
    """
    if isinstance(batch, torch.Tensor):
        if batch.device == torch.device(device):
            return batch
        if batch.device.type == "cpu" and torch.device(device).type == "cuda":
            return batch.pin_memory().to(device, non_blocking=True)
        return batch.to(device)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(v, device) for v in batch)
    return batch


def fits_on_device(data, device, fraction=0.5):
    """Whether ``data`` takes at most ``fraction`` of the free memory of CUDA ``device``.

    Always False for other devices: there the data stays where it is.
    """
    device = torch.device(device)
    if device.type != "cuda":
        return False
    free, _ = torch.cuda.mem_get_info(device)
    return data.nbytes <= fraction * free


def iter_batch_indices(lengths, batch_size, *, shuffle=False, rng=None, bucket_batches=50):
    """Split sample indices into batches of similar length.

    Parameters
    ----------
    lengths : ndarray of shape (n_samples,)
        Sequence lengths.
    batch_size : int
        Largest number of samples in a batch.
    shuffle : bool, default=False
        Shuffle samples (within chunks of ``bucket_batches * batch_size``
        samples, which are then sorted by length) and the order of batches.
        When False, batches follow descending length.
    rng : numpy.random.Generator, default=None
        Source of randomness when ``shuffle`` is True.
    bucket_batches : int, default=50
        Number of batches per length bucket when shuffling.

    Returns
    -------
    batches : list of ndarray
        Indices of each batch.
    """
    n = len(lengths)
    equal = n == 0 or lengths.min() == lengths.max()
    if not shuffle:
        order = np.arange(n) if equal else np.argsort(-lengths, kind="stable")
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]
    order = rng.permutation(n)
    if equal:
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]
    chunk = batch_size * bucket_batches
    batches = []
    for start in range(0, n, chunk):
        part = order[start : start + chunk]
        part = part[np.argsort(-lengths[part], kind="stable")]
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def reverse_within_length(lengths, max_len):
    """Index that reverses each sequence within its own length.

    Parameters
    ----------
    lengths : torch.Tensor of shape (batch,)
        Sequence lengths.
    max_len : int
        Padded length of the batch.

    Returns
    -------
    index : torch.Tensor of shape (batch, max_len)
        ``index[b, t] = lengths[b] - 1 - t`` for real steps and ``t`` for
        padding; applying it twice gives the identity.
    """
    steps = torch.arange(max_len, device=lengths.device).unsqueeze(0)
    lengths = lengths.unsqueeze(1)
    return torch.where(steps < lengths, lengths - 1 - steps, steps)


def _ragged_to_list(X, name, tokens):
    seqs = []
    for i, s in enumerate(X):
        si = _describe(name, i)
        if isinstance(s, (str, bytes)):
            raise ValueError(
                f"{si} is a string, but numeric sequences are expected. Turn text "
                "into token ids first and set embedding_dim."
            )
        if isinstance(s, numbers.Number):
            raise ValueError(
                f"{si} is a single number; each sample must be a sequence. For "
                "univariate sequences of equal length pass a 2-D array "
                "(n_samples, n_timesteps). Reshape your data."
            )
        a = _as_numeric(s, si, tokens)
        if a.ndim == 0:
            raise ValueError(f"{si} is a scalar; each sample must be a sequence.")
        if tokens and a.ndim != 1:
            raise ValueError(
                f"{si} has shape {a.shape}; token-id sequences must be 1-D (one id per time step)."
            )
        if a.ndim > 2:
            raise ValueError(
                f"{si} has {a.ndim} dimensions; each sequence must be 1-D (T,) "
                "or 2-D (T, n_features)."
            )
        if a.shape[0] == 0:
            raise ValueError(
                f"{si} is a zero-length sequence; every sequence needs at least "
                "one time step. Drop empty sequences before fitting or predicting."
            )
        seqs.append(a if a.ndim == 2 or tokens else a[:, None])
    feats = {s.shape[1] for s in seqs} if not tokens else {1}
    if len(feats) > 1:
        raise ValueError(
            f"The sequences of {name} have different numbers of features "
            f"({sorted(feats)}); every time step must have the same features. Series "
            "laid out (n_channels, n_timesteps), as in aeon and sktime, are converted "
            "by sklearn_rnn.preprocessing.FromChannelsFirst."
        )
    return seqs


def _pad(seqs, tokens):
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    max_len = int(lengths.max())
    if tokens:
        out = np.zeros((len(seqs), max_len), dtype=np.int64)
    else:
        out = np.zeros((len(seqs), max_len, seqs[0].shape[1]), dtype=np.float32)
    with np.errstate(over="ignore"):  # overflow is reported as infinity by the caller
        for i, s in enumerate(seqs):
            out[i, : len(s)] = s
    return out, lengths


def _is_nested_regular_list(X):
    """Whether ``X`` is nested Python lists of numbers forming a regular array."""
    if not X or not all(isinstance(row, (list, tuple)) for row in X):
        return False
    if len({len(row) for row in X}) != 1:
        return False
    a = np.asarray(X, dtype=object)
    return a.ndim >= 2 and a.shape[0] == len(X)


def check_sequences(X, *, tokens=False, name="X", allow_nan=False):
    """Validate sequences and return them padded, with their lengths.

    Parameters
    ----------
    X : array-like
        One of: a 3-D array ``(n_samples, n_timesteps, n_features)``; a 2-D
        array or DataFrame ``(n_samples, n_timesteps)`` of univariate
        sequences (or token ids); a list of 2-D ``(T_i, n_features)`` or 1-D
        ``(T_i,)`` arrays of different lengths. DataFrames may have nullable
        dtypes (``Float64``, ``Int64``, ``boolean``).
    tokens : bool, default=False
        Whether ``X`` holds integer token ids (estimators with ``embedding_dim``).
        A 2-D id matrix may end its rows with ``-1`` (padding): each row's
        length is then the number of ids before it.
    name : str, default="X"
        Name used in error messages.
    allow_nan : bool, default=False
        Let NaN through in numeric sequences (the caller checks where they
        are); infinite values are still rejected.

    Returns
    -------
    padded : ndarray
        float32 array ``(n_samples, max_length, n_features)``, or int64 array
        ``(n_samples, max_length)`` of token ids. Always a new, writable array
        unless ``X`` was already a writable float32 (int64) array.
    lengths : ndarray of shape (n_samples,)
        Number of real steps of each sequence.
    layout : {"table", "array", "ragged"}
        ``"table"`` for 2-D input, ``"array"`` for 3-D input, ``"ragged"`` for
        lists of sequences. Nested Python lists that form a regular array
        (as ``X.tolist()`` gives) are read as that array.

    Raises
    ------
    ValueError
        For NaN or infinite values, empty input, zero-length sequences, strings,
        inconsistent feature counts or unsupported dimensions.
    TypeError
        For sparse matrices and values that are not numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn._sequences import check_sequences
    >>> padded, lengths, layout = check_sequences([np.ones((3, 2)), np.ones((1, 2))])
    >>> padded.shape, lengths.tolist(), layout
    ((2, 3, 2), [3, 1], 'ragged')
    """
    if X is None:
        raise ValueError(f"{name} is None; expected sequences.")
    if sp.issparse(X):
        raise TypeError(
            f"Sparse data was passed for {name}, but dense data is required. "
            "Use X.toarray() to convert to a dense numpy array."
        )
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # pandas DataFrame
        X = _pandas_values(X, name)
    elif hasattr(X, "iloc"):  # pandas Series of sequences
        X = list(X.to_numpy())
    if isinstance(X, (str, bytes, dict)) or isinstance(X, numbers.Number):
        raise TypeError(f"{name} must be an array or a list of sequences, got {type(X).__name__}.")
    ragged = (isinstance(X, (list, tuple)) and not _is_nested_regular_list(X)) or (
        isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1
    )
    if not ragged:
        a = _as_numeric(X, name, tokens, padding=tokens)
        if a.ndim == 0:
            raise TypeError(
                f"{name} must be an array or a list of sequences, got {type(X).__name__}."
            )
        if a.ndim == 1:
            raise ValueError(
                f"Expected a 2-D or 3-D array for {name}, got a 1-D array instead. "
                "Reshape your data using array.reshape(-1, 1) if each sample is a "
                "single step, array.reshape(1, -1) if it is one sequence, or pass a "
                "list of sequences."
            )
        if a.ndim > 3 or (tokens and a.ndim == 3):
            raise ValueError(
                f"{name} has {a.ndim} dimensions; expected (n_samples, n_timesteps"
                + (")" if tokens else "[, n_features])")
                + " or a list of sequences."
            )
        if a.shape[0] == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={a.shape}) in {name}.")
        if a.ndim >= 2 and a.shape[1] == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={a.shape}) while a minimum of 1 "
                f"is required: the sequences of {name} have 0 time steps, and every "
                "sequence needs at least one."
            )
        if a.ndim == 3 and a.shape[2] == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={a.shape}) in {name}.")
        layout = "table" if a.ndim == 2 else "array"
        if tokens:
            padded = np.array(a, dtype=np.int64, copy=not a.flags.writeable or None)
        else:
            with np.errstate(over="ignore"):  # overflow is reported as infinity below
                padded = np.array(a, dtype=np.float32, copy=not a.flags.writeable or None)
            if padded.ndim == 2:
                padded = padded[:, :, None]
            _check_finite(padded, name, allow_nan)
        lengths = np.full(a.shape[0], a.shape[1], dtype=np.int64)
        if tokens:
            real = _padding_lengths(padded, name)
            if real is not None:  # a new array: padded may be the caller's own
                padded, lengths = np.where(padded == PADDING_ID, 0, padded), real
        return padded, lengths, layout
    if len(X) == 0:
        raise ValueError(f"Found array with 0 sample(s) in {name}; no sequences given.")
    seqs = _ragged_to_list(X, name, tokens)
    padded, lengths = _pad(seqs, tokens)
    if not tokens:
        _check_finite(padded, name, allow_nan)
    return padded, lengths, "ragged"
