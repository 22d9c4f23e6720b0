"""Convolutional front-end: padding invariance, shortening, causality, defaults by input kind."""

import numpy as np
import pytest
import torch

from sklearn_rnn import (
    AutoencoderTransformer,
    BiRNNTagger,
    LSTMClassifier,
    Seq2SeqRegressor,
    load,
    save,
)
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
        (dict(conv_filters=(4.7,)), "conv_filters must hold integers"),
        (dict(conv_filters=("64",)), "conv_filters must hold integers"),
        (dict(conv_filters=(4,), conv_kernel_size=(2.5,)), "conv_kernel_size must hold integers"),
        (dict(conv_filters=(4,), conv_kernel_size=True), "conv_kernel_size must hold integers"),
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


# ------------------------------------------------ the front-end of the other estimators
def _windows(n=30, low=12, high=40, seed=0):
    """Ragged univariate series and, per step, the next value (aligned targets)."""
    rng = np.random.RandomState(seed)
    series = [rng.normal(size=rng.randint(low, high) + 1).cumsum() for _ in range(n)]
    X = [s[:-1, None] for s in series]
    return X, [s[1:] for s in series]


def _assert_each_alone_equals_batch(predict, X, batch, indices=(0, 7, 21)):
    for i in indices:
        alone = predict([X[i]])[0]
        np.testing.assert_allclose(alone, batch[i], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("train", [True, False])
def test_causal_front_end_never_reads_later_steps(train):
    torch.manual_seed(0)
    front = ConvFrontEnd(2, filters=(5, 4), kernel_size=(4, 2), causal=True).train(train)
    assert [c.kernel_size[0] for c in front.convs] == [4, 2]  # as given, not made odd
    lengths = torch.tensor([12, 7, 3])
    X = torch.randn(3, 12, 2)
    out, out_lengths = front(X, lengths)
    assert out_lengths.tolist() == lengths.tolist()
    for t in range(11):
        later = X.clone()
        later[:, t + 1 :] = torch.randn(3, 11 - t, 2) * 100
        changed, _ = front(later, lengths)
        torch.testing.assert_close(changed[:, : t + 1], out[:, : t + 1], rtol=0, atol=0)
        assert not torch.allclose(changed[0, t + 1 :], out[0, t + 1 :])
    front.eval()
    out, _ = front(X, lengths)
    for i, length in enumerate(lengths.tolist()):
        alone, _ = front(X[i : i + 1, :length], lengths[i : i + 1])
        torch.testing.assert_close(alone[0], out[i, :length], rtol=1e-5, atol=1e-6)


def test_causal_front_end_keeps_every_step():
    with pytest.raises(ValueError, match="stride must be 1"):
        ConvFrontEnd(2, filters=(4,), stride=2, causal=True)


def test_encoder_decoder_front_end_shortens_the_input_and_is_padding_invariant(tmp_path):
    X, y = _windows()
    y = np.stack([t[:3] for t in y])
    params = dict(conv_filters=(4, 4), conv_kernel_size=3, conv_stride=4, **FAST)
    reg = Seq2SeqRegressor(**params).fit(X, y)
    encoder = reg.net_.module_.encoder
    assert encoder.front.stride == 4 and not encoder.front.causal
    assert encoder.output_lengths(torch.tensor([37, 4])).tolist() == [10, 1]
    batch = reg.predict(X)
    assert batch.shape == (len(X), 3)
    _assert_each_alone_equals_batch(reg.predict, X, batch)
    # a 3-D array padded with zeros after the end of each series is not the same
    # input; the ragged list of equal-length series is
    same = [x[:12] for x in X]
    np.testing.assert_allclose(reg.predict(np.stack(same)), reg.predict(same), rtol=1e-5)
    save(reg, tmp_path / "model")
    np.testing.assert_array_equal(load(tmp_path / "model").predict(X), batch)
    np.testing.assert_array_equal(Seq2SeqRegressor(**params).fit(X, y).predict(X), batch)
    plain = Seq2SeqRegressor(**FAST).fit(X, y)
    assert plain.net_.module_.encoder.front is None


def test_aligned_front_end_is_causal_and_padding_invariant(tmp_path):
    X, y = _windows()
    params = dict(mode="aligned", conv_filters=(4, 4), conv_kernel_size=(5, 3), **FAST)
    reg = Seq2SeqRegressor(**params).fit(X, y)
    assert reg.net_.module_.encoder.front.causal
    batch = reg.predict(X)
    _assert_each_alone_equals_batch(reg.predict, X, batch)
    i, t = 4, 6
    later = list(X)
    later[i] = X[i].copy()
    later[i][t + 1 :] += 50.0
    changed = reg.predict(later)
    np.testing.assert_array_equal(changed[i][: t + 1], batch[i][: t + 1])
    assert not np.allclose(changed[i][t + 1 :], batch[i][t + 1 :])
    save(reg, tmp_path / "model")
    np.testing.assert_array_equal(
        np.concatenate(load(tmp_path / "model").predict(X)), np.concatenate(batch)
    )
    again = Seq2SeqRegressor(**params).fit(X, y).predict(X)
    np.testing.assert_array_equal(np.concatenate(again), np.concatenate(batch))


def test_token_input_is_convolved_after_the_embedding():
    rng = np.random.RandomState(0)
    X = [rng.randint(1, 9, size=rng.randint(4, 15)) for _ in range(30)]
    y = [x * 0.5 for x in X]
    reg = Seq2SeqRegressor(mode="aligned", embedding_dim=3, conv_filters=(4,), **FAST)
    reg.fit(X, y)
    assert reg.net_.module_.encoder.front.convs[0].in_channels == 3
    _assert_each_alone_equals_batch(reg.predict, X, reg.predict(X))


def test_autoencoder_code_reads_shortened_sequences_and_rebuilds_every_step(tmp_path):
    X, _ = _windows(low=20, high=60)
    params = dict(n_components=3, conv_filters=(4, 4), conv_stride=8, **FAST)
    ae = AutoencoderTransformer(**params).fit(X)
    module = ae.net_.module_
    assert module.encoder.front.stride == 8 and module.decoder.front is None
    codes = ae.transform(X)
    _assert_each_alone_equals_batch(ae.transform, X, codes)
    rebuilt = ae.inverse_transform(codes, lengths=[len(x) for x in X])
    assert [len(r) for r in rebuilt] == [len(x) for x in X]
    lengths = torch.tensor([len(X[0]), 5])
    padded = torch.zeros(2, len(X[0]), 1)
    padded[0], padded[1, :5] = torch.from_numpy(X[0]), torch.from_numpy(X[1][:5])
    assert module.eval()(padded.float(), lengths).shape == (2, len(X[0]), 1)
    assert np.isfinite(ae.score(X))
    save(ae, tmp_path / "model")
    np.testing.assert_array_equal(load(tmp_path / "model").transform(X), codes)
    np.testing.assert_array_equal(AutoencoderTransformer(**params).fit(X).transform(X), codes)


def test_tagger_front_end_keeps_every_step_and_is_padding_invariant(tmp_path):
    X, y = _windows()
    tags = [np.where(t > x[:, 0], "up", "down") for x, t in zip(X, y, strict=True)]
    params = dict(conv_filters=(4,), conv_kernel_size=5, **FAST)
    tagger = BiRNNTagger(**params).fit(X, tags)
    front = tagger.net_.module_.encoder.front
    assert front.stride == 1 and not front.causal
    batch = tagger.predict_proba(X)
    assert [len(p) for p in batch] == [len(x) for x in X]
    _assert_each_alone_equals_batch(tagger.predict_proba, X, batch)
    save(tagger, tmp_path / "model")
    loaded = load(tmp_path / "model").predict_proba(X)
    np.testing.assert_array_equal(np.concatenate(loaded), np.concatenate(batch))
    again = BiRNNTagger(**params).fit(X, tags).predict_proba(X)
    np.testing.assert_array_equal(np.concatenate(again), np.concatenate(batch))
    words = [["the", "dog", "runs"], ["a", "cat"]] * 8
    labels = [["D", "N", "V"], ["D", "N"]] * 8
    on_words = BiRNNTagger(**params).fit(words, labels)
    assert on_words.predict([["the", "cat"]])[0].shape == (2,)


@pytest.mark.parametrize(
    "make, fit, match",
    [
        (
            lambda: Seq2SeqRegressor(mode="aligned", conv_filters=(4,), conv_stride=2, **FAST),
            lambda est, X, y: est.fit(X, y),
            "mode='aligned' gives one output per input step",
        ),
        (
            lambda: BiRNNTagger(conv_filters=(4,), conv_stride=2, **FAST),
            lambda est, X, y: est.fit(X, [t > 0 for t in y]),
            "one tag per step",
        ),
        (
            lambda: BiRNNTagger(conv_filters=(4,), **FAST),
            lambda est, X, y: est.fit(np.ones((20, 3)), np.arange(20) % 2),
            "rows of one step each",
        ),
        (
            lambda: Seq2SeqRegressor(input_type="vectors", conv_filters=(4,), **FAST),
            lambda est, X, y: est.fit(np.ones((20, 3)), np.ones((20, 2))),
            "input_type='vectors'",
        ),
        (
            lambda: AutoencoderTransformer(conv_filters=(4,), **FAST),
            lambda est, X, y: est.fit(np.ones((20, 3))),
            "table of feature vectors",
        ),
        (
            lambda: AutoencoderTransformer(conv_filters=(4,), conv_stride=6, **FAST),
            lambda est, X, y: est.fit(X),
            "power of two",
        ),
        (
            lambda: Seq2SeqRegressor(conv_filters=(), conv_stride=2, **FAST),
            lambda est, X, y: est.fit(X, np.ones((len(X), 2))),
            "conv_filters is empty",
        ),
    ],
    ids=[
        "aligned-stride",
        "tagger-stride",
        "tagger-rows",
        "vectors",
        "dense-ae",
        "power",
        "empty",
    ],
)
def test_front_end_where_it_does_not_apply_raises_before_training(make, fit, match):
    X, y = _windows(n=20)
    est = make()
    with pytest.raises(ValueError, match=match):
        fit(est, X, y)
    assert not hasattr(est, "net_") and not hasattr(est, "n_features_in_")
