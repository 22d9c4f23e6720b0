"""Benchmark ``GridSearchCV(n_jobs=2)`` against ``n_jobs=1`` over ``LSTMClassifier``.

A grid of 4 candidates (``hidden_size`` x ``learning_rate_init``) is searched
with 3-fold cross-validation (12 fits and a refit) once with ``n_jobs=1`` and
once with ``n_jobs=2`` (joblib's default process backend), in alternating
order over ``--repeats`` repeats. joblib keeps its worker processes between
calls: they are started (and their torch thread count read) before the timed
searches, so the times compare the searches themselves, including sending the
data to the workers. The refit of the best candidate runs in the main
process after the search, so even perfect parallelism gives a ratio of about
0.55, not 0.5; a fixed cost per task (sending the estimator and data, joblib's
bookkeeping) weighs more on small fits: with the default 6,000 sequences a
fit takes a few seconds. The script prints both
medians, their ratio (target <= 0.6 on 2 CPU cores), the torch thread count
each worker used and whether both searches found the same scores.

Threads: an estimator uses ``n_threads`` torch threads when set; otherwise
one thread for small models, and torch's own count for larger ones. joblib
limits the threads of each worker process to ``cpu_count // n_jobs``, so
under ``n_jobs=2`` on 2 cores every worker runs one torch thread and the two
workers do not oversubscribe the cores.

Usage (from the repository root, with the package importable)::

    python benchmarks/bench_search.py              # about 6 minutes on 2 CPU cores
    python benchmarks/bench_search.py --quick      # smoke run
    python benchmarks/bench_search.py --n-samples 3000 --hidden-sizes 64 128
"""

import argparse
import os
import statistics
import time

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_rnn import LSTMClassifier


def make_data(n_samples, seed=0):
    """Sequences of 50 steps x 8 features with a binary label (sign of a sum)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, 50, 8), dtype=np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(np.int64)
    return X, y


def worker_threads():
    """Torch threads of a fresh joblib worker process (what a fit there starts with)."""
    return torch.get_num_threads()


def search(X, y, grid, epochs, n_jobs):
    """Run one grid search and return ``(seconds, mean test scores)``."""
    est = LSTMClassifier(max_iter=epochs, batch_size=64, random_state=0)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    gs = GridSearchCV(est, grid, cv=cv, n_jobs=n_jobs)
    t0 = time.perf_counter()
    gs.fit(X, y)
    return time.perf_counter() - t0, gs.cv_results_["mean_test_score"]


def main(argv=None):
    """Parse the command line and run the benchmark; return the ratio n_jobs=2 / n_jobs=1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=None, help="sequences (6000)")
    parser.add_argument("--epochs", type=int, default=None, help="max_iter (5)")
    parser.add_argument("--repeats", type=int, default=None, help="searches per side (2)")
    parser.add_argument("--hidden-sizes", type=int, nargs=2, default=[32, 64])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args(argv)
    defaults = dict(n_samples=600, epochs=1, repeats=1) if args.quick else {}
    defaults = {**dict(n_samples=6000, epochs=5, repeats=2), **defaults}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    X, y = make_data(args.n_samples)
    grid = {"hidden_size": args.hidden_sizes, "learning_rate_init": [1e-3, 3e-3]}
    print(
        f"{os.cpu_count()} CPU(s), torch {torch.__version__} ({torch.get_num_threads()} "
        f"threads here); X {X.shape}, grid {grid}, 3 folds, {args.epochs} epoch(s), "
        f"{args.repeats} repeat(s)",
        flush=True,
    )
    threads = Parallel(n_jobs=2)(delayed(worker_threads)() for _ in range(2))
    print(f"torch threads in the n_jobs=2 worker processes: {threads}", flush=True)
    times = {1: [], 2: []}
    scores = {}
    for r in range(args.repeats):
        for n_jobs in (1, 2) if r % 2 == 0 else (2, 1):
            seconds, scores[n_jobs] = search(X, y, grid, args.epochs, n_jobs)
            times[n_jobs].append(seconds)
            print(f"  repeat {r + 1}: n_jobs={n_jobs} {seconds:.1f}s", flush=True)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    ratio = two / one
    same = np.allclose(scores[1], scores[2])
    print(
        f"median n_jobs=1 {one:.1f}s, n_jobs=2 {two:.1f}s, ratio {ratio:.3f}, target <= 0.6 "
        f"-> {'PASS' if ratio <= 0.6 else 'FAIL'}; same mean test scores: {same}"
    )
    if args.quick:
        print("(--quick: the sizes are too small for PASS/FAIL to be meaningful)")
    return ratio


if __name__ == "__main__":
    main()
