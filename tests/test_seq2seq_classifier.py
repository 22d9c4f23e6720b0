"""Seq2SeqClassifier: toy translations both ways, decoding, guarantees of the package."""

import copy
import itertools
import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import sklearn_rnn
from sklearn_rnn import Seq2SeqClassifier
from sklearn_rnn.metrics import sequence_accuracy_score, token_error_rate_scorer
from sklearn_rnn.modules._decoder import END

# A toy spelling-to-sound rule: one or two phonemes per letter, reversible
# (S only ever follows K, as the sound of "x").
SOUNDS = {"a": ["AH"], "b": ["B"], "c": ["K"], "d": ["D"], "e": ["IY"], "x": ["K", "S"]}
FAST = dict(hidden_size=32, batch_size=16, learning_rate_init=0.003, n_threads=1)


def _words(n, seed):
    rng = np.random.RandomState(seed)
    letters = np.array(sorted(SOUNDS))
    return ["".join(rng.choice(letters, rng.randint(2, 6))) for _ in range(n)]


def _sounds(word):
    return [p for c in word for p in SOUNDS[c]]


TRAIN = sorted(set(_words(400, 0)))
TEST = [w for w in sorted(set(_words(80, 1))) if w not in TRAIN]


@pytest.fixture(scope="module")
def g2p():
    """Graphemes -> phonemes, fitted once for the tests that only read it."""
    X, y = TRAIN, [_sounds(w) for w in TRAIN]
    return Seq2SeqClassifier(analyzer="char", max_iter=30, random_state=0, **FAST).fit(X, y)


def test_spelling_to_sound_and_back_without_code_changes(g2p):
    assert len(TEST) > 20
    pred = g2p.predict(TEST)
    assert pred.dtype == object and pred.shape == (len(TEST),)
    assert all(isinstance(p, np.ndarray) and p.ndim == 1 for p in pred)
    assert sequence_accuracy_score([_sounds(w) for w in TEST], pred) >= 0.8
    # phonemes -> graphemes: X token lists, y strings (their characters)
    p2g = Seq2SeqClassifier(max_iter=30, random_state=0, **FAST)
    p2g.fit([_sounds(w) for w in TRAIN], TRAIN)
    back = p2g.predict([_sounds(w) for w in TEST])
    assert sequence_accuracy_score(TEST, back) >= 0.8
    # the same phonemes as whitespace-separated strings
    p2g.set_params(analyzer="word")
    np.testing.assert_array_equal(
        np.concatenate(p2g.predict([" ".join(_sounds(w)) for w in TEST])), np.concatenate(back)
    )


def test_word_analyzer_warns_of_string_targets_with_spaces():
    X = ["le chat", "un chien", "le chien"] * 4
    words = [["the", "cat"], ["a", "dog"], ["the", "dog"]] * 4
    params = dict(FAST, analyzer="word", max_iter=1, random_state=0)
    with pytest.warns(UserWarning, match=r"read as characters.*\[s.split\(\) for s in y\]"):
        chars = Seq2SeqClassifier(**params).fit(X, [" ".join(w) for w in words])
    assert " " in chars.classes_
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert " " not in Seq2SeqClassifier(**params).fit(X, words).classes_
        Seq2SeqClassifier(**params).fit(X, ["cat", "dog", "dog"] * 4)  # no space: no warning


def test_score_is_sequence_accuracy_and_unknown_tokens_are_read(g2p):
    y = [_sounds(w) for w in TEST]
    assert g2p.score(TEST, y) == sequence_accuracy_score(y, g2p.predict(TEST))
    # "z" was never seen: it maps to the unknown entry instead of failing
    assert len(g2p.predict(["zab"])[0]) >= 1


def test_a_sequence_alone_decodes_as_inside_a_batch(g2p):
    words = ["ab", "xexdbca", "c", *TEST[:20]]
    for width in (1, 3):
        g2p.set_params(beam_width=width)
        together, scores = g2p.predict(words), g2p.score_samples(words)
        for i, w in enumerate(words):
            np.testing.assert_array_equal(g2p.predict([w])[0], together[i])
            np.testing.assert_allclose(g2p.score_samples([w])[0], scores[i], rtol=1e-5, atol=1e-6)
    g2p.set_params(beam_width=1)


def _log_likelihood(model, word, ids):
    """Log-likelihood of output ids (end included) from the module's forward."""
    X = torch.tensor([[model.vocabulary_.get(c, 1) for c in word]])
    y = torch.tensor([list(ids)])
    module = model.net_.module_.eval()
    with torch.no_grad():
        logp = torch.log_softmax(module(X, torch.tensor([len(word)]), y), dim=2)
    return float(logp[0, torch.arange(len(ids)), y[0]].sum())


def test_beam_search_finds_the_best_hypothesis_per_token_by_exhaustive_search():
    X = ["ab", "ba", "aa", "bb"] * 5
    y = [["B"], ["A", "B"], ["A"], ["B", "B"]] * 5
    model = Seq2SeqClassifier(analyzer="char", max_iter=2, random_state=0, **FAST).fit(X, y)
    # 2 tokens + end: every hypothesis of at most 3 steps; a beam of 27 keeps them all
    ids = [2, 3]
    hypotheses = [(*p, END) for n in range(3) for p in itertools.product(ids, repeat=n)]
    hypotheses += list(itertools.product(ids, repeat=3))
    model.set_params(beam_width=27, max_output_length=3)
    for word in ["ab", "bab"]:
        scored = [(_log_likelihood(model, word, h), h) for h in hypotheses]
        best = max(scored, key=lambda s: s[0] / len(s[1]))
        pred = model.predict([word])[0]
        expected = [model.classes_[i - 2] for i in best[1] if i != END]
        np.testing.assert_array_equal(pred, expected)
        assert model.score_samples([word])[0] == pytest.approx(best[0], abs=1e-5)


def test_greedy_decoding_takes_the_best_token_at_each_step(g2p):
    for word in TEST[:5]:
        ids = [0]
        while len(ids) <= g2p._max_target_length * 2 + 2:
            X = torch.tensor([[g2p.vocabulary_[c] for c in word]])
            module = g2p.net_.module_.eval()
            with torch.no_grad():
                logits = module(X, torch.tensor([len(word)]), torch.tensor([ids[1:] + [END]]))
            logits[0, -1, 0] = -np.inf  # the start token is never written
            nxt = int(logits[0, -1].argmax())
            ids.append(nxt)
            if nxt == END:
                break
        expected = [g2p.classes_[i - 2] for i in ids[1:] if i != END]
        np.testing.assert_array_equal(g2p.predict([word])[0], expected)
        ll = _log_likelihood(g2p, word, ids[1:])
        assert g2p.score_samples([word])[0] == pytest.approx(ll, abs=1e-5)


def test_decoding_parameters_set_after_fit_are_checked_at_predict(g2p):
    for params in (dict(beam_width=0), dict(max_output_length=0), dict(beam_width="wide")):
        model = copy.deepcopy(g2p).set_params(**params)
        with pytest.raises(ValueError, match=next(iter(params))):
            model.predict(TEST[:2])
    assert len(g2p.predict(TEST[:2])) == 2


def test_max_output_length_stops_decoding(g2p):
    g2p.set_params(max_output_length=2)
    assert all(len(p) <= 2 for p in g2p.predict(TEST))
    g2p.set_params(max_output_length=None)


def test_transform_and_attention_weights(g2p):
    emb = g2p.transform(TEST[:4])
    assert emb.shape == (4, 2 * 32) and emb.dtype == np.float32
    assert len(g2p.get_feature_names_out()) == emb.shape[1]
    weights = g2p.attention_weights(["xab", "ebb"])
    for w, word, p in zip(weights, ["xab", "ebb"], g2p.predict(["xab", "ebb"]), strict=True):
        assert w.shape == (len(p) + 1, len(word))
        np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)
    # writing the first sound of a letter, the decoder looks at that letter most
    assert weights[0][0].argmax() == 0 and weights[1][1].argmax() == 1


@pytest.mark.parametrize("attention", [None, "dot", "additive"])
@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_attention_kinds_and_cells_learn(attention, cell):
    X, y = TRAIN, [_sounds(w) for w in TRAIN]
    model = Seq2SeqClassifier(
        analyzer="char", attention=attention, cell=cell, max_iter=4, random_state=0, **FAST
    ).fit(X, y)
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]


def test_scheduled_sampling_and_early_stopping():
    X, y = TRAIN, [_sounds(w) for w in TRAIN]
    params = dict(analyzer="char", max_iter=3, random_state=0, **FAST)
    forced = Seq2SeqClassifier(**params).fit(X, y)
    sampled = Seq2SeqClassifier(teacher_forcing_ratio=0.5, **params).fit(X, y)
    assert forced.loss_curve_[0] != sampled.loss_curve_[0]
    assert np.isfinite(sampled.loss_curve_).all()
    stopped = Seq2SeqClassifier(early_stopping=True, n_iter_no_change=1, **params).fit(X, y)
    assert len(stopped.validation_scores_) == stopped.n_iter_
    assert 0.3 < stopped.validation_scores_[-1] <= 1.0


def test_digit_pixels_to_the_digit_name_letter_by_letter():
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"])
    names = np.append(names, "nine")
    X, digit = load_digits(return_X_y=True)
    train, test = slice(0, 1200), slice(1200, None)
    model = Seq2SeqClassifier(
        input_type="vectors", hidden_size=64, max_iter=15, random_state=0, n_threads=1
    )
    model.fit(X[train], names[digit[train]])
    pred = model.predict(X[test])
    assert set("".join(np.concatenate(pred))) <= set("".join(names))
    assert sequence_accuracy_score(names[digit[test]], pred) > 0.85
    assert model.transform(X[:3]).shape == (3, 64)


def test_vectors_are_standardised_per_batch_and_tokens_never_scaled():
    rng = np.random.RandomState(0)
    X = rng.normal(loc=[300.0, -2.0, 0.01], scale=[50.0, 1.0, 0.001], size=(40, 3))
    y = [["hi"] if a > 300 else ["lo", "lo"] for a in X[:, 0]]
    params = dict(input_type="vectors", max_iter=2, random_state=0, **FAST)
    assert Seq2SeqClassifier().scaling == "standard"
    model = Seq2SeqClassifier(**params).fit(X, y)
    np.testing.assert_allclose(model._x_mean, X.mean(0), rtol=1e-4)
    np.testing.assert_allclose(model._x_scale, X.std(0), rtol=1e-3)
    assert model._check_X(X, reset=False)[0].scaling is not None
    weights = model.attention_weights(X[:2])
    assert all(np.isfinite(w).all() for w in weights)
    off = Seq2SeqClassifier(scaling=None, **params).fit(X, y)
    assert not hasattr(off, "_x_mean")
    assert not np.allclose(off.transform(X), model.transform(X))
    with pytest.raises(ValueError, match="instance"):
        Seq2SeqClassifier(scaling="instance", **params).fit(X, y)
    words = TRAIN[:16]
    chars = Seq2SeqClassifier(analyzer="char", scaling="standard", max_iter=1, **FAST)
    chars.fit(words, [_sounds(w) for w in words])
    assert chars._check_X(chars._split_strings(words), reset=False)[0].scaling is None
    assert not hasattr(chars, "_x_mean")


def test_training_length_parameters_reach_the_net():
    X, y = TRAIN[:48], [_sounds(w) for w in TRAIN[:48]]
    params = dict(analyzer="char", random_state=0, **FAST)
    model = Seq2SeqClassifier(max_iter="auto", min_steps=12, n_iter_no_change=1, **params)
    model.fit(X, y)  # 3 batches per epoch: at least 4 epochs
    assert 4 <= model.n_iter_ <= 200
    adaptive = Seq2SeqClassifier(max_iter=3, learning_rate="adaptive", **params).fit(X, y)
    assert "lr_scheduler" in dict(adaptive.net_.callbacks_)
    auto = Seq2SeqClassifier(max_iter=2, early_stopping="auto", **params).fit(X, y)
    assert not hasattr(auto, "validation_scores_")  # 48 samples: no held-out split


def test_weights_are_averaged_over_the_last_epochs_by_default():
    X, y = TRAIN[:48], [_sounds(w) for w in TRAIN[:48]]
    params = dict(analyzer="char", max_iter=5, random_state=0, **FAST)
    assert Seq2SeqClassifier().average_weights is True
    averaged = Seq2SeqClassifier(**params).fit(X, y)
    assert averaged._average_from == 2  # epochs 2 to 5 of 5
    assert "weight_averaging" in dict(averaged.net_.callbacks_)
    last = Seq2SeqClassifier(average_weights=False, **params).fit(X, y)
    assert "weight_averaging" not in dict(last.net_.callbacks_)
    # same training run, different kept weights
    assert averaged.loss_curve_ == pytest.approx(last.loss_curve_)
    assert not np.allclose(averaged.score_samples(X), last.score_samples(X))
    early = Seq2SeqClassifier(early_stopping=True, **params).fit(X, y)
    assert "weight_averaging" not in dict(early.net_.callbacks_)
    with pytest.raises(ValueError, match="average_weights"):
        Seq2SeqClassifier(average_weights="yes", **params).fit(X, y)


def test_one_number_per_sample_gives_one_token_per_sample():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4, 1))
    y = (X[:, :, 0].sum(1) > 0).astype(int) + 5
    model = Seq2SeqClassifier(max_iter=20, random_state=0, **FAST).fit(X, y)
    pred = model.predict(X)
    assert pred.shape == (60,) and set(pred) <= {5, 6}
    assert model.score(X, y) > 0.8


def test_grid_search_over_size_attention_and_beam_with_a_metric_scorer():
    X, y = TRAIN[:120], [_sounds(w) for w in TRAIN[:120]]
    search = GridSearchCV(
        Seq2SeqClassifier(analyzer="char", max_iter=3, random_state=0, **FAST),
        {"hidden_size": [8, 16], "attention": [None, "general"], "beam_width": [1, 2]},
        scoring=token_error_rate_scorer,
        cv=KFold(2),
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == 8 and np.isfinite(scores).all() and (scores <= 0).all()
    assert search.best_estimator_.predict(X[:2]).shape == (2,)
    assert np.isfinite(cross_val_score(search.best_estimator_, X, y, cv=KFold(2))).all()


def test_pipeline_and_save_load_keep_string_vocabularies(g2p, tmp_path):
    folder = sklearn_rnn.save(g2p, tmp_path)
    loaded = sklearn_rnn.load(folder)
    assert loaded.vocabulary_ == g2p.vocabulary_
    for a, b in zip(loaded.predict(TEST), g2p.predict(TEST), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.score_samples(TEST), g2p.score_samples(TEST))
    pipe = make_pipeline(FunctionTransformer(lambda X: [w.lower() for w in X]), loaded)
    np.testing.assert_array_equal(pipe.predict(["XAB"])[0], g2p.predict(["xab"])[0])


def test_warm_start_continues_with_the_same_vocabularies(g2p):
    X, y = TRAIN, [_sounds(w) for w in TRAIN]
    model = Seq2SeqClassifier(analyzer="char", max_iter=2, warm_start=True, random_state=0, **FAST)
    model.fit(X, y)
    vocab, first = model.vocabulary_, model.loss_curve_[-1]
    model.fit(X[:50] + ["zzz"], y[:50] + [["B"]])
    assert model.vocabulary_ is vocab and "z" not in model.vocabulary_
    assert model.n_iter_ == 4 and model.loss_curve_[1] == first
    assert model.loss_curve_[2] < model.loss_curve_[0]
    with pytest.raises(ValueError, match="input kind differs"):
        model.fit(np.ones((len(X), 3, 1)), y)


def test_string_input_at_predict_must_match_the_fit(g2p):
    with pytest.raises(ValueError, match="fitted on string tokens"):
        g2p.predict(np.ones((2, 3, 1)))
    for empty in ([], np.array([], dtype=object)):  # no samples, not another input kind
        with pytest.raises(ValueError, match="0 sample"):
            g2p.predict(empty)
    with pytest.raises(ValueError, match="analyzer='char'"):
        Seq2SeqClassifier(**FAST).fit(TRAIN, [_sounds(w) for w in TRAIN])
