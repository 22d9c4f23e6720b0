"""Vocabularies: tokens to integer ids, the most frequent first.

The one vocabulary builder of the package, shared by
:class:`~sklearn_rnn.preprocessing.TokenSequenceVectorizer` (raw text to
token ids) and :class:`~sklearn_rnn.BiRNNTagger` (token strings at fit).
Parameter names follow scikit-learn's ``CountVectorizer`` where the meaning
is the same: ``max_features`` and ``min_df`` (a document count);
``min_count`` is an occurrence count, a different thing.
"""

from collections import Counter
from numbers import Integral

__all__ = ["PAD_ID", "UNKNOWN_ID", "build_char_vocabulary", "build_vocabulary"]

# Reserved ids: 0 pads sequences, 1 stands for tokens outside the vocabulary.
PAD_ID = 0
UNKNOWN_ID = 1


def build_vocabulary(
    documents, *, min_count=1, min_df=1, max_features=None, exclude=(), start=UNKNOWN_ID + 1
):
    """Map the frequent tokens of ``documents`` to ids, the most frequent first.

    Parameters
    ----------
    documents : iterable of iterable of str
        Tokenised documents (sentences): one sequence of tokens each.
    min_count : int, default=1
        Drop tokens that occur fewer times than this in all documents together.
    min_df : int or float, default=1
        Drop tokens found in fewer documents than this; a float in (0, 1] is a
        share of the documents, as in scikit-learn's ``CountVectorizer``.
    max_features : int, default=None
        Keep only this many tokens, the most frequent; None keeps all.
    exclude : collection of str, default=()
        Tokens never to put in the vocabulary (e.g. the padding and unknown
        tokens' own strings).
    start : int, default=2
        Id of the most frequent token; ids below it are reserved
        (:data:`PAD_ID`, :data:`UNKNOWN_ID`).

    Returns
    -------
    vocabulary : dict of str to int
        Token to id, ids ``start, start + 1, ...`` by decreasing occurrence
        count; ties in order of the tokens (so the result does not depend on
        the order of the documents).

    Examples
    --------
    >>> from sklearn_rnn._vocabulary import build_vocabulary
    >>> docs = [["the", "cat", "sat"], ["the", "dog"], ["a", "dog"]]
    >>> build_vocabulary(docs)
    {'dog': 2, 'the': 3, 'a': 4, 'cat': 5, 'sat': 6}
    >>> build_vocabulary(docs, min_count=2)
    {'dog': 2, 'the': 3}
    >>> build_vocabulary(docs, max_features=1)
    {'dog': 2}
    """
    counts, doc_freq = Counter(), Counter()
    n_documents = 0
    for tokens in documents:
        tokens = list(tokens)
        counts.update(tokens)
        doc_freq.update(set(tokens))
        n_documents += 1
    if not isinstance(min_df, Integral):
        min_df = min_df * n_documents
    kept = [
        t
        for t, c in counts.items()
        if c >= min_count and doc_freq[t] >= min_df and t not in exclude
    ]
    kept.sort(key=lambda t: (-counts[t], t))
    if max_features is not None:
        kept = kept[:max_features]
    return {t: i for i, t in enumerate(kept, start=start)}


def build_char_vocabulary(words, *, start=UNKNOWN_ID + 1):
    """Map every character of ``words`` to an id, in character order.

    Parameters
    ----------
    words : iterable of str
        Words (tokens); each distinct word counts once.
    start : int, default=2
        Id of the first character; ids below it are reserved.

    Returns
    -------
    vocabulary : dict of str to int
        Character to id.

    Examples
    --------
    >>> from sklearn_rnn._vocabulary import build_char_vocabulary
    >>> build_char_vocabulary(["cab", "bad"])
    {'a': 2, 'b': 3, 'c': 4, 'd': 5}
    """
    chars = {c for w in set(words) for c in w}
    return {c: i for i, c in enumerate(sorted(chars), start=start)}
