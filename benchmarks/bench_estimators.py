"""Benchmark each estimator's ``fit`` and ``predict`` against a hand-written PyTorch loop.

The companion of ``bench_fit.py`` (which covers ``LSTMClassifier``) for the
other estimators. For each workload both sides train the same module class
from :mod:`sklearn_rnn.modules` with the same settings (Adam, learning rate,
batch size, epochs, the estimator's loss), on the same data, in one process
and under the same number of torch threads; runs are interleaved, the median
of each side is taken and the ratio ours / raw is printed with PASS/FAIL
against the target (<= 1.10 for fit and predict).

The raw loop is what one would write by hand for the same model: the
preprocessing the estimator does (standardising inputs and targets for
``Seq2SeqRegressor``), whole tensors moved to the device once,
``torch.randperm`` shuffling and tensor indexing per batch,
``zero_grad``/``backward``/``step`` and the epoch loss accumulated with
``loss.item()``. Raw inference is ``module.eval()`` under
``torch.inference_mode()`` in batches of the same size, with the same
post-processing (targets back on their scale).

Workloads (``--workloads``), each on ``--n-samples`` (default 20,000)
sequences x 50 steps x 8 float32 features, hidden size 64, batch 128:

- ``aligned``: ``Seq2SeqRegressor(mode="aligned")``, one target per step
  (:class:`~sklearn_rnn.modules.AlignedSeq2SeqModule`).
- ``encoder_decoder``: ``Seq2SeqRegressor()`` with a horizon of 10 steps and
  teacher forcing 0.5 (:class:`~sklearn_rnn.modules.EncoderDecoderModule`).
- ``autoencoder``: ``AutoencoderTransformer`` on sequences, 8 components
  (:class:`~sklearn_rnn.modules.RecurrentAutoencoderModule`); predict is
  ``transform``.
- ``seq2seq_classifier``: ``Seq2SeqClassifier`` writing 10 tokens (the signs
  of the fourth feature's running sum at the last 10 steps), unidirectional,
  general attention, no dropout or clipping
  (:class:`~sklearn_rnn.modules.TokenSeq2SeqModule`, cross-entropy over the
  10 tokens and the end token); predict is greedy decoding of up to 22
  tokens, returning token arrays on our side.
- ``tagger``: ``BiRNNTagger`` on numeric sequences, one of 2 labels per step,
  one bidirectional layer, no dropout or clipping
  (:class:`~sklearn_rnn.modules.SequenceTaggerModule`, cross-entropy over all
  steps); predict returns the labels (a list of arrays on our side).

Usage (from the repository root, with the package importable)::

    python benchmarks/bench_estimators.py              # about 10 minutes on 2 CPU cores
    python benchmarks/bench_estimators.py --quick      # smoke run
    python benchmarks/bench_estimators.py --workloads aligned --repeats 5
    python benchmarks/bench_estimators.py --device cuda --n-samples 200000
"""

import argparse

try:
    from bench_fit import summarise, timed
except ImportError:  # run as ``python -m benchmarks.bench_estimators``
    from benchmarks.bench_fit import summarise, timed
import numpy as np
import torch
from torch import nn

from sklearn_rnn import AutoencoderTransformer, BiRNNTagger, Seq2SeqClassifier, Seq2SeqRegressor
from sklearn_rnn._runtime import torch_threads
from sklearn_rnn.modules import (
    AlignedSeq2SeqModule,
    EncoderDecoderModule,
    RecurrentAutoencoderModule,
    SequenceTaggerModule,
    TokenSeq2SeqModule,
)

N_STEPS, N_FEATURES, HIDDEN, BATCH, LR = 50, 8, 64, 128, 1e-3
HORIZON, N_COMPONENTS = 10, 8
TARGET = 1.10


# --------------------------------------------------------------------- data
def make_data(n_samples, seed=0):
    """Sequences and their per-step and horizon targets.

    Returns
    -------
    X : ndarray of shape (n_samples, 50, 8)
        float32 features.
    y_steps : ndarray of shape (n_samples, 50)
        Running mean of the first feature (aligned targets).
    y_horizon : ndarray of shape (n_samples, 10)
        Mean of the last 1..10 steps of the second feature (a horizon).
    tags : ndarray of shape (n_samples, 50)
        One label per step: whether the running sum of the third feature is positive.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, N_STEPS, N_FEATURES), dtype=np.float32)
    steps = np.arange(1, N_STEPS + 1, dtype=np.float32)
    y_steps = 10 + 3 * np.cumsum(X[:, :, 0], axis=1) / steps
    y_horizon = np.cumsum(X[:, ::-1, 1], axis=1)[:, :HORIZON] / steps[:HORIZON]
    tags = (np.cumsum(X[:, :, 2], axis=1) > 0).astype(np.int64)
    tokens = (np.cumsum(X[:, :, 3], axis=1) > 0)[:, -HORIZON:].astype(np.int64)
    return X, y_steps.astype(np.float32), (5 + y_horizon).astype(np.float32), tags, tokens


def _standardise(a):
    """Per-feature standardisation over samples and steps; returns (a, mean, scale)."""
    mean = a.mean((0, 1))
    scale = a.std((0, 1))
    return (a - mean) / scale, mean, scale


# ------------------------------------------------------------ the workloads
def _seq2seq_spec(mode):
    def estimator(epochs, device, n_threads):
        return Seq2SeqRegressor(
            mode=mode,
            hidden_size=HIDDEN,
            batch_size=BATCH,
            max_iter=epochs,
            learning_rate_init=LR,
            # per feature, as the raw side's ``prepare`` standardises
            scaling="standard",
            device=device,
            n_threads=n_threads,
            random_state=0,
        )

    def module():
        if mode == "aligned":
            return AlignedSeq2SeqModule(n_outputs=1, input_size=N_FEATURES, hidden_size=HIDDEN)
        return EncoderDecoderModule(
            n_outputs=1, horizon=HORIZON, input_size=N_FEATURES, hidden_size=HIDDEN
        )

    def prepare(X, y):
        X_t, x_mean, x_scale = _standardise(torch.from_numpy(X))
        y_t, y_mean, y_scale = _standardise(torch.from_numpy(y)[:, :, None])
        return X_t, y_t, (x_mean, x_scale, y_mean, y_scale)

    def inputs(X, extra):
        return (torch.from_numpy(X) - extra[0]) / extra[1]

    def post(out, extra):
        return (out * extra[3] + extra[2])[:, :, 0]

    return dict(
        estimator=estimator,
        module=module,
        prepare=prepare,
        inputs=inputs,
        post=post,
        target=(lambda d: d[1]) if mode == "aligned" else (lambda d: d[2]),
        takes_targets=mode != "aligned",
        infer=lambda module: module,
        ours_predict=lambda est, X: est.predict(X),
    )


def _autoencoder_spec():
    def estimator(epochs, device, n_threads):
        return AutoencoderTransformer(
            n_components=N_COMPONENTS,
            hidden_size=HIDDEN,
            batch_size=BATCH,
            max_iter=epochs,
            learning_rate_init=LR,
            device=device,
            n_threads=n_threads,
            random_state=0,
        )

    return dict(
        estimator=estimator,
        module=lambda: RecurrentAutoencoderModule(
            input_size=N_FEATURES, n_components=N_COMPONENTS, hidden_size=HIDDEN
        ),
        prepare=lambda X, y: (torch.from_numpy(X), torch.from_numpy(X), None),
        inputs=lambda X, extra: torch.from_numpy(X),
        post=lambda out, extra: out,
        target=lambda d: None,
        takes_targets=False,
        infer=lambda module: module.encode,
        ours_predict=lambda est, X: est.transform(X),
    )


def _tagger_spec():
    def estimator(epochs, device, n_threads):
        return BiRNNTagger(
            hidden_size=HIDDEN,
            num_layers=1,
            dropout=0.0,
            word_dropout=0.0,
            clip_grad_norm=None,
            batch_size=BATCH,
            max_iter=epochs,
            learning_rate_init=LR,
            device=device,
            n_threads=n_threads,
            random_state=0,
        )

    def module():
        return SequenceTaggerModule(
            n_classes=2, input_size=N_FEATURES, hidden_size=HIDDEN, bidirectional=True
        )

    return dict(
        estimator=estimator,
        module=module,
        prepare=lambda X, y: (torch.from_numpy(X), torch.from_numpy(y), None),
        inputs=lambda X, extra: torch.from_numpy(X),
        post=lambda out, extra: out.argmax(dim=2),
        target=lambda d: d[3],
        takes_targets=False,
        infer=lambda module: module,
        ours_predict=lambda est, X: est.predict(X),
        criterion=lambda: nn.CrossEntropyLoss(),
        loss_input=lambda out: out.transpose(1, 2),
    )


def _seq2seq_classifier_spec():
    max_length = 2 * HORIZON + 2  # the estimator's default max_output_length

    def estimator(epochs, device, n_threads):
        return Seq2SeqClassifier(
            hidden_size=HIDDEN,
            bidirectional=False,
            dropout=0.0,
            clip_grad_norm=None,
            batch_size=BATCH,
            max_iter=epochs,
            learning_rate_init=LR,
            device=device,
            n_threads=n_threads,
            random_state=0,
        )

    def module():
        m = TokenSeq2SeqModule(
            n_tokens=4, input_size=N_FEATURES, hidden_size=HIDDEN, output_embedding_dim=64
        )
        m.max_output_length = max_length
        return m

    def prepare(X, y):
        ids = torch.from_numpy(y) + 2  # output ids: 0 start, 1 end, tokens from 2
        ids = torch.cat([ids, torch.ones((len(ids), 1), dtype=torch.int64)], dim=1)
        return torch.from_numpy(X), ids, None

    def decode(module):
        def fn(X, lengths):
            out = module.decode(X, lengths)
            pad = out.new_zeros((len(out), max_length - out.shape[1], 2))
            return torch.cat([out, pad], dim=1)

        return fn

    return dict(
        estimator=estimator,
        module=module,
        prepare=prepare,
        inputs=lambda X, extra: torch.from_numpy(X),
        post=lambda out, extra: out[:, :, 0].long(),
        target=lambda d: d[4],
        takes_targets=True,
        infer=decode,
        ours_predict=lambda est, X: est.predict(X),
        criterion=lambda: nn.CrossEntropyLoss(),
        loss_input=lambda out: out.transpose(1, 2),
    )


WORKLOADS = {
    "aligned": _seq2seq_spec("aligned"),
    "encoder_decoder": _seq2seq_spec("encoder_decoder"),
    "autoencoder": _autoencoder_spec(),
    "tagger": _tagger_spec(),
    "seq2seq_classifier": _seq2seq_classifier_spec(),
}


# ------------------------------------------------------------ the raw sides
def raw_fit(spec, X, y, *, epochs, device, seed=0):
    """Train the workload's module with a hand-written loop.

    Returns
    -------
    module : torch.nn.Module
        The trained module.
    extra : object
        What inference needs from the preprocessing (target scaling).
    """
    torch.manual_seed(seed)
    X_t, y_t, extra = spec["prepare"](X, y)
    X_t, y_t = X_t.to(device), y_t.to(device)
    lengths = torch.full((len(X_t),), X_t.shape[1], dtype=torch.int64, device=device)
    module = spec["module"]().to(device)
    optimizer = torch.optim.Adam(module.parameters(), lr=LR)
    criterion = spec.get("criterion", nn.MSELoss)()
    loss_input = spec.get("loss_input", lambda out: out)
    module.train()
    n = len(X_t)
    for _ in range(epochs):
        perm = torch.randperm(n, device=device)
        total = 0.0
        for start in range(0, n, BATCH):
            idx = perm[start : start + BATCH]
            optimizer.zero_grad()
            targets = dict(y=y_t[idx]) if spec["takes_targets"] else {}
            out = module(X_t[idx], lengths[idx], **targets)
            loss = criterion(loss_input(out), y_t[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
    return module, extra


def raw_predict(spec, fitted, X, *, device):
    """Run the trained module over ``X`` in batches, like a hand-written inference loop."""
    module, extra = fitted
    fn = spec["infer"](module)
    X_t = spec["inputs"](X, extra).to(device)
    lengths = torch.full((len(X_t),), X_t.shape[1], dtype=torch.int64, device=device)
    module.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(X_t), BATCH):
            sl = slice(start, start + BATCH)
            out.append(fn(X_t[sl], lengths[sl]).cpu())
    return spec["post"](torch.cat(out), extra).numpy()


# ------------------------------------------------------------------ timing
def bench_workload(name, data, *, epochs, repeats, predict_repeats, device, n_threads):
    """Time raw and estimator fit/predict of one workload, interleaved.

    Returns
    -------
    rows : list of dict
        Per operation: median times, their ratio and the range of per-pair ratios.
    """
    spec = WORKLOADS[name]
    X, y = data[0], spec["target"](data)
    times = {(side, op): [] for side in ("raw", "ours") for op in ("fit", "predict")}
    fitted = {}

    def fit_raw():
        with torch_threads(n_threads):
            t, fitted["raw"] = timed(
                lambda: raw_fit(spec, X, y, epochs=epochs, device=device), device
            )
        times["raw", "fit"].append(t)

    def fit_ours():
        est = spec["estimator"](epochs, device, n_threads)
        t, fitted["ours"] = timed(lambda: est.fit(X, y), device)
        times["ours", "fit"].append(t)

    def predict_raw():
        with torch_threads(n_threads):
            t, out = timed(lambda: raw_predict(spec, fitted["raw"], X, device=device), device)
        times["raw", "predict"].append(t)
        return out

    def predict_ours():
        t, out = timed(lambda: spec["ours_predict"](fitted["ours"], X), device)
        times["ours", "predict"].append(t)
        return out

    predictors = {"raw": predict_raw, "ours": predict_ours}

    # warm-up: one-time costs (lazy imports, first optimiser step) are not timed
    small = (X[: 2 * BATCH], None if y is None else y[: 2 * BATCH])
    with torch_threads(n_threads):
        raw_predict(spec, raw_fit(spec, *small, epochs=1, device=device), small[0], device=device)
    spec["ours_predict"](spec["estimator"](1, device, n_threads).fit(*small), small[0])

    for r in range(repeats):
        for fit in (fit_raw, fit_ours) if r % 2 == 0 else (fit_ours, fit_raw):
            fit()
        for k in range(predict_repeats):
            order = ("raw", "ours") if k % 2 == 0 else ("ours", "raw")
            outputs = {side: predictors[side]() for side in order}
        print(
            f"  [{name}] repeat {r + 1}/{repeats}: fit raw {times['raw', 'fit'][-1]:.2f}s "
            f"ours {times['ours', 'fit'][-1]:.2f}s | predict raw "
            f"{times['raw', 'predict'][-1]:.3f}s ours {times['ours', 'predict'][-1]:.3f}s",
            flush=True,
        )
    raw_shape, ours_shape = np.shape(outputs["raw"]), np.shape(outputs["ours"])
    print(f"  [{name}] output shape raw {raw_shape}, ours {ours_shape}", flush=True)
    return summarise(name, times)


def print_table(rows):
    """Print the ratios with PASS/FAIL against the target; return the number failed."""
    print(
        f"{'workload':<16} {'op':<8} {'raw (s)':>9} {'ours (s)':>9} {'ours/raw':>9} "
        f"{'pairs min-max':>14} {'target':>8}  result"
    )
    n_failed = 0
    for row in rows:
        result = "PASS" if row["ratio"] <= TARGET else "FAIL"
        n_failed += result == "FAIL"
        pairs = f"{row['pairs'][0]:.3f}-{row['pairs'][1]:.3f}"
        print(
            f"{row['workload']:<16} {row['op']:<8} {row['raw']:>9.3f} {row['ours']:>9.3f} "
            f"{row['ratio']:>9.3f} {pairs:>14} {'<= ' + str(TARGET):>8}  {result}"
        )
    return n_failed


def main(argv=None):
    """Parse the command line and run the benchmark; return the number of failed ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS), default=None)
    parser.add_argument("--repeats", type=int, default=None, help="timed fits per side (3)")
    parser.add_argument(
        "--predict-repeats", type=int, default=3, help="timed predictions per side and repeat"
    )
    parser.add_argument("--epochs", type=int, default=None, help="epochs, max_iter (2)")
    parser.add_argument("--n-samples", type=int, default=None, help="sequences (20000)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument(
        "--n-threads", type=int, default=None, help="torch threads (default: torch's own)"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args(argv)
    defaults = dict(repeats=1, epochs=1, n_samples=1000) if args.quick else {}
    defaults = {**dict(repeats=3, epochs=2, n_samples=20_000), **defaults}
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    device = str(torch.device(args.device))
    if device.startswith("cuda") and not torch.cuda.is_available():
        parser.error(f"--device {args.device} requested but CUDA is not available")
    n_threads = args.n_threads or torch.get_num_threads()
    print(
        f"torch {torch.__version__}, device {device}, {n_threads} torch thread(s) for both "
        f"sides, {args.n_samples} x {N_STEPS} x {N_FEATURES}, hidden {HIDDEN}, batch {BATCH}, "
        f"{args.epochs} epoch(s), {args.repeats} repeat(s), median of each side",
        flush=True,
    )
    data = make_data(args.n_samples)
    rows = []
    for name in args.workloads or list(WORKLOADS):
        rows += bench_workload(
            name,
            data,
            epochs=args.epochs,
            repeats=args.repeats,
            predict_repeats=args.predict_repeats,
            device=device,
            n_threads=n_threads,
        )
    print()
    n_failed = print_table(rows)
    if args.quick:
        print("(--quick: the sizes are too small for PASS/FAIL to be meaningful)")
    return n_failed


if __name__ == "__main__":
    main()
