"""Deep stacks: residual connections and layer normalisation in the recurrent encoders."""

import json

import numpy as np
import pytest
import torch
from sklearn.base import clone
from torch import nn

import sklearn_rnn
from sklearn_rnn import LSTMClassifier
from sklearn_rnn.modules import RecurrentEncoder
from tests.estimator_specs import NET_SPECS

DEEP = dict(residual=True, layer_norm=True)


def _padded(seqs, fill=100.0):
    lengths = torch.tensor([len(s) for s in seqs])
    X = torch.full((len(seqs), int(lengths.max()), seqs[0].shape[1]), fill)
    for i, s in enumerate(seqs):
        X[i, : len(s)] = s
    return X, lengths


def _randomise_norms(enc):
    """Give the layer norms weights other than their initial ones and zeros."""
    with torch.no_grad():
        for norm in enc.norms:
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)


def test_options_off_build_the_network_of_a_plain_stack():
    torch.manual_seed(0)
    plain = RecurrentEncoder(3, 4, num_layers=3, bidirectional=True)
    off = RecurrentEncoder(
        3, 4, num_layers=3, bidirectional=True, residual=False, layer_norm=False
    )
    assert off.state_dict().keys() == plain.state_dict().keys()
    assert not any(isinstance(m, nn.LayerNorm) for m in off.modules())
    normed = RecurrentEncoder(3, 4, num_layers=3, bidirectional=True, layer_norm=True)
    assert sum(isinstance(m, nn.LayerNorm) for m in normed.modules()) == 3


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_residual_adds_each_layer_input_from_the_second_layer_on(cell):
    torch.manual_seed(0)
    enc = RecurrentEncoder(3, 5, cell=cell, num_layers=3, residual=True)
    plain = RecurrentEncoder(3, 5, cell=cell, num_layers=3)
    plain.load_state_dict(enc.state_dict())
    X, lengths = torch.randn(2, 6, 3), torch.tensor([6, 6])
    with torch.no_grad():
        h1 = enc.layers[0][0](X)[0]
        h2 = enc.layers[1][0](h1)[0] + h1
        h3 = enc.layers[2][0](h2)[0] + h2
        out = enc(X, lengths)
        torch.testing.assert_close(out, h3)
        # the same weights without the skips give other outputs
        assert (out - plain(X, lengths)).abs().max() > 0.1


def test_layer_norm_normalises_both_directions_of_every_step_together():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 4, num_layers=2, bidirectional=True, layer_norm=True)
    X, lengths = _padded([torch.randn(7, 2) * 5, torch.randn(3, 2) * 5])
    with torch.no_grad():
        out = enc(X, lengths)
    for i, n in enumerate(lengths.tolist()):
        real = out[i, :n]  # (steps, 2 * hidden): both directions
        torch.testing.assert_close(real.mean(dim=1), torch.zeros(n), atol=1e-5, rtol=0)
        torch.testing.assert_close(
            real.var(dim=1, unbiased=False), torch.ones(n), atol=1e-3, rtol=0
        )


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padded_steps_never_reach_the_real_ones(cell, bidirectional):
    torch.manual_seed(0)
    enc = RecurrentEncoder(
        3, 4, cell=cell, num_layers=3, bidirectional=bidirectional, dropout=0.0, **DEEP
    )
    _randomise_norms(enc)
    seqs = [torch.randn(t, 3) for t in (6, 2, 4)]
    X, lengths = _padded(seqs)
    X.requires_grad_(True)
    out = enc(X, lengths)
    real = torch.arange(X.shape[1]) < lengths[:, None]
    # no path from any padded input to any real output
    out[real].sum().backward()
    assert X.grad[~real].abs().max() == 0
    assert X.grad[real].abs().max() > 0
    with torch.no_grad():
        other = enc(torch.where(real[..., None], X, -7.0), lengths)
        torch.testing.assert_close(other[real], out[real])
        for i, s in enumerate(seqs):
            alone = enc(s[None], torch.tensor([len(s)]))[0]
            torch.testing.assert_close(out[i, : len(s)], alone, rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(
                enc.last_state(out, lengths)[i],
                enc.last_state(alone[None], torch.tensor([len(s)]))[0],
                rtol=1e-5,
                atol=1e-6,
            )


def _first_layer_gradients(options, seed=0):
    """Gradient norms of the first and the last layer of a 4-layer LSTM stack.

    The same recurrent weights for every ``options``, the same toy regression
    from the state after the last step.
    """
    torch.manual_seed(seed)
    X, y = torch.randn(16, 20, 3), torch.randn(16, 1)
    lengths = torch.full((16,), 20)
    torch.manual_seed(100 + seed)
    weights = RecurrentEncoder(3, 16, num_layers=4).state_dict()
    enc = RecurrentEncoder(3, 16, num_layers=4, **options)
    enc.load_state_dict(weights, strict=False)  # the layer norms keep their initial values
    torch.manual_seed(200 + seed)
    head = nn.Linear(enc.output_size, 1)
    loss = ((head(enc.last_state(enc(X, lengths), lengths)) - y) ** 2).mean()
    loss.backward()

    def norm(layer):
        return torch.cat([p.grad.flatten() for p in enc.layers[layer].parameters()]).norm()

    return float(norm(0)), float(norm(3))


@pytest.mark.parametrize("seed", [0, 1])
def test_skip_connections_carry_the_gradient_down_a_deep_stack(seed):
    plain_first, plain_last = _first_layer_gradients({}, seed)
    deep_first, deep_last = _first_layer_gradients(DEEP, seed)
    normed_first, normed_last = _first_layer_gradients({"layer_norm": True}, seed)
    # through four plain layers the gradient all but vanishes (measured: 1/25-1/60
    # of the last layer's); with skips and norms the first layer gets at least as much
    assert plain_first < 0.1 * plain_last
    assert deep_first > 100 * plain_first
    assert deep_first > deep_last
    # the skips themselves, not only the normalisation, carry it
    assert deep_first / deep_last > 1.2 * normed_first / normed_last
    residual_first, _ = _first_layer_gradients({"residual": True}, seed)
    assert residual_first > 10 * plain_first


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_every_estimator_builds_the_options_into_its_recurrent_layers(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(num_layers=2, **DEEP, random_state=0), X, y)
    encoders = [m for m in est.net_.module_.modules() if isinstance(m, RecurrentEncoder)]
    assert encoders
    for enc in encoders:
        assert enc.residual and len(enc.norms) == 2
    plain = spec.fit(spec.make(num_layers=2, random_state=0), X, y)
    # the same seed without the options gives another model
    outputs = zip(spec.out(est, X), spec.out(plain, X), strict=True)
    assert any(not np.allclose(a, b) for a, b in outputs)
    assert clone(est).get_params() == est.get_params()


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_predictions_of_a_padded_batch_equal_those_of_each_sequence_alone(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(num_layers=3, **DEEP, random_state=0), X, y)
    together = spec.out(est, X)
    for i in range(0, len(X), 5):
        alone = spec.out(est, X[i : i + 1])[0]
        np.testing.assert_allclose(
            np.asarray(together[i], dtype=float),
            np.asarray(alone, dtype=float),
            rtol=1e-4,
            atol=1e-5,
        )


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_save_and_load_keep_the_options_and_the_predictions(spec, tmp_path):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(num_layers=2, **DEEP, random_state=0), X, y)
    loaded = sklearn_rnn.load(est.save(tmp_path))
    assert loaded.residual is True and loaded.layer_norm is True
    for a, b in zip(spec.out(loaded, X), spec.out(est, X), strict=True):
        np.testing.assert_array_equal(a, b)


def test_models_saved_without_the_options_load_as_plain_stacks(tmp_path):
    X, y = NET_SPECS[0].data("3d")
    est = NET_SPECS[0].fit(NET_SPECS[0].make(num_layers=2, random_state=0), X, y)
    est.save(tmp_path)
    # a model written before the options existed has neither parameter
    path = tmp_path / "estimator.json"
    meta = json.loads(path.read_text())
    del meta["params"]["residual"], meta["params"]["layer_norm"]
    path.write_text(json.dumps(meta))
    loaded = sklearn_rnn.load(tmp_path)
    assert loaded.residual is False and loaded.layer_norm is False
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_dense_autoencoder_ignores_the_options():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 6))
    params = dict(n_components=2, hidden_size=4, max_iter=2, random_state=0)
    deep = sklearn_rnn.AutoencoderTransformer(**params, **DEEP).fit(X)
    plain = sklearn_rnn.AutoencoderTransformer(**params).fit(X)
    np.testing.assert_array_equal(deep.transform(X), plain.transform(X))


def test_bad_values_raise_before_training():
    X, y = NET_SPECS[0].data("3d")
    for params in ({"residual": "yes"}, {"layer_norm": None}):
        clf = LSTMClassifier(**params)
        with pytest.raises(ValueError, match=next(iter(params))):
            clf.fit(X, y)
        assert not hasattr(clf, "net_")
