"""Property-based fuzzing of the sequence input layer (check_sequences)."""

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sklearn_rnn._sequences import MAX_TOKEN_ID, check_sequences

DTYPES = ["float32", "float64", "float16", "int8", "int64", "uint8", "bool", "complex64", "U1"]
# what the values of an array look like; drawn values are made with numpy (fast)
VALUE_KINDS = ["small ints", "normal", "negative", "fractions", "nan", "inf", "huge", "huge ids"]
ODD = st.sampled_from([None, "a", b"b", {"k": 1}, 1 + 2j, [1.0, [2.0]], True])


def _values(kind, size, rng):
    if kind == "small ints":
        return rng.integers(0, 9, size).astype(np.float64)
    values = rng.normal(size=size) * 3
    if kind == "negative":
        values = -np.abs(values) - 1
    elif kind == "fractions":
        values = values + 0.5
    elif kind in ("nan", "inf", "huge", "huge ids") and size:
        special = {"nan": np.nan, "inf": -np.inf, "huge": 1e300, "huge ids": 2.0**70}[kind]
        values[rng.integers(size)] = special
    return values


@st.composite
def arrays(draw, max_dims=4):
    """A numpy array of a random dtype, shape (zeros allowed) and values."""
    ndim = draw(st.integers(0, max_dims))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim)))
    dtype = draw(st.sampled_from(DTYPES))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    size = int(np.prod(shape))
    if dtype == "U1":
        return rng.choice(np.array(["a", "b"]), size=size).reshape(shape)
    with np.errstate(all="ignore"):
        values = _values(draw(st.sampled_from(VALUE_KINDS)), size, rng)
        return values.astype(dtype).reshape(shape)


@st.composite
def inputs(draw):
    """Regular arrays, ragged lists of arrays or nested lists, odd objects."""
    kind = draw(st.sampled_from(["array", "ragged", "nested", "odd"]))
    if kind == "array":
        return draw(arrays())
    if kind == "odd":
        return draw(ODD)
    n_features = draw(st.integers(1, 3))
    n = draw(st.integers(0, 5))
    seqs = []
    for _ in range(n):
        choice = draw(st.sampled_from(["regular"] * 8 + ["any", "odd"]))
        if choice == "regular":  # mostly consistent sequences, so valid batches happen
            length = draw(st.integers(1, 4))
            a = np.arange(length * n_features, dtype=np.float64).reshape(length, n_features)
            dims = draw(st.sampled_from([1, 2])) if n_features == 1 else 2
            seqs.append(a[:, 0] if dims == 1 else a)
        elif choice == "any":
            seqs.append(draw(arrays(max_dims=3)))
        else:
            seqs.append(draw(ODD))
    if kind == "nested":
        return [s.tolist() if isinstance(s, np.ndarray) else s for s in seqs]
    return seqs


def _as_steps(seq, tokens):
    a = np.asarray(seq, dtype=np.float64)
    return a if tokens or a.ndim == 2 else a[:, None]


@settings(
    max_examples=1000,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(X=inputs(), tokens=st.booleans())
def test_check_sequences_gives_a_valid_batch_or_a_documented_error(X, tokens):
    try:
        padded, lengths, layout = check_sequences(X, tokens=tokens)
    except (ValueError, TypeError) as exc:
        # a documented error, raised by the input layer: it names the input
        assert "X" in str(exc), str(exc)
        event(f"{type(exc).__name__}: {str(exc).split(';')[0][:30]}")
        return
    n = len(X)
    assert lengths.shape == (n,) and lengths.dtype == np.int64
    assert n >= 1 and lengths.min() >= 1
    assert padded.shape[:2] == (n, lengths.max())
    assert layout in ("table", "array", "ragged")
    event(f"valid {layout} batch")
    if tokens:
        assert padded.dtype == np.int64 and padded.ndim == 2
        assert padded.min() >= 0 and padded.max() <= MAX_TOKEN_ID
    else:
        assert padded.dtype == np.float32 and padded.ndim == 3
        assert np.isfinite(padded).all()
    if layout != "ragged":
        assert (lengths == padded.shape[1]).all()
        return
    for i, seq in enumerate(X):
        steps = _as_steps(seq, tokens)
        assert lengths[i] == len(steps)
        real = padded[i, : lengths[i]]
        np.testing.assert_array_equal(real, steps.astype(padded.dtype))
        assert not padded[i, lengths[i] :].any()  # padding is zeros
