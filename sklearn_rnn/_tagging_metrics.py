"""Tagging metrics: token accuracy, flat F1 and entity-level scores, with their scorers.

Targets are one label sequence per sample: a list of label lists (ragged)
or a 1-D object array of label arrays (as ``BiRNNTagger.predict`` gives),
a 2-D array ``(n_samples, n_steps)``, or one label per sample (1-D), which
counts as sequences of one step.
"""

import numpy as np
from sklearn.metrics import f1_score, make_scorer

__all__ = [
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
]

_SCHEMES = {"IOB1": {"B", "I"}, "IOB2": {"B", "I"}, "IOBES": {"B", "I", "E", "S"}}
_AVERAGES = ("micro", "macro")


def _is_sequence(s):
    return isinstance(s, (list, tuple, np.ndarray)) or (hasattr(s, "iloc") and s.ndim == 1)


def _label_sequences(y, name):
    """``y`` as a list of 1-D label arrays (flat labels give one-step sequences)."""
    if hasattr(y, "iloc"):
        y = list(y.to_numpy()) if y.ndim == 1 else y.to_numpy()
    if isinstance(y, np.ndarray) and y.dtype != object:
        if y.ndim == 1:
            return [y[i : i + 1] for i in range(len(y))]
        if y.ndim == 2:
            return list(y)
        raise ValueError(f"{name} has {y.ndim} dimensions; expected label sequences.")
    if not _is_sequence(y):
        raise ValueError(f"{name} must be a list of label sequences, got {type(y).__name__}.")
    seqs = []
    for v in y:
        a = np.asarray(list(v) if _is_sequence(v) else [v])
        if a.ndim != 1:
            raise ValueError(f"{name} holds a label sequence of shape {a.shape}; expected 1-D.")
        seqs.append(a)
    return seqs


def _check_pair(y_true, y_pred):
    true = _label_sequences(y_true, "y_true")
    pred = _label_sequences(y_pred, "y_pred")
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} sequences but y_pred has {len(pred)}; they must match."
        )
    for i, (t, p) in enumerate(zip(true, pred, strict=True)):
        if len(t) != len(p):
            raise ValueError(
                f"Sequence {i} has {len(t)} labels in y_true but {len(p)} in y_pred; "
                "they must match."
            )
    return true, pred


def _flat(y_true, y_pred, sample_weight):
    true, pred = _check_pair(y_true, y_pred)
    if not true:
        raise ValueError("y_true is empty; there are no labels to score.")
    lengths = [len(t) for t in true]
    weight = None
    if sample_weight is not None:
        sw = np.asarray(sample_weight, dtype=np.float64)
        if sw.shape != (len(true),):
            raise ValueError(
                f"sample_weight has shape {sw.shape}; expected ({len(true)},), one per sequence."
            )
        weight = np.repeat(sw, lengths)
    return np.concatenate(true), np.concatenate(pred), weight


def flat_accuracy_score(y_true, y_pred, *, sample_weight=None):
    """Token accuracy: the share of steps (tokens) whose label is right.

    Every token of every sequence counts once (weighted by its sequence's
    ``sample_weight``), so long sequences weigh more than short ones.

    Parameters
    ----------
    y_true : list of sequences or array-like
        True labels, one sequence per sample.
    y_pred : list of sequences or array-like
        Predicted labels, with the lengths of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every token of each sequence.

    Returns
    -------
    score : float
        Between 0 and 1.

    See Also
    --------
    flat_f1_score : F1 over all tokens.
    entity_f1_score : F1 over whole entities (chunks).

    Examples
    --------
    >>> from sklearn_rnn.metrics import flat_accuracy_score
    >>> flat_accuracy_score([["DET", "NOUN"], ["VERB"]], [["DET", "VERB"], ["VERB"]])
    0.6666666666666666
    """
    true, pred, weight = _flat(y_true, y_pred, sample_weight)
    correct = (true == pred).astype(np.float64)
    if weight is None:
        return float(correct.mean())
    if weight.sum() <= 0:
        raise ValueError("sample_weight must have a positive sum over the tokens.")
    return float((weight * correct).sum() / weight.sum())


def flat_f1_score(y_true, y_pred, *, average="micro", labels=None, sample_weight=None):
    """F1 over all tokens, as if the sequences were one long list of labels.

    :func:`sklearn.metrics.f1_score` of the concatenated labels.

    Parameters
    ----------
    y_true : list of sequences or array-like
        True labels, one sequence per sample.
    y_pred : list of sequences or array-like
        Predicted labels, with the lengths of ``y_true``.
    average : {"micro", "macro", "weighted"} or None, default="micro"
        Averaging over labels, as in :func:`sklearn.metrics.f1_score`.
    labels : array-like, default=None
        Labels to include (e.g. all tags but "O"); None: every label present.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of every token of each sequence.

    Returns
    -------
    score : float or ndarray
        F1; one per label when ``average`` is None.

    See Also
    --------
    flat_accuracy_score : The share of tokens labelled right.
    entity_f1_score : F1 over whole entities (chunks).

    Examples
    --------
    >>> from sklearn_rnn.metrics import flat_f1_score
    >>> y_true = [["B-PER", "O"], ["O", "O"]]
    >>> y_pred = [["B-PER", "O"], ["B-PER", "O"]]
    >>> round(flat_f1_score(y_true, y_pred, average="macro"), 4)
    0.7333
    """
    true, pred, weight = _flat(y_true, y_pred, sample_weight)
    return f1_score(
        true, pred, average=average, labels=labels, sample_weight=weight, zero_division=0.0
    )


def _split_tag(tag, scheme):
    if not isinstance(tag, str):
        raise ValueError(f"Entity scores need string tags such as 'B-PER' or 'O'; got {tag!r}.")
    if tag == "O":
        return "O", ""
    prefix, _, kind = tag.partition("-")
    if prefix not in _SCHEMES[scheme]:
        allowed = "/".join(sorted(_SCHEMES[scheme]))
        raise ValueError(
            f"Tag {tag!r} is not a {scheme} tag; expected 'O' or {allowed} followed by "
            "'-TYPE'. Set scheme to the tagging scheme of the data."
        )
    return prefix, kind


def _end_of_chunk(prev, tag, prev_kind, kind):
    return (
        prev in ("E", "S")
        or (prev in ("B", "I") and tag in ("B", "S", "O"))
        or (prev != "O" and prev_kind != kind)
    )


def _start_of_chunk(prev, tag, prev_kind, kind):
    return (
        tag in ("B", "S")
        or (prev in ("E", "S", "O") and tag in ("E", "I"))
        or (tag != "O" and prev_kind != kind)
    )


def get_entities(tags, *, scheme="IOB2"):
    """Return the entities (chunks) of one tag sequence.

    Chunks are read as the CoNLL evaluation script ``conlleval`` reads them:
    a chunk starts at ``B``/``S``, or at ``I``/``E`` that does not continue
    a chunk of the same type; it ends before ``B``/``S``/``O`` or a change of
    type, and after ``E``/``S``. For IOB1 and IOB2 this is the same rule
    (in IOB1, ``B`` only separates adjacent chunks of one type).

    Parameters
    ----------
    tags : sequence of str
        Tags such as ``"B-PER"``, ``"I-PER"``, ``"O"`` (``"E-"`` and ``"S-"``
        too for IOBES).
    scheme : {"IOB1", "IOB2", "IOBES"}, default="IOB2"
        Tagging scheme; a tag outside it raises a ValueError.

    Returns
    -------
    entities : list of tuple
        ``(type, start, end)`` of each chunk, ``end`` exclusive.

    See Also
    --------
    entity_f1_score : Scores predicted entities against true ones.

    Examples
    --------
    >>> from sklearn_rnn.metrics import get_entities
    >>> get_entities(["B-PER", "I-PER", "O", "B-LOC"])
    [('PER', 0, 2), ('LOC', 3, 4)]
    """
    if scheme not in _SCHEMES:
        raise ValueError(f"scheme={scheme!r} is not supported; use one of {sorted(_SCHEMES)}.")
    entities = []
    prev, prev_kind, start = "O", "", None
    for i, tag in enumerate([*list(tags), "O"]):
        prefix, kind = _split_tag(tag, scheme)
        if start is not None and _end_of_chunk(prev, prefix, prev_kind, kind):
            entities.append((prev_kind, start, i))
            start = None
        if _start_of_chunk(prev, prefix, prev_kind, kind):
            start = i
        prev, prev_kind = prefix, kind
    return entities


def _entity_counts(y_true, y_pred, scheme):
    """Per-type counts ``{type: [n_true, n_pred, n_correct]}``."""
    true, pred = _check_pair(y_true, y_pred)
    counts = {}
    for t, p in zip(true, pred, strict=True):
        t_ents = set(get_entities(t, scheme=scheme))
        p_ents = set(get_entities(p, scheme=scheme))
        for ents, col in ((t_ents, 0), (p_ents, 1), (t_ents & p_ents, 2)):
            for kind, _, _ in ents:
                counts.setdefault(kind, [0, 0, 0])[col] += 1
    return counts


def _prf(n_true, n_pred, n_correct):
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _entity_score(y_true, y_pred, scheme, average, which):
    if average not in _AVERAGES:
        raise ValueError(f"average={average!r} is not supported; use one of {_AVERAGES}.")
    counts = _entity_counts(y_true, y_pred, scheme)
    if average == "micro":
        totals = np.sum(list(counts.values()), axis=0) if counts else (0, 0, 0)
        return float(_prf(*totals)[which])
    if not counts:
        return 0.0
    return float(np.mean([_prf(*c)[which] for c in counts.values()]))


_ENTITY_PARAMS = """
    Parameters
    ----------
    y_true : list of sequences or array-like
        True tags, one sequence per sample.
    y_pred : list of sequences or array-like
        Predicted tags, with the lengths of ``y_true``.
    scheme : {"IOB1", "IOB2", "IOBES"}, default="IOB2"
        Tagging scheme; see :func:`get_entities` for how chunks are read.
    average : {"micro", "macro"}, default="micro"
        "micro" counts entities of all types together; "macro" averages the
        score of each type present in ``y_true`` or ``y_pred``.
"""


def entity_precision_score(y_true, y_pred, *, scheme="IOB2", average="micro"):
    """Entity-level precision: the share of predicted entities that are right.

    An entity is right when its type, start and end all match a true entity.
    No predicted entity gives 0.0.
    """
    return _entity_score(y_true, y_pred, scheme, average, 0)


def entity_recall_score(y_true, y_pred, *, scheme="IOB2", average="micro"):
    """Entity-level recall: the share of true entities that are found exactly.

    No true entity gives 0.0.
    """
    return _entity_score(y_true, y_pred, scheme, average, 1)


def entity_f1_score(y_true, y_pred, *, scheme="IOB2", average="micro"):
    """Entity-level F1: harmonic mean of entity precision and recall.

    The CoNLL chunking and named-entity score. Precision and recall of 0
    give 0.0.
    """
    return _entity_score(y_true, y_pred, scheme, average, 2)


_RETURNS = """
    Returns
    -------
    score : float
        Between 0 and 1.

    See Also
    --------
    get_entities : The entities of one tag sequence.
    flat_f1_score : F1 per token rather than per entity.

    Examples
    --------
    >>> from sklearn_rnn.metrics import {name}
    >>> y_true = [["B-PER", "I-PER", "O", "B-LOC"]]
    >>> y_pred = [["B-PER", "I-PER", "O", "O"]]
    >>> {name}(y_true, y_pred)
    {value}
"""

for _fn, _value in (
    (entity_precision_score, "1.0"),
    (entity_recall_score, "0.5"),
    (entity_f1_score, "0.6666666666666666"),
):
    _fn.__doc__ += _ENTITY_PARAMS + _RETURNS.format(name=_fn.__name__, value=_value)

#: Token accuracy, for ``scoring=`` in GridSearchCV and cross_val_score.
flat_accuracy_scorer = make_scorer(flat_accuracy_score)
#: Micro-averaged flat F1 over all tokens.
flat_f1_micro_scorer = make_scorer(flat_f1_score, average="micro")
#: Macro-averaged flat F1 (each tag counts the same).
flat_f1_macro_scorer = make_scorer(flat_f1_score, average="macro")
#: Micro-averaged entity F1 of IOB2 tags; for another scheme use
#: ``make_scorer(entity_f1_score, scheme="IOBES")``.
entity_f1_scorer = make_scorer(entity_f1_score)
