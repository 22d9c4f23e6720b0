"""Sequence accuracy, token error rate and BLEU on hand-worked examples."""

import math

import numpy as np
import pytest
from sklearn.base import BaseEstimator

from sklearn_rnn.metrics import (
    bleu_score,
    bleu_scorer,
    sequence_accuracy_score,
    sequence_accuracy_scorer,
    token_error_rate,
    token_error_rate_scorer,
)


def test_sequence_accuracy_counts_exact_matches_only():
    y_true = [["K", "AE", "T"], ["D", "AO", "G"], ["AH"], ["B", "IY"]]
    y_pred = [["K", "AE", "T"], ["D", "AO"], ["AH"], ["B", "IH"]]
    assert sequence_accuracy_score(y_true, y_pred) == 0.5
    # weights 1, 1, 3, 1: (1 + 3) / 6
    assert sequence_accuracy_score(y_true, y_pred, sample_weight=[1, 1, 3, 1]) == 4 / 6


def test_strings_arrays_and_lists_are_the_same_sequences():
    y_pred = np.empty(2, dtype=object)
    y_pred[:] = [np.array(list("cat")), np.array(list("dog"))]
    assert sequence_accuracy_score(["cat", "dog"], y_pred) == 1.0
    assert sequence_accuracy_score(["cat", "dog"], [list("cat"), list("dot")]) == 0.5
    assert sequence_accuracy_score(np.array([1, 2, 3]), np.array([1, 2, 4])) == 2 / 3


def test_sequence_accuracy_with_several_references():
    y_true = [[["T", "AH", "M", "EY", "T", "OW"], ["T", "AH", "M", "AA", "T", "OW"]], [["AH"]]]
    y_pred = [["T", "AH", "M", "AA", "T", "OW"], ["EY"]]
    assert sequence_accuracy_score(y_true, y_pred, multiple_references=True) == 0.5


def test_token_error_rate_of_hand_worked_edits():
    # kitten -> sitting: 2 substitutions (k/s, e/i) and 1 insertion (g): 3 / 6
    assert token_error_rate(["kitten"], ["sitting"]) == 0.5
    # sample 1: 0 errors (3 tokens); sample 2: AO->AA and an inserted Z, 2 errors (3 tokens)
    y_true = [["K", "AE", "T"], ["D", "AO", "G"]]
    y_pred = [["K", "AE", "T"], ["D", "AA", "G", "Z"]]
    assert token_error_rate(y_true, y_pred) == 2 / 6
    # a deletion of everything: 3 errors over 3 tokens; weights double the second sample
    assert token_error_rate([["a", "b"], ["c", "d", "e"]], [["a", "b"], []]) == 3 / 5
    assert token_error_rate(
        [["a", "b"], ["c", "d", "e"]], [["a", "x"], []], sample_weight=[1, 2]
    ) == (1 + 2 * 3) / (2 + 2 * 3)


def test_token_error_rate_takes_the_closest_reference_and_its_length():
    # references "abcd" (distance 1 to "abce") and "xy" (distance 4): 1 error over 4 tokens;
    # second sample: "pq" vs references "pq" (0) and "pqrs" (2): 0 errors over 2 tokens
    y_true = [["abcd", "xy"], ["pqrs", "pq"]]
    y_pred = ["abce", "pq"]
    assert token_error_rate(y_true, y_pred, multiple_references=True) == 1 / 6


def test_bleu_matches_the_published_nltk_corpus_bleu_example():
    # The worked example of NLTK's corpus_bleu documentation (0.5920778868801042).
    hyp1 = "It is a guide to action which ensures that the military always obeys the "
    hyp1 = (hyp1 + "commands of the party").split()
    ref1a = "It is a guide to action that ensures that the military will forever heed "
    ref1a = (ref1a + "Party commands").split()
    ref1b = "It is the guiding principle which guarantees the military forces always "
    ref1b = (ref1b + "being under the command of the Party").split()
    ref1c = "It is the practical guide for the army always to heed the directions of "
    ref1c = (ref1c + "the party").split()
    hyp2 = "he read the book because he was interested in world history".split()
    ref2a = "he was interested in world history because he read the book".split()
    # Clipped n-gram matches / n-grams, hypothesis 1 + hypothesis 2:
    #   1-grams: 17/18 (the 'obeys' is in no reference) + 11/11 = 28/29
    #   2-grams: 10/17 + 9/10 ('book because' is not in ref2a) = 19/27
    #   3-grams: 7/16 + 6/9 = 13/25;  4-grams: 4/15 + 4/8 = 8/23
    # Lengths: c = 18 + 11 = 29; closest references 18 (ref1b) + 11 = 29: no brevity penalty.
    expected = (28 / 29 * 19 / 27 * 13 / 25 * 8 / 23) ** 0.25
    assert expected == pytest.approx(0.5920778868801042, abs=1e-15)
    refs = [[ref1a, ref1b, ref1c], [ref2a]]
    score = bleu_score(refs, [hyp1, hyp2], multiple_references=True)
    assert score == pytest.approx(0.5920778868801042, abs=1e-12)


def test_bleu_brevity_penalty_and_zero_precision():
    ref = "the cat sat on the mat".split()
    # candidate "the cat sat": 1-grams 3/3, 2-grams 2/2; c = 3 < r = 6: BP = exp(1 - 6/3)
    assert bleu_score([ref], ["the cat sat".split()], max_n=2) == pytest.approx(math.exp(-1))
    assert bleu_score([ref], ["the cat sat".split()], max_n=np.int64(2)) == pytest.approx(
        math.exp(-1)
    )
    # no 4-gram in common: no smoothing, BLEU 0
    assert bleu_score([ref], ["the mat sat on".split()]) == 0.0
    assert bleu_score([ref], [ref]) == 1.0


def test_scorers_call_predict_and_keep_the_sign():
    class Echo(BaseEstimator):
        def predict(self, X):
            return X

    X = [list("abc"), list("abd")]
    y = ["abc", "abc"]
    assert sequence_accuracy_scorer(Echo(), X, y) == 0.5
    assert token_error_rate_scorer(Echo(), X, y) == -1 / 6
    assert bleu_scorer(Echo(), [list("abcd")], ["abcd"]) == 1.0


@pytest.mark.parametrize(
    "metric", [sequence_accuracy_score, token_error_rate, bleu_score], ids=lambda f: f.__name__
)
def test_bad_metric_input(metric):
    with pytest.raises(ValueError, match="but y_pred has 1"):
        metric([["a"], ["b"]], [["a"]])
    with pytest.raises(ValueError, match="single string"):
        metric("abc", ["abc"])
    with pytest.raises(ValueError, match="list of reference sequences"):
        metric(["abc"], ["abc"], multiple_references=True)
