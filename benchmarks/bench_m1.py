"""M1 yearly: one global ``Seq2SeqRegressor`` over 181 series against per-series models.

The 181 yearly series of the M1 forecasting competition (Makridakis et al.,
1982), 15 to 58 years long, as the ``m1_yearly_dataset.tsf`` file that the
``aeon`` wheel ships (``pip install aeon``, or the ``benchmarks`` extra of
this package). The file is read from the installed package; nothing is
downloaded, and aeon's own loader is not imported (it needs numba).

Evaluation (as in the M competitions): the last ``H = 6`` values of each
series are its test part, forecast once from the end of the rest. Each
model's error on a series is the MASE, the mean absolute error over the 6
steps divided by the mean absolute one-step change of the series' training
part (seasonality 1 for yearly data); the figure is the mean MASE over the
181 series.

Models:

- ``naive``: the last training value, repeated.
- ``damped Holt``: statsmodels ``ExponentialSmoothing`` with a damped
  additive trend, fitted on each series separately.
- ``Seq2SeqRegressor``: one model for all series, trained on the windows of
  every training part (:func:`~sklearn_rnn.preprocessing.make_windows`,
  inputs of up to ``input_length`` years, shorter ones at the start of each
  series so that the shortest series contribute) and forecasting from the
  last window of each (:func:`~sklearn_rnn.preprocessing.last_windows`).
  The series range from hundreds to millions, so the model relies on the
  estimator's per-window scaling (``SCALING``, the one line to change).

One configuration serves all series, chosen on the training parts only:
each candidate of ``CANDIDATES`` is fitted, with each seed of ``--seeds``,
on the training parts less their last 6 values and scored (mean MASE) on
forecasting those 6 values; the candidate with the lowest mean over the
seeds is refitted on the whole training parts with each seed and scored on
the test parts. The test values never take part in the choice. The figure
is the mean over seeds of the mean MASE of single fits (not of an averaged
forecast). Fit times are wall-clock on the machine at hand, one torch
thread; the time of damped Holt is that of its 181 fits.

Usage::

    python benchmarks/bench_m1.py                    # selection and 5 seeds
    python benchmarks/bench_m1.py --quick            # smoke run: few epochs, one seed
    python benchmarks/bench_m1.py --candidate 0 --seeds 0 1 2 3 4   # skip the selection
"""

import argparse
import importlib.util
import pathlib
import time
import warnings

import numpy as np

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.preprocessing import last_windows, make_windows

HORIZON = 6
# The per-window scaling of the network's inputs (and, where the estimator
# supports it, targets): the one line to change when comparing scalings.
SCALING = "auto"  # the estimator's default: "instance" for windows
# Shortest input window: the shortest M1 training parts (9 years) less the
# 6 values held out for the selection leave 3.
MIN_INPUT_LENGTH = 3
BASE = dict(
    cell="gru",
    hidden_size=32,
    batch_size=64,
    learning_rate_init=3e-3,
    clip_grad_norm=1.0,
    n_threads=1,
)
# Early stopping holds out the last windows, the most recent of every series
# (make_windows orders them so), and adapts the epochs to the number of windows.
STOPPED = dict(max_iter=60, early_stopping=True, n_iter_no_change=5)
CANDIDATES = [
    dict(input_length=6, **STOPPED),
    dict(input_length=8, **STOPPED),
    dict(input_length=12, **STOPPED),
    dict(input_length=8, max_iter=10),
    # the median (pinball loss at 0.5, an absolute error) rather than the mean:
    # the MASE scores absolute errors
    dict(input_length=6, quantiles=(0.5,), **STOPPED),
    dict(input_length=8, quantiles=(0.5,), **STOPPED),
]


def load_m1_yearly():
    """The 181 series of M1 yearly, from the ``.tsf`` file inside the aeon package."""
    spec = importlib.util.find_spec("aeon")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "bench_m1.py reads M1 yearly from the aeon package: pip install aeon "
            "(or this package's 'benchmarks' extra)."
        )
    root = pathlib.Path(next(iter(spec.submodule_search_locations)))
    path = root / "datasets" / "data" / "m1_yearly_dataset" / "m1_yearly_dataset.tsf"
    series, in_data = [], False
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.lower() == "@data":
            in_data = True
        elif in_data:
            # name:start_timestamp:v1,v2,...
            values = line.rsplit(":", 1)[1]
            series.append(np.array([float(v) for v in values.split(",")]))
    return series


def mase(train, test, forecast):
    """MASE of one series: mean |error| over the horizon / mean |one-step change|."""
    return np.mean(np.abs(test - forecast)) / np.mean(np.abs(np.diff(train)))


def mean_mase(trains, tests, forecasts):
    return float(
        np.mean([mase(a, b, f) for a, b, f in zip(trains, tests, forecasts, strict=True)])
    )


def naive(trains):
    return [np.repeat(a[-1], HORIZON) for a in trains]


def damped_holt(trains):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes on the shortest series
        for a in trains:
            fit = ExponentialSmoothing(
                a, trend="add", damped_trend=True, initialization_method="estimated"
            ).fit()
            out.append(np.asarray(fit.forecast(HORIZON)))
    return out


def network(trains, config, seed, scaling=SCALING, max_iter=None):
    """Fit one global model on the windows of ``trains``; forecast each series."""
    config = dict(config)
    input_length = config.pop("input_length")
    X, y = make_windows(trains, input_length, HORIZON, min_input_length=MIN_INPUT_LENGTH)
    params = {**BASE, **config, "scaling": scaling, "random_state": seed}
    if max_iter is not None:
        params["max_iter"] = max_iter
    reg = Seq2SeqRegressor(**params)
    start = time.perf_counter()
    reg.fit(X, y)
    seconds = time.perf_counter() - start
    X_last = last_windows(trains, input_length, min_input_length=MIN_INPUT_LENGTH)
    return list(reg.predict(X_last)), seconds, len(X), reg.n_iter_


def describe(config):
    return " ".join(f"{k}={v}" for k, v in config.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--candidate", type=int, default=None, help="use CANDIDATES[i], skip the selection"
    )
    parser.add_argument("--scaling", default=SCALING, help=f"default {SCALING!r}")
    parser.add_argument("--quick", action="store_true", help="2 epochs, one seed")
    args = parser.parse_args(argv)
    max_iter = 2 if args.quick else None
    seeds = args.seeds[:1] if args.quick else args.seeds

    series = load_m1_yearly()
    trains = [s[:-HORIZON] for s in series]
    tests = [s[-HORIZON:] for s in series]
    lengths = [len(s) for s in series]
    print(
        f"M1 yearly: {len(series)} series of {min(lengths)}-{max(lengths)} values, "
        f"horizon {HORIZON}; scaling={args.scaling!r}"
    )

    start = time.perf_counter()
    holt = damped_holt(trains)
    holt_seconds = time.perf_counter() - start
    baselines = {
        "naive": (mean_mase(trains, tests, naive(trains)), 0.0),
        "damped Holt": (mean_mase(trains, tests, holt), holt_seconds),
    }

    if args.candidate is not None:
        chosen = CANDIDATES[args.candidate]
    else:
        # selection on the training parts: their last HORIZON values are the validation
        fits = [a[:-HORIZON] for a in trains]
        held = [a[-HORIZON:] for a in trains]
        print(f"\nselection (training parts less their last {HORIZON} values; seeds {seeds}):")
        print(f"  {'candidate (with BASE)':<66} {'val MASE':>9} {'fit s':>7}")
        scores = []
        for config in CANDIDATES:
            values, seconds = [], []
            for seed in seeds:
                forecasts, fit_seconds, _, _ = network(fits, config, seed, args.scaling, max_iter)
                values.append(mean_mase(fits, held, forecasts))
                seconds.append(fit_seconds)
            scores.append(np.mean(values))
            print(f"  {describe(config):<66} {scores[-1]:9.3f} {np.mean(seconds):7.1f}")
        print(
            f"  {'(naive on the same validation)':<66} {mean_mase(fits, held, naive(fits)):9.3f}"
        )
        holt_val = mean_mase(fits, held, damped_holt(fits))
        print(f"  {'(damped Holt on the same validation)':<66} {holt_val:9.3f}")
        chosen = CANDIDATES[int(np.argmin(scores))]

    print(f"\ntest (chosen: {describe(chosen)}):")
    results, times = [], []
    for seed in seeds:
        forecasts, seconds, n_windows, epochs = network(
            trains, chosen, seed, args.scaling, max_iter
        )
        results.append(mean_mase(trains, tests, forecasts))
        times.append(seconds)
        print(
            f"  random_state={seed}: mean MASE {results[-1]:.3f} "
            f"(fit {seconds:.1f} s, {epochs} epochs on {n_windows} windows)"
        )

    print(f"\n{'model':<34} {'mean MASE':>10} {'fit s':>8}")
    label = f"Seq2SeqRegressor, {len(seeds)} seed(s)"
    spread = f" (+- {np.std(results):.3f})" if len(results) > 1 else ""
    print(f"{label:<34} {np.mean(results):10.3f} {np.mean(times):8.1f}{spread}")
    for name, (value, seconds) in baselines.items():
        print(f"{name:<34} {value:10.3f} {seconds:8.1f}")
    ratio = np.mean(results) / baselines["damped Holt"][0]
    print(f"\nratio to damped Holt: {ratio:.3f} (target <= 1)")


if __name__ == "__main__":
    main()
