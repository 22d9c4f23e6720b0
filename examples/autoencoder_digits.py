"""
Autoencoders on handwritten digits: denoising and a 2-D embedding, next to PCA
==============================================================================

Needs matplotlib: ``pip install -e ".[examples]"``.

scikit-learn's ``load_digits`` images (8x8 pixels) are scaled to [0, 1] and
split into training and held-out images. Two ``AutoencoderTransformer``
models are fitted on the training images:

1. a denoising autoencoder (16 components, trained with Gaussian noise of
   standard deviation 0.2) cleans noisy held-out digits; PCA with 16
   components does the same by projection;
2. an autoencoder with 2 components gives a 2-D embedding of the held-out
   digits, drawn next to the 2-D PCA projection.

The figure shows rows of noisy, autoencoder-denoised, PCA-denoised and clean
digits, the two embeddings coloured by class, and the learning curves (training
loss per epoch) of both autoencoders. The script prints the errors; it takes
well under a minute on 2 CPU cores.

Run ``python examples/autoencoder_digits.py [output.png]`` (default
``autoencoder_digits.png`` in the current directory).
"""

# %%
# The data
# --------
# The 8x8 digit images are scaled to [0, 1] and split into training and
# held-out images; the held-out ones also get Gaussian noise of standard
# deviation ``SIGMA``.

import sys
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sklearn_rnn import AutoencoderTransformer
from sklearn_rnn.plotting import plot_learning_curve

RANDOM_STATE = 0
SIGMA = 0.2
N_SHOWN = 10


def mse(a, b):
    """Mean squared difference."""
    return float(np.mean((np.asarray(a, dtype=np.float64) - b) ** 2))


start = time.perf_counter()
path = sys.argv[1] if len(sys.argv) > 1 else "autoencoder_digits.png"
X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=RANDOM_STATE
)
rng = np.random.RandomState(RANDOM_STATE)
X_noisy = (X_test + SIGMA * rng.normal(size=X_test.shape)).astype(np.float32)

# %%
# Denoising
# ---------
# A denoising autoencoder with 16 components is trained on noisy inputs to
# rebuild the clean ones. PCA with 16 components denoises by projection:
# both are scored by their mean squared error to the clean held-out digits.
dae = AutoencoderTransformer(
    n_components=16,
    hidden_layer_sizes=(128,),
    noise="gaussian",
    noise_level=SIGMA,
    max_iter=150,
    learning_rate_init=3e-3,
    n_threads=1,
    random_state=RANDOM_STATE,
).fit(X_train)
denoised = dae.inverse_transform(dae.transform(X_noisy))
pca16 = PCA(n_components=16, random_state=RANDOM_STATE).fit(X_train)
pca_denoised = pca16.inverse_transform(pca16.transform(X_noisy))
print(f"held-out digits, Gaussian noise sigma={SIGMA}; mean squared error to clean:")
print(f"  noisy input                      {mse(X_noisy, X_test):.5f}")
print(f"  PCA(16) projection               {mse(pca_denoised, X_test):.5f}")
print(f"  denoising autoencoder (16 codes) {mse(denoised, X_test):.5f}")
print(f"reconstruction error of the clean digits: {-dae.score(X_test):.5f}\n")

# %%
# A 2-D embedding
# ---------------
# An autoencoder with 2 components gives a 2-D embedding of the digits, next
# to the 2-D PCA projection. A ``LogisticRegression`` on the two codes shows
# how much of the class each embedding keeps.
ae2 = AutoencoderTransformer(
    n_components=2,
    hidden_layer_sizes=(128, 32),
    max_iter=150,
    learning_rate_init=3e-3,
    n_threads=1,
    random_state=RANDOM_STATE,
).fit(X_train)
pca2 = PCA(n_components=2, random_state=RANDOM_STATE).fit(X_train)
embeddings = {"autoencoder": ae2, "PCA": pca2}
print("2-D embeddings of the held-out digits:")
for name, model in embeddings.items():
    codes_train, codes_test = model.transform(X_train), model.transform(X_test)
    logreg = LogisticRegression(max_iter=1000).fit(codes_train, y_train)
    rebuilt = model.inverse_transform(codes_test)
    print(
        f"  {name:<12} LogisticRegression accuracy {logreg.score(codes_test, y_test):.3f}"
        f"   reconstruction MSE {mse(rebuilt, X_test):.5f}"
    )

# %%
# The figure
# ----------
# Rows of noisy, autoencoder-denoised, PCA-denoised and clean digits, the two
# embeddings coloured by class, and the learning curves (training loss per
# epoch) of both autoencoders.

fig = Figure(figsize=(12, 10.5))
FigureCanvasAgg(fig)  # the Agg (PNG) backend, no display needed
grid = fig.add_gridspec(3, 2, height_ratios=[1.4, 1.5, 1.0], hspace=0.35)
rows = [
    ("noisy", X_noisy),
    ("autoencoder", denoised),
    ("PCA(16)", pca_denoised),
    ("clean", X_test),
]
shown = [int(np.flatnonzero(y_test == d)[0]) for d in range(N_SHOWN)]
sub = grid[0, :].subgridspec(len(rows), N_SHOWN, wspace=0.05, hspace=0.05)
for r, (label, images) in enumerate(rows):
    for c, i in enumerate(shown):
        ax = fig.add_subplot(sub[r, c])
        ax.imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if c == 0:
            ax.set_ylabel(label, rotation=0, ha="right", va="center")
embedding_axes = []
for col, (name, model) in enumerate(embeddings.items()):
    ax = fig.add_subplot(grid[1, col])
    codes = model.transform(X_test)
    points = ax.scatter(codes[:, 0], codes[:, 1], c=y_test, cmap="tab10", s=10)
    ax.set_title(f"2-D {name} embedding of held-out digits")
    embedding_axes.append(ax)
fig.colorbar(points, ax=embedding_axes, ticks=range(10), label="digit")
ax = fig.add_subplot(grid[2, :])
plot_learning_curve(dae, ax=ax, label="denoising autoencoder, 16 codes")
plot_learning_curve(ae2, ax=ax, label="autoencoder, 2 codes")
ax.set_yscale("log")
ax.set_ylabel("training loss (MSE)")
ax.set_title("learning curves")
fig.savefig(path, dpi=100, bbox_inches="tight")
print(f"figure saved to {path}")
print(f"total time: {time.perf_counter() - start:.1f} s")
