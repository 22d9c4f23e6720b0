"""
Spelling to sound with Seq2SeqClassifier
========================================

Needs matplotlib: ``pip install -e ".[examples]"``.

Grapheme-to-phoneme conversion: how is a written English word pronounced?
A :class:`~sklearn_rnn.Seq2SeqClassifier` reads each word letter by letter
and writes its phonemes (ARPAbet symbols such as ``K AE T`` for "cat"), a
sequence of another length and another vocabulary. The decoder looks at the
letters through attention, and the picture at the end shows where it looked
while writing each phoneme.

Data: a sample of 2,000 words of the CMU Pronouncing Dictionary bundled in
``examples/data`` (BSD-style licence), stress digits removed. The full
dictionary, with published error rates beside this estimator's, is in
``benchmarks/bench_g2p.py``.

Install the extras first::

    pip install -e ".[examples]"

Usage::

    python examples/spelling_to_sound.py    # under a minute on 2 CPU cores
"""

# %%
# Load the words and their pronunciations
# ---------------------------------------
# Words with several pronunciations keep all of them: the model trains on
# each, and a prediction counts as right when it is one of them. Every
# fifth word (in alphabetical order) is held out for testing.
import re
from collections import defaultdict
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn import Seq2SeqClassifier
from sklearn_rnn.metrics import sequence_accuracy_score, token_error_rate

path = Path(__file__).resolve().parent / "data" / "cmudict_sample.dict"
pronunciations = defaultdict(list)
for line in path.read_text(encoding="utf-8").splitlines():
    word, *phones = line.split()
    pronunciations[re.sub(r"\(\d+\)$", "", word)].append([p.rstrip("012") for p in phones])

words = sorted(pronunciations)
train = [w for i, w in enumerate(words) if i % 5]
test = [w for i, w in enumerate(words) if i % 5 == 0]
X_train = [w for w in train for _ in pronunciations[w]]
y_train = [p for w in train for p in pronunciations[w]]
print(f"{len(train)} training words ({len(X_train)} pronunciations), {len(test)} test words")

# %%
# A pipeline: normalise the spelling, then translate
# --------------------------------------------------
# ``analyzer="char"`` reads each string as its letters. The lowercasing step
# lets the fitted pipeline take words as users type them (a NumPy function,
# not a lambda, so that the fitted pipeline pickles). The sample is small, so
# one epoch is few optimiser steps: 40 epochs instead of the default 16, and
# 64 hidden units instead of 128 keep the fit short.
model = make_pipeline(
    FunctionTransformer(np.char.lower),
    Seq2SeqClassifier(analyzer="char", hidden_size=64, max_iter=40, random_state=0),
)
model.fit(X_train, y_train)

# %%
# Error rates on unseen words
# ---------------------------
# WER: the share of words whose predicted pronunciation is none of the
# dictionary's; PER: phoneme edits per reference phoneme. Beam search
# (``beam_width=5``) keeps five hypotheses instead of the single best one.
references = [pronunciations[w] for w in test]
for width in (1, 5):
    model.set_params(seq2seqclassifier__beam_width=width)
    pred = model.predict(test)
    wer = 1 - sequence_accuracy_score(references, pred, multiple_references=True)
    per = token_error_rate(references, pred, multiple_references=True)
    print(f"beam_width={width}: PER {per:.1%}, WER {wer:.1%}")

# %%
# A few words
# -----------
new_words = ["Python", "Sound", "Spelling"]
for word, phones in zip(new_words, model.predict(new_words), strict=True):
    print(f"{word:10s} {' '.join(phones)}")

# %%
# Where the decoder looks
# -----------------------
# Each row holds the attention weights over the letters while the decoder
# writes one phoneme (the last row is the end token). Reading roughly along
# the diagonal, it finds for each sound the letters that spell it.
word = "thinking"
estimator = model[-1]
phones = estimator.predict([word])[0]
weights = estimator.attention_weights([word])[0]
fig, ax = plt.subplots(figsize=(5, 4))
ax.imshow(weights, cmap="Greys")
ax.set_xticks(range(len(word)), list(word))
ax.set_yticks(range(len(phones) + 1), [*phones, "<end>"])
ax.set_xlabel("letters")
ax.set_ylabel("phonemes written")
ax.set_title(f"Attention while pronouncing '{word}'")
fig.tight_layout()
plt.show()
