"""
Sentiment of movie-review sentences: raw text straight into a Pipeline
======================================================================

Data: 577 sentences of IMDb reviews labelled positive or negative (see
``examples/data/README.md``: "Sentiment Labelled Sentences", CC BY 4.0),
bundled with the examples. The example

1. splits them 75/25 (stratified);
2. fits ``TokenSequenceVectorizer -> LSTMClassifier(embedding_dim=...)`` on
   the raw strings: the vectorizer learns the vocabulary, the classifier a
   word embedding and a bidirectional LSTM, max-pooled over each sentence;
3. prints the held-out accuracy next to a TF-IDF + LogisticRegression
   baseline fitted on the same split, and the predictions for a few new
   sentences (words never seen in training become the unknown token).

A few hundred short sentences are little data for a network that learns its
word vectors from scratch: expect it to be close to the bag-of-words baseline,
not above it. ``benchmarks/bench_text.py`` compares the two on SST-2.

Run it with ``python examples/sentiment.py``; it needs no download, writes no
file and takes well under a minute on 2 CPU cores.
"""

# %%
# The data
# --------
# The bundled sentences are read as a DataFrame of ``text`` and ``label``
# columns and split 75/25, stratified by label.

import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_rnn import LSTMClassifier
from sklearn_rnn.preprocessing import TokenSequenceVectorizer

RANDOM_STATE = 0
DATA = Path(__file__).resolve().parent / "data" / "imdb_sentences.tsv"


def load_sentences():
    """The bundled sentences as a DataFrame with columns ``text`` and ``label``."""
    return pd.read_csv(
        DATA, sep="\t", names=["text", "label"], quoting=3, dtype={"text": str, "label": int}
    )


start = time.perf_counter()
data = load_sentences()
X_train, X_test, y_train, y_test = train_test_split(
    data["text"],
    data["label"],
    test_size=0.25,
    stratify=data["label"],
    random_state=RANDOM_STATE,
)
print(f"{len(data)} review sentences: train {len(X_train)}, test {len(X_test)}")

# %%
# Raw text into the network
# -------------------------
# ``TokenSequenceVectorizer`` turns each string into token ids and learns the
# vocabulary; ``LSTMClassifier`` with ``embedding_dim`` learns a word
# embedding and a bidirectional LSTM, max-pooled over each sentence. The
# pipeline takes the column of strings as it is.

rnn = make_pipeline(
    TokenSequenceVectorizer(),
    LSTMClassifier(
        embedding_dim=32,
        hidden_size=32,
        bidirectional=True,
        pooling="max",
        embedding_dropout=0.3,
        dropout=0.5,
        max_iter=15,
        batch_size=16,
        learning_rate_init=3e-3,
        random_state=RANDOM_STATE,
    ),
)
t = time.perf_counter()
rnn.fit(X_train, y_train)
rnn_time = time.perf_counter() - t

# %%
# A bag-of-words baseline
# -----------------------
# TF-IDF of words and word pairs with a ``LogisticRegression``, fitted on the
# same split. A few hundred short sentences are little data for a network
# that learns its word vectors from scratch, so expect the two to be close.

tfidf = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10, max_iter=1000))
t = time.perf_counter()
tfidf.fit(X_train, y_train)
tfidf_time = time.perf_counter() - t

# %%
# Held-out accuracy
# -----------------

print(f"{'model':<52}{'test accuracy':>14}{'fit (s)':>9}")
rows = [
    ("TokenSequenceVectorizer -> LSTMClassifier", rnn, rnn_time),
    ("TF-IDF (1-2 grams) -> LogisticRegression(C=10)", tfidf, tfidf_time),
]
for name, model, seconds in rows:
    print(f"{name:<52}{model.score(X_test, y_test):>14.3f}{seconds:>9.1f}")

# %%
# New sentences
# -------------
# Words never seen in training become the unknown token (id 1); an empty
# string is the one-step sequence ``[1]``, so it still gets a prediction.

vectorizer = rnn[0]
print(f"vocabulary: {len(vectorizer.vocabulary_)} ids (0 padding, 1 unknown)")
new = [
    "A wonderful film, I loved every minute.",
    "Boring, predictable and badly acted.",
    "The zorblatt was flibbertigibbet.",
    "",
]
proba = rnn.predict_proba(new)[:, 1]
tokens = vectorizer.inverse_transform(vectorizer.transform(new))
for text, toks, p in zip(new, tokens, proba, strict=True):
    print(f"P(positive) = {p:.2f}  {text!r:45} tokens: {toks}")
print(f"total time: {time.perf_counter() - start:.1f} s")
