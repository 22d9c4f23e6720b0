"""The ``scaling`` parameter: per-feature and per-sequence scaling of numeric input, per batch."""

import numpy as np
import pytest
import torch

import sklearn_rnn
from sklearn_rnn import BiRNNTagger, LSTMClassifier, Seq2SeqRegressor
from sklearn_rnn._scaling import BatchScaling, WithRawInputs
from tests.estimator_specs import NET_SPECS

SMALL = dict(hidden_size=6, max_iter=3, batch_size=8, n_threads=1, random_state=0)
SCALED_SPECS = [s for s in NET_SPECS if "scaling" in s.caps]


def _series(n=32, length=9, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, length, 2)).astype(np.float32)
    y = (X[:, :, 0].mean(axis=1) > X[:, :, 1].mean(axis=1)).astype(int)
    return X, y


def test_batch_scaling_statistics_are_over_real_steps_only():
    X = torch.tensor([[[1.0], [3.0], [99.0]], [[2.0], [4.0], [6.0]]])
    out = BatchScaling("instance")(X, torch.tensor([2, 3]))
    np.testing.assert_allclose(out[0, :2, 0], [-1.0, 1.0])
    assert out[0, 2, 0] == 0.0  # padding stays zero
    np.testing.assert_allclose(
        out[1, :, 0], np.array([-1.0, 0.0, 1.0]) / np.sqrt(2 / 3), rtol=1e-6
    )
    standard = BatchScaling("standard", np.array([2.0]), np.array([4.0]))(X, torch.tensor([2, 3]))
    np.testing.assert_allclose(standard[1, :, 0], [0.0, 0.5, 1.0])


def test_instance_scaling_guards_near_constant_series_and_keeps_tiny_spreads():
    rng = np.random.RandomState(0)
    flat = 1000.0 + rng.normal(scale=1e-9, size=20)  # constant up to float32 rounding
    tiny = rng.normal(scale=1e-7, size=20)  # spread seven orders below the others
    big = rng.normal(scale=1.0, size=20)
    X = torch.tensor(np.stack([flat, tiny, big])[:, :, None], dtype=torch.float32)
    out = BatchScaling("instance")(X, torch.tensor([20, 20, 20])).numpy()[:, :, 0]
    assert np.isfinite(out).all()
    assert np.abs(out[0]).max() < 1e-3  # centred, not blown up
    np.testing.assert_allclose(out[1:].std(axis=1), [1.0, 1.0], rtol=1e-4)


def test_instance_scaling_makes_the_classifier_blind_to_each_series_own_scale():
    X, y = _series()
    factors = np.exp(np.random.RandomState(1).uniform(-6, 6, size=(len(X), 1, 1)))
    X_scaled = (X * factors).astype(np.float32)
    # the network alone: the kernel features read the values as given, so
    # they see each series' scale (test_random_kernels checks that)
    small = dict(SMALL, kernel_features=0)
    clf = LSTMClassifier(scaling="instance", **small).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X_scaled), clf.predict_proba(X), atol=1e-5)
    other = LSTMClassifier(scaling="instance", **small).fit(X_scaled, y)
    # the same fit up to float32 rounding, which training amplifies a little
    np.testing.assert_allclose(other.predict_proba(X_scaled), clf.predict_proba(X), atol=2e-3)
    # without scaling the same change is seen
    plain = LSTMClassifier(scaling=None, **small).fit(X, y)
    assert not np.allclose(plain.predict_proba(X_scaled), plain.predict_proba(X), atol=1e-3)


def test_standard_scaling_makes_the_classifier_blind_to_a_global_affine_change():
    X, y = _series()
    a, b = np.array([300.0, 0.01]), np.array([-5e3, 7.0])
    X_affine = (X * a + b).astype(np.float32)
    # without dropout: with 0.5, the float32 rounding of the shifted inputs grows
    # over the noisier training past the tolerance; without kernel features,
    # whose comparisons with their biases turn that rounding into whole steps
    small = dict(SMALL, dropout=0.0, kernel_features=0)
    clf = LSTMClassifier(scaling="standard", **small).fit(X, y)
    other = LSTMClassifier(scaling="standard", **small).fit(X_affine, y)
    np.testing.assert_allclose(other.predict_proba(X_affine), clf.predict_proba(X), atol=1e-3)
    plain = LSTMClassifier(scaling=None, **small).fit(X_affine, y)
    assert not np.allclose(plain.predict_proba(X_affine), clf.predict_proba(X), atol=1e-2)


@pytest.mark.parametrize("scaling", ["standard", "instance"])
def test_padding_does_not_change_scaled_predictions(scaling):
    rng = np.random.RandomState(3)
    X = [rng.normal(loc=5, scale=3, size=(rng.randint(3, 12), 2)) for _ in range(20)]
    y = np.arange(20) % 2
    clf = LSTMClassifier(scaling=scaling, **SMALL).fit(X, y)
    together = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba([x]) for x in X])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_float32_input_is_used_in_place_and_left_unchanged():
    X, y = _series()
    before = X.copy()
    clf = LSTMClassifier(scaling="standard", **SMALL).fit(X, y)
    np.testing.assert_array_equal(X, before)
    data, _ = clf._check_X(X, reset=False)
    assert np.shares_memory(data.X.numpy(), X)
    assert data.scaling is not None


def test_seq2seq_standard_scaling_and_can_be_switched_off():
    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, scale=20, size=(30, 6, 1))
    y = X[:, -1, 0]
    params = dict(hidden_size=4, max_iter=2, random_state=0, n_threads=1)
    reg = Seq2SeqRegressor(scaling="standard", **params).fit(X, y)
    assert reg._x_mean[0] == pytest.approx(X.mean(), rel=1e-5)
    off = Seq2SeqRegressor(scaling=None, **params).fit(X, y)
    assert not hasattr(off, "_x_mean")
    assert not np.allclose(off.predict(X), reg.predict(X))


def test_default_scaling_of_each_estimator():
    # series classification: each series on its own scale; tagging: as given
    assert LSTMClassifier().scaling == "instance"
    assert BiRNNTagger().scaling is None
    X, y = _series()
    clf = LSTMClassifier(**SMALL).fit(X, y)
    scaling = clf._check_X(X, reset=False)[0].scaling
    # the network reads the series scaled, the kernel features as given
    assert isinstance(scaling, WithRawInputs) and scaling.inner.kind == "instance"
    clf = LSTMClassifier(scaling=None, **SMALL).fit(X, y)
    assert clf._check_X(X, reset=False)[0].scaling.inner is None
    clf = LSTMClassifier(kernel_features=0, **SMALL).fit(X, y)
    assert clf._check_X(X, reset=False)[0].scaling.kind == "instance"
    clf = LSTMClassifier(scaling=None, kernel_features=0, **SMALL).fit(X, y)
    assert clf._check_X(X, reset=False)[0].scaling is None


def test_token_input_is_never_scaled():
    ids = np.random.RandomState(0).randint(1, 9, size=(24, 5))
    y = np.arange(24) % 2
    clf = LSTMClassifier(embedding_dim=3, scaling="instance", **SMALL).fit(ids, y)
    assert clf._check_X(ids, reset=False)[0].scaling is None
    words = [["a", "b"], ["c", "a", "d"]] * 6
    tags = [["x", "y"], ["y", "x", "y"]] * 6
    tagger = BiRNNTagger(scaling="standard", **SMALL).fit(words, tags)
    assert tagger._check_X(words, reset=False)[0].scaling is None


def test_bad_scaling_values_raise_before_training():
    X, y = _series()
    with pytest.raises(ValueError, match="scaling"):
        LSTMClassifier(scaling="minmax").fit(X, y)
    table = X[:, :, 0]
    with pytest.raises(ValueError, match="instance"):
        Seq2SeqRegressor(scaling="instance", input_type="vectors").fit(table, table[:, :3])


@pytest.mark.parametrize("scaling", ["standard", "instance"])
@pytest.mark.parametrize("spec", SCALED_SPECS, ids=repr)
def test_scaling_is_saved_loaded_and_deterministic(spec, scaling, tmp_path):
    X, y = spec.data("ragged")
    X = [x * 50 + 3 for x in X]
    est = spec.fit(spec.make(scaling=scaling, random_state=0), X, y)
    again = spec.fit(spec.make(scaling=scaling, random_state=0), X, y)
    for a, b in zip(spec.out(est, X), spec.out(again, X), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    loaded = sklearn_rnn.load(est.save(tmp_path))
    assert loaded.scaling == scaling
    for a, b in zip(spec.out(est, X), spec.out(loaded, X), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
