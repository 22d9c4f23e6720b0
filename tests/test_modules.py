"""Tests of the torch modules: exact results on padded batches."""

import pytest
import torch
from torch import nn

from sklearn_rnn.modules import RecurrentEncoder, SequenceClassifierModule


def _padded(seqs):
    lengths = torch.tensor([len(s) for s in seqs])
    X = torch.zeros(len(seqs), int(lengths.max()), seqs[0].shape[1])
    for i, s in enumerate(seqs):
        X[i, : len(s)] = s
        X[i, len(s) :] = 100.0  # loud padding: must never matter
    return X, lengths


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize(
    "deep", [{}, {"residual": True, "layer_norm": True}], ids=["plain", "deep"]
)
def test_padding_never_changes_outputs(cell, bidirectional, num_layers, deep):
    torch.manual_seed(0)
    enc = RecurrentEncoder(
        3, 5, cell=cell, num_layers=num_layers, bidirectional=bidirectional, **deep
    )
    seqs = [torch.randn(t, 3) for t in (7, 2, 5)]
    X, lengths = _padded(seqs)
    with torch.no_grad():
        out = enc(X, lengths)
        last = enc.last_state(out, lengths)
        for i, s in enumerate(seqs):
            alone = enc(s[None], torch.tensor([len(s)]))
            torch.testing.assert_close(out[i, : len(s)], alone[0], rtol=1e-5, atol=1e-6)
            alone_last = enc.last_state(alone, torch.tensor([len(s)]))
            torch.testing.assert_close(last[i], alone_last[0], rtol=1e-5, atol=1e-6)


def test_backward_direction_matches_reading_the_reversed_sequence():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 4, cell="lstm", bidirectional=True)
    backward = enc.layers[0][1]
    seqs = [torch.randn(t, 2) for t in (6, 3)]
    X, lengths = _padded(seqs)
    with torch.no_grad():
        out = enc(X, lengths)
        for i, s in enumerate(seqs):
            ref, _ = backward(s.flip(0)[None])
            torch.testing.assert_close(out[i, : len(s), 4:], ref[0].flip(0))
        last = enc.last_state(out, lengths)
        # backward summary = backward state after reading the whole sequence
        ref_last, _ = backward(seqs[1].flip(0)[None])
        torch.testing.assert_close(last[1, 4:], ref_last[0, -1])


def test_last_state_is_the_last_real_step_of_the_forward_direction():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 4, cell="gru")
    X, lengths = _padded([torch.randn(5, 2), torch.randn(2, 2)])
    with torch.no_grad():
        out = enc(X, lengths)
        last = enc.last_state(out, lengths)
    torch.testing.assert_close(last[1], out[1, 1])
    torch.testing.assert_close(last[0], out[0, 4])


def test_vanilla_cell_is_tanh_recurrence():
    torch.manual_seed(0)
    enc = RecurrentEncoder(2, 3, cell="rnn")
    rnn = enc.layers[0][0]
    assert isinstance(rnn, nn.RNN) and rnn.nonlinearity == "tanh"
    x = torch.randn(1, 4, 2)
    with torch.no_grad():
        out = enc(x, torch.tensor([4]))
        h = torch.zeros(3)
        for t in range(4):
            h = torch.tanh(
                rnn.bias_ih_l0 + rnn.bias_hh_l0 + rnn.weight_hh_l0 @ h + rnn.weight_ih_l0 @ x[0, t]
            )
    torch.testing.assert_close(out[0, -1], h)


def test_embedding_input_and_classifier_shapes():
    torch.manual_seed(0)
    module = SequenceClassifierModule(
        n_classes=3,
        input_size=1,
        hidden_size=4,
        num_embeddings=10,
        embedding_dim=5,
        bidirectional=True,
    )
    X = torch.randint(0, 10, (2, 6))
    lengths = torch.tensor([6, 3])
    assert module(X, lengths).shape == (2, 3)
    assert module.embed(X, lengths).shape == (2, 8)
