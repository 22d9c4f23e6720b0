"""Training length: convergence rule, step-size schedule, step floor, "auto" early stopping."""

import math

import numpy as np
import pytest

from sklearn_rnn import LSTMClassifier, Seq2SeqRegressor, _base
from tests.estimator_specs import NET_SPECS

SMALL = dict(hidden_size=4, batch_size=16, min_steps=None, n_threads=1, random_state=0)


@pytest.fixture(autouse=True)
def _patience_in_epochs(monkeypatch):
    """Patience counted in epochs only, unless a test restores the step floors."""
    monkeypatch.setattr(_base, "CONVERGENCE_MIN_STEPS", 0)
    monkeypatch.setattr(_base, "ADAPTIVE_MIN_STEPS", 0)


def _data(n=48, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 6, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    return X, y


def test_int_max_iter_trains_exactly_that_many_epochs():
    X, y = _data()
    clf = LSTMClassifier(max_iter=7, tol=1e9, **SMALL).fit(X, y)
    assert clf.n_iter_ == 7


def test_auto_max_iter_stops_when_the_training_loss_stops_improving():
    X, y = _data()
    # the first epoch sets the best loss; none after it improves by 1e9, so the
    # rule stops after n_iter_no_change more epochs
    clf = LSTMClassifier(max_iter="auto", tol=1e9, n_iter_no_change=3, **SMALL).fit(X, y)
    assert clf.n_iter_ == 4
    assert len(clf.loss_curve_) == 4
    # a problem that converges stops before the cap, and n_iter_ says when
    clf = LSTMClassifier(
        max_iter="auto", tol=1e-2, n_iter_no_change=2, learning_rate_init=0.05, **SMALL
    ).fit(X, y)
    assert clf.n_iter_ < _base.AUTO_MAX_ITER
    losses = np.array(clf.loss_curve_)
    best_before = losses[:-2].min()
    assert all(v > best_before - 1e-2 for v in losses[-2:])


def test_auto_max_iter_keeps_the_last_weights_without_early_stopping():
    X, y = _data()
    clf = LSTMClassifier(
        max_iter="auto", tol=1e9, n_iter_no_change=3, learning_rate="constant", **SMALL
    ).fit(X, y)
    again = LSTMClassifier(max_iter=4, learning_rate="constant", **SMALL).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), again.predict_proba(X), rtol=1e-6)


def _lr(est):
    return est.net_.optimizer_.param_groups[0]["lr"]


def test_adaptive_learning_rate_is_divided_after_a_plateau():
    X, y = _data()
    # tol=1e9: every epoch after the first is a plateau; with n_iter_no_change=3
    # the patience is one epoch, so epochs 3 and 5 each halve the step size
    params = dict(max_iter=5, learning_rate_init=0.01, tol=1e9, n_iter_no_change=3, **SMALL)
    clf = LSTMClassifier(learning_rate="adaptive", **params).fit(X, y)
    assert _lr(clf) == pytest.approx(0.01 / _base.ADAPTIVE_FACTOR**2)
    constant = LSTMClassifier(learning_rate="constant", **params).fit(X, y)
    assert _lr(constant) == pytest.approx(0.01)


def test_adaptive_learning_rate_stops_at_its_floor():
    X, y = _data()
    params = dict(max_iter=30, learning_rate_init=0.01, tol=1e9, n_iter_no_change=3, **SMALL)
    clf = LSTMClassifier(learning_rate="adaptive", **params).fit(X, y)
    assert _lr(clf) == pytest.approx(0.01 / _base.ADAPTIVE_MIN_RATIO)


def test_patience_covers_a_floor_of_optimiser_steps(monkeypatch):
    X, y = _data()  # 48 samples in batches of 16: 3 steps per epoch
    monkeypatch.setattr(_base, "CONVERGENCE_MIN_STEPS", 30)
    monkeypatch.setattr(_base, "ADAPTIVE_MIN_STEPS", 12)
    clf = LSTMClassifier(max_iter="auto", tol=1e9, n_iter_no_change=3, **SMALL).fit(X, y)
    assert clf.n_iter_ == 1 + 10  # 30 steps without improvement are 10 epochs
    clf = LSTMClassifier(
        max_iter=7,
        learning_rate="adaptive",
        learning_rate_init=0.01,
        tol=1e9,
        n_iter_no_change=3,
        **SMALL,
    ).fit(X, y)
    # 12 steps are 4 epochs of patience: the step size is halved once, after epoch 6
    assert _lr(clf) == pytest.approx(0.01 / _base.ADAPTIVE_FACTOR)


def test_adaptive_learning_rate_keeps_the_step_size_while_the_loss_improves():
    X, y = _data()
    clf = LSTMClassifier(
        max_iter=2, learning_rate="adaptive", learning_rate_init=0.01, tol=0.0, **SMALL
    ).fit(X, y)
    assert _lr(clf) == pytest.approx(0.01)


def test_adaptive_learning_rate_watches_the_validation_monitor_with_early_stopping():
    X, y = _data(96)
    clf = LSTMClassifier(
        max_iter=4,
        learning_rate="adaptive",
        early_stopping=True,
        n_iter_no_change=3,
        tol=1e9,
        learning_rate_init=0.01,
        **SMALL,
    ).fit(X, y)
    lr_schedule = dict(clf.net_.callbacks_)["lr_scheduler"]
    assert lr_schedule.monitor == "valid_loss"
    assert _lr(clf) < 0.01


def test_min_steps_gives_a_small_data_set_enough_updates():
    X, y = _data(50)
    batches = math.ceil(50 / SMALL["batch_size"])  # 4 optimiser steps per epoch
    clf = LSTMClassifier(
        max_iter="auto", tol=1e9, n_iter_no_change=2, **{**SMALL, "min_steps": 60}
    ).fit(X, y)
    assert clf.n_iter_ * batches >= 60
    assert clf.n_iter_ == math.ceil(60 / batches)
    # without the floor the same rule stops after n_iter_no_change epochs
    short = LSTMClassifier(max_iter="auto", tol=1e9, n_iter_no_change=2, **SMALL).fit(X, y)
    assert short.n_iter_ == 3


def test_min_steps_raises_the_auto_cap_but_never_an_int_max_iter():
    X, y = _data(50)
    huge = (_base.AUTO_MAX_ITER + 5) * 4
    est = LSTMClassifier(max_iter="auto", **{**SMALL, "min_steps": huge})
    assert est._training_plan(50)["_max_epochs"] == _base.AUTO_MAX_ITER + 5
    clf = LSTMClassifier(max_iter=3, **{**SMALL, "min_steps": 1000}).fit(X, y)
    assert clf.n_iter_ == 3


def test_min_steps_holds_off_early_stopping():
    X, y = _data(96)
    params = dict(early_stopping=True, n_iter_no_change=1, tol=1e9, max_iter=20, **SMALL)
    assert LSTMClassifier(**params).fit(X, y).n_iter_ == 2
    clf = LSTMClassifier(**{**params, "min_steps": 30}).fit(X, y)
    train_batches = math.ceil((96 - math.ceil(96 * 0.1)) / SMALL["batch_size"])
    assert clf.n_iter_ == math.ceil(30 / train_batches)


def test_auto_early_stopping_switches_on_above_the_threshold(monkeypatch):
    est = LSTMClassifier(early_stopping="auto", min_steps=None)
    assert not est._training_plan(_base.AUTO_EARLY_STOPPING_SAMPLES)["_early_stopping_on"]
    assert est._training_plan(_base.AUTO_EARLY_STOPPING_SAMPLES + 1)["_early_stopping_on"]
    X, y = _data(60)
    monkeypatch.setattr(_base, "AUTO_EARLY_STOPPING_SAMPLES", 50)
    clf = LSTMClassifier(early_stopping="auto", max_iter=3, **SMALL).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ == 3
    monkeypatch.setattr(_base, "AUTO_EARLY_STOPPING_SAMPLES", 60)
    clf = LSTMClassifier(early_stopping="auto", max_iter=3, **SMALL).fit(X, y)
    assert not hasattr(clf, "validation_scores_")


def test_auto_early_stopping_restores_the_best_weights(monkeypatch):
    X = np.random.RandomState(0).normal(size=(60, 5, 1))
    y = X[:, -1, 0] * 3
    monkeypatch.setattr(_base, "AUTO_EARLY_STOPPING_SAMPLES", 50)
    reg = Seq2SeqRegressor(
        early_stopping="auto", max_iter=15, n_iter_no_change=2, learning_rate_init=0.5, **SMALL
    ).fit(X, y)
    keeper = dict(reg.net_.callbacks_)["early_stopping"]
    assert keeper.load_best
    assert reg.best_loss_ == pytest.approx(min(reg.net_.history[:, "valid_loss"]))


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_every_estimator_takes_the_training_length_parameters(spec):
    X, y = spec.data("ragged")
    est = spec.make(
        max_iter="auto", min_steps=4, learning_rate="adaptive", n_iter_no_change=1, tol=1e9
    )
    spec.fit(est, X, y)
    assert 1 <= est.n_iter_ <= _base.AUTO_MAX_ITER
    assert "lr_scheduler" in dict(est.net_.callbacks_)


def test_a_warm_start_applies_the_step_floor_of_its_own_call():
    X, y = _data(50)
    clf = LSTMClassifier(
        max_iter="auto", tol=1e9, n_iter_no_change=2, warm_start=True, **SMALL
    ).fit(X, y)
    assert clf.n_iter_ == 3
    clf.set_params(min_steps=40).fit(X, y)  # 4 steps per epoch: 10 more epochs
    assert clf.n_iter_ == 3 + 10


def test_weight_averaging_keeps_the_mean_of_the_last_epochs():
    from types import SimpleNamespace

    import torch

    from sklearn_rnn._net import WeightAveraging

    module = torch.nn.Linear(2, 1)
    net = SimpleNamespace(history=[], module_=module)
    averaging = WeightAveraging(start_epoch=2)
    averaging.on_train_begin(net)
    seen = []
    for epoch in range(1, 5):
        with torch.no_grad():
            module.weight.fill_(float(epoch))
        net.history.append({"epoch": epoch})
        averaging.on_epoch_end(net)
        seen.append(float(epoch))
    averaging.on_train_end(net)
    # epochs 2, 3 and 4 are averaged
    assert module.weight.detach().numpy() == pytest.approx(np.full((1, 2), 3.0))
    net.interrupted_ = True  # an interrupted fit keeps what it has
    averaging.on_train_begin(net)
    net.history.append({"epoch": 5})
    averaging.on_epoch_end(net)
    with torch.no_grad():
        module.weight.fill_(9.0)
    averaging.on_train_end(net)
    assert module.weight.detach().numpy() == pytest.approx(np.full((1, 2), 9.0))


def test_average_weights_changes_the_fit_and_is_off_with_early_stopping():
    X, y = _data()
    params = dict(max_iter=5, learning_rate_init=0.05, **SMALL)
    plain = LSTMClassifier(average_weights=False, **params).fit(X, y)
    averaged = LSTMClassifier(average_weights=True, **params).fit(X, y)
    assert averaged._average_from == 2  # the last 60% of 5 epochs
    assert "weight_averaging" in dict(averaged.net_.callbacks_)
    assert not np.allclose(plain.predict_proba(X), averaged.predict_proba(X))
    early = LSTMClassifier(average_weights=True, early_stopping=True, **params).fit(X, y)
    assert "weight_averaging" not in dict(early.net_.callbacks_)
    ids = np.random.RandomState(0).randint(1, 20, size=(48, 6))
    text = LSTMClassifier(embedding_dim=3, max_iter=5, **SMALL).fit(ids, y)
    assert text._settings["average_weights"] and text._average_from == 2
    assert (
        text._settings["cell"] == "lstm" and text.net_.optimizer_.defaults["weight_decay"] == 5e-5
    )
