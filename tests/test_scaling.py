"""Tests of the one standardiser over real steps, and of its two users."""

import numpy as np
import pytest

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn._scaling import is_constant, real_step_moments, standard_scaling
from sklearn_rnn.preprocessing import SequenceScaler


def _ragged(rng, n=30, k=3):
    return [
        rng.normal(size=(rng.randint(1, 9), k)) * [1, 10, 100] + [0, -5, 1e3] for _ in range(n)
    ]


def _padded(seqs):
    lengths = np.array([len(s) for s in seqs])
    padded = np.full((len(seqs), lengths.max(), seqs[0].shape[1]), 7.0)  # padding never counts
    for i, s in enumerate(seqs):
        padded[i, : len(s)] = s
    return padded, lengths


@pytest.mark.parametrize("chunk_size", [1, 4, 4096])
def test_moments_over_real_steps_in_chunks(chunk_size):
    seqs = _ragged(np.random.RandomState(0))
    real = np.concatenate(seqs)
    count, mean, var = real_step_moments(*_padded(seqs), chunk_size=chunk_size)
    assert count == len(real)
    np.testing.assert_allclose(mean, real.mean(0), rtol=1e-12)
    np.testing.assert_allclose(var, real.var(0), rtol=1e-10)


def test_constant_features_keep_a_scale_of_one():
    rng = np.random.RandomState(0)
    padded = np.stack(
        [np.full(50, 1e6 + 0.1), rng.normal(size=50) * 1e-6 + 3.0, np.zeros(50)], axis=1
    )[:, None, :]
    mean, scale = standard_scaling(padded, np.ones(50, dtype=np.int64))
    assert scale[0] == 1.0 and scale[2] == 1.0  # constant up to rounding
    np.testing.assert_allclose(scale[1], padded[:, 0, 1].std(), rtol=1e-9)  # small but real
    np.testing.assert_allclose(mean, padded[:, 0].mean(0))
    assert is_constant(np.array([0.0, 1e-30, 1.0]), np.array([5.0, 1e6, 0.0]), 100).tolist() == [
        True,
        True,
        False,
    ]


def test_with_mean_and_with_std_switch_their_part_off():
    padded, lengths = _padded(_ragged(np.random.RandomState(1)))
    mean, scale = standard_scaling(padded, lengths, with_mean=False)
    assert not mean.any() and (scale > 1).all()
    mean, scale = standard_scaling(padded, lengths, with_std=False)
    assert (scale == 1).all() and mean[2] > 900


def test_sequence_scaler_and_seq2seq_use_the_same_statistics():
    rng = np.random.RandomState(2)
    seqs = [s.astype(np.float32) for s in _ragged(rng)]
    mean, scale = standard_scaling(*_padded(seqs))
    scaler = SequenceScaler().fit(seqs)
    np.testing.assert_allclose(scaler.mean_, mean, rtol=1e-12)
    np.testing.assert_allclose(scaler.scale_, scale, rtol=1e-12)
    y = [s[:, :1] for s in seqs]
    reg = Seq2SeqRegressor(mode="aligned", hidden_size=2, max_iter=1, random_state=0).fit(seqs, y)
    np.testing.assert_allclose(reg._x_mean, mean.astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(reg._x_scale, scale.astype(np.float32), rtol=1e-6)
