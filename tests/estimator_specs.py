"""One table of the package's estimators, with small settings and valid data.

The bad-input catalogue, the determinism and the persistence tests run over
``SPECS``; a new estimator joins all of them with one line here.

``caps`` says which cases apply:

- ``estimator``: a scikit-learn estimator (fit, predict before fit, ...);
- ``sequences``: takes sequences (3-D arrays, ragged lists);
- ``net``: a recurrent network with the shared parameters;
- ``y``: supervised; ``labels``: class labels; ``per_step_y``: one target
  per input step; ``horizon``: targets of one fixed length;
- ``token_y``: one token sequence of any length per sample;
- ``sample_weight``: ``fit`` takes ``sample_weight``;
- ``tokens``: takes token ids with ``embedding_dim``;
- ``scaling``: has the ``scaling`` parameter (numeric input);
- ``numeric``: rejects strings in ``X`` (the tagger takes token strings);
- ``components``: has ``n_components``;
- ``conv``: has the convolutional front-end (``conv_filters``, ...);
  ``step_outputs``: one output per input step, so the front-end keeps every
  step (``conv_stride=1``);
- ``series``: a function that cuts one long series (``make_windows``).
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from sklearn_rnn import (
    AutoencoderTransformer,
    BiRNNTagger,
    LSTMClassifier,
    Seq2SeqClassifier,
    Seq2SeqRegressor,
)
from sklearn_rnn.preprocessing import SequenceScaler, make_windows

N = 24  # samples of every data set
SMALL = dict(
    hidden_size=4, max_iter=2, min_steps=None, batch_size=8, learning_rate_init=0.05, n_threads=1
)


def sequences(layout, seed=0, n_features=2):
    """``N`` valid sequences: a 3-D array (5 steps) or a ragged list (2-7 steps)."""
    rng = np.random.RandomState(seed)
    if layout == "3d":
        return rng.normal(size=(N, 5, n_features))
    return [rng.normal(size=(rng.randint(2, 8), n_features)) for _ in range(N)]


def _steps(X):
    """The first feature of every step: a per-step target with the lengths of ``X``."""
    if isinstance(X, np.ndarray) and X.ndim == 3:
        return X[:, :, 0] * 2 + 1
    if isinstance(X, np.ndarray):  # token ids (n, T)
        return X * 0.5
    return [np.asarray(x, dtype=float)[:, 0] * 2 + 1 for x in X]


def _labels(X):
    return np.array(["a", "b", "c"])[np.arange(len(X)) % 3]


def _tags(X):
    """One tag per step: the sign of the first feature (of the token id's parity)."""
    if isinstance(X, np.ndarray) and X.ndim == 2:  # token ids (n, T)
        return np.where(X % 2 == 0, "even", "odd")
    if isinstance(X, np.ndarray):
        return np.where(X[:, :, 0] > 0, "pos", "neg")
    return [np.where(np.asarray(x)[:, 0] > 0, "pos", "neg") for x in X]


def _token_sequences(X):
    """Token sequences of 1-3 tokens: the signs of the first steps (or id parities)."""
    ids = isinstance(X, np.ndarray) and X.dtype.kind in "iu"
    out = []
    for i, x in enumerate(X):
        first = np.asarray(x, dtype=float).reshape(len(x), -1)[:, 0]
        up = first % 2 == 1 if ids else first > 0
        out.append(["up" if u else "down" for u in up[: 1 + i % 3]])
    return out


def _horizon(X):
    return np.arange(len(X) * 3, dtype=float).reshape(-1, 3) % 7


class WindowsCall:
    """``make_windows`` behind ``fit``, so the catalogue can call it like the others."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def fit(self, X, y=None):
        make_windows(X, **{"input_length": 2, **self.kwargs})
        return self


@dataclass(frozen=True)
class Spec:
    name: str
    make: object  # make(**params) -> unfitted estimator
    target: object  # target(X) -> valid y for X, or None
    output: str  # method whose result a fitted estimator is compared on
    caps: frozenset

    def __repr__(self):
        return self.name

    def data(self, layout="3d", seed=0):
        X = sequences(layout, seed) if "sequences" in self.caps else np.arange(30.0)
        return X, (None if self.target is None else self.target(X))

    def fit(self, est, X, y):
        return est.fit(X) if self.target is None else est.fit(X, y)

    def out(self, est, X):
        return getattr(est, self.output)(X)


_NET = {"estimator", "sequences", "net"}
_NUMERIC_NET = _NET | {"numeric"}
_SCALED = {"scaling"}
SPECS = [
    Spec(
        "LSTMClassifier",
        partial(LSTMClassifier, **SMALL),
        _labels,
        "predict_proba",
        frozenset(
            _NUMERIC_NET | _SCALED | {"y", "labels", "sample_weight", "tokens", "conv", "kernels"}
        ),
    ),
    # the random-kernel features, which "auto" leaves out for the short
    # sequences of these suites
    Spec(
        "LSTMClassifier-kernels",
        partial(LSTMClassifier, kernel_features=168, **SMALL),
        _labels,
        "predict_proba",
        frozenset(_NUMERIC_NET | _SCALED | {"y", "labels", "sample_weight"}),
    ),
    Spec(
        "Seq2SeqRegressor-aligned",
        partial(Seq2SeqRegressor, mode="aligned", **SMALL),
        _steps,
        "predict",
        frozenset(
            _NUMERIC_NET
            | _SCALED
            | {"y", "per_step_y", "sample_weight", "tokens", "conv", "step_outputs"}
        ),
    ),
    Spec(
        "Seq2SeqRegressor-encoder_decoder",
        partial(Seq2SeqRegressor, **SMALL),
        _horizon,
        "predict",
        frozenset(_NUMERIC_NET | _SCALED | {"y", "horizon", "sample_weight", "tokens", "conv"}),
    ),
    Spec(
        "AutoencoderTransformer",
        partial(AutoencoderTransformer, n_components=2, **SMALL),
        None,
        "transform",
        frozenset(_NUMERIC_NET | {"components", "conv"}),
    ),
    Spec(
        "BiRNNTagger",
        partial(BiRNNTagger, **SMALL),
        _tags,
        "predict_proba",
        frozenset(_NET | _SCALED | {"y", "sample_weight", "tokens", "conv", "step_outputs"}),
    ),
    Spec(
        "Seq2SeqClassifier",
        partial(Seq2SeqClassifier, **SMALL),
        _token_sequences,
        "score_samples",
        frozenset(_NET | _SCALED | {"y", "token_y", "sample_weight", "tokens"}),
    ),
    Spec(
        "SequenceScaler",
        SequenceScaler,
        None,
        "transform",
        frozenset({"estimator", "sequences", "numeric"}),
    ),
    Spec("make_windows", WindowsCall, None, "fit", frozenset({"series"})),
]

NET_SPECS = [s for s in SPECS if "net" in s.caps]
CONV_SPECS = [s for s in SPECS if "conv" in s.caps]


def conv_params(spec):
    """A small front-end for ``spec``, shortening the sequences where it may."""
    stride = 1 if "step_outputs" in spec.caps else 2
    return dict(conv_filters=(3, 3), conv_kernel_size=3, conv_stride=stride)
