"""Part-of-speech tagging quality: BiRNNTagger against a most-frequent-tag baseline and a CRF.

Usage::

    python benchmarks/bench_tagger.py DATA_DIR [--max-iter N] [--no-crf]

``DATA_DIR`` holds ``en_ewt_train_pos.tsv`` and ``en_ewt_dev_pos.tsv`` (UD
English-EWT: one ``form<TAB>UPOS<TAB>XPOS`` line per token, a blank line
between sentences). Each model is fitted on train and scored on dev (UPOS):
token accuracy over all tokens and over the tokens whose word form never
occurs in train, with the fit time and the tagging speed (dev tokens per
second). The fit's CPU time is reported next to its wall time: on a shared
machine the wall time includes waiting for other processes, while the CPU
time of a one-thread fit is what it takes on a core of its own.
sklearn-crfsuite, with the usual word-shape and neighbour features,
runs when it is installed.
"""

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from sklearn_rnn import BiRNNTagger
from sklearn_rnn.metrics import flat_accuracy_score

# The best settings measured on EWT within 10 minutes on 2 CPU cores (two torch threads).
TAGGER = dict(
    hidden_size=128,
    num_layers=2,
    embedding_dim=100,
    char_embedding_dim=100,
    dropout=0.33,
    word_dropout=0.2,
    learning_rate_init=2e-3,
    batch_size=32,
    max_iter=14,
    n_threads=2,
    random_state=0,
)


def read_tsv(path):
    """Sentences (lists of forms) and their UPOS tags from a form/UPOS/XPOS file."""
    X, y, words, tags = [], [], [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                X.append(words)
                y.append(tags)
                words, tags = [], []
            continue
        form, upos = line.split("\t")[:2]
        words.append(form)
        tags.append(upos)
    if words:
        X.append(words)
        y.append(tags)
    return X, y


class MostFrequentTag:
    """Each known word gets its most frequent training tag; unknown words the overall one."""

    def fit(self, X, y):
        counts = defaultdict(Counter)
        for words, tags in zip(X, y, strict=True):
            for w, t in zip(words, tags, strict=True):
                counts[w][t] += 1
        overall = Counter(t for tags in y for t in tags)
        self.default_ = overall.most_common(1)[0][0]
        self.tags_ = {w: c.most_common(1)[0][0] for w, c in counts.items()}
        return self

    def predict(self, X):
        return [np.array([self.tags_.get(w, self.default_) for w in s]) for s in X]


def word_features(sent, i):
    """The usual CRF features of token ``i``: its shape, affixes and neighbours."""
    w = sent[i]
    f = {
        "bias": 1.0,
        "lower": w.lower(),
        "suffix3": w[-3:],
        "suffix2": w[-2:],
        "prefix2": w[:2],
        "isupper": w.isupper(),
        "istitle": w.istitle(),
        "isdigit": w.isdigit(),
        "hyphen": "-" in w,
    }
    for off in (-1, 1):
        j = i + off
        if 0 <= j < len(sent):
            v = sent[j]
            f.update(
                {
                    f"{off}:lower": v.lower(),
                    f"{off}:istitle": v.istitle(),
                    f"{off}:suffix3": v[-3:],
                }
            )
        else:
            f["BOS" if off < 0 else "EOS"] = True
    return f


class CRFTagger:
    """sklearn-crfsuite CRF on :func:`word_features`."""

    def __init__(self):
        import sklearn_crfsuite

        self.crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=0.1, c2=0.01, max_iterations=100, all_possible_transitions=True
        )

    @staticmethod
    def _features(X):
        return [[word_features(s, i) for i in range(len(s))] for s in X]

    def fit(self, X, y):
        self.crf.fit(self._features(X), y)
        return self

    def predict(self, X):
        return [np.array(p) for p in self.crf.predict(self._features(X))]


def evaluate(name, model, X_train, y_train, X_dev, y_dev, unseen):
    start, start_cpu = time.perf_counter(), time.process_time()
    model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    fit_cpu = time.process_time() - start_cpu
    start = time.perf_counter()
    pred = model.predict(X_dev)
    predict_time = time.perf_counter() - start
    flat_true, flat_pred = np.concatenate(y_dev), np.concatenate(pred)
    n_tokens = len(flat_true)
    return {
        "model": name,
        "accuracy": flat_accuracy_score(y_dev, pred),
        "unseen": float(np.mean(flat_true[unseen] == flat_pred[unseen])),
        "fit_s": fit_time,
        "fit_cpu_s": fit_cpu,
        "tokens_per_s": n_tokens / predict_time,
        "epochs": getattr(model, "n_iter_", None),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--max-iter", type=int, default=TAGGER["max_iter"])
    parser.add_argument("--no-crf", action="store_true", help="skip sklearn-crfsuite")
    args = parser.parse_args()
    X_train, y_train = read_tsv(args.data_dir / "en_ewt_train_pos.tsv")
    X_dev, y_dev = read_tsv(args.data_dir / "en_ewt_dev_pos.tsv")
    known = {w for s in X_train for w in s}
    unseen = np.array([w not in known for s in X_dev for w in s])
    n_train = sum(map(len, X_train))
    print(
        f"EWT UPOS: train {len(X_train)} sentences ({n_train} tokens), dev {len(X_dev)} "
        f"sentences ({len(unseen)} tokens, {unseen.sum()} of them unseen in train)"
    )
    params = {**TAGGER, "max_iter": args.max_iter}
    print("BiRNNTagger settings:", params)
    models = [("BiRNNTagger", BiRNNTagger(**params)), ("most frequent tag", MostFrequentTag())]
    if not args.no_crf:
        try:
            models.append(("sklearn-crfsuite CRF", CRFTagger()))
        except ImportError:
            print("sklearn-crfsuite is not installed: CRF skipped")
    rows = []
    for name, model in models:  # the tagger first: it is the one to wait for
        r = evaluate(name, model, X_train, y_train, X_dev, y_dev, unseen)
        print(
            f"  {name}: {100 * r['accuracy']:.2f}% ({100 * r['unseen']:.2f}% unseen) "
            f"in {r['fit_s']:.1f} s",
            flush=True,
        )
        if getattr(model, "validation_scores_", None):
            curve = " ".join(f"{100 * v:.2f}" for v in model.validation_scores_)
            print(f"    validation accuracy per epoch: {curve}", flush=True)
        rows.append(r)
    rows = rows[1:] + rows[:1]  # the table lists the baselines first
    print()
    print(
        "| model | dev accuracy | unseen words | fit wall time (s) | fit CPU time (s) "
        "| tagging (tokens/s) |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        epochs = f" ({r['epochs']} epochs)" if r["epochs"] else ""
        print(
            f"| {r['model']} | {100 * r['accuracy']:.2f}% | {100 * r['unseen']:.2f}% | "
            f"{r['fit_s']:.1f}{epochs} | {r['fit_cpu_s']:.1f} | {r['tokens_per_s']:,.0f} |"
        )


if __name__ == "__main__":
    main()
