"""Check ``device="accelerate"`` against a plain single-device fit: fit, predict, save, load.

For a machine with a GPU (it runs on the CPU too, against ``device="cpu"``).
The same ``LSTMClassifier`` and encoder-decoder ``Seq2SeqRegressor`` are fitted
with ``device="cuda"`` (or "cpu" without CUDA) and with ``device="accelerate"``
(one process: accelerate picks the same device). The script prints, for each:
the device accelerate chose, fit and predict times of both, the largest
difference between their predictions (0 on the CPU; GPU kernels may differ in
the last bits), and whether the estimator survives a pickle round trip and
its weights a ``save_params``/``load_params`` round trip (safetensors) with
identical predictions.

Usage::

    python benchmarks/check_accelerate.py [--n-samples 4000] [--epochs 3]
    accelerate launch --num_processes 1 benchmarks/check_accelerate.py

It checks one process on one device (the saved weights go to a temporary
folder of that process), not training across several GPUs.
"""

import argparse
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.base import clone

from sklearn_rnn import LSTMClassifier, Seq2SeqRegressor


def make_data(n, rng):
    """Ragged sequences of 10..60 steps x 8 features; a label and a 5-step horizon each."""
    X = [rng.normal(size=(rng.randint(10, 61), 8)).astype(np.float32) for _ in range(n)]
    y_label = np.array([int(x[:, 0].sum() > 0) for x in X])
    y_horizon = np.stack([np.cumsum(x[-5:, :2], axis=0) for x in X])
    return X, y_label, y_horizon


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def check(name, est, X, y, method, log):
    plain_device = "cuda" if torch.cuda.is_available() else "cpu"
    plain, t_fit_plain = timed(lambda: clone(est).set_params(device=plain_device).fit(X, y))
    accel, t_fit_accel = timed(lambda: clone(est).set_params(device="accelerate").fit(X, y))
    out_plain, t_pred_plain = timed(lambda: getattr(plain, method)(X))
    out_accel, t_pred_accel = timed(lambda: getattr(accel, method)(X))
    diff = float(np.max(np.abs(np.asarray(out_plain) - np.asarray(out_accel))))
    restored = pickle.loads(pickle.dumps(accel))
    pickle_ok = np.array_equal(getattr(restored, method)(X), out_accel)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "params.safetensors"
        accel.net_.save_params(f_params=path, use_safetensors=True)
        plain.net_.load_params(f_params=path, use_safetensors=True)
        load_ok = np.array_equal(getattr(plain, method)(X), out_accel)
    log(
        f"{name}: accelerate device {accel.net_.device}, plain device {plain.net_.device}\n"
        f"  {'fit':<13} plain {t_fit_plain:7.2f} s   accelerate {t_fit_accel:7.2f} s\n"
        f"  {method:<13} plain {t_pred_plain:7.2f} s   accelerate {t_pred_accel:7.2f} s\n"
        f"  largest prediction difference {diff:.3g}; pickle round trip "
        f"{'identical' if pickle_ok else 'DIFFERENT'}; saved weights loaded "
        f"{'identical' if load_ok else 'DIFFERENT'}"
    )
    return pickle_ok and load_ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=4000)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    from sklearn_rnn._accelerate import make_accelerator

    accelerator = make_accelerator()
    if accelerator.num_processes > 1:
        raise SystemExit("Run this check as one process (python or accelerate launch).")
    log = print
    log(
        f"torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}, "
        f"processes: {accelerator.num_processes}, mixed precision: "
        f"{accelerator.mixed_precision}"
    )
    X, y_label, y_horizon = make_data(args.n_samples, np.random.RandomState(0))
    common = dict(hidden_size=64, max_iter=args.epochs, batch_size=128, random_state=0)
    ok = check(
        "LSTMClassifier",
        LSTMClassifier(early_stopping=True, clip_grad_norm=1.0, **common),
        X,
        y_label,
        "predict_proba",
        log,
    )
    ok &= check(
        "Seq2SeqRegressor", Seq2SeqRegressor(cell="gru", **common), X, y_horizon, "predict", log
    )
    log("all round trips identical" if ok else "SOME ROUND TRIPS DIFFER")


if __name__ == "__main__":
    main()
