"""Fit, predict, save and load every estimator on a CUDA device, then load on the CPU.

Part of ``benchmarks/gpu_check.sh``. For each estimator: fit on ``cuda``
(the training data is moved to the GPU once when it fits), predict, save
with :func:`sklearn_rnn.save`, load back on the GPU and on the CPU with
:func:`sklearn_rnn.load`, and compare the predictions. Prints one line per
estimator and exits with status 1 if any comparison fails.

Usage::

    python benchmarks/gpu_roundtrip.py
"""

import sys
import tempfile

import numpy as np
import torch

import sklearn_rnn
from sklearn_rnn import AutoencoderTransformer, LSTMClassifier, Seq2SeqRegressor


def cases():
    """Yield ``(name, estimator, X, y, output)`` for each estimator."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 30, 8), dtype=np.float32)
    ragged = [rng.standard_normal((t, 8), dtype=np.float32) for t in rng.integers(5, 60, 500)]
    labels = (X[:, :, 0].sum(axis=1) > 0).astype(np.int64)
    common = dict(hidden_size=32, max_iter=3, device="cuda", random_state=0)
    yield "LSTMClassifier", LSTMClassifier(**common), X, labels, "predict_proba"
    yield "LSTMClassifier ragged", LSTMClassifier(**common), ragged, labels[:500], "predict"
    yield "Seq2SeqRegressor", Seq2SeqRegressor(**common), X, X[:, -5:, 0] * 10, "predict"
    aligned = Seq2SeqRegressor(mode="aligned", **common)
    yield "Seq2SeqRegressor aligned", aligned, ragged, [x[:, :1] for x in ragged], "predict"
    yield (
        "AutoencoderTransformer",
        AutoencoderTransformer(n_components=4, **common),
        X,
        None,
        ("transform"),
    )


def main():
    """Run every case; return the number of failures."""
    if not torch.cuda.is_available():
        print("CUDA is not available: nothing to check.")
        return 1
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    failures = 0
    for name, est, X, y, method in cases():
        est.fit(X, y)
        out = getattr(est, method)(X)
        with tempfile.TemporaryDirectory() as folder:
            sklearn_rnn.save(est, folder)
            on_gpu = getattr(sklearn_rnn.load(folder), method)(X)
            on_cpu_est = sklearn_rnn.load(folder, device="cpu")
            on_cpu = getattr(on_cpu_est, method)(X)
        stack = np.concatenate if out.dtype == object else np.asarray
        same_gpu = np.allclose(stack(out), stack(on_gpu), atol=1e-5)
        same_cpu = np.allclose(stack(out), stack(on_cpu), atol=1e-4)
        device = on_cpu_est.net_.device
        ok = same_gpu and same_cpu and device == "cpu"
        failures += not ok
        print(
            f"{name:<26} fit+{method} on cuda, loaded on cuda equal: {same_gpu}, "
            f"loaded on cpu ({device}) equal: {same_cpu} -> {'OK' if ok else 'FAIL'}",
            flush=True,
        )
    return failures


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
