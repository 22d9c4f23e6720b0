"""Determinism: the same random_state gives the same model; fit leaves global RNGs alone."""

import numpy as np
import pytest
import torch

from tests.estimator_specs import CONV_SPECS, NET_SPECS, conv_params

# dropout, the validation split and shuffling all draw random numbers
RANDOM = dict(max_iter=3, dropout=0.3, num_layers=2, early_stopping=True, validation_fraction=0.25)
# the options of deep stacks
DEEP = dict(residual=True, layer_norm=True)


def _outputs(spec, X, y, random_state, **params):
    est = spec.fit(spec.make(**RANDOM, **params, random_state=random_state), X, y)
    return [np.asarray(o) for o in spec.out(est, X)]


@pytest.mark.parametrize("deep", [{}, DEEP], ids=["plain", "deep"])
@pytest.mark.parametrize("layout", ["3d", "ragged"])
@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_same_seed_same_model_other_seed_other_model(spec, layout, deep):
    X, y = spec.data(layout)
    first = _outputs(spec, X, y, 7, **deep)
    torch.manual_seed(12345)  # the caller's global state must not matter either
    second = _outputs(spec, X, y, 7, **deep)
    other = _outputs(spec, X, y, 8, **deep)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, c) for a, c in zip(first, other, strict=True))


@pytest.mark.parametrize("spec", CONV_SPECS, ids=repr)
def test_same_seed_same_model_with_the_convolutional_front_end(spec):
    X, y = spec.data("ragged")
    params = dict(RANDOM, **conv_params(spec))
    first, second, other = (
        spec.out(spec.fit(spec.make(**params, random_state=seed), X, y), X) for seed in (7, 7, 8)
    )
    assert spec.make(**params).get_params()["conv_filters"] == (3, 3)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(not np.allclose(a, c) for a, c in zip(first, other, strict=True))


def test_fit_leaves_global_torch_and_numpy_state_alone():
    torch.manual_seed(3)
    np.random.seed(3)
    torch_state, numpy_state = torch.random.get_rng_state(), np.random.get_state()
    for spec in NET_SPECS:
        spec.fit(spec.make(**RANDOM, random_state=0), *spec.data("ragged"))
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    after = np.random.get_state()
    assert after[2] == numpy_state[2]
    np.testing.assert_array_equal(after[1], numpy_state[1])


def test_equal_random_state_instances_give_equal_models():
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    a = _outputs(spec, X, y, np.random.RandomState(4))
    b = _outputs(spec, X, y, np.random.RandomState(4))
    np.testing.assert_array_equal(a[0], b[0])
