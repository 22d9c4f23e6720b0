"""Peak memory of ``fit`` on a large ``X``: at most one float32 copy of it.

For each estimator and input dtype, a fresh process builds ``X`` of
``--gb`` GB (sequences of 50 steps x 8 features), then fits one epoch of a
small model and reads the peak resident memory of the process during the
fit (Linux: ``VmHWM`` of ``/proc/self/status``, reset just before the fit
through ``/proc/self/clear_refs``). The extra memory the fit needed above
what the process held before it is printed, as a multiple of the size of
one float32 copy of ``X`` (target <= 1.0, plus the model's working memory
for one batch, which grows with the batch size, not with ``X``; the input
check's finiteness mask adds a passing 0.25):

- float32 input is used as it is (``LSTMClassifier``, ``AutoencoderTransformer``:
  about 0 copies; ``Seq2SeqRegressor`` keeps one standardised copy);
- float64 input is converted once to float32 (one copy; ``Seq2SeqRegressor``
  standardises that copy in place).

Usage (Linux; from the repository root, with the package importable)::

    python benchmarks/bench_memory.py            # 2 GB inputs, about 3 minutes
    python benchmarks/bench_memory.py --gb 4
    python benchmarks/bench_memory.py --quick    # 0.2 GB smoke run
"""

import argparse
import multiprocessing
import time

import numpy as np

N_STEPS, N_FEATURES = 50, 8


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/self/status")


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _make_estimator(name):
    from sklearn_rnn import AutoencoderTransformer, LSTMClassifier, Seq2SeqRegressor

    common = dict(hidden_size=4, batch_size=16384, max_iter=1, random_state=0)
    if name == "LSTMClassifier":
        return LSTMClassifier(**common)
    if name == "Seq2SeqRegressor":
        return Seq2SeqRegressor(**common)
    return AutoencoderTransformer(n_components=4, **common)


def measure(name, dtype, n_samples, queue):
    """Fit ``name`` on a fresh ``X`` in this process and put the figures on ``queue``."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, N_STEPS, N_FEATURES), dtype=np.float32)
    if dtype == "float64":
        X = X.astype(np.float64)
    y = {
        "LSTMClassifier": (X[:, :, 0].sum(axis=1) > 0).astype(np.int64),
        "Seq2SeqRegressor": X[:, -5:, 0].astype(np.float32),
        "AutoencoderTransformer": None,
    }[name]
    est = _make_estimator(name)
    est.fit(X[:64], None if y is None else y[:64])  # imports and one-time costs
    before = _status_kb("VmRSS")
    _reset_peak()
    t0 = time.perf_counter()
    est.fit(X, y)
    seconds = time.perf_counter() - t0
    peak = _status_kb("VmHWM")
    queue.put(dict(extra_kb=peak - before, seconds=seconds))


def main(argv=None):
    """Parse the command line and run the benchmark; return the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=None, help="size of X in GB (2)")
    parser.add_argument("--quick", action="store_true", help="0.2 GB smoke run")
    args = parser.parse_args(argv)
    gb = args.gb or (0.2 if args.quick else 2.0)
    ctx = multiprocessing.get_context("spawn")
    rows = []
    print(
        f"{'estimator':<24} {'X dtype':<8} {'X (GB)':>7} {'float32 copy (GB)':>18} "
        f"{'fit peak extra (GB)':>20} {'copies':>7} {'fit (s)':>8}"
    )
    for name in ("LSTMClassifier", "Seq2SeqRegressor", "AutoencoderTransformer"):
        for dtype in ("float32", "float64"):
            itemsize = np.dtype(dtype).itemsize
            n_samples = int(gb * 1e9 / (N_STEPS * N_FEATURES * itemsize))
            copy_gb = n_samples * N_STEPS * N_FEATURES * 4 / 1e9
            queue = ctx.Queue()
            proc = ctx.Process(target=measure, args=(name, dtype, n_samples, queue))
            proc.start()
            result = queue.get()
            proc.join()
            extra_gb = result["extra_kb"] * 1024 / 1e9
            rows.append(dict(estimator=name, dtype=dtype, copies=extra_gb / copy_gb))
            print(
                f"{name:<24} {dtype:<8} {n_samples * N_STEPS * N_FEATURES * itemsize / 1e9:>7.2f} "
                f"{copy_gb:>18.2f} {extra_gb:>20.2f} {extra_gb / copy_gb:>7.2f} "
                f"{result['seconds']:>8.1f}",
                flush=True,
            )
    return rows


if __name__ == "__main__":
    main()
