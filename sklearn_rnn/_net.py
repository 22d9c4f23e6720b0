"""The skorch net the estimators hold, and the callbacks they add to it.

:class:`SequenceNet` overrides these skorch methods: ``get_dataset`` (the
data is already a :class:`~sklearn_rnn._sequences.SequenceData`),
``get_iterator`` (tensor-indexed, length-bucketed batches), ``get_loss``
(masked, weighted mean), ``train_step_single`` (targets for teacher
forcing), ``fit_loop`` (tells an interrupt from early stopping),
``initialize`` (the shuffling generator) and the private ``_set_training``
(see :mod:`sklearn_rnn._compat`). Callbacks, history, early stopping,
clipping and checkpoints stay skorch's.
"""

import copy
import math

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping

from sklearn_rnn._sequences import SequenceData, iter_batch_indices, masked_mean, to_device


class BatchIterator:
    """Re-iterable batches of a :class:`SequenceData` or a ``Subset`` of one.

    Batches are taken by indexing whole tensors (no per-sample
    ``__getitem__`` or collation) and trimmed to their longest sequence.

    Parameters
    ----------
    dataset : SequenceData or torch.utils.data.Subset
        The data.
    batch_size : int
        Samples per batch.
    shuffle : bool
        Whether to shuffle (training) or keep descending-length order.
    rng : numpy.random.Generator or None
        Shuffling randomness.
    device : str or torch.device, default=None
        Where the batches go (see :func:`~sklearn_rnn._sequences.to_device`);
        None leaves them where the data is.
    """

    def __init__(self, dataset, batch_size, shuffle, rng, device=None):
        if isinstance(dataset, torch.utils.data.Subset):
            self.data = dataset.dataset
            self.indices = np.asarray(dataset.indices, dtype=np.int64)
        else:
            self.data = dataset
            self.indices = np.arange(len(dataset))
        self.lengths = self.data.lengths[self.indices]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.device = device

    def __len__(self):
        return math.ceil(len(self.indices) / self.batch_size)

    def __iter__(self):
        batches = iter_batch_indices(
            self.lengths, self.batch_size, shuffle=self.shuffle, rng=self.rng
        )
        for batch in batches:
            batch = self.data.batch(self.indices[batch])
            yield batch if self.device is None else to_device(batch, self.device)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` with tensor-indexed, length-bucketed batches.

    Parameters
    ----------
    shuffle_seed : int, default=None
        Seed of the batch shuffling.
    **kwargs : dict
        Passed to :class:`skorch.NeuralNet`.
    """

    def __init__(self, *args, shuffle_seed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shuffle_seed = shuffle_seed

    def initialize(self):
        """Initialize the net and the shuffling random generator."""
        self.shuffle_rng_ = np.random.default_rng(self.shuffle_seed)
        return super().initialize()

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        """skorch's fit loop; records whether a ``KeyboardInterrupt`` ended it.

        skorch ends training quietly on ``KeyboardInterrupt``, the signal its
        early stopping uses too; ``interrupted_`` tells the two apart.
        """
        self.interrupted_ = False
        self.stopped_early_ = False
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            self.interrupted_ = not self.stopped_early_
            raise

    def _set_training(self, training=True):
        """Switch train/eval mode only when it changes (skorch calls this every batch)."""
        if self.module_.training != training:
            super()._set_training(training)

    def get_dataset(self, X, y=None):
        """Return ``X``, which is already a :class:`SequenceData`."""
        if not isinstance(X, SequenceData):
            raise TypeError("SequenceNet expects a SequenceData.")
        return X

    def get_iterator(self, dataset, training=False):
        """Return tensor-indexed batches, shuffled when training."""
        return BatchIterator(
            dataset,
            self.batch_size,
            shuffle=training,
            rng=self.shuffle_rng_ if training else None,
            device=self.device,
        )

    def train_step_single(self, batch, **fit_params):
        """One training step; passes the batch targets to modules that use them.

        A module with ``takes_targets = True`` (e.g. a decoder trained with
        teacher forcing) gets the targets as ``forward(..., y=targets)``,
        in training only.
        """
        if getattr(self.module_, "takes_targets", False):
            y = batch[1]
            fit_params = {**fit_params, "y": y["y"] if isinstance(y, dict) else y}
        return super().train_step_single(batch, **fit_params)

    def validation_step(self, batch, **fit_params):
        """One validation step; modules that use targets get them as in training.

        Such a module decides itself what the targets mean outside training
        (a token decoder reads the true previous tokens, so that the
        validation loss is the targets' negative log-likelihood).
        """
        if getattr(self.module_, "uses_targets_in_eval", False):
            y = batch[1]
            fit_params = {**fit_params, "y": y["y"] if isinstance(y, dict) else y}
        return super().validation_step(batch, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Mean of the unreduced criterion over real steps, weighted by sample.

        ``criterion_`` must return per-element losses (``reduction="none"``);
        ``y_true`` is a tensor or the dict built by :meth:`SequenceData.batch`.
        """
        lengths = sample_weight = None
        if isinstance(y_true, dict):
            lengths = y_true.get("lengths")
            sample_weight = y_true.get("sample_weight")
            y_true = y_true["y"]
        losses = self.criterion_(y_pred, y_true.to(y_pred.device, non_blocking=True))
        return masked_mean(losses, lengths, sample_weight)


class TimeOrderedSplit:
    """Hold out the last samples, in the order given, as the validation set.

    The train split of a net whose samples are windows of a series in time
    order: the validation windows come after every training window, so
    that overlapping windows cannot carry validation values into training
    as a random sample would.

    Parameters
    ----------
    fraction : float
        Share of the samples held out, rounded up to whole samples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn._net import TimeOrderedSplit
    >>> train, valid = TimeOrderedSplit(0.25)(np.arange(10))
    >>> train.indices.tolist(), valid.indices.tolist()
    ([0, 1, 2, 3, 4, 5, 6], [7, 8, 9])
    """

    def __init__(self, fraction):
        self.fraction = fraction

    def __call__(self, dataset, y=None, groups=None):
        """``(train, valid)`` subsets of ``dataset``: all but the last share, then the rest."""
        n = len(dataset)
        n_valid = math.ceil(n * self.fraction)
        if not 0 < n_valid < n:
            raise ValueError(
                f"validation_fraction={self.fraction} holds out {n_valid} of {n} samples; "
                "at least one sample must be left on each side."
            )
        indices = np.arange(n)
        return (
            torch.utils.data.Subset(dataset, indices[: n - n_valid]),
            torch.utils.data.Subset(dataset, indices[n - n_valid :]),
        )


class NonFiniteLossStop(Callback):
    """Stop training with an error when the training loss is NaN or infinite."""

    def on_epoch_end(self, net, **kwargs):
        """Raise ``FloatingPointError`` if the epoch's mean loss is not finite."""
        loss = net.history[-1, "train_loss"]
        if not math.isfinite(loss):
            epoch = net.history[-1, "epoch"]
            raise FloatingPointError(
                f"The training loss became {loss} in epoch {epoch}; training was "
                "stopped. Set clip_grad_norm (e.g. 1.0) to clip exploding "
                "gradients, or use a smaller learning_rate_init."
            )


class ValidationScore(Callback):
    """Record a score on the validation batches, from the outputs already computed.

    Parameters
    ----------
    batch_stats : callable
        ``batch_stats(y_pred, y_true, lengths) -> torch.Tensor`` of sufficient
        statistics, summed over batches; ``lengths`` are the real lengths of
        per-step targets, or None.
    score : callable
        ``score(stats) -> float``.
    """

    def __init__(self, batch_stats, score):
        self.batch_stats = batch_stats
        self.score = score

    def on_epoch_begin(self, net, **kwargs):
        """Reset the statistics."""
        self.stats_ = None

    def on_batch_end(self, net, batch, training, y_pred=None, **kwargs):
        """Add the statistics of one validation batch."""
        if training:
            return
        y_true, lengths = batch[1], None
        if isinstance(y_true, dict):
            y_true, lengths = y_true["y"], y_true.get("lengths")
        with torch.no_grad():
            stats = self.batch_stats(y_pred, y_true.to(y_pred.device), lengths)
        self.stats_ = stats if self.stats_ is None else self.stats_ + stats

    def on_epoch_end(self, net, dataset_valid=None, **kwargs):
        """Write ``valid_score`` into the history."""
        if self.stats_ is not None:
            net.history.record("valid_score", float(self.score(self.stats_.cpu())))


class StopEarly(EarlyStopping):
    """skorch's ``EarlyStopping`` that marks the net when it stops, with a floor.

    Parameters
    ----------
    min_epochs : int, default=0
        Epochs of each ``fit`` call before stopping may happen; epochs without
        improvement still count, so training stops at the first epoch past
        the floor that ends a run of ``patience`` of them.
    keep_start : bool, default=False
        Score the weights before the first epoch of each call on the
        validation set too (``monitor`` must be ``"valid_loss"``): epochs
        must beat them, and they are restored (with ``load_best``) when
        none does. For a module whose start is itself a fitted model (the
        least-squares highway of a forecast). The score is ``start_loss_``.
    **kwargs : dict
        Passed to :class:`skorch.callbacks.EarlyStopping`.
    """

    def __init__(self, *, min_epochs=0, keep_start=False, **kwargs):
        super().__init__(**kwargs)
        self.min_epochs = min_epochs
        self.keep_start = keep_start

    def on_train_begin(self, net, **kwargs):
        """Reset the counters; remember where this call's epochs start."""
        super().on_train_begin(net, **kwargs)
        self.start_rows_ = len(net.history)
        self.start_loss_ = None

    def on_epoch_begin(self, net, dataset_valid=None, **kwargs):
        """With ``keep_start``, score the weights before this call's first epoch."""
        first = len(net.history) - self.start_rows_ == 1
        if not (self.keep_start and first and dataset_valid is not None):
            return
        if self.monitor != "valid_loss" or not self.lower_is_better:
            return
        total, count = 0.0, 0
        for batch in net.get_iterator(dataset_valid, training=False):
            n = len(batch[1]["y"] if isinstance(batch[1], dict) else batch[1])
            total += float(net.validation_step(batch)["loss"]) * n
            count += n
        if not count:
            return
        self.start_loss_ = total / count
        self.dynamic_threshold_ = self._calc_new_threshold(self.start_loss_)
        self.best_epoch_ = net.history[-1, "epoch"] - 1
        if self.load_best:
            self.best_model_weights_ = copy.deepcopy(net.module_.state_dict())
        keeper = dict(net.callbacks_).get("keep_best_on_interrupt")
        if keeper is not None and keeper.monitor == self.monitor:  # an interrupt keeps it too
            keeper.consider(net, self.start_loss_, self.best_epoch_)

    def on_epoch_end(self, net, **kwargs):
        """Check for improvement; mark ``net.stopped_early_`` before stopping."""
        if len(net.history) - self.start_rows_ < self.min_epochs:
            patience = self.patience
            self.patience = math.inf  # misses are counted, stopping waits
            try:
                super().on_epoch_end(net, **kwargs)
            finally:
                self.patience = patience
            self.misses_ = min(self.misses_, self.patience - 1)
            return
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            net.stopped_early_ = True
            raise


class KeepBestOnInterrupt(Callback):
    """On ``KeyboardInterrupt``, restore the weights of the best epoch so far.

    Keeps a copy of the module's weights at each epoch that improves
    ``monitor``. When training is interrupted, the
    unfinished epoch is dropped from the history and the best weights of
    this call are loaded back; when no epoch of this call finished, the
    interrupt is raised again (nothing was learnt that could be kept).

    Parameters
    ----------
    monitor : str
        History key to watch, e.g. ``"train_loss"`` or ``"valid_loss"``.
    lower_is_better : bool, default=True
        Whether a lower value of ``monitor`` is an improvement.
    """

    def __init__(self, monitor="train_loss", lower_is_better=True):
        self.monitor = monitor
        self.lower_is_better = lower_is_better

    def on_train_begin(self, net, **kwargs):
        """Forget the previous call's best weights."""
        self.best_score_ = math.inf if self.lower_is_better else -math.inf
        self.best_epoch_ = None
        self.best_weights_ = None
        self.complete_rows_ = len(net.history)  # rows of earlier calls (warm start)

    def on_epoch_end(self, net, **kwargs):
        """Copy the weights when the epoch improves ``monitor``."""
        row = net.history[-1]
        self.complete_rows_ = len(net.history)
        score = row.get(self.monitor)
        if score is not None:
            self.consider(net, score, row["epoch"])

    def consider(self, net, score, epoch):
        """Copy the module's weights if ``score`` improves on the best so far.

        Parameters
        ----------
        net : skorch.NeuralNet
            The net being trained.
        score : float
            The ``monitor`` value of its current weights.
        epoch : int
            Their epoch (0 before the first of a fit: a start scored by
            :class:`StopEarly` with ``keep_start``).
        """
        better = score < self.best_score_ if self.lower_is_better else score > self.best_score_
        if better:
            self.best_score_ = score
            self.best_epoch_ = epoch
            self.best_weights_ = {
                k: v.detach().clone() for k, v in net.module_.state_dict().items()
            }

    def on_train_end(self, net, **kwargs):
        """After an interrupt: drop the unfinished epoch and load the best weights."""
        best, self.best_weights_ = self.best_weights_, None  # no copy kept in the model
        if not getattr(net, "interrupted_", False):
            return
        del net.history[self.complete_rows_ :]
        if best is None:
            raise KeyboardInterrupt
        net.module_.load_state_dict(best)


class WeightAveraging(Callback):
    """Average the weights of the last epochs and keep the average.

    From epoch ``start_epoch`` of a call to ``fit`` (1-based) to its last,
    the module's parameters at the end of each epoch enter a running mean,
    which replaces the parameters when training ends (Polyak averaging, as in
    stochastic weight averaging). The average smooths the epoch-to-epoch
    jitter of a model that fits its training data quickly, such as a text
    classifier. Buffers (e.g. batch-norm statistics) keep their last values.
    An interrupted fit keeps the weights ``KeepBestOnInterrupt`` chooses.

    Parameters
    ----------
    start_epoch : int
        First epoch of this call whose weights are averaged.
    """

    def __init__(self, start_epoch):
        self.start_epoch = start_epoch

    def on_train_begin(self, net, **kwargs):
        """Start a new average."""
        self.first_row_ = len(net.history)
        self.n_averaged_ = 0
        self.average_ = None

    def on_epoch_end(self, net, **kwargs):
        """Add this epoch's parameters to the running mean."""
        if len(net.history) - self.first_row_ < self.start_epoch:
            return
        params = {k: v.detach() for k, v in net.module_.named_parameters()}
        self.n_averaged_ += 1
        if self.average_ is None:
            self.average_ = {k: v.clone() for k, v in params.items()}
            return
        for k, v in params.items():
            self.average_[k].lerp_(v, 1.0 / self.n_averaged_)

    def on_train_end(self, net, **kwargs):
        """Load the average into the module (not after an interrupt)."""
        average, self.average_ = self.average_, None  # no copy kept in the model
        if average is None or getattr(net, "interrupted_", False):
            return
        with torch.no_grad():
            for k, v in net.module_.named_parameters():
                v.copy_(average[k])
