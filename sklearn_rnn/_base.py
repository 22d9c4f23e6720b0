"""BaseRecurrentEstimator: shared parameters, the fit template and the skorch net."""

import contextlib
import copy
import copyreg
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names,
    _check_n_features,
    _check_sample_weight,
    _get_feature_names,
    check_is_fitted,
)
from skorch.callbacks import GradientNormClipping, ProgressBar
from skorch.dataset import ValidSplit

from sklearn_rnn._net import (
    KeepBestOnInterrupt,
    NonFiniteLossStop,
    SequenceNet,
    StopEarly,
    ValidationScore,
)
from sklearn_rnn._sequences import (
    SequenceData,
    check_sequences,
    fits_on_device,
    holds_integers,
    iter_batch_indices,
    to_device,
)

_SEED_MAX = 2**31 - 1
# Largest float32: step sizes and penalties beyond it overflow inside torch.
_FLOAT32_MAX = float(np.finfo(np.float32).max)
# Per-step work (multiply-adds) below which one torch thread beats several.
_SINGLE_THREAD_WORK = 2_000_000


def _pad_time(out, length):
    """Zero-pad axis 1 (time) of ``out`` to ``length``."""
    if out.shape[1] == length:
        return out
    pad = out.new_zeros((out.shape[0], length - out.shape[1], *out.shape[2:]))
    return torch.cat([out, pad], dim=1)


def _seen_ids(padded, lengths):
    """Boolean mask over ids ``0..max``: which ids occur in the real steps."""
    real = np.arange(padded.shape[1]) < lengths[:, None]
    return np.bincount(padded[real], minlength=int(padded.max()) + 1) > 0


def _noop(*args, **kwargs):
    """Sink that prints nothing."""


def resolve_device(device):
    """Return a torch device string for ``device`` ("auto" picks cuda when available)."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a valid torch device; use 'auto', 'cpu', 'cuda' "
            "or 'accelerate'."
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available; use "
            "device='auto' or 'cpu'."
        )
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} was requested but there are only "
            f"{torch.cuda.device_count()} CUDA device(s); use device='cuda' or 'cuda:0'."
        )
    return str(dev)


@contextlib.contextmanager
def torch_threads(n_threads):
    """Use ``n_threads`` torch threads inside the block, then restore the old count."""
    old = torch.get_num_threads()
    if n_threads is None or n_threads == old:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def _flushing_denormals():
    """Whether the CPU currently flushes denormal floats to zero."""
    return (torch.tensor([1e-39]) * 1.0).item() == 0.0


@contextlib.contextmanager
def cpu_settings(n_threads):
    """Torch threads and denormal flushing for a fit or predict, restored afterwards.

    Denormal floats (below 1.2e-38) make CPU arithmetic many times slower; they
    appear in long training runs (e.g. in Adam's second-moment estimates) and
    change no result that matters, so they are flushed to zero meanwhile.
    """
    with torch_threads(n_threads):
        if _flushing_denormals() or not torch.set_flush_denormal(True):
            yield
            return
        try:
            yield
        finally:
            torch.set_flush_denormal(False)


@contextlib.contextmanager
def seeded(seed, device):
    """Seed torch inside the block without changing the caller's random state."""
    devices = []
    if device.startswith("cuda"):
        devices = [torch.device(device).index or torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        torch.random.default_generator.manual_seed(seed)
        if devices:
            with torch.cuda.device(devices[0]):
                torch.cuda.manual_seed(seed)
        yield


@contextlib.contextmanager
def _restored_on_failure(net):
    """Put a trained net back as it was if the block raises (a failed warm start)."""
    state = {
        "weights": copy.deepcopy(net.module_.state_dict()),
        "optimizer": copy.deepcopy(net.optimizer_.state_dict()),
        "history": list(net.history),
        "rng": net.shuffle_rng_.bit_generator.state,
        "max_epochs": net.max_epochs,
        "batch_size": net.batch_size,
    }
    try:
        yield
    except BaseException:
        net.module_.load_state_dict(state["weights"])
        net.optimizer_.load_state_dict(state["optimizer"])
        net.history[:] = state["history"]
        net.shuffle_rng_.bit_generator.state = state["rng"]
        net.max_epochs, net.batch_size = state["max_epochs"], state["batch_size"]
        raise


class BaseRecurrentEstimator(BaseEstimator):
    """Shared machinery of the recurrent estimators. Not for direct use.

    Subclasses define ``__init__`` (listing every parameter, as scikit-learn
    requires) and the hooks:

    - ``_encode_targets(y, n, lengths) -> (y_tensor, y_lengths, split_y, info)``:
      targets as a tensor (per-step targets padded, with their ``y_lengths``;
      None otherwise), labels to stratify the validation split on (or None),
      and fitted attributes derived from ``y`` (e.g. ``classes_``); an
      estimator whose targets are built from ``X`` overrides
      ``_fit_targets(y, data)`` instead;
    - ``_make_module(info, target_info)``: the torch module, whose
      ``forward(X, lengths)`` gives what the criterion compares with the targets;
    - ``_make_criterion()``: a criterion with ``reduction="none"``; the net
      averages it over real steps and sample weights;
    - ``_valid_score_fns()``: ``(batch_stats, score)`` for ``validation_scores_``.

    ``_early_stopping_monitor`` names what early stopping watches: the
    validation loss (lower is better) by default; an estimator whose
    validation score tracks its purpose more closely than the loss (e.g. a
    tagger's token accuracy) sets ``("valid_score", False)``.
    """

    # (history key, lower is better) watched by early stopping
    _early_stopping_monitor = ("valid_loss", True)

    _parameter_constraints = {
        "cell": [StrOptions({"lstm", "gru", "rnn"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, _FLOAT32_MAX, closed="right")],
        "alpha": [Interval(Real, 0, _FLOAT32_MAX, closed="both")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "device": [str, torch.device],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    # ------------------------------------------------------------------ tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.three_d_array = True
        return tags

    # ------------------------------------------------------------ input layer
    @property
    def _tokens(self):
        return self.embedding_dim is not None

    def _check_X(self, X, *, reset):
        """Validate ``X``; return ``(SequenceData, fit_info)``.

        ``fit_info`` holds the input description to store as fitted attributes
        when ``reset`` (fit); at predict it is checked against them instead.
        """
        padded, lengths, layout = check_sequences(X, tokens=self._tokens)
        n_step_features = 1 if self._tokens else padded.shape[2]
        info = {}
        if reset:
            info["_n_step_features"] = n_step_features
            info["_fit_layout"] = layout
            info["n_features_in_"] = padded.shape[1] if layout == "table" else n_step_features
            names = _get_feature_names(X) if layout == "table" else None
            if names is not None:
                info["feature_names_in_"] = names
            if self._tokens:
                info["vocabulary_size_"] = int(padded.max()) + 2
                info["_known_ids"] = _seen_ids(padded, lengths)
            elif holds_integers(X):
                warnings.warn(
                    "X holds integers but embedding_dim=None, so they are read as "
                    "numeric features. If they are token ids (e.g. from "
                    "TokenSequenceVectorizer), set embedding_dim to learn an embedding; "
                    "if they are numbers, convert X to float to silence this warning.",
                    UserWarning,
                    stacklevel=3,
                )
        else:
            if self._fit_layout == "table" and layout == "table":
                _check_feature_names(self, X, reset=False)
                _check_n_features(self, X, reset=False)
            self._check_step_features(n_step_features)
            if self._tokens:
                known = np.zeros_like(padded, dtype=bool)
                inside = padded < len(self._known_ids)
                known[inside] = self._known_ids[padded[inside]]
                # a new array: padded may be the caller's own
                padded = np.where(known, padded, self.vocabulary_size_ - 1)
        return SequenceData(torch.from_numpy(padded), lengths), info

    def _check_step_features(self, n_step_features):
        """Raise if sequences at predict have another per-step feature count than at fit."""
        if n_step_features != self._n_step_features:
            raise ValueError(
                f"X has {n_step_features} features, but {type(self).__name__} is "
                f"expecting {self._n_step_features} features as input (features "
                "per time step)."
            )

    # ------------------------------------------------------------ fit template
    def _encoder_params(self, info):
        params = dict(
            input_size=info["_n_step_features"],
            hidden_size=self.hidden_size,
            cell=self.cell,
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
        )
        if self._tokens:
            params.update(
                num_embeddings=info["vocabulary_size_"], embedding_dim=self.embedding_dim
            )
        return params

    def _resolve_n_threads(self, n_step_features, info=None):
        """Threads for torch: ``n_threads``, or 1 for models too small to gain from more.

        ``info`` is the input description of a fit (from ``_check_X``); None at
        inference, where the fitted attributes hold it.
        """
        if self.n_threads is not None:
            return self.n_threads
        gates = {"lstm": 4, "gru": 3, "rnn": 1}[self.cell]
        in_size = self.embedding_dim or n_step_features
        work = self.batch_size * gates * self.hidden_size * (in_size + self.hidden_size)
        work *= 2 if self.bidirectional else 1
        return 1 if work < _SINGLE_THREAD_WORK else None

    def _callbacks(self):
        callbacks = [("nonfinite_loss", NonFiniteLossStop())]
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", GradientNormClipping(self.clip_grad_norm)))
        monitor, lower_is_better = "train_loss", True
        if self.early_stopping:
            monitor, lower_is_better = self._early_stopping_monitor
            batch_stats, score = self._valid_score_fns()
            callbacks.append(("valid_score", ValidationScore(batch_stats, score)))
            callbacks.append(
                (
                    "early_stopping",
                    StopEarly(
                        monitor=monitor,
                        lower_is_better=lower_is_better,
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="abs",
                        load_best=True,
                        sink=print if self.verbose else _noop,
                    ),
                )
            )
        callbacks.append(("keep_best_on_interrupt", KeepBestOnInterrupt(monitor, lower_is_better)))
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        return callbacks

    def _build_module(self, info, target_info):
        """``_make_module``, with allocation failures reported as a ValueError."""
        try:
            return self._make_module(info, target_info)
        except (RuntimeError, MemoryError) as exc:
            raise ValueError(
                f"The network of {type(self).__name__} could not be built ({exc}). "
                "Reduce hidden_size, num_layers or embedding_dim, or renumber token "
                "ids densely from 0 (the embedding has one row per id up to the largest)."
            ) from exc

    def _make_net(self, info, target_info, seeds, device, stratify, accelerator=None):
        module = self._build_module(info, target_info)
        train_split = None
        if self.early_stopping:
            train_split = ValidSplit(
                self.validation_fraction, stratified=stratify, random_state=seeds[2]
            )
        net_class, extra = SequenceNet, {}
        if accelerator is not None:
            from sklearn_rnn._accelerate import AcceleratedSequenceNet

            # accelerate's print writes on the main process only; verbose=0 prints nothing
            sink = accelerator.print if self.verbose else _noop
            net_class = AcceleratedSequenceNet
            extra = {"accelerator": accelerator, "callbacks__print_log__sink": sink}
        return net_class(
            module=module,
            criterion=self._make_criterion(),
            optimizer=torch.optim.Adam,
            lr=self.learning_rate_init,
            optimizer__weight_decay=self.alpha,
            max_epochs=self.max_iter,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=self._callbacks(),
            device=device,
            verbose=int(self.verbose),
            shuffle_seed=seeds[1],
            **extra,
        )

    def _fit(self, X, y, sample_weight=None):
        """The fit template: validate, encode targets, build or reuse the net, train."""
        data, info = self._check_X(X, reset=True)
        n = len(data)
        y_t, y_lengths, split_y, target_info = self._fit_targets(y, data)
        weights = self._sample_weights(sample_weight, n, split_y, target_info)
        data = data.with_targets(y_t, weights, y_lengths)
        accelerator = None
        if isinstance(self.device, str) and self.device == "accelerate":
            from sklearn_rnn._accelerate import make_accelerator

            accelerator = make_accelerator()
            device = str(accelerator.device)
        else:
            device = resolve_device(self.device)
            if fits_on_device(data, device):  # one copy to the GPU instead of one per batch
                data = data.to(device)
        seeds = check_random_state(self.random_state).randint(_SEED_MAX, size=3)
        n_threads = self._resolve_n_threads(info["_n_step_features"], info)
        warm = self.warm_start and self._warm_start_compatible(info, target_info)
        stratify = self.early_stopping and self._can_stratify(split_y)
        with cpu_settings(n_threads), seeded(int(seeds[0]), device):
            if warm:
                net = self.net_
                with _restored_on_failure(net):
                    net.max_epochs = self.max_iter
                    net.batch_size = self.batch_size
                    net.partial_fit(data, split_y if stratify else None)
            else:
                net = self._make_net(info, target_info, seeds, device, stratify, accelerator)
                net.fit(data, split_y if stratify else None)
        history = net.history
        if getattr(net, "interrupted_", False):
            self._warn_interrupted(net)
        info.update(target_info)
        info["net_"] = net
        info["n_iter_"] = len(history)
        info["loss_curve_"] = [float(v) for v in history[:, "train_loss"]]
        if self.early_stopping:
            info["validation_scores_"] = [float(v) for v in history[:, "valid_score"]]
            info["best_loss_"] = float(min(history[:, "valid_loss"]))
        else:
            info["best_loss_"] = min(info["loss_curve_"])
        for key in ("feature_names_in_", "validation_scores_"):
            if key not in info and hasattr(self, key):
                delattr(self, key)
        self.__dict__.update(info)
        return self

    def _warn_interrupted(self, net):
        """Say that fit was interrupted and which weights were kept."""
        keeper = dict(net.callbacks_)["keep_best_on_interrupt"]
        warnings.warn(
            f"Training of {type(self).__name__} was interrupted (KeyboardInterrupt) "
            f"after {len(net.history)} complete epoch(s); the estimator keeps the "
            f"weights of epoch {keeper.best_epoch_}, the best so far ({keeper.monitor} = "
            f"{keeper.best_score_:.6g}). Fit again with warm_start=True to continue "
            "training from there.",
            UserWarning,
            stacklevel=3,
        )

    def _fit_targets(self, y, data):
        """Targets of ``fit``: ``_encode_targets`` on ``y``.

        Estimators whose targets come from the inputs (the autoencoder
        rebuilds ``X``) override this; ``data`` is the validated
        :class:`SequenceData`.
        """
        return self._encode_targets(y, len(data), data.lengths)

    def _warm_start_compatible(self, info, target_info):
        if not hasattr(self, "net_"):
            return False
        same = self._n_step_features == info["_n_step_features"] and all(
            np.array_equal(getattr(self, k), v) for k, v in target_info.items()
        )
        if not same:
            raise ValueError(
                "warm_start=True, but the features or targets differ from the previous "
                "fit; set warm_start=False to fit a new model."
            )
        if "vocabulary_size_" in info:
            if info["vocabulary_size_"] > self.vocabulary_size_:
                raise ValueError(
                    "warm_start=True, but X holds token ids up to "
                    f"{info['vocabulary_size_'] - 2}, beyond the largest id of the previous "
                    f"fit ({self.vocabulary_size_ - 2}), which sized the embedding; set "
                    "warm_start=False to fit a new model, or keep the vocabulary of the "
                    "first fit."
                )
            # the embedding keeps its size; ids seen in either fit are known
            known = self._known_ids.copy()
            known[: len(info["_known_ids"])] |= info["_known_ids"]
            info["vocabulary_size_"] = self.vocabulary_size_
            info["_known_ids"] = known
        return True

    def _can_stratify(self, split_y):
        return False

    def _sample_weights(self, sample_weight, n, y_enc, target_info):
        if sample_weight is None:
            return None
        sw = _check_sample_weight(
            sample_weight, np.empty((n, 0)), dtype=np.float32, ensure_non_negative=True
        )
        if sw.sum() <= 0:
            raise ValueError("sample_weight must have a positive sum.")
        return torch.from_numpy(np.ascontiguousarray(sw, dtype=np.float32))

    # ------------------------------------------------------------ persistence
    def __reduce_ex__(self, protocol):
        # pickle, joblib and copy keep the whole object, the skorch net included
        return copyreg.__newobj__, (type(self),), BaseEstimator.__getstate__(self)

    def __getstate__(self):
        """State for ``skops.io``: JSON text and numpy arrays once fitted, no torch object."""
        if not hasattr(self, "net_"):
            return super().__getstate__()
        from sklearn_rnn._persistence import portable_state

        return portable_state(self)

    def __setstate__(self, state):
        from sklearn_rnn._persistence import is_portable_state, restore_portable_state

        if is_portable_state(state):
            restore_portable_state(self, state)
        else:
            super().__setstate__(state)

    def save(self, folder):
        """Save the fitted estimator to ``folder`` without pickle.

        Weights as safetensors, parameters and fitted attributes as JSON; see
        :func:`sklearn_rnn.save`. Load it back with :func:`sklearn_rnn.load`.

        Parameters
        ----------
        folder : str or path-like
            Folder to write; created when missing.

        Returns
        -------
        folder : str
            The folder written.
        """
        from sklearn_rnn._persistence import save

        return save(self, folder)

    # -------------------------------------------------------------- inference
    def _forward(self, X, method="forward"):
        """Run ``module_.<method>`` over ``X`` in batches, in the order of ``X``.

        ``X`` is raw input, or a :class:`SequenceData` already checked by
        ``_check_X(X, reset=False)``.

        Returns a CPU tensor. Batches follow descending length, each trimmed
        to its longest sequence, as in training; per-step outputs (3 or more
        dimensions, time on axis 1) are zero-padded to the longest batch.
        """
        check_is_fitted(self, "net_")
        data = X if isinstance(X, SequenceData) else self._check_X(X, reset=False)[0]
        module = self.net_.module_
        fn = getattr(module, method)
        device = self.net_.device
        size = self.net_.batch_size
        if data.equal_lengths:  # contiguous slices: no gathered copy of each batch
            batches = [slice(i, i + size) for i in range(0, len(data), size)]
        else:
            batches = iter_batch_indices(data.lengths, size)
        was_training = module.training
        module.eval()
        outputs = []
        try:
            with cpu_settings(self._resolve_n_threads(self._n_step_features)):
                with torch.inference_mode():
                    for idx in batches:
                        if isinstance(idx, slice):
                            X_b, lengths_b = data.X[idx], data.lengths_t[idx]
                        else:
                            inputs, _ = data.batch(idx)
                            X_b, lengths_b = inputs["X"], inputs["lengths"]
                        X_b, lengths_b = to_device((X_b, lengths_b), device)
                        outputs.append(fn(X_b, lengths_b).cpu())
        finally:
            module.train(was_training)
        if outputs[0].dim() >= 3:  # per-step outputs: pad every batch to the longest
            longest = max(o.shape[1] for o in outputs)
            outputs = [_pad_time(o, longest) for o in outputs]
        out = torch.cat(outputs)
        if not data.equal_lengths:
            order = torch.from_numpy(np.concatenate(batches))
            out = torch.empty_like(out).index_copy_(0, order, out)
        return out
