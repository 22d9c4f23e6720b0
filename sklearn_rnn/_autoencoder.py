"""AutoencoderTransformer: stacked autoencoders for dimensionality reduction and denoising."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import TransformerTags, check_array
from sklearn.utils.validation import check_is_fitted
from torch import nn

from sklearn_rnn._base import BaseRecurrentEstimator
from sklearn_rnn._compat import Interval, StrOptions, _fit_context
from sklearn_rnn._frontend import CONV_PARAMETER_CONSTRAINTS, STRIDED
from sklearn_rnn._runtime import recurrent_work
from sklearn_rnn._sequences import as_ragged
from sklearn_rnn.modules import DenseAutoencoderModule, RecurrentAutoencoderModule


def _squared_error_stats(y_pred, y_true, lengths=None):
    """``[sum of squared errors, number of values]`` over the real steps of a batch."""
    err = (y_pred - y_true).square()
    if lengths is None:
        return torch.stack([err.sum(), err.new_tensor(float(err.numel()))])
    lengths = lengths.to(err.device)
    real = torch.arange(err.shape[1], device=err.device).unsqueeze(0) < lengths.unsqueeze(1)
    sse = (err.sum(2) * real).sum()
    return torch.stack([sse, (lengths.sum() * err.shape[2]).to(sse.dtype)])


def _negative_mse(stats):
    return -stats[0] / stats[1]


class AutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseRecurrentEstimator
):
    """Stacked autoencoder: dimensionality reduction and denoising.

    An autoencoder learns to rebuild its input through a narrow coding layer
    of ``n_components`` values; ``transform`` gives the codes and
    ``inverse_transform`` rebuilds inputs from codes, like PCA but nonlinear.
    With ``noise`` set, training corrupts the inputs and learns to rebuild the
    clean ones (a denoising autoencoder); ``transform`` and
    ``inverse_transform`` always use the input as given.

    The model depends on the shape of ``X`` at ``fit``:

    - a 2-D array or DataFrame ``(n_samples, n_features)`` is a table of
      feature vectors: a dense autoencoder ``n_features -> hidden_layer_sizes
      -> n_components``, the decoder mirroring the encoder;
    - a 3-D array ``(n_samples, n_timesteps, n_features)`` or a list of
      ``(T_i, n_features)`` / ``(T_i,)`` arrays are sequences: a recurrent
      encoder (``cell``, ``hidden_size``, ``num_layers``, ``bidirectional``)
      whose state after each sequence's last *real* step is mapped to the code,
      and a recurrent decoder of the same shape that reads the code at every
      step and rebuilds the sequence. Padded steps are masked from the loss;
      padding changes no code. A convolutional front-end (``conv_filters``)
      may read the steps before the encoder and shorten them
      (``conv_stride``); the decoder still rebuilds every step.

    Parameters
    ----------
    n_components : int, default=2
        Size of the code (the output of :meth:`transform`).
    hidden_layer_sizes : array-like of int, default=(64,)
        Dense autoencoder (2-D ``X``): sizes of the encoder's hidden layers,
        from the input inwards; the decoder uses them in reverse. ``()``
        gives one linear layer each way.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Dense autoencoder: activation of the hidden layers (the code and the
        output layer are linear).
    noise : {"gaussian", "masking"} or None, default=None
        Corruption of the training inputs: "gaussian" adds normal noise of
        standard deviation ``noise_level``; "masking" sets a random fraction
        ``noise_level`` of the values to 0. Applied only while training.
    noise_level : float, default=0.1
        Standard deviation ("gaussian") or masked fraction ("masking", below 1).
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Cell of every recurrent layer: "lstm" or "gru" (gated cells, which
        carry information over many steps) or "rnn", the vanilla cell
        ``h_t = tanh(b + W h_{t-1} + U x_t)``.
    hidden_size : int, default=64
        Hidden units of every recurrent layer, per direction.
    num_layers : int, default=1
        Number of stacked recurrent layers (in the encoder, and in the decoder
        when the model has one).
    bidirectional : bool, default=False
        Read each input sequence in both directions; the backward direction
        reads each sequence reversed within its own length.
    dropout : float, default=0.0
        Dropout after each dense hidden layer, or between stacked recurrent layers.
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
    residual : bool, default=False
        Add the input of every recurrent layer from the second on to its
        output (a skip connection), which helps a deep stack (``num_layers``
        of 3 or more) train. The first layer has none (its input has another
        size); the input of a later layer is the previous layer's output, both
        directions concatenated when ``bidirectional``, so sizes always
        match. ``dropout`` acts on what each layer reads, not on the skip.
        The layers of the recurrent encoder and decoder (sequence input);
        ignored by the dense autoencoder of feature vectors.
    layer_norm : bool, default=False
        Normalise the output of every recurrent layer (both directions
        together) with :class:`torch.nn.LayerNorm`, over the features of each
        step alone, before the skip connection of ``residual`` is added.
        The layers of the recurrent encoder and decoder (sequence input);
        ignored by the dense autoencoder of feature vectors.
    max_iter : int or "auto", default=200
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
    batch_size : int, default=64
        Samples (sequences or vectors) per mini-batch, in training and in
        prediction.
    learning_rate : {"constant", "adaptive"}, default="constant"
        Step-size schedule. "constant" keeps ``learning_rate_init``;
        "adaptive" halves the step size each time the training loss (the
        validation monitor, with early stopping) has not improved by ``tol``
        for a third of ``n_iter_no_change`` epochs and at least 150 optimiser
        steps, down to ``learning_rate_init / 200``.
    learning_rate_init : float, default=1e-3
        Step size of the Adam optimiser.
    alpha : float, default=0.0
        L2 penalty (Adam's weight decay).
    early_stopping : bool or "auto", default=False
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
    clip_grad_norm : float, default=None
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
    net_ : skorch.NeuralNet
        The trained skorch net; its ``module_`` is the torch module (see
        :mod:`sklearn_rnn.modules`).
    n_features_in_ : int
        Columns of a 2-D table ``X``; otherwise features per time step (1 for
        token sequences).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame ``X`` given to ``fit``.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Mean training loss (squared reconstruction error) of each epoch, on
        the corrupted inputs when ``noise`` is set.
    validation_scores_ : list of float
        Negative mean squared reconstruction error on the validation data of
        each epoch (only with ``early_stopping``).
    best_loss_ : float
        Lowest training loss, or lowest validation loss with ``early_stopping``.

    See Also
    --------
    sklearn.decomposition.PCA : Linear dimensionality reduction.
    LSTMClassifier : Its ``transform`` gives supervised sequence embeddings.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import AutoencoderTransformer
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(100, 3)) @ rng.normal(size=(3, 10))
    >>> ae = AutoencoderTransformer(n_components=3, max_iter=50, random_state=0)
    >>> codes = ae.fit_transform(X)
    >>> codes.shape
    (100, 3)
    >>> ae.inverse_transform(codes).shape
    (100, 10)
    >>> seqs = [rng.normal(size=(rng.randint(4, 9), 2)) for _ in range(30)]
    >>> seq_ae = AutoencoderTransformer(n_components=4, hidden_size=8, max_iter=5)
    >>> seq_ae.fit(seqs).transform(seqs).shape
    (30, 4)
    """

    _parameter_constraints = {
        **{
            k: v
            for k, v in BaseRecurrentEstimator._parameter_constraints.items()
            if k != "embedding_dim"
        },
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "noise": [StrOptions({"gaussian", "masking"}), None],
        "noise_level": [Interval(Real, 0, None, closed="left")],
        **CONV_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes=(64,),
        activation="relu",
        noise=None,
        noise_level=0.1,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        residual=False,
        layer_norm=False,
        max_iter=200,
        min_steps=None,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=1e-3,
        alpha=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        clip_grad_norm=None,
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.noise = noise
        self.noise_level = noise_level
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.conv_filters = conv_filters
        self.conv_kernel_size = conv_kernel_size
        self.conv_stride = conv_stride
        self.residual = residual
        self.layer_norm = layer_norm
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
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags(preserves_dtype=["float32"])
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the autoencoder to rebuild ``X``.

        Parameters
        ----------
        X : array-like
            Feature vectors (a 2-D array or DataFrame) for the dense
            autoencoder; sequences (a 3-D array ``(n_samples, n_timesteps,
            n_features)`` or a list of ``(T_i, n_features)`` or ``(T_i,)``
            arrays) for the recurrent autoencoder.
        y : None
            Ignored.

        Returns
        -------
        self : AutoencoderTransformer
            The fitted transformer.
        """
        self._check_layer_params()
        return self._fit(X, None)

    def _check_layer_params(self):
        sizes = self._hidden_layer_sizes()
        if any(not isinstance(s, Integral) or isinstance(s, bool) or s < 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got {self.hidden_layer_sizes!r}."
            )
        if self.noise == "masking" and self.noise_level >= 1:
            raise ValueError(
                f"noise='masking' needs noise_level below 1 (the fraction of values set "
                f"to 0), got noise_level={self.noise_level}."
            )

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            return (sizes,)
        return tuple(np.asarray(sizes).tolist()) if not isinstance(sizes, tuple) else sizes

    # ------------------------------------------------------------ input layer
    # a 2-D X is a table of feature vectors (dense autoencoder)
    _tables_are_vectors = True

    @property
    def _is_dense(self):
        return self._input_kind == "vectors"

    # ------------------------------------------------------------ fit hooks
    def _encode_targets(self, y, data):
        y_lengths = None if data.equal_lengths else data.lengths
        return data.X, y_lengths, None, {"_n_features_out": self.n_components}

    def _warm_start_compatible(self, info, target_info):
        if hasattr(self, "net_"):
            if (info["_input_kind"] == "vectors") != self._is_dense:
                raise ValueError(
                    "warm_start=True, but X switched between feature vectors (2-D) and "
                    "sequences; set warm_start=False to fit a new model."
                )
            if target_info["_n_features_out"] != self._n_features_out:
                raise ValueError(
                    f"warm_start=True, but n_components changed from {self._n_features_out} "
                    f"to {self.n_components}; set warm_start=False to fit a new model."
                )
        return super()._warm_start_compatible(info, target_info)

    def _step_work(self, info):
        """Multiply-adds of one training step: the largest dense product, or a recurrent step."""
        if info["_input_kind"] == "vectors":
            sizes = [info["_n_step_features"], *self._hidden_layer_sizes(), self.n_components]
            return self.batch_size * max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        in_size = max(info["_n_step_features"], self.n_components)
        return recurrent_work(
            self.batch_size, self.cell, self.hidden_size, in_size, self.bidirectional
        )

    def _conv_layout(self, info):
        if info["_input_kind"] == "vectors":
            return None, "a 2-D X is a table of feature vectors (the dense autoencoder)"
        return STRIDED, None

    def _make_module(self, info, target_info):
        noise = dict(noise=self.noise, noise_level=self.noise_level)
        if info["_input_kind"] == "vectors":
            return DenseAutoencoderModule(
                n_features=info["_n_step_features"],
                n_components=self.n_components,
                hidden_layer_sizes=self._hidden_layer_sizes(),
                activation=self.activation,
                dropout=self.dropout,
                **noise,
            )
        return RecurrentAutoencoderModule(
            n_components=self.n_components,
            dropout=self.dropout,
            **self._encoder_params(info),
            **noise,
        )

    def _make_criterion(self):
        return nn.MSELoss(reduction="none")

    def _valid_score_fns(self):
        return _squared_error_stats, _negative_mse

    # ------------------------------------------------------------- inference
    def transform(self, X):
        """Encode ``X``: one code per sample.

        Parameters
        ----------
        X : array-like
            Feature vectors or sequences, as given to :meth:`fit`.

        Returns
        -------
        codes : ndarray of shape (n_samples, n_components)
            The coding layer's values (float32).
        """
        codes = self._forward(X, method="encode")
        return codes.reshape(len(codes), -1).numpy()

    def inverse_transform(self, X, lengths=None):
        """Rebuild inputs from codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, e.g. from :meth:`transform`.
        lengths : int or array-like of shape (n_samples,), default=None
            Sequences only: the number of steps to rebuild from each code.
            None: the longest sequence seen in :meth:`fit`.

        Returns
        -------
        X_rebuilt : ndarray
            For feature vectors, an array ``(n_samples, n_features_in_)``. For
            sequences, an array ``(n_samples, n_timesteps, n_features_in_)``
            when all lengths are equal, otherwise a 1-D object array of
            ``(T_i, n_features_in_)`` arrays, one per sample.
        """
        check_is_fitted(self, "net_")
        codes = check_array(X, dtype=np.float32, input_name="X")
        if codes.shape[1] != self.n_components:
            raise ValueError(
                f"X has {codes.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_components} features as input (codes of n_components values)."
            )
        n = len(codes)
        if self._is_dense:
            if lengths is not None:
                raise ValueError(
                    "lengths applies to sequences only; this model was fitted on 2-D X."
                )
            steps = np.ones(n, dtype=np.int64)
        else:
            steps = self._check_lengths(lengths, n)
        out = self._decode(torch.tensor(codes), torch.from_numpy(steps)).numpy()
        if self._is_dense:
            return out
        if steps.min() == steps.max():
            return out
        return as_ragged(out[i, :length] for i, length in enumerate(steps))

    def _check_lengths(self, lengths, n):
        if lengths is None:
            return np.full(n, self._max_length, dtype=np.int64)
        arr = np.asarray(lengths)
        if arr.ndim == 0:
            arr = np.full(n, arr)
        if arr.shape != (n,) or arr.dtype.kind not in "iu" or (n and arr.min() < 1):
            raise ValueError(
                f"lengths must be a positive integer or {n} positive integers (one per "
                f"code), got {lengths!r}."
            )
        return arr.astype(np.int64)

    def _decode(self, codes, lengths):
        """Decode in batches, padded to the longest of ``lengths``; CPU tensor."""
        size = self.net_.batch_size
        n_steps = int(lengths.max()) if len(lengths) else 1
        batches = (
            (codes[i : i + size], lengths[i : i + size]) for i in range(0, len(codes), size)
        )
        if self._is_dense:
            outputs = self._run_batches(batches, lambda module, c, _: module.decode(c))
        else:
            outputs = self._run_batches(
                batches, lambda module, c, lb: module.decode(c, lb, n_steps)
            )
        return torch.cat(outputs)

    def score(self, X, y=None):
        """Negative mean squared reconstruction error (higher is better).

        Parameters
        ----------
        X : array-like
            Feature vectors or sequences, as given to :meth:`fit`.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Minus the mean of the squared differences between ``X`` and its
            reconstruction, over all values (real steps only, for sequences).
        """
        stats = self._forward(X, method="squared_error").double().sum(0)
        return float(-stats[0] / stats[1])
