"""Tests of the sequence input layer."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch

from sklearn_rnn._sequences import (
    SequenceData,
    as_ragged,
    check_sequences,
    fits_on_device,
    iter_batch_indices,
    masked_mean,
    reverse_within_length,
    to_device,
)


def test_3d_array_is_kept_with_equal_lengths():
    X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    padded, lengths, layout = check_sequences(X)
    assert layout == "array"
    assert padded.shape == (2, 3, 4)
    np.testing.assert_array_equal(padded, X)
    np.testing.assert_array_equal(lengths, [3, 3])


@pytest.mark.parametrize("as_frame", [False, True])
def test_2d_table_is_univariate_sequences(as_frame):
    X = np.arange(6, dtype=np.float64).reshape(2, 3)
    padded, lengths, layout = check_sequences(pd.DataFrame(X) if as_frame else X)
    assert layout == "table"
    assert padded.shape == (2, 3, 1)
    assert padded.dtype == np.float32
    np.testing.assert_array_equal(padded[:, :, 0], X)
    np.testing.assert_array_equal(lengths, [3, 3])


def test_ragged_list_is_padded_with_lengths():
    X = [np.ones((4, 2)), 2 * np.ones((1, 2)), 3 * np.ones((2, 2))]
    padded, lengths, layout = check_sequences(X)
    assert layout == "ragged"
    assert padded.shape == (3, 4, 2)
    np.testing.assert_array_equal(lengths, [4, 1, 2])
    assert (padded[1, 0] == 2).all() and (padded[1, 1:] == 0).all()
    np.testing.assert_array_equal(padded[2, :2], 3)


def test_ragged_1d_sequences_become_univariate():
    padded, lengths, _ = check_sequences([[1.0, 2.0, 3.0], np.array([4.0])])
    assert padded.shape == (2, 3, 1)
    np.testing.assert_array_equal(lengths, [3, 1])


def test_nested_regular_lists_read_as_table():
    X = np.arange(6.0).reshape(3, 2)
    _, _, layout = check_sequences(X.tolist())
    assert layout == "table"


def test_object_array_of_sequences_is_ragged():
    X = np.empty(2, dtype=object)
    X[0], X[1] = np.ones((3, 2)), np.ones((5, 2))
    padded, lengths, layout = check_sequences(X)
    assert layout == "ragged" and padded.shape == (2, 5, 2)
    np.testing.assert_array_equal(lengths, [3, 5])


def test_tokens_are_int64():
    padded, lengths, _ = check_sequences([[3, 1, 2], [5]], tokens=True)
    assert padded.dtype == np.int64 and padded.shape == (2, 3)
    np.testing.assert_array_equal(padded[0], [3, 1, 2])
    np.testing.assert_array_equal(lengths, [3, 1])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("dtype", [np.float16, np.uint8, np.uint64])
def test_token_ids_of_any_number_type_are_read_without_warnings(dtype):
    padded, _, _ = check_sequences(np.array([[3, 1, 2]], dtype=dtype), tokens=True)
    assert padded.dtype == np.int64
    np.testing.assert_array_equal(padded[0], [3, 1, 2])


def test_read_only_input_is_copied():
    X = np.ones((3, 4, 2), dtype=np.float32)
    X.setflags(write=False)
    padded, _, _ = check_sequences(X)
    assert padded.flags.writeable
    assert not np.shares_memory(padded, X)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[1.0, np.nan]]), ValueError, "NaN"),
        (np.array([[1.0, np.inf]]), ValueError, "infinity"),
        (np.array([[1e300, 1.0]]), ValueError, "too large for float32"),
        (np.ones((2, 2, 2, 2)), ValueError, "4 dimensions"),
        (np.ones(3), ValueError, "1-D array"),
        (np.empty((0, 3, 2)), ValueError, "0 sample"),
        ([], ValueError, "0 sample"),
        ([np.ones((2, 1)), np.ones((0, 1))], ValueError, r"X\[1\] is a zero-length sequence"),
        ([np.ones((2, 1)), np.ones((2, 3))], ValueError, "different numbers of features"),
        ([np.ones((2, 1)), 3.0], ValueError, "single number"),
        ([["a", "b"], ["c"]], ValueError, "strings"),
        (np.array([["a", "b"]]), ValueError, "strings"),
        (np.ones((2, 2)) * 1j, ValueError, "Complex"),
        (sp.csr_matrix(np.ones((2, 2))), TypeError, "Sparse"),
        (None, ValueError, "None"),
        ({"a": 1}, TypeError, "dict"),
        ("abc", TypeError, "str"),
    ],
)
def test_bad_input_raises_clear_error(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


@pytest.mark.parametrize(
    "X, match",
    [
        ([[1, -2]], "negative token ids"),
        ([[1.5, 2.0]], "integer token ids"),
        (np.ones((2, 3, 1), dtype=int), "3 dimensions"),
    ],
)
def test_bad_tokens_raise(X, match):
    with pytest.raises(ValueError, match=match):
        check_sequences(X, tokens=True)


def test_trailing_minus_one_in_a_token_matrix_is_padding():
    ids = np.array([[3, 4, -1], [5, -1, -1], [6, 7, 8]])
    padded, lengths, layout = check_sequences(ids, tokens=True)
    assert lengths.tolist() == [2, 1, 3] and layout == "table"
    assert padded.tolist() == [[3, 4, 0], [5, 0, 0], [6, 7, 8]]
    assert ids[0, 2] == -1  # the caller's matrix is left alone
    whole, lengths, _ = check_sequences(ids[:, :1], tokens=True)
    assert lengths.tolist() == [1, 1, 1] and whole.tolist() == [[3], [5], [6]]


@pytest.mark.parametrize(
    "ids, match",
    [
        ([[3, -1, 4]], "-1 before a token id"),
        ([[-1, -1], [2, 3]], "all padding"),
        ([[3, -2]], "negative token ids"),
    ],
)
def test_minus_one_elsewhere_than_at_the_end_raises(ids, match):
    with pytest.raises(ValueError, match=match):
        check_sequences(np.array(ids), tokens=True)
    with pytest.raises(ValueError, match="negative token ids"):
        check_sequences([np.array([3, -1])], tokens=True)  # ragged ids have no padding


@pytest.mark.parametrize(
    "dtype, numpy_dtype",
    [("Float64", np.float32), ("Int64", np.int64), ("boolean", np.float32)],
)
def test_nullable_frames_read_like_numpy(dtype, numpy_dtype):
    df = pd.DataFrame({"a": [1, 0, 1], "b": [0, 1, 1]}).astype(dtype)
    padded, lengths, layout = check_sequences(df, tokens=dtype == "Int64")
    plain, _, _ = check_sequences(df.astype(object).to_numpy().astype(float))
    assert padded.dtype == numpy_dtype and layout == "table"
    np.testing.assert_array_equal(padded.reshape(3, 2), plain.reshape(3, 2).astype(numpy_dtype))
    df.iloc[1, 0] = pd.NA
    with pytest.raises(ValueError, match="contains NaN"):
        check_sequences(df)


def test_as_ragged_keeps_equal_length_arrays_apart():
    arrays = [np.arange(3), np.arange(3, 6)]
    out = as_ragged(arrays)
    assert out.shape == (2,) and out.dtype == object and out[1] is arrays[1]
    assert np.concatenate([out, as_ragged([np.arange(2)])]).shape == (3,)


@pytest.mark.parametrize("shuffle", [False, True])
def test_batches_cover_every_index_once(shuffle):
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 50, size=1003)
    batches = iter_batch_indices(
        lengths, 32, shuffle=shuffle, rng=np.random.default_rng(1), bucket_batches=4
    )
    flat = np.concatenate(batches)
    np.testing.assert_array_equal(np.sort(flat), np.arange(1003))
    assert max(len(b) for b in batches) == 32


def test_buckets_make_batches_of_similar_length():
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 201, size=4000)
    batches = iter_batch_indices(lengths, 64, shuffle=True, rng=rng)
    padded_steps = sum(len(b) * lengths[b].max() for b in batches)
    # Trimmed buckets cost close to the real steps, far below padding to the longest.
    assert padded_steps < 1.1 * lengths.sum()
    assert padded_steps < 0.6 * len(lengths) * lengths.max()


def test_shuffled_batches_depend_on_the_generator_only():
    lengths = np.random.default_rng(0).integers(1, 20, size=300)

    def run(seed):
        batches = iter_batch_indices(lengths, 16, shuffle=True, rng=np.random.default_rng(seed))
        return np.concatenate(batches)

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


def test_unshuffled_batches_are_sorted_by_descending_length():
    lengths = np.array([3, 9, 1, 7, 7, 2])
    batches = iter_batch_indices(lengths, 2)
    flat = np.concatenate(batches)
    assert list(lengths[flat]) == sorted(lengths, reverse=True)


def test_batch_is_trimmed_to_its_longest_sequence():
    padded, lengths, _ = check_sequences([np.ones((9, 2)), np.ones((3, 2)), np.ones((2, 2))])
    data = SequenceData(torch.from_numpy(padded), lengths, y=torch.arange(3))
    inputs, y = data.batch(np.array([2, 1]))
    assert inputs["X"].shape == (2, 3, 2)
    np.testing.assert_array_equal(inputs["lengths"], [2, 3])
    np.testing.assert_array_equal(y, [2, 1])


def test_reverse_within_length():
    lengths = torch.tensor([3, 1, 4])
    index = reverse_within_length(lengths, 4)
    expected = torch.tensor([[2, 1, 0, 3], [0, 1, 2, 3], [3, 2, 1, 0]])
    assert torch.equal(index, expected)
    x = torch.arange(12).view(3, 4)
    twice = x.gather(1, index).gather(1, index)
    assert torch.equal(twice, x)


def test_masked_mean_ignores_padded_steps_and_weights_samples():
    losses = torch.tensor([[1.0, 2.0, 100.0], [3.0, 100.0, 100.0]])
    lengths = torch.tensor([2, 1])
    assert masked_mean(losses, lengths).item() == pytest.approx(2.0)
    w = torch.tensor([1.0, 3.0])
    expected = (1 + 2 + 3 * 3) / (1 + 1 + 3)
    assert masked_mean(losses, lengths, w).item() == pytest.approx(expected)
    assert masked_mean(torch.tensor([1.0, 5.0]), sample_weight=w).item() == pytest.approx(4.0)
    assert masked_mean(losses).item() == pytest.approx(losses.mean().item())


def test_per_step_targets_are_trimmed_with_their_lengths():
    X = torch.zeros(3, 6, 1)
    y = torch.arange(3 * 6).view(3, 6).float()
    data = SequenceData(X, [6, 2, 3], y=y, y_lengths=[6, 2, 3])
    inputs, targets = data.batch(np.array([1, 2]))
    assert inputs["X"].shape == (2, 3, 1)
    assert targets["y"].shape == (2, 3)
    np.testing.assert_array_equal(targets["lengths"], [2, 3])


def test_to_device_moves_nested_tensors_and_keeps_others():
    X, lengths = torch.zeros(2, 3), torch.tensor([3, 1])
    batch = ({"X": X, "lengths": lengths}, {"y": X, "note": "kept"})
    moved = to_device(batch, "meta")
    assert moved[0]["X"].device.type == "meta"
    assert moved[0]["lengths"].device.type == "meta"
    assert moved[1]["y"].device.type == "meta" and moved[1]["note"] == "kept"
    assert to_device(batch, "cpu")[0]["X"] is X  # already there: no copy


def test_sequence_data_to_device_keeps_targets_shared_with_inputs():
    X = torch.arange(24, dtype=torch.float32).view(4, 3, 2)
    data = SequenceData(X, np.array([3, 2, 3, 1]))
    autoencoding = data.with_targets(X, torch.ones(4), np.array([3, 2, 3, 1]))
    assert autoencoding.nbytes == data.nbytes + 4 * 4
    moved = autoencoding.to("meta")
    assert moved.y is moved.X and moved.X.device.type == "meta"
    assert moved.sample_weight.device.type == "meta"
    np.testing.assert_array_equal(moved.lengths, data.lengths)
    copied = autoencoding.to("cpu")
    inputs, targets = copied.batch([1, 3])
    torch.testing.assert_close(inputs["X"], X[[1, 3], :2])
    torch.testing.assert_close(targets["y"], X[[1, 3], :2])
    assert not fits_on_device(data, "cpu")


@pytest.mark.parametrize("value, match", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_finite_check_in_chunks_finds_the_last_value(monkeypatch, value, match):
    import sklearn_rnn._sequences as sequences

    monkeypatch.setattr(sequences, "_FINITE_CHUNK", 7)  # a few rows at a time
    X = np.zeros((20, 3, 2))
    X[-1, -1, -1] = value
    with pytest.raises(ValueError, match=match):
        check_sequences(X)
    check_sequences(X[:-1])
