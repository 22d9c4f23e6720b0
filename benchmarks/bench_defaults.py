"""Every estimator at its defaults next to the classic baseline of its task.

Usage::

    python benchmarks/bench_defaults.py --data DATA_DIR [--tasks T ...] [--seeds 0 1 2] [--quick]

Each estimator is built with its defaults and ``random_state`` only, plus
what the input requires (``embedding_dim=100`` for token ids; for the
autoencoder, the code size and the noise of the check). Each task is fitted
once per seed in ``--seeds`` and scored on its evaluation split; the tables
give every seed, the mean over seeds, and the fit time of every fit as wall
seconds and as CPU seconds of this process (``time.process_time``: on a busy
machine the wall time includes waiting for other processes).

Tasks (``--tasks``, default all):

- ``tsc``: four UCR sets in ``DATA_DIR/tsc/*.npz`` (canonical splits; two of
  them of varying length, given as lists of series). ``LSTMClassifier()``
  test accuracy per set and its mean over the sets, next to the accuracy of
  1-NN with dynamic time warping as published in the data README (not
  computed here). Target: mean at least the 1-NN DTW mean, each fit under 5
  minutes.
- ``sst2``: ``DATA_DIR/sst2/sst2_{train,dev}.csv``.
  ``make_pipeline(TokenSequenceVectorizer(), LSTMClassifier(embedding_dim=100))``
  dev accuracy next to TF-IDF (word uni- and bigrams) + ``LogisticRegression(C=10)``
  fitted in the same run. Target: at least the TF-IDF figure, each fit under 5 minutes.
- ``ewt``: UD English-EWT in ``DATA_DIR/ewt/en_ewt_{train,dev}_pos.tsv``.
  ``BiRNNTagger()`` UPOS token accuracy on dev next to the most frequent tag
  of each training word. Target: at least 95.0%, fit under 12 minutes.
- ``digits``: scikit-learn's digits as 8 steps of 8 pixels (``images / 16``,
  a stratified 75/25 split with ``random_state=0``). ``LSTMClassifier()``
  next to ``MLPClassifier()`` on the flat pixels. Target: at least 0.97, fit
  under 60 s.
- ``autoencoder``: the checks of ``bench_autoencoder.py`` that compare with
  PCA, on held-out digits: reconstruction error of
  ``AutoencoderTransformer(n_components=16)`` against ``PCA(16)``, and
  denoising (Gaussian noise 0.2) against the best number of PCA components.
  Target: a lower error than PCA in both.
- ``seq2seq``: the series of ``bench_seq2seq.py`` (statsmodels data sets and
  a synthetic one; the same plain windows, rolling origins over the last
  20%). Forecast RMSE of ``Seq2SeqRegressor()``, one fit per seed (not the
  configuration of ``bench_seq2seq.py``), next to the seasonal naive
  forecast. Target: a lower RMSE on every series.

``tsc``, ``sst2`` and ``ewt`` need ``--data`` (the folder holding ``tsc/``,
``sst2/`` and ``ewt/``) and are skipped with a message without it; the others
need no data folder (``seq2seq`` skips its statsmodels series when
statsmodels is not installed). The last table sums up every task: mean over
the seeds, the baseline, the slowest fit, the target and whether it is met
(fit-time targets are for a quiet 2-core machine).

``--quick`` only checks that the script runs: the first seed, a few hundred
samples, two epochs; its numbers mean nothing.
"""

import argparse
import os
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
import torch
from bench_autoencoder import add_noise, best_pca_denoising, load_split, mse
from bench_seq2seq import (
    SERIES,
    load_series,
    naive_forecasts,
    network_windows,
    rmse,
    split,
)
from bench_tagger import MostFrequentTag, read_tsv
from bench_text import load as load_sst2
from bench_text import tfidf_pipeline
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline

import sklearn_rnn
from sklearn_rnn import AutoencoderTransformer, BiRNNTagger, LSTMClassifier, Seq2SeqRegressor
from sklearn_rnn.metrics import flat_accuracy_score
from sklearn_rnn.preprocessing import TokenSequenceVectorizer

TSC_SETS = ("ACSF1", "OSULeaf", "PickupGestureWiimoteZ", "PLAID")
# Test accuracy of 1-NN DTW (full window) on the canonical splits, as published in the
# data README (tsc/README.md, "Reference points measured on these files"); not computed here.
DTW_PUBLISHED = {"ACSF1": 0.640, "OSULeaf": 0.591, "PickupGestureWiimoteZ": 0.700, "PLAID": 0.931}
AUTOENCODER_COMPONENTS = 16
AUTOENCODER_SIGMA = 0.2
# --quick: samples kept per split (train, evaluation) and epochs of every network
# Input windows of the forecasting task: three years of months.
SEQ2SEQ_INPUT_LENGTH = 36
QUICK_TRAIN, QUICK_TEST, QUICK_TSC, QUICK_MAX_ITER = 300, 200, 60, 2


@dataclass
class Score:
    """One figure and the fit that gave it (no times for a published figure)."""

    value: float
    wall: float | None = None
    cpu: float | None = None


@dataclass
class Case:
    """One data set of a task: the estimator's score per seed, and the baseline's.

    ``baseline`` is a dict by seed when the baseline depends on the seed, else
    one ``Score``.
    """

    name: str
    model: dict = field(default_factory=dict)
    baseline: Score | dict | None = None

    def model_mean(self):
        return float(np.mean([s.value for s in self.model.values()]))

    def baseline_mean(self):
        if isinstance(self.baseline, Score):
            return self.baseline.value
        return float(np.mean([s.value for s in self.baseline.values()]))


@dataclass
class Task:
    """A task's results and its target.

    ``rule="mean"``: the mean over the cases is compared (with ``threshold``,
    or with the baselines' mean when it is None); ``rule="every"``: each case
    is compared with its baseline. "Better" is ``>=`` when higher is better
    and ``<`` when lower is.
    """

    name: str
    description: str
    estimator: str
    baseline: str
    metric: str
    higher_is_better: bool = True
    threshold: float | None = None
    rule: str = "mean"
    time_limit: float | None = None
    target: str = ""
    digits: int = 4
    cases: list = field(default_factory=list)

    def better(self, value, reference):
        return value >= reference if self.higher_is_better else value < reference

    def slowest(self):
        fits = [s for c in self.cases for s in c.model.values()]
        return max(s.wall for s in fits), max(s.cpu for s in fits)


# ------------------------------------------------------------------ helpers
def timed_fit(model, *args):
    """Fit ``model``; return its wall and process CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def quick(estimator, quick_mode):
    """The estimator, with ``QUICK_MAX_ITER`` epochs under ``--quick``."""
    if quick_mode:
        last = estimator.steps[-1][1] if isinstance(estimator, Pipeline) else estimator
        last.set_params(max_iter=QUICK_MAX_ITER)
    return estimator


def subsample(n, size, seed=0):
    """Sorted indices of ``size`` of ``n`` samples (all of them when ``size >= n``)."""
    if size >= n:
        return np.arange(n)
    return np.sort(np.random.RandomState(seed).choice(n, size=size, replace=False))


def take(X, idx):
    """Rows ``idx`` of an array, a list or a pandas object."""
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if isinstance(X, list):
        return [X[i] for i in idx]
    return X[idx]


def data_folder(args, sub):
    """``--data``/``sub``, or None (with a message) when it is not there."""
    if args.data is None:
        print(f"[{sub}] skipped: needs --data (the folder holding {sub}/)\n", flush=True)
        return None
    path = args.data / sub
    if not path.is_dir():
        print(f"[{sub}] skipped: {path} not found\n", flush=True)
        return None
    return path


def fit_seeds(task, case, make, X, y, score, seeds):
    """Fit ``make(seed)`` on ``X, y`` for every seed; record ``score(model)``."""
    for seed in seeds:
        model = make(seed)
        wall, cpu = timed_fit(model, X, y)
        case.model[seed] = Score(score(model), wall, cpu)
        print(
            f"  {case.name} seed {seed}: {task.estimator} {case.model[seed].value:.4f} "
            f"(fit {wall:.1f} s, {cpu:.1f} s CPU)",
            flush=True,
        )


# -------------------------------------------------------------------- tasks
def load_tsc(path):
    """Train and test series and labels of one npz file (lists when lengths vary)."""
    z = np.load(path)

    def part(name):
        X = z[f"X_{name}"]
        if f"X_{name}_lengths" in z.files:
            X = np.split(X, np.cumsum(z[f"X_{name}_lengths"])[:-1])
        return X, z[f"y_{name}"]

    return (*part("train"), *part("test"))


def run_tsc(args):
    folder = data_folder(args, "tsc")
    if folder is None:
        return None
    task = Task(
        "tsc",
        "UCR time-series classification, test accuracy",
        "LSTMClassifier()",
        "1-NN DTW (published)",
        "accuracy",
        time_limit=300,
        target="mean >= 1-NN DTW mean, each fit < 300 s",
    )
    for name in TSC_SETS:
        X_train, y_train, X_test, y_test = load_tsc(folder / f"{name}.npz")
        if args.quick:
            train, test = subsample(len(y_train), QUICK_TSC), subsample(len(y_test), QUICK_TSC)
            X_train, y_train = take(X_train, train), y_train[train]
            X_test, y_test = take(X_test, test), y_test[test]
        case = Case(name, baseline=Score(DTW_PUBLISHED[name]))
        task.cases.append(case)
        print(f"[tsc] {name}: train {len(y_train)}, test {len(y_test)} series", flush=True)
        fit_seeds(
            task,
            case,
            lambda s: quick(LSTMClassifier(random_state=s), args.quick),
            X_train,
            y_train,
            lambda m, X=X_test, y=y_test: m.score(X, y),
            args.seeds,
        )
    return task


def run_sst2(args):
    folder = data_folder(args, "sst2")
    if folder is None:
        return None
    train, dev = load_sst2(folder)
    if args.quick:
        train = train.iloc[subsample(len(train), QUICK_TRAIN)]
        dev = dev.iloc[subsample(len(dev), QUICK_TEST)]
    X, y, X_dev, y_dev = train["text"], train["label"], dev["text"], dev["label"]
    print(f"[sst2] train {len(X)}, dev {len(X_dev)} sentences", flush=True)
    task = Task(
        "sst2",
        "SST-2 sentiment, dev accuracy",
        "TokenSequenceVectorizer() + LSTMClassifier(embedding_dim=100)",
        "TF-IDF (1-2 grams) + LogisticRegression(C=10)",
        "accuracy",
        time_limit=300,
        target=">= TF-IDF + LogisticRegression, each fit < 300 s",
    )
    tfidf = tfidf_pipeline()
    wall, cpu = timed_fit(tfidf, X, y)
    case = Case("SST-2", baseline=Score(tfidf.score(X_dev, y_dev), wall, cpu))
    task.cases.append(case)

    def make(seed):
        net = LSTMClassifier(embedding_dim=100, random_state=seed)
        return quick(make_pipeline(TokenSequenceVectorizer(), net), args.quick)

    fit_seeds(task, case, make, X, y, lambda m: m.score(X_dev, y_dev), args.seeds)
    return task


def run_ewt(args):
    folder = data_folder(args, "ewt")
    if folder is None:
        return None
    X, y = read_tsv(folder / "en_ewt_train_pos.tsv")
    X_dev, y_dev = read_tsv(folder / "en_ewt_dev_pos.tsv")
    if args.quick:
        X, y = map(take, (X, y), [subsample(len(X), QUICK_TRAIN)] * 2)
        X_dev, y_dev = map(take, (X_dev, y_dev), [subsample(len(X_dev), QUICK_TEST)] * 2)
    print(
        f"[ewt] train {len(X)} sentences, dev {len(X_dev)} sentences "
        f"({sum(map(len, X_dev))} tokens)",
        flush=True,
    )
    task = Task(
        "ewt",
        "UD English-EWT part-of-speech tagging (UPOS), dev token accuracy",
        "BiRNNTagger()",
        "most frequent tag per word",
        "token accuracy",
        threshold=0.95,
        time_limit=720,
        target=">= 0.950, fit < 720 s",
    )
    baseline = MostFrequentTag()
    wall, cpu = timed_fit(baseline, X, y)
    base_score = flat_accuracy_score(y_dev, baseline.predict(X_dev))
    case = Case("EWT", baseline=Score(base_score, wall, cpu))
    task.cases.append(case)
    fit_seeds(
        task,
        case,
        lambda s: quick(BiRNNTagger(random_state=s), args.quick),
        X,
        y,
        lambda m: flat_accuracy_score(y_dev, m.predict(X_dev)),
        args.seeds,
    )
    return task


def run_digits(args):
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.images / 16, digits.target, test_size=0.25, random_state=0, stratify=digits.target
    )
    if args.quick:
        X_train, y_train = X_train[:QUICK_TRAIN], y_train[:QUICK_TRAIN]
    print(f"[digits] train {len(X_train)}, test {len(X_test)} images of 8 steps", flush=True)
    task = Task(
        "digits",
        "digits as 8-step sequences, test accuracy",
        "LSTMClassifier()",
        "MLPClassifier() on flat pixels",
        "accuracy",
        threshold=0.97,
        time_limit=60,
        target=">= 0.970, fit < 60 s",
    )
    case = Case("digits", baseline={})
    task.cases.append(case)
    flat_train, flat_test = X_train.reshape(len(X_train), -1), X_test.reshape(len(X_test), -1)
    for seed in args.seeds:
        mlp = MLPClassifier(random_state=seed, max_iter=20 if args.quick else 200)
        wall, cpu = timed_fit(mlp, flat_train, y_train)
        case.baseline[seed] = Score(mlp.score(flat_test, y_test), wall, cpu)
    fit_seeds(
        task,
        case,
        lambda s: quick(LSTMClassifier(random_state=s), args.quick),
        X_train,
        y_train,
        lambda m: m.score(X_test, y_test),
        args.seeds,
    )
    return task


def run_autoencoder(args):
    X_train, X_test, _, _ = load_split()
    if args.quick:
        X_train = X_train[:QUICK_TRAIN]
    k, sigma = AUTOENCODER_COMPONENTS, AUTOENCODER_SIGMA
    print(f"[autoencoder] digits [0, 1]: train {len(X_train)}, held out {len(X_test)}", flush=True)
    task = Task(
        "autoencoder",
        "held-out digits, mean squared error (lower is better)",
        f"AutoencoderTransformer(n_components={k})",
        "PCA",
        "MSE",
        higher_is_better=False,
        rule="every",
        target="< PCA",
        digits=5,
    )
    pca = PCA(n_components=k)
    wall, cpu = timed_fit(pca, X_train)
    rebuilt = pca.inverse_transform(pca.transform(X_test))
    case = Case(f"reconstruction, {k} components", baseline=Score(mse(rebuilt, X_test), wall, cpu))
    task.cases.append(case)
    fit_seeds(
        task,
        case,
        lambda s: quick(AutoencoderTransformer(n_components=k, random_state=s), args.quick),
        X_train,
        None,
        lambda m: mse(m.inverse_transform(m.transform(X_test)), X_test),
        args.seeds,
    )
    X_noisy = add_noise(X_test, sigma)
    wall, cpu = time.perf_counter(), time.process_time()
    best_m, best_err = best_pca_denoising(X_train, X_noisy, X_test)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    case = Case(
        f"denoising sigma={sigma} (PCA: best of 1-64 components, {best_m})",
        baseline=Score(best_err, wall, cpu),
    )
    task.cases.append(case)

    def make(seed):
        ae = AutoencoderTransformer(
            n_components=k, noise="gaussian", noise_level=sigma, random_state=seed
        )
        return quick(ae, args.quick)

    fit_seeds(
        task,
        case,
        make,
        X_train,
        None,
        lambda m: mse(m.inverse_transform(m.transform(X_noisy)), X_test),
        args.seeds,
    )
    return task


def run_seq2seq(args):
    task = Task(
        "seq2seq",
        "forecast RMSE over rolling origins on the last 20% (lower is better)",
        "Seq2SeqRegressor()",
        "seasonal naive",
        "RMSE",
        higher_is_better=False,
        rule="every",
        target="< seasonal naive on every series",
    )
    for name, config in SERIES.items():
        try:
            series = load_series(name)
        except ImportError as exc:
            print(f"[seq2seq] {name} skipped: {exc}", flush=True)
            continue
        horizon, period = config["horizon"], config["period"]
        n_train, origins, truth = split(series, horizon)
        _, seasonal = naive_forecasts(series, origins, horizon, period)
        X, y, X_test = network_windows(series, n_train, origins, horizon, SEQ2SEQ_INPUT_LENGTH)
        if args.quick:
            X, y = X[:QUICK_TRAIN], y[:QUICK_TRAIN]
        print(
            f"[seq2seq] {name}: {len(X)} training windows, {len(origins)} origins, H={horizon}",
            flush=True,
        )
        case = Case(f"{name} (H={horizon})", baseline=Score(rmse(seasonal, truth)))
        task.cases.append(case)
        fit_seeds(
            task,
            case,
            lambda s: quick(Seq2SeqRegressor(random_state=s), args.quick),
            X,
            y,
            lambda m, X_test=X_test, truth=truth: rmse(m.predict(X_test), truth),
            args.seeds,
        )
    return task if task.cases else None


TASKS = {
    "tsc": run_tsc,
    "sst2": run_sst2,
    "ewt": run_ewt,
    "digits": run_digits,
    "autoencoder": run_autoencoder,
    "seq2seq": run_seq2seq,
}


# ------------------------------------------------------------------- output
def seconds(value):
    return "-" if value is None else f"{value:.1f}"


def print_task(task, seeds):
    """The markdown table of one task: every seed, then the mean, per case."""
    fmt = f"{{:.{task.digits}f}}"
    print(f"\n### {task.name}: {task.description}\n")
    print(
        f"| case | seed | {task.estimator} | fit wall s | fit CPU s "
        f"| {task.baseline} | fit wall s | fit CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for case in task.cases:
        for seed in seeds:
            s = case.model[seed]
            b = case.baseline.get(seed) if isinstance(case.baseline, dict) else None
            base = (fmt.format(b.value), seconds(b.wall), seconds(b.cpu)) if b else ("", "", "")
            print(
                f"| {case.name} | {seed} | {fmt.format(s.value)} | {seconds(s.wall)} "
                f"| {seconds(s.cpu)} | {' | '.join(base)} |"
            )
        walls = [s.wall for s in case.model.values()]
        cpus = [s.cpu for s in case.model.values()]
        if isinstance(case.baseline, Score):
            b_wall, b_cpu = seconds(case.baseline.wall), seconds(case.baseline.cpu)
        else:
            b_wall = seconds(np.mean([b.wall for b in case.baseline.values()]))
            b_cpu = seconds(np.mean([b.cpu for b in case.baseline.values()]))
        print(
            f"| {case.name} | mean | {fmt.format(case.model_mean())} | "
            f"{seconds(np.mean(walls))} | {seconds(np.mean(cpus))} | "
            f"{fmt.format(case.baseline_mean())} | {b_wall} | {b_cpu} |"
        )
    if task.rule == "mean" and len(task.cases) > 1:
        model = np.mean([c.model_mean() for c in task.cases])
        base = np.mean([c.baseline_mean() for c in task.cases])
        print(
            f"| mean of the {len(task.cases)} sets | mean | {fmt.format(model)} | | "
            f"| {fmt.format(base)} | | |"
        )


def summary_rows(task):
    """Rows of the summary table: one per task (rule "mean") or per case ("every")."""
    wall, cpu = task.slowest()
    time_ok = task.time_limit is None or wall <= task.time_limit
    if task.rule == "mean":
        groups = [(task.name if len(task.cases) == 1 else f"{task.name} (mean)", task.cases)]
    else:
        groups = [(f"{task.name}: {c.name}", [c]) for c in task.cases]
    for label, cases in groups:
        model = float(np.mean([c.model_mean() for c in cases]))
        base = float(np.mean([c.baseline_mean() for c in cases]))
        if task.rule == "every":
            score_ok = all(task.better(c.model_mean(), c.baseline_mean()) for c in cases)
        else:
            score_ok = task.better(model, base if task.threshold is None else task.threshold)
        problems = [p for p, ok in (("score", score_ok), ("fit time", time_ok)) if not ok]
        yield (
            label,
            task.estimator,
            task.metric,
            f"{model:.{task.digits}f}",
            task.baseline,
            f"{base:.{task.digits}f}",
            f"{wall:.1f} / {cpu:.1f}",
            task.target,
            "yes" if not problems else "no: " + ", ".join(problems),
        )


def print_summary(tasks, seeds):
    print(f"\n### Summary (estimators at their defaults; mean over seeds {seeds})\n")
    print(
        "| task | estimator | metric | estimator | baseline | baseline "
        "| slowest fit wall / CPU s | target | met |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for task in tasks:
        for row in summary_rows(task):
            print("| " + " | ".join(row) + " |")


def main(argv=None):
    """Parse the command line, run the tasks and print their tables.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``sys.argv[1:]`` when None).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=None, help="folder holding tsc/, sst2/ and ewt/"
    )
    parser.add_argument(
        "--tasks", nargs="+", choices=list(TASKS), default=list(TASKS), help="tasks to run"
    )
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0, 1, 2], help="random_state values (0 1 2)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: first seed, few samples, 2 epochs"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = args.seeds[:1]
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
    load = " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "-"
    print(
        f"sklearn_rnn {sklearn_rnn.__version__}, scikit-learn {sklearn.__version__}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"{os.cpu_count()} CPUs, load average {load}; seeds {args.seeds}\n",
        flush=True,
    )
    done = []
    for name in args.tasks:
        try:
            task = TASKS[name](args)
        except Exception:  # one failing task must not lose the others' results
            print(f"[{name}] failed:", flush=True)
            traceback.print_exc()
            continue
        if task is not None:
            print_task(task, args.seeds)
            print(flush=True)
            done.append(task)
    if done:
        print_summary(done, args.seeds)
    if args.quick:
        print("\n(--quick: subsampled data and 2 epochs; the numbers mean nothing)")


if __name__ == "__main__":
    main()
