"""BaseRecurrentEstimator: shared parameters, the fit template and the skorch net."""

import copy
import copyreg
import hashlib
import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import GradientNormClipping, LRScheduler, ProgressBar
from skorch.dataset import ValidSplit

from sklearn_rnn._compat import (
    Interval,
    StrOptions,
    _check_feature_names,
    _check_n_features,
    _check_sample_weight,
    _get_feature_names,
)
from sklearn_rnn._frontend import CAUSAL, STRIDED, check_conv, check_conv_layout
from sklearn_rnn._input import (
    _caller_stacklevel,
    check_input,
    check_token_strings,
    encode_token_strings,
    holds_strings,
    is_sequence,
    sample_list,
)
from sklearn_rnn._net import (
    KeepBestOnInterrupt,
    NonFiniteLossStop,
    SequenceNet,
    StopEarly,
    ValidationScore,
    WeightAveraging,
)
from sklearn_rnn._runtime import (
    Seeds,
    cpu_settings,
    draw_seeds,
    recurrent_work,
    resolve_device,
    restored_on_failure,
    seeded,
    threads_for_work,
)
from sklearn_rnn._scaling import BatchScaling, standard_scaling
from sklearn_rnn._sequences import (
    SequenceData,
    fits_on_device,
    holds_integers,
    iter_batch_indices,
    to_device,
)

# Largest float32: step sizes and penalties beyond it overflow inside torch.
_FLOAT32_MAX = float(np.finfo(np.float32).max)

# early_stopping="auto" holds out a validation split above this many samples
# (HistGradientBoostingClassifier's threshold).
AUTO_EARLY_STOPPING_SAMPLES = 10_000

# max_iter="auto": at most this many epochs (MLPClassifier's max_iter), more
# when min_steps needs more.
AUTO_MAX_ITER = 200

# learning_rate="adaptive": the step size is halved when the monitored loss
# has not improved by tol for a third of n_iter_no_change epochs, and for at
# least this many optimiser steps; it never falls below 1/ADAPTIVE_MIN_RATIO of
# learning_rate_init.
ADAPTIVE_FACTOR = 2.0
ADAPTIVE_MIN_STEPS = 150
ADAPTIVE_MIN_RATIO = 200.0

# warm_start: parameters that each fit reads afresh, as scikit-learn's MLP
# does; a warm fit raises when any of WARM_FIXED (the set-up of the network and
# of its training, kept from the first fit) differs from that fit's value.
WARM_APPLIED = ("learning_rate_init", "alpha", "max_iter", "min_steps")
WARM_FIXED = (
    "activation",
    "analyzer",
    "attention",
    "average_weights",
    "bidirectional",
    "cell",
    "char_embedding_dim",
    "clip_grad_norm",
    "conv_filters",
    "conv_kernel_size",
    "conv_stride",
    "dropout",
    "early_stopping",
    "embedding_dim",
    "embedding_dropout",
    "freeze_embedding",
    "future_covariates",
    "hidden_layer_sizes",
    "hidden_size",
    "highway_window",
    "input_type",
    "kernel_features",
    "layer_norm",
    "learning_rate",
    "length_feature",
    "lowercase",
    "max_features",
    "max_vocabulary_size",
    "min_count",
    "mode",
    "n_components",
    "n_iter_no_change",
    "noise",
    "noise_level",
    "num_layers",
    "pooling",
    "pretrained_embedding",
    "quantiles",
    "residual",
    "scaling",
    "teacher_forcing_ratio",
    "tol",
    "validation_fraction",
    "word_dropout",
)


def _fingerprint(value):
    """A parameter's value as recorded for warm fits (an array by its shape and bytes)."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray) and value.size > 64:  # a pretrained embedding
        data = np.ascontiguousarray(value)
        return ("array", data.shape, str(data.dtype), hashlib.sha1(data.tobytes()).hexdigest())
    return copy.deepcopy(value)


def _same_value(a, b):
    """Whether two parameter values are equal (sequences element-wise, NaN equal to NaN)."""
    if isinstance(a, (list, tuple, np.ndarray)) or isinstance(b, (list, tuple, np.ndarray)):
        try:
            return np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
        except (TypeError, ValueError):
            return False
    return a is b or a == b or (a != a and b != b)


# The convergence rule of max_iter="auto" waits at least this many optimiser
# steps (as well as n_iter_no_change epochs) without improvement of the
# training loss before it stops, so that a small data set with few steps per
# epoch is not stopped early.
CONVERGENCE_MIN_STEPS = 450

# average_weights: the weights of the epochs from this fraction of the epoch
# cap on are averaged.
AVERAGE_FROM_FRACTION = 0.4


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


class BaseRecurrentEstimator(BaseEstimator, metaclass=ABCMeta):
    """Shared machinery of the recurrent estimators. Not for direct use.

    Subclasses define ``__init__`` (listing every parameter, as scikit-learn
    requires) and the abstract hooks below: the fit template (:meth:`_fit`)
    validates ``X`` with :meth:`_check_X`, calls the hooks, builds the skorch
    net and trains it.

    What ``X`` is read as is declared, not coded per estimator: token strings
    when ``_accepts_strings`` and ``X`` holds strings; feature vectors when
    ``_vector_input()`` says so, or when ``_tables_are_vectors`` and ``X`` is
    a 2-D table; sequences (or token ids with ``embedding_dim``) otherwise.

    ``_early_stopping_monitor`` names what early stopping watches: the
    validation loss (lower is better) by default; an estimator whose
    validation score tracks its purpose more closely than the loss (e.g. a
    tagger's token accuracy) sets ``("valid_score", False)``.
    """

    # token strings (lists of words) are an accepted X
    _accepts_strings = False
    # token strings are also read as character ids (a character vocabulary is built)
    _uses_chars = False
    # a 2-D table X is always a table of feature vectors, never univariate sequences
    _tables_are_vectors = False
    # (history key, lower is better) watched by early stopping
    _early_stopping_monitor = ("valid_loss", True)

    _parameter_constraints = {
        "cell": [StrOptions({"lstm", "gru", "rnn"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "residual": ["boolean"],
        "layer_norm": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "min_steps": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, _FLOAT32_MAX, closed="right")],
        "alpha": [Interval(Real, 0, _FLOAT32_MAX, closed="both")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "scaling": [StrOptions({"standard", "instance"}), None],
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

    # ---------------------------------------------------------------- hooks
    @abstractmethod
    def _encode_targets(self, y, data):
        """Targets of ``fit``: ``(y_tensor, y_lengths, split_y, target_info)``.

        ``data`` is the validated :class:`SequenceData` of ``X``. Returns
        the targets as a tensor (per-step targets padded, with their
        ``y_lengths``; None otherwise), labels to stratify the validation
        split on (or None), and fitted attributes derived from ``y`` (e.g.
        ``classes_``).
        """

    @abstractmethod
    def _make_module(self, info, target_info):
        """The torch module, whose ``forward(X, lengths)`` gives what the criterion reads."""

    @abstractmethod
    def _make_criterion(self):
        """A criterion with ``reduction="none"``; the net averages it over real steps."""

    @abstractmethod
    def _valid_score_fns(self):
        """``(batch_stats, score)`` that give ``validation_scores_``."""

    def _vector_input(self):
        """Whether the parameters ask for ``X`` as a table of feature vectors."""
        return False

    def _allows_nan(self, reset):
        """Whether numeric ``X`` may hold NaN, for :meth:`_input_scaling` to check and fill."""
        return False

    # ------------------------------------------------------------ input layer
    @property
    def _tokens(self):
        return getattr(self, "embedding_dim", None) is not None

    def _check_string_samples(self, X, fitted_on_strings):
        """Raise the error of a sentence for samples of text that are not token lists.

        For estimators that read token strings, ``X`` not recognised as
        token lists: samples given as one string each, or, for a model fitted
        on token strings, only empty sentences (whose type cannot be told).
        """
        items = sample_list(X)
        if items is None:
            return
        first = next((i for i, s in enumerate(items) if isinstance(s, (str, bytes))), None)
        if first is not None:
            raise ValueError(
                f"X[{first}] is a string; give each sample as a list of tokens, e.g. "
                "text.split(), or turn text into token ids (TokenSequenceVectorizer) and "
                "set embedding_dim."
            )
        if fitted_on_strings and all(is_sequence(s) and len(s) == 0 for s in items):
            check_token_strings(items)  # raises: X[0] is an empty sentence

    def _check_X(self, X, *, reset, vectors=None):
        """Validate ``X`` in any layout; return ``(SequenceData, info)``.

        ``vectors`` (fit only) forces reading a 2-D table as feature vectors
        (True) or as sequences (False); None leaves it to the estimator. At
        fit (``reset``), ``info`` holds the fitted input attributes (see
        :meth:`_record_input`); at predict ``X`` is checked against them.
        """
        strings = self._accepts_strings and holds_strings(X)
        shape = getattr(X, "shape", None) or (None,)
        empty = (isinstance(X, (list, tuple)) and not X) or shape[0] == 0  # 0 samples
        if self._accepts_strings and not strings and not empty:
            self._check_string_samples(
                X, fitted_on_strings=not reset and self._input_kind == "strings"
            )
        if not reset and not empty and strings != (self._input_kind == "strings"):
            kind = "string tokens" if self._input_kind == "strings" else "numeric sequences"
            raise ValueError(
                f"This {type(self).__name__} was fitted on {kind}; X at predict must be "
                f"{kind} too."
            )
        if strings:
            return self._check_strings(X, reset=reset)
        if reset:
            vectors = self._vector_input() if vectors is None else vectors
        else:
            vectors = self._input_kind == "vectors"
        # at predict, X holds token ids when it did at fit, whatever embedding_dim is now
        ids = self._tokens if reset else getattr(self, "_token_ids", self._tokens)
        padded, lengths, layout = check_input(
            X,
            vectors=vectors or self._tables_are_vectors,
            tokens=ids and not vectors,
            allow_nan=self._allows_nan(reset),
        )
        table = layout == "table"
        self._check_vector_layout(vectors, table, reset=reset)
        vectors = table and (vectors or self._tables_are_vectors)
        kind = "vectors" if vectors else "sequences"
        tokens = ids and not vectors
        if reset:
            info = self._record_input(X, kind, layout, padded, lengths)
        else:
            info = {}
            if table and self._fit_layout == "table":
                _check_feature_names(self, X, reset=False)
                _check_n_features(self, X, reset=False)
            elif table and kind == "sequences" and not tokens and padded.shape[1] == 1:
                _warn_one_step_table(padded.shape[0], getattr(self, "_max_length", 1))
            if table and not tokens and padded.shape[1] == self._n_step_features > 1:
                raise ValueError(  # padded is (n, T, 1): T columns read as T steps
                    f"X is a table of {padded.shape[1]} columns, read as {padded.shape[0]} "
                    f"univariate sequences, but {type(self).__name__} was fitted on "
                    f"sequences of {self._n_step_features} features per step. For one "
                    "sequence whose rows are its steps, pass X[None] (a 3-D array)."
                )
            self._check_step_features(1 if tokens else padded.shape[2])
            if tokens:
                known = np.zeros_like(padded, dtype=bool)
                inside = padded < len(self._known_ids)
                known[inside] = self._known_ids[padded[inside]]
                # a new array: padded may be the caller's own
                padded = np.where(known, padded, self.vocabulary_size_ - 1)
        data = SequenceData(torch.from_numpy(padded), lengths)
        data.ragged_input = layout == "ragged"  # a list (or object array) of sequences
        if not tokens:
            data.scaling = self._input_scaling(data, kind, info, reset)
        return data, info

    def _check_vector_layout(self, wanted, table, *, reset):
        """Raise when ``X`` is not a table where feature vectors are ``wanted``, or the reverse."""
        name = type(self).__name__
        if wanted and not table:
            fitted = "was fitted on" if not reset else "reads"
            raise ValueError(
                f"{name} {fitted} feature vectors (a 2-D X) but X holds sequences (a 3-D "
                "array or a list of sequences); pass a 2-D array (n_samples, n_features)"
                + ("." if reset else f" of {self.n_features_in_} columns.")
            )
        if not reset and table and self._tables_are_vectors and self._input_kind != "vectors":
            raise ValueError(
                f"{name} was fitted on sequences, but X is 2-D, which is read as a "
                "table of feature vectors. Pass sequences as a 3-D array "
                "(n_samples, n_timesteps, n_features) or a list of sequences; "
                "univariate ones as X[:, :, None] or a list of 1-D arrays."
            )

    def _record_input(self, X, kind, layout, padded, lengths, vocabularies=None):
        """The fitted attributes that describe the input of a fit.

        ``_input_kind`` ("sequences", "vectors" or "strings"), ``_fit_layout``
        (the layout of ``X``), ``_n_step_features``, ``_max_length``,
        ``n_features_in_`` (columns of a 2-D table, features per step
        otherwise), ``feature_names_in_`` (a DataFrame's columns) and, for
        tokens, the embedding's ``vocabulary_size_`` and ``_known_ids``, or
        the ``vocabularies`` of string tokens.
        """
        tokens = kind == "strings" or (kind == "sequences" and self._tokens)
        n_step_features = 1 if tokens else padded.shape[2]
        info = {
            "_token_ids": kind == "sequences" and self._tokens,
            "_input_kind": kind,
            "_fit_layout": layout,
            "_n_step_features": n_step_features,
            "_max_length": int(lengths.max()),
            "n_features_in_": padded.shape[1]
            if layout == "table" and kind == "sequences"
            else n_step_features,
        }
        names = _get_feature_names(X) if layout == "table" else None
        if names is not None:
            info["feature_names_in_"] = names
        if kind == "strings":
            info.update(vocabularies)
        elif tokens:
            vocabulary_size, known_ids = self._token_vocabulary(padded, lengths)
            info["vocabulary_size_"] = vocabulary_size
            info["_known_ids"] = known_ids
        elif kind == "sequences" and "embedding_dim" in self.get_params() and holds_integers(X):
            warnings.warn(
                "X holds integers but embedding_dim=None, so they are read as "
                "numeric features. If they are token ids (e.g. from "
                "TokenSequenceVectorizer), set embedding_dim to learn an embedding; "
                "if they are numbers, convert X to float to silence this warning.",
                UserWarning,
                stacklevel=4,
            )
        return info

    def _token_vocabulary(self, padded, lengths):
        """``(vocabulary_size_, _known_ids)`` of token ids at fit.

        One embedding row per id up to the largest, plus one for ids unseen
        at fit; ``_known_ids`` marks the ids that occur.
        """
        return int(padded.max()) + 2, _seen_ids(padded, lengths)

    def _check_strings(self, X, *, reset):
        """Token strings to word ids (and character ids, see ``_char_vocabulary``)."""
        sentences = check_token_strings(X)
        info = {}
        if reset:
            if self.warm_start and getattr(self, "_input_kind", None) == "strings":
                vocabularies = {
                    "vocabulary_": self.vocabulary_,
                    "vocabulary_size_": self.vocabulary_size_,
                }
                if hasattr(self, "_char_vocabulary"):
                    vocabularies["_char_vocabulary"] = self._char_vocabulary
            else:
                vocabularies = self._build_vocabularies(sentences)
            vocab, chars = vocabularies["vocabulary_"], vocabularies.get("_char_vocabulary")
        else:
            vocab, chars = self.vocabulary_, getattr(self, "_char_vocabulary", None)
        lowercase = getattr(self, "lowercase", False)
        if not reset:  # the keys of the fit's vocabulary
            lowercase = getattr(self, "_lowercase", lowercase)
        ids, lengths = encode_token_strings(
            sentences, vocab, chars if self._uses_chars else None, lowercase=lowercase
        )
        if reset:
            info = self._record_input(
                X, "strings", "ragged", ids[:, :, None], lengths, vocabularies
            )
            info["_lowercase"] = lowercase
        return SequenceData(torch.from_numpy(ids), lengths), info

    def _scaling_form(self, kind, reset):
        """The form of ``scaling`` for numeric input of ``kind``; at predict, the fit's."""
        if not reset and hasattr(self, "_scaling"):
            return self._scaling
        return getattr(self, "scaling", None)

    def _input_scaling(self, data, kind, info, reset):
        """The :class:`BatchScaling` of numeric input (``scaling``), or None.

        Statistics of "standard" come from the real steps of the first fit
        (a warm start keeps them) and are stored as ``_x_mean`` and
        ``_x_scale``; ``X`` itself is never scaled, each batch is.
        """
        scaling = self._scaling_form(kind, reset)
        if reset:
            info["_scaling"] = scaling
        if scaling is None:
            return None
        if scaling == "instance":
            if kind == "vectors":
                raise ValueError(
                    f'scaling="instance" scales each sequence over its steps, but '
                    f"{type(self).__name__} reads X as feature vectors (one step each); "
                    'use scaling="standard" or None.'
                )
            return BatchScaling("instance")
        keep = not reset or (self.warm_start and hasattr(self, "net_"))
        if keep and hasattr(self, "_x_mean"):
            mean, scale = self._x_mean, self._x_scale
        else:
            mean, scale = standard_scaling(data.X.numpy(), data.lengths)
            mean, scale = mean.astype(np.float32), scale.astype(np.float32)
        if reset:
            info.update(_x_mean=mean, _x_scale=scale)
        return BatchScaling("standard", mean, scale)

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
        """Parameters of the recurrent encoder (``RecurrentEncoder``) of every module."""
        params = dict(
            input_size=info["_n_step_features"],
            hidden_size=self.hidden_size,
            cell=self._setting("cell", info),
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            residual=self.residual,
            layer_norm=self.layer_norm,
        )
        if self._tokens and info["_input_kind"] == "sequences":
            params.update(
                num_embeddings=info["vocabulary_size_"], embedding_dim=self.embedding_dim
            )
        params.update(self._conv_params(info))
        return params

    # ------------------------------------------------------ convolutional front-end
    @property
    def _has_conv(self):
        """Whether the estimator has the front-end parameters (``conv_filters``, ...)."""
        return "conv_filters" in self._parameter_constraints

    def _conv_layout(self, info):
        """``(layout, reason)``: how the front-end may read the input of a fit.

        ``layout`` is "strided" (one output per sequence: the front-end may
        shorten the sequences), "same" (one output per step: every step is
        kept), "causal" (every step kept, each read from the steps up to it)
        or None (no front-end for this input); ``reason`` is the clause of an
        error message that says why it is not "strided". ``info`` describes
        the input (see :meth:`_record_input`).
        """
        return STRIDED, None

    def _auto_conv_stride(self, info, filters):
        """``conv_stride="auto"`` for the input ``info`` and the channels ``filters``."""
        return 1

    def _conv_settings(self, info, filters=None):
        """The checked front-end settings of a fit, for its ``_settings``.

        ``filters`` is ``conv_filters`` with an "auto" value resolved (None:
        the parameter). Raises before training when the front-end or its
        shortening does not apply to the input (see :meth:`_conv_layout`).
        """
        filters = self.conv_filters if filters is None else filters
        stride = self.conv_stride
        filters, kernel = check_conv(filters, self.conv_kernel_size, stride)
        if isinstance(stride, str):  # "auto"
            stride = self._auto_conv_stride(info, filters)
        check_conv_layout(filters, stride, *self._conv_layout(info))
        return {"conv_filters": filters, "conv_kernel_size": kernel, "conv_stride": stride}

    def _conv_params(self, info):
        """Front-end parameters of the recurrent encoder; none without ``conv_filters``."""
        if not self._has_conv:
            return {}
        filters = self._setting("conv_filters", info)
        # "auto" unresolved: a model fitted before the front-end existed had none
        if isinstance(filters, str) or not len(filters):
            return {}
        params = dict(
            conv_filters=filters,
            conv_kernel_size=self._setting("conv_kernel_size", info),
            conv_stride=self._setting("conv_stride", info),
        )
        if self._conv_layout(info)[0] == CAUSAL:
            params["conv_causal"] = True
        return params

    def _recurrent_input_size(self, info):
        """Inputs of the first recurrent layer at each step."""
        return getattr(self, "embedding_dim", None) or info["_n_step_features"]

    def _step_work(self, info):
        """Multiply-adds of one training step, for the thread heuristic."""
        return recurrent_work(
            self._setting("batch_size", info),
            self._setting("cell", info),
            self.hidden_size,
            self._recurrent_input_size(info),
            self.bidirectional,
        )

    def _resolve_n_threads(self, info=None):
        """Torch threads: ``n_threads``, or 1 for models too small to gain from more.

        ``info`` is the input description of a fit (from ``_check_X``); None
        reads the fitted attributes. See :func:`~sklearn_rnn._runtime.threads_for_work`.
        """
        if self.n_threads is not None:
            return self.n_threads
        return threads_for_work(self._step_work(vars(self) if info is None else info))

    def _auto_settings(self, data, info):
        """Values of the "auto" parameters for the data of a fit.

        ``data`` is the checked input and ``info`` its description (see
        :meth:`_record_input`). Returns a dict from parameter name to the
        value this fit uses; it is stored as the fitted ``_settings`` and read
        through :meth:`_setting`. The base resolves the front-end parameters
        (checked, see :meth:`_conv_settings`) of an estimator that has them.
        """
        return self._conv_settings(info) if self._has_conv else {}

    def _setting(self, name, info=None):
        """The value of parameter ``name`` that a fit used (``info``: that fit's input)."""
        settings = (vars(self) if info is None else info).get("_settings", {})
        return settings.get(name, getattr(self, name))

    def _training_plan(self, n_samples, info=None):
        """How long and on what a fit of ``n_samples`` trains.

        Returns ``_early_stopping_on`` (``early_stopping``, with "auto" read
        as ``n_samples > AUTO_EARLY_STOPPING_SAMPLES``), ``_max_epochs`` (an
        int ``max_iter``, or for "auto" ``AUTO_MAX_ITER`` raised to the epochs
        that ``min_steps`` needs), ``_min_epochs`` (the epochs that make
        ``min_steps`` optimiser steps, at most ``_max_epochs``),
        ``_converge`` (whether the convergence rule of ``max_iter="auto"``
        may end training) and ``_steps_per_epoch``. ``info`` is the input
        description of the fit, whose ``_settings`` resolve "auto" parameters.
        """
        info = {} if info is None else info
        early = self.early_stopping
        if early == "auto":
            early = n_samples > AUTO_EARLY_STOPPING_SAMPLES
        n_train = n_samples
        if early:
            n_train -= math.ceil(n_samples * self.validation_fraction)
        batches = max(1, math.ceil(n_train / self._setting("batch_size", info)))
        min_steps = self._setting("min_steps", info)
        max_iter = self._setting("max_iter", info)
        min_epochs = math.ceil(min_steps / batches) if min_steps else 0
        if max_iter == "auto":
            max_epochs = max(AUTO_MAX_ITER, min_epochs)
        else:
            max_epochs = max_iter
        return {
            "_early_stopping_on": bool(early),
            "_max_epochs": max_epochs,
            "_min_epochs": min(min_epochs, max_epochs),
            "_converge": max_iter == "auto",
            "_steps_per_epoch": batches,
            "_learning_rate_init": self._setting("learning_rate_init", info),
            "_batch_size": self._setting("batch_size", info),
            "_alpha": self._setting("alpha", info),
            "_average_from": self._averaging_start(info, early, max_epochs),
        }

    def _averaging_start(self, info, early, max_epochs):
        """First epoch whose weights are averaged (``average_weights``), or 0 for none.

        Epoch ``ceil(0.4 * cap)`` of an int or "auto" ``max_iter`` cap (epochs
        4 to 10 of 10 are averaged), without early stopping (which keeps the
        best epoch instead).
        """
        settings = info.get("_settings", {})
        average = settings.get("average_weights", getattr(self, "average_weights", False))
        if not average or early:
            return 0
        return max(1, math.ceil(AVERAGE_FROM_FRACTION * max_epochs))

    def _plan_of_fit(self):
        """The training plan of the fitted model (models saved before it: the parameters)."""
        attrs = vars(self)
        early = attrs.get("_early_stopping_on", self.early_stopping is True)
        max_epochs = attrs.get("_max_epochs", self.max_iter)
        if max_epochs == "auto":
            max_epochs = AUTO_MAX_ITER
        return {
            "_early_stopping_on": early,
            "_max_epochs": max_epochs,
            "_min_epochs": attrs.get("_min_epochs", 0),
            "_converge": attrs.get("_converge", self.max_iter == "auto"),
            "_steps_per_epoch": attrs.get("_steps_per_epoch", 1),
            "_learning_rate_init": attrs.get("_learning_rate_init", self.learning_rate_init),
            "_batch_size": attrs.get("_batch_size", self.batch_size),
            "_alpha": attrs.get("_alpha", self.alpha),
            "_average_from": attrs.get("_average_from", 0),
        }

    def _callbacks(self, plan):
        """The net's callbacks for a training ``plan`` (see :meth:`_training_plan`).

        With early stopping, :class:`StopEarly` watches the validation
        monitor and restores the best weights. Without, and with
        ``max_iter="auto"``, it watches the training loss (scikit-learn's MLP
        convergence rule) and keeps the last weights. ``learning_rate=
        "adaptive"`` adds a ``ReduceLROnPlateau`` schedule on the same monitor.
        The convergence rule and the schedule wait a number of epochs that
        covers at least ``CONVERGENCE_MIN_STEPS`` and ``ADAPTIVE_MIN_STEPS``
        optimiser steps respectively.
        """
        steps = plan["_steps_per_epoch"]
        stop_patience = self.n_iter_no_change
        if not plan["_early_stopping_on"]:
            stop_patience = max(stop_patience, math.ceil(CONVERGENCE_MIN_STEPS / steps))
        lr_patience = max(
            math.ceil(self.n_iter_no_change / 3), math.ceil(ADAPTIVE_MIN_STEPS / steps)
        )
        callbacks = [("nonfinite_loss", NonFiniteLossStop())]
        if self.clip_grad_norm is not None:
            callbacks.append(("clip_grad_norm", GradientNormClipping(self.clip_grad_norm)))
        monitor, lower_is_better = "train_loss", True
        early = plan["_early_stopping_on"]
        if early:
            monitor, lower_is_better = self._early_stopping_monitor
            batch_stats, score = self._valid_score_fns()
            callbacks.append(("valid_score", ValidationScore(batch_stats, score)))
        if self.learning_rate == "adaptive":
            callbacks.append(
                (
                    "lr_scheduler",
                    LRScheduler(
                        policy=torch.optim.lr_scheduler.ReduceLROnPlateau,
                        monitor=monitor,
                        mode="min" if lower_is_better else "max",
                        factor=1 / ADAPTIVE_FACTOR,
                        patience=lr_patience,
                        min_lr=plan["_learning_rate_init"] / ADAPTIVE_MIN_RATIO,
                        threshold=self.tol,
                        threshold_mode="abs",
                    ),
                )
            )
        if early or plan["_converge"]:
            callbacks.append(
                (
                    "early_stopping",
                    StopEarly(
                        monitor=monitor,
                        lower_is_better=lower_is_better,
                        patience=stop_patience,
                        threshold=self.tol,
                        threshold_mode="abs",
                        load_best=early,
                        min_epochs=plan["_min_epochs"],
                        sink=print if self.verbose else _noop,
                    ),
                )
            )
        if plan["_average_from"]:
            callbacks.append(("weight_averaging", WeightAveraging(plan["_average_from"])))
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

    def _fit_scaling(self, scaling, info):
        """The batch scaling of a fit whose settings (``info["_settings"]``) are final.

        ``scaling`` is the one :meth:`_input_scaling` made for the input;
        kept here.
        """
        return scaling

    def _prepare_module(self, module, data, plan, train_rows=None, warm=False):
        """Set weights of ``module`` from the training data before training; none here.

        ``data`` holds the encoded targets; with early stopping (``plan``)
        only the samples of the training part may be read: ``train_rows``,
        their indices (None: all samples). ``warm``: the trained module of a
        warm-started fit, else a new one.

        Returns
        -------
        fitted_start : bool
            True when the weights set are themselves a fitted model: early
            stopping then scores them before the first epoch, and keeps them
            when no epoch beats them.
        """
        return False

    def _prepare_for_training(self, net, module, callbacks, data, plan, y, warm=False):
        """Run :meth:`_prepare_module` on the training part the net's split will make.

        Early stopping (in ``callbacks``) then scores the weights before the
        first epoch when they are a fitted start.
        """
        rows = None
        if plan["_early_stopping_on"]:  # the split the net will make
            rows = np.asarray(net.train_split(data, y)[0].indices)
        start = self._prepare_module(module, data, plan, rows, warm=warm)
        stopper = dict(callbacks).get("early_stopping")
        if stopper is not None:
            stopper.keep_start = bool(start) and rows is not None

    def _validation_split(self, seeds, stratify):
        """The net's ``train_split`` with early stopping: a random sample of the data.

        ``validation_fraction`` of the samples, drawn with ``seeds.split``
        (stratified by class when ``stratify``).
        """
        return ValidSplit(self.validation_fraction, stratified=stratify, random_state=seeds.split)

    def _make_net(self, info, target_info, seeds, device, stratify, plan, accelerator=None):
        """A new skorch net for the input ``info`` and targets ``target_info``.

        ``seeds`` is a :class:`~sklearn_rnn._runtime.Seeds`; its ``shuffle``
        and ``split`` seed the batch order and the validation split. ``plan``
        is the training plan (see :meth:`_training_plan`).
        """
        module = self._build_module(info, target_info)
        train_split = None
        if plan["_early_stopping_on"]:
            train_split = self._validation_split(seeds, stratify)
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
            lr=plan["_learning_rate_init"],
            optimizer__weight_decay=plan["_alpha"],
            max_epochs=plan["_max_epochs"],
            batch_size=plan["_batch_size"],
            train_split=train_split,
            callbacks=self._callbacks(plan),
            device=device,
            verbose=int(self.verbose),
            shuffle_seed=seeds.shuffle,
            **extra,
        )

    def _fit(self, X, y, sample_weight=None, *, vectors=None):
        """The fit template: validate, encode targets, build or reuse the net, train.

        ``vectors`` is passed to :meth:`_check_X`.
        """
        data, info = self._check_X(X, reset=True, vectors=vectors)
        info["_settings"] = self._auto_settings(data, info)
        n = len(data)
        y_t, y_lengths, split_y, target_info = self._encode_targets(y, data)
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
        seeds = draw_seeds(check_random_state(self.random_state))
        n_threads = self._resolve_n_threads(info)
        warm = self.warm_start and self._warm_start_compatible(info, target_info)
        if warm and hasattr(self, "_settings"):  # the network keeps its shape
            info["_settings"] = self._warm_settings(info["_settings"])
        plan = self._training_plan(n, info)
        data.scaling = self._fit_scaling(data.scaling, info)
        if warm:  # the net keeps its validation split and callbacks
            plan["_early_stopping_on"] = self._plan_of_fit()["_early_stopping_on"]
            self._check_same_shape(info, target_info)
            self._check_same_training()
        info["_fit_params"] = {
            name: _fingerprint(value)
            for name, value in self.get_params(deep=False).items()
            if name in WARM_FIXED
        }
        stratify = plan["_early_stopping_on"] and self._can_stratify(split_y)
        if stratify:
            self._check_stratified_split(n, split_y)
        y_split = split_y if stratify else None  # the labels of a stratified split
        with cpu_settings(n_threads), seeded(seeds.weights, device):
            if warm:
                net = self.net_
                with restored_on_failure(net):
                    net.max_epochs = plan["_max_epochs"]
                    net.batch_size = plan["_batch_size"]
                    for group in net.optimizer_.param_groups:  # as scikit-learn's MLP:
                        group["lr"] = plan["_learning_rate_init"]  # this call's step size
                        group["weight_decay"] = plan["_alpha"]  # and penalty
                    callbacks = dict(net.callbacks_)
                    stopper = callbacks.get("early_stopping")
                    if stopper is not None:  # the floor of this call's data
                        stopper.min_epochs = plan["_min_epochs"]
                    schedule = callbacks.get("lr_scheduler")
                    if schedule is not None:  # the floor of this call's step size
                        schedule.min_lr = plan["_learning_rate_init"] / ADAPTIVE_MIN_RATIO
                    self._prepare_for_training(
                        net, net.module_, net.callbacks_, data, plan, y_split, warm=True
                    )
                    net.partial_fit(data, y_split)
            else:
                net = self._make_net(info, target_info, seeds, device, stratify, plan, accelerator)
                self._prepare_for_training(net, net.module, net.callbacks, data, plan, y_split)
                net.fit(data, y_split)
        history = net.history
        if getattr(net, "interrupted_", False):
            self._warn_interrupted(net)
        info.update(target_info)
        info.update(plan)
        info["net_"] = net
        info["n_iter_"] = len(history)

        def column(key):  # none when an interrupt came in the first epoch
            return [float(v) for v in history[:, key]] if len(history) else []

        info["loss_curve_"] = column("train_loss")
        if plan["_early_stopping_on"]:
            info["validation_scores_"] = column("valid_score")
            losses = column("valid_loss")
            start = getattr(dict(net.callbacks_).get("early_stopping"), "start_loss_", None)
            if start is not None:  # the weights before the first epoch were scored too
                losses.append(float(start))
            info["best_loss_"] = min(losses)
        else:
            info["best_loss_"] = min(info["loss_curve_"])
        for key in ("feature_names_in_", "validation_scores_", "_x_mean", "_x_scale", "_scaling"):
            if key not in info and hasattr(self, key):
                delattr(self, key)
        self.__dict__.update(info)
        return self

    def _warn_interrupted(self, net):
        """Say that fit was interrupted and which weights were kept."""
        keeper = dict(net.callbacks_)["keep_best_on_interrupt"]
        where = f"epoch {keeper.best_epoch_}"
        if keeper.best_epoch_ == 0:
            where = "the start (before the first epoch)"
        warnings.warn(
            f"Training of {type(self).__name__} was interrupted (KeyboardInterrupt) "
            f"after {len(net.history)} complete epoch(s); the estimator keeps the "
            f"weights of {where}, the best so far ({keeper.monitor} = "
            f"{keeper.best_score_:.6g}). Fit again with warm_start=True to continue "
            "training from there.",
            UserWarning,
            stacklevel=3,
        )

    # keys of the targets' fitted description that may differ between warm fits
    _free_target_info = ()

    def _warm_start_compatible(self, info, target_info):
        if not hasattr(self, "net_"):
            return False
        if info["_input_kind"] != self._input_kind:
            raise ValueError(
                "warm_start=True, but the input kind differs from the previous fit "
                f"({self._input_kind} then {info['_input_kind']}); set warm_start=False "
                "to fit a new model."
            )
        same = self._n_step_features == info["_n_step_features"] and all(
            np.array_equal(getattr(self, k), v)
            for k, v in target_info.items()
            if k not in self._free_target_info
        )
        if not same:
            raise ValueError(
                "warm_start=True, but the features or targets differ from the previous "
                "fit (their number, the classes, the quantiles or the per-window "
                "scaling); set warm_start=False to fit a new model."
            )
        if "_known_ids" in info:
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

    def _warm_settings(self, fresh):
        """The ``_settings`` of a warm fit: the first fit's, with ``WARM_APPLIED`` as now.

        ``fresh`` holds this fit's resolution of the "auto" parameters.
        """
        settings = dict(self._settings)
        for name in WARM_APPLIED:
            settings.pop(name, None)  # an explicit value is read from the parameter
            if name in fresh:
                settings[name] = fresh[name]
        return settings

    def _check_same_training(self):
        """Raise when a parameter of ``WARM_FIXED`` differs from the previous fit's."""
        before = getattr(self, "_fit_params", None)
        if before is None:  # a model saved before the parameters were recorded
            return
        changed = [
            name
            if isinstance(value, tuple) and value[:1] == ("array",)
            else f"{name} (was {value!r}, now {getattr(self, name)!r})"
            for name, value in before.items()
            if not _same_value(_fingerprint(getattr(self, name)), value)
        ]
        if changed:
            raise ValueError(
                f"warm_start=True, but {', '.join(changed)} changed since the previous "
                "fit; a warm fit continues training the same network in the same way "
                f"(each fit reads {', '.join(WARM_APPLIED)}, batch_size, class_weight, "
                "verbose, n_threads and random_state anew; the others keep the first "
                "fit's values). Restore the previous value, or set warm_start=False to "
                "fit a new model."
            )

    def _check_same_shape(self, info, target_info):
        """Raise when the parameters now describe weights of other shapes than ``net_``'s.

        A network is built from the current parameters (the global random
        state left as it was) and its weight names and shapes are compared
        with those of the fitted one: a warm start cannot continue training a
        network whose ``hidden_size``, ``num_layers``, ``cell``,
        ``bidirectional`` or other shape-setting parameter has changed.
        """
        with torch.random.fork_rng(devices=[]):
            fresh = self._build_module(info, target_info)
        fitted = self.net_.module_

        def shapes(module):
            return {name: tuple(w.shape) for name, w in module.state_dict().items()}

        if type(fresh) is not type(fitted) or shapes(fresh) != shapes(fitted):
            raise ValueError(
                "warm_start=True, but the parameters now describe a network of another "
                "shape than the previous fit (a parameter such as hidden_size, "
                "num_layers, cell, bidirectional, conv_filters, pooling or embedding_dim "
                "changed); set warm_start=False to fit a new model, or restore the "
                "parameters of the previous fit."
            )

    def _can_stratify(self, split_y):
        return False

    def _check_stratified_split(self, n, split_y):
        """Raise when the early-stopping split cannot hold every class on both sides."""
        n_classes = len(np.unique(split_y))
        n_valid = math.ceil(n * self.validation_fraction)
        if min(n_valid, n - n_valid) < n_classes:
            raise ValueError(
                f"early_stopping holds out validation_fraction={self.validation_fraction} "
                f"of the {n} samples ({n_valid}), stratified by class, but both parts need "
                f"all {n_classes} classes; raise validation_fraction, give more samples "
                "or set early_stopping=False."
            )

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

    def _upgrade_fitted(self):
        """Name the input kind of a model saved before ``_input_kind`` was recorded.

        Models saved by sklearn_rnn 0.1.0 stored it as ``_string_input`` and
        ``_rows`` (BiRNNTagger), or in ``_fit_layout``.
        """
        attrs = vars(self)
        if "_n_step_features" not in attrs or "_input_kind" in attrs:
            return
        rows = attrs.pop("_rows", False)
        if attrs.pop("_string_input", False):
            kind = "strings"
        elif rows or attrs.get("_fit_layout") == "vectors":
            kind = "vectors"
            attrs["_fit_layout"] = "table"
        elif self._tables_are_vectors and attrs.get("_fit_layout") == "table":
            kind = "vectors"
        else:
            kind = "sequences"
        attrs["_input_kind"] = kind

    def _rebuild_net(self, device, *, shuffle_seed=0, split_seed=0, stratified=False):
        """An initialised net of the fitted architecture, for loading saved weights.

        Built from the fitted attributes (the input description and the
        target attributes that ``fit`` stored), on ``device``; its initial
        weights are drawn without touching the caller's random state and are
        meant to be overwritten. ``shuffle_seed``, ``split_seed`` and
        ``stratified`` restore the saved net's settings.
        """
        attrs = vars(self)
        seeds = Seeds(weights=0, shuffle=shuffle_seed, split=split_seed)
        with seeded(seeds.weights, device):
            net = self._make_net(attrs, attrs, seeds, device, stratified, self._plan_of_fit())
            net.initialize()
        return net

    # -------------------------------------------------------------- inference
    def _run_batches(self, batches, call):
        """``call(module, *batch)`` for each batch, in eval mode; list of CPU tensors.

        The one inference loop: torch threads and denormal flushing as in
        training, no autograd, each batch moved to the net's device, and the
        module's train/eval mode restored afterwards.
        """
        module = self.net_.module_
        device = self.net_.device
        was_training = module.training
        module.eval()
        outputs = []
        try:
            with cpu_settings(self._resolve_n_threads()), torch.inference_mode():
                for batch in batches:
                    outputs.append(call(module, *to_device(batch, device)).cpu())
        finally:
            module.train(was_training)
        return outputs

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
        size = self.net_.batch_size
        if data.equal_lengths:  # contiguous slices: no gathered copy of each batch
            batches = [slice(i, i + size) for i in range(0, len(data), size)]
        else:
            batches = iter_batch_indices(data.lengths, size)

        def inputs():
            for idx in batches:
                if isinstance(idx, slice):
                    X_b, lengths_b = data.X[idx], data.lengths_t[idx]
                    if data.scaling is not None:
                        X_b = data.scaling(X_b, lengths_b)
                    yield X_b, lengths_b
                else:
                    batch, _ = data.batch(idx)
                    yield batch["X"], batch["lengths"]

        outputs = self._run_batches(
            inputs(), lambda module, X_b, lengths_b: getattr(module, method)(X_b, lengths_b)
        )
        if outputs[0].dim() >= 3:  # per-step outputs: pad every batch to the longest
            longest = max(o.shape[1] for o in outputs)
            outputs = [_pad_time(o, longest) for o in outputs]
        out = torch.cat(outputs)
        if not data.equal_lengths:
            order = torch.from_numpy(np.concatenate(batches))
            out = torch.empty_like(out).index_copy_(0, order, out)
        return out


def _warn_one_step_table(n_rows, max_length):
    """Warn when a 2-D ``(n_rows, 1)`` X meets a model fitted on longer sequences."""
    if max_length < 2 or n_rows < 2:
        return
    warnings.warn(
        f"X is 2-D of shape ({n_rows}, 1), read as {n_rows} sequences of 1 step each "
        f"(2-D X is (n_samples, n_timesteps)), but the model was fitted on sequences of "
        f"up to {max_length} steps. For one sequence of {n_rows} steps of one feature, "
        f"pass X[None] (shape (1, {n_rows}, 1)).",
        UserWarning,
        stacklevel=_caller_stacklevel(),
    )
