"""Warm starts of every network estimator refuse a network of another shape."""

import numpy as np
import pytest
import torch
from estimator_specs import NET_SPECS


def _outputs(out):
    """An output as a list of plain arrays (one per sequence when ragged)."""
    if isinstance(out, list) or (isinstance(out, np.ndarray) and out.dtype.kind == "O"):
        return [np.asarray(o, dtype=float) for o in out]
    return [np.asarray(out)]


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_warm_start_refuses_a_network_of_another_shape(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    net, n_iter, before = est.net_, est.n_iter_, _outputs(spec.out(est, X))
    hidden, layers = est.hidden_size, est.num_layers
    with pytest.raises(ValueError, match="another shape"):
        spec.fit(est.set_params(hidden_size=hidden + 3), X, y)
    with pytest.raises(ValueError, match="another shape"):
        spec.fit(est.set_params(hidden_size=hidden, num_layers=layers + 1), X, y)
    # nothing changed by the refused fits
    assert est.net_ is net and est.n_iter_ == n_iter
    for a, b in zip(_outputs(spec.out(est, X)), before, strict=True):
        np.testing.assert_array_equal(a, b)
    # with the parameters of the first fit, training continues on the same network
    spec.fit(est.set_params(num_layers=layers), X, y)
    assert est.net_ is net and est.n_iter_ == 2 * n_iter


def test_the_shape_check_leaves_the_global_random_state_alone():
    spec = NET_SPECS[0]
    X, y = spec.data()
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    torch.manual_seed(5)
    state = torch.random.get_rng_state()
    est._check_same_shape(*_infos(est, X, y))
    assert torch.equal(torch.random.get_rng_state(), state)


def _infos(est, X, y):
    """The input and target descriptions a warm fit of ``est`` on ``X, y`` compares."""
    data, info = est._check_X(X, reset=True)
    _, _, _, target_info = est._encode_targets(y, data)
    info["_settings"] = est._settings
    return info, target_info
