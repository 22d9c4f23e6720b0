"""The length of each sequence as an input of the classifier's output layer."""

import json

import numpy as np
import pytest
import torch

import sklearn_rnn
from sklearn_rnn import LSTMClassifier
from sklearn_rnn.modules import SequenceClassifierModule

FAST = dict(hidden_size=6, max_iter=20, min_steps=None, n_threads=1, random_state=0)


def _by_length(n=60, seed=0):
    """White noise whose class is its length alone: 8-14 steps or 24-30 steps."""
    rng = np.random.RandomState(seed)
    y = np.arange(n) % 2
    X = [rng.normal(size=(rng.randint(8, 15) + 16 * label, 1)) for label in y]
    return X, y


def test_module_reads_the_log_of_the_length_over_the_scale():
    torch.manual_seed(0)
    module = SequenceClassifierModule(
        n_classes=2, input_size=1, hidden_size=3, pooling="mean", length_scale=8.0
    ).eval()
    assert module.head.in_features == module.embedding_size + 1
    X, lengths = torch.randn(3, 8, 1), torch.tensor([8, 4, 2])
    summary = module.embed(X, lengths)
    scaled = torch.log(lengths / 8.0).unsqueeze(1)
    expected = module.head(torch.cat([summary, scaled], dim=1))
    torch.testing.assert_close(module(X, lengths), expected)
    # padding stays invisible: more padded steps change nothing
    padded = torch.cat([X, torch.randn(3, 5, 1)], dim=1)
    torch.testing.assert_close(module(padded, lengths), expected)


def test_off_by_default_and_transform_gives_the_summary_alone():
    X, y = _by_length()
    assert LSTMClassifier(**{**FAST, "max_iter": 1}).fit(X, y).net_.module_.length_scale is None
    clf = LSTMClassifier(**{**FAST, "max_iter": 1}, length_feature=True).fit(X, y)
    module = clf.net_.module_
    assert module.length_scale == max(map(len, X))
    assert module.head.in_features == module.embedding_size + 1
    assert clf.transform(X).shape == (len(X), module.embedding_size)
    assert len(clf.get_feature_names_out()) == module.embedding_size


def test_length_alone_tells_the_classes_apart():
    X, y = _by_length()
    X_test, y_test = _by_length(seed=1)
    # the length feature against the network alone, without kernel features
    params = {**FAST, "max_iter": 12, "conv_filters": (), "learning_rate_init": 0.05}
    params["kernel_features"] = 0
    on = LSTMClassifier(**params, length_feature=True).fit(X, y)
    assert on.score(X_test, y_test) == 1.0
    off = LSTMClassifier(**params, length_feature=False).fit(X, y)
    assert off.net_.module_.length_scale is None
    assert off.score(X_test, y_test) < on.score(X_test, y_test)


def test_token_ids_too_and_padding_stays_invisible():
    ids = [np.arange(1, n + 1) for n in [3, 4, 5, 9, 10, 11] * 4]
    y = np.array([0, 0, 0, 1, 1, 1] * 4)
    clf = LSTMClassifier(embedding_dim=3, length_feature=True, **FAST).fit(ids, y)
    assert clf.net_.module_.length_scale == 11.0
    batch = clf.predict_proba(ids)
    np.testing.assert_allclose(clf.predict_proba(ids[3:4])[0], batch[3], rtol=1e-5)


def test_bad_value_raises():
    X, y = _by_length(n=10)
    with pytest.raises(ValueError, match="length_feature"):
        LSTMClassifier(length_feature="yes").fit(X, y)


def test_model_saved_without_the_setting_loads_without_the_feature(tmp_path):
    X, y = _by_length(n=20)
    est = LSTMClassifier(**{**FAST, "max_iter": 1}).fit(X, y)
    folder = est.save(tmp_path)
    path = tmp_path / "estimator.json"
    meta = json.loads(path.read_text())
    meta["params"].pop("length_feature")
    path.write_text(json.dumps(meta))
    loaded = sklearn_rnn.load(folder)
    assert loaded.length_feature is False
    assert loaded.net_.module_.length_scale is None
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
