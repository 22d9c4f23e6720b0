"""The attention module: scores, masking of padded steps, padding invariance."""

import pytest
import torch

from sklearn_rnn.modules import Attention


@pytest.mark.parametrize("kind", ["dot", "general", "additive"])
def test_padding_gets_no_weight_and_changes_nothing(kind):
    torch.manual_seed(0)
    attention = Attention(4, 4, kind=kind)
    keys = torch.randn(2, 6, 4)
    query = torch.randn(2, 3, 4)
    context, weights = attention(query, keys, torch.tensor([6, 3]))
    assert context.shape == (2, 3, 4) and weights.shape == (2, 3, 6)
    assert torch.all(weights[1, :, 3:] == 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3))
    # the second sequence alone, unpadded, gives the same context and weights
    alone_c, alone_w = attention(query[1:], keys[1:, :3], torch.tensor([3]))
    torch.testing.assert_close(alone_c, context[1:])
    torch.testing.assert_close(alone_w, weights[1:, :, :3])
    # garbage in the padding changes nothing
    noisy = keys.clone()
    noisy[1, 3:] = 1e3
    torch.testing.assert_close(attention(query, noisy, torch.tensor([6, 3]))[0], context)


def test_dot_scores_are_inner_products():
    attention = Attention(2, 2, kind="dot")
    keys = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    query = torch.tensor([[2.0, 0.0]])
    context, weights = attention(query, keys)
    # scores 2 and 0: softmax gives e^2 / (e^2 + 1) on the first key
    first = torch.exp(torch.tensor(2.0)) / (torch.exp(torch.tensor(2.0)) + 1)
    torch.testing.assert_close(weights[0], torch.stack([first, 1 - first]))
    torch.testing.assert_close(context[0], torch.stack([first, 1 - first]))


def test_general_and_additive_take_keys_of_another_size():
    for kind in ("general", "additive"):
        context, weights = Attention(3, 5, kind=kind)(torch.randn(2, 3), torch.randn(2, 4, 5))
        assert context.shape == (2, 5) and weights.shape == (2, 4)
    with pytest.raises(ValueError, match="one size"):
        Attention(3, 5, kind="dot")
    with pytest.raises(ValueError, match="kind="):
        Attention(3, 3, kind="cosine")
