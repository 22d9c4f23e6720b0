"""Tests of the runtime helpers: named seeds, thread heuristic, CPU settings, rollback."""

import numpy as np
import pytest
import torch
from sklearn.utils import check_random_state

from sklearn_rnn import LSTMClassifier
from sklearn_rnn._runtime import (
    SINGLE_THREAD_WORK,
    Seeds,
    cpu_settings,
    draw_seeds,
    recurrent_work,
    resolve_device,
    restored_on_failure,
    seeded,
    threads_for_work,
    torch_threads,
)


@pytest.mark.parametrize("random_state", [0, 7, np.random.RandomState(3)])
def test_draw_seeds_names_the_three_draws_in_order(random_state):
    expected = check_random_state(
        np.random.RandomState(3) if not isinstance(random_state, int) else random_state
    ).randint(2**31 - 1, size=3)
    seeds = draw_seeds(check_random_state(random_state))
    assert isinstance(seeds, Seeds)
    assert (seeds.weights, seeds.shuffle, seeds.split) == tuple(int(s) for s in expected)
    assert all(isinstance(s, int) for s in (seeds.weights, seeds.shuffle, seeds.split))


def test_the_net_gets_the_shuffle_and_split_seeds_by_name():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 5, 2)).astype(np.float32), np.arange(40) % 2
    clf = LSTMClassifier(
        hidden_size=4, max_iter=2, early_stopping=True, n_iter_no_change=5, random_state=5
    ).fit(X, y)
    seeds = draw_seeds(check_random_state(5))
    assert clf.net_.shuffle_seed == seeds.shuffle
    assert clf.net_.train_split.random_state == seeds.split
    # the weights seed: the same initial weights as torch seeded with it
    with seeded(seeds.weights, "cpu"):
        first = torch.rand(1).item()
    with seeded(seeds.weights, "cpu"):
        assert torch.rand(1).item() == first


def test_seeded_leaves_the_global_torch_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    with seeded(1, "cpu"):
        torch.rand(10)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_thread_heuristic_has_one_threshold():
    assert threads_for_work(SINGLE_THREAD_WORK - 1) == 1
    assert threads_for_work(SINGLE_THREAD_WORK) is None
    assert threads_for_work(10, n_threads=3) == 3
    assert threads_for_work(10 * SINGLE_THREAD_WORK, n_threads=2) == 2
    # batch x gates x hidden x (input + hidden), twice when bidirectional
    assert recurrent_work(32, "lstm", 128, 100, False) == 32 * 4 * 128 * 228
    assert recurrent_work(32, "gru", 10, 5, True) == 2 * 32 * 3 * 10 * 15
    assert recurrent_work(1, "rnn", 2, 3) == 10


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, 1),  # small: 2 x 32 x 3 x 64 x 66 multiply-adds per step
        ({"hidden_size": 512, "batch_size": 256}, None),
        ({"n_threads": 2}, 2),
    ],
)
def test_estimators_resolve_threads_from_their_work(params, expected):
    clf = LSTMClassifier(**params)
    # the input description of a fit, with the cell its "auto" resolved to
    info = {"_n_step_features": 2, "_input_kind": "sequences", "_settings": {"cell": "gru"}}
    assert clf._resolve_n_threads(info) == expected


def test_cpu_settings_and_torch_threads_restore_the_thread_count():
    old = torch.get_num_threads()
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == old
    with cpu_settings(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == old


def test_resolve_device():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="not a valid torch device"):
        resolve_device("gpu0")


def test_restored_on_failure_rolls_a_net_back():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(20, 4, 2)).astype(np.float32), np.arange(20) % 2
    clf = LSTMClassifier(hidden_size=4, max_iter=2, random_state=0).fit(X, y)
    net = clf.net_
    before = {k: v.clone() for k, v in net.module_.state_dict().items()}
    n_epochs, rng_state = len(net.history), net.shuffle_rng_.bit_generator.state
    with pytest.raises(RuntimeError, match="boom"), restored_on_failure(net):
        with torch.no_grad():
            for p in net.module_.parameters():
                p.add_(1.0)
        net.history.new_epoch()
        net.shuffle_rng_.random()
        net.max_epochs = 99
        raise RuntimeError("boom")
    for k, v in net.module_.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    assert len(net.history) == n_epochs and net.max_epochs == 2
    assert net.shuffle_rng_.bit_generator.state == rng_state
