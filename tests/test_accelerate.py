"""Training through Hugging Face accelerate (device="accelerate"), checked on CPU."""

import pickle
import sys

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_rnn import AutoencoderTransformer, LSTMClassifier, Seq2SeqRegressor
from sklearn_rnn._accelerate import ShardedBatches


@pytest.mark.parametrize("num_processes", [1, 2, 3])
def test_sharded_batches_split_one_epoch_evenly(num_processes):
    batches = [f"b{i}" for i in range(7)]
    shards = [list(ShardedBatches(batches, i, num_processes)) for i in range(num_processes)]
    per_process = 7 // num_processes
    assert [len(s) for s in shards] == [per_process] * num_processes
    assert all(len(ShardedBatches(batches, i, num_processes)) == per_process for i in range(3))
    taken = sorted(b for s in shards for b in s)
    assert len(taken) == len(set(taken)) == per_process * num_processes
    assert shards[0][0] == "b0"
    if num_processes > 1:
        assert shards[1][0] == "b1"


def test_sharded_batches_need_a_batch_per_process():
    with pytest.raises(ValueError, match="at least 3 batches per epoch"):
        ShardedBatches(["b0", "b1"], 0, 3)


def _ragged(n=48, seed=0):
    rng = np.random.RandomState(seed)
    return [rng.normal(size=(rng.randint(4, 10), 2)).astype(np.float32) for _ in range(n)]


def _cases():
    X = _ragged()
    y_class = np.array([int(x[:, 0].sum() > 0) for x in X])
    y_horizon = np.stack([np.cumsum(x[:3, :1], axis=0) for x in X])
    common = dict(max_iter=3, batch_size=16, random_state=0)
    return [
        (
            LSTMClassifier(
                hidden_size=4,
                early_stopping=True,
                validation_fraction=0.25,
                clip_grad_norm=1.0,
                **common,
            ),
            X,
            y_class,
            "predict_proba",
        ),
        # encoder-decoder: the decoder gets the targets while training (teacher forcing)
        (Seq2SeqRegressor(hidden_size=4, **common), X, y_horizon, "predict"),
        (AutoencoderTransformer(n_components=2, hidden_size=4, **common), X, None, "transform"),
    ]


@pytest.mark.parametrize("case", range(3))
def test_accelerate_on_cpu_equals_plain_cpu(case, tmp_path):
    pytest.importorskip("accelerate")
    from sklearn_rnn._accelerate import AcceleratedSequenceNet

    est, X, y, method = _cases()[case]
    plain = est.set_params(device="cpu").fit(X, y)
    expected = getattr(plain, method)(X)
    accel = clone(est).set_params(device="accelerate").fit(X, y)
    assert isinstance(accel.net_, AcceleratedSequenceNet)
    assert accel.net_.device == "cpu"
    assert accel.loss_curve_ == plain.loss_curve_
    assert getattr(accel, "validation_scores_", None) == getattr(plain, "validation_scores_", None)
    out = getattr(accel, method)(X)
    np.testing.assert_array_equal(_dense(out), _dense(expected))

    # save and load: pickle, and the net's parameters as safetensors
    restored = pickle.loads(pickle.dumps(accel))
    np.testing.assert_array_equal(_dense(getattr(restored, method)(X)), _dense(out))
    path = tmp_path / "params.safetensors"
    accel.net_.save_params(f_params=path, use_safetensors=True)
    other = clone(est).set_params(device="cpu", random_state=1).fit(X, y)
    other.net_.load_params(f_params=path, use_safetensors=True)
    np.testing.assert_array_equal(_dense(getattr(other, method)(X)), _dense(out))


def _dense(out):
    if out.dtype == object:
        return np.concatenate([np.ravel(o) for o in out])
    return np.asarray(out)


def test_accelerate_warm_start_continues_like_plain_cpu():
    pytest.importorskip("accelerate")
    est, X, y, _ = _cases()[0]
    plain = est.set_params(device="cpu", warm_start=True).fit(X, y).fit(X, y)
    accel = clone(est).set_params(device="accelerate").fit(X, y)
    accel.fit(X, y)
    assert accel.n_iter_ == plain.n_iter_
    np.testing.assert_array_equal(accel.predict_proba(X), plain.predict_proba(X))


def test_accelerate_quiet_unless_verbose(capsys):
    pytest.importorskip("accelerate")
    est, X, y, _ = _cases()[0]
    est.set_params(device="accelerate").fit(X, y)
    assert capsys.readouterr().out == ""
    est.set_params(verbose=1, early_stopping=False).fit(X, y)
    assert "train_loss" in capsys.readouterr().out


def test_accelerate_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "accelerate", None)
    est, X, y, _ = _cases()[0]
    with pytest.raises(ImportError, match="pip install accelerate"):
        est.set_params(device="accelerate").fit(X, y)
    assert not hasattr(est, "net_")
