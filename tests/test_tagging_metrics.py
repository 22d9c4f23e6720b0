"""Tagging metrics against hand-worked examples."""

import numpy as np
import pytest
from sklearn.metrics import f1_score

from sklearn_rnn.metrics import (
    entity_f1_score,
    entity_precision_score,
    entity_recall_score,
    flat_accuracy_score,
    flat_f1_score,
    get_entities,
)


def test_flat_accuracy_counts_tokens_not_sequences():
    y_true = [["A", "B", "C", "D"], ["A"]]
    y_pred = [["A", "B", "C", "A"], ["B"]]
    assert flat_accuracy_score(y_true, y_pred) == 3 / 5
    # weight 3 on the second sequence: (3 + 0) / (4 + 3)
    assert flat_accuracy_score(y_true, y_pred, sample_weight=[1, 3]) == pytest.approx(3 / 7)
    assert flat_accuracy_score(np.array([[1, 2], [2, 2]]), np.array([[1, 1], [2, 2]])) == 0.75
    assert flat_accuracy_score(["a", "b"], ["a", "a"]) == 0.5  # one label per sample


def test_flat_f1_is_f1_of_the_concatenated_tokens():
    y_true = [["N", "V", "N"], ["D", "N"]]
    y_pred = [["N", "N", "N"], ["D", "V"]]
    flat_t, flat_p = ["N", "V", "N", "D", "N"], ["N", "N", "N", "D", "V"]
    for average in ("micro", "macro"):
        assert flat_f1_score(y_true, y_pred, average=average) == pytest.approx(
            f1_score(flat_t, flat_p, average=average)
        )
    # by hand: N has tp=2, fp=1, fn=1 -> F1 2/3; V: 0; D: 1 -> macro 5/9
    assert flat_f1_score(y_true, y_pred, average="macro") == pytest.approx(5 / 9)


@pytest.mark.parametrize(
    "tags, scheme, expected",
    [
        # IOB1: I starts a chunk after O; B only separates adjacent chunks of one type
        (
            ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"],
            "IOB1",
            [("PER", 0, 2), ("PER", 2, 3), ("LOC", 4, 5), ("ORG", 5, 6)],
        ),
        # IOB2: every chunk starts with B; a stray I after O starts one too (conlleval)
        (
            ["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "B-ORG"],
            "IOB2",
            [("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 6), ("ORG", 6, 7)],
        ),
        # IOBES: S is a one-token chunk, E closes a chunk
        (
            ["S-PER", "B-LOC", "I-LOC", "E-LOC", "O", "B-ORG", "E-ORG", "S-ORG"],
            "IOBES",
            [("PER", 0, 1), ("LOC", 1, 4), ("ORG", 5, 7), ("ORG", 7, 8)],
        ),
        (["O", "O"], "IOB2", []),
    ],
)
def test_get_entities(tags, scheme, expected):
    assert get_entities(tags, scheme=scheme) == expected


@pytest.mark.parametrize(
    "y_true, y_pred, scheme, precision, recall",
    [
        # true: PER(0,2), LOC(3,4) | pred: PER(0,2), LOC(3,5): one of two right
        (
            [["B-PER", "I-PER", "O", "B-LOC", "O"]],
            [["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]],
            "IOB2",
            1 / 2,
            1 / 2,
        ),
        # IOB1: true PER(0,1), PER(1,2), LOC(3,4); pred merges the two persons: PER(0,2)
        (
            [["I-PER", "B-PER", "O", "I-LOC"]],
            [["I-PER", "I-PER", "O", "I-LOC"]],
            "IOB1",
            1 / 2,
            1 / 3,
        ),
        # IOBES over two sentences: true ORG(0,2), PER(3,4) and MISC(0,1);
        # pred ORG(0,2), PER(2,4) and MISC(0,1), LOC(1,2)
        (
            [["B-ORG", "E-ORG", "O", "S-PER"], ["S-MISC", "O"]],
            [["B-ORG", "E-ORG", "B-PER", "E-PER"], ["S-MISC", "S-LOC"]],
            "IOBES",
            2 / 4,
            2 / 3,
        ),
    ],
)
def test_entity_scores_hand_worked(y_true, y_pred, scheme, precision, recall):
    assert entity_precision_score(y_true, y_pred, scheme=scheme) == pytest.approx(precision)
    assert entity_recall_score(y_true, y_pred, scheme=scheme) == pytest.approx(recall)
    f1 = 2 * precision * recall / (precision + recall)
    assert entity_f1_score(y_true, y_pred, scheme=scheme) == pytest.approx(f1)


def test_entity_macro_average_and_empty_cases():
    y_true = [["B-PER", "O", "B-LOC", "B-LOC"]]
    y_pred = [["B-PER", "O", "B-LOC", "O"]]
    # PER: F1 1; LOC: P 1, R 1/2 -> F1 2/3; macro = 5/6, micro = 2 * 1 * 2/3 / (5/3) = 0.8
    assert entity_f1_score(y_true, y_pred, average="macro") == pytest.approx(5 / 6)
    assert entity_f1_score(y_true, y_pred) == pytest.approx(0.8)
    assert entity_f1_score([["O", "O"]], [["O", "O"]]) == 0.0
    assert entity_precision_score([["B-PER"]], [["O"]]) == 0.0


@pytest.mark.parametrize(
    "fn, args, kwargs, match",
    [
        (flat_accuracy_score, ([["A", "B"]], [["A"]]), {}, "has 2 labels in y_true but 1"),
        (flat_accuracy_score, ([["A"]], [["A"], ["B"]]), {}, "1 sequences but y_pred has 2"),
        (flat_accuracy_score, ([["A"]], [["A"]]), {"sample_weight": [1, 2]}, "one per sequence"),
        (entity_f1_score, ([["E-PER"]], [["O"]]), {"scheme": "IOB2"}, "not a IOB2 tag"),
        (entity_f1_score, ([["B-PER"]], [["O"]]), {"scheme": "BILOU"}, "not supported"),
        (entity_f1_score, ([["O"]], [["O"]]), {"average": "weighted"}, "not supported"),
        (entity_f1_score, ([[1, 0]], [[1, 0]]), {}, "string tags"),
    ],
)
def test_metric_errors(fn, args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fn(*args, **kwargs)
