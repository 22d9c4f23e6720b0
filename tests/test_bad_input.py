"""The bad-input catalogue: every case against every estimator it applies to.

Each case must raise a ValueError or TypeError (NotFittedError before fit)
whose message names the problem, from the package's own checks (never a raw
torch error), before any training starts; a fitted estimator that receives
bad input still predicts as before.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from skorch import NeuralNet

from tests.estimator_specs import SPECS, N, sequences


def _fresh(spec, case, X, y):
    return spec.make(**case.params)


def _fit_call(spec, case, est, X, y):
    X_bad = case.X(X, y) if case.X else X
    y_bad = case.y(X, y) if case.y else y
    if spec.target is None:
        return est.fit(X_bad)
    return est.fit(X_bad, y_bad, **(case.fit_kw(X, y) if case.fit_kw else {}))


def _fitted(spec, case, X, y):
    return spec.fit(spec.make(**case.params), X, y)


def _predict_call(spec, case, est, X, y):
    return spec.out(est, case.X(X, y))


def _fitted_on_tokens(spec, case, X, y):
    return spec.fit(spec.make(embedding_dim=2), TOKENS, spec.target(TOKENS))


def _unfitted_call(spec, case, est, X, y):
    return spec.out(est, X)


def _warm_call(spec, case, est, X, y):
    est.set_params(**case.warm_params)
    return spec.fit(est, X, case.y(X, y) if case.y else y)


@dataclass(frozen=True)
class Case:
    id: str
    error: type
    match: str
    needs: frozenset
    X: object = None  # X(X, y) -> the bad X
    y: object = None  # y(X, y) -> the bad y
    params: dict = field(default_factory=dict)
    fit_kw: object = None  # fit_kw(X, y) -> extra keyword arguments of fit
    prepare: object = _fresh  # prepare(spec, case, X, y) -> the estimator to call
    call: object = _fit_call  # call(spec, case, est, X, y): the bad call
    warm_params: dict = field(default_factory=dict)  # set before the warm refit

    def __repr__(self):
        return self.id

    @property
    def fits(self):
        return self.call is _fit_call


def fit_case(id, error, match, needs=("sequences",), **kw):
    return Case(id, error, match, frozenset(needs), **kw)


def predict_case(id, error, match, X, needs=("sequences", "estimator")):
    return Case(id, error, match, frozenset(needs), X=X, prepare=_fitted, call=_predict_call)


def param_case(id, match, needs=("net",), **params):
    return Case(id, ValueError, match, frozenset(needs), params=params)


TOKENS = np.arange(N * 5).reshape(N, 5) % 7


def _replaced(A, value, at):
    """A copy of array or ragged list ``A`` with one value replaced."""
    dtype = object if isinstance(value, str) else np.result_type(value, 1.0)
    if isinstance(A, list):
        return [_replaced(A[0], value, at[1:]), *A[1:]]
    A = np.array(A, dtype=dtype)
    A[at] = value
    return A


def _with(value, at=(0, 1, 0)):
    """X with one value replaced."""
    return lambda X, y: _replaced(X, value, at)


def _y_with(value):
    """Per-step targets y with one value replaced."""
    return lambda X, y: _replaced(y, value, (0, 1))


def _ragged_with(seq):
    return lambda X, y: [*sequences("ragged")[:-1], seq]


def _drop_last(X, y):
    return y[:-1] if isinstance(y, np.ndarray) else y[:-1]


def _short_steps(X, y):
    return [np.zeros(3)] * len(X)


def _tokens(ids):
    return lambda X, y: np.array([ids] * N)


Y, LABELS, ROWS = ("sequences", "y"), ("sequences", "labels"), ("sequences", "sample_weight")
TOK, SERIES = ("tokens",), ("series",)
NUMERIC, NUMERIC_TOK = ("sequences", "numeric"), ("tokens", "numeric")  # strings are rejected

CASES = [
    # ----------------------------------------------------------------- X at fit
    fit_case("nan", ValueError, "contains NaN", X=_with(np.nan)),
    fit_case("inf", ValueError, "infinity", X=_with(np.inf)),
    fit_case("overflows-float32", ValueError, "too large for float32", X=_with(1e300)),
    fit_case("complex", ValueError, "[Cc]omplex", X=_with(1 + 2j)),
    fit_case("string-in-array", ValueError, "strings", X=_with("abc")),
    fit_case("all-strings", ValueError, "strings", NUMERIC, X=lambda X, y: np.full((N, 5), "w")),
    fit_case("string-sequence-in-list", ValueError, "is a string", X=_ragged_with("abc")),
    fit_case("none", ValueError, "None", X=lambda X, y: None),
    fit_case("none-values", ValueError, "NaN", X=lambda X, y: np.full((N, 5), None)),
    fit_case("dict", TypeError, "dict", X=lambda X, y: {"a": [1.0, 2.0]}),
    fit_case(
        "list-of-dicts",
        TypeError,
        "not numbers \\(dict\\).*argument must be",
        X=lambda X, y: [{"a": 1}] * N,
    ),
    fit_case(
        "sktime-nested-dataframe",
        TypeError,
        "not numbers \\(Series\\): .*[^.]\\. Cells that are pandas Series.*nested_univ"
        ".*convert_to.*FromChannelsFirst",
        NUMERIC,
        X=lambda X, y: pd.DataFrame({"dim_0": [pd.Series(np.arange(5.0))] * N}),
    ),
    fit_case("scalar", TypeError, "float", X=lambda X, y: 3.0),
    fit_case("sparse", TypeError, "Sparse", X=lambda X, y: sp.csr_matrix(np.ones((N, 5)))),
    fit_case("1-d", ValueError, "1-D array", X=lambda X, y: np.ones(N)),
    fit_case("4-d", ValueError, "4 dimensions", X=lambda X, y: np.ones((N, 5, 2, 1))),
    fit_case("empty-list", ValueError, "0 sample", X=lambda X, y: []),
    fit_case("empty-array", ValueError, "0 sample", X=lambda X, y: np.ones((0, 5, 2))),
    fit_case("zero-steps", ValueError, "0 time steps", X=lambda X, y: np.ones((N, 0, 2))),
    fit_case("zero-features", ValueError, "0 feature", X=lambda X, y: np.ones((N, 5, 0))),
    fit_case("zero-length-sequence", ValueError, "zero-length", X=_ragged_with(np.ones((0, 2)))),
    fit_case(
        "feature-counts-differ",
        ValueError,
        "different numbers of features",
        X=_ragged_with(np.ones((3, 3))),
    ),
    fit_case(
        "3-d-sequence-in-list", ValueError, "3 dimensions", X=_ragged_with(np.ones((3, 2, 1)))
    ),
    fit_case("number-in-list", ValueError, "single number", X=_ragged_with(4.0)),
    fit_case(
        "dataframe-of-strings",
        ValueError,
        "strings",
        X=lambda X, y: pd.DataFrame({"a": ["x"] * N, "b": ["y"] * N}),
    ),
    # ------------------------------------------------------------------ y at fit
    fit_case("y-none", ValueError, "requires y", Y, y=lambda X, y: None),
    fit_case("X-y-length-mismatch", ValueError, "but y has", Y, y=_drop_last),
    fit_case("labels-2-d", ValueError, "1d array", LABELS, y=lambda X, y: np.c_[y, y]),
    fit_case("one-class", ValueError, "only one class", LABELS, y=lambda X, y: ["a"] * N),
    fit_case(
        "labels-nan", ValueError, "NaN", LABELS, y=lambda X, y: np.r_[np.nan, np.ones(N - 1)]
    ),
    fit_case(
        "continuous-labels",
        ValueError,
        "Unknown label type",
        LABELS,
        y=lambda X, y: np.linspace(0, 1, N),
    ),
    fit_case(
        "class-weight-unknown-label",
        ValueError,
        "not in class_weight",
        LABELS,
        params={"class_weight": {"z": 2.0}},
    ),
    fit_case(
        "unseen-labels-in-warm-start",
        ValueError,
        "warm_start",
        LABELS,
        y=lambda X, y: np.where(y == "a", "new", y),
        params={"warm_start": True},
        prepare=_fitted,
        call=_warm_call,
    ),
    fit_case(
        "network-shape-changed-in-warm-start",
        ValueError,
        "another shape",
        ("net",),
        params={"warm_start": True},
        warm_params={"hidden_size": 7},
        prepare=_fitted,
        call=_warm_call,
    ),
    fit_case("targets-nan", ValueError, "NaN", ("per_step_y",), y=_y_with(np.nan)),
    fit_case("targets-strings", ValueError, "strings", ("per_step_y",), y=_y_with("x")),
    fit_case(
        "per-step-lengths-differ", ValueError, "target steps", ("per_step_y",), y=_short_steps
    ),
    fit_case(
        "horizons-differ",
        ValueError,
        "one length",
        ("horizon",),
        y=lambda X, y: [np.ones(3)] * (N - 1) + [np.ones(2)],
    ),
    fit_case(
        "sample-weight-length",
        ValueError,
        "sample_weight",
        ROWS,
        fit_kw=lambda X, y: {"sample_weight": np.ones(N - 1)},
    ),
    fit_case(
        "sample-weight-negative",
        ValueError,
        "Negative",
        ROWS,
        fit_kw=lambda X, y: {"sample_weight": -np.ones(N)},
    ),
    fit_case(
        "sample-weight-zero",
        ValueError,
        "non-zero|positive sum",  # scikit-learn >= 1.7 says "non-zero"
        ROWS,
        fit_kw=lambda X, y: {"sample_weight": np.zeros(N)},
    ),
    fit_case(
        "token-targets-all-empty", ValueError, "empty", ("token_y",), y=lambda X, y: [[]] * N
    ),
    fit_case(
        "token-targets-mix-scalars",
        ValueError,
        "mixes single tokens",
        ("token_y",),
        y=lambda X, y: [7, *y[1:]],
    ),
    fit_case(
        "token-targets-mix-strings-and-numbers",
        ValueError,
        "not all single values of one type",
        ("token_y",),
        y=lambda X, y: [["A", 1], *y[1:]],
    ),
    fit_case(
        "strings-without-analyzer",
        ValueError,
        "analyzer='char'",
        ("token_y",),
        X=lambda X, y: ["abc"] * N,
    ),
    fit_case(
        "vectors-with-embedding-dim",
        ValueError,
        "embedding_dim",
        ("token_y",),
        X=lambda X, y: np.ones((N, 3)),
        params={"input_type": "vectors", "embedding_dim": 4},
    ),
    # --------------------------------------------------------------- token ids
    fit_case(
        "negative-token-ids",
        ValueError,
        "negative token ids",
        TOK,
        X=_tokens([1, -1, 2]),
        params={"embedding_dim": 2},
    ),
    fit_case(
        "fractional-token-ids",
        ValueError,
        "integer token ids",
        TOK,
        X=_tokens([1, 1.5, 2]),
        params={"embedding_dim": 2},
    ),
    fit_case(
        "token-ids-beyond-limit",
        ValueError,
        "largest supported id",
        TOK,
        X=_tokens([1, 10**12]),
        params={"embedding_dim": 2},
    ),
    fit_case(
        "token-ids-beyond-int64",
        ValueError,
        "largest supported id",
        TOK,
        X=lambda X, y: [[1, 2**70]] * N,
        params={"embedding_dim": 2},
    ),
    fit_case(
        "token-ids-3-d",
        ValueError,
        "3 dimensions",
        TOK,
        X=lambda X, y: np.ones((N, 5, 2), int),
        params={"embedding_dim": 2},
    ),
    fit_case(
        "token-sequence-2-d",
        ValueError,
        "must be 1-D",
        TOK,
        X=lambda X, y: [np.ones((3, 2), int)] * N,
        params={"embedding_dim": 2},
    ),
    fit_case(
        "token-strings",
        ValueError,
        "TokenSequenceVectorizer",
        NUMERIC_TOK,
        X=lambda X, y: [["the", "cat"]] * N,
        params={"embedding_dim": 2},
    ),
    Case(
        "negative-token-ids-at-predict",
        ValueError,
        "negative token ids",
        frozenset(TOK),
        X=_tokens([3, -2, 1, 1, 1]),
        prepare=_fitted_on_tokens,
        call=_predict_call,
    ),
    # --------------------------------------------------------------- X at predict
    predict_case("predict-wrong-feature-count", ValueError, "features", lambda X, y: X[:, :, :1]),
    predict_case("predict-nan", ValueError, "NaN", _with(np.nan)),
    predict_case("predict-strings", ValueError, "strings", _with("abc")),
    predict_case("predict-1-d", ValueError, "1-D array", lambda X, y: np.ones(5)),
    predict_case("predict-zero-length", ValueError, "zero-length", _ragged_with(np.ones((0, 2)))),
    predict_case(
        "predict-sparse", TypeError, "Sparse", lambda X, y: sp.csr_matrix(np.ones((3, 5)))
    ),
    Case(
        "predict-before-fit",
        NotFittedError,
        "not fitted",
        frozenset({"estimator"}),
        call=_unfitted_call,
    ),
    # ---------------------------------------------------------------- parameters
    param_case("negative-hidden-size", "hidden_size", hidden_size=-1),
    param_case("unknown-cell", "cell", cell="transformer"),
    param_case("zero-layers", "num_layers", num_layers=0),
    param_case("dropout-above-1", "dropout", dropout=1.5),
    param_case("string-residual", "residual", residual="yes"),
    param_case("integer-layer-norm", "layer_norm", layer_norm=2),
    param_case("zero-learning-rate", "learning_rate_init", learning_rate_init=0.0),
    param_case("learning-rate-beyond-float32", "learning_rate_init", learning_rate_init=1e300),
    param_case("alpha-beyond-float32", "alpha", alpha=1e300),
    param_case("zero-batch-size", "batch_size", batch_size=0),
    param_case("zero-max-iter", "max_iter", max_iter=0),
    param_case("unknown-max-iter", "max_iter", max_iter="forever"),
    param_case("zero-min-steps", "min_steps", min_steps=0),
    param_case("unknown-learning-rate", "learning_rate", learning_rate="invscaling"),
    param_case("unknown-early-stopping", "early_stopping", early_stopping="always"),
    param_case("unknown-scaling", "scaling", ("scaling",), scaling="minmax"),
    param_case("validation-fraction-1", "validation_fraction", validation_fraction=1.0),
    param_case("zero-clip-grad-norm", "clip_grad_norm", clip_grad_norm=0.0),
    param_case("unknown-device", "not a valid torch device", device="tpu"),
    param_case("missing-cuda-device", "cuda:99", device="cuda:99"),
    param_case("meta-device", "holds no values", device="meta"),
    param_case("unavailable-device", "is not available here", device="ipu"),
    param_case("string-random-state", "random_state", random_state="seed"),
    param_case("zero-embedding-dim", "embedding_dim", TOK, embedding_dim=0),
    param_case("unknown-class-weight", "class_weight", ("labels",), class_weight="auto"),
    param_case("negative-kernel-features", "kernel_features", ("kernels",), kernel_features=-84),
    param_case("too-few-kernel-features", "at least 84", ("kernels",), kernel_features=83),
    fit_case(
        "kernel-features-with-token-ids",
        ValueError,
        "token ids",
        ("tokens", "kernels"),
        X=_tokens([1, 2, 3]),
        params={"embedding_dim": 2, "kernel_features": 84},
    ),
    param_case("zero-beam-width", "beam_width", ("token_y",), beam_width=0),
    param_case("unknown-attention", "attention", ("token_y",), attention="cosine"),
    param_case("zero-components", "n_components", ("components",), n_components=0),
    param_case("conv-zero-stride", "conv_stride", ("conv",), conv_filters=(2,), conv_stride=0),
    param_case(
        "conv-stride-not-power-of-two", "power of two", ("conv",), conv_filters=(2,), conv_stride=3
    ),
    param_case("conv-zero-channels", "positive channel", ("conv",), conv_filters=(2, 0)),
    param_case(
        "conv-kernel-per-block",
        "one positive kernel",
        ("conv",),
        conv_filters=(2, 2),
        conv_kernel_size=(3,),
    ),
    param_case(
        "conv-stride-without-filters",
        "conv_filters is empty",
        ("conv",),
        conv_filters=(),
        conv_stride=2,
    ),
    param_case(
        "conv-stride-with-step-outputs",
        "keep every step",
        ("conv", "step_outputs"),
        conv_filters=(2,),
        conv_stride=2,
    ),
    # -------------------------------------------------------------- make_windows
    fit_case("series-nan", ValueError, "NaN", SERIES, X=lambda X, y: np.r_[X, np.nan]),
    fit_case("series-strings", ValueError, "numeric", SERIES, X=lambda X, y: np.array(["a"] * 9)),
    fit_case("series-none", ValueError, "numeric", SERIES, X=lambda X, y: None),
    fit_case("series-3-d", ValueError, "3 dimensions", SERIES, X=lambda X, y: np.ones((9, 2, 2))),
    fit_case("series-too-short", ValueError, "too few", SERIES, X=lambda X, y: X[:2]),
    fit_case(
        "series-zero-input-length", ValueError, "input_length", SERIES, params={"input_length": 0}
    ),
    fit_case(
        "series-unknown-target", ValueError, "not a column", SERIES, params={"targets": "price"}
    ),
    fit_case(
        "series-collection-features",
        ValueError,
        "different numbers of features",
        SERIES,
        X=lambda X, y: [X, np.ones((9, 2))],
    ),
    fit_case(
        "series-collection-all-short",
        ValueError,
        "too few",
        SERIES,
        X=lambda X, y: [X[:2], X[:1]],
    ),
]

PAIRS = [
    pytest.param(case, spec, id=f"{case.id}-{spec.name}")
    for case in CASES
    for spec in SPECS
    if case.needs <= spec.caps
]


def test_catalogue_is_one_table_of_at_least_40_cases():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    # every case runs against at least one estimator
    assert {c.id for c in CASES} == {p.values[0].id for p in PAIRS}


def _no_training(*args, **kwargs):
    raise AssertionError("training started")


@pytest.mark.parametrize("case, spec", PAIRS)
def test_bad_input_raises_a_clear_error_before_training(case, spec, monkeypatch):
    X, y = spec.data()
    est = case.prepare(spec, case, X, y)
    monkeypatch.setattr(NeuralNet, "initialize", _no_training)
    monkeypatch.setattr(NeuralNet, "partial_fit", _no_training)
    with pytest.raises(case.error, match=case.match) as info:
        case.call(spec, case, est, X, y)
    assert isinstance(info.value, (ValueError, TypeError))
    # raised by the package's (or scikit-learn's) own checks, never inside torch
    raised_in = str(info.traceback[-1].path)
    assert "/torch/" not in raised_in and "/skorch/" not in raised_in, raised_in
    if case.fits and "estimator" in spec.caps:
        assert not hasattr(est, "n_features_in_")  # nothing half-fitted


@pytest.mark.parametrize("warm_start", [False, True])
@pytest.mark.parametrize("spec", [s for s in SPECS if "estimator" in s.caps], ids=repr)
def test_fitted_estimator_predicts_as_before_after_bad_input(spec, warm_start, monkeypatch):
    X, y = spec.data("ragged")
    params = {"warm_start": warm_start} if "net" in spec.caps else {}
    est = spec.fit(spec.make(**params), X, y)
    before = spec.out(est, X)
    state = {k: v for k, v in vars(est).items() if k != "net_"}
    monkeypatch.setattr(NeuralNet, "initialize", _no_training)
    monkeypatch.setattr(NeuralNet, "partial_fit", _no_training)
    ran = 0
    for case in CASES:
        if not case.needs <= spec.caps:
            continue
        if case.call is _fit_call and case.prepare is _fresh:
            call = _fit_call
        elif case.call is _predict_call and case.prepare is _fitted:
            call = _predict_call
        elif case.call is _warm_call and warm_start:
            call = _warm_call
        else:
            continue
        est.set_params(**case.params)
        with pytest.raises(case.error, match=case.match):
            call(spec, case, est, *spec.data("3d" if call is _predict_call else "ragged"))
        est.set_params(**spec.make(**params).get_params())
        ran += 1
    assert ran >= 20
    after = spec.out(est, X)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    assert {k: v for k, v in vars(est).items() if k != "net_"}.keys() == state.keys()
    if "net" in spec.caps:
        assert est.n_iter_ == state["n_iter_"]


def test_a_network_too_large_to_allocate_is_a_value_error(monkeypatch):
    spec = SPECS[0]

    def allocation_fails(self, info, target_info):
        raise RuntimeError("DefaultCPUAllocator: can't allocate memory")

    monkeypatch.setattr(type(spec.make()), "_make_module", allocation_fails)
    est = spec.make(hidden_size=10**6)
    with pytest.raises(ValueError, match="could not be built.*can't allocate.*hidden_size"):
        spec.fit(est, *spec.data())
    assert not hasattr(est, "net_")
