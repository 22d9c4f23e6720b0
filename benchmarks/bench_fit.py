"""Benchmark ``LSTMClassifier.fit``/``predict`` against a hand-written PyTorch loop.

Both sides train the same module class
(:class:`sklearn_rnn.modules.SequenceClassifierModule`) with the same
hyperparameters: Adam with the same learning rate, ``CrossEntropyLoss``, the
same batch size and number of epochs, on the same data, in one process and
under the same number of torch threads (the count ``LSTMClassifier`` picks
through ``_resolve_n_threads``, or ``--n-threads``; the raw loop runs under
it with :func:`sklearn_rnn._runtime.torch_threads`). Runs are interleaved so
that slow drifts of a shared machine hit both sides alike, the median of each
side is taken and the ratio ours / raw is printed with PASS/FAIL against its
target.

The raw loop is what one would write by hand: whole tensors moved to the
device once, ``torch.randperm`` shuffling and tensor indexing of whole
tensors per batch, ``zero_grad``/``backward``/``step``, and the epoch loss
accumulated with ``loss.item()`` (as the estimator records it). Raw predict is
``module.eval()`` under ``torch.inference_mode()``, batches of the same size,
``argmax``.

Workloads
---------
1. ``fixed``: ``--n-samples`` (default 20,000) sequences x 50 steps x 8
   float32 features, label = sign of the sum of the first feature; LSTM with
   hidden size 64, batch 128, ``--epochs`` (default 5) epochs. Targets: fit
   ratio <= 1.05 (<= 1.15 with ``--device cuda``), predict ratio <= 1.10.
   Overhead only: both sides do the same arithmetic.
2. ``variable``: ``--n-var-samples`` (default 5,000) sequences of lengths
   uniform in [5, 200] x 8 features, the same model, given as a ragged list
   of arrays. ``LSTMClassifier`` trains on length-bucketed batches trimmed to
   each batch's longest sequence; the raw loop pads everything to the longest
   sequence once (a padded 3-D tensor; the lengths are passed to the module,
   so results stay exact) and trains on full-length batches. Both timings
   include turning the list into tensors. Target: fit ratio <= 0.6. The
   predict ratio is printed for information (no target).

Each repeat fits both sides (alternating which goes first), then predicts
``--predict-repeats`` times with each, interleaved. The table shows the
median times, the ratio of the medians (checked against the target) and the
range of the per-pair ratios, a measure of the noise: on a small shared
machine the runs of one side vary by several percent, so a ratio near its
target needs more repeats (or ``--n-threads 1``, which is far less sensitive
to other processes) to be conclusive.

Usage (from the repository root, with the package importable, e.g. after
``pip install -e .``; otherwise use ``python -m benchmarks.bench_fit``)::

    python benchmarks/bench_fit.py              # full run, about 4-5 minutes on 2 CPU cores
    python benchmarks/bench_fit.py --quick      # smoke run, well under a minute
    python benchmarks/bench_fit.py --n-threads 1 --repeats 5
    python benchmarks/bench_fit.py --device cuda
    python benchmarks/bench_fit.py --device cuda --n-samples 200000 --hidden-size 128 \\
        --batch-size 1024 --workloads fixed
"""

import argparse
import gc
import statistics
import time

import numpy as np
import torch
from torch import nn

from sklearn_rnn import LSTMClassifier
from sklearn_rnn._runtime import torch_threads
from sklearn_rnn.modules import SequenceClassifierModule

N_FEATURES = 8
FIXED_STEPS = 50
VAR_MIN, VAR_MAX = 5, 200
HIDDEN = 64
BATCH = 128
LR = 1e-3

TARGETS = {
    ("fixed", "fit"): 1.05,
    ("fixed", "predict"): 1.10,
    ("variable", "fit"): 0.6,
    ("variable", "predict"): None,
}


# --------------------------------------------------------------------- data
def make_fixed(n_samples, seed=0):
    """Fixed-length sequences with a learnable binary label.

    Parameters
    ----------
    n_samples : int
        Number of sequences.
    seed : int, default=0
        Seed of the data.

    Returns
    -------
    X : ndarray of shape (n_samples, 50, 8)
        float32 features.
    y : ndarray of shape (n_samples,)
        int64 labels: whether the first feature sums to a positive value.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, FIXED_STEPS, N_FEATURES), dtype=np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(np.int64)
    return X, y


def make_variable(n_samples, seed=0):
    """Variable-length sequences (lengths uniform in [5, 200]) with a binary label.

    Parameters
    ----------
    n_samples : int
        Number of sequences.
    seed : int, default=0
        Seed of the data.

    Returns
    -------
    X : list of ndarray of shape (T_i, 8)
        float32 sequences.
    y : ndarray of shape (n_samples,)
        int64 labels: whether the first feature sums to a positive value.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.integers(VAR_MIN, VAR_MAX + 1, size=n_samples)
    X = [rng.standard_normal((t, N_FEATURES), dtype=np.float32) for t in lengths]
    y = np.array([x[:, 0].sum() > 0 for x in X], dtype=np.int64)
    return X, y


def to_padded(X):
    """Pad ``X`` (a 3-D array or a list of 2-D arrays) to one tensor, with lengths.

    Parameters
    ----------
    X : ndarray of shape (n, T, F) or list of ndarray of shape (T_i, F)
        Sequences.

    Returns
    -------
    padded : torch.Tensor of shape (n, max_T, F)
        float32, zero-padded after the real steps.
    lengths : torch.Tensor of shape (n,)
        int64 lengths.
    """
    if isinstance(X, np.ndarray):
        return torch.from_numpy(X), torch.full((len(X),), X.shape[1], dtype=torch.int64)
    lengths = np.fromiter((len(x) for x in X), dtype=np.int64, count=len(X))
    padded = np.zeros((len(X), int(lengths.max()), X[0].shape[1]), dtype=np.float32)
    for i, x in enumerate(X):
        padded[i, : len(x)] = x
    return torch.from_numpy(padded), torch.from_numpy(lengths)


# ------------------------------------------------------------ the two sides
def raw_fit(X, y, *, epochs, device, seed=0):
    """Train ``SequenceClassifierModule`` with a hand-written loop.

    Parameters
    ----------
    X : ndarray or list of ndarray
        Sequences (padded to the longest one for the whole run).
    y : ndarray of shape (n_samples,)
        int64 labels.
    epochs : int
        Number of epochs.
    device : str
        Torch device.
    seed : int, default=0
        Seed of the weights and shuffling.

    Returns
    -------
    module : SequenceClassifierModule
        The trained module.
    last_loss : float
        Mean training loss of the last epoch.
    """
    torch.manual_seed(seed)
    X_t, lengths = to_padded(X)
    X_t, lengths = X_t.to(device), lengths.to(device)
    y_t = torch.from_numpy(y).to(device)
    n = len(y_t)
    module = SequenceClassifierModule(
        n_classes=2, input_size=N_FEATURES, hidden_size=HIDDEN, cell="lstm"
    ).to(device)
    optimizer = torch.optim.Adam(module.parameters(), lr=LR)
    criterion = nn.CrossEntropyLoss()
    module.train()
    last_loss = float("nan")
    for _ in range(epochs):
        perm = torch.randperm(n, device=device)
        total = 0.0
        for start in range(0, n, BATCH):
            idx = perm[start : start + BATCH]
            optimizer.zero_grad()
            loss = criterion(module(X_t[idx], lengths[idx]), y_t[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        last_loss = total / n
    return module, last_loss


def raw_predict(module, X, *, device):
    """Predict with a hand-written inference loop.

    Parameters
    ----------
    module : SequenceClassifierModule
        Trained module.
    X : ndarray or list of ndarray
        Sequences.
    device : str
        Torch device.

    Returns
    -------
    y_pred : ndarray of shape (n_samples,)
        Predicted class indices.
    """
    X_t, lengths = to_padded(X)
    X_t, lengths = X_t.to(device), lengths.to(device)
    module.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(X_t), BATCH):
            sl = slice(start, start + BATCH)
            out.append(module(X_t[sl], lengths[sl]).argmax(dim=1).cpu())
    return torch.cat(out).numpy()


def make_estimator(epochs, device, n_threads=None):
    """Return the ``LSTMClassifier`` configured like the raw loop.

    Parameters
    ----------
    epochs : int
        Number of epochs (``max_iter``).
    device : str
        Torch device.
    n_threads : int, default=None
        ``n_threads`` of the estimator (None: its own choice).

    Returns
    -------
    clf : LSTMClassifier
        Unfitted estimator.
    """
    # the raw loop's model and training: a one-way LSTM read at its last step,
    # no front-end, kernel features, scaling, dropout or clipping, a constant
    # step size and a fixed number of epochs (no convergence rule, no schedule)
    return LSTMClassifier(
        kernel_features=0,
        cell="lstm",
        bidirectional=False,
        pooling="last",
        conv_filters=(),
        dropout=0.0,
        scaling=None,
        clip_grad_norm=None,
        hidden_size=HIDDEN,
        batch_size=BATCH,
        max_iter=epochs,
        min_steps=None,
        early_stopping=False,
        learning_rate="constant",
        learning_rate_init=LR,
        device=device,
        n_threads=n_threads,
        random_state=0,
    )


# ------------------------------------------------------------------ timing
def _sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, device):
    """Run ``fn()`` and return ``(seconds, result)``.

    Parameters
    ----------
    fn : callable
        Work to time.
    device : str
        Torch device (CUDA is synchronized before and after).

    Returns
    -------
    seconds : float
        Wall-clock time.
    result : object
        What ``fn`` returned.
    """
    gc.collect()
    _sync(device)
    t0 = time.perf_counter()
    result = fn()
    _sync(device)
    return time.perf_counter() - t0, result


def summarise(name, times):
    """Median times of each side, their ratio and the range of per-pair ratios.

    Parameters
    ----------
    name : str
        Workload name.
    times : dict of (str, str) to list of float
        Seconds of each run, keyed by ``(side, op)`` with side "raw" or
        "ours" and op "fit" or "predict", in the order the pairs ran.

    Returns
    -------
    rows : list of dict
        One row per operation, as :func:`print_table` reads them.
    """
    rows = []
    for op in ("fit", "predict"):
        raw, ours = times["raw", op], times["ours", op]
        pairs = [o / r for o, r in zip(ours, raw, strict=True)]
        raw_med, ours_med = statistics.median(raw), statistics.median(ours)
        rows.append(
            dict(
                workload=name,
                op=op,
                raw=raw_med,
                ours=ours_med,
                ratio=ours_med / raw_med,
                pairs=(min(pairs), max(pairs)),
            )
        )
    return rows


def bench_workload(
    name, X, y, *, epochs, repeats, predict_repeats, device, n_threads, est_threads
):
    """Time raw and estimator fit/predict, interleaved, on one data set.

    Each repeat fits both sides (alternating which goes first), then times
    ``predict_repeats`` interleaved pairs of predictions with the two fitted
    models.

    Parameters
    ----------
    name : str
        Workload name.
    X : ndarray or list of ndarray
        Sequences.
    y : ndarray of shape (n_samples,)
        Labels.
    epochs : int
        Number of epochs.
    repeats : int
        Timed fits of each side.
    predict_repeats : int
        Timed predictions of each side per repeat.
    device : str
        Torch device.
    n_threads : int
        Torch threads used by the raw loop (the estimator's effective count).
    est_threads : int or None
        ``n_threads`` given to the estimator (None: its own choice).

    Returns
    -------
    rows : list of dict
        One row per operation: median times, their ratio and the per-pair
        ratios.
    """
    times = {(side, op): [] for side in ("raw", "ours") for op in ("fit", "predict")}
    fitted = {}

    def fit_raw():
        with torch_threads(n_threads):
            t, fitted["raw"] = timed(lambda: raw_fit(X, y, epochs=epochs, device=device), device)
        times["raw", "fit"].append(t)

    def fit_ours():
        clf = make_estimator(epochs, device, est_threads)
        t, fitted["ours"] = timed(lambda: clf.fit(X, y), device)
        times["ours", "fit"].append(t)

    def predict_raw():
        with torch_threads(n_threads):
            t, pred = timed(lambda: raw_predict(fitted["raw"][0], X, device=device), device)
        times["raw", "predict"].append(t)
        return pred

    def predict_ours():
        t, pred = timed(lambda: fitted["ours"].predict(X), device)
        times["ours", "predict"].append(t)
        return pred

    for r in range(repeats):
        fits = (fit_raw, fit_ours) if r % 2 == 0 else (fit_ours, fit_raw)
        for fit in fits:
            fit()
        for k in range(predict_repeats):
            if k % 2 == 0:
                pred_raw, pred_ours = predict_raw(), predict_ours()
            else:
                pred_ours, pred_raw = predict_ours(), predict_raw()
        print(
            f"  [{name}] repeat {r + 1}/{repeats}: "
            f"fit raw {times['raw', 'fit'][-1]:.2f}s ours {times['ours', 'fit'][-1]:.2f}s | "
            f"predict raw {times['raw', 'predict'][-1]:.3f}s "
            f"ours {times['ours', 'predict'][-1]:.3f}s",
            flush=True,
        )
    rows = summarise(name, times)
    print(
        f"  [{name}] last epoch loss / train accuracy: "
        f"raw {fitted['raw'][1]:.4f} / {np.mean(pred_raw == y):.3f}, "
        f"ours {fitted['ours'].loss_curve_[-1]:.4f} / {np.mean(pred_ours == y):.3f}",
        flush=True,
    )
    return rows


def warm_up(X, y, device, n_threads, est_threads):
    """Run both sides once on a little data so one-time costs are not timed.

    Parameters
    ----------
    X : ndarray or list of ndarray
        Sequences (a prefix is used).
    y : ndarray
        Labels.
    device : str
        Torch device.
    n_threads : int
        Torch threads of the raw loop.
    est_threads : int or None
        ``n_threads`` given to the estimator.
    """
    Xs, ys = X[: 2 * BATCH], y[: 2 * BATCH]
    with torch_threads(n_threads):
        module, _ = raw_fit(Xs, ys, epochs=1, device=device)
        raw_predict(module, Xs, device=device)
    make_estimator(1, device, est_threads).fit(Xs, ys).predict(Xs)


def print_table(rows):
    """Print the results with PASS/FAIL against the targets.

    Parameters
    ----------
    rows : list of dict
        Rows from :func:`bench_workload`.

    Returns
    -------
    n_failed : int
        Number of ratios above their target.
    """
    header = (
        f"{'workload':<10} {'op':<8} {'raw (s)':>9} {'ours (s)':>9} "
        f"{'ours/raw':>9} {'pairs min-max':>14} {'target':>8}  result"
    )
    print(header)
    print("-" * len(header))
    n_failed = 0
    for row in rows:
        pairs = "{:.3f}-{:.3f}".format(*row["pairs"])
        target = TARGETS[row["workload"], row["op"]]
        if target is None:
            target_s, result = "-", "info"
        else:
            target_s = f"<= {target:.2f}"
            result = "PASS" if row["ratio"] <= target else "FAIL"
            n_failed += result == "FAIL"
        print(
            f"{row['workload']:<10} {row['op']:<8} {row['raw']:>9.3f} {row['ours']:>9.3f} "
            f"{row['ratio']:>9.3f} {pairs:>14} {target_s:>8}  {result}"
        )
    return n_failed


def main(argv=None):
    """Parse the command line and run the benchmark.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    n_failed : int
        Number of ratios that missed their target.
    """
    global HIDDEN, BATCH  # both sides read the model size from these
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=None, help="timed runs per side (3)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument(
        "--n-samples", type=int, default=None, help="sequences of the fixed workload (20000)"
    )
    parser.add_argument(
        "--n-var-samples",
        type=int,
        default=None,
        help="sequences of the variable-length workload (5000)",
    )
    parser.add_argument(
        "--n-threads",
        type=int,
        default=None,
        help="torch threads for both sides (default: LSTMClassifier's own choice)",
    )
    parser.add_argument(
        "--predict-repeats",
        type=int,
        default=3,
        help="interleaved predictions of each side per repeat (3)",
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs, max_iter (5)")
    parser.add_argument(
        "--workloads",
        nargs="+",
        choices=["fixed", "variable"],
        default=["fixed", "variable"],
        help="workloads to run",
    )
    parser.add_argument("--hidden-size", type=int, default=HIDDEN, help="LSTM units (64)")
    parser.add_argument("--batch-size", type=int, default=BATCH, help="batch size (128)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args(argv)
    HIDDEN, BATCH = args.hidden_size, args.batch_size
    quick = dict(repeats=1, n_samples=1000, n_var_samples=500, epochs=1)
    full = dict(repeats=3, n_samples=20_000, n_var_samples=5_000, epochs=5)
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)

    device = str(torch.device(args.device))
    if device.startswith("cuda") and not torch.cuda.is_available():
        parser.error(f"--device {args.device} requested but CUDA is not available")
    if device.startswith("cuda"):
        TARGETS["fixed", "fit"] = 1.15  # the GPU target (200,000 x 50 x 8, hidden 128)
    estimator = make_estimator(args.epochs, device, args.n_threads)
    n_threads = (
        estimator._resolve_n_threads({"_n_step_features": N_FEATURES}) or torch.get_num_threads()
    )
    chosen = "--n-threads" if args.n_threads else "LSTMClassifier's choice"
    print(
        f"torch {torch.__version__}, device {device}, torch threads {n_threads} for both "
        f"sides ({chosen}; torch default here {torch.get_num_threads()}), "
        f"{args.repeats} repeat(s), median of each side"
    )
    print(
        f"LSTM hidden {HIDDEN}, batch {BATCH}, Adam lr {LR}, {args.epochs} epoch(s); "
        f"fixed: {args.n_samples} x {FIXED_STEPS} x {N_FEATURES}; variable: "
        f"{args.n_var_samples} x [{VAR_MIN}, {VAR_MAX}] x {N_FEATURES}",
        flush=True,
    )
    rows = []
    for name in args.workloads:
        if name == "fixed":
            X, y = make_fixed(args.n_samples)
        else:
            X, y = make_variable(args.n_var_samples)
        warm_up(X, y, device, n_threads, args.n_threads)
        rows += bench_workload(
            name,
            X,
            y,
            epochs=args.epochs,
            repeats=args.repeats,
            predict_repeats=args.predict_repeats,
            device=device,
            n_threads=n_threads,
            est_threads=args.n_threads,
        )
    print()
    n_failed = print_table(rows)
    if args.quick:
        print("(--quick: the sizes are too small for PASS/FAIL to be meaningful)")
    return n_failed


if __name__ == "__main__":
    main()
