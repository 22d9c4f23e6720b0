"""
Quick start: handwritten digits as sequences, tuned and embedded
================================================================

Each 8x8 image of scikit-learn's ``load_digits`` is read as a sequence of 8
time steps (the rows), each with 8 features (the pixels of that row). The
example shows that an ``LSTMClassifier`` is an ordinary scikit-learn
estimator: it sits in a ``Pipeline``, ``GridSearchCV`` tunes it, and its
``transform`` gives sequence embeddings for other estimators.

Run it with ``python examples/quickstart.py [learning_curve.png]``. It needs
only the package itself; with matplotlib installed (``pip install -e
".[examples]"``) it also saves the learning curve (default
``quickstart.png`` in the current directory). It downloads nothing and takes
about a minute on 2 CPU cores (13 fits of the grid search, then one with early
stopping).
"""

# %%
# The data: digits as sequences
# -----------------------------
# The raw digits table has 1797 images of 64 pixel columns with values 0..16.
# A ``FunctionTransformer`` scales the pixels to [0, 1] and reshapes each row
# of the table to an (8 rows, 8 pixels) sequence, so the pipeline below takes
# the table as it is.

import importlib.util
import sys
import time

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import LSTMClassifier

RANDOM_STATE = 0
start = time.perf_counter()


def to_sequences(X):
    """Scale pixels from [0, 16] to [0, 1]; reshape (n, 64) to (n, 8 rows, 8 pixels)."""
    return (np.asarray(X, dtype=np.float32) / 16.0).reshape(-1, 8, 8)


X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=RANDOM_STATE
)
print(f"digits: {X.shape[0]} images -> sequences of shape {to_sequences(X[:1]).shape[1:]}")
print(f"train: {len(X_train)}  test: {len(X_test)}")

# %%
# Tuning the network with GridSearchCV
# ------------------------------------
# ``GridSearchCV`` (3-fold) picks the cell type and the hidden size on the
# training split, exactly as for any other estimator; the tuned pipeline is
# then scored on the held-out test split.

pipe = Pipeline(
    [
        ("to_sequences", FunctionTransformer(to_sequences)),
        (
            "rnn",
            LSTMClassifier(
                max_iter=10,
                batch_size=64,
                learning_rate_init=1e-2,
                random_state=RANDOM_STATE,
            ),
        ),
    ]
)
param_grid = {"rnn__cell": ["lstm", "gru"], "rnn__hidden_size": [16, 32]}
search = GridSearchCV(pipe, param_grid, cv=3, n_jobs=1)
search.fit(X_train, y_train)

print("GridSearchCV (3-fold CV on the training split):")
for params, mean, std in zip(
    search.cv_results_["params"],
    search.cv_results_["mean_test_score"],
    search.cv_results_["std_test_score"],
    strict=True,
):
    print(
        f"  cell={params['rnn__cell']:<4}  hidden_size={params['rnn__hidden_size']:<3}"
        f"  accuracy {mean:.3f} +/- {std:.3f}"
    )
best = {k.removeprefix("rnn__"): v for k, v in search.best_params_.items()}
print(f"best: {best}")
print(f"cross-validated accuracy of the tuned model: {search.best_score_:.3f}")
print(f"held-out test accuracy of the tuned model:   {search.score(X_test, y_test):.3f}")

# %%
# Sequence embeddings
# -------------------
# The fitted ``LSTMClassifier``'s ``transform`` gives one vector per sequence
# (the state after its last step). The embeddings feed a
# ``LogisticRegression`` and a 2-D ``PCA``: digits of one class land close
# together.

to_seq, rnn = search.best_estimator_.named_steps.values()
emb_train = rnn.transform(to_seq.transform(X_train))
emb_test = rnn.transform(to_seq.transform(X_test))
print(f"embeddings: train {emb_train.shape}, test {emb_test.shape}")

logreg = LogisticRegression(max_iter=1000).fit(emb_train, y_train)
print(f"LogisticRegression on the embeddings, test accuracy: {logreg.score(emb_test, y_test):.3f}")

pca = PCA(n_components=2, random_state=RANDOM_STATE).fit(emb_train)
centroids = pca.transform(emb_test)
print(
    "2-D PCA of the test embeddings (explained variance "
    f"{pca.explained_variance_ratio_.sum():.0%}), centroid of each digit:"
)
for digit in range(10):
    cx, cy = centroids[y_test == digit].mean(axis=0)
    print(f"  {digit}: ({cx:+6.2f}, {cy:+6.2f})")

# %%
# Learning curve with early stopping
# ----------------------------------
# The tuned settings are fitted again with early stopping on 10% of the
# training split (stratified), so that each epoch also has a validation
# accuracy; the weights of the best epoch are kept. ``loss_curve_`` and
# ``validation_scores_`` hold the curves; ``plot_learning_curve`` draws them
# when matplotlib is installed.

curve_rnn = clone(rnn).set_params(max_iter=30, early_stopping=True, n_iter_no_change=5)
curve_rnn.fit(to_seq.transform(X_train), y_train)
print(
    f"with early stopping: {curve_rnn.n_iter_} epochs, best validation loss "
    f"{curve_rnn.best_loss_:.3f}, last validation accuracy "
    f"{curve_rnn.validation_scores_[-1]:.3f}"
)
print("training loss per epoch:", " ".join(f"{loss:.3f}" for loss in curve_rnn.loss_curve_))

if importlib.util.find_spec("matplotlib") is None:
    print('matplotlib is not installed: no figure (pip install -e ".[examples]")')
else:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from sklearn_rnn.plotting import plot_learning_curve

    path = sys.argv[1] if len(sys.argv) > 1 else "quickstart.png"
    fig = Figure(figsize=(7, 4))
    FigureCanvasAgg(fig)  # the Agg (PNG) backend, no display needed
    ax = fig.add_subplot()
    plot_learning_curve(curve_rnn, ax=ax, label=f"{best['cell']}, {best['hidden_size']} units")
    ax.set_title("LSTMClassifier on digits: learning curve")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"figure saved to {path}")

print(f"total time: {time.perf_counter() - start:.1f} s")
