"""BiRNNTagger: one label per time step (part-of-speech tags, chunks, entities)."""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn._base import BaseRecurrentEstimator
from sklearn_rnn._compat import Hidden, Interval, StrOptions, _fit_context
from sklearn_rnn._frontend import CONV_PARAMETER_CONSTRAINTS, SAME
from sklearn_rnn._input import holds_strings, is_sequence, is_table, word_key
from sklearn_rnn._sequences import as_ragged
from sklearn_rnn._tagging_metrics import flat_accuracy_score
from sklearn_rnn._vocabulary import UNKNOWN_ID, build_char_vocabulary, build_vocabulary
from sklearn_rnn.modules import SequenceTaggerModule, StepCrossEntropy

# Word embedding size for string tokens when embedding_dim is None.
_DEFAULT_EMBEDDING_DIM = 100


def _token_accuracy_stats(y_pred, y_true, lengths=None):
    correct = y_pred.argmax(2) == y_true
    if lengths is None:
        return torch.stack([correct.sum().float(), torch.tensor(float(correct.numel()))])
    steps = torch.arange(y_true.shape[1], device=y_true.device)
    mask = steps < lengths.to(y_true.device).unsqueeze(1)
    return torch.stack([(correct & mask).sum().float(), mask.sum().float()])


def _token_accuracy(stats):
    return stats[0] / stats[1]


def _is_flat_labels(y):
    """Whether ``y`` is one scalar label per sample (not label sequences)."""
    if isinstance(y, (list, tuple)):
        return len(y) > 0 and not any(is_sequence(v) for v in y)
    return getattr(y, "ndim", None) == 1 and not (
        getattr(getattr(y, "dtype", None), "kind", "") == "O" and any(is_sequence(v) for v in y)
    )


def _is_column(y):
    """Whether ``y`` is a column vector ``(n_samples, 1)``; False for ragged label lists."""
    try:
        shape = np.shape(y)
    except ValueError:  # label sequences of different lengths
        return False
    return len(shape) == 2 and shape[1] == 1


class BiRNNTagger(BaseRecurrentEstimator):
    """Bidirectional recurrent tagger: one label per time step.

    Tags tokens (part of speech, chunks, named entities) or the steps of
    numeric sequences. The tag of a step may depend on the steps after it,
    so the recurrent encoder reads each sequence in both directions by
    default; a linear layer on every step gives the tag scores.

    ``X`` is a list of token lists (strings), a list of numeric
    ``(T_i, n_features)`` or ``(T_i,)`` arrays (any format of the other
    estimators, token ids included when ``embedding_dim`` is set), and ``y``
    one label list per sequence, of the same length. With string tokens the
    tagger builds its vocabulary at fit, with one entry for unknown words,
    and a character-level representation of every word (a character CNN),
    so that words never seen in training still get sensible tags from their
    spelling and context.

    A 2-D array ``X`` with a 1-D ``y`` (one label per row) is read as rows of
    one step each, with the columns as features: the tagger then classifies
    rows, as the other scikit-learn classifiers do.

    Padding never changes a result: the backward direction reads every
    sequence reversed within its own length, and the loss and the scores
    count real steps only.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Cell of every recurrent layer: "lstm" or "gru" (gated cells, which
        carry information over many steps) or "rnn", the vanilla cell
        ``h_t = tanh(b + W h_{t-1} + U x_t)``.
    hidden_size : int, default=128
        Hidden units of every recurrent layer, per direction.
    num_layers : int, default=2
        Number of stacked recurrent layers (in the encoder, and in the decoder
        when the model has one).
    bidirectional : bool, default=True
        Read each input sequence in both directions; the backward direction
        reads each sequence reversed within its own length.
    dropout : float, default=0.33
        Dropout on the word representations, between stacked layers and before
        the output layer.
    residual : bool, default=False
        Add the input of every recurrent layer from the second on to its
        output (a skip connection), which helps a deep stack (``num_layers``
        of 3 or more) train. The first layer has none (its input has another
        size); the input of a later layer is the previous layer's output, both
        directions concatenated when ``bidirectional``, so sizes always
        match. ``dropout`` acts on what each layer reads, not on the skip.
    layer_norm : bool, default=False
        Normalise the output of every recurrent layer (both directions
        together) with :class:`torch.nn.LayerNorm`, over the features of each
        step alone, before the skip connection of ``residual`` is added.
    embedding_dim : int, default=None
        Size of the word embedding. With numeric ``X``, setting it means the
        values are integer token ids; None means numeric features. String
        tokens always get an embedding, of size 100 when None.
    char_embedding_dim : int or None, default=100
        Size of the character-level representation of each word: the number
        of filters of a character CNN, shared between widths of 2 to 5
        characters (string tokens only); None switches it off.
    lowercase : bool, default=True
        Look words up in the vocabulary in lower case (the characters keep
        their case).
    min_count : int, default=1
        Words seen fewer times at fit go to the unknown entry.
    max_features : int or None, default=None
        Keep only this many most frequent words (the unknown entry not
        counted; ties in word order); None keeps all.
    max_vocabulary_size : int or None, default="deprecated"
        Former name of ``max_features``.

        .. deprecated:: 0.2
            ``max_vocabulary_size`` was renamed ``max_features`` in 0.2 and
            will be removed in 0.3.
    word_dropout : float, default=0.2
        Probability of replacing a word by the unknown entry during training
        (word embeddings only), so that the model learns to tag unknown
        words from their characters and context.
    conv_filters : array-like of int, default=()
        Output channels of each block of a convolutional front-end that reads
        the steps of each sequence (numeric features or embedded tokens)
        before the recurrent layers; ``()`` for none. Each block zeroes the
        padded steps, then applies a 1-D convolution, a normalisation that
        ignores padding and a ReLU, so padding never changes a result. Not
        for feature vectors (a ValueError).
    conv_kernel_size : int or array-like of int, default=(7, 5, 3)
        Kernel of each convolution block (an int for all blocks).
    conv_stride : int, default=1
        Factor, a power of two, by which the front-end shortens the sequences
        (the first block strides, later blocks max-pool by 2; each length
        becomes ``ceil(length / conv_stride)``). Only a network with one
        output per sequence reads shortened sequences (the encoder of an
        encoder-decoder or of an autoencoder); with one output per input
        step it must be 1 (a ValueError otherwise).
    max_iter : int or "auto", default=14
        Number of epochs: an int trains exactly that many (fewer with early
        stopping). "auto" trains until the training loss has not improved by
        ``tol`` for ``n_iter_no_change`` epochs and at least 450 optimiser
        steps, scikit-learn's MLP convergence rule (with early stopping: until
        the validation monitor has not improved for ``n_iter_no_change``
        epochs), for at most 200 epochs or the epochs that ``min_steps`` needs.
    min_steps : int, default=None
        Fewest optimiser steps (mini-batches) of training, so that a small data
        set still gets enough updates: neither the convergence rule nor early
        stopping ends training before them, and ``max_iter="auto"`` allows the
        epochs they need; an int ``max_iter`` is never exceeded. None for no
        floor.
    batch_size : int, default=32
        Samples (sequences or vectors) per mini-batch, in training and in
        prediction.
    learning_rate : {"constant", "adaptive"}, default="constant"
        Step-size schedule. "constant" keeps ``learning_rate_init``;
        "adaptive" halves the step size each time the training loss (the
        validation monitor, with early stopping) has not improved by ``tol``
        for a third of ``n_iter_no_change`` epochs and at least 150 optimiser
        steps, down to ``learning_rate_init / 200``.
    learning_rate_init : float, default=2e-3
        Step size of the Adam optimiser.
    alpha : float, default=0.0
        L2 penalty (Adam's weight decay).
    early_stopping : bool or "auto", default=False
        Hold out ``validation_fraction`` of the sequences and stop when the
        validation token accuracy has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; the weights of the most accurate epoch
        are kept. "auto" turns it on when there are more than 10,000 training
        samples.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    n_iter_no_change : int, default=3
        Patience of early stopping and of the convergence rule of
        ``max_iter="auto"``: epochs without improvement before training stops.
    tol : float, default=1e-4
        Smallest increase of the validation token accuracy (decrease of the
        training loss, without early stopping) that counts as an improvement.
    scaling : {"standard", "instance"} or None, default=None
        Scaling of numeric input, applied to each batch on the fly (``X`` is
        not copied) and the same way at prediction. "standard": per feature,
        by the mean and standard deviation over all real steps of the training
        data. "instance": each sequence per feature, over its own real steps;
        a sequence whose standard deviation is at most 1e-5 of its largest
        absolute value is only centred. None: no scaling. Token input (ids or
        strings) is never scaled.
    clip_grad_norm : float, default=5.0
        Clip the norm of the gradient to this value at every step, against
        exploding gradients; None for no clipping.
    device : str, default="auto"
        Torch device; "auto" uses CUDA when available. "accelerate" trains
        through Hugging Face accelerate (optional dependency): one process per
        GPU when started with ``accelerate launch``, and mixed precision.
    n_threads : int, default=None
        Torch threads used while fitting and predicting (restored afterwards).
        None uses one thread for small models, where more threads only add
        overhead, and torch's current setting otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds every random draw of ``fit``: initial weights, dropout,
        shuffling, the validation split, and noise or teacher forcing where the
        estimator uses them. Fitting never changes the caller's global torch
        random state.
    verbose : int, default=0
        Print a per-epoch log and a progress bar when > 0.
    warm_start : bool, default=False
        Continue training the fitted network on the next call to ``fit``; what
        the first fit derived from the data (such as a scaling or a vocabulary)
        is kept. Each call reads ``learning_rate_init``, ``alpha``,
        ``max_iter``, ``min_steps`` and ``batch_size`` anew (the first two
        as scikit-learn's MLP); the optimiser's moment estimates are kept. A
        change since the last fit of a parameter that sets up the network or
        its training (``hidden_size``, ``dropout``, ``early_stopping``,
        ``scaling``, ``tol``, ...) raises a ValueError.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Tags, sorted.
    net_ : skorch.NeuralNet
        The trained skorch net; its ``module_`` is the torch module (see
        :mod:`sklearn_rnn.modules`).
    n_features_in_ : int
        Columns of a 2-D table ``X``; otherwise features per time step (1 for
        token sequences).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` given to ``fit``.
    vocabulary_ : dict
        Word (lower-cased when ``lowercase``) to its row of the word
        embedding. Only with string tokens.
    vocabulary_size_ : int
        Rows of the word embedding (padding and unknown rows included). Only
        with tokens.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Mean training loss (per real step) of each epoch.
    validation_scores_ : list of float
        Validation token accuracy of each epoch (only with ``early_stopping``).
    best_loss_ : float
        Lowest training loss, or lowest validation loss with ``early_stopping``.

    See Also
    --------
    sklearn_rnn.metrics.entity_f1_score : Entity-level F1 of IOB/IOBES tags.
    LSTMClassifier : One label per sequence.

    Examples
    --------
    >>> from sklearn_rnn import BiRNNTagger
    >>> X = [["the", "dog", "runs"], ["a", "cat", "sleeps"], ["the", "cat", "runs"]] * 10
    >>> y = [["DET", "NOUN", "VERB"]] * 30
    >>> tagger = BiRNNTagger(hidden_size=16, num_layers=1, max_iter=15, random_state=0)
    >>> pred = tagger.fit(X, y).predict([["a", "dog", "sleeps"], ["the", "cat"]])
    >>> pred.shape, pred[0]
    ((2,), array(['DET', 'NOUN', 'VERB'], dtype='<U4'))
    >>> tagger.score(X, y)
    1.0
    """

    # token accuracy, not the loss: the loss bottoms out epochs before accuracy does
    _early_stopping_monitor = ("valid_score", False)

    _parameter_constraints = {
        **BaseRecurrentEstimator._parameter_constraints,
        "char_embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "lowercase": ["boolean"],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "max_vocabulary_size": [
            Interval(Integral, 1, None, closed="left"),
            None,
            Hidden(StrOptions({"deprecated"})),
        ],
        "word_dropout": [Interval(Real, 0, 1, closed="left")],
        **CONV_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        cell="lstm",
        hidden_size=128,
        num_layers=2,
        bidirectional=True,
        dropout=0.33,
        residual=False,
        layer_norm=False,
        embedding_dim=None,
        char_embedding_dim=100,
        lowercase=True,
        min_count=1,
        max_features=None,
        max_vocabulary_size="deprecated",
        word_dropout=0.2,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        max_iter=14,
        min_steps=None,
        batch_size=32,
        learning_rate="constant",
        learning_rate_init=2e-3,
        alpha=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=3,
        tol=1e-4,
        scaling=None,
        clip_grad_norm=5.0,
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.residual = residual
        self.layer_norm = layer_norm
        self.embedding_dim = embedding_dim
        self.char_embedding_dim = char_embedding_dim
        self.lowercase = lowercase
        self.min_count = min_count
        self.max_features = max_features
        self.max_vocabulary_size = max_vocabulary_size
        self.word_dropout = word_dropout
        self.conv_filters = conv_filters
        self.conv_kernel_size = conv_kernel_size
        self.conv_stride = conv_stride
        self.max_iter = max_iter
        self.min_steps = min_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scaling = scaling
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the tagger.

        Parameters
        ----------
        X : list of sequences or array-like
            A list of token lists (strings); numeric sequences in any format
            of the other estimators (a list of ``(T_i, n_features)`` or
            ``(T_i,)`` arrays, a 3-D array, a 2-D array of univariate
            sequences); token ids when ``embedding_dim`` is set.
        y : list of sequences or array-like
            One label sequence per sequence of ``X``, of the same length; a
            2-D array when all sequences have the same length. With a 2-D
            array ``X``, a 1-D ``y`` gives one label per row.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every step of each sequence in the loss.

        Returns
        -------
        self : BiRNNTagger
            The fitted tagger.
        """
        if y is None:
            raise ValueError("BiRNNTagger requires y to be passed, but the target y is None.")
        if not isinstance(y, (list, tuple, np.ndarray)) and hasattr(y, "__array__"):
            y = np.asarray(y)
        rows = is_table(X) and not holds_strings(X) and _is_flat_labels(y)
        if not rows and is_table(X) and _is_column(y) and np.shape(X)[1] != 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. Please "
                "change the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=2,
            )
            y = np.ravel(y)
            rows = True
        if not isinstance(self.max_vocabulary_size, str):
            if self.max_features is not None:
                raise ValueError(
                    "max_vocabulary_size is the former name of max_features; set only "
                    "max_features."
                )
            warnings.warn(
                "max_vocabulary_size was renamed max_features in 0.2 and will be removed "
                "in 0.3; use max_features.",
                FutureWarning,
                stacklevel=2,
            )
        if rows:  # one label per row: each row is a sequence of one step
            y = [np.asarray([v]) for v in np.asarray(y)]
        return self._fit(X, y, sample_weight, vectors=rows)

    # ------------------------------------------------------------ input layer
    _accepts_strings = True

    @property
    def _uses_chars(self):
        return self.char_embedding_dim is not None

    @property
    def _rows(self):
        """Whether the tagger was fitted with one label per row of a 2-D table."""
        return self._input_kind == "vectors"

    def _conv_layout(self, info):
        if info["_input_kind"] == "vectors":
            return None, "X is read as rows of one step each (a 2-D X with one label per row)"
        return SAME, "BiRNNTagger gives one tag per step"

    def _max_features(self):
        """``max_features``, or the deprecated ``max_vocabulary_size`` when that is set."""
        if isinstance(self.max_vocabulary_size, str):  # "deprecated": not set
            return self.max_features
        return self.max_vocabulary_size

    def _build_vocabularies(self, sentences):
        """The word and character vocabularies of token strings at fit."""
        vocab = build_vocabulary(
            ([word_key(w, self.lowercase) for w in s] for s in sentences),
            min_count=self.min_count,
            max_features=self._max_features(),
        )
        return {
            "vocabulary_": vocab,
            "vocabulary_size_": len(vocab) + 2,
            "_char_vocabulary": build_char_vocabulary(w for s in sentences for w in s),
        }

    def _recurrent_input_size(self, info):
        """Word embedding plus character features for strings; else as the base."""
        if info["_input_kind"] == "strings":
            return (self.embedding_dim or _DEFAULT_EMBEDDING_DIM) + (self.char_embedding_dim or 0)
        return super()._recurrent_input_size(info)

    # ----------------------------------------------------------------- hooks
    def _encode_targets(self, y, data):
        n, lengths = len(data), data.lengths
        if not is_sequence(y) and not hasattr(y, "iloc"):
            raise ValueError(
                f"y must hold one label sequence per sequence of X, got {type(y).__name__}."
            )
        y_list = list(y)
        if any(not is_sequence(v) for v in y_list):
            raise ValueError(
                "y must hold one label sequence per sequence of X (a list of label "
                "lists); got single labels. For one label per sequence use "
                "LSTMClassifier."
            )
        labels = [label for v in y_list for label in v]
        if any(label is None for label in labels):
            raise ValueError("y contains None labels; every step needs a label.")
        strings = sum(isinstance(label, str) for label in labels)
        if 0 < strings < len(labels):  # np.asarray would turn the numbers into strings
            raise ValueError(
                "y mixes labels of different types (e.g. strings and numbers); use one type."
            )
        seqs = [np.asarray(list(v)) for v in y_list]
        if len(seqs) != n:
            raise ValueError(
                f"X has {n} sequences but y has {len(seqs)} label sequences; they must match."
            )
        for i, (s, t) in enumerate(zip(seqs, lengths, strict=True)):
            if s.ndim != 1 or len(s) != t:
                raise ValueError(
                    f"y[{i}] has {len(s) if s.ndim == 1 else s.shape} labels but X[{i}] has "
                    f"{t} steps; give exactly one label per step."
                )
        flat = np.concatenate(seqs)
        check_classification_targets(flat)
        try:
            classes, enc = np.unique(flat, return_inverse=True)
        except TypeError as exc:
            raise ValueError(
                "y mixes labels of different types (e.g. strings and numbers); use one type."
            ) from exc
        if len(classes) < 2:
            raise ValueError(
                "BiRNNTagger needs samples of at least 2 classes in the data, but the "
                f"data contains only one class: {classes[0]!r}."
            )
        y_t = torch.zeros((n, int(lengths.max())), dtype=torch.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        for i in range(n):
            y_t[i, : lengths[i]] = torch.from_numpy(enc[offsets[i] : offsets[i + 1]])
        return y_t, lengths, None, {"classes_": classes}

    def _make_module(self, info, target_info):
        params = self._encoder_params(info)
        params.update(
            n_classes=len(target_info["classes_"]),
            dropout=self.dropout,
            word_dropout=self.word_dropout,
        )
        if info["_input_kind"] == "strings":
            params.update(
                num_embeddings=info["vocabulary_size_"],
                embedding_dim=self.embedding_dim or _DEFAULT_EMBEDDING_DIM,
                unknown_index=UNKNOWN_ID,
            )
            if self._uses_chars:
                params.update(
                    num_chars=len(info["_char_vocabulary"]) + 2,
                    char_embedding_dim=self.char_embedding_dim,
                )
        elif "num_embeddings" in params:
            params["unknown_index"] = info["vocabulary_size_"] - 1
        return SequenceTaggerModule(**params)

    def _make_criterion(self):
        return StepCrossEntropy()

    def _valid_score_fns(self):
        return _token_accuracy_stats, _token_accuracy

    # ------------------------------------------------------------- inference
    def _step_scores(self, X):
        check_is_fitted(self, "net_")
        data = self._check_X(X, reset=False)[0]
        return self._forward(data), data.lengths

    def predict_proba(self, X):
        """Tag probabilities at every step.

        Parameters
        ----------
        X : list of sequences or array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples,), dtype object
            One float64 array of shape ``(T_i, n_classes)`` per sequence, its
            real steps only, columns in the order of ``classes_``. For a
            tagger fitted with one label per row of a 2-D table, an ndarray
            of shape (n_samples, n_classes).
        """
        scores, lengths = self._step_scores(X)
        proba = torch.softmax(scores.double(), dim=2).numpy()  # rows sum to one in float64
        if self._rows:
            return proba[:, 0]
        return as_ragged(p[:t] for p, t in zip(proba, lengths, strict=True))

    def predict(self, X):
        """Predict one tag per step.

        Parameters
        ----------
        X : list of sequences or array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,), dtype object
            One array of shape ``(T_i,)`` per sequence: the tags (original
            label values) of its real steps.
            For a tagger fitted with one label per row of a 2-D table, an
            ndarray of shape (n_samples,).
        """
        scores, lengths = self._step_scores(X)
        tags = self.classes_[scores.argmax(dim=2).numpy()]
        if self._rows:
            return tags[:, 0]
        return as_ragged(p[:t] for p, t in zip(tags, lengths, strict=True))

    def score(self, X, y, sample_weight=None):
        """Token accuracy: the share of real steps tagged correctly.

        Parameters
        ----------
        X : list of sequences or array-like
            Sequences, in any format accepted by :meth:`fit`.
        y : list of sequences or array-like
            True tags, one label sequence per sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every step of each sequence.

        Returns
        -------
        score : float
            See :func:`sklearn_rnn.metrics.flat_accuracy_score`.
        """
        y_pred = self.predict(X)
        if self._rows:
            y_pred = [[v] for v in y_pred]
            y = [[v] for v in np.ravel(np.asarray(y))]
        return flat_accuracy_score(y, y_pred, sample_weight=sample_weight)
