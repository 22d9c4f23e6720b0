"""Random-kernel features and their ridge classifier, alone and inside LSTMClassifier."""

import itertools
import json
import pickle

import numpy as np
import pytest
import torch
from sklearn.linear_model import RidgeClassifierCV

import sklearn_rnn
from sklearn_rnn import LSTMClassifier
from sklearn_rnn.modules import N_KERNELS, RandomKernelFeatures, RandomKernelRidge
from sklearn_rnn.modules._random_kernels import _ridge_loo, kernel_dilations

FAST = dict(hidden_size=4, max_iter=3, min_steps=None, n_threads=1, random_state=0)
ALPHAS = np.logspace(-3, 3, 10)


def _reference_features(x, features):
    """The features of one univariate series, step by step in numpy."""
    weights = -np.ones((N_KERNELS, 9))
    for k, triple in enumerate(itertools.combinations(range(9), 3)):
        weights[k, list(triple)] = 2.0
    biases = features.biases.numpy().astype(np.float64)
    out, start, n = [], 0, len(x)
    for d_index, (d, count) in enumerate(zip(features.dilations, features.counts, strict=True)):
        padded = np.concatenate([np.zeros(4 * d), x, np.zeros(4 * d)])
        for k in range(N_KERNELS):
            conv = np.array([padded[t : t + 8 * d + 1 : d] @ weights[k] for t in range(n)])
            if (d_index + k) % 2 == 1 and n > 8 * d:
                conv = conv[4 * d : n - 4 * d]
            b = biases[start + k * count : start + (k + 1) * count]
            out.append((conv[:, None] > b[None, :]).mean(0))
        start += N_KERNELS * count
    return np.concatenate(out)


def _series(n=40, seed=0):
    """Long noisy sines whose class is their frequency; lengths 60 to 120."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 3
    X = [
        np.sin(np.arange(rng.randint(60, 121)) * (0.2 + 0.35 * c) + rng.uniform(0, 6))[:, None]
        + 0.3 * rng.normal(size=(1, 1))
        for c in y
    ]
    return [x.astype(np.float32) for x in X], y


def _padded(X):
    lengths = torch.tensor([len(x) for x in X])
    out = torch.zeros(len(X), int(lengths.max()), X[0].shape[1])
    for i, x in enumerate(X):
        out[i, : len(x)] = torch.from_numpy(x)
    return out, lengths


def test_dilations_span_the_longest_sequence_and_share_the_features():
    dilations, counts = kernel_dilations(427, 9996)
    assert dilations[0] == 1 and dilations[-1] == 53  # 8 * 53 < 427 - 1
    assert sum(counts) == 9996 // N_KERNELS and len(dilations) <= 32
    assert kernel_dilations(8, 840) == ([1], [10])


def test_features_equal_a_step_by_step_computation():
    X, _ = _series(12)
    torch.manual_seed(0)
    features = RandomKernelFeatures(1, max_length=120, n_features=840).fit(*_padded(X))
    assert features.n_features == 840 and len(features.dilations) > 3
    raw = features.raw_features(*_padded(X)).numpy()
    for i in (0, 5):
        np.testing.assert_allclose(raw[i], _reference_features(X[i][:, 0], features), atol=1e-6)
    # standardised with the training mean and scale
    standard = features(*_padded(X)).numpy()
    np.testing.assert_allclose(standard.mean(0), 0.0, atol=1e-5)


def test_padding_and_batch_never_change_the_features():
    X, _ = _series(10)
    torch.manual_seed(0)
    features = RandomKernelFeatures(1, max_length=120, n_features=840).fit(*_padded(X))
    batch = features(*_padded(X))
    for i in (0, 3):
        alone = features(*_padded([X[i]]))
        assert torch.equal(alone[0], batch[i])
        X_pad, lengths = _padded([X[i]])
        longer = torch.cat([X_pad, torch.randn(1, 30, 1)], dim=1)  # garbage after the end
        assert torch.equal(features(longer, lengths)[0], batch[i])


def test_several_inputs_read_random_subsets_of_them():
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(50, 3)).astype(np.float32) for _ in range(8)]
    torch.manual_seed(0)
    features = RandomKernelFeatures(3, max_length=50, n_features=168).fit(*_padded(X))
    assert features.mix.any(1).all() and not features.mix.all()
    batch = features(*_padded(X))
    assert torch.equal(features(*_padded(X[2:3]))[0], batch[2])
    X_swapped = [x[:, ::-1].copy() for x in X]  # the features depend on which input is which
    assert not torch.equal(features(*_padded(X_swapped)), batch)


@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_equals_scikit_learn_ridge_classifier_cv(weighted):
    rng = np.random.RandomState(0)
    F, y = rng.normal(size=(40, 300)), rng.randint(0, 3, 40)
    F[y == 1, :20] += 1.0
    w = rng.uniform(0.5, 2.0, 40) if weighted else np.ones(40)
    Y = np.where(y[:, None] == np.arange(3), 1.0, -1.0)
    ref = RidgeClassifierCV(alphas=ALPHAS, store_cv_results=not weighted).fit(F, y, w)
    weight, bias, alpha, loo = _ridge_loo(
        torch.from_numpy(F), torch.from_numpy(Y), torch.from_numpy(w), tuple(ALPHAS)
    )
    assert alpha == ref.alpha_
    decision = (torch.from_numpy(F) @ weight + bias).numpy()
    np.testing.assert_allclose(decision, ref.decision_function(F), atol=1e-8)
    if not weighted:  # scikit-learn keeps the leave-one-out squared errors
        errors = ref.cv_results_[:, :, list(ALPHAS).index(ref.alpha_)]
        np.testing.assert_allclose((Y - loo.numpy()) ** 2, errors, atol=1e-8)


def test_ridge_module_scores_and_leave_one_out_in_training():
    X, y = _series(30)
    X_test, y_test = _series(30, seed=1)
    torch.manual_seed(0)
    ridge = RandomKernelRidge(1, max_length=120, n_classes=3, n_features=840)
    ridge.fit(*_padded(X), torch.as_tensor(y))
    assert 0.1 <= float(ridge.score_scale.detach()) <= 100.0
    ridge.eval()
    with torch.no_grad():
        accuracy = (ridge(*_padded(X_test)).argmax(1).numpy() == y_test).mean()
        fitted = ridge(*_padded(X))
        ridge.train()
        honest = ridge(*_padded(X))
    assert accuracy >= 0.9
    assert not torch.allclose(honest, fitted)  # leave-one-out scores are not the fitted ones
    ridge.keep_cache(False)
    with torch.no_grad():
        torch.testing.assert_close(ridge(*_padded(X)), fitted)
    assert pickle.loads(pickle.dumps(ridge))._loo is None


def test_a_sequence_given_twice_gets_the_mean_of_its_leave_one_out_scores():
    X, y = _series(30)
    X, y = [*X, X[0]], np.append(y, (y[0] + 1) % 3)  # the same series, another class
    torch.manual_seed(0)
    ridge = RandomKernelRidge(1, max_length=120, n_classes=3, n_features=840)
    padded, lengths = _padded(X)
    ridge.fit(padded, lengths, torch.as_tensor(y))
    F = ridge.features.raw_batches(padded, lengths).double()
    F = (F - ridge.features.mean.double()) / ridge.features.scale.double()
    Y = -torch.ones(len(F), 3, dtype=torch.float64)
    Y[torch.arange(len(F)), torch.as_tensor(y)] = 1.0
    loo = _ridge_loo(F, Y, torch.ones(len(F), dtype=torch.float64), ridge.alphas)[3]
    assert not torch.allclose(loo[0], loo[-1])
    twice = ridge._loo[ridge.features.key(padded[0], int(lengths[0]))]
    torch.testing.assert_close(twice, ((loo[0] + loo[-1]) / 2).float())
    once = ridge._loo[ridge.features.key(padded[1], int(lengths[1]))]
    torch.testing.assert_close(once, loo[1].float(), rtol=0, atol=0)


def test_classifier_fits_the_ridge_and_drops_its_caches():
    X, y = _series()
    clf = LSTMClassifier(**FAST).fit(X, y)
    ridge = clf.net_.module_.kernel_features
    assert clf._settings["kernel_features"] == 9996
    assert ridge.features.n_features == 9996 and float(ridge.alpha) > 0
    assert ridge._loo is None and ridge.features._cache is None
    assert clf.transform(X).shape == (len(X), clf.net_.module_.embedding_size)
    off = LSTMClassifier(**FAST, kernel_features=0).fit(X, y)
    assert off.net_.module_.kernel_features is None
    assert clf.score(X, y) >= off.score(X, y)


def test_token_ids_get_no_kernels():
    ids = np.arange(1, 31).reshape(10, 3) % 5
    clf = LSTMClassifier(**FAST, embedding_dim=2).fit(ids, np.arange(10) % 2)
    assert clf._settings["kernel_features"] == 0
    assert clf.net_.module_.kernel_features is None


def test_ridge_reads_the_training_part_and_the_weights(monkeypatch):
    seen = {}
    fit = RandomKernelRidge.fit

    def spy(self, X, lengths, y, sample_weight=None, refit_features=True):
        seen.update(n=len(X), weights=sample_weight)
        return fit(self, X, lengths, y, sample_weight, refit_features)

    monkeypatch.setattr(RandomKernelRidge, "fit", spy)
    X, y = _series(40)
    LSTMClassifier(**FAST, early_stopping=True, validation_fraction=0.25).fit(X, y)
    assert seen["n"] == 30 and seen["weights"] is None
    LSTMClassifier(**FAST, class_weight={0: 2.0, 1: 1.0, 2: 1.0}).fit(X, y)
    assert seen["n"] == 40
    np.testing.assert_array_equal(seen["weights"].numpy(), np.where(y == 0, 2.0, 1.0))


def test_auto_leaves_them_out_for_sequences_shorter_than_a_kernel():
    rng = np.random.RandomState(0)
    y = np.arange(12) % 2
    short = LSTMClassifier(**FAST).fit(rng.normal(size=(12, 8, 2)), y)
    assert short._settings["kernel_features"] == 0
    assert short.net_.module_.kernel_features is None
    nine = LSTMClassifier(**FAST).fit(rng.normal(size=(12, 9, 2)), y)
    assert nine._settings["kernel_features"] == 9996
    forced = LSTMClassifier(**FAST, kernel_features=84).fit(rng.normal(size=(12, 8, 2)), y)
    assert forced.net_.module_.kernel_features.features.n_features == 84


def test_kernels_read_the_values_before_scaling():
    # the classes differ by amplitude alone, which per-series scaling removes
    rng = np.random.RandomState(0)
    y = np.arange(40) % 2
    X = [(rng.normal(size=(30, 1)) * (1 + 9 * c)).astype(np.float32) for c in y]
    X_test = [(rng.normal(size=(30, 1)) * (1 + 9 * c)).astype(np.float32) for c in y]
    params = dict(FAST, scaling="instance", max_iter=5)
    with_kernels = LSTMClassifier(**params, kernel_features=840).fit(X, y)
    assert with_kernels.score(X_test, y) == 1.0
    alone = LSTMClassifier(**params, kernel_features=0).fit(X, y)
    assert alone.score(X_test, y) <= 0.75
    # the network itself reads the scaled series: its summary ignores the
    # amplitude, the kernels' scores (and so the probabilities) do not
    louder = [x * 3 for x in X_test]
    summary = with_kernels.transform(X_test)
    np.testing.assert_allclose(with_kernels.transform(louder), summary, rtol=1e-4, atol=1e-5)
    proba = with_kernels.predict_proba(X_test)
    assert not np.allclose(with_kernels.predict_proba(louder), proba, atol=1e-2)


def test_model_saved_without_the_parameter_loads_without_kernels(tmp_path):
    # a model of an earlier version: neither the parameter nor its setting
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(12, 20, 1)), np.arange(12) % 2
    est = LSTMClassifier(**FAST, kernel_features=0).fit(X, y)
    folder = est.save(tmp_path)
    path = tmp_path / "estimator.json"
    meta = json.loads(path.read_text())
    meta["params"].pop("kernel_features")
    settings = meta["fitted"]["_settings"]["value"]  # (name, value) pairs
    meta["fitted"]["_settings"]["value"] = [p for p in settings if p[0] != "kernel_features"]
    path.write_text(json.dumps(meta))
    loaded = sklearn_rnn.load(folder)
    assert loaded.kernel_features == "auto"
    assert loaded.net_.module_.kernel_features is None
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))


def test_sequences_beyond_the_cache_limit_change_nothing(monkeypatch):
    X, y = _series(40)
    params = dict(FAST, kernel_features=168)
    full = LSTMClassifier(**params).fit(X, y).predict_proba(X)
    # room for the features of 10 sequences: the others are computed each time
    monkeypatch.setattr("sklearn_rnn.modules._random_kernels._CACHE_FLOATS", 168 * 10)
    np.testing.assert_array_equal(LSTMClassifier(**params).fit(X, y).predict_proba(X), full)


def test_warm_refit_keeps_the_features_and_trains_on_leave_one_out_scores(monkeypatch):
    used = []
    forward = RandomKernelRidge.forward

    def spy(self, X, lengths):
        if self.training and self._loo:
            keys = [self.features.key(X[i], int(n)) for i, n in enumerate(lengths.tolist())]
            used.extend(key in self._loo for key in keys)
        return forward(self, X, lengths)

    monkeypatch.setattr(RandomKernelRidge, "forward", spy)
    X, y = _series(30, seed=0)
    X_new, y_new = _series(30, seed=1)
    clf = LSTMClassifier(**FAST, kernel_features=168, warm_start=True).fit(X, y)
    ridge = clf.net_.module_.kernel_features
    biases, weight = ridge.features.biases.clone(), ridge.weight.clone()
    assert len(used) == 3 * 30 and all(used)
    used.clear()
    clf.fit(X_new, y_new)
    assert clf.net_.module_.kernel_features is ridge
    assert len(used) == 3 * 30 and all(used)  # the leave-one-out scores of X_new
    torch.testing.assert_close(ridge.features.biases, biases, rtol=0, atol=0)
    assert not torch.allclose(ridge.weight, weight)
    assert ridge._loo is None and ridge.features._cache is None
    # the ridge is that of the kept features on the new data
    F = ridge.features.raw_batches(*_padded(X_new)).double()
    F = (F - ridge.features.mean.double()) / ridge.features.scale.double()
    Y = -torch.ones(len(F), 3, dtype=torch.float64)
    Y[torch.arange(len(F)), torch.as_tensor(y_new)] = 1.0
    expected, _, _, _ = _ridge_loo(F, Y, torch.ones(len(F), dtype=torch.float64), ridge.alphas)
    torch.testing.assert_close(ridge.weight, expected.float())
