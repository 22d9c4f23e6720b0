"""
Time-series classification: which shape of burst, and where the network looked
==============================================================================

Needs matplotlib: ``pip install -e ".[examples]"``.

Each series is noise on a slowly wandering level, 100 to 200 steps long, with
one short burst of a sine, square or sawtooth wave at a random place; the
class is the shape of the burst. The series are generated in the layout of
aeon and sktime (a list of ``(n_channels, n_timesteps)`` arrays, lengths
differing), so a ``Pipeline`` reads them with ``FromChannelsFirst`` before an
``LSTMClassifier`` with ``pooling="attention"``: the convolutional front-end
shortens each series by 4, the recurrent layers read it, and a learned
attention over the steps decides how much each part of the series counts in
the summary that is classified.

The script prints the test accuracy and the confusion matrix, and saves a
figure of one test series of each class with its attention weights
(``attention_weights``) next to the place of the burst, which the network
was never told. It downloads nothing and takes about 30 s on 2 CPU
cores.

Run ``python examples/time_series_classification.py [output.png]`` (default
``time_series_classification.png`` in the current directory).
"""

# %%
# The data
# --------
# ``make_series`` draws the series and also returns where each burst starts
# and ends, for the figure only: the classifier gets the series and the labels.

import sys
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import confusion_matrix
from sklearn.pipeline import make_pipeline

from sklearn_rnn import LSTMClassifier
from sklearn_rnn.preprocessing import FromChannelsFirst

RANDOM_STATE = 0
SHAPES = ("sine", "square", "sawtooth")
STRIDE = 4  # input steps per step of the recurrent layers


def burst(shape, width, period):
    """``width`` steps of a wave of the given shape and period, between -1 and 1."""
    phase = (np.arange(width) / period) % 1.0
    if shape == "sine":
        return np.sin(2 * np.pi * phase)
    if shape == "square":
        return np.where(phase < 0.5, 1.0, -1.0)
    return 2 * phase - 1  # sawtooth


def make_series(n_series, rng):
    """Series as ``(1, n_timesteps)`` arrays, their shape labels and burst positions."""
    X, y, spans = [], [], []
    for _ in range(n_series):
        shape = SHAPES[rng.randint(len(SHAPES))]
        length = rng.randint(100, 201)
        level = np.cumsum(0.05 * rng.normal(size=length))
        x = level + 0.5 * rng.normal(size=length)
        width = rng.randint(24, 41)
        start = rng.randint(0, length - width + 1)
        x[start : start + width] += rng.uniform(1, 2) * burst(shape, width, rng.uniform(8, 16))
        X.append(x[None, :].astype(np.float32))
        y.append(shape)
        spans.append((start, start + width))
    return X, np.array(y), spans


start_time = time.perf_counter()
path = sys.argv[1] if len(sys.argv) > 1 else "time_series_classification.png"
rng = np.random.RandomState(RANDOM_STATE)
X_train, y_train, _ = make_series(400, rng)
X_test, y_test, spans_test = make_series(150, rng)
print(f"{len(X_train)} training and {len(X_test)} test series of 100-200 steps, 1 channel")

# %%
# The classifier
# --------------
# ``FromChannelsFirst`` turns each ``(1, n_timesteps)`` array into the
# ``(n_timesteps, 1)`` layout of the package. ``LSTMClassifier`` keeps its
# defaults (a convolutional front-end, a bidirectional recurrent layer, each
# series standardised on its own) except for the pooling, a fixed
# ``conv_stride`` so that each attention weight covers ``STRIDE`` input steps,
# no random-kernel features (``kernel_features=0``: the network alone
# classifies, so its attention shows where the decision came from) and 20
# epochs to keep the example short.
model = make_pipeline(
    FromChannelsFirst(),
    LSTMClassifier(
        pooling="attention",
        conv_stride=STRIDE,
        kernel_features=0,
        max_iter=20,
        random_state=RANDOM_STATE,
    ),
)
model.fit(X_train, y_train)
y_pred = model.predict(X_test)
print(f"test accuracy: {np.mean(y_pred == y_test):.3f} (chance: {1 / len(SHAPES):.3f})")
print("confusion matrix (rows: true, columns: predicted):")
print(f"{'':>10}" + "".join(f"{s:>10}" for s in SHAPES))
for shape, row in zip(SHAPES, confusion_matrix(y_test, y_pred, labels=SHAPES), strict=True):
    print(f"{shape:>10}" + "".join(f"{v:>10}" for v in row))

# %%
# Where the network looked
# ------------------------
# ``attention_weights`` gives, for each series, one weight per step of the
# recurrent layers (``ceil(n_timesteps / STRIDE)`` of them, summing to one).
# Spread over the ``STRIDE`` input steps each covers, they are drawn under
# one test series of each class, with the burst shaded.
shown = [int(np.flatnonzero(y_test == shape)[0]) for shape in SHAPES]
classifier = model[-1]
weights = classifier.attention_weights(model[:-1].transform([X_test[i] for i in shown]))

fig = Figure(figsize=(10, 7))
FigureCanvasAgg(fig)  # the Agg (PNG) backend, no display needed
axes = fig.subplots(len(shown), 1, sharex=True)
for ax, i, w in zip(axes, shown, weights, strict=True):
    series = X_test[i][0]
    steps = np.arange(len(series))
    ax.plot(steps, series, color="tab:blue", lw=1)
    ax.axvspan(*spans_test[i], color="tab:orange", alpha=0.2, label="burst")
    ax.set_ylabel("value")
    ax.set_title(f"true: {y_test[i]}, predicted: {y_pred[i]}", fontsize=10)
    per_step = np.repeat(w / STRIDE, STRIDE)[: len(series)]
    twin = ax.twinx()
    twin.fill_between(steps, per_step, step="mid", color="tab:red", alpha=0.4)
    twin.set_ylim(0, None)
    twin.set_ylabel("attention", color="tab:red")
axes[0].legend(loc="upper right")
axes[-1].set_xlabel("time step")
fig.suptitle("LSTMClassifier(pooling='attention'): attention weights over test series")
fig.tight_layout()
fig.savefig(path, dpi=100)
print(f"figure saved to {path}")
print(f"total time: {time.perf_counter() - start_time:.1f} s")
