"""
Part-of-speech tagging of English web text with BiRNNTagger
===========================================================

The data is a small part of the Universal Dependencies English Web Treebank
(``examples/data``, CC BY-SA 4.0): 1,000 training sentences and 300 test
sentences, each token with its universal part-of-speech tag (NOUN, VERB,
ADP, ...). The tagger reads the tokens as strings: it builds its own
vocabulary, and a character CNN represents the spelling of each word, so
that words never seen in training still get sensible tags.

Printed: token accuracy (all tokens and unseen words) next to a
most-frequent-tag baseline, a few tagged test sentences, and precision,
recall and F1 of each tag.

Usage::

    python examples/tagging.py    # about 25 s of CPU time (one thread)
"""

# %%
# The data
# --------
# Each file holds one ``form<TAB>tag`` line per token and a blank line
# between sentences: ``X`` is a list of sentences (lists of words) and ``y``
# a list of tag lists.

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import classification_report

from sklearn_rnn import BiRNNTagger
from sklearn_rnn.metrics import flat_accuracy_score, flat_f1_score

DATA = Path(__file__).parent / "data"


def read_tsv(path):
    """Sentences (lists of words) and their tags from a ``form<TAB>tag`` file."""
    X, y = [], []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        pairs = [line.split("\t") for line in block.splitlines()]
        X.append([w for w, _ in pairs])
        y.append([t for _, t in pairs])
    return X, y


def most_frequent_tag(X_train, y_train, X):
    """Each word's most frequent training tag; NOUN for words never seen."""
    counts = defaultdict(Counter)
    for words, tags in zip(X_train, y_train, strict=True):
        for w, t in zip(words, tags, strict=True):
            counts[w][t] += 1
    return [[counts[w].most_common(1)[0][0] if w in counts else "NOUN" for w in s] for s in X]


X_train, y_train = read_tsv(DATA / "en_ewt_sample_train.tsv")
X_test, y_test = read_tsv(DATA / "en_ewt_sample_test.tsv")

# %%
# The tagger
# ----------
# ``BiRNNTagger`` reads the words as strings: it builds its own vocabulary
# and, with ``char_embedding_dim``, a character CNN that represents the
# spelling of each word. ``word_dropout`` hides a share of the training words
# behind the unknown id, so that the model learns to tag unseen words from
# their spelling and context.

tagger = BiRNNTagger(
    hidden_size=64,
    num_layers=1,
    embedding_dim=50,
    char_embedding_dim=30,
    dropout=0.25,
    word_dropout=0.05,
    max_iter=10,
    learning_rate_init=3e-3,
    random_state=0,
)
tagger.fit(X_train, y_train)
pred = tagger.predict(X_test)
baseline = most_frequent_tag(X_train, y_train, X_test)

# %%
# Token accuracy
# --------------
# Accuracy over all test tokens and over the words never seen in training,
# next to a baseline that gives each word its most frequent training tag.

known = {w for s in X_train for w in s}
unseen = np.array([w not in known for s in X_test for w in s])
flat_true = np.concatenate(y_test)
n_tokens = len(flat_true)
print(f"{len(X_train)} training sentences, {n_tokens} test tokens ({unseen.sum()} unseen)")
print(f"{'model':<20} {'accuracy':>9} {'unseen words':>13} {'macro F1':>9}")
for name, p in (("most frequent tag", baseline), ("BiRNNTagger", pred)):
    flat_pred = np.concatenate(p)
    print(
        f"{name:<20} {flat_accuracy_score(y_test, p):>9.3f} "
        f"{np.mean(flat_true[unseen] == flat_pred[unseen]):>13.3f} "
        f"{flat_f1_score(y_test, p, average='macro'):>9.3f}"
    )

# %%
# A few tagged sentences
# ----------------------

print("Tagged test sentences (word, true tag, predicted tag; * marks an error):")
for words, tags, tagged in zip(X_test[4:7], y_test[4:7], pred[4:7], strict=True):
    print()
    for w, t, p in zip(words, tags, tagged, strict=True):
        mark = "*" if t != p else ""
        print(f"  {w:<15} {t:<6} {p:<6} {mark}")

# %%
# Scores of each tag
# ------------------
# Precision, recall and F1 of every tag over the test tokens.

print("Per-tag scores on the test sentences:")
print(classification_report(flat_true, np.concatenate(pred), digits=3, zero_division=0))
