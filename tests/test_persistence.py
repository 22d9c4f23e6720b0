"""Saving and loading fitted estimators without pickle (safetensors and JSON)."""

import json
import os
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError

import sklearn_rnn
from sklearn_rnn import BiRNNTagger, LSTMClassifier, Seq2SeqRegressor
from tests.estimator_specs import CONV_SPECS, NET_SPECS, SMALL, SPECS, conv_params

ESTIMATOR_SPECS = [s for s in SPECS if "estimator" in s.caps]


def _assert_same_output(a, b):
    assert type(a) is type(b)
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p, q)


def _assert_same_value(a, b):
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, np.random.RandomState):
        _assert_same_value(a.get_state()[1], b.get_state()[1])
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _assert_same_value(a[k], b[k])
    else:
        assert type(a) is type(b) and a == b


@pytest.mark.parametrize("layout", ["3d", "ragged"])
@pytest.mark.parametrize("spec", ESTIMATOR_SPECS, ids=repr)
def test_load_gives_identical_predictions_params_and_attributes(spec, layout, tmp_path):
    X, y = spec.data(layout)
    est = spec.fit(spec.make(), X, y)
    assert sklearn_rnn.save(est, tmp_path) == str(tmp_path)
    files = sorted(os.listdir(tmp_path))
    if "net" in spec.caps:
        assert files == ["estimator.json", "optimizer.safetensors", "weights.safetensors"]
    else:
        assert files == ["estimator.json"]
    loaded = sklearn_rnn.load(tmp_path)
    assert type(loaded) is type(est)
    _assert_same_value(loaded.get_params(), est.get_params())
    fitted = {k: v for k, v in vars(est).items() if k != "net_"}
    _assert_same_value({k: v for k, v in vars(loaded).items() if k != "net_"}, fitted)
    _assert_same_output(spec.out(loaded, X), spec.out(est, X))


@pytest.mark.parametrize("spec", CONV_SPECS, ids=repr)
def test_convolutional_front_end_comes_back(spec, tmp_path):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(**conv_params(spec)), X, y)
    sklearn_rnn.save(est, tmp_path)
    loaded = sklearn_rnn.load(tmp_path)
    assert loaded._settings["conv_filters"] == (3, 3)
    front = loaded.net_.module_.encoder.front
    assert front.stride == conv_params(spec)["conv_stride"]
    assert front.causal == (spec.name == "Seq2SeqRegressor-aligned")
    _assert_same_output(spec.out(loaded, X), spec.out(est, X))


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "eel"]),
        np.array([3, -1, 7]),
        np.array([1.0, 2.0, 3.0]),
        np.array([True, False, True]),
        np.array(["x", "y", "z"], dtype=object),
    ],
    ids=["str", "int", "float", "bool", "object"],
)
def test_classes_of_any_label_type_come_back(labels, tmp_path):
    X = np.random.RandomState(0).normal(size=(24, 4, 2))
    y = labels[np.arange(24) % len(labels)]
    clf = LSTMClassifier(**SMALL, random_state=0).fit(X, y)
    loaded = sklearn_rnn.load(clf.save(tmp_path))
    assert loaded.classes_.dtype == clf.classes_.dtype
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    pred = loaded.predict(X)
    assert pred.dtype == clf.predict(X).dtype
    np.testing.assert_array_equal(pred, clf.predict(X))


def test_feature_names_params_and_vector_input_come_back(tmp_path):
    rng = np.random.RandomState(0)
    df = pd.DataFrame(rng.normal(size=(30, 3)), columns=["price", "volume", "day"])
    y = rng.normal(size=(30, 4))
    reg = Seq2SeqRegressor(**SMALL, input_type="vectors", random_state=rng).fit(df, y)
    loaded = sklearn_rnn.load(reg.save(tmp_path))
    np.testing.assert_array_equal(loaded.feature_names_in_, ["price", "volume", "day"])
    assert loaded.feature_names_in_.dtype == object
    np.testing.assert_array_equal(loaded.predict(df), reg.predict(df))
    _assert_same_value(loaded.random_state, reg.random_state)
    with pytest.raises(ValueError, match="Feature names"):
        loaded.predict(df.rename(columns={"day": "hour"}))


def test_tagger_on_words_keeps_its_vocabularies(tmp_path):
    words = ["the", "a", "dog", "cat", "runs", "sleeps", "Über"]
    tags = {"the": "DET", "a": "DET", "dog": "NOUN", "cat": "NOUN", "Über": "NOUN"}
    rng = np.random.RandomState(0)
    X = [list(rng.choice(words, size=rng.randint(2, 6))) for _ in range(24)]
    y = [[tags.get(w, "VERB") for w in s] for s in X]
    tagger = BiRNNTagger(**SMALL, random_state=0).fit(X, y)
    loaded = sklearn_rnn.load(tagger.save(tmp_path))
    assert loaded.vocabulary_ == tagger.vocabulary_ and "über" in loaded.vocabulary_
    assert loaded._char_vocabulary == tagger._char_vocabulary
    new = [["the", "Ünknown", "cat"], ["zebras", "sleep"]]  # words never seen in training
    _assert_same_output(loaded.predict_proba(new), tagger.predict_proba(new))
    _assert_same_output(loaded.predict(X), tagger.predict(X))


def test_class_weight_dict_with_label_keys_comes_back(tmp_path):
    X = np.random.RandomState(0).normal(size=(24, 4, 2))
    y = np.arange(24) % 2
    clf = LSTMClassifier(**SMALL, class_weight={0: 2.0, 1: 0.5}, random_state=0).fit(X, y)
    loaded = sklearn_rnn.load(clf.save(tmp_path))
    assert loaded.class_weight == {0: 2.0, 1: 0.5}
    assert all(isinstance(k, int) for k in loaded.class_weight)


def test_loading_never_unpickles(tmp_path, monkeypatch):
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(), X, y)
    est.save(tmp_path)

    def forbidden(*args, **kwargs):
        raise AssertionError("unpickling")

    for module, name in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler")]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    monkeypatch.setattr(np, "load", forbidden)
    _assert_same_output(spec.out(sklearn_rnn.load(tmp_path), X), spec.out(est, X))


def test_versions_are_recorded(tmp_path):
    spec = NET_SPECS[0]
    est = spec.fit(spec.make(), *spec.data())
    est.save(tmp_path)
    meta = json.loads((tmp_path / "estimator.json").read_text())
    assert meta["format_version"] == 1 and meta["class"] == "LSTMClassifier"
    assert meta["versions"]["sklearn_rnn"] == sklearn_rnn.__version__
    assert meta["versions"]["torch"] == torch.__version__
    assert {"scikit-learn", "skorch", "numpy", "safetensors", "python"} <= meta["versions"].keys()


def _edit_meta(folder, **changes):
    path = folder / "estimator.json"
    meta = json.loads(path.read_text())
    meta.update(changes)
    path.write_text(json.dumps(meta))


def test_incompatible_or_missing_model_is_refused(tmp_path):
    spec = NET_SPECS[0]
    est = spec.fit(spec.make(), *spec.data())
    est.save(tmp_path)
    _edit_meta(tmp_path, format_version=2)
    with pytest.raises(ValueError, match="format version 2.*reads format version 1"):
        sklearn_rnn.load(tmp_path)
    _edit_meta(tmp_path, format_version=1, format="something else")
    with pytest.raises(ValueError, match="not a sklearn_rnn model"):
        sklearn_rnn.load(tmp_path)
    _edit_meta(tmp_path, format="sklearn_rnn model", **{"class": "os.system"})
    with pytest.raises(ValueError, match="'os.system'.*not an estimator"):
        sklearn_rnn.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="estimator.json is missing"):
        sklearn_rnn.load(tmp_path / "nowhere")


def test_weights_that_do_not_fit_the_parameters_are_refused(tmp_path):
    spec = NET_SPECS[0]
    est = spec.fit(spec.make(), *spec.data())
    est.save(tmp_path)
    path = tmp_path / "estimator.json"
    meta = json.loads(path.read_text())
    meta["params"]["hidden_size"] = 5
    path.write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="do not fit the saved parameters"):
        sklearn_rnn.load(tmp_path)


def test_unfitted_estimator_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        sklearn_rnn.save(LSTMClassifier(), tmp_path)
    with pytest.raises(TypeError, match="not a public estimator"):
        sklearn_rnn.save(object(), tmp_path)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_model_saved_for_a_gpu_loads_on_a_cpu_only_machine(tmp_path):
    spec = NET_SPECS[1]
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(), X, y)
    expected = spec.out(est, X)
    est.set_params(device="cuda")  # as written on a GPU machine
    est.save(tmp_path)
    loaded = sklearn_rnn.load(tmp_path)
    assert loaded.device == "cuda" and loaded.net_.device == "cpu"
    assert next(loaded.net_.module_.parameters()).device.type == "cpu"
    _assert_same_output(spec.out(loaded, X), expected)
    forced = sklearn_rnn.load(tmp_path, device="cpu")
    assert forced.device == "cpu"


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_warm_start_after_loading_continues_as_without_saving(spec, tmp_path):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(random_state=0), X, y)
    loaded = sklearn_rnn.load(est.save(tmp_path))
    for e in (est, loaded):
        spec.fit(e.set_params(warm_start=True, max_iter=2), X, y)
    assert loaded.n_iter_ == est.n_iter_ == 4
    _assert_same_output(spec.out(loaded, X), spec.out(est, X))


def test_loading_leaves_the_global_random_state_alone(tmp_path):
    spec = NET_SPECS[0]
    spec.fit(spec.make(), *spec.data()).save(tmp_path)
    torch.manual_seed(3)
    before = torch.random.get_rng_state()
    sklearn_rnn.load(tmp_path)
    assert torch.equal(torch.random.get_rng_state(), before)


@pytest.mark.parametrize("spec", ESTIMATOR_SPECS, ids=repr)
def test_pickle_and_joblib_keep_working(spec, tmp_path):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(), X, y)
    expected = spec.out(est, X)
    _assert_same_output(spec.out(pickle.loads(pickle.dumps(est)), X), expected)
    joblib.dump(est, tmp_path / "model.joblib")
    _assert_same_output(spec.out(joblib.load(tmp_path / "model.joblib"), X), expected)
    loaded = sklearn_rnn.load(sklearn_rnn.save(est, tmp_path / "folder"))
    _assert_same_output(spec.out(pickle.loads(pickle.dumps(loaded)), X), expected)


@pytest.mark.parametrize(
    "make, old_attributes, kind",
    [
        (
            lambda: BiRNNTagger(**SMALL, random_state=0).fit(
                [["a", "dog"], ["the", "cat", "runs"]] * 6, [["D", "N"], ["D", "N", "V"]] * 6
            ),
            {"_string_input": True, "_rows": False},
            "strings",
        ),
        (
            lambda: BiRNNTagger(**SMALL, random_state=0).fit(
                np.arange(24.0).reshape(12, 2), np.arange(12) % 2
            ),
            {"_string_input": False, "_rows": True},
            "vectors",
        ),
        (
            lambda: Seq2SeqRegressor(**SMALL, input_type="vectors", random_state=0).fit(
                np.arange(24.0).reshape(12, 2), np.ones((12, 3))
            ),
            {},
            "vectors",
        ),
        (
            lambda: LSTMClassifier(**SMALL, random_state=0).fit(
                np.arange(24.0).reshape(12, 2), np.arange(12) % 2
            ),
            {},
            "sequences",
        ),
    ],
)
def test_models_saved_before_the_input_kind_was_recorded_still_load(
    make, old_attributes, kind, tmp_path
):
    est = make()
    folder = est.save(tmp_path)
    path = tmp_path / "estimator.json"
    meta = json.loads(path.read_text())
    del meta["fitted"]["_input_kind"]
    meta["fitted"].update(old_attributes)
    if kind == "vectors" and isinstance(est, Seq2SeqRegressor):
        meta["fitted"]["_fit_layout"] = "vectors"
    path.write_text(json.dumps(meta))
    loaded = sklearn_rnn.load(folder)
    assert loaded._input_kind == kind
    assert not {"_rows", "_string_input"} & vars(loaded).keys()
    X = [["the", "dog"]] if kind == "strings" else np.arange(8.0).reshape(4, 2)
    _assert_same_output(loaded.predict(X), est.predict(X))


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_training_length_settings_come_back_and_continue_alike(spec, tmp_path, monkeypatch):
    # patience in epochs only: the step floors would train hundreds of epochs here
    monkeypatch.setattr(sklearn_rnn._base, "CONVERGENCE_MIN_STEPS", 0)
    monkeypatch.setattr(sklearn_rnn._base, "ADAPTIVE_MIN_STEPS", 0)
    X, y = spec.data("ragged")
    params = dict(
        max_iter="auto",
        min_steps=6,
        learning_rate="adaptive",
        learning_rate_init=0.05,
        early_stopping="auto",
        tol=1e9,
        n_iter_no_change=2,
        random_state=0,
    )
    est = spec.fit(spec.make(**params), X, y)
    loaded = sklearn_rnn.load(est.save(tmp_path))
    assert loaded.get_params()["max_iter"] == "auto"
    lr = est.net_.optimizer_.param_groups[0]["lr"]
    assert lr < 0.05
    assert loaded.net_.optimizer_.param_groups[0]["lr"] == lr
    for e in (est, loaded):
        spec.fit(e.set_params(warm_start=True), X, y)
    assert loaded.n_iter_ == est.n_iter_
    _assert_same_output(spec.out(loaded, X), spec.out(est, X))
