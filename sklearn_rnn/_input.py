"""The input layer of the estimators: every layout of ``X`` read in one place.

``X`` reaches an estimator as one of:

- sequences: a 3-D array, a 2-D table of univariate sequences or a list of
  ``(T_i, n_features)`` / ``(T_i,)`` arrays (:func:`~sklearn_rnn._sequences.check_sequences`);
- token ids: the same layouts holding non-negative integers (``tokens=True``);
- a table of feature vectors: a 2-D array or DataFrame whose rows are read
  as one-step sequences (``vectors=True``);
- token strings: lists of words, turned into word ids and character ids
  through vocabularies (:func:`encode_token_strings`).

:func:`check_input` reads the numeric layouts and :func:`check_token_strings`
the strings; :meth:`BaseRecurrentEstimator._check_X` calls them and records
what it saw as fitted attributes.
"""

import os
import sys
import warnings

import numpy as np
import sklearn

from sklearn_rnn._sequences import _is_nested_regular_list, check_sequences
from sklearn_rnn._vocabulary import UNKNOWN_ID

__all__ = [
    "MAX_WORD_CHARS",
    "check_input",
    "check_token_strings",
    "encode_token_strings",
    "holds_strings",
    "is_sequence",
    "is_table",
    "sample_list",
]

# Characters kept per word: longer words keep their first and last halves.
MAX_WORD_CHARS = 20

# Sequences of at most TRANSPOSED_MAX_STEPS steps with more than TRANSPOSED_RATIO
# times as many features as steps look like the (n_samples, n_channels,
# n_timesteps) layout of aeon and sktime: check_input warns.
TRANSPOSED_MAX_STEPS = 10
TRANSPOSED_RATIO = 10

# Frames in these folders are skipped when a warning names the line that caused it.
_INTERNAL_DIRS = tuple(
    os.path.dirname(m.__file__) + os.sep for m in (sys.modules[__package__], sklearn)
)


def is_sequence(s):
    """Whether ``s`` is one sequence (list, tuple, array or pandas Series)."""
    return isinstance(s, (list, tuple, np.ndarray)) or (hasattr(s, "iloc") and s.ndim == 1)


def sample_list(X):
    """The samples of ``X`` as a list, when ``X`` is a list of them, else None.

    A list, tuple, pandas Series or 1-D array of objects or strings is a
    list of samples; tables and 3-D arrays are not.
    """
    if hasattr(X, "iloc") and getattr(X, "ndim", 2) == 1:
        return list(X)
    if isinstance(X, (list, tuple)) or (
        isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind in "OUS"
    ):
        return list(X)
    return None


def holds_strings(X):
    """Whether ``X`` is a list of token sequences whose tokens are strings."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 2) == 1:
        X = list(X)
    if isinstance(X, np.ndarray) and X.dtype.kind in "US":
        return X.ndim == 2
    if not isinstance(X, (list, tuple)) and not (isinstance(X, np.ndarray) and X.dtype == object):
        return False
    for s in X:
        if isinstance(s, (str, bytes)):
            return False  # one string per sample: reported by check_sequences
        if is_sequence(s) and len(s):
            first = s.iloc[0] if hasattr(s, "iloc") else s[0]
            return isinstance(first, str)
    return False


def is_table(X):
    """Whether ``X`` is a 2-D table (array, DataFrame or regular nested lists)."""
    if hasattr(X, "iloc") and hasattr(X, "columns"):
        return True
    if isinstance(X, (list, tuple)):
        return _is_nested_regular_list(X) and np.asarray(X, dtype=object).ndim == 2
    if not isinstance(X, np.ndarray) and hasattr(X, "__array__"):
        X = np.asarray(X)
    return isinstance(X, np.ndarray) and X.ndim == 2


def check_input(X, *, vectors=False, tokens=False, allow_nan=False):
    """Validate numeric ``X``; return ``(padded, lengths, layout)``.

    Parameters
    ----------
    X : array-like
        Sequences or token ids in any layout of
        :func:`~sklearn_rnn._sequences.check_sequences`.
    vectors : bool, default=False
        Read a 2-D table as feature vectors: each row becomes a sequence of
        one step whose features are the columns. Other layouts are returned
        as sequences; the caller decides whether they are allowed.
    tokens : bool, default=False
        Whether ``X`` holds token ids (ignored for feature vectors).
    allow_nan : bool, default=False
        Let NaN through (the caller checks where they are).

    Returns
    -------
    padded : ndarray
        float32 ``(n_samples, max_length, n_features)`` or int64
        ``(n_samples, max_length)`` token ids.
    lengths : ndarray of shape (n_samples,)
        Real steps of each sequence.
    layout : {"table", "array", "ragged"}
        The layout of ``X`` (see :func:`~sklearn_rnn._sequences.check_sequences`).
    """
    padded, lengths, layout = check_sequences(
        X, tokens=tokens and not vectors, allow_nan=allow_nan
    )
    if padded.ndim == 3 and layout != "table":
        _warn_if_transposed(padded.shape[1], padded.shape[2], layout)
    if vectors and layout == "table":
        padded = np.ascontiguousarray(padded.transpose(0, 2, 1))
        lengths = np.ones(len(padded), dtype=np.int64)
    return padded, lengths, layout


def _caller_stacklevel():
    """The ``stacklevel`` that names the first frame outside this package and scikit-learn."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_INTERNAL_DIRS):
        frame, level = frame.f_back, level + 1
    return level


def _warn_if_transposed(n_steps, n_features, layout):
    """Warn when sequences of ``n_steps`` (the longest) look channels first."""
    if n_steps > TRANSPOSED_MAX_STEPS or n_features <= TRANSPOSED_RATIO * n_steps:
        return
    steps = f"{n_steps} time step" + ("s" if n_steps > 1 else "")
    shape = "sequences of at most " + steps if layout == "ragged" else steps
    warnings.warn(
        f"X looks transposed: {shape} of {n_features} features each. X is read as "
        "(n_samples, n_timesteps, n_features); series in the (n_samples, n_channels, "
        "n_timesteps) layout of aeon and sktime (or lists of (n_channels, n_timesteps) "
        "arrays) must be converted first, e.g. with "
        "make_pipeline(sklearn_rnn.preprocessing.FromChannelsFirst(), estimator). If X "
        "is laid out as intended, silence this warning with "
        "warnings.filterwarnings('ignore', 'X looks transposed').",
        UserWarning,
        stacklevel=_caller_stacklevel(),
    )


def check_token_strings(X):
    """Validate token strings; return them as a list of lists of str."""
    if hasattr(X, "iloc"):
        X = list(X)
    sentences = []
    for i, s in enumerate(X):
        if not is_sequence(s):
            raise ValueError(
                f"X[{i}] is a {type(s).__name__}; each sample must be a list of tokens (strings)."
            )
        s = list(s)
        if not s:
            raise ValueError(
                f"X[{i}] is an empty sentence; every sentence needs at least one "
                "token. Drop empty sentences before fitting or predicting."
            )
        bad = [t for t in s if not isinstance(t, str)]
        if bad:
            raise ValueError(
                f"X[{i}] mixes strings with {type(bad[0]).__name__} values; tokens must "
                "all be strings (or all numeric)."
            )
        sentences.append(s)
    if not sentences:
        raise ValueError("Found array with 0 sample(s) in X; no sentences given.")
    return sentences


def word_key(word, lowercase):
    """The vocabulary key of ``word``."""
    return word.lower() if lowercase else word


def _word_chars(word):
    if len(word) > MAX_WORD_CHARS:
        half = MAX_WORD_CHARS // 2
        word = word[:half] + word[-half:]
    return word


def encode_token_strings(sentences, vocabulary, char_vocabulary=None, *, lowercase=True):
    """Word ids (and character ids) of token strings, padded.

    Parameters
    ----------
    sentences : list of list of str
        Token strings, from :func:`check_token_strings`.
    vocabulary : dict of str to int
        Word (lower-cased when ``lowercase``) to id; other words get
        :data:`~sklearn_rnn._vocabulary.UNKNOWN_ID`.
    char_vocabulary : dict of str to int, default=None
        Character to id; None for word ids only.
    lowercase : bool, default=True
        Look words up in lower case (characters keep their case).

    Returns
    -------
    ids : ndarray of int32
        ``(n_samples, max_length)`` word ids; with ``char_vocabulary``,
        ``(n_samples, max_length, 1 + n_chars)``: the word id, then the ids of
        its characters (at most :data:`MAX_WORD_CHARS`, zero-padded to the
        longest word of ``sentences``).
    lengths : ndarray of shape (n_samples,)
        Tokens of each sentence.
    """
    use_chars = char_vocabulary is not None
    lengths = np.fromiter((len(s) for s in sentences), dtype=np.int64, count=len(sentences))
    width = 1 + (MAX_WORD_CHARS if use_chars else 0)
    out = np.zeros((len(sentences), int(lengths.max()), width), dtype=np.int32)
    rows = {}
    for i, s in enumerate(sentences):
        for t, word in enumerate(s):
            row = rows.get(word)
            if row is None:
                row = [vocabulary.get(word_key(word, lowercase), UNKNOWN_ID)]
                if use_chars:
                    row += [char_vocabulary.get(c, UNKNOWN_ID) for c in _word_chars(word)]
                rows[word] = row
            out[i, t, : len(row)] = row
    if not use_chars:
        out = out[:, :, 0]
    else:  # trim the character axis to the longest word of this call
        longest = max(len(r) for r in rows.values())
        out = out[:, :, :longest]
    return np.ascontiguousarray(out), lengths
