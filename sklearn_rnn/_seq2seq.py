"""Seq2SeqRegressor: sequence -> sequence (aligned or encoder-decoder) and vector -> sequence."""

import numbers
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import RegressorMixin
from sklearn.utils import check_array
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted
from torch import nn

from sklearn_rnn._base import BaseRecurrentEstimator
from sklearn_rnn._compat import Interval, StrOptions, _fit_context
from sklearn_rnn._frontend import CAUSAL, CONV_PARAMETER_CONSTRAINTS, STRIDED
from sklearn_rnn._highway import highway_start
from sklearn_rnn._input import _caller_stacklevel
from sklearn_rnn._net import TimeOrderedSplit
from sklearn_rnn._scaling import (
    SHIFT_KINDS,
    WINDOW_KINDS,
    BatchScaling,
    FutureCovariateScaling,
    standard_scaling,
    window_moments,
    window_statistics,
)
from sklearn_rnn._sequences import SequenceData, as_ragged, check_sequences
from sklearn_rnn.metrics import check_quantiles, sequence_r2_score
from sklearn_rnn.modules import AlignedSeq2SeqModule, EncoderDecoderModule

# scaling="auto" for numeric sequences in encoder-decoder mode: measured on the
# training parts of three series (benchmarks/bench_seq2seq.py --validation) and
# of the M1 yearly series (benchmarks/bench_m1.py); the one form free of the
# series' scale, so one model serves series of any level and spread.
# "standard" otherwise.
AUTO_SCALING = "instance"


def _r2_stats(y_pred, y_true, lengths=None):
    """Per-output sums for R^2 over real steps: [sum w, sum w*y, sum w*y^2, sum w*res^2]."""
    w = torch.ones(y_true.shape[:2], dtype=y_true.dtype, device=y_true.device)
    if lengths is not None:
        steps = torch.arange(y_true.shape[1], device=y_true.device)
        w = (steps < lengths.to(y_true.device).unsqueeze(1)).to(y_true.dtype)
    w = w.unsqueeze(-1).expand_as(y_true)
    return torch.stack(
        [
            w.sum((0, 1)),
            (w * y_true).sum((0, 1)),
            (w * y_true**2).sum((0, 1)),
            (w * (y_true - y_pred) ** 2).sum((0, 1)),
        ]
    ).double()


def _r2(stats):
    n, s, s2, res = stats
    tot = s2 - s**2 / n
    r2 = torch.where(tot > 0, 1 - res / tot.clamp_min(1e-300), (res == 0).double())
    return r2.mean()


def _median_weights(levels):
    """Weights over ``levels`` whose weighted sum of quantiles estimates the median.

    The 0.5 quantile itself when it is one of the levels; otherwise linear
    interpolation between the two levels around 0.5, or the nearest level
    when all lie on one side of it.
    """
    weights = np.zeros(len(levels))
    above = int(np.searchsorted(levels, 0.5))
    if above < len(levels) and np.isclose(levels[above], 0.5):
        weights[above] = 1.0
    elif above == 0:
        weights[0] = 1.0
    elif above == len(levels):
        weights[-1] = 1.0
    else:
        lo, hi = levels[above - 1], levels[above]
        weights[above] = (0.5 - lo) / (hi - lo)
        weights[above - 1] = 1.0 - weights[above]
    return weights


class _PinballLoss(nn.Module):
    """Unreduced pinball loss: ``(batch, time, k, q)`` quantiles, ``(batch, time, k)`` targets."""

    def __init__(self, levels):
        super().__init__()
        self.register_buffer("levels", torch.as_tensor(levels, dtype=torch.float32))

    def forward(self, y_pred, y_true):
        levels = self.levels.to(y_pred.device, y_pred.dtype)
        diff = y_true.unsqueeze(-1) - y_pred
        return torch.maximum(levels * diff, (levels - 1) * diff)


def _point_stats(batch_stats, weights):
    """``batch_stats`` of the point forecast (weighted sum over the quantile axis)."""
    weights = torch.as_tensor(weights, dtype=torch.float32)

    def stats(y_pred, y_true, lengths=None):
        point = (y_pred * weights.to(y_pred.device, y_pred.dtype)).sum(-1)
        return batch_stats(point, y_true, lengths)

    return stats


def _has_quantiles(estimator):
    return estimator.quantiles is not None


def _is_one_dim(y):
    """Whether ``y`` is a flat 1-D target (one scalar per sample)."""
    if isinstance(y, (list, tuple)) and not all(isinstance(v, numbers.Number) for v in y):
        return False
    try:
        a = np.asarray(y)
    except (ValueError, TypeError):  # ragged
        return False
    if a.ndim != 1:
        return False
    return a.dtype != object or all(isinstance(v, numbers.Number) for v in a)


class Seq2SeqRegressor(RegressorMixin, BaseRecurrentEstimator):
    """Recurrent sequence-to-sequence regressor.

    Two modes in one estimator, chosen with ``mode``:

    - ``"aligned"``: one target vector per input step (``y`` has the lengths
      of ``X``; ragged allowed). A recurrent encoder with a linear layer on
      every step, e.g. tomorrow's value at every day of the window.
    - ``"encoder_decoder"``: the encoder reads ``X``, a recurrent decoder
      produces ``H`` steps (``H`` is the length of the targets at fit, the
      forecast horizon). While training, the decoder is fed the true previous
      target with probability ``teacher_forcing_ratio`` and its own previous
      prediction otherwise; at predict it always feeds its own predictions.

    With ``input_type="vectors"``, ``X`` is a 2-D table of feature vectors,
    each of which seeds a whole output sequence (encoder-decoder only). 2-D
    ``X`` otherwise means univariate sequences, as everywhere in this package.

    Inputs (see ``scaling``) and targets (per output) are standardised
    over their real time steps inside the estimator and predictions are
    returned on the original scale, so targets in the hundreds or thousands
    need no scaling by hand. The per-window forms of ``scaling`` ("instance",
    "mean", "last", "difference") also give each window's targets relative to the
    window itself and add the window's level back to the predictions, so a
    series that leaves the range of its training part is forecast from plain
    windows, without offsets computed by hand.

    With ``quantiles``, the network predicts those quantiles of every target
    step, trained with the pinball loss (see
    :func:`~sklearn_rnn.metrics.mean_pinball_loss`): :meth:`predict_quantiles`
    returns them (prediction intervals) and :meth:`predict` the median.

    Covariates: further input features of each step (past covariates,
    e.g. a related series) are read by the encoder with the series to
    forecast. Values known in advance for the forecast steps (calendar
    features, planned prices) reach the decoder through
    ``future_covariates``.

    Parameters
    ----------
    mode : {"encoder_decoder", "aligned"}, default="encoder_decoder"
        Sequence-to-sequence pattern, see above. With ``bidirectional=True``,
        each aligned output also sees the later input steps. In aligned mode
        the convolutional front-end (``conv_filters``) is causal: each step
        reads only itself and the ``kernel - 1`` steps before it (left zero
        padding, each step normalised over its own channels), so no output
        sees a later input step, in training as at prediction.
    input_type : {"sequences", "vectors"}, default="sequences"
        Whether ``X`` holds sequences (3-D, 2-D univariate or ragged) or one
        feature vector per sample (2-D, ``mode="encoder_decoder"`` only).
    quantiles : sequence of float, default=None
        Quantile levels to forecast, strictly increasing in (0, 1), e.g.
        ``(0.1, 0.5, 0.9)`` for a median and an 80% interval. The network
        then predicts every level for every target step (sorted, so they
        never cross) and is trained with the pinball loss averaged over the
        levels, real steps and outputs instead of the squared error.
        :meth:`predict` returns the 0.5 quantile when it is one of the
        levels, otherwise the median interpolated linearly between the two
        levels around 0.5 (the nearest level when all lie on one side); in
        encoder-decoder mode that same value is fed to the next decoder
        step. Teacher forcing narrows the intervals learned for the later
        steps of a horizon; ``teacher_forcing_ratio=0`` calibrates them
        better. None: one point forecast per step, trained on the squared
        error (the conditional mean).
    future_covariates : list of int, default=None
        Columns of ``X`` whose values are known in advance for the forecast
        steps (calendar features, planned prices); encoder-decoder mode on
        numeric sequences only. Each sequence of ``X`` then ends with ``H``
        more steps, ``H`` being the horizon (the length of the targets at
        fit): the encoder reads every column of the steps before them, and
        decoder step ``t`` also gets the values of these columns at step
        ``len - H + t`` of its sequence, next to the previous output and
        the context. The other columns of the last ``H`` steps are ignored
        and may be NaN (NaN anywhere else is an error); at predict every
        sequence needs at least ``H + 1`` steps, and a model whose
        training windows had NaN there warns when a sequence's last ``H``
        steps hold values in those columns (a window given without its
        future covariate values). Ragged ``X`` ends each
        sequence with its own ``H`` future steps.
        :func:`~sklearn_rnn.preprocessing.make_windows` and
        :func:`~sklearn_rnn.preprocessing.last_windows` build such ``X``.
        ``scaling`` transforms the future values of a column as its input
        steps, with statistics from the input steps only: "standard" and
        "instance" by the column's mean and scale, "mean" and "last"
        relative to the column's mean over the input steps or its value at
        the last input step, "difference" by continuing
        the column's first differences (the first future step less the last
        input step); then standardised as the inputs. None: every step of
        ``X`` is input.
    teacher_forcing_ratio : float, default=0.5
        Probability, at each decoder step while training, of feeding the
        true previous target instead of the decoder's own prediction
        (encoder-decoder mode only).
    highway_window : int, default=0
        Encoder-decoder mode on numeric sequences: the last
        ``highway_window`` real input steps (all features, as scaled by
        ``scaling``) also feed one linear layer whose output is added to every
        decoded step, an autoregressive shortcut beside the recurrent decoder
        (the "highway" of LSTNet, Lai et al. 2018). Linear structure such as
        a trend or a seasonal pattern is then learned directly rather than
        through the recurrent state. Steps before a sequence's start count as
        zeros. Training starts from the least-squares forecast: the layer
        is set to the ridge regression of the (scaled) targets on its
        inputs over the training windows (the penalty chosen by
        leave-one-out cross-validation; at most 20,000 windows, evenly
        spaced), and the decoder's output layer to zero, when the layer
        reads at most 512 values (``highway_window`` times the input
        features); with ``early_stopping``, that start is scored on the
        validation windows before the first epoch and kept when no epoch
        beats it. 0 for none. With ``scaling=None`` the layer reads the raw
        inputs while the targets are standardised, so inputs far from unit
        scale train it poorly: keep a ``scaling`` or scale them first.
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
        Dropout between stacked layers and before the output layer.
    residual : bool, default=False
        Add the input of every recurrent layer from the second on to its
        output (a skip connection), which helps a deep stack (``num_layers``
        of 3 or more) train. The first layer has none (its input has another
        size); the input of a later layer is the previous layer's output, both
        directions concatenated when ``bidirectional``, so sizes always
        match. ``dropout`` acts on what each layer reads, not on the skip.
        With ``mode="encoder_decoder"``, the encoder's layers only: the
        decoder's stacked cells have none. Ignored for vectors
        (``input_type="vectors"``), whose encoder is a dense layer.
    layer_norm : bool, default=False
        Normalise the output of every recurrent layer (both directions
        together) with :class:`torch.nn.LayerNorm`, over the features of each
        step alone, before the skip connection of ``residual`` is added.
        With ``mode="encoder_decoder"``, the encoder's layers only: the
        decoder's stacked cells have none. Ignored for vectors
        (``input_type="vectors"``), whose encoder is a dense layer.
    embedding_dim : int, default=None
        Size of a learned token embedding when ``X`` holds integer token ids
        (e.g. from
        :class:`~sklearn_rnn.preprocessing.TokenSequenceVectorizer`); None for
        numeric features. Integer ``X`` with ``embedding_dim=None`` is read as
        numeric features, with a warning.
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
    max_iter : int or "auto", default=50
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
        Hold out the last ``validation_fraction`` of the samples, in the order
        given (the latest windows of a series cut by
        :func:`~sklearn_rnn.preprocessing.make_windows`, not a random sample,
        which overlapping windows would leak into training), and stop when
        the validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs; the weights of the best epoch are kept.
        "auto" turns it on when there are more than 10,000 training samples.
        For cross-validation over time use
        :class:`~sklearn.model_selection.TimeSeriesSplit` with ``gap`` (at
        least the horizon) between training and test windows.
    validation_fraction : float, default=0.1
        Share of the samples held out for early stopping (the last ones).
    n_iter_no_change : int, default=10
        Patience of early stopping and of the convergence rule of
        ``max_iter="auto"``: epochs without improvement before training stops.
    tol : float, default=1e-4
        Smallest decrease of the validation loss (of the training loss, without
        early stopping) that counts as an improvement.
    scaling : {"auto", "standard", "instance", "mean", "last", "difference"} \
            or None, default="auto"
        Scaling of numeric input, applied to each batch on the fly (``X`` is
        not copied) and the same way at prediction. "auto": "instance" for
        sequences in encoder-decoder mode with at most as many outputs as
        input features, "standard" otherwise (aligned mode,
        ``input_type="vectors"``, more outputs than input features).
        "standard": per feature, by the mean and standard deviation over all
        real steps of the training data. The per-window forms also transform the targets and are
        inverted on the predictions; target column ``j`` (output ``j`` of
        each step) goes with input column ``j`` of its window, so the series
        to forecast come first among the input features and ``y`` may not
        have more outputs than ``X`` has features (further input columns are
        covariates, scaled the same way):

        - "instance": each window per feature by the mean and standard
          deviation over its own real steps (RevIN-style; a window whose
          standard deviation is at most 1e-5 of its largest absolute value
          is only centred); target column ``j`` by the same mean and scale.
          Also in aligned mode, where the statistics span the whole input
          sequence: the output at step ``t`` then depends on inputs after
          ``t``, which a forecast at every step must not see (use
          "standard" there).
        - "mean": each window less its mean over its real steps, per
          feature; the targets less the mean of their input column. Unlike
          "instance", the windows keep their amplitude: one scale, from the
          training windows, serves them all.
        - "last": each window less its value at its last real step, per
          feature; the targets less the last value of their input column.
        - "difference": the first differences of each window (its first
          step becomes 0); the targets less the last value of their input
          column.

        The values of "mean", "last" and "difference" are then standardised
        by statistics of the training windows. These three apply to
        numeric sequences in encoder-decoder mode only (a ValueError
        otherwise); "instance" not to ``input_type="vectors"``. None: no
        scaling. Token input (ids) is never scaled.
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
    n_outputs_ : int
        Target values per time step.
    horizon_ : int
        Decoded steps (encoder-decoder mode); None in aligned mode.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Mean training loss (on standardised targets) of each epoch: squared
        error, or pinball loss with ``quantiles``.
    validation_scores_ : list of float
        Validation R^2 (of the scaled targets) of each epoch (only with
        ``early_stopping``), of the point forecast of :meth:`predict`.
    best_loss_ : float
        Lowest training loss, or lowest validation loss with ``early_stopping``.

    See Also
    --------
    sklearn_rnn.preprocessing.make_windows : Windows and targets from one or many series.
    sklearn_rnn.preprocessing.SequenceScaler : Per-feature scaling of sequences.
    sklearn_rnn.metrics.per_horizon_errors : Error at each step ahead.
    sklearn_rnn.metrics.interval_coverage : Coverage of a prediction interval.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import Seq2SeqRegressor
    >>> from sklearn_rnn.preprocessing import make_windows
    >>> t = np.arange(200)
    >>> series = 100 + 20 * np.sin(2 * np.pi * t / 12)
    >>> X, y = make_windows(series, input_length=24, horizon=6)
    >>> X.shape, y.shape
    ((171, 24, 1), (171, 6))
    >>> reg = Seq2SeqRegressor(
    ...     hidden_size=16, max_iter=20, learning_rate_init=0.01, random_state=0
    ... ).fit(X, y)
    >>> reg.predict(X[-2:]).shape
    (2, 6)
    >>> reg.score(X, y) > 0.9
    True

    Quantiles give prediction intervals:

    >>> reg = Seq2SeqRegressor(
    ...     quantiles=(0.1, 0.5, 0.9), hidden_size=16, max_iter=20,
    ...     learning_rate_init=0.01, random_state=0,
    ... ).fit(X, y)
    >>> reg.predict_quantiles(X[-2:]).shape
    (2, 6, 3)

    A covariate known in advance for the horizon (column 1, which drives
    the target) extends each window and reaches the decoder:

    >>> rng = np.random.RandomState(0)
    >>> c = rng.normal(size=300)
    >>> series = np.c_[3 * c, c]
    >>> X, y = make_windows(
    ...     series, input_length=8, horizon=4, targets=0, future_covariates=[1]
    ... )
    >>> X.shape, y.shape
    ((289, 12, 2), (289, 4))
    >>> reg = Seq2SeqRegressor(
    ...     future_covariates=[1], hidden_size=16, max_iter=20,
    ...     learning_rate_init=0.01, random_state=0,
    ... ).fit(X, y)
    >>> reg.score(X, y) > 0.9
    True
    """

    _parameter_constraints = {
        **BaseRecurrentEstimator._parameter_constraints,
        "mode": [StrOptions({"aligned", "encoder_decoder"})],
        "input_type": [StrOptions({"sequences", "vectors"})],
        "teacher_forcing_ratio": [Interval(Real, 0, 1, closed="both")],
        "quantiles": [None, "array-like"],
        "future_covariates": [None, "array-like"],
        "scaling": [
            StrOptions({"auto", "standard", "instance", "mean", "last", "difference"}),
            None,
        ],
        "highway_window": [Interval(Integral, 0, None, closed="left")],
        **CONV_PARAMETER_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        mode="encoder_decoder",
        input_type="sequences",
        quantiles=None,
        future_covariates=None,
        teacher_forcing_ratio=0.5,
        highway_window=0,
        cell="lstm",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        residual=False,
        layer_norm=False,
        embedding_dim=None,
        conv_filters=(),
        conv_kernel_size=(7, 5, 3),
        conv_stride=1,
        max_iter=50,
        min_steps=None,
        batch_size=64,
        learning_rate="constant",
        learning_rate_init=1e-3,
        alpha=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        scaling="auto",
        clip_grad_norm=None,
        device="auto",
        n_threads=None,
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.mode = mode
        self.input_type = input_type
        self.quantiles = quantiles
        self.future_covariates = future_covariates
        self.teacher_forcing_ratio = teacher_forcing_ratio
        self.highway_window = highway_window
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.residual = residual
        self.layer_norm = layer_norm
        self.embedding_dim = embedding_dim
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
        tags.target_tags.multi_output = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the regressor.

        Parameters
        ----------
        X : array-like
            Sequences: a 3-D array ``(n_samples, n_timesteps, n_features)``,
            a 2-D array or DataFrame ``(n_samples, n_timesteps)`` of
            univariate sequences, a list of ``(T_i, n_features)`` or
            ``(T_i,)`` arrays, or token-id sequences when ``embedding_dim``
            is set. With ``input_type="vectors"``: a 2-D array or DataFrame
            ``(n_samples, n_features)`` of feature vectors.
        y : array-like
            Target sequences: ``(n_samples, n_steps)``, ``(n_samples,
            n_steps, n_outputs)``, a list of ``(T_i,)`` or ``(T_i,
            n_outputs)`` arrays, or ``(n_samples,)`` for one step. Aligned
            mode: the lengths of ``X``. Encoder-decoder mode: one length
            ``H`` for all samples, the horizon.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : Seq2SeqRegressor
            The fitted regressor.
        """
        if self.input_type == "vectors":
            if self.mode == "aligned":
                raise ValueError(
                    "input_type='vectors' has no input steps to align targets with; use "
                    "mode='encoder_decoder' to produce a sequence from each vector."
                )
            if self.embedding_dim is not None:
                raise ValueError(
                    "embedding_dim is for token-id sequences; it cannot be used with "
                    "input_type='vectors'."
                )
        self._check_window_scaling()
        self._check_highway()
        self._future_covariate_columns()
        if self.quantiles is not None:
            check_quantiles(self.quantiles)
        return self._fit(X, y, sample_weight)

    def _without_windows(self, aligned, vectors):
        """The setting that gives no numeric input windows to an encoder-decoder, or None.

        ``aligned`` and ``vectors`` complete the description of
        ``mode='aligned'`` and of ``input_type='vectors'``; token ids (an
        ``embedding_dim``) are the third such setting.
        """
        if self.mode == "aligned":
            return f"mode='aligned'{aligned}"
        if self.input_type == "vectors":
            return f"input_type='vectors'{vectors}"
        if self.embedding_dim is not None:
            return "token ids (embedding_dim is set)"
        return None

    def _check_highway(self):
        """Raise when ``highway_window`` is set where there are no input steps to read."""
        if not self.highway_window:
            return
        where = self._without_windows(
            ", whose outputs already read every input step", " (a vector has no steps)"
        )
        if where is not None:
            raise ValueError(
                f"highway_window={self.highway_window} adds a linear map of the last input "
                f"steps to the decoded steps, which does not apply to {where}. Use "
                "highway_window=0."
            )

    def _check_window_scaling(self):
        """Raise when ``scaling`` names a per-window form the parameters cannot use."""
        if self.scaling not in SHIFT_KINDS:
            return
        level = "mean" if self.scaling == "mean" else "last value"
        where = self._without_windows(
            " (each target step would be given relative to input steps after it)",
            " (a vector has no steps)",
        )
        if where is not None:
            if self.mode == "aligned":
                instead = "scaling='instance', 'standard' or None"
            elif self.input_type == "vectors":
                instead = "scaling='standard' or None"
            else:
                instead = "scaling=None (token ids are never scaled)"
            raise ValueError(
                f"scaling={self.scaling!r} gives each window and its targets relative to "
                f"the window's {level}, which does not apply to {where}. Use {instead}."
            )

    def _future_covariate_columns(self, n_features=None):
        """``future_covariates`` as a list of int, checked (against ``n_features`` if given)."""
        if self.future_covariates is None:
            return None
        where = self._without_windows(
            " (it has no horizon after the input)", " (a vector has no time steps to extend)"
        )
        if where is not None:
            raise ValueError(
                "future_covariates feeds input columns known in advance to the decoder of "
                f"mode='encoder_decoder' on numeric sequences, not to {where}. Set "
                "future_covariates=None, or give their values as ordinary input features."
            )
        columns = np.asarray(self.future_covariates, dtype=object).ravel().tolist()
        bad = [c for c in columns if not isinstance(c, numbers.Integral) or isinstance(c, bool)]
        if bad or not columns:
            raise ValueError(
                "future_covariates must be a non-empty list of column indices (int) of X, "
                f"got {self.future_covariates!r}."
            )
        columns = [int(c) for c in columns]
        if len(set(columns)) != len(columns):
            raise ValueError(f"future_covariates repeats a column: {columns}.")
        if n_features is not None and not all(0 <= c < n_features for c in columns):
            raise ValueError(
                f"future_covariates={columns} names a column out of range: X has "
                f"{n_features} feature(s) per step, columns 0 to {n_features - 1}."
            )
        if min(columns) < 0:
            raise ValueError(
                f"future_covariates={columns} holds a negative index; give column "
                "positions from 0."
            )
        return columns

    # ------------------------------------------------------------ input layer
    def _vector_input(self):
        return self.input_type == "vectors"

    def _conv_layout(self, info):
        if info["_input_kind"] == "vectors":
            return None, "input_type='vectors' gives one feature vector per sample, without steps"
        if self.mode == "aligned":
            return CAUSAL, "mode='aligned' gives one output per input step"
        return STRIDED, None

    def _future_columns(self, reset):
        """The future covariate columns of this fit (``reset``) or of the fitted model."""
        if reset:
            return None if self.future_covariates is None else self._future_covariate_columns()
        return getattr(self, "_future_covariates", None)

    def _allows_nan(self, reset):
        return self._future_columns(reset) is not None

    def _input_part(self, data, horizon, columns):
        """The input steps of sequences that end with ``horizon`` future steps.

        Checks that every sequence is long enough and that NaN lies only in
        the columns other than ``columns`` of the future steps; replaces
        those NaN by 0 (in a new tensor ``data.X``). Returns a
        :class:`SequenceData` of the same ``X`` with the input lengths, and
        per sequence whether its future steps are NaN in every column other
        than ``columns`` (None when every column is a future covariate).
        """
        lengths = data.lengths
        short = np.flatnonzero(lengths <= horizon)
        if len(short):
            i = short[0]
            raise ValueError(
                f"With future_covariates, each sequence of X ends with the {horizon} steps "
                "of the horizon, which hold the future covariate values, after at least "
                f"one input step; X[{i}] has only {lengths[i]} steps ({len(short)} "
                f"sequence(s) have at most {horizon}). Extend each input window by the "
                "horizon's covariate values, e.g. with make_windows(..., "
                "future_covariates=...) or last_windows(..., future_covariates=..., "
                "future_values=...)."
            )
        nan = torch.isnan(data.X)
        steps = torch.arange(data.X.shape[1])[None, :]
        lengths_t = data.lengths_t[:, None]
        future = (steps >= lengths_t - horizon) & (steps < lengths_t)
        others = np.setdiff1d(np.arange(data.X.shape[2]), columns)
        empty = None
        if len(others):
            empty = (nan[:, :, torch.from_numpy(others)].all(-1) | ~future).all(1).numpy()
        if nan.any():
            if (nan & ~future[..., None]).any():
                raise ValueError(
                    "Input X contains NaN in the input steps. Remove or impute missing "
                    "values; NaN may only fill the columns other than future_covariates "
                    "in the last horizon steps of each sequence."
                )
            if nan[..., columns].any():
                raise ValueError(
                    "Input X contains NaN in a future_covariates column of the horizon; "
                    "the values of future_covariates must be known for every step of the "
                    "horizon."
                )
            data.X = torch.where(nan, 0.0, data.X)
        return SequenceData(data.X, lengths - horizon), empty

    def _future_scaling(self, data, kind, info, horizon, columns, reset):
        """The :class:`FutureCovariateScaling` of ``data``, its statistics from the input steps.

        At fit, records whether the columns other than ``columns`` were NaN in
        every horizon step (the layout of ``make_windows``), and warns when
        they were NaN in no sequence's horizon (windows cut without their
        future covariate values, most likely); at predict, warns
        when such a model gets sequences whose horizon steps hold values there,
        the sign of windows given without their future covariate values.
        """
        inputs, empty = self._input_part(data, horizon, columns)
        if reset:
            info["_future_empty"] = empty is not None and bool(empty.all())
            if empty is not None and not empty.any():
                warnings.warn(
                    "With future_covariates, the last "
                    f"{horizon} steps of each training sequence are read as the horizon "
                    "(the values of future_covariates for the forecast steps) and the "
                    "encoder reads only the steps before, but no sequence of X has NaN in "
                    f"the other columns of its last {horizon} steps, as the windows of "
                    "make_windows(..., future_covariates=...) have. If X holds only past "
                    "steps, cut the windows with make_windows(..., future_covariates=...).",
                    UserWarning,
                    stacklevel=_caller_stacklevel(),
                )
        elif getattr(self, "_future_empty", False) and empty is not None and not empty.all():
            i = int(np.flatnonzero(~empty)[0])
            warnings.warn(
                f"X[{i}] holds values outside the future_covariates columns in its last "
                f"{horizon} steps, which this model reads as the horizon (the values of "
                f"future_covariates for the {horizon} forecast steps), whereas they were NaN "
                f"in every training window ({int((~empty).sum())} sequence(s) like this). "
                "If X holds only past steps, append the horizon's covariate values, e.g. "
                "with last_windows(..., future_covariates=..., future_values=...) giving "
                f"{horizon} future values.",
                UserWarning,
                stacklevel=_caller_stacklevel(),
            )
        inner = self._sequence_scaling(inputs, kind, info, reset)
        return FutureCovariateScaling(inner, horizon, columns)

    def _check_targets(self, y, n, lengths, *, fit):
        """Validate ``y``; return ``(padded (n, T, k) float32, y_lengths, step_scalar)``."""
        if y is None:
            raise ValueError("Seq2SeqRegressor requires y to be passed, but the target y is None.")
        if _is_one_dim(y):
            a = check_array(y, ensure_2d=False, dtype=np.float32, input_name="y")
            padded, y_lengths, layout = a.reshape(-1, 1, 1), np.ones(len(a), np.int64), "1d"
        else:
            padded, y_lengths, layout = check_sequences(y, name="y")
        step_scalar = layout in ("1d", "table") or (
            layout == "ragged" and all(np.ndim(v) == 1 for v in y)
        )
        if len(padded) != n:
            raise ValueError(f"X has {n} samples but y has {len(padded)}; they must match.")
        if self.mode == "aligned":
            bad = np.flatnonzero(y_lengths != lengths)
            if len(bad):
                i = bad[0]
                raise ValueError(
                    "mode='aligned' needs one target per input step, but sample "
                    f"{i} has {lengths[i]} input steps and {y_lengths[i]} target steps "
                    f"({len(bad)} sample(s) differ). Give y the lengths of X, or use "
                    "mode='encoder_decoder' for targets of another length."
                )
        elif y_lengths.min() != y_lengths.max():
            raise ValueError(
                "mode='encoder_decoder' needs target sequences of one length (the "
                f"horizon), but y has lengths from {y_lengths.min()} to {y_lengths.max()}."
            )
        elif not fit and y_lengths[0] != self.horizon_:
            raise ValueError(
                f"y has a horizon of {y_lengths[0]} steps, but this model was fitted "
                f"to predict {self.horizon_} steps; give y with {self.horizon_} steps."
            )
        if not fit and padded.shape[2] != self.n_outputs_:
            raise ValueError(
                f"y has {padded.shape[2]} outputs per step, but this model was fitted "
                f"with {self.n_outputs_}."
            )
        return padded, y_lengths, step_scalar

    def _scaling_form(self, kind, reset):
        """``scaling`` with "auto" resolved; at predict, the form of the fit."""
        if not reset:
            return super()._scaling_form(kind, reset)
        if self.scaling != "auto":
            return self.scaling
        sequences = kind == "sequences" and self.mode == "encoder_decoder"
        return AUTO_SCALING if sequences else "standard"

    def _input_scaling(self, data, kind, info, reset):
        """The per-batch scaling of ``X``; see :meth:`_sequence_scaling`.

        With future covariates, the input steps give the statistics (see
        :meth:`_future_scaling`); at fit that waits for the horizon, which
        ``y`` gives (:meth:`_encode_targets`).
        """
        columns = self._future_columns(reset)
        if columns is None:
            return self._sequence_scaling(data, kind, info, reset)
        if reset:
            info["_scaling"] = self._scaling_form(kind, reset)
            return None
        return self._future_scaling(data, kind, info, self.horizon_, columns, reset)

    def _sequence_scaling(self, data, kind, info, reset):
        """The per-batch scaling of ``X``; "mean", "last", "difference" standardise afterwards.

        The statistics of the per-window values come from the training
        windows (see :func:`~sklearn_rnn._scaling.window_moments`) and are
        stored as ``_x_mean`` and ``_x_scale``, like those of "standard".
        The form used (``scaling`` with "auto" resolved) is stored as
        ``_scaling``.
        """
        scaling = self._scaling_form(kind, reset)
        if reset:
            info["_scaling"] = scaling
        if scaling not in SHIFT_KINDS:
            return super()._input_scaling(data, kind, info, reset)
        if reset and scaling == "difference" and data.lengths.min() < 2:
            raise ValueError(
                "scaling='difference' needs windows of at least 2 steps, but X holds a "
                f"window of {data.lengths.min()} step; use longer windows or "
                "scaling='last'."
            )
        keep = not reset or (self.warm_start and hasattr(self, "net_"))
        if keep and hasattr(self, "_x_mean"):
            mean, scale = self._x_mean, self._x_scale
        else:
            mean, scale = window_moments(data.X, data.lengths, scaling)
            mean, scale = mean.astype(np.float32), scale.astype(np.float32)
        if reset:
            info.update(_x_mean=mean, _x_scale=scale)
        return BatchScaling(scaling, mean, scale)

    def _standard_instead(self, data):
        """Scale ``data`` with "standard" (``scaling="auto"`` when no window form applies).

        Sets ``data.scaling`` and returns the fitted input attributes it replaces.
        """
        future = data.scaling if isinstance(data.scaling, FutureCovariateScaling) else None
        if self.warm_start and hasattr(self, "net_") and hasattr(self, "_x_mean"):
            mean, scale = self._x_mean, self._x_scale
        else:
            lengths = data.lengths if future is None else data.lengths - future.horizon
            mean, scale = standard_scaling(data.X.numpy(), lengths)
            mean, scale = mean.astype(np.float32), scale.astype(np.float32)
        data.scaling = BatchScaling("standard", mean, scale)
        if future is not None:
            data.scaling = FutureCovariateScaling(data.scaling, future.horizon, future.columns)
        return {"_scaling": "standard", "_x_mean": mean, "_x_scale": scale}

    def _target_window(self, data):
        """The per-window form applied to the targets of ``data``'s windows, or None.

        "instance", "mean", "last" and "difference" on numeric sequences: target
        column ``j`` is given relative to input column ``j`` of its window.
        """
        if data.scaling is None or data.scaling.kind not in WINDOW_KINDS:
            return None
        return data.scaling.kind

    def _window_statistics(self, data, kind, n_outputs):
        """float64 ``(offset, scale)`` of shape ``(n, 1, n_outputs)`` of each window."""
        lengths = data.lengths_t
        if isinstance(data.scaling, FutureCovariateScaling):  # the input steps only
            lengths = lengths - data.scaling.horizon
        offset, scale = window_statistics(data.X, lengths, kind)
        return (v[:, :, :n_outputs].cpu().numpy() for v in (offset, scale))

    # ----------------------------------------------------------------- hooks
    def _encode_targets(self, y, data):
        padded, y_lengths, step_scalar = self._check_targets(y, len(data), data.lengths, fit=True)
        columns = None
        if self.future_covariates is not None:
            columns = self._future_covariate_columns(data.X.shape[2])
        future = {"_future_covariates": columns}
        if columns is not None:
            horizon = int(y_lengths[0])
            data.scaling = self._future_scaling(data, "sequences", future, horizon, columns, True)
        window = self._target_window(data)
        fallback = {}
        if window is not None and padded.shape[2] > data.X.shape[2] and self.scaling == "auto":
            fallback = self._standard_instead(data)
            window = None
        if window is not None:
            n_features = data.X.shape[2]
            if padded.shape[2] > n_features:
                raise ValueError(
                    f"scaling={self.scaling!r} gives target column j relative to input "
                    f"column j of its window, but y has {padded.shape[2]} outputs per step "
                    f"and X only {n_features} feature(s). Put the series to forecast first "
                    "among the input features, or use scaling='standard' or None."
                )
            offset, w_scale = self._window_statistics(data, window, padded.shape[2])
            padded = (padded - offset) / w_scale
        if self.warm_start and hasattr(self, "net_") and padded.shape[2] == self.n_outputs_:
            mean, scale = self._y_mean, self._y_scale
        else:
            mean, scale = (v.astype(np.float32) for v in standard_scaling(padded, y_lengths))
        y_t = torch.from_numpy(((padded - mean) / scale).astype(np.float32))
        info = {
            "n_outputs_": padded.shape[2],
            "horizon_": int(y_lengths[0]) if self.mode == "encoder_decoder" else None,
            "_y_mean": mean,
            "_y_scale": scale,
            "_y_window": window,
            "_y_step_scalar": step_scalar,
            "_y_one_dim": _is_one_dim(y),
            **future,
            **fallback,
            "_quantiles": None if self.quantiles is None else check_quantiles(self.quantiles),
            "_ragged_outputs": self.mode == "aligned"
            and (not data.equal_lengths or self._warm_and_ragged()),
        }
        equal = y_lengths.min() == y_lengths.max()
        return y_t, None if equal else y_lengths, None, info

    _free_target_info = ("_ragged_outputs",)

    def _warm_and_ragged(self):
        """Whether this fit continues a model whose outputs are ragged (they stay so)."""
        return self.warm_start and getattr(self, "_ragged_outputs", False)

    def _make_module(self, info, target_info):
        params = self._encoder_params(info)
        levels = target_info["_quantiles"]
        n_quantiles = None if levels is None else len(levels)
        if self.mode == "aligned":
            return AlignedSeq2SeqModule(
                n_outputs=target_info["n_outputs_"],
                dropout=self.dropout,
                n_quantiles=n_quantiles,
                **params,
            )
        return EncoderDecoderModule(
            n_outputs=target_info["n_outputs_"],
            horizon=target_info["horizon_"],
            dropout=self.dropout,
            teacher_forcing_ratio=self.teacher_forcing_ratio,
            vector_input=self.input_type == "vectors",
            n_quantiles=n_quantiles,
            point_weights=None if levels is None else _median_weights(levels),
            highway_window=self.highway_window,
            future_covariates=target_info.get("_future_covariates"),
            **params,
        )

    def _prepare_module(self, module, data, plan, train_rows=None, warm=False):
        """Start the highway (``highway_window``) from least squares on the training part.

        A warm-started fit keeps the trained highway. The start is a fitted
        linear forecast: with early stopping, the epochs must beat it on the
        validation windows, and it is kept when none does.
        """
        if warm or getattr(module, "highway", None) is None:
            return False
        # the training part of the time-ordered split: the first windows
        n = len(data) if train_rows is None else len(train_rows)
        return highway_start(module, data, n) is not None

    def _make_criterion(self):
        if self.quantiles is None:
            return nn.MSELoss(reduction="none")
        return _PinballLoss(check_quantiles(self.quantiles))

    def _validation_split(self, seeds, stratify):
        """The last ``validation_fraction`` of the samples, in order (windows in time)."""
        return TimeOrderedSplit(self.validation_fraction)

    def _valid_score_fns(self):
        if self.quantiles is None:
            return _r2_stats, _r2
        return _point_stats(_r2_stats, _median_weights(check_quantiles(self.quantiles))), _r2

    # ------------------------------------------------------------- inference
    def predict(self, X):
        """Predict a target sequence for each sample.

        Parameters
        ----------
        X : array-like
            Sequences (or vectors), in any format accepted by :meth:`fit`.

        Returns
        -------
        y_pred : ndarray
            On the scale of the targets given to :meth:`fit`, with their
            layout: ``(n_samples, n_steps)`` when each step was one value,
            ``(n_samples, n_steps, n_outputs)`` otherwise, and
            ``(n_samples,)`` when ``y`` was 1-D. In aligned mode,
            ``n_steps`` is the length of each input sequence; when those
            differ, or when ``X`` is a list of sequences and the training
            sequences differed in length (so that the predictions of any
            part of a list join with ``np.concatenate``, as in
            ``cross_val_predict``), a 1-D object array of ``(T_i,)`` or
            ``(T_i, n_outputs)`` arrays, one per sample.
        """
        check_is_fitted(self, "net_")
        return self._predict_checked(self._check_X(X, reset=False)[0])

    def _predict_checked(self, data):
        """Predictions for a :class:`SequenceData` already checked by ``_check_X``."""
        out = self._forward(data)
        levels = getattr(self, "_quantiles", None)
        if levels is not None:  # the median of the quantile outputs
            out = (out.double() * torch.from_numpy(_median_weights(levels))).sum(-1)
        return self._decode(out, data)

    def _decode(self, out, data):
        """Standardised ``(n, T, n_outputs)`` network outputs in the layout of ``y`` at fit."""
        out = out.numpy().astype(np.float64)
        out = self._decode_outputs(out, data)
        if self._y_step_scalar:
            out = out[:, :, 0]
        # sequences of one length in a list, to a model trained on ragged ones: ragged
        # too, so that the predictions of parts of a list join (cross_val_predict)
        listed = getattr(self, "_ragged_outputs", False) and getattr(data, "ragged_input", False)
        if self.mode == "aligned" and (listed or not data.equal_lengths):
            return as_ragged(o[:t] for o, t in zip(out, data.lengths, strict=True))
        if self.mode == "aligned":
            out = out[:, : data.lengths[0]]
        if self._y_one_dim and out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        return out

    @available_if(_has_quantiles)
    def predict_quantiles(self, X):
        """Predict the quantiles of every target step (with ``quantiles``).

        Parameters
        ----------
        X : array-like
            Sequences (or vectors), in any format accepted by :meth:`fit`.

        Returns
        -------
        y_quantiles : ndarray
            On the scale of the targets given to :meth:`fit`, increasing
            along the quantiles. One target per step: ``(n_samples, n_steps,
            n_quantiles)``, ``(n_samples, n_quantiles)`` when ``y`` was 1-D.
            Several outputs per step: ``(n_samples, n_steps, n_outputs *
            n_quantiles)``, output ``o`` at quantile ``j`` in column ``o *
            n_quantiles + j`` (``[..., j::n_quantiles]`` selects quantile
            ``j`` of every output). In aligned mode with ragged outputs (as
            :meth:`predict` gives them), a 1-D object array of ``(T_i,
            n_quantiles)`` or ``(T_i, n_outputs * n_quantiles)`` arrays, one
            per sample.
        """
        check_is_fitted(self, "net_")
        levels = getattr(self, "_quantiles", None)
        if levels is None:
            raise ValueError(
                "This model was fitted with quantiles=None; fit it again with quantiles, "
                "e.g. quantiles=(0.1, 0.5, 0.9), to predict quantiles."
            )
        data = self._check_X(X, reset=False)[0]
        out = self._forward(data)
        parts = [self._decode(out[..., j], data) for j in range(len(levels))]
        if parts[0].dtype == object:  # ragged aligned outputs
            return as_ragged(
                self._join_quantiles([p[i] for p in parts]) for i in range(len(parts[0]))
            )
        return self._join_quantiles(parts)

    def _join_quantiles(self, parts):
        """Stack per-quantile arrays on a last axis, merged with the outputs' axis if any."""
        out = np.stack(parts, axis=-1)
        if not self._y_step_scalar:  # (..., n_outputs, n_quantiles) -> one column each
            out = out.reshape(*out.shape[:-2], -1)
        return out

    def _decode_outputs(self, out, data):
        """Network outputs ``(n, steps, n_outputs)`` back on the scale of the targets."""
        out = out * self._y_scale.astype(np.float64) + self._y_mean.astype(np.float64)
        window = getattr(self, "_y_window", None)
        if window is not None:
            offset, scale = self._window_statistics(data, window, out.shape[2])
            out = out * scale + offset
        return out

    def score(self, X, y, sample_weight=None):
        """R^2 over all real time steps and outputs.

        Every real step of every sample is one observation (padding never
        counts); R^2 is averaged over the outputs. See
        :func:`sklearn_rnn.metrics.sequence_r2_score`.

        Parameters
        ----------
        X : array-like
            Sequences (or vectors), in any format accepted by :meth:`fit`.
        y : array-like
            True target sequences, in any format accepted by :meth:`fit`.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of every step of each sample.

        Returns
        -------
        score : float
            R^2 (at most 1.0, never NaN) of :meth:`predict` (the median with
            ``quantiles``).
        """
        check_is_fitted(self, "net_")
        data, _ = self._check_X(X, reset=False)
        self._check_targets(y, len(data), data.lengths, fit=False)
        y_pred = self._predict_checked(data)
        return sequence_r2_score(y, y_pred, sample_weight=sample_weight)
