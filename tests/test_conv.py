"""Convolutional front-end: padding invariance, shortening, defaults by input kind."""

import numpy as np
import pytest
import torch

from sklearn_rnn import LSTMClassifier, load, save
from sklearn_rnn.modules import ConvFrontEnd, RecurrentEncoder, downsampling_factor

FAST = dict(hidden_size=6, max_iter=3, min_steps=None, n_threads=1, random_state=0)


def _ragged(n=40, low=20, high=90, seed=0):
    rng = np.random.RandomState(seed)
    X = [rng.normal(size=(rng.randint(low, high), 2)).cumsum(axis=0) for _ in range(n)]
    y = np.array([int(x[-1, 0] > x[0, 0]) for x in X])
    return X, y


@pytest.mark.parametrize("stride", [1, 2, 4, 16])
def test_each_sequence_alone_equals_inside_a_padded_batch(stride):
    torch.manual_seed(0)
    front = ConvFrontEnd(2, filters=(5, 4, 3), kernel_size=(7, 5, 3), stride=stride).eval()
    lengths = torch.tensor([37, 5, 20, 1])
    X = torch.randn(4, 40, 2)
    out, out_lengths = front(X, lengths)
    expected = (lengths + stride - 1) // stride
    assert out_lengths.tolist() == expected.tolist()
    assert out.shape[1] == (40 + stride - 1) // stride
    for i, length in enumerate(lengths.tolist()):
        alone, alone_length = front(X[i : i + 1, :length], lengths[i : i + 1])
        assert alone_length.item() == expected[i].item()
        torch.testing.assert_close(alone[0], out[i, : expected[i]], rtol=1e-5, atol=1e-6)
        # steps past the end are zero, so pooling never sees them
        assert torch.all(out[i, expected[i] :] == 0)


def test_training_statistics_come_from_real_steps_only():
    torch.manual_seed(0)
    front = ConvFrontEnd(1, filters=(3,), kernel_size=3)
    X = torch.randn(2, 6, 1)
    lengths = torch.tensor([6, 4])
    short, _ = front(X, lengths)
    longer = torch.cat([X, torch.full((2, 5, 1), 1e3)], dim=1)  # more padding, huge values
    long, _ = front(longer, lengths)
    torch.testing.assert_close(long[0, :6], short[0])
    torch.testing.assert_close(long[1, :4], short[1, :4])


def test_first_block_widens_its_kernel_to_cover_every_step():
    front = ConvFrontEnd(1, filters=(2, 2, 2), kernel_size=(3, 3, 3), stride=32)
    # 32 = first block's stride 8 (kernel widened to 15) and two pools of 2
    assert front.convs[0].stride == (8,) and front.convs[0].kernel_size == (15,)
    assert front.pools == [1, 2, 2]


def test_downsampling_factor_brings_the_longest_sequence_to_the_target():
    assert downsampling_factor(64) == 1
    assert downsampling_factor(65) == 2
    assert downsampling_factor(1460) == 32
    assert downsampling_factor(1460, target=1000) == 2


def test_encoder_reports_the_lengths_of_its_outputs():
    encoder = RecurrentEncoder(2, 4, conv_filters=(3,), conv_stride=4, bidirectional=True)
    lengths = torch.tensor([9, 4, 1])
    outputs = encoder(torch.randn(3, 9, 2), lengths)
    assert outputs.shape == (3, 3, 8)
    assert encoder.output_lengths(lengths).tolist() == [3, 1, 1]


def test_numeric_and_token_input_get_their_own_auto_settings():
    X, y = _ragged(low=100, high=300)
    clf = LSTMClassifier(**FAST).fit(X, y)
    assert clf._settings["conv_filters"] == (64, 64, 128)
    assert clf._settings["conv_stride"] == downsampling_factor(max(map(len, X)))
    assert clf._settings["pooling"] == "mean_max"
    assert clf.net_.module_.encoder.front is not None
    assert clf.transform(X).shape == (len(X), 4 * 6)
    ids = np.random.RandomState(0).randint(1, 30, size=(40, 12))
    text = LSTMClassifier(embedding_dim=4, **{**FAST, "max_iter": "auto"}).fit(ids, y)
    assert text._settings["conv_filters"] == ()
    assert text.net_.module_.encoder.front is None
    assert text._settings["pooling"] == "mean"
    assert text._settings["dropout"] == 0.5
    assert text.n_iter_ == 10  # "auto" is 10 epochs for token ids
    assert text.net_.lr == 3e-3


def test_classifier_with_shortening_front_end_is_padding_invariant_and_saves(tmp_path):
    X, y = _ragged(low=100, high=300)
    clf = LSTMClassifier(**FAST).fit(X, y)
    assert clf._settings["conv_stride"] > 1
    batch = clf.predict_proba(X)
    for i in [0, 7, 21]:
        np.testing.assert_allclose(clf.predict_proba([X[i]])[0], batch[i], rtol=1e-5, atol=1e-6)
    save(clf, tmp_path / "model")
    np.testing.assert_array_equal(load(tmp_path / "model").predict_proba(X), batch)
    again = LSTMClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), batch)


def test_explicit_front_end_settings_are_used():
    X, y = _ragged()
    clf = LSTMClassifier(conv_filters=(4, 5), conv_kernel_size=3, conv_stride=2, **FAST)
    clf.fit(X, y)
    front = clf.net_.module_.encoder.front
    assert [c.out_channels for c in front.convs] == [4, 5]
    assert front.stride == 2
    plain = LSTMClassifier(conv_filters=(), **FAST).fit(X, y)
    assert plain.net_.module_.encoder.front is None


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(conv_stride=3), "power of two"),
        (dict(conv_filters=(4, 4), conv_kernel_size=(3,)), "one positive kernel"),
        (dict(conv_filters=(4, 0)), "positive channel"),
        (dict(conv_filters=(), conv_stride=2), "conv_filters is empty"),
    ],
)
def test_bad_front_end_settings_raise_before_training(params, match):
    X, y = _ragged(n=10)
    clf = LSTMClassifier(**params, **FAST)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")


def test_attention_pooling_weights_are_over_real_steps_and_padding_invariant():
    X, y = _ragged(low=100, high=300)
    clf = LSTMClassifier(pooling="attention", **FAST).fit(X, y)
    weights = clf.attention_weights(X)
    stride = clf._settings["conv_stride"]
    assert weights.dtype == object and len(weights) == len(X)
    for w, x in zip(weights, X, strict=True):
        assert w.shape == (-(-len(x) // stride),)
        assert np.all(w >= 0)
        np.testing.assert_allclose(w.sum(), 1.0, rtol=1e-5)
    alone = clf.attention_weights([X[3]])[0]
    np.testing.assert_allclose(alone, weights[3], rtol=1e-5, atol=1e-7)
    assert clf.transform(X).shape == (len(X), 2 * 6)
    batch = clf.predict_proba(X)
    np.testing.assert_allclose(clf.predict_proba([X[5]])[0], batch[5], rtol=1e-5, atol=1e-6)
    # the weights take part in training: the attention parameters moved
    assert clf.net_.module_.query.detach().abs().sum() > 0


def test_attention_weights_need_attention_pooling():
    X, y = _ragged(n=12)
    clf = LSTMClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match='pooling="attention"'):
        clf.attention_weights(X)
