"""Quantile forecasts of ``Seq2SeqRegressor``: interval coverage and the median's RMSE.

Requires statsmodels (a development dependency), whose bundled data sets
are used; nothing is downloaded.

For each series, the windows, training part and forecast origins of
``bench_seq2seq.py`` (horizon 12; the last 20% of the series holds the
origins) and its network settings train two models per seed: the point
model (squared error) and the same model with
``quantiles=(0.1, 0.5, 0.9)`` (pinball loss). Printed per seed and on
average over the seeds:

- the coverage of the 10-90% interval on the test values, pooled over all
  origins and steps (nominal 0.80; target 0.70-0.90);
- the RMSE of the 0.5 quantile against the point model's RMSE (target:
  ratio <= 1.05);
- the mean pinball loss of the quantile model.

Usage::

    python benchmarks/bench_quantiles.py                  # 3 seeds, co2 and elnino
    python benchmarks/bench_quantiles.py --series elnino --seeds 1
    python benchmarks/bench_quantiles.py --quick          # smoke run
"""

import argparse
import time

import numpy as np
import torch
from bench_seq2seq import COMMON, SERIES, load_series, network_windows, rmse, split

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.metrics import interval_coverage, mean_pinball_loss

QUANTILES = (0.1, 0.5, 0.9)


def fit_pair(config, X, y, seed):
    """Fit the point model and the quantile model with the same settings and seed.

    Returns
    -------
    point, quantile : Seq2SeqRegressor
        The fitted models.
    """
    params = {**config["params"], **COMMON, "random_state": seed}
    point = Seq2SeqRegressor(**params).fit(X, y)
    quantile = Seq2SeqRegressor(**params, quantiles=QUANTILES).fit(X, y)
    return point, quantile


def run_series(name, seeds):
    """Print the figures of one series.

    Returns
    -------
    rows : list of dict
        Per seed: coverage, RMSE of the point model and of the median, their
        ratio and the pinball loss.
    """
    config = SERIES[name]
    series = load_series(name)
    n_train, origins, truth = split(series, config["horizon"])
    X, y, X_test, offset_test = network_windows(series, n_train, origins, config)
    print(f"\n[{name}] {len(origins)} origins, H={config['horizon']}, {config['params']}")
    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        point, model = fit_pair(config, X, y, seed)
        point_pred = point.predict(X_test) + offset_test
        q = model.predict_quantiles(X_test) + np.asarray(offset_test)[..., None]
        row = dict(
            seed=seed,
            coverage=interval_coverage(truth, q[..., 0], q[..., -1]),
            rmse_point=rmse(point_pred, truth),
            rmse_median=rmse(q[..., QUANTILES.index(0.5)], truth),
            pinball=mean_pinball_loss(truth, q, quantiles=QUANTILES),
        )
        row["ratio"] = row["rmse_median"] / row["rmse_point"]
        rows.append(row)
        print(
            f"  seed {seed}: coverage {row['coverage']:.3f}  RMSE point "
            f"{row['rmse_point']:.4f}  median {row['rmse_median']:.4f}  ratio "
            f"{row['ratio']:.3f}  pinball {row['pinball']:.4f}  "
            f"({time.perf_counter() - t0:.0f}s)",
            flush=True,
        )
    coverage = np.mean([r["coverage"] for r in rows])
    ratio = np.mean([r["rmse_median"] for r in rows]) / np.mean([r["rmse_point"] for r in rows])
    print(
        f"  mean: coverage {coverage:.3f} (target 0.70-0.90) -> "
        + ("PASS" if 0.70 <= coverage <= 0.90 else "FAIL")
        + f"; median/point RMSE {ratio:.3f} (target <= 1.05) -> "
        + ("PASS" if ratio <= 1.05 else "FAIL")
    )
    return rows


def main(argv=None):
    """Parse the command line and run the benchmark.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (``sys.argv[1:]`` when None).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--series", nargs="+", choices=["co2", "elnino"], default=["co2", "elnino"]
    )
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 to N-1 (3)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 seed, few epochs")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.quick:
        for config in SERIES.values():
            config["params"] = {**config["params"], "max_iter": 3}
        args.seeds = 1
    print(f"torch {torch.__version__}, 1 torch thread, quantiles {QUANTILES}")
    for name in args.series:
        run_series(name, range(args.seeds))
    if args.quick:
        print("(--quick: too few epochs for the numbers to mean anything)")


if __name__ == "__main__":
    main()
