"""A deep LSTMClassifier stack with and without residual connections and layer norm.

Usage::

    python benchmarks/bench_deep_stacks.py --data DATA_DIR/tsc/OSULeaf.npz [--seeds 0 1]
        [--num-layers 4] [--variants plain deep]

Reads the *training* part of a UCR set (``X_train``, ``y_train`` of an
``.npz`` as described in the data README; equal-length series) and holds out
a stratified 25% of it for validation, with each seed of ``--seeds`` as the
split's and the estimator's ``random_state``; the test part is never read.
``LSTMClassifier(num_layers=..., kernel_features=0)`` (the recurrent network
alone) is fitted at its other defaults, once plain and once with
``residual=True, layer_norm=True`` ("deep"; ``--variants`` runs one of them
only), and the validation accuracy and fit time of each fit
are printed, with the mean over seeds. Fit times are wall seconds and CPU
seconds of this process: on a busy machine the wall time includes waiting for
other processes. One fit of 4 layers on OSULeaf takes about 5 CPU minutes.
"""

import argparse
import time

import numpy as np
from sklearn.model_selection import train_test_split

from sklearn_rnn import LSTMClassifier

VARIANTS = {
    "plain": {},
    "deep": {"residual": True, "layer_norm": True},
}


def _fit_and_score(params, X_fit, y_fit, X_val, y_val):
    wall, cpu = time.perf_counter(), time.process_time()
    clf = LSTMClassifier(**params).fit(X_fit, y_fit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return clf.score(X_val, y_val), wall, cpu, clf.n_iter_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a UCR .npz with X_train and y_train")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--num-layers", type=int, default=4)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    args = parser.parse_args()
    with np.load(args.data) as z:
        if "X_train_lengths" in z:
            raise SystemExit("equal-length series only (X_train of shape (n, length))")
        X, y = z["X_train"].astype(np.float32), z["y_train"]
    print(f"{args.data}: training part {X.shape}, {len(np.unique(y))} classes")
    print(f"num_layers={args.num_layers}; validation: stratified 25% of the training part\n")
    print(f"{'variant':<8} {'seed':>4} {'val acc':>8} {'wall s':>7} {'cpu s':>7} {'epochs':>6}")
    results = {name: [] for name in args.variants}
    for seed in args.seeds:
        X_fit, X_val, y_fit, y_val = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        for name in args.variants:
            options = VARIANTS[name]
            params = dict(
                num_layers=args.num_layers, kernel_features=0, random_state=seed, **options
            )
            acc, wall, cpu, epochs = _fit_and_score(params, X_fit, y_fit, X_val, y_val)
            results[name].append((acc, wall, cpu))
            print(f"{name:<8} {seed:>4} {acc:>8.3f} {wall:>7.1f} {cpu:>7.1f} {epochs:>6}")
    print()
    for name, rows in results.items():
        acc, wall, cpu = np.mean(rows, axis=0)
        print(f"{name:<8} mean {acc:>8.3f} {wall:>7.1f} {cpu:>7.1f}")


if __name__ == "__main__":
    main()
