"""Warm starts of every network estimator refuse a network of another shape."""

import numpy as np
import pytest
import torch
from estimator_specs import NET_SPECS


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_warm_start_refuses_a_network_of_another_shape(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    net, n_iter, before = est.net_, est.n_iter_, spec.out(est, X)
    hidden, layers = est.hidden_size, est.num_layers
    with pytest.raises(ValueError, match="another shape"):
        spec.fit(est.set_params(hidden_size=hidden + 3), X, y)
    with pytest.raises(ValueError, match="another shape"):
        spec.fit(est.set_params(hidden_size=hidden, num_layers=layers + 1), X, y)
    # nothing changed by the refused fits
    assert est.net_ is net and est.n_iter_ == n_iter
    for a, b in zip(spec.out(est, X), before, strict=True):
        np.testing.assert_array_equal(a, b)
    # with the parameters of the first fit, training continues on the same network
    spec.fit(est.set_params(num_layers=layers), X, y)
    assert est.net_ is net and est.n_iter_ == 2 * n_iter


def test_a_warm_fit_leaves_the_global_random_state_alone():
    # the shape check builds a network, whose initialisation draws random numbers
    spec = NET_SPECS[0]
    X, y = spec.data()
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    torch.manual_seed(5)
    state = torch.random.get_rng_state()
    spec.fit(est, X, y)
    assert torch.equal(torch.random.get_rng_state(), state)


@pytest.mark.parametrize("spec", NET_SPECS[:2], ids=repr)
def test_each_warm_fit_trains_at_the_current_learning_rate(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    first = est.learning_rate_init
    lrs = {group["lr"] for group in est.net_.optimizer_.param_groups}
    assert lrs == {est._settings.get("learning_rate_init", first)}
    spec.fit(est.set_params(learning_rate_init=0.123), X, y)
    assert {group["lr"] for group in est.net_.optimizer_.param_groups} == {0.123}


def test_a_warm_fit_halves_the_step_size_down_to_the_floor_of_its_own():
    # learning_rate="adaptive" stops halving at learning_rate_init / 200: on a
    # warm fit, that of the current learning_rate_init, not the first fit's
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    est = spec.make(random_state=0, warm_start=True, learning_rate="adaptive")
    spec.fit(est.set_params(learning_rate_init=0.01), X, y)
    schedule = dict(est.net_.callbacks_)["lr_scheduler"]
    assert schedule.min_lr == pytest.approx(0.01 / 200)
    spec.fit(est.set_params(learning_rate_init=0.001), X, y)
    assert schedule.min_lr == pytest.approx(0.001 / 200)
    assert schedule.lr_scheduler_.min_lrs == pytest.approx([0.001 / 200])


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_a_warm_fit_refuses_a_changed_training_set_up_and_changes_nothing(spec):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(random_state=0, warm_start=True), X, y)
    net, n_iter, before = est.net_, est.n_iter_, spec.out(est, X)
    for name, value in (("early_stopping", not est.early_stopping), ("tol", est.tol * 2)):
        old = getattr(est, name)
        with pytest.raises(ValueError, match=f"warm_start=True, but {name} \\(was"):
            spec.fit(est.set_params(**{name: value}), X, y)
        est.set_params(**{name: old})
    assert est.net_ is net and est.n_iter_ == n_iter
    for a, b in zip(spec.out(est, X), before, strict=True):
        np.testing.assert_array_equal(a, b)
    spec.fit(est.set_params(warm_start=False, early_stopping=not est.early_stopping), X, y)
    assert est.net_ is not net  # a cold fit takes any set-up


def test_a_warm_fit_reads_the_step_size_and_penalty_after_auto_ones():
    from sklearn_rnn import LSTMClassifier

    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(10, 20), 2)) for _ in range(40)]
    y = np.arange(40) % 2
    est = LSTMClassifier(max_iter=1, kernel_features=0, n_threads=1, warm_start=True)
    est.fit(X, y)  # learning_rate_init and alpha "auto"
    auto = [(g["lr"], g["weight_decay"]) for g in est.net_.optimizer_.param_groups]
    est.set_params(learning_rate_init=0.123, alpha=0.5).fit(X, y)
    assert {(g["lr"], g["weight_decay"]) for g in est.net_.optimizer_.param_groups} == {
        (0.123, 0.5)
    }
    est.set_params(learning_rate_init="auto", alpha="auto").fit(X, y)
    assert [(g["lr"], g["weight_decay"]) for g in est.net_.optimizer_.param_groups] == auto


def test_aligned_warm_fits_take_ragged_and_equal_length_data_in_turn():
    from sklearn_rnn import Seq2SeqRegressor

    rng = np.random.RandomState(0)
    ragged = [rng.normal(size=(rng.randint(3, 9), 2)) for _ in range(30)]
    equal = rng.normal(size=(30, 6, 2))
    est = Seq2SeqRegressor(mode="aligned", warm_start=True, max_iter=1, n_threads=1)
    est.fit(ragged, [x[:, 0] for x in ragged])
    net = est.net_
    est.fit(equal, equal[:, :, 0])
    est.fit(ragged, [x[:, 0] for x in ragged])
    assert est.net_ is net and est.n_iter_ == 3
    del est._ragged_outputs  # a model saved before the attribute existed
    est.fit(equal, equal[:, :, 0])
    assert est.n_iter_ == 4


def test_a_warm_fit_after_load_on_another_device_and_other_free_parameters(tmp_path):
    from sklearn_rnn import LSTMClassifier, load

    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(10, 20), 2)) for _ in range(40)]
    y = np.arange(40) % 2
    est = LSTMClassifier(max_iter=1, kernel_features=0, n_threads=1, warm_start=True).fit(X, y)
    est.save(tmp_path / "model")
    loaded = load(tmp_path / "model", device="cpu")
    loaded.set_params(verbose=0, n_threads=1, random_state=3, batch_size=8, max_iter=2)
    loaded.fit(X, y)
    assert loaded.n_iter_ == 3


def test_a_warm_fit_refuses_other_vocabulary_settings_and_embeddings():
    from sklearn_rnn import BiRNNTagger, LSTMClassifier

    sentences = [["The", "Cat", "sat"], ["A", "dog", "ran"]] * 6
    tags = [["D", "N", "V"]] * 12
    tagger = BiRNNTagger(max_iter=1, n_threads=1, warm_start=True).fit(sentences, tags)
    before = tagger.predict_proba(sentences)
    with pytest.raises(ValueError, match=r"lowercase \(was True, now False\)"):
        tagger.set_params(lowercase=False).fit(sentences, tags)
    # predict reads the words as the fit's vocabulary keys them
    for a, b in zip(tagger.predict_proba(sentences), before, strict=True):
        np.testing.assert_array_equal(a, b)
    rng = np.random.RandomState(0)
    ids = [rng.randint(0, 20, size=rng.randint(4, 9)) for _ in range(30)]
    first = rng.normal(size=(20, 8))
    clf = LSTMClassifier(max_iter=1, n_threads=1, warm_start=True, embedding_dim=8)
    clf.set_params(pretrained_embedding=first).fit(ids, np.arange(30) % 2)
    clf.set_params(pretrained_embedding=first.copy()).fit(ids, np.arange(30) % 2)
    with pytest.raises(ValueError, match="warm_start=True, but pretrained_embedding changed"):
        clf.set_params(pretrained_embedding=first + 1).fit(ids, np.arange(30) % 2)
