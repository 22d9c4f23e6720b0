"""LSTMClassifier: one label per sequence."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassifierMixin, TransformerMixin
from sklearn.utils import TransformerTags
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from torch import nn

from sklearn_rnn._base import _FLOAT32_MAX, BaseRecurrentEstimator
from sklearn_rnn._compat import Interval, StrOptions, _fit_context
from sklearn_rnn._scaling import WithRawInputs
from sklearn_rnn._sequences import as_ragged
from sklearn_rnn.modules import (
    N_KERNELS,
    RandomKernelRidge,
    SequenceClassifierModule,
    downsampling_factor,
)

# Settings that "auto" parameters take for numeric sequences and for token
# ids; chosen on validation splits of training data (see the user guide).
NUMERIC_AUTO = {
    "cell": "gru",
    "alpha": 0.0,
    "average_weights": False,
    "conv_filters": (64, 64, 128),
    "pooling": "mean_max",
    "dropout": 0.5,
    "learning_rate_init": 2e-3,
    "max_iter": "auto",
    "min_steps": 1000,
    "kernel_features": 9996,
}
TOKEN_AUTO = {
    "cell": "lstm",
    "alpha": 5e-5,
    "average_weights": True,
    "conv_filters": (),
    "pooling": "mean",
    "dropout": 0.5,
    "learning_rate_init": 3e-3,
    "max_iter": 10,
    "min_steps": None,
    "kernel_features": 0,
}
# conv_stride="auto": the front-end shortens the longest training sequence to
# at most this many steps.
AUTO_CONV_STEPS = 64
# kernel_features="auto": on for numeric training sets of at most
# AUTO_KERNEL_SAMPLES sequences, the longest at least as long as a kernel
KERNEL_LENGTH = 9
AUTO_KERNEL_SAMPLES = 10_000
# the ridge of the kernel features is fitted on at most this many sequences
RIDGE_MAX_SAMPLES = 3000


def _accuracy_stats(y_pred, y_true, lengths=None):
    return torch.stack(
        [(y_pred.argmax(1) == y_true).sum().float(), torch.tensor(float(len(y_true)))]
    )


def _accuracy(stats):
    return stats[0] / stats[1]


def _is_auto(value):
    return isinstance(value, str) and value == "auto"


class LSTMClassifier(ClassifierMixin, TransformerMixin, BaseRecurrentEstimator):
    """Recurrent neural network classifier: one label per sequence.

    A recurrent encoder (LSTM, GRU or vanilla RNN; stacked, optionally
    bidirectional) reads each sequence; a linear layer on a summary of its
    *real* steps (the state after the last one, or the mean and/or maximum
    over all of them, see ``pooling``) gives the class scores. Numeric
    sequences first pass a convolutional front-end that can shorten long
    series (``conv_filters``). Padding never changes a result.

    The defaults are chosen for the kind of input: parameters set to "auto"
    take one value for numeric sequences and another for token ids (with
    ``embedding_dim``), as listed below. For numeric sequences: each series
    standardised over its own steps (``scaling="instance"``), convolution
    blocks of (64, 64, 128) channels shortening the longest training sequence
    to at most 64 steps, a bidirectional GRU, mean and maximum pooling,
    dropout 0.5, step size 2e-3 and at least 1,000 optimiser steps, until the
    training loss settles; next to the network, a ridge classifier on 9,996
    random-kernel features of the series (MiniRocket's), whose class scores
    the network's logits add to (see ``kernel_features``). For token ids: no
    front-end, a bidirectional LSTM, mean pooling, dropout 0.5, weight decay
    5e-5, step size 3e-3 and 10 epochs (a text model overfits long before its
    training loss settles), keeping the average of the weights of epochs 4
    to 10. With
    :class:`~sklearn_rnn.preprocessing.TokenSequenceVectorizer` in front,
    whose ``min_df=2`` maps the words of a single training text to the
    unknown id, these defaults were chosen on sentences of the SST-2
    training set.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn", "auto"}, default="auto"
        Cell of every recurrent layer: "lstm" or "gru" (gated cells, which
        carry information over many steps) or "rnn", the vanilla cell
        ``h_t = tanh(b + W h_{t-1} + U x_t)``. "auto": "gru" for numeric
        sequences, "lstm" for token ids.
    hidden_size : int, default=64
        Hidden units of every recurrent layer, per direction.
    num_layers : int, default=1
        Number of stacked recurrent layers (in the encoder, and in the decoder
        when the model has one).
    bidirectional : bool, default=True
        Read each input sequence in both directions; the backward direction
        reads each sequence reversed within its own length.
    dropout : float or "auto", default="auto"
        Dropout between stacked layers and before the output layer. "auto":
        0.5 for numeric sequences and for token ids.
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
        Size of a learned token embedding when ``X`` holds integer token ids
        (e.g. from
        :class:`~sklearn_rnn.preprocessing.TokenSequenceVectorizer`); None for
        numeric features. Integer ``X`` with ``embedding_dim=None`` is read as
        numeric features, with a warning.
    pretrained_embedding : array-like of shape (n_tokens, embedding_dim), default=None
        Initial token embedding, row ``i`` for token id ``i`` (e.g. word
        vectors aligned with a vectorizer's ``vocabulary_``). Requires
        ``embedding_dim`` equal to its number of columns and token ids below
        ``n_tokens`` at fit; a zero row is added for ids unseen at fit. None
        initialises the embedding at random.
    freeze_embedding : bool, default=False
        Keep ``pretrained_embedding`` fixed during training (only the
        recurrent layers and the output layer learn). Ignored without
        ``pretrained_embedding``.
    embedding_dropout : float, default=0.3
        Probability of dropping a token's whole embedding vector during
        training (with ``embedding_dim``): a regulariser for text, so the
        model cannot lean on single words.
    conv_filters : array-like of int or "auto", default="auto"
        Output channels of each block of the convolutional front-end that
        reads numeric steps before the recurrent layers (each block: a 1-D
        convolution, batch normalisation over the real steps, ReLU); ``()``
        for none. "auto": (64, 64, 128) for numeric sequences, none for token
        ids.
    conv_kernel_size : int or array-like of int, default=(7, 5, 3)
        Kernel of each convolution block (an int for all blocks).
    conv_stride : int or "auto", default="auto"
        Factor, a power of two, by which the front-end shortens the sequences
        (the first block strides, later blocks max-pool by 2; each length
        becomes ``ceil(length / conv_stride)``), so that a long series costs
        few recurrent steps. "auto": the smallest that brings the longest
        training sequence to at most 64 steps (1, no shortening, for 64 steps
        or fewer).
    pooling : {"last", "mean", "max", "mean_max", "attention", "auto"}, default="auto"
        Summary of each sequence that the output layer reads: the state after
        the last real step (``"last"``; with ``bidirectional``, the backward
        direction after reading the whole sequence), the mean or maximum of
        the top layer's outputs over the real steps, both concatenated
        (``"mean_max"``), or their average weighted by learned attention
        (``"attention"``; see :meth:`attention_weights`). Padding never
        counts. "auto": "mean_max" for numeric sequences, "mean" for token
        ids.
    length_feature : bool, default=False
        Let the output layer also read the length of each sequence, as
        ``log(length / longest training length)``, next to the summary of
        ``pooling``. Mean or maximum pooling and per-series scaling hide how
        long a sequence is, which can tell classes apart (a gesture made
        slowly or quickly). :meth:`transform` returns the summary without it.
    kernel_features : int or "auto", default="auto"
        Number of features of fixed convolution kernels, those of MiniRocket
        (84 kernels of 9 steps at dilations spread up to the longest
        training sequence; each feature is the proportion of a sequence's
        real steps at which one kernel's output exceeds a bias drawn from
        the training data), rounded down to a multiple of 84; 0 for none.
        The kernels read the values as given, before ``scaling`` (as
        MiniRocket does: the level and spread of a series may tell its
        class), while the network reads them scaled; as its biases come
        from the training data, a change of unit common to all series
        changes nothing (a common offset does change the features near the
        ends of each series: the kernels read zeros beyond them).
        Before training, a ridge classifier is fitted on them (its penalty
        chosen by exact leave-one-out error; ``sample_weight`` and
        ``class_weight`` weigh it too), and 10 times its class scores,
        a factor that training then adjusts, are added to the logits of the
        network, which trains on top of the leave-one-out scores of its
        training sequences (those of the ridge fitted without each one), so
        that it learns what the kernels miss rather than their fit of the
        training data. On long numeric series they carry much of the
        accuracy. :meth:`transform` returns the network's summary without
        them. The ridge of a fit on more than 3,000 sequences is fitted on a
        random 3,000 of them; a warm-started fit keeps the features of the
        first and refits the ridge on them. "auto": 9996 for numeric
        sequences when the longest training sequence has at least 9 steps (a
        kernel's length) and there are at most 10,000 of them (a network has
        more to learn from there, and the features of every sequence would
        cost more than it), else 0 (token ids refuse any other value than
        0).
    max_iter : int or "auto", default="auto"
        Number of epochs: an int trains exactly that many (fewer with early
        stopping). "auto" trains until the training loss has not improved by
        ``tol`` for ``n_iter_no_change`` epochs and at least 450 optimiser
        steps, scikit-learn's MLP convergence rule (with early stopping: until
        the validation monitor has not improved for ``n_iter_no_change``
        epochs), for at most 200 epochs or the epochs that ``min_steps`` needs.
        For token ids, "auto" is 10 epochs.
    min_steps : int, "auto" or None, default="auto"
        Fewest optimiser steps (mini-batches) of training, so that a small data
        set still gets enough updates: neither the convergence rule nor early
        stopping ends training before them, and ``max_iter="auto"`` allows the
        epochs they need; an int ``max_iter`` is never exceeded. None for no
        floor. "auto": 1,000 for numeric sequences, None for token ids.
    batch_size : int, default=32
        Samples (sequences or vectors) per mini-batch, in training and in
        prediction.
    learning_rate : {"constant", "adaptive"}, default="adaptive"
        Step-size schedule. "constant" keeps ``learning_rate_init``;
        "adaptive" halves the step size each time the training loss (the
        validation monitor, with early stopping) has not improved by ``tol``
        for a third of ``n_iter_no_change`` epochs and at least 150 optimiser
        steps, down to ``learning_rate_init / 200``.
    learning_rate_init : float or "auto", default="auto"
        Step size of the Adam optimiser. "auto": 2e-3 for numeric sequences,
        3e-3 for token ids.
    alpha : float or "auto", default="auto"
        L2 penalty (Adam's weight decay). "auto": 0 for numeric sequences,
        5e-5 for token ids.
    average_weights : bool or "auto", default="auto"
        Keep the mean of the weights at the end of each epoch from epoch
        ``ceil(0.4 * max_iter)`` of the ``max_iter`` cap to the last (epochs 4
        to 10 of 10) instead of the last weights, which smooths the
        epoch-to-epoch jitter of a model that fits its training
        data quickly; not with early stopping, which keeps the best epoch.
        "auto": on for token ids, off for numeric sequences.
    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (stratified by
        class for a classifier) and stop when the validation loss has not
        improved by ``tol`` for ``n_iter_no_change`` epochs; the weights of the
        best epoch are kept. "auto" turns it on when there are more than 10,000
        training samples.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping and of the convergence rule of
        ``max_iter="auto"``: epochs without improvement before training stops.
    tol : float, default=1e-4
        Smallest decrease of the validation loss (of the training loss, without
        early stopping) that counts as an improvement.
    scaling : {"standard", "instance"} or None, default="instance"
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
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    net_ : skorch.NeuralNet
        The trained skorch net; its ``module_`` is the torch module (see
        :mod:`sklearn_rnn.modules`).
    n_features_in_ : int
        Columns of a 2-D table ``X``; otherwise features per time step (1 for
        token sequences).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` given to ``fit``.
    vocabulary_size_ : int
        Rows of the token embedding: largest id seen at fit + 2 (or the rows of
        ``pretrained_embedding`` + 1). The last row stands for ids unseen at
        fit, which it replaces at predict. Only with ``embedding_dim``.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Mean training loss of each epoch.
    validation_scores_ : list of float
        Validation accuracy of each epoch (only with ``early_stopping``).
    best_loss_ : float
        Lowest training loss, or lowest validation loss with ``early_stopping``.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : Feed-forward classifier on vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import LSTMClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = [rng.normal(size=(rng.randint(5, 15), 2)).cumsum(axis=0) for _ in range(60)]
    >>> y = np.array(["up" if x[-1, 0] > x[0, 0] else "down" for x in X])
    >>> clf = LSTMClassifier(hidden_size=8, max_iter=30, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.transform(X[:3]).shape  # mean and max of both directions
    (3, 32)
    """

    _parameter_constraints = {
        **BaseRecurrentEstimator._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "pretrained_embedding": ["array-like", None],
        "freeze_embedding": ["boolean"],
        "embedding_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"last", "mean", "max", "mean_max", "attention", "auto"})],
        "length_feature": ["boolean"],
        "kernel_features": [Interval(Integral, 0, None, closed="left"), StrOptions({"auto"})],
        "cell": [StrOptions({"lstm", "gru", "rnn", "auto"})],
        "alpha": [Interval(Real, 0, _FLOAT32_MAX, closed="both"), StrOptions({"auto"})],
        "average_weights": ["boolean", StrOptions({"auto"})],
        "dropout": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
        "learning_rate_init": [
            Interval(Real, 0, _FLOAT32_MAX, closed="right"),
            StrOptions({"auto"}),
        ],
        "min_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
        "conv_filters": ["array-like", StrOptions({"auto"})],
        "conv_kernel_size": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "conv_stride": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags(preserves_dtype=["float32"])
        return tags

    def __init__(
        self,
        *,
        cell="auto",
        hidden_size=64,
        num_layers=1,
        bidirectional=True,
        dropout="auto",
        residual=False,
        layer_norm=False,
        embedding_dim=None,
        pretrained_embedding=None,
        freeze_embedding=False,
        embedding_dropout=0.3,
        conv_filters="auto",
        conv_kernel_size=(7, 5, 3),
        conv_stride="auto",
        pooling="auto",
        length_feature=False,
        kernel_features="auto",
        max_iter="auto",
        min_steps="auto",
        batch_size=32,
        learning_rate="adaptive",
        learning_rate_init="auto",
        alpha="auto",
        average_weights="auto",
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        scaling="instance",
        clip_grad_norm=5.0,
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.residual = residual
        self.layer_norm = layer_norm
        self.embedding_dim = embedding_dim
        self.pretrained_embedding = pretrained_embedding
        self.freeze_embedding = freeze_embedding
        self.embedding_dropout = embedding_dropout
        self.conv_filters = conv_filters
        self.conv_kernel_size = conv_kernel_size
        self.conv_stride = conv_stride
        self.pooling = pooling
        self.length_feature = length_feature
        self.kernel_features = kernel_features
        self.max_iter = max_iter
        self.min_steps = min_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.average_weights = average_weights
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
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the classifier.

        Parameters
        ----------
        X : array-like
            Sequences: a 3-D array ``(n_samples, n_timesteps, n_features)``, a
            2-D array or DataFrame ``(n_samples, n_timesteps)`` of univariate
            sequences, a list of ``(T_i, n_features)`` or ``(T_i,)`` arrays,
            or token-id sequences when ``embedding_dim`` is set.
        y : array-like of shape (n_samples,)
            One label per sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : LSTMClassifier
            The fitted classifier.
        """
        if self.pretrained_embedding is not None and not self._tokens:
            raise ValueError(
                "pretrained_embedding is set but embedding_dim=None; set embedding_dim to "
                "the number of columns of pretrained_embedding."
            )
        return self._fit(X, y, sample_weight)

    # ----------------------------------------------------------------- hooks
    def _encode_targets(self, y, data):
        n = len(data)
        if y is None:
            raise ValueError("LSTMClassifier requires y to be passed, but the target y is None.")
        y = column_or_1d(y, warn=True)
        if len(y) != n:
            raise ValueError(f"X has {n} sequences but y has {len(y)} labels; they must match.")
        check_classification_targets(y)
        classes, y_enc = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                "LSTMClassifier needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes[0]!r}."
            )
        return torch.from_numpy(y_enc.astype(np.int64)), None, y_enc, {"classes_": classes}

    def _sample_weights(self, sample_weight, n, y_enc, target_info):
        sw = super()._sample_weights(sample_weight, n, y_enc, target_info)
        if self.class_weight is None:
            return sw
        classes = target_info["classes_"]
        cw = compute_class_weight(self.class_weight, classes=classes, y=classes[y_enc])
        w = torch.from_numpy(cw[y_enc].astype(np.float32))
        return w if sw is None else w * sw

    def _can_stratify(self, split_y):
        counts = np.bincount(split_y)
        return bool(counts.min() >= 2)

    def _token_vocabulary(self, padded, lengths):
        if self.pretrained_embedding is None:
            return super()._token_vocabulary(padded, lengths)
        weights = self._check_pretrained(int(padded.max()))
        return len(weights) + 1, np.ones(len(weights), dtype=bool)

    def _check_pretrained(self, max_id):
        """Validate ``pretrained_embedding``; return it as a float32 tensor."""
        weights = np.asarray(self.pretrained_embedding, dtype=np.float32)
        if weights.ndim != 2 or not np.all(np.isfinite(weights)):
            raise ValueError(
                "pretrained_embedding must be a finite 2-D array (n_tokens, embedding_dim); "
                f"got shape {weights.shape}."
            )
        if weights.shape[1] != self.embedding_dim:
            raise ValueError(
                f"pretrained_embedding has {weights.shape[1]} columns but "
                f"embedding_dim={self.embedding_dim}; set embedding_dim={weights.shape[1]}."
            )
        if max_id >= len(weights):
            raise ValueError(
                f"X holds token id {max_id}, but pretrained_embedding has only "
                f"{len(weights)} rows (ids 0 to {len(weights) - 1}); give one row per "
                "token id of the vocabulary."
            )
        return torch.from_numpy(weights)

    def _encoder_params(self, info):
        params = super()._encoder_params(info)
        if not self._tokens:
            return params
        params["embedding_dropout"] = self.embedding_dropout
        if self.pretrained_embedding is not None:
            weights = self._check_pretrained(-1)
            unknown = weights.new_zeros((1, weights.shape[1]))
            params["embedding_weights"] = torch.cat([weights, unknown])
            params["freeze_embedding"] = self.freeze_embedding
        return params

    def _auto_settings(self, data, info):
        self._check_kernel_features()
        tokens = self._tokens
        auto = TOKEN_AUTO if tokens else NUMERIC_AUTO
        settings = {
            name: auto[name]
            for name in (
                "cell",
                "alpha",
                "average_weights",
                "pooling",
                "dropout",
                "learning_rate_init",
                "max_iter",
                "min_steps",
                "kernel_features",
            )
            if _is_auto(getattr(self, name))
        }
        filters = auto["conv_filters"] if _is_auto(self.conv_filters) else self.conv_filters
        settings.update(self._conv_settings(info, filters))
        if settings.get("kernel_features") and (
            info["_max_length"] < KERNEL_LENGTH or len(data) > AUTO_KERNEL_SAMPLES
        ):  # no kernel fits in the sequences, or enough of them for the network
            settings["kernel_features"] = 0
        settings.setdefault("kernel_features", self.kernel_features)  # predict reads the fit's
        return settings

    def _auto_conv_stride(self, info, filters):
        if not filters:
            return 1
        return downsampling_factor(info["_max_length"], AUTO_CONV_STEPS)

    def _make_module(self, info, target_info):
        return SequenceClassifierModule(
            n_classes=len(target_info["classes_"]),
            dropout=self._setting("dropout", info),
            pooling=self._setting("pooling", info),
            length_scale=float(info["_max_length"]) if self.length_feature else None,
            kernel_features=self._kernel_features(info, target_info),
            **self._encoder_params(info),
        )

    def _check_kernel_features(self):
        """Raise for a ``kernel_features`` this input cannot have (before any training)."""
        n = self.kernel_features
        if _is_auto(n) or not n:
            return
        if self._tokens:
            raise ValueError(
                f"kernel_features={n} reads numeric sequences, but the input is token "
                "ids; use kernel_features=0."
            )
        if n < N_KERNELS:
            raise ValueError(
                f"kernel_features must be 0 or at least {N_KERNELS} (one feature per "
                f"kernel); got {n}."
            )

    def _kernel_features(self, info, target_info):
        n = self._setting("kernel_features", info)
        if _is_auto(n) or not n:  # "auto": a model fitted before the parameter existed
            return None
        return RandomKernelRidge(
            info["_n_step_features"], info["_max_length"], len(target_info["classes_"]), n
        )

    def _reads_raw_inputs(self, settings):
        """Whether the module reads each batch scaled and as given (its kernel features)."""
        n = settings.get("kernel_features", self.kernel_features)
        return bool(n) and not _is_auto(n) and not self._tokens

    def _input_scaling(self, data, kind, info, reset):
        scaling = super()._input_scaling(data, kind, info, reset)
        if not reset and self._reads_raw_inputs(getattr(self, "_settings", {})):
            return WithRawInputs(scaling)
        return scaling

    def _fit_scaling(self, scaling, info):
        """The kernel features read the values as given, next to the scaled ones."""
        if self._reads_raw_inputs(info["_settings"]):
            return WithRawInputs(scaling)
        return scaling

    def _prepare_module(self, module, data, plan, train_rows=None, warm=False):
        """Fit the ridge of ``kernel_features`` on (at most 3,000 of) the training part.

        A warm-started fit keeps the features of the first fit and refits the
        ridge on them, so that its leave-one-out scores train the network again.
        The network's weights are not a fitted model here, so early stopping
        does not score them before the first epoch (False).
        """
        ridge = module.kernel_features
        if ridge is None:
            return False
        rows = torch.arange(len(data)) if train_rows is None else torch.as_tensor(train_rows)
        if len(rows) > RIDGE_MAX_SAMPLES:  # the others get the ridge's plain scores
            rows = torch.sort(rows[torch.randperm(len(rows))[:RIDGE_MAX_SAMPLES]]).values
        lengths = data.lengths_t[rows.to(data.lengths_t.device)]
        X = data.X[rows.to(data.X.device), : int(lengths.max())]  # as given, not scaled
        weights = data.sample_weight
        if weights is not None:
            weights = weights[rows.to(weights.device)]
        ridge.fit(X, lengths, data.y[rows.to(data.y.device)], weights, refit_features=not warm)
        return False

    def _fitted_ridge(self):
        net = getattr(self, "net_", None)
        return None if net is None else getattr(net.module_, "kernel_features", None)

    def _fit(self, X, y, sample_weight=None, *, vectors=None):
        """The base fit; the kernel features of the training data are kept for its length only."""
        ridge = self._fitted_ridge()
        if ridge is not None and self.warm_start:  # a warm fit trains the same module on
            ridge.features.keep_cache(True)
        try:
            return super()._fit(X, y, sample_weight, vectors=vectors)
        finally:
            for module in {id(r): r for r in (ridge, self._fitted_ridge()) if r}.values():
                module.keep_cache(False)

    def _make_criterion(self):
        return nn.CrossEntropyLoss(reduction="none")

    def _valid_score_fns(self):
        return _accuracy_stats, _accuracy

    # ------------------------------------------------------------- inference
    def predict_proba(self, X):
        """Class probabilities of each sequence.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        # in float64, so that each row sums to one within float64 rounding
        return torch.softmax(self._forward(X).double(), dim=1).numpy()

    def predict(self, X):
        """Predict one label per sequence.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels (the original label values).
        """
        check_is_fitted(self, "net_")
        return self.classes_[self._forward(X).argmax(dim=1).numpy()]

    def transform(self, X):
        """Learned embedding of each sequence.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_embedding)
            The summary the output layer reads (see ``pooling``):
            ``n_embedding`` is ``hidden_size`` times the number of directions,
            twice that with ``"mean_max"`` pooling (the default for numeric
            sequences).
        """
        return self._forward(X, method="embed").numpy()

    def attention_weights(self, X):
        """Weight of each step in the summary of ``pooling="attention"``.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.

        Returns
        -------
        weights : ndarray of shape (n_samples,), dtype=object
            For each sequence, its weights over the steps the recurrent layers
            read (``ceil(length / conv_stride)`` of them: with a shortening
            front-end each covers ``conv_stride`` input steps), summing to one.
        """
        check_is_fitted(self, "net_")
        if self._setting("pooling") != "attention":
            raise ValueError(
                f'attention_weights needs pooling="attention"; this {type(self).__name__} '
                f'pools with "{self._setting("pooling")}".'
            )
        data = self._check_X(X, reset=False)[0]
        weights = self._forward(data, method="attention_weights")[:, :, 0].numpy()
        steps = self.net_.module_.encoder.output_lengths(data.lengths_t).numpy()
        return as_ragged([weights[i, : steps[i]].astype(np.float64) for i in range(len(steps))])

    def fit_transform(self, X, y, sample_weight=None):
        """Fit the classifier, then return the embedding of ``X``.

        Parameters
        ----------
        X : array-like
            Sequences, in any format accepted by :meth:`fit`.
        y : array-like of shape (n_samples,)
            One label per sequence.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_embedding)
            See :meth:`transform`.
        """
        return self.fit(X, y, sample_weight=sample_weight).transform(X)

    def get_feature_names_out(self, input_features=None):
        """Get the names of the embedding columns given by :meth:`transform`.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["lstmclassifier0", "lstmclassifier1", ...]``.
        """
        check_is_fitted(self, "net_")
        n_out = self.net_.module_.embedding_size
        prefix = type(self).__name__.lower()
        return np.asarray([f"{prefix}{i}" for i in range(n_out)], dtype=object)
