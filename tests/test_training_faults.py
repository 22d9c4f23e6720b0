"""Training faults: a diverging loss, an interrupted fit and continuing with warm_start."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklearn_rnn._base import BaseRecurrentEstimator
from sklearn_rnn._net import SequenceNet
from tests.estimator_specs import NET_SPECS


class Interrupt(Callback):
    """Raise KeyboardInterrupt after ``batch`` training batches of ``epoch`` (None: never).

    Records the module's weights at the end of every epoch and at the start
    of training.
    """

    def __init__(self, epoch, batch=1):
        self.epoch, self.batch = epoch, batch
        self.weights, self.start = {}, None

    def on_train_begin(self, net, **kwargs):
        self.start = _weights(net.module_)
        self.seen = 0

    def on_batch_end(self, net, training, **kwargs):
        if training and self.epoch is not None and net.history[-1, "epoch"] == self.epoch:
            self.seen += 1
            if self.seen == self.batch:
                raise KeyboardInterrupt

    def on_epoch_end(self, net, **kwargs):
        self.weights[net.history[-1, "epoch"]] = _weights(net.module_)


def _weights(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture
def interrupt(monkeypatch):
    """``interrupt(epoch, batch)`` puts an :class:`Interrupt` into the next cold fits."""
    original = BaseRecurrentEstimator._callbacks
    box = {}

    def callbacks(self, plan):
        return [*original(self, plan), *(("interrupt", cb) for cb in box.values())]

    monkeypatch.setattr(BaseRecurrentEstimator, "_callbacks", callbacks)

    def install(epoch, batch=1):
        box["cb"] = Interrupt(epoch, batch)
        return box["cb"]

    return install


def _add_to_fitted(est, cb):
    """Put ``cb`` into a fitted net (a warm start keeps the net's callbacks)."""
    others = [(n, c) for n, c in est.net_.callbacks_ if n != "interrupt"]
    est.net_.callbacks_ = [*others, ("interrupt", cb)]
    return cb


def _nan_loss(monkeypatch):
    original = SequenceNet.get_loss

    def diverging(self, *args, **kwargs):
        return original(self, *args, **kwargs) * float("nan")

    monkeypatch.setattr(SequenceNet, "get_loss", diverging)


@pytest.mark.parametrize("warm_start", [False, True])
@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_nan_loss_leaves_a_fitted_model_as_it_was(spec, warm_start, monkeypatch):
    X, y = spec.data("ragged")
    est = spec.fit(spec.make(warm_start=warm_start, random_state=0), X, y)
    before, n_iter, epochs = spec.out(est, X), est.n_iter_, len(est.net_.history)
    weights = _weights(est.net_.module_)
    _nan_loss(monkeypatch)
    expected_epoch = epochs + 1 if warm_start else 1
    with pytest.raises(FloatingPointError, match=f"nan in epoch {expected_epoch}.*clip_grad_norm"):
        spec.fit(est, X, y)
    assert est.n_iter_ == n_iter and len(est.net_.history) == epochs
    assert _same_weights(_weights(est.net_.module_), weights)
    for a, b in zip(before, spec.out(est, X), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_interrupt_keeps_the_best_weights_so_far_and_warns(spec, interrupt):
    X, y = spec.data("ragged")
    cb = interrupt(epoch=4, batch=2)
    est = spec.make(max_iter=10, random_state=0)
    with pytest.warns(UserWarning, match="interrupted.*after 3 complete epoch.*warm_start"):
        spec.fit(est, X, y)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    assert [row["epoch"] for row in est.net_.history] == [1, 2, 3]
    best = int(np.argmin(est.loss_curve_)) + 1
    assert est.best_loss_ == min(est.loss_curve_)
    # the weights of the best complete epoch, not the half-trained epoch 4
    assert _same_weights(_weights(est.net_.module_), cb.weights[best])
    out = spec.out(est, X)
    assert all(np.isfinite(o).all() for o in out)


def test_interrupt_with_early_stopping_keeps_the_best_validation_epoch(interrupt):
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    cb = interrupt(epoch=5)
    est = spec.make(max_iter=10, early_stopping=True, validation_fraction=0.25, random_state=0)
    with pytest.warns(UserWarning, match="valid_loss"):
        spec.fit(est, X, y)
    valid = est.net_.history[:, "valid_loss"]
    assert est.n_iter_ == 4 and est.best_loss_ == min(valid)
    assert _same_weights(_weights(est.net_.module_), cb.weights[int(np.argmin(valid)) + 1])


TAGGER = next(s for s in NET_SPECS if s.name == "BiRNNTagger")


def test_tagger_interrupted_with_early_stopping_keeps_the_most_accurate_epoch(interrupt):
    X, y = TAGGER.data("ragged")
    cb = interrupt(epoch=6)
    est = TAGGER.make(
        max_iter=10, early_stopping=True, validation_fraction=0.25, n_iter_no_change=9
    )
    with pytest.warns(UserWarning, match="valid_score"):
        TAGGER.fit(est.set_params(random_state=0), X, y)
    assert est.n_iter_ == 5 and est.validation_scores_ == list(est.net_.history[:, "valid_score"])
    best = int(np.argmax(est.validation_scores_))
    assert _same_weights(_weights(est.net_.module_), cb.weights[best + 1])


def test_tagger_early_stopping_watches_validation_accuracy(interrupt):
    X, y = TAGGER.data("ragged")
    cb = interrupt(epoch=None)  # records the weights of every epoch
    est = TAGGER.make(
        max_iter=40, early_stopping=True, validation_fraction=0.25, n_iter_no_change=3
    )
    TAGGER.fit(est.set_params(random_state=0), X, y)
    scores = est.validation_scores_
    best = int(np.argmax(scores))
    # stopped 3 epochs after the most accurate one, whose weights it kept
    assert est.n_iter_ == best + 4 < 40
    assert _same_weights(_weights(est.net_.module_), cb.weights[best + 1])


@pytest.mark.parametrize("spec", NET_SPECS, ids=repr)
def test_warm_start_continues_after_an_interrupt(spec, interrupt):
    X, y = spec.data("ragged")
    interrupt(epoch=3)
    est = spec.make(max_iter=10, warm_start=True, random_state=0)
    with pytest.warns(UserWarning, match="interrupted"):
        spec.fit(est, X, y)
    kept = _weights(est.net_.module_)
    cb = _add_to_fitted(est, Interrupt(epoch=None))  # records, never fires
    spec.fit(est.set_params(max_iter=2), X, y)
    assert _same_weights(cb.start, kept)  # training went on from the kept weights
    assert est.n_iter_ == 4 and [row["epoch"] for row in est.net_.history] == [1, 2, 3, 4]
    assert len(est.loss_curve_) == 4


@pytest.mark.parametrize("warm_start", [False, True])
def test_interrupt_in_the_first_epoch_fits_nothing(warm_start, interrupt):
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    est = spec.make(warm_start=warm_start, random_state=0)
    if warm_start:
        spec.fit(est, X, y)
        before, epochs = spec.out(est, X), len(est.net_.history)
    if warm_start:
        _add_to_fitted(est, Interrupt(epoch=len(est.net_.history) + 1))
    else:
        interrupt(epoch=1)
    with pytest.raises(KeyboardInterrupt):
        spec.fit(est, X, y)
    if warm_start:
        assert len(est.net_.history) == epochs == est.n_iter_
        np.testing.assert_array_equal(spec.out(est, X), before)
    else:
        assert not hasattr(est, "net_") and not hasattr(est, "n_features_in_")


def test_early_stopping_is_not_reported_as_an_interrupt(recwarn):
    spec = NET_SPECS[0]
    X, y = spec.data("ragged")
    est = spec.make(max_iter=50, early_stopping=True, n_iter_no_change=1, tol=10.0, random_state=0)
    spec.fit(est, X, y)
    assert est.n_iter_ < 50
    # after a fit that ended normally no extra copy of the weights stays in the model
    assert dict(est.net_.callbacks_)["keep_best_on_interrupt"].best_weights_ is None
    assert not [w for w in recwarn if "interrupted" in str(w.message)]


@pytest.mark.parametrize("epoch", [1, 3])
def test_interrupt_keeps_a_least_squares_start_that_no_epoch_beat(interrupt, epoch):
    from sklearn_rnn import Seq2SeqRegressor

    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 8))
    y = X @ rng.normal(size=(8, 4))  # the start is exact; the step size only spoils it
    cb = interrupt(epoch=epoch)
    est = Seq2SeqRegressor(
        highway_window=8,
        scaling="standard",
        hidden_size=4,
        max_iter=5,
        learning_rate_init=1.0,
        early_stopping=True,
        n_threads=1,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    assert est.n_iter_ == epoch - 1
    assert _same_weights(_weights(est.net_.module_), cb.start)
    assert est.best_loss_ == dict(est.net_.callbacks_)["early_stopping"].start_loss_
    assert est.score(X, y) > 0.99
