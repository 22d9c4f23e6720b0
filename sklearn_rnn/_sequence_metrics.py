"""Metrics of token-sequence outputs: exact match, token error rate and BLEU, with scorers.

A sequence is a list or 1-D array of tokens, or a string (its characters);
a single number is a one-token sequence. With ``multiple_references=True``
each element of ``y_true`` is a list of acceptable references instead of one
(e.g. the several pronunciations of a word).
"""

import math
import numbers
from collections import Counter

import numpy as np
from sklearn.metrics import make_scorer

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "sequence_accuracy_score",
    "sequence_accuracy_scorer",
    "token_error_rate",
    "token_error_rate_scorer",
]


def _tokens(s):
    """One sequence as a tuple of tokens."""
    if isinstance(s, str):
        return tuple(s)
    if hasattr(s, "iloc"):
        s = s.to_numpy()
    if isinstance(s, (list, tuple, np.ndarray)):
        return tuple(s.tolist() if isinstance(s, np.ndarray) else s)
    return (s,)


def _sequences(y, name):
    if isinstance(y, str):
        raise ValueError(f"{name} is a single string; give one sequence per sample.")
    if hasattr(y, "iloc"):
        y = y.to_numpy()
    if isinstance(y, np.ndarray) and y.ndim == 2 and y.dtype != object:
        y = list(y)
    try:
        return list(y)
    except TypeError as exc:
        raise ValueError(f"{name} must be a list of sequences, got {type(y).__name__}.") from exc


def _check(y_true, y_pred, multiple_references, sample_weight=None):
    """References (a list of tuples per sample), predictions and weights."""
    true = _sequences(y_true, "y_true")
    pred = [_tokens(p) for p in _sequences(y_pred, "y_pred")]
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} samples but y_pred has {len(pred)}; they must match."
        )
    if not true:
        raise ValueError("y_true and y_pred are empty; at least one sample is needed.")
    if multiple_references:
        refs = []
        for i, r in enumerate(true):
            if isinstance(r, str) or not len(r):
                raise ValueError(
                    f"y_true[{i}] must be a non-empty list of reference sequences when "
                    "multiple_references=True."
                )
            refs.append([_tokens(s) for s in r])
    else:
        refs = [[_tokens(r)] for r in true]
    if sample_weight is None:
        weight = np.ones(len(pred))
    else:
        weight = np.asarray(sample_weight, dtype=np.float64)
        if weight.shape != (len(pred),):
            raise ValueError(f"sample_weight has shape {weight.shape}; expected ({len(pred)},).")
    return refs, pred, weight


def _edit_distance(a, b):
    """Levenshtein distance between token tuples (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        cur = [i]
        for j, z in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != z)))
        prev = cur
    return prev[-1]


def sequence_accuracy_score(y_true, y_pred, *, multiple_references=False, sample_weight=None):
    """Share of samples whose predicted sequence equals its reference exactly.

    The word accuracy of spelling-to-sound conversion (1 - WER), the
    sentence accuracy of a translation.

    Parameters
    ----------
    y_true : list of sequences
        Reference sequences (lists or arrays of tokens, or strings); with
        ``multiple_references``, a list of references per sample.
    y_pred : list of sequences
        Predicted sequences, e.g. from :meth:`Seq2SeqClassifier.predict`.
    multiple_references : bool, default=False
        Whether each element of ``y_true`` is a list of references; a
        prediction is right when it equals any of them.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    score : float
        Weighted share of exact matches, in [0, 1].

    See Also
    --------
    token_error_rate : Edit distance per reference token.

    Examples
    --------
    >>> from sklearn_rnn.metrics import sequence_accuracy_score
    >>> sequence_accuracy_score([["K", "AE", "T"], ["D", "AO", "G"]],
    ...                         [["K", "AE", "T"], ["D", "AA", "G"]])
    0.5
    >>> sequence_accuracy_score(["cat", "dog"], [list("cat"), list("dog")])
    1.0
    """
    refs, pred, weight = _check(y_true, y_pred, multiple_references, sample_weight)
    right = np.array([p in r for r, p in zip(refs, pred, strict=True)], dtype=np.float64)
    return float(np.average(right, weights=weight))


def token_error_rate(y_true, y_pred, *, multiple_references=False, sample_weight=None):
    """Edit distance over reference length: phoneme, word or character error rate.

    The Levenshtein distance (insertions, deletions and substitutions of
    tokens) between each prediction and its reference, summed over the
    samples and divided by the summed lengths of the references (PER, WER or
    CER depending on what the tokens are). With several references, each
    sample counts its closest reference (the shortest of equally close ones)
    in both sums.

    Parameters
    ----------
    y_true : list of sequences
        Reference sequences; with ``multiple_references``, a list of
        references per sample.
    y_pred : list of sequences
        Predicted sequences.
    multiple_references : bool, default=False
        Whether each element of ``y_true`` is a list of references.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample's distance and reference length.

    Returns
    -------
    rate : float
        Errors per reference token (0 is perfect; may exceed 1).

    See Also
    --------
    sequence_accuracy_score : Share of exact matches.

    Examples
    --------
    >>> from sklearn_rnn.metrics import token_error_rate
    >>> token_error_rate([["K", "AE", "T"], ["D", "AO", "G"]],
    ...                  [["K", "AE", "T"], ["D", "AA", "G", "Z"]])
    0.3333333333333333
    """
    refs, pred, weight = _check(y_true, y_pred, multiple_references, sample_weight)
    errors = length = 0.0
    for r, p, w in zip(refs, pred, weight, strict=True):
        dist, n = min((_edit_distance(s, p), len(s)) for s in r)
        errors += w * dist
        length += w * n
    if length <= 0:
        raise ValueError("The references hold no tokens; the error rate is undefined.")
    return float(errors / length)


def _ngrams(tokens, n):
    return Counter(tokens[i : i + n] for i in range(len(tokens) - n + 1))


def bleu_score(y_true, y_pred, *, max_n=4, multiple_references=False):
    """Compute corpus BLEU (Papineni et al. 2002): n-gram precision with a brevity penalty.

    For each ``n`` from 1 to ``max_n``, the n-grams of every prediction are
    counted, each clipped to its largest count in one of the sample's
    references, and the clipped counts of the whole corpus are divided by
    the predictions' n-gram counts. BLEU is the geometric mean of these
    precisions times the brevity penalty ``min(1, exp(1 - r / c))``, where
    ``c`` is the predictions' total length and ``r`` the sum, over samples,
    of the reference length closest to the prediction's (the shorter on a
    tie). No smoothing: a precision of zero gives a BLEU of zero.

    Parameters
    ----------
    y_true : list of sequences
        Reference sequences; with ``multiple_references``, a list of
        references per sample.
    y_pred : list of sequences
        Predicted sequences.
    max_n : int, default=4
        Longest n-gram, with uniform weights ``1 / max_n``.
    multiple_references : bool, default=False
        Whether each element of ``y_true`` is a list of references.

    Returns
    -------
    bleu : float
        In [0, 1].

    See Also
    --------
    token_error_rate : Edit distance per reference token.

    Examples
    --------
    >>> from sklearn_rnn.metrics import bleu_score
    >>> ref = "the cat sat on the mat".split()
    >>> bleu_score([ref], [ref])
    1.0
    >>> round(bleu_score([ref], ["the cat sat on the hat".split()], max_n=2), 4)
    0.8165
    """
    if isinstance(max_n, (bool, np.bool_)) or not isinstance(max_n, numbers.Integral) or max_n < 1:
        raise ValueError(f"max_n={max_n!r} must be a positive integer.")
    refs, pred, _ = _check(y_true, y_pred, multiple_references)
    matched, total = np.zeros(max_n), np.zeros(max_n)
    c = r = 0
    for rs, p in zip(refs, pred, strict=True):
        c += len(p)
        r += min((abs(len(s) - len(p)), len(s)) for s in rs)[1]
        for n in range(1, max_n + 1):
            counts = _ngrams(p, n)
            most = Counter()
            for s in rs:
                most |= _ngrams(s, n)
            matched[n - 1] += sum(min(k, most[g]) for g, k in counts.items())
            total[n - 1] += max(len(p) - n + 1, 0)
    if c == 0 or (matched == 0).any():
        return 0.0
    log_precision = np.mean(np.log(matched / total))
    brevity = 1.0 if c > r else math.exp(1 - r / c)
    return float(brevity * math.exp(log_precision))


#: ``make_scorer(sequence_accuracy_score)``.
sequence_accuracy_scorer = make_scorer(sequence_accuracy_score)
#: ``make_scorer(token_error_rate, greater_is_better=False)``: the negated rate.
token_error_rate_scorer = make_scorer(token_error_rate, greater_is_better=False)
#: ``make_scorer(bleu_score)``.
bleu_scorer = make_scorer(bleu_score)
