"""TokenSequenceVectorizer: raw text to ragged token-id sequences."""

import re
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn._compat import Interval, StrOptions, _fit_context, _wrap_data_with_container
from sklearn_rnn._sequences import PADDING_ID, as_ragged
from sklearn_rnn._vocabulary import PAD_ID, UNKNOWN_ID, build_vocabulary


def _documents(X, name="X"):
    """Validate raw text input; return a list of str."""
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"{name} is a single string; an iterable of raw text documents (one string "
            "per sample) is expected. Wrap it in a list: [text]."
        )
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} is a DataFrame with {X.shape[1]} columns; give one text column "
                "(e.g. df['text'])."
            )
        X = X.iloc[:, 0]
    if hasattr(X, "iloc"):  # Series
        X = X.to_numpy()
    if isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != 1:
            raise ValueError(
                f"{name} has shape {X.shape}; expected a 1-D array of strings (one per sample)."
            )
    try:
        docs = list(X)
    except TypeError as exc:
        raise TypeError(
            f"{name} must be an iterable of strings (list, numpy array or pandas Series), "
            f"got {type(X).__name__}."
        ) from exc
    for i, doc in enumerate(docs):
        if isinstance(doc, bytes):
            docs[i] = doc.decode("utf-8")
        elif not isinstance(doc, str):
            raise TypeError(
                f"{name}[{i}] is {type(doc).__name__} ({doc!r}), but a string is expected. "
                "Fill missing text with '' (e.g. series.fillna(''))."
            )
    return docs


class TokenSequenceVectorizer(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Turn raw text into sequences of token ids for the recurrent estimators.

    Each string is lowercased (optionally), split into tokens (a regular
    expression, or a callable) and mapped to integer ids through a vocabulary
    learned at fit. The output is ragged: one 1-D int64 array per string, in
    the order of the tokens, which estimators with ``embedding_dim`` accept
    directly, so text goes straight into a :class:`~sklearn.pipeline.Pipeline`.

    With ``output="padded"`` it is a 2-D int64 matrix instead, one row per
    string, whose shorter rows end with ``-1`` (no token id takes it): the
    estimators with ``embedding_dim`` read ``-1`` as the end of the sequence,
    so a text column fits :class:`~sklearn.compose.ColumnTransformer`,
    :class:`~sklearn.pipeline.FeatureUnion` and ``set_output``.

    Two ids are reserved: ``0`` is never produced, and ``1`` stands for
    unknown tokens (not in the vocabulary: unseen at fit, or cut by
    ``max_features`` / ``min_df``). The estimators read ``0`` as a token
    like any other id, not as padding: pad with ``-1``, as
    ``output="padded"`` does.
    Vocabulary tokens get ids from 2 on, the most frequent first.

    A string with no token (empty, or only characters ``token_pattern``
    skips) becomes the one-step sequence ``[1]`` (the unknown token): the
    estimators reject zero-length sequences, and "nothing known" is what
    such a sample carries.

    Parameters
    ----------
    lowercase : bool, default=True
        Lowercase the text before tokenising.
    token_pattern : str, default=r"(?u)\\w+|[^\\w\\s]"
        Regular expression whose matches are the tokens: by default runs of
        word characters, and every punctuation mark on its own. Unlike
        :class:`~sklearn.feature_extraction.text.CountVectorizer`, single
        characters are kept: in a sequence, "a", "i" or "!" carry meaning.
        Ignored when ``tokenizer`` is given.
    tokenizer : callable, default=None
        ``tokenizer(text) -> list of str`` replacing ``token_pattern`` (the
        text is lowercased first when ``lowercase``).
    max_features : int, default=None
        Keep only the ``max_features`` most frequent tokens (by count over the
        training text; ties by token order). None keeps all.
    min_df : int or float, default=2
        Drop tokens found in fewer documents than this (a float in (0, 1]:
        that share of the documents), as in ``CountVectorizer``. The default
        maps a token of a single training document to the unknown id: a
        network cannot learn a vector for a word from one sentence, and the
        unknown id then learns from these rare words what unseen words look
        like at prediction. 1 keeps every token.
    max_length : int, default=None
        Cut longer sequences to this many tokens. None keeps every token.
    truncating : {"post", "pre"}, default="post"
        Which end ``max_length`` cuts: ``"post"`` keeps the first tokens,
        ``"pre"`` the last ones.
    pad_token : str, default="<pad>"
        Token of id 0 in ``vocabulary_`` and :meth:`inverse_transform`.
    unknown_token : str, default="<unk>"
        Token of id 1 in ``vocabulary_`` and :meth:`inverse_transform`.
    output : {"ragged", "padded"}, default="ragged"
        Form of :meth:`transform`'s result: a 1-D object array of per-string
        id arrays (``"ragged"``), or a 2-D int64 matrix of ``max_length_``
        columns whose shorter rows end with ``-1`` (``"padded"``; longer
        sequences are cut as ``truncating`` says).

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token to id, including ``pad_token`` (0) and ``unknown_token`` (1);
        ``len(vocabulary_)`` is the number of ids (rows of an embedding).
    max_length_ : int
        Columns of the padded output: ``max_length``, or when None the
        number of tokens of the longest training string.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Text to bag-of-words counts.
    sklearn_rnn.LSTMClassifier : Classifier that reads token ids with ``embedding_dim``.

    Examples
    --------
    >>> from sklearn_rnn.preprocessing import TokenSequenceVectorizer
    >>> docs = ["A good film.", "A bad, bad film!", "A good plot."]
    >>> vec = TokenSequenceVectorizer().fit(docs)
    >>> [ids.tolist() for ids in vec.transform(["a bad film", ""])]
    [[2, 1, 4], [1]]
    >>> vec.inverse_transform([[2, 1, 4]])
    [['a', '<unk>', 'film']]

    "bad" occurs in one training string only, so ``min_df=2`` leaves it out;
    ``min_df=1`` keeps it:

    >>> TokenSequenceVectorizer(min_df=1).fit(docs).transform(["a bad film"])[0].tolist()
    [2, 4, 5]

    Padded with ``-1``, one column per position:

    >>> vec.set_params(output="padded").fit(docs)
    TokenSequenceVectorizer(output='padded')
    >>> vec.transform(["a bad film", ""])
    array([[ 2,  1,  4, -1, -1, -1],
           [ 1, -1, -1, -1, -1, -1]])

    In a pipeline on raw strings:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import LSTMClassifier
    >>> texts = ["good", "great film", "bad", "awful film"] * 10
    >>> labels = [1, 1, 0, 0] * 10
    >>> pipe = make_pipeline(
    ...     TokenSequenceVectorizer(),
    ...     LSTMClassifier(
    ...         embedding_dim=8, hidden_size=8, learning_rate_init=0.01, max_iter=20,
    ...         random_state=0,
    ...     ),
    ... ).fit(texts, labels)
    >>> pipe.predict(["good film", "awful"]).tolist()
    [1, 0]
    """

    _parameter_constraints = {
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "tokenizer": [callable, None],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "min_df": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "truncating": [StrOptions({"post", "pre"})],
        "pad_token": [str],
        "unknown_token": [str],
        "output": [StrOptions({"ragged", "padded"})],
    }

    def __init__(
        self,
        *,
        lowercase=True,
        token_pattern=r"(?u)\w+|[^\w\s]",
        tokenizer=None,
        max_features=None,
        min_df=2,
        max_length=None,
        truncating="post",
        pad_token="<pad>",
        unknown_token="<unk>",
        output="ragged",
    ):
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.tokenizer = tokenizer
        self.max_features = max_features
        self.min_df = min_df
        self.max_length = max_length
        self.truncating = truncating
        self.pad_token = pad_token
        self.unknown_token = unknown_token
        self.output = output

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    def _tokenize_fn(self):
        if self.tokenizer is not None:
            split = self.tokenizer
        else:
            try:
                split = re.compile(self.token_pattern).findall
            except re.error as exc:
                raise ValueError(
                    f"token_pattern={self.token_pattern!r} is not a valid regular "
                    f"expression: {exc}."
                ) from exc
        if self.lowercase:
            return lambda doc: split(doc.lower())
        return split

    def _tokenize(self, docs):
        split = self._tokenize_fn()
        out = []
        for i, doc in enumerate(docs):
            tokens = split(doc)
            if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
                raise TypeError(
                    f"tokenizer returned {type(tokens).__name__} for document {i}; it "
                    "must return a list of strings."
                )
            out.append(tokens)
        return out

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of the training text.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            Raw text, one string per sample.
        y : None
            Ignored.

        Returns
        -------
        self : TokenSequenceVectorizer
            The fitted vectorizer.
        """
        docs = _documents(X)
        if not docs:
            raise ValueError("X holds no documents; at least one string is needed to fit.")
        if self.pad_token == self.unknown_token:
            raise ValueError(
                f"pad_token and unknown_token are both {self.pad_token!r}; they must differ."
            )
        tokenized = self._tokenize(docs)
        kept = build_vocabulary(
            tokenized,
            min_df=self.min_df,
            max_features=self.max_features,
            exclude={self.pad_token, self.unknown_token},
        )
        vocabulary = {self.pad_token: PAD_ID, self.unknown_token: UNKNOWN_ID}
        vocabulary.update(kept)
        self.vocabulary_ = vocabulary
        longest = max(len(tokens) for tokens in tokenized)
        self.max_length_ = self.max_length or max(1, longest)
        return self

    def transform(self, X):
        """Map each string to the ids of its tokens.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            Raw text, one string per sample.

        Returns
        -------
        sequences : ndarray of shape (n_samples,) or (n_samples, max_length_)
            With ``output="ragged"``, a 1-D object array holding the int64
            token ids of each string; with ``output="padded"``, an int64
            matrix whose shorter rows end with ``-1``. Tokens outside the
            vocabulary get id 1, a string with no token gives ``[1]``.
        """
        check_is_fitted(self, "vocabulary_")
        docs = _documents(X)
        vocabulary = self.vocabulary_
        out = []
        for tokens in self._tokenize(docs):
            if self.max_length is not None and len(tokens) > self.max_length:
                if self.truncating == "post":
                    tokens = tokens[: self.max_length]
                else:
                    tokens = tokens[len(tokens) - self.max_length :]
            if self.output == "padded" and len(tokens) > self.max_length_:
                if self.truncating == "post":
                    tokens = tokens[: self.max_length_]
                else:
                    tokens = tokens[len(tokens) - self.max_length_ :]
            ids = np.fromiter(
                (vocabulary.get(t, UNKNOWN_ID) for t in tokens), dtype=np.int64, count=len(tokens)
            )
            out.append(ids if len(ids) else np.array([UNKNOWN_ID], dtype=np.int64))
        if self.output == "ragged":
            return as_ragged(out)  # no table form: set_output leaves it as it is
        padded = np.full((len(out), self.max_length_), PADDING_ID, dtype=np.int64)
        for i, ids in enumerate(out):
            padded[i, : len(ids)] = ids
        return _wrap_data_with_container("transform", padded, X, self)

    def fit_transform(self, X, y=None):
        """Learn the vocabulary, then map each string to the ids of its tokens.

        Parameters
        ----------
        X : list, ndarray or pandas Series of str
            Raw text, one string per sample.
        y : None
            Ignored.

        Returns
        -------
        sequences : ndarray of shape (n_samples,) or (n_samples, max_length_)
            See :meth:`transform`.
        """
        return self.fit(X).transform(X)

    def get_feature_names_out(self, input_features=None):
        """Get the names of the output columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            With ``output="padded"``, ``["token0", "token1", ...]``, one per
            position; with ``output="ragged"``, ``["token_ids"]``, the one
            sequence of each sample.
        """
        check_is_fitted(self, "vocabulary_")
        if self.output == "ragged":
            return np.asarray(["token_ids"], dtype=object)
        return np.asarray([f"token{i}" for i in range(self.max_length_)], dtype=object)

    def inverse_transform(self, X):
        """Map token-id sequences back to tokens.

        Parameters
        ----------
        X : list of array-like of int, ndarray or DataFrame
            Token-id sequences, as given by :meth:`transform` (ragged, or
            padded: ``-1`` is dropped; a DataFrame with ``set_output``).

        Returns
        -------
        tokens : list of list of str
            The tokens of each sequence (``unknown_token`` where the original
            token was not in the vocabulary).
        """
        check_is_fitted(self, "vocabulary_")
        id_to_token = np.empty(len(self.vocabulary_), dtype=object)
        for token, i in self.vocabulary_.items():
            id_to_token[i] = token
        if hasattr(X, "columns"):  # the DataFrame of set_output(transform="pandas")
            X = X.to_numpy()
        out = []
        for k, seq in enumerate(X):
            ids = np.asarray(seq)
            if ids.ndim == 1 and ids.dtype.kind == "i":
                ids = ids[ids != PADDING_ID]
            if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
                raise ValueError(
                    f"X[{k}] must be a 1-D sequence of integer token ids; got "
                    f"{ids.dtype} values of shape {ids.shape}."
                )
            if ids.size and (ids.min() < 0 or ids.max() >= len(id_to_token)):
                raise ValueError(
                    f"X[{k}] holds ids outside 0..{len(id_to_token) - 1}, the ids of "
                    "this vectorizer's vocabulary."
                )
            out.append(id_to_token[ids.astype(np.int64)].tolist())
        return out


# ``transform`` wraps its padded tables itself (above); set_output configures it
TokenSequenceVectorizer._sklearn_auto_wrap_output_keys = {"transform"}
