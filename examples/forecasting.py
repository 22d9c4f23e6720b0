"""
Forecast 12 months of Mauna Loa CO2 with an encoder-decoder Seq2SeqRegressor
============================================================================

Needs statsmodels and matplotlib: ``pip install -e ".[examples]"``.
statsmodels ships the data set (weekly CO2 concentrations in ppm, 1958-2001,
from the Scripps Institution of Oceanography; averaged here to 526 months,
gaps interpolated); nothing is downloaded.

A recurrent encoder-decoder reads 36 months and forecasts the 10%, 50%
and 90% quantiles of the next 12: its median is compared with the
last-value and seasonal-naive baselines on the last 20% of the series, and
the 10-90% interval is checked against the share of true values it covers.

Usage::

    python examples/forecasting.py [forecast.png]    # about 30 s on 2 CPU cores
"""

# %%
# The data
# --------
# Monthly means of the weekly series; the first 80% of the months train the
# model.

import sys

import matplotlib
import numpy as np
import statsmodels.api as sm

from sklearn_rnn import Seq2SeqRegressor
from sklearn_rnn.metrics import interval_coverage, per_horizon_errors
from sklearn_rnn.preprocessing import make_windows

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

INPUT_LENGTH, HORIZON, PERIOD = 36, 12, 12


png = sys.argv[1] if len(sys.argv) > 1 else "forecast.png"
co2 = sm.datasets.co2.load_pandas().data["co2"].resample("MS").mean().interpolate()
series, dates = co2.to_numpy(), co2.index
n_train = int(0.8 * len(series))

# %%
# Training windows
# ----------------
# ``make_windows`` cuts the training part into 36-month inputs and the 12
# months that follow each. The series keeps rising beyond any level seen in
# training; ``scaling="last"`` gives every window and its targets relative
# to the window's last value inside the model, which forecasts the change
# from the last month and adds the level back to its predictions.
# With ``quantiles`` the model is trained on the pinball loss of each level
# instead of the squared error, and ``predict`` returns the median.
# Without teacher forcing the decoder trains on its own forecasts, so the
# intervals of later months widen as the uncertainty of a 12-month forecast
# does; early stopping waits 25 epochs, as the pinball loss of three levels
# improves more slowly than the squared error.

X, y = make_windows(series[:n_train], input_length=INPUT_LENGTH, horizon=HORIZON)
model = Seq2SeqRegressor(
    quantiles=(0.1, 0.5, 0.9),
    teacher_forcing_ratio=0.0,
    scaling="last",
    cell="gru",
    hidden_size=32,
    max_iter=100,
    batch_size=32,
    learning_rate_init=5e-3,
    early_stopping=True,
    n_iter_no_change=25,
    n_threads=1,
    random_state=0,
)
model.fit(X, y)
print(f"{len(X)} training windows, {model.n_iter_} epochs")

# %%
# Forecasts from rolling origins
# ------------------------------
# Every month of the last 20% that leaves 12 months after it is a forecast
# origin: the model reads the 36 months before it and forecasts the next 12.
# The RMSE over all origins is compared with the last-value and
# seasonal-naive (same month last year) baselines.

origins = np.arange(n_train, len(series) - HORIZON + 1)
X_test = np.stack([series[o - INPUT_LENGTH : o] for o in origins])[:, :, None]
truth = np.stack([series[o : o + HORIZON] for o in origins])
forecasts = {
    "Seq2SeqRegressor": model.predict(X_test),
    "seasonal naive": series[origins[:, None] - PERIOD + np.arange(HORIZON)[None, :]],
    "last value": np.repeat(series[origins - 1][:, None], HORIZON, axis=1),
}
print(f"{len(origins)} forecast origins, {HORIZON} months ahead; RMSE (ppm):")
for name, pred in forecasts.items():
    rmse = np.sqrt(np.mean((pred - truth) ** 2))
    per_h = per_horizon_errors(truth, pred)
    print(f"  {name:<17} {rmse:6.3f}   (1 month ahead {per_h[0]:.3f}, 12: {per_h[-1]:.3f})")

# %%
# Prediction intervals
# --------------------
# ``predict_quantiles`` gives the three levels of every step; the 10-90%
# interval should hold about 80% of the true values, pooled over all origins
# and steps ahead.

bands = model.predict_quantiles(X_test)
coverage = interval_coverage(truth, bands[..., 0], bands[..., 2])
print(f"10-90% interval: covers {coverage:.0%} of the test values (nominal 80%)")

# %%
# The forecast from the last origin
# ---------------------------------
# Plotted with the history, the truth and the 10-90% interval as a band.

o = origins[-1]
future = dates[o : o + HORIZON]
fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(dates[o - 96 : o], series[o - 96 : o], color="black", label="history")
ax.plot(future, truth[-1], color="black", linestyle="--", label="truth")
styles = {"Seq2SeqRegressor": "tab:red", "seasonal naive": "tab:blue", "last value": "0.6"}
ax.fill_between(
    future, bands[-1, :, 0], bands[-1, :, 2], color="tab:red", alpha=0.2, label="10-90% interval"
)
for name, color in styles.items():
    ax.plot(future, forecasts[name][-1], color=color, marker=".", label=name)
ax.axvline(dates[n_train], color="0.8", linestyle=":", label="end of training data")
ax.set_ylabel("CO2 (ppm)")
ax.set_title("Mauna Loa CO2: 12-month forecast from the last origin")
ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
fig.savefig(png, dpi=100)
print(f"plot saved to {png}")
