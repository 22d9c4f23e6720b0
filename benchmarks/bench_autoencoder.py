"""Benchmark ``AutoencoderTransformer`` against PCA on held-out handwritten digits.

Data: scikit-learn's ``load_digits`` (1797 images of 8x8 pixels), pixels
scaled to [0, 1], split 75/25 (stratified, ``random_state=0``). Every model
is fitted on the training split only; all numbers are on the held-out split.

Three checks, each printed with PASS/FAIL against its target:

1. Reconstruction: mean squared error of ``inverse_transform(transform(X))``
   for a dense autoencoder with ``n_components`` codes (default 16) and for
   ``PCA(n_components)``. Target: the autoencoder's error is lower.
2. Denoising: Gaussian noise of standard deviation ``--sigma`` (default 0.2)
   is added to the held-out digits; the error is measured against the clean
   digits. The autoencoder is trained with ``noise="gaussian"`` of the same
   level; PCA gets its best chance: every number of components from 1 to 64
   is tried and the best is reported. Target: the autoencoder beats that best.
3. Sequences: each digit is read as 8 time steps (rows) of 8 features; a
   recurrent autoencoder's codes feed a ``LogisticRegression``, compared with
   an ``LSTMClassifier`` trained on the labels, on the same split. Target:
   the accuracy is within 3 points of the classifier's (or above it).

Run ``python benchmarks/bench_autoencoder.py`` (about a minute on 2 CPU
cores; ``--n-threads`` sets the torch threads of every model).
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sklearn_rnn import AutoencoderTransformer, LSTMClassifier

RANDOM_STATE = 0


def load_split():
    """Digits scaled to [0, 1] as float32, split 75/25 stratified."""
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32)
    return train_test_split(X, y, test_size=0.25, stratify=y, random_state=RANDOM_STATE)


def mse(a, b):
    """Mean squared difference."""
    return float(np.mean((np.asarray(a, dtype=np.float64) - b) ** 2))


def pca_rebuild(X_train, X, n_components):
    """PCA fitted on ``X_train``; ``X`` projected and rebuilt."""
    pca = PCA(n_components=n_components, random_state=RANDOM_STATE).fit(X_train)
    return pca.inverse_transform(pca.transform(X))


def add_noise(X, sigma):
    """``X`` plus Gaussian noise of standard deviation ``sigma`` (fixed seed), as float32."""
    rng = np.random.RandomState(RANDOM_STATE)
    return (X + sigma * rng.normal(size=X.shape)).astype(np.float32)


def best_pca_denoising(X_train, X_noisy, X_clean):
    """The number of PCA components (1 to 64) that denoises best, and its error to clean."""
    errs = {m: mse(pca_rebuild(X_train, X_noisy, m), X_clean) for m in range(1, 65)}
    best = min(errs, key=errs.get)
    return best, errs[best]


def dense_autoencoder(n_components, n_threads, **params):
    """The dense autoencoder of checks 1 and 2."""
    return AutoencoderTransformer(
        n_components=n_components,
        hidden_layer_sizes=(128,),
        max_iter=200,
        batch_size=64,
        learning_rate_init=3e-3,
        n_threads=n_threads,
        random_state=RANDOM_STATE,
        **params,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-components", type=int, default=16)
    parser.add_argument("--sigma", type=float, default=0.2)
    parser.add_argument("--seq-components", type=int, default=32)
    parser.add_argument("--n-threads", type=int, default=1)
    args = parser.parse_args()
    k, sigma, threads = args.n_components, args.sigma, args.n_threads

    X_train, X_test, y_train, y_test = load_split()
    rows = []

    # 1. reconstruction
    start = time.perf_counter()
    ae = dense_autoencoder(k, threads).fit(X_train)
    ae_time = time.perf_counter() - start
    ae_err = mse(ae.inverse_transform(ae.transform(X_test)), X_test)
    pca_err = mse(pca_rebuild(X_train, X_test, k), X_test)
    rows.append(
        (
            f"reconstruction MSE, {k} components",
            f"{ae_err:.5f}",
            f"PCA({k}): {pca_err:.5f}",
            ae_err < pca_err,
            ae_time,
        )
    )

    # 2. denoising
    X_noisy = add_noise(X_test, sigma)
    start = time.perf_counter()
    dae = dense_autoencoder(k, threads, noise="gaussian", noise_level=sigma).fit(X_train)
    dae_time = time.perf_counter() - start
    dae_err = mse(dae.inverse_transform(dae.transform(X_noisy)), X_test)
    best_m, best_pca_err = best_pca_denoising(X_train, X_noisy, X_test)
    rows.append(
        (
            f"denoising MSE to clean, sigma={sigma}",
            f"{dae_err:.5f}",
            f"best PCA ({best_m} comp.): {best_pca_err:.5f}",
            dae_err < best_pca_err,
            dae_time,
        )
    )

    # 3. sequences: 8 rows x 8 pixels
    S_train, S_test = X_train.reshape(-1, 8, 8), X_test.reshape(-1, 8, 8)
    start = time.perf_counter()
    clf = LSTMClassifier(
        hidden_size=64,
        max_iter=50,
        learning_rate_init=1e-2,
        n_threads=threads,
        random_state=RANDOM_STATE,
    ).fit(S_train, y_train)
    clf_time = time.perf_counter() - start
    clf_acc = clf.score(S_test, y_test)
    start = time.perf_counter()
    sae = AutoencoderTransformer(
        n_components=args.seq_components,
        hidden_size=64,
        max_iter=100,
        learning_rate_init=1e-2,
        n_threads=threads,
        random_state=RANDOM_STATE,
    ).fit(S_train)
    sae_time = time.perf_counter() - start
    logreg = LogisticRegression(max_iter=2000).fit(sae.transform(S_train), y_train)
    sae_acc = logreg.score(sae.transform(S_test), y_test)
    rows.append(
        (
            f"sequence codes ({args.seq_components}) + LogReg accuracy",
            f"{sae_acc:.3f}",
            f"LSTMClassifier: {clf_acc:.3f} ({clf_time:.0f} s)",
            sae_acc >= clf_acc - 0.03,
            sae_time,
        )
    )

    print(
        f"digits [0, 1]: {len(X_train)} train / {len(X_test)} held-out images; "
        f"sequence autoencoder reconstruction MSE {-sae.score(S_test):.5f}; "
        f"noisy input MSE to clean {mse(X_noisy, X_test):.5f}\n"
    )
    header = ("check", "autoencoder", "reference", "target", "fit s")
    widths = [44, 12, 34, 7, 6]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for name, ours, ref, ok, secs in rows:
        cells = (name, ours, ref, "PASS" if ok else "FAIL", f"{secs:.0f}")
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))


if __name__ == "__main__":
    main()
